#!/bin/sh
# make demo: mask a sample with the embedded store, then unmask it and
# check the round trip.  Uses a throwaway state folder.
set -eu
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state"
sample=${1:-examples/app-error.log}
[ -f "$sample" ] || sample=examples/sample.txt
echo "== original ($sample)"
cat "$sample"
echo
echo "== masked"
cmd/awsmask "$sample" | tee "$state/masked"
echo
echo "== unmasked, compared byte for byte with the original"
cmd/awsunmask "$state/masked" | cmp - "$sample" && echo "round trip: identical"
