#!/bin/sh
# awsunmask: known tokens back to originals, unknown ones left and
# counted, --strict, --quiet, token boundaries, files and stdin.

. "$(dirname "$0")/lib.sh"

GEN=$AWSMASK_TEST_ROOT/tests/gen

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
VPC=vpc-0a1b2c3d4e5f67890

# known: a store where EC2_001, EC2_002 and VPC_001 are known.
known() {
	echo "$ID1 $ID2 $VPC" >known.in &&
	test_must_exit 0 awsmask <known.in >known.out 2>known.err &&
	echo "EC2_001 EC2_002 VPC_001" >known.expect &&
	test_cmp known.expect known.out
}

test_expect_success 'known tokens become their originals' '
	known &&
	printf "was EC2_002, then EC2_001 in VPC_001.\n" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	printf "was %s, then %s in %s.\n" "$ID2" "$ID1" "$VPC" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'unknown tokens are left as they are and counted on stderr' '
	known &&
	echo "EC2_001 EC2_999 VPC_042 SUBNET_007 EC2_002" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	echo "$ID1 EC2_999 VPC_042 SUBNET_007 $ID2" >expect &&
	test_cmp expect out &&
	echo "awsunmask: 3 unknown tokens left as they are" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'unknown tokens with no store at all' '
	echo "EC2_001 and VPC_001 and EC2_002" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	test_cmp in out &&
	echo "awsunmask: 3 unknown tokens left as they are" >expect.err &&
	test_cmp expect.err err
'

test_expect_success '--quiet silences the count' '
	known &&
	echo "EC2_001 EC2_999 VPC_042 SUBNET_007" >in &&
	test_must_exit 0 awsunmask --quiet <in >out 2>err &&
	echo "$ID1 EC2_999 VPC_042 SUBNET_007" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_must_exit 0 awsunmask -q <in >out 2>err &&
	test_must_be_empty err
'

test_expect_success '--strict: an unknown token is an error, exit 1, tokens listed' '
	known &&
	echo "EC2_001 EC2_999 VPC_042" >in &&
	test_must_exit 1 awsunmask --strict <in >out 2>err &&
	test_grep "EC2_999" err &&
	test_grep "VPC_042" err &&
	test_grep ! "EC2_001" err &&
	printf "%s\n" "$ID1" "$ID2" "$VPC" >originals &&
	test_no_leak originals err
'

test_expect_success '--strict with only known tokens: exit 0' '
	known &&
	echo "EC2_001 and VPC_001" >in &&
	test_must_exit 0 awsunmask --strict <in >out 2>err &&
	echo "$ID1 and $VPC" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'EC2_0012 is not EC2_001 followed by 2; EC2_001_ is' '
	known &&
	echo "EC2_0012 EC2_001x xEC2_001 EC2_001_ EC2_001" >in &&
	test_must_exit 0 awsunmask --quiet <in >out 2>err &&
	echo "EC2_0012 EC2_001x xEC2_001 ${ID1}_ $ID1" >expect &&
	test_cmp expect out &&
	echo EC2_0012 >in2 &&
	test_must_exit 0 awsunmask <in2 >out2 2>err2 &&
	test_cmp in2 out2 &&
	test_grep "^awsunmask: 1 unknown token" err2
'

test_expect_success 'an ID glued to underscores comes back' '
	printf "backup_%s_2026.tar _%s_ %s_001\n" $ID1 $ID1 $ID1 >in &&
	awsmask <in >masked &&
	echo $ID1 >orig &&
	test_no_leak orig masked &&
	awsunmask <masked >out &&
	test_cmp in out
'

test_expect_success 'tokens next to punctuation, quotes and line ends' '
	known &&
	printf "{\"Id\":\"EC2_001\"},(EC2_002)\n\tVPC_001\r\nEC2_001" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	printf "{\"Id\":\"%s\"},(%s)\n\t%s\r\n%s" "$ID1" "$ID2" "$VPC" "$ID1" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'four-digit counters: EC2_1000 is not EC2_100' '
	awk -v procs=1 -v shared=0 -v own=1000 -v dir=. -f "$GEN/overlap.awk" &&
	test_line_count = 1000 in.1 &&
	test_must_exit 0 awsmask <in.1 >masked 2>err &&
	test_grep "EC2_1000 " masked &&
	test_grep "EC2_100 " masked &&
	l100=$(grep -n "EC2_100 " masked | cut -d: -f1) &&
	l1000=$(grep -n "EC2_1000 " masked | cut -d: -f1) &&
	sed -n "${l100}p" in.1 | cut -d" " -f4 >expect100 &&
	sed -n "${l1000}p" in.1 | cut -d" " -f4 >expect1000 &&
	echo EC2_100 >t100 &&
	echo EC2_1000 >t1000 &&
	test_must_exit 0 awsunmask <t100 >got100 2>err &&
	test_must_exit 0 awsunmask <t1000 >got1000 2>err &&
	test_cmp expect100 got100 &&
	test_cmp expect1000 got1000 &&
	test_must_exit 0 awsunmask <masked >back 2>err &&
	test_cmp in.1 back
'

test_expect_success 'files as arguments and -, in order; a missing file exits 74' '
	known &&
	echo EC2_001 >a &&
	echo VPC_001 >b &&
	echo EC2_002 >c &&
	test_must_exit 0 awsunmask a - b <c >out 2>err &&
	printf "%s\n%s\n%s\n" "$ID1" "$ID2" "$VPC" >expect &&
	test_cmp expect out &&
	test_must_exit 74 awsunmask a nope b >out 2>err &&
	printf "%s\n%s\n" "$ID1" "$VPC" >expect &&
	test_cmp expect out &&
	echo "awsunmask: cannot open '\''nope'\'': No such file or directory" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a folder among the files: the others still unmasked, exit 74' '
	known &&
	echo EC2_001 >a &&
	echo VPC_001 >b &&
	mkdir folder &&
	test_must_exit 74 awsunmask a folder b >out 2>err &&
	printf "%s\n%s\n" "$ID1" "$VPC" >expect &&
	test_cmp expect out &&
	test_line_count = 1 err &&
	test_grep "^awsunmask: .*folder.*: Is a directory$" err
'

test_expect_success 'a lost write (stdout on /dev/full): message, exit 74' '
	known &&
	echo EC2_001 >in &&
	test_must_exit 74 awsunmask <in >/dev/full 2>err &&
	test_grep "^awsunmask: .*No space left on device" err
'

test_expect_success '--verify with a missing ORIGINAL: exit 74' '
	known &&
	test_must_exit 74 awsunmask --verify no-such-file <known.out >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsunmask: cannot open .no-such-file.: No such file or directory$" err
'

test_expect_success 'text without tokens passes byte for byte' '
	printf "nothing\000here\r\n\377 caf\303\251 EC2 EC2_ EC2_01 _001" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	test_cmp in out &&
	test_must_be_empty err
'

test_done
