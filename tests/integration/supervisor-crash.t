#!/usr/bin/env bash
# The spawner killed: logged, rows still start; the supervisor killed
# with -9: no watcher outlives it, and the next start runs the rows whose
# fields hold the dead pids (a stopped row stays stopped).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
sv_start stop

try "the spawner: the supervisor's child, no watcher its child; killed, it is logged and rows still start"
sp=$(pgrep -P "$SV" -x sw:spawner)
assert is_number "$sp"
assert [ -z "$(pgrep -P "$sp")" ]
assert [ "$(awk '{ print $4 }' "/proc/$(pidof_row a)/stat")" = "$SV" ]
kill -KILL "$sp"
assert_eventually 2 logged 'the spawner exited; forking the watchers here'
sed -i "\$a 1h;h;$URL/a;-;-" "$J"
assert_eventually 1.5 running h
assert child_of "$(pidof_row a)" "$SV"
no_zombie
ok

try "kill -9 the supervisor: no watcher alive a second later"
watchers=$(pgrep -P "$SV")
kill -KILL "$SV"
wait "$SV" 2>/dev/null
SV_KILLED=1
all_gone() { local p; for p in $watchers; do _alive "$p" && return 1; done; return 0; }
assert_eventually 1 all_gone
ok

try "stale pids from the killed supervisor: the next start runs those rows"
stale_a=$(pidof_row a)
is_number "$stale_a" || fail "row a holds no stale pid: $stale_a"
spawn "$BIN" -f "$J" --no-desktop 2>>"$LOG"
SV=$SPAWNED
new_a() { local p; p=$(pidof_row a); is_number "$p" && [ "$p" != "$stale_a" ] && running a; }
assert_eventually 3 new_a
assert field_is b stop
ok

done_testing
