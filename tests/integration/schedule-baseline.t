#!/usr/bin/env bash
# A cron row whose baseline check at start fails (the server down, or
# answering 503) takes its baseline as soon as the server answers again,
# retrying after 30 s, doubling: not at its next scheduled time, which for
# '0 5 1 1 *' is up to a year away (issue 21.2: every row takes its silent
# baseline at start, so that its first scheduled check can tell a change).
. "$(dirname "$0")/lib.sh"
pageserver_start
export TZ=UTC
ctl set '{"path": "/y", "body": "y 1", "status": 503}' >/dev/null
J=$T/jobs.csv
LOG=$T/log
printf 'interval;name;url;last-modified;pid\n0 5 1 1 *;y;%s/y;-;-\n' "$URL" >"$J"
spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
SV=$SPAWNED

baselined() { grep -Eq '^[^ ]+ y first check: HTTP 200, baseline recorded' "$LOG"; }

try "a yearly cron row whose baseline check failed at start tries again"
assert_eventually 20 grep -q ' y .*503' "$LOG" || diag "$(cat "$LOG")"
[ "$(requests_to /y)" -ge 1 ] || _failed "no request for /y"
baselined && _failed "a baseline from a 503"
# The retry is planned, and shown by status, well before next January.
next=$(next_check_of "$J" y)
now=$(date +%s)
[ "$next" -gt 0 ] && [ $((next - now)) -le 60 ] ||
	_failed "next check at $next, now $now: no retry of the baseline planned"
ctl set '{"path": "/y", "body": "y 1", "status": 200}' >/dev/null
assert_eventually 90 baselined || diag "$(cat "$LOG")"
ok

try "once it has its baseline, the row waits for its schedule"
baselined || _failed "no baseline"
n=$(requests_to /y)
next=$(next_check_of "$J" y)
[ $((next - $(date +%s))) -gt 86400 ] ||
	_failed "next check at $next: not the schedule's time"
[ "$(requests_to /y)" = "$n" ] || _failed "a check after the baseline"
ok

stop "$SV"
done_testing
