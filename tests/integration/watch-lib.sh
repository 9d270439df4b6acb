# shellcheck shell=bash
# watch-lib.sh: sourced after lib.sh by the scripts that run one watcher
# alone (sitewatch watch NAME) per case, each in its own folder $T/DIR.

# job DIR NAME PATH: a fresh jobs file DIR/jobs.csv with one 1 s row.
job() {
	mkdir -p "$T/$1"
	printf 'interval;name;url;last-modified;pid\n1s;%s;%s%s;-;-\n' \
		"$2" "$URL" "$3" > "$T/$1/jobs.csv"
}
# watch DIR NAME: the watcher in the background, log in DIR/log, pid $W.
watch() {
	spawn "$BIN" -f "$T/$1/jobs.csv" -v --no-desktop --timeout 3 watch "$2" 2>>"$T/$1/log"
	W=$SPAWNED
}
# count DIR REGEX: the lines of DIR/log that match.
count() { grep -Ec -- "$2" "$T/$1/log"; }
lines_at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
