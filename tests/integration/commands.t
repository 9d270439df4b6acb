#!/usr/bin/env bash
# The everyday subcommands against real files and a real supervisor:
# status in every state (and --plain, --json, the aligned table), stop and
# start, add and remove with good and bad input, edit driven by scripted
# editors, check with and without a supervisor, check --url, --version and
# the help texts.  Bad input must leave the jobs file byte-identical.
. "$(dirname "$0")/lib.sh"
pageserver_start
LM1='Wed, 21 Oct 2015 07:28:00 GMT'
LM2='Thu, 22 Oct 2015 07:28:00 GMT'
ctl set "{\"path\": \"/w\", \"body\": \"w1\", \"last_modified\": \"$LM1\"}" >/dev/null
for p in f n o e b; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done
# /missing is never set: it answers 404.

J=$T/jobs.csv
LOG=$T/log
SDIR=$T/.jobs.csv.state
{
	printf '# commands test\ninterval;name;url;last-modified;pid\n'
	printf '1h;Wikipedia;%s/w;-;-\n' "$URL"
	printf '1h;Fefe;%s/f;-;-\n' "$URL"
	printf '2s;bad;%s/missing;-;-\n' "$URL"
	printf '1h;off;%s/o;-;stop\n' "$URL"
} > "$J"
unset VISUAL EDITOR
export TMPDIR=$T	# edit's copies land in $T, removed at exit

# ---- helpers ------------------------------------------------------------

# field NAME N: field N of the row called NAME (the test's rows hold no ;).
field() { awk -F';' -v n="$1" -v f="$2" '$2 == n { print $f }' "$J"; }
pidof_row() { field "$1" 5; }
lastmod_of() { field "$1" 4; }
is_number() { [[ $1 =~ ^[0-9]+$ ]]; }
# running NAME: the row's pid field is a live child of the supervisor.
running() { local p; p=$(pidof_row "$1"); is_number "$p" && _alive "$p" "$SV"; }
gone() { ! _alive "$1"; }
field_is() { [ "$(pidof_row "$1")" = "$2" ]; }
no_row() { ! awk -F';' -v n="$1" '$2 == n { f = 1 } END { exit !f }' "$J"; }
# st NAME COL: column COL (1-8) of NAME's line of `status --plain`.
st() { "$BIN" -f "$J" status --plain | awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }'; }
state_is() { [ "$(st "$1" 3)" = "$2" ]; }
# json FILE NAME KEY: the JSON value of KEY in NAME's object (json.dumps).
json() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d["jobs"][[j["name"] for j in d["jobs"]].index(sys.argv[2])][sys.argv[3]]))' "$@"
}
# json_top FILE KEY: a top-level value.
json_top() { python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$@"; }
status_json() { "$BIN" -f "$J" status --json > "$T/status.json"; }
# snap: keep the jobs file's bytes, to prove a command wrote nothing.
snap() { cp "$J" "$T/before"; }
same() { assert cmp "$T/before" "$J"; }
is_json() { python3 -c 'import json, sys; json.load(sys.stdin)' < "$1"; }
HTTPDATE='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
# editor NAME BODY: write an editor script $T/NAME running BODY with the
# file to edit as $1.
editor() { printf '#!/bin/sh\n%s\n' "$2" > "$T/$1"; chmod +x "$T/$1"; }

# ---- the command line -----------------------------------------------------

try "--version prints the name and a version, exit 0"
assert_status 0 "$BIN" --version
assert_grep '^sitewatch [0-9]+\.[0-9]+' "$T/.out"
ok

try "--help lists every subcommand, exit 0"
assert_status 0 "$BIN" --help
for c in status stop start add remove edit check watch; do
	assert_grep "^  $c " "$T/.out"
	assert_grep "^       sitewatch \\[-f FILE\\] $c( |\$)" "$T/.out"
done
ok

try "COMMAND --help prints that command's usage on stdout, exit 0"
for c in status stop start add remove edit check watch; do
	out=$("$BIN" "$c" --help 2>/dev/null)
	rc=$?
	assert_eq "$rc" 0 "$c --help exit status"
	assert_eq "$(head -n1 <<<"$out" | awk '{print $1, $2, $3, $4, $5}')" \
		"usage: sitewatch [-f FILE] $c" "$c --help first line"
done
ok

try "a command with a missing argument: its usage, exit 2"
assert_status 2 "$BIN" -f "$J" stop
assert_grep '^usage: sitewatch \[-f FILE\] stop NAME' "$T/.out"
ok

# ---- no supervisor ------------------------------------------------------

try "status without a supervisor: not running, stopped; --plain has 8 tab-separated columns and no header"
"$BIN" -f "$J" status --plain > "$T/plain" 2>&1
assert_eq "$?" 0 "exit status"
assert_eq "$(cut -f1,3,4 "$T/plain")" "$(printf 'Wikipedia\tnot running\t-\nFefe\tnot running\t-\nbad\tnot running\t-\noff\tstopped\t-')"
assert_eq "$(awk -F'\t' 'NF != 8' "$T/plain")" "" "lines without 8 columns"
assert_eq "$(cut -f2 "$T/plain" | tr '\n' ' ')" "1h 1h 2s 1h " "INTERVAL column"
ok

try "status piped is plain too"
"$BIN" -f "$J" status | cat > "$T/piped"
assert_diff "$T/plain" "$T/piped"
ok

try "status --json without a supervisor: parses, supervisor null, pids null"
assert status_json
assert is_json "$T/status.json"
assert_eq "$(json_top "$T/status.json" supervisor)" null "supervisor"
assert_eq "$(json "$T/status.json" Fefe state)" '"not running"'
assert_eq "$(json "$T/status.json" off state)" '"stopped"'
assert_eq "$(json "$T/status.json" Fefe pid)" null
assert_eq "$(json "$T/status.json" Fefe url)" "\"$URL/f\""
assert_eq "$(json "$T/status.json" bad interval_seconds)" 2
assert_eq "$(json "$T/status.json" Fefe last_result)" null "before any check"
ok

try "check NAME without a supervisor: the first check prints the baseline result and records it (issue 21.4: as the log says it)"
ctl reset >/dev/null
"$BIN" -f "$J" check Wikipedia > "$T/out" 2>"$T/err"
assert_eq "$?" 0 "exit status"
assert_eq "$(cat "$T/out")" "Wikipedia: baseline recorded"
assert_eq "$(requests_to /w)" 1 "requests to /w"
assert_eq "$(lastmod_of Wikipedia)" "$LM1" "the server's Last-Modified recorded in the row"
assert_grep '^last_result=baseline recorded$' "$SDIR/Wikipedia"
assert status_json
assert_eq "$(json "$T/status.json" Wikipedia last_result)" '"baseline recorded"'
assert_grep '"last_check": "[0-9]{4}-' "$T/status.json"
assert_eq "$(st Wikipedia 6)" "baseline recorded" "RESULT column"
ok

try "check NAME without a supervisor: a changed page prints changed and records the new last-modified"
ctl set "{\"path\": \"/w\", \"body\": \"w2\", \"last_modified\": \"$LM2\"}" >/dev/null
out=$("$BIN" -f "$J" check Wikipedia 2>/dev/null)
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Wikipedia: changed (+1 -1) w2"
assert_eq "$(lastmod_of Wikipedia)" "$LM2" "row last-modified"
assert status_json
assert_eq "$(json "$T/status.json" Wikipedia last_result)" '"changed"'
assert_eq "$(json "$T/status.json" Wikipedia last_modified)" "\"$LM2\""
[ "$(json "$T/status.json" Wikipedia last_change)" != null ] || diag "last_change still null"
out=$("$BIN" -f "$J" check Wikipedia 2>/dev/null)
assert_eq "$out" "Wikipedia: unchanged" "checked again"
ok

try "check NAME without a supervisor, no Last-Modified: the time of the change goes into the row"
out=$("$BIN" -f "$J" check Fefe 2>/dev/null)
assert_eq "$out" "Fefe: baseline recorded" "baseline"
assert_eq "$(lastmod_of Fefe)" "-" "no Last-Modified: the row keeps -"
ctl set '{"path": "/f", "body": "f2"}' >/dev/null
out=$("$BIN" -f "$J" check Fefe 2>/dev/null)
assert_eq "$out" "Fefe: changed (+1 -1) f2"
[[ $(lastmod_of Fefe) =~ $HTTPDATE ]] || diag "row last-modified is not an HTTP date: $(lastmod_of Fefe)"
ok

try "check NAME on a 404 page: exit 1, NAME: HTTP 404, the row untouched"
snap
"$BIN" -f "$J" check bad > "$T/out" 2>/dev/null
assert_eq "$?" 1 "exit status"
assert_eq "$(cat "$T/out")" "bad: HTTP 404"
same
ok

try "check an unknown name: exit 2, close matches named, nothing written"
snap
assert_status 2 "$BIN" -f "$J" check fefee
assert_grep 'no job called "fefee".*"Fefe"' "$T/.out"
same
ok

try "check --url URL: status, etag and sha256 lines; nothing recorded"
ctl set '{"path": "/u", "body": "hello url", "etag": "\"u1\""}' >/dev/null
ctl reset >/dev/null
snap
ls -a "$SDIR" > "$T/sdir.before"
"$BIN" -f "$J" check --url "$URL/u" > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep '^status: +200$' "$T/out"
assert_grep '^etag: +"u1"$' "$T/out"
assert_grep "^sha256: +$(printf 'hello url' | sha256sum | cut -d' ' -f1)\$" "$T/out"
assert_grep "^url: +$URL/u\$" "$T/out"
assert_eq "$(requests_to /u)" 1 "requests to /u"
same
ls -a "$SDIR" > "$T/sdir.after"
assert_diff "$T/sdir.before" "$T/sdir.after"
ok

try "check --url with a bad URL: exit 2, no request"
ctl reset >/dev/null
assert_status 2 "$BIN" -f "$J" check --url "ftp://127.0.0.1:$PORT/u"
assert_grep 'only http:// and https://' "$T/.out"
assert_status 2 "$BIN" check --url "not a url"
assert_eq "$(ctl stats | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')" 0 "requests"
ok

try "stop and start without a supervisor: the field says stop, then - again"
snap
out=$("$BIN" -f "$J" stop Fefe 2>&1)
assert_eq "$?" 0 "stop exit status"
assert_eq "$(pidof_row Fefe)" stop
[[ $out == "Fefe: stopped"* ]] || diag "stop said: $out"
out=$("$BIN" -f "$J" start Fefe 2>&1)
assert_eq "$?" 0 "start exit status"
[[ $out == "Fefe: started"* ]] || diag "start said: $out"
same
ok

try "start on a row holding a dead watcher's pid: not reported as running"
K=$T/stale.csv
true & dead=$!
wait "$dead"
printf 'interval;name;url;last-modified;pid\n1h;s;%s/f;-;%s\n' "$URL" "$dead" > "$K"
out=$("$BIN" -f "$K" start s 2>&1)
assert_eq "$?" 0 "exit status"
[[ $out != *"already running"* ]] || diag "pid $dead is dead, but start said: $out"
assert_eq "$("$BIN" -f "$K" status --plain | cut -f3)" "not running"
ok

try "a name holding a tab: refused, or status --plain still has 8 columns"
K=$T/tab.csv
printf 'interval;name;url;last-modified;pid\n' > "$K"
cp "$K" "$T/expected"
if "$BIN" -f "$K" add "$(printf 'ta\tb')" "$URL/f" >/dev/null 2>&1; then
	"$BIN" -f "$K" status --plain > "$T/out"
	assert_eq "$(awk -F'\t' 'NF != 8' "$T/out")" "" "lines without 8 columns"
else
	assert_diff "$T/expected" "$K"
fi
ok

try "add on a file without a supervisor: exactly NAME's row appended, every other byte kept"
K=$T/add.csv
cp "$J" "$K"
"$BIN" -f "$K" add -i 10m new "$URL/n" > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
{ cat "$J"; printf '10m;new;%s/n;-;-\n' "$URL"; } > "$T/expected"
assert_diff "$T/expected" "$K"
"$BIN" -f "$K" add other "$URL/o" >/dev/null 2>&1
assert_eq "$(tail -n1 "$K")" "1h;other;$URL/o;-;-" "default interval 1h"
ok

try "add with another column order and an extra column: values in the right columns"
K=$T/order.csv
printf 'pid;name;extra;url;intervall;last-modified\n-;a;keep;%s/f;5m;-\n' "$URL" > "$K"
cp "$K" "$T/expected"
"$BIN" -f "$K" add -i 2m b "$URL/n" > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
printf -- '-;b;;%s/n;2m;-\n' "$URL" >> "$T/expected"
assert_diff "$T/expected" "$K"
assert_status 0 "$BIN" --check -f "$K"
ok

try "add takes every schedule the file takes, and refuses with the file's own messages"
K=$T/forms.csv
cp "$J" "$K"
assert_status 0 "$BIN" -f "$K" add -i '@daily' form1 "$URL/n"
assert_grep '^form1: added, @daily: ' "$T/.out"
nform=1
for form in '*/5 * * * *' 'at 2030-01-01 09:00' '10m ~30s' '@hourly ~5m'; do
	assert_status 0 "$BIN" -f "$K" add -i "$form" "form$((++nform))" "$URL/n"
done
assert_eq "$(grep -c '^[^#]*;form[0-9];' "$K")" 5 "rows added"
assert_status 0 "$BIN" --check -f "$K"
cp "$K" "$T/before"
assert_status 2 "$BIN" -f "$K" add -i '5 minutes' bad "$URL/n"
assert_grep 'a cron expression has 5 fields, this has 2' "$T/.out"
assert_diff "$T/before" "$K"
assert_status 2 "$BIN" next '5 minutes'
assert_grep 'a cron expression has 5 fields, this has 2' "$T/.out"
ok

# ---- with a supervisor --------------------------------------------------

try "the supervisor runs the rows"
# checks_of NAME: the checks NAME's state file has counted.
checks_of() { sed -n 's/^checks=//p' "$SDIR/$1"; }
fefe_checks=$(checks_of Fefe)
spawn "$BIN" -f "$J" --no-desktop 2>"$LOG"
SV=$SPAWNED
assert_eventually 3 running Wikipedia
assert_eventually 3 running Fefe
assert_eventually 3 running bad
ok

try "status running: the row's pid, in --plain and as a JSON number"
assert_eventually 2 state_is Wikipedia running
p=$(pidof_row Wikipedia)
assert_eq "$(st Wikipedia 4)" "$p" "PID column"
assert status_json
assert is_json "$T/status.json"
assert_eq "$(json_top "$T/status.json" supervisor)" "$SV" "supervisor pid"
assert_eq "$(json "$T/status.json" Wikipedia state)" '"running"'
assert_eq "$(json "$T/status.json" Wikipedia pid)" "$p" "pid, a number"
assert_eq "$(json "$T/status.json" Wikipedia last_modified)" "\"$LM2\""
assert_eq "$(json "$T/status.json" Wikipedia failures)" 0
ok

try "status error: running, but its last check failed (404)"
assert_eventually 3 state_is bad error
p=$(pidof_row bad)
assert_eq "$(st bad 4)" "$p" "PID column"
assert_eq "$(st bad 6)" "HTTP 404" "RESULT column"
assert status_json
assert_eq "$(json "$T/status.json" bad state)" '"error"'
assert_eq "$(json "$T/status.json" bad pid)" "$p" "pid"
assert_eq "$(json "$T/status.json" bad last_result)" '"HTTP 404"'
[ "$(json "$T/status.json" bad failures)" -ge 1 ] || diag "failures: $(json "$T/status.json" bad failures)"
ok

try "status stopped: a row whose pid field says stop"
assert_eq "$(st off 3)" stopped "STATE"
assert_eq "$(st off 4)" - "PID"
assert status_json
assert_eq "$(json "$T/status.json" off state)" '"stopped"'
assert_eq "$(json "$T/status.json" off pid)" null
ok

try "status piped while running: plain, no header, 8 columns"
"$BIN" -f "$J" status | cat > "$T/piped"
assert_eq "$(cut -f1 "$T/piped" | tr '\n' ' ')" "Wikipedia Fefe bad off " "NAME column"
assert_eq "$(awk -F'\t' 'NF != 8' "$T/piped")" "" "lines without 8 columns"
ok

# aligned NAME...: the table script(1) captured has a header, and each
# given row's NAME, INTERVAL, STATE and PID start under their headings.
aligned() {
	python3 - "$T/table" "$@" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().replace("\r", "").splitlines()
head = lines[0]
heads = ["NAME", "INTERVAL", "STATE", "PID", "LAST CHECK", "RESULT", "LAST CHANGE", "NEXT CHECK"]
pos = [head.find(h) for h in heads]
if pos[0] != 0 or sorted(pos) != pos or -1 in pos:
    sys.exit("bad header: %r" % head)
rows = {l.split(" ", 1)[0]: l for l in lines[1:] if l.strip()}
for name in sys.argv[2:]:
    l = rows.get(name)
    if l is None:
        sys.exit("no line for %s" % name)
    for i in range(1, 4):
        if l[pos[i] - 1] != " " or l[pos[i]] == " ":
            sys.exit("%s: column %s not aligned: %r" % (name, heads[i], l))
    print(name, l[pos[2]:pos[3]].strip())
EOF
}
if ! command -v script >/dev/null; then
	try "status on a terminal: an aligned table # SKIP script(1) (util-linux) is not installed"
	ok
else
	try "status on a terminal: an aligned table with a header"
	script -qc "$(printf '%q ' "$BIN" -f "$J" status)" /dev/null > "$T/table" 2>&1
	assert_grep '^NAME +INTERVAL +STATE +PID +LAST CHECK +RESULT +LAST CHANGE +NEXT CHECK' "$T/table"
	assert aligned Wikipedia Fefe bad off
	assert_grep '^off +1h +stopped +- ' "$T/table"
	ok
fi

try "check NAME with a supervisor: its watcher checks and the command prints the result (issue 21.4: a change with +A -R and the first added line)"
# Fefe's watcher checks once at start, within 5 s: wait for it, or it may
# come between the page's change and the check by hand below and take
# the change for itself (issue 21.15).
started_check() { [ "$(checks_of Fefe)" -gt "$fefe_checks" ]; }
assert_eventually 10 started_check
ctl reset >/dev/null
out=$("$BIN" -f "$J" check Fefe 2>"$T/err")
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Fefe: unchanged"
[ "$(requests_to /f)" -ge 1 ] || diag "no request to /f"
# The watcher's own check is now an hour away: the next request is ours.
ctl set '{"path": "/f", "body": "f3"}' >/dev/null
ctl reset >/dev/null
p=$(pidof_row Fefe)
out=$("$BIN" -f "$J" check Fefe 2>"$T/err")
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Fefe: changed (+1 -1) f3"
assert_eq "$(requests_to /f)" 1 "requests to /f"
# The watcher, not the command, saw the change: it logs to the supervisor's log.
assert_eventually 2 grep -q "Fefe changed: $URL/f" "$LOG"
assert_eq "$(grep -c 'changed' "$T/err")" 0 "the command logged no check of its own"
assert_eq "$(pidof_row Fefe)" "$p" "the same watcher runs"
ok

try "check NAME with a supervisor on a 404 page: exit 1, NAME: HTTP 404"
"$BIN" -f "$J" check bad > "$T/out" 2>/dev/null
assert_eq "$?" 1 "exit status"
assert_eq "$(cat "$T/out")" "bad: HTTP 404"
ok

try "stop NAME: the field says stop, the watcher is gone within 1 s, status says stopped"
recorded() { [ "$(lastmod_of Fefe)" != "-" ]; }
wait_until "$(slowed 2)" recorded   # the change above is in the row
p=$(pidof_row Fefe)
out=$("$BIN" -f "$J" stop Fefe 2>&1)
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Fefe: stopped"
assert_eq "$(pidof_row Fefe)" stop
assert_eventually 1 gone "$p"
assert_eventually 1 state_is Fefe stopped
assert_eq "$(st Fefe 4)" - "PID"
ok

try "start NAME: a new watcher runs within 1.5 s"
out=$("$BIN" -f "$J" start Fefe 2>&1)
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Fefe: started"
assert_eventually 1.5 running Fefe
assert_eventually 1 state_is Fefe running
ok

try "start on a running row: its pid left alone, nothing written"
snap
out=$("$BIN" -f "$J" start Fefe 2>&1)
assert_eq "$?" 0 "exit status"
assert_eq "$out" "Fefe: already running (pid $(pidof_row Fefe))"
same
ok

try "stop an unknown name: exit 2, the close match named, nothing written"
snap
assert_status 2 "$BIN" -f "$J" stop wikipdia
assert_grep 'no job called "wikipdia".*"Wikipedia"' "$T/.out"
same
ok

try "stop a known and an unknown name: exit 2, neither stopped"
snap
p=$(pidof_row Fefe)
assert_status 2 "$BIN" -f "$J" stop Fefe nosuchjob
assert_grep 'no job called "nosuchjob"' "$T/.out"
same
sleep 1.2
assert _alive "$p" "$SV"
ok

try "start an unknown name: exit 2, nothing written"
snap
assert_status 2 "$BIN" -f "$J" start offf
assert_grep '"off"' "$T/.out"
same
ok

# restarting NAME: status --plain says "restarting in Ns"; --json says
# restarting too (with or without the "in Ns"), restart_in a number, no pid.
restarting() {
	local s
	s=$(st "$1" 3)
	[[ $s =~ ^restarting\ in\ [0-9]+s$ ]] || return 1
	status_json
	[[ $(json "$T/status.json" "$1" state) =~ ^\"restarting(\ in\ [0-9]+s)?\"$ ]] &&
		[[ $(json "$T/status.json" "$1" restart_in) =~ ^[0-9]+$ ]] &&
		[ "$(json "$T/status.json" "$1" pid)" = null ]
}
try "status restarting: a watcher killed with -9 shows restarting in Ns, then runs again"
new_w() { local q; q=$(pidof_row Wikipedia); is_number "$q" && [ "$q" != "$p" ] && running Wikipedia; }
# Killed twice in a row: the second backoff is 2 s, time enough for two
# status runs even in the sanitizer build.
p=$(pidof_row Wikipedia)
kill -KILL "$p"
assert_eventually 4 new_w
p=$(pidof_row Wikipedia)
kill -KILL "$p"
assert_eventually 2 restarting Wikipedia
assert_eventually 5 new_w
assert_eventually 1 state_is Wikipedia running
ok

try "add NAME URL: exit 0, the row appended, a watcher started within 1.5 s"
snap
"$BIN" -f "$J" add -i 10m new "$URL/n" > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
cp "$J" "$T/after"
assert_eq "$(head -n -1 "$T/after")" "$(cat "$T/before")" "every other line kept"
[[ $(tail -n1 "$T/after") =~ ^10m\;new\;$URL/n\;-\;(-|[0-9]+)$ ]] || diag "last line: $(tail -n1 "$T/after")"
assert_eventually 1.5 running new
assert_eq "$(tail -n1 "$J")" "10m;new;$URL/n;-;$(pidof_row new)"
ok

try "add with a name already used: exit 2, nothing written"
snap
assert_status 2 "$BIN" -f "$J" add -i 5m new "$URL/o"
assert_grep '"new" is already used' "$T/.out"
same
ok

try "add with an ftp:// URL: exit 2, nothing written"
snap
assert_status 2 "$BIN" -f "$J" add ftpjob "ftp://127.0.0.1/x"
assert_grep 'only http:// and https://' "$T/.out"
same
ok

try "add with a bad interval (10x): exit 2, nothing written"
snap
assert_status 2 "$BIN" -f "$J" add -i 10x badint "$URL/n"
assert_grep '10x' "$T/.out"
same
ok

try "remove NAME: the row is gone, its watcher ends, every other byte kept"
p=$(pidof_row new)
"$BIN" -f "$J" remove new > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_eq "$(cat "$T/out")" "new: removed"
assert no_row new
assert_eventually 1.5 gone "$p"
# Reaped by the supervisor (no /proc entry left, not even a zombie's): it
# has seen the exit, and would write about it in the same turn of its
# loop (a sleep here was passed by a loaded machine before the reaping).
reaped() { [ ! -e "/proc/$1" ]; }
assert_eventually 2 reaped "$p"
assert_eq "$(cat "$J")" "$(head -n -1 "$T/after")" "the file as it was before the add"
ok

try "remove an unknown name: exit 2, nothing written"
snap
assert_status 2 "$BIN" -f "$J" remove new
assert_grep 'no job called "new"' "$T/.out"
same
ok

# ---- edit -----------------------------------------------------------------

try "edit: an editor that adds a row: installed, the supervisor starts it"
editor add.sh "sed -i '\$a 1h;viaedit;$URL/e;-;-' \"\$1\""
snap
EDITOR=$T/add.sh "$BIN" -f "$J" edit > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep 'installed' "$T/out"
assert_eq "$(head -n -1 "$J")" "$(cat "$T/before")" "the rest of the file"
assert_eventually 1.5 running viaedit
copies=("$T"/sitewatch-edit.*)
assert_eq "${copies[0]}" "$T/sitewatch-edit.*" "the copy removed"
ok

try "edit: an error, then 'e' and a fix: the fixed version installed"
assert_eventually 1 running viaedit
echo 0 > "$T/count"
editor fix.sh "n=\$((\$(cat '$T/count') + 1)); echo \$n > '$T/count'
if [ \$n = 1 ]; then sed -i '\$a 1h;broken;ftp://127.0.0.1/b;-;-' \"\$1\"
else sed -i 's#ftp://127.0.0.1/b#$URL/b#' \"\$1\"; fi"
snap
printf 'e\n' | EDITOR=$T/fix.sh "$BIN" -f "$J" edit > "$T/out" 2>"$T/err"
assert_eq "$?" 0 "exit status"
assert_eq "$(cat "$T/count")" 2 "editor runs"
assert_grep 'ftp://127.0.0.1/b' "$T/err"
assert_grep 'Edit again' "$T/err"
assert_grep 'installed' "$T/out"
assert_eq "$(head -n -1 "$J")" "$(cat "$T/before")" "the rest of the file"
[[ $(tail -n1 "$J") =~ ^1h\;broken\;$URL/b\;-\;(-|[0-9]+)$ ]] || diag "last line: $(tail -n1 "$J")"
assert_eventually 1.5 running broken
ok

try "edit: an error, then 'a': abandoned, exit non-zero, the file unchanged"
echo 0 > "$T/count"
snap
printf 'a\n' | EDITOR=$T/fix.sh "$BIN" -f "$J" edit > "$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] || diag "exit status 0"
assert_eq "$(cat "$T/count")" 1 "editor runs"
assert_grep 'abandon' "$T/err"
same
ok

try "edit: an error and no answer (end of input): abandoned, the file unchanged"
echo 0 > "$T/count"
snap
EDITOR=$T/fix.sh "$BIN" -f "$J" edit > "$T/out" 2>"$T/err" </dev/null
rc=$?
[ "$rc" -ne 0 ] || diag "exit status 0"
same
ok

try "edit: an editor that changes nothing: no changes, exit 0, same inode and bytes"
snap
ino=$(stat -c %i "$J")
EDITOR=true "$BIN" -f "$J" edit > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_grep 'no changes' "$T/out"
assert_eq "$(stat -c %i "$J")" "$ino" "inode"
same
ok

try "edit: an editor that fails: exit non-zero, the file unchanged"
snap
EDITOR=false "$BIN" -f "$J" edit > "$T/out" 2>&1 && diag "exit status 0"
same
ok

try "edit: VISUAL wins over EDITOR"
editor visual.sh "sed -i 's#^1h;off;#2h;off;#' \"\$1\""
VISUAL=$T/visual.sh EDITOR=false "$BIN" -f "$J" edit > "$T/out" 2>&1
assert_eq "$?" 0 "exit status"
assert_eq "$(field off 1)" 2h "off's interval"
ok

try "edit: a hand edit of the file meanwhile: exit non-zero, it is kept, the person's version kept in a file"
# (What sitewatch writes meanwhile, pid and last-modified, is merged:
# see edit-merge.t.)
editor race.sh "sed -i 's#^2h;off;#3h;off;#' '$J'
sed -i 's#^1h;Wikipedia;#30m;Wikipedia;#' \"\$1\""
EDITOR=$T/race.sh "$BIN" -f "$J" edit > "$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] || diag "exit status 0"
assert_grep 'changed while you were editing' "$T/err"
assert_eq "$(field off 1)" 3h "the concurrent change kept"
assert_eq "$(field Wikipedia 1)" 1h "the person's change not installed"
copy=$(grep -o 'your version is in [^ ]*$' "$T/err" | cut -d' ' -f5)
[ -n "$copy" ] || diag "no file named: $(cat "$T/err")"
assert test -f "$copy"
assert_grep '^30m;Wikipedia;' "$copy"
ok

# ---- after the supervisor ----------------------------------------------

try "status after the supervisor ends: not running, stopped rows still stopped"
kill -TERM "$SV"
wait "$SV"
assert_eq "$?" 0 "supervisor exit status"
stop "$SV"
assert_eq "$(st Wikipedia 3)" "not running"
assert_eq "$(st bad 3)" "not running"
assert_eq "$(st off 3)" stopped
assert_eq "$(st Wikipedia 4)" -
assert status_json
assert_eq "$(json_top "$T/status.json" supervisor)" null "supervisor"
assert_eq "$(json "$T/status.json" viaedit state)" '"not running"'
assert_eq "$(json "$T/status.json" viaedit pid)" null
assert_eq "$(json "$T/status.json" Wikipedia last_result)" '"unchanged"'
ok

done_testing
