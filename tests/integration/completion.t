#!/usr/bin/env bash
# The bash completion (scripts/sitewatch.bash-completion), driven the way
# bash drives it: COMP_WORDS and COMP_CWORD set, _sitewatch called,
# COMPREPLY read.  Every command of sitewatch --help, each command's
# options, the options the binary takes, job names from the jobs file
# (the one -f names), file names after -f.
. "$(dirname "$0")/lib.sh"
# shellcheck source=../../scripts/sitewatch.bash-completion
. "$ROOT/scripts/sitewatch.bash-completion"

# complete WORD...: complete the last WORD of "sitewatch WORD..." (give
# "" to complete an empty word); prints the candidates sorted, one a line.
complete_words() {
	COMP_WORDS=(sitewatch "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_sitewatch
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
# words LIST: LIST's words sorted, one a line.
words() { printf '%s\n' $1 | sort; }

mkdir -p "$T/a" "$T/b" "$T/files"
printf 'interval;name;url;last-modified;pid\n1h;Alpha;http://x/;-;-\n1h;Beta;http://x/;-;stop\n1h;"Gamma ray";http://x/;-;123\n' > "$T/a/jobs.csv"
printf 'interval;name;url;last-modified;pid\n1h;Other;http://x/;-;-\n' > "$T/b/jobs.csv"
: > "$T/files/one.csv"
: > "$T/files/two.csv"

try "every command of sitewatch --help is completed, and nothing else"
"$BIN" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' | sort > "$T/commands"
assert_grep '^next$' "$T/commands"
complete_words "" > "$T/completed"
assert_diff "$T/commands" "$T/completed"
ok

try "a command is completed from its first letters: next, help, version"
assert_eq "$(complete_words ne)" next
assert_eq "$(complete_words h)" "$(words 'help history')"
assert_eq "$(complete_words vers)" version
ok

try "help completes command names"
assert_eq "$(complete_words help st)" "$(words 'start status stop')"
assert_eq "$(complete_words help status "")" "" "after the command"
ok

try "each command's options"
assert_eq "$(complete_words status --)" "$(words '--plain --json --file --help')"
assert_eq "$(complete_words next 'daily' -)" "$(words '-n --count --help')"
assert_eq "$(complete_words add --)" "$(words '--interval --filter --notify --file --help')"
assert_eq "$(complete_words diff -)" "$(words '-r -f --file --help')"
assert_eq "$(complete_words version -)" "" "version takes none"
assert_eq "$(complete_words --no)" "--no-desktop"
ok

try "every option completed anywhere is one the binary takes"
# The options the completion can offer, from every place it offers some.
{
	complete_words -
	for c in $(cat "$T/commands"); do complete_words "$c" -; done
	complete_words check x -
	complete_words check --url u -
} | sort -u > "$T/offered"
# Each is given a value ("1", which a flag leaves as an unknown command),
# in $T, where a --log file may land.
bad=
for o in $(cat "$T/offered"); do
	(cd "$T" && "$BIN" "$o" 1 --help) >/dev/null 2>"$T/err"
	grep -q 'unknown option' "$T/err" && bad="$bad $o"
done
assert_eq "$bad" "" "options sitewatch does not know"
ok

try "job names come from the file -f names: running rows after stop, stopped after start, all after check"
assert_eq "$(complete_words -f "$T/a/jobs.csv" stop "")" "$(printf '%s\n' Alpha 'Gamma\ ray' | sort)"
assert_eq "$(complete_words -f "$T/a/jobs.csv" start "")" Beta
assert_eq "$(complete_words --file="$T/a/jobs.csv" check "")" "$(printf '%s\n' Alpha Beta 'Gamma\ ray' | sort)"
assert_eq "$(complete_words check -f "$T/b/jobs.csv" "")" Other "-f after the command"
assert_eq "$(complete_words -f "$T/a/jobs.csv" remove Al)" Alpha
assert_eq "$(complete_words -f "$T/a/jobs.csv" stop Alpha "")" 'Gamma\ ray' "a name given already is not offered again"
ok

try "without -f, the names of ./jobs.csv"
assert_eq "$(cd "$T/b" && complete_words watch "")" Other
ok

try "file names after -f and --file"
assert_eq "$(cd "$T/files" && complete_words -f "")" "$(words 'one.csv two.csv')"
assert_eq "$(cd "$T/files" && complete_words status --file o)" one.csv
ok

done_testing
