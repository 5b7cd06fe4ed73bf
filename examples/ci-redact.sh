#!/bin/sh
# ci-redact.sh - mask CI log files before they are published or uploaded,
# then prove that the masked copies are clean.
#
# usage: ci-redact.sh FILE...
#
# For every FILE, writes FILE.masked (FILE itself is not modified), then runs
# `awsmask --check` over all the FILE.masked copies, with the store that
# masked them: the tokens it issued are what masking wrote, not findings
# (masked text is a fixed point), so a clean run finds nothing.  --check
# reports kinds and line numbers on stderr, never a value, so its report is
# safe in a CI log.  Publish only the .masked files, and only when this
# script exits 0.
#
# Exit status:
#   0      every FILE.masked is clean
#   1      an identifier remains in a FILE.masked: a leak, do not publish
#   other  an error: 2 usage, 127 awsmask not found, or awsmask's own code
#          (65 bad input, 69 store unavailable, 74 I/O error, 78 bad
#          configuration); an error wins over a leak
#
# Environment:
#   AWSMASK        the awsmask program to run (default: awsmask)
#   AWSMASK_STORE  where the mappings go.  Unset: a throw-away SQLite store
#                  shared by all FILEs of this run (the same identifier gets
#                  the same token in every file) and deleted at exit.  Set it,
#                  e.g. to redis://vault.internal:6379/2, to be able to
#                  awsunmask the logs later.
#   CI_REDACT_SARIF  also write the check's findings to this file as SARIF
#                  2.1.0 (kinds and places, never values), for a code
#                  scanning upload; written whether or not anything is found
#
# Example (GitLab CI / GitHub Actions step):
#   examples/ci-redact.sh build.log test.log && upload build.log.masked test.log.masked

set -eu

prog=ci-redact
awsmask=${AWSMASK:-awsmask}

usage() {
	echo "usage: $prog FILE..." >&2
	exit 2
}

if [ "$#" -eq 0 ]; then
	usage
fi
case $1 in
-h | --help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

if ! command -v "$awsmask" >/dev/null 2>&1; then
	echo "$prog: $awsmask: not found" >&2
	exit 127
fi

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
part=
trap 'rm -rf -- "$tmpdir"; rm -f -- ${part:+"$part"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

store=${AWSMASK_STORE:-sqlite:$tmpdir/mappings.db}

# The most serious outcome so far: 0 clean, 1 leak, anything else an error.
status=0
record() {
	if [ "$1" -ge 2 ]; then
		if [ "$status" -lt 2 ]; then
			status=$1
		fi
	elif [ "$1" -eq 1 ] && [ "$status" -eq 0 ]; then
		status=1
	fi
}

# Mask every FILE.  The loop consumes the arguments from the front and
# appends each FILE.masked written, so that "$@" ends up holding exactly the
# masked copies (POSIX sh has no arrays).
for file do
	shift
	if [ "$file" = - ]; then
		echo "$prog: -: give file names (stdin has no FILE.masked)" >&2
		record 2
		continue
	fi
	out=$file.masked
	part=$out.part.$$
	# Mask into a side file and rename it only on success, so that a failed
	# run never leaves a half-written (or an old) FILE.masked for a later
	# step to upload.
	rm -f -- "$out"
	rc=0
	"$awsmask" --quiet --store "$store" -- "$file" >"$part" || rc=$?
	if [ "$rc" -ne 0 ]; then
		rm -f -- "$part"
		part=
		# Masking never means "found": a 1 here is the shell failing to
		# create the output file.
		if [ "$rc" -eq 1 ]; then
			rc=74
		fi
		echo "$prog: $file: masking failed (exit $rc), no $out written" >&2
		record "$rc"
		continue
	fi
	mv -f -- "$part" "$out"
	part=
	set -- "$@" "$out"
done

if [ "$#" -eq 0 ]; then
	exit "$status"
fi

# Check the masked copies, asking the store that masked them: a token it
# issued is what masking wrote, and only that.  Token-shaped text it never
# issued, and every identifier, is a finding.
rc=0
if [ -n "${CI_REDACT_SARIF:-}" ]; then
	"$awsmask" --check --store "$store" --report-format sarif \
	    --report "$CI_REDACT_SARIF" -- "$@" || rc=$?
else
	"$awsmask" --check --store "$store" -- "$@" || rc=$?
fi
record "$rc"
if [ "$rc" -eq 1 ]; then
	echo "$prog: identifiers remain in the masked files: do not publish them" >&2
fi

exit "$status"
