#!/bin/sh
# awsmask end to end: tokens, the default sqlite store, files and stdin,
# errors, lazy opening, structure, kind selection, allow-lists.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
VPC=vpc-0a1b2c3d4e5f67890
SUBNET=subnet-0123456789abcdef0
ARN=arn:aws:iam::123456789012:role/Admin

test_expect_success 'an instance ID becomes EC2_001' '
	echo "instance $ID1 is running" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	echo "instance EC2_001 is running" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'an ARN keeps its shape; account and role are masked' '
	echo "assumed $ARN today" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	echo "assumed arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001 today" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'the same ID twice gets the same token' '
	printf "%s and again %s\n%s\n" "$ID1" "$ID1" "$ID1" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	printf "EC2_001 and again EC2_001\nEC2_001\n" >expect &&
	test_cmp expect out
'

test_expect_success 'two IDs get EC2_001 and EC2_002, in order of appearance' '
	echo "$ID1, $ID2" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	echo "EC2_001, EC2_002" >expect &&
	test_cmp expect out
'

test_expect_success 'tokens hold across invocations sharing the default store' '
	echo "$ID1" >in1 &&
	echo "$ID2 $ID1" >in2 &&
	test_must_exit 0 awsmask <in1 >out1 2>err1 &&
	test_must_exit 0 awsmask <in2 >out2 2>err2 &&
	echo EC2_001 >expect1 &&
	echo "EC2_002 EC2_001" >expect2 &&
	test_cmp expect1 out1 &&
	test_cmp expect2 out2 &&
	test_path_is_file "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_expect_success 'without XDG_STATE_HOME the store is ~/.local/state/awsmask' '
	echo "$ID1" >in &&
	test_must_exit 0 env -u XDG_STATE_HOME awsmask <in >out 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out &&
	test_path_is_file "$HOME/.local/state/awsmask/mappings.db"
'

test_expect_success '--store memory: masks, per process, and writes no file' '
	echo "$ID1" >in1 &&
	echo "$ID2" >in2 &&
	test_must_exit 0 awsmask --store memory: <in1 >out1 2>err1 &&
	test_must_exit 0 awsmask -s memory: <in2 >out2 2>err2 &&
	echo EC2_001 >expect &&
	test_cmp expect out1 &&
	test_cmp expect out2 &&
	test_must_be_empty err1 &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_expect_success '--store sqlite:PATH uses that file' '
	echo "$ID1" >in &&
	test_must_exit 0 awsmask --store "sqlite:$T/elsewhere.db" <in >out 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out &&
	test_path_is_file "$T/elsewhere.db" &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_expect_success 'files as arguments and - for stdin, in order' '
	echo "$ID1" >a &&
	echo "$ID2" >b &&
	echo "$VPC $ID1" >c &&
	test_must_exit 0 awsmask a - b <c >out 2>err &&
	printf "EC2_001\nVPC_001 EC2_001\nEC2_002\n" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'a missing file: message, the others still masked, exit 74' '
	echo "$ID1" >a &&
	echo "$ID2" >b &&
	test_must_exit 74 awsmask a nope b >out 2>err &&
	printf "EC2_001\nEC2_002\n" >expect &&
	test_cmp expect out &&
	echo "awsmask: cannot open '\''nope'\'': No such file or directory" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a folder among the files: message, the others still masked, exit 74' '
	mkdir folder &&
	echo "$ID1" >a &&
	echo "$ID2" >b &&
	test_must_exit 74 awsmask a folder b >out 2>err &&
	printf "EC2_001\nEC2_002\n" >expect &&
	test_cmp expect out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: .*folder.*: Is a directory$" err
'

test_expect_success 'a lost write (stdout on /dev/full): message, exit 74' '
	echo "$ID1" >in &&
	test_must_exit 74 awsmask <in >/dev/full 2>err &&
	test_grep "^awsmask: .*No space left on device" err &&
	echo "nothing secret" >clean &&
	test_must_exit 74 awsmask <clean >/dev/full 2>err &&
	test_grep "^awsmask: .*No space left on device" err
'

test_expect_success 'text without identifiers passes byte for byte' '
	printf "plain text, nothing to hide\r\n\tcaf\303\251 \342\202\254 42\n\nlast line without newline" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_cmp in out &&
	test_must_be_empty err
'

test_expect_success 'ordinary text that only looks like identifiers is left alone' '
	cat >in <<-\EOF &&
	commit 3f786850e387550fdab836ed7e6dc881de23001b (HEAD -> main)
	request 123e4567-e89b-12d3-a456-426614174000 done at 2024-05-01T12:30:45Z
	version 1.2.3, build 10.0.19045, kernel 6.1.0-18-amd64
	call +1 (555) 123-4567 or order number 123456789012 at 12:30:45
	i-frames and i-node, vol-up, sg-style; the subnet is busy
	listen 127.0.0.1:8080, route 0.0.0.0/0, metadata 169.254.169.254, ::1
	EOF
	test_must_exit 0 awsmask <in >out 2>err &&
	test_cmp in out
'

test_expect_success 'no store file is created for input without identifiers' '
	echo "nothing here" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_cmp in out &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db" &&
	test_must_exit 0 awsmask --store "sqlite:$T/lazy.db" <in >out 2>err &&
	test_path_is_missing "$T/lazy.db"
'

test_expect_success '--no-preserve-structure gives a whole ARN one token' '
	echo "assumed $ARN today" >in &&
	test_must_exit 0 awsmask --no-preserve-structure <in >out 2>err &&
	echo "assumed IAM_ROLE_001 today" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back
'

test_expect_success '--types masks only the kinds listed (prefixes or names)' '
	echo "$ID1 $VPC $SUBNET" >in &&
	test_must_exit 0 awsmask --types EC2 <in >out 2>err &&
	echo "EC2_001 $VPC $SUBNET" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask -t EC2,VPC <in >out 2>err &&
	echo "EC2_001 VPC_001 $SUBNET" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask --list-types >types 2>err &&
	name=$(awk -F "	" "\$2 == \"EC2\" { print \$1; exit }" types) &&
	test -n "$name" &&
	test_must_exit 0 awsmask --store memory: --types "$name" <in >out 2>err &&
	echo "EC2_001 $VPC $SUBNET" >expect &&
	test_cmp expect out
'

test_expect_success '--exclude-types leaves the kinds listed alone' '
	echo "$ID1 $VPC $SUBNET" >in &&
	test_must_exit 0 awsmask --exclude-types EC2 <in >out 2>err &&
	echo "$ID1 VPC_001 SUBNET_001" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask --store memory: --exclude-types EC2,SUBNET <in >out 2>err &&
	echo "$ID1 VPC_001 $SUBNET" >expect &&
	test_cmp expect out
'

test_expect_success '--allow leaves the values named alone (repeatable)' '
	echo "$ID1 $ID2 $VPC" >in &&
	test_must_exit 0 awsmask --store memory: --allow "$ID1" <in >out 2>err &&
	echo "$ID1 EC2_001 VPC_001" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask --store memory: --allow "$ID1" --allow "$VPC" <in >out 2>err &&
	echo "$ID1 EC2_001 $VPC" >expect &&
	test_cmp expect out
'

test_expect_success '--allow-file: one value a line, comments and blank lines' '
	printf "# values we may show\n%s\n\n%s\n" "$ID1" "$VPC" >allow &&
	echo "$ID1 $ID2 $VPC" >in &&
	test_must_exit 0 awsmask --store memory: --allow-file allow <in >out 2>err &&
	echo "$ID1 EC2_001 $VPC" >expect &&
	test_cmp expect out
'

test_expect_success 'a missing --allow-file is an error (74 or 78), nothing masked out' '
	echo "$ID1 $ID2" >in &&
	rc=0 &&
	{ awsmask --store memory: --allow-file no-such-file <in >out 2>err || rc=$?; } &&
	case $rc in 74|78) ;; *) echo "exit $rc, want 74 or 78" >&2; false ;; esac &&
	test_must_be_empty out &&
	test_grep "no-such-file" err
'

test_expect_success 'token-shaped text in the input is masked too' '
	echo "literal EC2_001 here" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_grep ! "EC2_001" out &&
	test_grep "^literal [A-Z][A-Z0-9_]*_[0-9]{3,} here$" out &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back
'

test_expect_success 'a literal token never unmasks into a real ID' '
	echo "$ID1" >in1 &&
	test_must_exit 0 awsmask <in1 >out1 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out1 &&
	echo "literal EC2_002 beside $ID1" >in2 &&
	test_must_exit 0 awsmask <in2 >out2 2>err &&
	test_grep "^literal LITERAL_[0-9]+ beside EC2_001$" out2 &&
	test_must_exit 0 awsunmask <out2 >back 2>err &&
	test_cmp in2 back
'

test_expect_success 'a token the store issued is ours: masked text stays as it is' '
	echo "$ID1" >in1 &&
	test_must_exit 0 awsmask <in1 >out1 2>err &&
	echo "masked EC2_001, then $ID1 again" >in2 &&
	test_must_exit 0 awsmask <in2 >out2 2>err &&
	echo "masked EC2_001, then EC2_001 again" >expect &&
	test_cmp expect out2 &&
	test_must_exit 0 awsmask <out2 >out3 2>err &&
	test_cmp out2 out3
'

test_expect_success '--list-types lists at least 60 kinds, tab separated' '
	test_must_exit 0 awsmask --list-types >types 2>err &&
	test_must_be_empty err &&
	test_line_count -ge 60 types &&
	awk -F "	" "NF != 4 || \$3 !~ /^(yes|no)\$/ || \$2 !~ /^[A-Z][A-Z0-9_]*\$/ { bad++ } END { exit bad > 0 }" types &&
	test_grep "^[^	]+	EC2	yes	" types &&
	test "$(cut -f1 types | sort | uniq -d | wc -l)" -eq 0
'

test_expect_success '--verbose reports on stderr, never a value; stdout unchanged' '
	echo "$ID1 in $VPC by $ARN" >in &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	test_must_exit 0 awsmask -s memory: --verbose <in >out.v 2>err.v &&
	test_cmp out out.v &&
	test_grep "^awsmask: " err.v &&
	printf "%s\n" "$ID1" "$VPC" 123456789012 Admin >originals &&
	test_no_leak originals err.v &&
	test_must_exit 0 awsmask -v -s memory: <in >out.v 2>err.v &&
	test_cmp out out.v
'

test_expect_success '--line-buffered writes each line before the input ends' '
	mkfifo fifo &&
	{
		(
			rc=0
			timeout 20 awsmask --line-buffered <fifo >out 2>err || rc=$?
			echo $rc >rc
		) &
	} &&
	exec 3>fifo &&
	echo "first $ID1" >&3 &&
	test_wait_for 10 test -s out &&
	echo "first EC2_001" >expect &&
	test_cmp expect out &&
	echo "second $ID2" >&3 &&
	test_wait_for 10 test_line_count = 2 out &&
	exec 3>&- &&
	wait &&
	echo 0 >expect.rc &&
	test_cmp expect.rc rc &&
	printf "first EC2_001\nsecond EC2_002\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the state folder is 0700 and the database 0600' '
	umask 000 &&
	echo "$ID1" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_mode 700 "$XDG_STATE_HOME/awsmask" &&
	test_mode 600 "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_done
