#!/bin/sh
# Configuration: flags > environment > user file > system file >
# defaults, observed through behaviour (which kinds are masked, where the
# store is, how long mappings live); --config; bad files and values.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890
SUBNET=subnet-0123456789abcdef0
SG=sg-0fedcba9876543210
ARN=arn:aws:iam::123456789012:role/Admin

# user_conf LINE...: the user's configuration file, where the tools look.
user_conf() {
	mkdir -p "$XDG_CONFIG_HOME/awsmask" &&
	printf '%s\n' "$@" >"$XDG_CONFIG_HOME/awsmask/config"
}

# sys_conf LINE...: a system file, named by AWSMASK_SYSCONFIG (the
# caller's shell, not a pipeline's subshell, must run this).
sys_conf() {
	mkdir -p "$T/etc" &&
	printf '%s\n' "$@" >"$T/etc/awsmask.conf" &&
	AWSMASK_SYSCONFIG=$T/etc/awsmask.conf &&
	export AWSMASK_SYSCONFIG
}

# ttl_is DB SECONDS: every mapping in DB lives SECONDS (+-1 s; the
# schema's times may be seconds or milliseconds).
ttl_is() {
	sqlite3 "$1" "SELECT expires - created FROM mappings" >"$1.ttl" &&
	test -s "$1.ttl" &&
	if ! awk -v want="$2" '
		{ d = $1; if (d > 1000 * want - 2000) d = d / 1000 }
		d < want - 1 || d > want + 1 { bad = 1 }
		END { exit bad }' "$1.ttl"
	then
		echo "mappings in $1 live $(head -n 1 "$1.ttl"), want $2 s" >&4
		return 1
	fi
}

test_expect_success 'types: system file < user file < environment < flag' '
	echo "$ID1 $VPC $SUBNET $SG" >in &&
	sys_conf "types = EC2" &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	echo "EC2_001 $VPC $SUBNET $SG" >expect &&
	test_cmp expect out &&
	user_conf "types = VPC" &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	echo "$ID1 VPC_001 $SUBNET $SG" >expect &&
	test_cmp expect out &&
	AWSMASK_TYPES=SUBNET &&
	export AWSMASK_TYPES &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	echo "$ID1 $VPC SUBNET_001 $SG" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask -s memory: --types SG <in >out 2>err &&
	echo "$ID1 $VPC $SUBNET SG_001" >expect &&
	test_cmp expect out
'

test_expect_success 'store: system file < user file < environment < flag' '
	echo "$ID1" >in &&
	sys_conf "store = sqlite:$T/sys.db" &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_path_is_file sys.db &&
	rm -f sys.db* &&
	user_conf "store = sqlite:$T/user.db" &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_path_is_file user.db &&
	test_path_is_missing sys.db &&
	rm -f user.db* &&
	test_must_exit 0 env AWSMASK_STORE="sqlite:$T/env.db" awsmask <in >out 2>err &&
	test_path_is_file env.db &&
	test_path_is_missing user.db &&
	test_must_exit 0 env AWSMASK_STORE="sqlite:$T/env.db" \
	    awsmask --store "sqlite:$T/flag.db" <in >out 2>err &&
	test_path_is_file flag.db &&
	test_path_is_missing user.db &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db" &&
	echo EC2_001 >expect &&
	test_cmp expect out
'

test_expect_success 'awsunmask reads the same configuration' '
	echo "$ID1" >in &&
	user_conf "store = sqlite:$T/user.db" &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_expect_success 'state_dir and AWSMASK_STATE_DIR move the default store' '
	echo "$ID1" >in &&
	user_conf "state_dir = $T/from-file" &&
	test_must_exit 0 awsmask <in >out 2>err &&
	test_path_is_file from-file/mappings.db &&
	test_must_exit 0 env AWSMASK_STATE_DIR="$T/from-env" awsmask <in >out 2>err &&
	test_path_is_file from-env/mappings.db &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db"
'

if test_have sqlite3; then
test_expect_success 'ttl: default 7 days; system < user < MASKING_TTL < --ttl' '
	echo "$ID1" >in &&
	test_must_exit 0 awsmask -s "sqlite:$T/0.db" <in >out 2>err &&
	ttl_is 0.db 604800 &&
	sys_conf "ttl = 1h" &&
	test_must_exit 0 awsmask -s "sqlite:$T/1.db" <in >out 2>err &&
	ttl_is 1.db 3600 &&
	user_conf "masking_ttl = 7200" &&
	test_must_exit 0 awsmask -s "sqlite:$T/2.db" <in >out 2>err &&
	ttl_is 2.db 7200 &&
	MASKING_TTL=3h &&
	export MASKING_TTL &&
	test_must_exit 0 awsmask -s "sqlite:$T/3.db" <in >out 2>err &&
	ttl_is 3.db 10800 &&
	test_must_exit 0 awsmask -s "sqlite:$T/4.db" --ttl 4h <in >out 2>err &&
	ttl_is 4.db 14400
'

test_expect_success '--ttl takes seconds and the s, m, h, d suffixes' '
	echo "$ID1" >in &&
	test_must_exit 0 awsmask -s "sqlite:$T/a.db" --ttl 90 <in >out 2>err &&
	ttl_is a.db 90 &&
	test_must_exit 0 awsmask -s "sqlite:$T/b.db" --ttl 45s <in >out 2>err &&
	ttl_is b.db 45 &&
	test_must_exit 0 awsmask -s "sqlite:$T/c.db" --ttl 30m <in >out 2>err &&
	ttl_is c.db 1800 &&
	test_must_exit 0 awsmask -s "sqlite:$T/d.db" --ttl 2d <in >out 2>err &&
	ttl_is d.db 172800
'
else
test_skip 'ttl precedence' 'sqlite3 is not installed'
test_skip '--ttl suffixes' 'sqlite3 is not installed'
fi

test_expect_success '--config FILE replaces both files; environment still wins' '
	echo "$ID1 $VPC $SUBNET $SG" >in &&
	sys_conf "types = EC2" &&
	user_conf "types = VPC" &&
	echo "types = SUBNET" >mine.conf &&
	test_must_exit 0 awsmask -s memory: --config mine.conf <in >out 2>err &&
	echo "$ID1 $VPC SUBNET_001 $SG" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask -s memory: -C mine.conf <in >out 2>err &&
	test_cmp expect out &&
	test_must_exit 0 env AWSMASK_TYPES=SG awsmask -s memory: -C mine.conf <in >out 2>err &&
	echo "$ID1 $VPC $SUBNET SG_001" >expect &&
	test_cmp expect out &&
	echo "store = sqlite:$T/sys.db" >mine.conf &&
	test_must_exit 0 awsmask -C mine.conf <in >out 2>err &&
	test_path_is_file sys.db
'

test_expect_success '--config with a missing file: exit 78, the file named' '
	echo "$ID1" >in &&
	test_must_exit 78 awsmask --config no-such.conf <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: .*no-such\.conf" err
'

test_expect_success 'file syntax: comments, blanks, case, dashes, quotes' '
	echo "$ID1 $VPC $SUBNET" >in &&
	cat >mine.conf <<-\EOF &&
	# a comment

	  TYPES = "EC2,VPC"   
	Exclude-Types='\''VPC'\''
	store = memory:
	EOF
	test_must_exit 0 awsmask -C mine.conf <in >out 2>err &&
	echo "EC2_001 $VPC $SUBNET" >expect &&
	test_cmp expect out
'

test_expect_success 'booleans: preserve_structure = off / no / 0 / false' '
	echo "$ARN" >in &&
	echo IAM_ROLE_001 >expect &&
	for b in off no 0 false OFF; do
		printf "store = memory:\npreserve-structure = %s\n" "$b" >mine.conf &&
		test_must_exit 0 awsmask -C mine.conf <in >out 2>err &&
		test_cmp expect out || return 1
	done &&
	echo "arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001" >expect &&
	for b in on yes 1 true; do
		printf "store = memory:\npreserve_structure = %s\n" "$b" >mine.conf &&
		test_must_exit 0 awsmask -C mine.conf <in >out 2>err &&
		test_cmp expect out || return 1
	done
'

test_expect_success 'namespace is a known key' '
	echo "$ID1" >in &&
	printf "namespace = team-a:\nstore = memory:\n" >mine.conf &&
	test_must_exit 0 awsmask -C mine.conf <in >out 2>err &&
	test_must_exit 0 awsmask -s memory: --namespace team-b: <in >out 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out
'

test_expect_success 'a bad key in the user file: exit 78, file and line named' '
	echo "$ID1" >in &&
	user_conf "types = EC2" "colour = blue" &&
	test_must_exit 78 awsmask <in >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	test_grep -F "$XDG_CONFIG_HOME/awsmask/config" err &&
	test_grep "(:2([^0-9]|$)|line 2([^0-9]|$))" err
'

test_expect_success 'a bad key in the system file: exit 78, file and line named' '
	echo "$ID1" >in &&
	sys_conf "# system" "" "no_such_key = 1" &&
	test_must_exit 78 awsmask <in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "$T/etc/awsmask.conf" err &&
	test_grep "(:3([^0-9]|$)|line 3([^0-9]|$))" err
'

test_expect_success 'bad values in a file: exit 78, file and line named' '
	echo "$ID1" >in &&
	for bad in "ttl = soon" "ttl = -1" "ttl = 5x" "preserve_structure = maybe" \
	    "redis_port = 99999" "redis_port = 80a" "masking_max_entries = -3"; do
		printf "store = memory:\n%s\n" "$bad" >bad.conf &&
		test_must_exit 78 awsmask -C bad.conf <in >out 2>err &&
		test_must_be_empty out &&
		test_grep -F "bad.conf" err &&
		test_grep "(:2([^0-9]|$)|line 2([^0-9]|$))" err || return 1
	done
'

test_expect_success 'a bad value in the environment: exit 78' '
	echo "$ID1" >in &&
	test_must_exit 78 env MASKING_TTL=abc awsmask -s memory: <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "MASKING_TTL" err &&
	test_must_exit 78 env MASKING_TTL=-1 awsmask -s memory: <in >out 2>err &&
	test_must_exit 78 env REDIS_PORT=http awsmask -s memory: <in >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a bad --ttl is a usage error: exit 2' '
	echo "$ID1" >in &&
	for bad in 5x -1 "" 1.5h 99999999999999999999999 h; do
		test_must_exit 2 awsmask -s memory: --ttl "$bad" <in >out 2>err &&
		test_must_be_empty out &&
		test_grep "^awsmask: " err &&
		test_must_exit 2 awsunmask -s memory: --ttl "$bad" <in >out 2>err &&
		test_must_be_empty out || return 1
	done
'

test_expect_success 'an unknown kind in --types is a usage error: exit 2' '
	echo "$ID1" >in &&
	test_must_exit 2 awsmask -s memory: --types EC2,no-such-kind <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "no-such-kind" err
'

test_expect_success 'an unknown kind in the user file: exit 78' '
	echo "$ID1" >in &&
	user_conf "types = no-such-kind" &&
	test_must_exit 78 awsmask -s memory: <in >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a missing system file is fine' '
	echo "$ID1" >in &&
	AWSMASK_SYSCONFIG=$T/nothing/here.conf &&
	test_must_exit 0 awsmask -s memory: <in >out 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out
'

test_done
