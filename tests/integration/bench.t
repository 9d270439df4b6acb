#!/usr/bin/env bash
# scripts/bench --smoke: the benchmark runs end to end against the real
# supervisor (20 watchers, http and https, short windows) and prints every
# row of its table. No figure is asserted: this test only keeps the
# benchmark working. It must leave no process and no temporary directory.
. "$(dirname "$0")/lib.sh"

# The table's row labels, as scripts/bench prints them (its LABELS list).
labels=(
	"watchers started (pid in every row)"
	"first request, every watcher"
	"PSS per idle watcher"
	"private memory per idle watcher"
	"PSS, supervisor"
	"PSS, notifier"
	"PSS, all sitewatch processes"
	"CPU per check, 304 answers"
	"CPU per check, 200 answers"
	"stop latency p50 / p99 / max"
	"add: row appended -> pid in row, p50 / max"
	"add: row appended -> first request, p50 / max"
	"change storm: every row updated"
	"change storm: rows lost / wrong"
	"shutdown (SIGTERM -> supervisor exited)"
)

OUT=$T/bench.out
ERR=$T/bench.err

# bench_left: print the processes the bench left behind: anything whose
# command line or working directory names its temporary directory (under
# $T, through TMPDIR). sitewatch's processes write their names over their
# command lines (sitewatch: NAME URL), but they run in the jobs file's
# directory.
bench_left() {
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = "$$" ] && continue
		{ tr '\0' ' ' 2>/dev/null <"$d/cmdline"; echo; readlink "$d/cwd"; } 2>/dev/null |
			grep -qF -- "$T/sitewatch-bench." &&
			echo "$pid: $(tr '\0' ' ' 2>/dev/null <"$d/cmdline")"
	done
}

try "scripts/bench --smoke exits 0"
start=$(_now_us)
st=0
TMPDIR=$T timeout 170 "$ROOT/scripts/bench" --smoke --bin "$BIN" >"$OUT" 2>"$ERR" || st=$?
took=$((($(_now_us) - start) / 1000000))
assert_eq "$st" 0 "exit status (124: still running after 170 s)" ||
	diag "stderr (last 20 lines):" "$(tail -n 20 "$ERR" | sed 's/^/  /')"
ok
diag "scripts/bench --smoke took ${took} s"

try "it prints the machine, the command and every row of the table"
assert_grep '^- machine: [0-9]+ cores' "$OUT"
assert_grep '^- command: `.*bench --smoke' "$OUT"
assert_grep '^- sitewatch: sitewatch ' "$OUT"
assert_grep '^### N = 20 \(10 http, 10 https\)' "$OUT"
for label in "${labels[@]}"; do
	grep -qF -- "| $label " "$OUT" ||
		_failed "no table row \"$label\"" "$(sed 's/^/  /' "$OUT")"
done
ok

try "every row has a figure, none is missing"
# A row whose last cell is empty or n/a was not measured.
assert_eq "$(grep -cE '^\| .*\| (n/a)? *\|$' "$OUT")" 0 "rows without a figure"
ok

try "it leaves no process and no temporary directory behind"
assert_eq "$(bench_left)" "" "processes left"
assert_eq "$(find "$T" -maxdepth 1 -name 'sitewatch-bench.*')" "" "directories left"
ok

done_testing
