#!/usr/bin/env bash
# The supervisor: one watcher per runnable row, live edits of the jobs file,
# stops and restarts, a second supervisor refused, clean shutdown, and no
# orphan or zombie, ever.  Real processes, real signals, real files.
. "$(dirname "$0")/lib.sh"
pageserver_start
for p in a b c d e f g; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done

J=$T/jobs.csv
LOG=$T/log
{
	printf '# supervisor test\ninterval;name;url;last-modified;pid\n'
	printf '1h;a;%s/a;-;-\n1h;b;%s/b;-;-\n1h;c;%s/c;-;\n' "$URL" "$URL" "$URL"
} > "$J"

# pidof_row NAME: the row's pid field.
pidof_row() { awk -F';' -v n="$1" '$2 == n { print $5 }' "$J"; }
# child_of PID PARENT: PID is alive and PARENT's child.
child_of() { _alive "$1" "$2"; }
is_number() { [[ $1 =~ ^[0-9]+$ ]]; }
# running NAME: the row shows a pid whose process is the supervisor's child.
running() { local p; p=$(pidof_row "$1"); is_number "$p" && child_of "$p" "$SV"; }
gone() { ! _alive "$1"; }
field_is() { [ "$(pidof_row "$1")" = "$2" ]; }
# zombies: the supervisor's children that stay zombies for 300 ms.
lasting_zombies() {
	local z p st
	z=$(for p in $(pgrep -P "$SV"); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)
		[ "$st" = Z ] && echo "$p"
	done)
	[ -z "$z" ] && return 0
	sleep 0.3
	for p in $z; do
		[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && echo "$p"
	done
}
no_zombie() { local z; z=$(lasting_zombies); [ -z "$z" ] || { diag "zombies: $z"; return 1; }; }
logged() { grep -Eq -- "$1" "$LOG"; }

try "start: one watcher per runnable row, its pid in the file, the supervisor its parent"
spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
SV=$SPAWNED
assert_eventually 3 running a
assert_eventually 3 running b
assert_eventually 3 running c
no_zombie
ok

try "watchers run at a niceness 5 above the supervisor's (it keeps the CPU under load)"
sv_ni=$(ps -o ni= -p "$SV")
want=$((sv_ni + 5 > 19 ? 19 : sv_ni + 5))
assert_eq "$(ps -o ni= -p "$(pidof_row a)" | tr -d ' ')" "$want"
assert_eq "$(ps -o ni= -p "$(pgrep -P "$SV" -x sitewatch-spawn)" | tr -d ' ')" "$(echo $sv_ni)"
ok

try "libnotify is not mapped into the watchers (only the desktop process loads it)"
assert grep -q libcurl "/proc/$(pidof_row a)/maps"
assert_fails grep -q libnotify "/proc/$(pidof_row a)/maps"
assert_fails grep -q libnotify "/proc/$SV/maps"
ok

try "a second supervisor on the same file exits 2 and names the first"
assert_status 2 "$BIN" -f "$J" --no-desktop
assert_grep "is already watched by pid $SV\$" "$T/.out"
ok

try "a row added with sed -i starts a watcher within a second"
sed -i "\$a 1h;d;$URL/d;-;-" "$J"
assert_eventually 1.5 running d
ok

try "a row added by an in-place '>' write starts a watcher"
{ cat "$J"; printf '1h;e;%s/e;-;-\n' "$URL"; } > "$T/next"
cat "$T/next" > "$J"
assert_eventually 1.5 running e
ok

try "a row added by an editor that saves by rename starts a watcher"
{ cat "$J"; printf '1h;f;%s/f;-;-\n' "$URL"; } > "$T/.jobs.csv.swp"
mv "$T/.jobs.csv.swp" "$J"
assert_eventually 1.5 running f
ok

try "stop written with sed -i: that watcher exits within a second, the others run on"
pa=$(pidof_row a); pb=$(pidof_row b)
sed -i 's/^\(1h;a;.*;\)[0-9]*$/\1stop/' "$J"
assert_eventually 1.2 gone "$pa"
assert child_of "$pb" "$SV"
sleep 1.5
assert field_is a stop
no_zombie
ok

try "stop stays down: not restarted; '-' starts it again"
assert field_is a stop
sed -i 's/^\(1h;a;.*;\)stop$/\1-/' "$J"
assert_eventually 1.5 running a
ok

try "a removed row: its watcher ends"
pf=$(pidof_row f)
sed -i '/^1h;f;/d' "$J"
assert_eventually 1.5 gone "$pf"
ok

try "kill PID (SIGTERM): the watcher stays down and its field says stop"
pb=$(pidof_row b)
kill -TERM "$pb"
assert_eventually 1.5 field_is b stop
assert_grep "stopped by signal 15 \\(pid $pb\\); set its pid field to - to start it again" "$LOG"
sleep 1.5
assert field_is b stop
ok

try "kill -SEGV PID: restarted after the backoff, with a log line"
pc=$(pidof_row c)
kill -SEGV "$pc"
assert_eventually 3 logged "c killed by signal 11 \\(pid $pc\\); restarting in 1 s"
new_c() { local p; p=$(pidof_row c); is_number "$p" && [ "$p" != "$pc" ] && running c; }
assert_eventually 4 new_c
no_zombie
ok

try "kill -9 PID: restarted after the backoff, with a log line"
pd=$(pidof_row d)
kill -KILL "$pd"
assert_eventually 3 logged "d killed by signal 9 \\(pid $pd\\); restarting in"
new_d() { local p; p=$(pidof_row d); is_number "$p" && [ "$p" != "$pd" ] && running d; }
assert_eventually 4 new_d
ok

try "a save that does not parse: nothing stops, one log line; the next good save is applied"
cp "$J" "$T/good"
pe=$(pidof_row e)
printf 'not;a;jobs;file\n' > "$J"
sleep 1
printf 'also;not;a;jobs;file\n' > "$J"
sleep 1
assert child_of "$pe" "$SV"
assert_eq "$(grep -c 'does not parse' "$LOG")" 1 "the same problem is logged once"
{ cat "$T/good"; printf '1h;g;%s/g;-;-\n' "$URL"; } > "$T/next"
cp "$T/next" "$J"
assert_eventually 1.5 running g
assert child_of "$pe" "$SV"
ok

try "SIGHUP re-reads the file"
kill -HUP "$SV"
assert_eventually 2 logged 'SIGHUP: reading'
assert child_of "$pe" "$SV"
ok

try "the spawner: the supervisor's child, no watcher its child; killed, it is logged and rows still start"
sp=$(pgrep -P "$SV" -x sitewatch-spawn)
assert is_number "$sp"
assert [ -z "$(pgrep -P "$sp")" ]
assert [ "$(awk '{ print $4 }' "/proc/$(pidof_row a)/stat")" = "$SV" ]
kill -KILL "$sp"
assert_eventually 2 logged 'the spawner exited; forking the watchers here'
sed -i "\$a 1h;h;$URL/a;-;-" "$J"
assert_eventually 1.5 running h
assert child_of "$(pidof_row a)" "$SV"
no_zombie
ok

try "kill -9 the supervisor: no watcher alive a second later"
watchers=$(pgrep -P "$SV")
kill -KILL "$SV"
wait "$SV" 2>/dev/null
SV_KILLED=1
all_gone() { local p; for p in $watchers; do _alive "$p" && return 1; done; return 0; }
assert_eventually 1 all_gone
ok

try "stale pids from the killed supervisor: the next start runs those rows"
stale_a=$(pidof_row a)
is_number "$stale_a" || fail "row a holds no stale pid: $stale_a"
spawn "$BIN" -f "$J" --no-desktop 2>>"$LOG"
SV=$SPAWNED
new_a() { local p; p=$(pidof_row a); is_number "$p" && [ "$p" != "$stale_a" ] && running a; }
assert_eventually 3 new_a
assert_eventually 3 running g
assert field_is b stop
ok

try "Ctrl-C (SIGINT to the process group): watchers stopped, fields back to -, exit 0"
pa=$(pidof_row a)
kill -INT -- "-$SV"
wait "$SV"
st=$?
assert_eq "$st" 0 "exit status"
assert gone "$pa"
assert_eq "$(awk -F';' 'NR > 2 && $5 != "-" && $5 != "stop"' "$J")" "" "every field - (or stop)"
assert field_is b stop
ok

try "SIGTERM to the supervisor: every watcher gone, every field -, exit 0"
spawn "$BIN" -f "$J" --no-desktop 2>>"$LOG"
SV=$SPAWNED
assert_eventually 3 running a
watchers=$(pgrep -P "$SV")
kill -TERM "$SV"
wait "$SV"
st=$?
assert_eq "$st" 0 "exit status"
assert all_gone
assert_eq "$(awk -F';' 'NR > 2 && $5 != "-" && $5 != "stop"' "$J")" "" "every field - (or stop)"
ok

try "many changes at once: the watchers write them in a few shared rewrites, none lost"
L0="Mon, 01 Jan 2024 00:00:00 GMT"
L1="Tue, 02 Jan 2024 00:00:00 GMT"
J2=$T/storm.csv
LOG2=$T/storm.log
{
	printf 'interval;name;url;last-modified;pid\n'
	for i in $(seq 1 30); do
		ctl set "{\"path\": \"/s$i\", \"body\": \"x\", \"last_modified\": \"$L0\"}" >/dev/null
		printf '1h;s%d;%s/s%d;%s;-\n' "$i" "$URL" "$i" "$L0"
	done
} > "$J2"
spawn "$BIN" -f "$J2" --no-desktop -v 2>>"$LOG2"
SV2=$SPAWNED
all_started() { [ "$(awk -F';' 'NR > 1 && $5 ~ /^[0-9]+$/' "$J2" | wc -l)" -eq 30 ]; }
assert_eventually 10 all_started
first_done() { [ "$(grep -c 'first check' "$LOG2")" -ge 30 ]; }
assert_eventually 15 first_done
for i in $(seq 1 30); do
	ctl set "{\"path\": \"/s$i\", \"body\": \"y\", \"last_modified\": \"$L1\"}" >/dev/null
done
# Every watcher checks now, all at once.
kill -USR1 $(awk -F';' 'NR > 1 { print $5 }' "$J2")
all_new() { [ "$(awk -F';' -v l="$L1" 'NR > 1 && $4 == l' "$J2" | wc -l)" -eq 30 ]; }
assert_eventually 15 all_new
rewrites=$(grep -c 'recorded [0-9]* last-modified' "$LOG2")
total=$(grep -o 'recorded [0-9]* last-modified' "$LOG2" | awk '{ s += $2 } END { print s + 0 }')
printf "# 30 changes written in %s rewrites\n" "$rewrites"
assert_eq "$total" 30 "values recorded"
most=$(grep -o 'recorded [0-9]* last-modified' "$LOG2" | awk '$2 > m { m = $2 } END { print m + 0 }')
# A rewrite that wrote other watchers' values too: the batching works.
assert [ "$most" -ge 2 ]
assert [ "$rewrites" -lt 30 ]
assert_eq "$(grep -c 'changed:' "$LOG2")" 30 "changes logged"
assert_eq "$(awk -F';' 'NR > 1' "$J2" | wc -l)" 30 "rows"
kill -TERM "$SV2"
wait "$SV2"
assert_eq "$?" 0 "exit status"
ok

done_testing
