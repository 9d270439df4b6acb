#!/usr/bin/env bash
# HACKING.md's layout table matches the tree: every source file, test tool
# and script is named in it, once, and every path it names exists.  The
# includes in src/ keep to the folders by process (issue 22.1): each names
# its folder, common/ includes only common/, and a process folder only its
# own headers, common/'s and the start-up header of a process it starts
# (issue 22.2).
. "$(dirname "$0")/lib.sh"
table=$(sed -n '/^## Layout/,/^Exit codes/p' "$ROOT/HACKING.md")

try "every src/*/*.c, tests/tools/*.c and scripts/* is in HACKING.md's layout table"
for f in "$ROOT"/src/*/*.c "$ROOT"/tests/tools/*.c "$ROOT"/scripts/*; do
	f=${f#"$ROOT"/}
	grep -qF "\`$f\`" <<<"$table" || _failed "$f is not in the table"
done
ok

try "every path in HACKING.md's layout table exists"
for f in $(grep -o '`[a-zA-Z0-9_./-]*`' <<<"$table" | tr -d '`' | grep /); do
	[ -e "$ROOT/$f" ] || _failed "$f is in the table but not in the tree"
done
ok

try "no path is named twice in HACKING.md's layout table"
# The paths of each row's first cell, one per line.
named=$(grep '^| `' <<<"$table" | cut -d'|' -f2 | grep -o '`[^`]*`')
twice=$(sort <<<"$named" | uniq -d | tr '\n' ' ')
[ -z "$twice" ] || _failed "named twice: $twice"
ok

# The start-up headers (issue 22.2): each process folder that another
# process starts exposes exactly one header with its start-up entry
# (supervisor_run; watcher_run, watcher_check_once; notify_setup,
# notify_spawn), and only the folders whose code starts that process may
# include it: sitewatch forks every process but the helper from one
# binary, so starting one is a call into its folder.  One "HEADER
# FOLDER..." a line: the header, then the folders that start its process.
# No other include crosses process folders: they meet only through
# common/'s formats and channels (the helper is exec'd by common/compare.c
# and has none).
start_headers='
supervisor/supervisor.h  cli
watcher/watcher.h        cli supervisor
notifier/notify.h        cli supervisor
'

# may_start DIR INC: true when INC is the start-up header of a process
# the code in folder DIR starts.
may_start() {
	local h folders
	while read -r h folders; do
		[ "$h" = "$2" ] && [[ " $folders " == *" $1 "* ]] && return 0
	done <<<"$start_headers"
	return 1
}

# include_check SRC: prints one "FILE:LINE: why" line per include in the
# tree SRC (a src/ folder) that breaks the layout's rules, the paths from
# SRC's parent.  Prints nothing when every include keeps to them.
include_check() {
	local src=$1 f rel dir line inc to
	for f in "$src"/*; do
		if [ ! -d "$f" ]; then
			echo "src/${f#"$src"/}: outside the folders"
		elif [ ! -f "$f/README.md" ]; then
			echo "src/${f#"$src"/}/: no README.md (what runs there, what it may include)"
		fi
	done
	for f in "$src"/*/*.[ch]; do
		rel=src/${f#"$src"/}
		dir=${rel#src/}
		dir=${dir%%/*}
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		while IFS= read -r line; do
			inc=${line#*\"}
			inc=${inc%%\"*}
			line=${line%%:*}
			to=${inc%%/*}
			if [ "$to" = "$inc" ] || [ ! -f "$src/$inc" ]; then
				echo "$rel:$line: \"$inc\" does not name its folder (\"common/util.h\")"
			elif [ "$to" = "$dir" ] || [ "$to" = common ]; then
				:
			elif [ "$dir" = common ]; then
				echo "$rel:$line: \"$inc\": common/ includes only common/"
			elif ! may_start "$dir" "$inc"; then
				echo "$rel:$line: \"$inc\": a process folder includes only its own and common/'s headers, and the start-up header of a process it starts"
			fi
		done
	done
}

try "every file in src/ is in a folder with a README.md; every include in src/ names its folder; common/ includes only common/, a process folder only itself, common/ and the start-up header of a process it starts (issue 22.1, 22.2)"
bad=$(include_check "$ROOT/src")
[ -z "$bad" ] || _failed "includes that break the layout:" "$bad"
ok

try "each process folder but cli/ and helper/ has one start-up header, in its folder, including only common/'s headers"
for d in "$ROOT"/src/*/; do
	d=$(basename "$d")
	case $d in cli|helper|common) continue ;; esac
	n=$(grep -c "^$d/" <<<"$start_headers")
	[ "$n" = 1 ] || _failed "src/$d/ has $n start-up headers in start_headers, not 1"
done
while read -r h _; do
	[ -n "$h" ] || continue
	[ -f "$ROOT/src/$h" ] || { _failed "start-up header src/$h does not exist"; continue; }
	bad=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$ROOT/src/$h" | grep -v '"common/')
	[ -z "$bad" ] || _failed "src/$h includes more than common/'s headers:" "$bad"
done <<<"$start_headers"
ok

try "the include check names the file and line of each include that breaks the rules"
# A copy of src/ with five bad includes: outside common/ from common/,
# a start-up header from a folder that does not start that process, a
# process's header that is not its start-up header, a header without its
# folder, and a folder-qualified header that is not there.
cp -r "$ROOT/src" "$T/src"
n=$(wc -l <"$T/src/common/util.c")
printf '#include "cli/commands.h"\n' >>"$T/src/common/util.c"
printf '#include "watcher/watcher.h"\n' >>"$T/src/helper/strbuf.c"
m=$(wc -l <"$T/src/helper/strbuf.c")
printf '#include "notifier/desktop.h"\n' >>"$T/src/supervisor/spawn.c"
sp=$(wc -l <"$T/src/supervisor/spawn.c")
printf '#include "jobs.h"\n' >>"$T/src/notifier/desktop.c"
d=$(wc -l <"$T/src/notifier/desktop.c")
printf '#include "common/nosuch.h"\n' >>"$T/src/watcher/watcher.c"
w=$(wc -l <"$T/src/watcher/watcher.c")
bad=$(include_check "$T/src")
assert_eq "$bad" "src/common/util.c:$((n + 1)): \"cli/commands.h\": common/ includes only common/
src/helper/strbuf.c:$m: \"watcher/watcher.h\": a process folder includes only its own and common/'s headers, and the start-up header of a process it starts
src/notifier/desktop.c:$d: \"jobs.h\" does not name its folder (\"common/util.h\")
src/supervisor/spawn.c:$sp: \"notifier/desktop.h\": a process folder includes only its own and common/'s headers, and the start-up header of a process it starts
src/watcher/watcher.c:$w: \"common/nosuch.h\" does not name its folder (\"common/util.h\")" "the check's report"
ok

done_testing
