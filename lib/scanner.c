/*
 * scanner.c - find identifiers: every enabled kind, in one pass.
 *
 * The scan walks the bytes of a block and, at each position where an
 * identifier may start, tries the catalogue's rows anchored there, in
 * catalogue order: at one start the earliest row that matches wins.
 * The catalogue lists longer forms first, which makes leftmost-first the
 * same as leftmost-longest for it.  A row's splitter then validates the
 * match and cuts it into identifying parts; when it refuses, the scan
 * goes on one byte later (no later row is tried at that start).  A
 * letter or digit right after another letter or digit is never a start:
 * every kind begins at a boundary (its own look-behind says so).
 *
 * What makes this fast is deciding, cheaply, which rows to try where.
 * Nothing about the catalogue is compiled at run time (lib/gen/scangen.c
 * does it at build time, into lib/gen/scandata.c):
 *
 *   - The rows' PCRE2 code comes serialized and is decoded (copied) the
 *     first time a block is scanned.  A row is tried with the
 *     interpreter until it has been tried JIT_AFTER times; then it is
 *     JIT-compiled, which costs a fraction of a millisecond and pays
 *     only on large inputs.
 *
 *   - An automaton over byte classes, walked over at most three bytes
 *     at a start, names the rows that can match there, from PCRE2's own
 *     partial matching at build time.  Most starts (the insides of
 *     words, "request", "2026-") end in its dead state: no row is tried.
 *
 *   - A row with needles (literals every match holds, such as
 *     "amazonaws") is skipped in a block without them, as it always
 *     was, and also at a start from which the next needle cannot be
 *     reached through host and URL bytes: the catalogue's rule is that
 *     between a match's start and its first needle there are only bytes
 *     of [A-Za-z0-9._:/-] (kinds.c).  Without this, in a CloudTrail
 *     line every word would try the ten host-name rows, since every
 *     line says "ec2.amazonaws.com".
 *
 *   - A few rows begin with a key of any spelling or any lower-case
 *     word (keyed-id, account-key, resource-name, aws-id, ...), and the
 *     automaton, which sees six bytes, leaves them at nearly every
 *     word.  They have gates (gates.c): what may follow the word a
 *     match starts with (a key's separator, the '-' of an ID, "named"),
 *     which two byte tables check for all of them at once as the vector
 *     loop meets the word, then a check of the word itself per row.
 *     In 8 MB of log, 1.26 million starts, 230,000 after the tables,
 *     96,000 after the gates, 53,500 matches.
 *
 * Neither the automaton nor a gate rules out a row that could match, so
 * the result is the same as trying every enabled row at every start.  That is what the
 * reference path does, the scanner before the tables: it groups the
 * enabled rows by the bytes they can start with, compiles each group as
 * one alternation (?:P0)(*MARK:0)|(?:P3)(*MARK:3)|..., and runs the
 * group of every start byte.  It serves when the tables do not fit the
 * running library (their fingerprint names the PCRE2 version and every
 * pattern) and as the yardstick of the differential test
 * (tests/unit/test_scanner.c), which checks that both find the same.
 *
 * Custom kinds (patterns files) are the user's regexes, with capture
 * groups and back-references the grouped alternation would renumber, and
 * without the look-behind that lets the catalogue skip the insides of
 * words.  So each is compiled on its own and searched unanchored (PCRE2's
 * start-up optimisations find its first byte), one line at a time in
 * effect, and its next match in the block is remembered.  The scan then
 * takes the leftmost of the custom and catalogue matches; at one start a
 * custom kind wins.  Without custom kinds none of this runs.  Their
 * prefixes also change the token-literal row, which is then compiled at
 * run time and tried at every start whose byte begins a custom prefix.
 */
#include "internal.h"
#include "gen/scandata.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef AM_SSSE3_LOOPS
#include <tmmintrin.h>
#endif

#define MAX_NEEDLES AM_MAX_NEEDLES
#define WALKED_BITS 10
#define WORDS AM_SCAN_WORDS

/*
 * Tries of a row with the interpreter before it is JIT-compiled, plus
 * one per 16 bytes of its compiled code: a JIT compile costs about as
 * much as a thousand tries of a small row, and more for a large one.
 */
#define JIT_AFTER 512

/* The reference path's compiled groups for one set of enabled rows. */
struct group {
	pcre2_code *re;
	int jit;			/* 1 compiled, -1 failed */
	unsigned tries;
};
struct groupset {
	struct group *groups;		/* distinct start-byte groups */
	size_t ngroups;
	short start[256];		/* byte -> group index, or -1 */
};

/* A catalogue row on the fast path. */
struct row {
	pcre2_code *re;
	unsigned tries;			/* before its JIT compile */
	unsigned jit_after;
	int jit;			/* 1 compiled, -1 failed */
};

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
	unsigned char *enabled;		/* per row: am_kinds, then custom */
	struct am_map *allow;		/* values never masked */
	char *token_re;			/* the token-literal row's pattern */
	const struct am_kind *custom_kinds;	/* borrowed */
	size_t ncustom_kinds;
	int custom_rc;			/* compile_custom() failed: sticks */
	struct custom *custom;		/* the enabled custom kinds */
	size_t ncustom;
	const char *cwin_subject;	/* the block their matches are for */
	size_t cwin_len;
	int preserve;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;

	/*
	 * Needles, and what the scan knows of them in the block at
	 * win_subject from win_from on (the fast path's): per needle
	 * its next occurrence at or after the scan's position and where the
	 * run of host bytes that reaches it begins (nq, nlo; known for the
	 * needles in nvalid).
	 */
	const char *needle[MAX_NEEDLES];
	size_t needle_len[MAX_NEEDLES];
	unsigned nneedles;
	unsigned *kind_needles;		/* per row: mask of its needles */
	const char *win_subject;
	size_t win_from, win_len;
	unsigned nvalid;
	unsigned asked;			/* needles ever looked for */
	/*
	 * The needles' first three bytes as Teddy's nibble tables (Hyperscan;
	 * find_teddy()): per byte t, bit b of lo[t][l] (hi[t][h]) is set when
	 * a needle of bucket b (needle j's is j % 8) has low (high) nibble
	 * l (h) at t, or is shorter than t + 1.
	 */
	unsigned char teddy_lo[3][16], teddy_hi[3][16];
	size_t nq[MAX_NEEDLES], nlo[MAX_NEEDLES];

	enum { PATH_UNSET, PATH_FAST, PATH_REFERENCE } path;
	int want_reference;

	/* The reference path: every enabled row, grouped by start byte
	 * (built at its first use).  It ignores the needles: a row's match
	 * always holds one, so where none is the row fails on its own, and
	 * the differential test checks the fast path's gate against it. */
	struct groupset *set;

	/* The fast path. */
	const struct am_scan_data *data;
	struct row *rows;
	uint16_t first[256];		/* state after one byte, 0: none */
	uint64_t needle_rows[WORDS];	/* rows with tracked needles */
	uint64_t gated[WORDS];		/* rows with a gate (gates.c) */
	/*
	 * Per byte c after the word at a start (follow[c]), or after it and
	 * blanks (follow[256 + c]): the rows that may match there; every
	 * row but those of am_gate_follows is in each.
	 */
	uint64_t follow[512][WORDS];
	uint64_t needle_of[MAX_NEEDLES][WORDS];	/* rows that have needle j */
	uint64_t act[WORDS];		/* enabled rows */
	uint64_t wact[WORDS];		/* less those whose needles are absent */
	unsigned absent;		/* needles absent from the rest */
	size_t token_row;		/* the token-literal row */
	unsigned char custom_first[256];	/* starts of custom prefixes */
	int custom_tokens;
	/*
	 * Walks remembered by the bytes they read (walk()): the bytes of
	 * the depth, walk_mask, over 8 loaded, and bit 63 set; 0 when the
	 * depth is over 8.
	 */
	uint64_t walk_mask;
	struct walked {
		uint64_t key;
		unsigned lab;
	} walked[1 << WALKED_BITS];
	int vector;			/* every start is printable ASCII */
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
	groupset_free(s->set);
	if (s->rows)
		for (i = 0; i < am_nkinds; i++)
			pcre2_code_free(s->rows[i].re);
	am_free(s->rows);
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

static int
compile_error(struct am_error *err, const char *what, int errcode,
    PCRE2_SIZE erroff)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(errcode, msg, sizeof(msg));
	return am_seterr(err, AWSMASK_ECONFIG, "cannot compile %s: %s at "
	    "offset %zu", what, msg, (size_t)erroff);
}

static int
match_error(struct am_error *err, int rc)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return am_seterr(err, AWSMASK_EDATA, "matching failed: %s", msg);
}

/* The token-literal row's pattern, built on first need. */
static const char *
kind_pattern(struct am_scanner *s, size_t i)
{
	if (am_kinds[i].pattern)
		return am_kinds[i].pattern;
	if (!s->token_re)
		s->token_re = am_token_pattern(s->custom_kinds, s->ncustom_kinds, 1);
	return s->token_re;
}

/* The JIT stack, shared by every JIT-compiled pattern; on first need. */
static int
jit_stack(struct am_scanner *s)
{
	if (s->jstack)
		return 0;
	s->jstack = pcre2_jit_stack_create(64 * 1024, 4 * 1024 * 1024, NULL);
	if (!s->jstack)
		return -1;
	pcre2_jit_stack_assign(s->mctx, NULL, s->jstack);
	return 0;
}

/*
 * The reference path.
 */

/*
 * The bytes a match of row i can start with, from PCRE2's own analysis
 * of the pattern; every byte when it cannot say.  Letters are added in
 * both cases, since a caseless first code unit is reported in one.
 */
static int
start_bytes(struct am_scanner *s, size_t i, unsigned char set[256],
    struct am_error *err)
{
	const uint8_t *bitmap = NULL;
	uint32_t type = 0, unit = 0;
	PCRE2_SIZE erroff;
	const char *pat;
	pcre2_code *re;
	int errcode, b;

	if (!(pat = kind_pattern(s, i)))
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &errcode,
	    &erroff, NULL);
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
	/* JIT-compiled once tried often enough, as the rows are. */
	g->jit = 0;
	g->tries = 0;
	return AWSMASK_OK;
}

/*
 * Group the enabled rows by start byte: rows[b] is the member set of
 * byte b, and bytes with the same set share one compiled group.
 */
static int
build_groups(struct am_scanner *s, struct am_error *err)
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
		on[i] = s->enabled[i];
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
		s->set = gs;
	else
		groupset_free(gs);
	am_free(sets);
	am_free(members);
	am_free(on);
	return rc;
}

/* Needle j into the Teddy tables (struct am_scanner). */
static void
teddy_add(struct am_scanner *s, unsigned j)
{
	unsigned char bit = (unsigned char)(1u << (j % 8));
	unsigned t, c;

	for (t = 0; t < 3; t++)
		if (t < s->needle_len[j]) {
			c = (unsigned char)s->needle[j][t];
			s->teddy_lo[t][c & 15] |= bit;
			s->teddy_hi[t][c >> 4] |= bit;
		} else
			for (c = 0; c < 16; c++) {
				s->teddy_lo[t][c] |= bit;
				s->teddy_hi[t][c] |= bit;
			}
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
				teddy_add(s, j);
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

/*
 * Compile the enabled custom kinds, each on its own, before the first
 * scan: a context that never scans (awsunmask's) compiles none.  Their
 * patterns were checked when the configuration was read, so a failure
 * here is rare, and sticks.
 */
static int
compile_custom(struct am_scanner *s, struct am_error *err)
{
	const struct am_kind *kinds = s->custom_kinds;
	size_t i, n = s->ncustom_kinds;

	if (s->custom_rc || s->custom)
		return s->custom_rc;
	s->custom = am_calloc(n ? n : 1, sizeof(*s->custom));
	if (!s->custom)
		return s->custom_rc = am_seterr(err, AWSMASK_ENOMEM,
		    "out of memory");
	for (i = 0; i < n; i++) {
		struct custom *c = &s->custom[s->ncustom];
		PCRE2_SIZE erroff;
		int errcode;

		if (!s->enabled[am_nkinds + i])
			continue;
		c->kind = &kinds[i];
		c->row = am_nkinds + i;
		c->re = pcre2_compile((PCRE2_SPTR)c->kind->pattern,
		    PCRE2_ZERO_TERMINATED, AM_CUSTOM_PCRE2_OPTIONS, &errcode,
		    &erroff, NULL);
		if (!c->re)
			return s->custom_rc = compile_error(err, c->kind->name,
			    errcode, erroff);
		s->ncustom++;
		c->jit = jit_stack(s) == 0 &&
		    pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE) == 0;
		c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
		if (!c->md)
			return s->custom_rc = am_seterr(err, AWSMASK_ENOMEM,
			    "out of memory");
		c->id = pcre2_substring_number_from_name(c->re,
		    (PCRE2_SPTR)"id");
		if (c->id < 0)
			c->id = 0;
	}
	return AWSMASK_OK;
}

/*
 * Nothing of the catalogue is compiled here: the scanner makes ready on
 * its first block (prepare()), so that a context that never scans, such
 * as awsunmask's, costs nothing.
 */
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
	s->custom_kinds = o->custom;
	s->ncustom_kinds = o->ncustom;
	s->want_reference = o->reference;
	s->enabled = am_calloc(nrows, 1);
	s->allow = am_map_new();
	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->enabled || !s->allow || !s->md || !s->mctx)
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
	for (i = 0; i < o->nallow; i++)
		if (am_map_put(s->allow, o->allow[i], strlen(o->allow[i]), "", 0))
			goto nomem;
	if ((rc = collect_needles(s, err)))
		goto fail;
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
	return i < am_nkinds + s->ncustom_kinds && s->enabled[i];
}

void
am_scanner_set_reference(struct am_scanner *s, int on)
{
	s->want_reference = on;
	if (s->path == PATH_REFERENCE || (s->path == PATH_FAST && on))
		s->path = PATH_UNSET;
	s->win_subject = NULL;
}

int
am_scanner_uses_tables(const struct am_scanner *s)
{
	return s->path == PATH_FAST;
}

/*
 * Were the tables made from what this library runs with?  Computed
 * once: the answer cannot change while the process runs (a race only
 * computes it twice).
 */
int
am_scan_data_ok(void)
{
	static int known, ok;

	if (!known) {
		ok = am_scan_data.nrows == am_nkinds &&
		    am_scan_data.fingerprint == am_scan_fingerprint();
		known = 1;
	}
	return ok;
}

/*
 * The fast path, made ready: the rows decoded from the tables, the
 * automaton's first step per byte, the rows that carry needles, the
 * token-literal row for custom prefixes.  When the tables are not this
 * library's, the reference path takes over.
 */
/* Row i in the tables of what may follow a word (am_gate_follows). */
static void
follows(struct am_scanner *s, size_t i)
{
	const struct am_gate_follow *f = NULL;
	uint64_t bit = 1ULL << (i % 64);
	size_t j;
	unsigned c;

	for (j = 0; j < am_ngate_follows; j++)
		if (am_kinds[i].gate && am_gate_follows[j].gate == am_kinds[i].gate)
			f = &am_gate_follows[j];
	for (c = 0; c < 256; c++) {
		if (!f || (c && strchr(f->after, (int)c)))
			s->follow[c][i / 64] |= bit;
		if (!f || (c && strchr(f->after_blanks, (int)c)))
			s->follow[256 + c][i / 64] |= bit;
	}
}

static int
prepare_fast(struct am_scanner *s, struct am_error *err)
{
	const struct am_scan_data *d = &am_scan_data;
	pcre2_code **codes = NULL;
	int32_t n;
	size_t i;
	int c;

	if (!am_scan_data_ok())
		return 1;
	n = pcre2_serialize_get_number_of_codes(d->rows_code);
	if (n != (int32_t)am_nkinds)
		return 1;
	s->rows = am_calloc(am_nkinds, sizeof(*s->rows));
	codes = am_calloc(am_nkinds, sizeof(*codes));
	if (!s->rows || !codes)
		goto nomem;
	n = pcre2_serialize_decode(codes, n, d->rows_code, NULL);
	if (n == PCRE2_ERROR_NOMEMORY)
		goto nomem;
	if (n != (int32_t)am_nkinds) {
		am_free(codes);
		am_free(s->rows);
		s->rows = NULL;
		return 1;
	}
	for (i = 0; i < am_nkinds; i++) {
		size_t size = 0;

		s->rows[i].re = codes[i];
		pcre2_pattern_info(codes[i], PCRE2_INFO_SIZE, &size);
		s->rows[i].jit_after = JIT_AFTER + (unsigned)(size / 16);
		if (!am_kinds[i].pattern)
			s->token_row = i;
	}
	am_free(codes);
	if (s->ncustom_kinds && s->enabled[s->token_row]) {
		/* The token grammar with the custom prefixes in it. */
		const char *pat = kind_pattern(s, s->token_row);
		struct row *r = &s->rows[s->token_row];
		PCRE2_SIZE erroff;
		int errcode;

		if (!pat)
			return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
		pcre2_code_free(r->re);
		r->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
		    PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE, &errcode, &erroff,
		    NULL);
		if (!r->re)
			return compile_error(err, "the token grammar", errcode,
			    erroff);
		for (i = 0; i < s->ncustom_kinds; i++) {
			c = (unsigned char)s->custom_kinds[i].prefix[0];
			s->custom_first[c] = 1;
			s->custom_first[tolower(c)] = 1;
		}
		s->custom_tokens = 1;
	}
	for (c = 0; c < 256; c++)
		s->first[c] = d->delta[d->root * (size_t)d->nblocks +
		    d->block[c]];
	s->vector = 1;
	for (c = 0; c < 256; c++)
		if (s->first[c] && !am_start_printable(c))
			s->vector = 0;
	for (i = 0; i < am_nkinds; i++) {
		unsigned j;

		if (s->kind_needles[i])
			s->needle_rows[i / 64] |= 1ULL << (i % 64);
		if (am_kinds[i].gate)
			s->gated[i / 64] |= 1ULL << (i % 64);
		follows(s, i);
		for (j = 0; j < s->nneedles; j++)
			if (s->kind_needles[i] & (1u << j))
				s->needle_of[j][i / 64] |= 1ULL << (i % 64);
		if (s->enabled[i])
			s->act[i / 64] |= 1ULL << (i % 64);
	}
	/* Little-endian loads: the first depth bytes are the low ones. */
	s->walk_mask = 0;
	if (d->depth <= 8 && *(const unsigned char *)&(uint16_t){ 1 })
		s->walk_mask = d->depth == 8 ? ~0ULL :
		    (1ULL << (8 * d->depth)) - 1;
	s->data = d;
	return 0;
nomem:
	am_free(codes);
	return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
}

static int
prepare(struct am_scanner *s, struct am_error *err)
{
	int rc;

	if (s->path != PATH_UNSET)
		return 0;
	if (!s->want_reference) {
		if (!s->data && (rc = prepare_fast(s, err)) < 0)
			return -1;
		if (s->data) {
			s->path = PATH_FAST;
			return 0;
		}
	}
	s->path = PATH_REFERENCE;
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

/*
 * The bytes a needle row's match may hold before its first needle: host
 * names and URLs (kinds.c's rule for rows with needles).
 */
static const unsigned char hostbyte[256] = {
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
	['.'] = 1, ['_'] = 1, [':'] = 1, ['/'] = 1, ['-'] = 1,
};

void
am_scanner_reset(struct am_scanner *s)
{
	s->win_subject = NULL;
	s->cwin_subject = NULL;
}

/* Needle j is next at h (NULL: nowhere after p): as needle_reachable(). */
static void
needle_at(struct am_scanner *s, unsigned j, const unsigned char *u,
    size_t len, size_t p, const unsigned char *h)
{
	size_t lo, i;

	if (!h) {
		/* None: for every later p too.  The rows all of whose
		 * needles are absent are not tried again. */
		s->nq[j] = len;
		s->nlo[j] = len + 1;
		s->absent |= 1u << j;
		for (i = 0; i < am_nkinds; i++)
			if (s->kind_needles[i] &&
			    !(s->kind_needles[i] & ~s->absent))
				s->wact[i / 64] &= ~(1ULL << (i % 64));
	} else {
		s->nq[j] = (size_t)(h - u);
		for (lo = s->nq[j]; lo > p && hostbyte[u[lo - 1]]; lo--)
			;
		s->nlo[j] = lo;
	}
	s->nvalid |= 1u << j;
}

/* The first occurrence of needle j in u[i, len), or NULL. */
static const unsigned char *
find_needle(const struct am_scanner *s, unsigned j, const unsigned char *u,
    size_t len, size_t i)
{
	const char *nd = s->needle[j];
	size_t k = s->needle_len[j];

#ifdef __SSE2__
	/* Sixteen starts at a time on the needle's first and last bytes,
	 * the rest compared where both are there. */
	if (k >= 2) {
		const __m128i f = _mm_set1_epi8(nd[0]), l = _mm_set1_epi8(nd[k - 1]);

		for (; len >= k + 15 && i <= len - k - 15; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(u + i));
			__m128i b = _mm_loadu_si128((const __m128i *)(u + i + k - 1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l)));

			for (; m; m &= m - 1) {
				size_t at = i + (size_t)__builtin_ctz(m);

				if (!memcmp(u + at + 1, nd + 1, k - 2))
					return u + at;
			}
		}
	}
#endif
	return i < len ? memmem(u + i, len - i, nd, k) : NULL;
}

#ifdef AM_SSSE3_LOOPS
/*
 * Teddy (Hyperscan's literal matcher): where in u[i, len) the first
 * three bytes of a needle of want may begin, sixteen starts at a time,
 * two nibble look-ups a byte, whatever the number of needles; the
 * needles of a bucket that has one there are compared whole.  Marks
 * each needle of want it finds (needle_at()), and gives back the
 * position it stopped at with *want what it did not find.
 */
__attribute__((target("ssse3"))) static size_t
find_teddy(struct am_scanner *s, unsigned *want, const unsigned char *u,
    size_t len, size_t p, size_t i)
{
	const __m128i nib = _mm_set1_epi8(0x0f);
	const __m128i lo0 = _mm_loadu_si128((const __m128i *)s->teddy_lo[0]);
	const __m128i lo1 = _mm_loadu_si128((const __m128i *)s->teddy_lo[1]);
	const __m128i lo2 = _mm_loadu_si128((const __m128i *)s->teddy_lo[2]);
	const __m128i hi0 = _mm_loadu_si128((const __m128i *)s->teddy_hi[0]);
	const __m128i hi1 = _mm_loadu_si128((const __m128i *)s->teddy_hi[1]);
	const __m128i hi2 = _mm_loadu_si128((const __m128i *)s->teddy_hi[2]);
	__m128i wb;
	unsigned j, w, before, b = 0;

#define TEDDY_BYTE(lo, hi, v) _mm_and_si128( \
	_mm_shuffle_epi8((lo), _mm_and_si128((v), nib)), \
	_mm_shuffle_epi8((hi), _mm_and_si128(_mm_srli_epi16((v), 4), nib)))
	for (w = *want; w; w &= w - 1)
		b |= 1u << (__builtin_ctz(w) % 8);
	wb = _mm_set1_epi8((char)b);
	for (; *want && len >= 18 && i <= len - 18; i += 16) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(u + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(u + i + 1));
		__m128i v2 = _mm_loadu_si128((const __m128i *)(u + i + 2));
		__m128i r = _mm_and_si128(_mm_and_si128(wb,
		    TEDDY_BYTE(lo0, hi0, v0)), _mm_and_si128(
		    TEDDY_BYTE(lo1, hi1, v1), TEDDY_BYTE(lo2, hi2, v2)));
		unsigned char bits[16];
		unsigned m;

		m = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(r,
		    _mm_setzero_si128())) & 0xffff;
		if (!m)
			continue;
		_mm_storeu_si128((__m128i *)bits, r);
		before = *want;
		for (; m; m &= m - 1) {
			size_t at = i + (size_t)__builtin_ctz(m);

			for (w = *want; w; w &= w - 1) {
				j = (unsigned)__builtin_ctz(w);
				if (!(bits[at - i] & 1u << (j % 8)) ||
				    s->needle_len[j] > len - at ||
				    memcmp(u + at, s->needle[j], s->needle_len[j]))
					continue;
				needle_at(s, j, u, len, p, u + at);
				*want &= ~(1u << j);
			}
		}
		if (*want != before) {
			/* Found some: fewer buckets to look for. */
			for (b = 0, w = *want; w; w &= w - 1)
				b |= 1u << (__builtin_ctz(w) % 8);
			wb = _mm_set1_epi8((char)b);
		}
	}
#undef TEDDY_BYTE
	return i;
}
#endif

/*
 * The next occurrence at or after p of every needle in want.  Several
 * at once in one pass (Teddy, with SSSE3): a needle not yet looked for
 * in the block is mostly absent, and the pass that finds so goes to the
 * block's end.
 */
static void
find_needles(struct am_scanner *s, unsigned want, const unsigned char *u,
    size_t len, size_t p)
{
	size_t i = p;
	unsigned j, w;

#ifdef AM_SSSE3_LOOPS
	if ((want & (want - 1)) && am_have_ssse3())
		i = find_teddy(s, &want, u, len, p, i);
#endif
	for (w = want; w; w &= w - 1) {
		j = (unsigned)__builtin_ctz(w);
		needle_at(s, j, u, len, p, find_needle(s, j, u, len, i));
	}
}

/*
 * Can a match that starts at p reach needle j over host bytes?  The next
 * occurrence at or after p, and the start of the run of host bytes that
 * ends there, are kept until the scan passes the occurrence.  The
 * needles looked for before and not yet in this block are looked for
 * in the same pass.
 */
static int
needle_reachable(struct am_scanner *s, unsigned j, const unsigned char *u,
    size_t len, size_t p)
{
	if (!(s->nvalid & (1u << j)) || p > s->nq[j]) {
		s->asked |= 1u << j;
		find_needles(s, 1u << j | (s->asked & ~s->nvalid), u, len, p);
	}
	return p >= s->nlo[j];
}

/*
 * Drop from cand the rows with needles none of which passes at p.  Each
 * needle is looked at once per start, whatever the number of rows that
 * need it.
 */
static void
needles_filter(struct am_scanner *s, uint64_t *cand, const unsigned char *u,
    size_t len, size_t p)
{
	uint64_t pass[WORDS] = { 0 };
	unsigned want = 0, j;
	size_t w;

	for (w = 0; w < WORDS; w++) {
		uint64_t c = cand[w] & s->needle_rows[w];

		while (c) {
			want |= s->kind_needles[w * 64 +
			    (size_t)__builtin_ctzll(c)];
			c &= c - 1;
		}
	}
	for (j = 0; want; j++, want >>= 1)
		if ((want & 1) && needle_reachable(s, j, u, len, p))
			for (w = 0; w < WORDS; w++)
				pass[w] |= s->needle_of[j][w];
	for (w = 0; w < WORDS; w++)
		cand[w] &= ~s->needle_rows[w] | pass[w];
}

/* Match row r anchored at p: PCRE2's result code. */
static int
row_match(struct am_scanner *s, size_t r, const char *subject, size_t len,
    size_t p)
{
	struct row *w = &s->rows[r];

	if (w->jit > 0)
		return pcre2_jit_match(w->re, (PCRE2_SPTR)subject, len, p, 0,
		    s->md, s->mctx);
	if (!w->jit && ++w->tries >= w->jit_after)
		w->jit = jit_stack(s) == 0 &&
		    pcre2_jit_compile(w->re, PCRE2_JIT_COMPLETE) == 0 ? 1 : -1;
	if (w->jit > 0)
		return pcre2_jit_match(w->re, (PCRE2_SPTR)subject, len, p, 0,
		    s->md, s->mctx);
	return pcre2_match(w->re, (PCRE2_SPTR)subject, len, p, 0, s->md,
	    s->mctx);
}

/*
 * Try the candidate rows cand at p, in catalogue order, as the grouped
 * alternation of the reference path would: the first that matches
 * decides; a gated row only when its gate lets it (in: for the gates,
 * or NULL when no candidate has one).  1: a match in m; 0: none at p;
 * 2: a match at or past limit (none before it); -1: an error.
 */
static int
try_rows(struct am_scanner *s, uint64_t *cand, const struct am_gate_in *in,
    const char *subject, size_t len, size_t p, size_t limit,
    struct am_match *m, struct am_error *err)
{
	PCRE2_SIZE *ov;
	size_t w, r;
	int rc;

	for (w = 0; w < WORDS; w++) {
		while (cand[w]) {
			r = w * 64 + (size_t)__builtin_ctzll(cand[w]);
			cand[w] &= cand[w] - 1;
			if (in && ((s->gated[w] >> (r % 64)) & 1) &&
			    !am_kinds[r].gate(in))
				continue;
			rc = row_match(s, r, subject, len, p);
			if (rc == PCRE2_ERROR_NOMATCH)
				continue;
			if (rc < 0)
				return match_error(err, rc), -1;
			ov = pcre2_get_ovector_pointer(s->md);
			if (ov[0] >= limit)
				return 2;
			if (ov[1] <= ov[0])
				return 0;
			memset(m, 0, sizeof(*m));
			m->start = ov[0];
			m->end = ov[1];
			m->kind = &am_kinds[r];
			return finish_match(s, subject, len, m);
		}
	}
	return 0;
}

/*
 * The rows the automaton leaves at start p, as an index into its masks:
 * 0 (the dead state's empty mask) when none.
 */
static inline __attribute__((always_inline)) unsigned
walk(struct am_scanner *s, const unsigned char *u, size_t len, size_t p)
{
	const struct am_scan_data *d = s->data;
	const size_t nb = (size_t)d->nblocks;
	unsigned st = s->first[u[p]];
	struct walked *c = NULL;
	uint64_t key = 0;
	size_t i, e;

	if (!st)
		return 0;
	/*
	 * The walk is a function of the depth bytes from p: words come
	 * again and again, and the last walks are remembered by them.
	 */
	if (s->walk_mask && len - p >= 8) {
		memcpy(&key, u + p, 8);
		key = (key & s->walk_mask) | (1ULL << 63);
		c = &s->walked[(key * 0x9e3779b97f4a7c15ULL) >>
		    (64 - WALKED_BITS)];
		if (c->key == key)
			return c->lab;
	}
	e = len - p > (size_t)d->depth ? p + (size_t)d->depth : len;
	for (i = p + 1; i < e; i++)
		if (!(st = d->delta[st * nb + d->block[u[i]]]))
			break;
	if (c) {
		c->key = key;
		c->lab = st ? d->label[st] : 0;
	}
	return st ? d->label[st] : 0;
}

/*
 * The rows that what follows the word ending at we allows: by the byte
 * after it, or when that is a blank, by the first byte after the blanks.
 * A word is followed by a blank or not about as often as not: one blank
 * is chosen without a branch, and only a run of them walked.
 */
static inline __attribute__((always_inline)) const uint64_t *
follow_ok(const struct am_scanner *s, const unsigned char *u, size_t len,
    size_t we)
{
	unsigned c = we < len ? u[we] : 0;
	unsigned d = we + 1 < len ? u[we + 1] : 0;
	unsigned blank = (c == ' ') | (c == '\t');

	if (blank & ((d == ' ') | (d == '\t'))) {
		for (we += 2; we < len && (u[we] == ' ' || u[we] == '\t'); we++)
			;
		return s->follow[256 + (we < len ? u[we] : 0)];
	}
	return s->follow[(c & (blank - 1)) | ((256 + d) & -blank)];
}

/*
 * Drop from cand the gated rows that cannot match at p by what follows
 * the word that starts there (one look-up for all of them), and make
 * in for their gates, which try_rows() asks as it comes to them (most
 * often an earlier row matches first).  we: where the word ends, when
 * the caller knows (it never ends at p when p is a letter), else 0.
 */
static void
gate(const struct am_scanner *s, uint64_t *cand, const unsigned char *u,
    size_t len, size_t p, size_t we, const uint64_t *ok,
    struct am_gate_in *in)
{
	size_t w, e = len - p > AM_GATE_WORD ? p + AM_GATE_WORD : len;

	in->u = u;
	in->len = len;
	in->p = p;
	in->we = we > p ? we : p;
	while (in->we < e && (alnum[u[in->we]] || u[in->we] == '_'))
		in->we++;
	if ((unsigned)((u[p] | 0x20) - 'a') < 26) {
		if (!ok)
			ok = follow_ok(s, u, len, in->we);
		for (w = 0; w < WORDS; w++)
			cand[w] &= ok[w];
	}
}

/*
 * Try the rows of label lab at start p, less the rows not enabled and
 * those whose needles are out of reach.  As try_rows().
 */
static int
try_start(struct am_scanner *s, const char *subject, size_t len, size_t p,
    size_t we, const uint64_t *ok, unsigned lab, size_t limit,
    struct am_match *m, struct am_error *err)
{
	const unsigned char *u = (const unsigned char *)subject;
	const uint64_t *mask = s->data->masks + (size_t)lab * WORDS;
	uint64_t cand[WORDS], any = 0, need = 0, gated = 0;
	struct am_gate_in in;
	size_t w;

	for (w = 0; w < WORDS; w++) {
		cand[w] = mask[w] & s->wact[w];
		gated |= cand[w] & s->gated[w];
	}
	if (gated)
		gate(s, cand, u, len, p, we, ok, &in);
	for (w = 0; w < WORDS; w++) {
		any |= cand[w];
		need |= cand[w] & s->needle_rows[w];
	}
	if (s->custom_tokens && s->custom_first[u[p]] &&
	    ((s->wact[s->token_row / 64] >> (s->token_row % 64)) & 1)) {
		cand[s->token_row / 64] |= 1ULL << (s->token_row % 64);
		any = 1;
	}
	if (!any)
		return 0;
	if (need)
		needles_filter(s, cand, u, len, p);
	return try_rows(s, cand, gated ? &in : NULL, subject, len, p, limit,
	    m, err);
}

/* Is any row of label lab enabled in this block? */
static inline __attribute__((always_inline)) int
live(const struct am_scanner *s, unsigned lab)
{
	const uint64_t *mask = s->data->masks + (size_t)lab * WORDS;
	uint64_t any = 0;
	size_t w;

	for (w = 0; w < WORDS; w++)
		any |= mask[w] & s->wact[w];
	return any != 0;
}

/*
 * Is any row of label lab enabled in this block and allowed by what
 * follows the word that ends at we (gate())?
 */
static inline __attribute__((always_inline)) int
follow_live(const struct am_scanner *s, unsigned lab, const uint64_t *ok)
{
	const uint64_t *mask = s->data->masks + (size_t)lab * WORDS;
	uint64_t any = 0;
	size_t w;

	for (w = 0; w < WORDS; w++)
		any |= mask[w] & s->wact[w] & ok[w];
	return any != 0;
}

#ifdef __SSE2__
/* Bytes of v in [lo, hi], as 0xff. */
static inline __m128i
in_range(__m128i v, int lo, int hi)
{
	return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(-128 - lo))),
	    _mm_set1_epi8((char)(hi - lo - 127)));
}

/* Which of the sixteen bytes at p are letters or digits, as bits (none
 * past len). */
static inline unsigned
alnum_mask(const unsigned char *u, size_t len, size_t p)
{
	unsigned m = 0;
	size_t i;

	if (p + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + p));

		return (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    in_range(v, '0', '9'), in_range(_mm_or_si128(v,
		    _mm_set1_epi8(0x20)), 'a', 'z')));
	}
	for (i = 0; p + i < len; i++)
		m |= (unsigned)alnum[u[p + i]] << i;
	return m;
}
#endif

static int
fast_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	const unsigned char *u = (const unsigned char *)subject;
	size_t p = from;
	unsigned lab;
	int rc;

	/*
	 * No block-wide search for the needles: needle_reachable() finds a
	 * needle's next occurrence when a row that needs it is a candidate,
	 * and remembers its absence for the rest of the block.
	 */
	if (!s->win_subject || subject != s->win_subject || len != s->win_len ||
	    from < s->win_from || from == 0) {
		s->win_subject = subject;
		s->win_len = len;
		s->nvalid = 0;
		s->absent = 0;
		memcpy(s->wact, s->act, sizeof(s->wact));
	}
	s->win_from = from;
#ifdef __SSE2__
	/*
	 * Sixteen bytes at a time: the starts are the printable bytes
	 * (letters, digits and the punctuation some of which may begin a
	 * match: walk() drops the others at once) less the letters and
	 * digits that follow a letter or digit.  One range for all the
	 * punctuation costs less than a compare for each byte that may
	 * start a match, and adds few starts: blanks are most of the rest.
	 */
	if (s->vector && p + 16 <= limit) {
		unsigned carry = p > 0 && alnum[u[p - 1]];
		unsigned am, an = alnum_mask(u, len, p);
		const uint64_t *ok;

		for (; p + 16 <= limit; p += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(u + p));
			unsigned sm, x;
			size_t we;

			/* The letters and digits of this block and the next
			 * one: most words end within the two. */
			am = an;
			an = alnum_mask(u, len, p + 16);
			sm = (unsigned)_mm_movemask_epi8(in_range(v, 0x21,
			    0x7e));
			sm &= ~(am & ((am << 1) | carry));
			carry = am >> 15;
			while (sm) {
				size_t q = p + (size_t)__builtin_ctz(sm);

				sm &= sm - 1;
				lab = walk(s, u, len, q);
				if (s->custom_tokens) {
					we = 0;
					ok = NULL;
					goto try;
				}
				if (!live(s, lab))
					continue;
				/* Where a letter's word ends, and what
				 * follows it rules out most rows at once. */
				we = 0;
				ok = NULL;
				if ((unsigned)((u[q] | 0x20) - 'a') < 26) {
					x = ~(am | an << 16) &
					    ~((2u << (q - p)) - 1);
					if (x)
						we = p + (size_t)__builtin_ctz(x);
					else
						for (we = p + 32; we < len &&
						    alnum[u[we]]; we++)
							;
					if (we == len || u[we] != '_') {
						ok = follow_ok(s, u, len, we);
						if (!follow_live(s, lab, ok))
							continue;
					}
				}
try:
				rc = try_start(s, subject, len, q, we, ok, lab,
				    limit, m, err);
				if (rc == 1 || rc < 0)
					return rc;
				if (rc == 2)
					return 0;
			}
		}
	}
#endif
	for (; p < limit; p++) {
		if ((!s->first[u[p]] && !s->custom_tokens) ||
		    (alnum[u[p]] && p > 0 && alnum[u[p - 1]]))
			continue;
		lab = walk(s, u, len, p);
		if (!live(s, lab) && !s->custom_tokens)
			continue;
		rc = try_start(s, subject, len, p, 0, NULL, lab, limit, m,
		    err);
		if (rc == 1 || rc < 0)
			return rc;
		if (rc == 2)
			return 0;
	}
	return 0;
}

static int
reference_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	const unsigned char *u = (const unsigned char *)subject;
	struct groupset *gs;
	size_t p;

	if (!s->set && build_groups(s, err))
		return -1;
	gs = s->set;
	for (p = from; p < limit; p++) {
		struct group *g;
		PCRE2_SIZE *ov;
		PCRE2_SPTR mark;
		int rc;

		if (gs->start[u[p]] < 0 || (alnum[u[p]] && p > 0 &&
		    alnum[u[p - 1]]))
			continue;
		g = &gs->groups[gs->start[u[p]]];
		if (!g->jit && ++g->tries >= 4 * JIT_AFTER)
			g->jit = jit_stack(s) == 0 && pcre2_jit_compile(g->re,
			    PCRE2_JIT_COMPLETE) == 0 ? 1 : -1;
		if (g->jit > 0)
			rc = pcre2_jit_match(g->re, (PCRE2_SPTR)subject, len, p,
			    0, s->md, s->mctx);
		else
			rc = pcre2_match(g->re, (PCRE2_SPTR)subject, len, p, 0,
			    s->md, s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0)
			return match_error(err, rc), -1;
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

static int
builtin_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err)
{
	if (limit > len)
		limit = len;
	if (prepare(s, err) < 0)
		return -1;
	if (s->path == PATH_FAST)
		return fast_next(s, subject, len, from, limit, m, err);
	return reference_next(s, subject, len, from, limit, m, err);
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

	if (s->ncustom_kinds && compile_custom(s, err))
		return -1;
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
