/*
 * store_sqlite.c - the embedded default store ("sqlite:PATH",
 * "sqlite:///ABSOLUTE/PATH"): one SQLite file that many processes share.
 *
 * How it stays a bijection under concurrency: mask_many runs each batch
 * in one BEGIN IMMEDIATE transaction, so writers take turns and a
 * counter is read, bumped and used by one process at a time.  The
 * UNIQUE constraints on mappings.original (the primary key) and
 * mappings.token make any bug that would break the bijection fail
 * loudly instead.  Counters only grow: an expired mapping is deleted but
 * its number is never handed out again.
 *
 * Schema version 2 (PRAGMA user_version; bump it and add a step to
 * migrate() when it changes):
 *	mappings(original BLOB PRIMARY KEY, token TEXT NOT NULL UNIQUE,
 *	    prefix TEXT NOT NULL, kind TEXT, created INTEGER, expires INTEGER)
 *	counters(prefix TEXT PRIMARY KEY, n INTEGER NOT NULL)
 *	stats(kind TEXT PRIMARY KEY, n INTEGER): mappings created per kind,
 *	    and the row 'total_mappings'
 *	meta(key TEXT PRIMARY KEY, value TEXT): 'id', the store's identity
 *	    (store_ident.c), and 'created'.  Version 1 had no meta table.
 *
 * The file and its folder must be ours and writable by nobody else: a
 * database another user could write is a way to make our awsunmask
 * print their text (am_trust_path()).
 * Times are seconds since the epoch; a mapping is live while
 * expires > now.
 *
 * awsmask-claude's response cache adds two tables, made at its first
 * use (an older awsmask ignores them, so the version does not change):
 *	cache(key TEXT PRIMARY KEY, value BLOB, expires INTEGER)
 *	cache_stats(name TEXT PRIMARY KEY, n INTEGER): 'hits', 'misses'
 *
 * No message ever carries an original: only the path and SQLite's own
 * reason, which names tables and columns, never values.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define SCHEMA_VERSION 2
/* Many processes may share the file: wait at least this long for it. */
#define MIN_BUSY_MS 10000
/* Tries of BEGIN (and of switching to WAL) that still find it busy
 * after the busy timeout. */
#define BUSY_TRIES 3
/* Digest candidates tried before giving up (a collision is rare). */
#define DIGEST_TRIES 64

enum {
	S_BEGIN,
	S_BEGIN_WRITE,
	S_COMMIT,
	S_ROLLBACK,
	S_HIT,
	S_DROP,
	S_COUNT,
	S_INSERT,
	S_STAT,
	S_UNMASK,
	S_UNMASK_RO,
	S_META_INIT,
	S_META_GET,
	S_RAISE,
	S_TAKEN,
	NSTMT
};

static const char *const sql[NSTMT] = {
	[S_BEGIN] = "BEGIN",
	[S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	/* A live mapping: refresh it and give its token. */
	[S_HIT] = "UPDATE mappings SET expires = ?2"
	    " WHERE original = ?1 AND expires > ?3 RETURNING token",
	[S_DROP] = "DELETE FROM mappings WHERE original = ?1",
	[S_COUNT] = "INSERT INTO counters(prefix, n) VALUES (?1, 1)"
	    " ON CONFLICT(prefix) DO UPDATE SET n = n + 1 RETURNING n",
	[S_INSERT] = "INSERT INTO mappings(original, token, prefix, kind,"
	    " created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_STAT] = "INSERT INTO stats(kind, n) VALUES (?1, 1)"
	    " ON CONFLICT(kind) DO UPDATE SET n = n + 1",
	[S_UNMASK] = "UPDATE mappings SET expires = ?2"
	    " WHERE token = ?1 AND expires > ?3 RETURNING original",
	/* A read-only file can still be unmasked, without the refresh. */
	[S_UNMASK_RO] = "SELECT original FROM mappings"
	    " WHERE token = ?1 AND expires > ?2",
	[S_META_INIT] = "INSERT OR IGNORE INTO meta(key, value)"
	    " VALUES ('id', ?1), ('created', ?2)",
	[S_META_GET] = "SELECT value FROM meta WHERE key = 'id'",
	/* Lift a counter, never lower it. */
	[S_RAISE] = "INSERT INTO counters(prefix, n) VALUES (?1, ?2)"
	    " ON CONFLICT(prefix) DO UPDATE SET n = max(n, excluded.n)",
	/* A digest token some mapping holds, live or expired. */
	[S_TAKEN] = "SELECT 1 FROM mappings WHERE token = ?1",
};

#define META_TABLE \
	"CREATE TABLE IF NOT EXISTS meta (" \
	" key TEXT PRIMARY KEY," \
	" value TEXT);"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS mappings ("
	" original BLOB PRIMARY KEY,"
	" token TEXT NOT NULL UNIQUE,"
	" prefix TEXT NOT NULL,"
	" kind TEXT,"
	" created INTEGER,"
	" expires INTEGER);"
	"CREATE INDEX IF NOT EXISTS mappings_expires ON mappings(expires);"
	"CREATE TABLE IF NOT EXISTS counters ("
	" prefix TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS stats ("
	" kind TEXT PRIMARY KEY,"
	" n INTEGER);"
	META_TABLE
	"PRAGMA user_version = 2;";

/* Version 1 to 2: the store's identity. */
static const char migrate_1_2[] = META_TABLE "PRAGMA user_version = 2;";

enum { C_GET, C_COUNT, C_PUT, C_PRUNE, NCSTMT };

static const char *const cache_sql[NCSTMT] = {
	[C_GET] = "SELECT value FROM cache WHERE key = ?1 AND expires > ?2",
	[C_COUNT] = "INSERT INTO cache_stats(name, n) VALUES (?1, 1)"
	    " ON CONFLICT(name) DO UPDATE SET n = n + 1",
	[C_PUT] = "INSERT INTO cache(key, value, expires) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
	    " expires = excluded.expires",
	[C_PRUNE] = "DELETE FROM cache WHERE expires <= ?1",
};

static const char cache_schema[] =
	"CREATE TABLE IF NOT EXISTS cache ("
	" key TEXT PRIMARY KEY,"
	" value BLOB NOT NULL,"
	" expires INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS cache_stats ("
	" name TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL);";

struct sq {
	sqlite3 *db;
	char *path;
	int readonly;		/* the file could only be opened for reading */
	int norefresh;		/* unmask without writing (full disk...) */
	long long version;	/* the file's schema version */
	int last_error;		/* SQLite's code of the last failed batch */
	sqlite3_stmt *stmt[NSTMT];
	int cache_ready;	/* cstmt prepared (-1: no cache table to read) */
	sqlite3_stmt *cstmt[NCSTMT];
};

/* Record SQLite's reason for the last failure on the connection. */
static int
sq_fail(struct am_store *st)
{
	struct sq *s = st->priv;

	s->last_error = s->db ? sqlite3_errcode(s->db) : SQLITE_CANTOPEN;
	return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store '%s': %s",
	    s->path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
}

static int
nomem(struct am_store *st)
{
	return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
}

/* Pause a little, longer each try, before retrying a busy database. */
static void
backoff(int try)
{
	struct timespec ts = { 0, 0 };

	ts.tv_nsec = (long)(try + 1) * 20 * 1000 * 1000;
	nanosleep(&ts, NULL);
}

/* mkdir -p for the folder holding path (am_mkdirs(): 0700, umask-proof). */
static int
make_folder(struct am_store *st, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash || slash == path)
		return AWSMASK_OK;
	if (!(dir = am_strndup(path, (size_t)(slash - path))))
		return nomem(st);
	rc = am_mkdirs(dir, &st->err);
	if (rc) {
		char why[sizeof(st->err.msg)];

		snprintf(why, sizeof(why), "%s", st->err.msg);
		am_seterr(&st->err, rc, "sqlite store '%s': %s", path, why);
	}
	am_free(dir);
	return rc;
}

/*
 * Create the file with mode 0600 before SQLite opens it (SQLite would
 * use 0644; its -wal and -shm files copy the database's mode).  An
 * existing file is left as it is: it is the user's.
 */
static int
make_file(struct am_store *st, const char *path)
{
	struct stat sb;
	int fd, e;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* EACCES or EROFS may hide a file that is there to read. */
		if ((e = errno) == EEXIST || access(path, F_OK) == 0)
			return AWSMASK_OK;
		errno = e;
		return am_seterr_errno(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': cannot create", path);
	}
	if (fchmod(fd, 0600) < 0 || fstat(fd, &sb) < 0) {
		am_seterr_errno(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': cannot set its mode", path);
		close(fd);
		return AWSMASK_ESTORE;
	}
	close(fd);
	if ((sb.st_mode & 07777) != 0600)
		return am_seterr(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': mode is %04o, not 0600", path,
		    (unsigned)(sb.st_mode & 07777));
	return AWSMASK_OK;
}

/* "sqlite:PATH" or "sqlite:///ABSOLUTE/PATH" -> PATH, malloc'd. */
static int
parse_path(struct am_store *st, const char *uri, char **path)
{
	const char *p = strchr(uri, ':') + 1;

	if (!strncmp(p, "//", 2)) {
		if (p[2] != '/')
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "sqlite store: use sqlite:PATH or "
			    "sqlite:///ABSOLUTE/PATH");
		p += 2;
	}
	if (!*p)
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "sqlite store: no file named");
	if (!(*path = am_strdup(p)))
		return nomem(st);
	return AWSMASK_OK;
}

static int
exec(struct am_store *st, const char *q)
{
	struct sq *s = st->priv;

	if (sqlite3_exec(s->db, q, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(st);
	return AWSMASK_OK;
}

/* An integer-valued pragma, e.g. user_version. */
static int
pragma_int(struct am_store *st, const char *q, long long *v)
{
	struct sq *s = st->priv;
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(s->db, q, -1, &stmt, NULL) != SQLITE_OK)
		return sq_fail(st);
	rc = sqlite3_step(stmt);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(st);
		sqlite3_finalize(stmt);
		return AWSMASK_ESTORE;
	}
	sqlite3_finalize(stmt);
	return AWSMASK_OK;
}

/* Switch to WAL, which needs a moment alone with the file. */
static int
use_wal(struct am_store *st)
{
	struct sq *s = st->priv;
	int try, rc;

	for (try = 0; try < BUSY_TRIES; try++) {
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		backoff(try);
	}
	return rc == SQLITE_OK ? AWSMASK_OK : sq_fail(st);
}

/*
 * Create the schema in a fresh file, or check that an existing one is a
 * version this code knows.  Several processes may race to create it:
 * the one that gets the write lock first does it, the others see
 * user_version already set.
 */
static int
migrate(struct am_store *st)
{
	long long v;
	int rc;

	struct sq *s = st->priv;

	if ((rc = pragma_int(st, "PRAGMA user_version", &v)))
		return rc;
	if (v > SCHEMA_VERSION)
		return am_seterr(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': schema version %lld is not %d "
		    "(a newer awsmask wrote it?)", s->path, v, SCHEMA_VERSION);
	/* A read-only file is read as it is (unmasking needs no meta). */
	if (v < SCHEMA_VERSION && !(s->readonly && v > 0)) {
		if ((rc = exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if (!(rc = pragma_int(st, "PRAGMA user_version", &v))) {
			if (v == 0)
				rc = exec(st, schema);
			else if (v == 1)
				rc = exec(st, migrate_1_2);
		}
		if (!rc)
			rc = exec(st, "COMMIT");
		if (rc) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		v = SCHEMA_VERSION;
	}
	s->version = v;
	return AWSMASK_OK;
}

/*
 * A session on a read-only file leaves a -shm (and maybe a -wal) with
 * the file's read-only mode, since SQLite copies it; once the file is
 * writable again, those would make every write fail.  Give our own side
 * files the database's mode back.  Open descriptors are not affected.
 */
static void
repair_side_files(const char *path)
{
	static const char *const suffix[] = { "-shm", "-wal" };
	struct stat db, sb;
	char side[PATH_MAX];
	size_t i;

	if (stat(path, &db) < 0)
		return;
	for (i = 0; i < AM_ARRAY_SIZE(suffix); i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
		    suffix[i]) >= sizeof(side))
			return;
		if (lstat(side, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_uid == geteuid() && (sb.st_mode & 0600) != 0600)
			chmod(side, db.st_mode & 0666);
	}
}

/*
 * The folder, the file and SQLite's side files must be ours and written
 * by nobody else.  A file others can read shows them every original:
 * that is said, not refused (a team may share one on purpose).
 */
static int
trusted(struct am_store *st, const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	const char *slash = strrchr(path, '/');
	char side[PATH_MAX];
	int rc, readable;
	size_t i;

	if (slash) {
		char *dir = am_strndup(path, slash == path ? 1 :
		    (size_t)(slash - path));

		if (!dir)
			return nomem(st);
		rc = am_trust_path(dir, "store folder", NULL, &st->err);
		am_free(dir);
		if (rc)
			return rc;
	}
	if ((rc = am_trust_path(path, "store file", &readable, &st->err)))
		return rc;
	if (readable)
		am_store_warn(st, "store file '%s' is readable by others, who "
		    "can read every original in it; chmod 600 it", path);
	for (i = 0; i < AM_ARRAY_SIZE(suffix); i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
		    suffix[i]) >= sizeof(side))
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "sqlite store: path too long");
		if ((rc = am_trust_path(side, "store file", NULL, &st->err)))
			return rc;
	}
	return AWSMASK_OK;
}

static int step(sqlite3_stmt *stmt, char **out, size_t *outlen, long long *n,
    int *nomem_hit);

/* The store's identity into st->id, when it has one. */
static int
read_id(struct am_store *st)
{
	struct sq *s = st->priv;
	int mem = 0, got;
	size_t len;

	if (!s->stmt[S_META_GET])
		return AWSMASK_OK;
	am_free(st->id);
	st->id = NULL;
	got = step(s->stmt[S_META_GET], &st->id, &len, NULL, &mem);
	if (got < 0)
		return mem ? nomem(st) : sq_fail(st);
	return AWSMASK_OK;
}

/* Did the last batch fail only because nothing may be written? */
static int
cannot_write(const struct sq *s)
{
	switch (s->last_error) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return 1;
	default:
		return 0;
	}
}

/*
 * Open the file and get it ready: read-write, or with `how` one of the
 * read-only URI forms below.  The caller closes s->db on failure.
 */
static int
connect_db(struct am_store *st, const char *how)
{
	struct sq *s = st->priv;
	struct am_buf u = AM_BUF_INIT;
	const char *p;
	int rc, ms, flags = SQLITE_OPEN_NOMUTEX;

	if (how) {
		/* file: URI, with what SQLite would read as syntax escaped. */
		am_buf_addstr(&u, "file:");
		for (p = s->path; *p; p++)
			if (*p == '?' || *p == '#' || *p == '%')
				am_buf_addf(&u, "%%%02X", (unsigned char)*p);
			else
				am_buf_add(&u, p, 1);
		if (am_buf_addstr(&u, how) < 0) {
			am_buf_free(&u);
			return nomem(st);
		}
		flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
	} else
		flags |= SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(how ? u.buf : s->path, &s->db, flags, NULL);
	am_buf_free(&u);
	if (rc != SQLITE_OK)
		return sq_fail(st);
	ms = st->timeout_ms > MIN_BUSY_MS ? st->timeout_ms : MIN_BUSY_MS;
	sqlite3_busy_timeout(s->db, ms);
	s->readonly = sqlite3_db_readonly(s->db, "main") == 1;
	if (!s->readonly)
		repair_side_files(s->path);
	/* WAL with synchronous=NORMAL: a power cut may lose the last
	 * batches, never the file; readers never wait for writers. */
	if (!s->readonly && ((rc = use_wal(st)) ||
	    (rc = exec(st, "PRAGMA synchronous = NORMAL"))))
		return rc;
	return migrate(st);
}

static int
sq_open(struct am_store *st, const char *uri)
{
	/*
	 * Where nothing may be written (a full disk, a file size limit,
	 * no room for the -shm file), the file is read as it is: unmasking
	 * needs no write, and masking refuses a read-only store.  The last
	 * resort, immutable, cannot see what the -wal file holds: tokens
	 * whose mappings are only there come out unknown, never wrong.
	 */
	static const char *const ro[] = { "?mode=ro", "?immutable=1" };
	struct sq *s;
	size_t k;
	int rc, i;

	if (!(s = am_calloc(1, sizeof(*s))))
		return nomem(st);
	st->priv = s;
	if ((rc = parse_path(st, uri, &s->path)) ||
	    (rc = make_folder(st, s->path)) || (rc = make_file(st, s->path)) ||
	    (rc = trusted(st, s->path)))
		return rc;
	rc = connect_db(st, NULL);
	for (k = 0; rc && cannot_write(s) && k < AM_ARRAY_SIZE(ro); k++) {
		sqlite3_close(s->db);
		s->db = NULL;
		st->err.code = AWSMASK_OK;
		rc = connect_db(st, ro[k]);
	}
	if (rc)
		return rc;
	for (i = 0; i < NSTMT; i++) {
		/* A read-only file of version 1 has no meta table. */
		if (s->version < 2 && (i == S_META_INIT || i == S_META_GET))
			continue;
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK)
			return sq_fail(st);
	}
	return read_id(st);
}

static void
sq_close(struct am_store *st)
{
	struct sq *s = st->priv;
	int i;

	if (!s)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (i = 0; i < NCSTMT; i++)
		sqlite3_finalize(s->cstmt[i]);
	sqlite3_close(s->db);
	am_free(s->path);
	am_free(s);
	st->priv = NULL;
}

static int
sq_ping(struct am_store *st)
{
	return exec(st, "SELECT n FROM counters LIMIT 1");
}

static long long
expiry(const struct am_store *st, long long now)
{
	if (st->ttl <= 0 || now > LLONG_MAX - st->ttl)
		return LLONG_MAX;
	return now + st->ttl;
}

/*
 * Step stmt to its end.  When it gives a row and out is not NULL, copy
 * column 0 into *out (am_malloc'd, NUL-terminated); when it gives a row
 * and n is not NULL, store column 0 as an integer in *n.  Returns 1 when
 * a row came, 0 when none, -1 on a SQLite error (not recorded yet: the
 * caller does that before the rollback changes the message).
 */
static int
step(sqlite3_stmt *stmt, char **out, size_t *outlen, long long *n,
    int *nomem_hit)
{
	int rc, got = 0;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (got++)
			continue;
		if (n)
			*n = sqlite3_column_int64(stmt, 0);
		if (out) {
			const void *p = sqlite3_column_blob(stmt, 0);
			size_t len = (size_t)sqlite3_column_bytes(stmt, 0);

			*out = am_strndup(p ? p : "", p ? len : 0);
			if (!*out) {
				*nomem_hit = 1;
				break;
			}
			*outlen = p ? len : 0;
		}
	}
	if (*nomem_hit || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return got > 0;
}

/*
 * Start a transaction.  The busy timeout already waited; a database
 * still busy after it gets a few more tries before we give up.
 */
static int
begin(struct am_store *st, int write)
{
	struct sq *s = st->priv;
	sqlite3_stmt *b = s->stmt[write ? S_BEGIN_WRITE : S_BEGIN];
	int try, rc = SQLITE_BUSY;

	for (try = 0; try < BUSY_TRIES; try++) {
		rc = sqlite3_step(b);
		sqlite3_reset(b);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		backoff(try);
	}
	return rc == SQLITE_DONE ? AWSMASK_OK : sq_fail(st);
}

/*
 * Record the failure, then roll back.  The reason is taken first: the
 * rollback replaces SQLite's message.  SQLite may already have rolled
 * back on its own (SQLITE_FULL, IO errors): then there is nothing to do.
 */
static int
abort_batch(struct am_store *st, int mem)
{
	struct sq *s = st->priv;
	int rc, i;

	if (mem)
		s->last_error = SQLITE_NOMEM;
	rc = mem ? nomem(st) : sq_fail(st);
	for (i = 0; i < NSTMT; i++)
		sqlite3_reset(s->stmt[i]);
	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_step(s->stmt[S_ROLLBACK]);
		sqlite3_reset(s->stmt[S_ROLLBACK]);
	}
	return rc;
}

static int
commit(struct am_store *st)
{
	struct sq *s = st->priv;
	int rc;

	rc = sqlite3_step(s->stmt[S_COMMIT]);
	sqlite3_reset(s->stmt[S_COMMIT]);
	return rc == SQLITE_DONE ? AWSMASK_OK : abort_batch(st, 0);
}

/* Count one new mapping of kind (NULL: only the total). */
static int
count_kind(struct sq *s, const char *kind, int *mem)
{
	sqlite3_stmt *q = s->stmt[S_STAT];

	if (kind && *kind) {
		sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
		if (step(q, NULL, NULL, NULL, mem) < 0)
			return -1;
	}
	sqlite3_bind_text(q, 1, "total_mappings", -1, SQLITE_STATIC);
	return step(q, NULL, NULL, NULL, mem) < 0 ? -1 : 0;
}

/* Give it->key the next token of its prefix.  0, or -1 (see step()). */
static int
allocate(struct am_store *st, struct am_store_item *it, long long now,
    int *mem)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q;
	char tok[64];		/* as the memory store: same limits */
	long long n;
	int tlen;

	q = s->stmt[S_DROP];	/* an expired mapping, if any */
	sqlite3_bind_blob(q, 1, it->key, (int)it->key_len, SQLITE_STATIC);
	if (step(q, NULL, NULL, NULL, mem) < 0)
		return -1;
	if (st->token_style == AM_TOKEN_DIGEST) {
		unsigned attempt;
		int taken = 1;

		/*
		 * The first candidate no mapping holds, not even an expired
		 * one: a token printed once never means another original.
		 */
		q = s->stmt[S_TAKEN];
		for (attempt = 0; taken && attempt < DIGEST_TRIES; attempt++) {
			tlen = am_store_digest_token(st, it->prefix, it->key,
			    it->key_len, attempt, tok, sizeof(tok));
			if (tlen < 0)
				return -2;
			sqlite3_bind_text(q, 1, tok, tlen, SQLITE_STATIC);
			if ((taken = step(q, NULL, NULL, NULL, mem)) < 0)
				return -1;
		}
		if (taken)
			return -3;
	} else {
		q = s->stmt[S_COUNT];
		sqlite3_bind_text(q, 1, it->prefix, -1, SQLITE_STATIC);
		if (step(q, NULL, NULL, &n, mem) <= 0)
			return -1;
		tlen = am_token_format(tok, sizeof(tok), it->prefix,
		    (unsigned long long)n);
		if (tlen < 0)
			return -2;
	}
	q = s->stmt[S_INSERT];
	sqlite3_bind_blob(q, 1, it->key, (int)it->key_len, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, tok, tlen, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, it->prefix, -1, SQLITE_STATIC);
	if (it->kind)
		sqlite3_bind_text(q, 4, it->kind, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 4);
	sqlite3_bind_int64(q, 5, now);
	sqlite3_bind_int64(q, 6, expiry(st, now));
	if (step(q, NULL, NULL, NULL, mem) < 0 || count_kind(s, it->kind, mem))
		return -1;
	if (!(it->value = am_strndup(tok, (size_t)tlen))) {
		*mem = 1;
		return -1;
	}
	it->value_len = (size_t)tlen;
	return 0;
}

static int
sq_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	sqlite3_stmt *hit = s->stmt[S_HIT];
	size_t i;
	int rc, mem = 0;

	if (s->readonly)
		return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store '%s': "
		    "attempt to write a readonly database", s->path);
	for (i = 0; i < n; i++)
		if (it[i].key_len > INT_MAX)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "sqlite store '%s': identifier too long", s->path);
	if ((rc = begin(st, 1)))
		return rc;
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(hit, 1, it[i].key, (int)it[i].key_len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(hit, 2, expiry(st, now));
		sqlite3_bind_int64(hit, 3, now);
		rc = step(hit, &it[i].value, &it[i].value_len, NULL, &mem);
		if (rc == 0)
			rc = allocate(st, &it[i], now, &mem);
		if (rc == -2) {
			abort_batch(st, 0);
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "sqlite store '%s': token prefix too long",
			    s->path);
		}
		if (rc == -3) {
			abort_batch(st, 0);
			return am_seterr(&st->err, AWSMASK_ESTORE,
			    "sqlite store '%s': %d digest tokens of %s in a "
			    "row are taken", s->path, DIGEST_TRIES,
			    it[i].prefix);
		}
		if (rc < 0)
			return abort_batch(st, mem);
	}
	return commit(st);
}

static int
sq_unmask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	sqlite3_stmt *q;
	size_t i;
	int rc, mem = 0;

	for (i = 0; i < n; i++)
		if (it[i].key_len > INT_MAX)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "sqlite store '%s': token too long", s->path);
again:
	if ((rc = begin(st, !s->readonly && !s->norefresh))) {
		if (s->norefresh || s->readonly || !cannot_write(s))
			return rc;
		st->err.code = AWSMASK_OK;
		s->norefresh = 1;
		goto again;
	}
	for (i = 0; i < n; i++) {
		if (s->readonly || s->norefresh) {
			q = s->stmt[S_UNMASK_RO];
			sqlite3_bind_text(q, 1, it[i].key, (int)it[i].key_len,
			    SQLITE_STATIC);
			sqlite3_bind_int64(q, 2, now);
		} else {
			q = s->stmt[S_UNMASK];
			sqlite3_bind_text(q, 1, it[i].key, (int)it[i].key_len,
			    SQLITE_STATIC);
			sqlite3_bind_int64(q, 2, expiry(st, now));
			sqlite3_bind_int64(q, 3, now);
		}
		if (step(q, &it[i].value, &it[i].value_len, NULL, &mem) < 0) {
			rc = abort_batch(st, mem);
			if (!s->norefresh && cannot_write(s)) {
				/*
				 * A full disk or a file turned read-only: the
				 * refresh is best effort, the answer is not.
				 */
				st->err.code = AWSMASK_OK;
				am_store_items_release(it, n);
				s->norefresh = 1;
				goto again;
			}
			return rc;
		}
	}
	rc = commit(st);
	if (rc && !s->norefresh && cannot_write(s)) {
		st->err.code = AWSMASK_OK;
		am_store_items_release(it, n);
		s->norefresh = 1;
		goto again;
	}
	return rc;
}

static int
sq_check(struct am_store *st, const char *uri)
{
	char *path = NULL;
	int rc = parse_path(st, uri, &path);

	am_free(path);
	return rc;
}

static int
sq_meta_init(struct am_store *st, const char *id)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q = s->stmt[S_META_INIT];
	int rc, mem = 0;

	if (!q)
		return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store '%s': "
		    "attempt to write a readonly database", s->path);
	if ((rc = begin(st, 1)))
		return rc;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, am_store_now());
	if (step(q, NULL, NULL, NULL, &mem) < 0)
		return abort_batch(st, mem);
	if ((rc = commit(st)))
		return rc;
	return read_id(st);
}

static int
sq_counters_raise(struct am_store *st, const char *const *prefix,
    const unsigned long long *min, size_t n)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q = s->stmt[S_RAISE];
	size_t i;
	int rc, mem = 0;

	if ((rc = begin(st, 1)))
		return rc;
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(q, 1, prefix[i], -1, SQLITE_STATIC);
		/* Counters hold the last number given: min - 1. */
		sqlite3_bind_int64(q, 2, min[i] > (unsigned long long)LLONG_MAX ?
		    LLONG_MAX : (long long)min[i] - 1);
		if (step(q, NULL, NULL, NULL, &mem) < 0)
			return abort_batch(st, mem);
	}
	return commit(st);
}

/*
 * Make the cache's tables (a writable file) and prepare its statements,
 * once.  A read-only file without them has no cache: every get misses.
 */
static int
cache_ready(struct am_store *st)
{
	struct sq *s = st->priv;
	int i, rc;

	if (s->cache_ready)
		return AWSMASK_OK;
	if (!s->readonly && (rc = exec(st, cache_schema)))
		return rc;
	for (i = 0; i < NCSTMT; i++) {
		if (s->readonly && i != C_GET)
			continue;
		if (sqlite3_prepare_v3(s->db, cache_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->cstmt[i], NULL) != SQLITE_OK) {
			if (s->readonly) {
				s->cache_ready = -1;
				return AWSMASK_OK;
			}
			return sq_fail(st);
		}
	}
	s->cache_ready = 1;
	return AWSMASK_OK;
}

static int
sq_cache_get(struct am_store *st, const char *key, char **value,
    size_t *vlen)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q;
	int rc, got, mem = 0;

	if ((rc = cache_ready(st)))
		return rc;
	if (s->cache_ready < 0)
		return AWSMASK_OK;
	if (!s->readonly && (rc = begin(st, 1)))
		return rc;
	q = s->cstmt[C_GET];
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, am_store_now());
	got = step(q, value, vlen, NULL, &mem);
	if (got < 0)
		return s->readonly ? (mem ? nomem(st) : sq_fail(st)) :
		    abort_batch(st, mem);
	if (s->readonly)
		return AWSMASK_OK;
	q = s->cstmt[C_COUNT];
	sqlite3_bind_text(q, 1, got ? "hits" : "misses", -1, SQLITE_STATIC);
	if (step(q, NULL, NULL, NULL, &mem) < 0)
		return abort_batch(st, mem);
	return commit(st);
}

static int
sq_cache_put(struct am_store *st, const char *key, const char *value,
    size_t vlen, long long ttl)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	sqlite3_stmt *q;
	int rc, mem = 0;

	if (s->readonly)
		return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store '%s': "
		    "attempt to write a readonly database", s->path);
	if (vlen > INT_MAX)
		return am_seterr(&st->err, AWSMASK_EINVAL,
		    "sqlite store '%s': cached value too long", s->path);
	if ((rc = cache_ready(st)) || (rc = begin(st, 1)))
		return rc;
	/* Expired answers go when a new one comes: the table stays small. */
	q = s->cstmt[C_PRUNE];
	sqlite3_bind_int64(q, 1, now);
	if (step(q, NULL, NULL, NULL, &mem) < 0)
		return abort_batch(st, mem);
	q = s->cstmt[C_PUT];
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, value, (int)vlen, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now > LLONG_MAX - ttl ? LLONG_MAX : now + ttl);
	if (step(q, NULL, NULL, NULL, &mem) < 0)
		return abort_batch(st, mem);
	return commit(st);
}

const struct am_store_ops am_store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.mask_many = sq_mask_many,
	.unmask_many = sq_unmask_many,
	.ping = sq_ping,
	.close = sq_close,
	.meta_init = sq_meta_init,
	.counters_raise = sq_counters_raise,
	.check = sq_check,
	.cache_get = sq_cache_get,
	.cache_put = sq_cache_put,
};
