/*
 * eval.c - checking one record against a compiled ruleset.
 *
 * The checker is the per-thread half of the compile-once, check-many split:
 * it borrows the immutable ruleset and owns every piece of per-record
 * scratch (result arrays, pattern match data), so checking a record
 * allocates nothing once the arrays have grown to the largest record seen.
 *
 * Order of work for a record: find the pack that recognises the drug (by
 * code, then by name pattern); decide the formulation; map each diagnosis
 * to indications; resolve each indication's regulatory status for the
 * record's jurisdiction, formulation and age; evaluate the finding rules;
 * order findings most severe first. The result is a pure function of the
 * ruleset, the record and the checker's settings.
 *
 * Rules have windows (`valid_from`, `valid_until`): a record is checked on
 * one day, the checker's as-of date or else its rx_date, and a rule not in
 * force that day is skipped wherever rules are looked at, as if absent.
 * The caches below hold only what does not depend on the day (which pack
 * and formulation a drug is; which co-medication predicates an item
 * satisfies), so they serve every day alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rules_model.h"
#include "rxcheck/check.h"
#include "rxcheck/output.h"
#include "rxcheck/suppress.h"
#include "strutil.h"

/* One entry of the classification cache (see classify()): 128 bytes. */
enum { CACHE_SETS = 2048, CACHE_WAYS = 2, CACHE_KEY = 114 };
enum { CACHE_USED = 1 << 24 };

struct rxc__cache_slot {
  uint64_t hash;
  uint32_t lens;      /* of drug code, drug name, form, a byte each; bit
                       * 24 set when the slot is used */
  int8_t pack;        /* -1: out of scope */
  int8_t formulation;
  char key[CACHE_KEY]; /* the three values, one after the other */
};

/* The classification rxc_checker_in_scope made, kept for the
 * rxc_checker_check of the same record that follows it (see
 * memo_take()). */
struct rxc__class_memo {
  const rxc_record *rec; /* NULL: nothing kept */
  unsigned long line, number;
  rxc_str parts[3];
  rxc_system system;
  int pack, formulation;
};

struct rxc_checker {
  const rxc_ruleset *rs;
  rxc__matcher *m;
  rxc_indication_result *ind;
  size_t indcap;
  rxc_finding *find;
  size_t findcap;
  unsigned char *hit; /* per indication of the current pack: mapped? */
  char ***no_approval; /* [pack][jurisdiction] reason texts */
  struct rxc__cache_slot *cache; /* CACHE_SETS * CACHE_WAYS, classify() */
  struct rxc__class_memo memo;
  /* The co-medication cache (see comed_bits()): every co_medications
   * predicate of the ruleset, sorted by address, and per distinct item the
   * bitmap of the predicates that hold for it. */
  const rxc__pred **cm_preds;
  size_t ncm;
  unsigned char *cm_slots;
  size_t cm_slot_size;
  size_t cm_words;  /* 64-bit words per bitmap */
  uint64_t *cm_row; /* this record's items' bitmaps, CM_ITEMS of them */
  /* Per finding rule (all packs, in order): the index in cm_preds of a
   * co_medications predicate its condition requires at top level, or -1.
   * A finding whose required predicate held for no item is skipped. */
  int32_t *cm_req;
  size_t *cm_req_base; /* per pack: offset of its findings in cm_req */
  int cm_state;     /* 0 not loaded, 1 cm_row loaded, 2 uncached */
  /* The jurisdiction filter (see jurf_new()): per finding rule (all packs,
   * in order, from jf_base per pack), the offset in jf_keys of the folded
   * jurisdictions its condition starts by requiring, or -1; jf_n of them.
   * jur_key is the record's folded jurisdiction. */
  size_t *jf_base;
  int32_t *jf_at;
  uint32_t *jf_n;
  uint64_t *jf_keys;
  uint64_t jur_key;
  /* Per pack, the regulatory rules that name each (indication, covered
   * jurisdiction), in pack order: see regidx_new(). */
  struct regidx {
    size_t *start; /* [ind * njur + jur], nind * njur + 1 of them */
    size_t *rules; /* indexes into the pack's regrules */
  } *regidx;
  size_t hitcap;
  rxc_result res;
  /* State of one record's evaluation. */
  const rxc__pack *pack;
  const rxc_record *rec;
  int formulation; /* index into pack->formulations */
  rxc_str form_id;  /* that formulation's id */
  rxc_str jur;      /* the record's jurisdiction ("" none) */
  rxc_str matched; /* last co-medication a predicate matched */
  rxc_str item;    /* the list item the last predicate held for */
  /* Explain mode. Texts go to `pool` as offsets, turned into pointers
   * once the record is done, since the pool may move while it grows. */
  int explain;
  const rxc_suppressions *sup; /* applied to every finding, or NULL */
  rxc_date as_of; /* rxc_checker_set_as_of; year 0: each record's rx_date */
  long day;       /* rxc__day of the date the current record is checked on */
  int neg; /* inside an odd number of not: */
  rxc_buf pool;
  rxc_explain_rule *xr;
  size_t nxr, xrcap;
  struct xcond {
    const char *field;
    size_t test, value; /* offsets into pool */
    int held;
  } *xi;
  size_t nxi, xicap;
  rxc_explain_cond *xc;
  size_t xccap;
  int xfail; /* an allocation failed while explaining */
};

static int comed_cache_new(rxc_checker *c);
static int regidx_new(rxc_checker *c);
static int jurf_new(rxc_checker *c);

static const char reason_no_jurisdiction[] =
    "no jurisdiction: the record has no country and no default was given";
static const char reason_uncovered[] =
    "the rule pack has no regulatory rules for this jurisdiction";
static const char reason_age_needed[] =
    "age unknown: the rules for this case depend on age";
/* "no approval in US for this indication, formulation and age": one per
 * covered jurisdiction of each pack, made when the checker is. */
static const char no_approval_fmt[] =
    "no approval in %s for this indication, formulation and age";

rxc_status rxc_checker_new(const rxc_ruleset *rs, rxc_checker **out) {
  *out = NULL;
  rxc_checker *c = rxc__calloc(1, sizeof *c);
  if (!c) return RXC_ENOMEM;
  c->rs = rs;
  c->m = rxc__matcher_new();
  size_t maxind = 0;
  for (size_t i = 0; i < rs->npacks; i++)
    if (rs->packs[i].nindications > maxind)
      maxind = rs->packs[i].nindications;
  c->hitcap = maxind;
  c->hit = rxc__calloc(maxind ? maxind : 1, 1);
  c->no_approval = rxc__calloc(rs->npacks ? rs->npacks : 1, sizeof(char **));
  c->cache = rxc__calloc(CACHE_SETS * CACHE_WAYS, sizeof *c->cache);
  if (!c->m || !c->hit || !c->no_approval || !c->cache ||
      comed_cache_new(c) != 0 || regidx_new(c) != 0 || jurf_new(c) != 0) {
    rxc_checker_free(c);
    return RXC_ENOMEM;
  }
  for (size_t i = 0; i < rs->npacks; i++) {
    const rxc_pack_info *info = &rs->packs[i].info;
    size_t nj = info->njurisdictions;
    c->no_approval[i] = rxc__calloc(nj ? nj : 1, sizeof(char *));
    if (!c->no_approval[i]) {
      rxc_checker_free(c);
      return RXC_ENOMEM;
    }
    for (size_t j = 0; j < nj; j++) {
      size_t n = sizeof no_approval_fmt + strlen(info->jurisdictions[j]);
      char *text = rxc__malloc(n);
      if (!text) {
        rxc_checker_free(c);
        return RXC_ENOMEM;
      }
      snprintf(text, n, no_approval_fmt, info->jurisdictions[j]);
      c->no_approval[i][j] = text;
    }
  }
  *out = c;
  return RXC_OK;
}

void rxc_checker_set_explain(rxc_checker *c, int on) { c->explain = on; }

void rxc_checker_set_as_of(rxc_checker *c, rxc_date d) { c->as_of = d; }

void rxc_checker_set_suppressions(rxc_checker *c, const rxc_suppressions *s) {
  c->sup = s;
}

/* Marks each finding with the suppression entry that applies, if any. */
static void apply_suppressions(rxc_checker *c, const rxc_record *rec) {
  rxc_finding *f = c->find;
  for (size_t i = 0; i < c->res.nfindings; i++)
    f[i].suppression = rxc_suppressions_match(c->sup, rec, &f[i]);
}

void rxc_checker_free(rxc_checker *c) {
  if (!c) return;
  if (c->no_approval) {
    for (size_t i = 0; i < c->rs->npacks; i++) {
      if (!c->no_approval[i]) continue;
      for (size_t j = 0; j < c->rs->packs[i].info.njurisdictions; j++)
        rxc__free(c->no_approval[i][j]);
      rxc__free(c->no_approval[i]);
    }
    rxc__free(c->no_approval);
  }
  if (c->regidx) {
    for (size_t i = 0; i < c->rs->npacks; i++) {
      rxc__free(c->regidx[i].start);
      rxc__free(c->regidx[i].rules);
    }
    rxc__free(c->regidx);
  }
  rxc__free(c->jf_base);
  rxc__free(c->jf_at);
  rxc__free(c->jf_n);
  rxc__free(c->jf_keys);
  rxc__free(c->cache);
  rxc__free(c->cm_preds);
  rxc__free(c->cm_slots);
  rxc__free(c->cm_row);
  rxc__free(c->cm_req);
  rxc__free(c->cm_req_base);
  rxc_buf_free(&c->pool);
  rxc__free(c->xr);
  rxc__free(c->xi);
  rxc__free(c->xc);
  rxc__matcher_free(c->m);
  rxc__free(c->ind);
  rxc__free(c->find);
  rxc__free(c->hit);
  rxc__free(c);
}

/* ---- recognition -------------------------------------------------------- */

static int any_pattern(rxc__pattern *const *p, size_t n, rxc__matcher *m,
                       rxc_str s) {
  if (!s.len) return 0;
  for (size_t i = 0; i < n; i++)
    if (rxc__pattern_match(p[i], m, s.ptr, s.len)) return 1;
  return 0;
}

static int recognises(const rxc__pack *p, const rxc_record *r,
                      rxc__matcher *m) {
  if (r->drug_code.system != RXC_SYS_NONE &&
      rxc__codeset_match(&p->drug_codes, &r->drug_code))
    return 1;
  return any_pattern(p->names, p->nnames, m, r->canon[RXC_F_DRUG_NAME]);
}

static int decide_formulation(const rxc__pack *p, const rxc_record *r,
                              rxc__matcher *m) {
  int fallback = 0;
  for (size_t i = 0; i < p->nformulations; i++) {
    const rxc__formulation *f = &p->formulations[i];
    if (f->is_default) {
      fallback = (int)i;
      continue;
    }
    if (r->drug_code.system != RXC_SYS_NONE &&
        rxc__codeset_match(&f->codes, &r->drug_code))
      return (int)i;
    if (any_pattern(f->names, f->nnames, m, r->canon[RXC_F_DRUG_NAME]) ||
        any_pattern(f->forms, f->nforms, m, r->canon[RXC_F_FORM]))
      return (int)i;
  }
  return fallback;
}

/* ---- the classification cache -------------------------------------------- */

/* Exports repeat drug names heavily (a few thousand distinct strings over
 * millions of rows), so which pack recognises a row, and its formulation,
 * are remembered per (drug code, drug name, form). The cache is two-way
 * set associative and bounded: a new key takes the older way of its set.
 * Keys longer than a slot are not cached. Hashing and comparing read the
 * three values in place, eight bytes at a time. */

static void classify_uncached(rxc_checker *c, const rxc_record *r, int *pack,
                              int *formulation) {
  *pack = -1;
  *formulation = 0;
  for (size_t i = 0; i < c->rs->npacks; i++)
    if (recognises(&c->rs->packs[i], r, c->m)) {
      *pack = (int)i;
      *formulation = decide_formulation(&c->rs->packs[i], r, c->m);
      return;
    }
}

static inline uint64_t load64(const void *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

static inline uint32_t load32(const void *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}

#define CACHE_MUL 0xff51afd7ed558ccdULL

/* Mixes the n bytes at s into h. Whole words, the last one overlapping
 * the one before; under eight bytes, two overlapping halves or three
 * single bytes that between them cover every byte. */
static inline uint64_t hash_part(uint64_t h, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  uint64_t w;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) h = (h ^ load64(p + i)) * CACHE_MUL;
    w = load64(p + n - 8);
  } else if (n >= 4) {
    w = (uint64_t)load32(p) << 32 | load32(p + n - 4);
  } else if (n) {
    w = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
  } else {
    return h;
  }
  return (h ^ w) * CACHE_MUL;
}

/* Whether the n bytes at a and b are the same, read as hash_part does. */
static inline int same_part(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load64(a + i) != load64(b + i)) return 0;
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4)
    return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  if (n) return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1];
  return 1;
}

static inline int slot_holds(const struct rxc__cache_slot *s, uint64_t h,
                             uint32_t lens, const rxc_str *parts) {
  if (s->hash != h || s->lens != lens) return 0;
  const char *k = s->key;
  return same_part(k, parts[0].ptr, parts[0].len) &&
         same_part(k + parts[0].len, parts[1].ptr, parts[1].len) &&
         same_part(k + parts[0].len + parts[1].len, parts[2].ptr,
                   parts[2].len);
}

/* Returns 1 when the answer came from the cache or went into it, 0 when
 * the key could not be cached (then every call classifies afresh). */
static int classify(rxc_checker *c, const rxc_record *r, int *pack,
                    int *formulation) {
  const rxc_str parts[3] = {r->canon[RXC_F_DRUG_CODE],
                            r->canon[RXC_F_DRUG_NAME], r->canon[RXC_F_FORM]};
  size_t len = parts[0].len + parts[1].len + parts[2].len;
  if (!c->cache || len > CACHE_KEY || c->rs->npacks > 127) {
    classify_uncached(c, r, pack, formulation);
    return 0;
  }
  uint32_t lens = (uint32_t)(parts[0].len | parts[1].len << 8 |
                             parts[2].len << 16 | CACHE_USED);
  uint64_t h = (0x9e3779b97f4a7c15ULL ^ lens) * CACHE_MUL;
  h = hash_part(h, parts[0].ptr, parts[0].len);
  h = hash_part(h, parts[1].ptr, parts[1].len);
  h = hash_part(h, parts[2].ptr, parts[2].len);
  h ^= h >> 29;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 32;
  struct rxc__cache_slot *set =
      &c->cache[(h & (CACHE_SETS - 1)) * CACHE_WAYS];
  for (int w = 0; w < CACHE_WAYS; w++)
    if (slot_holds(&set[w], h, lens, parts)) {
      *pack = set[w].pack;
      *formulation = set[w].formulation;
      return 1;
    }
  classify_uncached(c, r, pack, formulation);
  /* The newest key goes first; the older one moves to the second way. */
  set[1] = set[0];
  struct rxc__cache_slot *s = &set[0];
  s->hash = h;
  s->lens = lens;
  char *k = s->key;
  for (int i = 0; i < 3; i++) {
    if (parts[i].len) memcpy(k, parts[i].ptr, parts[i].len);
    k += parts[i].len;
  }
  s->pack = (int8_t)*pack;
  s->formulation = (int8_t)*formulation;
  return 1;
}

/* The record-classification memo. The pipeline asks rxc_checker_in_scope
 * about a record and then checks the same record; the second
 * classification is taken from here instead of the cache. The memo is
 * kept for one record, recognised by its address, line, number and the
 * slices of the three values (the record must not change in between, as
 * it does not in the pipeline), and is used at most once. Only a cached
 * answer is kept: the check would have found it in the cache without
 * matching a pattern, so taking it from the memo changes nothing, not
 * even the matcher's limit count. An uncacheable key is classified again
 * by the check, as it always was. */
static void memo_keep(rxc_checker *c, const rxc_record *r, int pack,
                      int formulation) {
  struct rxc__class_memo *m = &c->memo;
  m->rec = r;
  m->line = r->line;
  m->number = r->number;
  m->parts[0] = r->canon[RXC_F_DRUG_CODE];
  m->parts[1] = r->canon[RXC_F_DRUG_NAME];
  m->parts[2] = r->canon[RXC_F_FORM];
  m->system = r->drug_code.system;
  m->pack = pack;
  m->formulation = formulation;
}

static inline int same_slice(rxc_str a, rxc_str b) {
  return a.ptr == b.ptr && a.len == b.len;
}

static int memo_take(rxc_checker *c, const rxc_record *r, int *pack,
                     int *formulation) {
  struct rxc__class_memo *m = &c->memo;
  int hit = m->rec == r && m->line == r->line && m->number == r->number &&
            same_slice(m->parts[0], r->canon[RXC_F_DRUG_CODE]) &&
            same_slice(m->parts[1], r->canon[RXC_F_DRUG_NAME]) &&
            same_slice(m->parts[2], r->canon[RXC_F_FORM]) &&
            m->system == r->drug_code.system;
  m->rec = NULL;
  if (!hit) return 0;
  *pack = m->pack;
  *formulation = m->formulation;
  return 1;
}

/* ---- the co-medication cache ---------------------------------------------- */

/* Interaction rules test each co-medication against their patterns; with
 * hundreds of rules that is hundreds of pattern calls per item. The same
 * co-medication strings recur across an export as drug names do, so for
 * each distinct item the checker remembers, as a bitmap, which of the
 * ruleset's co_medications predicates hold for it. A slot is a header and
 * the bitmap; the cache is direct mapped and bounded. */
enum { CM_SLOTS = 2048, CM_KEY = 64, CM_ITEMS = 64 };

static int item_matches(rxc_checker *c, const rxc__pred *p, rxc_str text,
                        const rxc_code *code);

typedef struct cm_head {
  uint64_t hash;
  uint16_t len; /* key length + 1; 0: empty */
  char key[CM_KEY];
} cm_head;

static void collect_comed(const rxc__cond *k, const rxc__pred **out,
                          size_t *n) {
  if (k->op == RXC_C_PRED) {
    if (k->pred.field == RXC_CF_CO_MEDICATIONS) {
      if (out) out[*n] = &k->pred;
      (*n)++;
    }
    return;
  }
  for (size_t i = 0; i < k->nkids; i++) collect_comed(&k->kids[i], out, n);
}

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = (uintptr_t) * (const rxc__pred *const *)a;
  uintptr_t y = (uintptr_t) * (const rxc__pred *const *)b;
  return x < y ? -1 : x > y;
}

static long comed_index(const rxc_checker *c, const rxc__pred *p) {
  const rxc__pred **hit =
      bsearch(&p, c->cm_preds, c->ncm, sizeof *c->cm_preds, cmp_ptr);
  return hit ? (long)(hit - c->cm_preds) : -1;
}

static int comed_cache_new(rxc_checker *c) {
  size_t n = 0;
  for (size_t i = 0; i < c->rs->npacks; i++)
    for (size_t f = 0; f < c->rs->packs[i].nfindings; f++)
      collect_comed(&c->rs->packs[i].findings[f].when, NULL, &n);
  if (!n) return 0;
  c->cm_preds = rxc__malloc(n * sizeof *c->cm_preds);
  if (!c->cm_preds) return -1;
  n = 0;
  for (size_t i = 0; i < c->rs->npacks; i++)
    for (size_t f = 0; f < c->rs->packs[i].nfindings; f++)
      collect_comed(&c->rs->packs[i].findings[f].when, c->cm_preds, &n);
  qsort(c->cm_preds, n, sizeof *c->cm_preds, cmp_ptr);
  c->ncm = n;
  c->cm_words = (n + 63) / 64;
  c->cm_slot_size = sizeof(cm_head) + c->cm_words * sizeof(uint64_t);
  c->cm_slot_size = (c->cm_slot_size + 7) & ~(size_t)7;
  c->cm_slots = rxc__calloc(CM_SLOTS, c->cm_slot_size);
  c->cm_row = rxc__malloc(CM_ITEMS * c->cm_words * sizeof *c->cm_row);
  if (!c->cm_slots || !c->cm_row) return -1;
  /* The top-level requirement of each finding: the condition itself, or a
   * kid of a top-level all:, when it is a co_medications predicate. */
  size_t nf = 0;
  c->cm_req_base = rxc__calloc(c->rs->npacks, sizeof *c->cm_req_base);
  if (!c->cm_req_base) return -1;
  for (size_t i = 0; i < c->rs->npacks; i++) {
    c->cm_req_base[i] = nf;
    nf += c->rs->packs[i].nfindings;
  }
  c->cm_req = rxc__malloc((nf ? nf : 1) * sizeof *c->cm_req);
  if (!c->cm_req) return -1;
  for (size_t i = 0; i < c->rs->npacks; i++)
    for (size_t f = 0; f < c->rs->packs[i].nfindings; f++) {
      const rxc__cond *w = &c->rs->packs[i].findings[f].when;
      const rxc__pred *req = NULL;
      if (w->op == RXC_C_PRED && w->pred.field == RXC_CF_CO_MEDICATIONS)
        req = &w->pred;
      for (size_t k = 0; !req && w->op == RXC_C_ALL && k < w->nkids; k++)
        if (w->kids[k].op == RXC_C_PRED &&
            w->kids[k].pred.field == RXC_CF_CO_MEDICATIONS)
          req = &w->kids[k].pred;
      c->cm_req[c->cm_req_base[i] + f] =
          req ? (int32_t)comed_index(c, req) : -1;
    }
  return 0;
}

static int comed_item_holds(rxc_checker *c, const rxc__pred *p, rxc_str item) {
  rxc_code code = {RXC_SYS_NONE, {NULL, 0}, {NULL, 0}};
  char buf[72];
  if ((p->tests & RXC_P_CODE) && item.len < sizeof buf)
    rxc_code_parse(item.ptr, item.len, 1, buf, &code);
  return item_matches(c, p, item, &code);
}

/* The bitmap of one item: looked up by its text, filled on a miss. NULL
 * when the item is too long to cache. */
static const uint64_t *comed_bits(rxc_checker *c, rxc_str item) {
  if (item.len >= CM_KEY) return NULL;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ item.len;
  for (size_t i = 0; i < item.len; i++)
    h = (h ^ (unsigned char)item.ptr[i]) * 0x100000001b3ULL;
  cm_head *slot =
      (cm_head *)(c->cm_slots + (h & (CM_SLOTS - 1)) * c->cm_slot_size);
  uint64_t *bits = (uint64_t *)(void *)(slot + 1);
  if (slot->len == item.len + 1 && slot->hash == h &&
      memcmp(slot->key, item.ptr, item.len) == 0)
    return bits;
  unsigned hits = rxc__matcher_hits(c->m);
  memset(bits, 0, c->cm_words * sizeof *bits);
  for (size_t k = 0; k < c->ncm; k++)
    if (comed_item_holds(c, c->cm_preds[k], item))
      bits[k / 64] |= (uint64_t)1 << (k % 64);
  /* Results cut short by a match limit hold for this record only. */
  slot->len = rxc__matcher_hits(c->m) == hits ? (uint16_t)(item.len + 1) : 0;
  slot->hash = h;
  memcpy(slot->key, item.ptr, item.len);
  return bits;
}

/* This record's items' bitmaps, once per record. 0 when the record cannot
 * use the cache (no predicates, too many items, an item too long). */
static int comed_load(rxc_checker *c) {
  if (c->cm_state) return c->cm_state == 1;
  c->cm_state = 2;
  const rxc_record *r = c->rec;
  if (!c->cm_slots || r->ncomed > CM_ITEMS) return 0;
  for (size_t i = 0; i < r->ncomed; i++) {
    /* A later item's fill may evict an earlier item's slot: copy. */
    const uint64_t *b = comed_bits(c, r->comed[i]);
    if (!b) return 0;
    memcpy(c->cm_row + i * c->cm_words, b, c->cm_words * sizeof *b);
  }
  c->cm_state = 1;
  return 1;
}

/* The first item predicate k holds for, or -1. */
static long comed_first(const rxc_checker *c, size_t k) {
  for (size_t i = 0; i < c->rec->ncomed; i++)
    if (c->cm_row[i * c->cm_words + k / 64] >> (k % 64) & 1) return (long)i;
  return -1;
}

/* Whether co_medications predicate p holds, and for which item. */
static int comed_holds(rxc_checker *c, const rxc__pred *p) {
  const rxc_record *r = c->rec;
  long k;
  if (comed_load(c) && (k = comed_index(c, p)) >= 0) {
    long i = comed_first(c, (size_t)k);
    if (i < 0) return 0;
    c->matched = c->item = r->comed[i];
    return 1;
  }
  for (size_t i = 0; i < r->ncomed; i++)
    if (comed_item_holds(c, p, r->comed[i])) {
      c->matched = c->item = r->comed[i];
      return 1;
    }
  return 0;
}

/* ---- explain ------------------------------------------------------------ */

/* Appends text and a NUL to the pool; returns the text's offset. */
static size_t xput(rxc_checker *c, const char *s, size_t n) {
  size_t at = c->pool.len;
  rxc_buf_append(&c->pool, s, n);
  rxc_buf_append(&c->pool, "", 1); /* the NUL */
  return at;
}

static size_t xputs(rxc_checker *c, const char *s) {
  return xput(c, s, strlen(s));
}

/* Starts a rule in the explanation; conditions added next belong to it. */
static void xrule(rxc_checker *c, const char *id, const char *kind,
                  const char *label, int fired) {
  if (rxc__grow((void **)&c->xr, &c->xrcap, c->nxr + 1, sizeof *c->xr)) {
    c->xfail = 1;
    return;
  }
  rxc_explain_rule *r = &c->xr[c->nxr++];
  r->rule = id;
  r->kind = kind;
  r->label = label;
  r->fired = fired;
  r->first = c->nxi;
  r->n = 0;
}

static void xcond_add(rxc_checker *c, const char *field, size_t test,
                      size_t value, int held) {
  if (c->xfail || !c->nxr) return;
  if (rxc__grow((void **)&c->xi, &c->xicap, c->nxi + 1, sizeof *c->xi)) {
    c->xfail = 1;
    return;
  }
  c->xi[c->nxi++] = (struct xcond){field, test, value, held};
  c->xr[c->nxr - 1].n++;
}

static int explained(const rxc_checker *c, const char *id) {
  for (size_t i = 0; i < c->nxr; i++)
    if (strcmp(c->xr[i].rule, id) == 0) return 1;
  return 0;
}

static size_t xnum(rxc_checker *c, const char *op, double v) {
  char tmp[64];
  int n = snprintf(tmp, sizeof tmp, "%s%s%g", op, *op ? " " : "", v);
  return xput(c, tmp, (size_t)n);
}

static const char *const field_names[RXC_CF__COUNT] = {
    "drug_name",      "drug_code",     "form",          "sex",
    "diagnosis_codes", "co_medications", "strength_mg",  "daily_dose_mg",
    "age",            "formulation",   "jurisdiction",  "indication"};

/* The rule side of a predicate as text: "in [US, JP] and >= 8". */
static size_t describe_pred(rxc_checker *c, const rxc__pred *p) {
  rxc_buf *b = &c->pool;
  size_t at = b->len;
  const char *sep = c->neg ? "not " : "";
  rxc_buf_puts(b, sep);
  int first = 1;
#define SEP()                                  \
  do {                                         \
    if (!first) rxc_buf_puts(b, " and ");      \
    first = 0;                                 \
  } while (0)
  if (p->tests & RXC_P_IN) {
    SEP();
    rxc_buf_puts(b, "in [");
    for (size_t i = 0; i < p->nin; i++) {
      if (i) rxc_buf_puts(b, ", ");
      rxc_buf_puts(b, p->in[i]);
    }
    rxc_buf_puts(b, "]");
  }
  if (p->tests & RXC_P_PREFIX) {
    SEP();
    rxc_buf_puts(b, "prefix [");
    for (size_t i = 0; i < p->nprefix; i++) {
      if (i) rxc_buf_puts(b, ", ");
      rxc_buf_puts(b, p->prefix[i]);
    }
    rxc_buf_puts(b, "]");
  }
  if (p->tests & RXC_P_PATTERN) {
    SEP();
    rxc_buf_puts(b, "pattern /");
    rxc_buf_puts(b, rxc__pattern_source(p->pattern));
    rxc_buf_puts(b, "/");
  }
  if (p->tests & RXC_P_CODE) {
    SEP();
    rxc_buf_puts(b, "code [");
    int any = 0;
    for (int s = 0; s < RXC_SYS__COUNT; s++)
      for (size_t i = 0; i < p->code.n[s]; i++) {
        if (any) rxc_buf_puts(b, ", ");
        rxc_buf_puts(b, rxc_system_name((rxc_system)s));
        rxc_buf_puts(b, ":");
        rxc_buf_puts(b, p->code.codes[s][i]);
        any = 1;
      }
    rxc_buf_puts(b, "]");
  }
  char tmp[64];
  static const struct {
    unsigned bit;
    const char *op;
  } nums[] = {{RXC_P_MIN, ">="}, {RXC_P_MAX, "<="}, {RXC_P_ABOVE, ">"},
              {RXC_P_BELOW, "<"}};
  for (size_t k = 0; k < 4; k++) {
    if (!(p->tests & nums[k].bit)) continue;
    double v = nums[k].bit == RXC_P_MIN   ? p->min
               : nums[k].bit == RXC_P_MAX ? p->max
               : nums[k].bit == RXC_P_ABOVE ? p->above
                                            : p->below;
    SEP();
    int n = snprintf(tmp, sizeof tmp, "%s %g", nums[k].op, v);
    rxc_buf_append(b, tmp, (size_t)n);
  }
#undef SEP
  rxc_buf_append(b, "", 1); /* the NUL */
  return at;
}

/* ---- conditions --------------------------------------------------------- */

/* rxc__ieq_cstr(a, b), without measuring b first. */
static inline int ieq_cstr(rxc_str a, const char *b) {
  for (size_t i = 0; i < a.len; i++) {
    int y = (unsigned char)b[i];
    if (!y || rxc__lower((unsigned char)a.ptr[i]) != rxc__lower(y)) return 0;
  }
  return b[a.len] == '\0';
}

static int item_matches(rxc_checker *c, const rxc__pred *p, rxc_str text,
                        const rxc_code *code) {
  if (p->tests & RXC_P_IN) {
    int ok = 0;
    rxc_str t = rxc__trim(text);
    for (size_t i = 0; i < p->nin && !ok; i++) ok = ieq_cstr(t, p->in[i]);
    if (!ok) return 0;
  }
  if (p->tests & RXC_P_PREFIX) {
    int ok = 0;
    rxc_str t = rxc__trim(text);
    for (size_t i = 0; i < p->nprefix && !ok; i++)
      ok = rxc__istarts(t, (rxc_str){p->prefix[i], strlen(p->prefix[i])});
    if (!ok) return 0;
  }
  if ((p->tests & RXC_P_PATTERN) &&
      !rxc__pattern_match(p->pattern, c->m, text.ptr, text.len))
    return 0;
  if (p->tests & RXC_P_CODE) {
    if (!code || code->system == RXC_SYS_NONE ||
        !rxc__codeset_match(&p->code, code))
      return 0;
  }
  return 1;
}

static int number_matches(const rxc__pred *p, double v) {
  if ((p->tests & RXC_P_MIN) && !(v >= p->min)) return 0;
  if ((p->tests & RXC_P_MAX) && !(v <= p->max)) return 0;
  if ((p->tests & RXC_P_ABOVE) && !(v > p->above)) return 0;
  if ((p->tests & RXC_P_BELOW) && !(v < p->below)) return 0;
  return 1;
}

static int text_pred(rxc_checker *c, const rxc__pred *p, rxc_str s) {
  if (!s.len) return 0;
  return item_matches(c, p, s, NULL);
}

static int pred_holds(rxc_checker *c, const rxc__pred *p) {
  const rxc_record *r = c->rec;
  const rxc__pack *pk = c->pack;
  switch (p->field) {
    case RXC_CF_DRUG_NAME:
      return text_pred(c, p, r->canon[RXC_F_DRUG_NAME]);
    case RXC_CF_FORM:
      return text_pred(c, p, r->canon[RXC_F_FORM]);
    case RXC_CF_SEX:
      return text_pred(c, p, r->canon[RXC_F_SEX]);
    case RXC_CF_DRUG_CODE:
      if (!r->canon[RXC_F_DRUG_CODE].len) return 0;
      return item_matches(c, p, r->canon[RXC_F_DRUG_CODE], &r->drug_code);
    case RXC_CF_DIAGNOSIS_CODES:
      for (size_t i = 0; i < r->ndx; i++)
        if (item_matches(c, p, r->dx[i].raw, &r->dx[i])) {
          c->item = r->dx[i].raw;
          return 1;
        }
      return 0;
    case RXC_CF_CO_MEDICATIONS:
      return comed_holds(c, p);
    case RXC_CF_STRENGTH_MG:
      return r->strength_mg >= 0 && number_matches(p, r->strength_mg);
    case RXC_CF_DAILY_DOSE_MG:
      return r->daily_dose_mg >= 0 && number_matches(p, r->daily_dose_mg);
    case RXC_CF_AGE:
      return r->age >= 0 && number_matches(p, (double)r->age);
    case RXC_CF_FORMULATION:
      return text_pred(c, p, c->form_id);
    case RXC_CF_JURISDICTION:
      return text_pred(c, p, c->jur);
    case RXC_CF_INDICATION:
      for (size_t i = 0; i < pk->nindications; i++) {
        const char *id = pk->indications[i].id;
        if (c->hit[i] && item_matches(c, p, (rxc_str){id, strlen(id)}, NULL)) {
          c->item = (rxc_str){id, strlen(id)};
          return 1;
        }
      }
      return 0;
    case RXC_CF__COUNT:
      break;
  }
  return 0;
}

/* The record's side of a predicate as text, for explanations. */
static size_t describe_value(rxc_checker *c, const rxc__pred *p, int held) {
  const rxc_record *r = c->rec;
  rxc_str v = {"", 0};
  double num = -1;
  switch (p->field) {
    case RXC_CF_DRUG_NAME: v = r->canon[RXC_F_DRUG_NAME]; break;
    case RXC_CF_DRUG_CODE: v = r->canon[RXC_F_DRUG_CODE]; break;
    case RXC_CF_FORM: v = r->canon[RXC_F_FORM]; break;
    case RXC_CF_SEX: v = r->canon[RXC_F_SEX]; break;
    case RXC_CF_DIAGNOSIS_CODES:
      v = held ? c->item : r->canon[RXC_F_DIAGNOSIS_CODES];
      break;
    case RXC_CF_CO_MEDICATIONS:
      v = held ? c->item : r->canon[RXC_F_CO_MEDICATIONS];
      break;
    case RXC_CF_STRENGTH_MG: num = r->strength_mg; break;
    case RXC_CF_DAILY_DOSE_MG: num = r->daily_dose_mg; break;
    case RXC_CF_AGE: num = r->age; break;
    case RXC_CF_FORMULATION: {
      const char *id = c->pack->formulations[c->formulation].id;
      v = (rxc_str){id, strlen(id)};
      break;
    }
    case RXC_CF_JURISDICTION:
      v = (rxc_str){r->jurisdiction, strlen(r->jurisdiction)};
      break;
    case RXC_CF_INDICATION: {
      if (held) {
        v = c->item;
        break;
      }
      size_t at = c->pool.len;
      for (size_t i = 0, n = 0; i < c->pack->nindications; i++)
        if (c->hit[i]) {
          if (n++) rxc_buf_puts(&c->pool, ", ");
          rxc_buf_puts(&c->pool, c->pack->indications[i].id);
        }
      rxc_buf_append(&c->pool, "", 1);
      return at;
    }
    case RXC_CF__COUNT: break;
  }
  if (p->field == RXC_CF_STRENGTH_MG || p->field == RXC_CF_DAILY_DOSE_MG ||
      p->field == RXC_CF_AGE)
    return num < 0 ? xputs(c, "") : xnum(c, "", num);
  return xput(c, v.ptr, v.len);
}

static int cond_holds(rxc_checker *c, const rxc__cond *k) {
  switch (k->op) {
    case RXC_C_TRUE:
      return 1;
    case RXC_C_ALL:
      for (size_t i = 0; i < k->nkids; i++)
        if (!cond_holds(c, &k->kids[i])) return 0;
      return 1;
    case RXC_C_ANY:
      for (size_t i = 0; i < k->nkids; i++)
        if (cond_holds(c, &k->kids[i])) return 1;
      return 0;
    case RXC_C_NOT: {
      if (!k->nkids) return 1;
      c->neg ^= 1;
      int held = !cond_holds(c, &k->kids[0]);
      c->neg ^= 1;
      return held;
    }
    case RXC_C_PRED: {
      c->item = (rxc_str){NULL, 0};
      int held = pred_holds(c, &k->pred);
      if (c->explain) {
        size_t test = describe_pred(c, &k->pred);
        size_t value = describe_value(c, &k->pred, held);
        xcond_add(c, field_names[k->pred.field], test, value,
                  c->neg ? !held : held);
      }
      return held;
    }
  }
  return 0;
}

/* ---- regulatory status -------------------------------------------------- */

/* Index of jur among the pack's covered jurisdictions, or -1. */
static int covers(const rxc__pack *p, const char *jur) {
  for (size_t i = 0; i < p->info.njurisdictions; i++)
    if (strcmp(p->info.jurisdictions[i], jur) == 0) return (int)i;
  return -1;
}

/* Whether regulatory rule g names jurisdiction jur and indication ind. */
static int rule_has(const rxc__regrule *g, const char *jur, size_t ind) {
  int j = 0, k = 0;
  for (size_t i = 0; i < g->njur && !j; i++)
    j = strcmp(g->jurisdictions[i], jur) == 0;
  for (size_t i = 0; i < g->nind && !k; i++) k = g->indications[i] == ind;
  return j && k;
}

/* The regulatory rule index. resolve() wants, for a record's indication
 * and jurisdiction, the rules that name both, in pack order. Only a
 * covered jurisdiction gets that far, so the rules are listed per
 * (indication, covered jurisdiction) cell once, when the checker is made:
 * the cells' lists one after the other in `rules`, cell i's from
 * start[i] to start[i + 1]. */
static int regidx_new(rxc_checker *c) {
  const rxc_ruleset *rs = c->rs;
  c->regidx = rxc__calloc(rs->npacks ? rs->npacks : 1, sizeof *c->regidx);
  if (!c->regidx) return -1;
  for (size_t pi = 0; pi < rs->npacks; pi++) {
    const rxc__pack *p = &rs->packs[pi];
    struct regidx *x = &c->regidx[pi];
    size_t nj = p->info.njurisdictions, ncell = p->nindications * nj;
    size_t total = 0;
    for (size_t cell = 0; cell < ncell; cell++)
      for (size_t k = 0; k < p->nregrules; k++)
        total += (size_t)rule_has(&p->regrules[k],
                                  p->info.jurisdictions[cell % nj], cell / nj);
    x->start = rxc__malloc((ncell + 1) * sizeof *x->start);
    x->rules = rxc__malloc((total ? total : 1) * sizeof *x->rules);
    if (!x->start || !x->rules) return -1; /* rxc_checker_free frees */
    size_t at = 0;
    for (size_t cell = 0; cell < ncell; cell++) {
      x->start[cell] = at;
      for (size_t k = 0; k < p->nregrules; k++)
        if (rule_has(&p->regrules[k], p->info.jurisdictions[cell % nj],
                     cell / nj))
          x->rules[at++] = k;
    }
    x->start[ncell] = at;
  }
  return 0;
}

/* The jurisdiction filter. Most finding rules hold in one or a few
 * jurisdictions and say so first (`jurisdiction: US` as the condition or
 * as the first kid of its top-level all:). Such a predicate holds when the
 * record's trimmed jurisdiction equals one of its `in` values, ignoring
 * ASCII case; a jurisdiction has at most seven bytes, so each value is
 * folded once into a word (lower case, zero padded) and the test is a few
 * word compares per rule, not an evaluation of the condition. Only a
 * predicate that tests `in` alone is used (no pattern: nothing to count),
 * and only when it comes first, so that skipping the rule skips nothing
 * the condition would have done before failing. */
static int fold_jur(rxc_str t, uint64_t *key) {
  if (t.len > 7) return 0;
  uint64_t k = 0;
  for (size_t i = 0; i < t.len; i++)
    k |= (uint64_t)(unsigned)rxc__lower((unsigned char)t.ptr[i]) << (8 * i);
  *key = k;
  return 1;
}

static const rxc__pred *first_jur_pred(const rxc__cond *w) {
  if (w->op == RXC_C_ALL && w->nkids) w = &w->kids[0];
  if (w->op != RXC_C_PRED || w->pred.field != RXC_CF_JURISDICTION) return NULL;
  const rxc__pred *p = &w->pred;
  if (!(p->tests & RXC_P_IN) ||
      (p->tests & (RXC_P_PREFIX | RXC_P_PATTERN | RXC_P_CODE)))
    return NULL;
  return p;
}

static int jurf_new(rxc_checker *c) {
  const rxc_ruleset *rs = c->rs;
  size_t nf = 0, nkeys = 0;
  c->jf_base = rxc__calloc(rs->npacks ? rs->npacks : 1, sizeof *c->jf_base);
  if (!c->jf_base) return -1;
  for (size_t i = 0; i < rs->npacks; i++) {
    c->jf_base[i] = nf;
    nf += rs->packs[i].nfindings;
    for (size_t f = 0; f < rs->packs[i].nfindings; f++) {
      const rxc__pred *p = first_jur_pred(&rs->packs[i].findings[f].when);
      if (p) nkeys += p->nin;
    }
  }
  c->jf_at = rxc__malloc((nf ? nf : 1) * sizeof *c->jf_at);
  c->jf_n = rxc__calloc(nf ? nf : 1, sizeof *c->jf_n);
  c->jf_keys = rxc__malloc((nkeys ? nkeys : 1) * sizeof *c->jf_keys);
  if (!c->jf_at || !c->jf_n || !c->jf_keys) return -1;
  size_t k = 0;
  for (size_t i = 0; i < rs->npacks; i++)
    for (size_t f = 0; f < rs->packs[i].nfindings; f++) {
      size_t at = c->jf_base[i] + f;
      const rxc__pred *p = first_jur_pred(&rs->packs[i].findings[f].when);
      c->jf_at[at] = -1;
      if (!p || k > INT32_MAX) continue;
      c->jf_at[at] = (int32_t)k;
      for (size_t j = 0; j < p->nin; j++) {
        /* A value too long for any jurisdiction can never be equal. */
        uint64_t key;
        if (fold_jur((rxc_str){p->in[j], strlen(p->in[j])}, &key)) {
          c->jf_keys[k++] = key;
          c->jf_n[at]++;
        }
      }
    }
  return 0;
}

/* Whether finding f (global index) certainly does not hold for this
 * record because of the jurisdiction its condition requires first. */
static inline int jur_rules_out(const rxc_checker *c, size_t f) {
  int32_t at = c->jf_at[f];
  if (at < 0) return 0;
  if (!c->jur.len) return 1; /* no jurisdiction: the predicate fails */
  const uint64_t *k = c->jf_keys + at;
  for (uint32_t i = 0; i < c->jf_n[f]; i++)
    if (k[i] == c->jur_key) return 0;
  return 1;
}

static void add_reason(rxc_indication_result *ir, const char *reason) {
  if (reason && ir->nreasons < RXC_MAX_REASONS)
    ir->reasons[ir->nreasons++] = reason;
}

static size_t xlist(rxc_checker *c, const char *op, const char *const *items,
                    size_t n) {
  size_t at = c->pool.len;
  rxc_buf_puts(&c->pool, op);
  rxc_buf_puts(&c->pool, " [");
  for (size_t i = 0; i < n; i++) {
    if (i) rxc_buf_puts(&c->pool, ", ");
    rxc_buf_puts(&c->pool, items[i]);
  }
  rxc_buf_puts(&c->pool, "]");
  rxc_buf_append(&c->pool, "", 1);
  return at;
}

static size_t xage(rxc_checker *c) {
  return c->rec->age < 0 ? xputs(c, "") : xnum(c, "", c->rec->age);
}

/* Explains a regulatory rule of the record's jurisdiction and indication:
 * every condition when it decided, else the first one that failed. */
static void explain_regrule(rxc_checker *c, const rxc__regrule *g,
                            const rxc_indication_result *ir, int decided) {
  if (explained(c, g->id)) return;
  const rxc__pack *p = c->pack;
  const rxc_record *r = c->rec;
  xrule(c, g->id, "regulatory", rxc_verdict_name(g->status), decided);
  if (decided) {
    xcond_add(c, "jurisdiction", xlist(c, "in", g->jurisdictions, g->njur),
              xputs(c, r->jurisdiction), 1);
    const char *ids[16];
    size_t n = 0;
    for (size_t i = 0; i < g->nind && n < 16; i++)
      ids[n++] = p->indications[g->indications[i]].id;
    size_t at = c->pool.len;
    rxc_buf_append(&c->pool, ir->code.raw.ptr, ir->code.raw.len);
    rxc_buf_puts(&c->pool, " -> ");
    rxc_buf_puts(&c->pool, ir->indication);
    rxc_buf_append(&c->pool, "", 1);
    xcond_add(c, "indication", xlist(c, "in", ids, n), at, 1);
  }
  const char *form = p->formulations[c->formulation].id;
  if (g->formulation >= 0) {
    int held = g->formulation == c->formulation;
    if (decided || !held) {
      const char *want = p->formulations[g->formulation].id;
      xcond_add(c, "formulation", xlist(c, "in", &want, 1), xputs(c, form),
                held);
      if (!held) return;
    }
  }
  if (g->age_min >= 0) {
    int held = r->age >= 0 && r->age >= g->age_min;
    if (decided || !held) {
      xcond_add(c, "age", xnum(c, ">=", g->age_min), xage(c), held);
      if (!held) return;
    }
  }
  if (g->age_max >= 0) {
    int held = r->age >= 0 && r->age <= g->age_max;
    if (decided || !held)
      xcond_add(c, "age", xnum(c, "<=", g->age_max), xage(c), held);
  }
}

/* "approved for <label> in: ..." as it stood on `day` (rxc__day; 0: no
 * date, every approval counts). */
static const char *approved_in_on(const rxc__indication *in, long day) {
  if (!day || !in->nperiods) return in->approved_in;
  size_t i = in->nperiods;
  while (i > 1 && in->periods[i - 1].from > day) i--;
  return in->periods[i - 1].approved_in;
}

static void resolve(rxc_checker *c, size_t ind, rxc_indication_result *ir) {
  const rxc__pack *p = c->pack;
  const rxc_record *r = c->rec;
  const rxc__indication *in = &p->indications[ind];
  ir->status = RXC_V_UNKNOWN;
  if (!r->jurisdiction[0]) {
    add_reason(ir, reason_no_jurisdiction);
    return;
  }
  int jur = covers(p, r->jurisdiction);
  if (jur < 0) {
    add_reason(ir, reason_uncovered);
    return;
  }
  int undetermined = 0;
  const rxc__regrule *g = NULL;
  /* The rules that name this indication and jurisdiction, in pack order
   * (regidx_new). */
  const struct regidx *x = &c->regidx[p - c->rs->packs];
  size_t cell = ind * p->info.njurisdictions + (size_t)jur;
  const size_t *named = x->rules + x->start[cell];
  size_t nnamed = x->start[cell + 1] - x->start[cell];
  for (size_t i = 0; i < nnamed && !g; i++) {
    const rxc__regrule *cand = &p->regrules[named[i]];
    if (!rxc__in_force(&cand->window, c->day)) continue;
    if (cand->formulation >= 0 && cand->formulation != c->formulation)
      continue;
    int banded = cand->age_min >= 0 || cand->age_max >= 0;
    if (banded && r->age < 0) {
      undetermined = 1;
      continue;
    }
    if (cand->age_min >= 0 && r->age < cand->age_min) continue;
    if (cand->age_max >= 0 && r->age > cand->age_max) continue;
    /* The loader refuses overlapping rules, so the first match is the
     * only one. */
    g = cand;
  }
  if (c->explain) {
    if (g) explain_regrule(c, g, ir, 1);
    for (size_t i = 0; i < nnamed; i++) {
      const rxc__regrule *other = &p->regrules[named[i]];
      if (other != g && rxc__in_force(&other->window, c->day))
        explain_regrule(c, other, ir, 0);
    }
  }
  if (g) {
    ir->status = g->status;
    ir->rule = g->id;
    ir->rule_version = g->version;
    ir->source = p->sources[g->source].id;
    ir->citation = p->sources[g->source].citation;
    ir->line = g->line ? g->line
                       : (g->status == RXC_V_APPROVED ? in->line : NULL);
    add_reason(ir, g->reason);
    if (g->status == RXC_V_OFF_LABEL)
      add_reason(ir, approved_in_on(in, c->day));
    return;
  }
  if (undetermined) {
    add_reason(ir, reason_age_needed);
    return;
  }
  ir->status = RXC_V_OFF_LABEL;
  add_reason(ir, c->no_approval[p - c->rs->packs][jur]);
  add_reason(ir, approved_in_on(in, c->day));
}

/* ---- the check ------------------------------------------------------------ */

static rxc_status map_indications(rxc_checker *c) {
  const rxc__pack *p = c->pack;
  const rxc_record *r = c->rec;
  memset(c->hit, 0, c->hitcap ? c->hitcap : 1);
  size_t n = 0;
  for (size_t d = 0; d < r->ndx; d++) {
    const rxc_code *dx = &r->dx[d];
    if (dx->system == RXC_SYS_NONE) continue;
    for (size_t i = 0; i < p->nindications; i++) {
      const rxc__indication *in = &p->indications[i];
      if (!rxc__codeset_match(&in->codes, dx) ||
          rxc__codeset_match(&in->exclude, dx))
        continue;
      /* The same code twice in one row is one diagnosis. Only codes that
       * map are compared, against the few results so far, so a row of
       * many codes stays linear. */
      int repeated = 0;
      for (size_t e = 0; e < n && !repeated; e++)
        repeated = c->ind[e].indication == in->id &&
                   c->ind[e].code.system == dx->system &&
                   c->ind[e].code.code.len == dx->code.len &&
                   memcmp(c->ind[e].code.code.ptr, dx->code.ptr,
                          dx->code.len) == 0;
      if (repeated) continue;
      if (rxc__grow((void **)&c->ind, &c->indcap, n + 1, sizeof *c->ind))
        return RXC_ENOMEM;
      rxc_indication_result *ir = &c->ind[n++];
      memset(ir, 0, sizeof *ir);
      ir->indication = in->id;
      ir->label = in->label;
      ir->code = *dx;
      c->hit[i] = 1;
      resolve(c, i, ir);
    }
  }
  c->res.nindications = n;
  c->res.indications = c->ind;
  return RXC_OK;
}

static rxc_status run_findings(rxc_checker *c) {
  const rxc__pack *p = c->pack;
  size_t n = 0;
  const int32_t *req =
      c->cm_req ? c->cm_req + c->cm_req_base[p - c->rs->packs] : NULL;
  /* Explaining keeps every evaluation as it was. */
  size_t jf = c->explain ? SIZE_MAX : c->jf_base[p - c->rs->packs];
  for (size_t i = 0; i < p->nfindings; i++) {
    const rxc__finding_rule *f = &p->findings[i];
    if (!rxc__in_force(&f->window, c->day)) continue;
    if (req && req[i] >= 0 && comed_load(c) &&
        comed_first(c, (size_t)req[i]) < 0)
      continue; /* its required co-medication predicate held for no item */
    if (jf != SIZE_MAX && jur_rules_out(c, jf + i))
      continue; /* its first condition, a jurisdiction, does not hold */
    c->matched = (rxc_str){NULL, 0};
    size_t mark_r = c->nxr, mark_i = c->nxi, mark_pool = c->pool.len;
    if (c->explain) xrule(c, f->id, f->kind, f->message, 1);
    if (!cond_holds(c, &f->when)) {
      /* Only rules that fired are explained with all their conditions. */
      c->nxr = mark_r;
      c->nxi = mark_i;
      c->pool.len = mark_pool;
      continue;
    }
    if (rxc__grow((void **)&c->find, &c->findcap, n + 1, sizeof *c->find))
      return RXC_ENOMEM;
    /* Insert keeping most severe first, pack order among equals. */
    size_t at = n;
    while (at > 0 && c->find[at - 1].severity < f->severity) {
      c->find[at] = c->find[at - 1];
      at--;
    }
    rxc_finding *out = &c->find[at];
    out->rule = f->id;
    out->rule_version = f->version;
    out->severity = f->severity;
    out->kind = f->kind;
    out->message = f->message;
    out->action = f->action;
    out->source = p->sources[f->source].id;
    out->citation = p->sources[f->source].citation;
    out->matched = c->matched;
    out->suppression = NULL;
    n++;
  }
  c->res.nfindings = n;
  c->res.findings = c->find;
  return RXC_OK;
}

/* Turns the explanation's pool offsets into pointers. */
static rxc_status finish_explain(rxc_checker *c) {
  rxc_result *res = &c->res;
  if (rxc__grow((void **)&c->xr, &c->xrcap, 1, sizeof *c->xr) ||
      rxc__grow((void **)&c->xc, &c->xccap, c->nxi ? c->nxi : 1,
                sizeof *c->xc))
    c->xfail = 1;
  if (c->xfail || c->pool.failed) return RXC_ENOMEM;
  for (size_t i = 0; i < c->nxi; i++) {
    c->xc[i].field = c->xi[i].field;
    c->xc[i].test = c->pool.data + c->xi[i].test;
    c->xc[i].value = c->pool.data + c->xi[i].value;
    c->xc[i].held = c->xi[i].held;
  }
  res->nexplain = c->nxr;
  res->explain = c->xr;
  res->explain_conds = c->xc;
  return RXC_OK;
}

/* When a pattern hit its match limit on this record, a finding it guards
 * (a contraindication, say) may be missing: say so in the result rather
 * than let "no finding" stand unqualified. */
static rxc_status note_match_limit(rxc_checker *c) {
  rxc_result *res = &c->res;
  size_t n = res->nfindings;
  if (rxc__grow((void **)&c->find, &c->findcap, n + 1, sizeof *c->find))
    return RXC_ENOMEM;
  size_t at = n; /* most severe first: after the major and worse ones */
  while (at > 0 && c->find[at - 1].severity < RXC_SEV_MAJOR) {
    c->find[at] = c->find[at - 1];
    at--;
  }
  rxc_finding *f = &c->find[at];
  memset(f, 0, sizeof *f);
  f->rule = "rxcheck-match-limit";
  f->severity = RXC_SEV_MAJOR;
  f->kind = "limit";
  f->message =
      "A name pattern reached its match limit on this record, so pattern "
      "matching was cut short and a finding may be missing.";
  f->action = "Check this record's drug name and co-medications by hand.";
  f->source = "rxcheck";
  f->citation = "rxcheck engine: pattern match limits (rules/README.md)";
  res->nfindings = n + 1;
  res->findings = c->find;
  return RXC_OK;
}

int rxc_checker_in_scope(rxc_checker *c, const rxc_record *rec) {
  int pack = -1, formulation = 0;
  if (classify(c, rec, &pack, &formulation))
    memo_keep(c, rec, pack, formulation);
  else
    c->memo.rec = NULL;
  return pack >= 0;
}

/* The work of a record some pack recognises: everything after the
 * classification. Kept out of line so that the out-of-scope majority of
 * rows goes through rxc_checker_check without its register traffic. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static rxc_status check_pack(rxc_checker *c, const rxc_record *rec, int pack,
                             int formulation) {
  rxc_result *res = &c->res;
  c->day = rxc__day(res->as_of);
  c->pack = &c->rs->packs[pack];
  const rxc__pack *p = c->pack;
  c->formulation = formulation;
  c->form_id = (rxc_str){p->formulations[formulation].id,
                         strlen(p->formulations[formulation].id)};
  c->jur = (rxc_str){rec->jurisdiction, strlen(rec->jurisdiction)};
  /* A jurisdiction that does not fold leaves no key to equal. */
  if (!fold_jur(rxc__trim(c->jur), &c->jur_key)) c->jur_key = UINT64_MAX;
  res->pack = &p->info;
  res->drug = p->info.drug;
  res->formulation = p->formulations[c->formulation].id;
  res->jurisdiction = rec->jurisdiction[0] ? rec->jurisdiction : NULL;
  res->age = rec->age;

  rxc_status st = map_indications(c);
  if (st != RXC_OK) return st;
  rxc_verdict best = RXC_V_NO_INDICATION;
  for (size_t i = 0; i < res->nindications; i++)
    if (res->indications[i].status > best) best = res->indications[i].status;
  res->status = best;
  st = run_findings(c);
  if (st == RXC_OK && rxc__matcher_hits(c->m)) st = note_match_limit(c);
  if (st == RXC_OK && c->sup && c->res.nfindings) apply_suppressions(c, rec);
  return st;
}

rxc_status rxc_checker_check(rxc_checker *c, const rxc_record *rec,
                             const rxc_result **out) {
  *out = &c->res;
  c->nxr = c->nxi = 0;
  c->pool.len = 0;
  c->xfail = 0;
  c->neg = 0;
  rxc__matcher_reset_hits(c->m);
  c->cm_state = 0;
  rxc_result *res = &c->res;
  memset(res, 0, sizeof *res);
  res->status = RXC_V_OUT_OF_SCOPE;
  res->age = -1;
  res->as_of = c->as_of.year ? c->as_of : rec->rx_date;
  c->rec = rec;
  c->pack = NULL;
  int pack = -1, formulation = 0;
  if (!memo_take(c, rec, &pack, &formulation))
    classify(c, rec, &pack, &formulation);
  rxc_status st = RXC_OK;
  if (pack >= 0) st = check_pack(c, rec, pack, formulation);
  if (st == RXC_OK && c->explain) st = finish_explain(c);
  return st;
}
