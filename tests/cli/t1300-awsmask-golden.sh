#!/bin/sh
# Golden cases: tests/cli/golden/t1300/<case>.in masked with a fresh
# memory: store must give <case>.out byte for byte (flags, if any, in
# <case>.args), and must round-trip through the default sqlite store.
# Adding a case is adding files.  The expected outputs follow DESIGN.md
# and KINDS.md (structure kept, prefixes, tokens in order of appearance).
# Then hostnames, whose token names the spec leaves open: the AWS suffix
# is kept and the identifying labels are gone.

. "$(dirname "$0")/lib.sh"

GOLDEN=$AWSMASK_TEST_ROOT/tests/cli/golden/t1300

for in in "$GOLDEN"/*.in; do
	[ -f "$in" ] || continue
	case=$(basename "$in" .in)
	args=
	[ -f "$GOLDEN/$case.args" ] && args=$(cat "$GOLDEN/$case.args")

test_expect_success "golden: $case" '
	test_must_exit 0 awsmask -s memory: '"$args"' <"'"$in"'" >out 2>err &&
	test_cmp "'"$GOLDEN/$case.out"'" out &&
	test_must_be_empty err &&
	test_must_exit 0 awsmask '"$args"' <"'"$in"'" >masked 2>err &&
	test_must_exit 0 awsunmask <masked >back 2>err &&
	test_cmp "'"$in"'" back
'

done

# Two identifiers glued by a character an ARN's resource may hold (or an
# IAM wildcard): where one ends is open to reading, but whatever the
# reading, no part of either may survive.
test_expect_success 'ARNs glued to ARNs or s3:// URIs by = + * $ leak nothing' '
	L=arn:aws:lambda:us-east-1:300000000001:function:fn-one &&
	R=arn:aws:iam::300000000002:role/svc-two &&
	S=s3://bkt-three/k.txt &&
	printf "%s\n" 300000000001 300000000002 fn-one svc-two bkt-three >originals &&
	for sep in = + "*" "\$"; do
		for pair in "$L$sep$R" "$L$sep$S" "$R$sep$R" "$R$sep$S" "$L$sep$L"; do
			echo "$pair" >in &&
			test_must_exit 0 awsmask -s memory: <in >out 2>err &&
			if ! test_no_leak originals out; then
				echo "from: $pair" >&4
				echo "  to: $(cat out)" >&4
				return 1
			fi
		done || return 1
	done
'

# check_host HOSTNAME SUFFIX LABEL...: HOSTNAME masked keeps SUFFIX at its end,
# loses every LABEL, and round-trips.
check_host() {
	_h=$1 _s=$2
	shift 2
	echo "connect to $_h now" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_grep -F "$_s now" out &&
	test_grep "^connect to [A-Za-z0-9_.-]*[A-Z]+_[0-9]{3,}" out &&
	for _l; do
		test_grep ! -F "$_l" out || return 1
	done &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back
}

test_expect_success 'EC2 private DNS names keep their suffix' '
	check_host ip-10-0-1-23.ec2.internal .ec2.internal ip-10-0-1-23 &&
	check_host ip-10-0-1-24.us-west-2.compute.internal .us-west-2.compute.internal ip-10-0-1-24
'

test_expect_success 'EC2 public DNS names keep their suffix' '
	check_host ec2-54-1-2-3.compute-1.amazonaws.com .compute-1.amazonaws.com ec2-54-1-2-3 &&
	check_host ec2-3-120-4-5.eu-central-1.compute.amazonaws.com \
	    .eu-central-1.compute.amazonaws.com ec2-3-120-4-5
'

test_expect_success 'RDS, ElastiCache, ELB endpoints keep their suffix' '
	check_host orders-db.c9akciq32xyz.us-east-1.rds.amazonaws.com \
	    .us-east-1.rds.amazonaws.com orders-db c9akciq32xyz &&
	check_host sessions.abc123.0001.use1.cache.amazonaws.com .cache.amazonaws.com \
	    sessions.abc123 &&
	check_host web-prod-1234567890.us-east-1.elb.amazonaws.com \
	    .us-east-1.elb.amazonaws.com web-prod-1234567890
'

test_expect_success 'ECR, API Gateway and CloudFront hosts keep their suffix' '
	check_host 123456789012.dkr.ecr.us-east-1.amazonaws.com \
	    .dkr.ecr.us-east-1.amazonaws.com 123456789012 &&
	check_host a1b2c3d4e5.execute-api.us-east-1.amazonaws.com \
	    .execute-api.us-east-1.amazonaws.com a1b2c3d4e5 &&
	check_host d111111abcdef8.cloudfront.net .cloudfront.net d111111abcdef8
'

test_done
