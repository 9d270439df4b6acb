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
assert_fails grep -q 'error:' "$LOG"
ok

try "a CA file that changed (its time) is read again at the next check"
touch "$T/ca.pem"
assert_eventually 5 grep -Eq ' s error: .*(certificate|SSL)' "$LOG"
ok

stop "$SV"
done_testing
