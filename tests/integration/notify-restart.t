#!/usr/bin/env bash
# Notifications that survive (issue 15): under a running supervisor, a
# notification server (dunst) that is killed and started again gets the
# next change, a session bus that appears after the start is used from
# the next change on, and one that is restarted (a new login) too. The
# log says once that notifications stopped and once that they work again,
# and has every change's line whatever the desktop did.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"
need dbus-daemon dbus-send Xvfb dunst dunstctl
pageserver_start

# changes_logged N FILE: FILE has at least N "changed: " lines.
changes_logged() { [ "$(count 'changed: ' "$2")" -ge "$1" ]; }
# gone_from_bus: dunst no longer owns the notification name.
gone_from_bus() { ! name_owned "$BUS"; }

# supervise TAG PATH [ENV...]: a jobs file with one row "R TAG" (1 s) on
# PATH, and a supervisor on it with ENV, logging to $T/TAG.log, waited
# for until the row's first check. Sets SV.
supervise() {
	local tag=$1 path=$2
	shift 2
	set_page "$path" 1
	printf 'interval;name;url;last-modified;pid\n1s;R %s;%s;-;-\n' \
		"$tag" "$URL$path" >"$T/$tag.csv"
	spawn env "$@" "$BIN" -f "$T/$tag.csv" 2>"$T/$tag.log"
	SV=$SPAWNED
	assert_eventually 10 grep -q 'first check' "$T/$tag.log"
}

# shown_on_dunst TAG PATH: a desktop (desktop_up TAG), a supervisor in it
# (supervise TAG PATH), and a first change shown by its dunst.
shown_on_dunst() {
	desktop_up "$1" || return
	supervise "$1" "$2" "${DUNST_ENV[@]:1}" || return
	set_page "$2" 2
	assert_eventually 10 history_has "R $1 changed" ||
		{ diag "$(cat "$T/$1.log")"; return 1; }
}

# bus_later TAG SOCKET: a session bus on SOCKET, an Xvfb and a dunst, for
# a supervisor already running.
bus_later() {
	bus_start "$1" "$2" || { _failed "dbus-daemon did not start"; return 1; }
	xvfb_start "$1" && dunst_start "$1"
}

try "dunst killed and started again between two changes: the next change reaches the new dunst, nothing said"
test_restart_between() {
	local log=$T/between.log
	shown_on_dunst between /b || return
	# A new server, under the same name but a new unique bus name.
	stop "$DUNST_PID"
	assert_eventually 5 gone_from_bus || return
	dunst_start between || return
	set_page /b 3
	assert_eventually 10 history_has "R between changed" ||
		{ diag "$(cat "$log" "$T/between/dunst.log")"; return; }
	assert_eq "$(count 'stopped working|not working|no desktop' "$log")" 0 \
		"complaints in the log"
	assert_eq "$(count 'changed: ' "$log")" 2 "changed lines"
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_restart_between
ok

try "dunst away for two changes, then back: said stopped once, working again once, every change logged"
test_away() {
	local log=$T/away.log
	shown_on_dunst away /a || return
	stop "$DUNST_PID"
	assert_eventually 5 gone_from_bus || return
	set_page /a 3
	assert_eventually 10 grep -q 'stopped working' "$log" || return
	set_page /a 4
	assert_eventually 10 changes_logged 3 "$log" || return
	sleep 1.5	# the second change's notification has failed too
	dunst_start away || return
	set_page /a 5
	assert_eventually 10 history_has "R away changed" ||
		{ diag "$(cat "$log" "$T/away/dunst.log")"; return; }
	assert_eventually 5 grep -q 'working again' "$log"
	assert_eq "$(count 'stopped working' "$log")" 1 "\"stopped working\" lines"
	assert_eq "$(count 'working again' "$log")" 1 "\"working again\" lines"
	assert_eq "$(count 'R away changed: ' "$log")" 4 "changed lines"
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_away
ok

try "no session bus at the start ($XDG_RUNTIME_DIR/bus missing): said once; a bus and dunst appear: the next change is shown"
test_bus_later() {
	local log=$T/later.log rt=$T/rt-later
	mkdir -p "$rt/later"
	chmod 700 "$rt"
	supervise later /l XDG_RUNTIME_DIR="$rt" || return
	set_page /l 2
	assert_eventually 10 changes_logged 1 "$log" || return
	# The bus where GDBus looks when DBUS_SESSION_BUS_ADDRESS is unset.
	bus_later later "$rt/bus" || return
	set_page /l 3
	assert_eventually 10 history_has "R later changed" ||
		{ diag "$(cat "$log")"; return; }
	assert_eq "$(count 'no desktop session' "$log")" 1 "\"no desktop session\" lines"
	assert_eq "$(count 'working again' "$log")" 1 "\"working again\" lines"
	assert_eq "$(count 'changed: ' "$log")" 2 "changed lines"
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_bus_later
ok

try "DBUS_SESSION_BUS_ADDRESS names a socket not there yet: no autolaunch, and the bus is used once it is"
test_addr_later() {
	local log=$T/addr.log sock=$T/addr/bus.sock
	mkdir -p "$T/addr"
	supervise addr /d DBUS_SESSION_BUS_ADDRESS="unix:path=$sock" || return
	set_page /d 2
	assert_eventually 10 changes_logged 1 "$log" || return
	assert_eq "$(count 'no desktop session' "$log")" 1 "\"no desktop session\" lines"
	bus_later addr "$sock" || return
	set_page /d 3
	assert_eventually 10 history_has "R addr changed" ||
		{ diag "$(cat "$log")"; return; }
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_addr_later
ok

try "the session bus restarted (a new login): the next change reaches the dunst on the new bus"
test_new_bus() {
	local log=$T/newbus.log sock=$T/newbus/bus.sock
	shown_on_dunst newbus /n || return
	stop "$DUNST_PID" "$BUS_PID"
	assert_eventually 5 grep -q 'stopped working (the session bus closed)' "$log" ||
		diag "$(cat "$log")"
	rm -f "$sock"
	bus_start newbus "$sock" || { _failed "dbus-daemon did not start again"; return; }
	# The supervisor keeps the old address (a new bus has a new guid);
	# dunst and dunstctl get the new one.
	DUNST_ENV[2]=DBUS_SESSION_BUS_ADDRESS=$BUS
	dunst_start newbus || return
	set_page /n 3
	assert_eventually 10 history_has "R newbus changed" ||
		{ diag "$(cat "$log" "$T/newbus/dunst.log")"; return; }
	assert_eventually 5 grep -q 'working again' "$log"
	assert_eq "$(count 'stopped working' "$log")" 1 "\"stopped working\" lines"
	assert_eq "$(count 'changed: ' "$log")" 2 "changed lines"
	stop "$SV" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_new_bus
ok

done_testing
