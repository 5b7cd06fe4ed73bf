#!/bin/sh
# man/kinds-table.sh - the identifier kinds table of awsmask(1).
#
#	man/kinds-table.sh [-c | -l] [-f] [page]
#
# Turns `awsmask --list-types` (name, token prefix, enabled yes/no,
# description; tab separated) into an mdoc .Bl -column table and splices
# it between the lines `.\" BEGIN KINDS` and `.\" END KINDS` of the page
# (default man/awsmask.1), replacing what was there.
#
#	-c	check only: change nothing; exit 1, with a diff on stderr,
#		when the page's table is not what would be generated
#	-l	print the kinds as --list-types prints them, and exit
#	-f	read the kinds from lib/kinds.c even when the tool works
#
# The tool is $AWSMASK (default cmd/awsmask beside this folder), run with
# -C /dev/null and without AWSMASK_TYPES or AWSMASK_EXCLUDE_TYPES so that
# "enabled" means "on by default".  When it is not built, or --list-types
# fails, the kinds come from a crude parse of lib/kinds.c's am_kinds[]
# rows (string literals, {...} rows and X-macro lists such as
# RESOURCE_IDS(ID_ROW)); `-l -f` and `-l` should print the same lines.
#
# Exit status: 0 done (or up to date), 1 out of date (-c), 2 trouble.

set -eu
me=kinds-table.sh
root=$(cd "$(dirname "$0")/.." && pwd)
mode=write from=auto
while getopts clf opt; do
	case $opt in
	c) mode=check ;;
	l) mode=list ;;
	f) from=catalogue ;;
	*) echo "usage: $me [-c | -l] [-f] [page]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
page=${1:-$root/man/awsmask.1}
tool=${AWSMASK:-$root/cmd/awsmask}
catalogue=$root/lib/kinds.c

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kinds-table.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The kinds, as --list-types prints them, from the C source.
from_catalogue() {
	awk '
	# Lex one line of C into the token list T[1..nt] (types TT: S string
	# literal without its quotes, C char literal, I identifier, N number,
	# P punctuation).  Comments are gone before this is called.
	function lex(s, into,    m) {
		while (s != "") {
			if (match(s, /^[ \t\r\f\v]+/)) {
				s = substr(s, RLENGTH + 1)
				continue
			}
			if (match(s, /^"([^"\\]|\\.)*"/)) {
				add(into, "S", substr(s, 2, RLENGTH - 2))
			} else if (match(s, sq_re)) {
				add(into, "C", substr(s, 1, RLENGTH))
			} else if (match(s, /^[A-Za-z_][A-Za-z0-9_]*/)) {
				add(into, "I", substr(s, 1, RLENGTH))
			} else if (match(s, /^[0-9][0-9A-Za-z_.]*/)) {
				add(into, "N", substr(s, 1, RLENGTH))
			} else {
				RLENGTH = 1
				add(into, "P", substr(s, 1, 1))
			}
			s = substr(s, RLENGTH + 1)
		}
	}
	function add(into, type, value) {
		n[into]++
		TT[into, n[into]] = type
		TV[into, n[into]] = value
	}
	# Remove comments from one physical line; the state of a block
	# comment carries over to the next line.
	function uncomment(s,    out, i, c, q) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (incomment) {
				if (c == "*" && substr(s, i + 1, 1) == "/") {
					incomment = 0
					i++
					out = out " "
				}
				continue
			}
			if (c == "/" && substr(s, i + 1, 1) == "*") {
				incomment = 1
				i++
				continue
			}
			if (c == "/" && substr(s, i + 1, 1) == "/")
				break
			if (c == "\"" || c == sq) {
				q = c
				out = out c
				for (i++; i <= length(s); i++) {
					c = substr(s, i, 1)
					out = out c
					if (c == "\\") {
						i++
						out = out substr(s, i, 1)
					} else if (c == q)
						break
				}
				continue
			}
			out = out c
		}
		return out
	}
	# A logical line: "#define NAME(params) body" becomes a macro,
	# other directives are dropped, the rest joins the main stream.
	function logical(s,    name, params, k, np, p) {
		if (s ~ /^[ \t]*#/) {
			if (match(s, /^[ \t]*#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
				name = substr(s, 1, RLENGTH)
				sub(/.*[ \t]/, "", name)
				s = substr(s, RLENGTH + 1)
				if (s ~ /^\(/) {
					k = index(s, ")")
					params = substr(s, 2, k - 2)
					s = substr(s, k + 1)
					np = split(params, p, ",")
					for (k = 1; k <= np; k++) {
						gsub(/[ \t]/, "", p[k])
						PARAM[name, p[k]] = k
					}
					NPARAM[name] = np
				}
				MACRO[name] = 1
				lex(s, "m:" name)
			}
			return
		}
		lex(s, "main")
	}
	BEGIN {
		sq = sprintf("%c", 39)
		sq_re = "^" sq "([^" sq "\\\\]|\\\\.)*" sq
	}
	{
		line = uncomment($0)
		if (line ~ /\\$/) {
			pending = pending substr(line, 1, length(line) - 1) " "
			next
		}
		logical(pending line)
		pending = ""
	}
	# Split the tokens from..to of list L at top-level commas into the
	# fields F[1..nf] (each "L first last"); returns nf.
	function fields(L, from, to,    depth, k, t, v, nf, start) {
		depth = 0
		nf = 0
		start = from
		for (k = from; k <= to; k++) {
			t = TT[L, k]
			v = TV[L, k]
			if (t == "P" && (v == "(" || v == "{" || v == "["))
				depth++
			else if (t == "P" && (v == ")" || v == "}" || v == "]"))
				depth--
			else if (t == "P" && v == "," && depth == 0) {
				F[++nf] = L SUBSEP start SUBSEP (k - 1)
				start = k + 1
			}
		}
		if (start <= to)
			F[++nf] = L SUBSEP start SUBSEP to
		return nf
	}
	# The token after the one that closes the bracket at L[k].
	function closing(L, k,    depth, v) {
		depth = 0
		for (; k <= n[L]; k++) {
			v = TV[L, k]
			if (TT[L, k] != "P")
				continue
			if (v == "(" || v == "{" || v == "[")
				depth++
			else if (v == ")" || v == "}" || v == "]")
				if (--depth == 0)
					return k
		}
		return 0
	}
	# Evaluate a field to text: the concatenation of its string
	# literals, numbers and identifiers (macro parameters replaced by
	# the arguments in ARG[...], object-like macros by their value).
	function value(spec,    a, L, k, out, t, v, i) {
		split(spec, a, SUBSEP)
		L = a[1]
		out = ""
		for (k = a[2] + 0; k <= a[3] + 0; k++) {
			t = TT[L, k]
			v = TV[L, k]
			if (t == "I" && (v in ARG))
				out = out value(ARG[v])
			else if (t == "S")
				out = out v
			else if (t == "I" && ("m:" v, 1) in TT && !(v in NPARAM))
				out = out value("m:" v SUBSEP 1 SUBSEP n["m:" v])
			else if (t == "N" || t == "I")
				out = out v
		}
		return out
	}
	function unescape(s,    out, c) {
		out = ""
		while (match(s, /\\/)) {
			out = out substr(s, 1, RSTART - 1)
			c = substr(s, RSTART + 1, 1)
			out = out (c == "n" ? "\n" : c == "t" ? "\t" : c)
			s = substr(s, RSTART + 2)
		}
		return out s
	}
	# One {...} row of L, its braces at first and last.
	function row(L, first, last,    nf, k, a, name, idx, want, key) {
		nf = fields(L, first + 1, last - 1)
		delete R
		for (k = 1; k <= nf; k++) {
			split(F[k], a, SUBSEP)
			idx = k
			# A designated initializer: .name = value
			if (TV[L, a[2]] == "." && TV[L, a[2] + 2] == "=") {
				key = TV[L, a[2] + 1]
				idx = key == "name" ? 1 : key == "prefix" ? 2 : \
				    key == "description" ? 5 : \
				    key == "default_off" ? 6 : 0
				F[k] = L SUBSEP (a[2] + 3) SUBSEP a[3]
			}
			if (idx)
				R[idx] = F[k]
		}
		name = unescape(value(R[1]))
		if (name == "")
			return
		want = value(R[6])
		printf "%s\t%s\t%s\t%s\n", name, unescape(value(R[2])),
		    want == "" || want == "0" ? "yes" : "no",
		    unescape(value(R[5]))
	}
	# LIST(ROW): every X(args) in the body of LIST, expanded by ROW.
	function xlist(list, rowmac,    B, k, e, nf, i, a, j, body, first) {
		B = "m:" list
		body = "m:" rowmac
		for (k = 1; k <= n[B]; k++) {
			if (TT[B, k] != "I" || !((list, TV[B, k]) in PARAM) ||
			    TV[B, k + 1] != "(")
				continue
			e = closing(B, k + 1)
			nf = fields(B, k + 2, e - 1)
			delete ARG
			for (i = 1; i <= nf; i++)
				for (j in PARAM)
					if (index(j, rowmac SUBSEP) == 1 &&
					    PARAM[j] == i)
						ARG[substr(j, length(rowmac) + 2)] = F[i]
			for (first = 1; first <= n[body]; first++)
				if (TV[body, first] == "{")
					break
			if (first <= n[body])
				row(body, first, closing(body, first))
			delete ARG
			k = e
		}
	}
	END {
		L = "main"
		# const struct am_kind am_kinds[] = { ... };
		for (k = 1; k <= n[L]; k++)
			if (TV[L, k] == "am_kinds" && TV[L, k + 1] == "[") {
				for (k += 2; k <= n[L] && TV[L, k] != "]"; k++)
					;
				if (TV[L, k + 1] == "=" && TV[L, k + 2] == "{") {
					k += 2
					break
				}
			}
		if (k > n[L]) {
			print "no am_kinds[] initializer found" > "/dev/stderr"
			exit 2
		}
		last = closing(L, k)
		for (k++; k < last; k++) {
			if (TV[L, k] == "{") {
				e = closing(L, k)
				row(L, k, e)
				k = e
			} else if (TT[L, k] == "I" && TV[L, k + 1] == "(" &&
			    TT[L, k + 2] == "I" && TV[L, k + 3] == ")") {
				xlist(TV[L, k], TV[L, k + 2])
				k += 3
			}
		}
	}' "$catalogue"
}

# The kinds, from the tool when it works, else from the catalogue.
kinds() {
	if [ "$from" = auto ] && [ -x "$tool" ]; then
		if (unset AWSMASK_TYPES AWSMASK_EXCLUDE_TYPES
		    exec "$tool" -C /dev/null --list-types) >"$tmp/list" \
		    2>"$tmp/err" && [ -s "$tmp/list" ]; then
			cat "$tmp/list"
			return
		fi
		echo "$me: '$tool --list-types' failed; reading" \
		    "lib/kinds.c instead" >&2
	fi
	from_catalogue
}

# mdoc table lines from --list-types lines.
table() {
	awk -F '\t' '
	# Quote a description word by word: a word that mdoc would take for
	# a macro (In, At, No, ...) or a delimiter gets \& in front.
	function text(s,    n, w, i, out) {
		gsub(/\\/, "\\e", s)
		gsub(/"/, "\\(dq", s)
		n = split(s, w, " ")
		out = ""
		for (i = 1; i <= n; i++) {
			if (w[i] ~ /^([A-Z][a-z][a-z]?|D1|%[A-Z]|[][().,:;?!|])$/)
				w[i] = "\\&" w[i]
			out = out (i > 1 ? " " : "") w[i]
		}
		return out
	}
	{
		name[NR] = $1
		prefix[NR] = $2
		desc[NR] = text($4) ($3 == "no" ? " (off by default)" : "")
		if (length($1) > length(wname))
			wname = $1
		if (length($2) > length(wprefix))
			wprefix = $2
	}
	END {
		print ".\\\" Generated by man/kinds-table.sh from awsmask --list-types."
		printf ".Bl -column \"%s\" \"%s\"\n", wname, wprefix
		print ".It Sy Kind Ta Sy Prefix Ta Sy Description"
		for (i = 1; i <= NR; i++)
			printf ".It Li %s Ta Li %s Ta %s\n", name[i], prefix[i],
			    desc[i]
		print ".El"
	}'
}

# Print the page with the lines between the markers replaced by $1.
splice() {
	awk -v table="$1" '
	/^\.\\" BEGIN KINDS$/ {
		print
		while ((getline l < table) > 0)
			print l
		skip = 1
		begun = 1
		next
	}
	/^\.\\" END KINDS$/ { skip = 0; ended = 1 }
	!skip { print }
	END {
		if (!begun || !ended || skip) {
			print "kinds-table.sh: no BEGIN KINDS ... END KINDS" \
			    " markers" > "/dev/stderr"
			exit 2
		}
	}' "$2"
}

kinds >"$tmp/kinds"
if [ ! -s "$tmp/kinds" ]; then
	echo "$me: no kinds found" >&2
	exit 2
fi
if [ "$mode" = list ]; then
	cat "$tmp/kinds"
	exit 0
fi
table <"$tmp/kinds" >"$tmp/table"
splice "$tmp/table" "$page" >"$tmp/page"
if cmp -s "$tmp/page" "$page"; then
	exit 0
fi
if [ "$mode" = check ]; then
	echo "$me: the kinds table in $page is out of date;" \
	    "run man/kinds-table.sh" >&2
	diff -u "$page" "$tmp/page" | sed -n '3,$p' | head -40 >&2 || :
	exit 1
fi
cat "$tmp/page" >"$page"
