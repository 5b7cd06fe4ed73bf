#!/bin/sh
# tests/cli/t0900-completion-bash.sh - the bash completion completes.
#
# Loads completions/awsmask.bash into a bash, sets COMP_WORDS, COMP_CWORD,
# COMP_LINE and COMP_POINT as bash would for a command line, calls the
# function `complete -p` names for the tool, and checks COMPREPLY.  Every
# case runs twice: after /usr/share/bash-completion/bash_completion (when
# it is installed) and in a plain bash.  Kind names come from a stub
# awsmask first on PATH, so the built tools are not needed.
#
# Self-contained (it does not source lib.sh).  Plain TAP output; the exit
# status is 1 when a test failed.

LC_ALL=C
export LC_ALL
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
script=$root/completions/awsmask.bash

if ! command -v bash >/dev/null 2>&1; then
	echo "1..0 # SKIP bash not installed"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/t0900.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# A stub awsmask for --list-types: name, prefix, enabled, description.
mkdir "$work/bin" "$work/files"
cat >"$work/bin/awsmask" <<'EOF'
#!/bin/sh
[ "$1" = --list-types ] || exit 2
printf 'arn\tARN\tyes\tARN: account and resource name\n'
printf 'ec2-instance\tEC2\tyes\tEC2 instance ID\n'
printf 'ec2-hostname\tEC2_HOST\tyes\tEC2 DNS name\n'
printf 'ipv4-private\tPRIVATE_IP\tno\tprivate IPv4 address\n'
EOF
chmod +x "$work/bin/awsmask"
: >"$work/files/config.conf"
: >"$work/files/config.old"

# complete.bash MODE LINE: complete the end of LINE; print COMPREPLY, one
# reply a line.  MODE is "bc" (bash-completion loaded) or "plain".
cat >"$work/complete.bash" <<'EOF'
mode=$1 line=$2
if [[ $mode == bc ]]; then
	. /usr/share/bash-completion/bash_completion || exit 3
fi
. "$SCRIPT" || exit 3
# Split LINE as bash does: at blanks, and at the characters of
# COMP_WORDBREAKS "=" and ":", which become words of their own.
read -ra blank <<<"$line"
COMP_WORDS=()
for w in "${blank[@]}"; do
	while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
		[[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
		COMP_WORDS+=("${BASH_REMATCH[2]}")
		w=${BASH_REMATCH[3]}
	done
	[[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
spec=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null) || exit 4
func=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
[[ -n $func ]] || exit 4
COMPREPLY=()
"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
    "${COMP_WORDS[COMP_CWORD - 1]}"
for r in "${COMPREPLY[@]}"; do
	printf '%s\n' "$r"
done
EOF

n=0
fail=0
out=$work/out
tap=$work/tap

# Results go to $tap, printed after the plan "1..N" at the end.
ok() {
	n=$((n + 1))
	echo "ok $n - $1" >>"$tap"
}
not_ok() {
	n=$((n + 1))
	fail=1
	echo "not ok $n - $1" >>"$tap"
	shift
	for d; do
		echo "#	$d" >>"$tap"
	done
}

# expect MODE TITLE LINE [+REPLY | !REPLY | =] ...: complete LINE; each
# +REPLY must be among the replies, each !REPLY must not, and "=" means
# there must be no reply at all.
expect() {
	mode=$1 title=$2 line=$3
	shift 3
	if ! (cd "$work/files" && PATH=$work/bin:$PATH SCRIPT=$script \
	    bash --norc --noprofile "$work/complete.bash" "$mode" "$line") \
	    >"$out" 2>"$work/err"; then
		not_ok "$title ($mode)" "completing '$line' failed:" \
		    "$(cat "$work/err")"
		return
	fi
	why=
	for want; do
		case $want in
		+*)
			grep -qxF -- "${want#+}" "$out" ||
			    why="$why '${want#+}' missing;"
			;;
		!*)
			! grep -qxF -- "${want#!}" "$out" ||
			    why="$why '${want#!}' offered;"
			;;
		=)
			[ ! -s "$out" ] || why="$why replies offered;"
			;;
		esac
	done
	if [ -z "$why" ]; then
		ok "$title ($mode)"
	else
		not_ok "$title ($mode)" "completing '$line':$why" \
		    "replies: $(tr '\n' ' ' <"$out")"
	fi
}

modes=plain
[ -r /usr/share/bash-completion/bash_completion ] && modes="bc plain"

for m in $modes; do
	expect $m "awsmask --li completes --list-types and --line-buffered" \
	    'awsmask --li' +--list-types +--line-buffered '!--store'
	expect $m "awsunmask --st completes --strict and --store only" \
	    'awsunmask --st' +--strict +--store '!--store-status'
	expect $m "awsmask --st completes --store and --store-status" \
	    'awsmask --st' +--store +--store-status '!--strict'
	expect $m "awsunmask offers no awsmask-only option" \
	    'awsunmask --ch' =
	expect $m "a lone - offers short and long options" \
	    'awsmask -' +-c +-C +-t +--check +--version
	expect $m "awsunmask - offers its short options only" \
	    'awsunmask -' +-C +-s +--verify '!-c' '!-t'
	expect $m "--types completes kind names from --list-types" \
	    'awsmask --types ec2-i' +ec2-instance '!ec2-hostname'
	expect $m "--types completes after a comma" \
	    'awsmask --types arn,ec2-i' +arn,ec2-instance
	expect $m "-t completes token prefixes" \
	    'awsmask -t EC2' +EC2 +EC2_HOST '!ec2-instance'
	expect $m "--exclude-types completes kind names" \
	    'awsmask --exclude-types ipv4' +ipv4-private
	expect $m "--store completes the schemes" \
	    'awsmask --store ' +memory: +sqlite: +redis:// +redis-cluster:// \
	    +unix://
	expect $m "-s re completes redis:// and redis-cluster://" \
	    'awsunmask -s re' +redis:// +redis-cluster:// '!unix://'
	expect $m "-s redis-c completes redis-cluster://" \
	    'awsunmask -s redis-c' +redis-cluster:// '!redis://'
	expect $m "--store=re completes redis://" \
	    'awsmask --store=re' +redis://
	expect $m "--config completes file names" \
	    'awsmask --config config.c' +config.conf '!--check'
	expect $m "--verify completes file names" \
	    'awsunmask --verify config.o' +config.old
	expect $m "operands complete as file names" \
	    'awsmask config.c' +config.conf
	expect $m "after -- no option is offered" \
	    'awsmask -- --li' =
	expect $m "--ttl takes a value, not an option" \
	    'awsmask --ttl --li' =
	expect $m "awsmask-stats --pr completes --prometheus" \
	    'awsmask-stats --pr' +--prometheus '!--patterns'
	expect $m "awsmask-stats -o completes file names" \
	    'awsmask-stats -o config.c' +config.conf
	expect $m "awsmask-cleanup --m completes --max-entries and --min-idle" \
	    'awsmask-cleanup --m' +--max-entries +--min-idle
	expect $m "awsmask-cleanup --min-idle takes a value" \
	    'awsmask-cleanup --min-idle --w' =
	expect $m "awsmask-cleanup --store completes the schemes" \
	    'awsmask-cleanup --store ' +sqlite: +redis://
	expect $m "awsmask-claude --s completes its own options" \
	    'awsmask-claude --s' +--show-masked +--store +--stream \
	    +--system '!--store-status' '!--strict'
	expect $m "awsmask-claude -t completes kinds through awsmask" \
	    'awsmask-claude -t ec2-i' +ec2-instance
	expect $m "awsmask-claude --request completes file names" \
	    'awsmask-claude --request config.c' +config.conf
	expect $m "awsmask-claude --system takes text, not an option" \
	    'awsmask-claude --system --r' =
done

# Every tool of the Makefile has a completion function.
for t in ${AWSMASK_TOOLS:-$(sed -n 's/^TOOLS = //p' "$root/Makefile")}; do
	if bash --norc --noprofile -c '. "$1" && complete -p "$2"' sh \
	    "$script" "$t" >/dev/null 2>&1; then
		ok "bash completes $t"
	else
		not_ok "bash completes $t" "no complete -F for $t"
	fi
done

echo "1..$n"
cat "$tap"
exit $fail
