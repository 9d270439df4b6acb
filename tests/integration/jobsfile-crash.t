#!/usr/bin/env bash
# Writers are SIGKILLed at random moments, 200 times.  After every kill the
# jobs file must parse whole with every row present: a crash leaves the old
# file or the new one, never a torn one.
. "$(dirname "$0")/lib.sh"

ROWS=20
KILLS=${KILLS:-200}
f=$T/jobs.csv
{
	printf '# crash test\ninterval;name;url;last-modified;pid\n'
	for i in $(seq 1 $ROWS); do printf '1h;r%d;http://127.0.0.1/%d;-;-\n' "$i" "$i"; done
} > "$f"

# start_writer I: a writer that rewrites row rI forever.
start_writer() {
	"$TESTBIN/jobwriter" "$f" "r$1" 0 2>>"$T/errors" &
	wpid[$1]=$!
	track $!
}

try "$KILLS SIGKILLs at random moments never leave a torn or short file"
declare -a wpid
for i in $(seq 1 $ROWS); do start_writer "$i"; done
torn=0
for k in $(seq 1 "$KILLS"); do
	i=$((RANDOM % ROWS + 1))
	# Sleep 0-9 ms so that kills land in every phase of a rewrite.
	sleep "0.00$((RANDOM % 10))"
	kill -KILL "${wpid[$i]}"
	wait "${wpid[$i]}" 2>/dev/null
	out=$("$BIN" --check -f "$f" 2>&1)
	if [ $? != 0 ] || ! echo "$out" | grep -q ": $ROWS jobs usable"; then
		torn=$((torn + 1))
		echo "# after kill $k: $out" >&2
		cp "$f" "$T/torn.$k"
	fi
	start_writer "$i"
done
[ "$torn" = 0 ] && ok || fail "$torn of $KILLS kills left a broken file"

try "the writers made progress and reported no error"
for i in $(seq 1 $ROWS); do kill -KILL "${wpid[$i]}"; wait "${wpid[$i]}" 2>/dev/null; done
n=$(grep -c ';r[0-9]*-[0-9]*;-$' "$f")
[ ! -s "$T/errors" ] && [ "$n" -gt 0 ] && ok || fail "rows written: $n; errors: $(head -3 "$T/errors")"

try "a later writer still succeeds after all the kills (no stale lock)"
"$TESTBIN/jobwriter" "$f" r1 1 && grep -q '^1h;r1;http://127.0.0.1/1;r1-1;-$' "$f" && ok || fail "$(cat "$f")"

done_testing
