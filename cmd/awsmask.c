/*
 * awsmask - mask AWS resource identifiers in text.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_ALLOW = 256, OPT_ALLOW_EVICTION, OPT_ALLOW_FILE, OPT_EXCLUDE_TYPES,
	OPT_FORMAT, OPT_LINE_BUFFERED, OPT_LIST_TYPES, OPT_NAMESPACE,
	OPT_NO_PRESERVE, OPT_PASSWORD_FILE, OPT_PATTERNS, OPT_REPORT,
	OPT_STORE_STATUS, OPT_TOKEN_KEY_FILE, OPT_TOKEN_STYLE, OPT_TTL,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "allow-eviction", no_argument, NULL, OPT_ALLOW_EVICTION },
	{ "allow-file", required_argument, NULL, OPT_ALLOW_FILE },
	{ "check", no_argument, NULL, 'c' },
	{ "config", required_argument, NULL, 'C' },
	{ "exclude-types", required_argument, NULL, OPT_EXCLUDE_TYPES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "line-buffered", no_argument, NULL, OPT_LINE_BUFFERED },
	{ "list-types", no_argument, NULL, OPT_LIST_TYPES },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "no-preserve-structure", no_argument, NULL, OPT_NO_PRESERVE },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "patterns", required_argument, NULL, OPT_PATTERNS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "store", required_argument, NULL, 's' },
	{ "store-status", no_argument, NULL, OPT_STORE_STATUS },
	{ "token-key-file", required_argument, NULL, OPT_TOKEN_KEY_FILE },
	{ "token-style", required_argument, NULL, OPT_TOKEN_STYLE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "types", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *config;
	const char *password_file;
	const char *report;
	struct cli_setting set[64];
	size_t nset;
	int check, line_buffered, list_types, store_status, verbose;
};

static const char usage_text[] =
"usage: awsmask [-cqvV] [-C file] [-s uri] [-t types] [options] [file ...]\n"
"  --allow VALUE            never mask VALUE (repeatable)\n"
"  --allow-eviction         use a Redis whose maxmemory-policy may evict keys\n"
"  --allow-file FILE        never mask the values listed in FILE, one a line\n"
"  -c, --check              scan only: report identifiers, exit 1 if any\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  --exclude-types TYPES    kinds (names or prefixes) to leave alone\n"
"  --format FORMAT          input format: auto, text, json or ndjson (auto)\n"
"  -h, --help               print this help and exit\n"
"  --line-buffered          write every line at once\n"
"  --list-types             print the identifier kinds and exit\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  --no-preserve-structure  one token for a whole ARN, URL or hostname\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  --patterns FILE          add the custom kinds of FILE (repeatable)\n"
"  -q, --quiet              print no warnings\n"
"  --report FILE            write what was masked to FILE as JSON lines\n"
"  -s, --store URI          memory:, sqlite:PATH, redis[-cluster]://, unix://\n"
"  --store-status           report the store's reachability and exit\n"
"  --token-key-file FILE    the key of digest tokens (--token-style digest)\n"
"  --token-style STYLE      counter (EC2_001) or digest (EC2_48213907)\n"
"  --ttl DURATION           mapping lifetime: seconds or Ns, Nm, Nh, Nd (7d)\n"
"  -t, --types TYPES        kinds (names or prefixes) to mask\n"
"  -v, --verbose            report what was done on stderr\n"
"  -V, --version            print the version and exit\n";

static _Noreturn void
usage(int code)
{
	cli_usage(usage_text, code);
}

/* --check: count per kind, report lines, never values. */
struct check {
	const char *name;
	unsigned long long total;
	const char *kinds[256];
	unsigned long long counts[256];
	size_t nkinds;
};

static void
found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct check *c = arg;
	size_t i;

	(void)offset;
	c->total++;
	for (i = 0; i < c->nkinds && strcmp(c->kinds[i], kind); i++)
		;
	if (i == c->nkinds && i < 256)
		c->kinds[c->nkinds++] = kind;
	if (i < 256)
		c->counts[i]++;
	if (!cli_quiet)
		fprintf(stderr, "%s: %s:%llu: %s (%s)\n", progname, c->name,
		    line, kind, prefix);
}

static int
list_types(struct awsmask *am)
{
	struct awsmask_kind_info k;
	size_t i, n = awsmask_kind_count(am);

	for (i = 0; i < n; i++) {
		awsmask_kind_get(am, i, &k);
		printf("%s\t%s\t%s\t%s\n", k.name, k.prefix ? k.prefix : "",
		    k.enabled ? "yes" : "no", k.description ? k.description : "");
	}
	return EXIT_OK;
}

static int
store_status(struct awsmask *am)
{
	const char *name, *detail;
	long long age;
	double ms;
	int rc = awsmask_store_status(am, &name, &ms, &detail);

	printf("store: %s\n", name);
	printf("status: %s\n", rc ? "unreachable" : "reachable");
	if (rc)
		printf("error: %s\n", detail);
	else {
		printf("latency_ms: %.3f\n", ms);
		if (strcmp(detail, "reachable"))
			printf("note: %s\n", detail);
	}
	switch (awsmask_store_breaker(am, &age)) {
	case 1:
		printf("breaker: open (failed %lld s ago; skipped for 30 s)\n",
		    age);
		break;
	case 0:
		printf("breaker: closed\n");
		break;
	default:
		printf("breaker: none\n");
		break;
	}
	return rc ? EXIT_UNAVAILABLE : EXIT_OK;
}

/* --report: one JSON line per identifier masked; never the original. */
struct report {
	FILE *f;
	unsigned input;
};

static void
report_line(void *arg, const char *kind, const char *token, size_t toklen,
    unsigned long long offset, unsigned long long length)
{
	struct report *r = arg;

	/* Kind names and tokens are [A-Za-z0-9_-]: nothing to escape. */
	fprintf(r->f, "{\"input\":%u,\"kind\":\"%s\",\"token\":\"%.*s\","
	    "\"offset\":%llu,\"length\":%llu}\n", r->input, kind, (int)toklen,
	    token, offset, length);
}

/* Mask (or check) one input; returns an exit code, dies on store loss. */
static int
do_file(struct awsmask *am, const struct opts *o, const char *path,
    struct check *chk)
{
	const char *name = strcmp(path, "-") ? path : "(standard input)";
	unsigned flags = o->line_buffered ? AWSMASK_LINE_BUFFERED : 0;
	int fd, rc;

	fd = cli_open_input(path);
	if (fd < 0)
		return EXIT_IO;
	if (o->check) {
		chk->name = name;
		rc = awsmask_scan_fd(am, fd, found, chk);
	} else
		rc = awsmask_mask_fd(am, fd, STDOUT_FILENO, flags);
	if (fd != STDIN_FILENO)
		close(fd);
	return cli_input_done(am, name, rc, o->verbose);
}

int
main(int argc, char **argv)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct opts o;
	struct check chk;
	struct report rep = { NULL, 0 };
	int ch, rc = EXIT_OK, i;

	setlocale(LC_ALL, "");
	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
#define SET(key, value) \
	cli_set(o.set, &o.nset, sizeof(o.set) / sizeof(o.set[0]), key, value)
	while ((ch = getopt_long(argc, argv, "cC:hqs:t:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_ALLOW: SET("allow", optarg); break;
		case OPT_ALLOW_EVICTION: SET("allow_eviction", "true"); break;
		case OPT_ALLOW_FILE: SET("allow_file", optarg); break;
		case 'c': o.check = 1; break;
		case 'C': o.config = optarg; break;
		case OPT_EXCLUDE_TYPES: SET("exclude_types", optarg); break;
		case OPT_FORMAT: SET("format", cli_format_arg(optarg)); break;
		case 'h': usage(EXIT_OK);
		case OPT_LINE_BUFFERED: o.line_buffered = 1; break;
		case OPT_LIST_TYPES: o.list_types = 1; break;
		case OPT_NAMESPACE: SET("namespace", optarg); break;
		case OPT_NO_PRESERVE: SET("preserve_structure", "false"); break;
		case OPT_PASSWORD_FILE: o.password_file = optarg; break;
		case OPT_PATTERNS: SET("patterns", optarg); break;
		case 'q': cli_quiet = 1; break;
		case OPT_REPORT: o.report = optarg; break;
		case 's': SET("store", optarg); break;
		case OPT_STORE_STATUS: o.store_status = 1; break;
		case OPT_TOKEN_KEY_FILE: SET("token_key_file", optarg); break;
		case OPT_TOKEN_STYLE: SET("token_style", optarg); break;
		case OPT_TTL: SET("ttl", optarg); break;
		case 't': SET("types", optarg); break;
		case 'v': o.verbose = 1; break;
		case 'V': printf("awsmask %s\n", AWSMASK_VERSION); return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (isatty(STDOUT_FILENO))
		o.line_buffered = 1;

	am = cli_open(o.config, o.set, o.nset, o.password_file, &cfg);
	if (o.report && !o.check && !o.list_types && !o.store_status) {
		rep.f = fopen(o.report, "w");
		if (!rep.f)
			cli_die(EXIT_IO, "cannot write '%s': %s", o.report,
			    strerror(errno));
		awsmask_set_report(am, report_line, &rep);
	}
	if (o.list_types)
		rc = list_types(am);
	else if (o.store_status)
		rc = store_status(am);
	else {
		memset(&chk, 0, sizeof(chk));
		rep.input = 1;
		if (argc == 0)
			rc = do_file(am, &o, "-", &chk);
		for (i = 0; i < argc; i++, rep.input++) {
			int r = do_file(am, &o, argv[i], &chk);

			if (r && !rc)
				rc = r;
		}
		if (o.check && chk.total) {
			if (!cli_quiet)
				cli_warn("%llu identifier%s found (%zu kind%s)",
				    chk.total, chk.total == 1 ? "" : "s",
				    chk.nkinds, chk.nkinds == 1 ? "" : "s");
			if (!rc)
				rc = EXIT_FOUND;
		}
		if (o.verbose) {
			struct awsmask_counts c;

			awsmask_get_counts(am, &c);
			cli_warn("%s %llu identifier%s in %llu bytes; %llu store "
			    "batch%s; store '%s'", o.check ? "found" : "masked",
			    c.identifiers, c.identifiers == 1 ? "" : "s",
			    c.bytes_in, c.store_batches,
			    c.store_batches == 1 ? "" : "es",
			    awsmask_config_store_name(cfg));
		}
	}
	awsmask_free(am);
	awsmask_config_free(cfg);
	if (rep.f && fclose(rep.f) != 0) {
		cli_warn("cannot write '%s': %s", o.report, strerror(errno));
		if (!rc)
			rc = EXIT_IO;
	}
	return cli_close_stdout(rc);
}
