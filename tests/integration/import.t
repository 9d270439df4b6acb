#!/usr/bin/env bash
# sitewatch import: urlwatch's urls.yaml (read by sitewatch-helper with
# libyaml) appended as rows in one locked rewrite.  A file with css,
# xpath, html2text and grep filters and a job sitewatch cannot run: the
# url jobs become rows, the rest is reported with its line; a name that
# is taken gets a suffix; invalid YAML writes nothing; a running
# supervisor starts watching the imported rows.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/a", "body": "<p>a</p>"}' >/dev/null
ctl set '{"path": "/b", "body": "<p>b</p>"}' >/dev/null

J=$T/jobs.csv
Y=$T/urls.yaml
{
	printf '# my jobs\ninterval;name;url;last-modified;pid\n'
	printf '5h;Fefe;https://blog.fefe.de/;-;stop\n'
} > "$J"
cp "$J" "$T/jobs.before"

cat > "$Y" <<EOF
name: Blog
url: $URL/a
filter: css:div.post,html2text
---
url: $URL/b?page=1
filter:
  - xpath: '//span[@class="price"]'
  - html2text
  - grep: 'EUR'
---
name: disk
command: df -h
---
name: Fefe
url: https://example.org/fefe
filter:
  - beautify
---
name: badre
url: https://example.org/badre
filter:
  - grep: '(ab'
EOF

# field NAME N: field N of the row called NAME (the test's rows hold no ;).
field() { awk -F';' -v n="$1" -v f="$2" '$2 == n { print $f }' "$J"; }

try "imports the url jobs, reports what it cannot carry over with its line"
assert_status 0 "$BIN" -f "$J" import "$Y"
cp "$T/.out" "$T/import.out"
assert_eq "$(field Blog 3)" "$URL/a" "Blog's url"
assert_eq "$(field Blog 1)" "1h" "the default interval"
assert_eq "$(field Blog 4)$(field Blog 5)" "--" "last-modified and pid"
assert_eq "$(field 127.0.0.1:$PORT/b 3)" "$URL/b?page=1" \
	"a name made from the url"
assert_eq "$(field Fefe-2 3)" "https://example.org/fefe" \
	"a taken name gets a suffix"
assert_eq "$(field Fefe 3)" "https://blog.fefe.de/" "the old row kept"
assert_eq "$(grep -c . "$J")" 7 "header, comment, 1 old and 4 new rows"
assert_eq "$(sed -n 1p "$J")" "# my jobs" "the comment is untouched"
assert_grep "urls\.yaml:11: job \"disk\": command jobs have no sitewatch equivalent" "$T/import.out"
assert_grep "urls\.yaml:17: job \"Fefe\": filter \"beautify\" has no sitewatch equivalent" "$T/import.out"
assert_grep "urls\.yaml:14: job \"Fefe\": the name is taken, imported as \"Fefe-2\"" "$T/import.out"
# The filters in sitewatch's syntax, in the filter column the import
# added to the header (an empty field in the old row).
assert_eq "$(sed -n 2p "$J")" "interval;name;url;last-modified;pid;filter" "header"
assert_eq "$(sed -n 3p "$J")" "5h;Fefe;https://blog.fefe.de/;-;stop;" "old row"
assert_grep "^1h;Blog;$URL/a;-;-;css:div\.post \| text\$" "$J"
assert_grep ';-;-;"xpath://span\[@class=""price""\] \| text \| grep:EUR"$' "$J"
assert_grep "^1h;Fefe-2;https://example.org/fefe;-;-;\$" "$J"
assert_grep "added the column filter to the header" "$T/import.out"
# A chain the filter engine refuses: said with its line, row without it.
assert_grep 'urls\.yaml:19: job "badre": filter "grep:\(ab": .*missing closing parenthesis.*\(imported without it\)' "$T/import.out"
assert_grep "^1h;badre;https://example.org/badre;-;-;\$" "$J"
assert_grep "imported 4 of 4 url jobs" "$T/import.out"
assert "$BIN" --check -f "$J"
ok

try "importing the same file again adds nothing"
cp "$J" "$T/jobs.once"
assert_status 0 "$BIN" -f "$J" import "$Y"
assert_grep '^Blog: already in .*jobs\.csv as "Blog"' "$T/.out"
assert_grep '^Fefe: already in .*jobs\.csv as "Fefe-2"' "$T/.out"
assert_diff "$T/jobs.once" "$J"
ok

try "invalid YAML: exit 2, the line said, nothing written"
printf 'name: x\nurl: %s/a\n---\nurl: [%s/b\nname: y\n' "$URL" "$URL" > "$T/bad.yaml"
cp "$J" "$T/jobs.good"
assert_status 2 "$BIN" -f "$J" import "$T/bad.yaml"
assert_grep 'bad\.yaml:5: not valid YAML' "$T/.out"
assert_diff "$T/jobs.good" "$J"
ok

try "a missing file, a bad interval: exit 2, nothing written"
assert_status 2 "$BIN" -f "$J" import "$T/none.yaml"
assert_grep 'none\.yaml: No such file' "$T/.out"
assert_status 2 "$BIN" -f "$J" import -i 0s "$Y"
assert_diff "$T/jobs.good" "$J"
ok

try "a file of jobs that cannot be carried over: exit 2, nothing written"
printf 'name: c\ncommand: ls\n---\nname: f\nurl: file:///etc/passwd\n' > "$T/none.yaml"
assert_status 2 "$BIN" -f "$J" import "$T/none.yaml"
assert_grep 'none\.yaml:4: job "f": url' "$T/.out"
assert_diff "$T/jobs.good" "$J"
ok

try "a running supervisor watches the imported rows; -i sets the interval"
J2=$T/run.csv
printf 'interval;name;url;last-modified;pid\n' > "$J2"
spawn "$BIN" -f "$J2" --no-desktop 2>"$T/sv.log"
SV=$SPAWNED
printf 'name: A\nurl: %s/a\n' "$URL" > "$T/one.yaml"
assert_status 0 "$BIN" -f "$J2" import -i 30m "$T/one.yaml"
a_polled() { [ "$(requests_to /a)" -ge 1 ]; }
assert_eventually 20 a_polled
row_pid() { awk -F';' '$2 == "A" { print $5 }' "$J2"; }
has_pid() { [[ $(row_pid) =~ ^[0-9]+$ ]]; }
assert_eventually 20 has_pid
assert_eq "$(awk -F';' '$2 == "A" { print $1 }' "$J2")" "30m" "interval"
stop "$SV"
ok

done_testing
