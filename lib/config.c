/*
 * config.c - configuration: defaults, key=value files, the environment.
 *
 * Precedence is the order of application: defaults, system file, user
 * file, environment, then the tool's flags through awsmask_config_set().
 * Every source goes through config_set(), so a key means the same thing
 * wherever it is written.
 */
#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum cfg_type {
	T_STR, T_INT, T_BOOL, T_DURATION, T_ALLOW, T_ALLOWFILE, T_FORMAT,
	T_PATTERNS, T_SECRET, T_KEYFILE, T_STYLE
};

struct cfg_key {
	const char *name;	/* canonical: lower case, '_' */
	const char *env;	/* environment variable, or NULL */
	enum cfg_type type;
	size_t off;		/* offset in struct am_config */
	long long min, max;	/* for numbers */
};

#define OFF(f) offsetof(struct am_config, f)
/* Sorted by name; aliases follow the names they stand for. */
static const struct cfg_key keys[] = {
	{ "allow", NULL, T_ALLOW, 0, 0, 0 },
	{ "allow_eviction", "AWSMASK_ALLOW_EVICTION", T_BOOL, OFF(allow_eviction), 0, 1 },
	{ "allow_file", NULL, T_ALLOWFILE, 0, 0, 0 },
	{ "anthropic_base_url", "ANTHROPIC_BASE_URL", T_STR, OFF(claude_base_url), 0, 0 },
	{ "awsmask_prefix", NULL, T_STR, OFF(ns), 0, 0 },
	{ "cache_ttl", "AWSMASK_CACHE_TTL", T_DURATION, OFF(cache_ttl), 1, 366LL * 86400 },
	{ "claude_max_retries", "AWSMASK_CLAUDE_MAX_RETRIES", T_INT, OFF(claude_max_retries), 0, 100 },
	{ "claude_max_tokens", "AWSMASK_CLAUDE_MAX_TOKENS", T_INT, OFF(claude_max_tokens), 1, 100000000 },
	{ "claude_model", "AWSMASK_CLAUDE_MODEL", T_STR, OFF(claude_model), 0, 0 },
	{ "claude_timeout", "AWSMASK_CLAUDE_TIMEOUT", T_DURATION, OFF(claude_timeout), 1, 86400 },
	{ "exclude_types", "AWSMASK_EXCLUDE_TYPES", T_STR, OFF(exclude_types), 0, 0 },
	{ "format", "AWSMASK_FORMAT", T_FORMAT, OFF(format), 0, 0 },
	{ "masking_max_entries", "MASKING_MAX_ENTRIES", T_INT, OFF(max_entries), 0, LLONG_MAX },
	{ "masking_ttl", "MASKING_TTL", T_DURATION, OFF(ttl), 1, 100LL * 365 * 86400 },
	{ "max_entries", NULL, T_INT, OFF(max_entries), 0, LLONG_MAX },
	{ "min_idle", NULL, T_DURATION, OFF(min_idle), 0, 100LL * 365 * 86400 },
	{ "namespace", "AWSMASK_PREFIX", T_STR, OFF(ns), 0, 0 },
	{ "patterns", "AWSMASK_PATTERNS", T_PATTERNS, 0, 0, 0 },
	{ "preserve_structure", NULL, T_BOOL, OFF(preserve_structure), 0, 1 },
	{ "redis_db", "REDIS_DB", T_INT, OFF(redis_db), 0, 1000000 },
	{ "redis_durable", "REDIS_DURABLE", T_BOOL, OFF(redis_durable), 0, 1 },
	{ "redis_failover_timeout", "REDIS_FAILOVER_TIMEOUT", T_INT, OFF(redis_failover_ms), 0, 3600000 },
	{ "redis_fallback", "REDIS_FALLBACK", T_BOOL, OFF(redis_fallback), 0, 1 },
	{ "redis_host", "REDIS_HOST", T_STR, OFF(redis_host), 0, 0 },
	{ "redis_password", "REDIS_PASSWORD", T_SECRET, OFF(redis_password), 0, 0 },
	{ "redis_port", "REDIS_PORT", T_INT, OFF(redis_port), 1, 65535 },
	{ "redis_timeout", "REDIS_TIMEOUT", T_INT, OFF(timeout_ms), 1, 3600000 },
	{ "redis_user", "REDIS_USER", T_STR, OFF(redis_user), 0, 0 },
	{ "redis_wait_timeout", "REDIS_WAIT_TIMEOUT", T_INT, OFF(redis_wait_ms), 1, 3600000 },
	{ "state_dir", "AWSMASK_STATE_DIR", T_STR, OFF(state_dir), 0, 0 },
	{ "store", "AWSMASK_STORE", T_STR, OFF(store_uri), 0, 0 },
	{ "token_key", "AWSMASK_TOKEN_KEY", T_SECRET, OFF(token_key), 0, 0 },
	{ "token_key_file", "AWSMASK_TOKEN_KEY_FILE", T_KEYFILE, OFF(token_key), 0, 0 },
	{ "token_style", "AWSMASK_TOKEN_STYLE", T_STYLE, OFF(token_style), 0, 0 },
	{ "ttl", NULL, T_DURATION, OFF(ttl), 1, 100LL * 365 * 86400 },
	{ "types", "AWSMASK_TYPES", T_STR, OFF(types), 0, 0 },
	{ "unmask_exact", NULL, T_BOOL, OFF(unmask_exact), 0, 1 },
	{ "use_redis", "USE_REDIS", T_BOOL, OFF(use_redis), 0, 1 },
};

int
awsmask_config_new(struct awsmask_config **out)
{
	struct awsmask_config *cfg;

	*out = NULL;
	cfg = am_calloc(1, sizeof(*cfg));
	if (!cfg)
		return AWSMASK_ENOMEM;
	cfg->c.redis_port = 6379;
	cfg->c.use_redis = -1;
	cfg->c.redis_durable = -1;
	cfg->c.redis_failover_ms = -1;
	cfg->c.timeout_ms = 2000;
	cfg->c.ttl = 604800;
	cfg->c.min_idle = 3600;
	cfg->c.preserve_structure = 1;
	cfg->c.cache_ttl = 3600;
	cfg->c.claude_max_retries = 4;
	cfg->c.claude_max_tokens = 4096;
	cfg->c.claude_timeout = 600;
	cfg->c.ns = am_strdup("aws:");
	if (!cfg->c.ns) {
		awsmask_config_free(cfg);
		return AWSMASK_ENOMEM;
	}
	*out = cfg;
	return AWSMASK_OK;
}

/* Wipe and free a string that may hold a secret. */
static void
free_secret(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		am_free(*p);
		*p = NULL;
	}
}

/* Add a note for awsmask_config_warning(), one line each. */
static void
config_warn(struct am_config *c, const char *fmt, ...) AM_PRINTF(2, 3);

static void
config_warn(struct am_config *c, const char *fmt, ...)
{
	struct am_buf b = AM_BUF_INIT;
	va_list ap;
	char line[600];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->warning && strstr(c->warning, line))
		return;		/* the same file read twice */
	if (c->warning)
		am_buf_addf(&b, "%s\n", c->warning);
	if (am_buf_addstr(&b, line) < 0) {
		am_buf_free(&b);
		return;		/* a note lost to ENOMEM: not worth failing */
	}
	am_free(c->warning);
	c->warning = am_buf_release(&b, NULL);
}

void
awsmask_config_free(struct awsmask_config *cfg)
{
	struct am_config *c;
	size_t i;

	if (!cfg)
		return;
	c = &cfg->c;
	am_free(c->store_uri);
	am_free(c->redis_host);
	am_free(c->redis_user);
	free_secret(&c->redis_password);
	free_secret(&c->token_key);
	am_free(c->warning);
	am_free(c->ns);
	am_free(c->types);
	am_free(c->exclude_types);
	for (i = 0; i < c->nallow; i++)
		am_free(c->allow[i]);
	am_free(c->allow);
	for (i = 0; i < c->ncustom; i++)
		am_free((char *)c->custom[i].name);
	am_free(c->custom);
	am_free(c->state_dir);
	am_free(c->store_name);
	am_free(c->claude_model);
	am_free(c->claude_base_url);
	am_free(cfg);
}

const char *
awsmask_config_warning(const struct awsmask_config *cfg)
{
	return cfg ? cfg->c.warning : NULL;
}

const char *
awsmask_config_errstr(const struct awsmask_config *cfg)
{
	return cfg ? cfg->c.err.msg : "no configuration";
}

/* "MASKING-TTL" -> "masking_ttl" into buf; 0, or -1 if too long. */
static int
canon_key(const char *key, char *buf, size_t size)
{
	size_t i;

	for (i = 0; key[i]; i++) {
		if (i + 1 >= size)
			return -1;
		buf[i] = key[i] == '-' ? '_' : (char)tolower((unsigned char)key[i]);
	}
	buf[i] = '\0';
	return 0;
}

static const struct cfg_key *
find_key(const char *key)
{
	char k[64];
	size_t i;

	if (canon_key(key, k, sizeof(k)) < 0)
		return NULL;
	for (i = 0; i < AM_ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, k))
			return &keys[i];
	return NULL;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/*
 * A strict number: decimal digits only, no sign, no trailing junk, no
 * overflow.  With `duration`, one suffix s, m, h or d multiplies.
 */
static int
parse_number(const char *v, int duration, long long *out)
{
	unsigned long long n = 0, mul = 1;
	const char *p = v;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (unsigned long long)LLONG_MAX / 10)
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
		if (n > (unsigned long long)LLONG_MAX)
			return -1;
	}
	if (*p && duration && !p[1]) {
		switch (*p) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		p++;
	}
	if (*p || n > (unsigned long long)LLONG_MAX / mul)
		return -1;
	*out = (long long)(n * mul);
	return 0;
}

/*
 * Every file the configuration reads decides what is masked or where
 * mappings go: one that another user could have written (an allow-list
 * that lets a secret through, a store pointed at their server) is
 * refused.  *readable, when not NULL, says whether others may read it.
 */
static int
trust_file(struct am_config *c, FILE *f, const char *path, const char *what,
    int *readable)
{
	struct stat sb;
	int rc;

	if ((rc = am_trust_path(path, what, readable, &c->err)))
		return rc;
	if (fstat(fileno(f), &sb) < 0)
		return am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot read %s '%s'", what, path);
	return am_trust_stat(path, &sb, what, &c->err);
}

/* Does setting key to v put a secret in the file it came from? */
static int
holds_secret(const struct cfg_key *key, const char *v)
{
	const char *s, *at;

	if (key->type == T_SECRET)
		return *v != '\0';
	if (key->off != OFF(store_uri) || key->type != T_STR)
		return 0;
	/* scheme://user:pass@host */
	s = strstr(v, "://");
	at = s ? strchr(s + 3, '@') : NULL;
	return at && memchr(s + 3, ':', (size_t)(at - s - 3)) != NULL;
}

static int
add_allow(struct am_config *c, const char *v)
{
	char **p;

	if (!*v)
		return AWSMASK_OK;
	p = am_realloc(c->allow, (c->nallow + 1) * sizeof(*p));
	if (!p)
		return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
	c->allow = p;
	c->allow[c->nallow] = am_strdup(v);
	if (!c->allow[c->nallow])
		return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
	c->nallow++;
	return AWSMASK_OK;
}

static char *trim(char *s);

static int
load_allow_file(struct am_config *c, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int rc = AWSMASK_OK;

	f = fopen(path, "r");
	if (!f)
		return am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot open allow file '%s'", path);
	if ((rc = trust_file(c, f, path, "allow file", NULL))) {
		fclose(f);
		return rc;
	}
	while (rc == AWSMASK_OK && getline(&line, &cap, f) >= 0) {
		char *v = trim(line);

		if (*v && *v != '#')
			rc = add_allow(c, v);
	}
	if (rc == AWSMASK_OK && ferror(f))
		rc = am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot read allow file '%s'", path);
	free(line);
	fclose(f);
	return rc;
}

/*
 * Patterns files: one custom kind a line, "NAME PREFIX REGEX", fields
 * separated by blanks; the regex is the rest of the line.  Blank lines
 * and lines starting with '#' are skipped.  Everything is checked here,
 * when the configuration is read, so that a bad file stops the tool
 * before it reads any input.
 */
#define CUSTOM_NAME_MAX 64
#define CUSTOM_PREFIX_MAX 32

static int
custom_name_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > CUSTOM_NAME_MAX || p[0] == '-' || p[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]) && p[i] != '-')
			return 0;
	return 1;
}

static int
custom_prefix_ok(const char *p, size_t n)
{
	size_t i;

	if (n < 2 || n > CUSTOM_PREFIX_MAX || !isupper((unsigned char)p[0]) ||
	    p[n - 1] == '_')
		return 0;
	for (i = 0; i < n; i++)
		if (!isupper((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]) && p[i] != '_')
			return 0;
	return 1;
}

/* Does `word` name a built-in kind, by name or prefix (as --types would)? */
static const struct am_kind *
builtin_named(const char *word)
{
	size_t i;

	for (i = 0; i < am_nkinds; i++)
		if (!strcasecmp(am_kinds[i].name, word) ||
		    (am_kinds[i].prefix && !strcasecmp(am_kinds[i].prefix, word)))
			return &am_kinds[i];
	return NULL;
}

/*
 * Check one line's kind and append it to *rows: its strings go in one
 * allocation, name first.  `where` is "FILE:LINE: ".
 */
static int
custom_parse(struct am_config *c, char *line, const char *where,
    const char *path, unsigned long lineno, struct am_kind **rows,
    size_t *nrows)
{
	char *name = line, *prefix, *re, *blk;
	size_t nn, np, nr, nd, i;
	struct am_kind *k;
	PCRE2_SIZE erroff;
	size_t minlen = 0;
	pcre2_code *code;
	int errcode;
	char desc[300];

	nn = strcspn(name, " \t");
	prefix = name + nn + strspn(name + nn, " \t");
	np = strcspn(prefix, " \t");
	re = prefix + np + strspn(prefix + np, " \t");
	nr = strlen(re);
	if (!nn || !np || !nr)
		return am_seterr(&c->err, AWSMASK_ECONFIG,
		    "%sexpected NAME PREFIX REGEX", where);
	name[nn] = '\0';
	prefix[np] = '\0';
	if (!custom_name_ok(name, nn) || !strcmp(name, "all"))
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%sbad kind name "
		    "'%.*s': expected a-z, 0-9 and '-', at most %d", where,
		    (int)(nn > 64 ? 64 : nn), name, CUSTOM_NAME_MAX);
	if (builtin_named(name))
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%skind name '%s' "
		    "is taken by a built-in kind or token prefix", where, name);
	for (i = 0; i < *nrows; i++)
		if (!strcmp((*rows)[i].name, name))
			return am_seterr(&c->err, AWSMASK_ECONFIG, "%skind '%s' "
			    "is defined twice", where, name);
	if (!strcmp(prefix, "LITERAL"))
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%stoken prefix "
		    "'LITERAL' is reserved for text that looks like a token",
		    where);
	if (!custom_prefix_ok(prefix, np))
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%sbad token prefix "
		    "'%.*s' for kind %s: expected A-Z, 0-9 and '_', 2 to %d, "
		    "starting with a letter, not ending with '_'", where,
		    (int)(np > 64 ? 64 : np), prefix, name, CUSTOM_PREFIX_MAX);
	for (i = 0; i < am_nkinds; i++)
		if (!strcasecmp(am_kinds[i].name, prefix))
			return am_seterr(&c->err, AWSMASK_ECONFIG, "%stoken prefix "
			    "'%s' is the name of a built-in kind", where, prefix);
	code = pcre2_compile((PCRE2_SPTR)re, nr, AM_CUSTOM_PCRE2_OPTIONS,
	    &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%sbad pattern for "
		    "kind %s: %s at offset %zu", where, name, msg,
		    (size_t)erroff);
	}
	pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen);
	pcre2_code_free(code);
	if (minlen == 0)
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%sbad pattern for "
		    "kind %s: it can match the empty string", where, name);
	snprintf(desc, sizeof(desc), "custom kind (%s:%lu)", path, lineno);
	nd = strlen(desc);
	k = am_realloc(*rows, (*nrows + 1) * sizeof(**rows));
	if (!k)
		return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
	*rows = k;
	blk = am_malloc(nn + np + nr + nd + 4);
	if (!blk)
		return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
	k = &(*rows)[(*nrows)++];
	memset(k, 0, sizeof(*k));
	k->name = memcpy(blk, name, nn + 1);
	k->prefix = memcpy(blk + nn + 1, prefix, np + 1);
	k->pattern = memcpy(blk + nn + np + 2, re, nr + 1);
	k->description = memcpy(blk + nn + np + nr + 3, desc, nd + 1);
	return AWSMASK_OK;
}

/*
 * Read a patterns file whole, then add its kinds: a kind of an earlier
 * file with the same name is replaced (a later source wins, as for
 * every key), so naming one file in two places is harmless.
 */
static int
load_patterns_file(struct am_config *c, const char *path)
{
	struct am_kind *rows = NULL, *all;
	size_t nrows = 0, i, j, n;
	unsigned long lineno = 0;
	char *line = NULL, where[512];
	size_t cap = 0;
	FILE *f;
	int rc = AWSMASK_OK;

	f = fopen(path, "r");
	if (!f)
		return am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot open patterns file '%s'", path);
	if ((rc = trust_file(c, f, path, "patterns file", NULL))) {
		fclose(f);
		return rc;
	}
	while (rc == AWSMASK_OK && getline(&line, &cap, f) >= 0) {
		char *v = trim(line);

		lineno++;
		if (!*v || *v == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%lu: ", path, lineno);
		rc = custom_parse(c, v, where, path, lineno, &rows, &nrows);
	}
	if (rc == AWSMASK_OK && ferror(f))
		rc = am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot read patterns file '%s'", path);
	free(line);
	fclose(f);
	n = c->ncustom;
	if (rc == AWSMASK_OK) {
		for (i = 0; i < nrows; i++)
			for (j = 0; j < c->ncustom; j++)
				if (!strcmp(rows[i].name, c->custom[j].name))
					n--;
		if (n + nrows > AM_CUSTOM_MAX)
			rc = am_seterr(&c->err, AWSMASK_ECONFIG, "%s: too many "
			    "custom kinds (at most %d)", path, AM_CUSTOM_MAX);
	}
	if (rc == AWSMASK_OK) {
		all = am_realloc(c->custom, (c->ncustom + nrows + 1) *
		    sizeof(*all));
		if (!all)
			rc = am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
		else
			c->custom = all;
	}
	if (rc) {
		for (i = 0; i < nrows; i++)
			am_free((char *)rows[i].name);
		am_free(rows);
		return rc;
	}
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < c->ncustom; j++)
			if (!strcmp(rows[i].name, c->custom[j].name))
				break;
		if (j < c->ncustom)
			am_free((char *)c->custom[j].name);
		else
			c->ncustom++;
		c->custom[j] = rows[i];
	}
	am_free(rows);
	return AWSMASK_OK;
}

/*
 * The digest key (token_key_file): the file's bytes, a final newline
 * dropped.  It must be ours, writable and readable by nobody else: with
 * it anyone can test a guess of what a digest token hides.
 */
#define KEY_MIN AM_TOKEN_KEY_MIN
#define KEY_MAX 4096

static char *
load_key_file(struct am_config *c, const char *path, const char *where)
{
	char buf[KEY_MAX + 2], *key;
	struct stat sb;
	ssize_t n, got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		am_seterr_errno(&c->err, AWSMASK_ECONFIG, "%scannot open token "
		    "key file '%s'", where, path);
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || am_trust_path(path, "token key file", NULL,
	    &c->err) || am_trust_stat(path, &sb, "token key file", &c->err)) {
		if (!c->err.code)
			am_seterr_errno(&c->err, AWSMASK_ECONFIG, "%scannot "
			    "read token key file '%s'", where, path);
		close(fd);
		return NULL;
	}
	if (sb.st_mode & 044) {
		close(fd);
		am_seterr(&c->err, AWSMASK_ECONFIG, "%stoken key file '%s' is "
		    "readable by others (mode %04o): refusing to use it; "
		    "chmod 600 it", where, path, (unsigned)(sb.st_mode & 07777));
		return NULL;
	}
	while ((size_t)got < sizeof(buf) && (n = read(fd, buf + got,
	    sizeof(buf) - (size_t)got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			explicit_bzero(buf, sizeof(buf));
			am_seterr_errno(&c->err, AWSMASK_ECONFIG, "%scannot read "
			    "token key file '%s'", where, path);
			close(fd);
			return NULL;
		}
		got += n;
	}
	close(fd);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	if (got < KEY_MIN || got > KEY_MAX || memchr(buf, '\0', (size_t)got)) {
		explicit_bzero(buf, sizeof(buf));
		am_seterr(&c->err, AWSMASK_ECONFIG, "%stoken key file '%s': "
		    "expected %d to %d bytes of key (no NUL)", where, path,
		    KEY_MIN, KEY_MAX);
		return NULL;
	}
	key = am_strndup(buf, (size_t)got);
	explicit_bzero(buf, sizeof(buf));
	if (!key)
		am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
	return key;
}

static int
config_set(struct am_config *c, const char *key, const char *value,
    const char *where)
{
	const struct cfg_key *k = find_key(key);
	long long n;
	int b;
	char *s;

	if (!k)
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%sunknown key '%s'",
		    where, key);
	if ((k->off == OFF(types) || k->off == OFF(exclude_types)) &&
	    k->type == T_STR &&
	    am_kind_list_check(value, c->custom, c->ncustom, &c->err)) {
		char why[sizeof(c->err.msg)];

		snprintf(why, sizeof(why), "%s", c->err.msg);
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%s%s", where, why);
	}
	switch (k->type) {
	case T_STR:
	case T_SECRET:
		s = am_strdup(value);
		if (!s)
			return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
		free_secret((char **)((char *)c + k->off));
		*(char **)((char *)c + k->off) = s;
		break;
	case T_KEYFILE:
		if (!(s = load_key_file(c, value, where)))
			return c->err.code;
		free_secret((char **)((char *)c + k->off));
		*(char **)((char *)c + k->off) = s;
		break;
	case T_STYLE:
		if (!strcasecmp(value, "counter"))
			c->token_style = AM_TOKEN_COUNTER;
		else if (!strcasecmp(value, "digest"))
			c->token_style = AM_TOKEN_DIGEST;
		else
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sbad value for '%s': expected counter or digest",
			    where, k->name);
		break;
	case T_BOOL:
		if (parse_bool(value, &b) < 0)
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sbad value for '%s': expected true or false",
			    where, k->name);
		*(int *)((char *)c + k->off) = b;
		break;
	case T_INT:
	case T_DURATION:
		if (parse_number(value, k->type == T_DURATION, &n) < 0 ||
		    n < k->min || n > k->max)
			/* Never the value: a password typed in the wrong
			 * place would end up in a log. */
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sbad value for '%s' (%zu characters): expected %s "
			    "from %lld to %lld", where, k->name, strlen(value),
			    k->type == T_DURATION ? "seconds, or a number with "
			    "s, m, h or d," : "a whole number", k->min, k->max);
		if (k->off == OFF(ttl) || k->off == OFF(max_entries) ||
		    k->off == OFF(min_idle))
			*(long long *)((char *)c + k->off) = n;
		else
			*(int *)((char *)c + k->off) = (int)n;
		break;
	case T_ALLOW:
		return add_allow(c, value);
	case T_ALLOWFILE:
		return load_allow_file(c, value);
	case T_FORMAT:
		if ((b = awsmask_format_parse(value)) < 0)
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sbad value for '%s': expected auto, text, json or "
			    "ndjson", where, k->name);
		c->format = b;
		break;
	case T_PATTERNS:
		return load_patterns_file(c, value);
	}
	am_free(c->store_name);
	c->store_name = NULL;
	return AWSMASK_OK;
}

int
awsmask_config_set(struct awsmask_config *cfg, const char *key,
    const char *value)
{
	if (!cfg || !key || !value)
		return AWSMASK_EINVAL;
	return config_set(&cfg->c, key, value, "");
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
am_config_parse(struct am_config *c, FILE *f, const char *path,
    int *secrets)
{
	char *line = NULL, where[512];
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = AWSMASK_OK, pass;

	*secrets = 0;
	/*
	 * Two passes: the patterns files first, so that `types` may name
	 * their kinds wherever it stands in the file.
	 */
	for (pass = 0; pass < 2 && rc == AWSMASK_OK; pass++) {
		rewind(f);
		lineno = 0;
		while (rc == AWSMASK_OK && getline(&line, &cap, f) >= 0) {
			const struct cfg_key *key;
			char *k, *v, *eq;
			size_t n;

			lineno++;
			k = trim(line);
			if (!*k || *k == '#' || *k == ';')
				continue;
			snprintf(where, sizeof(where), "%s:%lu: ", path, lineno);
			eq = strchr(k, '=');
			if (!eq) {
				if (pass == 0)
					continue;
				rc = am_seterr(&c->err, AWSMASK_ECONFIG,
				    "%sexpected key = value", where);
				break;
			}
			*eq = '\0';
			k = trim(k);
			key = find_key(k);
			if ((key && key->type == T_PATTERNS) != (pass == 0))
				continue;
			v = trim(eq + 1);
			n = strlen(v);
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') &&
			    v[n - 1] == v[0]) {
				v[n - 1] = '\0';
				v++;
			}
			rc = config_set(c, k, v, where);
			if (key && holds_secret(key, v))
				(*secrets)++;
		}
	}
	if (rc == AWSMASK_OK && ferror(f))
		rc = am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot read '%s'", path);
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	return rc;
}

int
awsmask_config_load_file(struct awsmask_config *cfg, const char *path,
    int must_exist)
{
	struct am_config *c = &cfg->c;
	FILE *f;
	int rc, readable = 0, secrets = 0;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return AWSMASK_OK;
		return am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot open '%s'", path);
	}
	if ((rc = trust_file(c, f, path, "configuration file", &readable))) {
		fclose(f);
		return rc;
	}
	rc = am_config_parse(c, f, path, &secrets);
	if (rc == AWSMASK_OK && secrets && readable)
		config_warn(c, "warning: '%s' holds a password or key and is "
		    "readable by others; chmod go-r it", path);
	fclose(f);
	return rc;
}

int
awsmask_config_load_env(struct awsmask_config *cfg)
{
	char where[80];
	size_t i;
	int rc;

	/* AWSMASK_PATTERNS first, for the kinds AWSMASK_TYPES may name. */
	for (i = 0; i < 2 * AM_ARRAY_SIZE(keys); i++) {
		const struct cfg_key *k = &keys[i % AM_ARRAY_SIZE(keys)];
		const char *v;

		if ((k->type == T_PATTERNS) != (i < AM_ARRAY_SIZE(keys)) ||
		    !k->env || !(v = getenv(k->env)) || !*v)
			continue;
		snprintf(where, sizeof(where), "environment %s: ", k->env);
		rc = config_set(&cfg->c, k->name, v, where);
		if (rc)
			return rc;
	}
	return AWSMASK_OK;
}

int
awsmask_config_load_standard(struct awsmask_config *cfg, const char *file)
{
	const char *sys = getenv("AWSMASK_SYSCONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char path[4096];
	int rc;

	if (file)
		rc = awsmask_config_load_file(cfg, file, 1);
	else {
		rc = awsmask_config_load_file(cfg,
		    sys && *sys ? sys : SYSCONFDIR "/awsmask.conf", 0);
		if (rc)
			return rc;
		path[0] = '\0';
		if (xdg && *xdg)
			snprintf(path, sizeof(path), "%s/awsmask/config", xdg);
		else if (home && *home)
			snprintf(path, sizeof(path), "%s/.config/awsmask/config",
			    home);
		if (*path)
			rc = awsmask_config_load_file(cfg, path, 0);
	}
	return rc ? rc : awsmask_config_load_env(cfg);
}

char *
am_config_state_dir(const struct am_config *c)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct am_buf b = AM_BUF_INIT;

	if (c->state_dir && *c->state_dir)
		am_buf_addstr(&b, c->state_dir);
	else if (xdg && *xdg)
		am_buf_addf(&b, "%s/awsmask", xdg);
	else
		am_buf_addf(&b, "%s/.local/state/awsmask",
		    home && *home ? home : ".");
	return am_buf_release(&b, NULL);
}

/*
 * The store to open.  An explicit URI wins; then Redis when USE_REDIS
 * says so or REDIS_HOST is set; else the embedded default.
 */
char *
am_config_store_uri(const struct am_config *c, int with_password)
{
	struct am_buf b = AM_BUF_INIT;
	char *dir;

	if (c->store_uri && *c->store_uri) {
		return with_password ? am_strdup(c->store_uri) :
		    am_store_redact_uri(c->store_uri);
	}
	if (c->use_redis == 1 || (c->use_redis == -1 && c->redis_host &&
	    *c->redis_host)) {
		const char *h = c->redis_host && *c->redis_host ?
		    c->redis_host : "127.0.0.1";

		am_buf_addf(&b, strchr(h, ':') ? "redis://[%s]:%d/%d" :
		    "redis://%s:%d/%d", h, c->redis_port, c->redis_db);
		return am_buf_release(&b, NULL);
	}
	dir = am_config_state_dir(c);
	if (!dir)
		return NULL;
	am_buf_addf(&b, "sqlite:%s/mappings.db", dir);
	am_free(dir);
	return am_buf_release(&b, NULL);
}

const char *
awsmask_config_store_name(const struct awsmask_config *cfg)
{
	struct am_config *c = (struct am_config *)&cfg->c;

	if (!c->store_name)
		c->store_name = am_config_store_uri(c, 0);
	return c->store_name ? c->store_name : "(unknown)";
}

/* The input formats' names, as --format and the format key take them. */
int
awsmask_format_parse(const char *name)
{
	static const char *const names[] = { "auto", "text", "json", "ndjson" };
	size_t i;

	for (i = 0; name && i < AM_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *
awsmask_format_name(int format)
{
	switch (format) {
	case AWSMASK_FORMAT_AUTO:
		return "auto";
	case AWSMASK_FORMAT_TEXT:
		return "text";
	case AWSMASK_FORMAT_JSON:
		return "json";
	case AWSMASK_FORMAT_NDJSON:
		return "ndjson";
	}
	return NULL;
}
