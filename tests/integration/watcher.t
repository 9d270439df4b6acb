#!/usr/bin/env bash
# One watcher (`sitewatch watch NAME`) against a real HTTP server on
# 127.0.0.1: change detection by Last-Modified, ETag and body hash, the
# errors that must never count as a change, and the signals and edits a
# watcher obeys.
. "$(dirname "$0")/lib.sh"
pageserver_start

# job DIR NAME PATH [INTERVAL]: a fresh jobs file DIR/jobs.csv with one row.
job() {
	mkdir -p "$T/$1"
	printf '# test\ninterval;name;url;last-modified;pid\n%s;%s;%s%s;-;-\n' \
		"${4:-1s}" "$2" "$URL" "$3" > "$T/$1/jobs.csv"
}

# watch DIR NAME [OPTIONS...]: runs the watcher in the background; its log
# is DIR/log and its pid $W.
watch() {
	local d=$1 n=$2
	shift 2
	spawn "$BIN" -f "$T/$d/jobs.csv" -v --no-desktop --timeout 3 "$@" watch "$n" 2>>"$T/$d/log"
	W=$SPAWNED
}

# count DIR ERE: how many log lines match.
count() { grep -Ec -- "$2" "$T/$1/log"; }
# lines_at_least DIR ERE N
lines_at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# field DIR: the row's last-modified field.
lastmod() { awk -F';' 'NR>2 {print $4}' "$T/$1/jobs.csv"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# requests PATH: requests the server answered for PATH.
answered() { ctl stats | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["path"]==sys.argv[1] and r["status"] is not None))' "$1"; }
answered_at_least() { [ "$(answered "$1")" -ge "$2" ]; }

LM1='Wed, 21 Oct 2015 07:28:00 GMT'
LM2='Thu, 22 Oct 2015 07:28:00 GMT'

try "Last-Modified: the first check records it silently, then 304s, then a change is recorded once"
ctl set "{\"path\": \"/lm\", \"body\": \"one\", \"last_modified\": \"$LM1\"}" >/dev/null
job lm site /lm
watch lm site --exec "touch $T/lm/hook-ran"
assert_eventually 5 lines_at_least lm 'unchanged \(HTTP 304' 2
assert_eq "$(lastmod lm)" "$LM1" "the baseline's Last-Modified is in the row"
assert_eq "$(count lm 'changed:')" 0 "no change reported for the first check"
ino=$(stat -c %i "$T/lm/jobs.csv")
assert_eventually 5 lines_at_least lm 'unchanged \(HTTP 304' 3
assert_eq "$(stat -c %i "$T/lm/jobs.csv")" "$ino" "no rewrite without a change"
assert_grep "\"if_modified_since\": \"$LM1\", \"accept_encoding\": \"[^\"]*\", \"status\": 304" <(ctl stats)
assert test ! -e "$T/lm/hook-ran"
ctl set "{\"path\": \"/lm\", \"body\": \"two\", \"last_modified\": \"$LM2\"}" >/dev/null
assert_eventually 5 lines_at_least lm 'changed:' 1
assert_eventually 3 test -e "$T/lm/hook-ran"
assert_eventually 3 lines_at_least lm 'unchanged \(HTTP 304' 5
assert_eq "$(lastmod lm)" "$LM2" "the new Last-Modified is in the row"
assert_eq "$(count lm 'changed:')" 1 "one change, one log line"
ok

try "ETag only: If-None-Match is sent, a new ETag with a new body is a change"
ctl set '{"path": "/etag", "body": "one", "etag": "\"e1\""}' >/dev/null
job etag site /etag
watch etag site
assert_eventually 5 lines_at_least etag 'unchanged \(HTTP 304' 2
assert_grep '"path": "/etag".*"if_none_match": "\\"e1\\"".*"status": 304' <(ctl stats)
ctl set '{"path": "/etag", "body": "two", "etag": "\"e2\""}' >/dev/null
assert_eventually 5 lines_at_least etag 'changed:' 1
# The row is written after the change is logged: wait for it (issue
# 21.15: read at once, it was still "-" in a full run).
lastmod_is_date() { lastmod etag | grep -Eq '^[A-Z][a-z][a-z], [0-9]{2} [A-Z][a-z][a-z] [0-9]{4} [0-9:]{8} GMT$'; }
assert_eventually 3 lastmod_is_date || diag "last-modified: $(lastmod etag)"
ok

try "no validators: the body hash decides"
ctl set '{"path": "/plain", "body": "one"}' >/dev/null
job plain site /plain
watch plain site
assert_eventually 5 lines_at_least plain 'unchanged \(HTTP 200' 2
assert_eq "$(lastmod plain)" "-" "nothing to record without a change"
ctl set '{"path": "/plain", "body": "two"}' >/dev/null
assert_eventually 5 lines_at_least plain 'changed:' 1
assert_eventually 5 lines_at_least plain 'unchanged \(HTTP 200' 4
assert_eq "$(count plain 'changed:')" 1 "the same new body is not a second change"
ok

# body_fd: the watcher's descriptor of its body file ("" when none).
body_fd() {
	local f
	for f in /proc/"$W"/fd/*; do
		case "$(readlink "$f" 2>/dev/null)" in
		/memfd:sitewatch-body*) echo "${f##*/}" ;;
		esac
	done
}
body_empty() { [ "$(stat -L -c %s "/proc/$W/fd/$(body_fd)" 2>/dev/null)" = 0 ]; }

try "a watcher keeps one body file from check to check, emptied after each"
fd=$(body_fd)
assert test -n "$fd"
assert_eventually 3 body_empty
n=$(count plain 'unchanged \(HTTP 200')
assert_eventually 5 lines_at_least plain 'unchanged \(HTTP 200' $((n + 2))
assert_eq "$(body_fd)" "$fd" "the same one file, not one per check"
assert_eventually 3 body_empty
ok

try "a new ETag on every request for the same body is not a change"
ctl set '{"path": "/flappy", "body": "same", "etag": "\"f\"", "etag_every_request": true}' >/dev/null
job flappy site /flappy
watch flappy site
assert_eventually 8 lines_at_least flappy 'unchanged \(HTTP 200' 4
assert_eq "$(count flappy 'changed:')" 0 "no change reported"
ok

try "a gzip-encoded body is decoded: same page unchanged, new page changed"
ctl set '{"path": "/gz", "body": "zipped page one", "gzip": true}' >/dev/null
job gz site /gz
watch gz site
assert_eventually 5 lines_at_least gz 'unchanged \(HTTP 200' 2
assert_grep '"path": "/gz".*"accept_encoding": "[^"]*gzip' <(ctl stats)
ctl set '{"path": "/gz", "body": "zipped page two", "gzip": true}' >/dev/null
assert_eventually 5 lines_at_least gz 'changed:' 1
ok

# error_case NAME PAGE-JSON ERE [OPTIONS]: a page with a baseline turns
# into an error: one log line, no change, state untouched; then the same
# good page again is not a change, and a new page is.
error_case() {
	local d=$1 page=$2 ere=$3
	shift 3
	ctl set "{\"path\": \"/$d\", \"body\": \"good\", \"etag\": \"\\\"g1\\\"\"}" >/dev/null
	job "$d" site "/$d"
	watch "$d" site "$@"
	assert_eventually 5 lines_at_least "$d" 'unchanged \(HTTP 304' 1 || return
	cp "$T/$d/jobs.csv" "$T/$d/before"
	ctl set "$page" >/dev/null
	assert_eventually 12 lines_at_least "$d" "error: $ere" 1 || return
	# Let it fail once more: still one line. A failed check is proved by
	# its -v line, not hoped for in a sleep (issue 21.15).
	assert_eventually 12 lines_at_least "$d" 'error again \(2 checks in a row\)' 1 || return
	assert_eq "$(count "$d" 'error:')" 1 "the same error is logged once"
	assert_eq "$(count "$d" 'changed:')" 0 "an error is not a change"
	assert_diff "$T/$d/before" "$T/$d/jobs.csv"
	ctl set "{\"path\": \"/$d\", \"body\": \"good\", \"etag\": \"\\\"g1\\\"\"}" >/dev/null
	assert_eventually 8 lines_at_least "$d" 'recovered after' 1 || return
	assert_eventually 5 lines_at_least "$d" 'unchanged \(HTTP 304' 2
	assert_eq "$(count "$d" 'changed:')" 0 "compared with the state from before the error"
	stop "$W"
}

try "HTTP 404 is an error, never a change"
error_case e404 '{"path": "/e404", "status": 404, "body": "nope"}' 'HTTP 404' && ok || fail

try "HTTP 500 is an error, never a change"
error_case e500 '{"path": "/e500", "status": 500, "body": "oops"}' 'HTTP 500' && ok || fail

try "a server that never answers is a timeout"
error_case hang '{"path": "/hang", "hang": true}' 'timeout: ' && ok || fail

try "a chunked body over the cap is refused while reading"
error_case big '{"path": "/big", "chunked_infinite": true}' 'body larger than 100000 bytes' --max-body 100000 && ok || fail

try "a redirect to file:// is refused"
error_case redir '{"path": "/redir", "redirect": "file:///etc/passwd"}' '.*([Pp]rotocol|file)' && ok || fail

try "a redirect loop is refused"
error_case loop '{"path": "/loop", "redirect": "/loop"}' '.*[Rr]edirect' && ok || fail

try "connection refused is an error, logged once"
port=$(free_port)
job refused site /x
sed -i "s|$URL|http://127.0.0.1:$port|" "$T/refused/jobs.csv"
watch refused site
assert_eventually 5 lines_at_least refused 'error: .*' 1
assert_eventually 5 lines_at_least refused 'error again \(3 checks in a row\)' 1
assert_eq "$(count refused 'error:')" 1 "logged once"
assert_eq "$(lastmod refused)" "-" "nothing recorded"
ok

try "stop in the pid field: the watcher exits within a second and leaves stop"
ctl set '{"path": "/stop", "body": "x"}' >/dev/null
job stop site /stop 1h
watch stop site
assert_eventually 5 lines_at_least stop 'first check' 1
assert_grep ";$W\$" "$T/stop/jobs.csv"
sed -i "s/;$W\$/;stop/" "$T/stop/jobs.csv"
assert_eventually 1 gone "$W"
assert_grep ';stop$' "$T/stop/jobs.csv"
ok

try "stop during a slow request: the watcher exits within a second"
ctl set '{"path": "/slow", "body": "x", "slow": 30}' >/dev/null
job slow site /slow
watch slow site --timeout 60
slow_started() { [ "$(ctl stats | grep -c '"path": "/slow"')" -ge 1 ]; }
assert_eventually 5 slow_started
sleep 0.3
sed -i "s/;$W\$/;stop/" "$T/slow/jobs.csv"
assert_eventually 1 gone "$W"
ok

try "SIGUSR1 checks now"
ctl set '{"path": "/usr1", "body": "x"}' >/dev/null
job usr1 site /usr1 1h
watch usr1 site
assert_eventually 5 answered_at_least /usr1 1
kill -USR1 "$W"
assert_eventually 1 answered_at_least /usr1 2
ok

try "SIGTERM ends the watcher at once and frees its row"
kill -TERM "$W"
assert_eventually 1 gone "$W"
assert_grep ';-$' "$T/usr1/jobs.csv"
ok

try "a changed url is used from the next check, with a silent new baseline"
ctl set '{"path": "/u1", "body": "first"}' >/dev/null
ctl set '{"path": "/u2", "body": "second"}' >/dev/null
job url site /u1
watch url site
assert_eventually 5 answered_at_least /u1 2
sed -i "s|/u1;|/u2;|" "$T/url/jobs.csv"
assert_eventually 3 answered_at_least /u2 1
assert_eventually 3 lines_at_least url 'url changed' 1
# Two checks of the new url logged after it (its baseline and one more).
n=$(count url 'unchanged|first check|no snapshot')
assert_eventually 5 lines_at_least url 'unchanged|first check|no snapshot' $((n + 2))
assert_eq "$(count url 'changed:')" 0 "a new url is a new baseline, not a change"
ok

try "a removed row ends the watcher"
sed -i '/;site;/d' "$T/url/jobs.csv"
assert_eventually 2 gone "$W"
assert_grep 'row removed' "$T/url/log"
ok

try "watch with an unknown name exits 2 and says so"
assert_status 2 "$BIN" -f "$T/url/jobs.csv" watch nosuch
assert_grep 'no usable row called "nosuch"' "$T/.out"
ok

done_testing
