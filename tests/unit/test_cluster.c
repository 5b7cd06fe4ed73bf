/*
 * Unit tests for lib/cluster.c: CRC16 and key slots, against the values
 * redis-server 7.0's CLUSTER KEYSLOT gives; the redirections and errors
 * a node answers with; the key that routes each command the store
 * sends; and (lib/redis_cluster.c) the slot map of a CLUSTER SLOTS
 * reply, fed to hiredis's parser as the bytes a server sends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <hiredis.h>

#include "internal.h"
#include "redis_cluster.h"

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

#define ERR(s, rd) am_cluster_error(s, strlen(s), rd)

static void
test_redirects(void **state)
{
	struct am_cluster_redirect rd;

	(void)state;
	memset(&rd, 0, sizeof(rd));
	assert_int_equal(ERR("MOVED 3999 127.0.0.1:6381", &rd), AM_CR_MOVED);
	assert_int_equal(rd.slot, 3999);
	assert_string_equal(rd.host, "127.0.0.1");
	assert_int_equal(rd.port, 6381);
	assert_int_equal(ERR("ASK 16383 10.0.0.7:30002", &rd), AM_CR_ASK);
	assert_int_equal(rd.slot, 16383);
	assert_string_equal(rd.host, "10.0.0.7");
	assert_int_equal(rd.port, 30002);
	/* A node that does not know its address leaves the host out. */
	assert_int_equal(ERR("MOVED 0 :7000", &rd), AM_CR_MOVED);
	assert_string_equal(rd.host, "");
	assert_int_equal(rd.port, 7000);
	/* IPv6: the port follows the last colon. */
	assert_int_equal(ERR("MOVED 12 ::1:7001", &rd), AM_CR_MOVED);
	assert_string_equal(rd.host, "::1");
	assert_int_equal(rd.port, 7001);
	assert_int_equal(ERR("ASK 12 [fe80::1]:7001", &rd), AM_CR_ASK);
	assert_string_equal(rd.host, "fe80::1");
	assert_int_equal(ERR("MOVED 5 redis-2.example.com:6379", &rd),
	    AM_CR_MOVED);
	assert_string_equal(rd.host, "redis-2.example.com");
	/* Temporary. */
	assert_int_equal(ERR("TRYAGAIN Multiple keys request during "
	    "rehashing of slot", &rd), AM_CR_TRYAGAIN);
	assert_int_equal(ERR("CLUSTERDOWN The cluster is down", &rd),
	    AM_CR_DOWN);
	assert_int_equal(ERR("CLUSTERDOWN Hash slot not served", &rd),
	    AM_CR_DOWN);
	/* Anything else, malformed redirections included, is an error
	 * for the caller. */
	assert_int_equal(ERR("OOM command not allowed", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("READONLY You can't write", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED 16384 h:1", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED 12 h", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED 12 h:", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED 12 h:65536", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED 12 h:0", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVED x h:1", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("ASK 1 h:12x", &rd), AM_CR_OTHER);
	assert_int_equal(ERR("MOVEDX 1 h:1", &rd), AM_CR_OTHER);
	assert_int_equal(am_cluster_error("MOVED 1 h:1", 8, &rd), AM_CR_OTHER);
}

/* The key of a command in RESP; "" for none, NULL for malformed. */
static const char *
key_of(const char *cmd)
{
	static char buf[200];
	const char *k;
	size_t n;
	int rc = am_cluster_cmd_key(cmd, strlen(cmd), &k, &n);

	if (rc < 0)
		return NULL;
	if (!rc)
		return "";
	memcpy(buf, k, n);
	buf[n] = '\0';
	return buf;
}

static void
test_cmd_key(void **state)
{
	(void)state;
	assert_string_equal(key_of("*2\r\n$3\r\nGET\r\n$5\r\nmask:\r\n"),
	    "mask:");
	assert_string_equal(key_of("*5\r\n$3\r\nset\r\n$3\r\nk\r\n\r\n"
	    "$1\r\nv\r\n$2\r\nNX\r\n$0\r\n\r\n"), "k\r\n");
	assert_string_equal(key_of("*1\r\n$4\r\nPING\r\n"), "");
	assert_string_equal(key_of("*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n"),
	    "");
	assert_string_equal(key_of("*6\r\n$4\r\nSCAN\r\n$1\r\n0\r\n$5\r\n"
	    "MATCH\r\n$5\r\naws:*\r\n$5\r\nCOUNT\r\n$2\r\n10\r\n"), "");
	assert_string_equal(key_of("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$3\r\n"
	    "100\r\n"), "");
	/* Scripts: their first key, or none. */
	assert_string_equal(key_of("*5\r\n$4\r\nEVAL\r\n$6\r\nreturn\r\n"
	    "$1\r\n1\r\n$8\r\naws:lock\r\n$1\r\nx\r\n"), "aws:lock");
	assert_string_equal(key_of("*4\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n"
	    "$2\r\n12\r\n$2\r\nk1\r\n"), "k1");
	assert_string_equal(key_of("*3\r\n$4\r\nEVAL\r\n$6\r\nreturn\r\n"
	    "$1\r\n0\r\n"), "");
	/* Not an array of bulk strings. */
	assert_null(key_of(""));
	assert_null(key_of("+OK\r\n"));
	assert_null(key_of("*2\r\n$3\r\nGET\r\n$9\r\nshort\r\n"));
	assert_null(key_of("*2\r\n$3\r\nGET\r\n"));
	assert_null(key_of("*0\r\n"));
}

/* A reply from the bytes a server would send. */
static redisReply *
parse(const char *resp)
{
	redisReader *rd = redisReaderCreate();
	void *rep = NULL;

	assert_non_null(rd);
	assert_int_equal(redisReaderFeed(rd, resp, strlen(resp)), REDIS_OK);
	assert_int_equal(redisReaderGetReply(rd, &rep), REDIS_OK);
	assert_non_null(rep);
	redisReaderFree(rd);
	return rep;
}

static void
test_slot_map(void **state)
{
	struct am_rc_range *r;
	redisReply *rep;
	size_t n;

	(void)state;
	/* Redis 7: two ranges, the first with one replica (and the
	 * networking metadata map of RESP2, an empty array), the second
	 * with none and its host left out. */
	rep = parse("*2\r\n"
	    "*4\r\n:0\r\n:5460\r\n"
	    "*4\r\n$9\r\n127.0.0.1\r\n:30001\r\n$3\r\nid1\r\n*0\r\n"
	    "*4\r\n$9\r\n127.0.0.1\r\n:30004\r\n$3\r\nid4\r\n*0\r\n"
	    "*3\r\n:5461\r\n:16383\r\n"
	    "*3\r\n$0\r\n\r\n:30002\r\n$3\r\nid2\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 5460);
	assert_string_equal(r[0].host, "127.0.0.1");
	assert_int_equal(r[0].port, 30001);
	assert_int_equal(r[0].replicas, 1);
	assert_int_equal(r[1].start, 5461);
	assert_int_equal(r[1].end, 16383);
	assert_null(r[1].host);
	assert_int_equal(r[1].port, 30002);
	assert_int_equal(r[1].replicas, 0);
	am_rc_ranges_free(r, n);
	freeReplyObject(rep);

	/* Redis 3: [host, port] only. */
	rep = parse("*1\r\n*3\r\n:7\r\n:7\r\n*2\r\n$2\r\nh1\r\n:6379\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 7);
	assert_int_equal(r[0].end, 7);
	am_rc_ranges_free(r, n);
	freeReplyObject(rep);

	/* A cluster with no slot assigned yet. */
	rep = parse("*0\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), 0);
	assert_int_equal(n, 0);
	am_rc_ranges_free(r, n);
	freeReplyObject(rep);

	/* Other shapes. */
	rep = parse("-ERR This instance has cluster support disabled\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), -2);
	freeReplyObject(rep);
	rep = parse("*1\r\n*3\r\n:9\r\n:8\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), -2);
	freeReplyObject(rep);
	rep = parse("*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), -2);
	freeReplyObject(rep);
	rep = parse("*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n$1\r\nh\r\n$1\r\n1\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), -2);
	freeReplyObject(rep);
	rep = parse("*1\r\n*2\r\n:0\r\n:1\r\n");
	assert_int_equal(am_rc_parse_slots(rep, &r, &n), -2);
	freeReplyObject(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc16),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_hash_tags),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_cmd_key),
		cmocka_unit_test(test_slot_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
