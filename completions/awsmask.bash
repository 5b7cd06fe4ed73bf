# bash completion for awsmask and awsunmask			-*- shell-script -*-

_awsmask_store_schemes="memory: sqlite: redis:// unix://"

# Complete the argument of an option that takes one; 0 when handled.
_awsmask_optarg()
{
	local cur=$1 prev=$2 tool=$3
	case $prev in
	--store|-s)
		COMPREPLY=($(compgen -W "$_awsmask_store_schemes" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return 0 ;;
	--types|-t|--exclude-types)
		local kinds
		kinds=$("$tool" --list-types 2>/dev/null | cut -f1)
		COMPREPLY=($(compgen -W "$kinds" -- "${cur##*,}"))
		if [[ $cur == *,* ]]; then
			local head=${cur%,*},
			COMPREPLY=("${COMPREPLY[@]/#/$head}")
		fi
		return 0 ;;
	--config|-C|--allow-file|--password-file|--verify)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--allow|--namespace|--ttl)
		COMPREPLY=()
		return 0 ;;
	esac
	return 1
}

_awsmask()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	_awsmask_optarg "$cur" "$prev" "${COMP_WORDS[0]}" && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--allow --allow-file --check --config
		    --exclude-types --help --line-buffered --list-types
		    --namespace --no-preserve-structure --password-file --quiet
		    --store --store-status --ttl --types --verbose --version
		    -c -C -h -q -s -t -v -V" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

_awsunmask()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	_awsmask_optarg "$cur" "$prev" awsmask && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--config --help --line-buffered
		    --namespace --password-file --quiet --store --strict --ttl
		    --verbose --verify --version -C -h -q -s -v -V" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _awsmask awsmask
complete -o filenames -F _awsunmask awsunmask
