# awsmask - builds with `make` alone; `./configure` (optional) writes
# config.mk, which is read when present.  Takes CC, CFLAGS, LDFLAGS,
# PREFIX, DESTDIR and V=1 from the user; DEVELOPER=1 adds -Werror,
# SANITIZE=1 builds with ASan and UBSan; `make fuzz` runs the libFuzzer
# targets of fuzz/ for FUZZ_TIME seconds each (clang).

-include config.mk

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
PKG_CONFIG ?= pkg-config

VERSION = 0.1.0
SOMAJOR = 0

PCRE2_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libpcre2-8)
PCRE2_LIBS ?= $(shell $(PKG_CONFIG) --libs libpcre2-8)
SQLITE_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags sqlite3)
SQLITE_LIBS ?= $(shell $(PKG_CONFIG) --libs sqlite3)
JANSSON_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags jansson)
JANSSON_LIBS ?= $(shell $(PKG_CONFIG) --libs jansson)
CURL_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libcurl)
CURL_LIBS ?= $(shell $(PKG_CONFIG) --libs libcurl)
HAVE_HIREDIS ?= $(shell $(PKG_CONFIG) --exists hiredis && echo 1)
ifeq ($(HAVE_HIREDIS),1)
HIREDIS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags hiredis) -DHAVE_HIREDIS
HIREDIS_LIBS ?= $(shell $(PKG_CONFIG) --libs hiredis)
endif
CMOCKA_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS ?= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-unused-parameter \
	-Wno-missing-field-initializers
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -fPIC $(WARN) -Ilib \
	-DSYSCONFDIR='"$(SYSCONFDIR)"' \
	$(PCRE2_CFLAGS) $(SQLITE_CFLAGS) $(HIREDIS_CFLAGS) $(JANSSON_CFLAGS) \
	$(CURL_CFLAGS) $(CFLAGS) $(CPPFLAGS)
DEP_LIBS = $(PCRE2_LIBS) $(SQLITE_LIBS) $(HIREDIS_LIBS) $(JANSSON_LIBS) \
	$(CURL_LIBS) -lm

ifneq ($(V),1)
QUIET_CC = @echo '   ' CC $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_AR = @echo '   ' AR $@;
QUIET_GEN = @echo '   ' GEN $@;
endif

LIB_SRC = $(sort $(wildcard lib/*.c)) lib/gen/scandata.c
LIB_OBJ = $(LIB_SRC:.c=.o)
LIB_HDR = $(wildcard lib/*.h) lib/gen/scandata.h
# The generator of lib/gen/scandata.c and the objects it links: the
# catalogue (the kinds table of kinds.c and the splitters it names) and
# the token grammar it compiles and analyses.
SCANGEN = lib/gen/scangen
CATALOGUE_OBJ = lib/kinds.o lib/detect.o lib/accounts.o lib/arn.o \
	lib/hosts.o lib/ip.o lib/naming.o lib/tags.o lib/ids.o lib/gates.o
SCANGEN_OBJ = $(CATALOGUE_OBJ) lib/names.o lib/token.o lib/prefixes.o \
	lib/util.o lib/scanfp.o
# The one list of tools: the build, install and uninstall, `make check`
# (tests/check-options.sh, t9000-usage.sh and the completion tests read
# it through `make -s print-tools` or this line) all take it from here.
TOOLS = awsmask awsunmask awsmask-stats awsmask-cleanup awsmask-claude
TOOL_BIN = $(addprefix cmd/,$(TOOLS))
CLI_OBJ = cmd/cli.o
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:.c=)
LIBA = lib/libawsmask.a
LIBSO = lib/libawsmask.so.$(VERSION)

all: $(TOOL_BIN) $(LIBA) $(LIBSO) libawsmask.pc awsmask.pc

lib/%.o: lib/%.c $(LIB_HDR)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# What the scanner needs of the catalogue, made at build time (see
# lib/gen/scangen.c); never committed.
$(SCANGEN): lib/gen/scangen.c $(LIB_HDR) $(SCANGEN_OBJ)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(SCANGEN_OBJ) \
		$(PCRE2_LIBS)

# (It runs once and exits: under SANITIZE=1 what it leaves unfreed is
# not worth failing the build for.)
lib/gen/scandata.c: $(SCANGEN)
	$(QUIET_GEN)ASAN_OPTIONS=detect_leaks=0 $(SCANGEN) > $@+ && mv $@+ $@

cmd/%.o: cmd/%.c cmd/cli.h lib/awsmask.h
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

# Only awsmask_* leaves the shared library (lib/libawsmask.map).
$(LIBSO): $(LIB_OBJ) lib/libawsmask.map
	$(QUIET_LINK)$(CC) -shared -Wl,-soname,libawsmask.so.$(SOMAJOR) \
		-Wl,--version-script=lib/libawsmask.map \
		$(CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJ) $(DEP_LIBS)

cmd/%: cmd/%.o $(CLI_OBJ) $(LIBA)
	$(QUIET_LINK)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(CLI_OBJ) $(LIBA) $(DEP_LIBS)

# Installed under both names: `pkg-config awsmask` and `pkg-config
# libawsmask` find the same library.
libawsmask.pc awsmask.pc: libawsmask.pc.in Makefile
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@PRIVATE_LIBS@|$(DEP_LIBS)|' libawsmask.pc.in > $@

tests/unit/%: tests/unit/%.c $(LIBA)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(LIBA) $(DEP_LIBS) $(CMOCKA_LIBS)

# Fuzz targets (fuzz/): replayed over fuzz/regress/ by make check with
# the normal build; `make fuzz` builds them with clang's libFuzzer and
# runs each for FUZZ_TIME seconds.
FUZZ_TARGETS = scanner json jsonmode roundtrip unmask config store_uri sse
FUZZ_REPLAY = $(addprefix fuzz/replay_,$(FUZZ_TARGETS))
FUZZ_BIN = $(addprefix fuzz/bin/fuzz_,$(FUZZ_TARGETS))
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Ilib \
	-DSYSCONFDIR='"$(SYSCONFDIR)"' $(PCRE2_CFLAGS) $(SQLITE_CFLAGS) \
	$(HIREDIS_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJ = $(patsubst lib/%.c,fuzz/obj/%.o,$(LIB_SRC))

fuzz/replay_%: fuzz/fuzz_%.c fuzz/common.c fuzz/replay.c fuzz/fuzz.h $(LIBA)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< fuzz/common.c \
		fuzz/replay.c $(LIBA) $(DEP_LIBS)

fuzz/obj/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz/bin/fuzz_%: fuzz/fuzz_%.c fuzz/common.c fuzz/fuzz.h $(FUZZ_LIB_OBJ)
	@mkdir -p fuzz/bin
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		fuzz/common.c $(FUZZ_LIB_OBJ) $(DEP_LIBS)

fuzz: $(FUZZ_BIN)
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_TARGETS="$(FUZZ_TARGETS)" sh fuzz/run.sh

check: all $(UNIT_BIN) $(FUZZ_REPLAY)
	@AWSMASK_TOOLS='$(TOOLS)' sh tests/run.sh $(UNIT_BIN)

print-tools:
	@echo $(TOOLS)

bench: all
	@sh bench/run.sh

demo: all
	@sh scripts/demo.sh

eval: all
	@python3 tests/corpus/eval.py

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(TOOL_BIN) $(DESTDIR)$(BINDIR)/
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIBSO) $(DESTDIR)$(LIBDIR)/
	ln -sf libawsmask.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libawsmask.so.$(SOMAJOR)
	ln -sf libawsmask.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libawsmask.so
	install -m 644 lib/awsmask.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 libawsmask.pc awsmask.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 completions/awsmask.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/awsmask
	for t in $(TOOLS); do [ $$t = awsmask ] || ln -sf awsmask \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/$$t; done
	install -m 644 completions/_awsmask $(DESTDIR)$(DATADIR)/zsh/site-functions/
	install -m 644 completions/awsmask.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/
	# fish loads a command's completions from the file of its name.
	for t in $(TOOLS); do [ $$t = awsmask ] || ln -sf awsmask.fish \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/$$t \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; done
	rm -f $(DESTDIR)$(LIBDIR)/libawsmask.a $(DESTDIR)$(LIBDIR)/libawsmask.so* \
		$(DESTDIR)$(INCLUDEDIR)/awsmask.h \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libawsmask.pc \
		$(DESTDIR)$(LIBDIR)/pkgconfig/awsmask.pc \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_awsmask
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${m#man/}; done

clean:
	rm -f lib/*.o cmd/*.o $(TOOL_BIN) $(LIBA) lib/libawsmask.so* libawsmask.pc \
		awsmask.pc $(UNIT_BIN) $(FUZZ_REPLAY) lib/gen/*.o $(SCANGEN) \
		lib/gen/scandata.c lib/gen/scandata.c+
	rm -rf tests/tmp bench/tmp fuzz/obj fuzz/bin fuzz/corpus fuzz/crashes

.PHONY: all check bench demo eval fuzz install uninstall clean print-tools
.SECONDARY: $(LIB_OBJ) $(TOOL_BIN:=.o) $(CLI_OBJ) $(FUZZ_LIB_OBJ) \
	lib/gen/scandata.c
