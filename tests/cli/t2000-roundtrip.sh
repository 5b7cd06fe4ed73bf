#!/bin/sh
# The round-trip property: awsunmask(awsmask(x)) == x byte for byte, on
# the sqlite store (memory: lives in one process only), for every file in
# examples/ and for generated inputs; masked output never holds a planted
# original; awsunmask --verify.

. "$(dirname "$0")/lib.sh"

GEN=$AWSMASK_TEST_ROOT/tests/gen

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
VPC=vpc-0a1b2c3d4e5f67890
IP=10.20.30.40
PUB=54.210.17.9
ACCOUNT=123456789012
ROLE=PayrollDeployer7

printf '%s\n' "$ID1" "$ID2" "$VPC" "$IP" "$PUB" "$ACCOUNT" "$ROLE" \
    >"$WORK/originals"

# roundtrip FILE [STORE]: mask FILE to FILE.masked, unmask that to
# FILE.back, and compare with FILE byte for byte.  A token the store has
# issued, written exactly, is left as it is (masking is a fixed point) and
# comes back as its original: the inputs hold none.
roundtrip() {
	test_must_exit 0 awsmask ${2:+--store "$2"} <"$1" >"$1.masked" \
	    2>"$1.err" &&
	test_must_exit 0 awsunmask ${2:+--store "$2"} <"$1.masked" \
	    >"$1.back" 2>"$1.err2" &&
	test_cmp "$1" "$1.back"
}

# Identifier-rich text around which the byte-level cases are built.
rich() {
	printf 'instance %s (%s) in %s\n' "$ID1" "$ID2" "$VPC"
	printf 'from %s to %s by arn:aws:iam::%s:role/%s\n' "$IP" "$PUB" \
	    "$ACCOUNT" "$ROLE"
}

# looks_like_ids: print what, in stdin, a crude independent detector
# takes for an AWS identifier: prefixed resource IDs, IPv4 addresses
# other than the well-known constants, IAM key IDs, ARNs with an account.
looks_like_ids() {
	grep -a -o -E '(^|[^A-Za-z0-9_-])(i|vpc|subnet|sg|sgr|ami|vol|snap|eni|igw|eigw|nat|rtb|acl|tgw|tgw-attach|pcx|vpce|lt|fs|key|dopt|pl|cgw|vgw|vpn|eipalloc|sir|fleet|fl)-[0-9a-f]{8}([0-9a-f]{9})?([^A-Za-z0-9_-]|$)|(^|[^0-9.])([0-9]{1,3}\.){3}[0-9]{1,3}([^0-9.]|$)|(AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA)[A-Z0-9]{16}|arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:[0-9]{12}' |
	    grep -v -E '(^|[^0-9])(0\.0\.0\.0|127\.0\.0\.1|169\.254\.169\.254|255\.255\.255\.255)([^0-9]|$)' |
	    # A browser's version after its product token (Chrome/122.0.0.0)
	    # is not an address, and awsmask rightly keeps it.
	    grep -v -E '^/[0-9]{1,3}\.[0-9]{1,3}\.0\.0([^0-9.]|$)' || :
}

n_examples=0
if [ -d "$AWSMASK_TEST_ROOT/examples" ]; then
	n_examples=$(find "$AWSMASK_TEST_ROOT/examples" -type f | wc -l)
fi
if [ "$n_examples" -gt 0 ]; then
test_expect_success "every file in examples/ ($n_examples) round-trips" '
	find "$AWSMASK_TEST_ROOT/examples" -type f | sort >list &&
	i=0 &&
	while read -r f; do
		i=$((i + 1)) &&
		cp "$f" "ex$i" &&
		# A store of its own: the tokens an earlier file got, written
		# in this one (a README showing EC2_001), would be ours.
		if ! roundtrip "ex$i" "sqlite:$PWD/ex$i.db"; then
			echo "round trip fails for $f" >&4
			return 1
		fi
	done <list
'

test_expect_success 'masked examples hold nothing that looks like an AWS ID' '
	find "$AWSMASK_TEST_ROOT/examples" -type f | sort >list &&
	i=0 &&
	while read -r f; do
		i=$((i + 1)) &&
		test_must_exit 0 awsmask <"$f" >"ex$i.masked" 2>err &&
		looks_like_ids <"$f" >>before &&
		looks_like_ids <"ex$i.masked" >"ex$i.left" &&
		if [ -s "ex$i.left" ]; then
			echo "left in the masked $f:" >&4
			head -n 5 "ex$i.left" >&4
			return 1
		fi
	done <list &&
	test_line_count -gt 0 before
'
else
test_skip 'every file in examples/ round-trips' 'no examples yet'
test_skip 'masked examples hold nothing that looks like an AWS ID' 'no examples yet'
fi

test_expect_success 'empty input gives empty output' '
	: >in &&
	roundtrip in &&
	test_must_be_empty in.masked &&
	test_must_be_empty in.err
'

test_expect_success 'identifier-rich text round-trips; no original in the masked text' '
	rich >in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked &&
	test_must_be_empty in.err2
'

# As text: random bytes that begin with '{' or '[' (one byte in 128 at
# n = 1) are a truncated JSON document to --format auto, exit 65.
test_expect_success 'random bytes round-trip (1 B .. 1 MB)' '
	for n in 1 100 4095 4096 4097 65535 65536 65537 1048576; do
		head -c $n /dev/urandom >r$n &&
		(AWSMASK_FORMAT=text && export AWSMASK_FORMAT &&
		    roundtrip r$n) || return 1
	done
'

test_expect_success 'random bytes with identifiers planted in them' '
	{ head -c 70000 /dev/urandom && echo && rich && head -c 70000 /dev/urandom &&
	  printf " %s " "$ID2" && head -c 200000 /dev/urandom; } >in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked
'

test_expect_success 'NUL bytes round-trip' '
	{ printf "\000\000a\000" && printf "%s\000%s\000\n" "$ID1" "$VPC" &&
	  rich && printf "\000%s\000" "$IP"; } >in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked
'

test_expect_success 'invalid UTF-8 round-trips' '
	{ printf "\377\376 %s \303\050 \355\240\200 %s\n" "$ID1" "$VPC" &&
	  printf "\300\257%s\300\257\n" "$IP" && rich && printf "\342\202\n"; } >in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked
'

test_expect_success 'CRLF line endings round-trip' '
	rich | sed "s/\$/\r/" >in &&
	printf "%s\r\n\r\n%s\r" "$ID1" "$PUB" >>in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked &&
	test_grep "$(printf "\r")\$" in.masked
'

test_expect_success 'no final newline round-trips' '
	printf "last %s" "$ID1" >in &&
	roundtrip in &&
	printf "last EC2_001" >expect &&
	test_cmp expect in.masked &&
	printf "%s" "$IP" >in2 &&
	roundtrip in2 &&
	test_no_leak "$WORK/originals" in2.masked
'

test_expect_success 'identifiers at every offset around 4 KiB and 64 KiB boundaries' '
	for size in 4096 65536; do
		for d in 30 20 10 5 1 0; do
			awk -v n=$((size - d)) "BEGIN { while (n-- > 0) printf \"x\"; exit }" >pad &&
			{ cat pad && printf " %s %s\n" "$ID1" "$VPC"; } >in &&
			roundtrip in &&
			test_no_leak "$WORK/originals" in.masked || return 1
		done
	done
'

test_expect_success 'identifiers of many kinds between random separators (3 seeds)' '
	for seed in 1 2 3; do
		awk -v n=5000 -v seed=$seed -v orig=orig$seed -f "$GEN/mixed.awk" >mix$seed &&
		test_line_count -gt 1000 orig$seed &&
		roundtrip mix$seed &&
		test_no_leak orig$seed mix$seed.masked || return 1
	done
'

test_expect_success 'a generated 1 MB line with identifiers round-trips' '
	awk -v size=1048576 -v seed=7 -v orig=orig -f "$GEN/bigline.awk" >in &&
	test_line_count = 1 in &&
	test_line_count -gt 100 orig &&
	roundtrip in &&
	test_no_leak orig in.masked
'

test_expect_success 'a single 100 MB line with identifiers all through it' '
	awk -v size=104857600 -v seed=11 -v orig=orig -f "$GEN/bigline.awk" >in &&
	test_line_count = 1 in &&
	test_line_count -gt 5000 orig &&
	test_must_exit 0 awsmask <in >in.masked 2>in.err &&
	test_no_leak orig in.masked &&
	test_must_exit 0 awsunmask <in.masked >in.back 2>in.err2 &&
	rm -f in.masked &&
	test_cmp in in.back &&
	rm -f in in.back
'

test_expect_success 'text awsunmask would read as tokens round-trips' '
	nbh=$(printf "\342\200\221") &&
	{ rich &&
	  printf "ec2-001 EC2\\\\_001 **EC2_001** ec2_001 IAM\\\\_ROLE\\\\_001 %s\n" "$ID1" &&
	  printf "EC2${nbh}001 vpc-001 (rds-001) web-ec2-001 EC2_**001** %s\n" "$VPC" &&
	  printf "account-001 ACCOUNT\\\\_001 Literal_001 literal-002 %s\n" "$PUB"; } >in &&
	roundtrip in &&
	test_no_leak "$WORK/originals" in.masked &&
	test_grep "web-ec2-001 EC2_\*\*001\*\*" in.masked &&
	test_grep "^LITERAL_001 LITERAL_002 \*\*LITERAL_003\*\* LITERAL_004 LITERAL_005 EC2_001\$" in.masked
'

test_expect_success 'random token-like text with identifiers round-trips (3 seeds)' '
	for seed in 1 2 3; do
		awk -v seed=$seed -v id1="$ID1" -v vpc="$VPC" "BEGIN {
			srand(seed)
			nw = split(\"ec2 EC2 Ec2 vpc VPC iam_role IAM\\\\_ROLE iam-role rds literal account x web\", w, \" \")
			ns = split(\"_ \\\\_ - \342\200\221 \342\200\220 \342\200\223 \\\\ __\", sp, \" \")
			nd = split(\"001 002 0012 999 01 1234\", d, \" \")
			nb = split(\"@ @ @ . - * ** \140 ( ) _ a\", b, \" \")
			for (i = 0; i < 20000; i++) {
				t = w[int(rand() * nw) + 1] sp[int(rand() * ns) + 1] d[int(rand() * nd) + 1]
				# A token the store issued, written exactly, is ours
				# and stays: not a literal to round-trip.
				if (t ~ /^(EC2|VPC)_00[12]\$/)
					sub(/_/, \"__\", t)
				printf \"%s\", t
				x = b[int(rand() * nb) + 1]
				printf \"%s\", x == \"@\" ? \" \" : x
				if (rand() < 0.1) printf \" %s \", rand() < 0.5 ? id1 : vpc
				if (rand() < 0.05) printf \"\n\"
			}
			print \"\"
		}" >tok$seed &&
		roundtrip tok$seed &&
		test_no_leak "$WORK/originals" tok$seed.masked || return 1
	done
'

test_expect_success 'awsunmask --verify: exit 0 when the round trip is exact' '
	rich >in &&
	test_must_exit 0 awsmask <in >masked 2>err &&
	test_must_exit 0 awsunmask --verify in <masked >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'awsunmask --verify: exit 1 and a value-free report when altered' '
	printf "line one\nfirst %s\nsecond %s\nthird %s\n" "$ID1" "$ID2" "$IP" >in &&
	test_must_exit 0 awsmask <in >masked 2>err &&
	test_grep "^first EC2_001$" masked &&
	sed "s/EC2_001/EC2_002/" masked >altered &&
	test_must_exit 1 awsunmask --verify in <altered >out 2>err &&
	test_must_be_empty out &&
	test_grep "2" err &&
	test_no_leak "$WORK/originals" err &&
	sed "\$d" masked >truncated &&
	test_must_exit 1 awsunmask --verify in <truncated >out 2>err &&
	test_must_be_empty out &&
	test_no_leak "$WORK/originals" err &&
	printf "line one\n" >masked1 &&
	sed 1d masked >>masked1 &&
	test_must_exit 0 awsunmask --verify in <masked1 >out 2>err &&
	sed "1s/one/ONE/" masked >altered2 &&
	test_must_exit 1 awsunmask --verify in <altered2 >out 2>err &&
	test_grep "1" err
'

test_done
