#!/usr/bin/env bash
# The default filter follows the answer's Content-Type: the visible text
# of an HTML answer, the raw bytes of anything else, whatever the body
# looks like.  (The body is sniffed only when there is no Content-Type.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-lib.sh"
pageserver_start

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
