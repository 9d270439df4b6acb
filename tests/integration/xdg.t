#!/usr/bin/env bash
# The default jobs file: ./jobs.csv when there is one, else the XDG place
# ($XDG_CONFIG_HOME/sitewatch/jobs.csv, ~/.config by default), with its
# state in $XDG_STATE_HOME/sitewatch (~/.local/state by default).
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/x", "body": "x"}' >/dev/null
mkdir -p "$T/home" "$T/work"
cd "$T/work" || exit 1

try "no ./jobs.csv: add creates ~/.config/sitewatch/jobs.csv"
HOME=$T/home XDG_CONFIG_HOME= XDG_STATE_HOME= "$BIN" add x "$URL/x" > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep "^1h;x;$URL/x;-;-\$" "$T/home/.config/sitewatch/jobs.csv"
assert test ! -e "$T/work/jobs.csv"
ok

try "... and its state goes to ~/.local/state/sitewatch"
HOME=$T/home XDG_CONFIG_HOME= XDG_STATE_HOME= "$BIN" check x > "$T/out" 2>&1
assert_grep '^x: baseline recorded$' "$T/out"
assert test -s "$T/home/.local/state/sitewatch/x"
assert test ! -e "$T/home/.config/sitewatch/.jobs.csv.state"
ok

try "XDG_CONFIG_HOME and XDG_STATE_HOME are respected"
XDG_CONFIG_HOME=$T/cfg XDG_STATE_HOME=$T/st "$BIN" add y "$URL/x" > "$T/out" 2>&1
assert_grep "^1h;y;$URL/x;-;-\$" "$T/cfg/sitewatch/jobs.csv"
XDG_CONFIG_HOME=$T/cfg XDG_STATE_HOME=$T/st "$BIN" check y > "$T/out" 2>&1
assert test -s "$T/st/sitewatch/y"
ok

try "a ./jobs.csv wins over the XDG file, with its state beside it"
printf 'interval;name;url;last-modified;pid\n1h;here;%s/x;-;-\n' "$URL" > "$T/work/jobs.csv"
HOME=$T/home XDG_CONFIG_HOME= XDG_STATE_HOME= "$BIN" check here > "$T/out" 2>&1
assert_grep '^here: baseline recorded$' "$T/out"
assert test -s "$T/work/.jobs.csv.state/here"
ok

done_testing
