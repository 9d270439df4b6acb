#!/usr/bin/env bash
# Issue 21.7: a hangup of the terminal the supervisor runs in (a real
# pseudo-terminal whose master side is closed: the kernel sends SIGHUP)
# ends it as SIGTERM does: watchers stopped, pid fields back to -, exit 0.
# Started with SIGHUP ignored (nohup), it lives on. SIGUSR1 re-reads the
# jobs file now, in both cases.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/supervisor-lib.sh"
need python3
pageserver_start
for p in a b c d; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done

# ptyrun.py [--nohup] CMD...: runs CMD on a new pseudo-terminal that is its
# controlling terminal (pty.fork: a new session), stderr appended to $LOG,
# SIGHUP ignored with --nohup; writes CMD's pid to $T/pty.pid. Once
# $T/hangup exists it closes the master side, as a terminal window that
# is closed (then $T/pty.closed exists), and writes CMD's exit status (or
# minus the signal that ended it) to $T/pty.status when CMD ends.
cat >"$T/ptyrun.py" <<'PY'
import os, pty, select, signal, sys
args = sys.argv[1:]
nohup = args[0] == '--nohup'
if nohup:
    args = args[1:]
t = os.environ['T']
pid, master = pty.fork()
if pid == 0:
    if nohup:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    fd = os.open(os.environ['LOG'], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.dup2(fd, 2)
    os.execv(args[0], args)
with open(t + '/pty.pid.tmp', 'w') as f:
    f.write('%d\n' % pid)
os.rename(t + '/pty.pid.tmp', t + '/pty.pid')
while not os.path.exists(t + '/hangup'):
    if select.select([master], [], [], 0.05)[0]:
        try:
            os.read(master, 4096)
        except OSError:
            break
os.close(master)
open(t + '/pty.closed', 'w').close()
st = os.waitpid(pid, 0)[1]
with open(t + '/pty.status.tmp', 'w') as f:
    f.write('%d\n' % os.waitstatus_to_exitcode(st))
os.rename(t + '/pty.status.tmp', t + '/pty.status')
PY
export T LOG

# on_pty [--nohup] [WRAPPER...]: a fresh jobs file (rows a, b, c; b
# stopped), a fresh log, and a supervisor on a pseudo-terminal (or a
# WRAPPER that runs it, as its child); SV its pid, once a and c run and
# have made their first checks (no rewrite of the file is due).
on_pty() {
	local nohup=
	[ "${1:-}" = --nohup ] && { nohup=--nohup; shift; }
	[ $# -gt 0 ] || set -- "$BIN" -f "$J" --no-desktop -v
	rm -f "$T/pty.pid" "$T/pty.status" "$T/pty.closed" "$T/hangup"
	: >"$LOG"
	printf 'interval;name;url;last-modified;pid\n1h;a;%s/a;-;-\n1h;b;%s/b;-;stop\n1h;c;%s/c;-;-\n' \
		"$URL" "$URL" "$URL" >"$J"
	spawn python3 "$T/ptyrun.py" $nohup "$@"
	assert_eventually 5 test -s "$T/pty.pid"
	SV=$(cat "$T/pty.pid")
	track "$SV"
	if [ "$1" != "$BIN" ]; then
		assert_eventually 5 pgrep -P "$SV"
		SV=$(pgrep -P "$SV" | head -n 1)
		track "$SV"
	fi
	assert_eventually 5 running a
	assert_eventually 5 running c
	assert_eventually 10 logged ' a (first check|unchanged)'
	assert_eventually 10 logged ' c (first check|unchanged)'
}
no_field_set() { [ -z "$(awk -F';' 'NR > 1 && $5 != "-" && $5 != "stop"' "$J")" ]; }
all_gone() { local p; for p in "$@"; do _alive "$p" && return 1; done; return 0; }

# edit_unseen: b's pid field from stop to "-   " (the same size: fields
# are trimmed), through a hard link in another folder (no inotify event
# in the jobs file's folder) and with the mtime put back (the stat poll
# sees nothing): only a re-read of the file finds it.
edit_unseen() {
	mkdir -p "$T/other" && ln -f "$J" "$T/other/link.csv" &&
	python3 - "$T/other/link.csv" <<'PY' && [ "$J" -ef "$T/other/link.csv" ]
import os, sys
p = sys.argv[1]
st = os.stat(p)
with open(p, 'r+b') as f:
    data = f.read()
    new = data.replace(b';-;stop\n', b';-;-   \n', 1)
    assert new != data and len(new) == len(data)
    f.seek(0)
    f.write(new)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}

try "issue 21.7: SIGUSR1 re-reads the jobs file now"
on_pty
assert edit_unseen
kill -USR1 "$SV"
assert_eventually 3 logged 'SIGUSR1: reading'
assert_eventually 3 running b
ok

try "issue 21.7: the terminal hangs up: watchers stopped, pid fields back to -, exit 0"
stop "$SV"
on_pty
watchers="$(pidof_row a) $(pidof_row c)"
touch "$T/hangup"
assert_eventually 10 test -s "$T/pty.status"
assert_eq "$(cat "$T/pty.status" 2>/dev/null)" 0 "the supervisor's exit status"
assert all_gone "$SV" $watchers
assert no_field_set
assert field_is b stop
assert logged 'the terminal hung up\)?: stopping'
ok

try "issue 21.7: started with SIGHUP ignored (nohup), a hangup leaves it running; SIGUSR1 still re-reads"
stop "$SV"
on_pty --nohup
pa=$(pidof_row a)
touch "$T/hangup"
assert_eventually 5 test -e "$T/pty.closed"
# The hangup was sent as the master side closed: the supervisor is still
# there to start a new row and re-read the file.
sed -i "\$a 1h;d;$URL/d;-;-" "$J"
assert_eventually 3 running d
assert child_of "$pa" "$SV"
assert_eventually 10 logged ' d first check'
assert edit_unseen
kill -USR1 "$SV"
assert_eventually 3 logged 'SIGUSR1: reading'
assert_eventually 3 running b
must_fail logged stopping
ok

desc="issue 21.7: script -qfc whose own terminal is closed: script lives on and passes on an end of input; the supervisor stops, fields back to -"
if have script; then
	try "$desc"
	stop "$SV"
	on_pty "$(command -v script)" -qfc "exec $BIN -f $J --no-desktop -v 2>>$LOG" /dev/null
	assert [ "$(cat "/proc/$SV/comm")" = sitewatch ]
	watchers="$(pidof_row a) $(pidof_row c)"
	touch "$T/hangup"
	assert_eventually 10 test -s "$T/pty.status"
	assert all_gone "$SV" $watchers
	assert no_field_set
	assert field_is b stop
	assert logged 'end of input at the terminal: stopping'
	ok
else
	skip "$desc" "no script(1)"
fi

done_testing
