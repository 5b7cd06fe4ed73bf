#!/bin/sh
# Lint the man pages with mandoc -Tlint -Wstyle (TAP).  References to
# pages not installed on this machine are not faults of ours.
cd "$(dirname "$0")/.." || exit 1
if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP mandoc not installed"
	exit 0
fi
n=0 fail=0
set -- man/*.1 man/*.5
echo "1..$#"
for page; do
	n=$((n + 1))
	out=$(mandoc -Tlint -Wstyle "$page" 2>&1 |
	    grep -v 'referenced manual not found')
	if [ -z "$out" ]; then
		echo "ok $n - mandoc -Tlint $page"
	else
		echo "not ok $n - mandoc -Tlint $page"
		printf '%s\n' "$out" | sed 's/^/#	/'
		fail=1
	fi
done
exit $fail
