#!/usr/bin/env bash
# issue 22.5: the README is one a newcomer reads (at most 250 lines, the
# two commands first, the build's warning flags named), the rest lives
# where it points (docs/design.md, docs/benchmarks.md, HACKING.md), every
# relative link of these documents leads somewhere, and the Debian
# package carries the README with docs/.
. "$(dirname "$0")/lib.sh"
need python3

readme=$ROOT/README.md

try "README.md is at most 250 lines"
n=$(wc -l <"$readme")
[ "$n" -le 250 ] || _failed "README.md has $n lines"
ok

try "the README's first commands build and run the example, and run the whole suite"
# The first ```sh block of the README, its commands without comments.
first=$(awk '/^```sh$/ { f = 1; next } f && /^```$/ { exit } f' "$readme" |
	sed 's/[[:space:]]*#.*$//')
assert_eq "$first" "scripts/install-deps && make run
make test" "the README's first commands"
# make run runs the supervisor on jobs.csv, made from jobs.csv.example.
assert_grep '^	cp jobs.csv.example \$@$' "$ROOT/Makefile"
assert_grep '^	\./sitewatch -f jobs.csv$' "$ROOT/Makefile"
# .ci/run's last command is the README's test command.
assert_eq "$(grep -v '^[[:space:]]*$' "$ROOT/.ci/run" | tail -n 1)" "make test" \
	".ci/run's last command"
ok

try "the README names the Makefile's warning flags itself"
# A make of its own: not the jobserver or flags of the make running the tests.
flags=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$ROOT" \
	--eval='print-warnings: ; @echo $(WARNINGS)' print-warnings)
[ -n "$flags" ] || _failed "no WARNINGS in the Makefile"
# The README wraps lines: compare its words.
words=$(tr -s ' `\n' '\n\n\n' <"$readme")
for f in $flags; do
	grep -qxF -- "$f" <<<"$words" || _failed "$f is not in README.md"
done
ok

try "the README's benchmark table: N = 1,000, its commands, the machine, a link to the notes"
bench=$(sed -n '/^## Benchmark/,/^## /p' "$readme")
for want in 'N = 1,000' 'memory per idle watcher' 'CPU per check' 'stop latency' \
	'`scripts/bench 1000' '2-core' 'Debian 12' '(docs/benchmarks.md)'; do
	grep -qF -- "$want" <<<"$bench" || _failed "no '$want' under ## Benchmark"
done
ok

try "the README points to both manual pages"
assert_grep 'man sitewatch`' "$readme"
assert_grep 'man 5 sitewatch`' "$readme"
ok

try "what left the README is in docs/ and HACKING.md"
for h in 'How a change is detected' 'Hostile servers' 'How the file is shared safely'; do
	grep -qxF "## $h" "$ROOT/docs/design.md" || _failed "docs/design.md: no ## $h"
done
for h in 'Start-up and stops' 'Soak' 'Against the floor and urlwatch (`scripts/bench --peers`)'; do
	grep -qxF "## $h" "$ROOT/docs/benchmarks.md" || _failed "docs/benchmarks.md: no ## $h"
done
for h in 'Building' 'Tests' 'Fuzzing' 'CI' 'Layout'; do
	grep -qxF "## $h" "$ROOT/HACKING.md" || _failed "HACKING.md: no ## $h"
done
ok

try "every relative link in README.md, HACKING.md and docs/ leads to a file and a heading"
_run python3 - "$ROOT" README.md HACKING.md docs/*.md <<'EOF' || _failed "$(cat "$T/.out")"
import os, re, sys

root = sys.argv[1]

def slug(heading):
    """GitHub's anchor of a Markdown heading."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")

def anchors(path):
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"```.*?```", "", f.read(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", text, re.M)}

bad = []
for name in sys.argv[2:]:
    path = os.path.join(root, name)
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"```.*?```", "", f.read(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
        if not dest.startswith(root + os.sep) or not os.path.exists(dest):
            bad.append("%s: %s: no such file in the repository" % (name, target))
        elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
            bad.append("%s: %s: no such heading" % (name, target))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
ok

try "the Debian package installs the README and docs/"
assert_grep '^README\.md$' "$ROOT/debian/sitewatch.docs"
assert_grep '^docs$' "$ROOT/debian/sitewatch.docs"
ok

done_testing
