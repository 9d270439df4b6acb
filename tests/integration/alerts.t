#!/usr/bin/env bash
# --alert-after K: a watcher that failed K checks in a row says so once
# ("NAME failing since TIME: reason"), and once more when it recovers;
# 0 never says it.  What was said survives a restart of the watcher.
. "$(dirname "$0")/lib.sh"
pageserver_start

J=$T/jobs.csv
LOG=$T/log
lines() { grep -Ec -- "$1" "$LOG"; }
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
# more REGEX N: wait for N more lines matching REGEX than there are now
# (checks that have run, so that "nothing more was said" is not a sleep
# that a loaded machine passes without a single check: issue 21.15).
more() { assert_eventually 10 at_least "$1" $(($(lines "$1") + $2)); }
ctl set '{"path": "/a", "body": "fine"}' >/dev/null
printf 'interval;name;url;last-modified;pid\n1s;site;%s/a;-;-\n' "$URL" >"$J"

try "K failed checks in a row: said once, with the time of the first failure and the reason"
spawn "$BIN" -f "$J" --no-desktop -v --alert-after 3 watch site 2>"$LOG"
W=$SPAWNED
assert_eventually 10 at_least 'site first check' 1
ctl set '{"path": "/a", "status": 503, "body": "down"}' >/dev/null
assert_eventually 10 at_least 'site failing since' 1
assert_grep 'site failing since [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z: HTTP 503$' "$LOG"
# Said at the third failure (checks 1 s apart), not before.
ts() { date -d "$(grep -m1 -- "$1" "$LOG" | cut -d' ' -f1)" +%s; }
assert_eq "$(( $(ts 'site failing since') - $(ts 'site error: HTTP 503') >= 2 ))" 1 "two checks after the first failure"
assert_grep '^failures=[3-9]' "$T/.jobs.csv.state/site"
first=$(grep -n 'site failing since' "$LOG" | head -1 | cut -d: -f1)
assert_eq "$(head -n "$first" "$LOG" | grep -c 'error: HTTP 503')" 1 "one error line before it"
ok

try "more failures: nothing more is said; a restart of the watcher does not say it again"
more 'site error' 2
stop "$W"
n=$(lines 'site error')
spawn "$BIN" -f "$J" --no-desktop -v --alert-after 3 watch site 2>>"$LOG"
W=$SPAWNED
# Three failed checks of the new watcher: its failure count is past K at
# the first of them.
assert_eventually 10 at_least 'site error' $((n + 3))
assert_eq "$(lines 'site failing since')" 1 "said once"
ok

try "recovery is said once"
ctl set '{"path": "/a", "body": "fine"}' >/dev/null
assert_eventually 10 at_least 'site recovered after' 1
more 'site unchanged' 2
assert_eq "$(lines 'site recovered after')" 1 "once"
assert_eq "$(lines 'site changed')" 0 "an error and its recovery are no change"
ok

try "a second run of failures is said again"
ctl set '{"path": "/a", "status": 500, "body": "down"}' >/dev/null
assert_eventually 10 at_least 'site failing since .*: HTTP 500$' 1
stop "$W"
ok

try "--alert-after 0: never said"
ctl set '{"path": "/a", "body": "fine"}' >/dev/null
: >"$LOG"
spawn "$BIN" -f "$J" --no-desktop -v --alert-after 0 watch site 2>"$LOG"
W=$SPAWNED
assert_eventually 10 at_least 'site (recovered|unchanged)' 1
ctl set '{"path": "/a", "status": 503, "body": "down"}' >/dev/null
assert_eventually 10 at_least 'site error: HTTP 503' 1
# Three more failed checks: past the default K of 3.
more 'site error' 3
assert_eq "$(lines 'failing since')" 0 "never"
stop "$W"
ok

done_testing
