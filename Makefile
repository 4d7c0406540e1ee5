# mailprov - GNU make (on AIX: gmake from the AIX Toolbox).
#
#   make                 build lib/libmailprov.a, daemon/mailprov, daemon/mailprovd
#   make demo            install missing dependencies, build, run the demo
#   make check           build, run every test (tests/README); installs
#                        nothing: make deps does that
#   make deps            install missing build and test dependencies
#   make install         DESTDIR=... PREFIX=... (binaries in $(PREFIX)/sbin,
#                        scripts in $(PREFIX)/share/mailprov); the list
#                        is conf/pkg/manifest
#   make rpm             the RPM and source RPM (rpmbuild), in pkgout/
#   make bff-template    the installp staging root and mkinstallp template
#   make check SANITIZE=1   the same tests under ASan and UBSan
#   make lint            cppcheck and clang-tidy (make check runs it too)
#   make check LONG=1    with the valgrind soak at 1,000 daemon reconciles
#                        (tests/valgrind_test.sh; 50 by default)
#   make CC=clang        any C99 compiler
#   make bench           timing and memory figures for README

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc/mailprov
DATADIR		?= $(PREFIX)/share/mailprov
STATEDIR	?= /var/mailprov
PKG_CONFIG	?= pkg-config

CFLAGS		?= -O2 -g
WARN		= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wcast-qual \
		  -Wwrite-strings -Wundef
YAML_CFLAGS	= $(shell $(PKG_CONFIG) --cflags yaml-0.1)
YAML_LIBS	= $(shell $(PKG_CONFIG) --libs yaml-0.1)
CMOCKA_CFLAGS	= $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS	= $(shell $(PKG_CONFIG) --libs cmocka)
ifeq ($(SANITIZE),1)
SANFLAGS	= -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=all
endif
# Platform files, chosen here and nowhere else (no #ifdef in the logic):
# the SRC backend used when none is named (AIX's commands on AIX only),
# how the incoming directory is watched, and the SRC subsystem side.
OS		:= $(shell uname -s)
SRC_DEFAULT	= $(if $(filter AIX,$(OS)),exec,mock)
ifeq ($(OS),Linux)
PLATFORM_SRCS	= lib/watch_inotify.c lib/closefrom_linux.c lib/compat/srcapi.c
PLATFORM_CFLAGS	= -Ilib/compat
else ifeq ($(OS),AIX)
PLATFORM_SRCS	= lib/watch_ahafs.c lib/closefrom_aix.c lib/srcsub_aixcheck.c
SRC_LIBS	= -lsrc
else
PLATFORM_SRCS	= lib/watch_poll.c lib/closefrom_generic.c lib/compat/srcapi.c
PLATFORM_CFLAGS	= -Ilib/compat
endif
# libcrypto is opened with dlopen() only while hashing (lib/digest.c).
CRYPTO_LIBS	= $(if $(filter Linux,$(OS)),-ldl,)
# lib/tlsfile.c (X509 and PEM checks of the STARTTLS files) is linked
# with libcrypto instead: its headers and pkg-config file come from
# libssl-dev on Debian and openssl-devel in the AIX Toolbox (tests/deps.sh).
# mailprov, mailprovd and every test that reaches the plan link it
# (README, Figures: the idle daemon's resident size with it).
TLS_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
TLS_LIBS	= $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || \
		    echo -lcrypto)
ALL_CFLAGS	= -std=c99 -D_XOPEN_SOURCE=700 $(WARN) -Ilib \
		  -DMAILPROV_SRC_DEFAULT=\"$(SRC_DEFAULT)\" $(PLATFORM_CFLAGS) \
		  -DMAILPROV_FETCH_HELPER=\"$(SBINDIR)/mailprov-fetch\" \
		  $(YAML_CFLAGS) $(TLS_CFLAGS) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS	= $(SANFLAGS) $(LDFLAGS)

# The library, by layer (a file may use those above it, never below):
#   base      util msg diag fileio proc names cliopt
#   input     yamltree schema desired desired_rules dconf
#   editors   lines diff cf listfile aliases accessfile rctcpip
#   adapters  src src_mock src_exec srcsub sendmail smcheck smcaps fetch
#             digest tlsfile
#   run       service plan candidate apply runopts status incoming
#   daemon    fstamp mpd (and the platform's watch_*)
LIB_SRCS	= lib/util.c lib/msg.c lib/diag.c lib/fileio.c lib/proc.c \
		  lib/closefrom_loop.c lib/names.c lib/cliopt.c \
		  lib/yamltree.c lib/schema.c lib/desired.c lib/desired_rules.c \
		  lib/dconf.c \
		  lib/lines.c lib/diff.c lib/cf.c lib/listfile.c lib/aliases.c \
		  lib/accessfile.c \
		  lib/rctcpip.c \
		  lib/src.c lib/src_mock.c lib/src_exec.c lib/srcsub.c \
		  lib/sendmail.c lib/smcheck.c lib/smcaps.c lib/fetch.c \
		  lib/digest.c lib/tlsfile.c \
		  lib/service.c lib/program.c lib/plantls.c lib/plan.c \
		  lib/yamlout.c lib/import.c \
		  lib/candidate.c lib/history.c lib/apply.c \
		  lib/runopts.c lib/status.c lib/incoming.c lib/restore.c \
		  lib/fstamp.c lib/mpd.c $(PLATFORM_SRCS)
LIB_OBJS	= $(LIB_SRCS:.c=.o)
LIB		= lib/libmailprov.a
BINS		= daemon/mailprov daemon/mailprovd daemon/mailprov-fetch
CURL_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libcurl)
CURL_LIBS	= $(shell $(PKG_CONFIG) --libs libcurl)
# The cmocka programs: every tests/*_test.c (see tests/README).  The
# other C files in tests/ (faultinj.c, greeter.c, srcmstr.c) are tools.
TESTS		= $(patsubst %.c,%,$(wildcard tests/*_test.c))
MAN5		= conf/mailprov.yaml.5
MAN8		= daemon/mailprov.8 daemon/mailprovd.8

.PHONY: all demo check check-run bench install clean deps aix-check fuzz \
	lint lint-cppcheck lint-clang-tidy dist rpm bff-template

all: $(LIB) $(BINS)

lib/%.o: lib/%.c lib/*.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/compat/%.o: lib/compat/%.c lib/compat/*.h lib/*.h
	$(CC) $(ALL_CFLAGS) -Ilib/compat -c -o $@ $<

# Only this program links libcurl (see its header comment).
daemon/mailprov-fetch: daemon/mailprov-fetch.c $(LIB) lib/*.h
	$(CC) $(ALL_CFLAGS) $(CURL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) \
	    $(CURL_LIBS)

daemon/mailprovd: daemon/mailprovd.c $(LIB) lib/*.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(YAML_LIBS) \
	    $(TLS_LIBS) $(CRYPTO_LIBS) $(SRC_LIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

daemon/%: daemon/%.c $(LIB) lib/*.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(YAML_LIBS) \
	    $(TLS_LIBS)

# TEST_LIBS: what one test needs beyond the usual (set per test below).
tests/%_test: tests/%_test.c tests/testutil.h $(LIB) lib/*.h
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) \
	    $(CMOCKA_LIBS) $(YAML_LIBS) $(TLS_LIBS) $(TEST_LIBS)

# demo installs what is missing first, then runs again in a fresh make so
# that pkg-config sees what was just installed.  check changes nothing on
# the system: run make deps (or sh tests/deps.sh) first on a new machine.
deps:
	@sh tests/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

check: check-run

tests/greeter: tests/greeter.c
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

tests/srcmstr: tests/srcmstr.c lib/compat/spc.h
	$(CC) $(ALL_CFLAGS) -o $@ tests/srcmstr.c $(ALL_LDFLAGS)

# Under SANITIZE=1, three shell tests are left to the plain pass (.ci/run
# makes both): lint_test and valgrind_test run nothing built with its
# flags (cppcheck and clang-tidy read the sources; valgrind_test builds
# its own binaries), and crash_test kills its runs with SIGKILL, which
# leaves a sanitizer nothing to report (its code paths run under the
# sanitizers in apply_test and fault_test); rpm_test and bff_test build
# their packages with the packages' own flags, not SANITIZE's.
SH_TESTS	= $(sort $(wildcard tests/*_test.sh))
ifeq ($(SANITIZE),1)
SH_TESTS	:= $(filter-out tests/lint_test.sh tests/valgrind_test.sh \
		    tests/crash_test.sh tests/rpm_test.sh tests/bff_test.sh, \
		    $(SH_TESTS))
endif

check-run: all $(TESTS) tests/greeter tests/srcmstr aix-check
	@sh tests/run.sh $(TESTS) $(SH_TESTS)

# Compile, without linking, the sources an AIX build uses, as AIX would
# see them (_AIX set, exec the default SRC backend): all of lib/ and
# daemon/ less the Linux-only files, with srcsub_aix.c against the AIX
# declarations in tests/aix/ (written from IBM's documentation).
AIX_SRCS	= $(filter-out lib/watch_inotify.c lib/watch_poll.c \
		    lib/closefrom_linux.c lib/closefrom_generic.c, \
		    $(wildcard lib/*.c)) \
		  daemon/mailprov.c daemon/mailprovd.c
aix-check:
	@for f in $(AIX_SRCS); do \
	    $(CC) -std=c99 -D_XOPEN_SOURCE=700 -D_AIX $(WARN) -Ilib \
	        -Itests/aix -include tests/aix/fcntl_closem.h \
	        -DMAILPROV_SRC_DEFAULT=\"exec\" $(YAML_CFLAGS) $(TLS_CFLAGS) \
	        -fsyntax-only $$f || exit 1; \
	done
	@echo "aix-check: $(words $(AIX_SRCS)) sources compile with -D_AIX"

# Static analysis: cppcheck and clang-tidy on the sources this platform
# builds (lib/, its platform files, daemon/), as the compiler sees them.
# Both must report nothing.  Their settings: .clang-tidy (checks, and why
# some are off) and tests/lint/cppcheck.supp; findings on one line are
# suppressed in the source, with the reason.  tests/lint_test.sh runs
# the two under make check.
LINT_SRCS	= $(LIB_SRCS) $(BINS:=.c)
LINT_CPPFLAGS	= -D_XOPEN_SOURCE=700 -Ilib $(PLATFORM_CFLAGS) \
		  -DMAILPROV_SRC_DEFAULT=\"$(SRC_DEFAULT)\" \
		  -DMAILPROV_FETCH_HELPER=\"$(SBINDIR)/mailprov-fetch\"
LINT_JOBS	?= $(shell nproc 2>/dev/null || echo 2)
CPPCHECK	?= cppcheck
CLANG_TIDY	?= clang-tidy
CPPCHECK_FLAGS	= --enable=warning,style,performance,portability --std=c99 \
		  --library=posix --inline-suppr \
		  --suppressions-list=tests/lint/cppcheck.supp \
		  --error-exitcode=1 --quiet -j $(LINT_JOBS) \
		  --template='{file}:{line}:{column}: {severity}: {message} [{id}]'

lint:
	@t0=$$(date +%s); rc=0; \
	$(MAKE) -s --no-print-directory lint-cppcheck || rc=1; \
	$(MAKE) -s --no-print-directory lint-clang-tidy || rc=1; \
	t=$$(( $$(date +%s) - t0 )); \
	if [ $$rc -eq 0 ]; then \
	    echo "lint: cppcheck and clang-tidy report nothing ($(words $(LINT_SRCS)) files, $$t s)"; \
	else \
	    echo "lint: FAILED, see above ($$t s)"; \
	fi; \
	exit $$rc

lint-cppcheck:
	@command -v $(CPPCHECK) >/dev/null || { \
	    echo "cppcheck: not installed (tests/deps.sh installs it)"; exit 1; }
	@$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_CPPFLAGS) $(LINT_SRCS) || { \
	    echo "cppcheck: findings above"; exit 1; }
	@echo "cppcheck: nothing to report in $(words $(LINT_SRCS)) files"

# One clang-tidy per file, $(LINT_JOBS) at a time; -k: report every file.
LINT_TIDY	= $(LINT_SRCS:%=lint-tidy/%)
lint-clang-tidy:
	@command -v $(CLANG_TIDY) >/dev/null || { \
	    echo "clang-tidy: not installed (tests/deps.sh installs it)"; exit 1; }
	@$(MAKE) -s --no-print-directory -k -j $(LINT_JOBS) $(LINT_TIDY) || { \
	    echo "clang-tidy: findings above"; exit 1; }
	@echo "clang-tidy: nothing to report in $(words $(LINT_SRCS)) files"

# clang-tidy prints "N warnings generated." for those it did not show.
lint-tidy/%: %
	@out=$$($(CLANG_TIDY) --quiet $< -- -std=c99 $(LINT_CPPFLAGS) $(WARN) \
	    $(YAML_CFLAGS) $(CURL_CFLAGS) $(TLS_CFLAGS) 2>&1); rc=$$?; \
	printf '%s\n' "$$out" | grep -v ' warnings\{0,1\} generated\.$$'; \
	exit $$rc

tests/bench/procrun: tests/bench/procrun.c $(LIB) lib/*.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS)

bench: all tests/bench/procrun
	@bash tests/bench/validate.sh
	@bash tests/bench/apply.sh
	@bash tests/bench/idle.sh
	@bash tests/bench/proc.sh

# The one install list is conf/pkg/manifest (files, modes, config files);
# conf/pkg/pkgtool.sh installs from it here, and writes the RPM's %files
# and the installp template from it too (conf/pkg/README).
PKG_ENV		= SBINDIR='$(SBINDIR)' MANDIR='$(MANDIR)' \
		  SYSCONFDIR='$(SYSCONFDIR)' DATADIR='$(DATADIR)' \
		  STATEDIR='$(STATEDIR)'
install: all
	@$(PKG_ENV) DESTDIR='$(DESTDIR)' sh conf/pkg/pkgtool.sh install

# Packages (conf/pkg/README).  Both are built from the source tarball in
# a tree of their own, with the packages' paths (/usr/sbin), so that a
# tree built for another PREFIX cannot leak its compiled-in paths into
# them.  They need rpm (rpmbuild, rpmlint): sh tests/deps.sh pkg.
VERSION		:= $(shell sed -n 's/^\#define MAILPROV_VERSION[^"]*"\(.*\)"/\1/p' lib/version.h)
PKGOUT		?= $(CURDIR)/pkgout
RPM_RELEASE	?= 1
RPMBUILD	?= rpmbuild
PKG_PATHS	= PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man \
		  SYSCONFDIR=/etc/mailprov DATADIR=/usr/share/mailprov \
		  STATEDIR=/var/mailprov
BFF_VRMF	?= $(VERSION).0

dist:
	@sh conf/pkg/pkgtool.sh dist $(PKGOUT)/mailprov-$(VERSION).tar.gz \
	    mailprov-$(VERSION)
	@echo "dist: $(PKGOUT)/mailprov-$(VERSION).tar.gz"

rpm: dist
	@grep -q '^Version: *$(VERSION)$$' conf/pkg/mailprov.spec || { \
	    echo "rpm: conf/pkg/mailprov.spec's Version is not $(VERSION) (lib/version.h)"; exit 1; }
	@command -v $(RPMBUILD) >/dev/null || { \
	    echo "rpm: rpmbuild not found (Debian: sh tests/deps.sh pkg installs rpm)"; exit 1; }
	@mkdir -p $(PKGOUT)/rpmbuild/SOURCES
	@cp $(PKGOUT)/mailprov-$(VERSION).tar.gz $(PKGOUT)/rpmbuild/SOURCES/
	$(RPMBUILD) -ba --nodeps --define '_topdir $(PKGOUT)/rpmbuild' \
	    --define 'mp_release $(RPM_RELEASE)' --quiet conf/pkg/mailprov.spec
	@ls $(PKGOUT)/rpmbuild/RPMS/*/mailprov-$(VERSION)-$(RPM_RELEASE).*.rpm \
	    $(PKGOUT)/rpmbuild/SRPMS/mailprov-$(VERSION)-$(RPM_RELEASE).src.rpm

# The staging root for mkinstallp and its template (mkinstallp -d ROOT
# -T TEMPLATE on AIX; it does not exist elsewhere).
bff-template: dist
	@rm -rf $(PKGOUT)/bff && mkdir -p $(PKGOUT)/bff/build
	@gzip -dc $(PKGOUT)/mailprov-$(VERSION).tar.gz | \
	    (cd $(PKGOUT)/bff/build && tar xf -)
	@$(MAKE) -s --no-print-directory -j $(LINT_JOBS) -C $(PKGOUT)/bff/build/mailprov-$(VERSION) all $(PKG_PATHS)
	@$(MAKE) -s --no-print-directory -C $(PKGOUT)/bff/build/mailprov-$(VERSION) \
	    install $(PKG_PATHS) DESTDIR=$(PKGOUT)/bff/root >$(PKGOUT)/bff/install.log
	@$(PKG_PATHS) sh conf/pkg/pkgtool.sh bff-template \
	    $(PKGOUT)/bff/root $(BFF_VRMF) >$(PKGOUT)/bff/mailprov.template
	@echo "bff-template: $(PKGOUT)/bff/mailprov.template for the tree $(PKGOUT)/bff/root"
	@echo "  on AIX, as root: mkinstallp -d $(PKGOUT)/bff/root -T $(PKGOUT)/bff/mailprov.template"

# libFuzzer targets (clang): make fuzz FUZZ_SECONDS=60 runs each for that
# long on a copy of its seed corpus in tests/fuzz/corpus/.
FUZZ_TARGETS	= desired cf aliases lssrc
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	= -std=c99 -D_XOPEN_SOURCE=700 -g -O1 -Ilib $(YAML_CFLAGS) \
		  -fsanitize=fuzzer,address,undefined
# The library less what the targets never reach (the run layer, the
# daemon's parts, hashing, fetching, the TLS file checks, the watchers
# and SRC's socket): they link without libcrypto, libcurl or the SRC
# library.  closefrom stays: proc uses it.
FUZZ_NOT_NEEDED	= lib/diff.c lib/sendmail.c lib/smcheck.c lib/smcaps.c \
		  lib/service.c lib/program.c lib/plantls.c lib/plan.c \
		  lib/yamlout.c lib/import.c lib/history.c lib/restore.c \
		  lib/candidate.c lib/apply.c lib/runopts.c \
		  lib/status.c lib/cliopt.c lib/dconf.c lib/incoming.c \
		  lib/fstamp.c lib/mpd.c lib/digest.c lib/fetch.c lib/tlsfile.c \
		  lib/srcsub.c \
		  lib/srcsub_aixcheck.c lib/compat/srcapi.c \
		  lib/watch_inotify.c lib/watch_ahafs.c lib/watch_poll.c
FUZZ_LIBSRCS	= $(filter-out $(FUZZ_NOT_NEEDED),$(LIB_SRCS))
fuzz:
	@mkdir -p tests/out/fuzz
	@for t in $(FUZZ_TARGETS); do \
	    clang $(FUZZ_CFLAGS) -o tests/out/fuzz/$$t tests/fuzz/fuzz_$$t.c \
	        $(FUZZ_LIBSRCS) $(YAML_LIBS) || exit 1; \
	    rm -rf tests/out/fuzz/corpus-$$t; \
	    cp -r tests/fuzz/corpus/$$t tests/out/fuzz/corpus-$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    tests/out/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -print_final_stats=1 tests/out/fuzz/corpus-$$t \
	        >tests/out/fuzz/$$t.log 2>&1 || { tail -40 tests/out/fuzz/$$t.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' \
	        tests/out/fuzz/$$t.log; \
	done
	@echo "fuzz: $(words $(FUZZ_TARGETS)) targets ran $(FUZZ_SECONDS) s each without a finding"

clean:
	rm -f $(LIB_OBJS) $(LIB) $(BINS) $(sort $(TESTS) $(wildcard tests/*_test)) \
	    tests/greeter tests/srcmstr
	rm -rf tests/out demo pkgout
