#!/usr/bin/env bash
# sitewatch diff, history and check --show / --url --filter: what a person
# sees of the snapshots a watcher keeps, and of the compared text.
. "$(dirname "$0")/lib.sh"
pageserver_start

J=$T/jobs.csv
LOG=$T/log
setp() { ctl set "{\"path\": \"/p\", \"body\": \"<html><body><h1>Shop</h1><p class=\\\"price\\\">$1 EUR</p><ul>$2</ul></body></html>\"}" >/dev/null; }
lines() { grep -Ec -- "$1" "$LOG"; }
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
setp 10 '<li>a</li><li>b</li>'
printf 'interval;name;url;last-modified;pid\n1s;shop;%s/p;-;-\n' "$URL" >"$J"

try "history and diff before any check: no snapshots, exit 1"
assert_status 1 "$BIN" -f "$J" history shop
assert_grep '^sitewatch: shop: no snapshots' "$T/.out"
assert_status 1 "$BIN" -f "$J" diff shop
ok

try "a watcher keeps --keep snapshots: history lists them newest first with +/- counts"
spawn "$BIN" -f "$J" --no-desktop -v --keep 3 watch shop 2>"$LOG"
W=$SPAWNED
assert_eventually 10 at_least 'shop first check' 1
setp 12 '<li>a</li><li>b</li><li>c</li>'
assert_eventually 10 at_least 'shop changed: ' 1
setp 12 '<li>a</li>'
assert_eventually 10 at_least 'shop changed: ' 2
setp 13 '<li>a</li>'
assert_eventually 10 at_least 'shop changed: ' 3
stop "$W"
assert_status 0 "$BIN" -f "$J" history shop
assert_grep '^-r +TIME +CHANGE$' "$T/.out"
assert_grep '^1 +[0-9-]{10} [0-9:]{8} +\+1 -1$' "$T/.out"
assert_grep '^2 +[0-9-]{10} [0-9:]{8} +\+0 -2$' "$T/.out"
assert_grep '^3 +[0-9-]{10} [0-9:]{8} +\+2 -1$' "$T/.out"
assert_eq "$(wc -l <"$T/.out")" 4 "three snapshots kept (--keep 3), and the heading"
assert_eq "$(ls "$T/.jobs.csv.state/shop.snap" | grep -c '^[0-9]*$')" 3 "three texts on disk"
ok

try "diff: the last change, plain when piped, labelled with the job and times"
"$BIN" -f "$J" diff shop >"$T/diff" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep '^--- shop [0-9-]{10} [0-9:]{8}$' "$T/diff"
assert_grep '^\+\+\+ shop [0-9-]{10} [0-9:]{8}$' "$T/diff"
assert_grep '^-12 EUR$' "$T/diff"
assert_grep '^\+13 EUR$' "$T/diff"
must_fail grep -q $'\033' "$T/diff"
ok

try "diff -r 2: the change before; -r past the oldest kept change says why"
"$BIN" -f "$J" diff -r 2 shop >"$T/diff2" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep '^-b$' "$T/diff2"
assert_grep '^-c$' "$T/diff2"
assert_status 1 "$BIN" -f "$J" diff -r 3 shop
assert_grep 'the oldest one kept' "$T/.out"
assert_status 2 "$BIN" -f "$J" diff -r 4 shop
ok

try "diff on a terminal is coloured like git diff"
if command -v script >/dev/null; then
	script -qec "$BIN -f $J diff shop" /dev/null >"$T/tty" 2>&1
	assert grep -q $'\033\\[32m+13 EUR' "$T/tty"
fi
ok

try "check NAME --show: the compared text and each step's time; nothing recorded"
cp -r "$T/.jobs.csv.state" "$T/state.before"
assert_status 0 "$BIN" -f "$J" check shop --show
assert_grep '^filter: +\(default' "$T/.out"
assert_grep '^  text +[0-9.]+ ms +[0-9]+ bytes$' "$T/.out"
assert_grep '^compared text:$' "$T/.out"
assert_eq "$(sed -n '/^compared text:$/,$p' "$T/.out" | tail -n +2)" "$(printf 'Shop\n13 EUR\na')" "the text"
assert diff -r "$T/state.before" "$T/.jobs.csv.state"
ok

try "check --url --filter: the chain's text and steps; a failing chain exits 1 and says why"
assert_status 0 "$BIN" check --url "$URL/p" --filter 'css:.price | s/EUR/euro/'
assert_grep '^  css:\.price +[0-9.]+ ms +[0-9]+ bytes$' "$T/.out"
assert_grep '^  s/EUR/euro/ +[0-9.]+ ms +8 bytes$' "$T/.out"
assert_eq "$(tail -n 1 "$T/.out")" "13 euro" "the compared text"
assert_status 1 "$BIN" check --url "$URL/p" --filter 'css:.nothing'
assert_grep '^error: +css:\.nothing: matched nothing$' "$T/.out"
assert_status 2 "$BIN" check --url "$URL/p" --filter 'grep:(' 
ok

done_testing
