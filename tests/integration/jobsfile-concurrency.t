#!/usr/bin/env bash
# 200 writers rewrite their own rows 50 times each, all at once, through the
# locked rewrite.  Nothing may be lost: every row ends with its writer's
# last value, and every other byte of the file is as it was.
. "$(dirname "$0")/lib.sh"

WRITERS=200
ROUNDS=50
f=$T/jobs.csv

# A file with the awkward parts people write: comments, blank lines, CRLF
# rows, a quoted name, an unknown column, columns out of order.
{
	printf '\xef\xbb\xbf# jobs for the concurrency test\n'
	printf '\n'
	printf 'name;interval;note;url;pid;last-modified\n'
	for i in $(seq 1 $WRITERS); do
		case $((i % 4)) in
		0) printf 'w%d;10m;"a;b";http://127.0.0.1/%d;-;-\r\n' "$i" "$i" ;;
		1) printf '"w%d";1h;note %d;https://127.0.0.1/%d;-;-\n' "$i" "$i" "$i" ;;
		2) printf '# comment before w%d\nw%d;30s;;http://127.0.0.1/;-;-\n' "$i" "$i" ;;
		3) printf 'w%d ;  90 ;x;http://127.0.0.1/%d;-;-\n\n' "$i" "$i" ;;
		esac
	done
	printf '# the end\n'
} > "$f"
cp "$f" "$T/orig.csv"

try "200 writers x 50 rewrites each finish without an error"
pids=()
for i in $(seq 1 $WRITERS); do
	"$TESTBIN/jobwriter" "$f" "w$i" "$ROUNDS" 2>>"$T/errors" &
	pids+=($!)
	track $!
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
[ "$bad" = 0 ] && [ ! -s "$T/errors" ] && ok || fail "$bad writers failed: $(head -3 "$T/errors")"

try "every row holds its writer's last value"
missing=0
for i in $(seq 1 $WRITERS); do
	n=$(grep -c "^\"\{0,1\}w$i\"\{0,1\} \{0,1\};.*;w$i-$ROUNDS"$'\r\{0,1\}$' "$f")
	[ "$n" = 1 ] || { missing=$((missing + 1)); echo "# w$i: $n matches" >&2; }
done
[ "$missing" = 0 ] && ok || fail "$missing rows lost or duplicated"

try "the file still parses, with all 200 rows usable"
out=$("$BIN" --check -f "$f" 2>&1)
[ $? = 0 ] && echo "$out" | grep -q ": 200 jobs usable" && ok || fail "$out"

try "every byte outside the last-modified fields is unchanged"
# Put the original value back in every last-modified field and compare.
sed -E 's/;w[0-9]+-'"$ROUNDS"'(\r?)$/;-\1/' "$f" > "$T/restored.csv"
cmp -s "$T/restored.csv" "$T/orig.csv" && ok || fail "$(diff "$T/orig.csv" "$T/restored.csv" | head -5)"

try "no temporary file is left beside the jobs file"
[ ! -e "$T/.jobs.csv.tmp" ] && ok || fail "$(ls -a "$T")"

done_testing
