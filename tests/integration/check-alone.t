#!/usr/bin/env bash
# 'check NAME' without a running watcher makes the check itself and tells
# a change as a watcher would: the --exec hook runs, with the change in
# its environment, before the command returns.
. "$(dirname "$0")/lib.sh"
pageserver_start
ctl set '{"path": "/a", "body": "v1"}' >/dev/null
printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n' "$URL" >"$T/jobs.csv"
cat >"$T/hook" <<EOF2
#!/bin/sh
printf '%s|%s\n' "\$SITEWATCH_NAME" "\$SITEWATCH_URL" >>"$T/hook.out"
EOF2
chmod +x "$T/hook"

try "the first check records a baseline and runs no hook"
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: unchanged$' "$T/.out"
assert_fails test -e "$T/hook.out"
ok

try "a change found by 'check NAME' runs the --exec hook before it returns"
ctl set '{"path": "/a", "body": "v2"}' >/dev/null
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: changed$' "$T/.out"
assert_eq "$(cat "$T/hook.out" 2>/dev/null)" "a|$URL/a" "what the hook was told"
ok

try "no change, no hook"
assert_status 0 "$BIN" -f "$T/jobs.csv" --no-desktop --exec "$T/hook" check a
assert_grep '^a: unchanged$' "$T/.out"
assert_eq "$(wc -l <"$T/hook.out")" 1 "hook runs"
ok

done_testing
