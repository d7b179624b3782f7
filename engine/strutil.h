/*
 * strutil.h - small ASCII and UTF-8 helpers shared by the modules.
 * Locale-independent on purpose: exports are parsed the same everywhere.
 */
#ifndef RXC_STRUTIL_H
#define RXC_STRUTIL_H

#include <stddef.h>

#include "rxcheck/common.h"

static inline int rxc__lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
static inline int rxc__upper(int c) {
  return (c >= 'a' && c <= 'z') ? c - 32 : c;
}
static inline int rxc__isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int rxc__isalpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* ' ', or \t \n \v \f \r (9 to 13). */
static inline int rxc__isspace(int c) {
  return c == ' ' || (unsigned)(c - '\t') <= (unsigned)('\r' - '\t');
}

/* Trims ASCII white space from both ends. Inline: the builder trims every
 * field of every row. */
static inline rxc_str rxc__trim(rxc_str s) {
  /* Nearly every value has nothing to trim: one test per end (every
   * space is <= ' '), before the loops. */
  if (s.len && (unsigned char)s.ptr[0] > ' ' &&
      (unsigned char)s.ptr[s.len - 1] > ' ')
    return s;
  while (s.len && rxc__isspace((unsigned char)s.ptr[0])) {
    s.ptr++;
    s.len--;
  }
  while (s.len && rxc__isspace((unsigned char)s.ptr[s.len - 1])) s.len--;
  return s;
}
/* Case-insensitive (ASCII) equality of two slices. */
int rxc__ieq(rxc_str a, rxc_str b);
/* Case-insensitive equality of a slice and a C string. */
int rxc__ieq_cstr(rxc_str a, const char *b);
/* Case-insensitive: does s start with prefix? */
int rxc__istarts(rxc_str s, rxc_str prefix);
/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int rxc__utf8_valid(const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t rxc__utf8_seq(const unsigned char *s, size_t n);
/* Folds a header name for lookup into out (cap bytes): trimmed, ASCII
 * lower case, each run of spaces, tabs, hyphens and underscores as one '_'
 * ("Drug Name" and "DRUG-NAME" give "drug_name"). Returns the length, or 0
 * when the name is empty or does not fit. */
size_t rxc__fold_header(const char *s, size_t len, char *out, size_t cap);
/* Levenshtein distance, capped at `cap` (returns cap when larger). */
size_t rxc__edit_distance(const char *a, const char *b, size_t cap);

#endif
