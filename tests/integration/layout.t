#!/usr/bin/env bash
# HACKING.md's layout table matches the tree: every source file, test tool
# and script is named in it, once, and every path it names exists.  The
# includes in src/ keep to the folders by process (issue 22.1): each names
# its folder, common/ includes only common/, and a process folder only its
# own headers and common/'s.
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

# The includes from one process folder into another that remain, one
# "FILE HEADER" a line with the reason after it: they become work for
# issue 22.2 (the record and event formats, the lock holder and the
# command-line splitter moved into common/).  Each is allowed only where
# it is listed, and an entry no longer needed fails below, so the list
# only shrinks.  Starting a process is a call into its folder (sitewatch
# forks every process but the helper from one binary): supervisor_run,
# watcher_run, watcher_check_once, notify_setup and notify_spawn.
include_exceptions='
src/cli/main.c notifier/notify.h           starts the notifier for check; notify_split_command (--exec)
src/cli/main.c supervisor/supervisor.h     supervisor_run
src/cli/main.c watcher/watcher.h           watcher_run (a standalone watcher), struct watcher_opts
src/cli/commands.h watcher/watcher.h       struct watcher_opts in cmd_check
src/cli/show.h watcher/watcher.h           struct watcher_opts (the fetch options) in cmd_check_url and cmd_check_show
src/cli/commands.c notifier/notify.h       check NAME starts a notifier (notify_wanted, notify_setup, notify_spawn)
src/cli/commands.c watcher/watcher.h       check NAME runs watcher_check_once
src/supervisor/supervisor.c notifier/notify.h starts the notifier (notify_setup, notify_spawn)
src/supervisor/supervisor.c watcher/watcher.h the spawned child runs watcher_run; watcher_write_records (the record pipe)
'

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
			elif ! grep -q "^$rel $inc " <<<"$include_exceptions"; then
				echo "$rel:$line: \"$inc\": a process folder includes only its own and common/'s headers"
			fi
		done
	done
}

try "every file in src/ is in a folder with a README.md; every include in src/ names its folder; common/ includes only common/, a process folder only itself and common/ (issue 22.1)"
bad=$(include_check "$ROOT/src")
[ -z "$bad" ] || _failed "includes that break the layout:" "$bad"
ok

try "each listed exception to the include rule is still needed"
while read -r f inc _; do
	[ -n "$f" ] || continue
	grep -q "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$inc\"" "$ROOT/$f" ||
		_failed "$f no longer includes $inc: remove it from include_exceptions"
done <<<"$include_exceptions"
ok

try "the include check names the file and line of each include that breaks the rules"
# A copy of src/ with four bad includes: outside common/ from common/,
# from one process folder into another, a header without its folder, and
# a folder-qualified header that is not there.
cp -r "$ROOT/src" "$T/src"
n=$(wc -l <"$T/src/common/util.c")
printf '#include "cli/commands.h"\n' >>"$T/src/common/util.c"
printf '#include "watcher/watcher.h"\n' >>"$T/src/helper/strbuf.c"
m=$(wc -l <"$T/src/helper/strbuf.c")
printf '#include "jobs.h"\n' >>"$T/src/notifier/desktop.c"
d=$(wc -l <"$T/src/notifier/desktop.c")
printf '#include "common/nosuch.h"\n' >>"$T/src/watcher/watcher.c"
w=$(wc -l <"$T/src/watcher/watcher.c")
bad=$(include_check "$T/src")
assert_eq "$bad" "src/common/util.c:$((n + 1)): \"cli/commands.h\": common/ includes only common/
src/helper/strbuf.c:$m: \"watcher/watcher.h\": a process folder includes only its own and common/'s headers
src/notifier/desktop.c:$d: \"jobs.h\" does not name its folder (\"common/util.h\")
src/watcher/watcher.c:$w: \"common/nosuch.h\" does not name its folder (\"common/util.h\")" "the check's report"
ok

done_testing
