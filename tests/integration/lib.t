#!/usr/bin/env bash
# The test library itself: must_fail passes a failure and refuses a
# success, a death by a signal and a command that cannot run; need skips
# a script whose prerequisite is missing; assert_within's bound grows with
# TEST_SLOW.
. "$(dirname "$0")/lib.sh"

# passes CMD...: must_fail CMD... holds (run in a subshell, so that its
# verdict does not count against this test).
passes() { (must_fail "$@"); }

try "must_fail passes an exit status of 1 and of 2"
assert passes false
assert passes sh -c 'exit 2'
ok

try "must_fail refuses a success"
assert_status 1 passes true
ok

try "must_fail refuses a death by a signal (a crash is no failure)"
assert_status 1 passes sh -c 'kill -SEGV $$'
assert_status 1 passes sh -c 'kill -ABRT $$'
ok

try "must_fail refuses a command that cannot be run"
assert_status 1 passes "$T/no-such-program"
ok

try "need skips the whole script, cleanly, when a program is missing"
out=$(bash -c '. "$1/lib.sh"; need no-such-program-here; try x; ok; try "assert_within: a bound in seconds, times TEST_SLOW (issue 21.15)"
# within K: 1.5 s have passed; is that within 1 s times K? (In a
# subshell, so that its verdict does not count against this test.)
within() { (TEST_SLOW=$1 assert_within "$(($(_now_us) - 1500000))" 1 "a second"); }
assert_status 1 within 1
assert within 2
assert within 1.6
ok

done_testing' _ "$LIB_DIR")
st=$?
assert_eq "$st" 0 "exit status"
assert_eq "$out" "1..0 # SKIP no-such-program-here is not installed"
ok

try "assert_within: a bound in seconds, times TEST_SLOW (issue 21.15)"
# within K: 1.5 s have passed; is that within 1 s times K? (In a
# subshell, so that its verdict does not count against this test.)
within() { (TEST_SLOW=$1 assert_within "$(($(_now_us) - 1500000))" 1 "a second"); }
assert_status 1 within 1
assert within 2
assert within 1.6
ok

done_testing
