/*
 * json.c - a streaming, validating JSON tokenizer (see json.h).
 *
 * One state machine over bytes, resumable at any byte: everything a
 * token in progress needs (the string's bytes so far, the digits of a
 * \u escape, how much of "false" has been seen) lives in struct am_json,
 * so a block may end anywhere.  Nesting is a stack of bits, one per
 * level (1: object, 0: array), and the keys of the enclosing objects are
 * a byte stack beside it; neither is ever walked, only pushed and popped.
 *
 * Speed comes from a few tight inner loops (the bytes of a string, runs
 * of whitespace, runs of digits) and from not copying: a string that
 * lies whole in one block and has no escapes is described by pointers
 * into the block.  Only escaped strings are decoded into storage, and
 * only strings cut by the end of a block are copied.
 */
#include "internal.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

enum state {
	S_TOP,		/* before a top-level value, or between them (SEQ) */
	S_TOP_END,	/* ONE: after the value; whitespace only */
	S_VALUE,	/* after ':' or an array's ',' */
	S_ARR_FIRST,	/* after '[' */
	S_OBJ_FIRST,	/* after '{' */
	S_KEY,		/* after an object's ',' */
	S_COLON,	/* after a key */
	S_AFTER,	/* after a value inside a container */
	S_STR,		/* in a string */
	S_ESC,		/* after a backslash in a string */
	S_UESC,		/* in the four hex digits of \u */
	S_NUM_MINUS,	/* after '-' */
	S_NUM_ZERO,	/* after a leading '0' */
	S_NUM_INT,	/* in the integer digits */
	S_NUM_DOT,	/* after '.' */
	S_NUM_FRAC,	/* in the fraction digits */
	S_NUM_E,	/* after 'e' */
	S_NUM_ESIGN,	/* after 'e+' or 'e-' */
	S_NUM_EXP,	/* in the exponent digits */
	S_LIT,		/* in true, false or null */
	S_LIT_END,	/* after one: the next byte must not continue it */
};

/*
 * Decoded texts and key copies of one feed live in chunks that never
 * move, so the pointers handed out stay good until the next feed, which
 * frees all but one standard chunk.
 */
#define CHUNK_SIZE 65536
struct chunk {
	struct chunk *next;
	size_t size, used;
	char data[];
};

#define BIG_STRING (1024 * 1024)

/* Key stack entries: the key's bytes, then its length in two bytes. */
#define KEY_NONE 0xffff

struct am_json {
	enum am_json_mode mode;
	enum state state;
	int eof;
	struct am_error err;		/* code set: failed, for good */

	/* Position: the stream offset of the block's first byte, the
	 * current line and the offset where it starts. */
	unsigned long long off, line, line_start;
	unsigned long long complete, nvalues;
	/* Just after the last newline read between top-level values; where
	 * the last error is (its byte, or the end for a truncation). */
	unsigned long long line_complete, err_off;
	int need_ws;		/* SEQ: a top-level scalar just ended */

	size_t depth, max_depth;
	unsigned char *bits;	/* bit d: level d+1 is an object */
	size_t bits_cap;	/* bytes */
	char *keys;		/* one entry per enclosing object */
	size_t keys_len, keys_cap, nobj;
	/*
	 * The innermost key as a pointer good for this feed, once known.
	 * A key just read is only here (key_lazy): the stack's top entry is
	 * stale until an object nests under it or the feed ends, so the
	 * common {"k": "v", ...} costs no copy.
	 */
	const char *key;
	size_t key_len;
	int key_known, key_lazy;

	const char *lit;	/* the literal in progress, and how far */
	size_t lit_i;

	/* The string in progress. */
	int str_key;		/* it is an object key */
	int str_dec;		/* its text so far is in stext, not implied */
	int str_prev;		/* it began in an earlier block: raw in sraw */
	size_t str_start;	/* index of its quote in this block */
	size_t mark;		/* first byte of the block not yet in stext */
	size_t str_depth;
	unsigned long long str_off, str_line, str_col;
	unsigned uval, ucount;	/* a \u escape's digits so far */
	unsigned hi;		/* a high surrogate waiting for its low; 0 */
	struct am_buf sraw, stext;
	/*
	 * Pieces (am_json_set_piece): sraw holds the string's raw bytes
	 * from stream offset sraw_off on; once a piece has gone out
	 * (str_cut), its bytes leave sraw at the next feed (cut_pending).
	 * A piece ends before an escape in progress (its backslash at
	 * esc_off) and before a high surrogate's escape (at hi_off) whose
	 * low one has not come yet.
	 */
	size_t piece_min;
	int str_cut;
	size_t cut_pending;
	unsigned long long sraw_off, esc_off, hi_off;
	/*
	 * A string that ended in this feed after starting in an earlier one:
	 * its segment points here.  At most one per feed.  Freed at the next
	 * feed when large, so memory follows the longest string in flight,
	 * not the longest ever seen.
	 */
	struct am_buf draw, dtext;

	struct am_json_seg *segs;
	size_t nsegs, segs_cap;
	size_t raw_from;	/* start of the RAW run not yet emitted */
	unsigned long long raw_line, raw_col;
	size_t raw_depth;
	struct chunk *arena;
};

/*
 * Byte classes.  STOP ends a plain run in a string ('"', '\\', control
 * characters); WS is JSON whitespace; WORD continues a number or literal
 * and so may not directly follow one; ESC is what am_json_escape() cannot
 * copy as it is (0xed may start a surrogate's WTF-8 form).
 */
#define C_STOP 0x01
#define C_WS 0x02
#define C_WORD 0x04
#define C_DIGIT 0x08
#define C_ESC 0x10
#define S_ (C_STOP | C_ESC)
#define W_ C_WORD
#define D_ (C_WORD | C_DIGIT)
static const unsigned char cls[256] = {
	/* 0x00 */ S_, S_, S_, S_, S_, S_, S_, S_,
	/* 0x08 */ S_, S_ | C_WS, S_ | C_WS, S_, S_, S_ | C_WS, S_, S_,
	/* 0x10 */ S_, S_, S_, S_, S_, S_, S_, S_,
	/* 0x18 */ S_, S_, S_, S_, S_, S_, S_, S_,
	/* 0x20 */ C_WS, 0, S_, 0, 0, 0, 0, 0,
	/* 0x28 */ 0, 0, 0, W_, 0, W_, W_, 0,
	/* 0x30 */ D_, D_, D_, D_, D_, D_, D_, D_,
	/* 0x38 */ D_, D_, 0, 0, 0, 0, 0, 0,
	/* 0x40 */ 0, W_, W_, W_, W_, W_, W_, W_,
	/* 0x48 */ W_, W_, W_, W_, W_, W_, W_, W_,
	/* 0x50 */ W_, W_, W_, W_, W_, W_, W_, W_,
	/* 0x58 */ W_, W_, W_, 0, S_, 0, 0, W_,
	/* 0x60 */ 0, W_, W_, W_, W_, W_, W_, W_,
	/* 0x68 */ W_, W_, W_, W_, W_, W_, W_, W_,
	/* 0x70 */ W_, W_, W_, W_, W_, W_, W_, W_,
	/* 0x78 */ W_, W_, W_, 0, 0, 0, 0, C_ESC,
	[0xed] = C_ESC,
};
#undef S_
#undef W_
#undef D_

#define ONES UINT64_C(0x0101010101010101)

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *
arena_alloc(struct am_json *j, size_t n)
{
	struct chunk *c = j->arena;
	size_t size;

	if (c && c->size - c->used >= n) {
		c->used += n;
		return c->data + c->used - n;
	}
	size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = am_malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = n;
	c->next = j->arena;
	j->arena = c;
	return c->data;
}

static void
arena_reset(struct am_json *j)
{
	struct chunk *c = j->arena, *next, *keep = NULL;

	for (; c; c = next) {
		next = c->next;
		if (!keep && c->size == CHUNK_SIZE)
			keep = c;
		else
			am_free(c);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	j->arena = keep;
}

/* A NUL-terminated copy of n bytes in the arena. */
static const char *
arena_copy(struct am_json *j, const char *p, size_t n)
{
	char *q = n < SIZE_MAX ? arena_alloc(j, n + 1) : NULL;

	if (!q)
		return NULL;
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

int
am_json_new(struct am_json **out, enum am_json_mode mode,
    struct am_error *err)
{
	struct am_json *j;

	*out = NULL;
	if (mode != AM_JSON_ONE && mode != AM_JSON_SEQ)
		return am_seterr(err, AWSMASK_EINVAL, "unknown JSON mode %d",
		    (int)mode);
	j = am_calloc(1, sizeof(*j));
	if (!j)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	j->mode = mode;
	j->state = S_TOP;
	j->line = 1;
	j->max_depth = AM_JSON_MAX_DEPTH;
	*out = j;
	return 0;
}

void
am_json_free(struct am_json *j)
{
	if (!j)
		return;
	arena_reset(j);
	am_free(j->arena);
	am_free(j->bits);
	am_free(j->keys);
	am_free(j->segs);
	am_buf_free(&j->sraw);
	am_buf_free(&j->stext);
	am_buf_free(&j->draw);
	am_buf_free(&j->dtext);
	am_free(j);
}

void
am_json_set_max_depth(struct am_json *j, size_t max)
{
	j->max_depth = max ? max : AM_JSON_MAX_DEPTH;
}

void
am_json_set_piece(struct am_json *j, size_t bytes)
{
	j->piece_min = bytes;
}

unsigned long long
am_json_complete_offset(const struct am_json *j)
{
	return j->complete;
}

unsigned long long
am_json_line_complete_offset(const struct am_json *j)
{
	return j->line_complete;
}

unsigned long long
am_json_error_offset(const struct am_json *j)
{
	return j->err_off;
}

void
am_json_set_origin(struct am_json *j, unsigned long long off,
    unsigned long long line)
{
	j->off = j->line_start = j->complete = j->line_complete = off;
	j->line = line;
}

unsigned long long
am_json_values(const struct am_json *j)
{
	return j->nvalues;
}

/* Errors.  Both kinds stick in j->err and are copied to the caller's. */

static int
report(struct am_json *j, struct am_error *err)
{
	if (err)
		*err = j->err;
	return j->err.code;
}

static int
bad_at(struct am_json *j, struct am_error *err, size_t i, const char *what)
{
	j->err_off = j->off + i;
	am_seterr(&j->err, AWSMASK_EDATA,
	    "invalid JSON at line %llu, column %llu: %s", j->line,
	    j->off + i - j->line_start + 1, what);
	return report(j, err);
}

static int
no_memory(struct am_json *j, struct am_error *err)
{
	am_seterr(&j->err, AWSMASK_ENOMEM, "out of memory");
	return report(j, err);
}

/* Nesting. */

static int
is_object(const struct am_json *j)
{
	size_t d = j->depth - 1;

	return j->bits[d >> 3] >> (d & 7) & 1;
}

/* Push an entry: k's len bytes, or none when k is NULL or too long. */
static int
keys_add(struct am_json *j, const char *k, size_t len)
{
	size_t need;
	char *p;

	if (!k || len > AM_JSON_KEY_MAX)
		len = 0, k = NULL;
	need = len + 2;
	if (need > j->keys_cap - j->keys_len) {
		size_t cap = j->keys_cap ? j->keys_cap : 256;

		while (cap - j->keys_len < need)
			cap *= 2;
		if (!(p = am_realloc(j->keys, cap)))
			return -1;
		j->keys = p;
		j->keys_cap = cap;
	}
	if (len)
		memcpy(j->keys + j->keys_len, k, len);
	j->keys_len += need;
	if (!k)
		len = KEY_NONE;
	j->keys[j->keys_len - 2] = (char)(len >> 8);
	j->keys[j->keys_len - 1] = (char)(len & 0xff);
	return 0;
}

/* The top entry's length, KEY_NONE for none; *k gets its bytes. */
static size_t
keys_top(const struct am_json *j, const char **k)
{
	const unsigned char *e = (const unsigned char *)j->keys + j->keys_len;
	size_t len = (size_t)e[-2] << 8 | e[-1];

	*k = len == KEY_NONE ? NULL : j->keys + j->keys_len - 2 - len;
	return len;
}

static void
keys_pop(struct am_json *j)
{
	const char *k;
	size_t len = keys_top(j, &k);

	j->keys_len -= 2 + (len == KEY_NONE ? 0 : len);
}

/* Write a lazily kept key into the stack.  0, or -1 on ENOMEM. */
static int
keys_sync(struct am_json *j)
{
	if (!j->key_lazy)
		return 0;
	j->key_lazy = 0;
	keys_pop(j);
	return keys_add(j, j->key, j->key_len);
}

/* 0, -1 on ENOMEM, -2 when too deep. */
static int
push(struct am_json *j, int obj)
{
	size_t d = j->depth;

	if (d >= j->max_depth)
		return -2;
	if ((d >> 3) >= j->bits_cap) {
		size_t cap = j->bits_cap ? j->bits_cap * 2 : 64;
		unsigned char *p = am_realloc(j->bits, cap);

		if (!p)
			return -1;
		j->bits = p;
		j->bits_cap = cap;
	}
	if (obj) {
		if (keys_sync(j) < 0 || keys_add(j, NULL, 0) < 0)
			return -1;
		j->nobj++;
		j->bits[d >> 3] |= (unsigned char)(1u << (d & 7));
		j->key = NULL;
		j->key_len = 0;
		j->key_known = 1;
	} else {
		j->bits[d >> 3] &= (unsigned char)~(1u << (d & 7));
	}
	j->depth++;
	return 0;
}

static void
pop(struct am_json *j)
{
	if (is_object(j)) {
		keys_pop(j);
		j->nobj--;
		j->key_known = j->key_lazy = 0;
	}
	j->depth--;
}

/*
 * The state after a value that ended just before stream offset end: the
 * container's, or at the top level the next value's (SEQ) or the end's.
 */
static enum state
value_done(struct am_json *j, unsigned long long end, int scalar)
{
	if (j->depth)
		return S_AFTER;
	j->complete = end;
	j->nvalues++;
	if (j->mode == AM_JSON_ONE)
		return S_TOP_END;
	j->need_ws = scalar;
	return S_TOP;
}

/* Segments. */

static struct am_json_seg *
seg_new(struct am_json *j)
{
	struct am_json_seg *s;

	if (j->nsegs == j->segs_cap) {
		size_t cap = j->segs_cap ? j->segs_cap * 2 : 64;

		if (cap > SIZE_MAX / sizeof(*s))
			return NULL;
		s = am_realloc(j->segs, cap * sizeof(*s));
		if (!s)
			return NULL;
		j->segs = s;
		j->segs_cap = cap;
	}
	/* Callers set every field: a memset here was a third of the time. */
	return &j->segs[j->nsegs++];
}

/* Emit block[raw_from, to) as a RAW segment, if it is not empty. */
static int
raw_flush(struct am_json *j, const char *p, size_t to)
{
	struct am_json_seg *s;

	if (to <= j->raw_from)
		return 0;
	if (!(s = seg_new(j)))
		return -1;
	s->type = AM_JSON_RAW;
	s->is_key = 0;
	s->raw = p + j->raw_from;
	s->raw_len = to - j->raw_from;
	s->text = NULL;
	s->text_len = 0;
	s->key = NULL;
	s->key_len = 0;
	s->depth = j->raw_depth;
	s->piece = 0;
	s->off = j->off + j->raw_from;
	s->line = j->raw_line;
	s->col = j->raw_col;
	j->raw_from = to;
	return 0;
}

static void
raw_mark(struct am_json *j, size_t i)
{
	j->raw_from = i;
	j->raw_line = j->line;
	j->raw_depth = j->depth;
	j->raw_col = j->off + i - j->line_start + 1;
}

/* Strings. */

static int
put_utf8(struct am_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		/* Surrogates too: their WTF-8 form. */
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return am_buf_add(b, u, n);
}

/* A high surrogate that turned out to be alone goes out as WTF-8. */
static int
hi_flush(struct am_json *j)
{
	unsigned hi = j->hi;

	j->hi = 0;
	return hi ? put_utf8(&j->stext, hi) : 0;
}

/* Append plain bytes block[from, to) to the decoded text. */
static int
text_add(struct am_json *j, const char *p, size_t from, size_t to)
{
	if (from >= to)
		return 0;
	if (hi_flush(j) < 0)
		return -1;
	return am_buf_add(&j->stext, p + from, to - from);
}

static int
str_open(struct am_json *j, const char *p, size_t i, int key)
{
	if (raw_flush(j, p, i) < 0)
		return -1;
	j->str_key = key;
	j->str_dec = 0;
	j->str_prev = 0;
	j->str_cut = 0;
	j->str_start = i;
	j->str_depth = j->depth;
	j->str_off = j->off + i;
	j->str_line = j->line;
	j->str_col = j->off + i - j->line_start + 1;
	j->hi = 0;
	return 0;
}

/* A backslash at block[i]: from here on the text is decoded in stext. */
static int
str_escape(struct am_json *j, const char *p, size_t i)
{
	size_t quote = !j->str_cut;

	j->esc_off = j->off + i;
	if (j->str_dec)
		return text_add(j, p, j->mark, i);
	/* Until now the text was the raw bytes less the quote. */
	am_buf_reset(&j->stext);
	j->str_dec = 1;
	if (!j->str_prev)
		return am_buf_add(&j->stext, p + j->str_start + 1,
		    i - j->str_start - 1);
	if (am_buf_add(&j->stext, j->sraw.buf + quote, j->sraw.len - quote) < 0 ||
	    am_buf_add(&j->stext, p, i) < 0)
		return -1;
	return 0;
}

static int
str_uescape(struct am_json *j)
{
	unsigned u = j->uval;

	if (j->hi) {
		if (u >= 0xdc00 && u <= 0xdfff) {
			unsigned long cp = 0x10000 +
			    ((unsigned long)(j->hi - 0xd800) << 10) + (u - 0xdc00);

			j->hi = 0;
			return put_utf8(&j->stext, cp);
		}
		if (hi_flush(j) < 0)
			return -1;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		j->hi = u;
		j->hi_off = j->esc_off;
		return 0;
	}
	return put_utf8(&j->stext, u);
}

/* The key of a value string, as a pointer good for this feed. */
static int
str_key_of(struct am_json *j, const char **k, size_t *len)
{
	if (!j->nobj) {
		*k = NULL;
		*len = 0;
		return 0;
	}
	if (!j->key_known) {
		const char *top;
		size_t n = keys_top(j, &top);

		if (n == KEY_NONE) {
			j->key = NULL;
			j->key_len = 0;
		} else {
			if (!(j->key = arena_copy(j, top, n)))
				return -1;
			j->key_len = n;
		}
		j->key_known = 1;
	}
	*k = j->key;
	*len = j->key_len;
	return 0;
}

/* The closing quote at block[i]. */
static int
str_close(struct am_json *j, const char *p, size_t i)
{
	struct am_json_seg *s;
	const char *raw, *text;
	size_t raw_len, text_len, quote = !j->str_cut;
	unsigned long long off = j->str_prev ? j->sraw_off : j->str_off;

	if (j->str_prev) {
		struct am_buf t;

		if (am_buf_add(&j->sraw, p, i + 1) < 0)
			return -1;
		if (j->str_dec && (text_add(j, p, j->mark, i) < 0 ||
		    hi_flush(j) < 0 || am_buf_add(&j->stext, "", 0) < 0))
			return -1;
		t = j->draw, j->draw = j->sraw, j->sraw = t;
		am_buf_reset(&j->sraw);
		raw = j->draw.buf;
		raw_len = j->draw.len;
		if (j->str_dec) {
			t = j->dtext, j->dtext = j->stext, j->stext = t;
			am_buf_reset(&j->stext);
			text = j->dtext.buf;
			text_len = j->dtext.len;
		} else {
			text = raw + quote;
			text_len = raw_len - 1 - quote;
		}
	} else {
		raw = p + j->str_start;
		raw_len = i + 1 - j->str_start;
		if (!j->str_dec) {
			text = raw + 1;
			text_len = raw_len - 2;
		} else {
			if (text_add(j, p, j->mark, i) < 0 || hi_flush(j) < 0)
				return -1;
			text_len = j->stext.len;
			text = arena_copy(j, j->stext.buf, text_len);
			if (!text)
				return -1;
			am_buf_reset(&j->stext);
		}
	}
	if (!(s = seg_new(j)))
		return -1;
	s->type = AM_JSON_STRING;
	s->raw = raw;
	s->raw_len = raw_len;
	s->text = text;
	s->text_len = text_len;
	s->is_key = j->str_key;
	s->depth = j->str_depth;
	s->piece = j->str_cut ? AM_JSON_PIECE_CONT : 0;
	s->off = off;
	s->line = j->str_line;
	s->col = j->str_col + (off - j->str_off);
	s->key = NULL;
	s->key_len = 0;
	j->str_prev = j->str_dec = 0;
	if (j->str_key) {
		j->key = text_len > AM_JSON_KEY_MAX || j->str_cut ? NULL : text;
		j->key_len = j->key ? text_len : 0;
		j->key_known = j->key_lazy = 1;
		return 0;
	}
	return str_key_of(j, &s->key, &s->key_len);
}

/*
 * The feed ends inside a long string: hand out what is held as a piece,
 * up to the escape in progress or the high surrogate waiting for its
 * pair, whose bytes stay for the next piece.  Its pointers go into sraw
 * and stext, which keep still until the next feed drops the piece's
 * bytes (cut_pending).  The text held is exactly the piece's, decoded:
 * an escape is added to stext only once complete, and a high surrogate
 * only once its next escape says what it is.
 */
static int
str_piece(struct am_json *j, unsigned long long end)
{
	struct am_json_seg *s;
	size_t quote = !j->str_cut, len;

	if (j->hi)
		end = j->hi_off;
	else if (j->state != S_STR)
		end = j->esc_off;
	len = (size_t)(end - j->sraw_off);
	if (len <= quote)
		return 0;
	if (!(s = seg_new(j)))
		return -1;
	s->type = AM_JSON_STRING;
	s->is_key = j->str_key;
	s->raw = j->sraw.buf;
	s->raw_len = len;
	if (j->str_dec) {
		s->text = j->stext.buf ? j->stext.buf : "";
		s->text_len = j->stext.len;
	} else {
		s->text = j->sraw.buf + quote;
		s->text_len = len - quote;
	}
	s->depth = j->str_depth;
	s->piece = AM_JSON_PIECE_MORE | (j->str_cut ? AM_JSON_PIECE_CONT : 0);
	s->off = j->sraw_off;
	s->line = j->str_line;
	s->col = j->str_col + (j->sraw_off - j->str_off);
	s->key = NULL;
	s->key_len = 0;
	if (!j->str_key && str_key_of(j, &s->key, &s->key_len) < 0)
		return -1;
	j->str_cut = 1;
	j->cut_pending = len;
	return 0;
}

/* The last feed's piece leaves the held string. */
static void
str_unpiece(struct am_json *j)
{
	size_t k = j->cut_pending;

	if (!k)
		return;
	memmove(j->sraw.buf, j->sraw.buf + k, j->sraw.len - k);
	j->sraw.len -= k;
	j->sraw.buf[j->sraw.len] = '\0';
	j->sraw_off += k;
	am_buf_reset(&j->stext);
	j->cut_pending = 0;
}

/*
 * The block ends inside a string: keep its raw bytes, and its decoded
 * text only once an escape has made the two differ, so that a long
 * string with no escapes (base64 image data) is held once, not twice.
 */
static int
str_save(struct am_json *j, const char *p, size_t n)
{
	size_t from = j->str_prev ? 0 : j->str_start;

	if (!j->str_prev) {
		am_buf_reset(&j->sraw);
		j->sraw_off = j->str_off;
	}
	if (am_buf_add(&j->sraw, p + from, n - from) < 0)
		return -1;
	if (j->str_dec && j->state == S_STR && text_add(j, p, j->mark, n) < 0)
		return -1;
	j->str_prev = 1;
	/* A key is cut only once it is too long to be one (a key's bytes
	 * are context for its values only up to AM_JSON_KEY_MAX). */
	if (j->piece_min && j->sraw.len >= j->piece_min && (!j->str_key ||
	    j->str_cut || (j->str_dec ? j->stext.len : j->sraw.len - 1) >
	    AM_JSON_KEY_MAX))
		return str_piece(j, j->off + n);
	return 0;
}

static int
truncated(struct am_json *j, struct am_error *err)
{
	const char *what;

	switch (j->state) {
	case S_STR:
	case S_ESC:
	case S_UESC:
		what = "unterminated string";
		break;
	case S_NUM_MINUS:
	case S_NUM_DOT:
	case S_NUM_E:
	case S_NUM_ESIGN:
		what = "incomplete number";
		break;
	case S_LIT:
		what = "incomplete literal";
		break;
	default:
		what = is_object(j) ? "unterminated object" :
		    "unterminated array";
		break;
	}
	j->err_off = j->off;
	am_seterr(&j->err, AWSMASK_EDATA,
	    "truncated JSON at line %llu, column %llu: %s", j->line,
	    j->off - j->line_start + 1, what);
	return report(j, err);
}

#define IS_STRING_STATE(st) ((st) == S_STR || (st) == S_ESC || (st) == S_UESC)

int
am_json_feed(struct am_json *j, const char *p, size_t n, int eof,
    const struct am_json_seg **segs, size_t *nsegs, struct am_error *err)
{
	const unsigned char *s = (const unsigned char *)p;
	char deep[64];
	const char *what;
	enum state st;
	size_t i = 0;
	int c, r;
	char ch;

	*segs = NULL;
	*nsegs = 0;
	if (j->err.code)
		return report(j, err);
	if (j->eof)
		return am_seterr(err, AWSMASK_EINVAL,
		    "JSON input fed after its end");
	if (!p && n)
		return am_seterr(err, AWSMASK_EINVAL, "no JSON input buffer");
	j->nsegs = 0;
	str_unpiece(j);
	arena_reset(j);
	if (j->draw.alloc > BIG_STRING) {
		am_buf_free(&j->draw);
		am_buf_free(&j->dtext);
	}
	j->key_known = 0;
	j->mark = 0;
	raw_mark(j, 0);
	st = j->state;

	while (i < n) {
		switch (st) {
		case S_STR:
			/*
			 * Most bytes of AWS JSON are here: look at eight at a
			 * time for a quote, a backslash or a byte below 0x20
			 * (the classic "has a zero byte" tricks, exact as a
			 * yes or no), then find which one byte by byte.
			 */
			while (n - i >= 8) {
				uint64_t v, q, b;

				memcpy(&v, s + i, 8);
				q = v ^ ONES * '"';
				b = v ^ ONES * '\\';
				if (((v - ONES * 0x20) | (q - ONES) | (b - ONES)) &
				    ~v & ~q & ~b & ONES * 0x80)
					break;
				i += 8;
			}
			while (i < n && !(cls[s[i]] & C_STOP))
				i++;
			if (i == n)
				goto end;
			if (s[i] == '"') {
				if (str_close(j, p, i) < 0)
					goto enomem;
				i++;
				st = j->str_key ? S_COLON :
				    value_done(j, j->off + i, 0);
				raw_mark(j, i);
			} else if (s[i] == '\\') {
				if (str_escape(j, p, i) < 0)
					goto enomem;
				st = S_ESC;
				i++;
			} else {
				what = "control character in string";
				goto bad;
			}
			break;
		case S_ESC:
			switch (s[i]) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': c = -1; break;
			default:
				what = "invalid escape in string";
				goto bad;
			}
			i++;
			if (c < 0) {
				j->uval = j->ucount = 0;
				st = S_UESC;
				break;
			}
			ch = (char)c;
			if (hi_flush(j) < 0 || am_buf_add(&j->stext, &ch, 1) < 0)
				goto enomem;
			j->mark = i;
			st = S_STR;
			break;
		case S_UESC:
			if ((c = hexval(s[i])) < 0) {
				what = "invalid \\u escape in string";
				goto bad;
			}
			i++;
			j->uval = j->uval << 4 | (unsigned)c;
			if (++j->ucount < 4)
				break;
			if (str_uescape(j) < 0)
				goto enomem;
			j->mark = i;
			st = S_STR;
			break;

		case S_TOP:
			if (cls[s[i]] & C_WS)
				j->need_ws = 0;
			goto top;
		case S_TOP_END:
		case S_VALUE:
		case S_ARR_FIRST:
		case S_OBJ_FIRST:
		case S_KEY:
		case S_COLON:
		case S_AFTER:
		top:
			while (cls[s[i]] & C_WS) {
				if (s[i] == '\n') {
					j->line++;
					j->line_start = j->off + i + 1;
					if (st == S_TOP || st == S_TOP_END)
						j->line_complete = j->line_start;
				}
				if (++i == n)
					goto end;
			}
			c = s[i];
			switch (st) {
			case S_TOP:
				if (j->need_ws) {
					what = "expected whitespace between "
					    "top-level values";
					goto bad;
				}
				goto value;
			case S_TOP_END:
				what = "expected end of input after the "
				    "top-level value";
				goto bad;
			case S_ARR_FIRST:
				if (c == ']')
					goto close;
				goto value;
			case S_VALUE:
				goto value;
			case S_OBJ_FIRST:
				if (c == '}')
					goto close;
				if (c != '"') {
					what = "expected a string key or '}'";
					goto bad;
				}
				goto key;
			case S_KEY:
				if (c != '"') {
					what = "expected a string key";
					goto bad;
				}
				goto key;
			case S_COLON:
				if (c != ':') {
					what = "expected ':'";
					goto bad;
				}
				st = S_VALUE;
				i++;
				break;
			case S_AFTER:
				if (c == ',') {
					st = is_object(j) ? S_KEY : S_VALUE;
					i++;
				} else if (c == (is_object(j) ? '}' : ']')) {
					goto close;
				} else {
					what = is_object(j) ?
					    "expected ',' or '}'" :
					    "expected ',' or ']'";
					goto bad;
				}
				break;
			default:
				break;
			}
			break;
		key:
			if (str_open(j, p, i, 1) < 0)
				goto enomem;
			st = S_STR;
			i++;
			break;
		close:
			pop(j);
			i++;
			st = value_done(j, j->off + i, 0);
			break;
		value:
			switch (c) {
			case '"':
				if (str_open(j, p, i, 0) < 0)
					goto enomem;
				st = S_STR;
				break;
			case '{':
			case '[':
				if ((r = push(j, c == '{')) == -1)
					goto enomem;
				if (r < 0) {
					snprintf(deep, sizeof(deep), "nesting "
					    "deeper than %zu levels",
					    j->max_depth);
					what = deep;
					goto bad;
				}
				st = c == '{' ? S_OBJ_FIRST : S_ARR_FIRST;
				break;
			case '-':
				st = S_NUM_MINUS;
				break;
			case '0':
				st = S_NUM_ZERO;
				break;
			case 't':
				j->lit = "true";
				goto lit;
			case 'f':
				j->lit = "false";
				goto lit;
			case 'n':
				j->lit = "null";
			lit:
				j->lit_i = 1;
				st = S_LIT;
				break;
			default:
				if (c >= '1' && c <= '9') {
					st = S_NUM_INT;
					break;
				}
				what = "expected a value";
				goto bad;
			}
			i++;
			break;

		case S_NUM_MINUS:
			if (s[i] == '0')
				st = S_NUM_ZERO;
			else if (cls[s[i]] & C_DIGIT)
				st = S_NUM_INT;
			else
				goto bad_number;
			i++;
			break;
		case S_NUM_INT:
			while (cls[s[i]] & C_DIGIT)
				if (++i == n)
					goto end;
			/* FALLTHROUGH */
		case S_NUM_ZERO:
			if (s[i] == '.')
				st = S_NUM_DOT;
			else if (s[i] == 'e' || s[i] == 'E')
				st = S_NUM_E;
			else
				goto scalar_end;
			i++;
			break;
		case S_NUM_DOT:
			if (!(cls[s[i]] & C_DIGIT))
				goto bad_number;
			st = S_NUM_FRAC;
			i++;
			break;
		case S_NUM_FRAC:
			while (cls[s[i]] & C_DIGIT)
				if (++i == n)
					goto end;
			if (s[i] != 'e' && s[i] != 'E')
				goto scalar_end;
			st = S_NUM_E;
			i++;
			break;
		case S_NUM_E:
			if (s[i] == '+' || s[i] == '-')
				st = S_NUM_ESIGN;
			else if (cls[s[i]] & C_DIGIT)
				st = S_NUM_EXP;
			else
				goto bad_number;
			i++;
			break;
		case S_NUM_ESIGN:
			if (!(cls[s[i]] & C_DIGIT))
				goto bad_number;
			st = S_NUM_EXP;
			i++;
			break;
		case S_NUM_EXP:
			while (cls[s[i]] & C_DIGIT)
				if (++i == n)
					goto end;
			goto scalar_end;
		case S_LIT:
			if (s[i] != (unsigned char)j->lit[j->lit_i]) {
				what = "invalid literal";
				goto bad;
			}
			i++;
			if (!j->lit[++j->lit_i])
				st = S_LIT_END;
			break;
		case S_LIT_END:
		scalar_end:
			/* The byte after a number or literal: not consumed. */
			if (cls[s[i]] & C_WORD) {
				if (st == S_LIT_END) {
					what = "invalid literal";
					goto bad;
				}
				goto bad_number;
			}
			st = value_done(j, j->off + i, 1);
			break;
		}
	}
end:
	j->state = st;
	if (keys_sync(j) < 0)
		goto enomem;
	if (IS_STRING_STATE(st)) {
		if (str_save(j, p, n) < 0)
			goto enomem;
	} else if (raw_flush(j, p, n) < 0) {
		goto enomem;
	}
	*segs = j->segs;
	*nsegs = j->nsegs;
	j->off += n;
	if (!eof)
		return 0;
	j->eof = 1;
	switch (st) {
	case S_NUM_ZERO:
	case S_NUM_INT:
	case S_NUM_FRAC:
	case S_NUM_EXP:
	case S_LIT_END:
		st = j->state = value_done(j, j->off, 1);
		break;
	default:
		break;
	}
	if (st == S_TOP || st == S_TOP_END)
		return 0;
	return truncated(j, err);

bad_number:
	what = "invalid number";
bad:
	j->state = st;
	if (!IS_STRING_STATE(st))
		(void)raw_flush(j, p, i);
	*segs = j->segs;
	*nsegs = j->nsegs;
	return bad_at(j, err, i, what);
enomem:
	j->state = st;
	*segs = j->segs;
	*nsegs = j->nsegs;
	return no_memory(j, err);
}

int
am_json_escape(struct am_buf *b, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, from;
	int after_hi = 0;
	char e[6];

	/* Usually nothing needs escaping: one allocation, not many. */
	if (am_buf_grow(b, len) < 0)
		return -1;
	while (i < len) {
		from = i;
		while (i < len && !(cls[s[i]] & C_ESC))
			i++;
		if (i > from) {
			if (am_buf_add(b, s + from, i - from) < 0)
				return -1;
			after_hi = 0;
		}
		if (i == len)
			break;
		if (s[i] == 0xed) {
			unsigned cp;

			if (len - i < 3 || s[i + 1] < 0xa0 || s[i + 1] > 0xbf ||
			    (s[i + 2] & 0xc0) != 0x80) {
				/* Not a surrogate: an ordinary byte. */
				if (am_buf_add(b, s + i, 1) < 0)
					return -1;
				after_hi = 0;
				i++;
				continue;
			}
			cp = 0xd000 | (unsigned)(s[i + 1] & 0x3f) << 6 |
			    (s[i + 2] & 0x3f);
			if (cp >= 0xdc00 && after_hi) {
				/* Escaped, the two would decode as a pair. */
				if (am_buf_add(b, s + i, 3) < 0)
					return -1;
				after_hi = 0;
			} else {
				e[0] = '\\';
				e[1] = 'u';
				e[2] = hex[cp >> 12];
				e[3] = hex[cp >> 8 & 0xf];
				e[4] = hex[cp >> 4 & 0xf];
				e[5] = hex[cp & 0xf];
				if (am_buf_add(b, e, 6) < 0)
					return -1;
				after_hi = cp < 0xdc00;
			}
			i += 3;
			continue;
		}
		e[0] = '\\';
		switch (s[i]) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default: e[1] = 0; break;
		}
		if (e[1]) {
			if (am_buf_add(b, e, 2) < 0)
				return -1;
		} else {
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[s[i] >> 4];
			e[5] = hex[s[i] & 0xf];
			if (am_buf_add(b, e, 6) < 0)
				return -1;
		}
		after_hi = 0;
		i++;
	}
	return 0;
}
