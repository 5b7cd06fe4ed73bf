/*
 * awsmask-stats - what the mapping store holds and whether it is
 * healthy: a table for people, --json for scripts, --prometheus for
 * node_exporter's textfile collector.
 */
#include "cli.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_JSON = 256, OPT_NAMESPACE, OPT_PASSWORD_FILE, OPT_PROMETHEUS,
	OPT_TTL,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "output", required_argument, NULL, 'o' },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "store", required_argument, NULL, 's' },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: awsmask-stats [-qvV] [-C file] [-o file] [-s uri] [--json | --prometheus]\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  -h, --help               print this help and exit\n"
"  --json                   print one JSON object (see awsmask-stats(1))\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  -o, --output FILE        write to FILE, whole or not at all\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  --prometheus             print node_exporter's text format\n"
"  -q, --quiet              print no warnings and no progress\n"
"  -s, --store URI          memory:, sqlite:PATH, redis[-cluster]://, unix://\n"
"  --ttl DURATION           mapping lifetime: seconds or Ns, Nm, Nh, Nd (7d)\n"
"  -v, --verbose            say how long counting took\n"
"  -V, --version            print the version and exit\n";

enum format { TABLE, JSON, PROMETHEUS };

struct opts {
	const char *config;
	const char *password_file;
	const char *output;
	struct cli_setting set[16];
	size_t nset;
	enum format format;
	int verbose;
};

static _Noreturn void
usage(int code)
{
	cli_usage(usage_text, code);
}

/* A JSON string, or null. */
static void
json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A number known (>= 0), or null. */
static void
json_num(FILE *f, long long n)
{
	if (n < 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", n);
}

static const char *
breaker_state(const struct awsmask_stats *s)
{
	return s->breaker > 0 ? "open" : s->breaker == 0 ? "closed" : "none";
}

static const char *
eviction_warning(void)
{
	return "maxmemory-policy may evict mapping keys: an evicted half "
	    "breaks a mapping (set it to noeviction)";
}

static void
print_json(FILE *f, const struct awsmask_stats *s)
{
	const struct awsmask_processing *p = &s->processing;
	size_t i;

	fputs("{\"version\":1,\"store\":{\"name\":", f);
	json_str(f, s->store);
	fputs(",\"backend\":", f);
	json_str(f, s->backend);
	fputs(",\"id\":", f);
	json_str(f, s->id);
	fprintf(f, ",\"up\":%s,\"error\":", s->up ? "true" : "false");
	json_str(f, s->up ? NULL : s->error);
	fputs(",\"latency_ms\":", f);
	if (s->up)
		fprintf(f, "%.3f", s->latency_ms);
	else
		fputs("null", f);
	fputs(",\"used_memory\":", f);
	json_num(f, s->used_memory);
	fputs(",\"maxmemory\":", f);
	json_num(f, s->maxmemory);
	fputs(",\"maxmemory_policy\":", f);
	json_str(f, s->maxmemory_policy);
	fputs(",\"evicted_keys\":", f);
	json_num(f, s->evicted_keys);
	fputs(",\"size_bytes\":", f);
	json_num(f, s->size_bytes);
	fprintf(f, ",\"eviction_risk\":%s}", s->eviction_risk ? "true" : "false");
	if (!s->up)
		fputs(",\"mappings\":null,\"kinds\":{},\"orphans\":null,"
		    "\"expired\":null,\"total_created\":null,\"daily\":{},"
		    "\"cache\":null,\"processing\":null", f);
	else {
		fprintf(f, ",\"mappings\":%llu,\"kinds\":{", s->mappings);
		for (i = 0; i < s->nkinds; i++) {
			fputs(i ? "," : "", f);
			json_str(f, s->kinds[i].name);
			fprintf(f, ":%llu", s->kinds[i].n);
		}
		fprintf(f, "},\"orphans\":%llu,\"expired\":%llu,"
		    "\"total_created\":%llu,\"daily\":{", s->orphans, s->expired,
		    s->total_created);
		for (i = 0; i < s->ndaily; i++) {
			fputs(i ? "," : "", f);
			json_str(f, s->daily[i].name);
			fprintf(f, ":%llu", s->daily[i].n);
		}
		fprintf(f, "},\"cache\":{\"hits\":%llu,\"misses\":%llu},",
		    s->cache_hits, s->cache_misses);
		fprintf(f, "\"processing\":{\"mask\":{\"runs\":%llu,"
		    "\"bytes\":%llu,\"identifiers\":%llu,\"cpu_seconds\":%.6f},"
		    "\"unmask\":{\"runs\":%llu,\"bytes\":%llu,\"tokens\":%llu,"
		    "\"unknown\":%llu,\"cpu_seconds\":%.6f}}", p->mask_runs,
		    p->mask_bytes, p->mask_identifiers, p->mask_cpu_us / 1e6,
		    p->unmask_runs, p->unmask_bytes, p->unmask_tokens,
		    p->unmask_unknown, p->unmask_cpu_us / 1e6);
	}
	fprintf(f, ",\"breaker\":{\"state\":\"%s\",\"age_seconds\":",
	    breaker_state(s));
	json_num(f, s->breaker > 0 ? s->breaker_age : -1);
	fprintf(f, "},\"ttl_seconds\":%lld,\"granularity_seconds\":%lld,"
	    "\"seconds\":%.3f,\"warnings\":[", s->ttl, s->granularity,
	    s->seconds);
	if (s->eviction_risk)
		json_str(f, eviction_warning());
	fputs("]}\n", f);
}

/* A Prometheus label value: \, " and newline escaped. */
static void
prom_label(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
prom_one(FILE *f, const char *name, const char *type, const char *help,
    double v)
{
	prom_head(f, name, type, help);
	fprintf(f, "%s %.9g\n", name, v);
}

static void
print_prometheus(FILE *f, const struct awsmask_stats *s)
{
	const struct awsmask_processing *p = &s->processing;
	size_t i;

	prom_head(f, "awsmask_store_info", "gauge",
	    "The mapping store: its backend and name (always 1).");
	fputs("awsmask_store_info{backend=\"", f);
	prom_label(f, s->backend);
	fputs("\",store=\"", f);
	prom_label(f, s->store);
	fputs("\"} 1\n", f);
	prom_one(f, "awsmask_store_up", "gauge",
	    "Whether the mapping store answered (1) or not (0).", s->up);
	if (s->breaker >= 0) {
		prom_one(f, "awsmask_breaker_open", "gauge", "Whether the "
		    "circuit breaker skips the Redis store after a failure.",
		    s->breaker > 0);
		if (s->breaker > 0)
			prom_one(f, "awsmask_breaker_age_seconds", "gauge",
			    "Seconds since the failure that opened the breaker.",
			    (double)s->breaker_age);
	}
	prom_one(f, "awsmask_stats_duration_seconds", "gauge",
	    "How long awsmask-stats took to count.", s->seconds);
	if (!s->up)
		return;
	prom_one(f, "awsmask_store_latency_seconds", "gauge",
	    "Median round trip to the store.", s->latency_ms / 1e3);
	if (s->used_memory >= 0)
		prom_one(f, "awsmask_store_used_memory_bytes", "gauge",
		    "Memory Redis uses (all keys, not only awsmask's).",
		    (double)s->used_memory);
	if (s->maxmemory >= 0)
		prom_one(f, "awsmask_store_maxmemory_bytes", "gauge",
		    "Redis maxmemory (0: no limit).", (double)s->maxmemory);
	if (s->evicted_keys >= 0)
		prom_one(f, "awsmask_store_evicted_keys_total", "counter",
		    "Keys Redis evicted since it started.",
		    (double)s->evicted_keys);
	if (s->maxmemory_policy)
		prom_one(f, "awsmask_store_eviction_risk", "gauge",
		    "Whether Redis may evict mapping keys (maxmemory set and "
		    "a policy other than noeviction).", s->eviction_risk);
	if (s->size_bytes >= 0)
		prom_one(f, "awsmask_store_size_bytes", "gauge",
		    "Size of the embedded store's files.",
		    (double)s->size_bytes);
	prom_one(f, "awsmask_store_mappings", "gauge",
	    "Live mappings: pairs whose two directions agree.",
	    (double)s->mappings);
	prom_head(f, "awsmask_mappings", "gauge",
	    "Live mappings of one token prefix.");
	for (i = 0; i < s->nkinds; i++) {
		fputs("awsmask_mappings{kind=\"", f);
		prom_label(f, s->kinds[i].name);
		fprintf(f, "\"} %llu\n", s->kinds[i].n);
	}
	prom_one(f, "awsmask_orphans", "gauge",
	    "Halves of a mapping without their other direction.",
	    (double)s->orphans);
	prom_one(f, "awsmask_expired", "gauge",
	    "Embedded store rows past their expiry, left for cleanup.",
	    (double)s->expired);
	prom_one(f, "awsmask_mappings_created_total", "counter",
	    "Mappings ever created.", (double)s->total_created);
	prom_one(f, "awsmask_mappings_created_today", "gauge",
	    "Mappings created since 00:00 UTC.", (double)s->created_today);
	prom_one(f, "awsmask_cache_hits_total", "counter",
	    "awsmask-claude response cache hits.", (double)s->cache_hits);
	prom_one(f, "awsmask_cache_misses_total", "counter",
	    "awsmask-claude response cache misses.", (double)s->cache_misses);
	prom_head(f, "awsmask_runs_total", "counter",
	    "awsmask and awsunmask runs that used the store.");
	fprintf(f, "awsmask_runs_total{direction=\"mask\"} %llu\n"
	    "awsmask_runs_total{direction=\"unmask\"} %llu\n", p->mask_runs,
	    p->unmask_runs);
	prom_head(f, "awsmask_bytes_total", "counter",
	    "Bytes read by those runs.");
	fprintf(f, "awsmask_bytes_total{direction=\"mask\"} %llu\n"
	    "awsmask_bytes_total{direction=\"unmask\"} %llu\n", p->mask_bytes,
	    p->unmask_bytes);
	prom_head(f, "awsmask_cpu_seconds_total", "counter",
	    "CPU time of those runs while masking or unmasking.");
	fprintf(f, "awsmask_cpu_seconds_total{direction=\"mask\"} %.6f\n"
	    "awsmask_cpu_seconds_total{direction=\"unmask\"} %.6f\n",
	    p->mask_cpu_us / 1e6, p->unmask_cpu_us / 1e6);
	prom_one(f, "awsmask_identifiers_masked_total", "counter",
	    "Identifiers replaced by tokens.", (double)p->mask_identifiers);
	prom_one(f, "awsmask_tokens_unmasked_total", "counter",
	    "Tokens put back.", (double)p->unmask_tokens);
	prom_one(f, "awsmask_tokens_unknown_total", "counter",
	    "Tokens left as they were: unknown or expired.",
	    (double)p->unmask_unknown);
}

/* 1536 -> "1.5 KiB". */
static const char *
human(long long n, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lld B", n);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

#define ROW "%-12s "

static void
print_table(FILE *f, const struct awsmask_stats *s)
{
	const struct awsmask_processing *p = &s->processing;
	char a[32], b[32];
	size_t i, w = 0;

	fprintf(f, ROW "%s (%s)\n", "store", s->store, s->backend);
	if (!s->up) {
		fprintf(f, ROW "down: %s\n", "status", s->error);
		fprintf(f, ROW "%s\n", "breaker", breaker_state(s));
		return;
	}
	fprintf(f, ROW "up, %.3f ms a round trip\n", "status", s->latency_ms);
	if (s->id)
		fprintf(f, ROW "%s\n", "identity", s->id);
	if (s->used_memory >= 0)
		fprintf(f, ROW "%s used, %s, policy %s, %lld keys evicted\n",
		    "memory", human(s->used_memory, a, sizeof(a)),
		    s->maxmemory > 0 ? human(s->maxmemory, b, sizeof(b)) :
		    "no limit", s->maxmemory_policy ? s->maxmemory_policy : "?",
		    s->evicted_keys);
	if (s->size_bytes >= 0)
		fprintf(f, ROW "%s\n", "size", human(s->size_bytes, a, sizeof(a)));
	fprintf(f, ROW "%llu live", "mappings", s->mappings);
	if (s->orphans)
		fprintf(f, ", %llu orphaned halves", s->orphans);
	if (s->expired)
		fprintf(f, ", %llu expired rows", s->expired);
	fputc('\n', f);
	fprintf(f, ROW "%llu in all, %llu today\n", "created",
	    s->total_created, s->created_today);
	fprintf(f, ROW "%llu runs, %s, %llu identifiers, %.2f s CPU\n",
	    "masked", p->mask_runs, human((long long)p->mask_bytes, a,
	    sizeof(a)), p->mask_identifiers, p->mask_cpu_us / 1e6);
	fprintf(f, ROW "%llu runs, %s, %llu tokens (%llu unknown), "
	    "%.2f s CPU\n", "unmasked", p->unmask_runs,
	    human((long long)p->unmask_bytes, a, sizeof(a)), p->unmask_tokens,
	    p->unmask_unknown, p->unmask_cpu_us / 1e6);
	if (s->cache_hits || s->cache_misses)
		fprintf(f, ROW "%llu hits, %llu misses\n", "cache",
		    s->cache_hits, s->cache_misses);
	if (s->breaker > 0)
		fprintf(f, ROW "open (failed %lld s ago)\n", "breaker",
		    s->breaker_age);
	else if (s->breaker == 0)
		fprintf(f, ROW "closed\n", "breaker");
	if (!s->nkinds)
		return;
	for (i = 0; i < s->nkinds; i++)
		if (strlen(s->kinds[i].name) > w)
			w = strlen(s->kinds[i].name);
	fprintf(f, "kinds\n");
	for (i = 0; i < s->nkinds; i++)
		fprintf(f, "  %-*s %10llu\n", (int)w, s->kinds[i].name,
		    s->kinds[i].n);
}

int
main(int argc, char **argv)
{
	struct awsmask_stats st;
	struct awsmask_config *cfg;
	struct cli_output out;
	struct awsmask *am;
	struct opts o;
	int ch, rc, code;

	setlocale(LC_MESSAGES, "");
	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
#define SET(key, value) \
	cli_set(o.set, &o.nset, sizeof(o.set) / sizeof(o.set[0]), key, value)
	while ((ch = getopt_long(argc, argv, "C:ho:qs:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C': o.config = optarg; break;
		case 'h': usage(EXIT_OK);
		case OPT_JSON: o.format = JSON; break;
		case OPT_NAMESPACE: SET("namespace", optarg); break;
		case 'o': o.output = optarg; break;
		case OPT_PASSWORD_FILE: o.password_file = optarg; break;
		case OPT_PROMETHEUS: o.format = PROMETHEUS; break;
		case 'q': cli_quiet = 1; break;
		case 's': SET("store", optarg); break;
		case OPT_TTL: SET("ttl", optarg); break;
		case 'v': o.verbose = 1; break;
		case 'V':
			printf("awsmask-stats %s\n", AWSMASK_VERSION);
			return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	if (argc > 0) {
		cli_warn("no operands expected");
		usage(EXIT_USAGE);
	}

	am = cli_open(o.config, o.set, o.nset, o.password_file, &cfg);
	cli_catch_signals();
	rc = awsmask_stats(am, &st, cli_progress, NULL);
	cli_progress_end();
	if (st.stopped)
		cli_reraise();
	code = cli_exit_code(rc);
	if (rc && rc != AWSMASK_ESTORE) {
		/* A bad store URI, or out of memory: no figures at all. */
		cli_warn("%s", awsmask_errstr(am));
		awsmask_free(am);
		awsmask_config_free(cfg);
		return code;
	}
	if (!st.up)
		cli_warn("%s", st.error);
	if (st.eviction_risk && !cli_quiet)
		cli_warn("warning: %s", eviction_warning());
	if (o.verbose && st.up)
		cli_warn("%llu mappings counted in %.2f s", st.mappings,
		    st.seconds);
	cli_output_open(&out, o.output);
	switch (o.format) {
	case TABLE: print_table(out.f, &st); break;
	case JSON: print_json(out.f, &st); break;
	case PROMETHEUS: print_prometheus(out.f, &st); break;
	}
	code = cli_output_close(&out, code);
	awsmask_free(am);
	awsmask_config_free(cfg);
	return cli_close_stdout(code);
}
