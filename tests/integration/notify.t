#!/usr/bin/env bash
# Telling the person, end to end and with no mocks: a change shown by a
# real notification server (dunst on a private session bus, under Xvfb),
# a server that holds the bus name but never answers (stucknotifyd), no
# session bus at all, and the --exec hook with hostile site names.
#
# Every bus, X server and daemon here is started by this script, on its
# own private socket, and ended by pid through lib.sh (spawn).  The buses
# have no service directories, so nothing is ever activated behind our
# back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"

pageserver_start

# ---- helpers ----------------------------------------------------------------

# row_pid_to_stop FILE MARK: write "stop" into the pid field (the last
# column) of the row of FILE whose line holds MARK, the way a person does.
row_pid_to_stop() {
	sed -i "\\|$2|s|;[^;]*\$|;stop|" "$1"
}

# stops_within_ms PID FILE MARK MS: write stop into the row and succeed
# when PID, a spawned watcher, exits with status 0 within MS milliseconds.
# Sets ELAPSED_MS. PID is reaped but its process group is left to the
# caller (stop PID).
stops_within_ms() {
	local pid=$1 t0 st=0
	t0=$(_now_us)
	row_pid_to_stop "$2" "$3"
	wait_until "$(slowed 5)" eval '! _alive '"$pid"
	ELAPSED_MS=$((($(_now_us) - t0) / 1000))
	if _alive "$pid"; then
		_failed "the watcher did not exit within $(slowed 5) s of stop"
		return 1
	fi
	wait "$pid" || st=$?
	assert_eq "$st" 0 "the watcher's exit status after stop" || return 1
	# MS times TEST_SLOW: a loaded machine stretches every wait.
	[ "$ELAPSED_MS" -le "$(slowed "$4" | cut -d. -f1)" ] && return 0
	_failed "the watcher took ${ELAPSED_MS} ms to obey stop (limit $4 ms times TEST_SLOW ${TEST_SLOW:-1})"
}

# A site name that is markup and quotes: the summary must show it as
# written, the body must escape it.
HOSTILE='<b>Tom & "Jerry'"'"'s"</b>'
# The same name as a jobs file field: quoted, inner quotes doubled.
HOSTILE_CSV='"<b>Tom & ""Jerry'"'"'s""</b>"'
# A site name that is shell syntax: no shell may ever run any of it.
SHELLY="x'\$(touch $T/pwned1)';touch $T/pwned2 \`touch $T/pwned3\`|touch $T/pwned4"
SHELLY_CSV="\"$SHELLY\""

# ---- a real notification server -----------------------------------------

desc="a change arrives as a desktop notification (dunst): summary as written, body escaped"
if ! have dbus-daemon dbus-send Xvfb dunst dunstctl; then
	skip "$desc" "needs dbus-daemon, dbus-send, Xvfb, dunst, dunstctl"
else
	try "$desc"
	test_dunst() {
		local pid jobs=$T/dunst.csv body
		desktop_up bus1 || return

		set_page /n 1
		printf 'interval;name;url;last-modified;pid\n1s;%s;%s;-;-\n' \
			"$HOSTILE_CSV" "$URL/n?a=1&b=2" >"$jobs"
		spawn "${DUNST_ENV[@]}" "$BIN" -f "$jobs" watch "$HOSTILE" \
			2>"$T/dunst-watch.log"
		pid=$SPAWNED
		assert_eventually 10 grep -q 'first check' "$T/dunst-watch.log" ||
			return
		set_page /n 2
		assert_eventually 10 grep -q 'changed: ' "$T/dunst-watch.log"

		# The summary is plain text: the name as written.
		assert_eventually 10 history_has "$HOSTILE changed" ||
			{ diag "$(cat "$T/dunst-watch.log" "$T/bus1/dunst.log")"; return; }
		body=$(history_body "$HOSTILE changed")
		# g_markup_escape_text: & becomes &amp;, in the link's text
		# and in its href.
		assert_eq "$(head -n 1 <<<"$body")" \
			"<a href=\"$URL/n?a=1&amp;b=2\">$URL/n?a=1&amp;b=2</a>" \
			"the body's first line"
		# What a markup reader makes of it: one link, whose visible
		# text is the URL itself.
		assert python3 - "$body" "$URL/n?a=1&b=2" <<-'EOF'
		import sys, xml.etree.ElementTree as ET
		body, url = sys.argv[1:]
		root = ET.fromstring("<body>" + body + "</body>")
		links = root.findall(".//a")
		assert len(links) == 1 and list(links[0]) == [], body
		assert links[0].get("href") == url, (links[0].get("href"), url)
		assert links[0].text == url, (links[0].text, url)
		EOF
		assert_eq "$(count 'changed: ' "$T/dunst-watch.log")" 1 \
			"changed lines in the log"
		assert_eq "$(count 'not working|stopped working|no desktop' "$T/dunst-watch.log")" 0 \
			"complaints about the desktop in the log"

		stops_within_ms "$pid" "$jobs" "/n?a=1" 1500
		stop "$pid" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
	}
	ELAPSED_MS=
	test_dunst
	ok
	diag "stop obeyed in ${ELAPSED_MS:-?} ms"
fi

desc="each kind of event on dunst: +A -R and 3 added lines cut and escaped, failing, recovered"
if ! have dbus-daemon dbus-send Xvfb dunst dunstctl || [ ! -x "$TESTBIN/notifyevent" ]; then
	skip "$desc" "needs dbus-daemon, dbus-send, Xvfb, dunst, dunstctl and $TESTBIN/notifyevent"
else
	try "$desc"
	test_events() {
		local long body
		desktop_up bus3 || return
		long=$(printf 'x%.0s' $(seq 1 100))
		# The real notifier (notify.c), handed three events as a
		# watcher hands them.
		"${DUNST_ENV[@]}" TZ=UTC "$TESTBIN/notifyevent" \
			changed Shop "$URL/p?a=1&b=2" old new 5 2 \
			'Price: <b>12 &euro;</b>\n  \n'"$long"'\nthird\nfourth' - - 0 \
			failing Shop "$URL/p" - - -1 -1 - - 'HTTP 503 <busy>' 1767323400 \
			recovered Shop "$URL/p" - - -1 -1 - - - 0 \
			2>"$T/events.log"
		assert_eq "$?" 0 "notifyevent's exit status" || diag "$(cat "$T/events.log")"
		assert_eventually 10 history_has "Shop recovered" ||
			{ diag "$(cat "$T/events.log" "$T/bus3/dunst.log")"; return; }
		body=$(history_body "Shop changed")
		assert_eq "$body" "<a href=\"$URL/p?a=1&amp;b=2\">$URL/p?a=1&amp;b=2</a>
+5 -2
Price: &lt;b&gt;12 &amp;euro;&lt;/b&gt;
$(printf 'x%.0s' $(seq 1 79))…
third" "the body of a change"
		body=$(history_body "Shop failing")
		assert_eq "$body" "<a href=\"$URL/p\">$URL/p</a>
failing since 2026-01-02 03:10: HTTP 503 &lt;busy&gt;" "the body of a failure"
		assert history_body "Shop recovered" >/dev/null
		assert_eq "$(count 'not working|stopped working|no desktop' "$T/events.log")" 0 \
			"complaints about the desktop"
		stop "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
	}
	test_events
	ok
fi

# ---- a server that never answers ----------------------------------------

desc="a notification server that never answers delays neither the checks, nor the hooks, nor stop"
if ! have dbus-daemon dbus-send || [ ! -x "$TESTBIN/stucknotifyd" ]; then
	skip "$desc" "needs dbus-daemon, dbus-send and $TESTBIN/stucknotifyd (make check-build)"
else
	try "$desc"
	test_stuck() {
		local stuck_pid pid jobs=$T/stuck.csv c0 c1 ch0 ch1 i
		bus_start bus2 || { _failed "dbus-daemon did not start" \
			"$(cat "$T/bus2/bus.log")"; return; }
		spawn env DBUS_SESSION_BUS_ADDRESS="$BUS" "$TESTBIN/stucknotifyd" \
			>"$T/stuck.out" 2>"$T/stuck.err"
		stuck_pid=$SPAWNED
		assert_eventually 10 grep -qx ready "$T/stuck.out" ||
			{ diag "$(cat "$T/stuck.err")"; return; }
		assert name_owned "$BUS" || return

		set_page /s 1
		printf 'interval;name;url;last-modified;pid\n1s;stuck;%s;-;-\n' \
			"$URL/s" >"$jobs"
		# Each change also runs a hook, which must not wait for D-Bus.
		spawn env DBUS_SESSION_BUS_ADDRESS="$BUS" "$BIN" -f "$jobs" \
			--exec "sh -c 'echo \"\$SITEWATCH_NEW\" >> $T/stuck-hooks'" \
			watch stuck 2>"$T/stuck-watch.log"
		pid=$SPAWNED
		assert_eventually 10 grep -q 'first check' "$T/stuck-watch.log" ||
			return
		set_page /s 2
		# From its first call on, the notifier hangs on the server.
		assert_eventually 10 grep -q '^call ' "$T/stuck.out" ||
			{ diag "$(cat "$T/stuck-watch.log")"; return; }
		c0=$(requests_to /s)
		ch0=$(count 'changed: ' "$T/stuck-watch.log")
		for i in 3 4 5 6 7 8; do
			sleep 1
			set_page /s "$i"
		done
		c1=$(requests_to /s)
		ch1=$(count 'changed: ' "$T/stuck-watch.log")
		# One check a second: about 6 in 6 s.
		[ $((c1 - c0)) -ge 4 ] || _failed \
			"only $((c1 - c0)) requests in 6 s while the server hung"
		[ $((ch1 - ch0)) -ge 4 ] || _failed \
			"only $((ch1 - ch0)) changes logged in 6 s while the server hung" \
			"$(cat "$T/stuck-watch.log")"
		# Every change's hook ran, within a moment, despite the hang.
		hooks_caught_up() { [ "$(wc -l < "$T/stuck-hooks")" -ge "$(count 'changed: ' "$T/stuck-watch.log")" ]; }
		assert_eventually 2 hooks_caught_up ||
			diag "hooks run: $(wc -l < "$T/stuck-hooks" 2>/dev/null), changes: $(count 'changed: ' "$T/stuck-watch.log")"

		stops_within_ms "$pid" "$jobs" "$URL/s;" 1500
		# The notifier, stuck in D-Bus, is told to go when the watcher
		# ends and must be gone a few seconds later (its alarm is 5 s).
		# (A zombie waiting for init to reap it counts as gone.)
		notifier_gone() { _none_left "$pid"; }
		assert_eventually 7 notifier_gone ||
			diag "left: $(ps -o pid,stat,args -g "$pid")"
		stop "$pid" "$stuck_pid" "$BUS_PID"
	}
	ELAPSED_MS=
	test_stuck
	ok
	diag "stop obeyed in ${ELAPSED_MS:-?} ms, with the server hung"
fi

# ---- no session bus -----------------------------------------------------

try "no session bus: said once in the log, and every change still logged"
test_nobus() {
	local pid jobs=$T/nobus.csv
	set_page /h 1
	printf 'interval;name;url;last-modified;pid\n1s;headless;%s;-;-\n' \
		"$URL/h" >"$jobs"
	# No DBUS_SESSION_BUS_ADDRESS, no DISPLAY, no $XDG_RUNTIME_DIR/bus.
	spawn "$BIN" -f "$jobs" watch headless 2>"$T/nobus.log"
	pid=$SPAWNED
	assert_eventually 10 grep -q 'first check' "$T/nobus.log" || return
	set_page /h 2
	changed_lines() { [ "$(count 'changed: ' "$T/nobus.log")" -ge "$1" ]; }
	assert_eventually 10 changed_lines 1 || return
	set_page /h 3
	assert_eventually 10 changed_lines 2 || return
	# Two more requests: the check before the last one has ended, and
	# said whatever it would say (not a sleep: issue 21.15).
	more_requests() { [ "$(requests_to /h)" -ge "$1" ]; }
	assert_eventually 5 more_requests $(($(requests_to /h) + 2))
	assert_eq "$(count 'no desktop session' "$T/nobus.log")" 1 \
		"\"no desktop session\" lines"
	assert_eq "$(count "headless changed: $URL/h \\(\\+1 -1\\) version 2\$" \
		"$T/nobus.log")" 1 "the first change's line"
	assert_eq "$(count "headless changed: $URL/h \\(\\+1 -1\\) version 3\$" \
		"$T/nobus.log")" 1 "the second change's line"
	assert_eq "$(count 'changed: ' "$T/nobus.log")" 2 "changed lines"
	stops_within_ms "$pid" "$jobs" "$URL/h;" 1500
	stop "$pid"
}
test_nobus
ok

# ---- --exec ---------------------------------------------------------------

# run_hook_watch TAG EXEC CMD...: watch a row named $SHELLY at /TAG with
# --exec EXEC and --no-desktop, make one change, wait until CMD (polled)
# says the hook has run, then stop the watcher. The watcher's stdout,
# which the hook inherits, is $T/TAG.out.
run_hook_watch() {
	local tag=$1 exec=$2 pid jobs=$T/$1.csv
	shift 2
	set_page "/$tag" 1
	printf 'interval;name;url;last-modified;pid\n1s;%s;%s;-;-\n' \
		"$SHELLY_CSV" "$URL/$tag" >"$jobs"
	spawn "$BIN" -f "$jobs" --no-desktop --exec "$exec" watch "$SHELLY" \
		>"$T/$tag.out" 2>"$T/$tag.log"
	pid=$SPAWNED
	if assert_eventually 10 grep -q 'first check' "$T/$tag.log"; then
		set_page "/$tag" 2
		assert_eventually 10 "$@" || diag "$(cat "$T/$tag.log")"
		stops_within_ms "$pid" "$jobs" "$URL/$tag;" 1500
	fi
	stop "$pid"
}

# no_pwned: assert that no part of $SHELLY ran as a command. Removes what
# it finds, so that the next test starts clean.
no_pwned() {
	local i
	for i in 1 2 3 4; do
		[ ! -e "$T/pwned$i" ] ||
			_failed "a shell ran part of the name: $T/pwned$i exists"
		rm -f "$T/pwned$i"
	done
}

# env_var NAME: the value of NAME in $T/direct.out, which env(1) wrote.
env_var() {
	sed -n "s/^$1=//p" "$T/direct.out"
}

# four_vars: env(1) has written all four SITEWATCH_ variables.
four_vars() {
	[ "$(count '^SITEWATCH_(NAME|URL|OLD|NEW)=' "$T/direct.out")" = 4 ]
}

try "--exec PROGRAM: run with no shell, the change in SITEWATCH_*, the name as data"
# env(1) prints its environment on the stdout it shares with sitewatch.
run_hook_watch direct /usr/bin/env four_vars
assert_eq "$(env_var SITEWATCH_NAME)" "$SHELLY" "SITEWATCH_NAME"
assert_eq "$(env_var SITEWATCH_URL)" "$URL/direct" "SITEWATCH_URL"
assert_eq "$(env_var SITEWATCH_OLD)" "$(LM 1)" "SITEWATCH_OLD"
assert_eq "$(env_var SITEWATCH_NEW)" "$(LM 2)" "SITEWATCH_NEW"
no_pwned
ok

try "--exec with a shell the person chose: the name reaches it as a variable only"
# The command line is split at spaces, '...' grouping words: sh gets the
# script as one argument, and the name only through the environment.
run_hook_watch shell \
	"sh -c 'printf %s \"\$SITEWATCH_NAME\" >$T/shell.name; echo done >$T/shell.done'" \
	test -s "$T/shell.done"
assert_eq "$(cat "$T/shell.name" 2>/dev/null)" "$SHELLY" "the name the hook's shell saw"
no_pwned
ok

desc="--exec on a change with a diff: SITEWATCH_ADDED, the counts, SITEWATCH_DIFF a private copy removed after the hook"
if [ ! -x "$TESTBIN/notifyevent" ]; then
	skip "$desc" "needs $TESTBIN/notifyevent (make check-build)"
else
	try "$desc"
	test_hook_vars() {
		local hook=$T/hook.sh diff=$T/change.diff copy
		printf -- '--- old\n+++ new\n@@ -1,2 +1,3 @@\n a\n-b\n+c\n+d\n' >"$diff"
		# A real hook: keeps its environment and what SITEWATCH_DIFF
		# held, then waits to be released, so the copy can be looked
		# at while the hook runs.
		cat >"$hook" <<-EOF
		#!/bin/sh
		env | grep '^SITEWATCH_' | grep -v '^SITEWATCH_ADDED=' | grep -v '^SITEWATCH_TESTBIN=' >"$T/hook.env"
		printf '%s' "\$SITEWATCH_ADDED" >"$T/hook.added"
		cat "\$SITEWATCH_DIFF" >"$T/hook.diff"
		stat -c %a "\$SITEWATCH_DIFF" >"$T/hook.mode"
		printf '%s' "\$SITEWATCH_DIFF" >"$T/hook.path"
		while [ ! -e "$T/hook.release" ]; do sleep 0.05; done
		EOF
		chmod +x "$hook"
		TMPDIR=$T "$TESTBIN/notifyevent" -n -x "$hook" \
			changed 'My site' "$URL/p" 'Mon, 01 Jan 2024' 'Tue, 02 Jan 2024' \
			2 1 'c\nd' "$diff" - 0 2>"$T/hookvars.log"
		assert_eq "$?" 0 "notifyevent's exit status"
		assert_eventually 10 test -s "$T/hook.path" ||
			{ diag "$(cat "$T/hookvars.log")"; return; }
		copy=$(cat "$T/hook.path")
		assert_eq "$(sort "$T/hook.env")" "SITEWATCH_ADDED_COUNT=2
SITEWATCH_DIFF=$copy
SITEWATCH_NAME=My site
SITEWATCH_NEW=Tue, 02 Jan 2024
SITEWATCH_OLD=Mon, 01 Jan 2024
SITEWATCH_REMOVED_COUNT=1
SITEWATCH_URL=$URL/p" "the hook's SITEWATCH_ variables"
		assert_eq "$(cat "$T/hook.added")" "c
d" "SITEWATCH_ADDED"
		assert_eq "$(cat "$T/hook.diff")" "$(cat "$diff")" "what SITEWATCH_DIFF held"
		assert_eq "$(cat "$T/hook.mode")" 600 "the copy's mode"
		[ "$copy" != "$diff" ] && [ "${copy#"$T"/}" != "$copy" ] ||
			_failed "SITEWATCH_DIFF is not a private copy in \$TMPDIR: $copy"
		assert test -e "$copy"	# while the hook runs
		touch "$T/hook.release"
		assert_eventually 10 test ! -e "$copy"
		assert test -e "$diff"	# the watcher's own file is left alone
	}
	test_hook_vars
	ok
fi

desc="a watcher's events on dunst: a change with +A -R and its added lines, then failing after --alert-after checks, then recovered"
if ! have dbus-daemon dbus-send Xvfb dunst dunstctl; then
	skip "$desc" "needs dbus-daemon, dbus-send, Xvfb, dunst and dunstctl"
else
	try "$desc"
	test_watcher_events() {
		local pid jobs=$T/wev.csv body
		desktop_up bus5 || return
		ctl set '{"path": "/wev", "body": "<p>Price: 10 EUR</p><p>red</p>"}' >/dev/null
		printf 'interval;name;url;last-modified;pid\n1s;Shop;%s;-;-\n' \
			"$URL/wev" >"$jobs"
		spawn "${DUNST_ENV[@]}" "$BIN" -f "$jobs" -v --alert-after 2 \
			watch Shop 2>"$T/wev.log"
		pid=$SPAWNED
		assert_eventually 10 grep -q 'first check' "$T/wev.log" || return
		ctl set '{"path": "/wev", "body": "<p>Price: 12 EUR</p><p>red</p><p>blue</p>"}' >/dev/null
		assert_eventually 10 history_has "Shop changed" ||
			{ diag "$(cat "$T/wev.log" "$T/bus5/dunst.log")"; return; }
		body=$(history_body "Shop changed")
		assert_eq "$body" "<a href=\"$URL/wev\">$URL/wev</a>
+2 -1
Price: 12 EUR
blue" "the body of a change"
		ctl set '{"path": "/wev", "status": 503, "body": "busy"}' >/dev/null
		assert_eventually 10 history_has "Shop failing" ||
			{ diag "$(cat "$T/wev.log")"; return; }
		assert_grep '^failing since [0-9-]+ [0-9:]+: HTTP 503$' <(history_body "Shop failing"; echo)
		ctl set '{"path": "/wev", "body": "<p>Price: 12 EUR</p><p>red</p><p>blue</p>"}' >/dev/null
		assert_eventually 10 history_has "Shop recovered" ||
			{ diag "$(cat "$T/wev.log")"; return; }
		assert_eq "$(count 'Shop failing since' "$T/wev.log")" 1 "failing said once"
		stop "$pid" "$DUNST_PID" "$XVFB_PID" "$BUS_PID"
	}
	test_watcher_events
	ok
fi

done_testing
