#!/usr/bin/env bash
# make demo (scripts/demo): it shows a change detected, recorded and
# hooked, and leaves nothing behind.
. "$(dirname "$0")/lib.sh"

try "the demo detects, records and reports a change, then cleans up"
TMPDIR=$T "$ROOT/scripts/demo" > "$T/out" 2>&1
st=$?
assert_eq "$st" 0 "exit status"
assert_grep ' News changed: http://127\.0\.0\.1:[0-9]+/news \(\+2 -1\) Big news!\.\.\.$' "$T/out"
assert_grep '^  hook: News changed \(Mon, 23 Nov 2026 08:00:00 GMT -> Mon, 23 Nov 2026 09:30:00 GMT\)' "$T/out"
assert_grep '^  hook: News changed' "$T/out"
assert_grep '^2s;News;http://127\.0\.0\.1:[0-9]+/news;Mon, 23 Nov 2026 09:30:00 GMT;-$' "$T/out"
assert_grep '^2s;Blog;.*;stop$' "$T/out"
assert_eq "$(ls -d "$T"/sitewatch-demo.* 2>/dev/null)" "" "the demo's folder is removed"
ok

done_testing
