#!/bin/sh
# awsunmask restores tokens the way an LLM rewrites them (case, markdown
# escapes, hyphens, emphasis around them), --exact turns that off,
# --strict lists the unknown ones as written, and awsmask's token-literal
# kind masks those forms in its input so that the round trip holds.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890
ROLE=PayrollDeployer7
NBH=$(printf '\342\200\221')	# U+2011 NON-BREAKING HYPHEN
HY=$(printf '\342\200\220')	# U+2010 HYPHEN
EN=$(printf '\342\200\223')	# U+2013 EN DASH

printf '%s\n' "$ID1" "$VPC" "$ROLE" 123456789012 >"$WORK/originals"

# known: a store where EC2_001, VPC_001 and IAM_ROLE_001 are known.
known() {
	echo "$ID1 $VPC arn:aws:iam::123456789012:role/$ROLE" >known.in &&
	test_must_exit 0 awsmask <known.in >known.out 2>known.err &&
	echo "EC2_001 VPC_001 arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001" \
	    >known.expect &&
	test_cmp known.expect known.out
}

test_expect_success 'every tolerant form is restored, emphasis kept outside' '
	known &&
	cat >in <<-EOF &&
	Stop ec2_001, Ec2_001 and EC2\\_001 (ec2\\_001) now.
	Then EC2-001 and ec2-001; EC2${NBH}001, ec2${HY}001.
	**EC2_001** is in *vpc-001*, see \`VPC\\_001\` and __x__.
	Roles: IAM\\_ROLE\\_001, iam-role-001, Iam_Role${NBH}001.
	EOF
	test_must_exit 0 awsunmask <in >out 2>err &&
	cat >expect <<-EOF &&
	Stop $ID1, $ID1 and $ID1 ($ID1) now.
	Then $ID1 and $ID1; $ID1, $ID1.
	**$ID1** is in *$VPC*, see \`$VPC\` and __x__.
	Roles: $ROLE, $ROLE, $ROLE.
	EOF
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'forms that are no token are left alone' '
	known &&
	cat >in <<-EOF &&
	web-ec2-001 ec2-001-backup ec2-001.example.com host.ec2-001
	EC2_**001** EC2${EN}001 EC2 001 EC2__001 _ec2_001 ec2_001_ ec2-001a
	EC2\\-001 xec2-001 ec2-01 s3-001 http-200
	EOF
	test_must_exit 0 awsunmask --strict <in >out 2>err &&
	test_cmp in out &&
	test_must_be_empty err
'

test_expect_success '--exact restores EC2_001 only' '
	known &&
	printf "ec2_001 EC2\\\\_001 EC2-001 EC2${NBH}001 **EC2_001** VPC_001\n" >in &&
	test_must_exit 0 awsunmask --exact <in >out 2>err &&
	printf "ec2_001 EC2\\\\_001 EC2-001 EC2${NBH}001 **%s** %s\n" "$ID1" "$VPC" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	echo "unmask_exact = true" >conf &&
	test_must_exit 0 awsunmask -C conf <in >out2 2>err &&
	test_cmp expect out2
'

test_expect_success '--strict lists unknown variants as written, never an original' '
	known &&
	printf "ec2-001 ec2-009\nVpc\\\\_042 EC2_001 iam-role-007\n" >in &&
	test_must_exit 1 awsunmask --strict <in >out 2>err &&
	cat >expect.err <<-\EOF &&
	awsunmask: (standard input):1: unknown token '\''ec2-009'\''
	awsunmask: (standard input):2: unknown token '\''Vpc\_042'\''
	awsunmask: (standard input):2: unknown token '\''iam-role-007'\''
	awsunmask: 3 unknown tokens
	EOF
	test_cmp expect.err err &&
	test_no_leak "$WORK/originals" err &&
	test_must_exit 0 awsunmask --strict --exact <in >out 2>err &&
	sed "s/EC2_001/$ID1/" in >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'awsmask masks the tolerant forms in its input; the round trip holds' '
	known &&
	cat >in <<-EOF &&
	literal ec2-001 and EC2\\_001 and **Ec2_001** and ec2_001 with $ID1
	Iam-Role${NBH}001 VPC\\_001 vpc-001 (rds-001) ec2${HY}002
	kept: web-ec2-001 ec2-001.example.com EC2${EN}001 EC2_**001** s3-001
	EOF
	test_must_exit 0 awsmask <in >masked 2>err &&
	grep -o "LITERAL_[0-9]*" masked | sort -u >lits &&
	test_line_count = 9 lits &&
	test_grep "kept: web-ec2-001 ec2-001.example.com EC2${EN}001 EC2_\*\*001\*\* s3-001" masked &&
	test_must_exit 0 awsunmask <masked >back 2>err &&
	test_cmp in back &&
	test_must_exit 0 awsunmask --exact <masked >back2 2>err &&
	test_cmp in back2
'

test_expect_success 'a known token written exactly is ours: awsmask leaves it' '
	known &&
	echo "**EC2_001** and EC2_001, VPC_001 in arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001" >exact &&
	test_must_exit 0 awsmask <exact >exact.out 2>err &&
	test_cmp exact exact.out
'

test_expect_success 'a token split by a block boundary in a long line' '
	known &&
	awk "BEGIN { while (n++ < 30000) printf \"ec2-001 x Ec2\\\\_001 \"; print \"\" }" >in &&
	test_must_exit 0 awsunmask <in >out 2>err &&
	test_must_be_empty err &&
	test_grep ! -i "ec2" out &&
	awk -v id="$ID1" "BEGIN { while (n++ < 30000) printf \"%s x %s \", id, id; print \"\" }" >expect &&
	test_cmp expect out
'

test_done
