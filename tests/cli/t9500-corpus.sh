#!/bin/sh
# The detection corpus of tests/corpus (make eval): its labels agree with
# its files, and eval.py runs end to end on a few files of every format,
# fails when a file does not come back byte for byte, and counts what it
# should.  The whole corpus is for make eval, not make check: it takes
# minutes.

. "$(dirname "$0")/lib.sh"

CORPUS=$AWSMASK_TEST_ROOT/tests/corpus

test_expect_success 'the corpus labels match their files' '
	test_must_exit 0 python3 "$CORPUS/check.py" >out 2>err &&
	test_grep "^1\.\.[0-9]" out &&
	test_grep ! "^not ok" out
'

test_expect_success 'a label whose text is not in its file is found' '
	cp -R "$CORPUS" corpus &&
	f=corpus/aws/logs/vpc-flow.log.spans &&
	sed "/[[:space:]]ENI[[:space:]]/{s/eni-/enx-/;:a;n;ba}" "$f" >tampered &&
	mv tampered "$f" &&
	test_must_exit 1 python3 corpus/check.py --no-rules >out 2>err &&
	test_grep "^not ok .* every label matches its file" out &&
	test_grep "vpc-flow.log.spans: offset" out
'

test_expect_success 'eval.py runs on the subset and every file round-trips' '
	test_must_exit 0 python3 "$CORPUS/eval.py" --subset \
		--bin "$AWSMASK_TEST_ROOT/cmd" --json sum.json >out 2>err &&
	test_grep "^round trip: 10 of 10 files byte for byte" out &&
	test_grep "^Recall by kind" out &&
	test_grep "^Misses by class of issue #13" out &&
	test_grep "\"roundtrip_failures\": 0" sum.json
'

test_expect_success 'eval.py counts a masked label as found' '
	test_must_exit 0 python3 "$CORPUS/eval.py" --bin "$AWSMASK_TEST_ROOT/cmd" \
		--json sum.json aws/logs/vpc-flow.log >out 2>err &&
	test_grep "^ENI  *[0-9]+ +[0-9]+ +0 +0 +100.00%" out
'

test_expect_success 'eval.py fails when a file does not come back' '
	mkdir bin &&
	ln -s "$AWSMASK_TEST_ROOT/cmd/awsmask" bin/awsmask &&
	printf "#!/bin/sh\n\"%s\" \"\$@\" | sed s/ACCEPT/REJECT/\n" \
		"$AWSMASK_TEST_ROOT/cmd/awsunmask" >bin/awsunmask &&
	chmod +x bin/awsunmask &&
	test_must_exit 1 python3 "$CORPUS/eval.py" --bin bin \
		aws/logs/vpc-flow.log >out 2>err &&
	test_grep "^FAIL  aws/logs/vpc-flow.log: differs at byte" out
'

test_done
