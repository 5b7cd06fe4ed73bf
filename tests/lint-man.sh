#!/bin/sh
# tests/lint-man.sh - lint the man pages (STYLE.md 18).
#
#	sh tests/lint-man.sh
#
# Runs `mandoc -Tlint -Wstyle` on every man/*.[1-9]; any message, down to
# style, fails the page.  TAP output, one test a page; when mandoc is not
# installed, one skipped test.  Cross references between our own pages
# are checked against a scratch manpath that holds them (indexed with
# makewhatis); without makewhatis, "referenced manual not found" for our
# own pages is ignored.  Exit status 1 when a page has a message.

cd "$(dirname "$0")/.." || exit 2
LC_ALL=C
export LC_ALL

if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP mandoc not installed"
	exit 0
fi

set -- man/*.[1-9]
if [ ! -f "$1" ]; then
	echo "1..1"
	echo "not ok 1 - man/ holds man pages"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lint-man.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# A manpath of our own pages, so that .Xr awsunmask 1 is found.
ours=
makewhatis=$(command -v makewhatis 2>/dev/null)
for d in /usr/sbin /usr/local/sbin /sbin; do
	[ -n "$makewhatis" ] && break
	[ -x "$d/makewhatis" ] && makewhatis=$d/makewhatis
done
for page; do
	sec=${page##*.}
	mkdir -p "$tmp/man/man$sec"
	cp "$page" "$tmp/man/man$sec/"
	name=${page##*/}
	ours="$ours|${name%.*} $sec"
done
manpath=
if [ -n "$makewhatis" ] && "$makewhatis" "$tmp/man" 2>/dev/null; then
	manpath="-m $tmp/man"
fi

echo "1..$#"
n=0
fail=0
for page; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	mandoc -Tlint -Wstyle $manpath "$page" >"$tmp/out" 2>&1
	if [ -z "$manpath" ]; then
		grep -v -E "referenced manual not found: Xr (${ours#|})( \([0-9]+ times\))?\$" \
		    "$tmp/out" >"$tmp/kept"
		mv "$tmp/kept" "$tmp/out"
	fi
	if [ -s "$tmp/out" ]; then
		echo "not ok $n - mandoc -Tlint -Wstyle $page"
		sed 's/^/#	/' "$tmp/out"
		fail=1
	else
		echo "ok $n - mandoc -Tlint -Wstyle $page"
	fi
done
exit $fail
