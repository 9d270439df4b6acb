#!/usr/bin/env bash
# Every process names itself, so a person can tell the pids apart in ps,
# top and pstree and kill the right one: `sitewatch: NAME URL` for a
# watcher (comm sw:NAME), `sitewatch: notifier`, `sitewatch: spawner`,
# `sitewatch: supervisor FILE` (comm sitewatch). The title follows the row:
# a new URL shows at once, a renamed row is a new watcher with the new name.
. "$(dirname "$0")/lib.sh"
pageserver_start
for p in a b c d; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done

J=$T/jobs.csv
LOG=$T/log
# 3 + 1 + 2 + 6 + 1 + 1 = 14 bytes of "sw:Bäckerei M", then the two bytes
# of ü: the comm must stop before it, not in its middle.
BAKERY='Bäckerei Müller'

args_of() { ps -o args= -p "$1"; }
comm_of() { cat "/proc/$1/comm"; }
# child_named ARGS: the pid of the supervisor's one child whose command
# line is ARGS.
child_named() {
	local p
	for p in $(pgrep -P "$SV"); do
		[ "$(args_of "$p")" = "$1" ] && echo "$p"
	done
}
pidof_row() { awk -F';' -v n="$1" '$2 == n { print $5 }' "$J"; }
running() { local p; p=$(pidof_row "$1"); [[ $p =~ ^[0-9]+$ ]] && _alive "$p" "$SV"; }
title_is() { [ "$(args_of "$1")" = "$2" ]; }

printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n1h;%s;%s/b;-;-\n' \
	"$URL" "$BAKERY" "$URL" >"$J"
# Started with a relative path and options: the title shows the file as
# given, and nothing of the options.
cd "$T" || exit 1
spawn "$BIN" -f jobs.csv --no-desktop -v --timeout 30 2>"$LOG"
SV=$SPAWNED
wait_until "$(slowed 5)" running a && wait_until "$(slowed 5)" running "$BAKERY"

try "the supervisor: 'sitewatch: supervisor jobs.csv', comm sitewatch"
assert_eq "$(args_of "$SV")" "sitewatch: supervisor jobs.csv" "the supervisor's args"
assert_eq "$(comm_of "$SV")" "sitewatch" "the supervisor's comm"
# The title is what /proc shows: no old argument after it.
assert_eq "$(tr '\0' '\n' <"/proc/$SV/cmdline" | grep -c .)" 1 \
	"non-empty strings in the supervisor's /proc cmdline"
ok

try "the notifier and the spawner: their titles and comms"
n=$(child_named "sitewatch: notifier")
s=$(child_named "sitewatch: spawner")
assert [ -n "$n" ] || diag "$(ps -o pid,comm,args --ppid "$SV")"
assert [ -n "$s" ]
[ -n "$n" ] && assert_eq "$(comm_of "$n")" "sw:notifier" "the notifier's comm"
[ -n "$s" ] && assert_eq "$(comm_of "$s")" "sw:spawner" "the spawner's comm"
ok

try "a watcher: 'sitewatch: NAME URL', comm sw:NAME cut at a character, pgrep -f finds it"
a=$(pidof_row a)
b=$(pidof_row "$BAKERY")
assert_eq "$(args_of "$a")" "sitewatch: a $URL/a" "a's args"
assert_eq "$(comm_of "$a")" "sw:a" "a's comm"
assert_eq "$(args_of "$b")" "sitewatch: $BAKERY $URL/b" "the bakery's args"
assert_eq "$(comm_of "$b")" "sw:Bäckerei M" "the bakery's comm (15 bytes at most, whole characters)"
# Among the supervisor's children: other tests may run a watcher "a".
assert_eq "$(pgrep -P "$SV" -f "sitewatch: $BAKERY ")" "$b" "pgrep -f 'sitewatch: NAME '"
assert_eq "$(pgrep -P "$SV" -x "sw:a")" "$a" "pgrep -x sw:a"
ok

try "a new URL in the row: the running watcher's title follows"
sed -i "s|$URL/a;|$URL/c;|" "$J"
assert_eventually 3 title_is "$a" "sitewatch: a $URL/c"
assert_eq "$(pidof_row a)" "$a" "the same watcher"
ok

# issue 21.15: the renamed row keeps the old watcher's pid for a moment,
# until the supervisor has stopped it and started the new one; a test that
# took that pid waited for a title the old watcher never gets, and read
# /proc of a process that was gone. Wait for a new pid in the row whose
# process is alive and titled with the new name, then look at it.
try "a renamed row: a watcher with the new name"
sed -i "s|^1h;a;|1h;renamed;|" "$J"
# new_watcher NAME OLD TITLE: the row NAME shows a live child of the
# supervisor other than OLD, titled TITLE.
new_watcher() {
	local p
	p=$(pidof_row "$1")
	[ "$p" != "$2" ] && running "$1" && title_is "$p" "$3"
}
assert_eventually 3 new_watcher renamed "$a" "sitewatch: renamed $URL/c"
r=$(pidof_row renamed)
assert_eq "$(comm_of "$r" 2>&1)" "sw:renamed" "its comm"
assert_eventually 3 eval '! _alive '"$a"
ok

stop "$SV"

try "sitewatch watch NAME: the watcher and its notifier named the same way"
printf 'interval;name;url;last-modified;pid\n1h;solo;%s/d;-;-\n' "$URL" >"$T/solo.csv"
spawn "$BIN" -f "$T/solo.csv" --no-desktop watch solo 2>"$T/solo.log"
W=$SPAWNED
assert_eventually 5 title_is "$W" "sitewatch: solo $URL/d" ||
	diag "$(ps -o pid,comm,args -g "$W")"
assert_eq "$(comm_of "$W")" "sw:solo" "its comm"
notifier_named() { [ "$(ps -o args= --ppid "$W")" = "sitewatch: notifier" ]; }
assert_eventually 3 notifier_named
stop "$W"
ok

done_testing
