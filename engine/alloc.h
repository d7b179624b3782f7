/*
 * alloc.h - every allocation of the library goes through these, so tests
 * can inject failures and a caller never sees an abort on out of memory.
 * Also a tiny arena for the many small strings of a loaded rule pack.
 */
#ifndef RXC_ALLOC_H
#define RXC_ALLOC_H

#include <stddef.h>

void *rxc__malloc(size_t n);
void *rxc__calloc(size_t count, size_t size);
void *rxc__realloc(void *p, size_t n);
void rxc__free(void *p);
/* Copy of s[0..n) with a NUL; NULL on failure. */
char *rxc__strndup(const char *s, size_t n);

/* Test hook: after `n` more successful allocations, fail every one until
 * reset with a negative n. Not thread-safe; for tests only. */
void rxc__alloc_fail_after(long n);

/* Grows *p (of *cap elements of `size` bytes) to hold at least `need`
 * elements. Returns 0 on success, -1 on failure (then *p is unchanged). */
int rxc__grow(void **p, size_t *cap, size_t need, size_t size);

/* An arena: blocks freed all at once. Zero-initialise before use. */
typedef struct rxc__arena_block rxc__arena_block;
typedef struct rxc__arena {
  rxc__arena_block *head;
} rxc__arena;

void *rxc__arena_alloc(rxc__arena *a, size_t n); /* zeroed, 16-aligned */
char *rxc__arena_strndup(rxc__arena *a, const char *s, size_t n);
char *rxc__arena_strdup(rxc__arena *a, const char *s);
void rxc__arena_free(rxc__arena *a);

#endif
