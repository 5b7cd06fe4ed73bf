/*
 * context.c - struct awsmask: the compiled catalogue, the lazily opened
 * store and the per-process caches that make repeated identifiers free.
 */
#include "context.h"
#include "breaker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * What the configuration can get wrong that would otherwise show only
 * at the first identifier: after a clean input, or never.
 */
static int
check_config(struct awsmask *am)
{
	const struct am_config *c = am->cfg;
	char *uri = am_config_store_uri(c, 1);
	int rc;

	if (!uri)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	rc = am_store_check(uri, &am->err);
	explicit_bzero(uri, strlen(uri));
	am_free(uri);
	if (rc)
		return rc;
	if (c->token_style == AM_TOKEN_DIGEST && (!c->token_key ||
	    strlen(c->token_key) < AM_TOKEN_KEY_MIN))
		return am_seterr(&am->err, AWSMASK_ECONFIG, "token_style = "
		    "digest needs a key of at least %d bytes: set "
		    "token_key_file (or AWSMASK_TOKEN_KEY_FILE)",
		    AM_TOKEN_KEY_MIN);
	return AWSMASK_OK;
}

int
awsmask_new(const struct awsmask_config *cfg, struct awsmask **out)
{
	struct am_scanner_opts so;
	struct awsmask *am;
	int rc;

	if (!out)
		return AWSMASK_EINVAL;
	*out = NULL;
	if (!cfg)
		return AWSMASK_EINVAL;
	am = am_calloc(1, sizeof(*am));
	if (!am)
		return AWSMASK_ENOMEM;
	am->cfg = &cfg->c;
	if ((rc = check_config(am)))
		goto fail;
	am->call.dir = -1;
	am->cache_born = am_store_now();
	memset(&so, 0, sizeof(so));
	so.custom = cfg->c.custom;
	so.ncustom = cfg->c.ncustom;
	so.types = cfg->c.types;
	so.exclude_types = cfg->c.exclude_types;
	so.allow = cfg->c.allow;
	so.nallow = cfg->c.nallow;
	so.preserve_structure = cfg->c.preserve_structure;
	rc = am_scanner_new(&am->sc, &so, &am->err);
	if (rc)
		goto fail;
	am->cache = am_map_new();
	am->rcache = am_map_new();
	am->pending = am_map_new();
	am->prefixes = am_prefix_set_new(cfg->c.custom, cfg->c.ncustom);
	am->learned = am_map_new();
	if (!am->cache || !am->rcache || !am->pending || !am->prefixes ||
	    !am->learned) {
		rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		goto fail;
	}
	*out = am;
	return AWSMASK_OK;
fail:
	/* Keep the reason: a half-built context carries its error. */
	*out = am;
	return rc;
}

void
awsmask_free(struct awsmask *am)
{
	if (!am)
		return;
	/* The store writes the run's last figures as it closes. */
	am_proc_sync(am);
	am_store_close(am->store);
	am_admin_free(am->admin);
	am_scanner_free(am->sc);
	am_map_free(am->cache);
	am_map_free(am->rcache);
	am_map_free(am->pending);
	am_map_free(am->prefixes);
	if (am->token_re)
		am->token_re_free(am->token_re);
	am_map_free(am->learned);
	am_free(am->parts);
	am_free(am->items);
	am_free(am->held.parts);
	am_store_items_release(am->held.items, am->held.nitems);
	am_free(am->held.items);
	am_buf_free(&am->held.text);
	am_buf_free(&am->held.toks);
	am_buf_free(&am->out);
	am_free(am->warning);
	am_free(am->warning_taken);
	am_free(am);
}

const char *
awsmask_errstr(const struct awsmask *am)
{
	if (!am)
		return "out of memory";
	return am->err.msg;
}

void
awsmask_get_counts(const struct awsmask *am, struct awsmask_counts *c)
{
	*c = am->counts;
}

const char *
awsmask_take_warning(struct awsmask *am)
{
	am_free(am->warning_taken);
	am->warning_taken = am->warning;
	am->warning = NULL;
	return am->warning_taken;
}

/* The catalogue's rows, then the configuration's custom kinds. */
size_t
awsmask_kind_count(const struct awsmask *am)
{
	return am_nkinds + (am ? am->cfg->ncustom : 0);
}

int
awsmask_kind_get(const struct awsmask *am, size_t i,
    struct awsmask_kind_info *info)
{
	const struct am_kind *k;

	if (i >= awsmask_kind_count(am) || !info)
		return AWSMASK_EINVAL;
	k = i < am_nkinds ? &am_kinds[i] : &am->cfg->custom[i - am_nkinds];
	info->name = k->name;
	info->prefix = k->prefix;
	info->description = k->description;
	info->enabled = am && am->sc ? am_scanner_kind_enabled(am->sc, i) :
	    !k->default_off;
	return AWSMASK_OK;
}

static long long
cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
am_proc_begin(struct awsmask *am, enum am_dir dir)
{
	am->call.dir = (int)dir;
	am->call.counts = am->counts;
	am->call.cpu_us = cpu_us();
}

/* Add the call in progress, up to now, to p (a copy of am->proc). */
static void
proc_current(const struct awsmask *am, struct am_proc *p)
{
	const struct awsmask_counts *a = &am->call.counts, *b = &am->counts;
	unsigned long long cpu;

	*p = am->proc;
	if (am->call.dir < 0)
		return;
	cpu = (unsigned long long)(cpu_us() - am->call.cpu_us);
	if (am->call.dir == AM_DIR_MASK) {
		p->mask_runs = 1;
		p->mask_bytes += b->bytes_in - a->bytes_in;
		p->mask_identifiers += b->identifiers - a->identifiers;
		p->mask_cpu_us += cpu;
	} else if (am->call.dir == AM_DIR_UNMASK) {
		p->unmask_runs = 1;
		p->unmask_bytes += b->bytes_in - a->bytes_in;
		p->unmask_tokens += b->tokens_restored - a->tokens_restored;
		p->unmask_unknown += b->tokens_unknown - a->tokens_unknown;
		p->unmask_cpu_us += cpu;
	}
}

void
am_proc_end(struct awsmask *am)
{
	struct am_proc p;

	proc_current(am, &p);
	am->proc = p;
	am->call.dir = -1;
}

void
am_proc_sync(struct awsmask *am)
{
	struct am_proc now;
	size_t i;

	if (!am || !am->store)
		return;
	proc_current(am, &now);
	for (i = 0; i < am_nproc_fields; i++) {
		unsigned long long d = AM_PROC_FIELD(&now, i) -
		    AM_PROC_FIELD(&am->proc_given, i);

		AM_PROC_FIELD(&am->store->proc_pending, i) += d;
	}
	am->proc_given = now;
}

void
am_caches_age(struct awsmask *am)
{
	long long now = am_store_now();

	if (now - am->cache_born < am_store_cache_life(am->cfg->ttl) &&
	    now >= am->cache_born)
		return;
	am_map_clear(am->cache);
	am_map_clear(am->rcache);
	am->cache_born = now;
}

/*
 * Open the store at the first identifier (fail-secure, DESIGN.md): input
 * without identifiers never needs it.  With redis_fallback, a Redis that
 * cannot be opened gives way to the embedded store, with a warning.
 */
int
am_store_ensure(struct awsmask *am)
{
	char *uri;
	int rc;

	if (am->store)
		return AWSMASK_OK;
	if (am->err.code)
		return am->err.code;
	uri = am_config_store_uri(am->cfg, 1);
	if (!uri)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	rc = am_store_open(&am->store, uri, am->cfg, &am->err);
	if (rc == AWSMASK_ESTORE && am->cfg->redis_fallback &&
	    (!strncmp(uri, "redis:", 6) || !strncmp(uri, "unix:", 5) ||
	    !strncmp(uri, "redis-cluster:", 14))) {
		struct am_config plain = *am->cfg;
		char *fb;

		plain.store_uri = NULL;
		plain.use_redis = 0;
		fb = am_config_store_uri(&plain, 0);
		am_free(am->warning);
		am->warning = am_strdup(am->err.msg);
		am->err.code = AWSMASK_OK;
		rc = fb ? am_store_open(&am->store, fb, am->cfg, &am->err) :
		    am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		if (rc == AWSMASK_OK && am->warning) {
			struct am_buf b = AM_BUF_INIT;

			am_buf_addf(&b, "%s; falling back to '%s'", am->warning,
			    fb);
			am_free(am->warning);
			am->warning = am_buf_release(&b, NULL);
		}
		am_free(fb);
	}
	am_free(uri);
	return rc;
}

void
am_store_take_warning(struct awsmask *am)
{
	struct am_buf b = AM_BUF_INIT;

	if (!am->store || !am->store->warning)
		return;
	if (am->warning)
		am_buf_addf(&b, "%s; ", am->warning);
	if (am_buf_addstr(&b, am->store->warning) < 0) {
		am_buf_free(&b);
		return;
	}
	am_free(am->store->warning);
	am->store->warning = NULL;
	am_free(am->warning);
	am->warning = am_buf_release(&b, NULL);
}

int
awsmask_store_status(struct awsmask *am, const char **name,
    double *latency_ms, const char **detail)
{
	struct timespec t0, t1;
	int rc;

	*name = awsmask_config_store_name((const struct awsmask_config *)am->cfg);
	*latency_ms = 0;
	*detail = "";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = am_store_ensure(am);
	if (rc == AWSMASK_OK && am->store->ops->ping)
		rc = am->store->ops->ping(am->store);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*latency_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (rc == AWSMASK_OK) {
		*name = am->store->name ? am->store->name : *name;
		*detail = am->warning ? am->warning : "reachable";
	} else {
		if (am->store && am->store->err.code)
			am_seterr(&am->err, rc, "%s", am->store->err.msg);
		*detail = am->err.msg;
	}
	return rc;
}

int
awsmask_store_breaker(struct awsmask *am, long long *age)
{
	const char *name;
	char *uri, *dir;
	int open;

	*age = 0;
	uri = am_config_store_uri(am->cfg, 0);
	if (!uri)
		return -1;
	if (strncmp(uri, "redis:", 6) && strncmp(uri, "unix:", 5) &&
	    strncmp(uri, "redis-cluster:", 14)) {
		am_free(uri);
		return -1;
	}
	am_free(uri);
	name = am->store && am->store->name ? am->store->name :
	    awsmask_config_store_name((const struct awsmask_config *)am->cfg);
	dir = am_config_state_dir(am->cfg);
	if (!dir)
		return -1;
	open = am_breaker_check(dir, name, am_store_now(), age);
	am_free(dir);
	return open > 0 ? 1 : 0;
}

int
awsmask_input_format(const struct awsmask *am)
{
	return am ? am->input_format : AWSMASK_FORMAT_AUTO;
}

void
awsmask_set_report(struct awsmask *am, awsmask_report_fn *fn, void *arg)
{
	if (am) {
		am->report = fn;
		am->report_arg = arg;
	}
}
