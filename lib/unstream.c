/*
 * unstream.c - unmasking text that arrives in pieces: the deltas of a
 * streamed answer from Claude.
 *
 * Each piece is appended to what waits; the text that no later piece can
 * change is unmasked and handed out at once, and only a tail that may
 * still turn out to be (part of) a token is held back.  Where the cut
 * goes:
 *
 *  - A token is made of letters, digits, '_', '\', '-' and the bytes of
 *    U+2010 and U+2011; the tolerant grammar also looks one byte past a
 *    '-' or '.' after it.  So only the last run of such bytes (and '.')
 *    can hold a token that is not decided yet.
 *  - In that run, each place a token could start (no letter or digit
 *    before it) is tried with hard partial matching (am_token_at): a
 *    start where no token can begin is passed, a whole token whose ends
 *    are known is passed over, and the first start that depends on the
 *    bytes to come is the cut.
 *
 * Words that cannot start a token ("Hello") therefore go out with their
 * piece; "EC2_0" waits for the rest.  What was handed out stays in front
 * of the buffer, up to CONTEXT bytes, as the look-behind the grammar
 * needs (web-ec2-001 is a name, not a token).
 */
#include "mask.h"

#include <string.h>

#define CONTEXT 256

/* The bytes a token (or what decides one) can be made of. */
static int
run_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '_' || c == '\\' || c == '-' ||
	    c == '.' || c == 0xe2 || c == 0x80 || c == 0x90 || c == 0x91;
}

static int
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* Where the text that must wait starts: in [hist, len]; -1 on error. */
static long long
safe_cut(struct awsmask *am, const char *b, size_t hist, size_t len)
{
	size_t j = len, k, end;
	int r;

	while (j > hist && run_byte((unsigned char)b[j - 1]))
		j--;
	for (k = j; k < len; k++) {
		if (k > 0 && alnum((unsigned char)b[k - 1]))
			continue;
		r = am_token_at(am, b, len, k, &end);
		if (r < 0)
			return -1;
		if (r == 2)
			return (long long)k;
		if (r == 1 && end > k)
			k = end - 1;
	}
	return (long long)len;
}

int
am_unstream_feed(struct awsmask *am, struct am_unstream *u, const char *p,
    size_t n, int final, struct am_buf *out, awsmask_unknown_fn *unknown,
    void *arg)
{
	struct am_stream s;
	size_t done, keep;
	long long cut;
	int rc;

	if (am->err.code)
		return am->err.code;
	if ((rc = am_token_re_ensure(am)))
		return rc;
	if (n && am_buf_add(&u->buf, p, n) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	if (final)
		cut = (long long)u->buf.len;
	else if ((cut = safe_cut(am, u->buf.buf, u->hist, u->buf.len)) < 0)
		return am->err.code ? am->err.code : AWSMASK_EDATA;
	if ((size_t)cut <= u->hist)
		return AWSMASK_OK;
	memset(&s, 0, sizeof(s));
	s.buf = u->buf.buf;
	s.len = u->buf.len;
	s.hist = u->hist;
	s.line = 1;
	s.eof = 1;
	s.outfd = -1;
	am_buf_reset(&am->out);
	rc = am_unmask_window(am, &s, (size_t)cut, &done, unknown, arg);
	if (rc == AWSMASK_OK)
		rc = am_emit(am, s.buf, s.hist, done);
	am_release_items(am);
	if (rc)
		return rc;
	if (am_buf_add(out, am->out.buf ? am->out.buf : "", am->out.len) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	am_buf_reset(&am->out);
	/* Keep some of what went out, as look-behind for what comes. */
	keep = done > CONTEXT ? done - CONTEXT : 0;
	if (keep) {
		memmove(u->buf.buf, u->buf.buf + keep, u->buf.len - keep);
		u->buf.len -= keep;
		u->buf.buf[u->buf.len] = '\0';
	}
	u->hist = done - keep;
	return AWSMASK_OK;
}

void
am_unstream_release(struct am_unstream *u)
{
	am_buf_free(&u->buf);
	u->hist = 0;
}
