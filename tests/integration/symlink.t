#!/usr/bin/env bash
# A jobs file is the file it resolves to: a second supervisor through a
# symbolic link is refused (and the message names both), and status
# through the link sees the supervisor of the file and its watchers' state.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/a", "body": "v1"}' >/dev/null
mkdir -p "$T/real" "$T/elsewhere"
printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n' "$URL" >"$T/real/jobs.csv"
ln -s "$T/real/jobs.csv" "$T/real/link.csv"
ln -s "$T/real/jobs.csv" "$T/elsewhere/other.csv"

spawn "$BIN" -f "$T/real/jobs.csv" --no-desktop 2>"$T/log"
SV=$SPAWNED
row_running() { grep -Eq ';a;.*;[0-9]+$' "$T/real/jobs.csv"; }

try "the supervisor starts the row"
assert_eventually 10 row_running
assert_eventually 10 grep -q 'a first check' "$T/log"
ok

for link in "$T/real/link.csv" "$T/elsewhere/other.csv"; do
	try "a second supervisor through ${link#$T/} exits 2 and names the file it resolves to"
	assert_status 2 timeout 10 "$BIN" -f "$link" --no-desktop
	assert_grep "is already watched by pid $SV" "$T/.out"
	assert_grep "$T/real/jobs.csv" "$T/.out"
	ok

	try "status through ${link#$T/} sees the supervisor and the watcher's state"
	assert_status 0 "$BIN" -f "$link" status --plain
	assert_grep "^a	1h	running	[0-9]+	" "$T/.out"
	must_fail grep -q 'not running' "$T/.out"
	ok
done

try "the page was polled by one watcher only"
assert_eq "$(requests_to /a)" 1 "requests to /a"
assert_eq "$(grep -c 'a first check' "$T/log")" 1 "first checks logged"
ok

stop "$SV"
done_testing
