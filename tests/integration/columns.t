#!/usr/bin/env bash
# The optional columns filter and notify: add puts them in the header when
# it needs them (one rewrite, said), and add, --check and edit check their
# values with sitewatch-helper, naming the line and the column.
. "$(dirname "$0")/lib.sh"

J=$T/jobs.csv
printf '# notes\ninterval;name;url;last-modified;pid\n1h;a;http://127.0.0.1:9/a;-;-\n\n1h;b;http://127.0.0.1:9/b;-;stop\n' >"$J"

try "add --filter with a bad regex exits 2, names the step and the offset, writes nothing"
cp "$J" "$T/before"
assert_status 2 "$BIN" -f "$J" add --filter 'grep:(ab' c http://127.0.0.1:9/c
assert_grep '^sitewatch: filter: grep:\(ab: missing closing parenthesis at offset 3$' "$T/.out"
assert_diff "$T/before" "$J"
assert_status 2 "$BIN" -f "$J" add --notify 'sometimes' c http://127.0.0.1:9/c
assert_grep '^sitewatch: notify: sometimes: ' "$T/.out"
assert_diff "$T/before" "$J"
ok

try "add --filter --notify adds both columns, an empty field in every row, and says so"
assert_status 0 "$BIN" -f "$J" add --filter 'css:.price | s/;//g' --notify added c http://127.0.0.1:9/c
assert_grep "^$J: added the columns filter and notify to the header" "$T/.out"
printf '# notes\ninterval;name;url;last-modified;pid;filter;notify\n1h;a;http://127.0.0.1:9/a;-;-;;\n\n1h;b;http://127.0.0.1:9/b;-;stop;;\n1h;c;http://127.0.0.1:9/c;-;-;"css:.price | s/;//g";added\n' >"$T/want"
assert_diff "$T/want" "$J"
assert_status 0 "$BIN" --check -f "$J"
ok

try "a later add with a filter finds the column: nothing more is added"
assert_status 0 "$BIN" -f "$J" add --filter sort d http://127.0.0.1:9/d
must_fail grep -q 'added the column' "$T/.out"
assert_eq "$(tail -n 1 "$J")" '1h;d;http://127.0.0.1:9/d;-;-;sort;' "the new row"
ok

try "--check reports a bad filter and a bad notify with file, line and column"
sed -i 's/;sort;$/;grep:(x;/; s/;added$/;match:[z/' "$J"
assert_status 2 "$BIN" --check -f "$J"
assert_grep "^$J:7: filter: grep:\\(x: missing closing parenthesis at offset 2$" "$T/.out"
assert_grep "^$J:6: notify: match:\\[z: " "$T/.out"
assert_grep "^$J: 2 jobs usable \\(1 stopped\\), 2 rows with problems$" "$T/.out"
ok

try "edit refuses a bad filter with its line and installs nothing"
cp "$J" "$T/before"
printf '1h;e;http://127.0.0.1:9/e;-;-;ignore:(;\n' >"$T/extra"
EDITOR="sh -c 'cat $T/extra >>\"\$1\"' sh" assert_status 1 "$BIN" -f "$J" edit </dev/null
assert_grep "^$J:8: filter: ignore:\\(: missing closing parenthesis" "$T/.out"
assert_diff "$T/before" "$J"
ok

done_testing
