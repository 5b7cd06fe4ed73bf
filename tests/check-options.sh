#!/bin/sh
# Every long option of each tool's getopt_long table must appear in its
# --help, its man page and the bash, zsh and fish completions; every
# option the man page documents must exist in the source; and the kinds
# table in awsmask(1) must match `awsmask --list-types`.  TAP output.
cd "$(dirname "$0")/.." || exit 1
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

source_opts() {
	sed -n '/longopts\[\] = {/,/^};/p' "cmd/$1.c" |
	    sed -n 's/^[[:space:]]*{ "\([a-z-]*\)".*/\1/p'
}
# The long options a man page documents: "Fl \-name", "Fl x , \-name".
man_opts() {
	sed 's/\\-/-/g' "$1" | grep -E '^\.(It |Op |)Fl ' |
	    grep -oE '(Fl|,|\|) -[a-z][a-z-]*' | sed 's/.* -//' | sort -u
}
# The body of one tool's bash completion function.
bash_fn() {
	sed -n "/^_$1()/,/^}/p" completions/awsmask.bash
}
zsh_part() {
	awk -v t="$1" '/^local -a common/,/^\)/ { print; next }
	    $0 ~ "^" t "\\)" { on = 1 } on { print } on && /;;/ { on = 0 }' \
	    completions/_awsmask
}

for tool in awsmask awsunmask; do
	help=$("cmd/$tool" --help)
	page=man/$tool.1
	for o in $(source_opts "$tool"); do
		check "$tool --$o in --help" \
		    "printf '%s\n' \"\$help\" | grep -q -- '--$o\\b'"
		check "$tool --$o in $page" \
		    "man_opts $page | grep -qx -- '$o'"
		check "$tool --$o in bash completion" \
		    "bash_fn $tool | grep -q -- '--$o\\b'"
		check "$tool --$o in zsh completion" \
		    "zsh_part $tool | grep -q -- '--$o\\b'"
		check "$tool --$o in fish completion" \
		    "grep -E -q -- '(-c $tool|-c \\\$tool).* -l $o( |\$)' completions/awsmask.fish"
	done
	# Documented but not in the source.
	for o in $(man_opts "$page"); do
		check "$page documents --$o, which $tool has" \
		    "source_opts $tool | grep -qx -- '$o'"
	done
done

tmp=$(mktemp)
cp man/awsmask.1 "$tmp"
sh scripts/kinds-table.sh cmd/awsmask "$tmp"
check "the kinds table in awsmask(1) matches --list-types" \
    "cmp -s '$tmp' man/awsmask.1"
rm -f "$tmp"
echo "1..$n"
exit $fail
