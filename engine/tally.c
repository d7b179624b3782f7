/*
 * tally.c - running counts of a run: the totals every summary shows, and
 * the detail reports need (verdicts per jurisdiction and per indication,
 * findings per rule, hits per suppression entry).
 *
 * Adding a result allocates nothing: every finding rule gets its slot at
 * init (looked up by the address of its id, which the checker hands out
 * unchanged), and a jurisdiction is found through a table of all 26 x 26
 * two-letter codes. Indications are few per pack, so a short list does.
 */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "rules_model.h"
#include "rxcheck/output.h"
#include "rxcheck/suppress.h"

enum { NJUR = 26 * 26 + 1 }; /* every AA..ZZ, then "(none)" */

static const char MATCH_LIMIT[] = "rxcheck-match-limit";
static const char NONE[] = "(none)";

struct rxc_tally_detail {
  /* Finding rules in ruleset order, then the engine's own limit finding. */
  size_t nrules;
  rxc_tally_rule *rules;
  size_t mapcap; /* power of two; open addressing on the id's address */
  const char **mapkey;
  size_t *mapval;
  /* Jurisdictions: slot per code, groups kept sorted by name. */
  char jname[NJUR][3];
  int16_t jslot[NJUR]; /* index into jur, or -1 */
  size_t njur;
  rxc_tally_group jur[NJUR];
  /* Indications, sorted by name; looked up by address then by name. */
  size_t nind, indcap;
  rxc_tally_group *ind;
  size_t nsup;
  unsigned long *sup_hits;
};

static size_t hash_ptr(const void *p, size_t cap) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x & (cap - 1);
}

static void map_put(struct rxc_tally_detail *d, const char *key, size_t val) {
  size_t i = hash_ptr(key, d->mapcap);
  while (d->mapkey[i] && d->mapkey[i] != key) i = (i + 1) & (d->mapcap - 1);
  d->mapkey[i] = key;
  d->mapval[i] = val;
}

static rxc_tally_rule *rule_slot(struct rxc_tally_detail *d, const char *id) {
  size_t i = hash_ptr(id, d->mapcap);
  while (d->mapkey[i]) {
    if (d->mapkey[i] == id) return &d->rules[d->mapval[i]];
    i = (i + 1) & (d->mapcap - 1);
  }
  /* Not a rule's own id pointer (a copy of the string): compare text. */
  for (size_t r = 0; r < d->nrules; r++)
    if (strcmp(d->rules[r].rule, id) == 0) return &d->rules[r];
  return NULL;
}

rxc_status rxc_tally_init(rxc_tally *t, const rxc_ruleset *rs,
                          const rxc_suppressions *sup) {
  memset(t, 0, sizeof *t);
  struct rxc_tally_detail *d = rxc__calloc(1, sizeof *d);
  if (!d) return RXC_ENOMEM;
  size_t n = 1;
  for (size_t p = 0; rs && p < rs->npacks; p++) n += rs->packs[p].nfindings;
  d->mapcap = 16;
  while (d->mapcap < 2 * n) d->mapcap *= 2;
  d->rules = rxc__calloc(n, sizeof *d->rules);
  d->mapkey = rxc__calloc(d->mapcap, sizeof *d->mapkey);
  d->mapval = rxc__calloc(d->mapcap, sizeof *d->mapval);
  d->nsup = rxc_suppressions_count(sup);
  d->sup_hits = rxc__calloc(d->nsup ? d->nsup : 1, sizeof *d->sup_hits);
  if (!d->rules || !d->mapkey || !d->mapval || !d->sup_hits) {
    t->detail = d;
    rxc_tally_free(t);
    return RXC_ENOMEM;
  }
  for (size_t p = 0; rs && p < rs->npacks; p++)
    for (size_t f = 0; f < rs->packs[p].nfindings; f++) {
      const rxc__finding_rule *fr = &rs->packs[p].findings[f];
      d->rules[d->nrules] = (rxc_tally_rule){fr->id, fr->severity, 0, 0};
      map_put(d, fr->id, d->nrules++);
    }
  d->rules[d->nrules] =
      (rxc_tally_rule){MATCH_LIMIT, RXC_SEV_MAJOR, 0, 0};
  map_put(d, MATCH_LIMIT, d->nrules++);
  for (int i = 0; i < NJUR - 1; i++) {
    d->jname[i][0] = (char)('A' + i / 26);
    d->jname[i][1] = (char)('A' + i % 26);
  }
  memset(d->jslot, -1, sizeof d->jslot);
  t->detail = d;
  return RXC_OK;
}

void rxc_tally_free(rxc_tally *t) {
  if (!t) return;
  struct rxc_tally_detail *d = t->detail;
  if (d) {
    rxc__free(d->rules);
    rxc__free(d->mapkey);
    rxc__free(d->mapval);
    rxc__free(d->ind);
    rxc__free(d->sup_hits);
    rxc__free(d);
  }
  memset(t, 0, sizeof *t);
}

void rxc_tally_reset(rxc_tally *t) {
  struct rxc_tally_detail *d = t->detail;
  memset(t, 0, sizeof *t);
  t->detail = d;
  if (!d) return;
  for (size_t i = 0; i < d->nrules; i++) d->rules[i].active = d->rules[i].suppressed = 0;
  memset(d->jslot, -1, sizeof d->jslot);
  d->njur = 0;
  d->nind = 0;
  memset(d->sup_hits, 0, (d->nsup ? d->nsup : 1) * sizeof *d->sup_hits);
}

static int jur_index(const char *cc) {
  if (!cc || !cc[0] || !cc[1] || cc[2]) return NJUR - 1;
  int a = cc[0] - 'A', b = cc[1] - 'A';
  if (a < 0 || a >= 26 || b < 0 || b >= 26) return NJUR - 1;
  return a * 26 + b;
}

static const char *jur_name(const struct rxc_tally_detail *d, int j) {
  return j == NJUR - 1 ? NONE : d->jname[j];
}

/* The group of jurisdiction index j, inserted in name order when new. */
static rxc_tally_group *jur_group(struct rxc_tally_detail *d, int j) {
  if (d->jslot[j] >= 0) return &d->jur[d->jslot[j]];
  const char *name = jur_name(d, j);
  size_t at = d->njur;
  while (at > 0 && strcmp(d->jur[at - 1].name, name) > 0) at--;
  memmove(&d->jur[at + 1], &d->jur[at], (d->njur - at) * sizeof *d->jur);
  d->jur[at] = (rxc_tally_group){name, {0}};
  d->njur++;
  for (size_t i = 0; i < d->njur; i++)
    d->jslot[jur_index(d->jur[i].name == NONE ? "" : d->jur[i].name)] =
        (int16_t)i;
  return &d->jur[at];
}

/* The group of an indication id, or NULL when it cannot be added. */
static rxc_tally_group *ind_group(struct rxc_tally_detail *d,
                                  const char *name) {
  for (size_t i = 0; i < d->nind; i++)
    if (d->ind[i].name == name || strcmp(d->ind[i].name, name) == 0)
      return &d->ind[i];
  if (rxc__grow((void **)&d->ind, &d->indcap, d->nind + 1, sizeof *d->ind))
    return NULL; /* only on the first sight of an indication */
  size_t at = d->nind;
  while (at > 0 && strcmp(d->ind[at - 1].name, name) > 0) at--;
  memmove(&d->ind[at + 1], &d->ind[at], (d->nind - at) * sizeof *d->ind);
  d->ind[at] = (rxc_tally_group){name, {0}};
  d->nind++;
  return &d->ind[at];
}

static void add_in_scope(rxc_tally *t, const rxc_result *res, int fail_on);

/* Nearly every row is out of scope: two counts, and no call or register
 * saving beyond that. */
void rxc_tally_add(rxc_tally *t, const rxc_result *res, int fail_on) {
  t->checked++;
  t->by_status[res->status]++;
  if (res->status != RXC_V_OUT_OF_SCOPE) add_in_scope(t, res, fail_on);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void add_in_scope(rxc_tally *t, const rxc_result *res, int fail_on) {
  struct rxc_tally_detail *d = t->detail;
  t->in_scope++;
  int hit = 0;
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    rxc_tally_rule *r = d ? rule_slot(d, f->rule) : NULL;
    if (f->suppression) {
      t->suppressed++;
      t->suppressed_by_severity[f->severity]++;
      if (r) r->suppressed++;
      if (d && f->suppression->index < d->nsup)
        d->sup_hits[f->suppression->index]++;
      continue;
    }
    t->by_severity[f->severity]++;
    if (r) r->active++;
    if (fail_on >= 0 && (int)f->severity >= fail_on) hit = 1;
  }
  t->records_at_or_above += (unsigned long)hit;
  if (!d) return;
  jur_group(d, jur_index(res->jurisdiction))->by_status[res->status]++;
  if (res->nindications == 0) {
    rxc_tally_group *g = ind_group(d, NONE);
    if (g) g->by_status[res->status]++;
  }
  for (size_t i = 0; i < res->nindications; i++) {
    rxc_tally_group *g = ind_group(d, res->indications[i].indication);
    if (g) g->by_status[res->indications[i].status]++;
  }
}

static void add_group(rxc_tally_group *dst, const rxc_tally_group *src) {
  for (int v = 0; v < RXC_V__COUNT; v++) dst->by_status[v] += src->by_status[v];
}

void rxc_tally_merge(rxc_tally *dst, const rxc_tally *src) {
  dst->checked += src->checked;
  dst->in_scope += src->in_scope;
  dst->records_at_or_above += src->records_at_or_above;
  dst->suppressed += src->suppressed;
  for (int v = 0; v < RXC_V__COUNT; v++) dst->by_status[v] += src->by_status[v];
  for (int s = 0; s < RXC_SEV__COUNT; s++) {
    dst->by_severity[s] += src->by_severity[s];
    dst->suppressed_by_severity[s] += src->suppressed_by_severity[s];
  }
  struct rxc_tally_detail *a = dst->detail;
  const struct rxc_tally_detail *b = src->detail;
  if (!a || !b) return;
  for (size_t i = 0; i < a->nrules && i < b->nrules; i++) {
    a->rules[i].active += b->rules[i].active;
    a->rules[i].suppressed += b->rules[i].suppressed;
  }
  for (size_t i = 0; i < b->njur; i++) {
    const char *name = b->jur[i].name;
    add_group(jur_group(a, jur_index(name == NONE ? "" : name)), &b->jur[i]);
  }
  for (size_t i = 0; i < b->nind; i++) {
    rxc_tally_group *g = ind_group(a, b->ind[i].name);
    if (g) add_group(g, &b->ind[i]);
  }
  for (size_t i = 0; i < a->nsup && i < b->nsup; i++)
    a->sup_hits[i] += b->sup_hits[i];
}

size_t rxc_tally_njurisdictions(const rxc_tally *t) {
  return t && t->detail ? t->detail->njur : 0;
}
const rxc_tally_group *rxc_tally_jurisdiction(const rxc_tally *t, size_t i) {
  return i < rxc_tally_njurisdictions(t) ? &t->detail->jur[i] : NULL;
}
size_t rxc_tally_nindications(const rxc_tally *t) {
  return t && t->detail ? t->detail->nind : 0;
}
const rxc_tally_group *rxc_tally_indication(const rxc_tally *t, size_t i) {
  return i < rxc_tally_nindications(t) ? &t->detail->ind[i] : NULL;
}
size_t rxc_tally_nrules(const rxc_tally *t) {
  return t && t->detail ? t->detail->nrules : 0;
}
const rxc_tally_rule *rxc_tally_rule_at(const rxc_tally *t, size_t i) {
  return i < rxc_tally_nrules(t) ? &t->detail->rules[i] : NULL;
}
unsigned long rxc_tally_suppression_hits(const rxc_tally *t, size_t entry) {
  return t && t->detail && entry < t->detail->nsup ? t->detail->sup_hits[entry]
                                                   : 0;
}
