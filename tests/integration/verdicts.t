#!/usr/bin/env bash
# issue 21.12: one verdict per row, in line order, and the same count from
# `--check`, the supervisor's log and `status`: a row with a bad filter
# or notify condition is a row with a problem like any other (it was
# counted as usable and as a problem, and listed after the last line), and
# the supervisor does not start it.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/good", "body": "good"}' >/dev/null
cd "$T" || exit 1
J=$T/jobs.csv
LOG=$T/log

# Eleven rows, one usable: a bad URL, a bad interval, a bad filter, a
# duplicate name, a missing field, a bad pid, a bad notify condition, an
# open quote, a bad filter and notify both, an empty name.
printf '%s\n' \
	'interval;name;url;last-modified;pid;filter;notify' \
	"1h;good;$URL/good;-;-;;" \
	'10m;ftp;ftp://127.0.0.1/;-;-;;' \
	"10x;badint;$URL/x;-;-;;" \
	"1h;badfilter;$URL/good;-;-;grep:(x;" \
	"10m;good;$URL/2;-;-;;" \
	"10m;short;$URL/s" \
	"10m;pid;$URL/p;-;12x;;" \
	"1h;badnotify;$URL/good;-;-;;match:[z" \
	"10m;\"open;$URL/o;-;-;;" \
	"1h;both;$URL/good;-;-;ignore:(;match:(" \
	"10m;;$URL/e;-;-;;" >"$J"

try "--check: one line per refused row, in line order, and 1 usable, 10 with problems"
cat >expected <<EOF2
$J:3: url: "ftp://127.0.0.1/": only http:// and https:// URLs can be watched
$J:4: interval: "10x": unknown unit 'x' (use s, m, h or d)
$J:5: filter: grep:(x: missing closing parenthesis at offset 2
$J:6: name: "good" is already used on line 2
$J:7: missing field "last-modified" (3 fields, the header has 7)
$J:8: pid: "12x": expected -, a process id, or stop
$J:9: notify: match:[z: missing terminating ] for character class at offset 2
$J:10: field 2: quoted field not closed on this line (fields cannot hold line breaks)
$J:11: filter: ignore:(: missing closing parenthesis at offset 1; notify: match:(: missing closing parenthesis at offset 1
$J:12: name: empty
$J: 1 job usable (0 stopped), 10 rows with problems
EOF2
"$BIN" --check -f "$J" >out 2>&1
rc=$?
[ $rc = 2 ] && diff -u expected out >&2 && ok || fail "exit $rc"

try "status: the one usable row, and the same count"
"$BIN" -f "$J" status >out 2>err
rc=$?
assert_eq "$rc" 0 "status's exit"
assert_eq "$(cat err)" "sitewatch: $J: 10 rows cannot be used (see sitewatch --check -f $J)" "status's count line"
assert_eq "$(cut -f1 out | grep -v '^NAME' | tr '\n' ' ')" "good " "the rows status shows"
ok

pidof_row() { awk -F';' -v n="$1" '$2 == n { print $5; exit }' "$J"; }
spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
SV=$SPAWNED

try "the supervisor: the same ten problems in line order, the same count, and the bad-filter rows not started"
# good's first request proves the reading and its starts are done: every
# row started in that reading has its watcher by then.
assert_eventually 10 grep -q "^[^ ]* good first check: .*baseline recorded" "$LOG"
assert_eventually 5 grep -qF "$J: 10 rows cannot be used (see sitewatch --check -f $J)" "$LOG"
grep -oE "$J:[0-9]+: " "$LOG" | cut -d: -f2 | tr '\n' ' ' >lines
assert_eq "$(cat lines)" "3 4 5 6 7 8 9 10 11 12 " "the lines the log names, in order"
for r in badfilter badnotify both; do
	assert_eq "$(pidof_row "$r")" "-" "$r's pid field"
	must_fail grep -q "^[^ ]* $r " "$LOG"
done
assert_eq "$(requests_to /good)" 1 "requests to /good (good's alone)"
assert_eq "$(pgrep -P "$SV" -c -f '^sitewatch: (badfilter|badnotify|both) ')" 0 "their watchers"
ok

try "a row edited to a bad filter stops its watcher; mended, it starts again"
gpid=$(pidof_row good)
sed -i "2s/;;\$/;grep:(y;/" "$J"
assert_eventually 10 grep -q "^[^ ]* good $J:2: filter: grep:(y: missing closing parenthesis.*this row cannot be used: stopping" "$LOG"
assert_eventually 10 grep -qF "$J: 11 rows cannot be used" "$LOG"
assert_eventually 5 eval "! _alive $gpid"
sed -i "2s/;grep:(y;\$/;;/" "$J"
assert_eventually 10 eval '[ "$(pidof_row good)" != "$gpid" ] && [ "$(pidof_row good)" != "-" ] && _alive "$(pidof_row good)"'
assert_eventually 5 grep -qF "$J: 10 rows cannot be used" "$LOG"
ok

done_testing
