/*
 * awsunmask - put the original identifiers back in place of tokens.
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
	OPT_EXACT = 256, OPT_FORMAT, OPT_LINE_BUFFERED, OPT_NAMESPACE,
	OPT_PASSWORD_FILE, OPT_PATTERNS, OPT_STRICT, OPT_TTL, OPT_VERIFY,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'C' },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "line-buffered", no_argument, NULL, OPT_LINE_BUFFERED },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "patterns", required_argument, NULL, OPT_PATTERNS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "store", required_argument, NULL, 's' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: awsunmask [-qvV] [-C file] [-s uri] [options] [file ...]\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  --exact                  restore tokens only as written (not ec2-001)\n"
"  --format FORMAT          auto (default; per document), text, json or ndjson\n"
"  -h, --help               print this help and exit\n"
"  --line-buffered          write every line at once\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  --patterns FILE          know the token prefixes of FILE's custom kinds\n"
"  -q, --quiet              print no warnings\n"
"  -s, --store URI          memory:, sqlite:PATH, redis[-cluster]://, unix://\n"
"  --strict                 an unknown token is an error (exit 1)\n"
"  --ttl DURATION           mapping lifetime: seconds or Ns, Nm, Nh, Nd (7d)\n"
"  -v, --verbose            report what was done on stderr\n"
"  --verify ORIGINAL        compare the unmasked text with the file ORIGINAL\n"
"  -V, --version            print the version and exit\n";

struct opts {
	const char *config;
	const char *password_file;
	const char *verify;
	struct cli_setting set[64];
	size_t nset;
	int line_buffered, strict, verbose;
};

/* Unknown and corrupt tokens, kept for --strict and the summary. */
struct unknown {
	const char *name;
	unsigned long long count, corrupt;
	int list;
};

static _Noreturn void
usage(int code)
{
	cli_usage(usage_text, code);
}

static void
unknown(void *arg, const char *token, unsigned long long line, int why)
{
	struct unknown *u = arg;

	if (why == AWSMASK_TOKEN_CORRUPT)
		u->corrupt++;
	else
		u->count++;
	if (u->list)
		fprintf(stderr, "%s: %s:%llu: %s token '%s'\n", progname,
		    u->name, line, why == AWSMASK_TOKEN_CORRUPT ?
		    "not restoring corrupt" : "unknown", token);
}

static int
do_file(struct awsmask *am, const struct opts *o, const char *path,
    int outfd, struct unknown *u)
{
	unsigned flags = o->line_buffered ? AWSMASK_LINE_BUFFERED : 0;
	int fd, rc;

	u->name = strcmp(path, "-") ? path : "(standard input)";
	fd = cli_open_input(path);
	if (fd < 0)
		return EXIT_IO;
	rc = awsmask_unmask_fd(am, fd, outfd, flags, unknown, u);
	if (fd != STDIN_FILENO)
		close(fd);
	return cli_input_done(am, u->name, rc, o->verbose);
}

/* For --verify: the kinds of identifier on one line of the original. */
struct kinds {
	char text[256];
};

static void
kind_seen(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct kinds *k = arg;
	size_t n = strlen(k->text);

	(void)prefix; (void)line; (void)offset;
	if (strstr(k->text, kind))
		return;
	snprintf(k->text + n, sizeof(k->text) - n, "%s%s", n ? ", " : "", kind);
}

/*
 * Compare the unmasked text (in `got`) with the original file line by
 * line; report where and which kinds differ, never the values.
 */
static int
verify(struct awsmask *am, FILE *got, const char *path)
{
	FILE *want = fopen(path, "r");
	char *a = NULL, *b = NULL;
	size_t ca = 0, cb = 0;
	unsigned long long line = 0, ndiff = 0;

	if (!want)
		cli_die(EXIT_IO, "cannot open '%s': %s", path, strerror(errno));
	rewind(got);
	for (;;) {
		ssize_t la = getline(&a, &ca, got);
		ssize_t lb = getline(&b, &cb, want);
		struct kinds k;

		if (la < 0 && lb < 0)
			break;
		line++;
		if (la == lb && !memcmp(a, b, (size_t)la))
			continue;
		ndiff++;
		if (ndiff > 10)
			continue;
		k.text[0] = '\0';
		if (lb > 0)
			awsmask_scan_buffer(am, b, (size_t)lb, kind_seen, &k);
		if (la < 0)
			cli_warn("verify: line %llu: missing from the unmasked text",
			    line);
		else if (lb < 0)
			cli_warn("verify: line %llu: not in '%s'", line, path);
		else
			cli_warn("verify: line %llu differs%s%s%s", line,
			    *k.text ? " (" : "", k.text, *k.text ? ")" : "");
	}
	free(a);
	free(b);
	fclose(want);
	if (ndiff)
		cli_warn("verify: %llu line%s differ%s from '%s'", ndiff,
		    ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "", path);
	return ndiff ? EXIT_FOUND : EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct unknown u;
	struct opts o;
	FILE *tmp = NULL;
	int ch, rc = EXIT_OK, i, outfd = STDOUT_FILENO;

	setlocale(LC_MESSAGES, "");
	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
#define SET(key, value) \
	cli_set(o.set, &o.nset, sizeof(o.set) / sizeof(o.set[0]), key, value)
	while ((ch = getopt_long(argc, argv, "C:hqs:vV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': o.config = optarg; break;
		case OPT_EXACT: SET("unmask_exact", "true"); break;
		case OPT_FORMAT: SET("format", cli_format_arg(optarg)); break;
		case 'h': usage(EXIT_OK);
		case OPT_LINE_BUFFERED: o.line_buffered = 1; break;
		case OPT_NAMESPACE: SET("namespace", optarg); break;
		case OPT_PASSWORD_FILE: o.password_file = optarg; break;
		case OPT_PATTERNS: SET("patterns", optarg); break;
		case 'q': cli_quiet = 1; break;
		case 's': SET("store", optarg); break;
		case OPT_STRICT: o.strict = 1; break;
		case OPT_TTL: SET("ttl", optarg); break;
		case 'v': o.verbose = 1; break;
		case OPT_VERIFY: o.verify = optarg; break;
		case 'V': printf("awsunmask %s\n", AWSMASK_VERSION); return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (isatty(STDOUT_FILENO))
		o.line_buffered = 1;

	am = cli_open(o.config, o.set, o.nset, o.password_file, &cfg);
	if (o.verify) {
		tmp = tmpfile();
		if (!tmp)
			cli_die(EXIT_IO, "cannot create a temporary file: %s",
			    strerror(errno));
		outfd = fileno(tmp);
	}
	memset(&u, 0, sizeof(u));
	u.list = o.strict && !cli_quiet;
	if (argc == 0)
		rc = do_file(am, &o, "-", outfd, &u);
	for (i = 0; i < argc; i++) {
		int r = do_file(am, &o, argv[i], outfd, &u);

		if (r && !rc)
			rc = r;
	}
	if (u.count && !o.strict && !cli_quiet)
		cli_warn("%llu unknown token%s left as %s", u.count,
		    u.count == 1 ? "" : "s", u.count == 1 ? "it is" : "they are");
	/*
	 * A corrupt mapping is always worth a word: the store holds an
	 * original for the token, and it is not the one the token was
	 * given for.
	 */
	if (u.corrupt && !cli_quiet)
		cli_warn("%llu token%s not restored: %s mapping%s disagree%s "
		    "(the store was reset or written by something else)",
		    u.corrupt, u.corrupt == 1 ? "" : "s",
		    u.corrupt == 1 ? "its" : "their", u.corrupt == 1 ? "" : "s",
		    u.corrupt == 1 ? "s" : "");
	if ((u.count || u.corrupt) && o.strict && !rc) {
		if (u.count && !cli_quiet)
			cli_warn("%llu unknown token%s", u.count,
			    u.count == 1 ? "" : "s");
		rc = EXIT_FOUND;
	}
	if (o.verify) {
		int r = verify(am, tmp, o.verify);

		fclose(tmp);
		if (!rc)
			rc = r;
	}
	if (o.verbose) {
		struct awsmask_counts c;

		awsmask_get_counts(am, &c);
		cli_warn("restored %llu token%s, %llu unknown; %llu store "
		    "batch%s; store '%s'", c.tokens_restored,
		    c.tokens_restored == 1 ? "" : "s", c.tokens_unknown,
		    c.store_batches, c.store_batches == 1 ? "" : "es",
		    awsmask_config_store_name(cfg));
	}
	awsmask_free(am);
	awsmask_config_free(cfg);
	return cli_close_stdout(rc);
}
