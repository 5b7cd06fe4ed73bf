/*
 * replay.c - run a fuzz target over files, without libFuzzer: each
 * file named on the command line is one input (a folder: every file in
 * it).  Exit 0 when every input ran; a target that finds a bug aborts.
 * This is how make check replays fuzz/regress/.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? 2 * cap : 65536;
			if (!(nb = realloc(buf, cap))) {
				fclose(f);
				free(buf);
				return 1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	LLVMFuzzerTestOneInput(buf ? buf : (const unsigned char *)"", n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, bad = 0, runs = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &sb) < 0) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad |= run_file(argv[i]);
			runs++;
			continue;
		}
		if (!(d = opendir(argv[i]))) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			bad |= run_file(path);
			runs++;
		}
		closedir(d);
	}
	printf("%s: %d inputs\n", argv[0], runs);
	return bad;
}
