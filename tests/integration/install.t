#!/usr/bin/env bash
# make install / uninstall with DESTDIR and PREFIX, and the man pages lint
# clean.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

try "make install DESTDIR=... installs the binary, both man pages, the completion, the unit and the example"
d=$T/dest
make -s install DESTDIR="$d" PREFIX=/opt/sw >"$T/install.log" 2>&1 || fail "$(cat "$T/install.log")"
for f in bin/sitewatch share/man/man1/sitewatch.1 share/man/man5/sitewatch.5 \
	share/bash-completion/completions/sitewatch lib/systemd/user/sitewatch.service \
	share/doc/sitewatch/examples/jobs.csv.example; do
	assert test -s "$d/opt/sw/$f"
done
assert test -x "$d/opt/sw/bin/sitewatch"
assert_grep '^ExecStart=/opt/sw/bin/sitewatch ' "$d/opt/sw/lib/systemd/user/sitewatch.service"
assert_eq "$("$d/opt/sw/bin/sitewatch" --version)" "$("$BIN" --version)" "the installed binary runs"
ok

try "make uninstall removes every installed file"
make -s uninstall DESTDIR="$d" PREFIX=/opt/sw >"$T/install.log" 2>&1 || fail "$(cat "$T/install.log")"
assert_eq "$(find "$d" -type f | wc -l)" 0 "files left"
ok

try "the man pages render without a warning (groff -ww) and lint clean (mandoc)"
for m in man/sitewatch.1 man/sitewatch.5; do
	out=$(groff -ww -man -Tutf8 "$m" 2>&1 >/dev/null)
	assert_eq "$out" "" "groff warnings for $m"
	if command -v mandoc >/dev/null; then
		out=$(mandoc -T lint "$m" 2>&1)
		assert_eq "$out" "" "mandoc -T lint for $m"
	fi
done
assert_grep 'SYNOPSIS' <(groff -man -Tutf8 -P-cbou man/sitewatch.1 2>/dev/null)
ok

try "the bash completion parses, and completes subcommands and job names"
out=$(bash -c '
	. scripts/sitewatch.bash-completion || exit 1
	cd "$1" || exit 1
	printf "interval;name;url;last-modified;pid\n1h;alpha;http://127.0.0.1/;-;-\n1h;beta;http://127.0.0.1/;-;stop\n" > jobs.csv
	fn=$(complete -p sitewatch | sed -E "s/.*-F ([^ ]+).*/\1/")
	COMP_WORDS=(sitewatch st); COMP_CWORD=1; COMPREPLY=(); "$fn" sitewatch st sitewatch
	echo "cmds: ${COMPREPLY[*]}"
	COMP_WORDS=(sitewatch remove ""); COMP_CWORD=2; COMPREPLY=(); "$fn" sitewatch "" remove
	echo "names: ${COMPREPLY[*]}"
' _ "$T")
assert_grep '^cmds: .*start.*' <(echo "$out")
assert_grep '^cmds: .*status.*stop|^cmds: .*stop.*status' <(echo "$out")
assert_grep '^names: .*alpha' <(echo "$out")
assert_grep '^names: .*beta' <(echo "$out")
ok

done_testing
