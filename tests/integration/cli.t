#!/usr/bin/env bash
# A command line that forgives: a mistyped command or option gets one line
# with the likely one and where to look (never the whole usage), help and
# version as commands, a first run without a jobs file says how to start,
# stop and start say when there is nothing to do, an --exec command that
# cannot run is refused at the start, and the exit codes of sitewatch(1):
# a lock that cannot be written is a jobs file that cannot be used (2),
# as one that cannot be read.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/a", "body": "a"}' >/dev/null

J=$T/jobs.csv
{
	printf 'interval;name;url;last-modified;pid\n'
	printf '1h;Fefe;%s/a;-;-\n' "$URL"
	printf '1h;off;%s/a;-;stop\n' "$URL"
	printf '1h;old;%s/a;-;commit_suicide\n' "$URL"
} > "$J"
unset VISUAL EDITOR XDG_CONFIG_HOME
export TMPDIR=$T

# err CMD...: run CMD with its stdout in $T/stdout and its stderr in
# $T/stderr; returns its status.
err() { "$@" >"$T/stdout" 2>"$T/stderr"; }
# one_line: the command printed exactly one line on stderr, nothing on
# stdout, and no usage text.
one_line() {
	assert_eq "$(wc -l <"$T/stderr")" 1 "lines on stderr: $(cat "$T/stderr")"
	assert_eq "$(cat "$T/stdout")" "" "stdout"
	assert_eq "$(grep -c 'usage:' "$T/stderr")" 0 "usage lines"
}
# status_is N: the last err's status was N (not a death by a signal).
status_is() { assert_eq "$1" "$2" "exit status"; }

# ---- mistakes on the command line -----------------------------------------

try "a mistyped command: one line, 'did you mean', the hint, exit 2"
err "$BIN" -f "$J" stauts
status_is $? 2
one_line
assert_grep "^sitewatch: unknown command 'stauts'; did you mean 'status'\\? \\(see sitewatch --help\\)$" "$T/stderr"
ok

try "a command that begins a longer one: that one is suggested"
err "$BIN" -f "$J" hist
status_is $? 2
one_line
assert_grep "did you mean 'history'\\?" "$T/stderr"
ok

try "an unknown word far from any command: one line, no guess, the hint"
err "$BIN" -f "$J" frobnicate
status_is $? 2
one_line
assert_grep "^sitewatch: unknown command 'frobnicate' \\(see sitewatch --help\\)$" "$T/stderr"
ok

try "a mistyped option after a command: one line, the likely option, that command's help"
err "$BIN" -f "$J" status --jsn
status_is $? 2
one_line
assert_grep "^sitewatch: unknown option '--jsn'; did you mean '--json'\\? \\(see sitewatch status --help\\)$" "$T/stderr"
err "$BIN" --jsn -f "$J" status
status_is $? 2
assert_grep "did you mean '--json'" "$T/stderr"
ok

try "issue 21.13: suggestions come from the command's own options and those of every command"
# stop --all got "did you mean '--url'?", which stop then refuses.
err "$BIN" -f "$J" stop --all a
status_is $? 2
one_line
assert_grep "^sitewatch: unknown option '--all' \\(see sitewatch stop --help\\)$" "$T/stderr"
err "$BIN" -f "$J" stop --jsn a
status_is $? 2
assert_grep "^sitewatch: unknown option '--jsn' \\(see sitewatch stop --help\\)$" "$T/stderr"
err "$BIN" -f "$J" check --ulr http://127.0.0.1:9/
status_is $? 2
assert_grep "did you mean '--url'\\?" "$T/stderr"
err "$BIN" -f "$J" stop --verbse a
status_is $? 2
assert_grep "did you mean '--verbose'\\?" "$T/stderr"
err "$BIN" --jsn -f "$J"
status_is $? 2
assert_grep "^sitewatch: unknown option '--jsn' \\(see sitewatch --help\\)$" "$T/stderr"
ok

try "an unknown short option, a value given to a flag, a missing value: one line each, exit 2"
err "$BIN" -f "$J" status -x
status_is $? 2
one_line
assert_grep "^sitewatch: unknown option '-x'" "$T/stderr"
err "$BIN" -f "$J" status --json=yes
status_is $? 2
one_line
assert_grep "option '--json' takes no value" "$T/stderr"
err "$BIN" status -f
status_is $? 2
one_line
assert_grep "option '-f' needs a value" "$T/stderr"
ok

try "an option of another command: one line naming it, exit 2"
err "$BIN" -f "$J" stop Fefe --json
status_is $? 2
one_line
assert_grep "^sitewatch: --json does not go with 'stop'" "$T/stderr"
err "$BIN" -f "$J" --json
status_is $? 2
one_line
assert_grep "^sitewatch: --json goes with a command" "$T/stderr"
ok

try "help and version are commands: help is --help, help COMMAND is COMMAND --help"
"$BIN" --help >"$T/a"
assert_status 0 "$BIN" help
cp "$T/.out" "$T/b"
assert_diff "$T/a" "$T/b"
for c in status add edit next help; do
	"$BIN" "$c" --help >"$T/a"
	assert_status 0 "$BIN" help "$c"
	cp "$T/.out" "$T/b"
	assert_diff "$T/a" "$T/b"
done
"$BIN" --version >"$T/a"
assert_status 0 "$BIN" version
cp "$T/.out" "$T/b"
assert_diff "$T/a" "$T/b"
assert_status 0 "$BIN" --help
assert_grep '^  help +' "$T/.out"
assert_grep '^  version +' "$T/.out"
ok

try "help with a mistyped command: one line, did you mean, exit 2"
err "$BIN" help stauts
status_is $? 2
one_line
assert_grep "did you mean 'status'" "$T/stderr"
ok

# ---- stop and start with nothing to do --------------------------------------

try "stop on a stopped row: 'already stopped', exit 0, nothing written"
cp "$J" "$T/before"
err "$BIN" -f "$J" stop off
status_is $? 0
assert_eq "$(cat "$T/stdout")" "off: already stopped"
assert cmp "$T/before" "$J"
ok

try "stop on a row stopped the original program's way (commit_suicide): already stopped, left as written"
err "$BIN" -f "$J" stop old Fefe
status_is $? 0
assert_eq "$(cat "$T/stdout")" "$(printf 'old: already stopped\nFefe: stopped (no supervisor is running; it stays stopped)')"
assert_grep ';old;.*;commit_suicide$' "$J"
assert_grep ';Fefe;.*;stop$' "$J"
err "$BIN" -f "$J" stop Fefe
assert_eq "$(cat "$T/stdout")" "Fefe: already stopped" "stopped twice"
assert_status 0 "$BIN" -f "$J" start Fefe
ok

try "start on a running row: already running, with its pid, nothing written"
spawn "$BIN" -f "$J" --no-desktop 2>"$T/sv.log"
SV=$SPAWNED
fefe_runs() { [[ $(awk -F';' '$2 == "Fefe" { print $5 }' "$J") =~ ^[0-9]+$ ]]; }
assert_eventually 5 fefe_runs
cp "$J" "$T/before"
p=$(awk -F';' '$2 == "Fefe" { print $5 }' "$J")
err "$BIN" -f "$J" start Fefe
status_is $? 0
assert_eq "$(cat "$T/stdout")" "Fefe: already running (pid $p)"
assert cmp "$T/before" "$J"
stop "$SV"
ok

# ---- a first run -----------------------------------------------------------

mkdir -p "$T/home" "$T/empty"
# first CMD...: run sitewatch in an empty folder with a fresh $HOME.
first() { (cd "$T/empty" && HOME=$T/home err "$BIN" "$@"); }
DEF=$T/home/.config/sitewatch/jobs.csv

try "no jobs file anywhere: where it would be, the two ways to start, exit 2"
first --no-desktop
status_is $? 2
assert_grep "no jobs file yet: $DEF does not exist" "$T/stderr"
assert_grep '^    sitewatch add NAME URL$' "$T/stderr"
assert_grep '^    mkdir -p .* && cp [^ ]+/jobs\.csv\.example ' "$T/stderr"
assert_eq "$(grep -c usage: "$T/stderr")" 0 "usage lines"
assert test ! -e "$DEF"
ok

try "the printed copy command works: the example becomes a usable jobs file"
line=$(grep '^    mkdir -p ' "$T/stderr")
(cd "$T/empty" && HOME=$T/home eval "$line")
assert test -f "$DEF"
assert_status 0 "$BIN" --check -f "$DEF"
assert cmp "$ROOT/jobs.csv.example" "$DEF"
rm -rf "$T/home/.config"
ok

try "status, stop, check and watch without a jobs file: the same first-run message, exit 2"
for args in status "stop x" "check x" "watch x"; do
	# shellcheck disable=SC2086
	first $args
	assert_eq "$?" 2 "$args: exit status"
	assert_grep "no jobs file yet: $DEF" "$T/stderr"
done
assert test ! -e "$DEF"
ok

try "-f naming a missing file: the add line carries -f FILE"
first -f "$T/new dir/jobs.csv" status
status_is $? 2
assert_grep "^    sitewatch -f '$T/new dir/jobs.csv' add NAME URL$" "$T/stderr"
ok

try "edit without a jobs file: created with the header, the editor's row installed"
printf '#!/bin/sh\necho "1h;viaedit;%s/a;-;-" >> "$1"\n' "$URL" > "$T/add.sh"
chmod +x "$T/add.sh"
(cd "$T/empty" && HOME=$T/home EDITOR=$T/add.sh err "$BIN" edit)
status_is $? 0
assert_eq "$(cat "$DEF")" "$(printf 'interval;name;url;last-modified;pid\n1h;viaedit;%s/a;-;-' "$URL")"
assert_grep 'installed' "$T/stdout"
assert_status 0 "$BIN" --check -f "$DEF"
ok

try "edit without a jobs file and no change: the file is there, with the header"
(cd "$T/empty" && EDITOR=true err "$BIN" -f "$T/sub/jobs.csv" edit)
status_is $? 0
assert_eq "$(cat "$T/sub/jobs.csv")" "interval;name;url;last-modified;pid"
ok

try "issue 21.14: add, edit and import on a blank jobs file (0 bytes, white space, comments) write the header"
# They said "file is empty" and exited 1.  A file of only comments gets
# the header after them.
B=$T/blank
mkdir -p "$B"
: >"$B/zero.csv"
printf '  \n\n\t\n' >"$B/space.csv"
printf '# my pages\n\n# to come' >"$B/notes.csv"
H='interval;name;url;last-modified;pid'
for f in zero space notes; do
	err "$BIN" -f "$B/$f.csv" add a "$URL/a"
	status_is $? 0
	assert_grep "^sitewatch: $B/$f.csv had no header: wrote it$" "$T/stderr"
	assert_status 0 "$BIN" --check -f "$B/$f.csv"
done
assert_eq "$(cat "$B/zero.csv")" "$(printf '%s\n1h;a;%s/a;-;-' "$H" "$URL")" "zero.csv"
assert_eq "$(cat "$B/space.csv")" "$(printf '%s\n1h;a;%s/a;-;-' "$H" "$URL")" "space.csv"
assert_eq "$(cat "$B/notes.csv")" "$(printf '# my pages\n\n# to come\n%s\n1h;a;%s/a;-;-' "$H" "$URL")" "notes.csv"
: >"$B/edit.csv"
(EDITOR=$T/add.sh err "$BIN" -f "$B/edit.csv" edit)
status_is $? 0
assert_eq "$(cat "$B/edit.csv")" "$(printf '%s\n1h;viaedit;%s/a;-;-' "$H" "$URL")" "edit.csv"
printf 'url: %s/i\n' "$URL" >"$B/urls.yaml"
: >"$B/import.csv"
err "$BIN" -f "$B/import.csv" import "$B/urls.yaml"
status_is $? 0
assert_grep "^1h;.*;$URL/i;-;-$" "$B/import.csv"
assert_eq "$(head -1 "$B/import.csv")" "$H" "import.csv's first line"
# Not blank: a line that is neither a comment nor the header is left alone.
printf 'x;y\n' >"$B/other.csv"
err "$BIN" -f "$B/other.csv" add a "$URL/a"
status_is $? 1
assert_eq "$(cat "$B/other.csv")" "x;y" "other.csv"
ok

# ---- --exec ----------------------------------------------------------------

mkdir -p "$T/bin"
printf '#!/bin/sh\nexit 0\n' > "$T/bin/myhook"
chmod +x "$T/bin/myhook"
printf '#!/bin/sh\nexit 0\n' > "$T/bin/noexec"

try "--exec with a command not in PATH: refused at the start, exit 2, no supervisor"
err timeout 10 "$BIN" -f "$J" --no-desktop --exec 'no-such-hook-xyz arg'
status_is $? 2
one_line
assert_grep "no command 'no-such-hook-xyz' in PATH" "$T/stderr"
assert_eq "$("$BIN" -f "$J" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor"])')" None "supervisor"
ok

try "--exec with a file that is not executable, or a folder: refused, exit 2"
err timeout 10 "$BIN" -f "$J" --no-desktop --exec "$T/bin/noexec"
status_is $? 2
assert_grep "$T/bin/noexec: not an executable file" "$T/stderr"
err timeout 10 env PATH="$T/bin:$PATH" "$BIN" -f "$J" --no-desktop --exec noexec
status_is $? 2
assert_grep "$T/bin/noexec: not an executable file" "$T/stderr"
err timeout 10 "$BIN" -f "$J" --no-desktop --exec "$T/bin"
status_is $? 2
err timeout 10 "$BIN" -f "$J" --exec no-such-hook-xyz check Fefe
status_is $? 2
ok

try "--exec found through PATH, as execvp finds it: the supervisor runs"
PATH="$T/bin:$PATH" spawn "$BIN" -f "$J" --no-desktop --exec 'myhook a b' 2>"$T/sv.log"
SV=$SPAWNED
assert_eventually 5 fefe_runs
assert _alive "$SV"
stop "$SV"
ok

# ---- exit codes: a file that cannot be used is 2 ----------------------------

try "a writers' lock that cannot be written: supervisor and every writing command exit 2; status reads"
K=$T/locked.csv
cp "$J" "$K"
mkdir "$T/.locked.csv.lock"	# a folder where the lock file goes
cp "$K" "$T/before"
err timeout 10 "$BIN" -f "$K" --no-desktop
status_is $? 2
assert_grep 'locked\.csv\.lock' "$T/stderr"
for args in "stop Fefe" "start off" "remove Fefe" "add new $URL/a" "watch Fefe"; do
	# shellcheck disable=SC2086
	err timeout 10 "$BIN" -f "$K" --no-desktop $args
	assert_eq "$?" 2 "$args: exit status"
done
err timeout 10 env EDITOR="sed -i s/^1h/2h/" "$BIN" -f "$K" edit
status_is $? 2
assert_grep 'your version is in' "$T/stderr"
assert cmp "$T/before" "$K"
assert_status 0 "$BIN" -f "$K" status
ok

try "a jobs file that cannot be read: the same exit status, 2"
mkdir "$T/dir.csv"
for args in "" status "stop Fefe" "add new $URL/a" "check Fefe"; do
	# shellcheck disable=SC2086
	err timeout 10 "$BIN" -f "$T/dir.csv" --no-desktop $args
	assert_eq "$?" 2 "'$args': exit status"
done
ok

done_testing
