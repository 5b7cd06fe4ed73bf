/*
 * fuzz.h - what the fuzz targets share.  Each target defines
 * LLVMFuzzerTestOneInput(); built with clang's -fsanitize=fuzzer it is a
 * libFuzzer binary (make fuzz), built with replay.c it runs the inputs
 * named on its command line once each (make check: fuzz/regress/).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "awsmask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A context on the memory store with `format` ("text", "json", ...),
 * made once and made again every few thousand inputs so that the store
 * and the learnt names stay small.  Aborts when it cannot be made.
 */
struct awsmask *fuzz_context(const char *format);

#endif
