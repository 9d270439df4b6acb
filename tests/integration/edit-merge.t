#!/usr/bin/env bash
# sitewatch edit while watchers write: the person's edit is merged with
# what sitewatch wrote meanwhile into its own fields (pid, last-modified),
# row by row, by name; only a real conflict (a field both changed, or a
# change beyond those fields) is bounced, with the person's version kept.
# The editor is a script (EDITOR) that waits for a signal file, so that
# writers run while it is open, then edits the copy with sed.
. "$(dirname "$0")/lib.sh"

J=$T/jobs.csv
W=$TESTBIN/jobwriter
[ -x "$W" ] || { echo "# $W missing: make check-build"; exit 1; }
unset VISUAL
export TMPDIR=$T

# The editor: says it started, waits for $T/go, applies $EDIT_SED.
cat > "$T/editor.sh" <<EOF
#!/bin/sh
touch '$T/started'
while [ ! -e '$T/go' ]; do sleep 0.05; done
sed -i "\$EDIT_SED" "\$1"
EOF
chmod +x "$T/editor.sh"
export EDITOR=$T/editor.sh

# fresh: a new jobs file with rows A, B and C.
fresh() {
	{
		printf '# edit-merge\ninterval;name;url;last-modified;pid\n'
		printf '1h;A;http://127.0.0.1:9/a;-;-\n'
		printf '1h;B;http://127.0.0.1:9/b;-;-\n'
		printf '1h;C;http://127.0.0.1:9/c;-;-\n'
	} > "$J"
	rm -f "$T/started" "$T/go"
}
# open_editor SED: start `sitewatch edit` with the editor applying SED
# once $T/go exists; sets ED to its pid once the editor runs.
open_editor() {
	EDIT_SED=$1 spawn "$BIN" -f "$J" edit >"$T/out" 2>"$T/err"
	ED=$SPAWNED
	wait_until "$(slowed 5)" test -e "$T/started"
}
# close_editor: let the editor save and exit; sets RC to edit's status.
close_editor() {
	touch "$T/go"
	wait_until "$(slowed 10)" eval '! _alive $ED'
	wait "$ED"
	RC=$?
	stop "$ED"
}
field() { awk -F';' -v n="$1" -v f="$2" '$2 == n { print $f }' "$J"; }

try "watchers write pid and last-modified while the editor is open: the edit is installed with their values"
fresh
open_editor 's#^1h;A;#30m;A;#; s#^1h;C;#2h;C;#'
assert "$W" "$J" A 5		# A's last-modified: A-1 ... A-5
assert "$W" "$J" B 3 pid	# B's pid: 1, 2, 3
close_editor
assert_eq "$RC" 0 "edit's exit status"
{
	printf '# edit-merge\ninterval;name;url;last-modified;pid\n'
	printf '30m;A;http://127.0.0.1:9/a;A-5;-\n'
	printf '1h;B;http://127.0.0.1:9/b;-;3\n'
	printf '2h;C;http://127.0.0.1:9/c;-;-\n'
} > "$T/expected"
assert_diff "$T/expected" "$J"
assert_grep 'installed, with the pid and last-modified values sitewatch wrote meanwhile \(2 rows\)' "$T/out"
copies=("$T"/sitewatch-edit.*)
assert_eq "${copies[0]}" "$T/sitewatch-edit.*" "the copy removed"
ok

try "the person changed one of sitewatch's fields, sitewatch the other: both kept"
fresh
open_editor 's#^1h;A;\(.*\);-;-$#1h;A;\1;-;stop#'
assert "$W" "$J" A 2		# last-modified A-2; the person wrote pid stop
close_editor
assert_eq "$RC" 0 "edit's exit status"
assert_eq "$(field A 4)" A-2 "A's last-modified, sitewatch's"
assert_eq "$(field A 5)" stop "A's pid, the person's"
ok

try "a field both changed: a real conflict, bounced; the file as the watcher left it, the person's version kept"
fresh
open_editor 's#^\(1h;B;.*\);-$#\1;stop#'
assert "$W" "$J" B 4 pid
cp "$J" "$T/before"
close_editor
[ "$RC" -ne 0 ] || diag "exit status 0"
assert_eq "$RC" 1 "edit's exit status"
assert_grep 'changed while you were editing it \(row "B": you wrote pid "stop", and sitewatch wrote "4" meanwhile\)' "$T/err"
assert cmp "$T/before" "$J"
copy=$(grep -o 'your version is in [^ ]*$' "$T/err" | cut -d' ' -f5)
[ -n "$copy" ] || diag "no file named: $(cat "$T/err")"
assert_grep '^1h;B;.*;-;stop$' "$copy"
ok

try "a change beyond sitewatch's fields meanwhile (a row added): bounced, nothing lost"
fresh
open_editor 's#^1h;C;#5m;C;#'
assert "$BIN" -f "$J" add D http://127.0.0.1:9/d
assert "$W" "$J" A 1
cp "$J" "$T/before"
close_editor
assert_eq "$RC" 1 "edit's exit status"
assert_grep 'changed while you were editing it \(line 6 of it changed' "$T/err"
assert cmp "$T/before" "$J"
ok

try "a real supervisor writes its watchers' pids while the editor is open: installed, the same watchers keep running"
fresh
open_editor 's#^1h;B;#45m;B;#'
spawn "$BIN" -f "$J" --no-desktop 2>"$T/sv.log"
SV=$SPAWNED
pids_written() {
	local n
	for n in A B C; do [[ $(field "$n" 5) =~ ^[0-9]+$ ]] || return 1; done
}
assert_eventually 5 pids_written
before=$(cut -d';' -f2,5 "$J")
close_editor
assert_eq "$RC" 0 "edit's exit status"
assert_eq "$(field B 1)" 45m "B's interval, the person's"
assert_eq "$(cut -d';' -f2,5 "$J")" "$before" "every watcher's pid kept"
# Not a sleep that a loaded machine passes before the supervisor has read
# the save (issue 21.15): B's watcher says it read it, and a row D added
# after it runs, so the supervisor has reconciled the save too.
assert_eventually 5 grep -q 'B interval changed to 45m' "$T/sv.log"
assert "$BIN" -f "$J" add D http://127.0.0.1:9/d
d_runs() { [[ $(field D 5) =~ ^[0-9]+$ ]] && _alive "$(field D 5)" "$SV"; }
assert_eventually 5 d_runs
assert_eq "$(cut -d';' -f2,5 "$J" | grep -v '^D;')" "$before" "no watcher restarted"
for p in $(cut -s -d';' -f5 "$J" | grep -E '^[0-9]+$'); do
	assert _alive "$p" "$SV"
done
stop "$SV"
ok

done_testing
