#!/usr/bin/env bash
# Issue 21.6: the supervisor's loop never waits for the jobs file's lock.
# While another process (flock(1)) holds .jobs.csv.lock, a watcher's exit,
# an edit, a start-up and SIGTERM are answered before the holder lets go;
# the pid fields wait in a queue and land once it does; after 5 s the log
# names the holder's pid; at shutdown the lock is waited for 3 s at most,
# and the fields left behind are stale at the next start.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
need flock
sv_start

LOCK=$T/.jobs.csv.lock
# Longer than anything below waits for: every answer asserted comes while
# the holder still holds the lock (checked with _alive "$HOLDER").
HOLD=$(awk -v k="${TEST_SLOW:-1}" 'BEGIN { printf "%d", 40 * k }')
locked() { ! flock -n "$LOCK" true; }
# hold_lock: flock(1) takes the lock for HOLD s; -o: its command does not
# inherit it, so stopping flock (HOLDER) lets go.
hold_lock() {
	spawn flock -o "$LOCK" sleep "$HOLD"
	HOLDER=$SPAWNED
	wait_until 5 locked
}
release() { stop "$HOLDER"; }

try "issue 21.6: a watcher's exit and an edit are answered while another process holds the lock; the writes land when it lets go"
assert hold_lock
pa=$(pidof_row a)
kill -TERM "$pa"
assert_eventually 3 logged ' a stopped by signal 15'
# The edit is read and its watcher started, though its pid cannot be
# written yet (on the old code the loop waited in the stop's write).
sed -i "\$a 1h;d;$URL/d;-;-" "$J"
assert_eventually 3 has_watcher d
assert_eventually 10 logged "locked by pid $HOLDER for more than 5 s"
assert _alive "$HOLDER"
assert field_is a "$pa"
assert field_is d -
release
assert_eventually 3 field_is a stop
assert_eventually 3 running d
assert_eventually 2 logged 'was let go after [0-9]+ s: pid fields written'
ok

try "issue 21.6: SIGTERM while another process holds the lock: it exits before the holder lets go, the fields it could not reset are stale at the next start"
pc=$(pidof_row c)
assert is_number "$pc"
assert hold_lock
kill -TERM "$SV"
assert_eventually 15 gone "$SV"
wait "$SV"
assert_eq "$?" 0 "exit status"
assert _alive "$HOLDER"
assert logged "still locked by pid $HOLDER after 3 s: [0-9]+ pid fields? left"
assert field_is c "$pc"
release
spawn "$BIN" -f "$J" --no-desktop -v 2>>"$LOG"
SV=$SPAWNED
assert_eventually 3 running c
ok

try "issue 21.6: a start-up while another process holds the lock: the watchers run, their pid fields land when it lets go"
stop "$SV"
assert field_is c -
: >"$LOG"
assert hold_lock
spawn "$BIN" -f "$J" --no-desktop -v 2>>"$LOG"
SV=$SPAWNED
assert_eventually 10 has_watcher c
assert logged "is locked by pid $HOLDER: starting all the same"
assert field_is c -
assert _alive "$HOLDER"
release
assert_eventually 3 running c
ok

done_testing
