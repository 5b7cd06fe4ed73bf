/*
 * claude.c - the Claude Messages API client: a request goes out masked,
 * the answer comes back unmasked.  The library's only user of libcurl.
 *
 * The guarantee: send() only ever sends the body mask() made, and mask()
 * makes one only when a scan of the whole masked body, our own tokens
 * aside (am_drop_issued), finds no identifier left.  The store is opened
 * before anything is masked: without it nothing goes out.
 *
 * Transport: POST $base/v1/messages with x-api-key, anthropic-version
 * and content-type; HTTP/2 when libcurl has it (over TLS), proxies from
 * the environment as curl itself reads them (https_proxy, no_proxy, ...);
 * a connect timeout, a timeout per attempt, and for streams a low-speed
 * limit (nothing for STALL_SECONDS ends it: the API sends pings).
 * Retries: 429, 500, 502, 503, 504, 529 and lost connections, up to
 * max_retries, waiting what retry-after says (seconds or an HTTP date,
 * up to RETRY_AFTER_MAX) or else a random time in [0, min(cap, base *
 * 2^n)) ("full jitter"); never another 4xx; a stream only while nothing
 * of it was written.
 *
 * A streamed answer is assembled, still masked, into the message the
 * API would have sent whole (for the cache and --raw), while its text
 * goes out unmasked as it comes (am_unstream_feed).  An error event or a
 * stream that ends before message_stop is an error, never a hang.
 *
 * The key is copied, sent only in the x-api-key header, redacted from
 * every log line, and wiped when the client is freed.
 */
#include "mask.h"
#include "claude.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MODEL "claude-sonnet-4-5"
#define DEFAULT_BASE_URL "https://api.anthropic.com"
#define API_VERSION "2023-06-01"
#define BACKOFF_BASE_MS 500
#define BACKOFF_CAP_MS 8000
#define RETRY_AFTER_MAX 60		/* seconds we wait for, at most */
#define CONNECT_TIMEOUT_MS 10000
#define STALL_SECONDS 60
#define BODY_MAX (256u << 20)		/* a whole answer, or an error */
#define MAX_BLOCKS 4096

enum { B_OTHER, B_TEXT, B_TOOL, B_THINKING };

struct block {
	int kind;
	int stopped;
	struct am_buf text;	/* text, thinking or partial JSON (masked) */
	struct am_unstream un;	/* text going out unmasked */
};

struct awsmask_claude {
	struct awsmask *am;		/* borrowed */
	struct awsmask_claude_opts o;
	char *key;			/* copied; wiped on free */
	char *url;
	long long cache_ttl;
	long timeout_ms;
	int max_retries;
	json_t *req;
	struct am_buf body;		/* the masked request, once masked */
	char cache_key[65];
	int masked;
	struct am_error err;
	struct awsmask_claude_stats stats;

	/* One attempt's answer. */
	CURL *curl;
	long status;
	char retry_after[64];
	char request_id[128];
	int is_stream;			/* content-type text/event-stream */
	struct am_buf resp;		/* a body that is not a stream */
	struct am_sse sse;
	json_t *msg;			/* the answer, masked */
	struct block *blocks;
	size_t nblocks;
	json_t *ev_error;		/* an error event's error */
	int stopped;			/* message_stop came */
	int stop_code;			/* why we stopped the transfer, or 0 */

	/* What was written. */
	unsigned long long written;
	int last_nl;
	struct am_buf out;
};

static int curl_users;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void logf_(struct awsmask_claude *c, const char *fmt, ...)
    AM_PRINTF(2, 3);

static void
logf_(struct awsmask_claude *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!c->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o.log(c->o.log_arg, line);
}

/* The context's error, copied into the client's (it sticks in both). */
static int
from_am(struct awsmask_claude *c, int rc)
{
	if (!c->err.code)
		am_seterr(&c->err, rc, "%s", c->am->err.msg[0] ? c->am->err.msg :
		    awsmask_strerror(rc));
	return c->err.code;
}

static int
nomem(struct awsmask_claude *c)
{
	return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
}

/*
 * Text from the API (an error's message) for a message of ours: at most
 * n bytes, control characters as '?'.  It is masked text already: the
 * API never saw an original.
 */
static void
clean(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < size; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[i] = '\0';
}

/*
 * A password in a URL becomes "***": libcurl's own lines quote proxy
 * URLs ("Uses proxy env variable https_proxy == 'http://user:pass@host'"),
 * and a base URL may hold one.  size is line's, at most 512 used.
 */
static void
redact_userinfo(char *line, size_t size)
{
	char out[512], *p = line, *at, *colon, *end;
	size_t o = 0, n;

	while (*p && o + 1 < sizeof(out)) {
		char *s = strstr(p, "://");

		if (!s)
			s = p + strlen(p);
		else
			s += 3;
		/* Copy up to and with "://" (or the rest). */
		n = (size_t)(s - p);
		if (n > sizeof(out) - 1 - o)
			n = sizeof(out) - 1 - o;
		memcpy(out + o, p, n);
		o += n;
		p = s;
		if (!*p)
			break;
		end = p + strcspn(p, "/'\" \t");
		at = memchr(p, '@', (size_t)(end - p));
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
		if (!colon)
			continue;
		/* user: then *** then @host... */
		n = (size_t)(colon + 1 - p);
		if (o + n + 3 >= sizeof(out))
			break;
		memcpy(out + o, p, n);
		o += n;
		memcpy(out + o, "***", 3);
		o += 3;
		p = at;
	}
	out[o] = '\0';
	snprintf(line, size, "%s", out);
}

int
awsmask_claude_new(struct awsmask *am, const struct awsmask_claude_opts *o,
    struct awsmask_claude **out)
{
	struct awsmask_claude *c;
	const struct am_config *cfg;
	const char *base;
	size_t n;
	int rc = AWSMASK_OK;

	if (!out)
		return AWSMASK_EINVAL;
	*out = NULL;
	if (!am || !o)
		return AWSMASK_EINVAL;
	if (!(c = am_calloc(1, sizeof(*c))))
		return AWSMASK_ENOMEM;
	*out = c;
	cfg = am->cfg;
	c->am = am;
	c->o = *o;
	c->o.api_key = NULL;
	c->last_nl = 1;
	am_sse_init(&c->sse, 0);
	c->cache_ttl = cfg->cache_ttl > 0 ? cfg->cache_ttl : 3600;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    (long)(cfg->claude_timeout > 0 ? cfg->claude_timeout : 600) * 1000;
	c->max_retries = o->max_retries >= 0 ? o->max_retries :
	    cfg->claude_max_retries;
	if (o->api_key) {
		for (n = 0; o->api_key[n]; n++)
			if ((unsigned char)o->api_key[n] < 0x21 ||
			    o->api_key[n] == 0x7f)
				return am_seterr(&c->err, AWSMASK_ECONFIG,
				    "the API key holds a space or a control "
				    "character");
		if (!n)
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "the API key is empty");
		if (!(c->key = am_strdup(o->api_key)))
			return nomem(c);
	}
	base = cfg->claude_base_url && *cfg->claude_base_url ?
	    cfg->claude_base_url : DEFAULT_BASE_URL;
	if (strncasecmp(base, "http://", 7) && strncasecmp(base, "https://", 8)) {
		char shown[128];

		snprintf(shown, sizeof(shown), "%s", base);
		redact_userinfo(shown, sizeof(shown));
		return am_seterr(&c->err, AWSMASK_ECONFIG, "bad API base URL "
		    "'%s': expected http:// or https://", shown);
	}
	n = strlen(base);
	while (n > 8 && base[n - 1] == '/')
		n--;
	{
		struct am_buf u = AM_BUF_INIT;

		if (am_buf_add(&u, base, n) < 0 ||
		    am_buf_addstr(&u, "/v1/messages") < 0) {
			am_buf_free(&u);
			return nomem(c);
		}
		c->url = am_buf_release(&u, NULL);
	}
	if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT)) {
		curl_users--;
		return am_seterr(&c->err, AWSMASK_ENOMEM, "cannot start libcurl");
	}
	if (!(c->curl = curl_easy_init()))
		rc = am_seterr(&c->err, AWSMASK_ENOMEM, "cannot start libcurl");
	return rc;
}

static void
reset_answer(struct awsmask_claude *c)
{
	size_t i;

	for (i = 0; i < c->nblocks; i++) {
		am_buf_free(&c->blocks[i].text);
		am_unstream_release(&c->blocks[i].un);
	}
	am_free(c->blocks);
	c->blocks = NULL;
	c->nblocks = 0;
	json_decref(c->msg);
	c->msg = NULL;
	json_decref(c->ev_error);
	c->ev_error = NULL;
	am_sse_release(&c->sse);
	am_buf_reset(&c->resp);
	c->status = 0;
	c->retry_after[0] = '\0';
	c->request_id[0] = '\0';
	c->is_stream = 0;
	c->stopped = 0;
	c->stop_code = 0;
}

void
awsmask_claude_free(struct awsmask_claude *c)
{
	if (!c)
		return;
	reset_answer(c);
	if (c->curl) {
		curl_easy_cleanup(c->curl);
		if (--curl_users == 0)
			curl_global_cleanup();
	}
	if (c->key) {
		explicit_bzero(c->key, strlen(c->key));
		am_free(c->key);
	}
	am_free(c->url);
	json_decref(c->req);
	am_buf_free(&c->body);
	am_buf_free(&c->resp);
	am_buf_free(&c->out);
	am_free(c);
}

const char *
awsmask_claude_errstr(const struct awsmask_claude *c)
{
	return c ? c->err.msg : "out of memory";
}

void
awsmask_claude_get_stats(const struct awsmask_claude *c,
    struct awsmask_claude_stats *s)
{
	*s = c->stats;
}

/* jansson's reason, cut before it quotes the input ("near '...'"). */
static void
json_reason(char *dst, size_t size, const json_error_t *e)
{
	char *near;

	clean(dst, size, e->text);
	if ((near = strstr(dst, " near ")))
		*near = '\0';
}

int
awsmask_claude_request_json(struct awsmask_claude *c, const char *json,
    size_t len)
{
	json_error_t e;
	char why[160];

	if (!c)
		return AWSMASK_EINVAL;
	if (c->err.code)
		return c->err.code;
	json_decref(c->req);
	c->req = json_loadb(json ? json : "", len, JSON_ALLOW_NUL, &e);
	if (!c->req) {
		json_reason(why, sizeof(why), &e);
		return am_seterr(&c->err, AWSMASK_EDATA, "bad request: line %d, "
		    "column %d: %s", e.line, e.column, why);
	}
	if (!json_is_object(c->req))
		return am_seterr(&c->err, AWSMASK_EDATA, "bad request: not a "
		    "JSON object");
	c->masked = 0;
	return AWSMASK_OK;
}

int
awsmask_claude_request_text(struct awsmask_claude *c, const char *text,
    size_t len)
{
	json_t *content;

	if (!c)
		return AWSMASK_EINVAL;
	if (c->err.code)
		return c->err.code;
	if (!(content = json_stringn(text ? text : "", len)))
		return am_seterr(&c->err, AWSMASK_EDATA, "the prompt is not "
		    "valid UTF-8 text");
	json_decref(c->req);
	c->req = json_pack("{s:[{s:s,s:o}]}", "messages", "role", "user",
	    "content", content);
	c->masked = 0;
	return c->req ? AWSMASK_OK : nomem(c);
}

/* The flags and options, over what the request says. */
static int
complete_request(struct awsmask_claude *c)
{
	const struct am_config *cfg = c->am->cfg;
	json_t *r = c->req, *m;
	int rc = 0;

	m = json_object_get(r, "messages");
	if (!json_is_array(m) || !json_array_size(m))
		return am_seterr(&c->err, AWSMASK_EDATA, "bad request: "
		    "\"messages\" must be a non-empty array");
	if (c->o.model)
		rc |= json_object_set_new(r, "model", json_string(c->o.model));
	else if (!json_object_get(r, "model"))
		rc |= json_object_set_new(r, "model", json_string(
		    cfg->claude_model && *cfg->claude_model ? cfg->claude_model :
		    DEFAULT_MODEL));
	if (c->o.max_tokens > 0)
		rc |= json_object_set_new(r, "max_tokens",
		    json_integer(c->o.max_tokens));
	else if (!json_object_get(r, "max_tokens"))
		rc |= json_object_set_new(r, "max_tokens",
		    json_integer(cfg->claude_max_tokens > 0 ?
		    cfg->claude_max_tokens : 4096));
	if (c->o.system) {
		json_t *s = json_string(c->o.system);

		if (!s)
			return am_seterr(&c->err, AWSMASK_EDATA, "the system "
			    "prompt is not valid UTF-8 text");
		rc |= json_object_set_new(r, "system", s);
	}
	if (c->o.flags & AWSMASK_CLAUDE_STREAM)
		rc |= json_object_set_new(r, "stream", json_true());
	else
		json_object_del(r, "stream");
	if (!json_is_string(json_object_get(r, "model")))
		return am_seterr(&c->err, AWSMASK_EDATA, "bad request: "
		    "\"model\" must be a string");
	return rc ? nomem(c) : AWSMASK_OK;
}

/* The kinds a scan found, for the refusal. */
struct found {
	const char *kind[32];
	unsigned long long n[32];
	size_t nk;
	unsigned long long total;
};

static void
found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct found *f = arg;
	size_t i;

	(void)prefix; (void)line; (void)offset;
	f->total++;
	for (i = 0; i < f->nk; i++)
		if (!strcmp(f->kind[i], kind))
			break;
	if (i == f->nk) {
		if (f->nk == AM_ARRAY_SIZE(f->kind))
			return;
		f->kind[f->nk] = kind;
		f->n[f->nk++] = 0;
	}
	f->n[i]++;
}

/*
 * The last look: the whole body, every field, scanned as JSON.  Our own
 * tokens are not identifiers; anything else found means no request.
 */
static int
rescan(struct awsmask_claude *c)
{
	struct awsmask *am = c->am;
	struct found f;
	struct am_buf why = AM_BUF_INIT;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	am->scan_issued_ok = 1;
	am->format_force = AWSMASK_FORMAT_JSON;
	rc = awsmask_scan_buffer(am, c->body.buf, c->body.len, found, &f);
	am->scan_issued_ok = 0;
	am->format_force = 0;
	if (rc)
		return from_am(c, rc);
	if (!f.total)
		return AWSMASK_OK;
	for (i = 0; i < f.nk; i++)
		am_buf_addf(&why, "%s%s: %llu", i ? ", " : "", f.kind[i], f.n[i]);
	rc = am_seterr(&c->err, AWSMASK_EDATA, "refusing to send: %llu "
	    "identifier%s remain%s (%s)", f.total, f.total == 1 ? "" : "s",
	    f.total == 1 ? "s" : "", why.buf ? why.buf : "");
	am_buf_free(&why);
	return rc;
}

int
awsmask_claude_mask(struct awsmask_claude *c)
{
	struct awsmask *am;
	struct awsmask_counts before, after;
	json_t *canon;
	char *s;
	double t0 = now_ms();
	int rc;

	if (!c)
		return AWSMASK_EINVAL;
	if (c->err.code)
		return c->err.code;
	if (!c->req)
		return am_seterr(&c->err, AWSMASK_EINVAL, "no request");
	am = c->am;
	if ((rc = complete_request(c)))
		return rc;
	/* Fail-secure: no store, nothing masked, nothing sent. */
	if ((rc = am_store_ensure(am)))
		return from_am(c, am_store_failed(am, rc));
	awsmask_get_counts(am, &before);
	if ((rc = am_claude_mask_request(am, c->req)))
		return from_am(c, rc);
	awsmask_get_counts(am, &after);
	c->stats.identifiers = after.identifiers - before.identifiers;
	if (!(s = json_dumps(c->req, JSON_COMPACT)))
		return nomem(c);
	am_buf_reset(&c->body);
	rc = am_buf_addstr(&c->body, s);
	free(s);
	if (rc < 0)
		return nomem(c);
	if ((rc = rescan(c)))
		return rc;
	/* The cache key: the body with sorted keys, streamed or not. */
	if (!(canon = json_copy(c->req)))
		return nomem(c);
	json_object_del(canon, "stream");
	s = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(canon);
	if (!s)
		return nomem(c);
	{
		unsigned char d[AM_SHA256_LEN];

		am_sha256(s, strlen(s), d);
		am_hex(d, sizeof(d), c->cache_key);
	}
	free(s);
	c->masked = 1;
	c->stats.mask_ms += now_ms() - t0;
	logf_(c, "masked %llu identifier%s in the request (%zu bytes)",
	    c->stats.identifiers, c->stats.identifiers == 1 ? "" : "s",
	    c->body.len);
	return AWSMASK_OK;
}

const char *
awsmask_claude_body(const struct awsmask_claude *c, size_t *len)
{
	if (!c || !c->masked) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = c->body.len;
	return c->body.buf;
}

/* --- writing the answer ------------------------------------------- */

static int
put(struct awsmask_claude *c, const char *p, size_t n)
{
	if (!n)
		return AWSMASK_OK;
	if (am_write_all(c->o.outfd, p, n) < 0)
		return am_seterr_errno(&c->err, AWSMASK_EIO, "write error");
	c->written += n;
	c->last_nl = p[n - 1] == '\n';
	return AWSMASK_OK;
}

static void
count_unknown(void *arg, const char *token, unsigned long long line, int why)
{
	(void)token;
	(void)line;
	(void)why;
	(*(unsigned long long *)arg)++;
}

/* Unmasked text of a block, as it comes; all of it when final. */
static int
put_text(struct awsmask_claude *c, struct block *b, const char *p, size_t n,
    int final)
{
	double t0;
	int rc;

	if (c->o.flags & AWSMASK_CLAUDE_RAW)
		return AWSMASK_OK;
	if (c->o.flags & AWSMASK_CLAUDE_SHOW_MASKED)
		return put(c, p, n);
	t0 = now_ms();
	am_buf_reset(&c->out);
	rc = am_unstream_feed(c->am, &b->un, p, n, final, &c->out,
	    count_unknown, &c->stats.tokens_unknown);
	c->stats.unmask_ms += now_ms() - t0;
	if (rc)
		return from_am(c, rc);
	return put(c, c->out.buf, c->out.len);
}

/* A tool call in the text output: on a line of its own. */
static int
put_tool(struct awsmask_claude *c, json_t *block)
{
	const char *name = json_string_value(json_object_get(block, "name"));
	char *in = json_dumps(json_object_get(block, "input"),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	int rc;

	if (!in)
		return nomem(c);
	rc = c->last_nl ? 0 : put(c, "\n", 1);
	if (!rc) {
		am_buf_reset(&c->out);
		am_buf_addf(&c->out, "[tool_use %s] %s\n", name ? name : "?", in);
		rc = put(c, c->out.buf, c->out.len);
	}
	free(in);
	return rc;
}

/* A whole answer (not streamed, from the cache, or for --raw). */
static int
put_message(struct awsmask_claude *c, json_t *msg)
{
	json_t *m = json_deep_copy(msg), *content, *b;
	double t0;
	size_t i;
	char *s;
	int rc = AWSMASK_OK;

	if (!m)
		return nomem(c);
	content = json_object_get(m, "content");
	if (!(c->o.flags & AWSMASK_CLAUDE_SHOW_MASKED)) {
		t0 = now_ms();
		rc = am_claude_unmask_content(c->am, content,
		    &c->stats.tokens_unknown);
		c->stats.unmask_ms += now_ms() - t0;
		if (rc) {
			json_decref(m);
			return from_am(c, rc);
		}
	}
	if (c->o.flags & AWSMASK_CLAUDE_RAW) {
		if (!(s = json_dumps(m, JSON_INDENT(2)))) {
			json_decref(m);
			return nomem(c);
		}
		if (!(rc = put(c, s, strlen(s))))
			rc = put(c, "\n", 1);
		free(s);
		json_decref(m);
		return rc;
	}
	json_array_foreach(content, i, b) {
		const char *type = json_string_value(json_object_get(b, "type"));
		json_t *t = json_object_get(b, "text");

		if (!type || rc)
			continue;
		if (!strcmp(type, "text") && json_is_string(t))
			rc = put(c, json_string_value(t), json_string_length(t));
		else if (!strcmp(type, "tool_use") ||
		    !strcmp(type, "server_tool_use"))
			rc = put_tool(c, b);
	}
	json_decref(m);
	return rc;
}

/* --- the stream --------------------------------------------------- */

static int
bad_event(struct awsmask_claude *c, const char *what)
{
	return am_seterr(&c->err, AWSMASK_EAPI, "the API sent %s", what);
}

static struct block *
block_at(struct awsmask_claude *c, json_t *ev, size_t *index)
{
	json_t *i = json_object_get(ev, "index");

	if (!json_is_integer(i) || json_integer_value(i) < 0 ||
	    (size_t)json_integer_value(i) >= c->nblocks)
		return NULL;
	*index = (size_t)json_integer_value(i);
	return &c->blocks[*index];
}

static int
block_start(struct awsmask_claude *c, json_t *ev)
{
	json_t *cb = json_object_get(ev, "content_block"), *i, *content, *t;
	const char *type;
	struct block *b;
	size_t idx;

	i = json_object_get(ev, "index");
	content = json_object_get(c->msg, "content");
	if (!json_is_object(cb) || !json_is_integer(i) ||
	    json_integer_value(i) != (json_int_t)c->nblocks ||
	    c->nblocks >= MAX_BLOCKS || !json_is_array(content))
		return bad_event(c, "a content block out of order");
	idx = c->nblocks;
	b = am_realloc(c->blocks, (idx + 1) * sizeof(*b));
	if (!b)
		return nomem(c);
	c->blocks = b;
	b = &c->blocks[idx];
	memset(b, 0, sizeof(*b));
	c->nblocks++;
	if (json_array_append_new(content, json_deep_copy(cb)) < 0)
		return nomem(c);
	type = json_string_value(json_object_get(cb, "type"));
	type = type ? type : "";
	if (!strcmp(type, "text")) {
		b->kind = B_TEXT;
		t = json_object_get(cb, "text");
		if (json_is_string(t) && json_string_length(t)) {
			if (am_buf_add(&b->text, json_string_value(t),
			    json_string_length(t)) < 0)
				return nomem(c);
			return put_text(c, b, json_string_value(t),
			    json_string_length(t), 0);
		}
	} else if (!strcmp(type, "tool_use") || !strcmp(type, "server_tool_use"))
		b->kind = B_TOOL;
	else if (!strcmp(type, "thinking"))
		b->kind = B_THINKING;
	return AWSMASK_OK;
}

static int
block_delta(struct awsmask_claude *c, json_t *ev)
{
	json_t *d = json_object_get(ev, "delta"), *v, *blk;
	const char *type = json_string_value(json_object_get(d, "type"));
	struct block *b;
	size_t idx;

	if (!(b = block_at(c, ev, &idx)) || b->stopped || !type)
		return bad_event(c, "a delta of no open content block");
	blk = json_array_get(json_object_get(c->msg, "content"), idx);
	if (!strcmp(type, "text_delta") && b->kind == B_TEXT) {
		if (!json_is_string(v = json_object_get(d, "text")))
			return bad_event(c, "a text delta without text");
		if (am_buf_add(&b->text, json_string_value(v),
		    json_string_length(v)) < 0)
			return nomem(c);
		return put_text(c, b, json_string_value(v),
		    json_string_length(v), 0);
	}
	if (!strcmp(type, "input_json_delta") && b->kind == B_TOOL) {
		if (!json_is_string(v = json_object_get(d, "partial_json")))
			return bad_event(c, "a tool delta without partial_json");
		return am_buf_add(&b->text, json_string_value(v),
		    json_string_length(v)) < 0 ? nomem(c) : AWSMASK_OK;
	}
	if (!strcmp(type, "thinking_delta") && b->kind == B_THINKING) {
		if (!json_is_string(v = json_object_get(d, "thinking")))
			return bad_event(c, "a thinking delta without text");
		return am_buf_add(&b->text, json_string_value(v),
		    json_string_length(v)) < 0 ? nomem(c) : AWSMASK_OK;
	}
	if (!strcmp(type, "signature_delta") &&
	    json_is_string(v = json_object_get(d, "signature")))
		return json_object_set(blk, "signature", v) < 0 ? nomem(c) : 0;
	if (!strcmp(type, "citations_delta") &&
	    json_is_object(v = json_object_get(d, "citation"))) {
		json_t *cits = json_object_get(blk, "citations");

		if (!json_is_array(cits)) {
			cits = json_array();
			if (!cits || json_object_set_new(blk, "citations", cits) < 0)
				return nomem(c);
		}
		return json_array_append(cits, v) < 0 ? nomem(c) : 0;
	}
	/* A delta of a kind this client does not know: kept out. */
	return AWSMASK_OK;
}

static int
block_stop(struct awsmask_claude *c, json_t *ev)
{
	struct block *b;
	json_t *blk, *v;
	json_error_t e;
	size_t idx;
	int rc;

	if (!(b = block_at(c, ev, &idx)) || b->stopped)
		return bad_event(c, "the end of no open content block");
	b->stopped = 1;
	blk = json_array_get(json_object_get(c->msg, "content"), idx);
	switch (b->kind) {
	case B_TEXT:
	case B_THINKING:
		v = json_stringn(b->text.buf ? b->text.buf : "", b->text.len);
		if (!v)
			return bad_event(c, "text that is not UTF-8");
		if (json_object_set_new(blk, b->kind == B_TEXT ? "text" :
		    "thinking", v) < 0)
			return nomem(c);
		if (b->kind == B_TEXT)
			return put_text(c, b, NULL, 0, 1);
		return AWSMASK_OK;
	case B_TOOL:
		if (b->text.len) {
			v = json_loadb(b->text.buf, b->text.len,
			    JSON_ALLOW_NUL | JSON_DECODE_ANY, &e);
			if (!v)
				return bad_event(c, "a tool input that is not JSON");
			if (json_object_set_new(blk, "input", v) < 0)
				return nomem(c);
		}
		if (c->o.flags & (AWSMASK_CLAUDE_RAW))
			return AWSMASK_OK;
		if (c->o.flags & AWSMASK_CLAUDE_SHOW_MASKED)
			return put_tool(c, blk);
		{
			/* Unmask a copy: the message keeps the masked one. */
			json_t *one = json_pack("[O]", blk);
			double t0 = now_ms();

			if (!one)
				return nomem(c);
			json_array_set_new(one, 0,
			    json_deep_copy(json_array_get(one, 0)));
			rc = am_claude_unmask_content(c->am, one,
			    &c->stats.tokens_unknown);
			c->stats.unmask_ms += now_ms() - t0;
			if (!rc)
				rc = put_tool(c, json_array_get(one, 0));
			else
				rc = from_am(c, rc);
			json_decref(one);
			return rc;
		}
	}
	return AWSMASK_OK;
}

static int
message_delta(struct awsmask_claude *c, json_t *ev)
{
	json_t *d = json_object_get(ev, "delta"), *u = json_object_get(ev,
	    "usage"), *mu;
	const char *k;
	json_t *v;

	json_object_foreach(d, k, v)
		if (json_object_set(c->msg, k, v) < 0)
			return nomem(c);
	if (json_is_object(u)) {
		mu = json_object_get(c->msg, "usage");
		if (json_is_object(mu))
			return json_object_update(mu, u) < 0 ? nomem(c) : 0;
		return json_object_set(c->msg, "usage", u) < 0 ? nomem(c) : 0;
	}
	return AWSMASK_OK;
}

static int
on_event(void *arg, const struct am_sse_event *sev)
{
	struct awsmask_claude *c = arg;
	char type[64];
	json_t *ev;
	json_error_t e;
	int rc = AWSMASK_OK;

	ev = json_loadb(sev->data, sev->data_len, JSON_ALLOW_NUL, &e);
	if (!json_is_object(ev)) {
		json_decref(ev);
		return bad_event(c, "an event that is not a JSON object");
	}
	if (sev->type_len == 7 && !memcmp(sev->type, "message", 7))
		clean(type, sizeof(type), json_string_value(json_object_get(ev,
		    "type")));
	else
		snprintf(type, sizeof(type), "%.*s", (int)sev->type_len,
		    sev->type);
	if (!strcmp(type, "ping")) {
		/* Keeps the connection busy; nothing to do. */
	} else if (!strcmp(type, "error")) {
		c->ev_error = json_incref(json_object_get(ev, "error"));
		rc = -1;	/* stop: the stream is over */
	} else if (!strcmp(type, "message_start")) {
		json_t *m = json_object_get(ev, "message");

		if (c->msg || !json_is_object(m))
			rc = bad_event(c, "a second or empty message_start");
		else if (!(c->msg = json_deep_copy(m)) ||
		    json_object_set_new(c->msg, "content", json_array()) < 0)
			rc = nomem(c);
	} else if (!c->msg) {
		if (!strcmp(type, "content_block_start") ||
		    !strcmp(type, "content_block_delta") ||
		    !strcmp(type, "content_block_stop") ||
		    !strcmp(type, "message_delta") || !strcmp(type, "message_stop"))
			rc = bad_event(c, "an event before message_start");
	} else if (!strcmp(type, "content_block_start")) {
		rc = block_start(c, ev);
	} else if (!strcmp(type, "content_block_delta")) {
		rc = block_delta(c, ev);
	} else if (!strcmp(type, "content_block_stop")) {
		rc = block_stop(c, ev);
	} else if (!strcmp(type, "message_delta")) {
		rc = message_delta(c, ev);
	} else if (!strcmp(type, "message_stop")) {
		c->stopped = 1;
	}
	/* Other events: new kinds the API may add; kept out. */
	json_decref(ev);
	return rc;
}

/* --- one HTTP attempt --------------------------------------------- */

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct awsmask_claude *c = arg;
	size_t n = size * nmemb, k;
	char line[512], *v;

	k = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memcpy(line, p, k);
	line[k] = '\0';
	while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
		line[--k] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		/* A new response (after a 100 Continue, say). */
		c->retry_after[0] = c->request_id[0] = '\0';
		c->is_stream = 0;
		return n;
	}
	if (!(v = strchr(line, ':')))
		return n;
	*v++ = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	if (!strcasecmp(line, "retry-after"))
		clean(c->retry_after, sizeof(c->retry_after), v);
	else if (!strcasecmp(line, "request-id"))
		clean(c->request_id, sizeof(c->request_id), v);
	else if (!strcasecmp(line, "content-type"))
		c->is_stream = !strncasecmp(v, "text/event-stream", 17);
	return n;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct awsmask_claude *c = arg;
	size_t n = size * nmemb;
	int rc;

	if (!c->status)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	if (c->status == 200 && c->is_stream) {
		rc = am_sse_feed(&c->sse, p, n, on_event, c);
		/* The parser's own failures (the callbacks set err). */
		if (rc == AWSMASK_EDATA && !c->err.code)
			rc = bad_event(c, "an event past the size limit");
		else if (rc == AWSMASK_ENOMEM && !c->err.code)
			rc = nomem(c);
		if (rc) {
			c->stop_code = rc;
			return 0;
		}
		return n;
	}
	if (c->resp.len + n > BODY_MAX) {
		c->stop_code = am_seterr(&c->err, AWSMASK_EAPI, "the API's "
		    "answer is larger than %u MB", BODY_MAX >> 20);
		return 0;
	}
	if (am_buf_add(&c->resp, p, n) < 0) {
		c->stop_code = nomem(c);
		return 0;
	}
	return n;
}

/* --verbose: what goes out and comes in, the key redacted. */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct awsmask_claude *c = arg;
	const char *mark = type == CURLINFO_TEXT ? "*" :
	    type == CURLINFO_HEADER_OUT ? ">" : type == CURLINFO_HEADER_IN ?
	    "<" : NULL;
	size_t i = 0, j;

	(void)h;
	if (!mark)
		return 0;
	while (i < size) {
		char line[512];
		size_t k;

		for (j = i; j < size && data[j] != '\n'; j++)
			;
		k = j - i;
		while (k && (data[i + k - 1] == '\r'))
			k--;
		if (k >= sizeof(line))
			k = sizeof(line) - 1;
		memcpy(line, data + i, k);
		line[k] = '\0';
		if (!strncasecmp(line, "x-api-key:", 10) ||
		    !strncasecmp(line, "authorization:", 14) ||
		    !strncasecmp(line, "proxy-authorization:", 20))
			strcpy(strchr(line, ':'), ": [redacted]");
		else
			redact_userinfo(line, sizeof(line));
		if (k)
			logf_(c, "%s %s", mark, line);
		i = j + 1;
	}
	return 0;
}

/* Wipe a header list's strings (one holds the key), then free it. */
static void
headers_free(struct curl_slist *h)
{
	struct curl_slist *p;

	for (p = h; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

static int
setup(struct awsmask_claude *c, struct curl_slist **hl, char *errbuf)
{
	CURL *h = c->curl;
	struct curl_slist *l = NULL, *n;
	struct am_buf kh = AM_BUF_INIT;
	int stream = (c->o.flags & AWSMASK_CLAUDE_STREAM) != 0;
	long stall = c->timeout_ms / 1000 < STALL_SECONDS ?
	    c->timeout_ms / 1000 : STALL_SECONDS;
	static const char *const fixed[] = {
		("anthropic-version: " API_VERSION),
		"content-type: application/json",
		"Expect:",
	};
	size_t i;

	if (am_buf_addstr(&kh, "x-api-key: ") < 0 ||
	    am_buf_addstr(&kh, c->key) < 0)
		goto nomem;
	if (!(l = curl_slist_append(NULL, kh.buf)))
		goto nomem;
	for (i = 0; i < AM_ARRAY_SIZE(fixed); i++) {
		if (!(n = curl_slist_append(l, fixed[i])))
			goto nomem;
		l = n;
	}
	if (!(n = curl_slist_append(l, stream ? "accept: text/event-stream" :
	    "accept: application/json")))
		goto nomem;
	l = n;
	explicit_bzero(kh.buf, kh.len);
	am_buf_free(&kh);
	*hl = l;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body.buf);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)c->body.len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "awsmask-claude/" AWSMASK_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    c->timeout_ms < CONNECT_TIMEOUT_MS ? c->timeout_ms :
	    (long)CONNECT_TIMEOUT_MS);
	if (stream) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall > 0 ? stall : 1L);
	}
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2)
		curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_2TLS);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (c->o.log) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, c);
	}
	return AWSMASK_OK;
nomem:
	if (kh.buf)
		explicit_bzero(kh.buf, kh.len);
	am_buf_free(&kh);
	headers_free(l);
	return nomem(c);
}

/* Transport failures worth another try. */
static int
retryable_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int
retryable_status(long s)
{
	return s == 429 || s == 500 || s == 502 || s == 503 || s == 504 ||
	    s == 529;
}

/*
 * The API's error: from an error event, or an error body ({"type":
 * "error", "error": {"type": ..., "message": ...}}).  Its type and
 * message go in err, with code.
 */
static int
api_error(struct awsmask_claude *c, int code, json_t *error)
{
	char type[64], msg[300];

	clean(type, sizeof(type), json_string_value(json_object_get(error,
	    "type")));
	clean(msg, sizeof(msg), json_string_value(json_object_get(error,
	    "message")));
	if (c->status && c->status != 200)
		return am_seterr(&c->err, code, "API error %ld%s%s%s%s", c->status,
		    *type ? " " : "", type, *msg ? ": " : "", msg);
	return am_seterr(&c->err, code, "API error%s%s%s%s", *type ? " " : "",
	    type, *msg ? ": " : "", msg);
}

/*
 * How long retry-after asks us to wait, in ms: seconds or an HTTP date.
 * -1 when absent or unreadable.
 */
static long long
retry_after_ms(const char *v)
{
	const char *p = v;
	long long secs = 0;

	if (!*v)
		return -1;
	while (*p >= '0' && *p <= '9' && secs < 1000000000LL)
		secs = secs * 10 + (*p++ - '0');
	if (p > v && !*p)
		return secs * 1000;
	{
		time_t t = curl_getdate(v, NULL);

		if (t == (time_t)-1)
			return -1;
		secs = (long long)t - (long long)time(NULL);
		return secs > 0 ? secs * 1000 : 0;
	}
}

static unsigned long long
random64(void)
{
	static unsigned long long x;
	unsigned long long r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	if (!x)
		x = (unsigned long long)time(NULL) ^
		    ((unsigned long long)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* Full jitter: a random wait in [0, min(cap, base * 2^n)). */
static long long
backoff_ms(int n)
{
	long long ceil = BACKOFF_BASE_MS;

	while (n-- > 0 && ceil < BACKOFF_CAP_MS)
		ceil *= 2;
	if (ceil > BACKOFF_CAP_MS)
		ceil = BACKOFF_CAP_MS;
	return (long long)(random64() % (unsigned long long)ceil);
}

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * One attempt.  Returns 0 when the whole answer is in c->msg; else err
 * is set and *retry says whether another attempt may help.
 */
static int
attempt(struct awsmask_claude *c, int *retry)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hl = NULL;
	json_error_t e;
	CURLcode cc;
	int rc;

	*retry = 0;
	reset_answer(c);
	errbuf[0] = '\0';
	if ((rc = setup(c, &hl, errbuf)))
		return rc;
	c->stats.attempts++;
	if (c->o.log) {
		char shown[512];

		snprintf(shown, sizeof(shown), "%s", c->url);
		redact_userinfo(shown, sizeof(shown));
		logf_(c, "POST %s (%zu bytes%s)", shown, c->body.len,
		    c->o.flags & AWSMASK_CLAUDE_STREAM ? ", stream" : "");
	}
	cc = curl_easy_perform(c->curl);
	headers_free(hl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	c->stats.status = c->status;
	if (c->request_id[0])
		logf_(c, "request-id %s", c->request_id);

	if (c->ev_error) {
		/* An error event: overloaded and the like may be retried. */
		const char *t = json_string_value(json_object_get(c->ev_error,
		    "type"));

		*retry = t && (!strcmp(t, "overloaded_error") ||
		    !strcmp(t, "api_error") || !strcmp(t, "rate_limit_error"));
		return api_error(c, t && (!strcmp(t, "invalid_request_error") ||
		    !strcmp(t, "request_too_large")) ? AWSMASK_EDATA :
		    !strcmp(t ? t : "", "authentication_error") ||
		    !strcmp(t ? t : "", "permission_error") ? AWSMASK_EAUTH :
		    AWSMASK_EAPI, c->ev_error);
	}
	if (c->stop_code)
		return c->err.code;
	if (cc != CURLE_OK) {
		char why[CURL_ERROR_SIZE];

		*retry = retryable_curl(cc);
		snprintf(why, sizeof(why), "%s", errbuf[0] ? errbuf :
		    curl_easy_strerror(cc));
		redact_userinfo(why, sizeof(why));
		return am_seterr(&c->err, AWSMASK_EAPI, "cannot reach the API: %s",
		    why);
	}
	if (c->status == 200 && c->is_stream) {
		if (c->stopped)
			return AWSMASK_OK;
		*retry = 1;
		return am_seterr(&c->err, AWSMASK_EAPI, "the connection closed "
		    "before the end of the answer");
	}
	if (c->status == 200) {
		json_t *m = json_loadb(c->resp.buf ? c->resp.buf : "", c->resp.len,
		    JSON_ALLOW_NUL, &e);

		if (!json_is_object(m) ||
		    !json_is_array(json_object_get(m, "content"))) {
			json_decref(m);
			*retry = 1;
			return am_seterr(&c->err, AWSMASK_EAPI, "the API's answer "
			    "is not a message");
		}
		c->msg = m;
		return AWSMASK_OK;
	}
	{
		json_t *b = json_loadb(c->resp.buf ? c->resp.buf : "", c->resp.len,
		    JSON_ALLOW_NUL, &e);
		json_t *error = json_object_get(b, "error");
		int code = c->status == 401 || c->status == 403 ? AWSMASK_EAUTH :
		    retryable_status(c->status) ? AWSMASK_EAPI :
		    c->status >= 400 && c->status < 500 ? AWSMASK_EDATA :
		    AWSMASK_EAPI;

		*retry = retryable_status(c->status);
		rc = api_error(c, code, error);
		json_decref(b);
		return rc;
	}
}

/* Send, retrying what may work the next time. */
static int
transfer(struct awsmask_claude *c)
{
	double t0 = now_ms();
	int n, retry, rc;

	for (n = 0;; n++) {
		long long wait;

		rc = attempt(c, &retry);
		if (!rc)
			break;
		if (!retry || n >= c->max_retries || c->written)
			break;
		wait = retry_after_ms(c->retry_after);
		if (wait > RETRY_AFTER_MAX * 1000LL) {
			char why[sizeof(c->err.msg)];

			snprintf(why, sizeof(why), "%s", c->err.msg);
			am_seterr(&c->err, c->err.code, "%s; retry after %lld s",
			    why, wait / 1000);
			break;
		}
		if (wait < 0)
			wait = backoff_ms(n);
		logf_(c, "%s; retry %d of %d in %.2f s", c->err.msg, n + 1,
		    c->max_retries, (double)wait / 1e3);
		c->err.code = AWSMASK_OK;
		c->err.msg[0] = '\0';
		sleep_ms(wait);
	}
	c->stats.http_ms += now_ms() - t0;
	return rc;
}

int
awsmask_claude_send(struct awsmask_claude *c)
{
	struct awsmask *am;
	int cache = 0, rc;
	char *v = NULL;
	size_t vlen = 0;

	if (!c)
		return AWSMASK_EINVAL;
	if (c->err.code)
		return c->err.code;
	if (!c->masked)
		return am_seterr(&c->err, AWSMASK_EINVAL, "nothing masked to "
		    "send");
	am = c->am;
	if (!(c->o.flags & AWSMASK_CLAUDE_NO_CACHE)) {
		if ((rc = am_store_cache_get(am->store, c->cache_key, &v, &vlen)))
			return from_am(c, am_store_failed(am, rc));
		if (v) {
			json_error_t e;

			c->msg = json_loadb(v, vlen, JSON_ALLOW_NUL, &e);
			am_free(v);
			if (json_is_object(c->msg)) {
				logf_(c, "answered from the cache (%s)",
				    am->store->name);
				c->stats.cache_hit = 1;
				rc = put_message(c, c->msg);
				goto done;
			}
			json_decref(c->msg);
			c->msg = NULL;
		}
		logf_(c, "not in the cache");
		cache = 1;
	}
	if (!c->key)
		return am_seterr(&c->err, AWSMASK_ECONFIG, "no API key: set "
		    "ANTHROPIC_API_KEY or use --api-key-file");
	if ((rc = transfer(c)))
		return rc;
	if (!c->is_stream || (c->o.flags & AWSMASK_CLAUDE_RAW)) {
		if ((rc = put_message(c, c->msg)))
			return rc;
	}
	if (cache) {
		char *s = json_dumps(c->msg, JSON_COMPACT);

		if (!s)
			return nomem(c);
		rc = am_store_cache_put(am->store, c->cache_key, s, strlen(s),
		    c->cache_ttl);
		free(s);
		if (rc && !am->warning) {
			/* The answer is out: a cache that failed is a warning. */
			am->warning = am_strdup(am->store->err.msg);
		}
	}
	rc = AWSMASK_OK;
done:
	if (!rc && c->written && !c->last_nl)
		rc = put(c, "\n", 1);
	if (!rc && c->stats.tokens_unknown)
		logf_(c, "%llu token%s in the answer %s not ours, left as %s",
		    c->stats.tokens_unknown, c->stats.tokens_unknown == 1 ?
		    "" : "s", c->stats.tokens_unknown == 1 ? "was" : "were",
		    c->stats.tokens_unknown == 1 ? "it is" : "they are");
	return rc;
}
