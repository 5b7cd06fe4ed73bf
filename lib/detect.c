/*
 * detect.c - the small helpers every splitter uses: adding a part to a
 * match, finding bytes and prefixes, parsing digits and octets.
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>

void
am_match_add(struct am_match *m, size_t s, size_t e, const char *prefix,
    const char *kind)
{
	if (s >= e || m->nparts >= AM_MAX_PARTS)
		return;
	m->parts[m->nparts].start = s;
	m->parts[m->nparts].end = e;
	m->parts[m->nparts].prefix = prefix;
	m->parts[m->nparts].kind = kind;
	m->nparts++;
}

/* First offset in [s, e) holding one of the bytes of set, or e. */
size_t
am_find_any(const char *subj, size_t s, size_t e, const char *set)
{
	const char *q, *z;

	/* One byte: memchr, for it and for the NUL that strchr() finds. */
	if (set[0] && !set[1] && s < e) {
		q = memchr(subj + s, set[0], e - s);
		z = memchr(subj + s, '\0', (q ? (size_t)(q - subj) : e) - s);
		return z ? (size_t)(z - subj) : q ? (size_t)(q - subj) : e;
	}
	while (s < e && !strchr(set, subj[s]))
		s++;
	return s;
}

int
am_has_prefix(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(p, lit, l);
}

int
am_all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return n > 0;
}

/* Parse a decimal octet; -1 if not one. */
static int
octet(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	if (n < 1 || n > 3 || (n > 1 && p[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 255 ? v : -1;
}

/* Do the n octets separated by sep in [p, p+len) parse? */
int
am_octets(const char *p, size_t len, char sep, int n, int *o)
{
	size_t s = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t e = s;

		while (e < len && p[e] != sep)
			e++;
		if ((i < n - 1) != (e < len) ||
		    (o[i] = octet(p + s, e - s)) < 0)
			return 0;
		s = e + 1;
	}
	return 1;
}

/* Is c one of the bytes of set (never NUL)? */
int
am_is_in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

int
am_field_is(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(p, lit, n);
}

size_t
am_line_start(const char *subj, size_t lo, size_t p)
{
	while (p > lo && subj[p - 1] != '\n')
		p--;
	return p;
}
