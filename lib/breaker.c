/*
 * breaker.c - the circuit breaker file of a remote store (see breaker.h).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breaker.h"

char *
am_breaker_path(const char *dir, const char *name)
{
	struct am_buf b = AM_BUF_INIT;

	if (!dir || !name) {
		errno = EINVAL;
		return NULL;
	}
	if (am_buf_addf(&b, "%s/breaker-%016llx", dir,
	    (unsigned long long)am_hash(name, strlen(name))) < 0) {
		am_buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	return am_buf_release(&b, NULL);
}

/* Read a failure time: decimal digits, an optional newline, nothing else. */
static int
read_time(const char *path, long long *t)
{
	char buf[32];
	ssize_t n;
	long long v = 0;
	int fd, i;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return -1;
	if (buf[n - 1] == '\n')
		n--;
	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		v = v * 10 + (buf[i] - '0');
	}
	*t = v;
	return 0;
}

int
am_breaker_check(const char *dir, const char *name, long long now,
    long long *age)
{
	long long t;
	char *path;
	int rc;

	if (age)
		*age = 0;
	if (!(path = am_breaker_path(dir, name)))
		return 0;
	rc = read_time(path, &t);
	am_free(path);
	if (rc < 0 || t > now || now - t >= AM_BREAKER_COOLDOWN)
		return 0;
	if (age)
		*age = now - t;
	return 1;
}

/* mkdir -p, new folders 0700 (the XDG base directory rule). */
static int
mkdirs(const char *dir)
{
	char *p, *s;
	int rc = 0, saved;

	if (!*dir) {
		errno = ENOENT;
		return -1;
	}
	if (!(p = am_strdup(dir))) {
		errno = ENOMEM;
		return -1;
	}
	/* Each prefix ending before a '/', then the whole path. */
	for (s = p + 1; rc == 0; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		if (s[-1] != '/') {
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				rc = -1;
			*s = c;
		}
		if (c == '\0')
			break;
	}
	saved = errno;
	am_free(p);
	errno = saved;
	return rc;
}

int
am_breaker_fail(const char *dir, const char *name, long long now)
{
	struct am_buf tmp = AM_BUF_INIT;
	char *path, num[32];
	int fd, len, saved;

	if (!(path = am_breaker_path(dir, name)))
		return -1;
	if (mkdirs(dir) < 0) {
		saved = errno;
		goto fail;
	}
	if (am_buf_addf(&tmp, "%s.XXXXXX", path) < 0) {
		saved = ENOMEM;
		goto fail;
	}
	fd = mkstemp(tmp.buf);	/* 0600 */
	if (fd < 0) {
		saved = errno;
		goto fail;
	}
	len = snprintf(num, sizeof(num), "%lld\n", now < 0 ? 0 : now);
	if (fchmod(fd, 0600) < 0 || am_write_all(fd, num, (size_t)len) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp.buf);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp.buf, path) < 0) {
		saved = errno;
		unlink(tmp.buf);
		goto fail;
	}
	am_buf_free(&tmp);
	am_free(path);
	return 0;
fail:
	am_buf_free(&tmp);
	am_free(path);
	errno = saved;
	return -1;
}

int
am_breaker_ok(const char *dir, const char *name)
{
	char *path = am_breaker_path(dir, name);
	int rc;

	if (!path)
		return -1;
	rc = unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	am_free(path);
	return rc;
}
