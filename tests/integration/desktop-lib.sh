# shellcheck shell=bash
# desktop-lib.sh: sourced after lib.sh by the tests that need a real
# desktop session: a private D-Bus session bus, Xvfb and dunst, each
# started by the test on its own socket and ended by pid (spawn). The
# buses have no service directories, so nothing is ever activated behind
# our back. Sourcing it also cuts the test off from the session of
# whoever runs it.

# bus_start NAME [SOCKET]: spawn a private dbus-daemon listening on SOCKET
# ($T/NAME/bus.sock unless given), with no service directories. Sets BUS
# (its address) and BUS_PID. Returns 1 when it did not come up within 5 s.
bus_start() {
	local dir=$T/$1 sock=${2:-$T/$1/bus.sock}
	mkdir -p "$dir"
	cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
	spawn dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile \
		--print-address >"$dir/address" 2>"$dir/bus.log"
	BUS_PID=$SPAWNED
	wait_until "$(slowed 5)" test -s "$dir/address" || return 1
	read -r BUS <"$dir/address"
}

# name_owned ADDRESS: succeed when org.freedesktop.Notifications has an
# owner on the bus at ADDRESS.
name_owned() {
	dbus-send --bus="$1" --print-reply --dest=org.freedesktop.DBus / \
		org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.Notifications 2>/dev/null |
		grep -q 'boolean true'
}

# history_body SUMMARY: print the body of the newest of sitewatch's
# notifications in $T/history.json (dunstctl history) whose summary is
# SUMMARY; fail when there is none.
history_body() {
	python3 - "$T/history.json" "$1" <<-'EOF'
	import json, sys
	history = json.load(open(sys.argv[1]))["data"][0]
	mine = [n for n in history if n["appname"]["data"] == "sitewatch"
	        and n["summary"]["data"] == sys.argv[2]]
	if not mine:
	    sys.exit(1)
	print(mine[0]["body"]["data"], end="")
	EOF
}

# desktop_up TAG: a private session bus ($T/TAG/bus.sock), an Xvfb and a
# dunst on them. Sets BUS, BUS_PID, XVFB_PID, DUNST_PID and DUNST_ENV
# (env ... to run a command in that session). Returns 1 when a part did
# not come up (said through _failed).
desktop_up() {
	bus_start "$1" || { _failed "dbus-daemon did not start" \
		"$(cat "$T/$1/bus.log")"; return 1; }
	xvfb_start "$1" && dunst_start "$1"
}

# xvfb_start TAG: an Xvfb for the session of the bus $BUS. Sets XVFB_PID
# and DUNST_ENV. Returns 1 when it did not come up (said through _failed).
xvfb_start() {
	# Xvfb picks a free display itself and says which on fd 3.
	spawn Xvfb -displayfd 3 -nolisten tcp -screen 0 320x240x24 \
		3>"$T/$1/xvfb.display" >"$T/$1/xvfb.log" 2>&1
	XVFB_PID=$SPAWNED
	wait_until "$(slowed 10)" test -s "$T/$1/xvfb.display" || { _failed \
		"Xvfb did not start" "$(cat "$T/$1/xvfb.log")"; return 1; }
	DUNST_ENV=(env DISPLAY=":$(cat "$T/$1/xvfb.display")"
		DBUS_SESSION_BUS_ADDRESS="$BUS")
}

# dunst_start TAG: start a dunst in the session of desktop_up TAG and wait
# until it owns the notification name. Sets DUNST_PID. Notifications stay
# on screen $DUNST_TIMEOUT seconds (1 unless set; 0: until closed).
dunst_start() {
	local t=${DUNST_TIMEOUT:-1}
	# Notifications time out at once and are kept in the history,
	# where dunstctl can read them back.
	cat >"$T/dunstrc" <<-EOF
	[global]
	    history_length = 20
	    idle_threshold = 0
	    markup = full
	[urgency_low]
	    timeout = $t
	[urgency_normal]
	    timeout = $t
	[urgency_critical]
	    timeout = $t
	EOF
	spawn "${DUNST_ENV[@]}" dunst -config "$T/dunstrc" \
		>>"$T/$1/dunst.log" 2>&1
	DUNST_PID=$SPAWNED
	wait_until "$(slowed 10)" name_owned "$BUS" || { _failed \
		"dunst did not take org.freedesktop.Notifications" \
		"$(cat "$T/$1/dunst.log")"; return 1; }
}

# history_has SUMMARY: dunst's history (read into $T/history.json) holds
# a notification from sitewatch with that summary.
history_has() {
	"${DUNST_ENV[@]}" dunstctl close-all &&
		"${DUNST_ENV[@]}" dunstctl history >"$T/history.json" &&
		history_body "$1" >/dev/null
}

# count ERE FILE: print how many lines of FILE match ERE.
count() {
	grep -Ec -- "$1" "$2"
}

# LM N: print the Last-Modified of version N (0-9) of a page.
LM() {
	printf 'Mon, 01 Jan 2024 00:00:0%s GMT' "$1"
}

# set_page PATH N: serve version N of a page at PATH (on the page server of
# lib.sh), with its own body and Last-Modified, so the next check sees a
# change.
set_page() {
	ctl set "{\"path\": \"$1\", \"body\": \"version $2\",
		\"last_modified\": \"$(LM "$2")\"}" >/dev/null
}

# Nothing below may reach the desktop or bus of whoever runs the tests.
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
mkdir -p "$T/runtime"
chmod 700 "$T/runtime"
export XDG_RUNTIME_DIR=$T/runtime

