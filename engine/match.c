/*
 * match.c - name patterns (PCRE2 with JIT) and code sets.
 *
 * Patterns are compiled once at load time: case-insensitive, UTF-8 and
 * Unicode-aware, wrapped in word boundaries as \b(?:SRC)\b, then JIT
 * compiled when the platform allows (a JIT failure only makes matching
 * slower). The wrapping is done by PCRE2 itself (PCRE2_EXTRA_MATCH_WORD,
 * documented as exactly that wrapper), so a source such as "a)|(b" cannot
 * escape the group and error offsets already point into the user's text.
 * Matching runs under match and depth limits so that no pattern hangs on
 * hostile input; hitting a limit counts as no match. Every PCRE2 allocation
 * goes through rxc__malloc.
 *
 * Code sets keep one sorted array of normalised codes per system. ICD-10,
 * ICD-9, BNF and ATC entries are prefixes: a code matches when one of its
 * leading substrings is in the set (BNF: the chemical substance 0403030L0
 * covers every product and presentation code under it; ATC: a group covers
 * its substances), found by a binary search for the code that narrows the
 * prefix length for the next one (contains_prefix), usually once or twice.
 *
 * This is the only file that includes pcre2.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "match.h"

enum {
  MATCH_LIMIT = 1000000, /* backtracking steps per match attempt */
  DEPTH_LIMIT = 10000,   /* nested backtracking depth (interpreter) */
  JIT_STACK_MIN = 32 * 1024,
  JIT_STACK_MAX = 1024 * 1024
};

struct rxc__pattern {
  pcre2_code *code;
  char *source; /* the user's text, without the wrapper */
};

/* One per thread: match data, a JIT stack, and the match context that
 * carries the limits and points at that stack (a context that holds a JIT
 * stack cannot be shared between threads, so each matcher has its own). */
struct rxc__matcher {
  pcre2_match_data *md;
  pcre2_jit_stack *jit;
  pcre2_match_context *mctx;
  unsigned limit_hits; /* match attempts cut short since the last reset */
};

static void *pcre_malloc(size_t n, void *ud) {
  (void)ud;
  return rxc__malloc(n);
}

static void pcre_free(void *p, void *ud) {
  (void)ud;
  rxc__free(p);
}

/* A general context is only a pair of function pointers here; PCRE2 copies
 * them into every object it creates, so it can be freed right after. */
static pcre2_general_context *gctx_new(void) {
  return pcre2_general_context_create(pcre_malloc, pcre_free, NULL);
}

static void set_msg(char *buf, size_t size, const char *msg) {
  if (!buf || !size) return;
  size_t n = strlen(msg);
  if (n >= size) n = size - 1;
  memcpy(buf, msg, n);
  buf[n] = '\0';
}

/* PCRE2's compile error 121: "failed to allocate heap memory". */
enum { PCRE2_COMPILE_ENOMEM = 121 };

/* On out of memory: NULL, *erroffset = (size_t)-1 and "out of memory", so
 * the caller can tell it from an invalid pattern. */
rxc__pattern *rxc__pattern_compile(const char *src, size_t len, char *errmsg,
                                   size_t errmsg_size, size_t *erroffset) {
  size_t dummy;
  if (!erroffset) erroffset = &dummy;
  set_msg(errmsg, errmsg_size, "");
  *erroffset = 0;
  rxc__pattern *p = NULL;
  pcre2_compile_context *cc = NULL;
  pcre2_general_context *g = gctx_new();
  if (g) cc = pcre2_compile_context_create(g);
  if (cc) p = rxc__calloc(1, sizeof *p);
  if (p) p->source = rxc__strndup(src, len);
  int errcode = 0;
  if (p && p->source) {
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_MATCH_WORD);
    PCRE2_SIZE off = 0;
    p->code = pcre2_compile(
        (PCRE2_SPTR)src, len,
        PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C,
        &errcode, &off, cc);
    if (!p->code && errcode != PCRE2_COMPILE_ENOMEM) {
      /* 120 code units is "ample" for any message (pcre2api). */
      char msg[256];
      if (pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sizeof msg) < 0)
        set_msg(msg, sizeof msg, "invalid pattern");
      set_msg(errmsg, errmsg_size, msg);
      *erroffset = off > len ? len : (size_t)off;
      rxc__pattern_free(p);
      p = NULL;
      errcode = -1; /* reported: not an allocation failure */
    }
  }
  if (p && p->code) {
    /* A JIT failure (no JIT here, no executable memory) leaves the
     * interpreter in charge: slower, never wrong. */
    (void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
  } else if (errcode != -1) {
    rxc__pattern_free(p);
    p = NULL;
    set_msg(errmsg, errmsg_size, "out of memory");
    *erroffset = (size_t)-1;
  }
  pcre2_compile_context_free(cc);
  pcre2_general_context_free(g);
  return p;
}

void rxc__pattern_free(rxc__pattern *p) {
  if (!p) return;
  pcre2_code_free(p->code);
  rxc__free(p->source);
  rxc__free(p);
}

const char *rxc__pattern_source(const rxc__pattern *p) {
  return p ? p->source : NULL;
}

rxc__matcher *rxc__matcher_new(void) {
  rxc__matcher *m = rxc__calloc(1, sizeof *m);
  pcre2_general_context *g = gctx_new();
  if (!m || !g) goto fail;
  /* One pair is enough: we only ask whether a pattern matches, and a
   * match with more groups than pairs still reports success (0). */
  m->md = pcre2_match_data_create(1, g);
  m->mctx = pcre2_match_context_create(g);
  m->jit = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, g);
  if (!m->md || !m->mctx) goto fail;
  pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
  /* Without a JIT stack (JIT unsupported) the default 32K one is used. */
  if (m->jit) pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
  pcre2_general_context_free(g);
  return m;
fail:
  pcre2_general_context_free(g);
  rxc__matcher_free(m);
  return NULL;
}

void rxc__matcher_free(rxc__matcher *m) {
  if (!m) return;
  pcre2_match_data_free(m->md);
  pcre2_match_context_free(m->mctx);
  pcre2_jit_stack_free(m->jit);
  rxc__free(m);
}

int rxc__pattern_match(const rxc__pattern *p, rxc__matcher *m,
                       const char *subject, size_t len) {
  if (!p || !p->code || !m || !subject) return 0;
  /* A record whose values drive patterns into their limits again and
   * again gets no more attempts: each attempt is bounded, and so is their
   * number, so one record cannot take seconds. */
  if (m->limit_hits >= RXC__MATCH_BUDGET) return 0;
  /* Subjects come from the reader, which rejects invalid UTF-8, so the
   * per-call UTF check is skipped. Any negative result (no match, a hit
   * limit, a JIT stack overflow) is "no match"; limit hits are counted so
   * the checker can say that matching was cut short. */
  int rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_UTF_CHECK,
                       m->md, m->mctx);
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
    m->limit_hits++;
  return rc >= 0;
}

void rxc__matcher_reset_hits(rxc__matcher *m) { m->limit_hits = 0; }

unsigned rxc__matcher_hits(const rxc__matcher *m) { return m->limit_hits; }

/* ---- code sets ------------------------------------------------------ */

static int valid_system(rxc_system sys) {
  return sys > RXC_SYS_NONE && sys < RXC_SYS__COUNT;
}

int rxc__codeset_add(rxc__codeset *s, rxc_system sys, const char *code,
                     size_t len) {
  if (!valid_system(sys)) return 0;
  size_t n = s->n[sys];
  /* Capacity is implied by n: 4, then every power of two. */
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
    size_t cap = n == 0 ? 4 : n * 2;
    char **v = rxc__realloc(s->codes[sys], cap * sizeof *v);
    if (!v) return -1;
    s->codes[sys] = v;
  }
  char *c = rxc__strndup(code, len);
  if (!c) return -1;
  s->codes[sys][n] = c;
  s->n[sys] = n + 1;
  return 0;
}

static int cmp_code(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void rxc__codeset_seal(rxc__codeset *s) {
  for (int sys = 0; sys < RXC_SYS__COUNT; sys++) {
    size_t n = s->n[sys];
    if (n < 2) continue;
    char **v = s->codes[sys];
    qsort(v, n, sizeof *v, cmp_code);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) {
      if (strcmp(v[i], v[k - 1]) == 0)
        rxc__free(v[i]);
      else
        v[k++] = v[i];
    }
    s->n[sys] = k;
  }
}

/* Orders the stored code e against the slice c[0..len), which holds no
 * NUL, as strcmp orders e against that slice's copy: < 0, 0 or > 0. */
static inline int cmp_slice(const char *e, const char *c, size_t len) {
  for (size_t k = 0; k < len; k++) {
    unsigned char a = (unsigned char)e[k], b = (unsigned char)c[k];
    if (a != b) return a < b ? -1 : 1; /* a NUL in e: e is shorter */
  }
  return e[len] != '\0'; /* e is longer: e > c */
}

/* Binary search of the slice c[0..len) in a sorted array. */
static int contains(char *const *v, size_t n, const char *c, size_t len) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = cmp_slice(v[mid], c, len);
    if (r == 0) return 1;
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

/* Whether a sorted array holds a non-empty prefix of c[0..len): the same
 * answer as looking up each prefix in turn, found with far fewer binary
 * searches. The last stored code e <= c[0..len) is a prefix of it, or
 * shares only its first k bytes with it (e[k] < c[k]); then a longer
 * stored prefix would lie between e and c, so none is longer than k and
 * the search goes on with c[0..k). */
static int contains_prefix(char *const *v, size_t n, const char *c,
                           size_t len) {
  while (len > 0) {
    size_t lo = 0, hi = n; /* the first code > c[0..len) */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (cmp_slice(v[mid], c, len) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo == 0) return 0; /* every code is > c[0..len) */
    const char *e = v[lo - 1];
    size_t k = 0;
    while (k < len && e[k] == c[k]) k++;
    if (e[k] == '\0') return k > 0; /* e is c[0..k) */
    len = k;
  }
  return 0;
}

int rxc__codeset_match(const rxc__codeset *s, const rxc_code *c) {
  if (!s || !c || !valid_system(c->system) || !c->code.len) return 0;
  size_t n = s->n[c->system];
  if (!n) return 0;
  char *const *v = s->codes[c->system];
  /* A code with an embedded NUL cannot equal a stored code. */
  if (memchr(c->code.ptr, '\0', c->code.len)) return 0;
  if (c->system == RXC_SYS_ICD10 || c->system == RXC_SYS_ICD9 ||
      c->system == RXC_SYS_BNF || c->system == RXC_SYS_ATC)
    return contains_prefix(v, n, c->code.ptr, c->code.len);
  return contains(v, n, c->code.ptr, c->code.len);
}

int rxc__codeset_empty(const rxc__codeset *s) {
  for (int sys = 0; sys < RXC_SYS__COUNT; sys++)
    if (s->n[sys]) return 0;
  return 1;
}

void rxc__codeset_free(rxc__codeset *s) {
  if (!s) return;
  for (int sys = 0; sys < RXC_SYS__COUNT; sys++) {
    for (size_t i = 0; i < s->n[sys]; i++) rxc__free(s->codes[sys][i]);
    rxc__free(s->codes[sys]);
    s->codes[sys] = NULL;
    s->n[sys] = 0;
  }
}
