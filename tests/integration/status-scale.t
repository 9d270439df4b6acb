#!/usr/bin/env bash
# 'status' stays linear on a big file with a supervisor: each row is found
# in what the supervisor published without searching the whole table
# (searching it per row took 1.8 s at 20,000 rows). Timed by the CPU the
# status command uses (not the wall clock, which a loaded machine
# stretches): 20,000 rows may cost at most 30 times what 2,000 cost
# (linear: about 10 times; the per-row search: about 100 times).
# The supervisor is stood in for by a process holding its lock and a
# published table written by the real supervisor's format (running rows).
. "$(dirname "$0")/lib.sh"
need flock
N=20000

# make_file DIR N: a jobs file of N running rows in DIR, its published
# table, and a process holding its supervisor's lock.
make_file() {
	local d=$1 n=$2 i
	mkdir -p "$d/.jobs.csv.state"
	{
		echo 'interval;name;url;last-modified;pid'
		for ((i = 0; i < n; i++)); do echo "1h;job$i;http://127.0.0.1:9/$i;-;$((i + 100000))"; done
	} >"$d/jobs.csv"
	# The published table, in svstatus.h's format: every row running.
	for ((i = 0; i < n; i++)); do printf 'running\t0\tjob%d\n' "$i"; done >"$d/.jobs.csv.state/.supervisor"
	: >"$d/.jobs.csv.pid"
	spawn flock -x "$d/.jobs.csv.pid" sleep 300 >/dev/null 2>&1
}
# cpu_us SMALL BIG: "S B", the least CPU time (user + system, microseconds)
# of status on each file over five rounds, the two taken in turn, so that
# a change in the machine's load falls on both.
cpu_us() {
	python3 - "$BIN" "$1" "$2" <<'PY'
import resource, subprocess, sys
def cpu(path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.argv[1], "-f", path, "status", "--plain"],
                   stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e6
best = [None, None]
for _ in range(5):
    for i, path in enumerate(sys.argv[2:4]):
        us = cpu(path)
        best[i] = us if best[i] is None else min(best[i], us)
print(int(best[0]), int(best[1]))
PY
}
make_file "$T/big" "$N"
make_file "$T/small" $((N / 10))
held() { "$BIN" -f "$T/big/jobs.csv" status --plain 2>/dev/null | head -1 | grep -q running; }

try "status sees the published table: every row running"
assert_eventually 10 held
assert_eq "$("$BIN" -f "$T/big/jobs.csv" status --plain | grep -c '	running	')" "$N" "rows running"
ok

try "status on $N rows costs at most 30 times its CPU on $((N / 10)) rows"
read -r small big < <(cpu_us "$T/small/jobs.csv" "$T/big/jobs.csv")
[ "$big" -le $((small * 30)) ] || _failed "status took $big us of CPU on $N rows, $small us on $((N / 10))"
ok
diag "status CPU: $((small / 1000)) ms on $((N / 10)) rows, $((big / 1000)) ms on $N rows"

stop_all
done_testing
