# shellcheck shell=bash
# supervisor-lib.sh: sourced by the supervisor-*.t scripts after lib.sh.
# sv_start [PID_FIELD_OF_B]: a page server, a jobs file $J with rows a, b
# and c (b's pid field as given, "-" by default), and a supervisor on it
# (-v, log in $LOG), pid in SV; returns once a and c run.

J=$T/jobs.csv
LOG=$T/log

# pidof_row NAME: the row's pid field.
pidof_row() { awk -F';' -v n="$1" '$2 == n { print $5 }' "$J"; }
# child_of PID PARENT: PID is alive and PARENT's child.
child_of() { _alive "$1" "$2"; }
is_number() { [[ $1 =~ ^[0-9]+$ ]]; }
# running NAME: the row shows a pid whose process is the supervisor's child.
running() { local p; p=$(pidof_row "$1"); is_number "$p" && child_of "$p" "$SV"; }
gone() { ! _alive "$1"; }
# has_watcher NAME: a child of the supervisor is the watcher of row NAME
# (its comm is sw:NAME), whether or not its pid is in the row yet.
has_watcher() {
	local p
	for p in $(pgrep -P "$SV"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "sw:$1" ] && return 0
	done
	return 1
}
field_is() { [ "$(pidof_row "$1")" = "$2" ]; }
# zombies: the supervisor's children that stay zombies for 300 ms.
lasting_zombies() {
	local z p st
	z=$(for p in $(pgrep -P "$SV"); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)
		[ "$st" = Z ] && echo "$p"
	done)
	[ -z "$z" ] && return 0
	sleep 0.3
	for p in $z; do
		[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && echo "$p"
	done
}
no_zombie() { local z; z=$(lasting_zombies); [ -z "$z" ] || { diag "zombies: $z"; return 1; }; }
logged() { grep -Eq -- "$1" "$LOG"; }

sv_start() {
	pageserver_start
	for p in a b c d e f g h; do ctl set "{\"path\": \"/$p\", \"body\": \"$p\"}" >/dev/null; done
	{
		printf '# supervisor test\ninterval;name;url;last-modified;pid\n'
		printf '1h;a;%s/a;-;-\n1h;b;%s/b;-;%s\n1h;c;%s/c;-;\n' "$URL" "$URL" "${1:--}" "$URL"
	} > "$J"
	spawn "$BIN" -f "$J" --no-desktop -v 2>"$LOG"
	SV=$SPAWNED
	wait_until "$(slowed 3)" running a && wait_until "$(slowed 3)" running c
}
