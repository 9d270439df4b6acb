#!/usr/bin/env bash
# HTTPS: --cacert trusts a certificate made on the spot, certificates are
# verified, and the CA bundle is read once at start (every watcher shares
# what was read) unless the file changes.  A real TLS server on 127.0.0.1.
. "$(dirname "$0")/lib.sh"

# cert NAME: a self-signed ECDSA certificate for 127.0.0.1 in NAME.pem
# (key NAME.key), padded to 4096 bytes (text outside the PEM markers is
# ignored), so that two of them have the same size.
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.pem" -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 2>/dev/null || return 1
	head -c $((4095 - $(stat -c %s "$T/$1.pem"))) /dev/zero | tr '\0' x >>"$T/$1.pem"
	echo >>"$T/$1.pem"
}
cert server
cert other
pageserver_start --tls "$T/server.pem" "$T/server.key"
ctl set '{"path": "/p", "body": "page", "etag": "\"1\""}' >/dev/null

try "check --url with --cacert: the server's certificate is trusted"
assert_status 0 "$BIN" --cacert "$T/server.pem" check --url "$TLS_URL/p"
assert_grep '^status: +200$' "$T/.out"
ok

try "without it, or with another CA, the certificate is refused (TLS error, exit 1)"
assert_status 1 "$BIN" check --url "$TLS_URL/p"
assert_grep '^error: .*\(TLS\)$' "$T/.out"
assert_status 1 "$BIN" --cacert "$T/other.pem" check --url "$TLS_URL/p"
assert_grep '^error: .*\(TLS\)$' "$T/.out"
ok

J=$T/jobs.csv
LOG=$T/log
cp "$T/server.pem" "$T/ca.pem"
printf 'interval;name;url;last-modified;pid\n1s;s;%s/p;-;-\n' "$TLS_URL" >"$J"
checks() { grep -cF ' s unchanged (HTTP 304' "$LOG"; }
more_checks() { [ "$(checks)" -ge "$1" ]; }

try "a supervised watcher checks over HTTPS with --cacert"
spawn "$BIN" -f "$J" --cacert "$T/ca.pem" --no-desktop -v 2>"$LOG"
SV=$SPAWNED
assert_eventually 5 grep -q ' s first check: HTTP 200' "$LOG"
assert_eventually 5 more_checks 2
ok

# resumed: "N M": the HTTPS requests for /p with a new TLS session, and
# with a resumed one.
resumed() {
	ctl stats | python3 -c 'import json, sys
r = [q["tls_resumed"] for q in json.load(sys.stdin)["requests"]
     if q["path"] == "/p" and "tls_resumed" in q]
print(r.count(False), r.count(True))'
}
try "a watcher's later checks resume its TLS session"
ctl reset >/dev/null
n=$(checks)
assert_eventually 5 more_checks $((n + 3))
read -r new res <<<"$(resumed)"
assert [ "$res" -ge 2 ]
assert [ "$new" -le 1 ]
ok

try "the CA file is read once: other CAs written into it in place (same size and time) change nothing"
touch -r "$T/ca.pem" "$T/ref"
dd if="$T/other.pem" of="$T/ca.pem" conv=notrunc status=none
touch -r "$T/ref" "$T/ca.pem"
assert cmp -s "$T/ca.pem" "$T/other.pem"
n=$(checks)
assert_eventually 5 more_checks $((n + 3))
must_fail grep -q 'error:' "$LOG"
ok

try "a CA file that changed (its time) is read again at the next check"
touch "$T/ca.pem"
assert_eventually 15 grep -Eq ' s error: .*(certificate|SSL)' "$LOG"
ok

# A CA, and a certificate for 127.0.0.1 that it signed (NAME.pem, .key).
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.pem" -days 2 -subj "/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign 2>/dev/null
}
signed() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$2.key" -subj /CN=127.0.0.1 2>/dev/null |
		openssl x509 -req -CA "$T/$1.pem" -CAkey "$T/$1.key" \
			-CAcreateserial -days 2 -out "$T/$2.pem" \
			-extfile <(printf 'subjectAltName=IP:127.0.0.1\n') 2>/dev/null
}
# after FROM ERE: how many lines of the log from line FROM on match ERE.
after() { tail -n +"$1" "$LOG" | grep -Ec -- "$2"; }
n_checks_after() { [ "$(after "$1" ' n unchanged \(HTTP 304')" -ge "$2" ]; }

try "issue 21.9: a bundle replaced by one with a new CA: built again once per watcher, not per check; the new CA is trusted"
ca newca && signed newca newsite
spawn python3 "$LIB_DIR/pageserver.py" --port 0 --tls "$T/newsite.pem" \
	"$T/newsite.key" >"$T/ps2.port" 2>"$T/ps2.log"
assert_eventually 10 _has_lines "$T/ps2.port" 2
{ read -r P2; read -r TP2; } <"$T/ps2.port"
URL=http://127.0.0.1:$P2 ctl set '{"path": "/n", "body": "new", "etag": "\"1\""}' >/dev/null
printf '1s;n;https://127.0.0.1:%s/n;-;-\n' "$TP2" >>"$J"
# Not trusted yet: its CA is in no bundle.
assert_eventually 15 grep -Eq ' n error: .*(certificate|SSL)' "$LOG"
from=$(($(wc -l <"$LOG") + 1))
# As update-ca-certificates does: a new file renamed over the old one.
cat "$T/server.pem" "$T/newca.pem" >"$T/ca.new"
mv "$T/ca.new" "$T/ca.pem"
# Looked at within 10 s: until then the old CAs are trusted.
assert_eventually 30 grep -q ' n first check: HTTP 200' "$LOG"
assert_eventually 15 grep -q ' s recovered' "$LOG"
assert_eventually 15 n_checks_after "$from" 5
# Each watcher read the new bundle once, for all its later checks, which
# all trust the new CA.
assert_eq "$(after "$from" ' n CA store rebuilt')" 1 "n's rebuilds after the change"
assert_eq "$(after "$from" ' s CA store rebuilt')" 1 "s's rebuilds after the change"
rebuilt=$(grep -n ' n CA store rebuilt' "$LOG" | tail -n 1 | cut -d: -f1)
assert_eq "$(after "$rebuilt" ' n error')" 0 "n's errors once its store was rebuilt"
ok

# can_trace PID: strace can attach to PID here (it is still attached
# when timeout ends it).
can_trace() {
	local st=0
	timeout 1 strace -qq -p "$1" -o /dev/null 2>/dev/null || st=$?
	[ "$st" = 124 ]
}
desc="issue 21.9: after the rebuild a check opens no CA file (strace)"
n=$(awk -F';' '$2 == "n" { print $5 }' "$J")
if ! have strace timeout || ! can_trace "$n"; then
	skip "$desc" "needs strace, allowed to attach"
else
	try "$desc"
	from=$(($(wc -l <"$LOG") + 1))
	spawn strace -qq -f -p "$n" -e trace=open,openat,connect \
		-o "$T/strace.out"
	ST=$SPAWNED
	assert_eventually 15 n_checks_after "$from" 4
	stop "$ST"
	# Attached: each check connects.
	assert_grep 'connect\(' "$T/strace.out"
	assert_eq "$(grep -c 'ca\.pem\|ca\.new\|/etc/ssl/certs' "$T/strace.out")" 0 \
		"CA files opened in 3 checks"
	ok
fi

stop "$SV"
done_testing
