/*
 * Unit tests for lib/sse.c: the event-stream grammar, frames cut at
 * every byte, line endings, the byte order mark, the size bound, a
 * callback that stops the parse, and allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Every event as "type|data" lines, data's LFs written as "\n". */
struct got {
	struct am_buf b;
	int n;
	int stop_at;		/* return 42 at this event (1-based); 0: never */
};

static int
collect(void *arg, const struct am_sse_event *ev)
{
	struct got *g = arg;
	size_t i;

	assert_int_equal(ev->data[ev->data_len], '\0');
	g->n++;
	am_buf_add(&g->b, ev->type, ev->type_len);
	am_buf_add(&g->b, "|", 1);
	for (i = 0; i < ev->data_len; i++) {
		if (ev->data[i] == '\n')
			am_buf_addstr(&g->b, "\\n");
		else
			am_buf_add(&g->b, &ev->data[i], 1);
	}
	am_buf_add(&g->b, "\n", 1);
	return g->stop_at && g->n == g->stop_at ? 42 : 0;
}

/* Parse s whole; the events, malloc'd. */
static char *
parse(const char *s, size_t n, int *pending)
{
	struct am_sse p;
	struct got g = { AM_BUF_INIT, 0, 0 };

	am_sse_init(&p, 0);
	assert_int_equal(am_sse_feed(&p, s, n, collect, &g), 0);
	if (pending)
		*pending = am_sse_pending(&p);
	am_sse_release(&p);
	am_buf_addstr(&g.b, "");
	return am_buf_release(&g.b, NULL);
}

static void
expect_events(const char *stream, const char *want)
{
	char *got = parse(stream, strlen(stream), NULL);

	assert_string_equal(got, want);
	am_free(got);
}

static void
test_basic(void **state)
{
	(void)state;
	expect_events("event: ping\ndata: {\"type\": \"ping\"}\n\n",
	    "ping|{\"type\": \"ping\"}\n");
	/* No event: field is a "message"; one space only is dropped. */
	expect_events("data:  two\n\n", "message| two\n");
	expect_events("data:x\n\n", "message|x\n");
	/* Data lines join with LF; the last LF goes. */
	expect_events("data: a\ndata: b\ndata\n\n", "message|a\\nb\\n\n");
	/* Comments, unknown fields, id and retry are dropped. */
	expect_events(": keep-alive\nid: 7\nretry: 100\nfoo: bar\n"
	    "event: x\ndata: 1\n\n", "x|1\n");
	/* An empty line with no data dispatches nothing and forgets the
	 * type. */
	expect_events("event: x\n\ndata: 1\n\n", "message|1\n");
	/* "data:" alone is an event with empty data. */
	expect_events("data:\n\n", "message|\n");
	/* A field name is case-sensitive. */
	expect_events("Data: no\n\nEVENT: y\ndata: yes\n\n", "message|yes\n");
	/* Several events, types reset after each. */
	expect_events("event: a\ndata: 1\n\ndata: 2\n\n\n\nevent: c\ndata: 3\n\n",
	    "a|1\nmessage|2\nc|3\n");
	/* A colon in the value stays. */
	expect_events("data: a: b\n\n", "message|a: b\n");
}

static void
test_line_endings(void **state)
{
	(void)state;
	expect_events("event: a\r\ndata: 1\r\n\r\n", "a|1\n");
	expect_events("event: a\rdata: 1\r\r", "a|1\n");
	expect_events("event: a\r\ndata: 1\n\r", "a|1\n");
	/* CR CR is two line ends: an empty line between. */
	expect_events("data: 1\r\rdata: 2\n\n", "message|1\nmessage|2\n");
}

static void
test_bom(void **state)
{
	(void)state;
	expect_events("\xef\xbb\xbf" "data: 1\n\n", "message|1\n");
	/* Only at the start. */
	expect_events("data: 1\n\n\xef\xbb\xbf" "data: 2\n\n", "message|1\n");
	/* Something like a BOM that is not one is text. */
	expect_events("\xef\xbb" "data: 1\n\n", "");
	expect_events("\xef" "data: 1\n\ndata: 2\n\n", "message|2\n");
}

static void
test_pending(void **state)
{
	int pending;
	char *got;

	(void)state;
	/* An event without its empty line is not dispatched. */
	got = parse("data: 1\n\ndata: 2\n", 18, &pending);
	assert_string_equal(got, "message|1\n");
	assert_true(pending);
	am_free(got);
	got = parse("data: 1\n\nda", 11, &pending);
	assert_string_equal(got, "message|1\n");
	assert_true(pending);
	am_free(got);
	got = parse("data: 1\n\n", 9, &pending);
	assert_false(pending);
	am_free(got);
	got = parse(": comment\n", 10, &pending);
	assert_false(pending);
	am_free(got);
	got = parse("", 0, &pending);
	assert_string_equal(got, "");
	assert_false(pending);
	am_free(got);
}

/*
 * A stream like the Messages API's, with every line ending, comments and
 * a BOM; fed in two pieces cut at every byte, in three, and one byte at
 * a time, it gives the same events as fed whole.
 */
static const char stream[] =
	"\xef\xbb\xbf"
	"event: message_start\r\n"
	"data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\r\n"
	"\r\n"
	": ping comment\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,"
	"\"delta\":{\"type\":\"text_delta\",\"text\":\"EC2_001 \\u00e9\"}}\n"
	"\n"
	"event: ping\r"
	"data: {\"type\": \"ping\"}\r"
	"\r"
	"data: line one\n"
	"data:line two\n"
	"\n"
	"event: message_stop\n"
	"data: {\"type\":\"message_stop\"}\n"
	"\n";

static void
test_cut_everywhere(void **state)
{
	size_t n = sizeof(stream) - 1, i, j;
	char *whole = parse(stream, n, NULL);

	(void)state;
	assert_non_null(strstr(whole, "message_stop|"));
	for (i = 0; i <= n; i++) {
		struct am_sse p;
		struct got g = { AM_BUF_INIT, 0, 0 };

		am_sse_init(&p, 0);
		assert_int_equal(am_sse_feed(&p, stream, i, collect, &g), 0);
		assert_int_equal(am_sse_feed(&p, stream + i, n - i, collect, &g),
		    0);
		am_buf_addstr(&g.b, "");
		assert_string_equal(g.b.buf, whole);
		assert_false(am_sse_pending(&p));
		am_sse_release(&p);
		am_buf_free(&g.b);
	}
	for (i = 0; i <= n; i += 7) {
		for (j = i; j <= n; j += 3) {
			struct am_sse p;
			struct got g = { AM_BUF_INIT, 0, 0 };

			am_sse_init(&p, 0);
			assert_int_equal(am_sse_feed(&p, stream, i, collect, &g), 0);
			assert_int_equal(am_sse_feed(&p, stream + i, j - i, collect,
			    &g), 0);
			assert_int_equal(am_sse_feed(&p, stream + j, n - j, collect,
			    &g), 0);
			am_buf_addstr(&g.b, "");
			assert_string_equal(g.b.buf, whole);
			am_sse_release(&p);
			am_buf_free(&g.b);
		}
	}
	{
		struct am_sse p;
		struct got g = { AM_BUF_INIT, 0, 0 };

		am_sse_init(&p, 0);
		for (i = 0; i < n; i++)
			assert_int_equal(am_sse_feed(&p, stream + i, 1, collect,
			    &g), 0);
		am_buf_addstr(&g.b, "");
		assert_string_equal(g.b.buf, whole);
		am_sse_release(&p);
		am_buf_free(&g.b);
	}
	am_free(whole);
}

static void
test_bound(void **state)
{
	struct am_sse p;
	struct got g = { AM_BUF_INIT, 0, 0 };
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big));
	/* Data past the bound, in one line or many. */
	am_sse_init(&p, 100);
	assert_int_equal(am_sse_feed(&p, "data: ", 6, collect, &g), 0);
	assert_int_equal(am_sse_feed(&p, big, sizeof(big), collect, &g),
	    AWSMASK_EDATA);
	am_sse_release(&p);
	am_sse_init(&p, 100);
	{
		int i, rc = 0;

		for (i = 0; i < 20 && !rc; i++)
			rc = am_sse_feed(&p, "data: 0123456789\n", 17, collect, &g);
		assert_int_equal(rc, AWSMASK_EDATA);
	}
	am_sse_release(&p);
	/*
	 * A long line of another field is past the bound whether it comes
	 * whole in one piece or cut (fuzzing found the two disagreeing).
	 */
	{
		char line[160];

		memset(line, 'x', sizeof(line));
		line[0] = ':';
		line[sizeof(line) - 1] = '\n';
		am_sse_init(&p, 100);
		assert_int_equal(am_sse_feed(&p, line, sizeof(line), collect,
		    &g), AWSMASK_EDATA);
		am_sse_release(&p);
		am_sse_init(&p, 100);
		assert_int_equal(am_sse_feed(&p, line, 80, collect, &g), 0);
		assert_int_equal(am_sse_feed(&p, line + 80, sizeof(line) - 80,
		    collect, &g), AWSMASK_EDATA);
		am_sse_release(&p);
	}
	/* Within it: fine, and again after each event. */
	am_sse_init(&p, 100);
	{
		int i;

		for (i = 0; i < 50; i++)
			assert_int_equal(am_sse_feed(&p,
			    "data: 0123456789012345678901234567890123456789\n\n",
			    48, collect, &g), 0);
	}
	assert_int_equal(g.n, 50);
	am_sse_release(&p);
	am_buf_free(&g.b);
}

static void
test_stop(void **state)
{
	struct am_sse p;
	struct got g = { AM_BUF_INIT, 0, 2 };

	(void)state;
	am_sse_init(&p, 0);
	assert_int_equal(am_sse_feed(&p, "data: 1\n\ndata: 2\n\ndata: 3\n\n", 27,
	    collect, &g), 42);
	assert_int_equal(g.n, 2);
	am_sse_release(&p);
	am_buf_free(&g.b);
}

static int
collect_count(void *arg, const struct am_sse_event *ev)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int fail_after = -1;

static void *
failing_malloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return malloc(n);
}

static void *
failing_calloc(size_t n, size_t s)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return calloc(n, s);
}

static void *
failing_realloc(void *p, size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return realloc(p, n);
}

static void
test_nomem(void **state)
{
	static const struct am_allocator a = {
		failing_malloc, failing_calloc, failing_realloc, free
	};
	int k, ok = 0;

	(void)state;
	for (k = 0; k < 20; k++) {
		struct am_sse p;
		int counter = 0, rc;

		am_sse_init(&p, 0);
		fail_after = k;
		am_set_allocator(&a);
		rc = am_sse_feed(&p, stream, 40, collect_count, &counter);
		if (rc == 0)
			rc = am_sse_feed(&p, stream + 40, sizeof(stream) - 41,
			    collect_count, &counter);
		am_set_allocator(NULL);
		fail_after = -1;
		assert_true(rc == 0 || rc == AWSMASK_ENOMEM);
		if (rc == 0) {
			assert_int_equal(counter, 5);
			ok = 1;
		}
		am_sse_release(&p);
	}
	assert_true(ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_cut_everywhere),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
