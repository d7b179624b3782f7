/*
 * alloc.c - the library's allocator indirection and arena.
 *
 * rxc__malloc and friends wrap the C allocator with a failure-injection
 * counter for tests. The arena serves the rule model, whose strings and
 * arrays all live as long as the ruleset and are freed in one sweep.
 */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -1;

void rxc__alloc_fail_after(long n) { fail_after = n; }

static int should_fail(void) {
  if (fail_after < 0) return 0;
  if (fail_after == 0) return 1;
  fail_after--;
  return 0;
}

void *rxc__malloc(size_t n) {
  if (should_fail()) return NULL;
  return malloc(n ? n : 1);
}

void *rxc__calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  return calloc(count ? count : 1, size ? size : 1);
}

void *rxc__realloc(void *p, size_t n) {
  if (should_fail()) return NULL;
  return realloc(p, n ? n : 1);
}

void rxc__free(void *p) { free(p); }

char *rxc__strndup(const char *s, size_t n) {
  char *d = rxc__malloc(n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

int rxc__grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / size) return -1;
    ncap *= 2;
  }
  void *np = rxc__realloc(*p, ncap * size);
  if (!np) return -1;
  *p = np;
  *cap = ncap;
  return 0;
}

struct rxc__arena_block {
  rxc__arena_block *next;
  size_t used;
  size_t cap;
  /* Followed by the data, aligned by the union below. */
  union {
    max_align_t align;
    char bytes[1];
  } data[];
};

enum { ARENA_BLOCK = 16384 };

void *rxc__arena_alloc(rxc__arena *a, size_t n) {
  n = (n + 15u) & ~(size_t)15u;
  rxc__arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = rxc__malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->next = a->head;
    b->used = 0;
    b->cap = cap;
    a->head = b;
  }
  char *p = (char *)b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *rxc__arena_strndup(rxc__arena *a, const char *s, size_t n) {
  char *d = rxc__arena_alloc(a, n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *rxc__arena_strdup(rxc__arena *a, const char *s) {
  return rxc__arena_strndup(a, s, strlen(s));
}

void rxc__arena_free(rxc__arena *a) {
  rxc__arena_block *b = a->head;
  while (b) {
    rxc__arena_block *next = b->next;
    rxc__free(b);
    b = next;
  }
  a->head = NULL;
}
