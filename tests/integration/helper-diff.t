#!/usr/bin/env bash
# sitewatch-helper changes and diff: counts, added lines, the notify
# condition, the unified diff (checked against diff(1) and patch(1)).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
H=$ROOT/sitewatch-helper

printf 'Posts\nFirst post\nSecond post\nVisitors: 10\n' > old
printf 'Posts\nNew post on sale\nFirst post\nSecond post\nVisitors: 11\n' > new

try "changes: the counts, notify and every added line, exactly"
out=$("$H" changes old new)
rc=$?
[ $rc = 0 ] && [ "$out" = $'added 2\nremoved 1\nnotify 1\n+New post on sale\n+Visitors: 11' ] \
	&& ok || fail "exit $rc: $out"

try "changes --notify: added, match:REGEX, and nothing to tell"
printf 'a\nb\n' > only_removed_old
printf 'a\n' > only_removed_new
n1=$("$H" changes --notify added only_removed_old only_removed_new | sed -n 3p)
n2=$("$H" changes --notify - only_removed_old only_removed_new | sed -n 3p)
n3=$("$H" changes --notify 'match:(?i)SALE' old new | sed -n 3p)
n4=$("$H" changes --notify 'match:refund' old new | sed -n 3p)
n5=$("$H" changes old old | tr '\n' ' ')
[ "$n1" = "notify 0" ] && [ "$n2" = "notify 1" ] && [ "$n3" = "notify 1" ] \
	&& [ "$n4" = "notify 0" ] && [ "$n5" = "added 0 removed 0 notify 0 " ] \
	&& ok || fail "$n1 / $n2 / $n3 / $n4 / $n5"

try "changes: a bad notify condition or a missing file is exit 1 with one line"
"$H" changes --notify 'match:(' old new > out 2> err
r1=$?
"$H" changes old nonexistent > out2 2> err2
r2=$?
"$H" changes old 2> /dev/null
r3=$?
[ $r1 = 1 ] && [ "$(wc -l < err)" = 1 ] && [ $r2 = 1 ] && [ "$(wc -l < err2)" = 1 ] \
	&& [ $r3 = 2 ] && ok || fail "$r1 $r2 $r3 $(cat err err2)"

try "changes: the added lines stop at 4 KiB, at a line end"
: > big_old
for i in $(seq 200); do printf 'added line number %04d with some padding to be long\n' "$i"; done > big_new
"$H" changes big_old big_new > out
head -3 out > head3
tail -n +4 out > block
[ "$(cat head3)" = $'added 200\nremoved 0\nnotify 1' ] && [ "$(wc -c < block)" -le 4096 ] \
	&& [ "$(wc -c < block)" -gt 3900 ] && [ "$(tail -c 1 block | od -An -c | tr -d ' ')" = '\n' ] \
	&& ! grep -qv '^+added line number' block && ok || fail "$(wc -c < block) bytes"

try "changes: added lines that are not UTF-8 (a Latin-1 page) come out as UTF-8; the diff keeps the bytes"
printf 'caf\xe9\n' > latin_old
printf 'caf\xe9\nna\xefve\n' > latin_new
out=$("$H" changes --diff-out latin.diff latin_old latin_new | tail -1)
[ "$out" = $'+na\xef\xbf\xbdve' ] && LC_ALL=C grep -q $'^+na\xefve$' latin.diff && ok || fail "$(printf '%s' "$out" | od -c | head -2)"

try "changes --diff-out: diff -u's output with the labels, and patch rebuilds the new text"
"$H" changes --diff-out d.diff --label-old 'Blog (before)' --label-new 'Blog (after)' old new > /dev/null
diff -u --label 'Blog (before)' --label 'Blog (after)' old new > expected
cp old rebuilt
diff -u expected d.diff >&2 && patch -s rebuilt d.diff && cmp -s rebuilt new && ok || fail "diff or patch differ"

try "diff: exit 0 and nothing for the same texts, 1 and the diff for different ones, 2 for trouble"
"$H" diff old old > same
r1=$?
"$H" diff --label-old a --label-new b old new > out
r2=$?
"$H" diff old nonexistent 2> err
r3=$?
diff -u --label a --label b old new > expected
[ $r1 = 0 ] && [ ! -s same ] && [ $r2 = 1 ] && cmp -s out expected && [ $r3 = 2 ] \
	&& ok || fail "$r1 $r2 $r3"

try "diff --color: git diff's colours (bold headers, cyan hunks, red and green lines)"
"$H" diff --color --label-old a --label-new b old new > out
esc=$'\033'
grep -qF "${esc}[1m--- a${esc}[m" out && grep -qF "${esc}[36m@@ -1,4 +1,5 @@${esc}[m" out \
	&& grep -qF "${esc}[31m-Visitors: 10${esc}[m" out && grep -qF "${esc}[32m+New post on sale${esc}[m" out \
	&& grep -qx ' First post' out && ok || fail "$(cat -v out)"

try "the filter's output of two versions of a real page diffs to the one real edit"
cat > v1.html <<'EOF2'
<html><head><script nonce="a1">x()</script><meta name="csrf" content="t1"></head><body>
<h1>Prices</h1><ul><li>Tea <span class="price">3.50</span></li><li>Coffee <span class="price">2.80</span></li></ul>
<footer>Generated at 10:00:01, visitor 77</footer></body></html>
EOF2
sed -e 's/a1/b2/; s/t1/t2/; s/2.80/2.95/; s/10:00:01/10:05:09/; s/visitor 77/visitor 78/' v1.html > v2.html
"$H" filter --type text/html 'ignore:^Generated at' < v1.html > t1
"$H" filter --type text/html 'ignore:^Generated at' < v2.html > t2
out=$("$H" changes t1 t2)
[ "$out" = $'added 1\nremoved 1\nnotify 1\n+Coffee 2.95' ] && ok || fail "$out"

# gen KIND SEED N A B: two generated texts for the large-rewrite cases of
# issue 21.11.  Lines are words from a small vocabulary, so that most
# lines occur many times (no line is set aside as found in one text only).
# few: 4 words, 90 % of the lines removed, replaced or followed by a new
# one; edit: 10 % of the lines replaced by another line of the text;
# moved: 10 % edited, then the first fifth cut into 50-line blocks and
# shuffled.  Up to N lines, or bytes when N ends in "b".
gen() {
	python3 - "$@" <<'PY'
import random, sys
kind, seed, n, pa, pb = sys.argv[1:]
r = random.Random(int(seed))
words = ["w%d" % i for i in range(4 if kind == "few" else 40)]
def line():
    return " ".join(r.choice(words) for _ in range(r.randint(1, 8)))
a = []
if n.endswith("b"):
    size = 0
    while size < int(n[:-1]):
        a.append(line())
        size += len(a[-1]) + 1
else:
    a = [line() for _ in range(int(n))]
rate = 0.9 if kind == "few" else 0.1
b = []
for l in a:
    p = r.random()
    if kind == "edit":
        b.append(r.choice(a) if p < rate else l)
    elif p < rate / 3:
        pass
    elif p < 2 * rate / 3:
        b.append(line())
    elif p < rate:
        b += [l, line()]
    else:
        b.append(l)
if kind == "moved":
    blocks = [b[i:i + 50] for i in range(0, len(b) // 5, 50)]
    r.shuffle(blocks)
    b = sum(blocks, []) + b[len(blocks) * 50:]
open(pa, "w").write("\n".join(a) + "\n")
open(pb, "w").write("\n".join(b) + "\n")
PY
}

# close_to_gnu A B: the helper's counts for A -> B are GNU diff's within
# 1 % each; says both otherwise.
close_to_gnu() {
	local ours gnu_add gnu_rem add rem
	ours=$("$H" changes "$1" "$2" | head -2 | tr '\n' ' ')
	gnu_add=$(diff "$1" "$2" | grep -c '^>')
	gnu_rem=$(diff "$1" "$2" | grep -c '^<')
	add=$(echo "$ours" | awk '{ print $2 }')
	rem=$(echo "$ours" | awk '{ print $4 }')
	awk -v a="$add" -v r="$rem" -v ga="$gnu_add" -v gr="$gnu_rem" \
		'BEGIN { d1 = a - ga; d2 = r - gr; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2;
		         exit !(ga > 0 && gr > 0 && d1 * 100 <= ga && d2 * 100 <= gr) }' \
		|| { diag "$1 -> $2: ours $ours, GNU diff added $gnu_add removed $gnu_rem"; return 1; }
}

need diff
need python3

try "issue 21.11: 4,000 lines, 10 % replaced: the counts are GNU diff's within 1 % (were every line)"
gen edit 1 4000 e_old e_new
out=$("$H" changes e_old e_new | head -2 | tr '\n' ' ')
close_to_gnu e_old e_new && [ "${out%% removed*}" != "added 4000" ] && ok || fail "$out"

try "issue 21.11: a rewrite of 90 % of 20,000 lines (past the cost cut-off): GNU diff's counts within 1 %"
gen few 2 20000 f_old f_new
close_to_gnu f_old f_new && ok || fail "counts differ"

try "issue 21.11: 10,000 lines, 10 % edited and blocks moved: GNU diff's counts within 1 %"
gen moved 3 10000 m_old m_new
close_to_gnu m_old m_new && ok || fail "counts differ"

try "issue 21.11: two 1 MB texts, 10 % of the lines changed: GNU diff's counts, in bounded time"
gen edit 4 1000000b big1 big2
t0=$(date +%s%N)
# A hang guard, not a speed measure: scripts/bench --diff gives the time
# (docs/benchmarks.md).
timeout $((10 * ${TEST_SLOW:-1})) "$H" changes big1 big2 > /dev/null
rc=$?
t1=$(date +%s%N)
[ $rc = 0 ] && close_to_gnu big1 big2 && ok || fail "exit $rc after $(( (t1 - t0) / 1000000 )) ms"

done_testing
