# shellcheck shell=bash
# lib.sh: sourced by sitewatch's integration tests, which are bash scripts
# printing TAP. A test reads like this:
#
#	. "$(dirname "$0")/lib.sh"
#	pageserver_start
#	ctl set '{"path": "/a", "body": "v1"}'
#
#	try "prints usage on an unknown option"
#	assert_status 2 "$BIN" --no-such-option
#	ok
#
#	try "polls the page"
#	spawn "$BIN" -f "$T/jobs.csv" 2>"$T/log"
#	assert_eventually 5 grep -q started "$T/log"
#	assert_eq "$(requests_to /a)" 1 "requests to /a"
#	ok
#
#	done_testing
#
# A command that must fail is run with must_fail (a death by a signal does
# not pass); a script that needs a program says so with need CMD (skipped
# cleanly where it is missing), one test with skip DESCRIPTION REASON.
#
# Every try ends with exactly one ok or fail. Asserts do not end the test:
# ok prints "not ok" when one of them failed. Do not use set -e: a failed
# assert returns 1 and would end the script (which the EXIT trap reports).
#
# What it sets up: $ROOT (the repo), $BIN (the program, $ROOT/sitewatch
# unless already set), $TESTBIN (helper programs, $SITEWATCH_TESTBIN or
# $ROOT/build/plain/tests), $T (a fresh temporary directory, removed at
# exit unless KEEP_T is set) and an EXIT trap that ends every process
# started with spawn or recorded with track (stop and stop_all end them
# earlier). Failed asserts print "# " lines and make the test's ok print
# "not ok"; done_testing prints the plan and sets the exit status.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB_DIR=$ROOT/tests/integration
BIN=${BIN:-$ROOT/sitewatch}
# Test helper programs (tests/tools); make test sets SITEWATCH_TESTBIN.
TESTBIN=${SITEWATCH_TESTBIN:-$ROOT/build/plain/tests}
T=$(mktemp -d "${TMPDIR:-/tmp}/sitewatch-it.XXXXXX") || exit 1
export ROOT BIN TESTBIN T

_tap_n=0          # tests started: the N of "ok N"
_tap_nfailed=0    # tests that ended "not ok"
_tap_open=0       # 1 between try and ok/fail
_tap_desc=        # the open test's description
_tap_diag=()      # "# " lines to print after the open test's result
_tap_done=0       # done_testing was called
_pids=()          # every pid spawn started or track recorded
SPAWNED=          # the pid of the last spawn

# ---- test cases ---------------------------------------------------------

# try DESCRIPTION: start a test case.
# A test still open is closed first, as failed: every try needs ok or fail.
try() {
	if [ "$_tap_open" = 1 ]; then
		fail "test ended without ok or fail"
	fi
	_tap_n=$((_tap_n + 1))
	_tap_open=1
	_tap_desc=$1
	_tap_diag=()
}

# diag LINE...: add "# " lines to the open test's report (printed on
# failure only), or print them at once when no test is open.
diag() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [ "$_tap_open" = 1 ]; then
			_tap_diag+=("$line")
		else
			printf '# %s\n' "$line"
		fi
	done <<<"$(printf '%s\n' "$@")"
}

# _tap_end: print the open test's "ok N"/"not ok N" line, then its
# diagnostics when it failed, and close it.
_tap_end() {
	local line
	if [ ${#_tap_diag[@]} -eq 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$_tap_desc"
	else
		_tap_nfailed=$((_tap_nfailed + 1))
		printf 'not ok %d - %s\n' "$_tap_n" "$_tap_desc"
		for line in "${_tap_diag[@]}"; do
			printf '# %s\n' "$line"
		done
	fi
	_tap_open=0
	_tap_diag=()
}

# ok: end the open test; it passes unless an assert inside it failed.
# Returns 0.
ok() {
	[ "$_tap_open" = 1 ] || try "(ok outside a test)"
	_tap_end
}

# fail [WHY...]: end the open test as failed, WHY as "# " lines.
# Outside a test it counts as a failed test of its own. Returns 1.
fail() {
	[ "$_tap_open" = 1 ] || try "(fail outside a test)"
	diag "${@:-failed}"
	_tap_end
	return 1
}

# done_testing: print the "1..N" plan and exit: 0 when every test passed,
# 1 when one failed or none ran. Call it once, at the end.
done_testing() {
	[ "$_tap_open" = 1 ] && fail "test ended without ok or fail"
	_tap_done=1
	printf '1..%d\n' "$_tap_n"
	if [ "$_tap_n" -eq 0 ]; then
		echo "# no tests ran"
		exit 1
	fi
	[ "$_tap_nfailed" -eq 0 ] || exit 1
	exit 0
}

# ---- asserts --------------------------------------------------------------
# Each returns 0 when it holds. When it does not, it records "# " lines
# in the open test (which ok then reports as "not ok") and returns 1, so a
# test kept in a function can stop early: assert ... || { ok; return; }.

# _failed WHY...: record a failed assert with the caller's line number.
# Returns 1.
_failed() {
	diag "assert failed at ${BASH_SOURCE[2]##*/}:${BASH_LINENO[1]}" "$@"
	return 1
}

# _run CMD...: run CMD with its stdout and stderr in $T/.out (so they do
# not mix with TAP); returns CMD's status.
_run() {
	"$@" >"$T/.out" 2>&1
}

# _output: the tail of the last _run's output, indented, for diagnostics.
# Prints nothing when the command printed nothing.
_output() {
	[ -s "$T/.out" ] || return 0
	echo "output (last 20 lines):"
	tail -n 20 "$T/.out" | sed 's/^/  /'
}

# assert CMD...: CMD exits 0.
# Its output is shown only when it fails.
assert() {
	local st=0
	_run "$@" || st=$?
	[ "$st" -eq 0 ] && return 0
	_failed "command failed with status $st: $*" "$(_output)"
}

# must_fail CMD...: CMD fails the way a program reports a failure: it
# exits with a status from 1 to 125. A death by a signal (status 129 and
# up: a crash, an abort, a sanitizer's trap), or a command that could not
# be run (126, 127) is not a failure this passes (as git's
# test_must_fail).
must_fail() {
	local st=0
	_run "$@" || st=$?
	if [ "$st" -eq 0 ]; then
		_failed "command succeeded but should have failed: $*" "$(_output)"
	elif [ "$st" -gt 128 ]; then
		_failed "command died of signal $((st - 128)): $*" "$(_output)"
	elif [ "$st" -gt 125 ]; then
		_failed "command could not be run (status $st): $*" "$(_output)"
	else
		return 0
	fi
}

# assert_status N CMD...: CMD exits with status N exactly.
# Shows the status it had and its output otherwise.
assert_status() {
	local want=$1 st=0
	shift
	_run "$@" || st=$?
	[ "$st" -eq "$want" ] && return 0
	_failed "expected status $want, got $st: $*" "$(_output)"
}

# assert_eq ACTUAL EXPECTED [WHAT]: two strings are equal.
# Shows both, quoted, when they are not.
assert_eq() {
	[ "$1" == "$2" ] && return 0
	_failed "${3:-values differ}" "  got:      $(printf '%q' "$1")" \
		"  expected: $(printf '%q' "$2")"
}

# assert_grep ERE FILE: some line of FILE matches the extended regex.
# Shows the end of FILE when none does.
assert_grep() {
	grep -Eq -- "$1" "$2" 2>/dev/null && return 0
	cp "$2" "$T/.out" 2>/dev/null || : >"$T/.out"
	_failed "no line of $2 matches /$1/" "$(_output)"
}

# assert_diff EXPECTED_FILE ACTUAL_FILE: the two files are byte-identical.
# Shows diff -u when they are not.
assert_diff() {
	diff -u "$1" "$2" >"$T/.out" 2>&1 && return 0
	_failed "$2 differs from $1" "$(_output)"
}

# assert_eventually TIMEOUT CMD...: CMD succeeds within TIMEOUT seconds
# (polled with wait_until), times TEST_SLOW (default 1; make test
# sets 2, and 5 for the sanitizer build): what is awaited is expected, so a
# longer wait costs time only when a test fails, and a loaded machine or
# ASan's slower processes do not turn "later" into "never".
assert_eventually() {
	local timeout
	timeout=$(slowed "$1")
	shift
	wait_until "$timeout" "$@" && return 0
	_failed "still false after ${timeout}s: $*"
}

# assert_within START_US SECONDS [WHAT]: less than SECONDS (times
# TEST_SLOW, as assert_eventually) have passed since START_US, a time
# taken with _now_us. For a bound that tells a feature from its bug (an
# answer within a second, where the bug takes ten): a loaded machine
# stretches every wait, and a bare wall-clock bound fails there.
assert_within() {
	local limit took_us
	limit=$(slowed "$2")
	took_us=$(($(_now_us) - $1))
	awk -v t="$took_us" -v l="$limit" 'BEGIN { exit !(t < l * 1000000) }' &&
		return 0
	_failed "${3:-took too long}: $((took_us / 1000)) ms, limit ${limit} s"
}

# slowed SECONDS: print SECONDS times TEST_SLOW (default 1).
slowed() {
	awk -v t="$1" -v k="${TEST_SLOW:-1}" 'BEGIN { printf "%g", t * k }'
}

# ---- prerequisites --------------------------------------------------------

# have CMD...: succeed when every CMD is on the PATH.
have() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || return 1
	done
}

# skip DESCRIPTION REASON: report one test that cannot run here as
# skipped ("ok N - DESCRIPTION # SKIP REASON").
skip() {
	try "$1 # SKIP $2"
	ok
}

# skip_all REASON: the whole script cannot run here: print the plan of
# a skipped script ("1..0 # SKIP REASON") and exit 0. Call it before the
# first try.
skip_all() {
	_tap_done=1
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

# need CMD...: skip the whole script unless every CMD is on the PATH.
need() {
	local c
	for c in "$@"; do
		have "$c" || skip_all "$c is not installed"
	done
}

# ---- processes and time -------------------------------------------------

# _now_us: the current time in microseconds, from bash's EPOCHREALTIME
# (no fork; digits only, whatever the locale's decimal point).
_now_us() {
	local t=${EPOCHREALTIME//[!0-9]/}
	echo "$((10#$t))"
}

# wait_until TIMEOUT CMD...: run CMD every 50 ms until it succeeds
# (return 0) or TIMEOUT seconds (may be fractional: 0.5) pass (return 1).
# CMD's stdout and stderr are discarded. Its arguments are expanded once,
# so poll a "$(...)" through a function: f() { [ "$(requests_to /a)" -ge 2 ]; }
wait_until() {
	local timeout=$1 s f deadline
	shift
	s=${timeout%%.*}
	f=${timeout#*.}
	[ "$f" = "$timeout" ] && f=0
	f=${f}000000
	deadline=$(($(_now_us) + 10#${s:-0} * 1000000 + 10#${f:0:6}))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(_now_us)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# free_port: print a TCP port on 127.0.0.1 that was free a moment ago.
# The kernel chooses it; another process may still take it before we do.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# spawn CMD...: start CMD in the background, in a process group of its own
# whose id is its pid, and remember it for the EXIT trap. Sets SPAWNED to
# its pid. Call it directly, not in $(...), or the pid is lost. Redirect
# as usual: spawn "$BIN" -f "$T/jobs.csv" 2>"$T/log"
spawn() {
	if [ "$(type -t "$1")" = file ] && command -v setsid >/dev/null; then
		# Not a process group leader here, so setsid execs in place.
		setsid "$@" &
	else
		"$@" &
	fi
	SPAWNED=$!
	_pids+=("$SPAWNED")
}

# track PID...: have the EXIT trap end PIDs too, for processes started
# with a plain "&" (so in the script's process group): cmd & track $!
track() {
	_pids+=("$@")
}

# _alive PID [PPID]: succeed when PID exists, is not a zombie (a zombie
# has died already) and, if PPID is given, is PPID's child.
_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r -a stat <<<"${stat##*) }"   # state ppid pgrp ...
	[ "${stat[0]}" != Z ] && { [ -z "${2:-}" ] || [ "${stat[1]}" = "$2" ]; }
}

# _members PID...: print the live processes that stopping PIDs must end:
# each PID still our child, and every process in its process group (the
# watchers it forked, even after it died itself).
_members() {
	local pid
	for pid in "$@"; do
		_alive "$pid" "$$" && echo "$pid"
		pgrep -g "$pid" 2>/dev/null | while read -r pid; do
			_alive "$pid" && echo "$pid"
		done
	done | sort -u
}

# _none_left PID...: succeed when nothing that stopping PIDs must end is
# left. Polled by stop through wait_until.
_none_left() {
	[ -z "$(_members "$@")" ]
}

# stop PID...: end spawned or tracked processes and their process groups:
# SIGTERM, then SIGKILL to what is left after 2 s; reap and forget them.
# Their exit status is lost: to check it, kill and wait yourself.
stop() {
	local pid left keep=()
	[ $# -gt 0 ] || return 0
	for pid in $(_members "$@"); do
		kill -TERM "$pid" 2>/dev/null
	done
	wait_until 2 _none_left "$@"
	left=$(_members "$@")
	if [ -n "$left" ]; then
		echo "# still running after SIGTERM, killing: ${left//$'\n'/ }"
		for pid in $left; do
			kill -KILL "$pid" 2>/dev/null
		done
	fi
	# Reap our own children so bash does not report their deaths.
	for pid in "$@"; do
		wait "$pid" 2>/dev/null
	done
	for pid in "${_pids[@]}"; do
		[[ " $* " == *" $pid "* ]] || keep+=("$pid")
	done
	_pids=("${keep[@]}")
}

# stop_all: stop every spawned or tracked process but the page servers,
# e.g. the writers of a test, before looking at what they left.
stop_all() {
	local pid some=()
	for pid in "${_pids[@]}"; do
		[ "$pid" = "${PAGESERVER:-}" ] || [ "$pid" = "${HOSTILE:-}" ] ||
			some+=("$pid")
	done
	stop "${some[@]}"
}

# _cleanup: the EXIT trap. Ends every spawned process and its group
# (SIGTERM, SIGKILL after 2 s), removes $T, and fails a script that
# stopped before done_testing.
_cleanup() {
	local st=$?
	trap - EXIT
	if [ "$_tap_done" = 0 ]; then
		[ "$_tap_open" = 1 ] && fail "script exited (status $st) inside this test"
		echo "# exited with status $st before done_testing"
		[ "$st" -ne 0 ] || st=1
	fi
	stop "${_pids[@]}"
	if [ -n "${KEEP_T:-}" ]; then
		echo "# kept $T"
	else
		rm -rf -- "$T"
	fi
	exit "$st"
}
trap _cleanup EXIT
# Run the EXIT trap on these signals too; bash skips it when killed.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- the page server ----------------------------------------------------

# pageserver_start [--tls CERT KEY]: spawn tests/integration/pageserver.py on
# a free port and wait until it listens. Sets PORT, URL
# (http://127.0.0.1:PORT) and PAGESERVER (its pid); with --tls also TLS_URL,
# the same pages over HTTPS. Its stderr goes to $T/pageserver.log.
_has_lines() { [ "$(wc -l <"$1")" -ge "$2" ]; }
pageserver_start() {
	local lines=1
	[ "${1:-}" = --tls ] && lines=2
	spawn python3 "$LIB_DIR/pageserver.py" --port 0 "$@" \
		>"$T/pageserver.port" 2>"$T/pageserver.log"
	PAGESERVER=$SPAWNED
	if ! wait_until "$(slowed 10)" _has_lines "$T/pageserver.port" "$lines"; then
		echo "# pageserver did not start:"
		sed 's/^/#   /' "$T/pageserver.log"
		exit 1
	fi
	{ read -r PORT; read -r TLS_PORT || true; } <"$T/pageserver.port"
	URL=http://127.0.0.1:$PORT
	TLS_URL=https://127.0.0.1:${TLS_PORT:-0}
	export PORT URL PAGESERVER TLS_URL
}

# ctl ACTION [JSON]: call the page server's control API: POST JSON (default
# {}) to /_ctl/ACTION, or GET for stats. Prints the JSON answer; returns 1
# on an error answer. Uses curl when there is one (fast), else python3.
ctl() {
	local url=$URL/_ctl/$1 body=${2:-}
	[ -n "$body" ] || body='{}'
	if command -v curl >/dev/null; then
		if [ "$1" = stats ]; then
			curl -sS --fail-with-body "$url"
		else
			curl -sS --fail-with-body -H 'Content-Type: application/json' \
				--data-binary "$body" "$url"
		fi
		return
	fi
	python3 - "$url" "$body" <<'EOF'
import sys, urllib.request, urllib.error
url, body = sys.argv[1], sys.argv[2]
data = None if url.endswith("/stats") else body.encode()
try:
    with urllib.request.urlopen(url, data=data, timeout=10) as r:
        print(r.read().decode(), end="")
except urllib.error.HTTPError as e:
    print(e.read().decode(), end="", file=sys.stderr)
    sys.exit(1)
EOF
}

# next_check_of JOBS NAME: print the Unix time of the next check that
# 'sitewatch -f JOBS status --json' shows for the row NAME, or "none".
next_check_of() {
	"$BIN" -f "$1" status --json | python3 -c '
import json, sys, calendar, time
for j in json.load(sys.stdin)["jobs"]:
    if j["name"] == sys.argv[1]:
        t = j["next_check"]
        print("none" if t is None else
              calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ")))' "$2"
}

# requests_to PATH: print how many requests the page server has had for
# PATH since the last reset.
requests_to() {
	ctl stats | python3 -c 'import json, sys
print(json.load(sys.stdin)["counts"].get(sys.argv[1], 0))' "$1"
}

# ---- the hostile server -------------------------------------------------

# hostileserver_start: spawn tests/integration/hostileserver.py (one path
# per broken or hostile behaviour; see its header) on a free port and wait
# until it listens. Sets HOSTILE_URL (http://127.0.0.1:PORT),
# HOSTILE_TLS_URL (https:// on a port that accepts and never answers) and
# HOSTILE (its pid, for stop). Its stderr goes to $T/hostileserver.log.
hostileserver_start() {
	local port tls_port
	spawn python3 "$LIB_DIR/hostileserver.py" --port 0 \
		>"$T/hostileserver.port" 2>"$T/hostileserver.log"
	HOSTILE=$SPAWNED
	if ! wait_until "$(slowed 10)" _has_lines "$T/hostileserver.port" 2; then
		echo "# hostileserver did not start:"
		sed 's/^/#   /' "$T/hostileserver.log"
		exit 1
	fi
	{ read -r port; read -r tls_port; } <"$T/hostileserver.port"
	HOSTILE_URL=http://127.0.0.1:$port
	HOSTILE_TLS_URL=https://127.0.0.1:$tls_port
	export HOSTILE HOSTILE_URL HOSTILE_TLS_URL
}

# hostile_stats: print the hostile server's request log (JSON).
hostile_stats() {
	python3 -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
		"$HOSTILE_URL/_ctl/stats"
}
