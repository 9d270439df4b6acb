#!/usr/bin/env bash
# Schedules in the interval column, with real time: a cron row checks at
# second 0 of each minute; a one-shot 'at' row runs once and ends 'done';
# a watcher stopped past its due times catches up with exactly one check;
# 'sitewatch next' prints the expected times for a fixed clock.  Every
# row takes its baseline at start (issue 21.2), whatever its schedule.
. "$(dirname "$0")/lib.sh"
pageserver_start
for p in cron at past stopped; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done

# job NAME SCHEDULE: a jobs file $T/NAME.csv with one row NAME.
job() { printf 'interval;name;url;last-modified;pid\n%s;%s;%s/%s;-;-\n' "$2" "$1" "$URL" "$1" > "$T/$1.csv"; }
# watch NAME: runs its watcher, log in $T/NAME.log, pid in W_NAME.
watch() { spawn "$BIN" -f "$T/$1.csv" -v --no-desktop watch "$1" 2>>"$T/$1.log"; eval "W_$1=\$SPAWNED"; }
lines() { grep -Ec -- "$2" "$T/$1.log"; }
at_least() { [ "$(lines "$1" "$2")" -ge "$3" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
requests() { requests_to "/$1"; }

# The slow ones run side by side: the cron row needs two minute marks.
job cron '* * * * * ~0s'
watch cron
# At least 10 s away, so that the baseline at start comes before it.
at_min=$(date -d '+70 seconds' '+%Y-%m-%d %H:%M')
job at "at $at_min"
watch at
job past 'at 2020-01-01 00:00'
watch past
job stopped 4s
watch stopped

try "'sitewatch next' prints the next run times for a fixed clock"
out=$(SITEWATCH_NOW='2026-02-27 10:00' TZ=Europe/Berlin "$BIN" next '0 5 * * 1-5' -n 4)
assert_eq "$out" "2026-03-02 05:00:00 CET Mon
2026-03-03 05:00:00 CET Tue
2026-03-04 05:00:00 CET Wed
2026-03-05 05:00:00 CET Thu" "weekday mornings"
out=$(SITEWATCH_NOW='2026-03-28 12:00' TZ=Europe/Berlin "$BIN" next '30 2 * * *' -n 2)
assert_eq "$out" "2026-03-29 03:00:00 CEST Sun
2026-03-30 02:30:00 CEST Mon" "a time in the spring-forward gap runs at the next time that exists"
out=$(SITEWATCH_NOW='2027-01-01 00:00' TZ=UTC "$BIN" next '0 0 29 2 *' -n 1)
assert_eq "$out" "2028-02-29 00:00:00 UTC Tue" "29 February"
out=$(SITEWATCH_NOW='2026-01-01 00:00' TZ=UTC "$BIN" next 'at 2025-06-01 09:00')
assert_grep '^no run after now' <(echo "$out")
out=$(SITEWATCH_NOW=@9223372036854775000 TZ=UTC "$BIN" next 10m -n 3)
assert_eq "$out" "@9223372036854775600 (too far ahead to show as a date)
no further run: past the last time this system can count" "no overflow at the end of time_t, no garbage past the calendar"
out=$(SITEWATCH_NOW=@9223372036854775000 TZ=UTC "$BIN" next '* * * * *' -n 3)
assert_eq "$out" "no next run: past the last time this system can count" "cron at the end of time_t"
out=$(SITEWATCH_NOW='2026-01-01 12:00' TZ=UTC "$BIN" next '0 0 * * sun-sun' -n 2)
assert_eq "$out" "2026-01-04 00:00:00 UTC Sun
2026-01-11 00:00:00 UTC Sun" "sun-sun is Sunday alone"
assert_status 2 "$BIN" next '*/0 * * * *'
assert_grep 'interval: "\*/0 \* \* \* \*": step must be at least 1' "$T/.out"
ok

try "a one-shot 'at' row in the past runs once at start, then its pid field says done"
assert_eventually 5 gone "$W_past"
assert_grep ';done$' "$T/past.csv"
assert_eq "$(requests past)" 1 "one check"
ok

try "a watcher stopped (SIGSTOP) past its due times makes exactly one catch-up check"
assert_eventually 6 at_least stopped 'first check' 1
sleep 0.5
kill -STOP "$W_stopped"
before=$(requests stopped)
sleep 13
kill -CONT "$W_stopped"
# The catch-up check comes at once; the next one 4 s after it, so a
# second after the log line there is one (a loaded machine may be slow
# to log, not to plan).
assert_eventually 10 at_least stopped 'caught up: [0-9]+ checks? missed' 1
sleep 1
assert_eq "$(( $(requests stopped) - before ))" 1 "checks in the second after the catch-up"
stop "$W_stopped"
ok

try "a one-shot 'at' row in the coming minute: baseline at start, a check at that minute, then done (issue 21.3)"
assert_eventually 135 gone "$W_at"
assert_grep ';done$' "$T/at.csv"
assert_eq "$(requests at)" 2 "the baseline and the check at its time"
assert_eq "$(lines at 'first check')" 1 "one baseline"
assert_grep "^$(date -u -d "$at_min" '+%Y-%m-%dT%H:%M'):0[01]Z at unchanged" "$T/at.log"
ok

try "a cron row '* * * * * ~0s': baseline at start, then checks at second 0 of each minute (allow 1 s)"
assert_eq "$(lines cron 'first check')" 1 "one baseline"
assert_eventually 130 at_least cron 'unchanged' 2
bad=$(grep -E 'unchanged' "$T/cron.log" | awk '{print $1}' | grep -Ev ':0[01]Z$')
assert_eq "$bad" "" "scheduled checks not at second 0 or 1"
ok

done_testing
