#!/usr/bin/env bash
# Clicking a change's notification opens its URL (issue 14): the default
# action, offered where the server takes actions (dunst does), runs
# xdg-open with the URL, no shell in between. The notifications kept for
# a click cost no process: the desktop process waits for every click on
# its own main loop.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"
need dbus-daemon dbus-send Xvfb dunst dunstctl
pageserver_start

# displayed N: dunst shows at least N notifications.
displayed() { [ "$("${DUNST_ENV[@]}" dunstctl count displayed)" -ge "$1" ]; }

# A fake xdg-open, first in the PATH sitewatch gets: it notes its
# arguments, one per line.
mkdir -p "$T/bin"
cat >"$T/bin/xdg-open" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >>"$T/opened"
EOF
chmod +x "$T/bin/xdg-open"

LOG=$T/click.log
PAGE="/c?x=1&y=\$(touch%20$T/pwned)"

try "a click on a change's notification runs xdg-open with its URL"
test_click() {
	# Notifications stay on screen until closed, so one can be clicked.
	DUNST_TIMEOUT=0 desktop_up click || return
	set_page /c 1
	printf 'interval;name;url;last-modified;pid\n1s;Clickable;%s;-;-\n' \
		"$URL$PAGE" >"$T/click.csv"
	spawn env "${DUNST_ENV[@]:1}" PATH="$T/bin:$PATH" "$BIN" -f "$T/click.csv" 2>"$LOG"
	SV=$SPAWNED
	assert_eventually 10 grep -q 'first check' "$LOG" || return
	set_page /c 2
	assert_eventually 10 displayed 1 || { diag "$(cat "$LOG")"; return; }
	# dunst's default action for the notification on top: what a
	# click on it does.
	"${DUNST_ENV[@]}" dunstctl action 0
	assert_eventually 5 test -s "$T/opened" || { diag "$(cat "$LOG")"; return; }
	assert_eq "$(cat "$T/opened")" "$URL$PAGE" "xdg-open's arguments"
	assert_grep "Clickable notification clicked: opening $URL" "$LOG"
	assert test ! -e "$T/pwned"
}
test_click
ok

try "notifications kept for a click cost no process: one desktop process, no child of it"
test_processes() {
	local n desk
	# Two changes, each seen on its own: the second page only once the
	# first change is logged (a sleep let a loaded machine see one).
	changed_n() { [ "$(grep -c 'Clickable changed: ' "$LOG")" -ge "$1" ]; }
	set_page /c 3
	assert_eventually 10 changed_n 2 || return
	set_page /c 4
	assert_eventually 10 displayed 2 || return
	n=$(pgrep -P "$SV" -x sw:notifier)
	desk=$(pgrep -P "$n" -x sw:desktop)
	assert_eq "$(wc -w <<<"$desk")" 1 "desktop processes"
	assert_eq "$(pgrep -P "$desk" | wc -l)" 0 "children of the desktop process"
	# Everything under the supervisor: notifier, spawner, one watcher.
	assert_eq "$(pgrep -P "$SV" | wc -l)" 3 "the supervisor's children"
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_processes
ok

done_testing
