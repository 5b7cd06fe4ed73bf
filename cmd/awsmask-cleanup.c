/*
 * awsmask-cleanup - keep the mapping store whole and bounded, from cron:
 * remove orphaned halves and expired rows, evict the least recently used
 * pairs over a cap, under a lock, quietly.
 */
#include "cli.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_JSON = 256, OPT_MAX_ENTRIES, OPT_MIN_IDLE, OPT_NAMESPACE,
	OPT_PASSWORD_FILE, OPT_TTL, OPT_WAIT,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'C' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
	{ "min-idle", required_argument, NULL, OPT_MIN_IDLE },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "store", required_argument, NULL, 's' },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: awsmask-cleanup [-nqvV] [-C file] [-s uri] [--max-entries n] [--min-idle duration] [--json] [--wait]\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  -n, --dry-run            say what would be removed; change nothing\n"
"  -h, --help               print this help and exit\n"
"  --json                   print a summary as one JSON object\n"
"  --max-entries N          evict least recently used pairs down to N\n"
"  --min-idle DURATION      never evict a pair used this recently (1h)\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  -q, --quiet              print no warnings and no progress\n"
"  -s, --store URI          memory:, sqlite:PATH, redis[-cluster]://, unix://\n"
"  --ttl DURATION           mapping lifetime: seconds or Ns, Nm, Nh, Nd (7d)\n"
"  -v, --verbose            print a summary line on stderr\n"
"  -V, --version            print the version and exit\n"
"  --wait                   wait for another run's lock instead of exiting\n";

struct opts {
	const char *config;
	const char *password_file;
	struct cli_setting set[16];
	size_t nset;
	unsigned flags;
	int json, verbose;
};

static _Noreturn void
usage(int code)
{
	cli_usage(usage_text, code);
}

static void
print_json(const struct awsmask_cleanup_result *r, unsigned flags)
{
	printf("{\"examined\":%llu,\"orphans\":%llu,\"orphans_young\":%llu,"
	    "\"expired\":%llu,\"evicted\":%llu,\"kept\":%llu,\"over_cap\":%llu,"
	    "\"max_entries\":%lld,\"min_idle_seconds\":%lld,"
	    "\"granularity_seconds\":%lld,\"dry_run\":%s,\"locked\":%s,"
	    "\"seconds\":%.3f}\n", r->examined, r->orphans, r->orphans_young,
	    r->expired, r->evicted, r->kept, r->over_cap, r->max_entries,
	    r->min_idle, r->granularity,
	    flags & AWSMASK_CLEANUP_DRY_RUN ? "true" : "false",
	    r->locked ? "true" : "false", r->seconds);
}

static void
print_line(const struct awsmask_cleanup_result *r, unsigned flags)
{
	int dry = flags & AWSMASK_CLEANUP_DRY_RUN;

	cli_warn("%s%llu examined; %s %llu orphaned halves, %llu expired rows; "
	    "%s %llu pairs; %llu kept%s; %.2f s", dry ? "dry run: " : "",
	    r->examined, dry ? "would remove" : "removed", r->orphans,
	    r->expired, dry ? "would evict" : "evicted", r->evicted, r->kept,
	    r->max_entries > 0 ? "" : " (no cap)", r->seconds);
	if (r->orphans_young)
		cli_warn("%llu orphaned halves left for a later run: changed in "
		    "the last %lld s", r->orphans_young,
		    r->granularity > 60 ? r->granularity : 60);
	if (r->over_cap)
		cli_warn("%llu pairs over the cap of %lld kept: used in the last "
		    "%lld s (min-idle %lld s and %lld s of granularity)",
		    r->over_cap, r->max_entries, r->min_idle + r->granularity,
		    r->min_idle, r->granularity);
}

int
main(int argc, char **argv)
{
	struct awsmask_cleanup_result res;
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct opts o;
	int ch, rc;

	setlocale(LC_MESSAGES, "");
	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
#define SET(key, value) \
	cli_set(o.set, &o.nset, sizeof(o.set) / sizeof(o.set[0]), key, value)
	while ((ch = getopt_long(argc, argv, "C:hnqs:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C': o.config = optarg; break;
		case 'n': o.flags |= AWSMASK_CLEANUP_DRY_RUN; break;
		case 'h': usage(EXIT_OK);
		case OPT_JSON: o.json = 1; break;
		case OPT_MAX_ENTRIES: SET("max_entries", optarg); break;
		case OPT_MIN_IDLE: SET("min_idle", optarg); break;
		case OPT_NAMESPACE: SET("namespace", optarg); break;
		case OPT_PASSWORD_FILE: o.password_file = optarg; break;
		case 'q': cli_quiet = 1; break;
		case 's': SET("store", optarg); break;
		case OPT_TTL: SET("ttl", optarg); break;
		case 'v': o.verbose = 1; break;
		case 'V':
			printf("awsmask-cleanup %s\n", AWSMASK_VERSION);
			return EXIT_OK;
		case OPT_WAIT: o.flags |= AWSMASK_CLEANUP_WAIT; break;
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
	rc = awsmask_cleanup(am, o.flags, cli_progress, NULL, &res);
	cli_progress_end();
	if (rc) {
		cli_warn("%s", awsmask_errstr(am));
		awsmask_free(am);
		awsmask_config_free(cfg);
		return cli_exit_code(rc);
	}
	if (res.stopped) {
		awsmask_free(am);
		awsmask_config_free(cfg);
		cli_reraise();
	}
	if (res.locked) {
		/* Another run is at it: nothing to say to cron. */
		if (o.verbose)
			cli_warn("another cleanup holds the lock on store '%s': "
			    "nothing done", awsmask_config_store_name(cfg));
	} else if (o.verbose || (o.flags & AWSMASK_CLEANUP_DRY_RUN && !o.json))
		print_line(&res, o.flags);
	if (o.json)
		print_json(&res, o.flags);
	awsmask_free(am);
	awsmask_config_free(cfg);
	return cli_close_stdout(EXIT_OK);
}
