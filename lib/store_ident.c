/*
 * store_ident.c - a token never points to the wrong original, even when
 * the store forgets.
 *
 * Counter tokens are safe while the counters live: a number is handed
 * out once.  A store that loses its data (a Redis restarted without
 * persistence, a FLUSHALL, a deleted database file) would start its
 * counters again at 1 and give EC2_001 to another instance, and output
 * printed before would unmask to the wrong resource.  Two records stop
 * that:
 *
 *  - The store's identity: a random id the store keeps with no expiry
 *    (Redis: the `id` field of <ns>meta:store; SQLite: the meta table),
 *    created once, lost only with the counters.
 *  - This machine's record of the store, in the state folder
 *    (store-<hash of the store's name>): the identity it last saw and,
 *    per token prefix, the highest number it was handed.  It is written
 *    before any output that uses those numbers.
 *
 * Before the first allocation of a run, the store's identity is compared
 * with the record.  The same: nothing to do.  The record names another
 * identity, or the store has none while the record has one: the store
 * was reset since this machine used it.  (A store without one gets one
 * first, unless another process gave it one since it was opened: that
 * one is compared.)  Then every counter is raised above the record's
 * high-water mark before a number is handed out, the record learns the
 * identity, and the tool says so on stderr.  So no number this machine was ever handed is
 * handed out again.  (Numbers other machines were handed are protected
 * by their own records once they run; awsmask(1) INTEGRITY says what
 * that leaves open, and how digest tokens close it.)
 *
 * Record format, one item a line:
 *	awsmask-store 1
 *	id <hex>
 *	hwm <PREFIX> <number>
 * Writers take an flock on <record>.lock, merge (the highest number of
 * each prefix wins), write a temporary file and rename it into place:
 * a reader never sees half a record and no writer loses another's mark.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_ident.h"

struct am_store_ident {
	char *dir;		/* the state folder; NULL: no record */
	char *path;		/* its record file */
	struct am_map *hwm;	/* prefix -> highest number, this process */
	struct am_map *saved;	/* prefix -> highest number in the record */
	int checked;		/* the identity was settled for allocation */
	int warned;		/* the read-only check said its piece */
	int unsaved;		/* the record could not be written */
};

#define RECORD_MAGIC "awsmask-store 1"

static int
nomem(struct am_store *st)
{
	return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
}

/* A counter's value in a map (stored as its bytes). */
static unsigned long long
map_num(const struct am_map *m, const char *k, size_t klen)
{
	unsigned long long n = 0;
	size_t vlen;
	const char *v = am_map_get(m, k, klen, &vlen);

	if (v && vlen == sizeof(n))
		memcpy(&n, v, sizeof(n));
	return n;
}

static int
map_raise(struct am_map *m, const char *k, size_t klen, unsigned long long n)
{
	if (n <= map_num(m, k, klen))
		return 0;
	return am_map_put(m, k, klen, (const char *)&n, sizeof(n));
}

int
am_store_ident_new(struct am_store *st, const char *state_dir)
{
	struct am_store_ident *d;
	struct am_buf b = AM_BUF_INIT;

	if (!(d = am_calloc(1, sizeof(*d))))
		return nomem(st);
	st->ident = d;
	d->hwm = am_map_new();
	d->saved = am_map_new();
	if (!d->hwm || !d->saved)
		return nomem(st);
	if (!state_dir)
		return AWSMASK_OK;
	if (!(d->dir = am_strdup(state_dir)) ||
	    am_buf_addf(&b, "%s/store-%016llx", state_dir,
	    (unsigned long long)am_hash(st->name, strlen(st->name))) < 0) {
		am_buf_free(&b);
		return nomem(st);
	}
	d->path = am_buf_release(&b, NULL);
	return AWSMASK_OK;
}

void
am_store_ident_free(struct am_store_ident *d)
{
	if (!d)
		return;
	am_map_free(d->hwm);
	am_map_free(d->saved);
	am_free(d->dir);
	am_free(d->path);
	am_free(d);
}

/*
 * Read a record: its id into *id (malloc'd, NULL when none) and its
 * marks into m.  A missing record is empty; one that does not parse is
 * an error, never read as empty (that would drop its marks).
 */
static int
record_read(struct am_store *st, const char *path, char **id,
    struct am_map *m)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	FILE *f;
	int rc = AWSMASK_OK, fd;

	*id = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return AWSMASK_OK;
		return am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot read its record '%s'", st->name, path);
	}
	if ((rc = am_trust_path(path, "store record", NULL, &st->err)) ||
	    !(f = fdopen(fd, "r"))) {
		if (!rc)
			rc = nomem(st);
		close(fd);
		return rc;
	}
	while (rc == AWSMASK_OK && getline(&line, &cap, f) >= 0) {
		char pfx[64];
		unsigned long long n;
		char hex[80];

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1 && !strcmp(line, RECORD_MAGIC))
			continue;
		if (lineno > 1 && sscanf(line, "id %64[0-9a-f]", hex) == 1 &&
		    strlen(line) == 3 + strlen(hex)) {
			am_free(*id);
			if (!(*id = am_strdup(hex)))
				rc = nomem(st);
			continue;
		}
		if (lineno > 1 && sscanf(line, "hwm %63[A-Z0-9_] %llu", pfx,
		    &n) == 2) {
			if (map_raise(m, pfx, strlen(pfx), n) < 0)
				rc = nomem(st);
			continue;
		}
		rc = am_seterr(&st->err, AWSMASK_ESTORE, "store '%s': its record "
		    "'%s' is damaged at line %lu (move it away only if the "
		    "store still holds every mapping)", st->name, path, lineno);
	}
	free(line);
	fclose(f);
	if (rc) {
		am_free(*id);
		*id = NULL;
	}
	return rc;
}

/* The state folder must be ours: the record decides what is safe. */
static int
record_dir(struct am_store *st)
{
	struct am_store_ident *d = st->ident;

	int rc = am_mkdirs(d->dir, &st->err);

	return rc ? rc : am_trust_path(d->dir, "state folder", NULL, &st->err);
}

typedef int each_fn(void *arg, const char *k, size_t klen, const char *v,
    size_t vlen);

/* fn for every entry of m; -1 at the first fn that returns < 0. */
static int
each(const struct am_map *m, each_fn *fn, void *arg)
{
	const char *k, *v;
	size_t pos = 0, klen, vlen;

	while (am_map_next(m, &pos, &k, &klen, &v, &vlen))
		if (fn(arg, k, klen, v, vlen) < 0)
			return -1;
	return 0;
}

static int
merge_one(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct am_map *into = arg;
	unsigned long long n;

	if (vlen != sizeof(n))
		return 0;
	memcpy(&n, v, sizeof(n));
	return map_raise(into, k, klen, n) < 0 ? -1 : 0;
}

static int
write_one(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	unsigned long long n;

	if (vlen != sizeof(n))
		return 0;
	memcpy(&n, v, sizeof(n));
	return fprintf(arg, "hwm %.*s %llu\n", (int)klen, k, n) < 0 ? -1 : 0;
}

/*
 * Merge the record on disk with id (NULL: keep the record's) and the
 * marks of this process, and write it back.  Afterwards d->saved holds
 * what the record holds.
 */
static int
record_save(struct am_store *st, const char *id)
{
	struct am_store_ident *d = st->ident;
	struct am_buf lock = AM_BUF_INIT, tmp = AM_BUF_INIT;
	char *old_id = NULL;
	struct am_map *disk = NULL;
	FILE *f = NULL;
	int rc, lfd = -1, fd;

	if ((rc = record_dir(st)))
		return rc;
	if (am_buf_addf(&lock, "%s.lock", d->path) < 0 ||
	    am_buf_addf(&tmp, "%s.tmp.%ld", d->path, (long)getpid()) < 0 ||
	    !(disk = am_map_new())) {
		rc = nomem(st);
		goto out;
	}
	lfd = open(lock.buf, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0) {
		rc = am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot lock its record '%s'", st->name, lock.buf);
		goto out;
	}
	if ((rc = record_read(st, d->path, &old_id, disk)))
		goto out;
	if (each(d->hwm, merge_one, disk) < 0) {
		rc = nomem(st);
		goto out;
	}
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot write its record '%s'", st->name, tmp.buf);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(f, "%s\n", RECORD_MAGIC);
	if (id || old_id)
		fprintf(f, "id %s\n", id ? id : old_id);
	if (each(disk, write_one, f) < 0 || fflush(f) != 0 ||
	    ferror(f)) {
		rc = am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot write its record '%s'", st->name, tmp.buf);
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot write its record '%s'", st->name, tmp.buf);
		goto out;
	}
	f = NULL;
	if (rename(tmp.buf, d->path) < 0) {
		rc = am_seterr_errno(&st->err, AWSMASK_ESTORE, "store '%s': "
		    "cannot write its record '%s'", st->name, d->path);
		goto out;
	}
	am_map_free(d->saved);
	d->saved = disk;
	disk = NULL;
out:
	if (f)
		fclose(f);
	if (rc && tmp.buf)
		unlink(tmp.buf);
	if (lfd >= 0)
		close(lfd);	/* and the lock with it */
	am_map_free(disk);
	am_free(old_id);
	am_buf_free(&lock);
	am_buf_free(&tmp);
	return rc;
}

/* A new random identity, 32 hex digits. */
static int
new_id(struct am_store *st, char out[33])
{
	unsigned char r[16];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return am_seterr_errno(&st->err, AWSMASK_ESTORE,
			    "store '%s': no random bytes for its identity",
			    st->name);
		got += (size_t)n;
	}
	am_hex(r, sizeof(r), out);
	return AWSMASK_OK;
}

struct raise_list {
	const char **prefix;
	unsigned long long *min;
	size_t n, cap;
	char **own;		/* NUL-terminated copies of the prefixes */
};

static int
raise_add(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct raise_list *l = arg;
	unsigned long long n;

	if (vlen != sizeof(n) || l->n == l->cap)
		return 0;
	memcpy(&n, v, sizeof(n));
	if (!(l->own[l->n] = am_strndup(k, klen)))
		return -1;
	l->prefix[l->n] = l->own[l->n];
	l->min[l->n] = n + 1;
	l->n++;
	return 0;
}

/* Lift every counter above the marks of `marks`. */
static int
raise_counters(struct am_store *st, const struct am_map *marks)
{
	struct raise_list l;
	size_t i, n = am_map_count(marks);
	int rc = AWSMASK_OK;

	if (!n)
		return AWSMASK_OK;
	memset(&l, 0, sizeof(l));
	l.cap = n;
	l.prefix = am_calloc(n, sizeof(*l.prefix));
	l.min = am_calloc(n, sizeof(*l.min));
	l.own = am_calloc(n, sizeof(*l.own));
	if (!l.prefix || !l.min || !l.own ||
	    each(marks, raise_add, &l) < 0)
		rc = nomem(st);
	else
		rc = st->ops->counters_raise(st, l.prefix, l.min, l.n);
	for (i = 0; l.own && i < l.n; i++)
		am_free(l.own[i]);
	am_free(l.own);
	am_free(l.prefix);
	am_free(l.min);
	return rc;
}

int
am_store_ident_settle(struct am_store *st)
{
	struct am_store_ident *d = st->ident;
	struct am_map *marks = NULL;
	char *rec_id = NULL, fresh[33];
	int rc = AWSMASK_OK, reset;

	if (!d || d->checked || !st->ops->meta_init)
		return AWSMASK_OK;
	if (!d->path) {
		/* No state folder: the store's own identity only. */
		if (!st->id && (rc = new_id(st, fresh)) == AWSMASK_OK)
			rc = st->ops->meta_init(st, fresh);
		d->checked = rc == AWSMASK_OK;
		return rc;
	}
	if (!(marks = am_map_new()))
		return nomem(st);
	if ((rc = record_read(st, d->path, &rec_id, marks)))
		goto out;
	/*
	 * A store that had no identity when it was opened may have been
	 * given one since, by another process that also wrote the record:
	 * the store's identity as it is now is compared, not as it was.
	 * meta_init() gives it ours unless it has one, and reads back the
	 * one it holds.
	 */
	if (!st->id && ((rc = new_id(st, fresh)) ||
	    (rc = st->ops->meta_init(st, fresh))))
		goto out;
	reset = rec_id && strcmp(st->id, rec_id);
	/*
	 * Order matters: counters before the record.  A process that starts
	 * in between still sees a mismatch (the record names the identity
	 * before the reset) and raises the counters too (raising twice is
	 * harmless); one that saw a match before we raised would hand out
	 * low numbers.
	 */
	if (reset && st->token_style == AM_TOKEN_COUNTER &&
	    (rc = raise_counters(st, marks)))
		goto out;
	if (reset)
		am_store_warn(st, "store '%s' is not the one this machine used "
		    "before (it lost its data or was replaced): numbering "
		    "continues above every token this machine was given, and "
		    "tokens printed before the reset may not unmask", st->name);
	if (!rec_id || strcmp(rec_id, st->id))
		rc = record_save(st, st->id);
	else {
		am_map_free(d->saved);
		d->saved = marks;
		marks = NULL;
	}
	d->checked = rc == AWSMASK_OK;
out:
	am_map_free(marks);
	am_free(rec_id);
	return rc;
}

void
am_store_ident_check_ro(struct am_store *st)
{
	struct am_store_ident *d = st->ident;
	struct am_map *marks;
	struct am_error ignored;
	char *rec_id = NULL;

	if (!d || d->warned || d->checked || !d->path || !st->ops->meta_init)
		return;
	d->warned = 1;
	memset(&ignored, 0, sizeof(ignored));
	if (!(marks = am_map_new()))
		return;
	/* Read-only: whatever fails here only loses a warning. */
	{
		struct am_error keep = st->err;

		if (record_read(st, d->path, &rec_id, marks) == AWSMASK_OK &&
		    rec_id && (!st->id || strcmp(st->id, rec_id)))
			am_store_warn(st, "store '%s' is not the one this "
			    "machine used before (it lost its data or was "
			    "replaced): tokens printed before the reset may "
			    "not unmask", st->name);
		st->err = keep;
	}
	am_free(rec_id);
	am_map_free(marks);
}

/* The number of a counter token PREFIX_NNN, or 0. */
static unsigned long long
token_number(const char *t, size_t n, size_t *plen)
{
	unsigned long long v = 0;
	size_t i = n;

	while (i > 0 && t[i - 1] >= '0' && t[i - 1] <= '9')
		i--;
	if (i == 0 || i == n || t[i - 1] != '_' || n - i > 19)
		return 0;
	*plen = i - 1;
	for (; i < n; i++)
		v = v * 10 + (unsigned long long)(t[i] - '0');
	return v;
}

int
am_store_ident_note(struct am_store *st, const struct am_store_item *it,
    size_t n)
{
	struct am_store_ident *d = st->ident;
	size_t i, plen = 0;
	int above = 0;

	if (!d || !d->path || st->token_style != AM_TOKEN_COUNTER)
		return AWSMASK_OK;
	for (i = 0; i < n; i++) {
		unsigned long long num;

		if (!it[i].value || !(num = token_number(it[i].value,
		    it[i].value_len, &plen)))
			continue;
		if (map_raise(d->hwm, it[i].value, plen, num) < 0)
			return nomem(st);
		if (num > map_num(d->saved, it[i].value, plen))
			above = 1;
	}
	if (!above || d->unsaved)
		return AWSMASK_OK;
	/*
	 * Written before the tokens are: a record that cannot be written
	 * costs the protection, not the run, and the tool says so once.
	 */
	{
		struct am_error keep = st->err;

		if (record_save(st, NULL)) {
			am_store_warn(st, "%s; tokens issued now are not "
			    "protected against a reset of the store",
			    st->err.msg);
			st->err = keep;
			d->unsaved = 1;
		}
	}
	return AWSMASK_OK;
}
