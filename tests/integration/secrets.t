#!/usr/bin/env bash
# Issue 21.8: a row whose URL holds credentials and a token
# (http://user:secret@127.0.0.1:PORT/path?token=abc&x=1) never shows them:
# not in the watcher's process title (ps -o args, readable by every local
# user), the log, a desktop notification (a real dunst on a private bus),
# status --json, or what add, check --url and a refused URL print.  The
# --exec hook alone gets the URL as written (SITEWATCH_URL: it may need
# the credentials to fetch the page; the environment is the owner's
# only).  A real supervisor and page server on 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop-lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"	# J, LOG, pidof_row, is_number

pageserver_start
HOSTPORT=127.0.0.1:$PORT
REAL="http://user:secret@$HOSTPORT/path?token=abc&x=1"
TITLE="sitewatch: sec http://$HOSTPORT/path"

# leaks FILE: print FILE's lines that hold the password or the token.
leaks() { grep -E 'secret|abc|user:' "$1"; }
# no_leak FILE: FILE holds neither; say what it holds when it does.
no_leak() {
	local l
	l=$(leaks "$1") || return 0
	_failed "$1 shows a secret" "$l"
	return 1
}
# titles PID: the ps -o args of PID and every process below it.
titles() {
	local c
	ps -o args= -p "$1"
	for c in $(pgrep -P "$1"); do titles "$c"; done
}
row_pid() { is_number "$(pidof_row "$1")"; }

# The hook keeps what it was given.
cat >"$T/hook" <<EOF
#!/bin/sh
printf '%s\n' "\$SITEWATCH_URL" >>"$T/hook.out"
EOF
chmod +x "$T/hook"

desktop=0
if have dbus-daemon dbus-send Xvfb dunst dunstctl && desktop_up bus; then
	desktop=1
else
	DUNST_ENV=(env)
fi

set_page /path 1
printf 'interval;name;url;last-modified;pid\n1s;sec;%s;-;-\n' "$REAL" >"$J"
flags=(--no-desktop)
[ "$desktop" = 1 ] && flags=()
spawn "${DUNST_ENV[@]}" "$BIN" -f "$J" -v --log "$LOG" --exec "$T/hook" \
	"${flags[@]}" 2>"$T/stderr"
SV=$SPAWNED

try "issue 21.8: the watcher's title is scheme://host/path (ps -o args)"
assert_eventually 10 grep -q ' sec first check' "$LOG"
assert_eventually 5 row_pid sec
W=$(pidof_row sec)
assert_eq "$(ps -o args= -p "$W")" "$TITLE" "the watcher's title"
titles "$SV" >"$T/titles"
assert_grep "^$TITLE\$" "$T/titles"
no_leak "$T/titles"
ok

try "issue 21.8: the log shows the URL without userinfo, the token masked"
set_page /path 2
assert_eventually 10 grep -q ' sec changed: ' "$LOG"
assert_grep " sec changed: http://$HOSTPORT/path\\?token=\\*\\*\\*&x=1 \\(\\+1 -1\\)" "$LOG"
no_leak "$LOG"
no_leak "$T/stderr"
ok

desc="issue 21.8: the desktop notification (dunst) shows the URL without the secrets"
if [ "$desktop" = 0 ]; then
	skip "$desc" "needs dbus-daemon, dbus-send, Xvfb, dunst, dunstctl"
else
	try "$desc"
	assert_eventually 10 history_has "sec changed"
	history_body "sec changed" >"$T/body"
	# Text only: a link would hold the URL, and the masked one leads
	# nowhere (a click opens the real one).
	assert_eq "$(head -n 1 "$T/body")" "http://$HOSTPORT/path?token=***&amp;x=1" \
		"the body's first line"
	no_leak "$T/body"
	ok
fi

try "issue 21.8: the --exec hook gets the URL as written (SITEWATCH_URL)"
assert_eventually 10 test -s "$T/hook.out"
assert_eq "$(cat "$T/hook.out")" "$REAL" "SITEWATCH_URL"
ok

try "issue 21.8: status --json shows the URL as the log does"
assert_status 0 "$BIN" -f "$J" status --json
assert_grep "\"url\": \"http://$HOSTPORT/path\\?token=\\*\\*\\*&x=1\"" "$T/.out"
no_leak "$T/.out"
ok

try "issue 21.8: a new URL in the row: the log and the title show it without secrets"
sed -i "s|$HOSTPORT/path?token=abc|$HOSTPORT/path2?api_key=abc|" "$J"
assert_eventually 10 grep -q ' sec url changed to ' "$LOG"
assert_grep " sec url changed to http://$HOSTPORT/path2\\?api_key=\\*\\*\\*&x=1" "$LOG"
assert_eventually 5 eval '[ "$(ps -o args= -p "$W")" = "sitewatch: sec http://$HOSTPORT/path2" ]'
no_leak "$LOG"
ok

stop "$SV"
[ "$desktop" = 1 ] && stop "$DUNST_PID" "$XVFB_PID" "$BUS_PID"

try "issue 21.8: add, check --url and a refused URL print no secret"
assert_status 0 "$BIN" -f "$T/other.csv" add sec2 "$REAL"
assert_grep "^sec2: added, .*: http://$HOSTPORT/path\\?token=\\*\\*\\*&x=1\$" "$T/.out"
no_leak "$T/.out"
assert_status 0 "$BIN" check --url "$REAL"
assert_grep "^url: +http://$HOSTPORT/path\\?token=\\*\\*\\*&x=1\$" "$T/.out"
no_leak "$T/.out"
assert_status 2 "$BIN" -f "$T/other.csv" add sec3 "ftp://user:secret@$HOSTPORT/?token=abc"
assert_grep "url: \"ftp://$HOSTPORT/\\?token=\\*\\*\\*\": only http" "$T/.out"
no_leak "$T/.out"
ok

done_testing
