# sitewatch - watch web pages, tell people when one changes.
#
#   make                  build ./sitewatch
#   make run              install what is missing, build, run on jobs.csv
#   make demo             a local page server, a change detected, cleaned up
#   make bench            scripts/bench 100 1000 (make bench-big: 10000)
#   make soak [SOAK_N=50] [SOAK_MINUTES=10]  N watchers for M minutes: RSS, fds
#   make test [TEST_JOBS=2]  install what is missing, build, run every test
#                         (TEST_JOBS test files at a time)
#   make SANITIZE=address,undefined test    the same under the sanitizers
#   make fuzz [FUZZ_SECONDS=60]   run each fuzz harness (tests/fuzz/) that long
#   make fuzz-replay      replay the committed fuzz corpora once (CI does)
#   make fuzz-merge       minimise the committed corpora with what make fuzz found
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make deb              build/deb/sitewatch_VERSION_ARCH.deb (dpkg-buildpackage)
#   make test-deb         make deb, then check its contents, lintian, a run
#   make uninstall, make clean

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
MANDIR    = $(PREFIX)/share/man
LIBEXECDIR = $(PREFIX)/libexec/sitewatch
# The example jobs file, where Debian puts a package's examples too: a
# first run without a jobs file prints this path.
EXAMPLEDIR = $(PREFIX)/share/doc/sitewatch/examples

CC       ?= cc
CFLAGS   ?= -O2 -g
WARNINGS  = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -fno-common
PKGS      = libcurl libnotify glib-2.0 openssl
# The helper's libraries: linked into sitewatch-helper only (Jansson:
# the json filter step).
HELPER_PKGS = libxml-2.0 libpcre2-8 yaml-0.1 jansson

# Each flavour of build has its own object directory, so that switching
# between the plain and the sanitizer build never mixes objects.
# ASan's quarantine is cut to 16 MiB in the tests: 200 writers at once
# with the default 256 MiB each would not fit in memory.
ifdef SANITIZE
BUILD     = build/san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS  = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD     = build/plain
SANFLAGS  =
endif
comma := ,
# How much longer the integration tests wait for what they expect
# (assert_eventually in tests/integration/lib.sh): the sanitizer build's
# processes are several times slower.
ifdef SANITIZE
TEST_SLOW ?= 5
else
TEST_SLOW ?= 2
endif

# libnotify is loaded at run time by the notifier alone (see notify.c):
# its headers are used, its library is not linked.
LINK_PKGS  = libcurl glib-2.0 openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
HELPER_CFLAGS := $(shell pkg-config --cflags $(HELPER_PKGS) 2>/dev/null)
HELPER_LIBS   := $(shell pkg-config --libs $(HELPER_PKGS) 2>/dev/null)
ALL_CFLAGS  = $(WARNINGS) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP \
              -DSITEWATCH_VERSION='"$(VERSION)"' \
              -DSITEWATCH_LIBEXECDIR='"$(LIBEXECDIR)"' \
              -DSITEWATCH_EXAMPLEDIR='"$(EXAMPLEDIR)"' $(PKG_CFLAGS) -Isrc
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
# sitewatch binds every symbol of every library at start (glibc takes the
# executable's BIND_NOW for all of them), before the spawner is forked: a
# watcher then neither looks symbols up at its first calls nor writes the
# libraries' GOT pages.  Measured at 3,000 http watchers: 181 -> 173 KiB
# private per idle watcher, start-up 25-32 -> 20-28 s (docs/benchmarks.md).
BIND_NOW    = -Wl,-z,now
LIBS        = $(PKG_LIBS) -lcsv

# The source is in folders by process (HACKING.md, "Layout"): sitewatch
# is the command line, the supervisor with its spawner, the watchers and
# the notifier (each forked from the one binary); sitewatch-helper the
# short-lived helper; common/ what several of them share.  Includes name
# their folder (#include "common/jobs.h"), from -Isrc.
SRCS     = $(addprefix src/cli/,        main.c commands.c edit.c history.c \
                                        importcmd.c show.c status.c) \
           $(addprefix src/supervisor/, supervisor.c childfsm.c spawn.c) \
           $(addprefix src/watcher/,    watcher.c) \
           $(addprefix src/notifier/,   notify.c desktop.c) \
           $(addprefix src/common/,     check.c compare.c event.c fetch.c \
                                        frame.c httpval.c jobs.c jobsfile.c \
                                        judge.c log.c proctitle.c record.c \
                                        redact.c schedule.c snapshot.c state.c \
                                        svlock.c svstatus.c util.c verdict.c)
OBJS     = $(SRCS:src/%.c=$(BUILD)/%.o)
LIBOBJS  = $(filter-out $(BUILD)/cli/main.o,$(OBJS))

# sitewatch-helper: the short-lived process with the heavy libraries
# (see helper.c).  Its own modules are compiled with their headers' flags.
HELPER_SRCS = $(addprefix src/helper/, helper.c import.c css.c filter.c html.c \
                                       strbuf.c textdiff.c)
HELPER_OBJS = $(HELPER_SRCS:src/%.c=$(BUILD)/%.o) \
              $(addprefix $(BUILD)/common/, util.o log.o verdict.o frame.o)

UNIT     = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/t-*.c))
# Unit tests of the helper's modules link the helper's libraries.
HELPER_UNIT = $(BUILD)/tests/t-import \
  $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/t-helper-*.c))
TOOLS    = $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(wildcard tests/tools/*.c))
# The integration tests, the longest first (so that two at a time end
# together rather than one running alone at the end).
ITESTS_FIRST = tests/integration/schedule.t tests/integration/watcher.t
ITESTS   = $(ITESTS_FIRST) \
           $(filter-out $(ITESTS_FIRST),$(sort $(wildcard tests/integration/*.t)))
# make test runs TEST_JOBS test files at a time (prove -j).  Each test has
# its own temporary folder, page server port, session bus and display,
# and looks only at its own processes, so two run side by side; those
# listed in TEST_ALONE run after the others, one at a time, with nothing
# beside them: the benchmark's smoke run (it times the machine) and
# status-scale.t (it measures CPU).
TEST_JOBS ?= 2
TEST_ALONE = tests/integration/bench.t tests/integration/status-scale.t

.PHONY: all deps-check run demo bench bench-big soak test check-build install uninstall clean deb test-deb FORCE \
        fuzz fuzz-replay

all: sitewatch sitewatch-helper

# ./sitewatch and ./sitewatch-helper are copies of the current flavour's
# binaries.
sitewatch: $(BUILD)/sitewatch FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

sitewatch-helper: $(BUILD)/sitewatch-helper FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/sitewatch: $(OBJS) | deps-check
	$(CC) $(ALL_LDFLAGS) $(BIND_NOW) -o $@ $(OBJS) $(LIBS)

$(BUILD)/sitewatch-helper: $(HELPER_OBJS) | deps-check
	$(CC) $(ALL_LDFLAGS) -o $@ $(HELPER_OBJS) $(HELPER_LIBS)

$(HELPER_SRCS:src/%.c=$(BUILD)/%.o): $(BUILD)/%.o: src/%.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HELPER_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIBOBJS) $(ALL_LDFLAGS) $(LIBS)

$(HELPER_UNIT): $(BUILD)/tests/%: tests/unit/%.c $(filter-out $(BUILD)/helper/helper.o,$(HELPER_OBJS))
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HELPER_CFLAGS) -Itests/unit -o $@ $< \
	  $(filter-out $(BUILD)/helper/helper.o,$(HELPER_OBJS)) $(ALL_LDFLAGS) $(HELPER_LIBS)

# The test tools (a fake notification server among them) use GIO's D-Bus.
$(BUILD)/tests/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBOBJS) $(ALL_LDFLAGS) $(LIBS) \
	  $(shell pkg-config --libs gio-2.0 2>/dev/null)

# Says exactly what to do when a library is missing, instead of a wall of
# compiler errors.
deps-check:
	@pkg-config --exists $(PKGS) $(HELPER_PKGS) && test -f /usr/include/csv.h || { \
	  echo "sitewatch: missing build dependencies (libcurl, OpenSSL, libnotify, libcsv, libxml2, PCRE2, libyaml, Jansson)."; \
	  echo "           run: scripts/install-deps"; exit 1; }

jobs.csv:
	cp jobs.csv.example $@

run:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all jobs.csv
	./sitewatch -f jobs.csv

# The benchmark (docs/benchmarks.md): N = 100 and 1,000; bench-big: N = 10,000.
bench: all
	scripts/bench 100 1000

bench-big: all
	scripts/bench 10000

# N watchers against the local page server for M minutes, their RSS and
# open descriptors over time (scripts/soak; not in make test or CI).
SOAK_N ?= 50
SOAK_MINUTES ?= 10
soak: all
	scripts/soak -n $(SOAK_N) -m $(SOAK_MINUTES)

demo:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

test:
	@scripts/install-deps
	@$(MAKE) --no-print-directory check-build
	@SITEWATCH_TESTBIN=$(CURDIR)/$(BUILD)/tests \
	  TEST_SLOW=$(TEST_SLOW) \
	  ASAN_OPTIONS=$${ASAN_OPTIONS:-quarantine_size_mb=16} \
	  prove -j$(TEST_JOBS) --exec '' -f \
	    $(addprefix --rules=par=,$(filter-out $(TEST_ALONE),$(UNIT) $(ITESTS))) \
	    $(UNIT) $(ITESTS)

check-build: all $(UNIT) $(TOOLS)

# Fuzz harnesses: clang's libFuzzer with ASan and UBSan.  Every
# tests/fuzz/fuzz-NAME.c is one (it defines LLVMFuzzerTestOneInput), built
# as build/fuzz/fuzz-NAME, with its committed corpus in
# tests/fuzz/corpus/NAME/ and, optionally, a dictionary tests/fuzz/NAME.dict.
# A harness links the sitewatch library objects (every module of SRCS but
# main.c, compiled by clang with the sanitizers) and $(LIBS).  A harness of
# a module of sitewatch-helper (filter chain, CSS -> XPath, HTML -> text)
# is listed in FUZZ_HELPER instead: it links FUZZ_HELPER_SRCS, the helper's
# modules it needs, and $(HELPER_LIBS).  A new harness needs only its file
# and its corpus folder (and, for a helper module, its name in FUZZ_HELPER).
#   make fuzz [FUZZ_SECONDS=60]  each harness that long, from its corpus;
#                                new inputs go to build/fuzz/corpus/NAME,
#                                crashes to build/fuzz/crash-NAME-*
#   make fuzz-merge [FUZZ_NAMES="jobs ..."]  add to the committed corpora
#                                what make fuzz found that reaches new
#                                code (-merge=1; default: every harness)
#   make fuzz-replay             every committed input once (seconds; CI)
FUZZ_CC      = clang
FUZZ_SECONDS ?= 60
FUZZ_TIME    ?= $(FUZZ_SECONDS)
FUZZ_BUILD   = build/fuzz
FUZZ_FLAGS   = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
FUZZ_CFLAGS  = $(WARNINGS) $(FUZZ_FLAGS) -DSITEWATCH_VERSION='"$(VERSION)"' \
               -DSITEWATCH_LIBEXECDIR='"$(LIBEXECDIR)"' $(PKG_CFLAGS) -Isrc
FUZZ_LIBOBJS = $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(filter-out src/cli/main.c,$(SRCS)))
FUZZ_HELPER  = css filter-chain html-text
FUZZ_HELPER_SRCS = $(addprefix src/helper/, css.c filter.c html.c strbuf.c) \
                   $(addprefix src/common/, util.c log.c)
FUZZERS      = $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz-*.c))

.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay

fuzz-build: $(FUZZERS)

$(FUZZ_BUILD)/obj/%.o: src/%.c | deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_LIBOBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBOBJS) $(LIBS)

$(FUZZ_HELPER:%=$(FUZZ_BUILD)/fuzz-%): $(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_HELPER_SRCS) | deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARNINGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $(HELPER_CFLAGS) -Isrc -o $@ $< \
	  $(FUZZ_HELPER_SRCS) $(HELPER_LIBS)

fuzz: fuzz-build
	@set -e; for f in $(FUZZERS); do \
	  n=$${f##*/fuzz-}; seeds=tests/fuzz/corpus/$$n; \
	  test -d $$seeds || { echo "fuzz-$$n: no $$seeds/"; exit 1; }; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$n; \
	  dict=; test ! -f tests/fuzz/$$n.dict || dict=-dict=tests/fuzz/$$n.dict; \
	  echo "fuzz-$$n: $(FUZZ_TIME) s from $$seeds"; \
	  $$f $$dict -max_total_time=$(FUZZ_TIME) -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crash-$$n- \
	    $(FUZZ_BUILD)/corpus/$$n $$seeds; \
	done

# The committed inputs all stay (named regression inputs among them); an
# input of build/fuzz/corpus/NAME is added when it reaches an edge they do
# not (-use_counters=0: hit counts do not count, so the corpora stay small).
FUZZ_NAMES ?= $(FUZZERS:$(FUZZ_BUILD)/fuzz-%=%)
fuzz-merge: fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
	  seeds=tests/fuzz/corpus/$$n; mkdir -p $$seeds $(FUZZ_BUILD)/corpus/$$n; \
	  $(FUZZ_BUILD)/fuzz-$$n -merge=1 -use_counters=0 -max_len=65536 \
	    $$seeds $(FUZZ_BUILD)/corpus/$$n > $(FUZZ_BUILD)/merge-$$n.log 2>&1 || \
	    { cat $(FUZZ_BUILD)/merge-$$n.log; exit 1; }; \
	  echo "fuzz-$$n: $$(ls $$seeds | wc -l) inputs in $$seeds"; \
	done

fuzz-replay: fuzz-build
	@set -e; for f in $(FUZZERS); do \
	  n=$${f##*/fuzz-}; seeds=tests/fuzz/corpus/$$n; \
	  test -n "$$(ls $$seeds 2>/dev/null)" || \
	    { echo "fuzz-$$n: no inputs in $$seeds/"; exit 1; }; \
	  $$f $$seeds/* > $(FUZZ_BUILD)/replay-$$n.log 2>&1 || \
	    { cat $(FUZZ_BUILD)/replay-$$n.log; echo "fuzz-$$n: FAILED"; exit 1; }; \
	  echo "fuzz-$$n: $$(ls $$seeds | wc -l) inputs replayed, no crash"; \
	done

COMPDIR  = $(PREFIX)/share/bash-completion/completions
UNITDIR  = $(PREFIX)/lib/systemd/user

install: $(BUILD)/sitewatch $(BUILD)/sitewatch-helper
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(COMPDIR) $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(EXAMPLEDIR)
	install -m 755 $(BUILD)/sitewatch $(DESTDIR)$(BINDIR)/sitewatch
	install -m 755 $(BUILD)/sitewatch-helper $(DESTDIR)$(LIBEXECDIR)/sitewatch-helper
	install -m 644 man/sitewatch.1 $(DESTDIR)$(MANDIR)/man1/sitewatch.1
	install -m 644 man/sitewatch.5 $(DESTDIR)$(MANDIR)/man5/sitewatch.5
	install -m 644 scripts/sitewatch.bash-completion \
	  $(DESTDIR)$(COMPDIR)/sitewatch
	install -m 644 jobs.csv.example $(DESTDIR)$(EXAMPLEDIR)/jobs.csv.example
	sed 's|@BINDIR@|$(BINDIR)|g' scripts/sitewatch.service \
	  > $(DESTDIR)$(UNITDIR)/sitewatch.service
	chmod 644 $(DESTDIR)$(UNITDIR)/sitewatch.service

# The Debian package, built by dpkg-buildpackage from debian/ in a copy
# of the tree under build/deb, so that neither its products (it writes
# to ..) nor debhelper's files land in the source tree.
DEBDIR = build/deb

deb:
	@scripts/install-deps --deb
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	  [ "$$v" = "$(VERSION)" ] || { echo "make deb: debian/changelog says" \
	  "$$v, the Makefile $(VERSION): add a changelog entry (dch -v $(VERSION))"; exit 1; }
	rm -rf $(DEBDIR) && mkdir -p $(DEBDIR)/src/sitewatch-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z -co --exclude-standard; else \
	  find . -path ./build -prune -o -path ./.git -prune -o -type f -print0; fi | \
	  tar -c --null -T - -f - | tar -x -C $(DEBDIR)/src/sitewatch-$(VERSION)
	cd $(DEBDIR)/src/sitewatch-$(VERSION) && dpkg-buildpackage -us -uc -b
	mv $(DEBDIR)/src/*.deb $(DEBDIR)/src/*.changes $(DEBDIR)/src/*.buildinfo $(DEBDIR)/
	rm -rf $(DEBDIR)/src
	@ls $(DEBDIR)/*.deb

test-deb: deb
	scripts/test-deb $(DEBDIR)/sitewatch_$(VERSION)_*.deb

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sitewatch \
	  $(DESTDIR)$(LIBEXECDIR)/sitewatch-helper \
	  $(DESTDIR)$(MANDIR)/man1/sitewatch.1 \
	  $(DESTDIR)$(MANDIR)/man5/sitewatch.5 \
	  $(DESTDIR)$(COMPDIR)/sitewatch \
	  $(DESTDIR)$(EXAMPLEDIR)/jobs.csv.example \
	  $(DESTDIR)$(UNITDIR)/sitewatch.service

clean:
	rm -rf build sitewatch sitewatch-helper

-include $(OBJS:.o=.d) $(HELPER_SRCS:src/%.c=$(BUILD)/%.d) $(wildcard $(FUZZ_BUILD)/obj/*/*.d)
