/*
 * files.h - the files the differential unit tests read: every regular
 * file below a folder, whole, handed to a callback.  Include it after
 * cmocka.h.
 */
#ifndef TESTS_FILES_H
#define TESTS_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef void files_fn(const char *path, const char *buf, size_t len,
    void *arg);

/* The whole file at path, NUL-terminated, or NULL; its length in *len. */
static char *
files_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/*
 * fn for every regular file below dir (not its dot files); with
 * text_only, not executables nor files over a megabyte (a build's
 * objects).  The number of files read.
 */
static int
files_walk(const char *dir, int text_only, files_fn *fn, void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t len;
		char *buf;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			n += files_walk(path, text_only, fn, arg);
			continue;
		}
		if (!S_ISREG(st.st_mode) || (text_only &&
		    ((st.st_mode & S_IXUSR) || st.st_size > (1 << 20))) ||
		    !(buf = files_read(path, &len)))
			continue;
		fn(path, buf, len, arg);
		n++;
		free(buf);
	}
	closedir(d);
	return n;
}

#endif
