/*
 * cli.c - messages, exit codes and helpers for the tools.  Every message
 * reads "prog: what failed: why"; none carries an identifier, a password
 * or a key.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *progname = "awsmask";
int cli_quiet;

void
cli_init(const char *argv0)
{
	const char *p = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0)
		progname = p ? p + 1 : argv0;
	/*
	 * Past a file size limit, a write fails with EFBIG and is reported
	 * (exit 74) instead of the signal killing the tool without a word.
	 */
	signal(SIGXFSZ, SIG_IGN);
}

static void vmsg(int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vmsg(int errnum, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void
cli_warn_errno(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(errnum, fmt, ap);
	va_end(ap);
}

void
cli_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(code);
}

int
cli_exit_code(int err)
{
	switch (err) {
	case AWSMASK_OK: return EXIT_OK;
	case AWSMASK_ECONFIG: return EXIT_CONFIG;
	case AWSMASK_ESTORE: return EXIT_UNAVAILABLE;
	case AWSMASK_EIO: return EXIT_IO;
	case AWSMASK_EDATA: return EXIT_DATA;
	case AWSMASK_EINVAL: return EXIT_USAGE;
	case AWSMASK_EAUTH: return EXIT_NOPERM;
	case AWSMASK_EAPI: return EXIT_UNAVAILABLE;
	default: return EXIT_UNAVAILABLE;	/* ENOMEM: a resource */
	}
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cli_die(EXIT_UNAVAILABLE, "out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cli_die(EXIT_UNAVAILABLE, "out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		cli_die(EXIT_UNAVAILABLE, "out of memory");
	return p;
}

int
cli_open_input(const char *path)
{
	int fd;

	if (!strcmp(path, "-"))
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		cli_warn_errno("cannot open '%s'", path);
	return fd;
}

int
cli_close_stdout(int rc)
{
	if (fclose(stdout) != 0 && rc == EXIT_OK) {
		cli_warn_errno("write error");
		return EXIT_IO;
	}
	return rc;
}

static char *
read_password_file(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct stat sb;
	FILE *f = fopen(path, "r");

	if (!f)
		cli_die(EXIT_CONFIG, "cannot open password file '%s': %s", path,
		    strerror(errno));
	if (fstat(fileno(f), &sb) < 0)
		cli_die(EXIT_CONFIG, "cannot read password file '%s': %s",
		    path, strerror(errno));
	/* The same rule as the library's for its files (awsmask.conf(5)). */
	if (sb.st_uid != geteuid() && sb.st_uid != 0)
		cli_die(EXIT_CONFIG, "password file '%s' is owned by another "
		    "user (uid %lu): refusing to use it", path,
		    (unsigned long)sb.st_uid);
	if (sb.st_mode & 022)
		cli_die(EXIT_CONFIG, "password file '%s' is writable by others "
		    "(mode %04o): refusing to use it; chmod go-w it", path,
		    (unsigned)(sb.st_mode & 07777));
	if ((sb.st_mode & 044) && !cli_quiet)
		cli_warn("warning: password file '%s' is readable by others; "
		    "chmod go-r it", path);
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0)
		cli_die(EXIT_CONFIG, "password file '%s' is empty", path);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/*
 * Print the configuration's notes once: those after `seen` (what an
 * earlier call printed).  Returns the notes printed so far.
 */
static const char *
cli_config_warnings(const struct awsmask_config *cfg, const char *seen)
{
	const char *w = awsmask_config_warning(cfg), *p, *nl;

	if (!w)
		return NULL;
	p = w;
	if (seen && !strncmp(w, seen, strlen(seen)))
		p = w + strlen(seen) + (w[strlen(seen)] == '\n');
	for (; !cli_quiet && *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fprintf(stderr, "%s: %.*s\n", progname, (int)(nl - p), p);
	}
	return w;
}

struct awsmask_config *
cli_config(const char *file, const struct cli_setting *flags, size_t nflags,
    const char *password_file)
{
	struct awsmask_config *cfg;
	const char *warned;
	size_t i;

	if (awsmask_config_new(&cfg))
		cli_die(EXIT_UNAVAILABLE, "out of memory");
	if (awsmask_config_load_standard(cfg, file))
		cli_die(EXIT_CONFIG, "%s", awsmask_config_errstr(cfg));
	warned = cli_config_warnings(cfg, NULL);
	/* Two passes: --patterns first, for the kinds --types may name. */
	for (i = 0; i < 2 * nflags; i++) {
		const struct cli_setting *f = &flags[i % nflags];
		int rc, files = !strcmp(f->key, "patterns");

		if (files != (i < nflags))
			continue;
		rc = awsmask_config_set(cfg, f->key, f->value);
		if (rc == AWSMASK_ENOMEM)
			cli_die(EXIT_UNAVAILABLE, "out of memory");
		if (rc) {
			/* Problems of named files are configuration, not
			 * usage. */
			if (files || !strcmp(f->key, "allow_file") ||
			    !strcmp(f->key, "token_key_file"))
				cli_die(EXIT_CONFIG, "%s",
				    awsmask_config_errstr(cfg));
			cli_die(EXIT_USAGE, "%s", awsmask_config_errstr(cfg));
		}
	}
	if (password_file) {
		char *pw = read_password_file(password_file);

		if (awsmask_config_set(cfg, "redis_password", pw))
			cli_die(EXIT_UNAVAILABLE, "out of memory");
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	cli_config_warnings(cfg, warned);
	return cfg;
}

/* The password of scheme://user:PASS@host in uri, or NULL; *n its length. */
static char *
store_arg_password(char *uri, size_t *n)
{
	char *s = strstr(uri, "://"), *at, *colon;

	at = s ? strrchr(s + 3, '@') : NULL;
	colon = at ? memchr(s + 3, ':', (size_t)(at - s - 3)) : NULL;
	if (!colon)
		return NULL;
	*n = (size_t)(at - colon - 1);
	return colon + 1;
}

void
cli_check_store_arg(const char *uri)
{
	size_t n;

	if (store_arg_password((char *)uri, &n) && !cli_quiet)
		cli_warn("warning: a password in --store is visible to other "
		    "users in ps; use REDIS_PASSWORD or --password-file");
}

void
cli_scrub_store_arg(char *uri)
{
	size_t n;
	char *pw = store_arg_password(uri, &n);

	/* argv's own bytes are what ps reads in /proc/PID/cmdline. */
	if (pw)
		memset(pw, '*', n);
}

int
cli_input_done(struct awsmask *am, const char *name, int rc, int verbose)
{
	const char *w = awsmask_take_warning(am);

	if (w && !cli_quiet)
		cli_warn("warning: %s", w);
	if (verbose && awsmask_input_format(am) == AWSMASK_FORMAT_AUTO)
		cli_warn("%s: read as text and json", name);	/* a mix */
	else if (verbose)
		cli_warn("%s: read as %s", name,
		    awsmask_format_name(awsmask_input_format(am)));
	if (rc == AWSMASK_EIO && strstr(awsmask_errstr(am), "read error")) {
		cli_warn("%s: %s", name, awsmask_errstr(am));
		return EXIT_IO;
	}
	if (rc == AWSMASK_EDATA) {
		cli_warn("%s: %s", name, awsmask_errstr(am));
		return EXIT_DATA;
	}
	if (rc)
		cli_die(cli_exit_code(rc), "%s: %s", name, awsmask_errstr(am));
	return EXIT_OK;
}

const char *
cli_format_arg(const char *arg)
{
	if (awsmask_format_parse(arg) < 0)
		cli_die(EXIT_USAGE, "bad --format '%s': expected auto, text, "
		    "json or ndjson", arg);
	return arg;
}

void
cli_set(struct cli_setting *set, size_t *n, size_t max, const char *key,
    const char *value)
{
	if (*n == max)
		cli_die(EXIT_USAGE, "too many options");
	set[*n].key = key;
	set[*n].value = value;
	(*n)++;
}

struct awsmask *
cli_open(const char *file, const struct cli_setting *flags, size_t nflags,
    const char *password_file, struct awsmask_config **cfg)
{
	struct awsmask *am;
	size_t i;
	int rc;

	for (i = 0; i < nflags; i++)
		if (!strcmp(flags[i].key, "store"))
			cli_check_store_arg(flags[i].value);
	*cfg = cli_config(file, flags, nflags, password_file);
	/* The configuration has its copy: hide the password from ps. */
	for (i = 0; i < nflags; i++)
		if (!strcmp(flags[i].key, "store"))
			cli_scrub_store_arg((char *)flags[i].value);
	if ((rc = awsmask_new(*cfg, &am))) {
		cli_warn("%s", am ? awsmask_errstr(am) : awsmask_strerror(rc));
		awsmask_free(am);
		awsmask_config_free(*cfg);
		exit(cli_exit_code(rc));
	}
	return am;
}

void
cli_usage(const char *text, int code)
{
	if (code == EXIT_OK) {
		fputs(text, stdout);
		exit(EXIT_OK);
	}
	fprintf(stderr, "%.*s", (int)(strcspn(text, "\n") + 1), text);
	fprintf(stderr, "Try '%s --help' or 'man %s' for more information.\n",
	    progname, progname);
	exit(code);
}

volatile sig_atomic_t cli_stop;

static void
on_signal(int sig)
{
	cli_stop = sig;
}

void
cli_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
cli_reraise(void)
{
	int sig = cli_stop;

	if (!sig)
		return;
	fflush(NULL);
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

static int progress_shown;

int
cli_progress(void *arg, const char *phase, unsigned long long done,
    unsigned long long total)
{
	static struct timespec last;
	struct timespec now;

	(void)arg;
	if (cli_quiet || !isatty(STDERR_FILENO))
		return cli_stop;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress_shown && (now.tv_sec - last.tv_sec) * 1000 +
	    (now.tv_nsec - last.tv_nsec) / 1000000 < 200)
		return cli_stop;
	last = now;
	if (total)
		fprintf(stderr, "\r%s: %s %llu of ~%llu\033[K", progname, phase,
		    done, total);
	else
		fprintf(stderr, "\r%s: %s %llu\033[K", progname, phase, done);
	progress_shown = 1;
	return cli_stop;
}

void
cli_progress_end(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

void
cli_output_open(struct cli_output *o, const char *path)
{
	mode_t mask;
	int fd;

	memset(o, 0, sizeof(*o));
	o->f = stdout;
	if (!path || !strcmp(path, "-"))
		return;
	o->path = path;
	o->tmp = xmalloc(strlen(path) + 16);
	sprintf(o->tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(o->tmp)) < 0)
		cli_die(EXIT_IO, "cannot write '%s': %s", path, strerror(errno));
	/* A collector (node_exporter) reads it: the mode a new file gets. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || !(o->f = fdopen(fd, "w"))) {
		cli_warn_errno("cannot write '%s'", path);
		close(fd);
		unlink(o->tmp);
		exit(EXIT_IO);
	}
}

int
cli_output_close(struct cli_output *o, int rc)
{
	int bad;

	if (!o->path)
		return rc;
	bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) < 0;
	if (fclose(o->f) != 0)
		bad = 1;
	if (bad || rename(o->tmp, o->path) < 0) {
		cli_warn_errno("cannot write '%s'", o->path);
		unlink(o->tmp);
		free(o->tmp);
		return rc ? rc : EXIT_IO;
	}
	free(o->tmp);
	return rc;
}
