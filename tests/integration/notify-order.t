#!/usr/bin/env bash
# issue 21.5: after a run of failures, a recovery with new content is told
# in one order everywhere: "recovered", then "changed", in the log and on
# the desktop (a real dunst on a private session bus, under Xvfb; the
# watcher's events go through the real notifier).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"

if ! have dbus-daemon dbus-send Xvfb dunst dunstctl; then
	skip_all "needs dbus-daemon, dbus-send, Xvfb, dunst and dunstctl"
fi
pageserver_start

# ids SUMMARY: the ids dunst gave sitewatch's notifications with that
# summary ($T/history.json, read by history_has), oldest first.
ids() {
	python3 - "$T/history.json" "$1" <<-'EOF'
	import json, sys
	history = json.load(open(sys.argv[1]))["data"][0]
	print(" ".join(str(i) for i in sorted(
	    n["id"]["data"] for n in history
	    if n["appname"]["data"] == "sitewatch"
	    and n["summary"]["data"] == sys.argv[2])))
	EOF
}
# line_of ERE: the number of the first line of the log matching ERE.
line_of() { grep -En -m1 -- "$1" "$T/watch.log" | cut -d: -f1; }
both_shown() { history_has "Shop recovered" && history_has "Shop changed"; }

try "issue 21.5: a recovery with new content: recovered, then changed, in the log and on the desktop"
test_order() {
	local pid r c
	desktop_up bus || return
	ctl set '{"path": "/o", "body": "<p>one</p>"}' >/dev/null
	printf 'interval;name;url;last-modified;pid\n1s;Shop;%s;-;-\n' \
		"$URL/o" >"$T/jobs.csv"
	spawn "${DUNST_ENV[@]}" "$BIN" -f "$T/jobs.csv" --alert-after 2 \
		watch Shop 2>"$T/watch.log"
	pid=$SPAWNED
	assert_eventually 10 grep -q 'Shop first check' "$T/watch.log" || return
	ctl set '{"path": "/o", "status": 503, "body": "busy"}' >/dev/null
	assert_eventually 10 history_has "Shop failing" ||
		{ diag "$(cat "$T/watch.log")"; return; }
	# Back, with new content: one check recovers and finds the change.
	ctl set '{"path": "/o", "body": "<p>two</p>"}' >/dev/null
	assert_eventually 10 both_shown ||
		{ diag "$(cat "$T/watch.log" "$T/bus/dunst.log")"; return; }
	r=$(line_of 'Shop recovered after') c=$(line_of 'Shop changed: ')
	assert_eq "$(( r < c ))" 1 "the log: recovered (line $r) before changed (line $c)"
	r=$(ids "Shop recovered") c=$(ids "Shop changed")
	assert_eq "$(( r < c ))" 1 "the desktop: recovered (id $r) before changed (id $c)"
	stop "$pid" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
}
test_order
ok

done_testing
