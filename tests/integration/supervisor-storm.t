#!/usr/bin/env bash
# Many changes at once: the watchers write them in a few shared rewrites,
# none lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
pageserver_start

try "many changes at once: the watchers write them in a few shared rewrites, none lost"
L0="Mon, 01 Jan 2024 00:00:00 GMT"
L1="Tue, 02 Jan 2024 00:00:00 GMT"
J2=$T/storm.csv
LOG2=$T/storm.log
{
	printf 'interval;name;url;last-modified;pid\n'
	for i in $(seq 1 30); do
		ctl set "{\"path\": \"/s$i\", \"body\": \"x\", \"last_modified\": \"$L0\"}" >/dev/null
		printf '1h;s%d;%s/s%d;%s;-\n' "$i" "$URL" "$i" "$L0"
	done
} > "$J2"
spawn "$BIN" -f "$J2" --no-desktop -v 2>>"$LOG2"
SV2=$SPAWNED
all_started() { [ "$(awk -F';' 'NR > 1 && $5 ~ /^[0-9]+$/' "$J2" | wc -l)" -eq 30 ]; }
assert_eventually 60 all_started
first_done() { [ "$(grep -c 'first check' "$LOG2")" -ge 30 ]; }
assert_eventually 60 first_done
for i in $(seq 1 30); do
	ctl set "{\"path\": \"/s$i\", \"body\": \"y\", \"last_modified\": \"$L1\"}" >/dev/null
done
# Every watcher checks now, all at once.
kill -USR1 $(awk -F';' 'NR > 1 { print $5 }' "$J2")
all_new() { [ "$(awk -F';' -v l="$L1" 'NR > 1 && $4 == l' "$J2" | wc -l)" -eq 30 ]; }
assert_eventually 60 all_new
rewrites=$(grep -c 'recorded [0-9]* last-modified' "$LOG2")
total=$(grep -o 'recorded [0-9]* last-modified' "$LOG2" | awk '{ s += $2 } END { print s + 0 }')
printf "# 30 changes written in %s rewrites\n" "$rewrites"
assert_eq "$total" 30 "values recorded"
most=$(grep -o 'recorded [0-9]* last-modified' "$LOG2" | awk '$2 > m { m = $2 } END { print m + 0 }')
# A rewrite that wrote other watchers' values too: the batching works.
assert [ "$most" -ge 2 ]
assert [ "$rewrites" -lt 30 ]
assert_eq "$(grep -c 'changed:' "$LOG2")" 30 "changes logged"
assert_eq "$(awk -F';' 'NR > 1' "$J2" | wc -l)" 30 "rows"
kill -TERM "$SV2"
wait "$SV2"
assert_eq "$?" 0 "exit status"
ok

done_testing
