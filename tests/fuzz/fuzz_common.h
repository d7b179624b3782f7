/*
 * fuzz_common.h - what the libFuzzer targets of tests/fuzz share, and what
 * tests/unit/test_fuzz_regressions.c uses to replay their crash inputs
 * without libFuzzer: the entry points' prototypes, an invariant check that
 * aborts (libFuzzer records it as a crash), a strict JSON validator (UTF-8
 * included), a one-record CSV field counter, and the argv splitter of the
 * query target.
 *
 * Everything here is static inline: each target is one translation unit,
 * and the replay test includes several targets into one.
 */
#ifndef RXC_FUZZ_COMMON_H
#define RXC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry points; declared here for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The targets' bodies, callable without libFuzzer (the replay test). Each
 * *_init may be called more than once; later calls do nothing. */
int rxc_fuzz_reader_init(void);
int rxc_fuzz_reader_one(const uint8_t *data, size_t size);
int rxc_fuzz_rules_init(void);
int rxc_fuzz_rules_one(const uint8_t *data, size_t size);
int rxc_fuzz_check_init(void);
int rxc_fuzz_check_one(const uint8_t *data, size_t size);
/* Frees what rxc_fuzz_check_init loaded (the replay test, at its end). */
void rxc_fuzz_check_fini(void);

/* An invariant that failed: abort, so libFuzzer saves the input. The
 * replay test defines FZ_FAIL to fail the cmocka test instead. */
#ifndef FZ_FAIL
#define FZ_FAIL(msg)                                                  \
  do {                                                                \
    fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", __FILE__, \
            __LINE__, (msg));                                         \
    abort();                                                          \
  } while (0)
#endif
#define FZ_CHECK(cond)                \
  do {                                \
    if (!(cond)) FZ_FAIL(#cond);      \
  } while (0)

/* ---- strict UTF-8 ------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0. Written independently of
 * the engine's validator on purpose. */
static inline size_t fz_utf8_len(const unsigned char *p, size_t n) {
  if (n == 0) return 0;
  unsigned c = p[0];
  size_t len;
  unsigned cp, min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

static inline int fz_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t k = fz_utf8_len(p + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

/* ---- a strict JSON validator (RFC 8259) -------------------------------- */

typedef struct fz_json {
  const unsigned char *p;
  size_t n, i;
  int depth;
} fz_json;

enum { FZ_JSON_MAX_DEPTH = 64 };

static inline void fz_json_ws(fz_json *j) {
  while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' ||
                         j->p[j->i] == '\n' || j->p[j->i] == '\r'))
    j->i++;
}

static inline int fz_json_hex(unsigned c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

static inline int fz_json_string(fz_json *j) {
  if (j->i >= j->n || j->p[j->i] != '"') return 0;
  j->i++;
  while (j->i < j->n) {
    unsigned c = j->p[j->i];
    if (c == '"') {
      j->i++;
      return 1;
    }
    if (c < 0x20) return 0; /* control characters must be escaped */
    if (c == '\\') {
      if (++j->i >= j->n) return 0;
      c = j->p[j->i];
      if (c == 'u') {
        if (j->i + 4 >= j->n) return 0;
        for (size_t k = 1; k <= 4; k++)
          if (!fz_json_hex(j->p[j->i + k])) return 0;
        j->i += 5;
        continue;
      }
      if (!strchr("\"\\/bfnrt", (int)c)) return 0;
      j->i++;
      continue;
    }
    size_t k = fz_utf8_len(j->p + j->i, j->n - j->i);
    if (!k) return 0;
    j->i += k;
  }
  return 0;
}

static inline int fz_json_number(fz_json *j) {
  size_t s = j->i;
  if (j->i < j->n && j->p[j->i] == '-') j->i++;
  if (j->i >= j->n) return 0;
  if (j->p[j->i] == '0') {
    j->i++;
  } else if (j->p[j->i] >= '1' && j->p[j->i] <= '9') {
    while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9') j->i++;
  } else {
    return 0;
  }
  if (j->i < j->n && j->p[j->i] == '.') {
    size_t d = ++j->i;
    while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9') j->i++;
    if (j->i == d) return 0;
  }
  if (j->i < j->n && (j->p[j->i] == 'e' || j->p[j->i] == 'E')) {
    j->i++;
    if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-')) j->i++;
    size_t d = j->i;
    while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9') j->i++;
    if (j->i == d) return 0;
  }
  return j->i > s;
}

static inline int fz_json_literal(fz_json *j, const char *lit) {
  size_t l = strlen(lit);
  if (j->n - j->i < l || memcmp(j->p + j->i, lit, l) != 0) return 0;
  j->i += l;
  return 1;
}

static inline int fz_json_value(fz_json *j) {
  fz_json_ws(j);
  if (j->i >= j->n) return 0;
  unsigned c = j->p[j->i];
  if (c == '{' || c == '[') {
    unsigned close = c == '{' ? '}' : ']';
    if (++j->depth > FZ_JSON_MAX_DEPTH) return 0;
    j->i++;
    fz_json_ws(j);
    if (j->i < j->n && j->p[j->i] == close) {
      j->i++;
      j->depth--;
      return 1;
    }
    for (;;) {
      if (c == '{') {
        fz_json_ws(j);
        if (!fz_json_string(j)) return 0;
        fz_json_ws(j);
        if (j->i >= j->n || j->p[j->i] != ':') return 0;
        j->i++;
      }
      if (!fz_json_value(j)) return 0;
      fz_json_ws(j);
      if (j->i >= j->n) return 0;
      if (j->p[j->i] == ',') {
        j->i++;
        continue;
      }
      if (j->p[j->i] != close) return 0;
      j->i++;
      j->depth--;
      return 1;
    }
  }
  if (c == '"') return fz_json_string(j);
  if (c == 't') return fz_json_literal(j, "true");
  if (c == 'f') return fz_json_literal(j, "false");
  if (c == 'n') return fz_json_literal(j, "null");
  return fz_json_number(j);
}

/* 1 when s[0..n) is exactly one JSON object, with optional whitespace. */
static inline int fz_json_object(const char *s, size_t n) {
  fz_json j = {(const unsigned char *)s, n, 0, 0};
  fz_json_ws(&j);
  if (j.i >= n || s[j.i] != '{') return 0;
  if (!fz_json_value(&j)) return 0;
  fz_json_ws(&j);
  return j.i == n;
}

/* 1 when every line of s[0..n) (each ending in '\n') is one JSON object:
 * the JSON Lines the batch command writes. */
static inline int fz_jsonl_valid(const char *s, size_t n) {
  if (n == 0 || s[n - 1] != '\n') return 0;
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\n') continue;
    if (!fz_json_object(s + start, i - start)) return 0;
    start = i + 1;
  }
  return 1;
}

/* ---- CSV ------------------------------------------------------------- */

/* Counts the fields of the one RFC 4180 record s[0..n), which must end in
 * '\n' (a quoted field may hold newlines). -1 when it is malformed or
 * holds more than one record. */
static inline long fz_csv_fields(const char *s, size_t n) {
  if (n == 0 || s[n - 1] != '\n') return -1;
  long fields = 1;
  size_t i = 0;
  for (;;) {
    if (i < n && s[i] == '"') { /* quoted field */
      i++;
      for (;;) {
        if (i >= n) return -1;
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
    } else { /* unquoted: no quote, CR or LF inside */
      while (i < n && s[i] != ',' && s[i] != '\n') {
        if (s[i] == '"' || s[i] == '\r') return -1;
        i++;
      }
    }
    if (i >= n) return -1;
    if (s[i] == ',') {
      fields++;
      i++;
      continue;
    }
    if (s[i] == '\n') return i + 1 == n ? fields : -1;
    return -1; /* text after a closing quote */
  }
}

/* ---- the query target's argv ------------------------------------------- */

enum { FZ_MAX_ARGS = 64 };

/* Splits a copy of the input (NUL-terminated, owned by the caller) into
 * arguments on NUL and newline bytes, after argv[0] = "query". Arguments
 * starting with "--r" (--rules and its abbreviations) are dropped: they
 * would let the fuzzer load rule files from anywhere on the disk. Returns
 * argc; argv has room for FZ_MAX_ARGS + 1 pointers and ends with NULL. */
static inline int fz_query_argv(char *text, size_t n, char **argv) {
  static char name[] = "query";
  int argc = 0;
  argv[argc++] = name;
  size_t start = 0;
  for (size_t i = 0; i <= n && argc < FZ_MAX_ARGS; i++) {
    if (i < n && text[i] != '\0' && text[i] != '\n') continue;
    if (i < n) text[i] = '\0';
    char *arg = text + start;
    start = i + 1;
    if (i == n && arg == text + n) break; /* no empty last argument */
    if (strncmp(arg, "--r", 3) == 0) continue;
    argv[argc++] = arg;
  }
  argv[argc] = NULL;
  return argc;
}

#endif
