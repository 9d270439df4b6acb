#!/usr/bin/env bash
# HACKING.md's layout table matches the tree: every source file, test tool
# and script is named in it, once, and every path it names exists.
. "$(dirname "$0")/lib.sh"
table=$(sed -n '/^## Layout/,/^Exit codes/p' "$ROOT/HACKING.md")

try "every src/*.c, tests/tools/*.c and scripts/* is in HACKING.md's layout table"
for f in "$ROOT"/src/*.c "$ROOT"/tests/tools/*.c "$ROOT"/scripts/*; do
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

done_testing
