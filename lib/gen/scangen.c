/*
 * scangen.c - writes lib/gen/scandata.c, what the scanner needs of the
 * catalogue, at build time.  `make` builds and runs it; its output is not
 * committed.
 *
 * At run time the scanner must neither compile the catalogue's patterns
 * (PCRE2 compiles and JIT compiles took 99% of a small input's time) nor
 * try every pattern at every word (189 instructions a byte).  So this
 * program, linked with the catalogue, does both ahead of time:
 *
 *   - It compiles each row's pattern as the scanner matches it (anchored,
 *     no start optimisations) and serializes the lot with
 *     pcre2_serialize_encode(); the scanner decodes them, which is a
 *     copy, and JIT-compiles a row only once it has been tried often
 *     enough to repay the compile.  The token grammar awsunmask matches
 *     with is serialized the same way, in its two forms.
 *
 *   - It works out, for every string of up to MAX_DEPTH bytes, which rows
 *     can match at a position where the text starts with that string,
 *     and writes the answer as an automaton over byte classes: the
 *     scanner walks at most MAX_DEPTH bytes from a start and gets the
 *     rows to try there, most often none.
 *
 * Why the automaton never rules out a row that could match: its answers
 * come from PCRE2 itself.  A row "can match" after s when an anchored
 * partial match (PCRE2_PARTIAL_HARD) of s does not fail; a hard partial
 * match reports every path that reaches the end of s, which is PCRE2's
 * own promise that no longer text starting with s matches when it says
 * no.  Positive lookbehinds are removed from the patterns it asks about,
 * since at the start of s they could not see the text before it
 * (removing an assertion only lets more through).
 *
 * How it stays small and fast (half a second):
 *
 *   - Bytes that a pattern never tells apart behave alike in it, so each
 *     is tried once: a pattern's classes are the common refinement of
 *     every byte set it names (literal bytes, both cases of them under
 *     (?i), character classes, \d and the like, '.').  A construct this
 *     program does not know makes it fall back to one class per byte,
 *     slower but still exact, and a check at depth one and two compares
 *     each pattern's classes with every byte and stops the build when
 *     they disagree.
 *
 *   - Each row is explored on its own, one depth more at a time, until
 *     the next depth would cost more partial matches than its budget:
 *     rows of literals go all the way, a host name that takes any word
 *     stops early (its needle gates it at run time anyway).  A row whose
 *     alternation makes it too wide (a JSON key or a CLI flag) is
 *     explored as its branches, each with classes of its own; a position
 *     where no branch can match is one where the row cannot.
 *
 *   - The rows' automata are then run side by side into one, minimised
 *     as it is built (equal states are one), and classes that lead to
 *     the same states everywhere are merged.
 *
 * usage: scangen > lib/gen/scandata.c
 */
#include "internal.h"
#include "scandata.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes the automaton looks at, at most. */
#ifndef MAX_DEPTH
#define MAX_DEPTH 6
#endif
/* Partial matches one row may take; past it, the row is looked at less
 * deep. */
#ifndef ROW_BUDGET
#define ROW_BUDGET 200000L
#endif
/* A row is looked at as this many branches at most, each with its share
 * of the budget, and never less than BRANCH_BUDGET. */
#define MAX_BRANCHES 48
#define BRANCH_BUDGET 20000L
#define NEEDLE_DEPTH 3

static void die(const char *fmt, ...) AM_PRINTF(1, 2);

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "scangen: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* The pattern of row i as the scanner compiles it. */
static const char *
row_pattern(size_t i)
{
	static char *token;

	if (am_kinds[i].pattern)
		return am_kinds[i].pattern;
	if (!token && !(token = am_token_pattern(NULL, 0, 1)))
		die("out of memory");
	return token;
}

/*
 * Byte sets named by the patterns, for the classes.  Under a caseless
 * option ((?i) and (?i:...)) a set stands for both cases of its letters.
 */
typedef unsigned char byteset[32];
static byteset *sets;
static size_t nsets, asets;
static int finest;		/* an unknown construct: one class per byte */

#define SET_HAS(s, c) (((s)[(unsigned char)(c) >> 3] >> ((c) & 7)) & 1)
#define SET_ADD(s, c) ((s)[(unsigned char)(c) >> 3] |= \
	(unsigned char)(1u << ((unsigned char)(c) & 7)))

static void
add_set(const byteset s, int caseless)
{
	int c;

	if (nsets == asets) {
		asets = asets ? asets * 2 : 256;
		sets = xrealloc(sets, asets * sizeof(*sets));
	}
	memcpy(sets[nsets], s, sizeof(byteset));
	if (caseless)
		for (c = 0; c < 256; c++)
			if (SET_HAS(s, c) && isalpha(c))
				SET_ADD(sets[nsets], isupper(c) ? tolower(c) :
				    toupper(c));
	nsets++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The escape at p (just after a backslash): its set in s and the bytes
 * it takes; *single is its byte when it stands for one, else -1.
 * Returns 0 for an escape that matches no byte (\K, \b, ...).
 */
static size_t
escape(const char *p, byteset s, int *single)
{
	int c;

	memset(s, 0, sizeof(byteset));
	*single = -1;
	switch (*p) {
	case 'd':
		for (c = '0'; c <= '9'; c++)
			SET_ADD(s, c);
		return 1;
	case 'w':
		for (c = 0; c < 256; c++)
			if (isalnum(c) || c == '_')
				SET_ADD(s, c);
		return 1;
	case 's':
		SET_ADD(s, ' ');
		for (c = '\t'; c <= '\r'; c++)
			SET_ADD(s, c);
		return 1;
	case 't':
		*single = '\t';
		break;
	case 'r':
		*single = '\r';
		break;
	case 'n':
		*single = '\n';
		break;
	case 'f':
		*single = '\f';
		break;
	case 'x':
		if (hexval(p[1]) < 0 || hexval(p[2]) < 0) {
			finest = 1;
			return 1;
		}
		*single = hexval(p[1]) * 16 + hexval(p[2]);
		SET_ADD(s, *single);
		return 3;
	case 'b': case 'B':
		/* A word boundary tests \w. */
		for (c = 0; c < 256; c++)
			if (isalnum(c) || c == '_')
				SET_ADD(s, c);
		return 1;
	case 'K': case 'A': case 'z': case 'Z': case 'G':
		return 0;
	default:
		if (isalnum((unsigned char)*p) || !*p) {
			/* \h, \N, \p{..}, back-references: not known here. */
			finest = 1;
			return *p ? 1 : 0;
		}
		*single = (unsigned char)*p;
		break;
	}
	SET_ADD(s, *single);
	return 1;
}

/*
 * Option settings at p, just after "(?": "i)", "i:", "-i)", "i-x:" ...
 * Sets *on and *off to the caseless change; returns the bytes up to and
 * including the ':' or ')', or 0 when p is no option setting.
 */
static size_t
options(const char *p, int *on, int *off, int *group)
{
	size_t i = 0;
	int neg = 0;

	*on = *off = 0;
	for (; p[i] && p[i] != ')' && p[i] != ':'; i++) {
		if (p[i] == '-')
			neg = 1;
		else if (p[i] == 'i')
			*(neg ? off : on) = 1;
		else if (!isalpha((unsigned char)p[i]) && p[i] != '^')
			return 0;
		else
			finest = 1;	/* x, s, m, ...: not known here */
	}
	if (!p[i])
		return 0;
	*group = p[i] == ':';
	return i + 1;
}

/* Collect the byte sets of one pattern. */
static void
collect_sets(const char *p)
{
	byteset s, cls;
	int single, c, stack[256], depth = 0, caseless = 0, on, off, grp;
	size_t n;

	while (*p) {
		if (*p == '\\') {
			n = escape(p + 1, s, &single);
			if (n)
				add_set(s, caseless);
			p += 1 + (n ? n : 1);
		} else if (*p == '[') {
			int neg = 0, first = 1, prev = -1, i;

			memset(cls, 0, sizeof(cls));
			p++;
			if (*p == '^') {
				neg = 1;
				p++;
			}
			if (*p == '[' && p[1] == ':')
				finest = 1;
			while (*p && (*p != ']' || first)) {
				first = 0;
				if (*p == '-' && prev >= 0 && p[1] && p[1] != ']') {
					int hi;

					p++;
					if (*p == '\\') {
						n = escape(p + 1, s, &hi);
						p += 1 + (n ? n : 1);
					} else {
						hi = (unsigned char)*p++;
					}
					if (hi < 0)
						finest = 1;
					for (c = prev; c <= hi; c++)
						SET_ADD(cls, c);
					prev = -1;
					continue;
				}
				if (*p == '\\' && p[1] == 'b') {
					/* In a class, \\b is a backspace. */
					SET_ADD(cls, '\b');
					prev = '\b';
					p += 2;
					continue;
				}
				if (*p == '\\') {
					n = escape(p + 1, s, &single);
					p += 1 + (n ? n : 1);
					for (i = 0; i < 32; i++)
						cls[i] |= s[i];
					prev = single;
					continue;
				}
				c = (unsigned char)*p++;
				SET_ADD(cls, c);
				prev = c;
			}
			if (*p)
				p++;
			if (neg) {
				/* Caseless, the case pairs go first, then the
				 * complement: [^a] under (?i) takes neither. */
				byteset f;

				memcpy(f, cls, sizeof(f));
				if (caseless)
					for (c = 0; c < 256; c++)
						if (SET_HAS(cls, c) && isalpha(c))
							SET_ADD(f, isupper(c) ?
							    tolower(c) : toupper(c));
				for (i = 0; i < 32; i++)
					cls[i] = (unsigned char)~f[i];
				add_set(cls, 0);
			} else {
				add_set(cls, caseless);
			}
		} else if (*p == '(' && p[1] == '*') {
			/* (*MARK:x) and other verbs match no byte. */
			while (*p && *p != ')')
				p++;
			if (*p)
				p++;
		} else if (*p == '(') {
			if (depth == (int)AM_ARRAY_SIZE(stack))
				die("groups nested too deep");
			stack[depth++] = caseless;
			p++;
			if (*p != '?')
				continue;
			p++;
			if (*p == '#' || *p == '(' || *p == '|' || *p == 'P' ||
			    *p == '\'' || *p == '&' || *p == 'R' ||
			    isdigit((unsigned char)*p) || *p == '+')
				finest = 1;
			if (*p == '<' && (p[1] == '=' || p[1] == '!'))
				p += 2;
			else if (*p == ':' || *p == '=' || *p == '!' || *p == '>' ||
			    *p == '|')
				p++;
			else if (*p == '<')
				finest = 1;	/* named groups */
			else if ((n = options(p, &on, &off, &grp))) {
				if (!grp) {
					/* (?i): the rest of the enclosing group. */
					depth--;
					caseless = (caseless || on) && !off;
				} else {
					caseless = (caseless || on) && !off;
				}
				p += n;
			} else {
				finest = 1;
			}
		} else if (*p == ')') {
			if (depth > 0)
				caseless = stack[--depth];
			p++;
		} else if (*p == '{' && isdigit((unsigned char)p[1])) {
			while (*p && *p != '}')
				p++;
			if (*p)
				p++;
		} else if (*p == '.') {
			memset(s, 0xff, sizeof(s));
			s['\n' >> 3] &= (unsigned char)~(1u << ('\n' & 7));
			add_set(s, 0);
			p++;
		} else if (*p == '$' || *p == '^') {
			memset(s, 0, sizeof(s));
			SET_ADD(s, '\n');
			add_set(s, 0);
			p++;
		} else if (strchr("|*+?", *p)) {
			p++;
		} else {
			memset(s, 0, sizeof(s));
			SET_ADD(s, *p);
			add_set(s, caseless);
			p++;
		}
	}
}

/*
 * Branches.  A row's pattern that is an alternation, or holds one, is
 * explored as its branches, each with byte classes of its own: "--" and
 * a flag name in one branch, a JSON key in another.  Together, the
 * branches match what the pattern matches ((A|B)C is AC or BC, and
 * (A|B)? is A? or B?), so a position where no branch can match is one
 * where the pattern cannot.  A group is split only where that holds: not
 * inside an assertion, and not inside or on a group repeated more than
 * once (* + {m,n}); an option set inside one alternative ((?i)) is
 * carried into the later ones, as PCRE2 carries it.
 */

/* Just past the character class whose '[' is at p[i]. */
static size_t
class_end(const char *p, size_t i)
{
	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	for (; p[i] && p[i] != ']'; i++)
		if (p[i] == '\\' && p[i + 1])
			i++;
	return p[i] ? i + 1 : i;
}

/* The end of the group whose '(' is at p (just past its ')'), or 0. */
static size_t
group_end(const char *p, size_t i)
{
	int depth = 0;

	for (; p[i]; i++) {
		if (p[i] == '\\') {
			if (p[i + 1])
				i++;
		} else if (p[i] == '[') {
			size_t e = class_end(p, i);

			if (p[e - 1] != ']')
				return 0;	/* unterminated */
			i = e - 1;
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* The quantifier at p[i]: its length, and *many when it repeats. */
static size_t
quantifier(const char *p, size_t i, int *many)
{
	size_t n = 0;

	*many = 0;
	if (p[i] == '?')
		n = 1;
	else if (p[i] == '*' || p[i] == '+')
		n = 1, *many = 1;
	else if (p[i] == '{' && isdigit((unsigned char)p[i + 1])) {
		const char *e = strchr(p + i, '}');
		long lo, hi;

		if (!e)
			return 0;
		lo = strtol(p + i + 1, NULL, 10);
		hi = strchr(p + i, ',') && strchr(p + i, ',') < e ?
		    (e[-1] == ',' ? 2 : strtol(strchr(p + i, ',') + 1, NULL, 10)) :
		    lo;
		*many = hi > 1;
		n = (size_t)(e - (p + i)) + 1;
	}
	if (n && (p[i + n] == '?' || p[i + n] == '+'))
		n++;
	return n;
}

/*
 * The top-level '|' of [from, to) of p, as offsets into bars; returns
 * their number (at most max).
 */
static size_t
bars(const char *p, size_t from, size_t to, size_t *bar, size_t max)
{
	size_t i, n = 0, e;

	for (i = from; i < to; i++) {
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '[' || p[i] == '(') {
			e = p[i] == '(' ? group_end(p, i) : class_end(p, i);
			if (!e)
				return 0;
			i = e - 1;
		} else if (p[i] == '|' && n < max) {
			bar[n++] = i;
		}
	}
	return n;
}

/* The option settings "(?i)" at the top level of [from, to). */
static void
inline_options(const char *p, size_t from, size_t to, char *out, size_t size)
{
	size_t i, e;
	int on, off, grp;

	for (i = from; i < to; i++) {
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '(' && p[i + 1] == '?' &&
		    (e = options(p + i + 2, &on, &off, &grp)) && !grp) {
			size_t l = strlen(out);

			if (l + e + 3 < size)
				snprintf(out + l, size - l, "(?%.*s", (int)e, p + i + 2);
			i += e + 1;
		} else if (p[i] == '(' || p[i] == '[') {
			e = p[i] == '(' ? group_end(p, i) : class_end(p, i);
			if (!e)
				return;
			i = e - 1;
		}
	}
}

/*
 * Split p at its first splittable alternation: the pattern's own, or a
 * group's.  Returns the number of branches written to out (malloc'd),
 * 0 when there is nothing to split.
 */
static size_t
split_once(const char *p, char **out, size_t max)
{
	size_t len = strlen(p), bar[256], nb, i, k, e, q, open, close;
	int many, blocked[256], depth = 0;
	size_t ends[256];

	nb = bars(p, 0, len, bar, AM_ARRAY_SIZE(bar));
	if (nb && nb + 1 <= max) {
		char opts[256] = "";
		size_t from = 0;

		for (k = 0; k <= nb; k++) {
			size_t to = k < nb ? bar[k] : len;
			size_t n = strlen(opts) + (to - from) + 8;

			out[k] = xmalloc(n);
			snprintf(out[k], n, "%s(?:%.*s)", opts, (int)(to - from),
			    p + from);
			inline_options(p, from, to, opts, sizeof(opts));
			from = to + 1;
		}
		return nb + 1;
	}
	/* The first group, outside assertions and repetitions, that holds
	 * an alternation at its own top level. */
	for (i = 0; i < len; i++) {
		while (depth > 0 && i >= ends[depth - 1])
			depth--;
		if (p[i] == '\\') {
			i++;
			continue;
		}
		if (p[i] == '[') {
			i = class_end(p, i) - 1;
			continue;
		}
		if (p[i] != '(')
			continue;
		if (!(e = group_end(p, i)))
			return 0;
		quantifier(p, e, &many);
		if (depth == (int)AM_ARRAY_SIZE(ends))
			return 0;
		blocked[depth] = many || (depth > 0 && blocked[depth - 1]) ||
		    p[i + 1] == '*' || (p[i + 1] == '?' && (p[i + 2] == '=' ||
		    p[i + 2] == '!' || (p[i + 2] == '<' && (p[i + 3] == '=' ||
		    p[i + 3] == '!')) || p[i + 2] == '(' || p[i + 2] == '|' ||
		    p[i + 2] == '#'));
		ends[depth++] = e;
		if (blocked[depth - 1])
			continue;
		/* The group's body starts after "(", "(?:", "(?>" or "(?i:". */
		open = i + 1;
		if (p[open] == '?') {
			int on, off, grp;

			if (p[open + 1] == ':' || p[open + 1] == '>')
				open += 2;
			else if ((q = options(p + open + 1, &on, &off, &grp)) && grp)
				open += 1 + q;
			else
				continue;	/* (?i) and the like: no body */
		}
		close = e - 1;
		nb = bars(p, open, close, bar, AM_ARRAY_SIZE(bar));
		if (!nb || nb + 1 > max)
			continue;
		{
			char opts[256] = "";
			size_t from = open;

			for (k = 0; k <= nb; k++) {
				size_t to = k < nb ? bar[k] : close;
				size_t n = len + strlen(opts) + 8;

				out[k] = xmalloc(n);
				snprintf(out[k], n, "%.*s%s%.*s%s", (int)open, p,
				    opts, (int)(to - from), p + from, p + close);
				inline_options(p, from, to, opts, sizeof(opts));
				from = to + 1;
			}
		}
		return nb + 1;
	}
	return 0;
}

/*
 * Split p into at most max branches, a round at a time: each branch at
 * its first alternation, then again, so that the earliest alternations,
 * the ones that decide the first bytes, are split first.
 */
static size_t
split_pattern(const char *p, char **out, size_t max)
{
	size_t n = 1, i, k, got, round;
	char **tmp = xmalloc(max * sizeof(*tmp));
	int more = 1;

	out[0] = xmalloc(strlen(p) + 1);
	strcpy(out[0], p);
	while (more) {
		more = 0;
		round = n;
		for (i = 0; i < round && n < max; i++) {
			got = split_once(out[i], tmp, max - n + 1);
			if (!got)
				continue;
			free(out[i]);
			out[i] = tmp[0];
			for (k = 1; k < got; k++)
				out[n++] = tmp[k];
			more = 1;
		}
	}
	free(tmp);
	return n;
}

/*
 * The pattern without its positive lookbehinds, for partial matching: at
 * the start of the probe string they could not see the text before it.
 */
static char *
strip_lookbehinds(const char *p)
{
	size_t n = strlen(p), i = 0, o = 0, j;
	char *out = xmalloc(n + 1);

	while (i < n) {
		if (!strncmp(p + i, "(?<=", 4)) {
			int depth = 0, cls = 0;

			for (j = i; j < n; j++) {
				char c = p[j];

				if (c == '\\') {
					j++;
				} else if (cls) {
					if (c == ']')
						cls = 0;
				} else if (c == '[') {
					cls = 1;
					if (p[j + 1] == '^')
						j++;
					if (p[j + 1] == ']')
						j++;
				} else if (c == '(') {
					depth++;
				} else if (c == ')' && --depth == 0) {
					break;
				}
			}
			i = j + 1;
			continue;
		}
		if (p[i] == '\\' && i + 1 < n)
			out[o++] = p[i++];
		out[o++] = p[i++];
	}
	out[o] = '\0';
	return out;
}

static pcre2_match_data *gate_md;
static pcre2_match_context *gate_mc;
static long nprobes, nlimited;

/*
 * A partial match may not cost more than this many steps of PCRE2's
 * matcher: past it, the answer is "possible", which only keeps a row in
 * (never rules one out), and the build stays a second long whatever the
 * catalogue's patterns do when cut short.
 */
#define PROBE_LIMIT 2000

/* Can re match at a position where the text starts with s[0..n)? */
static int
possible(const pcre2_code *re, const unsigned char *s, size_t n)
{
	int rc;

	nprobes++;
	rc = pcre2_match(re, s, n, 0, PCRE2_PARTIAL_HARD, gate_md, gate_mc);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
		nlimited++;
		return 1;
	}
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
		die("partial matching failed");
	return rc != PCRE2_ERROR_NOMATCH;
}

/*
 * Byte classes: bytes that every set of sets[from, to) holds alike, with
 * a representative each.  `fine` makes every byte its own class.
 */
struct partition {
	int ncls;
	int cls[256];
	int rep[256];
};

static void
partition(size_t from, size_t to, int fine, struct partition *pt)
{
	size_t i, n = to - from, words = (n + 63) / 64;
	uint64_t *sig = xmalloc((256 * words + 1) * sizeof(*sig));
	int c, d;

	memset(sig, 0, (256 * words + 1) * sizeof(*sig));
	for (c = 0; c < 256; c++)
		for (i = 0; i < n; i++)
			if (SET_HAS(sets[from + i], c))
				sig[c * words + i / 64] |= 1ULL << (i % 64);
	pt->ncls = 0;
	for (c = 0; c < 256; c++) {
		pt->cls[c] = -1;
		for (d = 0; d < c && !fine; d++)
			if (!memcmp(sig + c * words, sig + d * words,
			    words * sizeof(*sig))) {
				pt->cls[c] = pt->cls[d];
				break;
			}
		if (pt->cls[c] < 0) {
			pt->rep[pt->ncls] = c;
			pt->cls[c] = pt->ncls++;
		}
	}
	free(sig);
}

/*
 * A branch's classes must agree with every byte, at depth one and two:
 * a check on the class-making code, which a construct it misreads would
 * fail.
 */
static void
check_partition(const pcre2_code *re, const struct partition *pt,
    const char *name)
{
	unsigned char s[2];
	int a, b, x, y;

	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)pt->rep[pt->cls[a]];
		x = possible(re, s, 1);
		s[0] = (unsigned char)a;
		if (x != possible(re, s, 1))
			die("byte classes disagree with row %s", name);
		if (!x || a != pt->rep[pt->cls[a]])
			continue;
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)pt->rep[pt->cls[b]];
			x = possible(re, s, 2);
			s[1] = (unsigned char)b;
			y = possible(re, s, 2);
			if (x != y)
				die("byte classes disagree with row %s", name);
		}
	}
}

/*
 * Nodes of an acyclic automaton, made unique as they are made (so the
 * automaton comes out minimal): equal label and children, one node.
 */
struct dag {
	size_t width;		/* children per node */
	size_t words;		/* label words (0: no label) */
	uint64_t *label;	/* [n * words] */
	int *child;		/* [n * width] */
	size_t n, alloc;
	int *htab;
	size_t hsize;
};

static void
dag_init(struct dag *g, size_t width, size_t words)
{
	memset(g, 0, sizeof(*g));
	g->width = width;
	g->words = words;
	g->hsize = 1024;
	g->htab = xmalloc(g->hsize * sizeof(*g->htab));
	memset(g->htab, 0xff, g->hsize * sizeof(*g->htab));
}

static void
dag_free(struct dag *g)
{
	free(g->label);
	free(g->child);
	free(g->htab);
}

static uint64_t
dag_hash(const struct dag *g, const uint64_t *label, const int *child)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < g->words; i++)
		h = (h ^ label[i]) * 1099511628211ULL;
	for (i = 0; i < g->width; i++)
		h = (h ^ (uint64_t)(unsigned)child[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static int dag_intern(struct dag *g, const uint64_t *label, const int *child);

static void
dag_grow(struct dag *g)
{
	size_t i;

	free(g->htab);
	g->hsize *= 2;
	g->htab = xmalloc(g->hsize * sizeof(*g->htab));
	memset(g->htab, 0xff, g->hsize * sizeof(*g->htab));
	for (i = 0; i < g->n; i++) {
		size_t h = dag_hash(g, g->label + i * g->words,
		    g->child + i * g->width) & (g->hsize - 1);

		while (g->htab[h] >= 0)
			h = (h + 1) & (g->hsize - 1);
		g->htab[h] = (int)i;
	}
}

static int
dag_intern(struct dag *g, const uint64_t *label, const int *child)
{
	size_t h;

	if (2 * (g->n + 1) >= g->hsize)
		dag_grow(g);
	h = dag_hash(g, label, child) & (g->hsize - 1);
	while (g->htab[h] >= 0) {
		size_t i = (size_t)g->htab[h];

		/* (A width or word count of 0 may come with NULL arrays,
		 * which memcmp and memcpy must not be given.) */
		if ((!g->words || !memcmp(g->label + i * g->words, label,
		    g->words * sizeof(*label))) && (!g->width ||
		    !memcmp(g->child + i * g->width, child,
		    g->width * sizeof(*child))))
			return (int)i;
		h = (h + 1) & (g->hsize - 1);
	}
	if (g->n == g->alloc) {
		g->alloc = g->alloc ? g->alloc * 2 : 256;
		g->label = xrealloc(g->label, g->alloc * (g->words ? g->words : 1) *
		    sizeof(*g->label));
		g->child = xrealloc(g->child, g->alloc * (g->width ? g->width :
		    1) * sizeof(*g->child));
	}
	if (g->words)
		memcpy(g->label + g->n * g->words, label,
		    g->words * sizeof(*label));
	if (g->width)
		memcpy(g->child + g->n * g->width, child,
		    g->width * sizeof(*child));
	g->htab[h] = (int)g->n;
	return (int)g->n++;
}

/*
 * One row's automaton over its own classes, to depth `depth`: node 0 is
 * dead, node ANY lets every byte through (the row's depth is reached, or
 * nothing after the prefix can rule it out), the others are prefixes
 * the row can match after.
 */
#define DEAD 0
#define ANY 1

struct rowdfa {
	size_t row;		/* the catalogue row it is a branch of */
	pcre2_code *gate;	/* the branch, for partial matching */
	int fine;		/* one class per byte */
	struct partition pt;
	struct dag g;
	int depth;
	int root;
};

static struct rowdfa *rdfa;	/* every row's branches, in row order */
static size_t nrows, nbranch;

/* -2: over budget. */
static int
explore_row(struct rowdfa *d, unsigned char *s, int depth, long *budget)
{
	int *child, c, id, any = 1;

	if (depth == d->depth)
		return ANY;
	if ((*budget -= d->pt.ncls) < 0)
		return -2;
	child = xmalloc((size_t)d->pt.ncls * sizeof(*child));
	for (c = 0; c < d->pt.ncls; c++) {
		s[depth] = (unsigned char)d->pt.rep[c];
		child[c] = possible(d->gate, s, (size_t)depth + 1) ?
		    explore_row(d, s, depth + 1, budget) : DEAD;
		if (child[c] == -2) {
			free(child);
			return -2;
		}
		any &= child[c] == ANY;
	}
	id = any ? ANY : dag_intern(&d->g, NULL, child);
	free(child);
	return id;
}

/*
 * The deepest automaton for row r whose exploration fits the budget:
 * depth 1, 2, ... until the next one would not.  A deeper one costs
 * about as many partial matches as the row has prefixes of that length
 * times its classes, so a row that takes any word (the host names) stops
 * early, and one made of literals goes all the way.
 */
static void
build_row(struct rowdfa *d, int maxdepth, long budget)
{
	struct rowdfa best;
	unsigned char s[64];
	int none[256] = { 0 }, anyc[256], c, depth;

	memset(&best, 0, sizeof(best));
	for (c = 0; c < 256; c++)
		anyc[c] = ANY;
	for (depth = 1; depth <= maxdepth; depth++) {
		long b = budget;

		d->depth = depth;
		dag_init(&d->g, (size_t)d->pt.ncls, 0);
		dag_intern(&d->g, NULL, none);		/* DEAD */
		dag_intern(&d->g, NULL, anyc);		/* ANY */
		d->root = explore_row(d, s, 0, &b);
		if (d->root == -2) {
			dag_free(&d->g);
			break;
		}
		dag_free(&best.g);
		best = *d;
		if (d->root == ANY)
			break;		/* nothing to rule out, however deep */
	}
	if (!best.depth)
		die("row %s: no automaton within the budget",
		    am_kinds[d->row].name);
	*d = best;
}

/*
 * The rows' automata run side by side over the common classes: a state
 * is every row's state, its label the rows not dead.  Made unique as
 * they are made, by label and children, so the result is minimal.
 */
static struct partition joint;
static int *rowcls;		/* [b * joint.ncls + c]: branch b's class */
static struct dag prod;
static int maxdepth;

/* Memo of the product's states: (depth, branch states) -> node. */
struct memo {
	uint16_t *keys;		/* [n * (nbranch + 1)] */
	int *val;
	size_t n, alloc;
	int *htab;
	size_t hsize;
};
static struct memo memo;

static uint64_t
memo_hash(const uint16_t *key)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i <= nbranch; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	return h ^ (h >> 31);
}

static int *
memo_find(const uint16_t *key, int add)
{
	size_t h, i, k = nbranch + 1;

	if (add && 2 * (memo.n + 1) >= memo.hsize) {
		free(memo.htab);
		memo.hsize = memo.hsize ? memo.hsize * 2 : 4096;
		memo.htab = xmalloc(memo.hsize * sizeof(*memo.htab));
		memset(memo.htab, 0xff, memo.hsize * sizeof(*memo.htab));
		for (i = 0; i < memo.n; i++) {
			h = memo_hash(memo.keys + i * k) & (memo.hsize - 1);
			while (memo.htab[h] >= 0)
				h = (h + 1) & (memo.hsize - 1);
			memo.htab[h] = (int)i;
		}
	}
	if (!memo.hsize)
		return NULL;
	h = memo_hash(key) & (memo.hsize - 1);
	while (memo.htab[h] >= 0) {
		i = (size_t)memo.htab[h];
		if (!memcmp(memo.keys + i * k, key, k * sizeof(*key)))
			return &memo.val[i];
		h = (h + 1) & (memo.hsize - 1);
	}
	if (!add)
		return NULL;
	if (memo.n == memo.alloc) {
		memo.alloc = memo.alloc ? memo.alloc * 2 : 4096;
		memo.keys = xrealloc(memo.keys, memo.alloc * k * sizeof(*key));
		memo.val = xrealloc(memo.val, memo.alloc * sizeof(*memo.val));
	}
	memcpy(memo.keys + memo.n * k, key, k * sizeof(*key));
	memo.htab[h] = (int)memo.n;
	memo.val[memo.n] = -1;
	return &memo.val[memo.n++];
}

static int
product(const uint16_t *key)
{
	uint16_t *next = xmalloc((nbranch + 1) * sizeof(*next));
	int *child = xmalloc((size_t)joint.ncls * sizeof(*child)), c, id, *m;
	uint64_t label[AM_SCAN_WORDS] = { 0 };
	size_t b;

	if ((m = memo_find(key, 0)) && *m >= 0) {
		id = *m;
		goto out;
	}
	for (b = 0; b < nbranch; b++)
		if (key[b + 1] != DEAD)
			label[rdfa[b].row / 64] |= 1ULL << (rdfa[b].row % 64);
	for (c = 0; c < joint.ncls; c++) {
		int alive = 0;

		child[c] = DEAD;
		if (key[0] == maxdepth)
			continue;
		next[0] = (uint16_t)(key[0] + 1);
		for (b = 0; b < nbranch; b++) {
			int st = key[b + 1];

			if (st > ANY)
				st = rdfa[b].g.child[(size_t)st * rdfa[b].g.width +
				    (size_t)rowcls[b * (size_t)joint.ncls + (size_t)c]];
			next[b + 1] = (uint16_t)st;
			alive |= st != DEAD;
		}
		if (alive)
			child[c] = product(next);
	}
	id = dag_intern(&prod, label, child);
	*memo_find(key, 1) = id;
out:
	free(next);
	free(child);
	return id;
}

/* Write n bytes as a C array body. */
static void
put_bytes(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%u,", i % 20 ? "" : "\n\t", p[i]);
	printf("\n");
}

static void
serialize(const char *name, pcre2_code **codes, size_t n)
{
	uint8_t *bytes;
	PCRE2_SIZE size;
	int32_t rc;

	rc = pcre2_serialize_encode((const pcre2_code **)codes, (int32_t)n,
	    &bytes, &size, NULL);
	if (rc < 0)
		die("cannot serialize %s", name);
	printf("static _Alignas(16) const unsigned char %s[] = {", name);
	put_bytes(bytes, size);
	printf("};\n\n");
	pcre2_serialize_free(bytes);
}

static pcre2_code *
compile(const char *pat, uint32_t options, const char *what)
{
	PCRE2_SIZE erroff;
	pcre2_code *re;
	int errcode;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, options,
	    &errcode, &erroff, NULL);
	if (!re)
		die("cannot compile %s", what);
	return re;
}

/* Make br the automaton of branch pat of row r. */
static void
add_branch(struct rowdfa *br, size_t r, const char *pat, int depth,
    long budget)
{
	char *stripped = strip_lookbehinds(pat);
	size_t from = nsets;

	memset(br, 0, sizeof(*br));
	br->row = r;
	finest = 0;
	collect_sets(pat);
	br->fine = finest;
	partition(from, nsets, finest, &br->pt);
	br->gate = compile(stripped, PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE,
	    am_kinds[r].name);
	check_partition(br->gate, &br->pt, am_kinds[r].name);
	build_row(br, depth, budget);
	free(stripped);
}

int
main(void)
{
	static pcre2_code *rows[AM_SCAN_WORDS * 64], *tokens[2];
	size_t i, r, b, nlabels = 0, *labelof, nstates, abranch = 0;
	int *merged, *blockrep, nblocks = 0, c, d, root;
	char *branches[MAX_BRANCHES], *tolerant, *exact;
	uint16_t *key;
	long probes_rows;

	nrows = am_nkinds;
	maxdepth = MAX_DEPTH;
	if (nrows > AM_SCAN_WORDS * 64)
		die("more rows than AM_SCAN_WORDS holds");
	gate_md = pcre2_match_data_create(1, NULL);
	gate_mc = pcre2_match_context_create(NULL);
	if (!gate_mc)
		die("out of memory");
	pcre2_set_match_limit(gate_mc, PROBE_LIMIT);
	if (!gate_md)
		die("out of memory");
	/*
	 * Each row's branches on their own classes, each as deep as its
	 * share of the row's budget allows.
	 */
	for (r = 0; r < nrows; r++) {
		const char *pat = row_pattern(r);
		long before = nprobes;
		size_t first = nbranch, n;
		int pass = 0;
		/*
		 * A row with needles is tried only where its needle is in
		 * reach (scanner.c): three bytes of it are plenty.
		 */
		int depth = am_kinds[r].needles ? NEEDLE_DEPTH : maxdepth;

		rows[r] = compile(pat, PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE,
		    am_kinds[r].name);
		/* Whole, if that goes deep enough; else as branches. */
		branches[0] = xmalloc(strlen(pat) + 1);
		strcpy(branches[0], pat);
		for (n = 1;; n = split_pattern(pat, branches, MAX_BRANCHES)) {
			long left = ROW_BUDGET;

			if (nbranch + n > abranch) {
				abranch = (nbranch + n) * 2;
				rdfa = xrealloc(rdfa, abranch * sizeof(*rdfa));
			}
			nbranch = first;
			for (i = 0; i < n; i++) {
				struct rowdfa *br = &rdfa[nbranch++];
				long budget = left / (long)(n - i), spent = nprobes;

				if (budget < BRANCH_BUDGET)
					budget = BRANCH_BUDGET;
				add_branch(br, r, branches[i], depth, budget);
				left -= nprobes - spent;
				free(branches[i]);
			}
			for (i = first; i < nbranch; i++)
				if (rdfa[i].depth < depth)
					break;
			/* Deep enough, split already, or a row that does not
			 * split: what we have is the row's automaton (a
			 * shallower one only rules out less). */
			if (i == nbranch || n > 1 || pass++)
				break;
			dag_free(&rdfa[first].g);
			pcre2_code_free(rdfa[first].gate);
		}
		if (getenv("SCANGEN_VERBOSE")) {
			fprintf(stderr, "%-26s %2zu branches, depths", am_kinds[r].name,
			    n);
			for (i = first; i < nbranch; i++)
				fprintf(stderr, " %d", rdfa[i].depth);
			fprintf(stderr, ", %ld partial matches\n", nprobes - before);
		}
	}
	probes_rows = nprobes;
	tolerant = am_token_pattern(NULL, 0, 1);
	exact = am_token_pattern(NULL, 0, 0);
	if (!tolerant || !exact)
		die("out of memory");
	tokens[0] = compile(tolerant, 0, "the token grammar");
	tokens[1] = compile(exact, 0, "the token grammar");

	/* Then side by side, over the classes of all branches. */
	finest = 0;
	for (b = 0; b < nbranch; b++)
		finest |= rdfa[b].fine;
	partition(0, nsets, finest, &joint);
	rowcls = xmalloc(nbranch * (size_t)joint.ncls * sizeof(*rowcls));
	for (b = 0; b < nbranch; b++)
		for (c = 0; c < joint.ncls; c++)
			rowcls[b * (size_t)joint.ncls + (size_t)c] =
			    rdfa[b].pt.cls[joint.rep[c]];
	dag_init(&prod, (size_t)joint.ncls, AM_SCAN_WORDS);
	{
		static const uint64_t none[AM_SCAN_WORDS];
		int *dead = xmalloc((size_t)joint.ncls * sizeof(*dead));

		memset(dead, 0, (size_t)joint.ncls * sizeof(*dead));
		dag_intern(&prod, none, dead);		/* state 0: dead */
		free(dead);
	}
	key = xmalloc((nbranch + 1) * sizeof(*key));
	key[0] = 0;
	for (b = 0; b < nbranch; b++)
		key[b + 1] = (uint16_t)rdfa[b].root;
	root = product(key);
	nstates = prod.n;
	if (nstates > 65535)
		die("too many states for 16 bits");

	/* Merge the classes that lead to the same state from every state. */
	merged = xmalloc((size_t)joint.ncls * sizeof(int));
	blockrep = xmalloc((size_t)joint.ncls * sizeof(int));
	for (c = 0; c < joint.ncls; c++) {
		merged[c] = -1;
		for (d = 0; d < nblocks && merged[c] < 0; d++) {
			for (i = 0; i < nstates; i++)
				if (prod.child[i * prod.width + (size_t)c] !=
				    prod.child[i * prod.width + (size_t)blockrep[d]])
					break;
			if (i == nstates)
				merged[c] = d;
		}
		if (merged[c] < 0) {
			blockrep[nblocks] = c;
			merged[c] = nblocks++;
		}
	}
	/* Distinct labels. */
	labelof = xmalloc(nstates * sizeof(*labelof));
	for (i = 0; i < nstates; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (!memcmp(prod.label + j * AM_SCAN_WORDS, prod.label +
			    i * AM_SCAN_WORDS, AM_SCAN_WORDS * sizeof(uint64_t)))
				break;
		labelof[i] = j < i ? labelof[j] : nlabels++;
	}

	printf("/* Generated by lib/gen/scangen.c; do not edit. */\n"
	    "#include \"internal.h\"\n#include \"gen/scandata.h\"\n\n");
	printf("/*\n * %zu rows; depth %d; %d byte classes; %zu states; "
	    "%ld partial matches.\n * Each row's depth:", nrows, maxdepth,
	    nblocks, nstates, nprobes);
	for (b = 0; b < nbranch; b++)
		printf("%s%s%d", b % 40 ? "" : "\n *   ", b && rdfa[b].row !=
		    rdfa[b - 1].row ? " " : "", rdfa[b].depth);
	printf("\n */\n\n");
	printf("static const unsigned char block[256] = {");
	for (c = 0; c < 256; c++)
		printf("%s%d,", c % 16 ? " " : "\n\t", merged[joint.cls[c]]);
	printf("\n};\n\n");
	printf("static const uint16_t delta[%zu * %d] = {", nstates, nblocks);
	for (i = 0; i < nstates; i++) {
		printf("\n\t");
		for (d = 0; d < nblocks; d++)
			printf("%d,", prod.child[i * prod.width +
			    (size_t)blockrep[d]]);
	}
	printf("\n};\n\n");
	printf("static const uint16_t label[%zu] = {", nstates);
	for (i = 0; i < nstates; i++)
		printf("%s%zu,", i % 16 ? " " : "\n\t", labelof[i]);
	printf("\n};\n\n");
	printf("static const uint64_t masks[%zu * AM_SCAN_WORDS] = {", nlabels);
	for (i = 0; i < nstates; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (labelof[j] == labelof[i])
				break;
		if (j < i)
			continue;
		printf("\n\t");
		for (j = 0; j < AM_SCAN_WORDS; j++)
			printf("0x%016llxULL,", (unsigned long long)
			    prod.label[i * AM_SCAN_WORDS + j]);
	}
	printf("\n};\n\n");
	serialize("rows_code", rows, nrows);
	serialize("tokens_code", tokens, 2);
	printf("const struct am_scan_data am_scan_data = {\n"
	    "\t0x%016llxULL, %zu, %d, %d, %zu, %d,\n"
	    "\tblock, delta, label, masks,\n"
	    "\trows_code, sizeof(rows_code), tokens_code, sizeof(tokens_code),\n"
	    "};\n", (unsigned long long)am_scan_fingerprint(), nrows, maxdepth,
	    nblocks, nstates, root);
	fprintf(stderr, "scangen: %zu rows in %zu branches, depth %d, %d classes "
	    "(%d merged), %zu states, %zu labels, %ld partial matches (%ld "
	    "at the match limit), %zu product steps\n", nrows, nbranch,
	    maxdepth, joint.ncls, nblocks, nstates, nlabels, probes_rows,
	    nlimited, memo.n);
	return 0;
}
