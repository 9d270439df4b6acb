#!/usr/bin/env bash
# Issue 21.12 with issue 21.6: the supervisor has the rows' filter and
# notify values judged by one sitewatch-helper run per batch, which its
# loop never waits for. While the helper hangs, a row without a filter
# starts, SIGUSR1 and SIGTERM are answered; the rows that wait for a
# verdict are not started and not counted as problems. A helper past its
# deadline (10 s) is killed and reaped, the failure logged once, and the
# batch tried again after a backoff; then the verdicts are the ones
# --check gives. A stand-in helper (SITEWATCH_HELPER) hangs or fails on
# purpose, then runs the real one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
pageserver_start
for p in a good bad; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done
REAL=$(dirname "$BIN")/sitewatch-helper
CALLS=$T/calls
# The stand-in: each run of a check is written to $CALLS (pid and
# command); what the run number N does is in $T/mode.N (hang: sleep 30
# then say nothing; fail: exit 1 with a reason), else the real helper.
cat >"$T/helper" <<EOF2
#!/usr/bin/env bash
case "\$1" in check-*)
	echo "\$\$ \$1" >>"$CALLS"
	n=\$(wc -l <"$CALLS")
	case "\$(cat "$T/mode.\$n" 2>/dev/null)" in
	hang) exec sleep 30 ;;
	fail) echo "broken on purpose" >&2; exit 1 ;;
	esac
esac
exec "$REAL" "\$@"
EOF2
chmod +x "$T/helper"
# calls N: the stand-in has been run N times or more.
calls() { [ -f "$CALLS" ] && [ "$(wc -l <"$CALLS")" -ge "$1" ]; }
call_pid() { sed -n "${1}p" "$CALLS" | cut -d' ' -f1; }
rows() {
	printf 'interval;name;url;last-modified;pid;filter\n'
	printf '1h;a;%s/a;-;-;\n' "$URL"
	printf '1h;good;%s/good;-;-;css:#x\n' "$URL"
	printf '1h;bad;%s/bad;-;-;grep:(x\n' "$URL"
	printf '1h;good2;%s/good;-;-;css:#y\n' "$URL"
}

try "issue 21.12/21.6: while the helper hangs the loop answers; past its deadline it is killed, logged once, tried again; then good rows start and the bad one is refused"
rows >"$J"
echo hang >"$T/mode.1"
echo fail >"$T/mode.2"
SITEWATCH_HELPER=$T/helper spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
SV=$SPAWNED
assert_eventually 5 calls 1
hp=$(call_pid 1)
assert_eq "$(sed -n 1p "$CALLS" | cut -d' ' -f2)" check-batch "the one helper run"
# The helper hangs: the row without a filter starts all the same (on
# the old code the loop was in the helper's 10 s, once per value).
assert_eventually 3 running a
kill -USR1 "$SV"
assert_eventually 3 logged 'SIGUSR1: reading .* again'
assert _alive "$hp"
assert_eq "$(wc -l <"$CALLS")" 1 "helper runs while the first hangs"
for r in good bad good2; do
	assert field_is "$r" -
	must_fail has_watcher "$r"
done
must_fail logged 'cannot be used'
# Its deadline: killed (not left a zombie), said once; the retry fails
# at once (not said again), the next one judges.
assert_eventually 15 logged "cannot check 3 filter and notify values: sitewatch-helper check-batch: no answer within 10 s; the rows that use them wait, trying again in 1 s"
assert_eventually 3 gone "$hp"
assert_eventually 5 calls 3
assert_eventually 5 running good
assert_eventually 5 running good2
assert_eventually 3 logged "$J:4: filter: grep:\\(x: missing closing parenthesis at offset 2"
assert_eventually 3 logged "$J: 1 row cannot be used"
assert logged 'filter and notify values checked again: the rows that waited start'
assert_eq "$(grep -c 'cannot check' "$LOG")" 1 "failures said"
assert_eq "$(grep -c 'cannot be used' "$LOG")" 1 "counts said"
assert_eq "$(wc -l <"$CALLS")" 3 "helper runs (no watcher asks it again)"
assert field_is bad -
must_fail has_watcher bad
"$BIN" --check -f "$J" >"$T/out" 2>&1
assert_eq "$(tail -1 "$T/out")" "$J: 3 jobs usable (0 stopped), 1 row with problems" "--check's count"
ok

try "issue 21.12/21.6: a new filter edited in while the helper hangs waits; SIGTERM is answered at once, the helper killed and reaped"
rm -f "$CALLS" "$T"/mode.*
echo hang >"$T/mode.1"
printf '1h;new;%s/a;-;-;css:#new\n' "$URL" >>"$J"
assert_eventually 5 calls 1
hp=$(call_pid 1)
assert_eq "$(sed -n 1p "$CALLS" | cut -d' ' -f2)" check-batch "the one helper run"
must_fail has_watcher new
assert running good
t0=$(_now_us)
kill -TERM "$SV"
assert_eventually 3 gone "$SV"
assert_within "$t0" 3 "SIGTERM answered while the helper hangs"
wait "$SV"
assert_eq "$?" 0 "exit status"
assert gone "$hp"
assert logged 'stopped$'
assert field_is new -
assert field_is good -
ok

done_testing
