/*
 * fuzz_config.c - the configuration file parser on any bytes.  Keys
 * that name other files are skipped (they would read the machine's
 * files); everything else is set as a real file would set it.
 */
#include "fuzz.h"
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awsmask_config *cfg;
	char *copy;
	size_t i;
	FILE *f;
	int secrets;

	if (!(copy = malloc(size + 1)))
		return 0;
	for (i = 0; i < size; i++)
		copy[i] = (char)tolower(data[i]) == '-' ? '_' :
		    (char)tolower(data[i]);
	copy[size] = '\0';
	if (strstr(copy, "file") || strstr(copy, "pattern")) {
		free(copy);
		return 0;
	}
	free(copy);
	if (awsmask_config_new(&cfg))
		abort();
	if ((f = fmemopen((void *)data, size ? size : 1, "r"))) {
		if (size)
			am_config_parse(&cfg->c, f, "fuzz", &secrets);
		fclose(f);
	}
	awsmask_config_free(cfg);
	return 0;
}
