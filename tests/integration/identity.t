#!/usr/bin/env bash
# A row's state belongs to what it compares (issue 13, bug 3): a state
# recorded for another URL (a name reused, a URL edited while no
# supervisor ran) is a silent new baseline, and the old URL's validators
# are never sent to the new one.
. "$(dirname "$0")/lib.sh"
pageserver_start

J=$T/jobs.csv
LOG=$T/log
LM='Wed, 21 Oct 2015 07:28:00 GMT'
ctl set "{\"path\": \"/a\", \"body\": \"page a\", \"last_modified\": \"$LM\"}" >/dev/null
ctl set "{\"path\": \"/b\", \"body\": \"page b\", \"last_modified\": \"$LM\"}" >/dev/null
# gamma's new URL: not /b, which zeta (still a row) goes on checking.
ctl set "{\"path\": \"/c\", \"body\": \"page c\", \"last_modified\": \"$LM\"}" >/dev/null
printf 'interval;name;url;last-modified;pid\n' >"$J"

logged() { grep -Eq -- "$1" "$LOG"; }
lines() { grep -Ec -- "$1" "$LOG"; }
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
pidof_row() { awk -F';' -v n="$1" '$2 == n { print $5 }' "$J"; }
no_row() { ! grep -q "^1s;$1;" "$J"; }
# requests_with_ims PATH: the requests to PATH that carried If-Modified-Since.
requests_with_ims() {
	ctl stats | python3 -c 'import json, sys
print(sum(1 for r in json.load(sys.stdin)["requests"]
          if r["path"] == sys.argv[1] and r["if_modified_since"]))' "$1"
}
# unconditional_then PATH: "N FIRST" where N counts the requests to PATH
# without If-Modified-Since and FIRST is "plain" when the first request to
# PATH was one of them. A watcher on a 1 s interval goes on checking while
# the test looks, so the conditional ones are not counted exactly.
unconditional_then() {
	ctl stats | python3 -c 'import json, sys
rs = [r for r in json.load(sys.stdin)["requests"] if r["path"] == sys.argv[1]]
n = sum(1 for r in rs if not r["if_modified_since"])
print(n, "plain" if rs and not rs[0]["if_modified_since"] else "conditional")' "$1"
}
answered() {
	ctl stats | python3 -c 'import json, sys
print(sum(1 for r in json.load(sys.stdin)["requests"]
          if r["path"] == sys.argv[1] and r["status"] is not None))' "$1"
}
answered_at_least() { [ "$(answered "$1")" -ge "$2" ]; }

try "add zeta A; remove zeta; add zeta B: a silent baseline, no 'zeta changed'"
spawn "$BIN" -f "$J" --no-desktop -v --exec "touch $T/hook-ran" 2>"$LOG"
SV=$SPAWNED
assert "$BIN" -f "$J" add -i 1s zeta "$URL/a"
assert_eventually 10 at_least 'zeta unchanged' 1
assert "$BIN" -f "$J" remove zeta
assert_eventually 5 logged 'zeta row removed'
ctl reset >/dev/null
assert "$BIN" -f "$J" add -i 1s zeta "$URL/b"
assert_eventually 10 at_least 'zeta unchanged' 2
assert_eventually 5 answered_at_least /b 2
assert_eq "$(lines 'zeta changed')" 0 "no change reported"
assert_eq "$(unconditional_then /b)" "1 plain" "the first request to /b is unconditional, every later one conditional"
assert test ! -e "$T/hook-ran"
ok

try "stop the supervisor, change the URL with sed, start: no change, no hook"
stop "$SV"
assert "$BIN" -f "$J" add -i 1s gamma "$URL/a"
spawn "$BIN" -f "$J" --no-desktop -v --exec "touch $T/hook-ran" 2>>"$LOG"
SV=$SPAWNED
assert_eventually 10 at_least 'gamma unchanged' 1
stop "$SV"
ctl reset >/dev/null
sed -i "s|^1s;gamma;$URL/a;|1s;gamma;$URL/c;|" "$J"
assert grep -q "gamma;$URL/c;" "$J"
spawn "$BIN" -f "$J" --no-desktop -v --exec "touch $T/hook-ran" 2>>"$LOG"
SV=$SPAWNED
assert_eventually 10 logged 'gamma the state .* was recorded for another url'
assert_eventually 10 answered_at_least /c 2
assert_eq "$(lines 'gamma changed')" 0 "no change reported"
assert_eq "$(unconditional_then /c)" "1 plain" "the first request to /c is unconditional (a's Last-Modified is not sent)"
assert_grep 'gamma first check: HTTP 200, baseline recorded' "$LOG"
assert test ! -e "$T/hook-ran"
stop "$SV"
ok

try "check NAME without a supervisor adopts the state too"
ctl reset >/dev/null
sed -i "s|^1s;gamma;$URL/c;|1s;gamma;$URL/a;|" "$J"
assert_status 0 "$BIN" -f "$J" check gamma
assert_eq "$(tail -n 1 "$T/.out")" "gamma: baseline recorded" "a new baseline, not a change"
assert_eq "$(requests_with_ims /a)" 0 "c's validators are not sent to a"
ok

done_testing
