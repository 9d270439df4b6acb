#!/usr/bin/env bash
# sitewatch-helper filter, check-filter, check-notify: the commands the
# watcher and the commands call, their output, errors and exit codes.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
H=$ROOT/sitewatch-helper

cat > page.html <<'EOF2'
<!DOCTYPE html>
<html><head><title>Blog</title><meta name="csrf-token" content="c81f">
<script nonce="x1">window.t = 1</script></head>
<body><!-- rendered in 12 ms -->
<ul class="posts"><li><a href="/3">Third post</a></li><li><a href="/2">Second post</a></li></ul>
<p class="price" data-ad="77">19.99 EUR</p>
<footer>You are visitor 1234</footer>
</body></html>
EOF2

try "filter without a chain gives the visible text of an HTML page"
out=$("$H" filter --type 'text/html; charset=utf-8' < page.html 2>err)
rc=$?
[ $rc = 0 ] && [ "$out" = $'Third post\nSecond post\n19.99 EUR\nYou are visitor 1234' ] \
	&& ok || fail "exit $rc: $out $(cat err)"

try "filter '-' sniffs HTML when there is no type, raw otherwise"
out=$("$H" filter - < page.html)
out2=$(printf '<x>1</x>\n' | "$H" filter -)
[ "$out" = $'Third post\nSecond post\n19.99 EUR\nYou are visitor 1234' ] && [ "$out2" = "<x>1</x>" ] \
	&& ok || fail "$out / $out2"

try "css:, ignore: and the chain's end: the text of what was kept"
out=$("$H" filter --type text/html 'css:.posts a | sort' < page.html)
out2=$("$H" filter --type text/html 'ignore:visitor' < page.html)
[ "$out" = $'Second post\nThird post' ] && [ "$out2" = $'Third post\nSecond post\n19.99 EUR' ] \
	&& ok || fail "$out / $out2"

try "a selector that matches nothing fails the check: exit 1, one line naming the step"
"$H" filter --type text/html 'css:.gone' < page.html > out 2> err
rc=$?
[ $rc = 1 ] && [ ! -s out ] && [ "$(cat err)" = "css:.gone: matched nothing" ] \
	&& ok || fail "exit $rc: $(cat err)"

try "a bad regex: exit 1, PCRE2's reason and the offset"
"$H" filter 'grep:(ab' < page.html > out 2> err
rc=$?
[ $rc = 1 ] && [ "$(cat err)" = "grep:(ab: missing closing parenthesis at offset 3" ] \
	&& ok || fail "exit $rc: $(cat err)"

try "usage errors exit 2"
"$H" filter --bogus x < page.html 2>/dev/null
r1=$?
"$H" filter --timeout zero x < page.html 2>/dev/null
r2=$?
"$H" filter a b < page.html 2>/dev/null
r3=$?
"$H" check-filter 2>/dev/null
r4=$?
[ "$r1$r2$r3$r4" = 2222 ] && ok || fail "$r1 $r2 $r3 $r4"

try "--time: one STEP<TAB>MS<TAB>BYTES line per step on stderr, the text on stdout"
"$H" filter --time --type text/html 'css:.posts | ignore:Second' < page.html > out 2> err
[ "$(cat out)" = "Third post" ] && [ "$(wc -l < err)" = 3 ] \
	&& grep -qP '^css:\.posts\t[0-9.]+\t[1-9][0-9]+$' err \
	&& grep -qP '^ignore:Second\t[0-9.]+\t11$' err \
	&& grep -qP '^total\t[0-9.]+\t11$' err && ok || fail "$(cat err)"

try "pipe: runs the command with the text on stdin, no shell"
out=$(printf 'a;b\n' | "$H" filter --type text/plain 'pipe:tr ";" ","')
[ "$out" = "a,b" ] && ok || fail "$out"

try "pipe: a command over --timeout is killed and the check fails"
start=$(date +%s)
printf 'x' | "$H" filter --timeout 1 --type text/plain 'pipe:sleep 60' > out 2> err
rc=$?
end=$(date +%s)
[ $rc = 1 ] && [ $((end - start)) -lt 20 ] && [ "$(cat err)" = "pipe:sleep 60: timed out after 1 s, killed" ] \
	&& ok || fail "exit $rc in $((end - start)) s: $(cat err)"

try "check-filter: 0 for a good chain, 1 and the reason for a bad one"
"$H" check-filter 'css:li:not(.ad) | s/\d+/N/g | json | uniq' 2> err
r1=$?
"$H" check-filter 'css:li:hover' 2> err2
r2=$?
[ $r1 = 0 ] && [ ! -s err ] && [ $r2 = 1 ] \
	&& [ "$(cat err2)" = "css:li:hover: ':hover' is outside the supported CSS subset at offset 2" ] \
	&& ok || fail "$r1 $r2 $(cat err err2)"

try "check-notify: -, empty, added and match:REGEX are good; the rest is not"
"$H" check-notify - && "$H" check-notify '' && "$H" check-notify added \
	&& "$H" check-notify 'match:(?i)sale'
r1=$?
"$H" check-notify 'match:[a' 2> err
r2=$?
"$H" check-notify 'always' 2> err2
r3=$?
[ $r1 = 0 ] && [ $r2 = 1 ] && [ $r3 = 1 ] \
	&& [ "$(cat err)" = "match:[a: missing terminating ] for character class at offset 2" ] \
	&& ok || fail "$r1 $r2 $r3 $(cat err err2)"

try "scripts/bench --filter: a row per chain and the diff rows, exit 0"
"$ROOT/scripts/bench" --filter --smoke > out 2> err
rc=$?
[ $rc = 0 ] && grep -q '^| `(default: text)` | [0-9.]* ([0-9.]*) | [0-9.]* | [0-9]* |$' out \
	&& grep -q '^| `remove:.ad \\| css:main \\| ignore:visitor` | ' out \
	&& grep -q '^| sitewatch-helper diff | [0-9.]* |$' out \
	&& grep -q '^| GNU diff -u | [0-9.]* |$' out && ok || fail "exit $rc: $(cat out err)"

done_testing
