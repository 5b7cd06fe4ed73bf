/*
 * Unit tests for lib/store_redis.c, against real redis-servers that the
 * test starts on free loopback ports (or the one REDIS_TEST_PORT names)
 * and always stops: a group teardown, an atexit handler, and
 * PR_SET_PDEATHSIG should the test die.  Without redis-server installed
 * every test is skipped, with a note saying so.
 *
 * Covered: the round trip through two connections, binary originals,
 * counters and statistics, 16 processes racing on overlapping originals
 * (the store is read back and checked for a bijection), requirepass and
 * ACL users, a unix socket, databases, namespaces, TTLs and their
 * refresh, half-present and conflicting mappings, a counter behind its
 * tokens, the round trips and commands a batch costs (and a throughput
 * figure), and the faults: refused, killed, paused past the timeout, out
 * of memory, allocation failures, and the breaker.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>

#include "internal.h"
#include "breaker.h"
#include "store_redis.h"

struct server {
	pid_t pid;		/* 0: not ours (REDIS_TEST_PORT) or none */
	int port;
	char dir[200];
	char sock[220];		/* unix socket, when asked for */
};

static struct server main_sv, aux_sv;
static int have_main;		/* a server to talk to */
static int have_binary;		/* redis-server can be started */
static char statedir[200];
/*
 * Whether stores use GETEX (Redis 6.2+, the default) or the commands an
 * older server has: the tests that touch the protocol run both ways.
 */
static int use_getex = 1;

/* A new folder $TMPDIR/<name>.XXXXXX into buf (size 200), or -1. */
static int
tmpfolder(char *buf, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	/* A unix socket path must fit in 108 bytes. */
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(buf, 200, "%s/%s.XXXXXX", tmp, name);
	return mkdtemp(buf) ? 0 : -1;
}

/* Helpers: servers. */

static int
on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

static int
port_busy(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return 1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return rc == 0 || errno != ECONNREFUSED;
}

/* Does the server answer (PONG, or NOAUTH when it wants a password)? */
static int
answers(int port)
{
	struct timeval tv = { 0, 200000 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	redisReply *rep;
	int ok = 0;

	if (!c)
		return 0;
	if (!c->err) {
		redisSetTimeout(c, tv);
		rep = redisCommand(c, "PING");
		if (rep && ((rep->type == REDIS_REPLY_STATUS &&
		    !strcmp(rep->str, "PONG")) || (rep->type ==
		    REDIS_REPLY_ERROR && !strncmp(rep->str, "NOAUTH", 6))))
			ok = 1;
		if (rep)
			freeReplyObject(rep);
	}
	redisFree(c);
	return ok;
}

/*
 * Start redis-server on a free port with `extra` arguments (NULL-ended),
 * no persistence, in its own folder.  0, or -1 when it will not start.
 */
static int
server_start(struct server *sv, const char *const *extra, int unixsock)
{
	int tries, i;

	memset(sv, 0, sizeof(*sv));
	if (tmpfolder(sv->dir, "awsmask-test-redis") < 0)
		return -1;
	if (unixsock)
		snprintf(sv->sock, sizeof(sv->sock), "%s/redis.sock", sv->dir);
	for (tries = 0; tries < 10; tries++) {
		char port[16], log[240];
		const char *argv[40];
		int argc = 0, status;
		pid_t pid;

		sv->port = 20000 + rand() % 40001;
		if (port_busy(sv->port))
			continue;
		snprintf(port, sizeof(port), "%d", sv->port);
		snprintf(log, sizeof(log), "%s/redis.log", sv->dir);
		argv[argc++] = "redis-server";
		argv[argc++] = "--port";
		argv[argc++] = port;
		/* ::1 as well when the host has it ('-': optional). */
		argv[argc++] = "--bind";
		argv[argc++] = "127.0.0.1";
		argv[argc++] = "-::1";
		argv[argc++] = "--save";
		argv[argc++] = "";
		argv[argc++] = "--appendonly";
		argv[argc++] = "no";
		argv[argc++] = "--daemonize";
		argv[argc++] = "no";
		argv[argc++] = "--dir";
		argv[argc++] = sv->dir;
		argv[argc++] = "--logfile";
		argv[argc++] = log;
		if (unixsock) {
			argv[argc++] = "--unixsocket";
			argv[argc++] = sv->sock;
			argv[argc++] = "--unixsocketperm";
			argv[argc++] = "700";
		}
		for (i = 0; extra && extra[i] && argc < 38; i++)
			argv[argc++] = extra[i];
		argv[argc] = NULL;
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);

			/* Dies with the test, whatever happens to it. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execvp("redis-server", (char *const *)argv);
			_exit(127);
		}
		sv->pid = pid;
		/* Up to 5 s. */
		for (i = 0; i < 250; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				sv->pid = 0;
				break;	/* the port was taken: try another */
			}
			if (answers(sv->port))
				return 0;
			usleep(20000);
		}
		if (sv->pid) {
			kill(sv->pid, SIGKILL);
			waitpid(sv->pid, &status, 0);
			sv->pid = 0;
			break;
		}
	}
	rmdir(sv->dir);
	return -1;
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
rm_rf(const char *dir)
{
	if (*dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
server_stop(struct server *sv)
{
	int status, i;

	if (sv->pid > 0) {
		kill(sv->pid, SIGCONT);
		kill(sv->pid, SIGTERM);
		for (i = 0; i < 250 && waitpid(sv->pid, &status, WNOHANG) == 0;
		    i++)
			usleep(20000);
		if (i == 250) {
			kill(sv->pid, SIGKILL);
			waitpid(sv->pid, &status, 0);
		}
		sv->pid = 0;
	}
	rm_rf(sv->dir);
	sv->dir[0] = '\0';
}

static void
stop_all(void)
{
	server_stop(&aux_sv);
	server_stop(&main_sv);
	rm_rf(statedir);
	statedir[0] = '\0';
}

static int
group_setup(void **state)
{
	const char *env = getenv("REDIS_TEST_PORT");

	(void)state;
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	if (tmpfolder(statedir, "awsmask-test-state") < 0)
		return -1;
	atexit(stop_all);
	have_binary = on_path("redis-server");
	if (env && *env) {
		main_sv.port = atoi(env);
		have_main = answers(main_sv.port);
	} else if (have_binary)
		have_main = server_start(&main_sv, NULL, 0) == 0;
	if (!have_main)
		printf("# SKIP redis store tests: %s\n", have_binary ?
		    "redis-server did not start" :
		    "redis-server is not installed");
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	stop_all();
	return 0;
}

static int
stop_aux(void **state)
{
	(void)state;
	server_stop(&aux_sv);
	return 0;
}

/*
 * A test without its server passes with a note: cmocka 1.1.5's TAP
 * prints skip() as "not ok ... # SKIP", which tests/run.sh counts as a
 * failure.
 */
#define SKIP(why) do {							\
	print_message("# SKIP %s: %s\n", __func__, (why));		\
	return;								\
} while (0)
#define NEED_MAIN() do {						\
	if (!have_main)							\
		SKIP("no redis-server");				\
} while (0)
#define NEED_AUX(extra, unixsock) do {					\
	if (!have_main || !have_binary)					\
		SKIP("no redis-server to start");			\
	assert_int_equal(server_start(&aux_sv, (extra), (unixsock)), 0); \
} while (0)

/* Helpers: talking to Redis behind the store's back. */

static redisContext *
raw(int port, int db)
{
	struct timeval tv = { 5, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	redisReply *rep;

	assert_non_null(c);
	assert_int_equal(c->err, 0);
	redisSetTimeout(c, tv);
	rep = redisCommand(c, "SELECT %d", db);
	assert_non_null(rep);
	assert_int_equal(rep->type, REDIS_REPLY_STATUS);
	freeReplyObject(rep);
	return c;
}

static redisReply *
rawcmd(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *rep;

	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	assert_non_null(rep);
	return rep;
}

static void
rawok(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *rep;

	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	assert_non_null(rep);
	if (rep->type == REDIS_REPLY_ERROR)
		fail_msg("redis: %s", rep->str);
	freeReplyObject(rep);
}

/* GET <key>: malloc'd (free()) or NULL. */
static char *
rawget(redisContext *c, const char *key, size_t klen, size_t *len)
{
	redisReply *rep = rawcmd(c, "GET %b", key, klen);
	char *v = NULL;

	if (rep->type == REDIS_REPLY_STRING) {
		v = malloc(rep->len + 1);
		assert_non_null(v);
		memcpy(v, rep->str, rep->len);
		v[rep->len] = '\0';
		if (len)
			*len = rep->len;
	} else
		assert_int_equal(rep->type, REDIS_REPLY_NIL);
	freeReplyObject(rep);
	return v;
}

/* GET <ns><space><k>, as a C string, or NULL. */
static char *
rawgetk(redisContext *c, const char *space, const char *k, size_t klen)
{
	char key[512];
	size_t n = (size_t)snprintf(key, sizeof(key), "aws:%s", space);

	assert_true(n + klen < sizeof(key));
	memcpy(key + n, k, klen);
	return rawget(c, key, n + klen, NULL);
}

static long long
rawint(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *rep;
	long long v;

	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	assert_non_null(rep);
	if (rep->type == REDIS_REPLY_STRING)
		v = atoll(rep->str);
	else if (rep->type == REDIS_REPLY_NIL)
		v = -999;
	else {
		assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
		v = rep->integer;
	}
	freeReplyObject(rep);
	return v;
}

static void
flushdb(int port, int db)
{
	redisContext *c = raw(port, db);
	char cmd[300];

	rawok(c, "FLUSHDB");
	redisFree(c);
	/*
	 * An empty database here means a new store: forget this machine's
	 * records of stores, or the next allocation would (rightly) take
	 * the flush for a reset and number above the old marks.
	 */
	if (statedir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -f '%s'/store-*", statedir);
		assert_int_equal(system(cmd), 0);
	}
}

/* Helpers: stores. */

static struct awsmask_config *
mkcfg(void)
{
	struct awsmask_config *cfg;

	assert_int_equal(awsmask_config_new(&cfg), AWSMASK_OK);
	assert_int_equal(awsmask_config_set(cfg, "state_dir", statedir), 0);
	return cfg;
}

static void
cfgset(struct awsmask_config *cfg, const char *k, const char *v)
{
	assert_int_equal(awsmask_config_set(cfg, k, v), AWSMASK_OK);
}

static struct am_store *
open_uri(const char *uri, const struct awsmask_config *cfg)
{
	struct am_store *st = NULL;
	struct am_error err = { 0 };
	int rc = am_store_open(&st, uri, cfg ? &cfg->c : NULL, &err);

	if (rc)
		fail_msg("open %s: %s", uri, err.msg);
	assert_non_null(st);
	am_store_redis_use_getex(st, use_getex);
	return st;
}

static struct am_store *
open_db(int port, int db, const struct awsmask_config *cfg)
{
	char uri[64];

	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/%d", port, db);
	return open_uri(uri, cfg);
}

/* Open that must fail: returns the code, err gets the message. */
static int
open_fails(const char *uri, const struct awsmask_config *cfg,
    struct am_error *err)
{
	struct am_store *st = NULL;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = am_store_open(&st, uri, cfg ? &cfg->c : NULL, err);
	assert_null(st);
	assert_int_not_equal(rc, AWSMASK_OK);
	assert_int_equal(rc, err->code);
	return rc;
}

static void
item(struct am_store_item *it, const char *key, size_t len,
    const char *prefix, const char *kind)
{
	memset(it, 0, sizeof(*it));
	it->key = key;
	it->key_len = len;
	it->prefix = prefix;
	it->kind = kind;
}

/* Mask one original; the token, malloc'd with am_malloc. */
static char *
mask1(struct am_store *st, const char *orig, const char *prefix)
{
	struct am_store_item it;

	item(&it, orig, strlen(orig), prefix, "k");
	assert_int_equal(am_store_mask_many(st, &it, 1), AWSMASK_OK);
	assert_non_null(it.value);
	return it.value;
}

/* Unmask one token; the original or NULL. */
static char *
unmask1(struct am_store *st, const char *tok)
{
	struct am_store_item it;

	item(&it, tok, strlen(tok), NULL, NULL);
	assert_int_equal(am_store_unmask_many(st, &it, 1), AWSMASK_OK);
	return it.value;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The tests. */

static void
test_uri_errors(void **state)
{
	static const char *const bad[] = {
		"redis://", "redis://:6379", "redis://h:0", "redis://h:65536",
		"redis://h:x", "redis://h:", "redis://h/x", "redis://h/1/2",
		"redis://h/1?db=2", "redis://[::1", "redis://[::1]x",
		"redis://u:hunter2%zz@h", "redis://u:hunter2%00@h",
		"redis://u:hunter2%4@h", "unix:", "unix://", "unix://relative",
		"unix:///s?db=x", "unix:///s?password=hunter2", "unix:///s?",
	};
	struct am_error err;
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(bad); i++) {
		if (open_fails(bad[i], NULL, &err) != AWSMASK_ECONFIG)
			fail_msg("%s: %s", bad[i], err.msg);
		assert_null(strstr(err.msg, "hunter2"));
	}
}

static void
test_refused(void **state)
{
	struct awsmask_config *cfg = mkcfg();
	struct am_error err;
	double t0;

	(void)state;
	/* Port 1 on loopback: nobody listens there. */
	assert_int_equal(open_fails("redis://127.0.0.1:1", NULL, &err),
	    AWSMASK_ESTORE);
	assert_string_equal(err.msg,
	    "redis store 'redis://127.0.0.1:1': connection refused");
	assert_int_equal(open_fails("redis://u:hunter2@127.0.0.1:1/3", NULL,
	    &err), AWSMASK_ESTORE);
	assert_string_equal(err.msg,
	    "redis store 'redis://u:***@127.0.0.1:1/3': connection refused");
	assert_int_equal(open_fails("unix:///nonexistent/redis.sock", NULL,
	    &err), AWSMASK_ESTORE);
	assert_string_equal(err.msg, "redis store "
	    "'unix:///nonexistent/redis.sock': no such file or directory");

	/* With a state folder, the failure trips the breaker ... */
	am_breaker_ok(statedir, "redis://127.0.0.1:1");
	assert_int_equal(open_fails("redis://127.0.0.1:1", cfg, &err),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "connection refused"));
	assert_int_equal(am_breaker_check(statedir, "redis://127.0.0.1:1",
	    am_store_now(), NULL), 1);
	/* ... and the next open fails at once, saying so. */
	t0 = now_ms();
	assert_int_equal(open_fails("redis://127.0.0.1:1", cfg, &err),
	    AWSMASK_ESTORE);
	assert_true(now_ms() - t0 < 100);
	assert_non_null(strstr(err.msg, "not retried"));
	assert_non_null(strstr(err.msg, "redis store 'redis://127.0.0.1:1'"));
	/* Another store's breaker is its own. */
	assert_int_equal(am_breaker_check(statedir, "redis://127.0.0.1:2",
	    am_store_now(), NULL), 0);
	assert_int_equal(am_breaker_ok(statedir, "redis://127.0.0.1:1"), 0);
	assert_int_equal(open_fails("redis://127.0.0.1:1", cfg, &err),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "connection refused"));
	am_breaker_ok(statedir, "redis://127.0.0.1:1");
	awsmask_config_free(cfg);
}

static void
test_round_trip_two_connections(void **state)
{
	static const char bin[] = "i-\0bin\r\n ary\xff";
	const char *orig[] = { "i-0abc12de34f567890", "i-0fedcba9876543210",
	    bin, "i-0abc12de34f567890" };
	size_t len[] = { 19, 19, sizeof(bin) - 1, 19 };
	struct am_store_item it[4], back[5];
	struct am_store *a, *b;
	redisContext *c;
	char *v;
	size_t i, vlen;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 1);
	a = open_db(main_sv.port, 1, NULL);
	b = open_db(main_sv.port, 1, NULL);
	for (i = 0; i < 4; i++)
		item(&it[i], orig[i], len[i], "EC2", "ec2-instance");
	assert_int_equal(am_store_mask_many(a, it, 4), AWSMASK_OK);
	assert_string_equal(it[0].value, "EC2_001");
	assert_string_equal(it[1].value, "EC2_002");
	assert_string_equal(it[2].value, "EC2_003");
	/* A duplicate in the batch gets the same token, and no number. */
	assert_string_equal(it[3].value, "EC2_001");
	assert_int_equal(it[3].value_len, 7);

	/* The other connection resolves them, byte for byte. */
	for (i = 0; i < 3; i++)
		item(&back[i], it[i].value, it[i].value_len, NULL, NULL);
	item(&back[3], "EC2_999", 7, NULL, NULL);
	item(&back[4], "EC2_001", 7, NULL, NULL);
	assert_int_equal(am_store_unmask_many(b, back, 5), AWSMASK_OK);
	for (i = 0; i < 3; i++) {
		assert_int_equal(back[i].value_len, len[i]);
		assert_memory_equal(back[i].value, orig[i], len[i]);
	}
	assert_null(back[3].value);
	assert_memory_equal(back[4].value, orig[0], len[0]);
	am_store_items_release(back, 5);

	/* ... and masks them to the same tokens. */
	am_store_items_release(it, 4);
	assert_int_equal(am_store_mask_many(b, it, 4), AWSMASK_OK);
	assert_string_equal(it[2].value, "EC2_003");

	/* The original design's keys, binary-safe. */
	c = raw(main_sv.port, 1);
	v = rawgetk(c, "mask:", bin, sizeof(bin) - 1);
	assert_string_equal(v, "EC2_003");
	free(v);
	v = rawget(c, "aws:unmask:EC2_003", 18, &vlen);
	assert_int_equal(vlen, sizeof(bin) - 1);
	assert_memory_equal(v, bin, vlen);
	free(v);
	assert_int_equal(rawint(c, "GET aws:counter:EC2"), 3);
	/* mask:, unmask:, counter:, stats:counts(:day), meta:store */
	assert_int_equal(rawint(c, "DBSIZE"), 3 + 3 + 1 + 2 + 1);
	redisFree(c);
	am_store_items_release(it, 4);
	am_store_close(a);
	am_store_close(b);
}

/*
 * A batch begun while another is in flight (mask_next): the other is
 * finished by the call, with its values, before this one's; an original
 * of both gets one token; and one the batch in flight takes round again
 * (its number was taken) after the next batch looked it up settles on
 * one token, the other batch's number dropped.
 */
static void
test_next_in_flight(void **state)
{
	struct am_store_item a[3], b[2], c[2], d[1];
	struct am_store *st;
	redisContext *rc;
	size_t vlen;
	char *v;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 13);
	st = open_db(main_sv.port, 13, NULL);
	rc = raw(main_sv.port, 13);
	item(&a[0], "i-0next00000000001", 18, "EC2", "ec2-instance");
	item(&a[1], "i-0next00000000002", 18, "EC2", "ec2-instance");
	item(&a[2], "i-0next00000000003", 18, "EC2", "ec2-instance");
	item(&b[0], "i-0next00000000002", 18, "EC2", "ec2-instance");
	item(&b[1], "i-0next00000000004", 18, "EC2", "ec2-instance");
	assert_int_equal(am_store_mask_begin(st, a, 3), AWSMASK_OK);
	assert_true(am_store_mask_pending(st));
	assert_int_equal(am_store_mask_begin(st, b, 2), AWSMASK_OK);
	assert_string_equal(a[0].value, "EC2_001");
	assert_string_equal(a[1].value, "EC2_002");
	assert_string_equal(a[2].value, "EC2_003");
	assert_true(am_store_mask_pending(st));
	assert_int_equal(am_store_mask_end(st), AWSMASK_OK);
	assert_false(am_store_mask_pending(st));
	assert_string_equal(b[0].value, "EC2_002");
	assert_string_equal(b[1].value, "EC2_004");

	/* Number 5 is taken: c[0] goes round again (to 7) while d, begun
	 * behind c, has looked it up already and finds it new. */
	rawok(rc, "SET aws:unmask:EC2_005 someone-else");
	item(&c[0], "i-0next00000000005", 18, "EC2", "ec2-instance");
	item(&c[1], "i-0next00000000006", 18, "EC2", "ec2-instance");
	item(&d[0], "i-0next00000000005", 18, "EC2", "ec2-instance");
	assert_int_equal(am_store_mask_begin(st, c, 2), AWSMASK_OK);
	assert_true(am_store_mask_pending(st));
	assert_int_equal(am_store_mask_begin(st, d, 1), AWSMASK_OK);
	assert_string_equal(c[0].value, "EC2_007");
	assert_string_equal(c[1].value, "EC2_006");
	assert_int_equal(am_store_mask_end(st), AWSMASK_OK);
	assert_string_equal(d[0].value, "EC2_007");
	/* d's own number (8) was written and taken back. */
	assert_int_equal(rawint(rc, "EXISTS aws:unmask:EC2_008"), 0);
	assert_int_equal(rawint(rc, "GET aws:counter:EC2"), 8);
	v = rawget(rc, "aws:unmask:EC2_005", 18, &vlen);
	assert_string_equal(v, "someone-else");
	free(v);
	v = rawgetk(rc, "mask:", "i-0next00000000005", 18);
	assert_string_equal(v, "EC2_007");
	free(v);
	redisFree(rc);
	am_store_items_release(a, 3);
	am_store_items_release(b, 2);
	am_store_items_release(c, 2);
	am_store_items_release(d, 1);
	am_store_close(st);
}

static void
test_counters_and_stats(void **state)
{
	const char *orig[] = { "i-01", "vpc-01", "i-02", "vpc-02", "i-03",
	    "x-01" };
	const char *prefix[] = { "EC2", "VPC", "EC2", "VPC", "EC2", "EC2" };
	const char *kind[] = { "ec2-instance", "vpc", "ec2-instance", "vpc",
	    "ec2-instance", NULL };
	const char *want[] = { "EC2_001", "VPC_001", "EC2_002", "VPC_002",
	    "EC2_003", "EC2_004" };
	struct am_store_item it[6];
	struct am_store *st;
	redisContext *c;
	char day[32], key[64];
	time_t now = time(NULL);
	struct tm tm;
	long long ttl;
	size_t i;
	char *t;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 2);
	st = open_db(main_sv.port, 2, NULL);
	for (i = 0; i < 6; i++)
		item(&it[i], orig[i], strlen(orig[i]), prefix[i], kind[i]);
	assert_int_equal(am_store_mask_many(st, it, 6), AWSMASK_OK);
	for (i = 0; i < 6; i++)
		assert_string_equal(it[i].value, want[i]);
	am_store_items_release(it, 6);
	/* Known originals are no new mappings. */
	assert_int_equal(am_store_mask_many(st, it, 6), AWSMASK_OK);
	am_store_items_release(it, 6);
	t = mask1(st, "i-04", "EC2");
	assert_string_equal(t, "EC2_005");
	am_free(t);

	c = raw(main_sv.port, 2);
	assert_int_equal(rawint(c, "GET aws:counter:EC2"), 5);
	assert_int_equal(rawint(c, "GET aws:counter:VPC"), 2);
	assert_int_equal(rawint(c, "TTL aws:counter:EC2"), -1);
	assert_int_equal(rawint(c, "HGET aws:stats:counts total_mappings"), 7);
	assert_int_equal(rawint(c, "HGET aws:stats:counts ec2-instance"), 3);
	assert_int_equal(rawint(c, "HGET aws:stats:counts vpc"), 2);
	assert_int_equal(rawint(c, "HGET aws:stats:counts unknown"), 1);
	assert_int_equal(rawint(c, "HGET aws:stats:counts k"), 1);
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(key, sizeof(key), "aws:stats:counts:%s", day);
	assert_int_equal(rawint(c, "HGET %s daily_mappings", key), 7);
	assert_int_equal(rawint(c, "HGET %s vpc", key), 2);
	ttl = rawint(c, "TTL %s", key);
	assert_true(ttl > 89 * 86400 && ttl <= 90 * 86400);
	assert_int_equal(rawint(c, "TTL aws:stats:counts"), -1);
	redisFree(c);
	am_store_close(st);
}

/*
 * 16 processes mask overlapping sets of originals at once, each through
 * its own connection, in batches; then the store must hold a bijection,
 * every child must have been given the store's token, and every mapping
 * must have been counted once.
 */
#define NCHILD 16
#define NORIG 600
#define BATCH 40

static void
child_run(int port, int id, int gate, const char *out)
{
	static char keys[NORIG][32];
	struct am_store_item it[BATCH];
	struct am_store *st = NULL;
	struct am_error err = { 0 };
	char uri[64], buf[1];
	int order[NORIG], n = 0, i, j;
	FILE *f;

	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/3", port);
	for (i = 0; i < NORIG; i++) {
		int k = id % 2 ? NORIG - 1 - i : i;

		/* Each child skips a different third. */
		if ((k + id) % 3 == 0)
			continue;
		order[n++] = k;
		snprintf(keys[k], sizeof(keys[k]), "%s-%04d",
		    k % 3 == 0 ? "i" : k % 3 == 1 ? "vpc" : "subnet", k);
	}
	/* Start together. */
	if (read(gate, buf, 1) < 0)
		_exit(2);
	if (am_store_open(&st, uri, NULL, &err))
		_exit(3);
	am_store_redis_use_getex(st, use_getex);
	f = fopen(out, "w");
	if (!f)
		_exit(4);
	for (i = 0; i < n; i += BATCH) {
		int m = n - i < BATCH ? n - i : BATCH;

		for (j = 0; j < m; j++) {
			int k = order[i + j];

			item(&it[j], keys[k], strlen(keys[k]), k % 3 == 0 ?
			    "EC2" : k % 3 == 1 ? "VPC" : "SUBNET", k % 3 == 0 ?
			    "ec2-instance" : k % 3 == 1 ? "vpc" : "subnet");
		}
		if (am_store_mask_many(st, it, (size_t)m)) {
			fprintf(f, "error %s\n", st->err.msg);
			fclose(f);
			_exit(5);
		}
		for (j = 0; j < m; j++)
			fprintf(f, "%s %s\n", it[j].key, it[j].value);
		am_store_items_release(it, (size_t)m);
	}
	am_store_close(st);
	_exit(fclose(f) ? 6 : 0);
}

/* Every key matching pattern, and its value, into keys[] and vals[]. */
static size_t
scan_all(redisContext *c, const char *pattern, char (*keys)[64],
    char (*vals)[64], size_t max)
{
	char cursor[32] = "0";
	size_t n = 0, i;

	do {
		redisReply *rep = rawcmd(c, "SCAN %s MATCH %s COUNT 1000",
		    cursor, pattern);

		assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
		snprintf(cursor, sizeof(cursor), "%s", rep->element[0]->str);
		for (i = 0; i < rep->element[1]->elements; i++) {
			const redisReply *k = rep->element[1]->element[i];
			char *v;

			assert_true(n < max);
			assert_true(k->len < 64);
			memcpy(keys[n], k->str, k->len);
			keys[n][k->len] = '\0';
			v = rawget(c, k->str, k->len, NULL);
			assert_non_null(v);
			assert_true(strlen(v) < 64);
			strcpy(vals[n], v);
			free(v);
			n++;
		}
		freeReplyObject(rep);
	} while (strcmp(cursor, "0"));
	return n;
}

static void
test_concurrent_processes(void **state)
{
	static char mk[NORIG + 1][64], mv[NORIG + 1][64];
	static char uk[2 * NORIG][64], uv[2 * NORIG][64];
	char dir[200], path[240], line[160];
	pid_t pid[NCHILD];
	int gate[2], i, status;
	size_t nm, nu, a, b, checked = 0;
	redisContext *c;
	double t0;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 3);
	assert_int_equal(tmpfolder(dir, "awsmask-test-race"), 0);
	assert_int_equal(pipe(gate), 0);
	fflush(NULL);
	for (i = 0; i < NCHILD; i++) {
		snprintf(path, sizeof(path), "%s/out%d", dir, i);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(gate[1]);
			child_run(main_sv.port, i, gate[0], path);
		}
	}
	close(gate[0]);
	t0 = now_ms();
	close(gate[1]);		/* go */
	for (i = 0; i < NCHILD; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(path, sizeof(path), "%s/out%d", dir, i);
			fail_msg("child %d: status %d", i, status);
		}
	}
	print_message("# %d processes, %d originals: %.0f ms\n", NCHILD,
	    NORIG, now_ms() - t0);

	/* The store is a bijection: every mask: has its unmask: and back. */
	c = raw(main_sv.port, 3);
	nm = scan_all(c, "aws:mask:*", mk, mv, NORIG + 1);
	nu = scan_all(c, "aws:unmask:*", uk, uv, 2 * NORIG);
	assert_int_equal(nm, NORIG);
	assert_int_equal(nu, NORIG);	/* losers left no unmask: keys */
	for (a = 0; a < nm; a++) {
		char key[96];
		char *o;

		snprintf(key, sizeof(key), "aws:unmask:%s", mv[a]);
		o = rawget(c, key, strlen(key), NULL);
		assert_non_null(o);
		assert_string_equal(o, mk[a] + strlen("aws:mask:"));
		free(o);
		for (b = a + 1; b < nm; b++)
			assert_string_not_equal(mv[a], mv[b]);
	}
	for (a = 0; a < nu; a++) {
		char key[96];
		char *t;

		snprintf(key, sizeof(key), "aws:mask:%s", uv[a]);
		t = rawget(c, key, strlen(key), NULL);
		assert_non_null(t);
		assert_string_equal(t, uk[a] + strlen("aws:unmask:"));
		free(t);
	}
	/* Each mapping was counted once, by the process that created it. */
	assert_int_equal(rawint(c, "HGET aws:stats:counts total_mappings"),
	    NORIG);
	assert_int_equal(rawint(c, "HGET aws:stats:counts vpc"), NORIG / 3);
	assert_true(rawint(c, "GET aws:counter:EC2") >= NORIG / 3);

	/* Every child was told the token the store holds. */
	for (i = 0; i < NCHILD; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/out%d", dir, i);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			char *sp = strchr(line, ' '), *t;

			assert_non_null(sp);
			*sp = '\0';
			sp[strcspn(sp + 1, "\n") + 1] = '\0';
			t = rawgetk(c, "mask:", line, strlen(line));
			assert_non_null(t);
			assert_string_equal(t, sp + 1);
			free(t);
			checked++;
		}
		fclose(f);
	}
	assert_true(checked > (size_t)NCHILD * NORIG / 2);
	redisFree(c);
	rm_rf(dir);
}

static void
test_requirepass(void **state)
{
	const char *extra[] = { "--requirepass", "s3cret-pw", NULL };
	struct awsmask_config *cfg;
	struct am_error err;
	struct am_store *st;
	redisContext *c;
	char uri[260];
	char *t, *o;

	(void)state;
	NEED_AUX(extra, 0);
	cfg = mkcfg();
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d", aux_sv.port);

	/* No password: NOAUTH, at open. */
	assert_int_equal(open_fails(uri, cfg, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "NOAUTH"));
	/* Not a connection failure: the breaker stays closed. */
	assert_int_equal(am_breaker_check(statedir, uri, am_store_now(),
	    NULL), 0);

	/* The password from the configuration. */
	cfgset(cfg, "redis_password", "s3cret-pw");
	st = open_uri(uri, cfg);
	t = mask1(st, "i-0abc12de34f567890", "EC2");
	am_store_close(st);

	/* From the URI, which wins over the configuration's. */
	cfgset(cfg, "redis_password", "wrong-pw");
	snprintf(uri, sizeof(uri), "redis://:s3cret-pw@127.0.0.1:%d",
	    aux_sv.port);
	st = open_uri(uri, cfg);
	o = unmask1(st, t);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	am_store_close(st);

	/* Wrong passwords, never echoed. */
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d", aux_sv.port);
	assert_int_equal(open_fails(uri, cfg, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "authentication failed"));
	assert_null(strstr(err.msg, "wrong-pw"));
	assert_null(strstr(err.msg, "s3cret"));
	snprintf(uri, sizeof(uri), "redis://:hunter2@127.0.0.1:%d/2",
	    aux_sv.port);
	assert_int_equal(open_fails(uri, NULL, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "WRONGPASS"));
	assert_null(strstr(err.msg, "hunter2"));
	assert_null(strstr(err.msg, "s3cret"));

	/* Redis 6 ACL users: AUTH user password; %-escapes in the URI. */
	c = redisConnect("127.0.0.1", aux_sv.port);
	assert_non_null(c);
	rawok(c, "AUTH s3cret-pw");
	rawok(c, "ACL SETUSER alice on >alice-pw ~* &* +@all");
	rawok(c, "ACL SETUSER carol on >p@ss:w/rd%% ~aws:* +@all");
	redisFree(c);
	snprintf(uri, sizeof(uri), "redis://alice:alice-pw@127.0.0.1:%d/1",
	    aux_sv.port);
	st = open_uri(uri, NULL);
	am_free(mask1(st, "i-0fedcba9876543210", "EC2"));
	am_store_close(st);
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/1", aux_sv.port);
	cfgset(cfg, "redis_user", "alice");
	cfgset(cfg, "redis_password", "alice-pw");
	st = open_uri(uri, cfg);
	assert_int_equal(st->ops->ping(st), AWSMASK_OK);
	am_store_close(st);
	snprintf(uri, sizeof(uri), "redis://carol:p%%40ss%%3Aw%%2Frd%%25@"
	    "127.0.0.1:%d", aux_sv.port);
	st = open_uri(uri, NULL);
	o = unmask1(st, t);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	am_store_close(st);
	/* A user the ACL does not know. */
	snprintf(uri, sizeof(uri), "redis://bob:alice-pw@127.0.0.1:%d",
	    aux_sv.port);
	assert_int_equal(open_fails(uri, NULL, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "authentication failed"));
	assert_null(strstr(err.msg, "alice-pw"));
	am_free(t);
	awsmask_config_free(cfg);
}

static void
test_unix_socket(void **state)
{
	struct am_store *st;
	redisContext *c;
	char uri[260];
	char *t, *o;

	(void)state;
	NEED_AUX(NULL, 1);
	snprintf(uri, sizeof(uri), "unix://%s", aux_sv.sock);
	st = open_uri(uri, NULL);
	t = mask1(st, "i-0abc12de34f567890", "EC2");
	assert_string_equal(t, "EC2_001");
	o = unmask1(st, t);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	am_free(t);
	am_store_close(st);
	/* A database by parameter. */
	snprintf(uri, sizeof(uri), "unix://%s?db=4", aux_sv.sock);
	st = open_uri(uri, NULL);
	am_free(mask1(st, "vpc-0123456789abcdef0", "VPC"));
	am_store_close(st);
	c = raw(aux_sv.port, 4);
	assert_int_equal(rawint(c, "EXISTS aws:mask:vpc-0123456789abcdef0"), 1);
	assert_int_equal(rawint(c, "EXISTS aws:mask:i-0abc12de34f567890"), 0);
	redisFree(c);
}

static void
test_databases_and_namespace(void **state)
{
	struct awsmask_config *cfg = mkcfg();
	struct am_store *st;
	redisContext *c0, *c5;
	char uri[64];
	char *t;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 0);
	flushdb(main_sv.port, 5);
	st = open_db(main_sv.port, 5, NULL);
	am_free(mask1(st, "i-0abc12de34f567890", "EC2"));
	am_store_close(st);
	c0 = raw(main_sv.port, 0);
	c5 = raw(main_sv.port, 5);
	assert_int_equal(rawint(c5, "EXISTS aws:mask:i-0abc12de34f567890"), 1);
	assert_int_equal(rawint(c0, "DBSIZE"), 0);

	/* No /db: database 0. */
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d", main_sv.port);
	st = open_uri(uri, NULL);
	am_free(mask1(st, "i-0abc12de34f567890", "EC2"));
	am_store_close(st);
	assert_int_equal(rawint(c0, "EXISTS aws:mask:i-0abc12de34f567890"), 1);

	/* Another namespace fences its keys. */
	cfgset(cfg, "namespace", "team1:");
	st = open_db(main_sv.port, 5, cfg);
	t = mask1(st, "i-0fedcba9876543210", "EC2");
	assert_string_equal(t, "EC2_001");
	am_free(t);
	am_store_close(st);
	assert_int_equal(rawint(c5,
	    "EXISTS team1:mask:i-0fedcba9876543210"), 1);
	assert_int_equal(rawint(c5, "GET team1:counter:EC2"), 1);
	assert_int_equal(rawint(c5, "GET aws:counter:EC2"), 1);
	assert_int_equal(rawint(c5,
	    "EXISTS aws:mask:i-0fedcba9876543210"), 0);
	rawok(c0, "FLUSHDB");
	redisFree(c0);
	redisFree(c5);
	awsmask_config_free(cfg);
}

static void
test_ipv6(void **state)
{
	struct am_store *st = NULL;
	struct am_error err = { 0 };
	char uri[64];

	(void)state;
	NEED_MAIN();
	snprintf(uri, sizeof(uri), "redis://[::1]:%d/9", main_sv.port);
	if (am_store_open(&st, uri, NULL, &err)) {
		assert_int_equal(err.code, AWSMASK_ESTORE);
		SKIP("no IPv6 loopback here");
	}
	assert_int_equal(st->ops->ping(st), AWSMASK_OK);
	assert_string_equal(st->name, uri);
	am_store_close(st);
}

static void
test_ttl(void **state)
{
	struct awsmask_config *cfg = mkcfg(), *one = mkcfg();
	struct am_store *st, *st1;
	redisContext *c;
	long long ttl;
	char *t, *o;
	int i;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 6);
	cfgset(cfg, "masking_ttl", "100");
	st = open_db(main_sv.port, 6, cfg);
	t = mask1(st, "i-0abc12de34f567890", "EC2");
	c = raw(main_sv.port, 6);
	ttl = rawint(c, "PTTL aws:mask:i-0abc12de34f567890");
	assert_true(ttl > 95000 && ttl <= 100000);
	ttl = rawint(c, "PTTL aws:unmask:%s", t);
	assert_true(ttl > 95000 && ttl <= 100000);
	assert_int_equal(rawint(c, "TTL aws:counter:EC2"), -1);

	/* Masking refreshes both directions ... */
	rawok(c, "PEXPIRE aws:mask:i-0abc12de34f567890 5000");
	rawok(c, "PEXPIRE aws:unmask:%s 5000", t);
	am_free(mask1(st, "i-0abc12de34f567890", "EC2"));
	assert_true(rawint(c, "PTTL aws:mask:i-0abc12de34f567890") > 95000);
	assert_true(rawint(c, "PTTL aws:unmask:%s", t) > 95000);
	/* ... and so does unmasking. */
	rawok(c, "PEXPIRE aws:mask:i-0abc12de34f567890 5000");
	rawok(c, "PEXPIRE aws:unmask:%s 5000", t);
	o = unmask1(st, t);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	assert_true(rawint(c, "PTTL aws:mask:i-0abc12de34f567890") > 95000);
	assert_true(rawint(c, "PTTL aws:unmask:%s", t) > 95000);
	am_free(t);

	/* A one-second mapping expires both ways, and stays expired. */
	cfgset(one, "masking_ttl", "1");
	st1 = open_db(main_sv.port, 6, one);
	t = mask1(st1, "i-0fedcba9876543210", "EC2");
	assert_string_equal(t, "EC2_002");
	assert_true(rawint(c, "PTTL aws:unmask:EC2_002") <= 1000);
	for (i = 0; i < 25; i++) {
		if (rawint(c, "EXISTS aws:mask:i-0fedcba9876543210 "
		    "aws:unmask:EC2_002") == 0)
			break;
		usleep(100000);
	}
	assert_true(i < 25);
	assert_null(unmask1(st, t));
	am_free(t);
	/* The number is never reused: a new mapping gets a new one. */
	t = mask1(st, "i-0fedcba9876543210", "EC2");
	assert_string_equal(t, "EC2_003");
	am_free(t);
	redisFree(c);
	am_store_close(st);
	am_store_close(st1);
	awsmask_config_free(cfg);
	awsmask_config_free(one);
}

static void
test_half_present(void **state)
{
	struct am_store *st;
	redisContext *c;
	char *t, *t2, *o, *v;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 7);
	st = open_db(main_sv.port, 7, NULL);
	c = raw(main_sv.port, 7);

	/* unmask: gone: repaired, with the same token, and mask: renewed
	 * with it (it must not expire before unmask:). */
	t = mask1(st, "i-0abc12de34f567890", "EC2");
	rawok(c, "DEL aws:unmask:%s", t);
	rawok(c, "PEXPIRE aws:mask:i-0abc12de34f567890 5000");
	assert_null(unmask1(st, t));
	t2 = mask1(st, "i-0abc12de34f567890", "EC2");
	assert_string_equal(t2, t);
	v = rawgetk(c, "unmask:", t, strlen(t));
	assert_string_equal(v, "i-0abc12de34f567890");
	free(v);
	assert_true(rawint(c, "TTL aws:unmask:%s", t) > 600000);
	assert_true(rawint(c, "TTL aws:mask:i-0abc12de34f567890") > 600000);
	o = unmask1(st, t);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	am_free(t2);

	/* mask: gone: the token no longer resolves (nothing says it still
	 * means that original), and masking makes a new mapping. */
	rawok(c, "DEL aws:mask:i-0abc12de34f567890");
	assert_null(unmask1(st, t));
	t2 = mask1(st, "i-0abc12de34f567890", "EC2");
	assert_string_equal(t2, "EC2_002");
	o = unmask1(st, t2);
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	am_free(t2);
	am_free(t);

	/* unmask: says another original: never that one's token. */
	t = mask1(st, "i-0fedcba9876543210", "EC2");
	assert_string_equal(t, "EC2_003");
	rawok(c, "SET aws:unmask:EC2_003 someone-else");
	t2 = mask1(st, "i-0fedcba9876543210", "EC2");
	assert_string_equal(t2, "EC2_004");
	v = rawget(c, "aws:mask:i-0fedcba9876543210", 28, NULL);
	assert_string_equal(v, "EC2_004");
	free(v);
	v = rawget(c, "aws:unmask:EC2_003", 18, NULL);
	assert_string_equal(v, "someone-else");	/* not ours to touch */
	free(v);
	/* EC2_003 resolves to nobody: someone-else has no mask: key. */
	assert_null(unmask1(st, "EC2_003"));
	o = unmask1(st, "EC2_004");
	assert_string_equal(o, "i-0fedcba9876543210");
	am_free(o);
	am_free(t);
	am_free(t2);

	/* A counter behind its tokens: taken numbers are skipped. */
	rawok(c, "SET aws:counter:EC2 1");
	t = mask1(st, "i-0000000000000000a", "EC2");
	assert_string_equal(t, "EC2_005");
	am_free(t);
	o = unmask1(st, "EC2_002");
	assert_string_equal(o, "i-0abc12de34f567890");
	am_free(o);
	o = unmask1(st, "EC2_004");
	assert_string_equal(o, "i-0fedcba9876543210");
	am_free(o);
	redisFree(c);
	am_store_close(st);
}

/* Sum of cmdstat calls, INFO and CONFIG themselves aside. */
static long long
command_calls(redisContext *c)
{
	redisReply *rep = rawcmd(c, "INFO commandstats");
	const char *p;
	long long sum = 0;

	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	for (p = rep->str; (p = strstr(p, "cmdstat_")); p++) {
		const char *calls = strstr(p, ":calls=");

		if (!calls)
			break;
		if (strncmp(p, "cmdstat_info", 12) &&
		    strncmp(p, "cmdstat_config", 14))
			sum += atoll(calls + 7);
	}
	freeReplyObject(rep);
	return sum;
}

/* Calls of one command (lower case, e.g. "expire") since RESETSTAT. */
static long long
calls_of(redisContext *c, const char *cmd)
{
	redisReply *rep = rawcmd(c, "INFO commandstats");
	char want[64];
	const char *p;
	long long n = 0;

	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	snprintf(want, sizeof(want), "cmdstat_%s:calls=", cmd);
	if ((p = strstr(rep->str, want)))
		n = atoll(p + strlen(want));
	freeReplyObject(rep);
	return n;
}

/* Calls of commands that write (what a hit must not cost). */
static long long
write_calls(redisContext *c)
{
	static const char *const w[] = { "expire", "pexpire", "getex", "set",
	    "del", "incrby", "hincrby" };
	long long n = 0;
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		n += calls_of(c, w[i]);
	return n;
}

static void
make_items(struct am_store_item *it, char (*keys)[40], size_t n,
    const char *tag)
{
	static const char *const prefix[] = { "EC2", "VPC", "SUBNET" };
	static const char *const kind[] = { "ec2-instance", "vpc", "subnet" };
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(keys[i], 40, "%s-%s%012zx", i % 3 == 0 ? "i" :
		    i % 3 == 1 ? "vpc" : "subnet", tag, i);
		item(&it[i], keys[i], strlen(keys[i]), prefix[i % 3],
		    kind[i % 3]);
	}
}

/*
 * One server reads a batch's mask: keys with MGET.  Where an ACL refuses
 * MGET, masking fails and hands no token back (fail secure), with
 * Redis's reason.
 */
static void
test_mget_acl(void **state)
{
	struct am_store_item it[3];
	static const char *const orig[] = { "i-0aaaaaaaaaaaaaaa1",
	    "i-0aaaaaaaaaaaaaaa2", "i-0aaaaaaaaaaaaaaa1" };
	struct am_store *st;
	redisContext *c;
	char uri[128];
	size_t i;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 9);
	c = raw(main_sv.port, 9);
	rawok(c, "ACL SETUSER nomget on >nomget-pw ~* &* +@all -mget");
	snprintf(uri, sizeof(uri), "redis://nomget:nomget-pw@127.0.0.1:%d/9",
	    main_sv.port);
	st = open_uri(uri, NULL);
	for (i = 0; i < 3; i++)
		item(&it[i], orig[i], strlen(orig[i]), "EC2", "ec2-instance");
	assert_int_equal(am_store_mask_many(st, it, 3), AWSMASK_ESTORE);
	for (i = 0; i < 3; i++)
		assert_null(it[i].value);
	assert_non_null(strstr(st->err.msg, "NOPERM"));
	assert_null(strstr(st->err.msg, orig[0]));
	am_store_close(st);
	/* No mapping and no number: the refusal came before those. */
	assert_int_equal(rawint(c, "EXISTS aws:mask:%s aws:counter:EC2",
	    orig[0]), 0);
	rawok(c, "ACL DELUSER nomget");
	redisFree(c);
}

#define NBATCH 1000
#define NMGET 2		/* MGETs of NBATCH keys (500 a command) */

static void
test_round_trips_bounded(void **state)
{
	static char keys[NBATCH][40], toks[NBATCH][40], big[10 * NBATCH][40];
	static struct am_store_item it[NBATCH], back[NBATCH],
	    bigit[10 * NBATCH];
	struct am_store *st;
	redisContext *c;
	unsigned long long rt;
	long long calls;
	double t0, ms, total = 0;
	size_t i, b;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 8);
	st = open_db(main_sv.port, 8, NULL);
	/* Redis 7 here: GETEX is there unless turned off. */
	assert_int_equal(am_store_redis_use_getex(st, use_getex), use_getex);
	c = raw(main_sv.port, 8);
	make_items(it, keys, NBATCH, "a");

	/* A store's first allocation gives it its identity: one round
	 * trip, once. */
	{
		struct am_store_item one;

		item(&one, "i-warmup", 8, "EC2", "ec2-instance");
		rt = am_store_redis_round_trips(st);
		assert_int_equal(am_store_mask_many(st, &one, 1), AWSMASK_OK);
		assert_int_equal(am_store_redis_round_trips(st) - rt, 5 + 1);
		am_store_items_release(&one, 1);
	}

	/* 1000 new originals: five round trips, two commands each (SET
	 * unmask: NX, SET mask: NX) and their mask: keys read in two MGETs,
	 * plus one INCRBY and one HINCRBY (its twin) a prefix and a few
	 * HINCRBY a kind. */
	rawok(c, "CONFIG RESETSTAT");
	rt = am_store_redis_round_trips(st);
	t0 = now_ms();
	assert_int_equal(am_store_mask_many(st, it, NBATCH), AWSMASK_OK);
	ms = now_ms() - t0;
	rt = am_store_redis_round_trips(st) - rt;
	calls = command_calls(c);
	print_message("# 1000 new: %llu round trips, %lld commands, "
	    "%.1f ms\n", rt, calls, ms);
	assert_int_equal(rt, 5);
	assert_true(calls >= 2 * NBATCH + NMGET &&
	    calls <= 2 * NBATCH + NMGET + 3 + 3 + 1 + 2 + 2 * 3);
	assert_int_equal(calls_of(c, "mget"), NMGET);
	assert_int_equal(calls_of(c, "get"), 0);

	/* The same 1000 again: two round trips, two reads each (GET and
	 * PTTL unmask:) and the MGETs of mask:, and no write at all: they
	 * were renewed a moment ago. */
	for (i = 0; i < NBATCH; i++) {
		assert_true(it[i].value_len < sizeof(toks[i]));
		memcpy(toks[i], it[i].value, it[i].value_len + 1);
		item(&back[i], toks[i], it[i].value_len, NULL, NULL);
	}
	rawok(c, "CONFIG RESETSTAT");
	rt = am_store_redis_round_trips(st);
	am_store_items_release(it, NBATCH);
	t0 = now_ms();
	assert_int_equal(am_store_mask_many(st, it, NBATCH), AWSMASK_OK);
	ms = now_ms() - t0;
	assert_int_equal(am_store_redis_round_trips(st) - rt, 2);
	calls = command_calls(c);
	print_message("# 1000 known: 2 round trips, %lld commands, %.1f ms\n",
	    calls, ms);
	assert_int_equal(calls, 2 * NBATCH + NMGET);
	assert_int_equal(write_calls(c), 0);

	/* Unmasking them: two round trips, as many reads (GET unmask:, GET
	 * and PTTL mask:). */
	rawok(c, "CONFIG RESETSTAT");
	rt = am_store_redis_round_trips(st);
	assert_int_equal(am_store_unmask_many(st, back, NBATCH), AWSMASK_OK);
	assert_int_equal(am_store_redis_round_trips(st) - rt, 2);
	assert_int_equal(command_calls(c), 3 * NBATCH);
	assert_int_equal(write_calls(c), 0);
	for (i = 0; i < NBATCH; i++)
		assert_memory_equal(back[i].value, keys[i], strlen(keys[i]));
	am_store_items_release(back, NBATCH);
	am_store_items_release(it, NBATCH);

	/*
	 * Stale: as if last renewed two minutes ago.  A third round trip
	 * renews them, unmask: first (EXPIRE, then GETEX mask:, or EXPIRE,
	 * EXPIRE and GET without GETEX), and their TTL is whole again.
	 */
	for (i = 0; i < NBATCH; i++) {
		rawok(c, "PEXPIRE aws:mask:%s %lld", keys[i],
		    (604800LL - 120) * 1000);
		rawok(c, "PEXPIRE aws:unmask:%s %lld", toks[i],
		    (604800LL - 120) * 1000);
	}
	rawok(c, "CONFIG RESETSTAT");
	rt = am_store_redis_round_trips(st);
	assert_int_equal(am_store_mask_many(st, it, NBATCH), AWSMASK_OK);
	assert_int_equal(am_store_redis_round_trips(st) - rt, 3);
	assert_int_equal(command_calls(c), (use_getex ? 4 : 5) * NBATCH +
	    NMGET);
	for (i = 0; i < NBATCH; i++)
		assert_memory_equal(it[i].value, toks[i], strlen(toks[i]));
	assert_true(rawint(c, "PTTL aws:mask:%s", keys[0]) >
	    (604800LL - 60) * 1000);
	assert_true(rawint(c, "PTTL aws:unmask:%s", toks[NBATCH - 1]) >
	    (604800LL - 60) * 1000);
	am_store_items_release(it, NBATCH);
	/* Renewed: a read again. */
	rawok(c, "CONFIG RESETSTAT");
	assert_int_equal(am_store_mask_many(st, it, NBATCH), AWSMASK_OK);
	assert_int_equal(write_calls(c), 0);
	am_store_items_release(it, NBATCH);
	/* Unmasking stale pairs renews them too, in a third round trip. */
	for (i = 0; i < NBATCH; i++) {
		rawok(c, "PEXPIRE aws:mask:%s %lld", keys[i],
		    (604800LL - 120) * 1000);
		rawok(c, "PEXPIRE aws:unmask:%s %lld", toks[i],
		    (604800LL - 120) * 1000);
	}
	rt = am_store_redis_round_trips(st);
	assert_int_equal(am_store_unmask_many(st, back, NBATCH), AWSMASK_OK);
	assert_int_equal(am_store_redis_round_trips(st) - rt, 3);
	assert_true(rawint(c, "PTTL aws:mask:%s", keys[1]) >
	    (604800LL - 60) * 1000);
	assert_true(rawint(c, "PTTL aws:unmask:%s", toks[1]) >
	    (604800LL - 60) * 1000);
	am_store_items_release(back, NBATCH);

	/* Throughput of new mappings, batches of 1000. */
	make_items(bigit, big, 10 * NBATCH, "b");
	t0 = now_ms();
	for (b = 0; b < 10; b++) {
		assert_int_equal(am_store_mask_many(st, bigit + b * NBATCH,
		    NBATCH), AWSMASK_OK);
		am_store_items_release(bigit + b * NBATCH, NBATCH);
	}
	total = now_ms() - t0;
	print_message("# new mappings, batches of 1000: %.0f/s "
	    "(10000 in %.1f ms)\n", 10000 / (total / 1e3), total);
	/* One batch of 10000. */
	make_items(bigit, big, 10 * NBATCH, "c");
	rt = am_store_redis_round_trips(st);
	t0 = now_ms();
	assert_int_equal(am_store_mask_many(st, bigit, 10 * NBATCH),
	    AWSMASK_OK);
	total = now_ms() - t0;
	assert_int_equal(am_store_redis_round_trips(st) - rt, 5);
	print_message("# new mappings, one batch of 10000: %.0f/s\n",
	    10000 / (total / 1e3));
	am_store_items_release(bigit, 10 * NBATCH);
	redisFree(c);
	am_store_close(st);
}

static void
test_out_of_memory(void **state)
{
	static char keys[2000][200];
	static struct am_store_item it[2000];
	struct am_store *st;
	redisContext *c;
	int b, rc = AWSMASK_OK;
	size_t i;

	(void)state;
	NEED_AUX(NULL, 0);
	c = raw(aux_sv.port, 0);
	rawok(c, "CONFIG SET maxmemory 1mb");
	rawok(c, "CONFIG SET maxmemory-policy noeviction");
	st = open_db(aux_sv.port, 0, NULL);
	for (b = 0; b < 50 && rc == AWSMASK_OK; b++) {
		for (i = 0; i < 2000; i++) {
			snprintf(keys[i], sizeof(keys[i]),
			    "secret-original-%d-%zu-%0150d", b, i, 0);
			item(&it[i], keys[i], strlen(keys[i]), "EC2", "ec2");
		}
		rc = am_store_mask_many(st, it, 2000);
		if (rc == AWSMASK_OK)
			am_store_items_release(it, 2000);
	}
	assert_int_equal(rc, AWSMASK_ESTORE);
	for (i = 0; i < 2000; i++)
		assert_null(it[i].value);
	assert_non_null(strstr(st->err.msg, "OOM"));
	assert_non_null(strstr(st->err.msg, "redis store 'redis://"));
	assert_null(strstr(st->err.msg, "secret-original"));
	/* It sticks. */
	assert_int_equal(am_store_mask_many(st, it, 1), AWSMASK_ESTORE);
	am_store_close(st);
	rawok(c, "CONFIG SET maxmemory 0");
	redisFree(c);
}

static void
test_server_killed(void **state)
{
	static char keys[5000][40];
	static struct am_store_item it[5000];
	struct awsmask_config *cfg = mkcfg();
	struct am_error err;
	struct am_store *st;
	sigset_t mask, pending;
	char uri[64];
	int status;

	(void)state;
	NEED_AUX(NULL, 0);
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/0", aux_sv.port);
	st = open_uri(uri, cfg);
	am_free(mask1(st, "i-0abc12de34f567890", "EC2"));
	kill(aux_sv.pid, SIGKILL);
	assert_int_equal(waitpid(aux_sv.pid, &status, 0), aux_sv.pid);
	aux_sv.pid = 0;

	/* A big pipeline into a dead socket: EPIPE, but no SIGPIPE. */
	make_items(it, keys, 5000, "k");
	assert_int_equal(am_store_mask_many(st, it, 5000), AWSMASK_ESTORE);
	assert_non_null(strstr(st->err.msg, "redis store 'redis://127.0.0.1:"));
	assert_null(strstr(st->err.msg, "i-k"));
	sigprocmask(SIG_BLOCK, NULL, &mask);
	assert_int_equal(sigismember(&mask, SIGPIPE), 0);
	sigpending(&pending);
	assert_int_equal(sigismember(&pending, SIGPIPE), 0);
	/* It sticks; ping says so too. */
	assert_int_equal(am_store_mask_many(st, it, 1), AWSMASK_ESTORE);
	assert_int_equal(st->ops->ping(st), AWSMASK_ESTORE);
	am_store_close(st);

	/* The breaker remembers the dead server. */
	assert_int_equal(am_breaker_check(statedir, uri, am_store_now(),
	    NULL), 1);
	assert_int_equal(open_fails(uri, cfg, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "not retried"));
	am_breaker_ok(statedir, uri);
	assert_int_equal(open_fails(uri, cfg, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "connection refused"));
	am_breaker_ok(statedir, uri);
	awsmask_config_free(cfg);
}

static void
test_server_paused(void **state)
{
	struct awsmask_config *cfg = mkcfg();
	struct am_error err;
	struct am_store *st;
	char uri[64];
	double t0, ms;

	(void)state;
	NEED_AUX(NULL, 0);
	cfgset(cfg, "redis_timeout", "200");
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/0", aux_sv.port);
	st = open_uri(uri, cfg);
	am_free(mask1(st, "i-0abc12de34f567890", "EC2"));
	kill(aux_sv.pid, SIGSTOP);

	t0 = now_ms();
	{
		struct am_store_item one;

		item(&one, "i-0fedcba9876543210", 19, "EC2", "ec2");
		assert_int_equal(am_store_mask_many(st, &one, 1),
		    AWSMASK_ESTORE);
		assert_null(one.value);
	}
	ms = now_ms() - t0;
	print_message("# paused server: failed after %.0f ms\n", ms);
	assert_true(ms >= 150 && ms < 1500);
	assert_non_null(strstr(st->err.msg, "timed out after 200 ms"));
	assert_null(strstr(st->err.msg, "i-0fedcba9876543210"));
	am_store_close(st);

	/* Opening while it is paused: the kernel accepts the connection,
	 * the PING times out. */
	am_breaker_ok(statedir, uri);
	t0 = now_ms();
	assert_int_equal(open_fails(uri, cfg, &err), AWSMASK_ESTORE);
	assert_true(now_ms() - t0 < 1500);
	assert_non_null(strstr(err.msg, "timed out"));
	am_breaker_ok(statedir, uri);
	kill(aux_sv.pid, SIGCONT);
	awsmask_config_free(cfg);
}

/* Allocations fail after a countdown: every path out must be clean. */
static int alloc_left;

static void *
count_malloc(size_t n)
{
	return alloc_left-- > 0 ? malloc(n) : NULL;
}

static void *
count_calloc(size_t n, size_t s)
{
	return alloc_left-- > 0 ? calloc(n, s) : NULL;
}

static void *
count_realloc(void *p, size_t n)
{
	return alloc_left-- > 0 ? realloc(p, n) : NULL;
}

static void
test_alloc_failure(void **state)
{
	static const struct am_allocator counting = { count_malloc,
	    count_calloc, count_realloc, free };
	static char keys[30][40];
	struct am_store_item it[30], back[30];
	struct am_store *st;
	int budget, rc, ok = 0;
	size_t i;

	(void)state;
	NEED_MAIN();
	for (budget = 0; budget < 400 && !ok; budget++) {
		flushdb(main_sv.port, 10);
		st = open_db(main_sv.port, 10, NULL);
		make_items(it, keys, 30, "m");
		memcpy(&it[29], &it[0], sizeof(it[0]));	/* a duplicate */
		alloc_left = budget;
		am_set_allocator(&counting);
		rc = am_store_mask_many(st, it, 30);
		am_set_allocator(NULL);
		if (rc == AWSMASK_OK) {
			for (i = 0; i < 30; i++)
				item(&back[i], it[i].value, it[i].value_len,
				    NULL, NULL);
			alloc_left = budget;
			am_set_allocator(&counting);
			rc = am_store_unmask_many(st, back, 30);
			am_set_allocator(NULL);
			if (rc == AWSMASK_OK) {
				for (i = 0; i < 30; i++)
					assert_memory_equal(back[i].value,
					    it[i].key, it[i].key_len);
				am_store_items_release(back, 30);
				ok = 1;
			} else {
				assert_int_equal(rc, AWSMASK_ENOMEM);
				for (i = 0; i < 30; i++)
					assert_null(back[i].value);
			}
			am_store_items_release(it, 30);
		} else {
			assert_int_equal(rc, AWSMASK_ENOMEM);
			for (i = 0; i < 30; i++)
				assert_null(it[i].value);
		}
		am_store_close(st);
	}
	assert_true(ok);
	print_message("# allocation failures: %d budgets tried\n", budget);
}

/*
 * Every allocation of a batch begun behind one in flight, failed in
 * turn: the call succeeds with both batches' values, or fails with
 * neither, and the store closes cleanly either way.
 */
static void
test_alloc_failure_next(void **state)
{
	static const struct am_allocator counting = { count_malloc,
	    count_calloc, count_realloc, free };
	static char akeys[20][40], bkeys[20][40];
	struct am_store_item a[20], b[20];
	struct am_store *st;
	int budget, rc, ok = 0, failed = 0;
	size_t i;

	(void)state;
	NEED_MAIN();
	for (budget = 0; budget < 600 && !ok; budget++) {
		flushdb(main_sv.port, 14);
		st = open_db(main_sv.port, 14, NULL);
		make_items(a, akeys, 20, "n");
		make_items(b, bkeys, 20, "o");
		/* Half of b is in a too. */
		for (i = 0; i < 10; i++)
			memcpy(&b[i], &a[2 * i], sizeof(b[i]));
		assert_int_equal(am_store_mask_begin(st, a, 20), AWSMASK_OK);
		assert_true(am_store_mask_pending(st));
		alloc_left = budget;
		am_set_allocator(&counting);
		rc = am_store_mask_begin(st, b, 20);
		am_set_allocator(NULL);
		for (i = 0; i < 20; i++)
			if (rc == AWSMASK_OK)
				assert_non_null(a[i].value);
			else
				assert_null(a[i].value);
		if (rc == AWSMASK_OK) {
			am_set_allocator(&counting);
			rc = am_store_mask_end(st);
			am_set_allocator(NULL);
		}
		if (rc == AWSMASK_OK) {
			for (i = 0; i < 20; i++) {
				assert_non_null(a[i].value);
				assert_non_null(b[i].value);
			}
			for (i = 0; i < 10; i++)
				assert_string_equal(b[i].value, a[2 * i].value);
			ok = 1;
		} else {
			assert_int_equal(rc, AWSMASK_ENOMEM);
			for (i = 0; i < 20; i++)
				assert_null(b[i].value);
			failed++;
		}
		am_store_items_release(a, 20);
		am_store_items_release(b, 20);
		am_store_close(st);
	}
	assert_true(ok);
	assert_true(failed > 0);
	print_message("# allocation failures, a batch behind one in flight: "
	    "%d budgets tried\n", budget);
}

static void
test_ping_and_name(void **state)
{
	struct am_store *st;

	(void)state;
	NEED_MAIN();
	st = open_db(main_sv.port, 0, NULL);
	assert_string_equal(st->ops->scheme, "redis");
	assert_int_equal(st->ops->ping(st), AWSMASK_OK);
	assert_int_equal(am_store_redis_round_trips(st), 2);	/* open, ping */
	am_store_close(st);
	assert_int_equal(am_store_redis_round_trips(NULL), 0);
}

/* The operator side: scans, compare-and-delete, the lock, info. */

struct scanned {
	struct am_entry *e;
	char (*o)[64], (*t)[64];
	size_t n, cap;
};

static void
scanned_free(struct scanned *sc)
{
	free(sc->e);
	free(sc->o);
	free(sc->t);
	memset(sc, 0, sizeof(*sc));
}

static void
scan_store(struct am_store *st, struct scanned *sc)
{
	struct am_scan s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.flags = AM_SCAN_USED;
	sc->n = 0;
	while (!s.done) {
		assert_int_equal(am_store_scan(st, &s), AWSMASK_OK);
		for (i = 0; i < s.n; i++) {
			struct am_entry *e;

			if (sc->n == sc->cap) {
				sc->cap = sc->cap ? 2 * sc->cap : 1024;
				sc->e = realloc(sc->e, sc->cap * sizeof(*sc->e));
				sc->o = realloc(sc->o, sc->cap * sizeof(*sc->o));
				sc->t = realloc(sc->t, sc->cap * sizeof(*sc->t));
				assert_non_null(sc->e);
				assert_non_null(sc->o);
				assert_non_null(sc->t);
			}
			e = &sc->e[sc->n];
			*e = s.entries[i];
			assert_true(e->original_len < 64 && e->token_len < 64);
			memcpy(sc->o[sc->n], e->original, e->original_len);
			memcpy(sc->t[sc->n], e->token, e->token_len);
			sc->n++;
		}
	}
	/* The copies, once the arrays stopped moving. */
	for (i = 0; i < sc->n; i++) {
		sc->e[i].original = sc->o[i];
		sc->e[i].token = sc->t[i];
	}
	assert_true(s.seen >= sc->n);
	am_store_scan_end(st, &s);
}

static struct am_entry *
find_tok(struct scanned *sc, const char *tok)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->e[i].token_len == strlen(tok) &&
		    !memcmp(sc->e[i].token, tok, strlen(tok)))
			return &sc->e[i];
	return NULL;
}

static size_t
count_state(const struct scanned *sc, int state)
{
	size_t i, n = 0;

	for (i = 0; i < sc->n; i++)
		n += sc->e[i].state == state;
	return n;
}

/* Make both keys of (orig, tok) look last renewed `secs` ago. */
static void
age_pair(redisContext *c, const char *orig, const char *tok, long long secs)
{
	long long ms = (604800 - secs) * 1000;

	rawok(c, "PEXPIRE aws:mask:%s %lld", orig, ms);
	rawok(c, "PEXPIRE aws:unmask:%s %lld", tok, ms);
}

static void
test_scan_and_remove(void **state)
{
	struct am_store *st;
	struct scanned sc = { 0 };
	struct am_entry *e;
	redisContext *c;
	long long now = (long long)time(NULL);
	char *t1, *t2, *t3, *t4;
	size_t i;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 11);
	st = open_db(main_sv.port, 11, NULL);
	c = raw(main_sv.port, 11);
	t1 = mask1(st, "i-1", "EC2");
	t2 = mask1(st, "i-2", "EC2");
	t3 = mask1(st, "i-3", "EC2");
	t4 = mask1(st, "i-4", "EC2");
	/* More than one SCAN step, keys without expiry, a binary key. */
	for (i = 0; i < 6000; i++)
		assert_int_equal(redisAppendCommand(c, "SET aws:mask:o%lu\x01x "
		    "T_%lu", (unsigned long)i, (unsigned long)i), REDIS_OK);
	for (i = 0; i < 6000; i++)
		assert_int_equal(redisAppendCommand(c, "SET aws:unmask:T_%lu "
		    "o%lu\x01x", (unsigned long)i, (unsigned long)i), REDIS_OK);
	for (i = 0; i < 12000; i++) {
		redisReply *rep;

		assert_int_equal(redisGetReply(c, (void **)&rep), REDIS_OK);
		freeReplyObject(rep);
	}
	rawok(c, "SET other:key x");
	/* i-1: its unmask: half gone; i-2: its mask: half gone. */
	rawok(c, "DEL aws:unmask:%s", t1);
	rawok(c, "DEL aws:mask:i-2");

	scan_store(st, &sc);
	assert_int_equal(count_state(&sc, AM_ENTRY_PAIR), 6002);
	assert_int_equal(count_state(&sc, AM_ENTRY_ORPHAN_MASK), 1);
	assert_int_equal(count_state(&sc, AM_ENTRY_ORPHAN_UNMASK), 1);
	assert_int_equal(count_state(&sc, AM_ENTRY_EXPIRED), 0);
	e = find_tok(&sc, t1);
	assert_int_equal(e->state, AM_ENTRY_ORPHAN_MASK);
	assert_memory_equal(e->original, "i-1", 3);
	assert_true(e->used >= now - 2 && e->used <= now + 2);
	e = find_tok(&sc, t2);
	assert_int_equal(e->state, AM_ENTRY_ORPHAN_UNMASK);
	assert_memory_equal(e->original, "i-2", 3);
	assert_int_equal(find_tok(&sc, "T_7")->used, 0);	/* no expiry */
	assert_int_equal(find_tok(&sc, "T_7")->original_len, 4);

	/* Young halves stay; the keys without expiry count as oldest. */
	assert_int_equal(am_store_remove(st, sc.e, sc.n, now - 60), AWSMASK_OK);
	assert_false(find_tok(&sc, t1)->removed);
	assert_false(find_tok(&sc, t2)->removed);
	assert_false(find_tok(&sc, t3)->removed);
	assert_true(find_tok(&sc, "T_7")->removed);
	assert_int_equal(rawint(c, "EXISTS aws:unmask:T_7"), 0);
	assert_int_equal(rawint(c, "EXISTS other:key"), 1);
	scanned_free(&sc);

	/* Old ones go: the halves alone, the pairs both ways. */
	rawok(c, "PEXPIRE aws:mask:i-1 %lld", (604800LL - 3600) * 1000);
	rawok(c, "PEXPIRE aws:unmask:%s %lld", t2, (604800LL - 3600) * 1000);
	age_pair(c, "i-3", t3, 3600);
	scan_store(st, &sc);
	assert_int_equal(sc.n, 4);
	assert_int_equal(am_store_remove(st, sc.e, sc.n, now - 60), AWSMASK_OK);
	assert_true(find_tok(&sc, t1)->removed);
	assert_true(find_tok(&sc, t2)->removed);
	assert_true(find_tok(&sc, t3)->removed);
	assert_false(find_tok(&sc, t4)->removed);
	assert_int_equal(rawint(c, "EXISTS aws:mask:i-1 aws:unmask:%s "
	    "aws:mask:i-3 aws:unmask:%s", t2, t3), 0);
	assert_int_equal(rawint(c, "GET aws:counter:EC2"), 4);
	scanned_free(&sc);

	/* Used between the scan and the removal: stays. */
	age_pair(c, "i-4", t4, 3600);
	scan_store(st, &sc);
	am_free(mask1(st, "i-4", "EC2"));	/* stale: renewed */
	assert_int_equal(am_store_remove(st, sc.e, sc.n, now - 60), AWSMASK_OK);
	assert_false(find_tok(&sc, t4)->removed);
	assert_int_equal(rawint(c, "EXISTS aws:mask:i-4 aws:unmask:%s", t4), 2);
	scanned_free(&sc);

	/* An orphan repaired between the scan and the removal: stays. */
	rawok(c, "DEL aws:unmask:%s", t4);
	rawok(c, "PEXPIRE aws:mask:i-4 %lld", (604800LL - 3600) * 1000);
	scan_store(st, &sc);
	assert_int_equal(find_tok(&sc, t4)->state, AM_ENTRY_ORPHAN_MASK);
	am_free(mask1(st, "i-4", "EC2"));	/* repairs unmask: */
	assert_int_equal(am_store_remove(st, sc.e, sc.n, now - 60), AWSMASK_OK);
	assert_false(find_tok(&sc, t4)->removed);
	assert_int_equal(rawint(c, "EXISTS aws:mask:i-4 aws:unmask:%s", t4), 2);

	/* A server that forgot the script: sent whole. */
	rawok(c, "SCRIPT FLUSH");
	age_pair(c, "i-4", t4, 3600);
	find_tok(&sc, t4)->state = AM_ENTRY_PAIR;
	assert_int_equal(am_store_remove(st, sc.e, sc.n, now - 60), AWSMASK_OK);
	assert_true(find_tok(&sc, t4)->removed);
	scanned_free(&sc);
	am_free(t1);
	am_free(t2);
	am_free(t3);
	am_free(t4);
	redisFree(c);
	am_store_close(st);
}

static void
test_lock_and_info(void **state)
{
	struct am_store *st, *other;
	struct am_store_info info;
	redisContext *c;
	int got;

	(void)state;
	NEED_MAIN();
	flushdb(main_sv.port, 12);
	st = open_db(main_sv.port, 12, NULL);
	other = open_db(main_sv.port, 12, NULL);
	c = raw(main_sv.port, 12);
	assert_int_equal(am_store_lock(st, AM_LOCK_TAKE, "cleanup", "a:1:ff",
	    30000, &got), AWSMASK_OK);
	assert_true(got);
	assert_true(rawint(c, "PTTL aws:lock:cleanup") > 29000);
	am_store_lock(other, AM_LOCK_TAKE, "cleanup", "b:2:ff", 30000, &got);
	assert_false(got);
	am_store_lock(other, AM_LOCK_EXTEND, "cleanup", "b:2:ff", 30000, &got);
	assert_false(got);
	am_store_lock(other, AM_LOCK_RELEASE, "cleanup", "b:2:ff", 0, &got);
	assert_false(got);
	assert_int_equal(rawint(c, "EXISTS aws:lock:cleanup"), 1);
	rawok(c, "PEXPIRE aws:lock:cleanup 1000");
	am_store_lock(st, AM_LOCK_EXTEND, "cleanup", "a:1:ff", 30000, &got);
	assert_true(got);
	assert_true(rawint(c, "PTTL aws:lock:cleanup") > 29000);
	am_store_lock(st, AM_LOCK_RELEASE, "cleanup", "a:1:ff", 0, &got);
	assert_true(got);
	assert_int_equal(rawint(c, "EXISTS aws:lock:cleanup"), 0);
	/* A lease that ran out is anyone's. */
	am_store_lock(st, AM_LOCK_TAKE, "cleanup", "a:1:ff", 50, &got);
	assert_true(got);
	usleep(120000);
	am_store_lock(other, AM_LOCK_TAKE, "cleanup", "b:2:ff", 30000, &got);
	assert_true(got);
	am_store_lock(st, AM_LOCK_RELEASE, "cleanup", "a:1:ff", 0, &got);
	assert_false(got);

	/* Info: the server's figures and the counters. */
	am_free(mask1(st, "i-1", "EC2"));
	am_free(mask1(st, "i-2", "EC2"));
	rawok(c, "INCRBY aws:stats:cache:hits 5");
	st->proc_pending.mask_runs = 1;
	st->proc_pending.mask_cpu_us = 99;
	assert_int_equal(am_store_info(st, &info), AWSMASK_OK);
	assert_true(am_proc_empty(&st->proc_pending));
	assert_int_equal(info.total_created, 2);
	assert_int_equal(info.daily[0], 2);
	assert_int_equal(info.cache_hits, 5);
	assert_int_equal(info.cache_misses, 0);
	assert_int_equal(info.proc.mask_runs, 1);
	assert_int_equal(info.proc.mask_cpu_us, 99);
	assert_true(info.used_memory > 0);
	assert_int_equal(info.maxmemory, 0);
	assert_string_equal(info.policy, "noeviction");
	assert_int_equal(info.evicted_keys, 0);
	/* The figures ride in a batch's first pipeline. */
	st->proc_pending.unmask_runs = 1;
	am_free(unmask1(st, "EC2_001"));
	assert_true(am_proc_empty(&st->proc_pending));
	assert_int_equal(rawint(c, "HGET aws:stats:processing unmask_runs"), 1);
	redisFree(c);
	am_store_close(st);
	am_store_close(other);
}

static int
without_getex(void **state)
{
	(void)state;
	use_getex = 0;
	return 0;
}

static int
with_getex(void **state)
{
	(void)state;
	use_getex = 1;
	return 0;
}

#define AUX(f) cmocka_unit_test_teardown(f, stop_aux)
/* The same test again, on the commands of a server without GETEX. */
#define NOGETEX(f) { #f " without GETEX", f, without_getex, with_getex, NULL }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_errors),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ping_and_name),
		cmocka_unit_test(test_round_trip_two_connections),
		cmocka_unit_test(test_counters_and_stats),
		cmocka_unit_test(test_next_in_flight),
		cmocka_unit_test(test_concurrent_processes),
		AUX(test_requirepass),
		AUX(test_unix_socket),
		cmocka_unit_test(test_databases_and_namespace),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_half_present),
		cmocka_unit_test(test_round_trips_bounded),
		cmocka_unit_test(test_mget_acl),
		cmocka_unit_test(test_scan_and_remove),
		cmocka_unit_test(test_lock_and_info),
		AUX(test_out_of_memory),
		AUX(test_server_killed),
		AUX(test_server_paused),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_alloc_failure_next),
		NOGETEX(test_round_trip_two_connections),
		NOGETEX(test_concurrent_processes),
		NOGETEX(test_ttl),
		NOGETEX(test_half_present),
		NOGETEX(test_round_trips_bounded),
		NOGETEX(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
