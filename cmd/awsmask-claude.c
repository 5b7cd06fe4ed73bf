/*
 * awsmask-claude - ask Claude about AWS data without sending a single
 * identifier: the request goes out masked, the answer comes back
 * unmasked.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_ALLOW = 256, OPT_ALLOW_EVICTION, OPT_ALLOW_FILE, OPT_API_KEY_FILE,
	OPT_DRY_RUN, OPT_EXCLUDE_TYPES, OPT_MAX_RETRIES, OPT_MAX_TOKENS,
	OPT_NAMESPACE, OPT_NO_CACHE, OPT_NO_PRESERVE, OPT_NO_STREAM,
	OPT_PASSWORD_FILE, OPT_PATTERNS, OPT_RAW, OPT_REQUEST, OPT_SHOW_MASKED,
	OPT_STREAM, OPT_SYSTEM, OPT_TIMEOUT, OPT_TOKEN_KEY_FILE, OPT_TOKEN_STYLE,
	OPT_TTL,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "allow-eviction", no_argument, NULL, OPT_ALLOW_EVICTION },
	{ "allow-file", required_argument, NULL, OPT_ALLOW_FILE },
	{ "api-key-file", required_argument, NULL, OPT_API_KEY_FILE },
	{ "config", required_argument, NULL, 'C' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "exclude-types", required_argument, NULL, OPT_EXCLUDE_TYPES },
	{ "help", no_argument, NULL, 'h' },
	{ "max-retries", required_argument, NULL, OPT_MAX_RETRIES },
	{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
	{ "model", required_argument, NULL, 'm' },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "no-preserve-structure", no_argument, NULL, OPT_NO_PRESERVE },
	{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "patterns", required_argument, NULL, OPT_PATTERNS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "request", required_argument, NULL, OPT_REQUEST },
	{ "show-masked", no_argument, NULL, OPT_SHOW_MASKED },
	{ "store", required_argument, NULL, 's' },
	{ "stream", no_argument, NULL, OPT_STREAM },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "token-key-file", required_argument, NULL, OPT_TOKEN_KEY_FILE },
	{ "token-style", required_argument, NULL, OPT_TOKEN_STYLE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "types", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: awsmask-claude [-qvV] [-C file] [-m model] [-s uri] [-t types]\n"
"                      [options] [question ...]\n"
"  --allow VALUE            never mask VALUE (repeatable)\n"
"  --allow-eviction         use a Redis whose maxmemory-policy may evict keys\n"
"  --allow-file FILE        never mask the values listed in FILE, one a line\n"
"  --api-key-file FILE      read the API key from FILE, not ANTHROPIC_API_KEY\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  --dry-run                print the masked request and send nothing\n"
"  --exclude-types TYPES    kinds (names or prefixes) to leave alone\n"
"  -h, --help               print this help and exit\n"
"  --max-retries N          retries of a request that failed (4)\n"
"  --max-tokens N           longest answer, in tokens (4096)\n"
"  -m, --model MODEL        the Claude model (claude-sonnet-4-5)\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  --no-cache               neither use nor fill the response cache\n"
"  --no-preserve-structure  one token for a whole ARN, URL or hostname\n"
"  --no-stream              print the answer once it is complete\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  --patterns FILE          add the custom kinds of FILE (repeatable)\n"
"  -q, --quiet              print no warnings\n"
"  --raw                    print the response JSON, unmasked, not its text\n"
"  --request FILE           send FILE (- for stdin), a whole Messages request\n"
"  --show-masked            print the answer as Claude wrote it, still masked\n"
"  -s, --store URI          memory:, sqlite:PATH, redis[-cluster]://, unix://\n"
"  --stream                 print the answer as it is written (on a terminal)\n"
"  --system TEXT            the system prompt\n"
"  --timeout SECONDS        give up on one request after this long (600)\n"
"  --token-key-file FILE    the key of digest tokens (--token-style digest)\n"
"  --token-style STYLE      counter (EC2_001) or digest (EC2_48213907)\n"
"  --ttl DURATION           mapping lifetime: seconds or Ns, Nm, Nh, Nd (7d)\n"
"  -t, --types TYPES        kinds (names or prefixes) to mask\n"
"  -v, --verbose            report what was done on stderr\n"
"  -V, --version            print the version and exit\n";

struct opts {
	const char *config;
	const char *password_file;
	const char *api_key_file;
	const char *request;
	const char *system;
	const char *model;
	const char *max_tokens;
	struct cli_setting set[64];
	size_t nset;
	int dry_run, no_cache, raw, show_masked, stream, verbose;
};

static _Noreturn void
usage(int code)
{
	cli_usage(usage_text, code);
}

/* All of fd, or die (74). */
static char *
slurp(int fd, const char *name, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			cli_die(EXIT_IO, "cannot read '%s': %s", name,
			    strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/* The API key: --api-key-file's first line, or ANTHROPIC_API_KEY. */
static char *
api_key(const char *file)
{
	char *line = NULL, *env;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (!file) {
		env = getenv("ANTHROPIC_API_KEY");
		return env && *env ? xstrdup(env) : NULL;
	}
	/*
	 * The file is never named: getopt_long takes `--api-key KEY` for
	 * `--api-key-file KEY`, and the key must not be printed.
	 */
	if (!(f = fopen(file, "r")))
		cli_die(EXIT_CONFIG, "cannot open the API key file: %s",
		    strerror(errno));
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0)
		cli_die(EXIT_CONFIG, "the API key file is empty");
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/*
 * The prompt: the question (the arguments), after the data on stdin
 * when stdin is not a terminal.
 */
static char *
prompt(int argc, char **argv, size_t *len)
{
	char *data = NULL, *p;
	size_t dlen = 0, qlen = 0, n;
	int i;

	if (!isatty(STDIN_FILENO))
		data = slurp(STDIN_FILENO, "(standard input)", &dlen);
	for (i = 0; i < argc; i++)
		qlen += strlen(argv[i]) + 1;
	if (!dlen && !qlen)
		cli_die(EXIT_USAGE, "nothing to ask: give a question, or pipe "
		    "data in");
	p = xmalloc(dlen + qlen + 3);
	n = 0;
	if (dlen) {
		memcpy(p, data, dlen);
		n = dlen;
		if (qlen) {
			while (n > 0 && p[n - 1] == '\n')
				n--;
			memcpy(p + n, "\n\n", 2);
			n += 2;
		}
	}
	for (i = 0; i < argc; i++) {
		size_t k = strlen(argv[i]);

		memcpy(p + n, argv[i], k);
		n += k;
		if (i + 1 < argc)
			p[n++] = ' ';
	}
	free(data);
	*len = n;
	return p;
}

static void
log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", progname, line);
}

/* The library's failure: its message, and the exit code of its kind. */
static _Noreturn void
fail(struct awsmask_claude *c, int rc)
{
	cli_die(cli_exit_code(rc), "%s", awsmask_claude_errstr(c));
}

int
main(int argc, char **argv)
{
	struct awsmask_claude_opts co;
	struct awsmask_claude *c = NULL;
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct opts o;
	char *key = NULL, *in;
	const char *w;
	size_t inlen;
	int ch, rc;

	setlocale(LC_MESSAGES, "");
	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.stream = -1;
#define SET(key, value) \
	cli_set(o.set, &o.nset, sizeof(o.set) / sizeof(o.set[0]), key, value)
	while ((ch = getopt_long(argc, argv, "C:hm:qs:t:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_ALLOW: SET("allow", optarg); break;
		case OPT_ALLOW_EVICTION: SET("allow_eviction", "true"); break;
		case OPT_ALLOW_FILE: SET("allow_file", optarg); break;
		case OPT_API_KEY_FILE: o.api_key_file = optarg; break;
		case 'C': o.config = optarg; break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_EXCLUDE_TYPES: SET("exclude_types", optarg); break;
		case 'h': usage(EXIT_OK);
		case OPT_MAX_RETRIES: SET("claude_max_retries", optarg); break;
		case OPT_MAX_TOKENS:
			SET("claude_max_tokens", o.max_tokens = optarg);
			break;
		case 'm': SET("claude_model", o.model = optarg); break;
		case OPT_NAMESPACE: SET("namespace", optarg); break;
		case OPT_NO_CACHE: o.no_cache = 1; break;
		case OPT_NO_PRESERVE: SET("preserve_structure", "false"); break;
		case OPT_NO_STREAM: o.stream = 0; break;
		case OPT_PASSWORD_FILE: o.password_file = optarg; break;
		case OPT_PATTERNS: SET("patterns", optarg); break;
		case 'q': cli_quiet = 1; break;
		case OPT_RAW: o.raw = 1; break;
		case OPT_REQUEST: o.request = optarg; break;
		case OPT_SHOW_MASKED: o.show_masked = 1; break;
		case 's': SET("store", optarg); break;
		case OPT_STREAM: o.stream = 1; break;
		case OPT_SYSTEM: o.system = optarg; break;
		case OPT_TIMEOUT: SET("claude_timeout", optarg); break;
		case OPT_TOKEN_KEY_FILE: SET("token_key_file", optarg); break;
		case OPT_TOKEN_STYLE: SET("token_style", optarg); break;
		case OPT_TTL: SET("ttl", optarg); break;
		case 't': SET("types", optarg); break;
		case 'v': o.verbose = 1; break;
		case 'V': printf("awsmask-claude %s\n", AWSMASK_VERSION);
			return EXIT_OK;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.request && argc)
		cli_die(EXIT_USAGE, "--request takes the whole request: no "
		    "question arguments");
	if (o.stream < 0)
		o.stream = isatty(STDOUT_FILENO);

	am = cli_open(o.config, o.set, o.nset, o.password_file, &cfg);
	if (!o.dry_run)
		key = api_key(o.api_key_file);
	memset(&co, 0, sizeof(co));
	co.api_key = key;
	/* Given as options, they replace those of a --request too (the
	 * configuration only fills them in); cli_open checked the number. */
	co.model = o.model;
	co.max_tokens = o.max_tokens ? strtol(o.max_tokens, NULL, 10) : 0;
	co.system = o.system;
	co.max_retries = -1;
	co.outfd = STDOUT_FILENO;
	co.flags = (o.stream ? AWSMASK_CLAUDE_STREAM : 0) |
	    (o.raw ? AWSMASK_CLAUDE_RAW : 0) |
	    (o.show_masked ? AWSMASK_CLAUDE_SHOW_MASKED : 0) |
	    (o.no_cache ? AWSMASK_CLAUDE_NO_CACHE : 0);
	if (o.verbose)
		co.log = log_line;
	if ((rc = awsmask_claude_new(am, &co, &c)))
		fail(c, rc);
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	if (o.request) {
		int fd = cli_open_input(o.request);

		if (fd < 0)
			exit(EXIT_IO);
		in = slurp(fd, o.request, &inlen);
		if (fd != STDIN_FILENO)
			close(fd);
		rc = awsmask_claude_request_json(c, in, inlen);
	} else {
		in = prompt(argc, argv, &inlen);
		rc = awsmask_claude_request_text(c, in, inlen);
	}
	free(in);
	if (rc || (rc = awsmask_claude_mask(c)))
		fail(c, rc);
	if (o.dry_run) {
		size_t n;
		const char *body = awsmask_claude_body(c, &n);

		fwrite(body, 1, n, stdout);
		putchar('\n');
	} else if ((rc = awsmask_claude_send(c))) {
		if ((w = awsmask_take_warning(am)) && !cli_quiet)
			cli_warn("warning: %s", w);
		fail(c, rc);
	}
	if ((w = awsmask_take_warning(am)) && !cli_quiet)
		cli_warn("warning: %s", w);
	if (o.verbose) {
		struct awsmask_claude_stats s;

		awsmask_claude_get_stats(c, &s);
		cli_warn("masked %llu identifier%s in %.1f ms; %s; unmasked in "
		    "%.1f ms; store '%s'", s.identifiers,
		    s.identifiers == 1 ? "" : "s", s.mask_ms,
		    o.dry_run ? "not sent (dry run)" : s.cache_hit ?
		    "answered from the cache" : "sent", s.unmask_ms,
		    awsmask_config_store_name(cfg));
		if (s.attempts)
			cli_warn("HTTP %ld after %u request%s in %.1f ms",
			    s.status, s.attempts, s.attempts == 1 ? "" : "s",
			    s.http_ms);
	}
	awsmask_claude_free(c);
	awsmask_free(am);
	awsmask_config_free(cfg);
	return cli_close_stdout(EXIT_OK);
}
