/*
 * config.c - configuration: defaults, key=value files, the environment.
 *
 * Precedence is the order of application: defaults, system file, user
 * file, environment, then the tool's flags through awsmask_config_set().
 * Every source goes through config_set(), so a key means the same thing
 * wherever it is written.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum cfg_type { T_STR, T_INT, T_BOOL, T_DURATION, T_ALLOW, T_ALLOWFILE };

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
	{ "allow_file", NULL, T_ALLOWFILE, 0, 0, 0 },
	{ "awsmask_prefix", NULL, T_STR, OFF(ns), 0, 0 },
	{ "exclude_types", "AWSMASK_EXCLUDE_TYPES", T_STR, OFF(exclude_types), 0, 0 },
	{ "masking_max_entries", "MASKING_MAX_ENTRIES", T_INT, OFF(max_entries), 0, LLONG_MAX },
	{ "masking_ttl", "MASKING_TTL", T_DURATION, OFF(ttl), 1, 100LL * 365 * 86400 },
	{ "namespace", "AWSMASK_PREFIX", T_STR, OFF(ns), 0, 0 },
	{ "preserve_structure", NULL, T_BOOL, OFF(preserve_structure), 0, 1 },
	{ "redis_db", "REDIS_DB", T_INT, OFF(redis_db), 0, 1000000 },
	{ "redis_fallback", "REDIS_FALLBACK", T_BOOL, OFF(redis_fallback), 0, 1 },
	{ "redis_host", "REDIS_HOST", T_STR, OFF(redis_host), 0, 0 },
	{ "redis_password", "REDIS_PASSWORD", T_STR, OFF(redis_password), 0, 0 },
	{ "redis_port", "REDIS_PORT", T_INT, OFF(redis_port), 1, 65535 },
	{ "redis_timeout", "REDIS_TIMEOUT", T_INT, OFF(timeout_ms), 1, 3600000 },
	{ "redis_user", "REDIS_USER", T_STR, OFF(redis_user), 0, 0 },
	{ "state_dir", "AWSMASK_STATE_DIR", T_STR, OFF(state_dir), 0, 0 },
	{ "store", "AWSMASK_STORE", T_STR, OFF(store_uri), 0, 0 },
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
	cfg->c.timeout_ms = 2000;
	cfg->c.ttl = 604800;
	cfg->c.preserve_structure = 1;
	cfg->c.ns = am_strdup("aws:");
	if (!cfg->c.ns) {
		awsmask_config_free(cfg);
		return AWSMASK_ENOMEM;
	}
	*out = cfg;
	return AWSMASK_OK;
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
	if (c->redis_password) {
		explicit_bzero(c->redis_password, strlen(c->redis_password));
		am_free(c->redis_password);
	}
	am_free(c->ns);
	am_free(c->types);
	am_free(c->exclude_types);
	for (i = 0; i < c->nallow; i++)
		am_free(c->allow[i]);
	am_free(c->allow);
	am_free(c->state_dir);
	am_free(c->store_name);
	am_free(cfg);
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
	    am_kind_list_check(value, &c->err)) {
		char why[sizeof(c->err.msg)];

		snprintf(why, sizeof(why), "%s", c->err.msg);
		return am_seterr(&c->err, AWSMASK_ECONFIG, "%s%s", where, why);
	}
	switch (k->type) {
	case T_STR:
		s = am_strdup(value);
		if (!s)
			return am_seterr(&c->err, AWSMASK_ENOMEM, "out of memory");
		if (*(char **)((char *)c + k->off) && !strcmp(k->name, "redis_password"))
			explicit_bzero(*(char **)((char *)c + k->off),
			    strlen(*(char **)((char *)c + k->off)));
		am_free(*(char **)((char *)c + k->off));
		*(char **)((char *)c + k->off) = s;
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
			return am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sbad value for '%s': '%s'", where, k->name,
			    strcmp(k->name, "redis_password") ? value : "***");
		if (k->off == OFF(ttl) || k->off == OFF(max_entries))
			*(long long *)((char *)c + k->off) = n;
		else
			*(int *)((char *)c + k->off) = (int)n;
		break;
	case T_ALLOW:
		return add_allow(c, value);
	case T_ALLOWFILE:
		return load_allow_file(c, value);
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
awsmask_config_load_file(struct awsmask_config *cfg, const char *path,
    int must_exist)
{
	struct am_config *c = &cfg->c;
	char *line = NULL, where[512];
	size_t cap = 0;
	unsigned long lineno = 0;
	FILE *f;
	int rc = AWSMASK_OK;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return AWSMASK_OK;
		return am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot open '%s'", path);
	}
	while (rc == AWSMASK_OK && getline(&line, &cap, f) >= 0) {
		char *k, *v, *eq;
		size_t n;

		lineno++;
		k = trim(line);
		if (!*k || *k == '#' || *k == ';')
			continue;
		snprintf(where, sizeof(where), "%s:%lu: ", path, lineno);
		eq = strchr(k, '=');
		if (!eq) {
			rc = am_seterr(&c->err, AWSMASK_ECONFIG,
			    "%sexpected key = value", where);
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		n = strlen(v);
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v[n - 1] = '\0';
			v++;
		}
		rc = config_set(c, k, v, where);
	}
	if (rc == AWSMASK_OK && ferror(f))
		rc = am_seterr_errno(&c->err, AWSMASK_ECONFIG,
		    "cannot read '%s'", path);
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

int
awsmask_config_load_env(struct awsmask_config *cfg)
{
	char where[80];
	size_t i;
	int rc;

	for (i = 0; i < AM_ARRAY_SIZE(keys); i++) {
		const char *v;

		if (!keys[i].env || !(v = getenv(keys[i].env)) || !*v)
			continue;
		snprintf(where, sizeof(where), "environment %s: ", keys[i].env);
		rc = config_set(&cfg->c, keys[i].name, v, where);
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
		if (with_password)
			return am_strdup(c->store_uri);
		/* Hide a password in user:pass@ (scheme://user:pass@host). */
		const char *s = strstr(c->store_uri, "://");
		const char *at = s ? strchr(s + 3, '@') : NULL;
		const char *colon = s ? memchr(s + 3, ':', at ? (size_t)(at - s - 3) : 0) : NULL;

		if (!at || !colon)
			return am_strdup(c->store_uri);
		am_buf_add(&b, c->store_uri, (size_t)(colon - c->store_uri));
		am_buf_addstr(&b, ":***");
		am_buf_addstr(&b, at);
		return am_buf_release(&b, NULL);
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
