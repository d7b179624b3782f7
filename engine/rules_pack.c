/*
 * rules_pack.c - one rule pack, from its parsed files to the model.
 *
 * The sections of every file are gathered first (list sections
 * concatenated in file-name order; `pack` and `drug` exactly once), then
 * read in dependency order: pack, sources, drug and formulations,
 * indications, regulatory rules, findings, tests. Each item is checked on
 * its own (keys, types, shapes) and its references resolved against the
 * ids declared before it; then come the checks across the pack:
 * overlapping regulatory rules, covered jurisdictions without a rule, and
 * the derived texts (approved_in, rule summaries, each rule's YAML text).
 * Every problem is reported; the caller refuses the pack if there was any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_names.h"
#include "rules_load.h"
#include "strutil.h"

typedef struct items {
  const rxc__ynode **v;
  size_t n;
} items;

typedef struct pb {
  rxc__ld *ld;
  rxc__pack *p;
  rxc__ydoc *docs;
  size_t ndocs;
  const rxc__ynode *pack, *drug;
  const rxc__ynode *pack_key, *drug_key;
  items sources, indications, regulatory, findings, tests;
  rxc__refs refs;
  const rxc__ynode **reg_nodes;
  unsigned char *reg_ok;
  const rxc__ynode **find_nodes;
  const rxc__ynode *name_node;
} pb;

static const char *const section_keys[] = {
    "pack",       "sources",  "drug",  "indications",
    "regulatory", "findings", "tests", NULL};

static const char *const system_keys[] = {
    "icd10", "icd9", "snomed", "rxnorm", "ndc", "atc", "bnf", "omop", NULL};

static const char *const field_names[] = {
#define RXC_X_(name, text) text,
    RXC_FIELD_MAP(RXC_X_)
#undef RXC_X_
        NULL};


/* ---- a small growable string, for derived texts ------------------------ */

typedef struct sbuf {
  char *p;
  size_t len, cap;
  int fail;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->fail) return;
  if (rxc__grow((void **)&b->p, &b->cap, b->len + n + 1, 1)) {
    b->fail = 1;
    return;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static const char *sb_keep(rxc__ld *ld, sbuf *b) {
  const char *r = NULL;
  if (b->fail)
    ld->oom = 1;
  else
    r = rxc__ld_keep(ld, b->p ? b->p : "");
  rxc__free(b->p);
  memset(b, 0, sizeof *b);
  return r;
}

static void *alloc_n(rxc__ld *ld, rxc__arena *a, size_t n, size_t size) {
  if (n == 0) return NULL;
  void *p = rxc__arena_alloc(a, n * size);
  if (!p) ld->oom = 1;
  return p;
}

/* ---- gathering the sections ------------------------------------------- */

static void gather(pb *b) {
  rxc__ld *ld = b->ld;
  items *lists[] = {&b->sources, &b->indications, &b->regulatory, &b->findings,
                    &b->tests};
  static const char *const list_names[] = {"sources", "indications",
                                           "regulatory", "findings", "tests"};
  for (int pass = 0; pass < 2 && !ld->oom; pass++) {
    if (pass == 1)
      for (size_t k = 0; k < 5; k++) {
        lists[k]->v = alloc_n(ld, &ld->tmp, lists[k]->n, sizeof *lists[k]->v);
        lists[k]->n = 0;
      }
    if (ld->oom) return;
    for (size_t d = 0; d < b->ndocs; d++) {
      rxc__ydoc *doc = &b->docs[d];
      if (doc->failed) continue;
      const rxc__ynode *root = doc->root;
      if (!root || rxc__ynode_is_null(root)) {
        if (pass == 0)
          rxc__ld_error_pos(ld, doc, 0, 0,
                            "the file is empty (expected sections such as "
                            "pack, sources, drug, regulatory)");
        continue;
      }
      if (pass == 0) {
        if (!rxc__ld_map(ld, root, section_keys, "a rule file")) continue;
      } else if (root->kind != RXC_Y_MAP) {
        continue;
      }
      for (size_t i = 0; i < root->n; i++) {
        const rxc__ynode *key = &root->kids[2 * i];
        const rxc__ynode *val = &root->kids[2 * i + 1];
        if (!strcmp(key->str, "pack") || !strcmp(key->str, "drug")) {
          if (pass == 1) continue;
          int is_pack = key->str[0] == 'p';
          const rxc__ynode **slot = is_pack ? &b->pack : &b->drug;
          const rxc__ynode **kslot = is_pack ? &b->pack_key : &b->drug_key;
          if (*kslot) {
            char where[300];
            rxc__ld_error(ld, key, "section '%s' appears twice (first at %s)",
                          key->str,
                          rxc__ld_where(*kslot, key->doc, where, sizeof where));
          } else {
            *kslot = key;
            *slot = val;
          }
          continue;
        }
        for (size_t k = 0; k < 5; k++) {
          if (strcmp(key->str, list_names[k])) continue;
          if (val->kind != RXC_Y_SEQ) {
            if (pass == 0) rxc__ld_list(ld, val, key->str, "items", 0);
            break;
          }
          for (size_t j = 0; j < val->n; j++) {
            if (pass == 1) lists[k]->v[lists[k]->n] = &val->kids[j];
            lists[k]->n++;
          }
          break;
        }
      }
    }
  }
}

/* The first file's name, for errors about the pack as a whole. */
static void pack_error(pb *b, const char *msg) {
  const rxc__ydoc *d = b->ndocs ? &b->docs[0] : NULL;
  rxc__ld_report(b->ld, RXC_ERULES, d ? d->name : "", d ? d->seq : 0, 0, 0,
                 "%s", msg);
}

/* ---- pack --------------------------------------------------------------- */

static void read_pack(pb *b) {
  static const char *const keys[] = {"name", "version", "title",
                                     "jurisdictions", NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  if (!b->pack) {
    pack_error(b,
               "missing section 'pack' (name, version, title, "
               "jurisdictions)");
    return;
  }
  const rxc__ynode *m = b->pack;
  if (!rxc__ld_map(ld, m, keys, "'pack'")) return;
  const char *what = "'pack'";
  b->name_node = rxc__ld_get(ld, m, "name", 1, what);
  p->info.name =
      rxc__ld_keep(ld, rxc__ld_id(ld, b->name_node, "name", RXC_ID_LOWER));
  if (!p->info.name) b->name_node = NULL;
  p->info.version =
      rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "version", 1, what), "version");
  p->info.title =
      rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "title", 1, what), "title");
  const rxc__ynode *j = rxc__ld_get(ld, m, "jurisdictions", 1, what);
  long cnt = rxc__ld_list(ld, j, "jurisdictions", "country codes", 0);
  if (cnt < 0) return;
  rxc__idref *refs = alloc_n(ld, &ld->tmp, (size_t)cnt, sizeof *refs);
  const char **list = alloc_n(ld, ld->arena, (size_t)cnt, sizeof *list);
  if (cnt && (!refs || !list)) return;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    const rxc__ynode *it = &j->kids[i];
    const char *s = rxc__ld_text(ld, it, "jurisdictions");
    if (!s) continue;
    if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
        s[1] > 'Z') {
      rxc__ld_error(ld, it,
                    "invalid jurisdiction '%s' (expected an ISO 3166-1 "
                    "alpha-2 code in upper case, e.g. US)",
                    s);
      continue;
    }
    refs[i].id = rxc__ld_keep(ld, s);
    refs[i].index = i;
    refs[i].node = it;
  }
  if (rxc__idmap_build(ld, &b->refs.jurisdictions, refs, (size_t)cnt,
                       "jurisdiction"))
    return;
  size_t k = 0;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    if (!refs[i].id) continue;
    const rxc__idref *r = rxc__idmap_find(&b->refs.jurisdictions, refs[i].id);
    if (r && r->index == i) list[k++] = refs[i].id;
  }
  p->info.jurisdictions = list;
  p->info.njurisdictions = k;
  b->refs.jur_ok = 1;
}

/* ---- sources ------------------------------------------------------------ */

static void read_sources(pb *b) {
  static const char *const keys[] = {"id", "citation", "url", "read", NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = b->sources.n;
  p->sources = alloc_n(ld, ld->arena, n, sizeof *p->sources);
  rxc__idref *refs = alloc_n(ld, &ld->tmp, n, sizeof *refs);
  if (n && (!p->sources || !refs)) return;
  p->nsources = n;
  for (size_t i = 0; i < n; i++) {
    const rxc__ynode *m = b->sources.v[i];
    if (!rxc__ld_map(ld, m, keys, "a source")) continue;
    const char *what = "a source";
    rxc__source *s = &p->sources[i];
    const rxc__ynode *id = rxc__ld_get(ld, m, "id", 1, what);
    s->id = rxc__ld_keep(ld, rxc__ld_id(ld, id, "id", RXC_ID_NAME));
    s->citation = rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "citation", 1, what),
                                    "citation");
    const rxc__ynode *url = rxc__ld_get(ld, m, "url", 0, what);
    if (url) s->url = rxc__ld_text_keep(ld, url, "url");
    const rxc__ynode *rd = rxc__ld_get(ld, m, "read", 1, what);
    if (rd && rxc__ld_date(ld, rd, "read", NULL))
      s->read = rxc__ld_keep(ld, rd->str);
    refs[i] = (rxc__idref){s->id, i, id};
  }
  rxc__idmap_build(ld, &b->refs.sources, refs, n, "source id");
}

/* ---- drug and formulations ---------------------------------------------- */

static int empty_list(const rxc__ynode *n) {
  return !n || (n->kind == RXC_Y_SEQ && n->n == 0);
}

static void read_formulations(pb *b, const rxc__ynode *list) {
  static const char *const keys[] = {"id",    "default", "codes",
                                     "names", "forms",   NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  long cnt = rxc__ld_list(ld, list, "formulations", "formulations", 0);
  if (cnt < 0) return;
  if (cnt == 0) {
    rxc__ld_error(ld, list, "expected at least one formulation");
    return;
  }
  size_t n = (size_t)cnt;
  rxc__formulation *tmp = alloc_n(ld, &ld->tmp, n, sizeof *tmp);
  const rxc__ynode **dflt = alloc_n(ld, &ld->tmp, n, sizeof *dflt);
  p->formulations = alloc_n(ld, ld->arena, n, sizeof *p->formulations);
  rxc__idref *refs = alloc_n(ld, &ld->tmp, n, sizeof *refs);
  if (!tmp || !dflt || !p->formulations || !refs) return;
  const rxc__ynode *first_default = NULL;
  size_t ndefault = 0;
  for (size_t i = 0; i < n; i++) {
    const rxc__ynode *m = &list->kids[i];
    if (!rxc__ld_map(ld, m, keys, "a formulation")) continue;
    const char *what = "a formulation";
    rxc__formulation *f = &tmp[i];
    const rxc__ynode *id = rxc__ld_get(ld, m, "id", 1, what);
    f->id = rxc__ld_keep(ld, rxc__ld_id(ld, id, "id", RXC_ID_LOWER));
    refs[i] = (rxc__idref){f->id, i, id};
    const rxc__ynode *d = rxc__ld_get(ld, m, "default", 0, what);
    if (d && rxc__ld_bool(ld, d, "default", &f->is_default) && f->is_default) {
      if (ndefault++) {
        char where[300];
        rxc__ld_error(
            ld, d,
            "formulation '%s' is marked default, and so is the one "
            "at %s (exactly one must be)",
            f->id ? f->id : "?",
            rxc__ld_where(first_default, d->doc, where, sizeof where));
      } else {
        first_default = d;
      }
      dflt[i] = d;
    }
    const rxc__ynode *codes = rxc__ld_get(ld, m, "codes", 0, what);
    const rxc__ynode *names = rxc__ld_get(ld, m, "names", 0, what);
    const rxc__ynode *forms = rxc__ld_get(ld, m, "forms", 0, what);
    if (codes) rxc__ld_codes(ld, codes, "codes", 1, 0, &f->codes);
    if (names) rxc__ld_patterns(ld, names, "names", &f->nnames, &f->names);
    if (forms) rxc__ld_patterns(ld, forms, "forms", &f->nforms, &f->forms);
    if (!f->is_default && empty_list(codes) && empty_list(names) &&
        empty_list(forms) && f->id)
      rxc__ld_error(ld, m,
                    "formulation '%s' can never be chosen: give it codes, "
                    "names or forms (only the default needs none)",
                    f->id);
  }
  if (ndefault == 0)
    rxc__ld_error(ld, list,
                  "no formulation is marked 'default: true' (exactly one "
                  "must be)");
  /* The evaluator tries formulations in order and falls back to the
   * default, which the model keeps last. */
  size_t k = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++) {
      if (tmp[i].is_default != pass) continue;
      p->formulations[k] = tmp[i];
      refs[i].index = k++;
    }
  p->nformulations = n;
  if (!rxc__idmap_build(ld, &b->refs.formulations, refs, n, "formulation id"))
    b->refs.form_ok = 1;
}

/* A list of plain names (known_names, lookalikes), kept lower-case for
 * comparison with what a user typed. */
static void read_names(rxc__ld *ld, const rxc__ynode *n, const char *key,
                       size_t *count, const char *const **out) {
  if (!n) return;
  long cnt = rxc__ld_list(ld, n, key, "names", 0);
  if (cnt <= 0) return;
  const char **names = rxc__arena_alloc(ld->arena, (size_t)cnt * sizeof *names);
  if (!names) {
    ld->oom = 1;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    const char *t = rxc__ld_text(ld, rxc__ld_item(n, i), key);
    if (!t) continue;
    char *low = (char *)rxc__ld_keep(ld, t);
    if (!low) return;
    for (char *c = low; *c; c++)
      if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    names[k++] = low;
  }
  *count = k;
  *out = names;
}

static void read_drug(pb *b) {
  static const char *const keys[] = {"id",          "label",
                                     "codes",       "names",
                                     "formulations", "known_names",
                                     "lookalikes",  NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  if (!b->drug) {
    pack_error(b, "missing section 'drug' (id, codes, names, formulations)");
    return;
  }
  const rxc__ynode *m = b->drug;
  if (!rxc__ld_map(ld, m, keys, "'drug'")) return;
  const char *what = "'drug'";
  p->info.drug = rxc__ld_keep(
      ld,
      rxc__ld_id(ld, rxc__ld_get(ld, m, "id", 1, what), "id", RXC_ID_LOWER));
  const rxc__ynode *label = rxc__ld_get(ld, m, "label", 0, what);
  p->drug_label = label ? rxc__ld_text_keep(ld, label, "label") : p->info.drug;
  const rxc__ynode *codes = rxc__ld_get(ld, m, "codes", 0, what);
  const rxc__ynode *names = rxc__ld_get(ld, m, "names", 0, what);
  if (codes) rxc__ld_codes(ld, codes, "codes", 1, 0, &p->drug_codes);
  if (names) rxc__ld_patterns(ld, names, "names", &p->nnames, &p->names);
  read_formulations(b, rxc__ld_get(ld, m, "formulations", 1, what));
  read_names(ld, rxc__ld_get(ld, m, "known_names", 0, what), "known_names",
             &p->info.nknown_names, &p->info.known_names);
  read_names(ld, rxc__ld_get(ld, m, "lookalikes", 0, what), "lookalikes",
             &p->info.nlookalikes, &p->info.lookalikes);
  /* A formulation's code is a code of the drug: it puts a record in scope
   * as well as choosing the formulation. */
  int fcodes = 0;
  for (size_t i = 0; i < p->nformulations && !ld->oom; i++) {
    const rxc__codeset *fs = &p->formulations[i].codes;
    for (int sys = 0; sys < RXC_SYS__COUNT; sys++)
      for (size_t k = 0; k < fs->n[sys]; k++) {
        fcodes = 1;
        const char *c = fs->codes[sys][k];
        if (rxc__codeset_add(&p->drug_codes, (rxc_system)sys, c, strlen(c)))
          ld->oom = 1;
      }
  }
  rxc__codeset_seal(&p->drug_codes);
  if (empty_list(codes) && empty_list(names) && !fcodes)
    rxc__ld_error(ld, m,
                  "the drug needs 'codes' or 'names' to recognise records");
}

/* ---- indications -------------------------------------------------------- */

/* codes: {icd10: [F42], snomed: [191736004]} */
static void read_codemap(rxc__ld *ld, const rxc__ynode *m, const char *key,
                         rxc__codeset *set) {
  if (!m || m->kind == RXC_Y_BAD) return;
  if (m->kind != RXC_Y_MAP) {
    rxc__ld_error(ld, m,
                  "expected a mapping of code systems to lists of codes for "
                  "'%s' (e.g. icd10: [F42])",
                  key);
    return;
  }
  char what[64];
  snprintf(what, sizeof what, "'%s'", key);
  rxc__ld_map(ld, m, system_keys, what);
  if (m->n == 0)
    rxc__ld_error(ld, m, "expected at least one code in '%s'", key);
  for (size_t i = 0; i < m->n; i++) {
    const rxc__ynode *k = &m->kids[2 * i], *v = &m->kids[2 * i + 1];
    size_t s = 0;
    while (system_keys[s] && strcmp(system_keys[s], k->str)) s++;
    if (!system_keys[s]) continue; /* reported */
    rxc_system sys = rxc_system_lookup(k->str, k->len);
    long cnt = rxc__ld_list(ld, v, k->str, "codes", 1);
    if (cnt == 0) rxc__ld_error(ld, v, "expected at least one code");
    for (long j = 0; j < cnt; j++)
      (void)rxc__ld_code(ld, rxc__ld_item(v, (size_t)j), sys, 0, set);
  }
  rxc__codeset_seal(set);
}

static void read_indications(pb *b) {
  static const char *const keys[] = {"id",    "label",   "line",
                                     "codes", "exclude", NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = b->indications.n;
  p->indications = alloc_n(ld, ld->arena, n, sizeof *p->indications);
  rxc__idref *refs = alloc_n(ld, &ld->tmp, n, sizeof *refs);
  if (n && (!p->indications || !refs)) return;
  p->nindications = n;
  for (size_t i = 0; i < n; i++) {
    const rxc__ynode *m = b->indications.v[i];
    if (!rxc__ld_map(ld, m, keys, "an indication")) continue;
    const char *what = "an indication";
    rxc__indication *ind = &p->indications[i];
    const rxc__ynode *id = rxc__ld_get(ld, m, "id", 1, what);
    ind->id = rxc__ld_keep(ld, rxc__ld_id(ld, id, "id", RXC_ID_LOWER));
    refs[i] = (rxc__idref){ind->id, i, id};
    ind->label =
        rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "label", 1, what), "label");
    const rxc__ynode *line = rxc__ld_get(ld, m, "line", 0, what);
    if (line) ind->line = rxc__ld_text_keep(ld, line, "line");
    read_codemap(ld, rxc__ld_get(ld, m, "codes", 1, what), "codes",
                 &ind->codes);
    const rxc__ynode *ex = rxc__ld_get(ld, m, "exclude", 0, what);
    if (ex) read_codemap(ld, ex, "exclude", &ind->exclude);
  }
  if (!rxc__idmap_build(ld, &b->refs.indications, refs, n, "indication id"))
    b->refs.ind_ok = 1;
}

/* ---- regulatory rules and findings -------------------------------------- */

/* source: S1 -> index, or reports. */
static void read_source_ref(pb *b, const rxc__ynode *m, const char *rule_id,
                            size_t *out) {
  rxc__ld *ld = b->ld;
  const rxc__ynode *s = rxc__ynode_get(m, "source");
  if (!s) {
    if (rule_id)
      rxc__ld_error(ld, m, "rule '%s' has no source (every rule cites one)",
                    rule_id);
    else
      rxc__ld_error(ld, m, "rule has no source (every rule cites one)");
    return;
  }
  const char *id = rxc__ld_text(ld, s, "source");
  if (!id) return;
  const rxc__idref *r = rxc__idmap_find(&b->refs.sources, id);
  if (!r)
    rxc__ld_undeclared(ld, s, "source", id, &b->refs.sources);
  else
    *out = r->index;
}

static int parse_status(const char *s, rxc_verdict *out) {
  if (!strcmp(s, "approved")) return *out = RXC_V_APPROVED, 1;
  if (!strcmp(s, "off-label")) return *out = RXC_V_OFF_LABEL, 1;
  if (!strcmp(s, "unknown")) return *out = RXC_V_UNKNOWN, 1;
  return 0;
}

/* ---- rule versions and windows ------------------------------------------ */

static const char *version_text(rxc__ld *ld, const rxc__ynode *n) {
  const char *s = rxc__ld_text(ld, n, "version");
  if (!s) return NULL;
  size_t len = strlen(s);
  int ok = len > 0 && len <= 64;
  for (const char *c = s; ok && *c; c++)
    ok = rxc__isalpha((unsigned char)*c) || rxc__isdigit((unsigned char)*c) ||
         *c == '.' || *c == '-' || *c == '_' || *c == '+';
  if (!ok) {
    rxc__ld_error(ld, n,
                  "invalid version '%s' (expected letters, digits, '.', '-', "
                  "'_' or '+', at most 64, e.g. 2 or 2024-01)",
                  s);
    return NULL;
  }
  return rxc__ld_keep(ld, s);
}

static void day_text(long day, char *buf, size_t size) {
  snprintf(buf, size, "%04ld-%02ld-%02ld", day / 10000, day / 100 % 100,
           day % 100);
}

static rxc_date day_date(long day) {
  rxc_date d = {0, 0, 0};
  if (day > 0 && day < RXC__DAY_MAX) {
    d.year = (int)(day / 10000);
    d.month = (int)(day / 100 % 100);
    d.day = (int)(day % 100);
  }
  return d;
}

/* `version`, `valid_from` and `valid_until`, which every rule may carry:
 * the version defaults to the pack's, an absent end of the window is
 * open. */
static void read_dating(pb *b, const rxc__ynode *m, const char *what,
                        const char **version, rxc__window *w) {
  rxc__ld *ld = b->ld;
  w->from = 0;
  w->until = RXC__DAY_MAX;
  *version = b->p->info.version;
  const rxc__ynode *v = rxc__ld_get(ld, m, "version", 0, what);
  if (v) {
    const char *s = version_text(ld, v);
    if (s) *version = s;
  }
  const rxc__ynode *from = rxc__ld_get(ld, m, "valid_from", 0, what);
  const rxc__ynode *until = rxc__ld_get(ld, m, "valid_until", 0, what);
  rxc_date d;
  int fok = from && rxc__ld_date(ld, from, "valid_from", &d);
  if (fok) w->from = rxc__day(d);
  int uok = until && rxc__ld_date(ld, until, "valid_until", &d);
  if (uok) w->until = rxc__day(d);
  if (fok && uok && w->from > w->until)
    rxc__ld_error(ld, until,
                  "'valid_until' %s is before 'valid_from' %s: the rule would "
                  "never be in force",
                  until->str, from->str);
}

static void read_age(rxc__ld *ld, const rxc__ynode *a, rxc__regrule *r) {
  static const char *const keys[] = {"min", "max", NULL};
  if (!rxc__ld_map(ld, a, keys, "'age'")) return;
  const rxc__ynode *lo = rxc__ynode_get(a, "min");
  const rxc__ynode *hi = rxc__ynode_get(a, "max");
  if (!lo && !hi) {
    rxc__ld_error(ld, a, "expected 'min', 'max' or both in 'age'");
    return;
  }
  long v;
  if (lo && rxc__ld_int(ld, lo, "min", 0, 150, &v)) r->age_min = (int)v;
  if (hi && rxc__ld_int(ld, hi, "max", 0, 150, &v)) r->age_max = (int)v;
  if (r->age_min >= 0 && r->age_max >= 0 && r->age_min > r->age_max)
    rxc__ld_error(ld, hi, "age 'max' %d is below 'min' %d", r->age_max,
                  r->age_min);
}

static void read_regulatory(pb *b) {
  static const char *const keys[] = {
      "id",      "jurisdiction", "indication", "formulation",
      "age",     "status",       "line",       "reason",
      "source",  "version",      "valid_from", "valid_until",
      NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = b->regulatory.n;
  p->regrules = alloc_n(ld, ld->arena, n, sizeof *p->regrules);
  b->reg_nodes = alloc_n(ld, &ld->tmp, n, sizeof *b->reg_nodes);
  b->reg_ok = alloc_n(ld, &ld->tmp, n, 1);
  if (n && (!p->regrules || !b->reg_nodes || !b->reg_ok)) return;
  p->nregrules = n;
  for (size_t i = 0; i < n && !ld->oom; i++) {
    const rxc__ynode *m = b->regulatory.v[i];
    rxc__regrule *r = &p->regrules[i];
    r->formulation = -1;
    r->age_min = r->age_max = -1;
    r->window = (rxc__window){0, RXC__DAY_MAX};
    r->info = i;
    b->reg_nodes[i] = m;
    unsigned long errors = ld->nerrors;
    if (!rxc__ld_map(ld, m, keys, "a regulatory rule")) continue;
    const char *what = "a regulatory rule";
    r->id = rxc__ld_keep(ld, rxc__ld_id(ld, rxc__ld_get(ld, m, "id", 1, what),
                                        "id", RXC_ID_NAME));
    /* jurisdiction: one code or a list */
    const rxc__ynode *j = rxc__ld_get(ld, m, "jurisdiction", 1, what);
    long cnt = rxc__ld_list(ld, j, "jurisdiction", "country codes", 1);
    if (cnt == 0) rxc__ld_error(ld, j, "expected at least one jurisdiction");
    if (cnt > 0) {
      r->jurisdictions =
          alloc_n(ld, ld->arena, (size_t)cnt, sizeof *r->jurisdictions);
      if (!r->jurisdictions) return;
      for (size_t k = 0; k < (size_t)cnt; k++) {
        const rxc__ynode *it = rxc__ld_item(j, k);
        const char *s = rxc__ld_text(ld, it, "jurisdiction");
        if (!s || !b->refs.jur_ok) continue;
        const rxc__idref *ref = rxc__idmap_find(&b->refs.jurisdictions, s);
        if (!ref) {
          rxc__ld_undeclared(ld, it, "jurisdiction", s, &b->refs.jurisdictions);
          continue;
        }
        for (size_t q = 0; q < r->njur; q++)
          if (r->jurisdictions[q] == ref->id)
            rxc__ld_error(ld, it, "jurisdiction '%s' is listed twice", s);
        r->jurisdictions[r->njur++] = ref->id;
      }
    }
    /* indication: one id or a list */
    const rxc__ynode *ind = rxc__ld_get(ld, m, "indication", 1, what);
    cnt = rxc__ld_list(ld, ind, "indication", "indication ids", 1);
    if (cnt == 0) rxc__ld_error(ld, ind, "expected at least one indication");
    if (cnt > 0) {
      r->indications =
          alloc_n(ld, ld->arena, (size_t)cnt, sizeof *r->indications);
      if (!r->indications) return;
      for (size_t k = 0; k < (size_t)cnt; k++) {
        const rxc__ynode *it = rxc__ld_item(ind, k);
        const char *s = rxc__ld_text(ld, it, "indication");
        if (!s || !b->refs.ind_ok) continue;
        const rxc__idref *ref = rxc__idmap_find(&b->refs.indications, s);
        if (!ref) {
          rxc__ld_undeclared(ld, it, "indication", s, &b->refs.indications);
          continue;
        }
        for (size_t q = 0; q < r->nind; q++)
          if (r->indications[q] == ref->index)
            rxc__ld_error(ld, it, "indication '%s' is listed twice", s);
        r->indications[r->nind++] = ref->index;
      }
    }
    const rxc__ynode *f = rxc__ld_get(ld, m, "formulation", 0, what);
    if (f) {
      const char *s = rxc__ld_text(ld, f, "formulation");
      if (s && b->refs.form_ok) {
        const rxc__idref *ref = rxc__idmap_find(&b->refs.formulations, s);
        if (ref)
          r->formulation = (int)ref->index;
        else
          rxc__ld_undeclared(ld, f, "formulation", s, &b->refs.formulations);
      }
    }
    const rxc__ynode *age = rxc__ld_get(ld, m, "age", 0, what);
    if (age) read_age(ld, age, r);
    const rxc__ynode *st = rxc__ld_get(ld, m, "status", 1, what);
    const char *s = rxc__ld_text(ld, st, "status");
    if (s && !parse_status(s, &r->status)) {
      static const char *const cands[] = {"approved", "off-label", "unknown"};
      const char *hint = rxc__ld_suggest(s, cands, 3);
      rxc__ld_error(ld, st,
                    "unknown status '%s' (expected approved, off-label or "
                    "unknown)%s%s%s",
                    s, hint ? "; did you mean '" : "", hint ? hint : "",
                    hint ? "'?" : "");
    }
    const rxc__ynode *line = rxc__ld_get(ld, m, "line", 0, what);
    if (line) r->line = rxc__ld_text_keep(ld, line, "line");
    r->reason =
        rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "reason", 1, what), "reason");
    read_source_ref(b, m, r->id, &r->source);
    read_dating(b, m, what, &r->version, &r->window);
    b->reg_ok[i] = ld->nerrors == errors;
  }
}

static int parse_severity(const char *s, rxc_severity *out) {
  for (int i = 0; i < RXC_SEV__COUNT; i++)
    if (!strcmp(s, rxc__severity_names[i])) return *out = (rxc_severity)i, 1;
  return 0;
}

static void read_findings(pb *b) {
  static const char *const keys[] = {
      "id",     "kind",   "severity", "when",       "message",     "mechanism",
      "action", "source", "version",  "valid_from", "valid_until", NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = b->findings.n;
  p->findings = alloc_n(ld, ld->arena, n, sizeof *p->findings);
  b->find_nodes = alloc_n(ld, &ld->tmp, n, sizeof *b->find_nodes);
  if (n && (!p->findings || !b->find_nodes)) return;
  p->nfindings = n;
  for (size_t i = 0; i < n && !ld->oom; i++) {
    const rxc__ynode *m = b->findings.v[i];
    rxc__finding_rule *f = &p->findings[i];
    f->info = p->nregrules + i;
    f->window = (rxc__window){0, RXC__DAY_MAX};
    b->find_nodes[i] = m;
    if (!rxc__ld_map(ld, m, keys, "a finding")) continue;
    const char *what = "a finding";
    f->id = rxc__ld_keep(ld, rxc__ld_id(ld, rxc__ld_get(ld, m, "id", 1, what),
                                        "id", RXC_ID_NAME));
    const rxc__ynode *kind = rxc__ld_get(ld, m, "kind", 1, what);
    const char *k = rxc__ld_text(ld, kind, "kind");
    if (k) {
      int ok = k[0] != '\0' && strlen(k) <= 64;
      for (const char *c = k; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || *c == '-';
      if (ok)
        f->kind = rxc__ld_keep(ld, k);
      else
        rxc__ld_error(ld, kind,
                      "invalid kind '%s' (expected lower-case letters and -, "
                      "e.g. interaction, dose, age)",
                      k);
    }
    const rxc__ynode *sev = rxc__ld_get(ld, m, "severity", 1, what);
    const char *s = rxc__ld_text(ld, sev, "severity");
    if (s && !parse_severity(s, &f->severity)) {
      const char *hint = rxc__ld_suggest(s, rxc__severity_names, RXC_SEV__COUNT);
      rxc__ld_error(ld, sev,
                    "unknown severity '%s' (expected contraindicated, major, "
                    "moderate, minor or info)%s%s%s",
                    s, hint ? "; did you mean '" : "", hint ? hint : "",
                    hint ? "'?" : "");
    }
    const rxc__ynode *when = rxc__ld_get(ld, m, "when", 1, what);
    if (when) rxc__cond_build(ld, when, &b->refs, &f->when);
    f->message = rxc__ld_text_keep(ld, rxc__ld_get(ld, m, "message", 1, what),
                                   "message");
    const rxc__ynode *mech = rxc__ld_get(ld, m, "mechanism", 0, what);
    if (mech) f->mechanism = rxc__ld_text_keep(ld, mech, "mechanism");
    const rxc__ynode *act = rxc__ld_get(ld, m, "action", 0, what);
    if (act) f->action = rxc__ld_text_keep(ld, act, "action");
    read_source_ref(b, m, f->id, &f->source);
    read_dating(b, m, what, &f->version, &f->window);
  }
}

/* Rule ids are unique across regulatory rules and findings. */
static void index_rules(pb *b) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = p->nregrules + p->nfindings;
  rxc__idref *refs = alloc_n(ld, &ld->tmp, n, sizeof *refs);
  if (n && !refs) return;
  for (size_t i = 0; i < p->nregrules; i++)
    if (p->regrules[i].id)
      refs[i] = (rxc__idref){p->regrules[i].id, i,
                             rxc__ynode_get(b->reg_nodes[i], "id")};
  for (size_t i = 0; i < p->nfindings; i++)
    if (p->findings[i].id)
      refs[p->nregrules + i] =
          (rxc__idref){p->findings[i].id, p->nregrules + i,
                       rxc__ynode_get(b->find_nodes[i], "id")};
  rxc__idmap_build(ld, &b->refs.rules, refs, n, "rule id");
}

/* ---- tests -------------------------------------------------------------- */

/* A record value as text: numbers as written, a list joined with ';'. */
static const char *record_value(rxc__ld *ld, const rxc__ynode *k,
                                const rxc__ynode *v) {
  if (v->kind == RXC_Y_BAD) return NULL;
  if (v->kind == RXC_Y_SCALAR)
    return rxc__ld_keep(ld, rxc__ynode_is_null(v) ? "" : v->str);
  if (v->kind == RXC_Y_SEQ) {
    sbuf sb = {0};
    for (size_t i = 0; i < v->n; i++) {
      const rxc__ynode *it = &v->kids[i];
      if (it->kind != RXC_Y_SCALAR || rxc__ynode_is_null(it)) {
        if (it->kind != RXC_Y_BAD)
          rxc__ld_error(ld, it, "expected text items in '%s'", k->str);
        rxc__free(sb.p);
        return NULL;
      }
      if (i) sb_add(&sb, ";", 1);
      sb_puts(&sb, it->str);
    }
    return sb_keep(ld, &sb);
  }
  rxc__ld_error(ld, v, "expected text or a list of text for '%s'", k->str);
  return NULL;
}

/* expect.indications / rules / findings: a list of declared ids. */
static void read_id_set(pb *b, const rxc__ynode *v, const char *key, int kind,
                        int *has, size_t *n, const char ***out) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  long cnt = rxc__ld_list(ld, v, key, "ids", 0);
  if (cnt < 0) return;
  *has = 1;
  const char **ids = alloc_n(ld, ld->arena, (size_t)cnt, sizeof *ids);
  if (cnt && !ids) return;
  size_t k = 0;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    const rxc__ynode *it = &v->kids[i];
    const char *s = rxc__ld_text(ld, it, key);
    if (!s) continue;
    if (kind == 0) { /* indications */
      if (b->refs.ind_ok && !rxc__idmap_find(&b->refs.indications, s)) {
        rxc__ld_undeclared(ld, it, "indication", s, &b->refs.indications);
        continue;
      }
    } else {
      const rxc__idref *r = rxc__idmap_find(&b->refs.rules, s);
      if (!r) {
        rxc__ld_undeclared(ld, it, "rule", s, &b->refs.rules);
        continue;
      }
      int is_reg = r->index < p->nregrules;
      if (kind == 1 && !is_reg) {
        rxc__ld_error(ld, it,
                      "'%s' is a finding, not a regulatory rule (list it "
                      "under 'findings')",
                      s);
        continue;
      }
      if (kind == 2 && is_reg) {
        rxc__ld_error(ld, it,
                      "'%s' is a regulatory rule, not a finding (list it "
                      "under 'rules')",
                      s);
        continue;
      }
    }
    if ((ids[k] = rxc__ld_keep(ld, s)) != NULL) k++;
  }
  *out = ids;
  *n = k;
}

static void read_expect(pb *b, const rxc__ynode *e, rxc__test_case *t) {
  static const char *const keys[] = {"status", "formulation", "indications",
                                     "rules",  "findings",    NULL};
  rxc__ld *ld = b->ld;
  if (!rxc__ld_map(ld, e, keys, "'expect'")) return;
  const rxc__ynode *st = rxc__ynode_get(e, "status");
  if (st) {
    const char *s = rxc__ld_text(ld, st, "status");
    int ok = 0;
    for (int i = 0; s && i < RXC_V__COUNT; i++)
      if (!strcmp(s, rxc__verdict_names[i])) ok = 1;
    if (s && !ok) {
      const char *hint = rxc__ld_suggest(s, rxc__verdict_names, RXC_V__COUNT);
      rxc__ld_error(ld, st,
                    "unknown status '%s' (expected approved, off-label, "
                    "unknown, no-indication or out-of-scope)%s%s%s",
                    s, hint ? "; did you mean '" : "", hint ? hint : "",
                    hint ? "'?" : "");
    } else if (s) {
      t->status = rxc__ld_keep(ld, s);
    }
  }
  const rxc__ynode *f = rxc__ynode_get(e, "formulation");
  if (f) {
    const char *s = rxc__ld_text(ld, f, "formulation");
    if (s && b->refs.form_ok && !rxc__idmap_find(&b->refs.formulations, s))
      rxc__ld_undeclared(ld, f, "formulation", s, &b->refs.formulations);
    else if (s)
      t->formulation = rxc__ld_keep(ld, s);
  }
  const rxc__ynode *v;
  if ((v = rxc__ynode_get(e, "indications")) != NULL)
    read_id_set(b, v, "indications", 0, &t->has_indications, &t->nindications,
                &t->indications);
  if ((v = rxc__ynode_get(e, "rules")) != NULL)
    read_id_set(b, v, "rules", 1, &t->has_rules, &t->nrules, &t->rules);
  if ((v = rxc__ynode_get(e, "findings")) != NULL)
    read_id_set(b, v, "findings", 2, &t->has_findings, &t->nfindings,
                &t->findings);
}

static void read_tests(pb *b) {
  static const char *const keys[] = {"name", "record", "as_of", "expect",
                                     NULL};
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = b->tests.n;
  p->tests = alloc_n(ld, ld->arena, n, sizeof *p->tests);
  rxc__idref *refs = alloc_n(ld, &ld->tmp, n, sizeof *refs);
  if (n && (!p->tests || !refs)) return;
  p->ntests = n;
  for (size_t i = 0; i < n && !ld->oom; i++) {
    const rxc__ynode *m = b->tests.v[i];
    rxc__test_case *t = &p->tests[i];
    t->file = rxc__ld_keep(ld, m->doc->name);
    t->line = m->line;
    if (!rxc__ld_map(ld, m, keys, "a test")) continue;
    const char *what = "a test";
    const rxc__ynode *name = rxc__ld_get(ld, m, "name", 1, what);
    t->name = rxc__ld_text_keep(ld, name, "name");
    refs[i] = (rxc__idref){t->name, i, name};
    const rxc__ynode *rec = rxc__ld_get(ld, m, "record", 1, what);
    if (rxc__ld_map(ld, rec, field_names, "'record' (a record's columns)")) {
      t->keys = alloc_n(ld, ld->arena, rec->n, sizeof *t->keys);
      t->values = alloc_n(ld, ld->arena, rec->n, sizeof *t->values);
      if (rec->n && (!t->keys || !t->values)) return;
      for (size_t k = 0; k < rec->n; k++) {
        const rxc__ynode *key = &rec->kids[2 * k];
        size_t f = 0;
        while (field_names[f] && strcmp(field_names[f], key->str)) f++;
        if (!field_names[f]) continue; /* reported */
        const char *val = record_value(ld, key, &rec->kids[2 * k + 1]);
        if (!val) continue;
        t->keys[t->nkeys] = field_names[f];
        t->values[t->nkeys++] = val;
      }
    }
    const rxc__ynode *asof = rxc__ld_get(ld, m, "as_of", 0, what);
    if (asof) (void)rxc__ld_date(ld, asof, "as_of", &t->as_of);
    const rxc__ynode *e = rxc__ld_get(ld, m, "expect", 0, what);
    if (e) read_expect(b, e, t);
  }
  rxc__idmap_build(ld, &(rxc__idmap){0}, refs, n, "test name");
}

/* ---- checks across the pack --------------------------------------------- */

typedef struct ovl {
  const char *jur;
  size_t ind;
  size_t rule;
} ovl;

static int cmp_ovl(const void *x, const void *y) {
  const ovl *a = x, *b = y;
  int r = strcmp(a->jur, b->jur);
  if (r) return r;
  if (a->ind != b->ind) return a->ind < b->ind ? -1 : 1;
  return a->rule < b->rule ? -1 : a->rule > b->rule;
}

typedef struct opair {
  size_t first, second;
  const char *jur;
  size_t ind;
} opair;

static int cmp_pair(const void *x, const void *y) {
  const opair *a = x, *b = y;
  if (a->second != b->second) return a->second < b->second ? -1 : 1;
  return a->first < b->first ? -1 : a->first > b->first;
}

/* Overlapping pairs reported at most; a pack with more is hopeless. */
enum { MAX_OVERLAPS = 1000 };

/* The days both rules are in force: [*from, *until], empty when
 * *from > *until. */
static void common_days(const rxc__regrule *a, const rxc__regrule *b,
                        long *from, long *until) {
  *from = a->window.from > b->window.from ? a->window.from : b->window.from;
  *until =
      a->window.until < b->window.until ? a->window.until : b->window.until;
}

static int overlaps(const rxc__regrule *a, const rxc__regrule *b) {
  if (a->formulation >= 0 && b->formulation >= 0 &&
      a->formulation != b->formulation)
    return 0;
  long from, until;
  common_days(a, b, &from, &until);
  if (from > until) return 0; /* never in force on the same day */
  int lo = a->age_min > b->age_min ? a->age_min : b->age_min;
  int ahi = a->age_max < 0 ? 1000 : a->age_max;
  int bhi = b->age_max < 0 ? 1000 : b->age_max;
  int hi = ahi < bhi ? ahi : bhi;
  return (lo < 0 ? 0 : lo) <= hi;
}

static void report_overlap(pb *b, const opair *o) {
  rxc__pack *p = b->p;
  const rxc__regrule *a = &p->regrules[o->first];
  const rxc__regrule *c = &p->regrules[o->second];
  const rxc__ynode *an = b->reg_nodes[o->first];
  const rxc__ynode *cn = b->reg_nodes[o->second];
  int f = a->formulation >= 0 ? a->formulation : c->formulation;
  int lo = a->age_min > c->age_min ? a->age_min : c->age_min;
  int ahi = a->age_max < 0 ? 1000 : a->age_max;
  int chi = c->age_max < 0 ? 1000 : c->age_max;
  int hi = ahi < chi ? ahi : chi;
  char ages[64], where[300], days[160] = "", d1[64], d2[64];
  if (lo <= 0 && hi == 1000)
    snprintf(ages, sizeof ages, "any age");
  else if (hi == 1000)
    snprintf(ages, sizeof ages, "age %d+", lo);
  else
    snprintf(ages, sizeof ages, "age %d-%d", lo < 0 ? 0 : lo, hi);
  long from, until;
  common_days(a, c, &from, &until);
  day_text(from, d1, sizeof d1);
  day_text(until, d2, sizeof d2);
  if (from > 0 && until < RXC__DAY_MAX)
    snprintf(days, sizeof days, ", %s to %s", d1, d2);
  else if (from > 0)
    snprintf(days, sizeof days, ", from %s", d1);
  else if (until < RXC__DAY_MAX)
    snprintf(days, sizeof days, ", until %s", d2);
  rxc__ld_error(
      b->ld, cn,
      "regulatory rule '%s' overlaps rule '%s' (%s): both can decide %s, "
      "%s, %s, %s%s",
      c->id, a->id, rxc__ld_where(an, cn->doc, where, sizeof where), o->jur,
      p->indications[o->ind].id,
      f >= 0 ? p->formulations[f].id : "any formulation", ages, days);
}

static void check_overlaps(pb *b) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = 0;
  for (size_t i = 0; i < p->nregrules; i++)
    if (b->reg_ok[i]) n += p->regrules[i].njur * p->regrules[i].nind;
  if (n < 2) return;
  ovl *v = rxc__malloc(n * sizeof *v);
  if (!v) {
    ld->oom = 1;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < p->nregrules; i++) {
    if (!b->reg_ok[i]) continue;
    const rxc__regrule *r = &p->regrules[i];
    for (size_t j = 0; j < r->njur; j++)
      for (size_t q = 0; q < r->nind; q++)
        v[k++] = (ovl){r->jurisdictions[j], r->indications[q], i};
  }
  qsort(v, n, sizeof *v, cmp_ovl);
  opair *pairs = NULL;
  size_t npairs = 0, cap = 0;
  int capped = 0;
  for (size_t g = 0; g < n && !ld->oom;) {
    size_t e = g + 1;
    while (e < n && !strcmp(v[e].jur, v[g].jur) && v[e].ind == v[g].ind) e++;
    for (size_t j = g + 1; j < e; j++)
      for (size_t i = g; i < j; i++) {
        if (!overlaps(&p->regrules[v[i].rule], &p->regrules[v[j].rule]))
          continue;
        if (npairs >= MAX_OVERLAPS) { /* more would not be shown */
          capped = 1;
          goto done;
        }
        if (rxc__grow((void **)&pairs, &cap, npairs + 1, sizeof *pairs)) {
          ld->oom = 1;
          break;
        }
        pairs[npairs++] = (opair){v[i].rule, v[j].rule, v[g].jur, v[g].ind};
      }
    g = e;
  }
done:
  if (npairs) qsort(pairs, npairs, sizeof *pairs, cmp_pair);
  for (size_t i = 0; i < npairs; i++) {
    if (i && pairs[i].first == pairs[i - 1].first &&
        pairs[i].second == pairs[i - 1].second)
      continue;
    report_overlap(b, &pairs[i]);
  }
  if (capped)
    pack_error(b,
               "too many overlapping regulatory rules: only the first "
               "ones are reported");
  rxc__free(pairs);
  rxc__free(v);
}

static void check_coverage(pb *b) {
  rxc__pack *p = b->p;
  const rxc__idmap *jm = &b->refs.jurisdictions;
  if (!b->refs.jur_ok) return;
  for (size_t i = 0; i < jm->n; i++) {
    int used = 0;
    for (size_t r = 0; r < p->nregrules && !used; r++)
      for (size_t j = 0; j < p->regrules[r].njur && !used; j++)
        used = !strcmp(p->regrules[r].jurisdictions[j], jm->v[i].id);
    if (!used)
      rxc__ld_error(b->ld, jm->v[i].node,
                    "jurisdiction '%s' is covered but has no regulatory rule "
                    "(write its approvals, or an explicit 'unknown' rule)",
                    jm->v[i].id);
  }
}

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_long(const void *x, const void *y) {
  long a = *(const long *)x, b = *(const long *)y;
  return a < b ? -1 : a > b;
}

static int leap_year(long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day after `day` (both rxc__day numbers). */
static long next_day(long day) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  long y = day / 10000, m = day / 100 % 100, d = day % 100;
  long last = mdays[m - 1] + (m == 2 && leap_year(y));
  if (d < last) return day + 1;
  if (m < 12) return y * 10000 + (m + 1) * 100 + 1;
  return (y + 1) * 10000 + 101;
}

/* "approved for <label> in: AU, CA, ..." over the approved rules of
 * indication i in force on `day` (0: all of them), or NULL when there is
 * none. v has room for every jurisdiction of every rule. */
static const char *approved_text(pb *b, size_t i, long day, const char **v) {
  rxc__pack *p = b->p;
  const rxc__indication *ind = &p->indications[i];
  size_t k = 0;
  for (size_t r = 0; r < p->nregrules; r++) {
    const rxc__regrule *rr = &p->regrules[r];
    if (rr->status != RXC_V_APPROVED || !rxc__in_force(&rr->window, day))
      continue;
    int has = 0;
    for (size_t q = 0; q < rr->nind; q++) has |= rr->indications[q] == i;
    if (!has) continue;
    for (size_t j = 0; j < rr->njur; j++) v[k++] = rr->jurisdictions[j];
  }
  if (!k || !ind->label) return NULL;
  qsort(v, k, sizeof *v, cmp_str);
  sbuf sb = {0};
  sb_puts(&sb, "approved for ");
  sb_puts(&sb, ind->label);
  sb_puts(&sb, " in: ");
  for (size_t j = 0; j < k; j++) {
    if (j && !strcmp(v[j], v[j - 1])) continue;
    if (j) sb_puts(&sb, ", ");
    sb_puts(&sb, v[j]);
  }
  return sb_keep(b->ld, &sb);
}

static int same_text(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

/* When approvals of indication i have windows, the "approved in" text
 * changes on the days a window opens or closes: one period per stretch
 * of days with the same text. */
static void approved_periods(pb *b, size_t i, const char **v, long *starts) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  rxc__indication *ind = &p->indications[i];
  size_t n = 0;
  for (size_t r = 0; r < p->nregrules; r++) {
    const rxc__regrule *rr = &p->regrules[r];
    if (rr->status != RXC_V_APPROVED) continue;
    int has = 0;
    for (size_t q = 0; q < rr->nind; q++) has |= rr->indications[q] == i;
    if (!has) continue;
    if (rr->window.from > 0) starts[n++] = rr->window.from;
    if (rr->window.until < RXC__DAY_MAX)
      starts[n++] = next_day(rr->window.until);
  }
  if (!n) return;
  qsort(starts, n, sizeof *starts, cmp_long);
  ind->periods = alloc_n(ld, ld->arena, n + 1, sizeof *ind->periods);
  if (!ind->periods) return;
  /* Before the first start: day 1 stands for every earlier day. */
  ind->periods[0].from = 0;
  ind->periods[0].approved_in = approved_text(b, i, 1, v);
  size_t k = 1;
  for (size_t j = 0; j < n && !ld->oom; j++) {
    if (j && starts[j] == starts[j - 1]) continue;
    const char *t = approved_text(b, i, starts[j], v);
    if (same_text(t, ind->periods[k - 1].approved_in)) continue;
    ind->periods[k].from = starts[j];
    ind->periods[k++].approved_in = t;
  }
  ind->nperiods = k;
}

static void approved_in(pb *b) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t total = 0;
  for (size_t r = 0; r < p->nregrules; r++) total += p->regrules[r].njur;
  if (!total) return;
  const char **v = rxc__malloc(total * sizeof *v);
  long *starts = rxc__malloc(2 * p->nregrules * sizeof *starts);
  if (!v || !starts) {
    ld->oom = 1;
    rxc__free(v);
    rxc__free(starts);
    return;
  }
  for (size_t i = 0; i < p->nindications && !ld->oom; i++) {
    p->indications[i].approved_in = approved_text(b, i, 0, v);
    if (!ld->oom) approved_periods(b, i, v, starts);
  }
  rxc__free(starts);
  rxc__free(v);
}

/* The rule's text from the file: from its first key to the end of its
 * last value, later lines shifted left by the rule's own indentation. */
static const char *rule_text(rxc__ld *ld, const rxc__ynode *m) {
  const char *s = m->doc->data + m->start;
  size_t n = m->end > m->start ? m->end - m->start : 0;
  while (n && rxc__isspace((unsigned char)s[n - 1])) n--;
  size_t indent = m->column > 0 ? m->column - 1 : 0;
  sbuf sb = {0};
  size_t i = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && s[e] != '\n') e++;
    if (e < n) e++;
    sb_add(&sb, s + i, e - i);
    i = e;
    for (size_t k = 0; k < indent && i < n && s[i] == ' '; k++) i++;
  }
  return sb_keep(ld, &sb);
}

static void rule_infos(pb *b) {
  rxc__ld *ld = b->ld;
  rxc__pack *p = b->p;
  size_t n = p->nregrules + p->nfindings;
  p->rules = alloc_n(ld, ld->arena, n, sizeof *p->rules);
  if (n && !p->rules) return;
  p->nrules = n;
  for (size_t i = 0; i < n && !ld->oom; i++) {
    rxc_rule_info *info = &p->rules[i];
    const rxc__ynode *m;
    size_t src;
    int is_reg = i < p->nregrules;
    if (is_reg) {
      const rxc__regrule *r = &p->regrules[i];
      m = b->reg_nodes[i];
      info->id = r->id;
      info->kind = "regulatory";
      src = r->source;
      sbuf sb = {0};
      sb_puts(&sb, rxc__verdict_names[r->status]);
      sb_puts(&sb, ":");
      for (size_t j = 0; j < r->njur; j++) {
        sb_puts(&sb, j ? "," : " ");
        sb_puts(&sb, r->jurisdictions[j]);
      }
      for (size_t j = 0; j < r->nind; j++) {
        sb_puts(&sb, j ? "," : " ");
        sb_puts(&sb, p->indications[r->indications[j]].id);
      }
      sb_puts(&sb, " ");
      sb_puts(&sb, r->formulation >= 0 ? p->formulations[r->formulation].id
                                       : "any formulation");
      char age[64] = "";
      if (r->age_min >= 0 && r->age_max >= 0)
        snprintf(age, sizeof age, " age %d-%d", r->age_min, r->age_max);
      else if (r->age_min >= 0)
        snprintf(age, sizeof age, " age %d+", r->age_min);
      else if (r->age_max >= 0)
        snprintf(age, sizeof age, " age 0-%d", r->age_max);
      sb_puts(&sb, age);
      info->summary = sb_keep(ld, &sb);
    } else {
      const rxc__finding_rule *f = &p->findings[i - p->nregrules];
      m = b->find_nodes[i - p->nregrules];
      info->id = f->id;
      info->kind = f->kind;
      info->summary = f->message;
      info->severity = rxc__severity_names[f->severity];
      src = f->source;
    }
    const rxc__window *w = is_reg ? &p->regrules[i].window
                                  : &p->findings[i - p->nregrules].window;
    info->version =
        is_reg ? p->regrules[i].version : p->findings[i - p->nregrules].version;
    info->valid_from = day_date(w->from);
    info->valid_until = day_date(w->until);
    info->pack = p->info.name;
    if (src < p->nsources) {
      info->source = p->sources[src].id;
      info->citation = p->sources[src].citation;
      info->url = p->sources[src].url;
    }
    info->file = rxc__ld_keep(ld, m->doc->name);
    info->line = m->line;
    info->text = rule_text(ld, m);
  }
}

int rxc__pack_build(rxc__ld *ld, rxc__ydoc *docs, size_t n, rxc__pack *p,
                    const rxc__ynode **name_node) {
  pb b;
  memset(&b, 0, sizeof b);
  b.ld = ld;
  b.p = p;
  b.docs = docs;
  b.ndocs = n;
  *name_node = NULL;
  gather(&b);
  if (!ld->oom) read_pack(&b);
  if (!ld->oom) read_sources(&b);
  if (!ld->oom) read_drug(&b);
  if (!ld->oom) read_indications(&b);
  if (!ld->oom) read_regulatory(&b);
  if (!ld->oom) read_findings(&b);
  if (!ld->oom) index_rules(&b);
  if (!ld->oom) read_tests(&b);
  if (!ld->oom) check_overlaps(&b);
  if (!ld->oom) check_coverage(&b);
  if (!ld->oom) approved_in(&b);
  if (!ld->oom) rule_infos(&b);
  *name_node = b.name_node;
  return ld->oom ? -1 : 0;
}
