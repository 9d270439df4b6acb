#!/usr/bin/env bash
# Schedules under a supervisor (issue 21, points 1 and 2): every row takes
# its silent baseline at start, whatever its schedule, so the first
# scheduled check of a cron row can tell a change; a check by hand
# ('sitewatch check NAME', which signals the watcher) is extra and moves no
# cron or @ time, while a duration counts from the last check.
. "$(dirname "$0")/lib.sh"
pageserver_start
export TZ=UTC
for p in h d w m n r; do ctl set "{\"path\": \"/$p\", \"body\": \"$p 1\"}" >/dev/null; done
J=$T/jobs.csv
LOG=$T/log
cat >"$J" <<EOF
interval;name;url;last-modified;pid
@hourly;h;$URL/h;-;-
@daily;d;$URL/d;-;-
0 5 * * 1-5;w;$URL/w;-;-
* * * * *;m;$URL/m;-;-
* * * * *;n;$URL/n;-;-
1h;r;$URL/r;-;-
EOF
spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
SV=$SPAWNED

# next_of NAME: the next check 'status --json' shows for NAME (Unix time).
next_of() { next_check_of "$J" "$1"; }
# requests_in PATH FROM TO: how many requests for PATH the page server had
# from Unix time FROM up to (not including) TO.
requests_in() {
	ctl stats | python3 -c '
import json, sys
p, a, b = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(sum(1 for r in json.load(sys.stdin)["requests"]
          if r["path"] == p and a <= r["time"] < b))' "$1" "$2" "$3"
}
baselined() { grep -Eq "^[^ ]+ $1 first check: HTTP 200, baseline recorded" "$LOG"; }
all_baselined() { local n; for n in h d w m n r; do baselined "$n" || return 1; done; }
# second_between A B: the clock's second within its minute is in A..B.
second_between() { local s; s=$((10#$(date +%S))); [ "$s" -ge "$1" ] && [ "$s" -le "$2" ]; }
# logged_at NAME WHAT T: a log line of NAME saying WHAT at Unix time T or
# up to 20 s after it (times TEST_SLOW: a loaded machine starts a check
# late; the schedule's next time is 60 s on, so a line in this window can
# only be the check made for T).
SLACK=$(awk -v k="${TEST_SLOW:-1}" 'BEGIN { s = 20 * k; if (s > 50) s = 50; printf "%d", s }')
logged_at() {
	local t
	for ((t = $3; t <= $3 + SLACK; t++)); do
		grep -Eq "^$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ) $1 $2" "$LOG" && return 0
	done
	return 1
}

try "issue 21.2: every row takes its silent baseline at start, cron and @ rows too"
# The first checks are spread over at most 5 s; @daily and '0 5 * * 1-5'
# would otherwise make no request before midnight or 5 o'clock.
assert_eventually 20 all_baselined || diag "$(cat "$LOG")"
for p in h d w m n r; do
	[ "$(requests_to "/$p")" -ge 1 ] || _failed "no request for /$p"
done
must_fail grep -q ' changed' "$LOG"
ok

try "issue 21.2: the first scheduled check of a new cron row compares and tells"
# n's baseline is taken; the page changes; the next minute mark tells it.
b=$(date -u -d "$(grep -E "^[^ ]+ n first check" "$LOG" | head -1 | cut -d' ' -f1 | tr T ' ' | tr -d Z)" +%s)
ctl set '{"path": "/n", "body": "n 2"}' >/dev/null
# The first minute mark after both the baseline and the page's change: a
# slow machine may see the test set the page after the mark that follows
# the baseline (its check then rightly found nothing new).
set_at=$(date +%s)
[ "$set_at" -gt "$b" ] && b=$set_at
mark=$(( (b / 60 + 1) * 60 ))
assert_eventually 90 grep -q ' n changed: ' "$LOG"
assert logged_at n 'changed: ' "$mark" ||
	diag "baseline at $b, minute mark $mark: $(grep ' n ' "$LOG")"
ok

try "issue 21.1: checks by hand move no cron or @ time (status --json)"
# Far enough from a minute mark that m's scheduled check does not come
# in the middle of the checks by hand.
assert_eventually 70 second_between 3 25
for n in h d w m; do eval "before_$n=\$(next_of $n)"; done
for i in 1 2 3; do
	for n in h d w m; do
		assert_status 0 "$BIN" -f "$J" check "$n" || diag "$(cat "$T/.out")"
	done
done
assert_grep '^m: unchanged$' "$T/.out"
for n in h d w m; do
	eval "b=\$before_$n"
	assert_eq "$(next_of $n)" "$b" "$n's next check after three checks by hand"
done
ok

try "issue 21.1: the scheduled request of a '* * * * *' row still comes at its minute"
# Three checks by hand were made in this minute; the schedule's own
# request is still made at the mark status showed before them.
t=$before_m
assert_eventually 90 logged_at m unchanged "$t" || diag "$(grep ' m ' "$LOG")"
# One request from the mark on, within the same slack as logged_at.
assert_eq "$(requests_in /m "$t" $((t + SLACK + 1)))" 1 "requests for /m at $before_m (server log)"
ok

try "a duration counts from the last check: a check by hand moves it"
before=$(next_of r)
sleep 2
assert_status 0 "$BIN" -f "$J" check r
after=$(next_of r)
now=$(date +%s)
assert_eq "$(( after > before && after >= now + 3590 && after <= now + 3610 ))" 1 \
	"next check an hour after the check by hand (was $before, now $after, at $now)"
ok

done_testing
