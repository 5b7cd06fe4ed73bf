#!/bin/sh
# The bash completion loads and completes options, kinds and stores.
. "$(dirname "$0")/lib.sh"

if ! command -v bash >/dev/null 2>&1; then
	echo "1..0 # SKIP bash not installed"
	exit 0
fi

# complete WORDS...: print COMPREPLY for the last word, one a line.
cat >"$WORK/complete.bash" <<EOF2
[ -r /usr/share/bash-completion/bash_completion ] &&
	. /usr/share/bash-completion/bash_completion
. "$AWSMASK_TEST_ROOT/completions/awsmask.bash"
COMP_WORDS=("\$@")
COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
complete -p "\$1" >/dev/null || exit 3
func=\$(complete -p "\$1" | sed 's/.*-F \([^ ]*\).*/\1/')
"\$func"
printf '%s\n' "\${COMPREPLY[@]}"
EOF2

test_expect_success 'awsmask --li completes --list-types and --line-buffered' '
	bash "$WORK/complete.bash" awsmask --li >out &&
	test_grep '^--list-types$' out &&
	test_grep '^--line-buffered$' out
'

test_expect_success 'awsunmask --st completes --strict and --store' '
	bash "$WORK/complete.bash" awsunmask --st >out &&
	test_grep '^--strict$' out &&
	test_grep '^--store$' out
'

test_expect_success 'awsunmask does not offer awsmask-only options' '
	bash "$WORK/complete.bash" awsunmask --ch >out &&
	test_grep ! '^--check$' out
'

test_expect_success '--types completes kind names, after a comma too' '
	bash "$WORK/complete.bash" awsmask --types ec2-ins >out &&
	test_grep '^ec2-instance$' out &&
	bash "$WORK/complete.bash" awsmask --types arn,ec2-ins >out &&
	test_grep '^arn,ec2-instance$' out
'

test_expect_success '--store completes the schemes' '
	bash "$WORK/complete.bash" awsmask --store re >out &&
	test_grep -F redis:// out
'

test_done
