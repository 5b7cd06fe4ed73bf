#!/bin/sh
# Packaging, as a new user tries it: `autoreconf -i && ./configure` on a
# copy of the sources, `make install` into a DESTDIR (every tool of the
# Makefile's list with its man page and its bash, zsh and fish
# completions; `pkg-config awsmask` and `pkg-config libawsmask`), `make
# uninstall` leaving nothing, and a built tree that keeps cmd/cli.o.

. "$(dirname "$0")/lib.sh"

ROOT=$AWSMASK_TEST_ROOT
TOOLS=${AWSMASK_TOOLS:-$(sed -n 's/^TOOLS = //p' "$ROOT/Makefile")}

test_expect_success 'a copy of the sources' '
	mkdir "$WORK/src" &&
	(cd "$ROOT" && { echo configure.ac; echo config.mk.in;
	    echo Makefile; echo libawsmask.pc.in; echo lib/libawsmask.map;
	    find lib cmd -name "*.[ch]" ! -path lib/gen/scandata.c; } |
	    tar cf - -T -) |
	    (cd "$WORK/src" && tar xf -) &&
	test_path_is_missing "$WORK/src/cmd/cli.o"
'

test_expect_success 'building never deletes cmd/cli.o (it is not intermediate)' '
	make -C "$WORK/src" -n all >out 2>err &&
	test_grep "cmd/cli.o" out &&
	test_grep ! "^rm .*cli\.o" out
'

if test_have autoreconf && test_have aclocal && test_have pkg-config; then
test_expect_success 'autoreconf -i && ./configure writes config.mk' '
	cd "$WORK/src" &&
	autoreconf -i >"$T/log" 2>&1 && ./configure >>"$T/log" 2>&1 &&
	test_grep "^PCRE2_LIBS = .*pcre2" config.mk &&
	test_grep "^SQLITE_LIBS = .*sqlite3" config.mk
'
else
	test_skip 'autoreconf -i && ./configure writes config.mk' \
	    'autoconf, automake or pkg-config is not installed'
fi

test_expect_success 'make install: every tool, its page and its completions' '
	make -C "$ROOT" -s install DESTDIR="$T/d" >out 2>err &&
	p=$T/d/usr/local &&
	for t in $TOOLS; do
		test -x "$p/bin/$t" &&
		test_path_is_file "$p/share/man/man1/$t.1" &&
		test -e "$p/share/bash-completion/completions/$t" &&
		test -e "$p/share/fish/vendor_completions.d/$t.fish" &&
		test_grep "^complete -c $t " "$p/share/fish/vendor_completions.d/$t.fish" &&
		sed -n 1p "$p/share/zsh/site-functions/_awsmask" | tr " " "\n" |
		    grep -qx "$t" || return 1
	done &&
	test_path_is_file "$p/share/man/man5/awsmask.conf.5" &&
	test_path_is_file "$p/include/awsmask.h"
'

if test_have pkg-config; then
test_expect_success 'pkg-config finds the library as awsmask and libawsmask' '
	p=$T/d/usr/local &&
	make -C "$ROOT" -s install DESTDIR="$T/d" >out 2>err &&
	PKG_CONFIG_PATH=$p/lib/pkgconfig pkg-config --libs awsmask >a &&
	PKG_CONFIG_PATH=$p/lib/pkgconfig pkg-config --libs libawsmask >b &&
	test_grep -e "-lawsmask" a &&
	test_cmp a b &&
	PKG_CONFIG_PATH=$p/lib/pkgconfig pkg-config --modversion awsmask >v &&
	echo 0.1.0 >expect && test_cmp expect v
'
else
	test_skip 'pkg-config finds the library' 'pkg-config is not installed'
fi

test_expect_success 'make uninstall leaves no file behind' '
	make -C "$ROOT" -s install DESTDIR="$T/d" >out 2>err &&
	make -C "$ROOT" -s uninstall DESTDIR="$T/d" >out 2>err &&
	find "$T/d" ! -type d >left &&
	test_must_be_empty left
'

test_done
