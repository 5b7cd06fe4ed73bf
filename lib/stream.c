/*
 * stream.c - the streams: masking, scanning and unmasking an input, the
 * top of the library's stream layers.  Here are the public entry points,
 * the choice of format (--format auto goes to automode.c) and the block
 * driver of text.  Below them: the JSON processor (jsonmode.c) and the
 * window processors of text (mask.c, unmask.c), none of which calls back
 * up here.
 *
 * The text driver reads large blocks and hands the processor a window
 * [hist, limit) to finish: limit is just after the last newline (no
 * pattern matches a newline, so no identifier spans it), or, in a line
 * longer than a block, AM_MAX_MATCH plus a margin before the end of what
 * has been read, so that every match starting before limit is complete.
 * The processor may finish past limit, to the end of its last match.  A
 * little of what is finished stays in front of the buffer as look-behind
 * context for the next block.
 */
#include "mask.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK AM_STREAM_BLOCK
#define READ_MAX AM_STREAM_READ
#define MARGIN AM_STREAM_MARGIN
/* The most a text buffer grows to: one value of AM_LONG_MAX bytes. */
#define CAP_MAX (AM_LONG_MAX + BLOCK + MARGIN + READ_MAX + AM_CONTEXT)

static int
flush_out(struct awsmask *am, struct am_stream *s)
{
	if (s->outfd < 0 || !am->out.len)
		return AWSMASK_OK;
	if (am_write_all(s->outfd, am->out.buf, am->out.len) < 0)
		return am_seterr_errno(&am->err, AWSMASK_EIO, "write error");
	am_buf_reset(&am->out);
	return AWSMASK_OK;
}

static int
run_text_fd(struct awsmask *am, const char *pre, size_t prelen, int infd,
    int outfd, unsigned flags, process_fn *process, void *arg)
{
	struct am_stream s;
	int rc = AWSMASK_OK;

	if (am->err.code)
		return am->err.code;
	memset(&s, 0, sizeof(s));
	s.line = 1;
	s.outfd = outfd;
	s.cap = BLOCK + MARGIN + READ_MAX + AM_CONTEXT;
	s.grow = 1;
	s.buf = am_malloc(s.cap);
	if (!s.buf)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	memcpy(s.buf, pre, prelen);
	s.len = prelen;
	s.eof = infd < 0;	/* the caller met the end already */
	/*
	 * Masking overlaps the scan of a window with the store's work on
	 * the window before (am_mask_drain()); not for line-buffered input,
	 * whose every line is written as soon as it is masked.
	 */
	s.overlap = process == am_process_mask &&
	    !(flags & AWSMASK_LINE_BUFFERED);
	for (;;) {
		size_t limit, done;
		int skip_read = prelen && ((flags & AWSMASK_LINE_BUFFERED) ||
		    prelen >= BLOCK);

		prelen = 0;
		if (!s.eof && !skip_read) {
			ssize_t n;
			size_t room = s.cap - s.len;

			n = read(infd, s.buf + s.len, room < READ_MAX ? room : READ_MAX);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				/*
				 * A bad input is that input's failure, not the
				 * context's: the message stays, the code does not
				 * stick, and the next input can still be read.
				 */
				rc = am_seterr_errno(&am->err, AWSMASK_EIO,
				    "read error");
				am->err.code = AWSMASK_OK;
				break;
			}
			am->counts.bytes_in += (unsigned long long)n;
			if (n == 0)
				s.eof = 1;
			s.len += (size_t)n;
			if (!s.eof && !(flags & AWSMASK_LINE_BUFFERED) &&
			    s.len - s.hist < BLOCK)
				continue;
		}
		limit = am_stream_limit(&s);
		if (limit > s.hist) {
			rc = process(am, &s, limit, &done, arg);
			if (rc == AWSMASK_OK)
				rc = flush_out(am, &s);
			if (rc == AWSMASK_OK && s.need)
				rc = am_stream_grow(am, &s, CAP_MAX);
			if (rc)
				break;
			am_stream_shift(&s, done, AM_CONTEXT);
		}
		if (s.eof && s.hist >= s.len)
			break;
	}
	if (s.overlap) {
		int frc = am_mask_finish(am, rc);

		/* Written unless the context failed: flushed. */
		if (frc == AWSMASK_OK || !am->err.code) {
			int wrc = flush_out(am, &s);

			if (frc == AWSMASK_OK)
				frc = wrc;
		}
		rc = frc;
	}
	am_free(s.buf);
	return rc;
}

/* Process a whole buffer at once; output collects in am->out. */
static int
run_text_buffer(struct awsmask *am, const char *in, size_t len,
    process_fn *process, void *arg)
{
	struct am_stream s;
	size_t done;

	if (am->err.code)
		return am->err.code;
	if (!in && len)
		return AWSMASK_EINVAL;
	memset(&s, 0, sizeof(s));
	s.buf = (char *)(in ? in : "");	/* read only */
	s.len = len;
	s.line = 1;
	s.eof = 1;
	s.outfd = -1;
	am_buf_reset(&am->out);
	am->counts.bytes_in += len;
	return len ? process(am, &s, len, &done, arg) : AWSMASK_OK;
}

/* The text path, for an input that is not JSON. */
static process_fn *const text_process[] = {
	[AM_DIR_MASK] = am_process_mask,
	[AM_DIR_SCAN] = am_process_scan,
	[AM_DIR_UNMASK] = am_process_unmask,
};

/*
 * Mask, scan or unmask what infd holds, as text or as JSON, or with
 * --format auto per document (automode.c).
 */
static int
run_fd(struct awsmask *am, int infd, int outfd, unsigned flags,
    enum am_dir dir, const struct am_callbacks *cb)
{
	int format, eof = 0, rc;
	char *buf;
	ssize_t n;

	if (am->err.code)
		return am->err.code;
	if (am_json_wanted_format(am) == AWSMASK_FORMAT_AUTO)
		return am_auto_process_fd(am, infd, outfd, flags, dir, cb,
		    text_process[dir]);
	buf = am_malloc(BLOCK);
	if (!buf)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	n = am_read_block(infd, buf, BLOCK, flags, &eof);
	if (n < 0) {
		am_free(buf);
		/* The message stays, the code does not stick. */
		rc = am_seterr_errno(&am->err, AWSMASK_EIO, "read error");
		am->err.code = AWSMASK_OK;
		return rc;
	}
	am->counts.bytes_in += (unsigned long long)n;
	format = am_json_choose_format(am, buf, (size_t)n);
	if (format == AWSMASK_FORMAT_TEXT)
		rc = run_text_fd(am, buf, (size_t)n, eof ? -1 : infd, outfd,
		    flags, text_process[dir], (void *)cb);
	else
		rc = am_json_process_fd(am, buf, (size_t)n, eof, infd, outfd,
		    flags, format, dir, cb);
	am_free(buf);
	return rc;
}

/* The same for a whole buffer; output collects in am->out. */
static int
run_buffer(struct awsmask *am, const char *in, size_t len, enum am_dir dir,
    const struct am_callbacks *cb)
{
	int format;

	if (am->err.code)
		return am->err.code;
	if (!in && len)
		return AWSMASK_EINVAL;
	if (am_json_wanted_format(am) == AWSMASK_FORMAT_AUTO)
		return am_auto_process_buffer(am, in, len, dir, cb,
		    text_process[dir]);
	format = am_json_choose_format(am, in, len);
	if (format == AWSMASK_FORMAT_TEXT)
		return run_text_buffer(am, in, len, text_process[dir],
		    (void *)cb);
	return am_json_process_buffer(am, in, len, format, dir, cb);
}

int
awsmask_mask_fd(struct awsmask *am, int infd, int outfd, unsigned flags)
{
	int rc;

	if (!am)
		return AWSMASK_EINVAL;
	am_proc_begin(am, AM_DIR_MASK);
	rc = run_fd(am, infd, outfd, flags, AM_DIR_MASK, NULL);
	am_proc_end(am);
	return rc;
}

int
awsmask_mask_buffer(struct awsmask *am, const char *in, size_t len,
    char **out, size_t *outlen)
{
	int rc;

	if (!am || !out)
		return AWSMASK_EINVAL;
	*out = NULL;
	am_proc_begin(am, AM_DIR_MASK);
	rc = run_buffer(am, in, len, AM_DIR_MASK, NULL);
	am_proc_end(am);
	if (rc == AWSMASK_OK) {
		*out = am_buf_release(&am->out, outlen);
		if (!*out)
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	return rc;
}

int
awsmask_scan_fd(struct awsmask *am, int infd, awsmask_found_fn *fn,
    void *arg)
{
	struct am_callbacks cb = { fn, NULL, arg };

	if (!am)
		return AWSMASK_EINVAL;
	return run_fd(am, infd, -1, 0, AM_DIR_SCAN, &cb);
}

int
awsmask_scan_buffer(struct awsmask *am, const char *in, size_t len,
    awsmask_found_fn *fn, void *arg)
{
	struct am_callbacks cb = { fn, NULL, arg };

	if (!am)
		return AWSMASK_EINVAL;
	return run_buffer(am, in, len, AM_DIR_SCAN, &cb);
}

/*
 * A check is a scan with am->scan_issued_ok set: the parts that are,
 * whole, tokens the store issued are dropped (check.c), so that masked
 * text checks clean.
 */
int
awsmask_check_fd(struct awsmask *am, int infd, awsmask_finding_fn *fn,
    void *arg)
{
	struct am_callbacks cb = { NULL, NULL, arg, fn };
	int rc, old;

	if (!am)
		return AWSMASK_EINVAL;
	old = am->scan_issued_ok;
	am->scan_issued_ok = 1;
	rc = run_fd(am, infd, -1, 0, AM_DIR_SCAN, &cb);
	am->scan_issued_ok = old;
	return rc;
}

int
awsmask_check_buffer(struct awsmask *am, const char *in, size_t len,
    awsmask_finding_fn *fn, void *arg)
{
	struct am_callbacks cb = { NULL, NULL, arg, fn };
	int rc, old;

	if (!am)
		return AWSMASK_EINVAL;
	old = am->scan_issued_ok;
	am->scan_issued_ok = 1;
	rc = run_buffer(am, in, len, AM_DIR_SCAN, &cb);
	am->scan_issued_ok = old;
	return rc;
}


int
awsmask_unmask_fd(struct awsmask *am, int infd, int outfd, unsigned flags,
    awsmask_unknown_fn *fn, void *arg)
{
	struct am_callbacks cb = { NULL, fn, arg };
	int rc;

	if (!am)
		return AWSMASK_EINVAL;
	if ((rc = am_token_re_ensure(am)))
		return rc;
	am_proc_begin(am, AM_DIR_UNMASK);
	rc = run_fd(am, infd, outfd, flags, AM_DIR_UNMASK, &cb);
	am_proc_end(am);
	return rc;
}

int
awsmask_unmask_buffer(struct awsmask *am, const char *in, size_t len,
    char **out, size_t *outlen, awsmask_unknown_fn *fn, void *arg)
{
	struct am_callbacks cb = { NULL, fn, arg };
	int rc;

	if (!am || !out)
		return AWSMASK_EINVAL;
	*out = NULL;
	if ((rc = am_token_re_ensure(am)))
		return rc;
	am_proc_begin(am, AM_DIR_UNMASK);
	rc = run_buffer(am, in, len, AM_DIR_UNMASK, &cb);
	am_proc_end(am);
	if (rc == AWSMASK_OK) {
		*out = am_buf_release(&am->out, outlen);
		if (!*out)
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	return rc;
}
