/*
 * Unit tests for lib/cluster.c: CRC16 and key slots, against the values
 * redis-server 7.0's CLUSTER KEYSLOT gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "internal.h"

#define SLOT(s) am_cluster_slot(s, strlen(s))

static void
test_crc16(void **state)
{
	(void)state;
	/* The specification's check value. */
	assert_int_equal(am_crc16("123456789", 9), 0x31c3);
	assert_int_equal(am_crc16("", 0), 0);
}

static void
test_slots(void **state)
{
	(void)state;
	assert_int_equal(SLOT("123456789"), 12739);
	assert_int_equal(SLOT("foo"), 12182);
	assert_int_equal(SLOT("bar"), 5061);
	assert_int_equal(SLOT(""), 0);
	assert_int_equal(SLOT("aws:counter:EC2"), 2844);
	assert_int_equal(SLOT("aws:mask:i-0abc12de34f567890"), 13664);
	/* Binary keys: a NUL is a byte like any other. */
	assert_int_equal(am_cluster_slot("a\0b", 3) ==
	    am_cluster_slot("a", 1), 0);
}

static void
test_hash_tags(void **state)
{
	(void)state;
	assert_int_equal(SLOT("{user1000}.following"), 3443);
	assert_int_equal(SLOT("{user1000}.followers"), 3443);
	/* Empty braces: the whole key. */
	assert_int_equal(SLOT("foo{}{bar}"), 8363);
	/* The first '{' and the first '}' after it. */
	assert_int_equal(SLOT("foo{{bar}}zap"), 4015);
	assert_int_equal(SLOT("foo{{bar}}zap"), SLOT("{bar"));
	assert_int_equal(SLOT("foo{bar}{zap}"), 5061);
	/* No closing brace: the whole key. */
	assert_int_equal(SLOT("{bar"), 4015);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc16),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_hash_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
