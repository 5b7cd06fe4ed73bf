#!/bin/sh
# tests/check-options.sh - an option has one truth, checked (STYLE.md 19).
#
#	sh tests/check-options.sh
#
# For every tool of the Makefile's TOOLS list (or $AWSMASK_TOOLS, which
# `make check` sets from it), the long options of the getopt_long table in
# cmd/<tool>.c (and the short options of its optstring) must appear, with
# the same short letter and the same "takes an argument", in
# `cmd/<tool> --help`, in the DESCRIPTION of man/<tool>.1 and in the
# bash, zsh and fish completions; and each of those places must list no
# option the source lacks.  The tables and lists are alphabetical by long
# option, every option a man page mentions must exist, and the kinds table
# in awsmask(1) must be what man/kinds-table.sh makes of `awsmask
# --list-types`.  TAP output; the exit status is 1 when anything drifted.

cd "$(dirname "$0")/.." || exit 2
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-options.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The tools: one list, in the Makefile.
tools=${AWSMASK_TOOLS:-$(sed -n 's/^TOOLS = //p' Makefile)}
if [ -z "$tools" ]; then
	echo "not ok 1 - the Makefile lists the tools (TOOLS = ...)"
	exit 1
fi

n=0
fail=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	fail=1
	echo "not ok $n - $1"
	shift
	for d; do
		echo "#	$d"
	done
}
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# Every list below has one option a line, as "name arg short": arg is
# yes or no, short is the option's letter or "-".  Short options alone
# are lines "-X arg -".

# The getopt_long table of cmd/$1.c, in source order.
src_longs() {
	awk -v q="'" '
	/static const struct option [A-Za-z_0-9]*\[\] *= *\{/ { on = 1; next }
	on && /^[ \t]*\}[ \t]*;/ { on = 0 }
	on && match($0, /\{ *"[^"]+" *,[^}]*\}/) {
		split(substr($0, RSTART + 1, RLENGTH - 2), f, ",")
		for (i = 1; i <= 4; i++)
			gsub(/[ \t"]/, "", f[i])
		s = f[4] ~ "^" q ".*" q "$" ? substr(f[4], 2, 1) : "-"
		print f[1], (f[2] == "no_argument" ? "no" : "yes"), s
	}' "cmd/$1.c"
}

# The short options of the optstring of getopt_long() in cmd/$1.c.
src_shorts() {
	tr '\n' ' ' <"cmd/$1.c" |
	    sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' |
	    sed 's/^[+:-]*//' |
	    awk '{
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == ":")
				continue
			print "-" c, substr($0, i + 1, 1) == ":" ? "yes" : "no", "-"
		}
	}'
}

# --help: "  -c, --check   text" and "  --allow VALUE   text" lines; an
# argument is an upper-case word one space after the option.
help_longs() {
	awk '/^[ \t]+-/ {
		i = 1
		short = "-"
		if ($1 ~ /^-[A-Za-z0-9],$/) {
			short = substr($1, 2, 1)
			i = 2
		}
		if ($i !~ /^--[a-z]/)
			next
		arg = match($0, "--" substr($i, 3) " [A-Z]") ? "yes" : "no"
		print substr($i, 3), arg, short
	}' "$1"
}

# The short options paired with long ones in a list, as lines of their
# own.
add_shorts() {
	awk '$3 != "-" { print "-" $3, $2, "-" }' "$1" >"$tmp/shorts"
	cat "$tmp/shorts" >>"$1"
}

# The option list of a man page's DESCRIPTION: ".It Fl c , \-check" and
# ".It Fl \-allow Ar value".
man_longs() {
	awk '
	/^\.Sh / { sec = $0; next }
	sec == ".Sh DESCRIPTION" && /^\.It Fl / {
		gsub(/\\-/, "-")
		short = "-"
		if ($4 == ",") {
			short = $3
			long = $5
			rest = $6
		} else {
			long = $3
			rest = $4
		}
		if (long !~ /^-[a-z]/)
			next
		print substr(long, 2), (rest == "Ar" ? "yes" : "no"), short
	}' "$1"
}

# Every option a man page mentions anywhere, as "--name" or "-X".
man_mentions() {
	awk '
	/^\./ {
		gsub(/\\-/, "-")
		gsub(/\\&/, "")
		sub(/^\.[ \t]*/, "")
		n = split($0, w, " ")
		for (i = 1; i <= n; i++) {
			if (w[i] != "Fl")
				continue
			for (j = i + 1; j <= n; j++) {
				if (w[j] ~ /^[A-Z][a-z][a-z]?$/)
					break
				x = w[j]
				sub(/[,.;:)|]+$/, "", x)
				if (x ~ /^-[a-z]/)
					print "-" x
				else if (x ~ /^[A-Za-z0-9]+$/)
					for (k = 1; k <= length(x); k++)
						print "-" substr(x, k, 1)
			}
		}
	}' "$1" | sort -u
}

# The options a man page's SYNOPSIS names.
man_synopsis() {
	awk '/^\.Sh / { on = ($0 == ".Sh SYNOPSIS") } on' "$1" >"$tmp/synopsis"
	man_mentions "$tmp/synopsis"
}

# The bash completion: the word list given in _$1(), and which options
# _awsmask_optarg completes an argument for.
bash_longs() {
	# The function of awsmask-claude is _awsmask_claude.
	sed -n "/^_$(echo "$1" | tr - _)()/,/^}/p" completions/awsmask.bash |
	    tr -s " \t'\"" '\n' |
	    grep -E '^--?[A-Za-z0-9][a-z0-9-]*$' | sort -u >"$tmp/bash.words"
	sed -n '/^_awsmask_optarg()/,/^}/p' completions/awsmask.bash |
	    grep -E '^[[:space:]]*-[^)]*\)[[:space:]]*$' | tr -d ')' |
	    tr -s ' \t|' '\n' | grep -E '^-' | sort -u >"$tmp/bash.args"
	grep '^--' "$tmp/bash.words" | while read -r o; do
		if grep -qx -- "$o" "$tmp/bash.args"; then
			echo "${o#--} yes -"
		else
			echo "${o#--} no -"
		fi
	done
	grep -E '^-[^-]' "$tmp/bash.words" | while read -r o; do
		if grep -qx -- "$o" "$tmp/bash.args"; then
			echo "$o yes -"
		else
			echo "$o no -"
		fi
	done
}

# The zsh completion: the _arguments specs of the tool's case branch and
# of the arrays it names ($store, $filters), without descriptions,
# exclusion lists and actions.
zsh_longs() {
	awk -v t="$1" -v q="'" '
	/^[a-z_]+=\($/ { arr = substr($0, 1, index($0, "=") - 1); next }
	arr != "" && /^\)/ { arr = ""; next }
	arr != "" && $0 ~ "^[ \t]*" q { lines[arr] = lines[arr] $0 "\n"; next }
	$0 ~ "^" t "\\)$" { branch = 1; next }
	branch && /;;/ { branch = 0 }
	branch {
		s = $0
		while (match(s, /\$[a-z_]+/)) {
			used[substr(s, RSTART + 1, RLENGTH - 1)] = 1
			s = substr(s, RSTART + RLENGTH)
		}
		if ($0 ~ "^[ \t]*" q)
			out = out $0 "\n"
	}
	END {
		for (a in used)
			printf "%s", lines[a]
		printf "%s", out
	}' completions/_awsmask |
	    sed -e 's/\[[^]]*\]//g' -e 's/([^)]*)//g' -e "s/:[^']*//g" |
	    awk '{
		line = $0
		pair = ""
		if (match(line, /\{-[A-Za-z0-9][+=]?,--[a-z0-9-]+=?\}/))
			pair = substr(line, RSTART + 2, 1)
		while (match(line, /--?[A-Za-z0-9][A-Za-z0-9-]*[=+]?/)) {
			o = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			arg = o ~ /[=+]$/ ? "yes" : "no"
			sub(/[=+]$/, "", o)
			if (o ~ /^--/)
				print substr(o, 3), arg, (pair == "" ? "-" : pair)
			else
				print o, arg, "-"
		}
	}'
}

# The fish completion: "complete -c TOOL [-s X] [-l name] [-r|-x] ..."
fish_longs() {
	grep -E "^complete -c $1 " completions/awsmask.fish |
	    sed "s/ -d .*//" |
	    awk '{
		s = "-"
		l = ""
		arg = "no"
		for (i = 1; i <= NF; i++) {
			if ($i == "-s")
				s = $(i + 1)
			else if ($i == "-l")
				l = $(i + 1)
			else if ($i == "-r" || $i == "-x")
				arg = "yes"
		}
		if (l != "")
			print l, arg, s
		if (s != "-")
			print "-" s, arg, "-"
	}'
}

# check TOOL PLACE FILE: the options in FILE against the source's.
check() {
	tool=$1 place=$2 file=$3
	while read -r name arg short; do
		line=$(awk -v o="$name" '$1 == o' "$file" | head -n 1)
		what="--$name"
		case $name in -*) what=$name ;; esac
		if [ -z "$line" ]; then
			not_ok "$tool $what in $place" "missing"
			continue
		fi
		set -- $line
		if [ "$2" != "$arg" ]; then
			if [ "$arg" = yes ]; then
				not_ok "$tool $what in $place" \
				    "takes an argument in cmd/$tool.c, not in $place"
			else
				not_ok "$tool $what in $place" \
				    "takes no argument in cmd/$tool.c, one in $place"
			fi
		elif [ "$place" != completions/awsmask.bash ] &&
		    [ "$3" != "$short" ]; then
			# bash lists words; the other places pair -c with --check.
			not_ok "$tool $what in $place" \
			    "its short option is $short in cmd/$tool.c, $3 in $place"
		else
			ok "$tool $what in $place"
		fi
	done <"$tmp/$tool.src"
	extra=$(awk 'NR == FNR { have[$1] = 1; next } !($1 in have) {
		print ($1 ~ /^-/ ? $1 : "--" $1) }' "$tmp/$tool.src" "$file" |
	    sort -u | tr '\n' ' ')
	if [ -n "$extra" ]; then
		not_ok "$place lists no option $tool lacks" \
		    "not in cmd/$tool.c: $extra"
	else
		ok "$place lists no option $tool lacks"
	fi
}

sorted() {
	if cut -d ' ' -f 1 "$2" | grep -v '^-' | sort -c 2>/dev/null; then
		ok "$1"
	else
		not_ok "$1" "order: $(cut -d ' ' -f 1 "$2" | grep -v '^-' |
		    tr '\n' ' ')"
	fi
}

for tool in $tools; do
	src=$tmp/$tool.src
	if [ ! -f "cmd/$tool.c" ]; then
		not_ok "cmd/$tool.c exists"
		continue
	fi
	src_longs "$tool" >"$src.longs"
	if [ ! -s "$src.longs" ]; then
		not_ok "cmd/$tool.c has a getopt_long table"
		continue
	fi
	ok "cmd/$tool.c has a getopt_long table"
	sorted "cmd/$tool.c: the long options are sorted" "$src.longs"
	src_shorts "$tool" >"$src.shorts"
	# Each short option must be a long option's letter, and vice versa.
	bad=$(awk 'NR == FNR { if ($3 != "-") l["-" $3] = $2; next }
	    !($1 in l) || l[$1] != $2 { print $1 } { seen[$1] = 1 }
	    END { for (s in l) if (!(s in seen)) print s }' \
	    "$src.longs" "$src.shorts" | sort | tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "cmd/$tool.c: the optstring matches the table's letters"
	else
		not_ok "cmd/$tool.c: the optstring matches the table's letters" \
		    "differ: $bad"
	fi
	cat "$src.longs" "$src.shorts" >"$src"

	if [ -x "cmd/$tool" ]; then
		if "cmd/$tool" --help >"$tmp/$tool.help" 2>"$tmp/err"; then
			ok "$tool --help exits 0"
		else
			not_ok "$tool --help exits 0"
		fi
		help_longs "$tmp/$tool.help" >"$tmp/$tool.help.opts"
		add_shorts "$tmp/$tool.help.opts"
		check "$tool" "$tool --help" "$tmp/$tool.help.opts"
		sorted "$tool --help: the options are sorted" \
		    "$tmp/$tool.help.opts"
	else
		skip "cmd/$tool is not built: --help not checked"
	fi

	page=man/$tool.1
	man_longs "$page" >"$tmp/$tool.man"
	add_shorts "$tmp/$tool.man"
	check "$tool" "$page" "$tmp/$tool.man"
	sorted "$page: the options are sorted" "$tmp/$tool.man"

	# Each completion knows the tool at all.
	fn=_$(echo "$tool" | tr - _)
	if grep -q "^complete -F $fn $tool\$" completions/awsmask.bash; then
		ok "completions/awsmask.bash completes $tool"
	else
		not_ok "completions/awsmask.bash completes $tool" \
		    "no line 'complete -F $fn $tool'"
	fi
	if sed -n 1p completions/_awsmask | tr ' ' '\n' | grep -qx "$tool"; then
		ok "completions/_awsmask is a #compdef of $tool"
	else
		not_ok "completions/_awsmask is a #compdef of $tool"
	fi

	bash_longs "$tool" >"$tmp/$tool.bash"
	check "$tool" completions/awsmask.bash "$tmp/$tool.bash"

	zsh_longs "$tool" >"$tmp/$tool.zsh"
	check "$tool" completions/_awsmask "$tmp/$tool.zsh"

	fish_longs "$tool" >"$tmp/$tool.fish"
	check "$tool" completions/awsmask.fish "$tmp/$tool.fish"

	# Every option the page mentions, even in passing, exists; and the
	# usage line's options are in the SYNOPSIS.
	awk '{ print ($1 ~ /^-/ ? $1 : "--" $1) }' "$src" | sort -u \
	    >"$tmp/$tool.all"
	bad=$(man_mentions "$page" | grep -vxF -f "$tmp/$tool.all" |
	    tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "$page mentions no option $tool lacks"
	else
		not_ok "$page mentions no option $tool lacks" \
		    "not in cmd/$tool.c: $bad"
	fi
	if [ -s "$tmp/$tool.help" ]; then
		sed -n '1s/^usage: *//p' "$tmp/$tool.help" | tr ' []' '\n\n\n' |
		    sed -n 's/^\(--[a-z][a-z0-9-]*\).*/\1/p; s/^-\([A-Za-z0-9]*\)$/\1/p' |
		    awk '/^--/ { print; next }
			{ for (i = 1; i <= length($0); i++)
				print "-" substr($0, i, 1) }' |
		    sort -u >"$tmp/$tool.usage"
		man_synopsis "$page" >"$tmp/$tool.synopsis"
		bad=$(grep -vxF -f "$tmp/$tool.synopsis" "$tmp/$tool.usage" |
		    tr '\n' ' ')
		if [ -z "$bad" ]; then
			ok "$tool: the usage line's options are in the SYNOPSIS"
		else
			not_ok "$tool: the usage line's options are in the SYNOPSIS" \
			    "not in the SYNOPSIS of $page: $bad"
		fi
	fi
done

# awsmask.conf(5) mentions options of the tools.
for tool in $tools; do
	cat "$tmp/$tool.all" 2>/dev/null
done | sort -u >"$tmp/all"
bad=$(man_mentions man/awsmask.conf.5 | grep -vxF -f "$tmp/all" |
    tr '\n' ' ')
if [ -z "$bad" ]; then
	ok "man/awsmask.conf.5 mentions no option the tools lack"
else
	not_ok "man/awsmask.conf.5 mentions no option the tools lack" \
	    "not in cmd/*.c: $bad"
fi

# The kinds table in awsmask(1) against the tool's own list.
if [ -x cmd/awsmask ]; then
	if (unset AWSMASK_TYPES AWSMASK_EXCLUDE_TYPES
	    exec cmd/awsmask -C /dev/null --list-types) >"$tmp/kinds" \
	    2>"$tmp/err" && [ -s "$tmp/kinds" ] &&
	    awk -F '\t' 'NF != 4 || $1 == "" || ($3 != "yes" && $3 != "no") {
		bad = 1 } END { exit bad }' "$tmp/kinds"; then
		ok "awsmask --list-types prints name, prefix, yes/no, description"
		if AWSMASK=cmd/awsmask sh man/kinds-table.sh -c \
		    >"$tmp/out" 2>&1; then
			ok "the kinds table in man/awsmask.1 matches awsmask --list-types"
		else
			not_ok "the kinds table in man/awsmask.1 matches awsmask --list-types" \
			    "$(head -n 20 "$tmp/out")"
		fi
	else
		not_ok "awsmask --list-types prints name, prefix, yes/no, description" \
		    "$(head -n 3 "$tmp/err")"
	fi
else
	skip "cmd/awsmask is not built: the kinds table not checked"
fi

echo "1..$n"
exit $fail
