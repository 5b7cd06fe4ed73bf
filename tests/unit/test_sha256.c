/*
 * Unit tests for lib/sha256.c: FIPS 180-4 and RFC 4231 test vectors, and
 * input fed in pieces of every size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
hex_of(const unsigned char *d, char *out)
{
	am_hex(d, AM_SHA256_LEN, out);
}

static void
sha_is(const void *p, size_t n, const char *want)
{
	unsigned char d[AM_SHA256_LEN];
	char hex[2 * AM_SHA256_LEN + 1];

	am_sha256(p, n, d);
	hex_of(d, hex);
	assert_string_equal(hex, want);
}

static void
test_vectors(void **state)
{
	(void)state;
	sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_million_a_in_pieces(void **state)
{
	static char a[1000];
	unsigned char d[AM_SHA256_LEN];
	char hex[2 * AM_SHA256_LEN + 1];
	struct am_sha256 s;
	size_t done = 0, piece = 1;

	(void)state;
	memset(a, 'a', sizeof(a));
	am_sha256_init(&s);
	/* Pieces of 1, 2, ... 999 bytes: every alignment of the buffer. */
	while (done < 1000000) {
		size_t n = 1000000 - done < piece ? 1000000 - done : piece;

		am_sha256_update(&s, a, n);
		done += n;
		piece = piece % 999 + 1;
	}
	am_sha256_final(&s, d);
	hex_of(d, hex);
	assert_string_equal(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
hmac_is(const void *key, size_t klen, const void *msg, size_t mlen,
    const char *want)
{
	unsigned char d[AM_SHA256_LEN];
	char hex[2 * AM_SHA256_LEN + 1];
	struct am_hmac h;

	am_hmac_sha256_init(&h, key, klen);
	am_hmac_sha256_update(&h, msg, mlen);
	am_hmac_sha256_final(&h, d);
	hex_of(d, hex);
	assert_string_equal(hex, want);
}

static void
test_hmac_rfc4231(void **state)
{
	unsigned char key[131];

	(void)state;
	memset(key, 0x0b, 20);
	hmac_is(key, 20, "Hi There", 8,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_is("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* A key longer than the block is hashed first (test case 6). */
	memset(key, 0xaa, sizeof(key));
	hmac_is(key, sizeof(key),
	    "Test Using Larger Than Block-Size Key - Hash Key First", 54,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a_in_pieces),
		cmocka_unit_test(test_hmac_rfc4231),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
