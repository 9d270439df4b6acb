#!/usr/bin/env bash
# A watcher killed by a person (SIGTERM) stays down, its field says stop;
# one that crashes (SIGSEGV, SIGKILL) is restarted after the backoff.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
sv_start

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
pd=$(pidof_row a)
kill -KILL "$pd"
assert_eventually 3 logged "a killed by signal 9 \\(pid $pd\\); restarting in"
new_d() { local p; p=$(pidof_row a); is_number "$p" && [ "$p" != "$pd" ] && running a; }
assert_eventually 4 new_d
ok

done_testing
