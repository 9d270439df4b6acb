#!/usr/bin/env bash
# What a change is, with filters (issue 14): the watcher runs the row's
# filter chain in sitewatch-helper and compares the text it makes; noise
# is no change, a real edit is one with its +/- counts and added lines;
# the notify column decides what is told; a failing chain is a failed
# check; a new filter is a silent baseline; a bad filter is reported with
# its line while the other rows run; a stop during a helper run is obeyed.
. "$(dirname "$0")/lib.sh"
pageserver_start

J=$T/jobs.csv
LOG=$T/log
cat >"$T/hook.sh" <<EOF
#!/bin/sh
{ echo "--- \$SITEWATCH_NAME"; env | grep '^SITEWATCH_' | sort; echo "added:"; printf '%s\n' "\$SITEWATCH_ADDED"; echo "diff:"; cat "\$SITEWATCH_DIFF"; } >>"$T/hook.out"
EOF
chmod +x "$T/hook.sh"

lines() { grep -Ec -- "$1" "$LOG"; }
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
told() { cat "$T/hook.out" 2>/dev/null | grep -c -- "^--- $1\$"; }
told_at_least() { [ "$(told "$1")" -ge "$2" ]; }

# page PATH N TEXT FOOTER: an HTML page whose CSRF token, script nonce,
# comment and ad attribute are N (they change at every "load"), with
# TEXT as its visible content and FOOTER in its footer.
page() {
	local body
	body="<!DOCTYPE html><html><head><meta name=\\\"csrf-token\\\" content=\\\"tok$2\\\"><script nonce=\\\"n$2\\\">var s = \\\"n$2\\\";</script><style>.x$2 {}</style></head><body><!-- build $2 --><h1>Shop</h1>$3<div class=\\\"ad\\\" data-ad-id=\\\"ad$2\\\">Buy things</div><input type=\\\"hidden\\\" name=\\\"csrf\\\" value=\\\"tok$2\\\"><footer><p>$4</p></footer></body></html>"
	ctl set "{\"path\": \"$1\", \"body\": \"$body\"}" >/dev/null
}
# checks_of NAME: how many checks NAME has logged (first, unchanged, changed, error).
checks_of() { grep -Ec -- "^[^ ]+ $1 (first check|unchanged|changed|error)" "$LOG"; }
# next_check NAME: wait for one more logged check of NAME; the test fails
# when none comes (what follows asserts that the check said nothing).
next_check() {
	local n
	n=$(checks_of "$1")
	assert_eventually 10 _more "$1" "$n"
}
_more() { [ "$(checks_of "$1")" -gt "$2" ]; }

P='<p>Price: 10 EUR</p><ul><li>red</li><li>blue</li></ul>'
page /noise 1 "$P" "Rendered by sitewatch tests"
page /clock 1 "$P" "Updated 12:00:01"
page /added 1 "$P" "f"
page /match 1 "$P" "f"
page /empty 1 "$P" "f"
printf 'interval;name;url;last-modified;pid;filter;notify\n' >"$J"
printf '1s;noise;%s/noise;-;-;;\n' "$URL" >>"$J"
printf '1s;clock;%s/clock;-;-;ignore:^Updated;-\n' "$URL" >>"$J"
printf '1s;added;%s/added;-;-;;added\n' "$URL" >>"$J"
printf '1s;match;%s/match;-;-;css:li;match:(?i)GREEN\n' "$URL" >>"$J"
printf '1s;bad;%s/noise;-;-;grep:(x;\n' "$URL" >>"$J"
printf '1s;empty;%s/empty;-;-;css:.price;\n' "$URL" >>"$J"

try "a supervisor with filtered rows: first checks are silent baselines; a bad filter is reported with its line"
spawn "$BIN" -f "$J" --no-desktop -v --exec "$T/hook.sh" 2>"$LOG"
SV=$SPAWNED
for n in noise clock added match; do
	assert_eventually 10 at_least "$n first check: HTTP 200, baseline recorded" 1
done
assert_eventually 10 at_least "sitewatch $J:6: filter: grep:\\(x: missing closing parenthesis at offset 2" 1
assert_eq "$(lines ' changed')" 0 "no change on the first checks"
ok

try "tokens, nonces, comments and ad attributes that change at every load are no change (no filter)"
for i in 2 3 4; do
	page /noise "$i" "$P" "Rendered by sitewatch tests"
	next_check noise
	next_check noise
done
assert_eq "$(lines 'noise changed')" 0 "no change"
assert_eventually 5 at_least 'noise unchanged' 4
ok

try "a visible footer time is no change with an ignore: step"
for i in 2 3; do
	page /clock "$i" "$P" "Updated 12:00:0$i"
	next_check clock
	next_check clock
done
assert_eq "$(lines 'clock changed')" 0 "no change"
ok

try "a real edit of the text is one change: +/- counts and the first added line in the log, told to the hook"
page /noise 5 '<p>Price: 12 EUR</p><p>Now with free shipping</p><ul><li>red</li><li>blue</li></ul>' "Rendered by sitewatch tests"
assert_eventually 10 at_least 'noise changed' 1
assert_grep "noise changed: $URL/noise \\(\\+2 -1\\) Price: 12 EUR\\.\\.\\.\$" "$LOG"
assert_eventually 5 told_at_least noise 1
assert_grep "^SITEWATCH_URL=$URL/noise\$" "$T/hook.out"
assert_grep '^SITEWATCH_ADDED_COUNT=2$' "$T/hook.out"
assert_grep '^SITEWATCH_REMOVED_COUNT=1$' "$T/hook.out"
assert_grep '^SITEWATCH_ADDED=Price: 12 EUR$' "$T/hook.out"
assert_grep '^Now with free shipping$' "$T/hook.out"
assert_grep '^SITEWATCH_DIFF=' "$T/hook.out"
assert_grep '^-Price: 10 EUR$' "$T/hook.out"
assert_grep '^\+Now with free shipping$' "$T/hook.out"
assert_grep '^SITEWATCH_OLD=-$' "$T/hook.out"
assert_grep '^SITEWATCH_NEW=[A-Z][a-z][a-z], [0-9]{2} ' "$T/hook.out"
next_check noise
next_check noise
assert_eq "$(lines 'noise changed')" 1 "one change, one log line"
ok

try "the bad row is not started, as --check refuses it (issue 21.12); the other rows ran"
assert_eq "$(lines ' bad ')" 0 "lines of a watcher called bad"
assert_eq "$(awk -F';' '$2 == "bad" { print $5 }' "$J")" "-" "bad's pid field"
ok

try "notify added: a change that only removes lines is recorded, not told; one that adds a line is told"
page /added 1 '<p>Price: 10 EUR</p><ul><li>red</li></ul>' "f"
assert_eventually 10 at_least 'added changed, not told \(notify added\)' 1
assert_grep "added changed, not told \\(notify added\\): $URL/added \\(\\+0 -1\\)\$" "$LOG"
assert_eq "$(told added)" 0 "not told"
must_fail grep -q '^[^ ]* added changed:' "$LOG"
page /added 1 '<p>Price: 10 EUR</p><ul><li>red</li><li>black</li></ul>' "f"
assert_eventually 10 at_least 'added changed: ' 1
assert_grep "added changed: $URL/added \\(\\+1 -0\\) black\$" "$LOG"
assert_eventually 5 told_at_least added 1
ok

try "notify match:REGEX: told only when an added line matches"
page /match 1 '<ul><li>red</li><li>blue</li><li>yellow</li></ul>' "f"
assert_eventually 10 at_least 'match changed, not told' 1
page /match 1 '<ul><li>red</li><li>blue</li><li>yellow</li><li>Green</li></ul>' "f"
assert_eventually 10 at_least 'match changed: ' 1
assert_grep "match changed: $URL/match \\(\\+1 -0\\) Green\$" "$LOG"
assert_eventually 5 told_at_least match 1
assert_eq "$(told match)" 1 "told once"
ok

try "a selector that matches nothing is a failed check, never a change to empty"
assert_eventually 10 at_least 'empty error: filter: css:\.price: matched nothing' 1
page /empty 1 '<p class=\"price\">10 EUR</p>' "f"
assert_eventually 10 at_least 'empty recovered after' 1
assert_eventually 10 at_least 'empty first check' 1
page /empty 1 '<p>gone</p>' "f"
assert_eventually 10 at_least 'empty error: filter: css:\.price: matched nothing' 2
assert_eq "$(lines 'empty changed')" 0 "no change"
ok

try "a new filter in the file is a silent new baseline"
sed -i 's|;ignore:^Updated;-$|;css:p;-|' "$J"
assert_eventually 10 at_least 'clock filter changed to "css:p": the next check records a new baseline' 1
assert_eventually 10 at_least 'clock first check' 2
next_check clock
assert_eq "$(lines 'clock changed')" 0 "no change"
stop "$SV"
ok

try "a stop written during a helper run is obeyed within a second; the helper is killed and reaped"
printf 'interval;name;url;last-modified;pid;filter\n1h;slow;%s/noise;-;-;pipe:sleep 30\n' "$URL" >"$T/slow.csv"
spawn "$BIN" -f "$T/slow.csv" --no-desktop -v watch slow 2>"$T/slow.log"
W=$SPAWNED
helper_running() { pgrep -P "$W" -f sitewatch-helper >/dev/null; }
assert_eventually 10 helper_running
H=$(pgrep -P "$W" -f sitewatch-helper)
sed -i 's/;[0-9]*;pipe:/;stop;pipe:/' "$T/slow.csv"
t0=$(_now_us)
gone() { ! kill -0 "$1" 2>/dev/null; }
assert_eventually 3 gone "$W"
# A watcher that waited for its helper would take 30 s.
assert_within "$t0" 1.5 "ended within a second and a half"
assert gone "$H"
wait "$W" 2>/dev/null
ok

try "SIGTERM during a helper run ends the watcher within a second, the helper with it"
sed -i 's/;stop;pipe:/;-;pipe:/' "$T/slow.csv"
spawn "$BIN" -f "$T/slow.csv" --no-desktop -v watch slow 2>>"$T/slow.log"
W=$SPAWNED
assert_eventually 10 helper_running
H=$(pgrep -P "$W" -f sitewatch-helper)
kill -TERM "$W"
assert_eventually 1.5 gone "$W"
assert gone "$H"
ok

done_testing
