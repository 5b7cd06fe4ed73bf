/*
 * token.c - the token grammar, PREFIX_NNN, in one place.
 *
 * A token is an upper-case prefix, '_', and a decimal counter of at least
 * three digits, not preceded or followed by a letter or digit.  So
 * EC2_0012 is one token, never EC2_001 and a '2'; but an '_' may touch
 * it, as it does when an ID inside a snake_case name is masked
 * (backup_EC2_001_2026.tar).
 * Only prefixes the catalogue can emit count, so that HTTP_200 or
 * ERR_404 in ordinary text are left alone.
 *
 * The tolerant grammar also takes a token the way an LLM rewrites it:
 * in any letter case, and with any '_' (of the prefix too) written as
 * "\_" (a markdown escape), '-', U+2010 HYPHEN or U+2011 NON-BREAKING
 * HYPHEN.  Emphasis around a token (**EC2_001**) needs nothing: '*' is
 * no word character.  En and em dashes are not separators: between two
 * words they are punctuation ("EC2 - 001" ranges, asides), and LLMs do
 * not put them in identifiers.  awsunmask reads the tolerant grammar
 * unless told --exact; awsmask's token-literal kind masks everything it
 * matches, so that awsunmask never restores text that was no token.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Calls fn for every prefix a token may carry; duplicates included. */
static int
each_prefix(const struct am_kind *custom, size_t ncustom,
    int (*fn)(void *, const char *), void *arg)
{
	size_t i;

	for (i = 0; i < am_nkinds; i++)
		if (am_kinds[i].prefix && fn(arg, am_kinds[i].prefix) < 0)
			return -1;
	for (i = 0; am_extra_prefixes[i]; i++)
		if (fn(arg, am_extra_prefixes[i]) < 0)
			return -1;
	for (i = 0; i < ncustom; i++)
		if (fn(arg, custom[i].prefix) < 0)
			return -1;
	return 0;
}

static int
add_prefix(void *arg, const char *p)
{
	return am_map_put(arg, p, strlen(p), "", 0);
}

struct am_map *
am_prefix_set_new(const struct am_kind *custom, size_t ncustom)
{
	struct am_map *m = am_map_new();

	if (m && each_prefix(custom, ncustom, add_prefix, m) < 0) {
		am_map_free(m);
		return NULL;
	}
	return m;
}

int
am_token_valid(const struct am_map *prefixes, const char *p, size_t n)
{
	size_t i = n;

	/* Split at the last '_': digits after it, a known prefix before. */
	while (i > 0 && isdigit((unsigned char)p[i - 1]))
		i--;
	if (n - i < 3 || i < 2 || p[i - 1] != '_')
		return 0;
	return am_map_get(prefixes, p, i - 1, NULL) != NULL;
}

struct pat_state {
	struct am_buf b;
	const char **seen;
	size_t nseen;
	int failed;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
collect(void *arg, const char *p)
{
	struct pat_state *st = arg;
	const char **n;
	size_t i;

	for (i = 0; i < st->nseen; i++)
		if (!strcmp(st->seen[i], p))
			return 0;
	n = am_realloc(st->seen, (st->nseen + 1) * sizeof(*n));
	if (!n)
		return -1;
	st->seen = n;
	st->seen[st->nseen++] = p;
	return 0;
}

/* A separator of the tolerant grammar: _ \\_ - U+2010 U+2011. */
#define SEP_RE "(?:_|\\\\_|-|\\xe2\\x80[\\x90\\x91])"

static int
add_char(struct am_buf *b, char c, const char *sep)
{
	return c == '_' ? am_buf_addstr(b, sep) : am_buf_add(b, &c, 1);
}

/*
 * The prefixes v[0..n), sorted, which share their first `depth` bytes,
 * as a trie of alternations: EC2(?:_HOST|) rather than EC2_HOST|EC2.
 * A mismatch then costs a byte or two, not a try of every prefix: the
 * scanner tries this pattern at most word starts.  Longer prefixes come
 * before the shorter ones they extend, so NAT_GW wins over NAT.
 */
static int
add_trie(struct am_buf *b, const char *const *v, size_t n, size_t depth,
    const char *sep)
{
	size_t i = 0, j, alts = 0;
	int rc = 0, empty = 0;
	const char *p;

	if (n == 1) {
		for (p = v[0] + depth; *p; p++)
			rc |= add_char(b, *p, sep);
		return rc;
	}
	rc |= am_buf_addstr(b, "(?:");
	while (i < n) {
		char c = v[i][depth];

		if (!c) {
			empty = 1;
			i++;
			continue;
		}
		for (j = i; j < n && v[j][depth] == c; j++)
			;
		if (alts++)
			rc |= am_buf_addstr(b, "|");
		rc |= add_char(b, c, sep);
		rc |= add_trie(b, v + i, j - i, depth + 1, sep);
		i = j;
	}
	rc |= am_buf_addstr(b, empty ? "|)" : ")");
	return rc;
}

char *
am_token_pattern(const struct am_kind *custom, size_t ncustom, int tolerant)
{
	struct pat_state st = { AM_BUF_INIT, NULL, 0, 0 };
	const char *sep = tolerant ? SEP_RE : "_";
	int rc = 0;

	if (each_prefix(custom, ncustom, collect, &st) < 0) {
		am_free(st.seen);
		return NULL;
	}
	qsort(st.seen, st.nseen, sizeof(*st.seen), cmp_str);
	/*
	 * A letter or digit may not touch a token; an '_' may, as it does
	 * when an ID inside a snake_case name is masked
	 * (backup_EC2_001_2026.tar), but only a token written exactly:
	 * am_token_tolerated() refuses the other forms there, so that
	 * snake_case words (test_rds_001) stay words.  One trie serves both.
	 */
	rc |= am_buf_addstr(&st.b, tolerant ? "(?<![A-Za-z0-9])(?i)" :
	    "(?<![A-Za-z0-9])");
	rc |= add_trie(&st.b, st.seen, st.nseen, 0, sep);
	rc |= am_buf_addf(&st.b, "%s[0-9]{3,20}(?![A-Za-z0-9])", sep);
	am_free(st.seen);
	if (rc) {
		am_buf_free(&st.b);
		return NULL;
	}
	return am_buf_release(&st.b, NULL);
}

/*
 * Bytes the longest prefix can take in the tolerant grammar, with its
 * separator: every '_' may be three bytes (U+2011).
 */
static int
max_len(void *arg, const char *p)
{
	size_t *max = arg, n = 0;

	for (; *p; p++)
		n += *p == '_' ? 3 : 1;
	if (n + 3 > *max)
		*max = n + 3;
	return 0;
}

size_t
am_token_max_prefix(const struct am_kind *custom, size_t ncustom)
{
	size_t max = 0;

	each_prefix(custom, ncustom, max_len, &max);
	return max;
}

/* The length of the separator at p (of n bytes), 0 if none. */
static size_t
sep_len(const char *p, size_t n, int *hyphen)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 1 && (u[0] == '_' || u[0] == '-')) {
		*hyphen |= u[0] == '-';
		return 1;
	}
	if (n >= 2 && u[0] == '\\' && u[1] == '_')
		return 2;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0x90 || u[2] == 0x91)) {
		*hyphen = 1;
		return 3;
	}
	return 0;
}

size_t
am_token_canon(const char *p, size_t n, char *out, int *hyphen)
{
	size_t i = 0, o = 0, k;

	*hyphen = 0;
	while (i < n) {
		if ((k = sep_len(p + i, n - i, hyphen))) {
			out[o++] = '_';
			i += k;
		} else {
			char c = p[i++];

			out[o++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		}
	}
	return o;
}

static int
joins(const char *s, size_t len, size_t at, size_t word)
{
	return at < len && word < len && (s[at] == '-' || s[at] == '.') &&
	    isalnum((unsigned char)s[word]);
}

int
am_token_tolerated(const char *s, size_t len, size_t start, size_t end)
{
	size_t i;

	/* Touching an '_', only the exact form: upper case, '_', digits. */
	if ((start > 0 && s[start - 1] == '_') || (end < len && s[end] == '_')) {
		for (i = start; i < end; i++)
			if (!((s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
				return 0;
		return 1;
	}
	/* In a match, '-' and 0xe2 (of U+2010, U+2011) are hyphens only. */
	for (i = start; i < end; i++)
		if (s[i] == '-' || (unsigned char)s[i] == 0xe2)
			break;
	if (i == end)
		return 1;
	/*
	 * A hyphenated form joined to more of a name by '-' or '.'
	 * (web-ec2-001, ec2-001.example.com) is that name's, not a token's.
	 */
	return !(start >= 2 && joins(s, len, start - 1, start - 2)) &&
	    !joins(s, len, end, end + 1);
}
