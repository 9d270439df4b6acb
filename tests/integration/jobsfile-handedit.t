#!/usr/bin/env bash
# While writers rewrite their rows, a person edits the file by hand the way
# people do: sed -i on another row, sed -i on a comment, and an in-place
# rewrite through '>'.  No hand edit may be lost.
. "$(dirname "$0")/lib.sh"

WRITERS=20
EDITS=${EDITS:-150}
f=$T/jobs.csv
{
	printf '# edits:\ninterval;name;url;last-modified;pid\n'
	printf '1h;hand;http://127.0.0.1/h;-;-\n'
	for i in $(seq 1 $WRITERS); do printf '1h;w%d;http://127.0.0.1/%d;-;-\n' "$i" "$i"; done
} > "$f"

try "$EDITS hand edits while $WRITERS writers run: every sed -i edit is kept"
for i in $(seq 1 $WRITERS); do
	"$TESTBIN/jobwriter" "$f" "w$i" 0 2>>"$T/errors" &
	track $!
done
for k in $(seq 1 "$EDITS"); do
	case $((k % 3)) in
	0) sed -i "s|^\(1h;hand;http://127.0.0.1/h[^;]*\)|\1-$k|" "$f" ;;
	1) sed -i "s|^# edits:.*|& $k|" "$f" ;;
	2) # The shell truncates the file in place and writes it again.
	   { cat "$f"; printf '# in place %d\n' "$k"; } > "$T/next"
	   cat "$T/next" > "$f" ;;
	esac
	sleep "0.0$((RANDOM % 5 + 5))"
done
stop_all
# Edits saved by rename (sed -i) must all be there.  An in-place '>' save
# can still lose to a rewrite in a narrow race (the person's write lands
# in the file sitewatch just swapped out); its rate is printed, and
# measured over 1,000 edits in docs/design.md.
lost_sed=0 lost_inplace=0 n_inplace=0
for k in $(seq 1 "$EDITS"); do
	case $((k % 3)) in
	0) grep -q "^1h;hand;http://127.0.0.1/h.*-$k\(-\|;\)" "$f" || { lost_sed=$((lost_sed + 1)); echo "# sed -i edit $k lost" >&2; } ;;
	1) grep -q "^# edits:.* $k\( \|$\)" "$f" || { lost_sed=$((lost_sed + 1)); echo "# sed -i edit $k lost" >&2; } ;;
	2) n_inplace=$((n_inplace + 1))
	   grep -qx "# in place $k" "$f" || { lost_inplace=$((lost_inplace + 1)); echo "# in-place edit $k lost" >&2; } ;;
	esac
done
echo "# hand edits lost: sed -i $lost_sed of $((EDITS - n_inplace)), in place (>) $lost_inplace of $n_inplace" >&2
[ "$lost_sed" = 0 ] && ok || fail "$lost_sed sed -i edits lost"

try "in-place '>' saves: at most 3% lost to the remaining race"
[ $((lost_inplace * 100)) -le $((n_inplace * 3)) ] && ok || fail "$lost_inplace of $n_inplace in-place edits lost"

try "the writers kept writing and the file still parses"
out=$("$BIN" --check -f "$f" 2>&1)
[ $? = 0 ] && [ ! -s "$T/errors" ] && ok || fail "$out $(head -3 "$T/errors")"

done_testing
