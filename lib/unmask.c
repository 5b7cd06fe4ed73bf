/*
 * unmask.c - putting originals back: tokens found by the token grammar,
 * looked up in the per-process cache, then in one store batch a window.
 */
#include "mask.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

/*
 * Unmasking: the token grammar is one JIT pattern built from every
 * prefix the catalogue can am_emit.
 */
struct token_re {
	pcre2_code *re;
	pcre2_match_data *md;
	int jit;
};

void
am_token_re_free(struct awsmask *am)
{
	struct token_re *t = am->token_re;

	if (!t)
		return;
	pcre2_match_data_free(t->md);
	pcre2_code_free(t->re);
	am_free(t);
	am->token_re = NULL;
}

int
am_token_re_ensure(struct awsmask *am)
{
	struct token_re *t;
	PCRE2_SIZE erroff;
	char *pat;
	int errcode;

	if (am->token_re)
		return AWSMASK_OK;
	t = am_calloc(1, sizeof(*t));
	pat = am_token_pattern(am->cfg->custom, am->cfg->ncustom);
	if (!t || !pat) {
		am_free(t);
		am_free(pat);
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	t->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0,
	    &errcode, &erroff, NULL);
	am_free(pat);
	if (!t->re) {
		am_free(t);
		return am_seterr(&am->err, AWSMASK_ECONFIG,
		    "cannot compile the token grammar");
	}
	t->jit = pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE) == 0;
	t->md = pcre2_match_data_create_from_pattern(t->re, NULL);
	am->token_re = t;
	if (!t->md)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	return AWSMASK_OK;
}

int
am_unmask_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, awsmask_unknown_fn *fn, void *fnarg)
{
	struct token_re *t = am->token_re;
	size_t from = am_scan_from(s), pos = s->hist, i;
	unsigned long long line = s->line;
	size_t at = s->hist;
	int rc = AWSMASK_OK, r;

	if (am_map_count(am->rcache) > CACHE_MAX)
		am_map_clear(am->rcache);
	am->nparts = 0;
	for (;;) {
		PCRE2_SIZE *ov;
		struct am_part p;

		r = t->jit ? pcre2_jit_match(t->re, (PCRE2_SPTR)s->buf, s->len,
		    from, 0, t->md, NULL) : pcre2_match(t->re,
		    (PCRE2_SPTR)s->buf, s->len, from, 0, t->md, NULL);
		if (r < 0)
			break;
		ov = pcre2_get_ovector_pointer(t->md);
		if (ov[0] >= limit)
			break;
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (ov[0] < pos)
			continue;
		p.start = ov[0];
		p.end = ov[1];
		p.prefix = p.kind = "";
		if ((rc = am_add_part(am, &p)))
			return rc;
		pos = ov[1];
	}
	if (r < 0 && r != PCRE2_ERROR_NOMATCH)
		return am_seterr(&am->err, AWSMASK_EDATA, "matching failed");
	*done = pos > limit ? pos : limit;

	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *pt = &am->parts[i];
		const char *tk = s->buf + pt->start;
		size_t n = pt->end - pt->start;

		pt->tok = am_map_get(am->rcache, tk, n, &pt->toklen);
		if (!pt->tok && (rc = am_add_item(am, tk, n, NULL, NULL, &pt->item)))
			return rc;
	}
	if (am->nitems) {
		if ((rc = am_store_ensure(am)))
			return am_store_failed(am, rc);
		am->counts.store_batches++;
		if ((rc = am_store_unmask_many(am->store, am->items, am->nitems)))
			return am_store_failed(am, rc);
		for (i = 0; i < am->nitems; i++)
			if (am->items[i].value && am_map_put(am->rcache,
			    am->items[i].key, am->items[i].key_len,
			    am->items[i].value, am->items[i].value_len) < 0)
				return am_seterr(&am->err, AWSMASK_ENOMEM,
				    "out of memory");
	}
	/* Unknown tokens stay as they are: drop them from the parts. */
	{
		size_t k = 0;

		for (i = 0; i < am->nparts; i++) {
			struct am_mpart *pt = &am->parts[i];

			if (!pt->tok) {
				pt->tok = am->items[pt->item].value;
				pt->toklen = am->items[pt->item].value_len;
			}
			if (!pt->tok) {
				char tok[128];
				size_t n = pt->end - pt->start;

				am->counts.tokens_unknown++;
				if (s->line_at) {
					line = s->line_at(s->line_ctx, pt->start);
				} else {
					line += am_count_lines(s->buf + at,
					    pt->start - at);
					at = pt->start;
				}
				if (fn && n < sizeof(tok)) {
					memcpy(tok, s->buf + pt->start, n);
					tok[n] = '\0';
					fn(fnarg, tok, line);
				}
				continue;
			}
			am->counts.tokens_restored++;
			am->parts[k++] = *pt;
		}
		am->nparts = k;
	}
	return AWSMASK_OK;
}

int
am_process_unmask(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, void *arg)
{
	const struct am_callbacks *cb = arg;
	int rc;

	rc = am_unmask_window(am, s, limit, done, cb ? cb->unknown : NULL,
	    cb ? cb->arg : NULL);
	if (rc == AWSMASK_OK)
		rc = am_emit(am, s->buf, s->hist, *done);
	am_release_items(am);
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
	return am_json_run_fd(am, infd, outfd, flags, AM_DIR_UNMASK, &cb);
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
	rc = am_json_run_buffer(am, in, len, AM_DIR_UNMASK, &cb);
	if (rc == AWSMASK_OK) {
		*out = am_buf_release(&am->out, outlen);
		if (!*out)
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	return rc;
}
