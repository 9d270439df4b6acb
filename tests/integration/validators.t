#!/usr/bin/env bash
# What a watcher keeps of a server's Last-Modified and ETag, and what it
# never lets them decide: values that are not valid in the jobs file are
# made valid before they are stored (a row is never lost to a server's
# bytes), one bad record never costs the other rows theirs, and the body,
# not the validators, decides whether a page changed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-lib.sh"
pageserver_start

lastmod() { awk -F';' 'NR>1 {print $4}' "$T/$1/jobs.csv"; }
alive() { kill -0 "$1" 2>/dev/null; }
# rows_with TEXT N: exactly N lines of many/jobs.csv hold TEXT.
rows_with() { [ "$(grep -c -- "$1" "$T/many/jobs.csv")" -eq "$2" ]; }

try "a Latin-1 Last-Modified is stored escaped: the row stays valid and the watcher keeps running"
# The server's bytes are Latin-1 (M\xe4r): not UTF-8, not a date.
ctl set '{"path": "/latin1", "body": "one", "last_modified": "Mi, 21 M\u00e4r 2026 07:28:00 GMT"}' >/dev/null
job latin1 site /latin1
watch latin1 site
assert_eventually 5 lines_at_least latin1 'unchanged \(HTTP 200' 2
assert_eq "$(lastmod latin1)" 'Mi, 21 M\xe4r 2026 07:28:00 GMT' "the escaped form is in the row"
assert "$BIN" --check -f "$T/latin1/jobs.csv"
assert alive "$W"
assert_eq "$(count latin1 'row removed|stopping')" 0 "the watcher did not lose its row"
# Not a date: never sent back as If-Modified-Since.
assert_grep '"path": "/latin1".*"if_modified_since": null' <(ctl stats)
ok

try "control bytes in a Last-Modified never reach the jobs or the state file"
ctl set '{"path": "/ctl", "body": "one", "last_modified": "x\u001b[31mred\u0007\u007f"}' >/dev/null
job ctl site /ctl
watch ctl site
assert_eventually 5 lines_at_least ctl 'unchanged \(HTTP 200' 2
assert_eq "$(lastmod ctl)" 'x\x1b[31mred\x07\x7f' "escaped in the row"
# (The state file, not the snapshots: those hold the page's own text.)
assert_eq "$(find "$T/ctl/jobs.csv" "$T/ctl/.jobs.csv.state" -maxdepth 1 -type f -exec cat {} + | tr -d '\n' | LC_ALL=C grep -c '[[:cntrl:]]')" 0 \
	"no control byte in the jobs or state file"
assert "$BIN" --check -f "$T/ctl/jobs.csv"
ok

try "a date in another form is stored in the normal HTTP-date form"
ctl set '{"path": "/rfc850", "body": "one", "last_modified": "Wednesday, 21-Oct-15 07:28:00 GMT"}' >/dev/null
job rfc850 site /rfc850
watch rfc850 site
assert_eventually 5 lines_at_least rfc850 'unchanged' 1
assert_eq "$(lastmod rfc850)" 'Wed, 21 Oct 2015 07:28:00 GMT' "normalised"
ok

try "the body decides: a new Last-Modified on every answer with the same body is no change"
ctl set '{"path": "/now", "body": "same", "headers": {"Cache-Control": "no-cache"}, "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT"}' >/dev/null
job now site /now
watch now site
assert_eventually 5 lines_at_least now 'unchanged' 1
for d in 22 23 21 20; do
	# Dates going forwards, backwards, alternating; the body never changes.
	ctl set "{\"path\": \"/now\", \"body\": \"same\", \"last_modified\": \"Wed, $d Oct 2015 07:28:00 GMT\"}" >/dev/null
	n=$(count now 'unchanged')
	assert_eventually 5 lines_at_least now 'unchanged' $((n + 2))
done
assert_eq "$(count now 'changed:')" 0 "no false change"
ok

try "the body decides: a constant Last-Modified does not hide a new body"
ctl set '{"path": "/const", "body": "v1", "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT"}' >/dev/null
job const site /const
watch const site
assert_eventually 5 lines_at_least const 'unchanged' 1
for v in v2 v3 v4; do
	# The server ignores If-Modified-Since for these answers.
	ctl set "{\"path\": \"/const\", \"body\": \"$v\", \"headers\": {\"Last-Modified\": \"Wed, 21 Oct 2015 07:28:00 GMT\"}}" >/dev/null
	n=$(count const 'changed:')
	assert_eventually 5 lines_at_least const 'changed:' $((n + 1))
done
assert_eq "$(count const 'changed:')" 3 "every real change seen"
ok

try "a 304 to a request without validators is an error, not a baseline; the next 200 is no change"
ctl set '{"path": "/bogus304", "status": 304}' >/dev/null
job bogus site /bogus304
watch bogus site
assert_eventually 5 lines_at_least bogus 'error: HTTP 304' 1
ctl set '{"path": "/bogus304", "body": "real"}' >/dev/null
assert_eventually 5 lines_at_least bogus 'first check: HTTP 200, baseline recorded' 1
assert_eventually 5 lines_at_least bogus 'unchanged \(HTTP 200' 2
assert_eq "$(count bogus 'changed:')" 0 "no false change"
ok

try "one bad record never costs other rows theirs: 12 rows change beside one with a CR in its Last-Modified"
mkdir -p "$T/many"
{
	echo 'interval;name;url;last-modified;pid'
	echo "1s;bad;${URL}/cr;-;-"
	for i in $(seq 1 12); do echo "1s;r$i;${URL}/r$i;-;-"; done
} > "$T/many/jobs.csv"
ctl set '{"path": "/cr", "body": "x", "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT\rX-Evil: 1"}' >/dev/null
for i in $(seq 1 12); do
	ctl set "{\"path\": \"/r$i\", \"body\": \"a\", \"last_modified\": \"Wed, 21 Oct 2015 07:28:00 GMT\"}" >/dev/null
done
spawn "$BIN" -f "$T/many/jobs.csv" --no-desktop --timeout 3 2>>"$T/many/log"
S=$SPAWNED
assert_eventually 10 rows_with 'Oct 2015' 13
for day in 'Thu, 01' 'Fri, 02' 'Sat, 03'; do
	for i in $(seq 1 12); do
		ctl set "{\"path\": \"/r$i\", \"body\": \"b$day\", \"last_modified\": \"$day Jan 2026 00:00:00 GMT\"}" >/dev/null
	done
	ctl set "{\"path\": \"/cr\", \"body\": \"x$day\", \"last_modified\": \"$day Jan 1999 00:00:00 GMT\r\u001b\"}" >/dev/null
	assert_eventually 15 rows_with "$day Jan 2026" 12
done
assert "$BIN" --check -f "$T/many/jobs.csv"
assert_eq "$(awk -F';' 'NR>1' "$T/many/jobs.csv" | wc -l)" 13 "every row still there"
stop "$S"
ok

try "add refuses a name the reader would refuse, and writes nothing"
mkdir -p "$T/add"
printf 'interval;name;url;last-modified;pid\n' > "$T/add/jobs.csv"
cp "$T/add/jobs.csv" "$T/add/before"
assert_status 2 "$BIN" -f "$T/add/jobs.csv" add $'\xff' "$URL/x"
assert_status 2 "$BIN" -f "$T/add/jobs.csv" add "$(head -c 70000 /dev/zero | tr '\0' n)" "$URL/x"
assert_status 2 "$BIN" -f "$T/add/jobs.csv" add $'esc\x1b' "$URL/x"
assert cmp -s "$T/add/jobs.csv" "$T/add/before"
assert_grep 'name: longer than 256 bytes' <("$BIN" -f "$T/add/jobs.csv" add "$(head -c 300 /dev/zero | tr '\0' n)" "$URL/x" 2>&1)
ok

done_testing
