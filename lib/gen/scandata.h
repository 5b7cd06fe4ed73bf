/*
 * scandata.h - what lib/gen/scangen writes into lib/gen/scandata.c at
 * build time (never committed): the catalogue's patterns compiled and
 * serialized, and the prefilter that says which rows can match where.
 * scangen.c says how the prefilter is made and why it never rules out a
 * row that could match.
 */
#ifndef AM_SCANDATA_H
#define AM_SCANDATA_H

#include "internal.h"

/* 64-bit words in a mask of rows: room for 128 catalogue rows. */
#define AM_SCAN_WORDS 2

/*
 * The prefilter is an automaton over byte classes.  From state `root`,
 * the bytes at a position lead from state to state, at most `depth` of
 * them: state s and byte b go to delta[s * nblocks + block[b]], and 0 is
 * the dead end (no row can match there).  Where the walk stops, after
 * `depth` bytes or at the end of the subject, masks[label[s]] holds the
 * rows that can match at the position: a superset of those that do.
 */
struct am_scan_data {
	uint64_t fingerprint;		/* am_scan_fingerprint() of the build */
	size_t nrows;			/* am_nkinds of the build */
	int depth;
	int nblocks;
	size_t nstates;
	size_t root;
	const unsigned char *block;	/* [256] */
	const uint16_t *delta;		/* [nstates * nblocks] */
	const uint16_t *label;		/* [nstates] */
	const uint64_t *masks;		/* [AM_SCAN_WORDS * labels] */
	/*
	 * pcre2_serialize_encode() of every row's pattern, in catalogue
	 * order, compiled PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE (the
	 * token-literal row without custom prefixes); and of the token
	 * grammar as unmask.c compiles it, tolerant then exact.
	 */
	const unsigned char *rows_code;
	size_t rows_code_len;
	const unsigned char *tokens_code;
	size_t tokens_code_len;
};
extern const struct am_scan_data am_scan_data;

/*
 * A hash of what the tables are made from: the PCRE2 version, the
 * rows' patterns and the token grammar without custom prefixes.  The
 * scanner trusts am_scan_data only when it matches the running
 * library's; otherwise it compiles at run time, as before the tables.
 */
uint64_t am_scan_fingerprint(void);
/* Does am_scan_data fit this library (the fingerprint matches)?  In
 * scanner.c; unmask.c asks too. */
int am_scan_data_ok(void);

#endif
