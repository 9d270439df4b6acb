#!/usr/bin/env bash
# The default filter follows the answer's Content-Type: the visible text
# of an HTML answer, the raw bytes of anything else, whatever the body
# looks like.  (The body is sniffed only when there is no Content-Type.)
. "$(dirname "$0")/lib.sh"
pageserver_start

# job DIR NAME PATH: a fresh jobs file DIR/jobs.csv with one 1 s row.
job() {
	mkdir -p "$T/$1"
	printf 'interval;name;url;last-modified;pid\n1s;%s;%s%s;-;-\n' \
		"$2" "$URL" "$3" > "$T/$1/jobs.csv"
}
# watch DIR NAME: the watcher in the background, log in DIR/log, pid $W.
watch() {
	spawn "$BIN" -f "$T/$1/jobs.csv" -v --no-desktop --timeout 3 watch "$2" 2>>"$T/$1/log"
	W=$SPAWNED
}
count() { grep -Ec -- "$2" "$T/$1/log"; }
lines_at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# page PATH BODY TYPE: the page served at PATH.
page() {
	ctl set "{\"path\": \"$1\", \"body\": \"$2\", \"content_type\": \"$3\"}" >/dev/null
}

try "a text/plain answer with <p> markup is compared raw"
page /plain '<p>one</p>\n' 'text/plain; charset=utf-8'
job plain site /plain
watch plain site
assert_eventually 10 lines_at_least plain 'baseline recorded' 1
page /plain '<p>two</p>\n' 'text/plain; charset=utf-8'
assert_eventually 10 lines_at_least plain 'changed:' 1
assert_grep 'changed: .* \(\+1 -1\) <p>two</p>$' "$T/plain/log"
stop "$W"
# The dry run decides the same way.
assert_grep '^<p>two</p>$' <("$BIN" check --url "$URL/plain")
ok

try "an HTML answer that does not start with a tag is compared as its text"
page /html 'Hello <b>one</b>\n' 'text/html; charset=utf-8'
job html site /html
watch html site
assert_eventually 10 lines_at_least html 'baseline recorded' 1
page /html 'Hello <b>two</b>\n' 'text/html; charset=utf-8'
assert_eventually 10 lines_at_least html 'changed:' 1
assert_grep 'changed: .* \(\+1 -1\) Hello two$' "$T/html/log"
stop "$W"
assert_grep '^Hello two$' <("$BIN" check --url "$URL/html")
ok

done_testing
