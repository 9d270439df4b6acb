#!/usr/bin/env bash
# Every kind of schedule edit is planned again at once, and 'status' shows
# the new plan at once: cron to cron (also with the same gap between
# runs), a jitter added, a duration to cron, a shorter and a longer
# duration (counted from the last check, never reported as missed checks).
. "$(dirname "$0")/lib.sh"
pageserver_start
for p in a b c d e f g; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done
# Two daily times far from now (local time is UTC here), one hour apart.
export TZ=UTC
h1=$(( ($(date +%-H) + 12) % 24 )); h2=$(( (h1 + 1) % 24 ))
cat >"$T/jobs.csv" <<EOF2
interval;name;url;last-modified;pid
0 $h1 * * *;a;$URL/a;-;-
0 $h1 * * *;b;$URL/b;-;-
10m;c;$URL/c;-;-
1h;d;$URL/d;-;-
3s;e;$URL/e;-;-
5s;f;$URL/f;-;-
1h;g;$URL/g;-;-
EOF2
spawn "$BIN" -f "$T/jobs.csv" --no-desktop -v 2>"$T/log"
SV=$SPAWNED

# next_in NAME: seconds from now to the next check 'status' shows for NAME.
next_in() {
	local t
	t=$(next_check_of "$T/jobs.csv" "$1")
	[ "$t" = none ] && { echo none; return; }
	echo $((t - $(date +%s)))
}
between() { local n; n=$(next_in "$1"); [ "$n" != none ] && [ "$n" -ge "$2" ] && [ "$n" -le "$3" ]; }
checked() { grep -Eq "^[^ ]+ $1 (first check|unchanged)" "$T/log"; }
all_checked() { for n in c d e f g; do checked "$n" || return 1; done; }

try "the rows run; cron rows plan their first check, the others check"
assert_eventually 15 all_checked
assert_eventually 5 between a 3600 86400
assert_eventually 10 between e -10 3
ok

# g was checked at least a few seconds before its edit to 2s: its next
# check is overdue at once, which is no catch-up.
sleep 4
before_b=$(next_in b)
sed -i -e "s/^0 $h1 \* \* \*;a;/* * * * *;a;/" -e "s/^0 $h1 \* \* \*;b;/0 $h2 * * *;b;/" \
	-e 's/^10m;c;/10m ~30s;c;/' -e 's/^1h;d;/* * * * *;d;/' -e 's/^3s;e;/20s;e;/' \
	-e 's/^5s;f;/1h;f;/' -e 's/^1h;g;/2s;g;/' "$T/jobs.csv"

try "cron to cron: planned again at once, status shows the next minute"
assert_eventually 10 grep -q 'a interval changed to \* \* \* \* \*' "$T/log"
assert_eventually 10 between a 0 61
ok

try "cron to cron with the same gap between runs: planned an hour later"
assert_eventually 10 grep -q "b interval changed to 0 $h2" "$T/log"
# h2 is always the hour after h1 (both about 12 hours away), so an hour
# later; the seconds the test takes meanwhile count down.
want=$((before_b + 3600))
assert_eventually 10 between b $((want - 30)) $((want + 2))
ok

try "a jitter added: taken up at once"
assert_eventually 10 grep -q 'c interval changed to 10m ~30s' "$T/log"
assert_eventually 10 between c 1 630
ok

try "a duration to cron: status shows the next minute at once"
assert_eventually 10 grep -q 'd interval changed to \* \* \* \* \*' "$T/log"
assert_eventually 10 between d 0 61
ok

try "3s to 20s: the next check counts from the last one, status never says now"
assert_eventually 10 grep -q 'e interval changed to 20s' "$T/log"
assert_eventually 10 between e 1 20
ok

try "5s to 1h: status shows the check an hour after the last one"
assert_eventually 10 grep -q 'f interval changed to 1h' "$T/log"
assert_eventually 10 between f 3500 3600
ok

try "1h to 2s: the overdue check is made now, and no checks are said to be missed"
assert_eventually 10 grep -q 'g interval changed to 2s' "$T/log"
gchecks() { [ "$(grep -Ec '^[^ ]+ g (first check|unchanged)' "$T/log")" -ge 2 ]; }
assert_eventually 10 gchecks
must_fail grep -q 'g caught up' "$T/log"
ok

stop "$SV"
done_testing
