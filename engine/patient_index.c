/*
 * patient_index.c - compact indexes keyed by patient for the multi-table
 * layouts: a string interner (one copy of every distinct patient key,
 * diagnosis code and drug name, with 32-bit ids), and per-patient lists of
 * dated diagnoses and prescriptions stored as compressed rows (one offset
 * array plus one flat array of fixed-size entries).
 *
 * The point is the cost per row of a diagnoses table that may have
 * millions of rows: a loaded diagnosis is 12 bytes (code id, start, stop),
 * plus its code's text once per distinct code. Entries are gathered with
 * their patient id (16 bytes, growing by doubling) and then sorted into
 * place by a counting sort, which keeps the load order within a patient
 * and frees the gathering array. Everything is built on one thread and
 * then only read.
 */
#include "patient_index.h"

#include <string.h>

#include "alloc.h"

/* ---- interned strings ------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

static int same(const rxc__strtab *t, uint32_t id, const char *s,
                size_t len) {
  const char *e = t->bytes + t->off[id];
  size_t elen = (id + 1 < t->n ? t->off[id + 1] : t->nbytes) - t->off[id] - 1;
  return elen == len && (len == 0 || memcmp(e, s, len) == 0);
}

long rxc__strtab_find(const rxc__strtab *t, const char *s, size_t len) {
  if (!t->nslots) return -1;
  size_t mask = t->nslots - 1;
  for (size_t i = (size_t)hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
    uint32_t v = t->slots[i];
    if (!v) return -1;
    if (same(t, v - 1, s, len)) return (long)(v - 1);
  }
}

static int rehash(rxc__strtab *t, size_t nslots) {
  uint32_t *slots = rxc__calloc(nslots, sizeof *slots);
  if (!slots) return -1;
  size_t mask = nslots - 1;
  for (size_t id = 0; id < t->n; id++) {
    size_t end = id + 1 < t->n ? t->off[id + 1] : t->nbytes;
    const char *s = t->bytes + t->off[id];
    size_t i = (size_t)hash_bytes(s, end - t->off[id] - 1) & mask;
    while (slots[i]) i = (i + 1) & mask;
    slots[i] = (uint32_t)id + 1;
  }
  rxc__free(t->slots);
  t->slots = slots;
  t->nslots = nslots;
  return 0;
}

int rxc__strtab_intern(rxc__strtab *t, const char *s, size_t len,
                       uint32_t *id) {
  long found = rxc__strtab_find(t, s, len);
  if (found >= 0) {
    *id = (uint32_t)found;
    return 0;
  }
  if (t->n >= UINT32_MAX - 1 || t->nbytes + len + 1 > UINT32_MAX) return -1;
  /* Keep the table at most half full. */
  if ((t->n + 1) * 2 > t->nslots &&
      rehash(t, t->nslots ? t->nslots * 2 : 64) != 0)
    return -1;
  if (rxc__grow((void **)&t->bytes, &t->capbytes, t->nbytes + len + 1, 1) ||
      rxc__grow((void **)&t->off, &t->capoff, t->n + 1, sizeof *t->off))
    return -1;
  if (len) memcpy(t->bytes + t->nbytes, s, len);
  t->bytes[t->nbytes + len] = '\0';
  t->off[t->n] = (uint32_t)t->nbytes;
  t->nbytes += len + 1;
  size_t mask = t->nslots - 1;
  size_t i = (size_t)hash_bytes(s, len) & mask;
  while (t->slots[i]) i = (i + 1) & mask;
  t->slots[i] = (uint32_t)t->n + 1;
  *id = (uint32_t)t->n++;
  return 0;
}

rxc_str rxc__strtab_get(const rxc__strtab *t, uint32_t id) {
  if (id >= t->n) return (rxc_str){"", 0};
  size_t end = id + 1 < t->n ? t->off[id + 1] : t->nbytes;
  return (rxc_str){t->bytes + t->off[id], end - t->off[id] - 1};
}

size_t rxc__strtab_bytes(const rxc__strtab *t) {
  return t->capbytes + t->capoff * sizeof *t->off +
         t->nslots * sizeof *t->slots;
}

void rxc__strtab_free(rxc__strtab *t) {
  rxc__free(t->bytes);
  rxc__free(t->off);
  rxc__free(t->slots);
  memset(t, 0, sizeof *t);
}

/* ---- dates ----------------------------------------------------------------- */

/* Days from 1970-01-01 and back (H. Hinnant's civil calendar algorithms). */
static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static rxc_date civil_from_days(long z) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp + (mp < 10 ? 3 : -9);
  rxc_date out = {(int)(y + (m <= 2)), (int)m, (int)d};
  return out;
}

rxc_date rxc__date_add_days(rxc_date d, long days) {
  return civil_from_days(days_from_civil(d.year, d.month, d.day) + days);
}

/* ---- per-patient lists --------------------------------------------------- */

int rxc__loading_add(rxc__loading *l, uint32_t patient, const void *entry) {
  if (rxc__grow((void **)&l->data, &l->cap, (l->n + 1) * l->size, 1))
    return -1;
  unsigned char *p = l->data + l->n * l->size;
  memcpy(p, &patient, 4);
  memcpy(p + 4, entry, l->size - 4);
  l->n++;
  return 0;
}

void rxc__loading_free(rxc__loading *l) {
  rxc__free(l->data);
  l->data = NULL;
  l->n = l->cap = 0;
}

int rxc__csr_build(rxc__csr *out, rxc__loading *l, size_t npatients) {
  memset(out, 0, sizeof *out);
  size_t esize = l->size - 4;
  uint32_t *first = rxc__calloc(npatients + 1, sizeof *first);
  unsigned char *items = rxc__malloc(l->n ? l->n * esize : 1);
  if (!first || !items || l->n > UINT32_MAX) {
    rxc__free(first);
    rxc__free(items);
    return -1;
  }
  /* Counting sort: count per patient, turn counts into starts, place. */
  for (size_t i = 0; i < l->n; i++) {
    uint32_t p;
    memcpy(&p, l->data + i * l->size, 4);
    first[p + 1]++;
  }
  for (size_t p = 0; p < npatients; p++) first[p + 1] += first[p];
  uint32_t *next = rxc__malloc((npatients ? npatients : 1) * sizeof *next);
  if (!next) {
    rxc__free(first);
    rxc__free(items);
    return -1;
  }
  memcpy(next, first, npatients * sizeof *next);
  for (size_t i = 0; i < l->n; i++) {
    const unsigned char *src = l->data + i * l->size;
    uint32_t p;
    memcpy(&p, src, 4);
    memcpy(items + (size_t)next[p]++ * esize, src + 4, esize);
  }
  rxc__free(next);
  out->first = first;
  out->items = items;
  out->n = l->n;
  out->size = esize;
  rxc__loading_free(l);
  return 0;
}

const void *rxc__csr_get(const rxc__csr *c, uint32_t p, size_t *n) {
  if (!c->first) {
    *n = 0;
    return NULL;
  }
  *n = c->first[p + 1] - c->first[p];
  return (const unsigned char *)c->items + (size_t)c->first[p] * c->size;
}

size_t rxc__csr_bytes(const rxc__csr *c, size_t npatients) {
  if (!c->first) return 0;
  return (npatients + 1) * sizeof *c->first + c->n * c->size;
}

void rxc__csr_free(rxc__csr *c) {
  rxc__free(c->first);
  rxc__free(c->items);
  memset(c, 0, sizeof *c);
}
