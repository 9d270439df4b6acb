#!/usr/bin/env bash
# sitewatch --check: exit codes, and the exact FILE:LINE: reason lines.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

try "the example jobs file is good: exit 0 and a summary"
out=$("$BIN" --check -f "$ROOT/jobs.csv.example" 2>&1)
[ $? = 0 ] && [ "$out" = "$ROOT/jobs.csv.example: 2 jobs usable (0 stopped), 0 rows with problems" ] \
	&& ok || fail "$out"

try "-f defaults to jobs.csv in the current directory"
cp "$ROOT/jobs.csv.example" jobs.csv
out=$("$BIN" --check 2>&1)
[ $? = 0 ] && [ "$out" = "jobs.csv: 2 jobs usable (0 stopped), 0 rows with problems" ] && ok || fail "$out"

try "bad rows: one FILE:LINE: reason each, exit 2, the good rows still counted"
printf '%s\n' \
	'# a comment' \
	'interval;name;url;last-modified;pid' \
	'10m;good;http://127.0.0.1/;-;-' \
	'10m;ftp;ftp://127.0.0.1/;-;-' \
	'10x;badint;http://127.0.0.1/;-;-' \
	'10m;good;http://127.0.0.1/2;-;-' \
	'10m;short;http://127.0.0.1/' \
	'10m;pid;http://127.0.0.1/;-;12x' \
	'10m;"open;http://127.0.0.1/;-;-' \
	'1h;stopped;https://127.0.0.1/;-;commit_suicide' > bad.csv
cat > expected <<'EOF2'
bad.csv:4: url: "ftp://127.0.0.1/": only http:// and https:// URLs can be watched
bad.csv:5: interval: "10x": unknown unit 'x' (use s, m, h or d)
bad.csv:6: name: "good" is already used on line 3
bad.csv:7: missing field "last-modified" (3 fields, the header has 5)
bad.csv:8: pid: "12x": expected -, a process id, or stop
bad.csv:9: field 2: quoted field not closed on this line (fields cannot hold line breaks)
bad.csv: 2 jobs usable (1 stopped), 6 rows with problems
EOF2
"$BIN" --check -f bad.csv > out 2>&1
rc=$?
[ $rc = 2 ] && diff -u expected out >&2 && ok || fail "exit $rc"

try "a missing file: exit 2 and the reason"
out=$("$BIN" --check -f nosuch.csv 2>&1)
[ $? = 2 ] && [ "$out" = "nosuch.csv: No such file or directory" ] && ok || fail "$out"

try "an unreadable file: exit 2"
mkdir adir
"$BIN" --check -f adir > out 2>&1
[ $? = 2 ] && grep -q '^adir: Is a directory$' out && ok || fail "$(cat out)"

try "a header without the pid column: the file is not usable, exit 2"
printf 'interval;name;url;last-modified\n10m;a;http://127.0.0.1/;-\n' > nopid.csv
"$BIN" --check -f nopid.csv > out 2>&1
[ $? = 2 ] && diff -u - out >&2 <<'EOF2' && ok || fail "see diff"
nopid.csv:1: header: missing column pid (needs interval;name;url;last-modified;pid in any order)
nopid.csv: not usable
EOF2

try "an empty file: not usable, exit 2"
: > empty.csv
"$BIN" --check -f empty.csv > out 2>&1
[ $? = 2 ] && grep -qx 'empty.csv: file is empty' out && ok || fail "$(cat out)"

try "a bad command line exits 2 with one line pointing to the usage"
"$BIN" --no-such-option > out 2>&1
[ $? = 2 ] && [ "$(wc -l < out)" = 1 ] &&
	grep -q "^sitewatch: unknown option '--no-such-option' (see sitewatch --help)$" out &&
	ok || fail "$(cat out)"

try "--version names the program"
out=$("$BIN" --version)
[[ $out =~ ^sitewatch\ [0-9]+\.[0-9]+\.[0-9]+$ ]] && ok || fail "$out"

done_testing
