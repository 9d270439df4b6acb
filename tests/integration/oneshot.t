#!/usr/bin/env bash
# A one-shot 'at' row keeps its baseline: run again (its pid field set
# back to -), it reports a change of its page like any other row.  Added
# for a time to come, it takes its baseline at once, and its time compares
# and tells (issue 21.3); a time already past is refused by add and
# warned about by --check.
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
must_fail grep -q 'check at at' "$T/log"
ok

try "run again after a change of the page, it reports the change"
ctl set '{"path": "/once", "body": "v2"}' >/dev/null
sed -i 's/;done$/;-/' "$T/jobs.csv"
: >"$T/log"
run
assert_grep 'once changed: ' "$T/log"
must_fail grep -q 'baseline recorded' "$T/log"
ok

try "run again with the page as it was, it reports no change"
sed -i 's/;done$/;-/' "$T/jobs.csv"
: >"$T/log"
run
must_fail grep -q 'changed:' "$T/log"
must_fail grep -q 'baseline recorded' "$T/log"
ok

try "issue 21.3: add refuses a one-shot time already past, naming the time and now"
assert_status 2 "$BIN" -f "$T/jobs.csv" add --interval 'at 2021-03-01 10:00' late "$URL/once"
assert_grep 'at 2021-03-01 10:00 has passed \(it is now [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}\)' "$T/.out"
must_fail grep -q '^late;\|;late;' "$T/jobs.csv"
ok

try "issue 21.3: --check warns about a past one-shot time, and still counts the row usable"
sed -i 's/;done$/;-/' "$T/jobs.csv"
assert_status 0 "$BIN" -f "$T/jobs.csv" --check
assert_grep 'jobs.csv:2: warning: interval: at 2020-01-01 00:00 has passed \(it is now ' "$T/.out"
assert_grep '1 job usable' "$T/.out"
# Once it has run (done), there is nothing to warn about.
sed -i 's/;-$/;done/' "$T/jobs.csv"
assert_status 0 "$BIN" -f "$T/jobs.csv" --check
must_fail grep -q 'warning' "$T/.out"
ok

try "issue 21.3: added for a time to come: a baseline at once, and the change is told at that time"
ctl set '{"path": "/soon", "body": "before"}' >/dev/null
J2=$T/soon.csv
printf 'interval;name;url;last-modified;pid\n' >"$J2"
spawn "$BIN" -f "$J2" --no-desktop -v 2>"$T/soon.log"
SV=$SPAWNED
# A minute mark at least 15 s away.
at=$(date -d '+75 seconds' '+%Y-%m-%d %H:%M')
assert_status 0 "$BIN" -f "$J2" add --interval "at $at" soon "$URL/soon"
assert_eventually 15 grep -q 'soon first check: HTTP 200, baseline recorded' "$T/soon.log"
must_fail grep -q ';done$' "$J2"
ctl set '{"path": "/soon", "body": "after"}' >/dev/null
assert_eventually 150 grep -q ';done$' "$J2"
assert_grep "^$(date -u -d "$at" '+%Y-%m-%dT%H:%M'):0[01]Z soon changed: $URL/soon \(\+1 -1\) after" "$T/soon.log"
assert_grep 'soon done: the one-shot check' "$T/soon.log"
assert_eq "$(requests_to /soon)" 2 "the baseline and the check at its time"
stop "$SV"
ok

done_testing
