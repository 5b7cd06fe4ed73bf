# bash completion for awsmask, awsunmask, awsmask-stats,	-*- shell-script -*-
# awsmask-cleanup and awsmask-claude.
#
# Install as .../bash-completion/completions/awsmask, with a link named
# after each other tool beside it, or source this file.  It works with or without the
# bash-completion package; with it, "--opt=value" and "scheme:path" words
# are completed as a whole.

_awsmask_store_schemes='memory: sqlite: redis:// redis-cluster:// unix://'

# Set cur and prev (and _awsmask_words, _awsmask_cword) for the word
# under completion.  "--opt=value" is split: prev=--opt, cur=value, and
# _awsmask_eq holds what the replies must be prefixed with so that bash
# keeps the "--opt=" part.
_awsmask_init()
{
	local words cword
	if declare -F _get_comp_words_by_ref >/dev/null 2>&1 &&
	    [[ -n ${COMP_LINE-} ]]; then
		_get_comp_words_by_ref -n =: cur prev words cword
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]-}
		prev=
		((cword > 0)) && prev=${words[cword - 1]}
		# Plain bash splits "--opt=value" into "--opt" "=" "value".
		if [[ $cur == = ]]; then
			cur=
		elif [[ $prev == = ]] && ((cword > 1)); then
			prev=${words[cword - 2]}
		fi
	fi
	_awsmask_words=("${words[@]}")
	_awsmask_cword=$cword
	_awsmask_eq=
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
		# Unless bash itself breaks words at '=', it replaces the
		# whole "--opt=value" word.
		[[ $COMP_WORDBREAKS == *=* ]] || _awsmask_eq=$prev=
	fi
}

# Fix COMPREPLY up for words that bash splits at ':' or that carried an
# "--opt=" prefix.
_awsmask_finish()
{
	local i
	if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
		local colon=${cur%"${cur##*:}"}
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$colon"}
		done
	fi
	if [[ -n $_awsmask_eq ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$_awsmask_eq${COMPREPLY[i]}
		done
	fi
}

# File names, one a reply, directories marked so that bash adds a '/'.
_awsmask_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

# The kind names and token prefixes, from the tool itself.
_awsmask_kinds()
{
	local tool=${_awsmask_words[0]}
	# awsmask-claude masks as awsmask does; awsmask lists the kinds.
	[[ $tool == *-claude ]] && tool=${tool%-claude}
	[[ $tool == */* && -x $tool ]] || tool=awsmask
	"$tool" --list-types 2>/dev/null | cut -f1
	"$tool" --list-types 2>/dev/null | cut -f2 | sort -u
}

# Complete the argument of the option in prev; return 1 if prev takes
# none.
_awsmask_optarg()
{
	case $prev in
	-s | --store)
		case $cur in
		sqlite:*)
			_awsmask_files "${cur#sqlite:}"
			COMPREPLY=("${COMPREPLY[@]/#/sqlite:}")
			;;
		unix://*)
			_awsmask_files "${cur#unix://}"
			COMPREPLY=("${COMPREPLY[@]/#/unix://}")
			;;
		*)
			COMPREPLY=($(compgen -W "$_awsmask_store_schemes" \
			    -- "$cur"))
			compopt -o nospace 2>/dev/null
			;;
		esac
		;;
	-t | --types | --exclude-types)
		local kinds head=
		kinds=$(_awsmask_kinds)
		[[ $prev == --exclude-types ]] || kinds+=$'\nall'
		if [[ $cur == *,* ]]; then
			head=${cur%,*},
		fi
		COMPREPLY=($(compgen -W "$kinds" -- "${cur##*,}"))
		COMPREPLY=("${COMPREPLY[@]/#/$head}")
		compopt -o nospace 2>/dev/null
		;;
	--format)
		COMPREPLY=($(compgen -W "auto text json ndjson" -- "$cur"))
		;;
	--report-format)
		COMPREPLY=($(compgen -W "text json sarif" -- "$cur"))
		;;
	--token-style)
		COMPREPLY=($(compgen -W "counter digest" -- "$cur"))
		;;
	-C | --config | --allow-file | --api-key-file | --password-file | --patterns | --report | --request | --token-key-file | --verify | -o | --output)
		_awsmask_files "$cur"
		;;
	-m | --model)
		COMPREPLY=($(compgen -W "claude-sonnet-4-5 claude-opus-4-1 claude-haiku-4-5" -- "$cur"))
		;;
	--allow | --max-retries | --max-tokens | --namespace | --system | --timeout | --ttl | --max-entries | --min-idle)
		COMPREPLY=()
		;;
	*)
		return 1
		;;
	esac
	return 0
}

# The common body: $1 is the tool's option list.
_awsmask_complete()
{
	local cur prev i
	COMPREPLY=()
	_awsmask_init
	for ((i = 1; i < _awsmask_cword; i++)); do
		if [[ ${_awsmask_words[i]} == -- ]]; then
			_awsmask_files "$cur"
			return
		fi
	done
	if _awsmask_optarg; then
		_awsmask_finish
		return
	fi
	if [[ -n $_awsmask_eq ]]; then
		# "--opt=" for an option that takes no argument.
		return
	fi
	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$1" -- "$cur"))
		;;
	*)
		_awsmask_files "$cur"
		;;
	esac
	_awsmask_finish
}

_awsmask()
{
	_awsmask_complete '--allow --allow-eviction --allow-file --check
	    --config --exclude-types --format --help --line-buffered
	    --list-types --namespace --no-preserve-structure --password-file
	    --patterns --quiet --report --report-format --store --store-status
	    --token-key-file --token-style --ttl --types --verbose --version
	    -c -C -h -q -s -t -v -V'
}

_awsunmask()
{
	_awsmask_complete '--config --exact --format --help --line-buffered
	    --namespace --password-file --patterns --quiet --store --strict
	    --ttl --verbose --verify --version
	    -C -h -q -s -v -V'
}

_awsmask_stats()
{
	_awsmask_complete '--config --help --json --namespace --output
	    --password-file --prometheus --quiet --store --ttl --verbose
	    --version
	    -C -h -o -q -s -v -V'
}

_awsmask_cleanup()
{
	_awsmask_complete '--config --dry-run --help --json --max-entries
	    --min-idle --namespace --password-file --quiet --store --ttl
	    --verbose --version --wait
	    -C -h -n -q -s -v -V'
}

_awsmask_claude()
{
	_awsmask_complete '--allow --allow-eviction --allow-file
	    --api-key-file --config --dry-run --exclude-types --help
	    --max-retries --max-tokens --model --namespace --no-cache
	    --no-preserve-structure --no-stream --password-file --patterns
	    --quiet --raw --request --show-masked --store --stream --system
	    --timeout --token-key-file --token-style --ttl --types --verbose
	    --version
	    -C -h -m -q -s -t -v -V'
}

complete -F _awsmask awsmask
complete -F _awsunmask awsunmask
complete -F _awsmask_stats awsmask-stats
complete -F _awsmask_cleanup awsmask-cleanup
complete -F _awsmask_claude awsmask-claude
