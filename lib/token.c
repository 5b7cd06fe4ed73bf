/*
 * token.c - the token grammar, PREFIX_NNN, in one place.
 *
 * A token is an upper-case prefix, '_', and a decimal counter of at least
 * three digits, standing alone: not preceded or followed by a letter,
 * digit or '_'.  So EC2_0012 is one token, never EC2_001 and a '2'.
 * Only prefixes the catalogue can emit count, so that HTTP_200 or
 * ERR_404 in ordinary text are left alone.
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
cmp_len_desc(const void *a, const void *b)
{
	size_t la = strlen(*(const char *const *)a);
	size_t lb = strlen(*(const char *const *)b);

	if (la != lb)
		return la < lb ? 1 : -1;
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

char *
am_token_pattern(const struct am_kind *custom, size_t ncustom)
{
	struct pat_state st = { AM_BUF_INIT, NULL, 0, 0 };
	size_t i;
	int rc = 0;

	if (each_prefix(custom, ncustom, collect, &st) < 0) {
		am_free(st.seen);
		return NULL;
	}
	/* Longest first, so that NAT_GW wins over a shorter prefix. */
	qsort(st.seen, st.nseen, sizeof(*st.seen), cmp_len_desc);
	rc |= am_buf_addstr(&st.b, "(?<![A-Za-z0-9_])(?:");
	for (i = 0; i < st.nseen; i++) {
		if (i)
			rc |= am_buf_addstr(&st.b, "|");
		rc |= am_buf_addstr(&st.b, st.seen[i]);
	}
	rc |= am_buf_addstr(&st.b, ")_[0-9]{3,20}(?![A-Za-z0-9_])");
	am_free(st.seen);
	if (rc) {
		am_buf_free(&st.b);
		return NULL;
	}
	return am_buf_release(&st.b, NULL);
}
