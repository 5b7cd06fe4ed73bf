/*
 * awsmask - mask AWS resource identifiers in text.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_ALLOW = 256, OPT_ALLOW_EVICTION, OPT_ALLOW_FILE, OPT_EXCLUDE_TYPES,
	OPT_FORMAT, OPT_LINE_BUFFERED, OPT_LIST_TYPES, OPT_NAMESPACE,
	OPT_NO_PRESERVE, OPT_PASSWORD_FILE, OPT_PATTERNS, OPT_REPORT,
	OPT_REPORT_FORMAT, OPT_STORE_STATUS, OPT_TOKEN_KEY_FILE, OPT_TOKEN_STYLE, OPT_TTL,
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
	{ "report-format", required_argument, NULL, OPT_REPORT_FORMAT },
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

/* --report-format, in the order of its names. */
enum { REPORT_TEXT, REPORT_JSON, REPORT_SARIF };

struct opts {
	const char *config;
	const char *password_file;
	const char *report;
	struct cli_setting set[64];
	size_t nset;
	int check, line_buffered, list_types, report_format, store_status,
	    verbose;
};

static const char usage_text[] =
"usage: awsmask [-cqvV] [-C file] [-s uri] [-t types] [options] [file ...]\n"
"  --allow VALUE            never mask VALUE (repeatable)\n"
"  --allow-eviction         use a Redis whose maxmemory-policy may evict keys\n"
"  --allow-file FILE        never mask the values listed in FILE, one a line\n"
"  -c, --check              scan only: report identifiers, exit 1 if any\n"
"  -C, --config FILE        read FILE instead of the configuration files\n"
"  --exclude-types TYPES    kinds (names or prefixes) to leave alone\n"
"  --format FORMAT          auto (default; per document), text, json or ndjson\n"
"  -h, --help               print this help and exit\n"
"  --line-buffered          write every line at once\n"
"  --list-types             print the identifier kinds and exit\n"
"  --namespace PREFIX       prefix of the Redis keys (default aws:)\n"
"  --no-preserve-structure  one token for a whole ARN, URL or hostname\n"
"  --password-file FILE     read the Redis password from FILE\n"
"  --patterns FILE          add the custom kinds of FILE (repeatable)\n"
"  -q, --quiet              print no warnings\n"
"  --report FILE            write what was masked (found, with -c) to FILE\n"
"  --report-format FORMAT   findings of -c as text, json or sarif (text)\n"
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

static int
report_format_arg(const char *arg)
{
	static const char *const names[] = { "text", "json", "sarif" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i]))
			return (int)i;
	cli_die(EXIT_USAGE, "bad --report-format '%s': expected text, json "
	    "or sarif", arg);
}

/*
 * --check: findings, never values.  Text (the default) is a line per
 * finding on stderr, as it always was.  JSON and SARIF need the column
 * too, which only the input's bytes give: each input's findings are
 * kept until it has been scanned, then the input is read once more from
 * where it started (a pipe is first copied to a temporary file) to count
 * lines and characters up to each of them, and they are written out.
 */
struct finding {
	const char *kind, *prefix;
	unsigned long long line, offset, length;
	/* From the second reading; 0: not known. */
	unsigned long long column, end_line, end_column;
};

struct check {
	const char *name;	/* for messages: "(standard input)" */
	const char *file;	/* for reports: as given, "-" for stdin */
	int format;
	FILE *out;		/* where findings go */
	int to_file;		/* --report FILE: text without -q's say */
	struct awsmask *am;
	unsigned long long total;
	const char *kinds[256];
	unsigned long long counts[256];
	size_t nkinds;
	/* JSON and SARIF: this input's findings, then the report's. */
	struct finding *f;
	size_t n, cap;
	unsigned long long written;
	/* SARIF: the rules, one per kind, in the order written. */
	const char **rules;
	size_t nrules;
};

static void
found(void *arg, const struct awsmask_finding *af)
{
	struct check *c = arg;
	struct finding *f;
	size_t i;

	c->total++;
	for (i = 0; i < c->nkinds && strcmp(c->kinds[i], af->kind); i++)
		;
	if (i == c->nkinds && i < 256)
		c->kinds[c->nkinds++] = af->kind;
	if (i < 256)
		c->counts[i]++;
	if (c->format == REPORT_TEXT) {
		if (!cli_quiet || c->to_file)
			fprintf(c->out, "%s: %s:%llu: %s (%s)\n", progname,
			    c->name, af->line, af->kind, af->prefix);
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->f = xrealloc(c->f, c->cap * sizeof(*c->f));
	}
	f = &c->f[c->n++];
	memset(f, 0, sizeof(*f));
	f->kind = af->kind;
	f->prefix = af->prefix;
	f->line = af->line;
	f->offset = af->offset;
	f->length = af->length;
}

/* A JSON string: escaped, and valid UTF-8 (a bad byte becomes U+FFFD). */
static void
json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	while (*p) {
		size_t n = 0, i;

		if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p++);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
			continue;
		}
		if (*p < 0x80) {
			putc(*p++, out);
			continue;
		}
		/* The length a lead byte announces; overlongs and
		 * surrogates are not worth telling apart here. */
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
			;
		if (n && i == n) {
			fwrite(p, 1, n, out);
			p += n;
		} else {
			fputs("\\ufffd", out);
			p++;
		}
	}
	putc('"', out);
}

/*
 * A path as a URI reference for SARIF's artifactLocation: relative paths
 * stay relative (to the folder the check ran in: the repository, in CI),
 * absolute ones become file:// URIs.  Every byte but the unreserved ones
 * and '/' is percent-encoded, so a ':' cannot pass for a scheme.
 */
static void
uri_str(FILE *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;

	putc('"', out);
	if (*p == '/')
		fputs("file://", out);
	else
		while (p[0] == '.' && p[1] == '/')
			for (p += 2; *p == '/'; p++)
				;
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			putc(*p, out);
		else
			fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	putc('"', out);
}

static const char *
kind_description(struct awsmask *am, const char *kind)
{
	struct awsmask_kind_info k;
	size_t i, n = awsmask_kind_count(am);

	for (i = 0; i < n; i++)
		if (!awsmask_kind_get(am, i, &k) && !strcmp(k.name, kind))
			return k.description;
	if (!strcmp(kind, "learned-name"))
		return "a name learnt from its context earlier in the input "
		    "(an ARN's resource, a naming key's value), found bare";
	return NULL;
}

static void
sarif_rule(struct check *c, const char *kind, const char *prefix)
{
	const char *d = kind_description(c->am, kind);

	c->rules = xrealloc(c->rules, (c->nrules + 1) * sizeof(*c->rules));
	c->rules[c->nrules++] = kind;
	fprintf(c->out, "%s\n            {\"id\": ", c->nrules > 1 ? "," : "");
	json_str(c->out, kind);
	fputs(", \"shortDescription\": {\"text\": ", c->out);
	json_str(c->out, d ? d : kind);
	fputs("}, \"help\": {\"text\": \"An AWS identifier (or a name) in "
	    "clear text.  Mask the file with awsmask before it is published; "
	    "awsmask(1) lists the kinds.\"}, \"defaultConfiguration\": "
	    "{\"level\": \"error\"}, \"properties\": {", c->out);
	if (prefix) {
		fputs("\"prefix\": ", c->out);
		json_str(c->out, prefix);
		fputs(", ", c->out);
	}
	fputs("\"tags\": [\"security\", \"aws\"]}}", c->out);
}

/*
 * The report's start.  SARIF: the log, the run, the tool and one rule
 * per kind this run looks for (learned-name too); results follow.
 */
static void
report_open(struct check *c)
{
	struct awsmask_kind_info k;
	size_t i, n;

	if (c->format == REPORT_JSON) {
		fputs("[", c->out);
		return;
	}
	if (c->format != REPORT_SARIF)
		return;
	fputs("{\n"
	    "  \"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/"
	    "errata01/os/schemas/sarif-schema-2.1.0.json\",\n"
	    "  \"version\": \"2.1.0\",\n"
	    "  \"runs\": [\n"
	    "    {\n"
	    "      \"tool\": {\n"
	    "        \"driver\": {\n"
	    "          \"name\": \"awsmask\",\n"
	    "          \"version\": \"" AWSMASK_VERSION "\",\n"
	    "          \"semanticVersion\": \"" AWSMASK_VERSION "\",\n"
	    "          \"rules\": [", c->out);
	n = awsmask_kind_count(c->am);
	for (i = 0; i < n; i++)
		if (!awsmask_kind_get(c->am, i, &k) && k.enabled)
			sarif_rule(c, k.name, k.prefix);
	sarif_rule(c, "learned-name", NULL);
	fputs("\n          ]\n"
	    "        }\n"
	    "      },\n"
	    "      \"columnKind\": \"unicodeCodePoints\",\n"
	    "      \"results\": [", c->out);
}

static void
report_close(struct check *c, int rc)
{
	if (c->format == REPORT_JSON) {
		fputs(c->written ? "\n]\n" : "]\n", c->out);
	} else if (c->format == REPORT_SARIF) {
		fprintf(c->out, "%s      ],\n"
		    "      \"invocations\": [\n"
		    "        {\"executionSuccessful\": %s, \"exitCode\": %d}\n"
		    "      ]\n"
		    "    }\n"
		    "  ]\n"
		    "}\n", c->written ? "\n" : "",
		    rc == EXIT_OK || rc == EXIT_FOUND ? "true" : "false", rc);
	}
}

static void
write_json(struct check *c, const struct finding *f)
{
	const char *d = kind_description(c->am, f->kind);

	fputs(c->written ? ",\n  {\"file\": " : "\n  {\"file\": ", c->out);
	json_str(c->out, c->file);
	fprintf(c->out, ", \"line\": %llu", f->line);
	if (f->column)
		fprintf(c->out, ", \"column\": %llu", f->column);
	if (f->end_column && f->end_line == f->line)
		fprintf(c->out, ", \"end_column\": %llu", f->end_column);
	fprintf(c->out, ", \"offset\": %llu, \"length\": %llu, \"kind\": ",
	    f->offset, f->length);
	json_str(c->out, f->kind);
	fputs(", \"prefix\": ", c->out);
	json_str(c->out, f->prefix);
	if (d) {
		fputs(", \"description\": ", c->out);
		json_str(c->out, d);
	}
	fputs("}", c->out);
}

static void
write_sarif(struct check *c, const struct finding *f)
{
	char msg[512];
	size_t r;

	for (r = 0; r < c->nrules && strcmp(c->rules[r], f->kind); r++)
		;
	fputs(c->written ? ",\n        {" : "\n        {", c->out);
	fputs("\"ruleId\": ", c->out);
	json_str(c->out, f->kind);
	if (r < c->nrules)
		fprintf(c->out, ", \"ruleIndex\": %zu", r);
	snprintf(msg, sizeof(msg), "An identifier of kind %s is in clear "
	    "text: mask it with awsmask.", f->kind);
	fputs(", \"level\": \"error\", \"message\": {\"text\": ", c->out);
	json_str(c->out, msg);
	fputs("}", c->out);
	fputs(", \"locations\": [{\"physicalLocation\": "
	    "{\"artifactLocation\": {\"uri\": ", c->out);
	uri_str(c->out, strcmp(c->file, "-") ? c->file : "stdin");
	fprintf(c->out, "}, \"region\": {\"startLine\": %llu", f->line);
	if (f->column)
		fprintf(c->out, ", \"startColumn\": %llu", f->column);
	if (f->end_column) {
		if (f->end_line != f->line)
			fprintf(c->out, ", \"endLine\": %llu", f->end_line);
		fprintf(c->out, ", \"endColumn\": %llu", f->end_column);
	}
	fputs("}}}], \"properties\": {\"prefix\": ", c->out);
	json_str(c->out, f->prefix);
	fprintf(c->out, ", \"offset\": %llu, \"length\": %llu}}", f->offset,
	    f->length);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	return x->offset == y->offset ? 0 : x->offset < y->offset ? -1 : 1;
}

/*
 * Lines and columns: read the input again from pos and count, up to each
 * finding's first byte and to the byte after its last.  Columns count
 * characters (UTF-8 code points: every byte but a continuation byte)
 * from 1; lines are counted at '\n'.
 */
static void
locate(int fd, off_t pos, struct check *c)
{
	char buf[65536];
	unsigned long long at = 0, line = 1, chars = 0;
	size_t i = 0, j = 0, k;
	ssize_t n;

	qsort(c->f, c->n, sizeof(*c->f), cmp_finding);
	while (j < c->n) {
		n = pread(fd, buf, sizeof(buf), pos + (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (k = 0; k < (size_t)n; k++, at++) {
			unsigned char b = (unsigned char)buf[k];

			for (; i < c->n && c->f[i].offset == at; i++) {
				c->f[i].line = line;
				c->f[i].column = chars + 1;
			}
			for (; j < i && c->f[j].offset + c->f[j].length == at;
			    j++) {
				c->f[j].end_line = line;
				c->f[j].end_column = chars + 1;
			}
			if (b == '\n') {
				line++;
				chars = 0;
			} else if ((b & 0xc0) != 0x80) {
				chars++;
			}
		}
	}
	/* Up to the very end. */
	for (; i < c->n && c->f[i].offset == at; i++) {
		c->f[i].line = line;
		c->f[i].column = chars + 1;
	}
	for (; j < i && c->f[j].offset + c->f[j].length == at; j++) {
		c->f[j].end_line = line;
		c->f[j].end_column = chars + 1;
	}
}

/* Write this input's findings and forget them. */
static void
report_input(struct check *c, int fd, off_t pos)
{
	size_t i;

	if (c->format == REPORT_TEXT)
		return;
	if (c->n && fd >= 0)
		locate(fd, pos, c);
	for (i = 0; i < c->n; i++, c->written++) {
		if (c->format == REPORT_JSON)
			write_json(c, &c->f[i]);
		else
			write_sarif(c, &c->f[i]);
	}
	c->n = 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * An input JSON and SARIF can read twice: fd itself when it can seek,
 * else a copy in an unlinked temporary file.  *pos: where reading
 * starts.  -1 after a message.
 */
static int
rereadable(int fd, const char *name, off_t *pos)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX], buf[65536];
	ssize_t n;
	int t;

	if ((*pos = lseek(fd, 0, SEEK_CUR)) >= 0)
		return fd;
	*pos = 0;
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/awsmask.XXXXXX", dir);
	if ((t = mkstemp(path)) < 0) {
		cli_warn_errno("%s: cannot hold a copy in '%s'", name, dir);
		return -1;
	}
	unlink(path);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_warn_errno("%s: read error", name);
			close(t);
			return -1;
		}
		if (write_all(t, buf, (size_t)n) < 0) {
			cli_warn_errno("%s: cannot hold a copy in '%s'", name,
			    dir);
			close(t);
			return -1;
		}
	}
	if (lseek(t, 0, SEEK_SET) < 0) {
		cli_warn_errno("%s: cannot hold a copy in '%s'", name, dir);
		close(t);
		return -1;
	}
	return t;
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
	int fd, in, rc;
	off_t pos = 0;

	fd = in = cli_open_input(path);
	if (fd < 0)
		return EXIT_IO;
	if (o->check) {
		chk->name = name;
		chk->file = path;
		if (chk->format != REPORT_TEXT &&
		    (in = rereadable(fd, name, &pos)) < 0) {
			if (fd != STDIN_FILENO)
				close(fd);
			return EXIT_IO;
		}
		rc = awsmask_check_fd(am, in, found, chk);
		report_input(chk, in, pos);
		if (in != fd)
			close(in);
	} else
		rc = awsmask_mask_fd(am, fd, STDOUT_FILENO, flags);
	if (fd != STDIN_FILENO)
		close(fd);
	return cli_input_done(am, name, rc, o->verbose);
}

/* The report of a check that dies on the way is not left half-written. */
static struct cli_output *report_out;

static void
drop_report(void)
{
	if (report_out && report_out->tmp)
		unlink(report_out->tmp);
}

int
main(int argc, char **argv)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct opts o;
	struct check chk;
	struct report rep = { NULL, 0 };
	struct cli_output out;
	int ch, rc = EXIT_OK, i;

	setlocale(LC_MESSAGES, "");
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
		case OPT_REPORT_FORMAT:
			o.report_format = report_format_arg(optarg);
			break;
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
	if (o.report_format != REPORT_TEXT && !o.check)
		cli_die(EXIT_USAGE, "--report-format is for --check");
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
		chk.am = am;
		chk.format = o.report_format;
		chk.out = stderr;
		if (o.check && (o.report || chk.format != REPORT_TEXT)) {
			/* JSON and SARIF go to stdout unless --report says. */
			cli_output_open(&out, o.report);
			report_out = &out;
			atexit(drop_report);
			chk.out = out.f;
			chk.to_file = o.report != NULL;
		}
		report_open(&chk);
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
		report_close(&chk, rc);
		if (report_out) {
			rc = cli_output_close(&out, rc);
			report_out = NULL;
		}
		free(chk.f);
		free(chk.rules);
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
