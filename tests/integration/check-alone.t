#!/usr/bin/env bash
# 'check NAME' without a running watcher makes the check itself and tells
# a change as a watcher would: the --exec hook runs, with the change in
# its environment, before the command returns.  It says what the log says
# (issue 21.4): 'baseline recorded' for a first check, and a change with
# its +A -R and first added line.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/a", "body": "v1"}' >/dev/null
printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n' "$URL" >"$T/jobs.csv"
cat >"$T/hook" <<EOF2
#!/bin/sh
printf '%s|%s\n' "\$SITEWATCH_NAME" "\$SITEWATCH_URL" >>"$T/hook.out"
EOF2
chmod +x "$T/hook"

try "issue 21.4: the first check records a baseline, says so, and runs no hook"
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: baseline recorded$' "$T/.out"
must_fail test -e "$T/hook.out"
ok

try "issue 21.4: a change found by 'check NAME' is said as the log says it, and runs the --exec hook before it returns"
ctl set '{"path": "/a", "body": "<p>v2</p><p>v3</p>"}' >/dev/null
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: changed \(\+2 -1\) v2\.\.\.$' "$T/.out"
assert_grep " a changed: $URL/a \\(\\+2 -1\\) v2\\.\\.\\.\$" "$T/.out"
assert_eq "$(cat "$T/hook.out" 2>/dev/null)" "a|$URL/a" "what the hook was told"
ok

try "no change, no hook"
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: unchanged$' "$T/.out"
assert_eq "$(wc -l <"$T/hook.out")" 1 "hook runs"
ok

done_testing
