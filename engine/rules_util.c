/*
 * rules_util.c - the rule loader's toolbox: held diagnostics (sorted by
 * file and position before they reach the caller), typed reads of YAML
 * nodes with "expected ..." messages, ids and their lookup tables with
 * duplicate and "did you mean" reports, codes (system:code, normalised by
 * codes.c), patterns (with PCRE2's error placed on its column) and dates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_load.h"
#include "strutil.h"

/* At most this many diagnostics are held; the rest are counted. */
enum { MAX_DIAGS = 1000 };

struct rxc__ldiag {
  rxc_error e;
  size_t seq;   /* file ordinal */
  size_t order; /* arrival */
};

/* ---- diagnostics ------------------------------------------------------ */

static void vreport(rxc__ld *ld, rxc_status code, const char *name, size_t seq,
                    unsigned long line, unsigned long col, const char *fmt,
                    va_list ap) RXC__PRINTF(7, 0);

static void vreport(rxc__ld *ld, rxc_status code, const char *name, size_t seq,
                    unsigned long line, unsigned long col, const char *fmt,
                    va_list ap) {
  ld->nerrors++;
  if (ld->ndiags >= MAX_DIAGS) return;
  if (rxc__grow((void **)&ld->diags, &ld->cap, ld->ndiags + 1,
                sizeof *ld->diags)) {
    ld->oom = 1;
    return;
  }
  rxc__ldiag *d = &ld->diags[ld->ndiags];
  memset(d, 0, sizeof *d);
  d->seq = seq;
  d->order = ld->ndiags++;
  d->e.code = code;
  d->e.line = line;
  d->e.column = col;
  snprintf(d->e.file, sizeof d->e.file, "%s", name ? name : "");
  vsnprintf(d->e.message, sizeof d->e.message, fmt, ap);
}

void rxc__ld_report(rxc__ld *ld, rxc_status code, const char *name, size_t seq,
                    unsigned long line, unsigned long col, const char *fmt,
                    ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(ld, code, name, seq, line, col, fmt, ap);
  va_end(ap);
}

void rxc__ld_error(rxc__ld *ld, const rxc__ynode *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(ld, RXC_ERULES, n->doc->name, n->doc->seq, n->line, n->column, fmt,
          ap);
  va_end(ap);
}

void rxc__ld_error_pos(rxc__ld *ld, const rxc__ydoc *doc, unsigned long line,
                       unsigned long col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(ld, RXC_ERULES, doc->name, doc->seq, line, col, fmt, ap);
  va_end(ap);
}

void rxc__ld_yaml_report(void *ud, const rxc__ydoc *doc, unsigned long line,
                         unsigned long column, const char *message) {
  rxc__ld_error_pos(ud, doc, line, column, "%s", message);
}

static int cmp_diag(const void *x, const void *y) {
  const rxc__ldiag *a = x, *b = y;
  if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
  if (a->e.line != b->e.line) return a->e.line < b->e.line ? -1 : 1;
  if (a->e.column != b->e.column) return a->e.column < b->e.column ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

void rxc__ld_flush(rxc__ld *ld) {
  if (ld->ndiags) qsort(ld->diags, ld->ndiags, sizeof *ld->diags, cmp_diag);
  for (size_t i = 0; i < ld->ndiags; i++)
    if (ld->diag) ld->diag(&ld->diags[i].e, ld->ud);
  if (ld->nerrors > ld->ndiags && ld->diag) {
    rxc_error e;
    rxc_error_set(&e, RXC_ERULES, NULL, 0, 0, "%lu more errors not shown",
                  ld->nerrors - (unsigned long)ld->ndiags);
    ld->diag(&e, ld->ud);
  }
  rxc__free(ld->diags);
  ld->diags = NULL;
  ld->ndiags = ld->cap = 0;
}

const char *rxc__ld_where(const rxc__ynode *at, const rxc__ydoc *doc, char *buf,
                          size_t size) {
  if (at->doc == doc)
    snprintf(buf, size, "line %lu", at->line);
  else
    snprintf(buf, size, "%s:%lu", at->doc->name, at->line);
  return buf;
}

/* ---- small reads ------------------------------------------------------ */

const char *rxc__ld_keep(rxc__ld *ld, const char *s) {
  if (!s) return NULL;
  char *d = rxc__arena_strdup(ld->arena, s);
  if (!d) ld->oom = 1;
  return d;
}

const char *rxc__ld_suggest(const char *word, const char *const *cands,
                            size_t n) {
  const char *best = NULL;
  size_t bestd = (size_t)-1, len = strlen(word);
  for (size_t i = 0; i < n; i++) {
    size_t d = rxc__edit_distance(word, cands[i], 8);
    if (d < bestd) {
      bestd = d;
      best = cands[i];
    }
  }
  /* A case-only difference, or at most two edits in a word three times
   * as long: "sevrity" -> "severity", but not "S9" -> "S1". */
  if (best && (bestd == 0 || (bestd <= 2 && bestd * 3 <= len))) return best;
  return NULL;
}

static const char *kind_name(const rxc__ynode *n) {
  if (n->kind == RXC_Y_MAP) return "a mapping";
  if (n->kind == RXC_Y_SEQ) return "a list";
  if (rxc__ynode_is_null(n)) return "nothing";
  return "text";
}

int rxc__ld_map(rxc__ld *ld, const rxc__ynode *n, const char *const *keys,
                const char *what) {
  if (!n || n->kind == RXC_Y_BAD) return 0;
  if (n->kind != RXC_Y_MAP) {
    rxc__ld_error(ld, n, "expected %s (a mapping), found %s", what,
                  kind_name(n));
    return 0;
  }
  size_t nkeys = 0;
  while (keys[nkeys]) nkeys++;
  for (size_t i = 0; i < n->n; i++) {
    const rxc__ynode *k = &n->kids[2 * i];
    size_t j = 0;
    while (j < nkeys && strcmp(k->str, keys[j]) != 0) j++;
    if (j < nkeys) continue;
    const char *hint = rxc__ld_suggest(k->str, keys, nkeys);
    if (hint)
      rxc__ld_error(ld, k, "unknown key '%s' in %s (did you mean '%s'?)",
                    k->str, what, hint);
    else
      rxc__ld_error(ld, k, "unknown key '%s' in %s", k->str, what);
  }
  return 1;
}

const rxc__ynode *rxc__ld_get(rxc__ld *ld, const rxc__ynode *m, const char *key,
                              int required, const char *what) {
  const rxc__ynode *v = rxc__ynode_get(m, key);
  if (!v && required) rxc__ld_error(ld, m, "missing key '%s' in %s", key, what);
  return v;
}

const char *rxc__ld_text(rxc__ld *ld, const rxc__ynode *n, const char *key) {
  if (!n || n->kind == RXC_Y_BAD) return NULL;
  if (n->kind != RXC_Y_SCALAR || rxc__ynode_is_null(n)) {
    rxc__ld_error(ld, n, "expected text for '%s', found %s", key, kind_name(n));
    return NULL;
  }
  return n->str;
}

const char *rxc__ld_text_keep(rxc__ld *ld, const rxc__ynode *n,
                              const char *key) {
  return rxc__ld_keep(ld, rxc__ld_text(ld, n, key));
}

const char *rxc__ld_id(rxc__ld *ld, const rxc__ynode *n, const char *key,
                       rxc__idkind kind) {
  const char *s = rxc__ld_text(ld, n, key);
  if (!s) return NULL;
  int ok = s[0] != '\0' && strlen(s) <= 128;
  for (const char *p = s; ok && *p; p++) {
    int c = (unsigned char)*p;
    if (kind == RXC_ID_LOWER)
      ok = (c >= 'a' && c <= 'z') || rxc__isdigit(c) || c == '-';
    else
      ok = rxc__isalpha(c) || rxc__isdigit(c) || c == '.' || c == '_' ||
           c == '-';
  }
  if (!ok) {
    rxc__ld_error(ld, n, "invalid %s '%s' (expected 1 to 128 %s)", key, s,
                  kind == RXC_ID_LOWER ? "lower-case letters, digits and -"
                                       : "letters, digits, '.', '_' and '-'");
    return NULL;
  }
  return s;
}

long rxc__ld_list(rxc__ld *ld, const rxc__ynode *n, const char *key,
                  const char *what, int allow_scalar) {
  if (!n || n->kind == RXC_Y_BAD) return -1;
  if (n->kind == RXC_Y_SEQ) return (long)n->n;
  if (allow_scalar && n->kind == RXC_Y_SCALAR && !rxc__ynode_is_null(n))
    return 1;
  rxc__ld_error(ld, n, "expected a list of %s for '%s', found %s", what, key,
                kind_name(n));
  return -1;
}

const rxc__ynode *rxc__ld_item(const rxc__ynode *n, size_t i) {
  return n->kind == RXC_Y_SEQ ? &n->kids[i] : n;
}

static int plain_scalar(const rxc__ynode *n) {
  return n && n->kind == RXC_Y_SCALAR && n->plain && n->len > 0;
}

int rxc__ld_bool(rxc__ld *ld, const rxc__ynode *n, const char *key, int *out) {
  if (!n || n->kind == RXC_Y_BAD) return 0;
  static const char *const yes[] = {"true", "True", "TRUE"};
  static const char *const no[] = {"false", "False", "FALSE"};
  if (plain_scalar(n))
    for (size_t i = 0; i < 3; i++) {
      if (strcmp(n->str, yes[i]) == 0) return *out = 1, 1;
      if (strcmp(n->str, no[i]) == 0) return *out = 0, 1;
    }
  rxc__ld_error(ld, n, "expected true or false for '%s'", key);
  return 0;
}

int rxc__ld_int(rxc__ld *ld, const rxc__ynode *n, const char *key, long lo,
                long hi, long *out) {
  if (!n || n->kind == RXC_Y_BAD) return 0;
  if (plain_scalar(n)) {
    const char *p = n->str;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    long v = 0;
    int ok = rxc__isdigit((unsigned char)*p);
    for (; ok && *p; p++) {
      if (!rxc__isdigit((unsigned char)*p) || v > 100000000L)
        ok = 0;
      else
        v = v * 10 + (*p - '0');
    }
    if (neg) v = -v;
    if (ok && v >= lo && v <= hi) return *out = v, 1;
  }
  rxc__ld_error(ld, n, "expected a whole number from %ld to %ld for '%s'", lo,
                hi, key);
  return 0;
}

int rxc__ld_number(rxc__ld *ld, const rxc__ynode *n, const char *key,
                   double *out) {
  if (!n || n->kind == RXC_Y_BAD) return 0;
  if (plain_scalar(n)) {
    /* Parsed by hand: strtod follows the locale's decimal point. Up to 15
     * significant digits give an exact integer and one correctly rounded
     * division by a power of ten. */
    const char *p = n->str;
    int neg = 0, ok = 1, digits = 0, frac = 0;
    double ip = 0, fp = 0, scale = 1;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!rxc__isdigit((unsigned char)*p)) ok = 0;
    while (ok && rxc__isdigit((unsigned char)*p)) {
      ip = ip * 10 + (*p++ - '0');
      digits++;
    }
    if (ok && *p == '.') {
      p++;
      if (!rxc__isdigit((unsigned char)*p)) ok = 0;
      while (ok && rxc__isdigit((unsigned char)*p)) {
        fp = fp * 10 + (*p++ - '0');
        scale *= 10;
        digits++;
        frac++;
      }
    }
    if (ok && *p == '\0' && digits <= 15) {
      double v = frac ? (ip * scale + fp) / scale : ip;
      *out = neg ? -v : v;
      return 1;
    }
  }
  rxc__ld_error(ld, n, "expected a number for '%s'", key);
  return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int rxc__ld_date(rxc__ld *ld, const rxc__ynode *n, const char *key,
                 rxc_date *out) {
  const char *s = rxc__ld_text(ld, n, key);
  if (!s) return 0;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
  for (int i = 0; ok && i < 10; i++)
    if (i != 4 && i != 7 && !rxc__isdigit((unsigned char)s[i])) ok = 0;
  if (ok) {
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    ok = y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
         d <= mdays[m - 1] + (m == 2 && leap(y));
    if (ok && out) *out = (rxc_date){y, m, d};
  }
  if (!ok)
    rxc__ld_error(ld, n, "invalid date '%s' for '%s' (expected YYYY-MM-DD)", s,
                  key);
  return ok;
}

/* ---- ids -------------------------------------------------------------- */

static int before(const rxc__ynode *a, const rxc__ynode *b) {
  if (a->doc->seq != b->doc->seq) return a->doc->seq < b->doc->seq;
  return a->start < b->start;
}

static int cmp_ref(const void *x, const void *y) {
  const rxc__idref *a = x, *b = y;
  int r = strcmp(a->id, b->id);
  if (r) return r;
  return before(a->node, b->node) ? -1 : before(b->node, a->node);
}

int rxc__idmap_build(rxc__ld *ld, rxc__idmap *map, const rxc__idref *refs,
                     size_t n, const char *what) {
  map->v = NULL;
  map->n = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += refs[i].id != NULL;
  if (!k) return 0;
  map->v = rxc__arena_alloc(&ld->tmp, k * sizeof *map->v);
  if (!map->v) {
    ld->oom = 1;
    return -1;
  }
  k = 0;
  for (size_t i = 0; i < n; i++)
    if (refs[i].id) map->v[k++] = refs[i];
  qsort(map->v, k, sizeof *map->v, cmp_ref);
  size_t m = 0;
  for (size_t i = 0; i < k; i++) {
    if (m && strcmp(map->v[i].id, map->v[m - 1].id) == 0) {
      char where[300];
      rxc__ld_error(ld, map->v[i].node, "duplicate %s '%s' (first at %s)", what,
                    map->v[i].id,
                    rxc__ld_where(map->v[m - 1].node, map->v[i].node->doc,
                                  where, sizeof where));
      continue;
    }
    map->v[m++] = map->v[i];
  }
  map->n = m;
  return 0;
}

const rxc__idref *rxc__idmap_find(const rxc__idmap *map, const char *id) {
  size_t lo = 0, hi = map->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp(map->v[mid].id, id);
    if (r == 0) return &map->v[mid];
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

void rxc__ld_undeclared(rxc__ld *ld, const rxc__ynode *n, const char *what,
                        const char *id, const rxc__idmap *map) {
  const char *best = NULL;
  size_t bestd = (size_t)-1, len = strlen(id);
  /* Hints cost a scan of the ids: skip them when nobody will see them or
   * when a hostile pack declares a great many ids. */
  size_t scan = ld->nerrors < MAX_DIAGS && map->n <= 2000 ? map->n : 0;
  for (size_t i = 0; i < scan; i++) {
    size_t d = rxc__edit_distance(id, map->v[i].id, 8);
    if (d < bestd) {
      bestd = d;
      best = map->v[i].id;
    }
  }
  if (best && (bestd == 0 || (bestd <= 2 && bestd * 3 <= len)))
    rxc__ld_error(ld, n, "%s '%s' is not declared (did you mean '%s'?)", what,
                  id, best);
  else
    rxc__ld_error(ld, n, "%s '%s' is not declared", what, id);
}

/* ---- codes ------------------------------------------------------------ */

static const char *const systems[] = {"icd10", "icd9", "snomed", "rxnorm",
                                      "ndc",   "atc",  "bnf",    "omop"};
enum { NSYSTEMS = sizeof systems / sizeof systems[0] };

static rxc_system system_named(const char *s, size_t len) {
  for (size_t i = 0; i < NSYSTEMS; i++)
    if (rxc__ieq_cstr((rxc_str){s, len}, systems[i]))
      return rxc_system_lookup(systems[i], strlen(systems[i]));
  return RXC_SYS_NONE;
}

static int all_digits(const char *s, size_t n, size_t lo, size_t hi) {
  if (n < lo || n > hi) return 0;
  for (size_t i = 0; i < n; i++)
    if (!rxc__isdigit((unsigned char)s[i])) return 0;
  return 1;
}

/* ICD-10 code or prefix: a letter, a digit, then letters or digits, with
 * an optional dot after the third character (F4, F42, F42.2, S72.001A). */
static int icd10_ok(const char *s, size_t n) {
  if (n < 2 || !rxc__isalpha((unsigned char)s[0]) ||
      !rxc__isdigit((unsigned char)s[1]))
    return 0;
  size_t chars = 2;
  for (size_t i = 2; i < n; i++) {
    int c = (unsigned char)s[i];
    if (c == '.') {
      if (i != 3 || i + 1 == n) return 0;
      continue;
    }
    if (!rxc__isalpha(c) && !rxc__isdigit(c)) return 0;
    chars++;
  }
  return chars <= 7;
}

/* ICD-9 code or prefix: an optional V or E, digits, and an optional dot
 * followed by one or two digits (29, 300, 300.3, 30030, V62.84, E950.0). */
static int icd9_ok(const char *s, size_t n) {
  size_t i = 0;
  if (n && strchr("VvEe", s[0])) i = 1;
  size_t head = 0;
  while (i < n && rxc__isdigit((unsigned char)s[i])) i++, head++;
  if (head < 1) return 0;
  if (i == n) return head <= 5;
  if (s[i] != '.' || head < 2 || head > 3) return 0;
  i++;
  size_t tail = 0;
  while (i < n && rxc__isdigit((unsigned char)s[i])) i++, tail++;
  return i == n && tail >= 1 && tail <= 2;
}

/* ATC at any level: N, N06, N06A, N06AB, N06AB08. */
static int atc_ok(const char *s, size_t n) {
  static const char kind[] = "LDDLLDD";
  if (n != 1 && n != 3 && n != 4 && n != 5 && n != 7) return 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (kind[i] == 'L' ? !rxc__isalpha(c) : !rxc__isdigit(c)) return 0;
  }
  return 1;
}

static int shape_ok(rxc_system sys, const char *s, size_t n,
                    const char **expect) {
  int digits = 0;
  switch (sys) {
    case RXC_SYS_ICD10:
      *expect = "a letter, a digit, then letters or digits, e.g. F42.2";
      return icd10_ok(s, n);
    case RXC_SYS_ICD9:
      *expect = "digits with an optional dot, e.g. 300.3";
      return icd9_ok(s, n);
    case RXC_SYS_SNOMED:
      *expect = "6 to 18 digits";
      return all_digits(s, n, 6, 18);
    case RXC_SYS_RXNORM:
    case RXC_SYS_OMOP:
      *expect = "digits only";
      return all_digits(s, n, 1, 18);
    case RXC_SYS_NDC:
      *expect = "digits and hyphens, e.g. 0378-0102-01";
      if (n < 1 || n > 20) return 0;
      for (size_t i = 0; i < n; i++) {
        if (rxc__isdigit((unsigned char)s[i]))
          digits++;
        else if (s[i] != '-')
          return 0;
      }
      return digits > 0;
    case RXC_SYS_ATC:
      *expect = "an ATC code such as N06AB08";
      return atc_ok(s, n);
    case RXC_SYS_BNF:
      *expect = "up to 15 letters and digits";
      if (n < 1 || n > 15) return 0;
      for (size_t i = 0; i < n; i++)
        if (!rxc__isalpha((unsigned char)s[i]) &&
            !rxc__isdigit((unsigned char)s[i]))
          return 0;
      return 1;
    default:
      *expect = "a code";
      return 0;
  }
}

int rxc__ld_code(rxc__ld *ld, const rxc__ynode *n, rxc_system sys, int is_drug,
                 rxc__codeset *set) {
  const char *text = rxc__ld_text(ld, n, "code");
  if (!text) return -1;
  rxc_str item = rxc__trim((rxc_str){text, strlen(text)});
  if (sys == RXC_SYS_NONE) {
    const char *colon = memchr(item.ptr, ':', item.len);
    if (!colon) {
      rxc__ld_error(ld, n,
                    "expected a code written system:code (e.g. "
                    "rxnorm:42355), found '%s'",
                    text);
      return -1;
    }
    rxc_str name = rxc__trim((rxc_str){item.ptr, (size_t)(colon - item.ptr)});
    sys = system_named(name.ptr, name.len);
    if (sys == RXC_SYS_NONE) {
      char word[64];
      snprintf(word, sizeof word, "%.*s", (int)(name.len < 63 ? name.len : 63),
               name.ptr);
      const char *hint = rxc__ld_suggest(word, systems, NSYSTEMS);
      if (hint)
        rxc__ld_error(ld, n, "unknown code system '%s' (did you mean '%s'?)",
                      word, hint);
      else
        rxc__ld_error(ld, n,
                      "unknown code system '%s' (expected icd10, icd9, "
                      "snomed, rxnorm, ndc, atc, bnf or omop)",
                      word);
      return -1;
    }
    item.len -= (size_t)(colon + 1 - item.ptr);
    item.ptr = colon + 1;
    item = rxc__trim(item);
  }
  const char *expect = "";
  if (!shape_ok(sys, item.ptr, item.len, &expect)) {
    rxc__ld_error(ld, n, "malformed %s code '%.*s' (expected %s)",
                  rxc_system_name(sys), (int)(item.len < 64 ? item.len : 64),
                  item.ptr, expect);
    return -1;
  }
  /* Normalised by codes.c, as the records are. */
  char in[96], buf[96];
  int k = snprintf(in, sizeof in, "%s:%.*s", rxc_system_name(sys),
                   (int)item.len, item.ptr);
  rxc_code code;
  if (k <= 0 || (size_t)k >= sizeof in ||
      !rxc_code_parse(in, (size_t)k, is_drug, buf, &code) ||
      code.system != sys) {
    rxc__ld_error(ld, n, "malformed %s code '%.*s'", rxc_system_name(sys),
                  (int)(item.len < 64 ? item.len : 64), item.ptr);
    return -1;
  }
  if (rxc__codeset_add(set, sys, code.code.ptr, code.code.len)) {
    ld->oom = 1;
    return -1;
  }
  return 0;
}

void rxc__ld_codes(rxc__ld *ld, const rxc__ynode *n, const char *key,
                   int is_drug, int allow_scalar, rxc__codeset *set) {
  long cnt = rxc__ld_list(ld, n, key, "system:code", allow_scalar);
  for (long i = 0; i < cnt; i++)
    (void)rxc__ld_code(ld, rxc__ld_item(n, (size_t)i), RXC_SYS_NONE, is_drug,
                       set);
  rxc__codeset_seal(set);
}

/* ---- patterns --------------------------------------------------------- */

rxc__pattern *rxc__ld_pattern(rxc__ld *ld, const rxc__ynode *n,
                              const char *key) {
  if (!n || n->kind == RXC_Y_BAD) return NULL;
  if (n->kind != RXC_Y_SCALAR || rxc__ynode_is_null(n)) {
    rxc__ld_error(ld, n, "expected a pattern (text) for '%s', found %s", key,
                  kind_name(n));
    return NULL;
  }
  if (n->len == 0) {
    rxc__ld_error(ld, n, "empty pattern for '%s'", key);
    return NULL;
  }
  char msg[256];
  size_t off = 0;
  rxc__pattern *p = rxc__pattern_compile(n->str, n->len, msg, sizeof msg, &off);
  if (p) return p;
  if (off == (size_t)-1) {
    ld->oom = 1;
    return NULL;
  }
  /* Plain and single-quoted scalars on one line are the file's text (with
   * '' for a quote), so the offset becomes a column; otherwise say where
   * the pattern starts and give the offset. */
  if ((n->style == RXC_YS_PLAIN || n->style == RXC_YS_SINGLE) &&
      n->line == n->end_line) {
    const unsigned char *src = (const unsigned char *)n->doc->data + n->start;
    size_t avail = n->end - n->start, i = 0, v = 0;
    unsigned long col = n->column;
    if (n->style == RXC_YS_SINGLE) i = 1, col++;
    while (v < off && i < avail) {
      if (n->style == RXC_YS_SINGLE && src[i] == '\'' && i + 1 < avail &&
          src[i + 1] == '\'') {
        i += 2;
        v++;
        col += 2;
        continue;
      }
      size_t w = rxc__utf8_seq(src + i, avail - i);
      if (!w) w = 1;
      i += w;
      v += w;
      col++;
    }
    rxc__ld_error_pos(ld, n->doc, n->line, col, "invalid pattern: %s", msg);
  } else {
    rxc__ld_error(ld, n, "invalid pattern: %s at offset %zu", msg, off);
  }
  return NULL;
}

void rxc__ld_patterns(rxc__ld *ld, const rxc__ynode *n, const char *key,
                      size_t *count, rxc__pattern ***out) {
  *count = 0;
  *out = NULL;
  long cnt = rxc__ld_list(ld, n, key, "patterns", 0);
  if (cnt <= 0) return;
  *out = rxc__arena_alloc(ld->arena, (size_t)cnt * sizeof **out);
  if (!*out) {
    ld->oom = 1;
    return;
  }
  *count = (size_t)cnt;
  for (size_t i = 0; i < (size_t)cnt && !ld->oom; i++)
    (*out)[i] = rxc__ld_pattern(ld, &n->kids[i], key);
}
