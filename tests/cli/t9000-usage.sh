#!/bin/sh
# Every tool of the Makefile's list: --help (usage on stdout, exit 0),
# --version (exit 0, "<tool> 0.1.0"), an unknown option (the usage line
# and a pointer to --help on stderr, exit 2, nothing on stdout), a
# missing option argument (exit 2).

. "$(dirname "$0")/lib.sh"

TOOLS=${AWSMASK_TOOLS:-$(sed -n 's/^TOOLS = //p' "$AWSMASK_TEST_ROOT/Makefile")}

# The long options of each tool, from notes/cli-spec.md.
spec_options() {
	case $1 in
	awsmask)
		echo --allow --allow-file --check --config --exclude-types \
		    --help --line-buffered --list-types --namespace \
		    --no-preserve-structure --password-file --patterns \
		    --quiet --store --store-status --types --ttl --verbose --version
		;;
	awsunmask)
		echo --config --help --line-buffered --namespace \
		    --password-file --patterns --quiet --store --strict --ttl \
		    --verbose --verify --version
		;;
	awsmask-stats)
		echo --config --help --json --namespace --output \
		    --password-file --prometheus --quiet --store --verbose \
		    --version
		;;
	awsmask-cleanup)
		echo --config --dry-run --help --json --max-entries \
		    --min-idle --namespace --password-file --quiet --store \
		    --verbose --version --wait
		;;
	awsmask-claude)
		echo --api-key-file --config --dry-run --help --max-retries \
		    --max-tokens --model --namespace --no-cache --password-file \
		    --quiet --raw --request --show-masked --store --stream \
		    --system --timeout --ttl --verbose --version
		;;
	*)
		echo "no spec for $1" >&2
		return 1
		;;
	esac
}

test_expect_success 'the Makefile lists the tools' '
	test -n "$TOOLS" &&
	for t in $TOOLS; do test -x "$AWSMASK_TEST_ROOT/cmd/$t" || return 1; done
'

for tool in $TOOLS; do

test_expect_success "$tool --help: usage on stdout, exit 0" '
	test_must_exit 0 '"$tool"' --help >out 2>err &&
	test_grep "^usage: '"$tool"' " out &&
	test_grep -e "--help" out &&
	test_must_be_empty err &&
	test_must_exit 0 '"$tool"' -h >out2 2>err &&
	test_cmp out out2 &&
	test_must_be_empty err
'

test_expect_success "$tool --version: prints '$tool 0.1.0', exit 0" '
	test_must_exit 0 '"$tool"' --version >out 2>err &&
	echo "'"$tool"' 0.1.0" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_must_exit 0 '"$tool"' -V >out 2>err &&
	test_cmp expect out
'

test_expect_success "$tool with an unknown option: one usage line, exit 2" '
	test_must_exit 2 '"$tool"' --no-such-option </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep "^usage: '"$tool"' " err &&
	test_grep "^Try '"'$tool --help'"' or '"'man $tool'"' " err &&
	test_line_count -le 3 err &&
	test_must_exit 2 '"$tool"' -Z </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep "^usage: '"$tool"' " err
'

test_expect_success "$tool with a missing option argument: exit 2" '
	test_must_exit 2 '"$tool"' --store </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep . err
'

test_expect_success "$tool --help lists the options of the spec" '
	test_must_exit 0 '"$tool"' --help >out 2>err &&
	spec_options '"$tool"' >/dev/null &&
	for o in $(spec_options '"$tool"'); do
		test_grep -e "$o([^a-z-]|\$)" out || return 1
	done
'

done

test_done
