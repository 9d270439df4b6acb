#!/usr/bin/env bash
# 'status' stays fast on a big file with a supervisor: 20,000 rows, each
# found in what the supervisor published, in well under a second
# (searching the published table per row took 1.8 s at 20,000 rows).
# The supervisor is stood in for by a process holding its lock and a
# published table written by the real supervisor's format (running rows).
. "$(dirname "$0")/lib.sh"
need flock
N=20000

{
	echo 'interval;name;url;last-modified;pid'
	for ((i = 0; i < N; i++)); do echo "1h;job$i;http://127.0.0.1:9/$i;-;$((i + 100000))"; done
} >"$T/jobs.csv"
# The published table, in svstatus.h's format: every row running.
mkdir -p "$T/.jobs.csv.state"
for ((i = 0; i < N; i++)); do printf 'running\t0\tjob%d\n' "$i"; done >"$T/.jobs.csv.state/.supervisor"
: >"$T/.jobs.csv.pid"
spawn flock -x "$T/.jobs.csv.pid" sleep 120 >/dev/null 2>&1
held() { "$BIN" -f "$T/jobs.csv" status --plain 2>/dev/null | head -1 | grep -q running; }

try "status sees the published table: every row running"
assert_eventually 10 held
assert_eq "$("$BIN" -f "$T/jobs.csv" status --plain | grep -c '	running	')" "$N" "rows running"
ok

try "status on $N rows takes under 1 s"
t0=$(_now_us)
"$BIN" -f "$T/jobs.csv" status --plain >/dev/null
ms=$((($(_now_us) - t0) / 1000))
[ "$ms" -lt 1000 ] || _failed "status took $ms ms"
ok
echo "# status took $ms ms"

stop_all
done_testing
