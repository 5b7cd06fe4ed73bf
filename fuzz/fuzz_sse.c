/*
 * fuzz_sse.c - the server-sent events parser and the streamed unmasking
 * of awsmask-claude's answers, over any bytes cut into any pieces.
 *
 * The input is parsed whole, then again in pieces cut where a generator
 * seeded by the input says: both must give the same events (type and
 * data, in order) and the same verdict.  The input is then unmasked as
 * a streamed answer in those pieces, against a store that knows a few
 * tokens: what comes out must be what unmasking it whole gives.
 */
#include "fuzz.h"
#include "internal.h"
#include "mask.h"

#include <stdlib.h>
#include <string.h>

struct events {
	struct am_buf log;	/* type NUL data NUL, for each event */
	unsigned long long n;
};

static int
on_event(void *arg, const struct am_sse_event *ev)
{
	struct events *e = arg;

	if (ev->data[ev->data_len] != '\0' || !ev->type_len)
		abort();
	if (am_buf_add(&e->log, ev->type, ev->type_len) < 0 ||
	    am_buf_add(&e->log, "", 1) < 0 ||
	    am_buf_add(&e->log, ev->data, ev->data_len) < 0 ||
	    am_buf_add(&e->log, "", 1) < 0)
		abort();
	e->n++;
	return 0;
}

/* Parse data in the pieces ends[] marks: feed's verdict, or 100 + pending. */
static int
parse(const uint8_t *data, size_t size, const size_t *ends, size_t nends,
    struct events *e)
{
	struct am_sse p;
	size_t i, at = 0;
	int rc = 0;

	am_sse_init(&p, 4096);
	for (i = 0; i < nends && !rc; i++) {
		rc = am_sse_feed(&p, (const char *)data + at, ends[i] - at,
		    on_event, e);
		at = ends[i];
	}
	if (!rc)
		rc = am_sse_feed(&p, (const char *)data + at, size - at,
		    on_event, e);
	if (!rc)
		rc = 100 + am_sse_pending(&p);
	am_sse_release(&p);
	return rc;
}

static void
unstream(struct awsmask *am, const uint8_t *data, size_t size,
    const size_t *ends, size_t nends)
{
	struct am_unstream u = AM_UNSTREAM_INIT;
	struct am_buf out = AM_BUF_INIT;
	char *want = NULL;
	size_t i, at = 0, wlen;

	for (i = 0; i < nends; i++) {
		if (am_unstream_feed(am, &u, (const char *)data + at,
		    ends[i] - at, 0, &out, NULL, NULL))
			abort();
		at = ends[i];
	}
	if (am_unstream_feed(am, &u, (const char *)data + at, size - at, 1,
	    &out, NULL, NULL))
		abort();
	if (awsmask_unmask_buffer(am, (const char *)data, size, &want, &wlen,
	    NULL, NULL) != AWSMASK_OK)
		abort();
	if (out.len != wlen || (wlen && memcmp(out.buf, want, wlen)))
		abort();
	free(want);
	am_buf_free(&out);
	am_unstream_release(&u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seed[] = "i-0abc12de34f567890 vpc-0a1b2c3d "
	    "arn:aws:iam::123456789012:role/Admin 10.0.1.2\n";
	struct events whole = { AM_BUF_INIT, 0 }, cut = { AM_BUF_INIT, 0 };
	struct awsmask *am = fuzz_context("text");
	size_t ends[16], n = 0, i;
	unsigned long long x = size * 0x9e3779b97f4a7c15ULL;
	char *out = NULL;
	size_t olen;
	int rc1, rc2;

	if (awsmask_mask_buffer(am, seed, sizeof(seed) - 1, &out, &olen))
		abort();
	free(out);

	/* Cut points from the input itself: up to 15, ascending. */
	for (i = 0; i < size && i < 8; i++)
		x = (x ^ data[i]) * 0x100000001b3ULL;
	for (i = 0; size && i < (x & 15); i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		ends[n] = (size_t)((x >> 33) % (size + 1));
		if (!n || ends[n] >= ends[n - 1])
			n++;
	}
	rc1 = parse(data, size, NULL, 0, &whole);
	rc2 = parse(data, size, ends, n, &cut);
	if (rc1 != rc2 || whole.n != cut.n || whole.log.len != cut.log.len ||
	    (whole.log.len && memcmp(whole.log.buf, cut.log.buf,
	    whole.log.len)))
		abort();
	am_buf_free(&whole.log);
	am_buf_free(&cut.log);
	unstream(am, data, size, ends, n);
	return 0;
}
