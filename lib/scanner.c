/*
 * scanner.c - every enabled kind compiled into one JIT pattern.
 *
 * The kinds' patterns are joined as (?:P0)(*MARK:0)|(?:P1)(*MARK:1)|...
 * so one pass over the subject finds the leftmost match of any kind, and
 * the mark names the row that matched.  Where two rows can match at the
 * same start, the catalogue lists the longer form first, which makes
 * leftmost-first the same as leftmost-longest for it.  A row's splitter
 * then validates the match and cuts it into identifying parts.
 */
#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct am_scanner {
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	unsigned char *enabled;		/* per row of am_kinds */
	struct am_map *allow;		/* values never masked */
	struct am_map *prefixes;	/* for the token-literal row */
	char *token_re;
	int preserve;
	int jit;
};

void
am_scanner_free(struct am_scanner *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jstack);
	pcre2_code_free(s->re);
	am_map_free(s->allow);
	am_map_free(s->prefixes);
	am_free(s->token_re);
	am_free(s->enabled);
	am_free(s);
}

/* Does list item [p, p+n) name row k, by kind name or token prefix? */
static int
names_kind(const char *p, size_t n, const struct am_kind *k)
{
	return (strlen(k->name) == n && !strncasecmp(p, k->name, n)) ||
	    (k->prefix && strlen(k->prefix) == n && !strncasecmp(p, k->prefix, n));
}

/*
 * Apply a comma list to enabled[]: on = 1 enables, 0 disables.  Every
 * item must name at least one kind.
 */
static int
apply_list(unsigned char *enabled, const char *list, int on,
    struct am_error *err)
{
	const char *p = list;

	while (*p) {
		size_t n, i;
		int hit = 0;

		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (!n)
			break;
		for (i = 0; i < am_nkinds; i++) {
			if (names_kind(p, n, &am_kinds[i])) {
				enabled[i] = (unsigned char)on;
				hit = 1;
			}
		}
		if (!hit) {
			/* "all" is a convenience for --types. */
			if (n == 3 && !strncasecmp(p, "all", 3)) {
				for (i = 0; i < am_nkinds; i++)
					enabled[i] = (unsigned char)on;
			} else
				return am_seterr(err, AWSMASK_ECONFIG,
				    "unknown kind '%.*s' (see --list-types)",
				    (int)(n > 64 ? 64 : n), p);
		}
		p += n;
	}
	return AWSMASK_OK;
}

static int
build_pattern(struct am_scanner *s, struct am_buf *b)
{
	size_t i;
	int first = 1, rc = 0;

	for (i = 0; i < am_nkinds; i++) {
		const char *pat = am_kinds[i].pattern;

		if (!s->enabled[i])
			continue;
		if (!pat)
			pat = s->token_re;
		rc |= am_buf_addf(b, "%s(?:%s)(*MARK:%zu)", first ? "" : "|",
		    pat, i);
		first = 0;
	}
	if (first)	/* nothing enabled: a pattern that never matches */
		rc |= am_buf_addstr(b, "(*FAIL)");
	return rc ? -1 : 0;
}

int
am_scanner_new(struct am_scanner **out, const struct am_scanner_opts *o,
    struct am_error *err)
{
	struct am_scanner *s;
	struct am_buf pat = AM_BUF_INIT;
	PCRE2_SIZE erroff;
	int errcode, rc;
	size_t i;

	*out = NULL;
	s = am_calloc(1, sizeof(*s));
	if (!s)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	s->preserve = o->preserve_structure;
	s->enabled = am_calloc(am_nkinds, 1);
	s->allow = am_map_new();
	s->prefixes = am_prefix_set_new();
	if (!s->enabled || !s->allow || !s->prefixes)
		goto nomem;
	s->token_re = am_token_pattern(s->prefixes);
	if (!s->token_re)
		goto nomem;
	for (i = 0; i < am_nkinds; i++)
		s->enabled[i] = !am_kinds[i].default_off;
	if (o->types && *o->types) {
		memset(s->enabled, 0, am_nkinds);
		if ((rc = apply_list(s->enabled, o->types, 1, err)))
			goto fail;
	}
	if (o->exclude_types && *o->exclude_types &&
	    (rc = apply_list(s->enabled, o->exclude_types, 0, err)))
		goto fail;
	for (i = 0; i < o->nallow; i++)
		if (am_map_put(s->allow, o->allow[i], strlen(o->allow[i]), "", 0))
			goto nomem;
	if (build_pattern(s, &pat) < 0)
		goto nomem;
	s->re = pcre2_compile((PCRE2_SPTR)pat.buf, pat.len, 0, &errcode,
	    &erroff, NULL);
	if (!s->re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		rc = am_seterr(err, AWSMASK_ECONFIG,
		    "cannot compile the catalogue: %s at offset %zu", msg,
		    (size_t)erroff);
		goto fail;
	}
	s->jit = pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE) == 0;
	s->md = pcre2_match_data_create_from_pattern(s->re, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->md || !s->mctx)
		goto nomem;
	if (s->jit) {
		s->jstack = pcre2_jit_stack_create(64 * 1024, 4 * 1024 * 1024,
		    NULL);
		if (!s->jstack)
			goto nomem;
		pcre2_jit_stack_assign(s->mctx, NULL, s->jstack);
	}
	am_buf_free(&pat);
	*out = s;
	return AWSMASK_OK;
nomem:
	rc = am_seterr(err, AWSMASK_ENOMEM, "out of memory");
fail:
	am_buf_free(&pat);
	am_scanner_free(s);
	return rc;
}

size_t
am_scanner_nkinds(const struct am_scanner *s)
{
	(void)s;
	return am_nkinds;
}

int
am_scanner_kind_enabled(const struct am_scanner *s, size_t i)
{
	return i < am_nkinds && s->enabled[i];
}

static int
allowed(const struct am_scanner *s, const char *p, size_t n)
{
	return am_map_count(s->allow) && am_map_get(s->allow, p, n, NULL);
}

/*
 * Validate and split a raw match; 1 to keep it.  Parts outside the match
 * or out of order are dropped rather than trusted.
 */
static int
finish_match(const struct am_scanner *s, const char *subject, size_t len,
    struct am_match *m)
{
	const struct am_kind *k = m->kind;
	size_t prev = m->start;
	int i, n = 0;

	m->nparts = 0;
	m->whole_prefix = NULL;
	if (k->split) {
		if (!k->split(subject, len, m))
			return 0;
	} else {
		m->nparts = 1;
		m->parts[0].start = m->start;
		m->parts[0].end = m->end;
		m->parts[0].prefix = k->prefix;
		m->parts[0].kind = k->name;
	}
	if (allowed(s, subject + m->start, m->end - m->start))
		return 0;
	if (!s->preserve && m->whole_prefix) {
		m->nparts = 1;
		m->parts[0].start = m->start;
		m->parts[0].end = m->end;
		m->parts[0].prefix = m->whole_prefix;
		m->parts[0].kind = k->name;
		return 1;
	}
	for (i = 0; i < m->nparts && i < AM_MAX_PARTS; i++) {
		struct am_part p = m->parts[i];

		if (p.start < prev || p.end <= p.start || p.end > m->end ||
		    !p.prefix)
			continue;
		if (allowed(s, subject + p.start, p.end - p.start))
			continue;
		if (!p.kind)
			p.kind = k->name;
		m->parts[n++] = p;
		prev = p.end;
	}
	m->nparts = n;
	return n > 0;
}

int
am_scanner_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	while (from < limit && from <= len) {
		PCRE2_SIZE *ov;
		PCRE2_SPTR mark;
		int rc;

		if (s->jit)
			rc = pcre2_jit_match(s->re, (PCRE2_SPTR)subject, len,
			    from, 0, s->md, s->mctx);
		else
			rc = pcre2_match(s->re, (PCRE2_SPTR)subject, len, from,
			    0, s->md, s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			am_seterr(err, AWSMASK_EDATA, "matching failed: %s", msg);
			return -1;
		}
		ov = pcre2_get_ovector_pointer(s->md);
		mark = pcre2_get_mark(s->md);
		if (ov[0] >= limit)
			return 0;
		memset(m, 0, sizeof(*m));
		m->start = ov[0];
		m->end = ov[1];
		if (!mark || m->end <= m->start) {
			from = m->start + 1;
			continue;
		}
		m->kind = &am_kinds[strtoul((const char *)mark, NULL, 10)];
		if (finish_match(s, subject, len, m))
			return 1;
		from = m->start + 1;
	}
	return 0;
}
