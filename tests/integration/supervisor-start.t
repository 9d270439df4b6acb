#!/usr/bin/env bash
# The supervisor starts one watcher per runnable row, as its own child,
# niced, without libnotify mapped; a second supervisor is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
sv_start

try "start: one watcher per runnable row, its pid in the file, the supervisor its parent"
assert_eventually 3 running a
assert_eventually 3 running b
assert_eventually 3 running c
no_zombie
ok

try "watchers run at a niceness 5 above the supervisor's (it keeps the CPU under load)"
sv_ni=$(ps -o ni= -p "$SV")
want=$((sv_ni + 5 > 19 ? 19 : sv_ni + 5))
assert_eq "$(ps -o ni= -p "$(pidof_row a)" | tr -d ' ')" "$want"
assert_eq "$(ps -o ni= -p "$(pgrep -P "$SV" -x sw:spawner)" | tr -d ' ')" "$(echo $sv_ni)"
ok

try "libnotify is not mapped into the watchers (only the desktop process loads it)"
assert grep -q libcurl "/proc/$(pidof_row a)/maps"
must_fail grep -q libnotify "/proc/$(pidof_row a)/maps"
must_fail grep -q libnotify "/proc/$SV/maps"
ok

try "a second supervisor on the same file exits 2 and names the first"
assert_status 2 "$BIN" -f "$J" --no-desktop
assert_grep "is already watched by pid $SV\$" "$T/.out"
ok

done_testing
