/*
 * store_sqlite.c - the embedded default store ("sqlite:PATH",
 * "sqlite:///ABSOLUTE/PATH"): one SQLite file that many processes share.
 *
 * How it stays a bijection under concurrency: every write happens in a
 * BEGIN IMMEDIATE transaction, so writers take turns and a counter is
 * read, bumped and used by one process at a time.  The UNIQUE
 * constraints on mappings.original (the primary key) and mappings.token
 * make any bug that would break the bijection fail loudly instead.
 * Counters only grow: an expired mapping is deleted but its number is
 * never handed out again.  One row holds both directions, so this store
 * has no orphaned halves.
 *
 * A hit is a read: a batch first looks its items up in a read
 * transaction, and only the misses and the stale hits (last renewed
 * am_store_refresh_interval() ago or more) go on to one write
 * transaction, which looks them up again, renews the stale ones (expires
 * and used together), creates the missing ones and adds the statistics.
 * After a batch that created mappings the next one starts with the
 * write transaction: a run of new identifiers pays for one pass.
 *
 * Schema version 3 (PRAGMA user_version; bump it and add a step to
 * migrate() when it changes):
 *	mappings(original BLOB PRIMARY KEY, token TEXT NOT NULL UNIQUE,
 *	    prefix TEXT NOT NULL, kind TEXT, created INTEGER, expires INTEGER,
 *	    used INTEGER)
 *	counters(prefix TEXT PRIMARY KEY, n INTEGER NOT NULL)
 *	stats(kind TEXT PRIMARY KEY, n INTEGER): mappings created per kind,
 *	    'total_mappings', 'daily:YYYY-MM-DD', 'processing:<field>', and
 *	    'cache:hits' / 'cache:misses'
 *	locks(name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER
 *	    NOT NULL): awsmask-cleanup's lease
 *	meta(key TEXT PRIMARY KEY, value TEXT): 'id', the store's identity
 *	    (store_ident.c), and 'created'
 * Times are seconds since the epoch; a mapping is live while
 * expires > now, and `used` is when it was last renewed.  Version 1 had
 * no `used`, no locks and no meta, and an index on expires that nothing
 * read; version 2 had the meta table only.
 *
 * The file and its folder must be ours and writable by nobody else: a
 * database another user could write is a way to make our awsunmask
 * print their text (am_trust_path()).
 *
 * awsmask-claude's response cache adds a table, made at its first use
 * (an older awsmask ignores it, so the version does not change), and
 * counts its hits and misses in the stats rows 'cache:hits' and
 * 'cache:misses':
 *	cache(key TEXT PRIMARY KEY, value BLOB, expires INTEGER)
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

/* A -wal left for the next run (sq_close()) is at most this long. */
#define WAL_KEEP (64 * 4096)

/* Many processes may share the file: wait at least this long for it. */
#define MIN_BUSY_MS 10000
/* Tries of BEGIN (and of switching to WAL) that still find it busy
 * after the busy timeout. */
#define BUSY_TRIES 3

#define SCHEMA_VERSION 3
/* Digest candidates tried before giving up (a collision is rare). */
#define DIGEST_TRIES 64

enum {
	S_BEGIN,
	S_BEGIN_WRITE,
	S_COMMIT,
	S_ROLLBACK,
	S_LOOKUP,
	S_TOUCH,
	S_DROP,
	S_COUNT,
	S_INSERT,
	S_STAT,
	S_UNMASK,
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
	[S_LOOKUP] = "SELECT token, expires, used FROM mappings"
	    " WHERE original = ?1",
	/* Renew a stale mapping, both directions (one row). */
	[S_TOUCH] = "UPDATE mappings SET expires = ?2, used = ?3"
	    " WHERE original = ?1",
	[S_DROP] = "DELETE FROM mappings WHERE original = ?1",
	/* Reserve ?2 numbers of a prefix at once: the last is returned. */
	[S_COUNT] = "INSERT INTO counters(prefix, n) VALUES (?1, ?2)"
	    " ON CONFLICT(prefix) DO UPDATE SET n = n + ?2 RETURNING n",
	[S_INSERT] = "INSERT INTO mappings(original, token, prefix, kind,"
	    " created, expires, used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
	[S_STAT] = "INSERT INTO stats(kind, n) VALUES (?1, ?2)"
	    " ON CONFLICT(kind) DO UPDATE SET n = n + ?2",
	[S_UNMASK] = "SELECT original, expires, used FROM mappings"
	    " WHERE token = ?1",
	[S_META_INIT] = "INSERT OR IGNORE INTO meta(key, value)"
	    " VALUES ('id', ?1), ('created', ?2)",
	[S_META_GET] = "SELECT value FROM meta WHERE key = 'id'",
	/* Lift a counter, never lower it. */
	[S_RAISE] = "INSERT INTO counters(prefix, n) VALUES (?1, ?2)"
	    " ON CONFLICT(prefix) DO UPDATE SET n = max(n, excluded.n)",
	/* A digest token some mapping holds, live or expired. */
	[S_TAKEN] = "SELECT 1 FROM mappings WHERE token = ?1",
};

#define LOCKS_META \
	"CREATE TABLE IF NOT EXISTS locks (" \
	" name TEXT PRIMARY KEY," \
	" owner TEXT NOT NULL," \
	" expires INTEGER NOT NULL);" \
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
	" expires INTEGER,"
	" used INTEGER);"
	"CREATE TABLE IF NOT EXISTS counters ("
	" prefix TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS stats ("
	" kind TEXT PRIMARY KEY,"
	" n INTEGER);"
	LOCKS_META
	"PRAGMA user_version = 3;";

/*
 * From version 1 or 2 (2 is 1 with the meta table): `used`, estimated
 * from what the lifetime (%lld) can tell, the locks and the meta table.
 */
static const char upgrade_used[] =
	"ALTER TABLE mappings ADD COLUMN used INTEGER;"
	"UPDATE mappings SET used = max(coalesce(created, 0),"
	" coalesce(expires, 0) - %lld);"
	"DROP INDEX IF EXISTS mappings_expires;";
static const char upgrade_rest[] = LOCKS_META "PRAGMA user_version = 3;";

enum { C_GET, C_COUNT, C_PUT, C_PRUNE, NCSTMT };

static const char *const cache_sql[NCSTMT] = {
	[C_GET] = "SELECT value FROM cache WHERE key = ?1 AND expires > ?2",
	[C_COUNT] = "INSERT INTO stats(kind, n) VALUES (?1, 1)"
	    " ON CONFLICT(kind) DO UPDATE SET n = n + 1",
	[C_PUT] = "INSERT INTO cache(key, value, expires) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
	    " expires = excluded.expires",
	[C_PRUNE] = "DELETE FROM cache WHERE expires <= ?1",
};

static const char cache_schema[] =
	"CREATE TABLE IF NOT EXISTS cache ("
	" key TEXT PRIMARY KEY,"
	" value BLOB NOT NULL,"
	" expires INTEGER NOT NULL);";

struct sq {
	sqlite3 *db;
	char *path;
	int readonly;		/* the file could only be opened for reading */
	int write_first;	/* the last batch created mappings */
	int norefresh;		/* unmask without writing (full disk...) */
	int wrote;		/* committed more than the run's figures */
	int figures_only;	/* the commit under way writes only those */
	int changes;		/* sqlite3_total_changes() at the last commit */
	int last_error;		/* SQLite's code of the last failure */
	sqlite3_stmt *stmt[NSTMT];
	/* Scratch of a batch, kept between batches. */
	size_t *todo, *miss;
	size_t cap;
	/* The scan's cursor and the bytes of its step. */
	long long scan_rowid;
	struct am_entry *ents;
	size_t nents;
	struct am_buf scanbuf;
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

/*
 * Statement i, prepared at its first use: a run compiles only the SQL it
 * runs (awsunmask never the writes of masking).  NULL when SQLite
 * refuses it; its reason is then SQLite's last error, which the caller
 * records (sq_fail(), or abort_batch() for a step that fails).
 */
static sqlite3_stmt *
stmt(struct am_store *st, int i)
{
	struct sq *s = st->priv;

	if (!s->stmt[i] && sqlite3_prepare_v3(s->db, sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK)
		s->stmt[i] = NULL;
	return s->stmt[i];
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
 * Create the schema in a fresh file, upgrade an older one, or check that
 * an existing one is a version this code knows.  Several processes may
 * race to do it: the one that gets the write lock first does it, the
 * others see user_version already set.
 */
static int
migrate(struct am_store *st)
{
	struct sq *s = st->priv;
	char up[sizeof(upgrade_used) + 32];
	long long v, has_used;
	int rc;

	if ((rc = pragma_int(st, "PRAGMA user_version", &v)))
		return rc;
	if (v > 0 && v < SCHEMA_VERSION && s->readonly)
		return am_seterr(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': schema version %lld needs an upgrade; "
		    "open it once where it is writable", s->path, v);
	if (v < SCHEMA_VERSION) {
		if ((rc = exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if (!(rc = pragma_int(st, "PRAGMA user_version", &v))) {
			if (v == 0)
				rc = exec(st, schema);
			else if (v < SCHEMA_VERSION && !(rc = pragma_int(st,
			    "SELECT count(*) FROM pragma_table_info('mappings')"
			    " WHERE name = 'used'", &has_used))) {
				snprintf(up, sizeof(up), upgrade_used, st->ttl);
				if (!has_used)
					rc = exec(st, up);
				if (!rc)
					rc = exec(st, upgrade_rest);
			}
		}
		if (!rc)
			rc = exec(st, "COMMIT");
		if (rc) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		s->wrote = 1;
		v = SCHEMA_VERSION;
	}
	if (v != SCHEMA_VERSION)
		return am_seterr(&st->err, AWSMASK_ESTORE,
		    "sqlite store '%s': schema version %lld is not %d "
		    "(a newer awsmask wrote it?)", s->path, v, SCHEMA_VERSION);
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
	sqlite3_stmt *q = stmt(st, S_META_GET);
	int mem = 0, got;
	size_t len;

	if (!q)
		return sq_fail(st);
	am_free(st->id);
	st->id = NULL;
	got = step(q, &st->id, &len, NULL, &mem);
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
	int rc;

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
	return read_id(st);
}

#ifdef SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
/* Is the -wal of the file at path shorter than WAL_KEEP bytes? */
static int
wal_short(const char *path)
{
	char p[PATH_MAX];
	struct stat sb;

	if ((size_t)snprintf(p, sizeof(p), "%s-wal", path) >= sizeof(p))
		return 0;
	return stat(p, &sb) < 0 || sb.st_size < WAL_KEEP;
}
#endif

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
	/*
	 * The last connection to close copies the -wal into the file and
	 * deletes it: three fsyncs, and the next run creates the -wal anew
	 * (two more), which is most of what a short run costs.  A run that
	 * wrote only its processing figures (every identifier known) leaves
	 * the -wal as it is: they are read from there, and the next run
	 * that writes mappings, or SQLite's own checkpoint every thousand
	 * pages, copies them.  A run that wrote mappings still copies them
	 * all, so that the file alone, as the read-only fallback opens it
	 * (immutable, blind to the -wal), knows them.  So does a run that
	 * finds the -wal past WAL_KEEP bytes: the first connection of a run
	 * reads the whole -wal again (about 5,000 instructions a page), so
	 * it is kept short.
	 */
#ifdef SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE	/* SQLite 3.16 */
	if (s->db && !s->wrote && wal_short(s->path))
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    NULL);
#endif
	sqlite3_close(s->db);
	am_free(s->path);
	am_free(s->todo);
	am_free(s->miss);
	am_free(s->ents);
	am_buf_free(&s->scanbuf);
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
	sqlite3_stmt *b = stmt(st, write ? S_BEGIN_WRITE : S_BEGIN);
	int try, rc = SQLITE_BUSY;

	if (!b)
		return sq_fail(st);
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
		sqlite3_stmt *q = stmt(st, S_ROLLBACK);

		if (q) {
			sqlite3_step(q);
			sqlite3_reset(q);
		} else
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

static int
commit(struct am_store *st)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q = stmt(st, S_COMMIT);
	int rc;

	if (!q)
		return abort_batch(st, 0);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return abort_batch(st, 0);
	/* (Read transactions change nothing: they leave it as it is.) */
	if (!s->figures_only && sqlite3_total_changes(s->db) != s->changes)
		s->wrote = 1;
	s->changes = sqlite3_total_changes(s->db);
	return AWSMASK_OK;
}

/* Add `by` to the statistics row `name`.  0, or -1 (see step()). */
static int
stat_add(struct am_store *st, const char *name, long long by, int *mem)
{
	sqlite3_stmt *q = stmt(st, S_STAT);

	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, by);
	return step(q, NULL, NULL, NULL, mem) < 0 ? -1 : 0;
}

/* Write the pending processing figures in the open write transaction;
 * they are zeroed once it commits (proc_commit). */
static int
proc_write(struct am_store *st, int *mem)
{
	char name[64];
	size_t i;

	for (i = 0; i < am_nproc_fields; i++) {
		unsigned long long v = AM_PROC_FIELD(&st->proc_pending, i);

		if (!v)
			continue;
		snprintf(name, sizeof(name), "processing:%s",
		    am_proc_fields[i].name);
		if (stat_add(st, name, (long long)v, mem))
			return -1;
	}
	return 0;
}

static void
proc_commit(struct am_store *st)
{
	memset(&st->proc_pending, 0, sizeof(st->proc_pending));
}

static int
scratch(struct am_store *st, size_t n)
{
	struct sq *s = st->priv;
	size_t *a, *b;

	if (n <= s->cap)
		return AWSMASK_OK;
	a = am_realloc(s->todo, n * sizeof(*a));
	if (a)
		s->todo = a;
	b = a ? am_realloc(s->miss, n * sizeof(*b)) : NULL;
	if (b)
		s->miss = b;
	if (!a || !b)
		return nomem(st);
	s->cap = n;
	return AWSMASK_OK;
}

enum { FOUND, STALE, MISSING };

/*
 * Look one row up (S_LOOKUP by original, S_UNMASK by token): FOUND and
 * its column 0 in it->value when live and fresh; STALE, with the value
 * too, when live but due for renewal; MISSING when there is none or it
 * expired (*row then says whether a dead row is there).  -1 on failure.
 */
static int
lookup(struct am_store *st, sqlite3_stmt *q, struct am_store_item *it,
    long long now, int *row, int *mem)
{
	long long exp, used, every;
	int rc;

	*row = 0;
	if (!q)
		return -1;
	if (q == ((struct sq *)st->priv)->stmt[S_LOOKUP])
		sqlite3_bind_blob(q, 1, it->key, (int)it->key_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_text(q, 1, it->key, (int)it->key_len,
		    SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		return MISSING;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return -1;
	}
	*row = 1;
	exp = sqlite3_column_int64(q, 1);
	used = sqlite3_column_int64(q, 2);
	if (exp <= now) {
		sqlite3_reset(q);
		return MISSING;
	}
	if (!it->value) {
		const void *p = sqlite3_column_blob(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);

		if (!(it->value = am_strndup(p ? p : "", p ? len : 0))) {
			*mem = 1;
			sqlite3_reset(q);
			return -1;
		}
		it->value_len = p ? len : 0;
	}
	sqlite3_reset(q);
	/* Due when last renewed an interval ago, or when it has less life
	 * left than that would leave (it was written with a shorter TTL). */
	every = am_store_refresh_interval(st->ttl);
	return now - used >= every || exp - now < st->ttl - every ? STALE :
	    FOUND;
}

/* Renew the row of `original`: expires and used together. */
static int
touch(struct am_store *st, const char *original, size_t len, long long now,
    int *mem)
{
	sqlite3_stmt *q = stmt(st, S_TOUCH);

	if (!q)
		return -1;
	sqlite3_bind_blob(q, 1, original, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, expiry(st, now));
	sqlite3_bind_int64(q, 3, now);
	return step(q, NULL, NULL, NULL, mem) < 0 ? -1 : 0;
}

/* A prefix or a kind, and how many of the batch's new mappings it has. */
struct group {
	const char *name;
	long long count, next;
};

static size_t
group_of(struct group *g, size_t *ng, const char *gname)
{
	size_t i;

	for (i = *ng; i-- > 0; )
		if (g[i].name == gname || !strcmp(g[i].name, gname))
			return i;
	g[*ng].name = gname;
	g[*ng].count = 0;
	return (*ng)++;
}

/*
 * The digest token of m: the first candidate no mapping holds, not even
 * an expired one, so that a token printed once never means another
 * original.  Its length, -1 (see step()), -2 when it would not fit, -3
 * when DIGEST_TRIES candidates in a row are taken.
 */
static int
digest_token(struct am_store *st, const struct am_store_item *m, char *tok,
    size_t size, int *mem)
{
	sqlite3_stmt *q = stmt(st, S_TAKEN);
	unsigned attempt;
	int tlen, taken;

	if (!q)
		return -1;
	for (attempt = 0; attempt < DIGEST_TRIES; attempt++) {
		tlen = am_store_digest_token(st, m->prefix, m->key, m->key_len,
		    attempt, tok, size);
		if (tlen < 0)
			return -2;
		sqlite3_bind_text(q, 1, tok, tlen, SQLITE_STATIC);
		if ((taken = step(q, NULL, NULL, NULL, mem)) < 0)
			return -1;
		if (!taken)
			return tlen;
	}
	return -3;
}

/*
 * Create the mappings of it[miss[0..nmiss)], distinct originals, in the
 * open write transaction: numbers are reserved a prefix at a time, and
 * the statistics are added a kind at a time (digest tokens need no
 * counter).  0, -1 (see step()), -2 when a token would not fit, or -3
 * when digest candidates ran out.
 */
static int
create(struct am_store *st, struct am_store_item *it, const size_t *miss,
    size_t nmiss, long long now, int *mem)
{
	struct group *g;
	size_t i, ng = 0, *grp;
	char tok[64], day[32];
	int rc = -1, tlen;

	if (!nmiss)
		return 0;
	g = am_calloc(nmiss, sizeof(*g));
	grp = am_calloc(nmiss, sizeof(*grp));
	if (!g || !grp) {
		*mem = 1;
		goto out;
	}
	for (i = 0; i < nmiss && st->token_style == AM_TOKEN_COUNTER; i++) {
		grp[i] = group_of(g, &ng, it[miss[i]].prefix);
		g[grp[i]].count++;
	}
	for (i = 0; i < ng; i++) {
		sqlite3_stmt *q = stmt(st, S_COUNT);
		long long last = 0;

		if (!q)
			goto out;
		sqlite3_bind_text(q, 1, g[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, g[i].count);
		if (step(q, NULL, NULL, &last, mem) <= 0)
			goto out;
		g[i].next = last - g[i].count + 1;
	}
	for (i = 0; i < nmiss; i++) {
		struct am_store_item *m = &it[miss[i]];
		sqlite3_stmt *q = stmt(st, S_INSERT);

		if (!q)
			goto out;
		if (st->token_style == AM_TOKEN_DIGEST) {
			if ((tlen = digest_token(st, m, tok, sizeof(tok),
			    mem)) < 0) {
				rc = tlen;
				goto out;
			}
		} else if ((tlen = am_token_format(tok, sizeof(tok), m->prefix,
		    (unsigned long long)g[grp[i]].next++)) < 0) {
			rc = -2;
			goto out;
		}
		sqlite3_bind_blob(q, 1, m->key, (int)m->key_len, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, tok, tlen, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, m->prefix, -1, SQLITE_STATIC);
		if (m->kind)
			sqlite3_bind_text(q, 4, m->kind, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 4);
		sqlite3_bind_int64(q, 5, now);
		sqlite3_bind_int64(q, 6, expiry(st, now));
		if (step(q, NULL, NULL, NULL, mem) < 0)
			goto out;
		if (!(m->value = am_strndup(tok, (size_t)tlen))) {
			*mem = 1;
			goto out;
		}
		m->value_len = (size_t)tlen;
	}
	/* The statistics: per kind, the total and the day. */
	ng = 0;
	for (i = 0; i < nmiss; i++) {
		const char *kind = it[miss[i]].kind;

		g[group_of(g, &ng, kind && *kind ? kind : "unknown")].count++;
	}
	memcpy(day, "daily:", 6);
	am_store_day(now, day + 6);
	if (stat_add(st, "total_mappings", (long long)nmiss, mem) ||
	    stat_add(st, day, (long long)nmiss, mem))
		goto out;
	for (i = 0; i < ng; i++)
		if (stat_add(st, g[i].name, g[i].count, mem))
			goto out;
	rc = 0;
out:
	am_free(g);
	am_free(grp);
	return rc;
}

/*
 * The write pass of mask_many over it[todo[0..ntodo)]: look each up
 * again (others may have written meanwhile), renew the stale ones,
 * create the missing ones.  An original twice in the batch is created
 * once; the second copy takes the first one's token.
 */
static int
mask_write(struct am_store *st, struct am_store_item *it, size_t *todo,
    size_t ntodo, long long now, size_t *created)
{
	struct sq *s = st->priv;
	struct am_map *seen = NULL;
	size_t i, nmiss = 0, *dup = NULL, ndup = 0;
	int rc, row, mem = 0, r;

	if ((rc = begin(st, 1)))
		return rc;
	for (i = 0; i < ntodo; i++) {
		struct am_store_item *m = &it[todo[i]];

		r = lookup(st, stmt(st, S_LOOKUP), m, now, &row, &mem);
		if (r < 0)
			goto fail;
		if (r == STALE && touch(st, m->key, m->key_len, now, &mem))
			goto fail;
		if (r != MISSING)
			continue;
		if (row) {
			/* Expired: its token dies with it. */
			sqlite3_stmt *q = stmt(st, S_DROP);

			if (!q)
				goto fail;
			sqlite3_bind_blob(q, 1, m->key, (int)m->key_len,
			    SQLITE_STATIC);
			if (step(q, NULL, NULL, NULL, &mem) < 0)
				goto fail;
		}
		if (!seen && !(seen = am_map_new())) {
			mem = 1;
			goto fail;
		}
		if (am_map_get(seen, m->key, m->key_len, NULL)) {
			if (!dup && !(dup = am_calloc(ntodo, sizeof(*dup)))) {
				mem = 1;
				goto fail;
			}
			dup[ndup++] = todo[i];
			continue;
		}
		if (am_map_put(seen, m->key, m->key_len, (const char *)&todo[i],
		    sizeof(todo[i])) < 0) {
			mem = 1;
			goto fail;
		}
		s->miss[nmiss++] = todo[i];
	}
	r = create(st, it, s->miss, nmiss, now, &mem);
	if (r == -2 || r == -3) {
		abort_batch(st, 0);
		am_map_free(seen);
		am_free(dup);
		if (r == -3)
			return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store "
			    "'%s': %d digest tokens in a row are taken",
			    s->path, DIGEST_TRIES);
		return am_seterr(&st->err, AWSMASK_EINVAL,
		    "sqlite store '%s': token prefix too long", s->path);
	}
	if (r < 0 || proc_write(st, &mem))
		goto fail;
	for (i = 0; i < ndup; i++) {
		struct am_store_item *d = &it[dup[i]];
		size_t first;
		const char *v = am_map_get(seen, d->key, d->key_len, NULL);

		memcpy(&first, v, sizeof(first));
		if (!(d->value = am_strndup(it[first].value,
		    it[first].value_len))) {
			mem = 1;
			goto fail;
		}
		d->value_len = it[first].value_len;
	}
	am_map_free(seen);
	am_free(dup);
	if ((rc = commit(st)))
		return rc;
	proc_commit(st);
	*created = nmiss;
	return AWSMASK_OK;
fail:
	am_map_free(seen);
	am_free(dup);
	return abort_batch(st, mem);
}

static int
sq_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	size_t i, ntodo = 0, created = 0;
	int rc, row, mem = 0, r;

	if (s->readonly)
		return am_seterr(&st->err, AWSMASK_ESTORE, "sqlite store '%s': "
		    "attempt to write a readonly database", s->path);
	for (i = 0; i < n; i++)
		if (it[i].key_len > INT_MAX)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "sqlite store '%s': identifier too long", s->path);
	if ((rc = scratch(st, n)))
		return rc;
	if (s->write_first) {
		for (i = 0; i < n; i++)
			s->todo[ntodo++] = i;
	} else {
		/* The read pass: hits cost no write. */
		if ((rc = begin(st, 0)))
			return rc;
		for (i = 0; i < n; i++) {
			r = lookup(st, stmt(st, S_LOOKUP), &it[i], now, &row,
			    &mem);
			if (r < 0)
				return abort_batch(st, mem);
			if (r != FOUND) {
				/* Looked up again in the write pass. */
				am_free(it[i].value);
				it[i].value = NULL;
				it[i].value_len = 0;
				s->todo[ntodo++] = i;
			}
		}
		if ((rc = commit(st)))
			return rc;
		if (!ntodo)
			return AWSMASK_OK;
	}
	rc = mask_write(st, it, s->todo, ntodo, now, &created);
	s->write_first = rc == AWSMASK_OK && created > 0;
	return rc;
}

/* A renewal that failed only for want of writing is forgiven, once and
 * for the rest of the run. */
static int
renew_failed(struct am_store *st)
{
	struct sq *s = st->priv;

	if (!cannot_write(s))
		return st->err.code;
	st->err.code = AWSMASK_OK;
	s->norefresh = 1;
	return AWSMASK_OK;
}

static int
sq_unmask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	size_t i, ntodo = 0;
	int rc, row, mem = 0, r;

	for (i = 0; i < n; i++)
		if (it[i].key_len > INT_MAX)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "sqlite store '%s': token too long", s->path);
	if ((rc = scratch(st, n)) || (rc = begin(st, 0)))
		return rc;
	for (i = 0; i < n; i++) {
		r = lookup(st, stmt(st, S_UNMASK), &it[i], now, &row, &mem);
		if (r < 0)
			return abort_batch(st, mem);
		if (r == STALE && !s->readonly)
			s->todo[ntodo++] = i;
	}
	if ((rc = commit(st)) || !ntodo || s->norefresh)
		return rc;
	/*
	 * Renew the stale ones.  A token means one original for ever, so
	 * what was read stays right even if the row went meanwhile.  The
	 * renewal is best effort: where nothing may be written (a full
	 * disk, a file turned read-only) the answer stands without it.
	 */
	if ((rc = begin(st, 1)))
		return renew_failed(st);
	for (i = 0; i < ntodo; i++) {
		struct am_store_item *m = &it[s->todo[i]];
		struct am_store_item again;

		memset(&again, 0, sizeof(again));
		again.key = m->key;
		again.key_len = m->key_len;
		again.value = (char *)"";	/* the value is not wanted */
		r = lookup(st, stmt(st, S_UNMASK), &again, now, &row, &mem);
		if (r < 0 || (r == STALE && touch(st, m->value, m->value_len,
		    now, &mem))) {
			abort_batch(st, mem);
			return renew_failed(st);
		}
	}
	if (proc_write(st, &mem)) {
		abort_batch(st, mem);
		return renew_failed(st);
	}
	if ((rc = commit(st)))
		return renew_failed(st);
	proc_commit(st);
	return AWSMASK_OK;
}

static int
sq_flush_stats(struct am_store *st)
{
	struct sq *s = st->priv;
	int rc, mem = 0;

	if (s->readonly || s->norefresh || am_proc_empty(&st->proc_pending))
		return AWSMASK_OK;
	if ((rc = begin(st, 1)))
		return rc;
	if (proc_write(st, &mem))
		return abort_batch(st, mem);
	s->figures_only = 1;
	rc = commit(st);
	s->figures_only = 0;
	if (rc)
		return rc;
	proc_commit(st);
	return AWSMASK_OK;
}

/*
 * The operator side.  Its statements are prepared when used: they are
 * not worth a prepare in every run of awsmask.
 */
static int
prepare(struct am_store *st, const char *q, sqlite3_stmt **out)
{
	struct sq *s = st->priv;

	if (sqlite3_prepare_v2(s->db, q, -1, out, NULL) != SQLITE_OK)
		return sq_fail(st);
	return AWSMASK_OK;
}

static long long
file_size(const char *path, const char *suffix)
{
	char p[PATH_MAX];
	struct stat sb;

	if ((size_t)snprintf(p, sizeof(p), "%s%s", path, suffix) >= sizeof(p) ||
	    stat(p, &sb) < 0)
		return 0;
	return (long long)sb.st_size;
}

static int
sq_info(struct am_store *st, struct am_store_info *info)
{
	struct sq *s = st->priv;
	sqlite3_stmt *q;
	int rc, i;

	if ((rc = sq_flush_stats(st)) ||
	    (rc = prepare(st, "SELECT kind, n FROM stats", &q)))
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(q, 0);
		unsigned long long n = (unsigned long long)
		    sqlite3_column_int64(q, 1);
		size_t f;

		if (!k)
			continue;
		if (!strcmp(k, "total_mappings"))
			info->total_created = n;
		else if (!strcmp(k, "cache:hits"))
			info->cache_hits = n;
		else if (!strcmp(k, "cache:misses"))
			info->cache_misses = n;
		else if (!strncmp(k, "daily:", 6)) {
			for (i = 0; i < AM_DAILY_DAYS; i++)
				if (!strcmp(k + 6, info->day[i]))
					info->daily[i] = n;
		} else if (!strncmp(k, "processing:", 11)) {
			for (f = 0; f < am_nproc_fields; f++)
				if (!strcmp(k + 11, am_proc_fields[f].name))
					AM_PROC_FIELD(&info->proc, f) = n;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return sq_fail(st);
	info->size_bytes = file_size(s->path, "") + file_size(s->path, "-wal");
	return AWSMASK_OK;
}

#define SCAN_STEP 2000

static int
sq_scan(struct am_store *st, struct am_scan *sc)
{
	struct sq *s = st->priv;
	long long now = am_store_now();
	sqlite3_stmt *q;
	size_t n = 0, i;
	int rc;

	if (!sc->priv) {
		sc->priv = s;
		s->scan_rowid = 0;
		if ((rc = prepare(st, "SELECT count(*) FROM mappings", &q)))
			return rc;
		if (sqlite3_step(q) == SQLITE_ROW)
			sc->total = (unsigned long long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if (!s->ents && !(s->ents = am_calloc(SCAN_STEP, sizeof(*s->ents))))
		return nomem(st);
	am_buf_reset(&s->scanbuf);
	if ((rc = prepare(st, "SELECT rowid, original, token, expires, used"
	    " FROM mappings WHERE rowid > ?1 ORDER BY rowid LIMIT ?2", &q)))
		return rc;
	sqlite3_bind_int64(q, 1, s->scan_rowid);
	sqlite3_bind_int(q, 2, SCAN_STEP);
	/* Offsets into scanbuf first: it may move as it grows. */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct am_entry *e = &s->ents[n++];
		const void *o = sqlite3_column_blob(q, 1);
		size_t olen = (size_t)sqlite3_column_bytes(q, 1);
		const void *t = sqlite3_column_text(q, 2);
		size_t tlen = (size_t)sqlite3_column_bytes(q, 2);

		s->scan_rowid = sqlite3_column_int64(q, 0);
		memset(e, 0, sizeof(*e));
		e->state = sqlite3_column_int64(q, 3) > now ? AM_ENTRY_PAIR :
		    AM_ENTRY_EXPIRED;
		e->used = sqlite3_column_int64(q, 4);
		e->original = (const char *)s->scanbuf.len;
		e->original_len = olen;
		e->token = (const char *)(s->scanbuf.len + olen);
		e->token_len = tlen;
		if ((olen && am_buf_add(&s->scanbuf, o, olen) < 0) ||
		    (tlen && am_buf_add(&s->scanbuf, t, tlen) < 0)) {
			sqlite3_finalize(q);
			return nomem(st);
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return sq_fail(st);
	for (i = 0; i < n; i++) {
		s->ents[i].original = s->scanbuf.buf + (size_t)s->ents[i].original;
		s->ents[i].token = s->scanbuf.buf + (size_t)s->ents[i].token;
	}
	sc->entries = s->ents;
	sc->n = n;
	sc->seen += n;
	sc->done = n < SCAN_STEP;
	return AWSMASK_OK;
}

static void
sq_scan_end(struct am_store *st, struct am_scan *sc)
{
	(void)st;
	(void)sc;
}

/* One transaction a call: a scan step's worth, so writers wait little. */
static int
sq_remove(struct am_store *st, struct am_entry *e, size_t n,
    long long used_before)
{
	long long now = am_store_now();
	sqlite3_stmt *pair = NULL, *dead = NULL, *q;
	size_t i;
	int rc;

	if ((rc = prepare(st, "DELETE FROM mappings WHERE original = ?1"
	    " AND token = ?2 AND expires > ?3 AND used <= ?4", &pair)) ||
	    (rc = prepare(st, "DELETE FROM mappings WHERE original = ?1"
	    " AND token = ?2 AND expires <= ?3", &dead)) ||
	    (rc = begin(st, 1)))
		goto out;
	for (i = 0; i < n; i++) {
		if (e[i].state != AM_ENTRY_PAIR &&
		    e[i].state != AM_ENTRY_EXPIRED)
			continue;	/* no halves in this store */
		q = e[i].state == AM_ENTRY_PAIR ? pair : dead;
		sqlite3_bind_blob(q, 1, e[i].original, (int)e[i].original_len,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 2, e[i].token, (int)e[i].token_len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, now);
		if (q == pair)
			sqlite3_bind_int64(q, 4, used_before);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE) {
			rc = abort_batch(st, 0);
			goto out;
		}
		e[i].removed = sqlite3_changes(((struct sq *)st->priv)->db) > 0;
	}
	rc = commit(st);
out:
	sqlite3_finalize(pair);
	sqlite3_finalize(dead);
	return rc;
}

static int
sq_lock(struct am_store *st, enum am_lock_op op, const char *name,
    const char *owner, long long ms, int *got)
{
	struct sq *s = st->priv;
	long long now = am_store_now(), end = now + (ms + 999) / 1000;
	sqlite3_stmt *q = NULL, *take = NULL;
	int rc;

	if (op == AM_LOCK_TAKE) {
		/* A lease that ran out is free: its owner died or hung. */
		if ((rc = prepare(st, "DELETE FROM locks WHERE name = ?1"
		    " AND expires <= ?2", &q)) ||
		    (rc = prepare(st, "INSERT OR IGNORE INTO locks(name, owner,"
		    " expires) VALUES (?1, ?2, ?3)", &take)) ||
		    (rc = begin(st, 1)))
			goto out;
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_bind_text(take, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(take, 2, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(take, 3, end);
		if (sqlite3_step(q) != SQLITE_DONE ||
		    sqlite3_step(take) != SQLITE_DONE) {
			rc = abort_batch(st, 0);
			goto out;
		}
		*got = sqlite3_changes(s->db) > 0;
		rc = commit(st);
		goto out;
	}
	if ((rc = prepare(st, op == AM_LOCK_EXTEND ?
	    "UPDATE locks SET expires = ?3 WHERE name = ?1 AND owner = ?2" :
	    "DELETE FROM locks WHERE name = ?1 AND owner = ?2", &q)))
		goto out;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, owner, -1, SQLITE_STATIC);
	if (op == AM_LOCK_EXTEND)
		sqlite3_bind_int64(q, 3, end);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = sq_fail(st);
	else
		*got = sqlite3_changes(s->db) > 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(take);
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
	sqlite3_stmt *q = stmt(st, S_META_INIT);
	int rc, mem = 0;

	if (!q)
		return sq_fail(st);
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
	sqlite3_stmt *q = stmt(st, S_RAISE);
	size_t i;
	int rc, mem = 0;

	if (!q)
		return sq_fail(st);
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
	sqlite3_bind_text(q, 1, got ? "cache:hits" : "cache:misses", -1,
	    SQLITE_STATIC);
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
	.info = sq_info,
	.scan = sq_scan,
	.scan_end = sq_scan_end,
	.remove = sq_remove,
	.lock = sq_lock,
	.flush_stats = sq_flush_stats,
	.meta_init = sq_meta_init,
	.counters_raise = sq_counters_raise,
	.check = sq_check,
	.cache_get = sq_cache_get,
	.cache_put = sq_cache_put,
};
