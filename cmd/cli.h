/*
 * cli.h - what the tools share and the library must not have: the
 * program name, messages, exit codes, dying allocators.
 */
#ifndef CLI_H
#define CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include "awsmask.h"

/* Exit codes, for every tool and every man page (EXIT STATUS). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FOUND = 1,		/* --check found, --verify differs, --strict */
	EXIT_USAGE = 2,
	EXIT_DATA = 65,
	EXIT_UNAVAILABLE = 69,
	EXIT_IO = 74,
	EXIT_NOPERM = 77,	/* the API refused the key (awsmask-claude) */
	EXIT_CONFIG = 78,
};

extern const char *progname;
extern int cli_quiet;

void cli_init(const char *argv0);
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cli_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The exit code for a library error. */
int cli_exit_code(int err);
/*
 * After one input: print the library's warning and, when verbose, the
 * format the input was read as; then the input's exit code.  A read
 * error or bad data is that input's (warn, go on with the next); any
 * other error ends the tool.
 */
int cli_input_done(struct awsmask *am, const char *name, int rc,
    int verbose);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Open a named input ("-" is stdin); -1 after a message. */
int cli_open_input(const char *path);
/* Close stdout and report a lost write; returns an exit code. */
int cli_close_stdout(int rc);
/*
 * The standard configuration chain plus the flags the tool collected
 * (pairs of key, value), with --password-file applied.  Dies with 78 on
 * a bad file or environment, with 2 on a bad flag value.
 */
struct cli_setting {
	const char *key;
	const char *value;
};
struct awsmask_config *cli_config(const char *file,
    const struct cli_setting *flags, size_t nflags, const char *password_file);
/* A password inside a store URI on argv is visible in ps: say so. */
void cli_check_store_arg(const char *uri);
/* Overwrite that password in argv's memory with '*', once it is copied. */
void cli_scrub_store_arg(char *uri);
/* --format's argument, or a usage error (exit 2) when it names none. */
const char *cli_format_arg(const char *arg);
/* Append a flag's setting to set[*n] (room for max); dies when full. */
void cli_set(struct cli_setting *set, size_t *n, size_t max, const char *key,
    const char *value);
/*
 * The whole start of a tool, after its options: warn about passwords on
 * argv, build the configuration (cli_config) and the context.  Exits
 * with the right code on failure.  The caller frees both.
 */
struct awsmask *cli_open(const char *file, const struct cli_setting *flags,
    size_t nflags, const char *password_file, struct awsmask_config **cfg);

/*
 * Usage.  code 0 (--help): the whole text on stdout.  Otherwise (a bad
 * option): its first line, the usage line, and where to read more, on
 * stderr.  Exits with code.
 */
_Noreturn void cli_usage(const char *text, int code);

/*
 * Stopping cleanly.  cli_catch_signals() makes SIGINT, SIGTERM and
 * SIGHUP set cli_stop instead of killing; a long operation polls it
 * (through cli_progress) and ends early, and cli_reraise() then dies of
 * the signal that asked, as the shell expects.
 */
extern volatile sig_atomic_t cli_stop;
void cli_catch_signals(void);
void cli_reraise(void);
/*
 * An awsmask_progress_fn: "prog: scanning 12345 of ~1000000" on stderr,
 * rewritten in place a few times a second, when stderr is a terminal and
 * not --quiet; nothing otherwise.  Returns cli_stop.  cli_progress_end()
 * clears the line.
 */
int cli_progress(void *arg, const char *phase, unsigned long long done,
    unsigned long long total);
void cli_progress_end(void);

/*
 * Output that appears whole or not at all (--output FILE): written to a
 * temporary file beside it, then renamed into place.  path NULL or "-"
 * is stdout.  cli_output_close() returns an exit code.
 */
struct cli_output {
	FILE *f;
	const char *path;
	char *tmp;
};
void cli_output_open(struct cli_output *o, const char *path);
int cli_output_close(struct cli_output *o, int rc);

#endif
