#!/bin/sh
# Custom kinds: --patterns FILE and the `patterns` key add kinds (name,
# token prefix, PCRE2 regex), masked like built-in ones and put back by
# awsunmask; bad files stop both tools with exit 78 before any input.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890

# The patterns file most tests use, and a line naming each of its kinds.
write_patterns() {
	cat >pats <<-\EOT
	# employee numbers and tickets
	employee-id  EMP     \bE[0-9]{6}\b

	ops-ticket   TICKET  \b(?:OPS|SEC)-[0-9]{1,6}\b
	customer-id  CUST    customer[ =:]+(?<id>C[0-9]{8})
	EOT
	echo "E104233 took OPS-4821 for customer=C20481533 on $ID1" >in &&
	printf '%s\n' E104233 OPS-4821 C20481533 "$ID1" >originals
}

test_expect_success 'custom kinds are masked, the id group alone' '
	write_patterns &&
	test_must_exit 0 awsmask -s memory: --patterns pats <in >out 2>err &&
	echo "EMP_001 took TICKET_001 for customer=CUST_001 on EC2_001" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_no_leak originals out
'

test_expect_success 'awsunmask --patterns restores custom tokens' '
	write_patterns &&
	test_must_exit 0 awsmask --patterns pats <in >masked 2>err &&
	test_no_leak originals masked &&
	test_must_exit 0 awsunmask --strict --patterns pats <masked >out 2>err &&
	test_cmp in out &&
	test_must_exit 0 awsunmask --patterns pats --verify in <masked 2>err
'

test_expect_success 'without the patterns, awsunmask does not see the tokens' '
	write_patterns &&
	test_must_exit 0 awsmask --patterns pats <in >masked 2>err &&
	test_must_exit 0 awsunmask --strict <masked >out 2>err &&
	test_grep -F "EMP_001" out &&
	test_grep ! -F "E104233" out
'

test_expect_success 'the patterns key of the configuration serves both tools' '
	write_patterns &&
	mkdir -p "$XDG_CONFIG_HOME/awsmask" &&
	echo "patterns = $T/pats" >"$XDG_CONFIG_HOME/awsmask/config" &&
	test_must_exit 0 awsmask <in >masked 2>err &&
	test_no_leak originals masked &&
	test_must_exit 0 awsunmask --strict <masked >out 2>err &&
	test_cmp in out
'

test_expect_success 'types in a file may name a kind of a later patterns line' '
	write_patterns &&
	printf "%s\n" "types = employee-id" "patterns = $T/pats" >conf &&
	test_must_exit 0 awsmask -s memory: -C conf <in >out 2>err &&
	echo "EMP_001 took OPS-4821 for customer=C20481533 on $ID1" >expect &&
	test_cmp expect out
'

test_expect_success 'AWSMASK_PATTERNS, with AWSMASK_EXCLUDE_TYPES naming its kind' '
	write_patterns &&
	AWSMASK_PATTERNS=$T/pats AWSMASK_EXCLUDE_TYPES=ops-ticket &&
	export AWSMASK_PATTERNS AWSMASK_EXCLUDE_TYPES &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	echo "EMP_001 took OPS-4821 for customer=CUST_001 on EC2_001" >expect &&
	test_cmp expect out
'

test_expect_success '--types and --exclude-types select custom kinds by name and prefix' '
	write_patterns &&
	test_must_exit 0 awsmask -s memory: --types employee-id,CUST \
	    --patterns pats <in >out 2>err &&
	echo "EMP_001 took OPS-4821 for customer=CUST_001 on $ID1" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask -s memory: --patterns pats \
	    --exclude-types TICKET,ec2-instance <in >out 2>err &&
	echo "EMP_001 took OPS-4821 for customer=CUST_001 on $ID1" >expect &&
	test_cmp expect out &&
	test_must_exit 2 awsmask -s memory: --types ops-tiket --patterns pats \
	    <in >out 2>err &&
	test_grep "unknown kind .ops-tiket." err
'

test_expect_success '--check reports custom kinds with their prefix' '
	write_patterns &&
	test_must_exit 1 awsmask --check --patterns pats <in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "(standard input):1: employee-id (EMP)" err &&
	test_grep -F "(standard input):1: ops-ticket (TICKET)" err &&
	test_grep -F "(standard input):1: customer-id (CUST)" err &&
	test_grep "4 identifiers found \(4 kinds\)" err &&
	test_no_leak originals err
'

test_expect_success '--list-types lists custom kinds after the catalogue' '
	write_patterns &&
	test_must_exit 0 awsmask --patterns pats --types EMP --list-types \
	    >out 2>err &&
	tail -n 3 out >last &&
	printf "employee-id\tEMP\tyes\tcustom kind (pats:2)\n" >expect &&
	printf "ops-ticket\tTICKET\tno\tcustom kind (pats:4)\n" >>expect &&
	printf "customer-id\tCUST\tno\tcustom kind (pats:5)\n" >>expect &&
	test_cmp expect last
'

test_expect_success 'a custom kind wins over a built-in one at the same place' '
	printf "%s\n" "my-instance  HOST_ID  \bi-0abc[0-9a-f]{13}\b" >pats &&
	echo "$ID1 i-0def12de34f567890" >in &&
	test_must_exit 0 awsmask -s memory: --patterns pats <in >out 2>err &&
	echo "HOST_ID_001 EC2_001" >expect &&
	test_cmp expect out
'

test_expect_success 'a match never spans lines; ^ and $ are line ends' '
	printf "%s\n" "tail-word  WORD  \w+\s+end$" "line-start  START  ^start\b" >pats &&
	printf "a\nend\nx start\nstart here\nfoo end\n" >in &&
	test_must_exit 0 awsmask -s memory: --patterns pats <in >out 2>err &&
	printf "a\nend\nx start\nSTART_001 here\nWORD_001\n" >expect &&
	test_cmp expect out
'

test_expect_success 'allow-listed values are not masked by custom kinds' '
	write_patterns &&
	test_must_exit 0 awsmask -s memory: --patterns pats --allow E104233 \
	    --allow C20481533 <in >out 2>err &&
	echo "E104233 took TICKET_001 for customer=C20481533 on EC2_001" >expect &&
	test_cmp expect out
'

test_expect_success 'text that looks like a custom token is masked as a literal' '
	write_patterns &&
	echo "TICKET_007 and OPS-1" >in &&
	test_must_exit 0 awsmask --patterns pats <in >masked 2>err &&
	echo "LITERAL_001 and TICKET_001" >expect &&
	test_cmp expect masked &&
	test_must_exit 0 awsunmask --strict --patterns pats <masked >out 2>err &&
	test_cmp in out
'

test_expect_success 'a later file replaces a kind of the same name' '
	write_patterns &&
	printf "%s\n" "ops-ticket  JIRA  \bOPS-[0-9]+\b" >more &&
	test_must_exit 0 awsmask -s memory: --patterns pats --patterns more \
	    <in >out 2>err &&
	echo "EMP_001 took JIRA_001 for customer=CUST_001 on EC2_001" >expect &&
	test_cmp expect out
'

test_expect_success 'a bad regex: exit 78, PCRE2 message and offset, no output' '
	printf "%s\n" "# c" "good  GOOD  \bgood\b" "bad  BAD  OPS-(\d+" >pats &&
	echo "good E104233" >in &&
	test_must_exit 78 awsmask -s memory: --patterns pats <in >out 2>err &&
	test_must_be_empty out &&
	echo "awsmask: pats:3: bad pattern for kind bad: missing closing parenthesis at offset 8" >expect &&
	test_cmp expect err &&
	test_must_exit 78 awsunmask -s memory: --patterns pats <in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "pats:3: bad pattern for kind bad" err
'

test_expect_success 'a bad regex in the configuration file is exit 78 too' '
	printf "%s\n" "bad  BAD  [a-" >pats &&
	echo "patterns = $T/pats" >conf &&
	echo x >in &&
	test_must_exit 78 awsmask -s memory: -C conf <in >out 2>err &&
	test_grep -F "pats:1: bad pattern for kind bad: missing terminating ] for character class at offset 3" err
'

test_expect_success 'a pattern that can match the empty string is refused' '
	printf "%s\n" "stars  STAR  x*" >pats &&
	echo x >in &&
	test_must_exit 78 awsmask -s memory: --patterns pats <in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "pats:1: bad pattern for kind stars: it can match the empty string" err
'

test_expect_success 'bad names, prefixes and lines are refused with their line' '
	echo x >in &&
	for line in "Bad  BAD  x" "ec2-instance  FOO  x" "ec2  FOO  x" \
	    "all  FOO  x" "foo  foo  x" "foo  FOO_  x" "foo  F  x" \
	    "foo  LITERAL  x" "foo  ARN  x" "foo  FOO" "foo"
	do
		printf "%s\n" "# first" "$line" >pats &&
		test_must_exit 78 awsmask -s memory: --patterns pats <in \
		    >out 2>err &&
		test_grep "^awsmask: pats:2: " err &&
		test_must_be_empty out || return 1
	done &&
	printf "%s\n" "foo  FOO  x" "foo  BAR  y" >pats &&
	test_must_exit 78 awsmask -s memory: --patterns pats <in >out 2>err &&
	test_grep -F "pats:2: kind '\''foo'\'' is defined twice" err
'

test_expect_success 'a missing patterns file is exit 78' '
	echo x >in &&
	test_must_exit 78 awsmask -s memory: --patterns no-such-file <in \
	    >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "cannot open patterns file '\''no-such-file'\''" err
'

test_expect_success 'the example patterns files mask the example log' '
	ex=$AWSMASK_TEST_ROOT/examples &&
	test_must_exit 0 awsmask -s memory: --patterns "$ex/patterns/corp.patterns" \
	    --patterns "$ex/patterns/tickets.patterns" \
	    <"$ex/support-case.log" >out 2>err &&
	printf "%s\n" E104233 E100871 jane.doe ops-team C20481533 OPS-4821 \
	    SEC-77 INC0012345 CHG0004567 PQ4R7ZT corp.example.com >originals &&
	test_no_leak originals out &&
	test_grep -F "HTTP-500 count=3, build 2026.11.2, JIRA-style text ABC-12 stays" out
'

test_done
