/*
 * match.h - compiled name patterns (PCRE2 with JIT) and code sets.
 * match.c is the only file that includes pcre2.h.
 */
#ifndef RXC_MATCH_H
#define RXC_MATCH_H

#include <stddef.h>

#include "rxcheck/input.h"

/* A compiled pattern: case-insensitive, UTF, matched as a whole word
 * (PCRE2_EXTRA_MATCH_WORD, the same as \b(?:...)\b without letting the
 * source escape the group), JIT-compiled when the platform allows, with
 * match and depth limits. */
typedef struct rxc__pattern rxc__pattern;

/* Compiles `src`. On failure returns NULL and, when errmsg is non-NULL,
 * writes PCRE2's message and sets *erroffset to the byte offset in src.
 * Out of memory is told apart by *erroffset == (size_t)-1. */
rxc__pattern *rxc__pattern_compile(const char *src, size_t len, char *errmsg,
                                   size_t errmsg_size, size_t *erroffset);
void rxc__pattern_free(rxc__pattern *p);
const char *rxc__pattern_source(const rxc__pattern *p);

/* Per-thread match scratch (match data and JIT stack). */
typedef struct rxc__matcher rxc__matcher;
rxc__matcher *rxc__matcher_new(void);
void rxc__matcher_free(rxc__matcher *m);

/* Limit hits allowed per record (between resets) before every further
 * match on that matcher answers "no match" at once. */
#define RXC__MATCH_BUDGET 4u

/* The matcher's count of match attempts cut short by a limit since the
 * last reset; the checker resets it for every record. */
void rxc__matcher_reset_hits(rxc__matcher *m);
unsigned rxc__matcher_hits(const rxc__matcher *m);

/* 1 when p matches somewhere in subject, 0 when not (or on a match error,
 * such as a hit limit, which is treated as no match and counted). */
int rxc__pattern_match(const rxc__pattern *p, rxc__matcher *m,
                       const char *subject, size_t len);

/* A set of normalised codes per system. ICD-10, ICD-9, BNF and ATC entries
 * match as prefixes (F42 matches F422, BNF 0403030L0 matches
 * 0403030L0AAAAAA); other systems match exactly. Built once,
 * then read-only: each system's list is sorted for binary search. */
typedef struct rxc__codeset {
  size_t n[RXC_SYS__COUNT];
  char **codes[RXC_SYS__COUNT]; /* normalised, sorted */
} rxc__codeset;

/* Adds one normalised code (copied into the arena-less heap); returns 0 or
 * -1 on allocation failure. Call rxc__codeset_seal before matching. */
int rxc__codeset_add(rxc__codeset *s, rxc_system sys, const char *code,
                     size_t len);
void rxc__codeset_seal(rxc__codeset *s);
int rxc__codeset_match(const rxc__codeset *s, const rxc_code *c);
int rxc__codeset_empty(const rxc__codeset *s);
void rxc__codeset_free(rxc__codeset *s);

#endif
