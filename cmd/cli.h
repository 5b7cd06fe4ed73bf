/*
 * cli.h - what the tools share and the library must not have: the
 * program name, messages, exit codes, dying allocators.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
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

#endif
