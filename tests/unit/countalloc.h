/*
 * countalloc.h - a counting allocator for the unit tests that bound the
 * library's memory: install &count_allocator with am_set_allocator(),
 * reset live and peak, and read peak after.  Include it after
 * internal.h (struct am_allocator), <stdlib.h> and <string.h>.
 */
#ifndef COUNTALLOC_H
#define COUNTALLOC_H

static size_t live, peak;

static void *
count_malloc(size_t n)
{
	size_t *p = malloc(n + sizeof(size_t) * 2);

	if (!p)
		return NULL;
	*p = n;
	live += n;
	if (live > peak)
		peak = live;
	return p + 2;
}

static void *
count_calloc(size_t n, size_t s)
{
	void *p = count_malloc(n * s);

	if (p)
		memset(p, 0, n * s);
	return p;
}

static void
count_free(void *p)
{
	size_t *q = p;

	if (!p)
		return;
	live -= q[-2];
	free(q - 2);
}

static void *
count_realloc(void *p, size_t n)
{
	size_t *q = p, old;
	void *np;

	if (!p)
		return count_malloc(n);
	old = q[-2];
	np = count_malloc(n);
	if (!np)
		return NULL;
	memcpy(np, p, old < n ? old : n);
	count_free(p);
	return np;
}

static const struct am_allocator count_allocator = { count_malloc,
    count_calloc, count_realloc, count_free };

#endif
