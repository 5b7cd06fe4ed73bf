/*
 * json.h - a streaming, validating JSON tokenizer.  Not installed.
 *
 * The masker feeds it the input in blocks of any size and gets back
 * segments that cut the input into string literals (decoded, with the
 * key they belong to) and the raw bytes between them.  It never holds
 * the document: its memory is the string literal cut by the end of a
 * block (held once, or twice from its first escape on: raw and
 * decoded), one bit per nesting level, the keys of the enclosing
 * objects, and the segments of one feed.  It knows nothing about
 * masking.
 *
 * The grammar is RFC 8259, checked in full by a state machine with no
 * recursion, so nesting depth costs heap bits, never C stack.
 *
 * Decisions a caller may rely on:
 * - Empty input (or whitespace only) is valid in both modes: no value,
 *   no segments beyond the whitespace, no error.  A filter given nothing
 *   writes nothing.
 * - Bytes in a string that are not valid UTF-8 pass through to `text`
 *   unchanged; the tokenizer checks JSON, not UTF-8.
 * - A \u escape that gives a lone surrogate (a high one not followed by
 *   a \u escape of a low one, or a low one alone) is accepted, as the
 *   RFC's grammar does, and decoded as WTF-8: the surrogate's three-byte
 *   generalized UTF-8 form (ED A0..BF 80..BF).  A pair decodes to the
 *   four-byte UTF-8 of its code point.  am_json_escape() turns those
 *   three-byte forms back into \u escapes, so decoding what it wrote
 *   gives the same bytes back, always.
 * - Columns count bytes, from 1; lines are counted at '\n' only.
 * - A byte order mark is not JSON (RFC 8259 lets a parser refuse it) and
 *   is an error at line 1, column 1.
 *
 * With am_json_set_piece(), a string longer than that is not held
 * whole: it comes out in pieces as the feeds bring it.
 *
 * Ownership: struct am_json is the caller's, from am_json_new() to
 * am_json_free().  Segments and every pointer in them are borrowed: they
 * point into the block just fed or into the tokenizer, and stay valid
 * until the next am_json_feed() or am_json_free().
 */
#ifndef AM_JSON_H
#define AM_JSON_H

#include "internal.h"

struct am_json;

enum am_json_mode {
	AM_JSON_ONE = 0,	/* one top-level value, whitespace around it */
	AM_JSON_SEQ = 1,	/* any number, separated by whitespace: NDJSON,
				 * concatenated JSON */
};

/*
 * In SEQ mode a number or literal needs whitespace before the next value
 * (1 2 and 1 "a", not 1"a"; 12 is one number); after an object, array or
 * string none is needed ({}{}, "a"[1], [1]2).
 */

/* Nesting deeper than this is an error unless am_json_set_max_depth()
 * says otherwise. */
#define AM_JSON_MAX_DEPTH 1000000
/*
 * Keys longer than this many bytes are not kept as context: values under
 * them get key NULL, as array elements at the top level do.  No AWS
 * naming key comes close, and it bounds what deep nesting can cost.
 */
#define AM_JSON_KEY_MAX 1024

#define AM_JSON_RAW 0
#define AM_JSON_STRING 1

struct am_json_seg {
	int type;		/* AM_JSON_RAW or AM_JSON_STRING */
	int is_key;		/* STRING only: the string is an object key */
	/* The bytes exactly as in the input; a STRING's include both quotes. */
	const char *raw;
	size_t raw_len;
	/*
	 * STRING only: the decoded value, escapes resolved; may hold NUL
	 * bytes and is not NUL-terminated.  It points into raw when the
	 * string has no escapes.
	 */
	const char *text;
	size_t text_len;
	/*
	 * STRING that is not a key: the decoded key of the innermost
	 * enclosing object member, or NULL when no object encloses it (a
	 * top-level string, or an element of a top-level array).  Arrays
	 * pass their member's key down, so {"SecurityGroupIds": ["sg-1",
	 * "sg-2"]} gives both strings key SecurityGroupIds, and so does
	 * {"SecurityGroupIds": [["sg-1"]]}; an object inside the array has
	 * its own keys, and after it the array's strings get the outer key
	 * again.  NULL too under a key longer than AM_JSON_KEY_MAX.
	 */
	const char *key;
	size_t key_len;
	size_t depth;		/* containers around the segment's first byte */
	/*
	 * STRING only, 0 unless am_json_set_piece() asked for pieces: a
	 * string too long to hold comes out in pieces, AM_JSON_PIECE_MORE
	 * while more of it follows (raw has no closing quote) and
	 * AM_JSON_PIECE_CONT for every piece after the first (raw has no
	 * opening quote).  A piece never cuts an escape, nor the two
	 * escapes of a surrogate pair, so each piece's text is its raw
	 * bytes decoded.  A key that came in pieces is no key context.
	 */
	int piece;
	/* Where the segment's first byte is in the whole stream. */
	unsigned long long off;		/* byte offset, from 0 */
	unsigned long long line, col;	/* from 1 */
};

/* mode must be AM_JSON_ONE or AM_JSON_SEQ.  0, AWSMASK_EINVAL or
 * AWSMASK_ENOMEM (err says why; *out is NULL then). */
int am_json_new(struct am_json **out, enum am_json_mode mode,
    struct am_error *err);
/* NULL is fine. */
void am_json_free(struct am_json *j);
/* Before the first feed.  0 means AM_JSON_MAX_DEPTH. */
void am_json_set_max_depth(struct am_json *j, size_t max);
/*
 * Before the first feed: a string still open at the end of a feed, with
 * at least `bytes` of it held, comes out as a piece (see `piece` above)
 * instead of being held until it closes, so that a string of any length
 * costs about `bytes` of memory.  0 (the default): strings come out
 * whole.
 */
#define AM_JSON_PIECE_MORE 1
#define AM_JSON_PIECE_CONT 2
void am_json_set_piece(struct am_json *j, size_t bytes);

/*
 * Feed the next n bytes of the stream; eof says no more will come (n may
 * be 0 then).  On return *segs and *nsegs describe the input in order:
 * together with earlier feeds' segments they cover every byte fed so far
 * exactly once, except the bytes of a string literal that has not ended
 * yet.  Those are kept inside j and come out as one STRING segment in
 * the feed that brings its closing quote.  Runs of bytes between strings
 * come out as one RAW segment per run and feed, however many tokens
 * they hold.  How the input is cut into feeds changes nothing but where
 * RAW runs are split.
 *
 * Returns 0, AWSMASK_EDATA for input that is not JSON ("invalid JSON at
 * line 3, column 17: expected ',' or '}'", or "truncated JSON at ..."
 * when eof comes too early; the position is the offending byte's or the
 * end's, and the message never quotes the input), AWSMASK_ENOMEM, or
 * AWSMASK_EINVAL for a feed after eof.  On an error *segs still describe
 * the block up to the offending byte (less any unfinished string), so a
 * caller can write what came before, up to am_json_complete_offset().
 * Errors stick: every later feed fails the same way.
 */
int am_json_feed(struct am_json *j, const char *p, size_t n, int eof,
    const struct am_json_seg **segs, size_t *nsegs, struct am_error *err);

/*
 * The stream offset just after the last complete top-level value, 0
 * before there is one.  A number at the top level is complete only once
 * the byte after it (or eof) has arrived.  On bad input nothing past this
 * offset should be written.
 */
unsigned long long am_json_complete_offset(const struct am_json *j);
/*
 * The stream offset just after the last newline read between top-level
 * values (the start of the stream, or its origin, before one): every
 * line before it holds only whole values.  Per-document format choice
 * (automode.c) commits JSON there, and reads what follows as text when
 * the JSON goes wrong.
 */
unsigned long long am_json_line_complete_offset(const struct am_json *j);
/* After an AWSMASK_EDATA: the stream offset of the offending byte, or of
 * the end for a truncation. */
unsigned long long am_json_error_offset(const struct am_json *j);
/*
 * Before the first feed: the stream starts at offset off, at the start
 * of line `line`, as seen by segments, messages and the offsets above.
 */
void am_json_set_origin(struct am_json *j, unsigned long long off,
    unsigned long long line);
/* How many top-level values have been completed. */
unsigned long long am_json_values(const struct am_json *j);

/*
 * Append text as the inside of a JSON string literal (no quotes): '"',
 * '\\' and the control characters below 0x20 are escaped (\n \r \t \b \f,
 * else \u00XX), and so is 0x7f (\u007f); the WTF-8 form of a surrogate
 * becomes its \uXXXX escape, except a low one right after an escaped high
 * one, which stays as bytes so the two are not read back as a pair.  Every
 * other byte is copied, UTF-8 or not.  Feeding the result between quotes
 * to the tokenizer gives text back byte for byte.  0, or -1 on ENOMEM.
 */
int am_json_escape(struct am_buf *b, const char *text, size_t len);

#endif /* AM_JSON_H */
