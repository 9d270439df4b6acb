#!/usr/bin/env bash
# Stopping everything: Ctrl-C (SIGINT to the process group) and SIGTERM
# to the supervisor stop every watcher, put the pid fields back to - (a
# stopped row stays stopped) and exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
sv_start stop

try "Ctrl-C (SIGINT to the process group): watchers stopped, fields back to -, exit 0"
pa=$(pidof_row a)
kill -INT -- "-$SV"
wait "$SV"
st=$?
assert_eq "$st" 0 "exit status"
assert gone "$pa"
assert_eq "$(awk -F';' 'NR > 2 && $5 != "-" && $5 != "stop"' "$J")" "" "every field - (or stop)"
assert field_is b stop
ok

all_gone() { local p; for p in $watchers; do _alive "$p" && return 1; done; return 0; }

try "SIGTERM to the supervisor: every watcher gone, every field -, exit 0"
spawn "$BIN" -f "$J" --no-desktop 2>>"$LOG"
SV=$SPAWNED
assert_eventually 3 running a
watchers=$(pgrep -P "$SV")
kill -TERM "$SV"
wait "$SV"
st=$?
assert_eq "$st" 0 "exit status"
assert all_gone
assert_eq "$(awk -F';' 'NR > 2 && $5 != "-" && $5 != "stop"' "$J")" "" "every field - (or stop)"
ok

done_testing
