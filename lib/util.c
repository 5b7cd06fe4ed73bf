/*
 * util.c - errors, allocation wrappers, the byte buffer, the string map,
 * and full writes, trust in files: the small pieces every other file leans on.
 */
#include "internal.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct am_allocator allocator = { malloc, calloc, realloc, free };

void
am_set_allocator(const struct am_allocator *a)
{
	static const struct am_allocator def = { malloc, calloc, realloc, free };

	allocator = a ? *a : def;
}

void *am_malloc(size_t n) { return allocator.malloc_fn(n ? n : 1); }
void *am_calloc(size_t n, size_t size) { return allocator.calloc_fn(n ? n : 1, size ? size : 1); }
void *am_realloc(void *p, size_t n) { return allocator.realloc_fn(p, n ? n : 1); }
void am_free(void *p) { if (p) allocator.free_fn(p); }

char *
am_strndup(const char *s, size_t n)
{
	char *p = am_malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
am_strdup(const char *s)
{
	return s ? am_strndup(s, strlen(s)) : NULL;
}

static int vseterr(struct am_error *e, enum awsmask_err code, int errnum,
    const char *fmt, va_list ap) AM_PRINTF(4, 0);

static int
vseterr(struct am_error *e, enum awsmask_err code, int errnum,
    const char *fmt, va_list ap)
{
	size_t n;

	if (!e)
		return code;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	n = strlen(e->msg);
	if (errnum && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	return code;
}

int
am_seterr(struct am_error *e, enum awsmask_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vseterr(e, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
am_seterr_errno(struct am_error *e, enum awsmask_err code, const char *fmt,
    ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vseterr(e, code, errnum, fmt, ap);
	va_end(ap);
	return code;
}

const char *
awsmask_strerror(enum awsmask_err err)
{
	switch (err) {
	case AWSMASK_OK: return "success";
	case AWSMASK_ENOMEM: return "out of memory";
	case AWSMASK_EINVAL: return "invalid argument";
	case AWSMASK_ECONFIG: return "bad configuration";
	case AWSMASK_ESTORE: return "store unavailable";
	case AWSMASK_EIO: return "input/output error";
	case AWSMASK_EDATA: return "bad input data";
	case AWSMASK_EAUTH: return "authentication refused";
	case AWSMASK_EAPI: return "API unavailable";
	}
	return "unknown error";
}

/* Byte buffer. */

int
am_buf_grow(struct am_buf *b, size_t extra)
{
	size_t want, n;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	p = am_realloc(b->buf, n);
	if (!p)
		return -1;
	b->buf = p;
	b->alloc = n;
	return 0;
}

int
am_buf_add(struct am_buf *b, const void *p, size_t n)
{
	if (am_buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return 0;
}

int
am_buf_addstr(struct am_buf *b, const char *s)
{
	return am_buf_add(b, s, strlen(s));
}

int
am_buf_addf(struct am_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || am_buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
am_buf_reset(struct am_buf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

char *
am_buf_release(struct am_buf *b, size_t *len)
{
	char *p = b->buf;

	if (!p && am_buf_grow(b, 0) == 0) {
		p = b->buf;
		p[0] = '\0';
	}
	if (len)
		*len = p ? b->len : 0;
	b->buf = NULL;
	b->len = b->alloc = 0;
	return p;
}

void
am_buf_free(struct am_buf *b)
{
	am_free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

int
am_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * String map: open addressing with linear probing over a power-of-two
 * table; each slot owns one allocation holding key then value.  Deletion
 * uses backward-shift, so there are no tombstones.
 */
struct am_slot {
	uint64_t hash;
	char *kv;		/* key bytes, then value bytes; NULL: empty */
	size_t klen, vlen;
};
struct am_map {
	struct am_slot *slots;
	size_t cap, count;
};

uint64_t
am_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, then a mixer */

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * The maps' own hash: eight bytes at a time, as the maps are looked up
 * for every identifier met.  It stays inside the process; am_hash()
 * names files, and may not change.
 */
static uint64_t
map_hash(const char *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; k += 8, n -= 8) {
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, k, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return h;
}

struct am_map *
am_map_new(void)
{
	struct am_map *m = am_calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cap = 64;
	m->slots = am_calloc(m->cap, sizeof(*m->slots));
	if (!m->slots) {
		am_free(m);
		return NULL;
	}
	return m;
}

void
am_map_clear(struct am_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++) {
		am_free(m->slots[i].kv);
		m->slots[i].kv = NULL;
	}
	m->count = 0;
}

void
am_map_free(struct am_map *m)
{
	if (!m)
		return;
	am_map_clear(m);
	am_free(m->slots);
	am_free(m);
}

static size_t
map_find(const struct am_map *m, uint64_t h, const char *k, size_t klen)
{
	size_t i = h & (m->cap - 1);

	for (;;) {
		const struct am_slot *s = &m->slots[i];

		if (!s->kv)
			return i;
		if (s->hash == h && s->klen == klen && !memcmp(s->kv, k, klen))
			return i;
		i = (i + 1) & (m->cap - 1);
	}
}

const char *
am_map_get(const struct am_map *m, const char *k, size_t klen, size_t *vlen)
{
	size_t i = map_find(m, map_hash(k, klen), k, klen);

	if (!m->slots[i].kv)
		return NULL;
	if (vlen)
		*vlen = m->slots[i].vlen;
	return m->slots[i].kv + klen;
}

static int
map_resize(struct am_map *m)
{
	struct am_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->slots = am_calloc(oldcap * 2, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (old[i].kv) {
			size_t j = old[i].hash & (m->cap - 1);

			while (m->slots[j].kv)
				j = (j + 1) & (m->cap - 1);
			m->slots[j] = old[i];
		}
	}
	am_free(old);
	return 0;
}

static int
map_store(struct am_map *m, const char *k, size_t klen, const char *v,
    size_t vlen, int replace)
{
	uint64_t h = map_hash(k, klen);
	size_t i;
	char *kv;

	if ((m->count + 1) * 4 > m->cap * 3 && map_resize(m) < 0)
		return -1;
	i = map_find(m, h, k, klen);
	if (m->slots[i].kv && !replace)
		return 0;
	kv = am_malloc(klen + vlen + 1);
	if (!kv)
		return -1;
	memcpy(kv, k, klen);
	memcpy(kv + klen, v, vlen);
	kv[klen + vlen] = '\0';
	if (m->slots[i].kv)
		am_free(m->slots[i].kv);
	else
		m->count++;
	m->slots[i].hash = h;
	m->slots[i].kv = kv;
	m->slots[i].klen = klen;
	m->slots[i].vlen = vlen;
	return 0;
}

int
am_map_put(struct am_map *m, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	return map_store(m, k, klen, v, vlen, 1);
}

int
am_map_add(struct am_map *m, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	return map_store(m, k, klen, v, vlen, 0);
}

int
am_map_next(const struct am_map *m, size_t *pos, const char **k,
    size_t *klen, const char **v, size_t *vlen)
{
	for (; *pos < m->cap; (*pos)++) {
		const struct am_slot *s = &m->slots[*pos];

		if (!s->kv)
			continue;
		*k = s->kv;
		*klen = s->klen;
		*v = s->kv + s->klen;
		*vlen = s->vlen;
		(*pos)++;
		return 1;
	}
	return 0;
}

int
am_map_del(struct am_map *m, const char *k, size_t klen)
{
	size_t i = map_find(m, map_hash(k, klen), k, klen), j;

	if (!m->slots[i].kv)
		return 0;
	am_free(m->slots[i].kv);
	m->slots[i].kv = NULL;
	m->count--;
	/* Backward-shift the run that follows. */
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & (m->cap - 1);
		if (!m->slots[j].kv)
			break;
		home = m->slots[j].hash & (m->cap - 1);
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->slots[i] = m->slots[j];
			m->slots[j].kv = NULL;
			i = j;
		}
	}
	return 1;
}

size_t
am_map_count(const struct am_map *m)
{
	return m ? m->count : 0;
}


/*
 * Trust in a file or folder we read secrets or mappings from.  Another
 * local user must not be able to plant it: it must belong to us (or to
 * root) and nobody else may write it.  A symbolic link is judged by what
 * it points to and by the link itself, whose owner could swap it.
 */
int
am_trust_stat(const char *path, const struct stat *sb, const char *what,
    struct am_error *err)
{
	uid_t me = geteuid();

	if (sb->st_uid != me && sb->st_uid != 0)
		return am_seterr(err, AWSMASK_ECONFIG, "%s '%s' is owned by "
		    "another user (uid %lu): refusing to use it", what, path,
		    (unsigned long)sb->st_uid);
	/* Devices (/dev/null) and pipes are not files one plants. */
	if ((S_ISREG(sb->st_mode) || S_ISDIR(sb->st_mode)) &&
	    (sb->st_mode & 022))
		return am_seterr(err, AWSMASK_ECONFIG, "%s '%s' is writable "
		    "by %s (mode %04o): refusing to use it; chmod go-w it",
		    what, path, sb->st_mode & 002 ? "everyone" : "its group",
		    (unsigned)(sb->st_mode & 07777));
	return AWSMASK_OK;
}

int
am_trust_path(const char *path, const char *what, int *readable,
    struct am_error *err)
{
	struct stat sb;
	int rc;

	if (readable)
		*readable = 0;
	if (lstat(path, &sb) < 0)
		return AWSMASK_OK;	/* the open that follows will say */
	if (S_ISLNK(sb.st_mode)) {
		if (sb.st_uid != geteuid() && sb.st_uid != 0)
			return am_seterr(err, AWSMASK_ECONFIG, "%s '%s' is a "
			    "symbolic link owned by another user (uid %lu): "
			    "refusing to use it", what, path,
			    (unsigned long)sb.st_uid);
		if (stat(path, &sb) < 0)
			return AWSMASK_OK;
	}
	if ((rc = am_trust_stat(path, &sb, what, err)))
		return rc;
	if (readable)
		*readable = (sb.st_mode & 044) != 0;
	return AWSMASK_OK;
}

int
am_mkdirs(const char *path, struct am_error *err)
{
	char *dir, *p;
	struct stat sb;
	int rc = AWSMASK_OK, e;

	if (!(dir = am_strdup(path)))
		return am_seterr(err, AWSMASK_ENOMEM, "out of memory");
	for (p = dir + 1; rc == AWSMASK_OK; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		/* p[-1] == '/': "a//b" has nothing between the slashes. */
		if (p[-1] != '/' && mkdir(dir, 0700) == 0) {
			/* The umask cannot loosen it; chmod undoes what it
			 * tightens. */
			if (chmod(dir, 0700) < 0)
				rc = am_seterr_errno(err, AWSMASK_ESTORE,
				    "cannot set the mode of '%s'", dir);
		} else if (p[-1] != '/' && (e = errno) != EEXIST &&
		    (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))) {
			errno = e;
			rc = am_seterr_errno(err, AWSMASK_ESTORE,
			    "cannot create folder '%s'", dir);
		}
		*p = c;
		if (!c)
			break;
	}
	am_free(dir);
	return rc;
}

/*
 * Does this processor have SSSE3 (its byte shuffle)?  The vector loops
 * that use it are built for it alone (target attributes), and called
 * only when it is there.
 */
static int ssse3_forced = -1;

int
am_have_ssse3(void)
{
#ifdef AM_SSSE3_LOOPS
	static int have = -1;

	if (ssse3_forced >= 0)
		return ssse3_forced && have != 0;
	if (have < 0) {
		__builtin_cpu_init();
		have = __builtin_cpu_supports("ssse3") != 0;
	}
	return have;
#else
	return 0;
#endif
}

/* For tests: 0 takes the SSE2 loops as on a processor without SSSE3,
 * -1 goes back to asking the processor. */
void
am_force_ssse3(int on)
{
	ssse3_forced = on;
}
