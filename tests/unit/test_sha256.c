/*
 * Unit tests for lib/sha256.c: the FIPS 180-2 examples, every length
 * around the padding's edges against a reference from Python, and a
 * million bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
expect(const char *in, size_t n, const char *want)
{
	char got[65];

	am_sha256_hex(in, n, got);
	assert_string_equal(got, want);
}

static void
test_vectors(void **state)
{
	(void)state;
	expect("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
test_million(void **state)
{
	char *a = malloc(1000000);

	(void)state;
	memset(a, 'a', 1000000);
	expect(a, 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* The lengths 0..200 of "0123456789" repeated, hashed by Python's
 * hashlib, folded into one digest of the digests. */
static void
test_lengths(void **state)
{
	char in[201], hex[65], all[201 * 64 + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)('0' + i % 10);
	for (i = 0; i <= 200; i++) {
		am_sha256_hex(in, i, hex);
		memcpy(all + 64 * i, hex, 64);
	}
	expect(all, 201 * 64,
	    "d38454a23372ce2ee9a901038858b9db56cda322f8404c22643c6f843195bf26");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
