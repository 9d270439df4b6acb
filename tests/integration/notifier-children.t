#!/usr/bin/env bash
# The notifier tells its children apart: the desktop process that died is
# said to be gone (not taken for a hook), its pipe is closed, later
# changes are neither reported as dropped nor lost from the log and hooks,
# and a new desktop process starts at the next change.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"
need dbus-daemon
pageserver_start
ctl set '{"path": "/a", "body": "v1"}' >/dev/null
printf 'interval;name;url;last-modified;pid\n1s;a;%s/a;-;-\n' "$URL" >"$T/jobs.csv"

# A session bus with no notification server on it: the desktop process
# starts and stays (notifications fail, and it tries again at each one).
bus_start bus || { echo "# dbus-daemon did not start"; exit 1; }
export DBUS_SESSION_BUS_ADDRESS=$BUS
spawn "$BIN" -f "$T/jobs.csv" --exec "touch $T/hook-ran" 2>"$T/log"
SV=$SPAWNED

# grandchildren: the supervisor's children's children; only the
# notifier has any (the watchers are the supervisor's own children).
desktop_pid() {
	local kids
	kids=$(pgrep -P "$SV" | paste -sd, -)
	[ -n "$kids" ] && pgrep -P "$kids"
}
has_desktop() { [ -n "$(desktop_pid)" ]; }

try "the notifier starts a desktop process"
assert_eventually 10 has_desktop
assert_eventually 10 grep -q 'a first check' "$T/log"
ok

try "a desktop process killed is said to be gone, not taken for a hook"
D=$(desktop_pid)
kill -KILL "$D"
assert_eventually 5 grep -q "desktop notification process (pid $D) ended (signal 9)" "$T/log"
must_fail grep -q "hook (pid $D)" "$T/log"
ok

try "a change after it is logged and runs the hook, with no 'dropped' message; a new desktop process starts"
ctl set '{"path": "/a", "body": "v2"}' >/dev/null
assert_eventually 10 grep -q 'a changed: ' "$T/log"
assert_eventually 5 test -e "$T/hook-ran"
assert_eventually 5 has_desktop
assert [ "$(desktop_pid)" != "$D" ]
sleep 1
must_fail grep -q 'notifications dropped' "$T/log"
ok

stop "$SV" "$BUS_PID"
done_testing
