/*
 * breaker.h - a circuit breaker for remote stores, kept in the state
 * folder so that it outlives the process that tripped it.
 *
 * A burst of short-lived invocations (cron, a pipeline per log line)
 * against a dead Redis would each wait for the connect timeout.  The
 * first failure records its time in <dir>/breaker-<hash of the store
 * name>; for AM_BREAKER_COOLDOWN seconds after, the breaker is open and
 * callers fail (or fall back) at once.  A successful open clears it.
 *
 * Pure file logic: the time is always passed in, so tests drive it with
 * any clock.  The file holds the failure time in decimal seconds, written
 * to a temporary file and renamed into place (mode 0600), so a reader
 * never sees half a number.  The breaker only ever saves time: a file it
 * cannot read or parse, or a failure recorded in the future (a clock set
 * back), reads as closed.
 */
#ifndef AM_BREAKER_H
#define AM_BREAKER_H

#define AM_BREAKER_COOLDOWN 30	/* seconds a failed store is skipped */

/* <dir>/breaker-<16 hex digits>; malloc'd (am_free), NULL on ENOMEM. */
char *am_breaker_path(const char *dir, const char *name);

/*
 * Is the breaker of store `name` open at `now` (seconds since the
 * epoch)?  1 when a failure was recorded less than AM_BREAKER_COOLDOWN
 * seconds before now, with *age (when not NULL) set to its age in
 * seconds; 0 when closed.
 */
int am_breaker_check(const char *dir, const char *name, long long now,
    long long *age);

/* Record a failure at `now`, creating dir (0700) when missing.  0, or -1
 * with errno set; callers may ignore it, the breaker is an optimisation. */
int am_breaker_fail(const char *dir, const char *name, long long now);

/* Close the breaker.  0 (a breaker already closed included), or -1 with
 * errno set. */
int am_breaker_ok(const char *dir, const char *name);

#endif /* AM_BREAKER_H */
