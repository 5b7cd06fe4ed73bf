/*
 * scanner.c - find identifiers: every enabled kind, in one pass.
 *
 * One pattern that joins all kinds by '|' is correct but slow: at every
 * byte PCRE2 tries every branch (2 MB/s over 80 kinds).  So the kinds are
 * grouped by the bytes their matches can start with (PCRE2 tells us, per
 * pattern), and each group is one pattern anchored at its start:
 * (?:P0)(*MARK:0)|(?:P3)(*MARK:3)|...  The scan walks the bytes and, at a
 * byte some group can start with, runs that group's pattern there.  A
 * letter or digit right after another letter or digit is never a start:
 * every kind begins at a boundary (its own look-behind says so), which
 * skips the insides of words at the cost of a table look-up.
 *
 * Within a group the catalogue's order decides, so at one start the
 * earliest row wins; the catalogue lists longer forms first, which makes
 * leftmost-first the same as leftmost-longest for it.  A row's splitter
 * then validates the match and cuts it into identifying parts.
 *
 * Custom kinds (patterns files) are the user's regexes, with capture
 * groups and back-references the grouped alternation would renumber, and
 * without the look-behind that lets the catalogue skip the insides of
 * words.  So each is compiled on its own and searched unanchored (PCRE2's
 * start-up optimisations find its first byte), one line at a time in
 * effect, and its next match in the block is remembered.  The scan then
 * takes the leftmost of the custom and catalogue matches; at one start a
 * custom kind wins.  Without custom kinds none of this runs.
 */
#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>

struct group {
	pcre2_code *re;
	int jit;
};

/* The compiled groups for one set of enabled rows. */
struct groupset {
	struct group *groups;		/* distinct start-byte groups */
	size_t ngroups;
	short start[256];		/* byte -> group index, or -1 */
};

#define MAX_NEEDLES 8

/*
 * A custom kind, and its next match in the current block: searching
 * from `from` found nothing (found 0) or the part [start, end) of a
 * match whose search must resume at `next` if it is refused later.
 */
struct custom {
	const struct am_kind *kind;	/* borrowed from the configuration */
	size_t row;			/* am_nkinds + its index */
	pcre2_code *re;
	pcre2_match_data *md;
	int jit;
	int id;				/* number of the group `id`, or 0 */
	int valid, found;
	size_t from, start, end;
};

struct am_scanner {
	/*
	 * One groupset per combination of needles present in a block,
	 * built when first needed: sets[mask] has the rows whose needles
	 * (if any) intersect mask.
	 */
	struct groupset *sets[1 << MAX_NEEDLES];
	const char *needle[MAX_NEEDLES];
	size_t needle_len[MAX_NEEDLES];
	unsigned nneedles;
	unsigned *kind_needles;		/* per row: mask of its needles */
	const char *win_subject;	/* the block the cached mask is for */
	size_t win_from, win_len;
	unsigned win_mask;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	unsigned char *enabled;		/* per row: am_kinds, then custom */
	struct am_map *allow;		/* values never masked */
	char *token_re;			/* the token-literal row's pattern */
	struct custom *custom;		/* the enabled custom kinds */
	size_t ncustom;
	const char *cwin_subject;	/* the block their matches are for */
	size_t cwin_len;
	int preserve;
};

static void
groupset_free(struct groupset *gs)
{
	size_t i;

	if (!gs)
		return;
	for (i = 0; i < gs->ngroups; i++)
		pcre2_code_free(gs->groups[i].re);
	am_free(gs->groups);
	am_free(gs);
}

void
am_scanner_free(struct am_scanner *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < AM_ARRAY_SIZE(s->sets); i++)
		groupset_free(s->sets[i]);
	am_free(s->kind_needles);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jstack);
	am_map_free(s->allow);
	for (i = 0; i < s->ncustom; i++) {
		pcre2_match_data_free(s->custom[i].md);
		pcre2_code_free(s->custom[i].re);
	}
	am_free(s->custom);
	am_free(s->token_re);
	am_free(s->enabled);
	am_free(s);
}

static int apply_list(unsigned char *enabled, const struct am_kind *custom,
    size_t ncustom, const char *list, int on, struct am_error *err);

/* Does list item [p, p+n) name row k, by kind name or token prefix? */
static int
names_kind(const char *p, size_t n, const struct am_kind *k)
{
	return (strlen(k->name) == n && !strncasecmp(p, k->name, n)) ||
	    (k->prefix && strlen(k->prefix) == n && !strncasecmp(p, k->prefix, n));
}

int
am_kind_list_check(const char *list, const struct am_kind *custom,
    size_t ncustom, struct am_error *err)
{
	unsigned char *scratch = am_calloc(am_nkinds + ncustom, 1);
	int rc;

	if (!scratch)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	rc = apply_list(scratch, custom, ncustom, list, 1, err);
	am_free(scratch);
	return rc;
}

/*
 * Apply a comma list to enabled[] (the catalogue's rows, then the custom
 * kinds): on = 1 enables, 0 disables.  Every item must name at least one
 * kind.
 */
static int
apply_list(unsigned char *enabled, const struct am_kind *custom,
    size_t ncustom, const char *list, int on, struct am_error *err)
{
	const char *p = list;
	size_t nrows = am_nkinds + ncustom;

	while (*p) {
		size_t n, i;
		int hit = 0;

		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (!n)
			break;
		for (i = 0; i < nrows; i++) {
			if (names_kind(p, n, i < am_nkinds ? &am_kinds[i] :
			    &custom[i - am_nkinds])) {
				enabled[i] = (unsigned char)on;
				hit = 1;
			}
		}
		if (!hit) {
			/* "all" is a convenience for --types. */
			if (n == 3 && !strncasecmp(p, "all", 3)) {
				for (i = 0; i < nrows; i++)
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

static const char *
kind_pattern(const struct am_scanner *s, size_t i)
{
	return am_kinds[i].pattern ? am_kinds[i].pattern : s->token_re;
}

static int
compile_error(struct am_error *err, const char *what, int errcode,
    PCRE2_SIZE erroff)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(errcode, msg, sizeof(msg));
	return am_seterr(err, AWSMASK_ECONFIG, "cannot compile %s: %s at "
	    "offset %zu", what, msg, (size_t)erroff);
}

/*
 * The bytes a match of row i can start with, from PCRE2's own analysis
 * of the pattern; every byte when it cannot say.  Letters are added in
 * both cases, since a caseless first code unit is reported in one.
 */
static int
start_bytes(const struct am_scanner *s, size_t i, unsigned char set[256],
    struct am_error *err)
{
	const uint8_t *bitmap = NULL;
	uint32_t type = 0, unit = 0;
	PCRE2_SIZE erroff;
	pcre2_code *re;
	int errcode, b;

	re = pcre2_compile((PCRE2_SPTR)kind_pattern(s, i), PCRE2_ZERO_TERMINATED,
	    0, &errcode, &erroff, NULL);
	if (!re)
		return compile_error(err, am_kinds[i].name, errcode, erroff);
	pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type);
	pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bitmap);
	memset(set, 0, 256);
	if (type == 1) {
		pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		set[unit & 0xff] = 1;
		set[tolower((int)(unit & 0xff))] = 1;
		set[toupper((int)(unit & 0xff))] = 1;
	} else if (bitmap) {
		for (b = 0; b < 256; b++)
			set[b] = (bitmap[b / 8] >> (b % 8)) & 1;
	} else
		memset(set, 1, 256);
	pcre2_code_free(re);
	return AWSMASK_OK;
}

/* Compile the group of rows members[] as one anchored JIT pattern. */
static int
compile_group(struct am_scanner *s, const unsigned char *members,
    struct group *g, struct am_error *err)
{
	struct am_buf pat = AM_BUF_INIT;
	PCRE2_SIZE erroff;
	int errcode, rc = 0, first = 1;
	size_t i;

	for (i = 0; i < am_nkinds; i++) {
		if (!members[i])
			continue;
		rc |= am_buf_addf(&pat, "%s(?:%s)(*MARK:%zu)", first ? "" : "|",
		    kind_pattern(s, i), i);
		first = 0;
	}
	if (rc) {
		am_buf_free(&pat);
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	}
	/*
	 * No start optimisations: the scan loop picks the starts itself, and
	 * PCRE2's search for a required later byte would, at every start,
	 * read ahead thousands of bytes for one that is absent.
	 */
	g->re = pcre2_compile((PCRE2_SPTR)pat.buf, pat.len,
	    PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE, &errcode, &erroff, NULL);
	am_buf_free(&pat);
	if (!g->re)
		return compile_error(err, "the catalogue", errcode, erroff);
	g->jit = pcre2_jit_compile(g->re, PCRE2_JIT_COMPLETE) == 0;
	return AWSMASK_OK;
}

/*
 * Group the enabled rows by start byte: rows[b] is the member set of
 * byte b, and bytes with the same set share one compiled group.
 */
static int
build_groups(struct am_scanner *s, unsigned mask, struct am_error *err)
{
	unsigned char *sets, *members, *on;
	struct groupset *gs;
	size_t i, g;
	int b, rc = AWSMASK_OK;

	sets = am_calloc(am_nkinds, 256);
	members = am_calloc(256, am_nkinds);
	on = am_calloc(am_nkinds, 1);
	gs = am_calloc(1, sizeof(*gs));
	if (gs)
		gs->groups = am_calloc(256, sizeof(*gs->groups));
	if (!sets || !members || !on || !gs || !gs->groups) {
		rc = am_seterr(err, AWSMASK_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < am_nkinds; i++)
		on[i] = s->enabled[i] && (!s->kind_needles[i] ||
		    (s->kind_needles[i] & mask));
	for (i = 0; i < am_nkinds && rc == AWSMASK_OK; i++)
		if (on[i])
			rc = start_bytes(s, i, sets + i * 256, err);
	for (b = 0; b < 256 && rc == AWSMASK_OK; b++) {
		unsigned char *m = members + (size_t)b * am_nkinds;
		int any = 0;

		gs->start[b] = -1;
		for (i = 0; i < am_nkinds; i++) {
			m[i] = on[i] && sets[i * 256 + (size_t)b];
			any |= m[i];
		}
		if (!any)
			continue;
		for (g = 0; g < (size_t)b; g++)
			if (gs->start[g] >= 0 && !memcmp(members + g * am_nkinds,
			    m, am_nkinds))
				break;
		if (g < (size_t)b) {
			gs->start[b] = gs->start[g];
			continue;
		}
		gs->start[b] = (short)gs->ngroups;
		rc = compile_group(s, m, &gs->groups[gs->ngroups], err);
		if (rc == AWSMASK_OK)
			gs->ngroups++;
	}
out:
	if (rc == AWSMASK_OK)
		s->sets[mask] = gs;
	else
		groupset_free(gs);
	am_free(sets);
	am_free(members);
	am_free(on);
	return rc;
}

/* Collect the enabled rows' needles; more than fit are ignored (kept on). */
static int
collect_needles(struct am_scanner *s, struct am_error *err)
{
	size_t i;

	s->kind_needles = am_calloc(am_nkinds, sizeof(*s->kind_needles));
	if (!s->kind_needles)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	for (i = 0; i < am_nkinds; i++) {
		const char *p = am_kinds[i].needles;
		unsigned mask = 0;
		int full = 0;

		if (!s->enabled[i] || !p)
			continue;
		while (*p) {
			size_t n = strcspn(p, "|"), j;

			for (j = 0; j < s->nneedles; j++)
				if (s->needle_len[j] == n &&
				    !memcmp(s->needle[j], p, n))
					break;
			if (j == s->nneedles && j < MAX_NEEDLES && n) {
				s->needle[j] = p;
				s->needle_len[j] = n;
				s->nneedles++;
			}
			if (j < s->nneedles)
				mask |= 1u << j;
			else
				full = 1;
			p += n + (p[n] == '|');
		}
		s->kind_needles[i] = full ? 0 : mask;
	}
	return AWSMASK_OK;
}

/* Compile the enabled custom kinds, each on its own. */
static int
compile_custom(struct am_scanner *s, const struct am_scanner_opts *o,
    struct am_error *err)
{
	size_t i;

	s->custom = am_calloc(o->ncustom ? o->ncustom : 1, sizeof(*s->custom));
	if (!s->custom)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	for (i = 0; i < o->ncustom; i++) {
		struct custom *c = &s->custom[s->ncustom];
		PCRE2_SIZE erroff;
		int errcode;

		if (!s->enabled[am_nkinds + i])
			continue;
		c->kind = &o->custom[i];
		c->row = am_nkinds + i;
		c->re = pcre2_compile((PCRE2_SPTR)c->kind->pattern,
		    PCRE2_ZERO_TERMINATED, AM_CUSTOM_PCRE2_OPTIONS, &errcode,
		    &erroff, NULL);
		if (!c->re)
			return compile_error(err, c->kind->name, errcode, erroff);
		s->ncustom++;
		c->jit = pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE) == 0;
		c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
		if (!c->md)
			return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
		c->id = pcre2_substring_number_from_name(c->re,
		    (PCRE2_SPTR)"id");
		if (c->id < 0)
			c->id = 0;
	}
	return AWSMASK_OK;
}

int
am_scanner_new(struct am_scanner **out, const struct am_scanner_opts *o,
    struct am_error *err)
{
	struct am_scanner *s;
	int rc;
	size_t i, nrows = am_nkinds + o->ncustom;

	*out = NULL;
	s = am_calloc(1, sizeof(*s));
	if (!s)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	s->preserve = o->preserve_structure;
	s->enabled = am_calloc(nrows, 1);
	s->allow = am_map_new();
	if (!s->enabled || !s->allow)
		goto nomem;
	s->token_re = am_token_pattern(o->custom, o->ncustom, 1);
	if (!s->token_re)
		goto nomem;
	for (i = 0; i < nrows; i++)
		s->enabled[i] = i < am_nkinds ? !am_kinds[i].default_off :
		    !o->custom[i - am_nkinds].default_off;
	if (o->types && *o->types) {
		memset(s->enabled, 0, nrows);
		if ((rc = apply_list(s->enabled, o->custom, o->ncustom,
		    o->types, 1, err)))
			goto fail;
	}
	if (o->exclude_types && *o->exclude_types &&
	    (rc = apply_list(s->enabled, o->custom, o->ncustom,
	    o->exclude_types, 0, err)))
		goto fail;
	if ((rc = compile_custom(s, o, err)))
		goto fail;
	for (i = 0; i < o->nallow; i++)
		if (am_map_put(s->allow, o->allow[i], strlen(o->allow[i]), "", 0))
			goto nomem;
	if ((rc = collect_needles(s, err)) ||
	    (rc = build_groups(s, (1u << s->nneedles) - 1, err)))
		goto fail;
	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->md || !s->mctx)
		goto nomem;
	{
		s->jstack = pcre2_jit_stack_create(64 * 1024, 4 * 1024 * 1024,
		    NULL);
		if (!s->jstack)
			goto nomem;
		pcre2_jit_stack_assign(s->mctx, NULL, s->jstack);
	}
	*out = s;
	return AWSMASK_OK;
nomem:
	rc = am_seterr(err, AWSMASK_ENOMEM, "out of memory");
fail:
	am_scanner_free(s);
	return rc;
}

int
am_scanner_kind_enabled(const struct am_scanner *s, size_t i)
{
	size_t j;

	if (i < am_nkinds)
		return s->enabled[i];
	for (j = 0; j < s->ncustom; j++)
		if (s->custom[j].row == i)
			return 1;
	return 0;
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

/* Letters and digits: a start inside a run of them is never tried. */
static const unsigned char alnum[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

void
am_scanner_reset(struct am_scanner *s)
{
	s->win_subject = NULL;
	s->cwin_subject = NULL;
}

static int
match_error(struct am_error *err, int rc)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return am_seterr(err, AWSMASK_EDATA, "matching failed: %s", msg);
}

/*
 * The next acceptable match of custom kind c at or after `from`: its
 * identifying part (the group `id`, else the match) is not empty, holds
 * no newline, starts at or after `from`, is no longer than AM_MAX_MATCH
 * and is not allow-listed.  A match that reaches over a newline is tried
 * again within its first line alone, so that patterns such as \s+ stay
 * on one line.  Sets c->found; 0, or -1 on a matching error.
 */
static int
custom_find(struct am_scanner *s, struct custom *c, const char *subject,
    size_t len, size_t from, struct am_error *err)
{
	size_t pos = from, end = len;

	c->valid = 1;
	c->found = 0;
	c->from = from;
	while (pos < len) {
		size_t lo, hi, ps, pe;
		PCRE2_SIZE *ov;
		const char *nl;
		int rc;

		if (pos > end) {
			pos = end + 1;
			end = len;
			continue;
		}

		rc = c->jit ? pcre2_jit_match(c->re, (PCRE2_SPTR)subject, end,
		    pos, 0, c->md, s->mctx) : pcre2_match(c->re,
		    (PCRE2_SPTR)subject, end, pos, 0, c->md, s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH) {
			if (end == len)
				return 0;
			/* Nothing within that line: on from the next. */
			pos = end + 1;
			end = len;
			continue;
		}
		if (rc < 0) {
			c->valid = 0;
			match_error(err, rc);
			return -1;
		}
		ov = pcre2_get_ovector_pointer(c->md);
		ps = ov[0];
		pe = ov[1];
		if (c->id && rc > c->id) {
			ps = ov[2 * c->id];
			pe = ov[2 * c->id + 1];
		} else if (c->id)
			ps = pe = PCRE2_UNSET;
		lo = ps < ov[0] ? ps : ov[0];
		hi = pe != PCRE2_UNSET && pe > ov[1] ? pe : ov[1];
		if (end == len && ps != PCRE2_UNSET && lo < hi &&
		    memchr(subject + lo, '\n', hi - lo) &&
		    (nl = memchr(subject + ov[0], '\n', len - ov[0])) &&
		    (size_t)(nl - subject) > ov[0]) {
			/* Again, within the line where the match starts;
			 * nothing starts before it on earlier lines. */
			const char *bol = memrchr(subject + pos, '\n',
			    ov[0] - pos);

			if (bol)
				pos = (size_t)(bol - subject) + 1;
			end = (size_t)(nl - subject);
			continue;
		}
		if (ps == PCRE2_UNSET || pe <= ps || ps < from ||
		    pe - ps > AM_MAX_MATCH || memchr(subject + ps, '\n',
		    pe - ps) || allowed(s, subject + ps, pe - ps)) {
			pos = ov[0] + 1;
			continue;
		}
		c->found = 1;
		c->start = ps;
		c->end = pe;
		return 0;
	}
	return 0;
}

static int builtin_next(struct am_scanner *s, const char *subject,
    size_t len, size_t from, size_t limit, struct am_match *m,
    struct am_error *err);

/*
 * The leftmost of the custom kinds' next matches and the catalogue's; at
 * one start the custom kind (and among them the first listed) wins.
 */
int
am_scanner_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	struct custom *best = NULL;
	size_t i;
	int rc;

	if (!s->ncustom)
		return builtin_next(s, subject, len, from, limit, m, err);
	if (limit > len)
		limit = len;
	if (subject != s->cwin_subject || len != s->cwin_len || from == 0) {
		for (i = 0; i < s->ncustom; i++)
			s->custom[i].valid = 0;
		s->cwin_subject = subject;
		s->cwin_len = len;
	}
	for (i = 0; i < s->ncustom; i++) {
		struct custom *c = &s->custom[i];

		/* A search from c->from holds for any later `from` up to
		 * the match it found. */
		if (!c->valid || from < c->from || (c->found && from > c->start))
			if (custom_find(s, c, subject, len, from, err) < 0)
				return -1;
		if (c->found && c->start < limit && (!best ||
		    c->start < best->start))
			best = c;
	}
	rc = builtin_next(s, subject, len, from, best ? best->start : limit,
	    m, err);
	if (rc || !best)
		return rc;
	memset(m, 0, sizeof(*m));
	m->start = best->start;
	m->end = best->end;
	m->kind = best->kind;
	return finish_match(s, subject, len, m);
}

static int
builtin_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	const unsigned char *u = (const unsigned char *)subject;
	const struct groupset *gs;
	size_t p;

	if (limit > len)
		limit = len;
	/*
	 * Which needles the rest of this block holds.  The masker calls
	 * again and again over one block with a growing `from`; the mask of
	 * an earlier, longer stretch is a safe superset.
	 */
	if (s->nneedles && (!s->win_subject || subject != s->win_subject ||
	    len != s->win_len || from < s->win_from || from == 0)) {
		unsigned i;

		s->win_mask = 0;
		for (i = 0; i < s->nneedles; i++)
			if (memmem(subject + from, len - from, s->needle[i],
			    s->needle_len[i]))
				s->win_mask |= 1u << i;
		s->win_subject = subject;
		s->win_len = len;
		s->win_from = from;
	}
	if (!s->sets[s->win_mask] && build_groups(s, s->win_mask, err))
		return -1;
	gs = s->sets[s->win_mask];
	for (p = from; p < limit; p++) {
		const struct group *g;
		PCRE2_SIZE *ov;
		PCRE2_SPTR mark;
		int rc;

		if (gs->start[u[p]] < 0 || (alnum[u[p]] && p > 0 &&
		    alnum[u[p - 1]]))
			continue;
		g = &gs->groups[gs->start[u[p]]];
		if (g->jit)
			rc = pcre2_jit_match(g->re, (PCRE2_SPTR)subject, len, p,
			    0, s->md, s->mctx);
		else
			rc = pcre2_match(g->re, (PCRE2_SPTR)subject, len, p, 0,
			    s->md, s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
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
		if (!mark || ov[1] <= ov[0])
			continue;
		memset(m, 0, sizeof(*m));
		m->start = ov[0];
		m->end = ov[1];
		m->kind = &am_kinds[strtoul((const char *)mark, NULL, 10)];
		if (finish_match(s, subject, len, m))
			return 1;
	}
	return 0;
}
