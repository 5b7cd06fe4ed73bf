/* Unit tests for lib/json.c: the streaming JSON tokenizer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"
#include "json.h"

/*
 * What a run of the tokenizer produced, in a form that does not depend
 * on how the input was cut into feeds: RAW segments merged, each string
 * on a line of its own with everything the segment says about it.
 */
struct run {
	struct am_buf tr;	/* transcript */
	struct am_buf strs;	/* strings only: "k1:a|v2:a=x|" */
	struct am_buf cover;	/* raw bytes of every segment, in order */
	struct am_buf pending;	/* RAW bytes not yet in tr */
	unsigned long long next_off;
	int rc;
	struct am_error err;
	unsigned long long complete, values;
	size_t nstrings, nfeeds_raw, maxsegs;
};

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
}

static void
run_release(struct run *r)
{
	am_buf_free(&r->tr);
	am_buf_free(&r->strs);
	am_buf_free(&r->cover);
	am_buf_free(&r->pending);
}

/* Printable form of bytes: \xHH for anything but printable ASCII. */
static void
add_vis(struct am_buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '|')
			assert_int_equal(am_buf_add(b, &p[i], 1), 0);
		else
			assert_int_equal(am_buf_addf(b, "\\x%02x", c), 0);
	}
}

static void
flush_pending(struct run *r)
{
	if (!r->pending.len)
		return;
	assert_int_equal(am_buf_addstr(&r->tr, "R["), 0);
	add_vis(&r->tr, r->pending.buf, r->pending.len);
	assert_int_equal(am_buf_addstr(&r->tr, "]\n"), 0);
	am_buf_reset(&r->pending);
}

static void
take_segs(struct run *r, const struct am_json_seg *segs, size_t n)
{
	size_t i;

	if (n > r->maxsegs)
		r->maxsegs = n;
	for (i = 0; i < n; i++) {
		const struct am_json_seg *s = &segs[i];

		/* Segments tile the stream. */
		assert_true(s->off == r->next_off);
		assert_true(s->raw_len > 0);
		r->next_off += s->raw_len;
		assert_int_equal(am_buf_add(&r->cover, s->raw, s->raw_len), 0);
		if (s->type == AM_JSON_RAW) {
			r->nfeeds_raw++;
			assert_null(s->text);
			assert_null(s->key);
			assert_int_equal(am_buf_add(&r->pending, s->raw,
			    s->raw_len), 0);
			continue;
		}
		assert_int_equal(s->type, AM_JSON_STRING);
		assert_true(s->raw_len >= 2);
		assert_int_equal(s->raw[0], '"');
		assert_int_equal(s->raw[s->raw_len - 1], '"');
		assert_non_null(s->text);
		if (s->is_key)
			assert_null(s->key);
		r->nstrings++;
		flush_pending(r);
		assert_int_equal(am_buf_addf(&r->tr, "S%c d=%zu %llu:%llu @%llu "
		    "key=", s->is_key ? 'k' : 'v', s->depth, s->line, s->col,
		    s->off), 0);
		if (s->key)
			add_vis(&r->tr, s->key, s->key_len);
		else
			assert_int_equal(am_buf_addstr(&r->tr, "(null)"), 0);
		assert_int_equal(am_buf_addstr(&r->tr, " raw="), 0);
		add_vis(&r->tr, s->raw, s->raw_len);
		assert_int_equal(am_buf_addstr(&r->tr, " text="), 0);
		add_vis(&r->tr, s->text, s->text_len);
		assert_int_equal(am_buf_addstr(&r->tr, "\n"), 0);

		assert_int_equal(am_buf_addf(&r->strs, "%c%zu:",
		    s->is_key ? 'k' : 'v', s->depth), 0);
		if (!s->is_key) {
			if (s->key)
				add_vis(&r->strs, s->key, s->key_len);
			else
				assert_int_equal(am_buf_addstr(&r->strs, "-"),
				    0);
			assert_int_equal(am_buf_addstr(&r->strs, "="), 0);
		}
		add_vis(&r->strs, s->text, s->text_len);
		assert_int_equal(am_buf_addstr(&r->strs, "|"), 0);
	}
}

/*
 * Feed doc[0, len) cut before each of cuts[0..ncuts) (increasing), then
 * eof.  Stops at the first error.
 */
static void
run_cuts(enum am_json_mode mode, const char *doc, size_t len,
    const size_t *cuts, size_t ncuts, struct run *r)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	size_t nsegs, from = 0, k;

	run_init(r);
	assert_int_equal(am_json_new(&j, mode, &r->err), 0);
	for (k = 0; k <= ncuts; k++) {
		size_t to = k < ncuts ? cuts[k] : len;

		assert_true(to >= from && to <= len);
		r->rc = am_json_feed(j, doc + from, to - from, k == ncuts,
		    &segs, &nsegs, &r->err);
		take_segs(r, segs, nsegs);
		if (r->rc)
			break;
		from = to;
	}
	flush_pending(r);
	r->complete = am_json_complete_offset(j);
	r->values = am_json_values(j);
	/* Errors stick. */
	if (r->rc) {
		struct am_error e2;

		memset(&e2, 0, sizeof(e2));
		assert_int_equal(am_json_feed(j, "", 0, 1, &segs, &nsegs, &e2),
		    r->rc);
		assert_int_equal(nsegs, 0);
		assert_string_equal(e2.msg, r->err.msg);
	}
	am_json_free(j);
}

/* Feed in chunks of `chunk` bytes (0: all at once). */
static void
run_chunked(enum am_json_mode mode, const char *doc, size_t len,
    size_t chunk, struct run *r)
{
	size_t *cuts = NULL, n = 0, at;

	if (chunk) {
		cuts = malloc((len / chunk + 1) * sizeof(*cuts));
		assert_non_null(cuts);
		for (at = chunk; at < len; at += chunk)
			cuts[n++] = at;
	}
	run_cuts(mode, doc, len, cuts, n, r);
	free(cuts);
}

static void
run_str(enum am_json_mode mode, const char *doc, struct run *r)
{
	run_chunked(mode, doc, strlen(doc), 0, r);
}

/* The strings of doc in ONE mode, checked valid. */
static void
expect_strings(const char *doc, const char *want)
{
	struct run r;

	run_str(AM_JSON_ONE, doc, &r);
	if (r.rc)
		fail_msg("%s", r.err.msg);
	assert_string_equal(r.strs.buf ? r.strs.buf : "", want);
	assert_int_equal(r.cover.len, strlen(doc));
	assert_memory_equal(r.cover.buf, doc, strlen(doc));
	run_release(&r);
}

/* doc fails in mode with a message that contains want. */
static void
expect_error(enum am_json_mode mode, const char *doc, size_t len,
    const char *want)
{
	struct run r;

	run_chunked(mode, doc, len, 0, &r);
	if (r.rc != AWSMASK_EDATA)
		fail_msg("accepted: %s", doc);
	if (!strstr(r.err.msg, want))
		fail_msg("%s: got '%s', want '%s'", doc, r.err.msg, want);
	run_release(&r);
	/* Byte by byte, the same error. */
	run_chunked(mode, doc, len, 1, &r);
	assert_int_equal(r.rc, AWSMASK_EDATA);
	if (!strstr(r.err.msg, want))
		fail_msg("%s (bytewise): got '%s', want '%s'", doc, r.err.msg,
		    want);
	run_release(&r);
}

static char *
load(const char *name, size_t *len)
{
	const char *root = getenv("AWSMASK_TEST_ROOT");
	char path[4096];
	FILE *f;
	char *p;
	long n;

	snprintf(path, sizeof(path), "%s%stests/unit/data/json/%s",
	    root ? root : "", root ? "/" : "", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s' (run from the repository root)",
		    path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static const char *const samples[] = {
	"describe-instances.json",
	"cloudtrail.json",
	"claude-request-system-string.json",
	"claude-request-system-blocks.json",
};

/* Lifecycle. */

static void
test_free_null(void **state)
{
	struct am_json *j = (struct am_json *)1;
	struct am_error e;

	(void)state;
	am_json_free(NULL);
	assert_int_equal(am_json_new(&j, (enum am_json_mode)7, &e),
	    AWSMASK_EINVAL);
	assert_null(j);
	/* A tokenizer fed nothing frees what it has. */
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	am_json_free(j);
}

static void
test_empty(void **state)
{
	static const char *const docs[] = { "", " ", "\n\n", " \t\r\n " };
	size_t i;
	struct run r;

	(void)state;
	/* Empty input is no value, not an error, in both modes. */
	for (i = 0; i < AM_ARRAY_SIZE(docs); i++) {
		run_str(AM_JSON_ONE, docs[i], &r);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.nstrings, 0);
		assert_int_equal(r.cover.len, strlen(docs[i]));
		assert_true(r.complete == 0);
		assert_true(r.values == 0);
		run_release(&r);
		run_str(AM_JSON_SEQ, docs[i], &r);
		assert_int_equal(r.rc, 0);
		run_release(&r);
	}
}

static void
test_feed_after_eof(void **state)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	size_t n;

	(void)state;
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, "1", 1, 1, &segs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(am_json_feed(j, "1", 1, 0, &segs, &n, &e),
	    AWSMASK_EINVAL);
	assert_int_equal(n, 0);
	am_json_free(j);
}

/* Valid documents: segments and key context. */

static void
test_segments(void **state)
{
	const char *doc = "{\"a\": \"b\",\n \"n\": [1, \"x\"]}";
	const struct am_json_seg *s;
	struct am_json *j;
	struct am_error e;
	size_t n;

	(void)state;
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, doc, strlen(doc), 1, &s, &n, &e), 0);
	assert_int_equal(n, 9);
	assert_int_equal(s[0].type, AM_JSON_RAW);
	assert_int_equal(s[0].raw_len, 1);
	assert_int_equal(s[1].type, AM_JSON_STRING);
	assert_true(s[1].is_key);
	assert_int_equal(s[1].text_len, 1);
	assert_memory_equal(s[1].text, "a", 1);
	assert_int_equal(s[1].depth, 1);
	assert_true(s[1].line == 1 && s[1].col == 2 && s[1].off == 1);
	/* The RAW run between two strings is one segment. */
	assert_int_equal(s[2].type, AM_JSON_RAW);
	assert_int_equal(s[2].raw_len, 2);
	assert_memory_equal(s[2].raw, ": ", 2);
	assert_false(s[3].is_key);
	assert_int_equal(s[3].key_len, 1);
	assert_memory_equal(s[3].key, "a", 1);
	assert_int_equal(s[3].raw_len, 3);
	/* A string that needs no decoding points into the block. */
	assert_ptr_equal(s[3].raw, doc + 6);
	assert_ptr_equal(s[3].text, doc + 7);
	assert_int_equal(s[4].raw_len, 3);
	assert_true(s[4].line == 1 && s[4].col == 10);
	assert_true(s[5].is_key);
	assert_true(s[5].line == 2 && s[5].col == 2);
	assert_memory_equal(s[6].raw, ": [1, ", 6);
	assert_int_equal(s[6].depth, 1);
	assert_memory_equal(s[7].key, "n", 1);
	assert_int_equal(s[7].depth, 2);
	assert_true(s[7].line == 2 && s[7].col == 11);
	assert_memory_equal(s[8].raw, "]}", 2);
	assert_true(am_json_complete_offset(j) == strlen(doc));
	am_json_free(j);
}

static void
test_key_context(void **state)
{
	(void)state;
	expect_strings("\"top\"", "v0:-=top|");
	expect_strings("[\"a\", [\"b\"]]", "v1:-=a|v2:-=b|");
	expect_strings("{\"SecurityGroupIds\": [\"sg-1\", \"sg-2\"]}",
	    "k1:SecurityGroupIds|v2:SecurityGroupIds=sg-1|"
	    "v2:SecurityGroupIds=sg-2|");
	/* Arrays pass the key down; objects bring their own; after an
	 * inner object the outer key is back. */
	expect_strings("{\"o\": [[\"x\"], {\"i\": \"y\", \"j\": [\"z\"]}, "
	    "\"w\"], \"p\": {}, \"q\": \"v\"}",
	    "k1:o|v3:o=x|k3:i|v3:i=y|k3:j|v4:j=z|v2:o=w|k1:p|k1:q|v1:q=v|");
	/* An empty object inside clears the key only inside it. */
	expect_strings("{\"a\": [{}, \"x\"]}", "k1:a|v2:a=x|");
	/* Keys may be empty, escaped, or anything at all. */
	expect_strings("{\"\": \"e\", \"k\\u0000\": \"n\", \"a\\/b\": \"s\"}",
	    "k1:|v1:=e|k1:k\\x00|v1:k\\x00=n|k1:a/b|v1:a/b=s|");
}

static void
test_key_too_long(void **state)
{
	struct am_buf b = AM_BUF_INIT;
	struct run r;
	size_t i;

	(void)state;
	assert_int_equal(am_buf_addstr(&b, "{\"ok\": {\""), 0);
	for (i = 0; i < AM_JSON_KEY_MAX + 1; i++)
		assert_int_equal(am_buf_addstr(&b, "k"), 0);
	assert_int_equal(am_buf_addstr(&b, "\": [\"v\"]}, \"after\": \"w\"}"),
	    0);
	run_str(AM_JSON_ONE, b.buf, &r);
	assert_int_equal(r.rc, 0);
	/* The key itself comes out whole; its values lose the context, and
	 * the outer object's keys still work. */
	assert_non_null(strstr(r.tr.buf, "Sv d=3 1:"));
	assert_non_null(strstr(r.tr.buf, "key=(null) raw=\"v\""));
	assert_non_null(strstr(r.tr.buf, "key=after raw=\"w\""));
	run_release(&r);
	/* Exactly AM_JSON_KEY_MAX bytes is still kept. */
	am_buf_reset(&b);
	assert_int_equal(am_buf_addstr(&b, "{\""), 0);
	for (i = 0; i < AM_JSON_KEY_MAX; i++)
		assert_int_equal(am_buf_addstr(&b, "k"), 0);
	assert_int_equal(am_buf_addstr(&b, "\": \"v\"}"), 0);
	run_str(AM_JSON_ONE, b.buf, &r);
	assert_int_equal(r.rc, 0);
	assert_null(strstr(r.strs.buf, "v1:-=v"));
	assert_non_null(strstr(r.strs.buf, "kkk=v|"));
	run_release(&r);
	am_buf_free(&b);
}

static void
test_escapes(void **state)
{
	(void)state;
	expect_strings("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
	    "v0:-=\" \\x5c / \\x08 \\x0c \\x0a \\x0d \\x09|");
	expect_strings("{\"Arn\": \"arn:aws:iam::123456789012:role\\/Admin\"}",
	    "k1:Arn|v1:Arn=arn:aws:iam::123456789012:role/Admin|");
	/* \u: one, two and three bytes of UTF-8, either case of hex. */
	expect_strings("\"\\u0041\\u00e9\\u00E9\\u20ac\\uFFFF\"",
	    "v0:-=A\\xc3\\xa9\\xc3\\xa9\\xe2\\x82\\xac\\xef\\xbf\\xbf|");
	expect_strings("\"a\\u0000b\"", "v0:-=a\\x00b|");
	/* A surrogate pair is one code point, four bytes. */
	expect_strings("\"\\ud83d\\ude00\"", "v0:-=\\xf0\\x9f\\x98\\x80|");
	expect_strings("\"\\uDBFF\\uDFFF\"", "v0:-=\\xf4\\x8f\\xbf\\xbf|");
	/* Lone surrogates: WTF-8. */
	expect_strings("\"\\ud800\"", "v0:-=\\xed\\xa0\\x80|");
	expect_strings("\"\\udc00x\"", "v0:-=\\xed\\xb0\\x80x|");
	expect_strings("\"\\ud800x\"", "v0:-=\\xed\\xa0\\x80x|");
	expect_strings("\"\\ud800\\n\"", "v0:-=\\xed\\xa0\\x80\\x0a|");
	expect_strings("\"\\ud800\\u0041\"", "v0:-=\\xed\\xa0\\x80A|");
	expect_strings("\"\\ud800\\ud800\\udc00\"",
	    "v0:-=\\xed\\xa0\\x80\\xf0\\x90\\x80\\x80|");
	expect_strings("\"\\udc00\\ud800\"", "v0:-=\\xed\\xb0\\x80\\xed\\xa0\\x80|");
	/* Text around escapes. */
	expect_strings("\"ab\\ncd\\tef\"", "v0:-=ab\\x0acd\\x09ef|");
}

static void
test_unicode(void **state)
{
	(void)state;
	/* UTF-8 passes through; so do bytes that are not UTF-8, and DEL. */
	expect_strings("{\"k\\u00e9\": \"h\xc3\xa9llo \xe6\x97\xa5 \xf0\x9f\x98\x80\"}",
	    "k1:k\\xc3\\xa9|v1:k\\xc3\\xa9=h\\xc3\\xa9llo \\xe6\\x97\\xa5 "
	    "\\xf0\\x9f\\x98\\x80|");
	expect_strings("[\"\xff\xfe\x80\", \"\xed\xa0\x80\", \"\x7f\"]",
	    "v1:-=\\xff\\xfe\\x80|v1:-=\\xed\\xa0\\x80|v1:-=\\x7f|");
}

static void
test_scalars(void **state)
{
	static const char *const ok[] = {
		"0", "-0", "1", "-1", "123", "0.5", "-0.5", "1e5", "1E5",
		"1e+5", "1e-5", "1.25e-10", "-0.0E+00", "true", "false",
		"null", "\"\"", "[]", "{}", "[[]]", "[{}]", "{\"a\":{}}",
		" [ 1 , 2 ] ", "[true,false,null]", "[1,-2.5e3,\"x\"]",
		"123456789012345678901234567890",
	};
	size_t i;
	struct run r;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(ok); i++) {
		run_str(AM_JSON_ONE, ok[i], &r);
		if (r.rc)
			fail_msg("%s: %s", ok[i], r.err.msg);
		assert_true(r.values == 1);
		run_release(&r);
		run_chunked(AM_JSON_ONE, ok[i], strlen(ok[i]), 1, &r);
		assert_int_equal(r.rc, 0);
		run_release(&r);
	}
}

static void
test_invalid(void **state)
{
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		/* Numbers, in the strict grammar. */
		{ "01", "column 2: invalid number" },
		{ "-01", "column 3: invalid number" },
		{ "1.", "truncated JSON at line 1, column 3: incomplete number" },
		{ "[1.]", "column 4: invalid number" },
		{ ".5", "column 1: expected a value" },
		{ "+1", "column 1: expected a value" },
		{ "-", "incomplete number" },
		{ "[-]", "column 3: invalid number" },
		{ "--1", "column 2: invalid number" },
		{ "1e", "incomplete number" },
		{ "[1e]", "invalid number" },
		{ "[1e+]", "invalid number" },
		{ "1.5.3", "column 4: invalid number" },
		{ "0x10", "column 2: invalid number" },
		{ "[1a]", "column 3: invalid number" },
		{ "[1_0]", "invalid number" },
		{ "NaN", "expected a value" },
		{ "[Infinity]", "expected a value" },
		{ "[-Infinity]", "invalid number" },
		/* Literals. */
		{ "tru", "truncated JSON at line 1, column 4: incomplete literal" },
		{ "True", "column 1: expected a value" },
		{ "[nul]", "column 5: invalid literal" },
		{ "falsey", "column 6: invalid literal" },
		{ "[nulll]", "column 6: invalid literal" },
		{ "[true1]", "invalid literal" },
		{ "undefined", "expected a value" },
		/* Structure. */
		{ "[1,]", "column 4: expected a value" },
		{ "[,1]", "column 2: expected a value" },
		{ "{,}", "column 2: expected a string key or '}'" },
		{ "{\"a\"}", "column 5: expected ':'" },
		{ "{\"a\":}", "column 6: expected a value" },
		{ "{\"a\" 1}", "column 6: expected ':'" },
		{ "{1:2}", "column 2: expected a string key or '}'" },
		{ "{\"a\":1,}", "column 8: expected a string key" },
		{ "{\"a\":1 \"b\":2}", "column 8: expected ',' or '}'" },
		{ "[1 2]", "column 4: expected ',' or ']'" },
		{ "[1}", "column 3: expected ',' or ']'" },
		{ "{\"a\":1]", "column 7: expected ',' or '}'" },
		{ "[\"a\":1]", "column 5: expected ',' or ']'" },
		{ "]", "column 1: expected a value" },
		{ "}", "column 1: expected a value" },
		{ "'a'", "expected a value" },
		{ "[1] // c", "column 5: expected end of input" },
		{ "/* c */ 1", "column 1: expected a value" },
		{ "\xef\xbb\xbf{}", "column 1: expected a value" },
		{ "[", "truncated JSON at line 1, column 2: unterminated array" },
		{ "{\"a\":", "truncated JSON at line 1, column 6: unterminated object" },
		{ "{\"a\":[1", "unterminated array" },
		{ "{\"a\":1", "unterminated object" },
		/* Strings. */
		{ "\"abc", "truncated JSON at line 1, column 5: unterminated string" },
		{ "\"a\\", "unterminated string" },
		{ "\"a\\u12", "unterminated string" },
		{ "\"a\tb\"", "column 3: control character in string" },
		{ "\"a\nb\"", "column 3: control character in string" },
		{ "\"a\x01\"", "column 3: control character in string" },
		{ "\"\\x41\"", "column 3: invalid escape in string" },
		{ "\"\\U0041\"", "column 3: invalid escape in string" },
		{ "\"\\'\"", "invalid escape in string" },
		{ "\"\\u12g4\"", "column 6: invalid \\u escape in string" },
		{ "\"\\u\"", "column 4: invalid \\u escape in string" },
		/* One value only. */
		{ "{} {}", "line 1, column 4: expected end of input after the "
		    "top-level value" },
		{ "1 2", "column 3: expected end of input" },
		{ "\"a\"\"b\"", "column 4: expected end of input" },
		{ "[]\n\n  x", "line 3, column 3: expected end of input" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(bad); i++)
		expect_error(AM_JSON_ONE, bad[i].doc, strlen(bad[i].doc),
		    bad[i].msg);
	/* NUL is a control character too. */
	expect_error(AM_JSON_ONE, "\"a\0\"", 4, "column 3: control character");
	expect_error(AM_JSON_ONE, "[1,\0]", 5, "column 4: expected a value");
}

static void
test_error_position(void **state)
{
	const char *doc = "{\n  \"a\": 1,\n  \"Secret\": \"hunter2\" \"x\"\n}";
	struct run r;

	(void)state;
	run_str(AM_JSON_ONE, doc, &r);
	assert_int_equal(r.rc, AWSMASK_EDATA);
	assert_string_equal(r.err.msg, "invalid JSON at line 3, column 23: "
	    "expected ',' or '}'");
	/* Never the input itself. */
	assert_null(strstr(r.err.msg, "hunter2"));
	/* What came before the bad byte is described, unfinished string
	 * aside; nothing is complete. */
	assert_int_equal(r.cover.len, 34);
	assert_true(r.complete == 0);
	run_release(&r);

	run_str(AM_JSON_ONE, "[\"s\",\n\n\n\n\n\n\n\"unterminated", &r);
	assert_string_equal(r.err.msg, "truncated JSON at line 8, column 14: "
	    "unterminated string");
	run_release(&r);
	run_str(AM_JSON_ONE, "[\"s\",\n\n\n\n\n\n\n\n\"unterminated\n", &r);
	assert_string_equal(r.err.msg, "invalid JSON at line 9, column 14: "
	    "control character in string");
	run_release(&r);
	run_str(AM_JSON_ONE, "[\"s\",\n\n\n\n\n\n\n\n", &r);
	assert_string_equal(r.err.msg, "truncated JSON at line 9, column 1: "
	    "unterminated array");
	run_release(&r);
}

/* Sequences. */

static void
test_seq(void **state)
{
	const char *doc = "{\"a\":1}{\"b\":[2]}[3]\"x\" 4 5\n6\t\"y\"[]\n";
	struct run r;
	size_t k;

	(void)state;
	run_str(AM_JSON_SEQ, doc, &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.values == 9);
	assert_true(r.complete == strlen(doc) - 1);
	assert_string_equal(r.strs.buf, "k1:a|k1:b|v0:-=x|v0:-=y|");
	run_release(&r);
	for (k = 1; k < strlen(doc); k++) {
		size_t cut = k;

		run_cuts(AM_JSON_SEQ, doc, strlen(doc), &cut, 1, &r);
		assert_int_equal(r.rc, 0);
		assert_true(r.values == 9);
		run_release(&r);
	}
	/* Objects, arrays and strings need nothing after them... */
	run_str(AM_JSON_SEQ, "[1]2 \"a\"[1]{}null", &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.values == 6);
	run_release(&r);
	/* ...numbers and literals need whitespace. */
	expect_error(AM_JSON_SEQ, "1\"a\"", 4,
	    "column 2: expected whitespace between top-level values");
	expect_error(AM_JSON_SEQ, "true[1]", 7, "column 5: expected whitespace");
	expect_error(AM_JSON_SEQ, "null{}", 6, "expected whitespace");
	expect_error(AM_JSON_SEQ, "1-2", 3, "column 2: invalid number");
	expect_error(AM_JSON_SEQ, "truefalse", 9, "column 5: invalid literal");
	expect_error(AM_JSON_SEQ, "{}\n{\n", 5,
	    "truncated JSON at line 3, column 1: unterminated object");
	expect_error(AM_JSON_SEQ, "{}\n]\n", 5, "line 2, column 1: expected a "
	    "value");
}

static void
test_complete_offset(void **state)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	size_t n;

	(void)state;
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	assert_true(am_json_complete_offset(j) == 0);
	assert_int_equal(am_json_feed(j, "{\"a\": [1", 8, 0, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 0);
	assert_int_equal(am_json_feed(j, "]}  1", 5, 0, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 10);
	assert_true(am_json_values(j) == 1);
	/* A number is complete when the byte after it comes. */
	assert_int_equal(am_json_feed(j, "2", 1, 0, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 10);
	assert_int_equal(am_json_feed(j, "\n\"s", 3, 0, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 14);
	assert_true(am_json_values(j) == 2);
	assert_int_equal(am_json_feed(j, "\" tru", 5, 0, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 18);
	assert_int_equal(am_json_feed(j, "e", 1, 1, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 23);
	assert_true(am_json_values(j) == 4);
	am_json_free(j);

	/* After a bad value the offset stays after the last good one. */
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	assert_int_equal(am_json_feed(j, "[1]\n[2]\n[3,]\n[4]\n", 17, 1, &segs,
	    &n, &e), AWSMASK_EDATA);
	assert_true(am_json_complete_offset(j) == 7);
	assert_string_equal(e.msg, "invalid JSON at line 3, column 4: "
	    "expected a value");
	am_json_free(j);

	/* ONE mode: the offset is right after the value, not the blanks. */
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, "  {\"a\": [1, 2]}  \n", 18, 1, &segs,
	    &n, &e), 0);
	assert_true(am_json_complete_offset(j) == 15);
	am_json_free(j);
}

static void
test_ndjson_100k(void **state)
{
	const struct am_json_seg *segs;
	struct am_buf doc = AM_BUF_INIT;
	struct am_json *j;
	struct am_error e;
	size_t n, i, at, events = 0, lines = 0;
	unsigned long long lastline = 0;

	(void)state;
	for (i = 0; i < 100000; i++)
		assert_int_equal(am_buf_addf(&doc, "{\"eventName\":\"Run%zu\","
		    "\"recipientAccountId\":\"123456789012\",\"n\":%zu,"
		    "\"ok\":true,\"tags\":[\"a\\u00e9\",null]}\n", i, i), 0);
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	for (at = 0; at < doc.len; at += 65536) {
		size_t len = doc.len - at < 65536 ? doc.len - at : 65536;

		assert_int_equal(am_json_feed(j, doc.buf + at, len,
		    at + len == doc.len, &segs, &n, &e), 0);
		for (i = 0; i < n; i++) {
			if (segs[i].type != AM_JSON_STRING)
				continue;
			if (!segs[i].is_key && segs[i].key_len == 9 &&
			    !memcmp(segs[i].key, "eventName", 9)) {
				char want[32];

				snprintf(want, sizeof(want), "Run%zu", events);
				assert_int_equal(segs[i].text_len,
				    strlen(want));
				assert_memory_equal(segs[i].text, want,
				    strlen(want));
				assert_true(segs[i].line == events + 1);
				assert_true(segs[i].col == 14);
				events++;
			}
			if (segs[i].line != lastline) {
				lines++;
				lastline = segs[i].line;
			}
		}
	}
	assert_int_equal(events, 100000);
	assert_int_equal(lines, 100000);
	assert_true(am_json_values(j) == 100000);
	assert_true(am_json_complete_offset(j) == doc.len - 1);
	am_json_free(j);
	am_buf_free(&doc);
}

/* Streaming: how the input is cut changes nothing. */

static void
check_cuts_agree(enum am_json_mode mode, const char *doc, size_t len,
    int every_split)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 7, 64, 4096 };
	struct run whole, r;
	size_t i, k;

	run_chunked(mode, doc, len, 0, &whole);
	if (whole.rc)
		fail_msg("%s", whole.err.msg);
	assert_int_equal(whole.cover.len, len);
	assert_memory_equal(whole.cover.buf, doc, len);
	for (i = 0; i < AM_ARRAY_SIZE(chunks); i++) {
		run_chunked(mode, doc, len, chunks[i], &r);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.tr.len, whole.tr.len);
		assert_memory_equal(r.tr.buf, whole.tr.buf, whole.tr.len);
		assert_true(r.complete == whole.complete);
		run_release(&r);
	}
	for (k = 1; every_split && k < len; k++) {
		size_t cuts[2] = { k, k + (len - k) / 2 };

		run_cuts(mode, doc, len, cuts, cuts[1] > k ? 2 : 1, &r);
		assert_int_equal(r.rc, 0);
		if (r.tr.len != whole.tr.len ||
		    memcmp(r.tr.buf, whole.tr.buf, r.tr.len))
			fail_msg("split at %zu differs", k);
		run_release(&r);
	}
	run_release(&whole);
}

static void
test_split_feeds(void **state)
{
	size_t i, len;
	char *doc;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(samples); i++) {
		doc = load(samples[i], &len);
		check_cuts_agree(AM_JSON_ONE, doc, len, 1);
		check_cuts_agree(AM_JSON_SEQ, doc, len, 0);
		free(doc);
	}
	/* Cuts inside every kind of escape and surrogate pair. */
	doc = "[\"\\ud83d\\ude00\\u00e9\\n\\\"\\/\", \"\\ud800x\", -1.5e+3, "
	    "true, \"plain\", {\"k\\u0041\": [\"v\"]}, {\"o\": [{\"i\": "
	    "{\"j\": \"y\"}}, \"w\"], \"p\": {\"q\": {}}, \"r\": \"z\"}]";
	check_cuts_agree(AM_JSON_ONE, doc, strlen(doc), 1);
}

static void
test_long_string_across_feeds(void **state)
{
	const struct am_json_seg *segs;
	struct am_buf doc = AM_BUF_INIT, want = AM_BUF_INIT;
	struct am_json *j;
	struct am_error e;
	size_t n, i, at, got = 0;

	(void)state;
	assert_int_equal(am_buf_addstr(&doc, "{\"Big\": \""), 0);
	for (i = 0; i < 200000; i++) {
		if (i % 1000 == 999) {
			assert_int_equal(am_buf_addstr(&doc, "\\n\\u00e9"), 0);
			assert_int_equal(am_buf_addstr(&want, "\n\xc3\xa9"), 0);
		} else {
			assert_int_equal(am_buf_addstr(&doc, "abcdefghij"), 0);
			assert_int_equal(am_buf_addstr(&want, "abcdefghij"), 0);
		}
	}
	assert_int_equal(am_buf_addstr(&doc, "\", \"x\": \"y\"}"), 0);
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	for (at = 0; at < doc.len; at += 4093) {
		size_t len = doc.len - at < 4093 ? doc.len - at : 4093;

		assert_int_equal(am_json_feed(j, doc.buf + at, len,
		    at + len == doc.len, &segs, &n, &e), 0);
		for (i = 0; i < n; i++) {
			if (segs[i].type != AM_JSON_STRING ||
			    segs[i].key_len != 3)
				continue;
			assert_memory_equal(segs[i].key, "Big", 3);
			assert_int_equal(segs[i].text_len, want.len);
			assert_memory_equal(segs[i].text, want.buf, want.len);
			assert_int_equal(segs[i].raw_len, doc.len - 19);
			assert_memory_equal(segs[i].raw, doc.buf + 8,
			    segs[i].raw_len);
			got++;
		}
	}
	assert_int_equal(got, 1);
	am_json_free(j);
	am_buf_free(&doc);
	am_buf_free(&want);
}

/* Every proper prefix of a document is truncated, never a crash. */
static void
test_truncated_everywhere(void **state)
{
	size_t i, k, len;
	struct run r;
	char *doc;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(samples); i++) {
		doc = load(samples[i], &len);
		/* The files end in "}\n": both full lengths are complete. */
		for (k = 1; k < len - 1; k++) {
			run_chunked(AM_JSON_ONE, doc, k, k % 2 ? 0 : 13, &r);
			if (r.rc != AWSMASK_EDATA ||
			    strncmp(r.err.msg, "truncated JSON at line ", 23))
				fail_msg("%s, first %zu bytes: %s", samples[i],
				    k, r.rc ? r.err.msg : "accepted");
			assert_true(r.complete == 0);
			/* Everything but an unfinished string is covered. */
			assert_memory_equal(r.cover.buf, doc, r.cover.len);
			assert_true(r.cover.len + 1 >= k ||
			    strstr(r.err.msg, "unterminated string"));
			run_release(&r);
		}
		for (k = len - 1; k <= len; k++) {
			run_chunked(AM_JSON_ONE, doc, k, 0, &r);
			assert_int_equal(r.rc, 0);
			assert_true(r.complete == len - 1);
			run_release(&r);
		}
		free(doc);
	}
}

/* Nesting. */

static char *
nested(size_t levels, const char *open, const char *mid, const char *close,
    size_t *len)
{
	size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close), i;
	char *p = malloc(levels * (lo + lc) + lm + 1), *q = p;

	assert_non_null(p);
	for (i = 0; i < levels; i++, q += lo)
		memcpy(q, open, lo);
	memcpy(q, mid, lm);
	q += lm;
	for (i = 0; i < levels; i++, q += lc)
		memcpy(q, close, lc);
	*q = '\0';
	*len = (size_t)(q - p);
	return p;
}

static void
test_deep_nesting(void **state)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	size_t n, len, i, found = 0;
	struct run r;
	char *doc;

	(void)state;
	doc = nested(100000, "[", "\"deep\"", "]", &len);
	run_chunked(AM_JSON_ONE, doc, len, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.tr.buf, "Sv d=100000 1:100001 @100000 "
	    "key=(null)"));
	run_release(&r);
	run_chunked(AM_JSON_ONE, doc, len, 777, &r);
	assert_int_equal(r.rc, 0);
	run_release(&r);
	free(doc);

	/* Objects: each level's key, and back out through them. */
	doc = nested(100000, "{\"a\":[", "\"v\"", "]}", &len);
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, doc, len, 1, &segs, &n, &e), 0);
	for (i = 0; i < n; i++)
		if (segs[i].type == AM_JSON_STRING && !segs[i].is_key) {
			assert_int_equal(segs[i].depth, 200000);
			assert_memory_equal(segs[i].key, "a", 1);
			found++;
		}
	assert_int_equal(found, 1);
	am_json_free(j);
	free(doc);

	/* One past the default limit: a clean error, not a crash. */
	doc = nested(AM_JSON_MAX_DEPTH + 1, "[", "", "]", &len);
	run_chunked(AM_JSON_ONE, doc, len, 0, &r);
	assert_int_equal(r.rc, AWSMASK_EDATA);
	assert_string_equal(r.err.msg, "invalid JSON at line 1, column 1000001: "
	    "nesting deeper than 1000000 levels");
	run_release(&r);
	/* At the limit: fine. */
	run_chunked(AM_JSON_ONE, doc + 1, len - 2, 0, &r);
	assert_int_equal(r.rc, 0);
	run_release(&r);
	free(doc);

	/* A lower limit, and a much higher one. */
	doc = nested(10000000, "[", "", "]", &len);
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	am_json_set_max_depth(j, 1000);
	assert_int_equal(am_json_feed(j, doc, len, 1, &segs, &n, &e),
	    AWSMASK_EDATA);
	assert_string_equal(e.msg, "invalid JSON at line 1, column 1001: "
	    "nesting deeper than 1000 levels");
	am_json_free(j);
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	am_json_set_max_depth(j, 10000000);
	assert_int_equal(am_json_feed(j, doc, len, 1, &segs, &n, &e), 0);
	assert_true(am_json_complete_offset(j) == len);
	am_json_free(j);
	free(doc);
}

/* Real documents: what the masker will look for is where it expects. */

static int
has(const struct run *r, const char *s)
{
	return r->strs.buf && strstr(r->strs.buf, s) != NULL;
}

static void
run_file(const char *name, struct run *r)
{
	size_t len;
	char *doc = load(name, &len);

	run_chunked(AM_JSON_ONE, doc, len, 0, r);
	if (r->rc)
		fail_msg("%s: %s", name, r->err.msg);
	free(doc);
}

static void
test_describe_instances(void **state)
{
	struct run r;

	(void)state;
	run_file("describe-instances.json", &r);
	assert_true(has(&r, "|v5:InstanceId=i-0abc12de34f567890|"));
	assert_true(has(&r, "|v8:VolumeId=vol-0fedcba9876543210|"));
	assert_true(has(&r, "|v9:GroupId=sg-0123456789abcdef0|"));
	assert_true(has(&r, "|v7:OwnerId=123456789012|"));
	assert_true(has(&r, "|v7:GroupId=sg-0123456789abcdef0|"));
	assert_true(has(&r, "|v3:OwnerId=123456789012|"));
	assert_true(has(&r, "|v7:Value=web-1 \\xc3\\xa9t\\xc3\\xa9 \"prod\"|"));
	assert_true(has(&r, "|v7:Value=arn:aws:cloudformation:eu-west-1:"
	    "123456789012:stack/web/0b1c2d3e"));
	assert_true(has(&r, "|v6:Arn=arn:aws:iam::123456789012:"
	    "instance-profile/web-profile|"));
	run_release(&r);
}

static void
test_cloudtrail(void **state)
{
	struct run r;

	(void)state;
	run_file("cloudtrail.json", &r);
	assert_true(has(&r, "|v4:arn=arn:aws:sts::123456789012:assumed-role/"
	    "DeployRole/deploy-bot|"));
	assert_true(has(&r, "|v4:accessKeyId=ASIAEXAMPLEKEY123456|"));
	assert_true(has(&r, "|v6:userName=DeployRole|"));
	assert_true(has(&r, "|v4:bucketName=acme-prod-artifacts|"));
	assert_true(has(&r, "|v5:ARN=arn:aws:s3:::acme-prod-artifacts|"));
	assert_true(has(&r, "|v5:SecurityGroupIds=sg-0123456789abcdef0|"
	    "v5:SecurityGroupIds=sg-0fedcba9876543210|"));
	assert_true(has(&r, "|v10:cidrIp=0.0.0.0/0|"));
	assert_true(has(&r, "|v3:recipientAccountId=123456789012|"));
	/* Records are one array: the record keys sit at depth 3. */
	assert_true(has(&r, "|k3:eventVersion|"));
	run_release(&r);
}

static void
test_claude_requests(void **state)
{
	struct run r;

	(void)state;
	run_file("claude-request-system-string.json", &r);
	assert_true(has(&r, "k1:model|v1:model=claude-sonnet-4-5|"));
	assert_true(has(&r, "|v1:system=You are an AWS assistant. The account "
	    "is 123456789012 and the role is arn:aws:iam::123456789012:"
	    "role/Admin.|"));
	assert_true(has(&r, "|v3:content=Why does i-0abc12de34f567890 in "
	    "subnet-0123456789abcdef0 fail its health check?\\x0aIt sits"));
	assert_true(has(&r, "|v3:role=assistant|"));
	assert_true(has(&r, "|v2:user_id=user-42|"));
	run_release(&r);

	run_file("claude-request-system-blocks.json", &r);
	assert_true(has(&r, "|v3:text=You help operators of account "
	    "123456789012.|"));
	assert_true(has(&r, "|v3:text=Never print secrets such as "
	    "AKIAEXAMPLEKEY123456.|"));
	assert_true(has(&r, "|v5:text=Check i-0abc12de34f567890 please "
	    "\\xf0\\x9f\\x98\\x80|"));
	/* tool_use input: an object whose strings have their own keys. */
	assert_true(has(&r, "|v5:id=toolu_01A09q90qw90lq917835lq9|"));
	assert_true(has(&r, "|k5:input|k6:InstanceIds|v7:InstanceIds="
	    "i-0abc12de34f567890|v7:InstanceIds=i-0fedcba9876543210|"));
	assert_true(has(&r, "|v8:Name=vpc-id|k8:Values|v9:Values="
	    "vpc-0a1b2c3d4e5f67890|"));
	/* tool_result content, as a string of JSON and as blocks. */
	assert_true(has(&r, "|v5:content={\"InstanceId\": "
	    "\"i-0abc12de34f567890\", \"State\": \"running\"}|"));
	assert_true(has(&r, "|v7:text=PrivateIpAddress: 10.0.1.23|"));
	assert_true(has(&r, "|v6:data=iVBORw0KGgo=|"));
	run_release(&r);
}

/* am_json_escape(). */

/* Decode "<escaped>" with the tokenizer and compare with text. */
static void
check_round_trip(const char *text, size_t len)
{
	const struct am_json_seg *segs;
	struct am_buf b = AM_BUF_INIT;
	struct am_json *j;
	struct am_error e;
	size_t n, i;

	assert_int_equal(am_buf_addstr(&b, "\""), 0);
	assert_int_equal(am_json_escape(&b, text, len), 0);
	assert_int_equal(am_buf_addstr(&b, "\""), 0);
	/* Nothing a JSON parser or terminal would choke on is left. */
	for (i = 1; i + 1 < b.len; i++) {
		unsigned char c = (unsigned char)b.buf[i];

		assert_true(c >= 0x20 && c != 0x7f);
		if (c == '"')
			assert_int_equal(b.buf[i - 1], '\\');
	}
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	if (am_json_feed(j, b.buf, b.len, 1, &segs, &n, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].text_len, len);
	assert_memory_equal(segs[0].text, text, len);
	am_json_free(j);
	am_buf_free(&b);
}

static void
test_escape(void **state)
{
	static const char in1[] = "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f"
	    "\xc3\xa9\xff";
	static const char in2[] = "\xed\xa0\x80" "x" "\xed\xb0\x80"
	    "\xed\xa0\x81\xed\xb0\x81" "\xed\x9f\xbf" "\xed";
	struct am_buf b = AM_BUF_INIT;

	(void)state;
	assert_int_equal(am_json_escape(&b, in1, sizeof(in1) - 1), 0);
	assert_string_equal(b.buf, "a\\\"b\\\\c/d\\n\\r\\t\\b\\f\\u0001\\u001f"
	    "\\u007f\xc3\xa9\xff");
	am_buf_reset(&b);
	assert_int_equal(am_json_escape(&b, "", 0), 0);
	assert_int_equal(b.len, 0);
	/* WTF-8 surrogates become escapes, but a high then a low (which
	 * must have come in as bytes) keep the low one as bytes. */
	assert_int_equal(am_json_escape(&b, in2, sizeof(in2) - 1), 0);
	assert_string_equal(b.buf, "\\ud800x\\udc00\\ud801\xed\xb0\x81"
	    "\xed\x9f\xbf\xed");
	am_buf_free(&b);
}

static void
test_escape_round_trip(void **state)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f",
		"\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xed\xa0\x80", "\xed\xb0\x80", "\xed\xaf\xbf", "\xed\xbf\xbf",
		"\xed", "\xed\xa0", "\xff", "\x80", "u", "\\u", "d800",
		"arn:aws:iam::123456789012:role/Admin",
	};
	char buf[256];
	unsigned seed = 12345;
	size_t i, k, len;
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		buf[0] = (char)c;
		check_round_trip(buf, 1);
	}
	check_round_trip("a\0b", 3);
	for (i = 0; i < 20000; i++) {
		len = 0;
		for (k = (seed >> 16) % 8; k > 0; k--) {
			const char *p;

			seed = seed * 1103515245 + 12345;
			p = pieces[(seed >> 16) % AM_ARRAY_SIZE(pieces)];
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		seed = seed * 1103515245 + 12345;
		check_round_trip(buf, len);
	}
}

/* Memory. */

/*
 * A counting allocator: the tokenizer's own peak, whatever the rest of
 * the process does.
 */
#include "countalloc.h"

static void
test_memory_bounded(void **state)
{
	const struct am_json_seg *segs;
	struct am_buf chunk = AM_BUF_INIT;
	struct am_json *j;
	struct am_error e;
	struct rusage ru0, ru1;
	size_t n, total = 0, strings = 0, i, peak_small;

	(void)state;
	/* One record, repeated: 50 MB of small strings, escapes included,
	 * fed 64 KB at a time at a misaligned cut, never held whole. */
	for (i = 0; i < 200; i++)
		assert_int_equal(am_buf_addf(&chunk, "{\"InstanceId\": "
		    "\"i-%017zx\", \"Tags\": [{\"Key\": \"Name\", \"Value\": "
		    "\"web\\/%zu\"}], \"State\": {\"Code\": 16}}\n", i, i), 0);
	getrusage(RUSAGE_SELF, &ru0);
	am_set_allocator(&count_allocator);
	live = peak = 0;
	assert_int_equal(am_json_new(&j, AM_JSON_SEQ, &e), 0);
	while (total < 50 * 1024 * 1024) {
		size_t at;

		for (at = 0; at < chunk.len; at += 65521) {
			size_t len = chunk.len - at < 65521 ? chunk.len - at :
			    65521;

			assert_int_equal(am_json_feed(j, chunk.buf + at, len, 0,
			    &segs, &n, &e), 0);
			for (i = 0; i < n; i++)
				strings += segs[i].type == AM_JSON_STRING;
			total += len;
		}
	}
	assert_int_equal(am_json_feed(j, NULL, 0, 1, &segs, &n, &e), 0);
	peak_small = peak;
	am_json_free(j);
	am_set_allocator(NULL);
	getrusage(RUSAGE_SELF, &ru1);
	assert_int_equal(live, 0);
	assert_true(strings > 3000000);
	/* Segments of one feed and one arena chunk, nothing that grows. */
	print_message("# 50 MB of small strings: tokenizer peak %zu bytes, "
	    "max RSS %ld -> %ld KB\n", peak_small, ru0.ru_maxrss,
	    ru1.ru_maxrss);
	assert_true(peak_small < 1024 * 1024);
	am_buf_free(&chunk);
}

/*
 * A long string cut by feeds is held once while it has no escape (raw and
 * text are then the same bytes), and once more from its first escape on.
 */
static size_t
long_string_peak(int escape)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	char block[65536];
	size_t n, k, got = 0, p;

	memset(block, 'A', sizeof(block));
	am_set_allocator(&count_allocator);
	live = peak = 0;
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, "\"", 1, 0, &segs, &n, &e), 0);
	for (k = 0; k < 56; k++) {
		if (escape && k == 28)
			memcpy(block, "\\t", 2);
		assert_int_equal(am_json_feed(j, block, sizeof(block), 0, &segs,
		    &n, &e), 0);
		memset(block, 'A', 2);
	}
	assert_int_equal(am_json_feed(j, "\"", 1, 1, &segs, &n, &e), 0);
	assert_int_equal(n, 1);
	got = segs[0].text_len;
	p = peak;
	am_json_free(j);
	am_set_allocator(NULL);
	assert_int_equal(live, 0);
	assert_int_equal(got, 56 * sizeof(block) - (size_t)escape);
	return p;
}

static void
test_long_string_memory(void **state)
{
	size_t len = 56 * 65536, plain, escaped;

	(void)state;
	plain = long_string_peak(0);
	escaped = long_string_peak(1);
	print_message("# a %zu-byte string: peak %zu bytes, %zu with an "
	    "escape\n", len, plain, escaped);
	/* The buffer doubles, so up to 2x while it moves; twice that would
	 * mean the text was copied too. */
	assert_true(plain < 2 * len + 1024 * 1024);
	assert_true(escaped > plain);
}

/*
 * Pieces: a string held past the piece size comes out as it is fed, in
 * pieces that tile its raw bytes, each decoding on its own to its text.
 * Put back together they make the segments of a run without pieces,
 * however the input is cut.
 */
struct pieces {
	struct am_buf raw, text;
	struct am_json_seg first;
	int open;
	size_t npieces;
};

/* Does raw (quotes as the flags say) decode to text on its own? */
static void
check_piece_decodes(const struct am_json_seg *s)
{
	struct am_buf doc = AM_BUF_INIT;
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	size_t n;

	if (s->piece & AM_JSON_PIECE_CONT)
		assert_int_equal(am_buf_add(&doc, "\"", 1), 0);
	else
		assert_int_equal(s->raw[0], '"');
	assert_int_equal(am_buf_add(&doc, s->raw, s->raw_len), 0);
	if (s->piece & AM_JSON_PIECE_MORE)
		assert_int_equal(am_buf_add(&doc, "\"", 1), 0);
	else
		assert_int_equal(s->raw[s->raw_len - 1], '"');
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	assert_int_equal(am_json_feed(j, doc.buf, doc.len, 1, &segs, &n, &e),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].text_len, s->text_len);
	assert_memory_equal(segs[0].text, s->text, s->text_len);
	am_json_free(j);
	am_buf_free(&doc);
}

static void
take_pieces(struct run *r, struct pieces *pc, const struct am_json_seg *segs,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct am_json_seg *s = &segs[i];
		struct am_json_seg whole;

		if (s->type != AM_JSON_STRING || !s->piece) {
			assert_false(pc->open);
			take_segs(r, s, 1);
			continue;
		}
		check_piece_decodes(s);
		assert_true(s->raw_len > 0);
		if (!(s->piece & AM_JSON_PIECE_CONT)) {
			assert_false(pc->open);
			pc->first = *s;
			pc->open = 1;
			am_buf_reset(&pc->raw);
			am_buf_reset(&pc->text);
		} else {
			assert_true(pc->open);
			assert_true(s->off == pc->first.off + pc->raw.len);
			assert_true(s->line == pc->first.line);
			assert_true(s->col == pc->first.col + pc->raw.len);
			assert_int_equal(s->is_key, pc->first.is_key);
			assert_int_equal(s->depth, pc->first.depth);
		}
		pc->npieces++;
		assert_int_equal(am_buf_add(&pc->raw, s->raw, s->raw_len), 0);
		assert_int_equal(am_buf_add(&pc->text, s->text, s->text_len), 0);
		if (s->piece & AM_JSON_PIECE_MORE)
			continue;
		/* The last piece: the string as it would have come whole.  A
		 * key in pieces is no key for what follows. */
		whole = pc->first;
		whole.piece = 0;
		whole.raw = pc->raw.buf;
		whole.raw_len = pc->raw.len;
		whole.text = pc->text.buf;
		whole.text_len = pc->text.len;
		whole.key = s->key;
		whole.key_len = s->key_len;
		pc->open = 0;
		take_segs(r, &whole, 1);
	}
}

static void
run_pieces(enum am_json_mode mode, const char *doc, size_t len, size_t chunk,
    size_t piece, struct run *r, size_t *npieces)
{
	const struct am_json_seg *segs;
	struct pieces pc;
	struct am_json *j;
	size_t nsegs, at = 0;

	run_init(r);
	memset(&pc, 0, sizeof(pc));
	assert_int_equal(am_json_new(&j, mode, &r->err), 0);
	am_json_set_piece(j, piece);
	do {
		size_t k = len - at < chunk ? len - at : chunk;

		r->rc = am_json_feed(j, doc + at, k, at + k == len, &segs,
		    &nsegs, &r->err);
		take_pieces(r, &pc, segs, nsegs);
		at += k;
	} while (!r->rc && at < len);
	if (!r->rc)
		assert_false(pc.open);
	flush_pending(r);
	r->complete = am_json_complete_offset(j);
	am_json_free(j);
	*npieces = pc.npieces;
	am_buf_free(&pc.raw);
	am_buf_free(&pc.text);
}

static void
test_pieces(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 13, 64, 100000 };
	static const size_t sizes[] = { 1, 2, 3, 7, 16, 64 };
	struct am_buf doc = AM_BUF_INIT;
	struct run whole, r;
	size_t i, k, n, total = 0;

	(void)state;
	/* Escapes of every kind, pairs and lone surrogates, a long key
	 * (cut only past AM_JSON_KEY_MAX), a longer one. */
	assert_int_equal(am_buf_addstr(&doc, "[\"short\", {\""), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(am_buf_addstr(&doc, "key\\u0041"), 0);
	assert_int_equal(am_buf_addstr(&doc, "\": \"v\", \""), 0);
	for (i = 0; i < AM_JSON_KEY_MAX / 3; i++)
		assert_int_equal(am_buf_addstr(&doc, "k\\u0041\\t"), 0);
	assert_int_equal(am_buf_addstr(&doc, "\": \""), 0);
	for (i = 0; i < 30; i++)
		assert_int_equal(am_buf_addstr(&doc, "ab\\ud83d\\ude00c\\n"
		    "\\u00e9\\\"\\ud800x\\udc00\\\\\\/\\ud800\\u0041y"), 0);
	assert_int_equal(am_buf_addstr(&doc, "\", \"RoleName\": \"plain "
	    "text that is long enough to be cut more than once\"}, 12, "
	    "\"\\u00e9\"]"), 0);
	run_chunked(AM_JSON_ONE, doc.buf, doc.len, 0, &whole);
	assert_int_equal(whole.rc, 0);
	for (i = 0; i < AM_ARRAY_SIZE(chunks); i++)
		for (k = 0; k < AM_ARRAY_SIZE(sizes); k++) {
			run_pieces(AM_JSON_ONE, doc.buf, doc.len, chunks[i],
			    sizes[k], &r, &n);
			assert_int_equal(r.rc, 0);
			if (r.tr.len != whole.tr.len ||
			    memcmp(r.tr.buf, whole.tr.buf, r.tr.len))
				fail_msg("feeds of %zu, pieces of %zu: %s",
				    chunks[i], sizes[k], r.tr.buf);
			assert_int_equal(r.cover.len, doc.len);
			assert_memory_equal(r.cover.buf, doc.buf, doc.len);
			assert_true(r.complete == whole.complete);
			/* Strings open at a feed's end and long enough. */
			if (chunks[i] < 64)
				assert_true(n > 2);
			total += n;
			run_release(&r);
		}
	/* One feed: nothing is open at its end, so no pieces. */
	run_pieces(AM_JSON_ONE, doc.buf, doc.len, doc.len, 1, &r, &n);
	assert_int_equal(n, 0);
	run_release(&r);
	print_message("# %zu pieces checked\n", total);
	run_release(&whole);
	am_buf_free(&doc);
}

/* Truncated or invalid inside a string in pieces: the same error. */
static void
test_pieces_errors(void **state)
{
	static const char *const docs[] = {
		"{\"k\": \"abcdefghijklmnopqrstuvwxyz",
		"{\"k\": \"abcdefghijklmnopqrstuvwxyz\\q\"}",
		"{\"k\": \"abcdefghijklmnopqrstuvwxyz\\u12",
		"[\"abcdefghijklmnop\x01qrstuvwxyz\"]",
	};
	struct run a, b;
	size_t i, n;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(docs); i++) {
		run_chunked(AM_JSON_ONE, docs[i], strlen(docs[i]), 0, &a);
		run_pieces(AM_JSON_ONE, docs[i], strlen(docs[i]), 3, 4, &b, &n);
		assert_int_equal(a.rc, AWSMASK_EDATA);
		assert_int_equal(b.rc, AWSMASK_EDATA);
		assert_string_equal(a.err.msg, b.err.msg);
		run_release(&a);
		run_release(&b);
	}
}

/* A string in pieces costs about the piece size, whatever its length. */
static void
test_pieces_memory(void **state)
{
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	char block[65536];
	size_t n, k, i, text = 0, p;

	(void)state;
	memset(block, 'A', sizeof(block));
	memcpy(block + 100, "\\u00e9\\t", 8);
	am_set_allocator(&count_allocator);
	live = peak = 0;
	assert_int_equal(am_json_new(&j, AM_JSON_ONE, &e), 0);
	am_json_set_piece(j, sizeof(block));
	assert_int_equal(am_json_feed(j, "\"", 1, 0, &segs, &n, &e), 0);
	for (k = 0; k < 256; k++) {
		assert_int_equal(am_json_feed(j, block, sizeof(block), 0, &segs,
		    &n, &e), 0);
		for (i = 0; i < n; i++)
			text += segs[i].text_len;
	}
	assert_int_equal(am_json_feed(j, "\"", 1, 1, &segs, &n, &e), 0);
	for (i = 0; i < n; i++)
		text += segs[i].text_len;
	p = peak;
	am_json_free(j);
	am_set_allocator(NULL);
	assert_int_equal(live, 0);
	assert_int_equal(text, 256 * (sizeof(block) - 5));
	print_message("# a 16 MB string in pieces: peak %zu bytes\n", p);
	assert_true(p < 4 * sizeof(block) + 256 * 1024);
}

/* Allocation failure: ENOMEM, never a crash or a leak, and it sticks. */
static int fail_after;
static void *
failing_malloc(size_t n)
{
	return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *
failing_calloc(size_t n, size_t s)
{
	return fail_after-- > 0 ? calloc(n, s) : NULL;
}
static void *
failing_realloc(void *p, size_t n)
{
	return fail_after-- > 0 ? realloc(p, n) : NULL;
}

static void
test_alloc_failure(void **state)
{
	static const struct am_allocator a = { failing_malloc, failing_calloc,
	    failing_realloc, free };
	const struct am_json_seg *segs;
	struct am_json *j;
	struct am_error e;
	size_t n, len, at;
	int limit, rc = -1, succeeded = 0;
	char *doc = load("claude-request-system-blocks.json", &len);

	(void)state;
	for (limit = 0; limit < 200 && !succeeded; limit++) {
		am_set_allocator(&a);
		fail_after = limit;
		rc = am_json_new(&j, AM_JSON_ONE, &e);
		if (rc) {
			assert_int_equal(rc, AWSMASK_ENOMEM);
			assert_null(j);
			am_set_allocator(NULL);
			continue;
		}
		/* Small feeds: strings cut by feeds, escapes, arena. */
		for (at = 0; at < len && !rc; at += 97) {
			size_t k = len - at < 97 ? len - at : 97;

			rc = am_json_feed(j, doc + at, k, at + k == len, &segs,
			    &n, &e);
		}
		if (rc) {
			assert_int_equal(rc, AWSMASK_ENOMEM);
			assert_string_equal(e.msg, "out of memory");
			fail_after = 1000000;
			assert_int_equal(am_json_feed(j, "", 0, 1, &segs, &n,
			    &e), AWSMASK_ENOMEM);
		} else {
			succeeded = 1;
		}
		am_json_free(j);
		am_set_allocator(NULL);
	}
	assert_true(succeeded);
	assert_true(limit > 3);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* First, so that its RSS figure is the tokenizer's. */
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_feed_after_eof),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_key_context),
		cmocka_unit_test(test_key_too_long),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_error_position),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_complete_offset),
		cmocka_unit_test(test_ndjson_100k),
		cmocka_unit_test(test_split_feeds),
		cmocka_unit_test(test_long_string_across_feeds),
		cmocka_unit_test(test_long_string_memory),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_pieces_errors),
		cmocka_unit_test(test_pieces_memory),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_describe_instances),
		cmocka_unit_test(test_cloudtrail),
		cmocka_unit_test(test_claude_requests),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
