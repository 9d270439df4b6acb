#!/usr/bin/env bash
# The supervisor's loop never waits for the spawner: with the spawner
# stalled (SIGSTOP) while it is asked for a watcher, edits, SIGUSR1 and
# SIGTERM are still answered at once; the stalled spawner is given up
# and the watcher forked by the supervisor itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
sv_start

# spawner_pid: the supervisor's child that is the spawner.
spawner_pid() {
	local p
	for p in $(pgrep -P "$SV"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q spawner && echo "$p"
	done
}

try "a stalled spawner holds nothing up: a stop, SIGUSR1; then the watcher is forked here"
SP=$(spawner_pid)
assert [ -n "$SP" ]
assert kill -STOP "$SP"
# A new row: its start is asked of the stalled spawner.
sed -i "\$a 1h;d;$URL/d;-;-" "$J"
sleep 0.5
# The supervisor still answers: a stop takes effect within a second...
pa=$(pidof_row a)
sed -i 's/^\(1h;a;.*;\)[0-9]*$/\1stop/' "$J"
assert_eventually 1.5 gone "$pa"
# ... and SIGUSR1 is read at once.
kill -USR1 "$SV"
assert_eventually 1 logged 'SIGUSR1: reading'
# After the spawner's deadline, d is forked by the supervisor.
assert_eventually 15 running d
assert_eventually 2 logged 'the spawner is gone or stalled'
ok

try "SIGTERM while the spawner is stalled: a clean stop at once"
stop "$SV"
J2=$T/second.csv
printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n' "$URL" > "$J2"
spawn "$BIN" -f "$J2" --no-desktop -v 2>>"$T/second.log"
SV=$SPAWNED
pid_a() { awk -F';' '$2 == "a" { print $5 }' "$J2"; }
a_runs() { is_number "$(pid_a)"; }
assert_eventually 3 a_runs
SP=$(spawner_pid)
assert [ -n "$SP" ]
assert kill -STOP "$SP"
printf '1h;b;%s/b;-;-\n' "$URL" >> "$J2"
sleep 0.5
t0=$(_now_us)
kill -TERM "$SV"
wait "$SV"
assert_eq "$?" 0 "exit status"
# Blocked on the spawner, it took 10 s (4 s times TEST_SLOW: a loaded
# machine stretches every wait).
assert_within "$t0" 4 "SIGTERM answered"
assert_eq "$(pid_a)" "-" "a's pid field back to -"
assert_eq "$(awk -F';' '$2 == "b" { print $5 }' "$J2")" "-" "b's never written"
ok

done_testing
