/*
 * store.c - the store interface: pick a backend once from the URI scheme,
 * keep its error sticky, and the token format every backend shares.
 *
 * A backend's open() fills st->priv and may fail half-way; its close()
 * must then accept whatever open() left (priv NULL included).  A backend
 * reports every failure through am_seterr(&st->err, ...) and returns the
 * code; this file makes the code stick.
 */
#include "internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static long long
store_time(void)
{
	return (long long)time(NULL);
}

long long (*am_store_now)(void) = store_time;

/* Defaults when the caller has no configuration (tests, tools' probes). */
#define DEFAULT_TTL 604800
#define DEFAULT_NS "aws:"
#define DEFAULT_TIMEOUT_MS 2000

/*
 * Copy uri into a new string with the password replaced by "***": the
 * part after ':' in scheme://user:pass@host, and the value of a
 * password= query parameter.  NULL on ENOMEM.
 */
static char *
redact_uri(const char *uri)
{
	struct am_buf b = AM_BUF_INIT;
	const char *auth = strstr(uri, "://"), *at, *colon, *q, *end;

	at = colon = NULL;
	if (auth && auth[3] != '/' && (at = strrchr(auth + 3, '@')))
		colon = memchr(auth + 3, ':', (size_t)(at - auth - 3));
	if (colon) {
		am_buf_add(&b, uri, (size_t)(colon + 1 - uri));
		am_buf_addstr(&b, "***");
		uri = at;
	}
	/* password=VALUE in a query string, up to the next '&'. */
	while ((q = strstr(uri, "password=")) && q > uri &&
	    (q[-1] == '?' || q[-1] == '&')) {
		q += strlen("password=");
		am_buf_add(&b, uri, (size_t)(q - uri));
		am_buf_addstr(&b, "***");
		end = strchr(q, '&');
		uri = end ? end : q + strlen(q);
	}
	if (am_buf_addstr(&b, uri) < 0) {
		am_buf_free(&b);
		return NULL;
	}
	return am_buf_release(&b, NULL);
}

static const struct {
	const char *scheme;
	const struct am_store_ops *ops;
} backends[] = {
	{ "memory", &am_store_memory_ops },
	{ "sqlite", &am_store_sqlite_ops },
#ifdef HAVE_HIREDIS
	{ "redis", &am_store_redis_ops },
	{ "unix", &am_store_redis_ops },
#endif
};

/*
 * The backend for uri, or NULL with err set.  Only the scheme is ever
 * quoted back: the rest of a URI may hold a password.
 */
static const struct am_store_ops *
choose(const char *uri, struct am_error *err)
{
	size_t i, n = 0;

	while (isalnum((unsigned char)uri[n]) || uri[n] == '+' ||
	    uri[n] == '-' || uri[n] == '.')
		n++;
	if (n == 0 || uri[n] != ':' || !isalpha((unsigned char)uri[0])) {
		am_seterr(err, AWSMASK_ECONFIG, "store URI has no scheme "
		    "(expected memory:, sqlite:PATH, redis://HOST or "
		    "unix:///PATH)");
		return NULL;
	}
	for (i = 0; i < AM_ARRAY_SIZE(backends); i++)
		if (strlen(backends[i].scheme) == n &&
		    !strncasecmp(uri, backends[i].scheme, n))
			return backends[i].ops;
#ifndef HAVE_HIREDIS
	if ((n == 5 && !strncasecmp(uri, "redis", n)) ||
	    (n == 4 && !strncasecmp(uri, "unix", n))) {
		am_seterr(err, AWSMASK_ECONFIG, "redis support not built "
		    "(rebuild with hiredis to use '%.*s:')", (int)n, uri);
		return NULL;
	}
#endif
	am_seterr(err, AWSMASK_ECONFIG, "unknown store '%.*s:'",
	    n > 32 ? 32 : (int)n, uri);
	return NULL;
}

int
am_store_open(struct am_store **out, const char *uri,
    const struct am_config *cfg, struct am_error *err)
{
	const struct am_store_ops *ops;
	struct am_store *st;
	int rc;

	if (!out)
		return am_seterr(err, AWSMASK_EINVAL, "no store to open");
	*out = NULL;
	if (!uri)
		return am_seterr(err, AWSMASK_EINVAL, "no store URI");
	if (!(ops = choose(uri, err)))
		return AWSMASK_ECONFIG;
	st = am_calloc(1, sizeof(*st));
	if (!st)
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	st->ops = ops;
	st->cfg = cfg;
	st->ttl = cfg && cfg->ttl > 0 ? cfg->ttl : DEFAULT_TTL;
	st->ns = cfg && cfg->ns ? cfg->ns : DEFAULT_NS;
	st->timeout_ms = cfg && cfg->timeout_ms > 0 ? cfg->timeout_ms :
	    DEFAULT_TIMEOUT_MS;
	st->name = redact_uri(uri);
	if (!st->name) {
		am_store_close(st);
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	}
	rc = ops->open(st, uri);
	if (rc) {
		if (!st->err.code)
			am_seterr(&st->err, rc, "store '%s': cannot open",
			    st->name);
		am_seterr(err, st->err.code, "%s", st->err.msg);
		am_store_close(st);
		return rc;
	}
	*out = st;
	return AWSMASK_OK;
}

void
am_store_close(struct am_store *st)
{
	if (!st)
		return;
	if (st->ops && st->ops->close)
		st->ops->close(st);
	am_free(st->name);
	am_free(st);
}

void
am_store_items_release(struct am_store_item *it, size_t n)
{
	size_t i;

	for (i = 0; it && i < n; i++) {
		am_free(it[i].value);
		it[i].value = NULL;
		it[i].value_len = 0;
	}
}

typedef int store_op(struct am_store *, struct am_store_item *, size_t);

/*
 * Run one batch operation.  Values are out-parameters: they start NULL,
 * and on failure none is left behind, so "every item or the call fails"
 * holds whatever the backend did half-way.  A failure sticks in st->err,
 * where callers read the reason.
 */
static int
run(struct am_store *st, store_op *op, struct am_store_item *it, size_t n,
    int need_prefix)
{
	size_t i;
	int rc;

	if (!st)
		return AWSMASK_EINVAL;
	if (st->err.code)
		return st->err.code;
	if (n && !it)
		return am_seterr(&st->err, AWSMASK_EINVAL, "store '%s': no items",
		    st->name);
	for (i = 0; i < n; i++) {
		it[i].value = NULL;
		it[i].value_len = 0;
		if (!it[i].key || (need_prefix && (!it[i].prefix ||
		    !*it[i].prefix)))
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "store '%s': item %zu has no %s", st->name, i,
			    it[i].key ? "prefix" : "key");
	}
	if (n == 0)
		return AWSMASK_OK;
	rc = op(st, it, n);
	if (rc) {
		am_store_items_release(it, n);
		if (!st->err.code)
			am_seterr(&st->err, rc, "store '%s' failed", st->name);
		return st->err.code;
	}
	return AWSMASK_OK;
}

int
am_store_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	return run(st, st ? st->ops->mask_many : NULL, it, n, 1);
}

int
am_store_unmask_many(struct am_store *st, struct am_store_item *it,
    size_t n)
{
	return run(st, st ? st->ops->unmask_many : NULL, it, n, 0);
}

int
am_store_cache_get(struct am_store *st, const char *key, char **value,
    size_t *vlen)
{
	int rc;

	if (value)
		*value = NULL;
	if (vlen)
		*vlen = 0;
	if (!st || !key || !value || !vlen)
		return AWSMASK_EINVAL;
	if (st->err.code)
		return st->err.code;
	if (!st->ops->cache_get)
		return AWSMASK_OK;
	rc = st->ops->cache_get(st, key, value, vlen);
	if (rc) {
		am_free(*value);
		*value = NULL;
		*vlen = 0;
		if (!st->err.code)
			am_seterr(&st->err, rc, "store '%s' failed", st->name);
		return st->err.code;
	}
	return AWSMASK_OK;
}

int
am_store_cache_put(struct am_store *st, const char *key, const char *value,
    size_t vlen, long long ttl)
{
	int rc;

	if (!st || !key || (!value && vlen) || ttl <= 0)
		return AWSMASK_EINVAL;
	if (st->err.code)
		return st->err.code;
	if (!st->ops->cache_put)
		return AWSMASK_OK;
	rc = st->ops->cache_put(st, key, value ? value : "", vlen, ttl);
	if (rc && !st->err.code)
		am_seterr(&st->err, rc, "store '%s' failed", st->name);
	return rc ? st->err.code : AWSMASK_OK;
}

int
am_token_format(char *buf, size_t size, const char *prefix,
    unsigned long long n)
{
	int len;

	if (!buf || !size || !prefix || !*prefix)
		return -1;
	len = snprintf(buf, size, "%s_%03llu", prefix, n);
	if (len < 0 || (size_t)len >= size) {
		buf[0] = '\0';
		return -1;
	}
	return len;
}
