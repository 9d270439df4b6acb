#!/usr/bin/env bash
# A one-shot 'at' row keeps its baseline: run again (its pid field set
# back to -), it reports a change of its page like any other row.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/once", "body": "v1"}' >/dev/null
printf 'interval;name;url;last-modified;pid\nat 2020-01-01 00:00;once;%s/once;-;-\n' "$URL" >"$T/jobs.csv"

# run: the watcher of 'once' alone, until it has run and ended.
run() {
	"$BIN" -f "$T/jobs.csv" --no-desktop watch once 2>>"$T/log" &
	track $!
	wait_until 10 grep -q ';done$' "$T/jobs.csv"
	wait $! 2>/dev/null
}

try "the first run records a baseline and says done in plain words"
run
assert_grep 'once first check: HTTP 200, baseline recorded' "$T/log"
assert_grep 'once done: the one-shot check \(at 2020-01-01 00:00\) has run' "$T/log"
assert_fails grep -q 'check at at' "$T/log"
ok

try "run again after a change of the page, it reports the change"
ctl set '{"path": "/once", "body": "v2"}' >/dev/null
sed -i 's/;done$/;-/' "$T/jobs.csv"
: >"$T/log"
run
assert_grep 'once changed: ' "$T/log"
assert_fails grep -q 'baseline recorded' "$T/log"
ok

try "run again with the page as it was, it reports no change"
sed -i 's/;done$/;-/' "$T/jobs.csv"
: >"$T/log"
run
assert_fails grep -q 'changed:' "$T/log"
assert_fails grep -q 'baseline recorded' "$T/log"
ok

done_testing
