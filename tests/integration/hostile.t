#!/usr/bin/env bash
# Hostile and broken servers (tests/integration/hostileserver.py, one path
# per behaviour): drips, stalls, endless and compressed bodies, redirect
# tricks, resets, huge headers, lying lengths, flapping errors, trailers,
# answers that are not HTTP. One supervisor watches them all at once, with
# a plain page among them, for about 16 s; then, for each: no false change,
# the check cut within its limit (measured on the server's side), one log
# line per run of the same error; and for all: the jobs file whole and
# valid, every row as it was, the plain page's change seen, memory bounded.
. "$(dirname "$0")/lib.sh"
need curl
hostileserver_start

TIMEOUT=3		# --timeout
CONNECT=2		# --connect-timeout
MAX_BODY=1000000	# --max-body
RSS_BOUND=40000		# kB: no process of the run may pass it (13 MB seen)
# The sanitizer build's shadow memory and quarantine (34 MB seen).
if ldd "$BIN" 2>/dev/null | grep -q libasan; then RSS_BOUND=100000; fi

# The behaviours that fail every check: NAME PATH ERROR-REGEX LIMIT, where
# LIMIT is the longest a check may hold the connection (s).
FAILING=(
	"drip /drip timeout $((TIMEOUT + 2))"
	"stall /stall timeout $((TIMEOUT + 2))"
	"chunked-endless /chunked-endless larger.than.$MAX_BODY 2"
	"gzip-bomb /gzip-bomb larger.than.$MAX_BODY 2"
	"deflate-bomb /deflate-bomb larger.than.$MAX_BODY 2"
	"zstd-bomb /zstd-bomb larger.than.$MAX_BODY 2"
	"redirect-endless /redirect-endless larger.than.$MAX_BODY 2"
	"redirect-loop /redirect-loop redirects 2"
	"redirect-file /redirect-file not.http.or.https.*file 2"
	"redirect-ftp /redirect-ftp not.http.or.https.*ftp 2"
	"rst /rst remaining|reset|closed 2"
	"short-cl /short-cl remaining 2"
	"huge-header /huge-header header.too.large 2"
	"many-headers /many-headers header.too.large 2"
	"http09 /http09 not.HTTP 2"
	"status99999 /status99999 not.HTTP 2"
)

mkdir -p "$T/run"
J=$T/run/jobs.csv
{
	echo 'interval;name;url;last-modified;pid'
	echo "1s;plain;$HOSTILE_URL/ok;-;-"
	for f in "${FAILING[@]}"; do
		set -- $f
		echo "1s;$1;$HOSTILE_URL$2;-;-"
	done
	echo "1s;tls-stall;$HOSTILE_TLS_URL/;-;-"
	echo "1s;long-cl;$HOSTILE_URL/long-cl;-;-"
	echo "1s;flap;$HOSTILE_URL/flap;-;-"
	echo "1s;trailer;$HOSTILE_URL/trailer;-;-"
	for r in retry-429 retry-503-date retry-huge; do
		echo "1s;$r;$HOSTILE_URL/$r;-;-"
	done
} >"$J"
cp "$J" "$T/run/before.csv"
# Beside it, one watcher alone with -v, on a server that is not HTTP.
mkdir -p "$T/verbose"
printf 'interval;name;url;last-modified;pid\n1s;v09;%s/http09?v;-;-\n' \
	"$HOSTILE_URL" >"$T/verbose/jobs.csv"
spawn "$BIN" -f "$T/verbose/jobs.csv" -v --no-desktop --timeout "$TIMEOUT" \
	watch v09 2>"$T/verbose/log"
V=$SPAWNED

spawn "$BIN" -f "$J" --no-desktop --alert-after 0 --timeout "$TIMEOUT" \
	--connect-timeout "$CONNECT" --max-body "$MAX_BODY" 2>"$T/run/log"
S=$SPAWNED

# sample: the largest VmRSS (kB) of the supervisor and its children so far
# in RSS_MAX, and that process in $T/run/rss. Bash builtins only: this
# machine may be loaded, and a fork per process would slow the sampling.
RSS_MAX=0
sample() {
	local pid kids k v _ cmd
	kids=
	read -r kids 2>/dev/null <"/proc/$S/task/$S/children"
	for pid in "$S" $kids; do
		while read -r k v _; do
			[ "$k" = VmRSS: ] && break
		done 2>/dev/null <"/proc/$pid/status"
		[ "$k" = VmRSS: ] && [ "$v" -gt "$RSS_MAX" ] || continue
		RSS_MAX=$v
		read -r -d '' cmd 2>/dev/null <"/proc/$pid/cmdline"
		echo "$v kB, pid $pid ($cmd)" >"$T/run/rss"
	done
}
# run_for SECONDS: sample memory every 0.2 s for that long.
run_for() {
	local end=$(($(_now_us) + $1 * 1000000))
	while [ "$(_now_us)" -lt "$end" ]; do
		sample
		sleep 0.2
	done
}
run_for 7
# The plain page changes once, half-way: its watcher sees it, whatever
# its neighbours do.
curl -sS -o /dev/null "$HOSTILE_URL/_ctl/ok?body=%3Cp%3Ea%20new%20text%3C%2Fp%3E"
run_for 9
stop "$S" "$V"
# The server's view, one line per path: PATH REQUESTS LONGEST MINGAP,
# LONGEST the longest (s, rounded up) a connection was held (one still
# open when the supervisor stopped counts until now), MINGAP the shortest
# time (s, rounded down) between two requests' starts; and the
# If-Modified-Since values each path was sent, "PATH<TAB>VALUE" in
# $T/run/ims.
hostile_stats | python3 -c '
import json, math, sys, time
by = {}
ims = set()
for r in json.load(sys.stdin)["requests"]:
    n, longest, last, gap = by.get(r["path"], (0, 0, None, 999))
    if last is not None:
        gap = min(gap, math.floor(r["start"] - last))
    by[r["path"]] = (n + 1, max(longest, math.ceil((r["end"] or time.time()) - r["start"])),
                     r["start"], gap)
    ims.add("%s\t%s" % (r["path"], r["if_modified_since"] or "-"))
for p, (n, longest, _, gap) in sorted(by.items()):
    print(p, n, longest, gap)
open(sys.argv[1], "w").write("".join(sorted(i + "\n" for i in ims)))
' "$T/run/ims" >"$T/run/stats"

# lines NAME ERE: how many log lines of NAME match ERE.
lines() { grep -Ec -- "Z $1 ($2)" "$T/run/log"; }
# stats requests|longest|mingap PATH: the number of requests to PATH, the
# longest one (s), or the shortest time between two (s).
stats() {
	awk -v p="$2" -v f="$1" '$1 == p { n = 1
			print (f == "requests" ? $2 : f == "longest" ? $3 : $4) }
		END { if (!n) print 0 }' "$T/run/stats"
}

for f in "${FAILING[@]}"; do
	set -- $f
	name=$1 path=$2 err=$3 limit=$4
	try "$name: never a change, each check cut within ${limit}s, the error logged once"
	assert_eq "$(lines "$name" 'changed|first check')" 0 "no change, no baseline"
	n=$(stats requests "$path")
	[ "$n" -ge 2 ] || _failed "only $n checks: too few to tell a run of errors"
	assert_eq "$(lines "$name" 'error:')" 1 "one error line for the run"
	assert_grep "Z $name error: .*($err)" "$T/run/log"
	longest=$(stats longest "$path")
	[ "$longest" -le "$limit" ] ||
		_failed "a check of $path held its connection ${longest}s (limit ${limit}s)"
	ok
done

try "tls-stall: a server silent in the TLS handshake is cut at --connect-timeout"
assert_eq "$(lines tls-stall 'changed|first check')" 0 "no change"
assert_eq "$(lines tls-stall 'error:')" 1 "one error line"
assert_grep "Z tls-stall error: timeout" "$T/run/log"
n=$(stats requests '(tls)')
[ "$n" -ge 3 ] || _failed "only $n handshakes tried in 16 s"
longest=$(stats longest '(tls)')
[ "$longest" -le $((CONNECT + 2)) ] ||
	_failed "a handshake was waited for ${longest}s (--connect-timeout $CONNECT)"
ok

try "long-cl: a body longer than its Content-Length is cut there, never a change"
assert_eq "$(lines long-cl 'changed')" 0 "no change"
assert_eq "$(lines long-cl 'error')" 0 "no error"
assert_eq "$(lines long-cl 'first check')" 1 "one baseline"
ok

try "flap: 200 and 503 by turns: never a change, each failure and recovery logged once"
assert_eq "$(lines flap 'changed')" 0 "no change"
e=$(lines flap 'error: HTTP 503') r=$(lines flap 'recovered')
[ "$e" -ge 2 ] || _failed "only $e error runs"
[ "$e" -eq "$r" ] || [ "$e" -eq $((r + 1)) ] ||
	_failed "$e error lines for $r recoveries: more than one line per run"
ok

try "trailer: a Last-Modified trailer is not a header: not stored, not sent back, no change"
assert_eq "$(lines trailer 'changed:|error')" 0 "no change, no error"
assert_eq "$(lines trailer 'first check')" 1 "one baseline"
[ "$(stats requests /trailer)" -ge 5 ] || _failed "fewer than 5 checks"
assert_eq "$(awk -F';' '$2 == "trailer" {print $4}' "$J")" 'Wed, 21 Oct 2015 07:28:00 GMT' \
	"the row has the header's value"
assert_eq "$(grep -c '^/trailer	' "$T/run/ims" | tr -d ' ')" 2 "two If-Modified-Since values"
assert_grep '^/trailer	Wed, 21 Oct 2015 07:28:00 GMT$' "$T/run/ims"
ok

for r in retry-429:HTTP.429 retry-503-date:HTTP.503; do
	name=${r%%:*} err=${r#*:}
	try "$name: Retry-After is honoured: no check before the server's time, said once"
	assert_eq "$(lines "$name" 'changed|first check')" 0 "no change"
	assert_eq "$(lines "$name" 'error:')" 1 "one error line"
	assert_grep "Z $name error: $err" "$T/run/log"
	assert_eq "$(lines "$name" 'the server asks to wait [0-9]+ s \(Retry-After\): next check in [0-9]+ s')" 1 \
		"the wait said once"
	n=$(stats requests "/$name") gap=$(stats mingap "/$name")
	[ "$n" -ge 2 ] || _failed "only $n checks in 16 s"
	[ "$gap" -ge 3 ] || _failed "checks ${gap}s apart: Retry-After 4 ignored"
	ok
done

try "retry-huge: a Retry-After of 11 days waits an hour at most, and says so"
assert_grep 'Z retry-huge the server asks to wait 999999 s \(Retry-After, at most an hour\): next check in 3600 s' \
	"$T/run/log"
assert_eq "$(stats requests /retry-huge)" 1 "one check"
ok

try "-v: every failed check is logged, the repeats as 'error again'"
assert_eq "$(grep -c 'Z v09 error: not HTTP' "$T/verbose/log")" 1 "the first one"
assert_grep 'Z v09 error again \(3 checks in a row\): not HTTP' "$T/verbose/log"
ok

try "plain: the page beside them all has its baseline and its one change"
assert_eq "$(lines plain 'first check')" 1 "one baseline"
assert_eq "$(lines plain 'changed:')" 1 "the one change"
assert_eq "$(lines plain 'error')" 0 "no error"
ok

try "the jobs file is whole and valid, every row as it was but last-modified and pid"
assert "$BIN" --check -f "$J"
cut -d';' -f1-3 "$T/run/before.csv" >"$T/run/want"
cut -d';' -f1-3 "$J" >"$T/run/got"
assert_diff "$T/run/want" "$T/run/got"
assert_eq "$(awk -F';' '$2 == "plain" {print $4}' "$J")" 'Wed, 21 Oct 2015 07:28:00 GMT'
assert_eq "$(awk -F';' 'NR > 1 && $2 != "plain" && $2 != "trailer" && $4 != "-"' "$J")" "" \
	"no last-modified from a broken answer"
ok

try "memory stays bounded: no process of the run passed ${RSS_BOUND} kB"
[ "$RSS_MAX" -gt 0 ] || _failed "no sample taken"
[ "$RSS_MAX" -le "$RSS_BOUND" ] || _failed "VmRSS $(cat "$T/run/rss")"
ok
echo "# largest VmRSS: $(cat "$T/run/rss")"

done_testing
