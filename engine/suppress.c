/*
 * suppress.c - suppression files (`--suppress FILE`): loading, checking
 * against the loaded ruleset, and matching findings.
 *
 * A suppression file is YAML (see rules/README.md, "Suppression files"),
 * parsed into a tree with positions by yaml_doc.c. Its diagnostics go
 * through the rule loader's toolbox (rules_load.h: held back, sorted by
 * position, at most 1,000 then a count), so both kinds of file report
 * problems the same way: file:line:col: message, all of them, and any
 * error refuses the file as a whole. Messages may quote a rule id, a drug
 * code or a date, but never a patient_id or prescriber_id value: those
 * identify patients, so a message names the key only.
 *
 * Matching runs once per finding of every in-scope record, so the load
 * does the work: each entry's drug code is normalised once (codes.c, as
 * the records' are), and the entries that can still apply (not expired)
 * are indexed by rule id, sorted, so that a finding costs one binary
 * search plus a scan of the entries of its own rule, in file order.
 */
#include "rxcheck/suppress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_load.h"
#include "strutil.h"

/* A file larger than this is refused (a 10,000-entry file is about 2 MiB). */
#define SUPPRESS_FILE_MAX ((size_t)16 * 1024 * 1024)

/* Past this many errors, "did you mean" hints are not worked out: nobody
 * would see them (the rule loader holds at most 1,000 diagnostics). */
enum { HINT_LIMIT = 1000 };

/* What matching needs of an entry, prepared at load. */
typedef struct entry_key {
  rxc_str patient;     /* trimmed; len 0 when the entry gives none */
  rxc_str prescriber;  /* idem */
  rxc_system drug_sys; /* RXC_SYS_NONE when the entry gives no drug code */
  rxc_str drug_code;   /* normalised by rxc_code_parse */
} entry_key;

/* The live (not expired) entries sorted by rule id, then file order. */
typedef struct rule_ref {
  const char *rule;
  size_t entry;
} rule_ref;

struct rxc_suppressions {
  rxc__arena arena; /* everything below, and every string of the entries */
  rxc_suppression *v;
  entry_key *keys;
  size_t n;
  rule_ref *by_rule;
  size_t nlive;
};

static const char *const top_keys[] = {"suppressions", NULL};
static const char *const entry_keys[] = {
    "rule",   "patient_id", "prescriber_id", "drug_code",
    "reason", "owner",      "expires",       NULL};
static const char what_entry[] = "a suppression entry";

/* ---- the load --------------------------------------------------------- */

typedef struct sload {
  rxc__ld ld;
  const rxc_ruleset *rs;
  rxc_date on;
  rxc_suppressions *s;
  const char *const *finding_ids; /* for hints, built on first need */
  size_t nfinding_ids;
  int ids_ready;
  const char *file; /* the name, in the result's arena */
} sload;

static int date_cmp(rxc_date a, rxc_date b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

/* The ids of the ruleset's finding rules, for "did you mean". */
static void finding_ids(sload *L) {
  if (L->ids_ready) return;
  L->ids_ready = 1;
  size_t n = rxc_ruleset_nrules(L->rs);
  if (!n) return;
  const char **ids = rxc__arena_alloc(&L->ld.tmp, n * sizeof *ids);
  if (!ids) {
    L->ld.oom = 1;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(L->rs, i);
    if (r && r->id && r->kind && strcmp(r->kind, "regulatory") != 0)
      ids[k++] = r->id;
  }
  L->finding_ids = ids;
  L->nfinding_ids = k;
}

/* The trimmed text of string key `key` of entry m, kept in the result's
 * arena; *node is the value's node (NULL when the key is absent). Returns
 * NULL when the key is absent (reported if required) or after reporting a
 * value that is not text or is empty (`empty_hint` ends that message). */
static const char *read_text(sload *L, const rxc__ynode *m, const char *key,
                             int required, const char *empty_hint,
                             const rxc__ynode **node) {
  rxc__ld *ld = &L->ld;
  const rxc__ynode *n = rxc__ld_get(ld, m, key, required, what_entry);
  *node = n;
  if (!n) return NULL;
  const char *s = rxc__ld_text(ld, n, key);
  if (!s) return NULL;
  rxc_str t = rxc__trim((rxc_str){s, strlen(s)});
  if (!t.len) {
    rxc__ld_error(ld, n, "empty value for '%s'%s", key, empty_hint);
    return NULL;
  }
  char *d = rxc__arena_strndup(&L->s->arena, t.ptr, t.len);
  if (!d) ld->oom = 1;
  return d;
}

/* Checks the rule id against the ruleset. Returns 1 when the entry may
 * suppress it. */
static int check_rule(sload *L, const rxc__ynode *n, const char *id) {
  rxc__ld *ld = &L->ld;
  const rxc_rule_info *r = rxc_ruleset_find_rule(L->rs, id);
  if (!r) {
    const char *hint = NULL;
    if (ld->nerrors < HINT_LIMIT) {
      finding_ids(L);
      hint = rxc__ld_suggest(id, L->finding_ids, L->nfinding_ids);
    }
    if (hint)
      rxc__ld_error(ld, n,
                    "rule '%.128s' is not a finding rule of the loaded packs "
                    "(did you mean '%s'?)",
                    id, hint);
    else
      rxc__ld_error(
          ld, n, "rule '%.128s' is not a finding rule of the loaded packs", id);
    return 0;
  }
  if (!r->kind || strcmp(r->kind, "regulatory") == 0) {
    rxc__ld_error(ld, n,
                  "rule '%.128s' is a regulatory rule: only findings can be "
                  "suppressed",
                  id);
    return 0;
  }
  if (r->severity && strcmp(r->severity, "contraindicated") == 0) {
    rxc__ld_error(ld, n,
                  "rule '%.128s' is contraindicated: contraindicated findings "
                  "cannot be suppressed",
                  id);
    return 0;
  }
  return 1;
}

/* Reads entry i (mapping m) into L->s->v[i] and keys[i]. */
static void read_entry(sload *L, const rxc__ynode *m, size_t i) {
  rxc__ld *ld = &L->ld;
  rxc_suppressions *s = L->s;
  rxc_suppression *e = &s->v[i];
  entry_key *k = &s->keys[i];
  e->index = i;
  e->file = L->file;
  e->line = m->line;
  e->column = m->column;
  int wlen = snprintf(NULL, 0, "%s:%lu", e->file, e->line);
  char *entry = wlen < 0 ? NULL : rxc__arena_alloc(&s->arena, (size_t)wlen + 1);
  if (entry)
    snprintf(entry, (size_t)wlen + 1, "%s:%lu", e->file, e->line);
  else
    ld->oom = 1;
  e->entry = entry;
  if (!rxc__ld_map(ld, m, entry_keys, what_entry)) return;
  const rxc__ynode *n;

  e->rule = read_text(L, m, "rule", 1, "", &n);
  if (e->rule && !check_rule(L, n, e->rule)) e->rule = NULL;

  e->patient_id = read_text(L, m, "patient_id", 0,
                            " (leave the key out to match any patient)", &n);
  if (e->patient_id)
    k->patient = (rxc_str){e->patient_id, strlen(e->patient_id)};
  e->prescriber_id =
      read_text(L, m, "prescriber_id", 0,
                " (leave the key out to match any prescriber)", &n);
  if (e->prescriber_id)
    k->prescriber = (rxc_str){e->prescriber_id, strlen(e->prescriber_id)};

  e->drug_code = read_text(L, m, "drug_code", 0,
                           " (leave the key out to match any drug code)", &n);
  if (e->drug_code) {
    size_t len = strlen(e->drug_code);
    char *buf = rxc__arena_alloc(&s->arena, len + 1);
    rxc_code code;
    if (!buf) {
      ld->oom = 1;
    } else if (!rxc_code_parse(e->drug_code, len, 1, buf, &code)) {
      rxc__ld_error(ld, n,
                    "invalid drug code '%.64s' for 'drug_code' (expected "
                    "system:code such as rxnorm:903873, or a bare RxNorm, ATC "
                    "or BNF code)",
                    e->drug_code);
      e->drug_code = NULL;
    } else {
      k->drug_sys = code.system;
      k->drug_code = code.code; /* points into buf, in the arena */
    }
  }

  e->reason =
      read_text(L, m, "reason", 1, " (say why this finding is accepted)", &n);
  e->owner = read_text(L, m, "owner", 1,
                       " (name who answers for this suppression)", &n);

  const char *exp = read_text(L, m, "expires", 1, "", &n);
  if (exp) {
    size_t len = strlen(exp);
    if (len != 10 || !rxc_date_parse(exp, len, &e->expires))
      rxc__ld_error(ld, n,
                    "invalid date '%.64s' for 'expires' (expected YYYY-MM-DD)",
                    exp);
    else if (L->on.year != 0 && date_cmp(e->expires, L->on) < 0)
      e->expired = 1;
  }
}

static int cmp_ref(const void *x, const void *y) {
  const rule_ref *a = x, *b = y;
  int r = strcmp(a->rule, b->rule);
  if (r) return r;
  return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Builds the entries from the parsed document. */
static void build(sload *L, const rxc__ydoc *doc) {
  rxc__ld *ld = &L->ld;
  const rxc__ynode *root = doc->root;
  if (doc->failed) return;
  if (!root || rxc__ynode_is_null(root)) {
    rxc__ld_error_pos(ld, doc, 0, 0,
                      "the file is empty (expected a mapping with the key "
                      "'suppressions')");
    return;
  }
  if (root->kind == RXC_Y_BAD) return;
  if (root->kind != RXC_Y_MAP) {
    rxc__ld_error(ld, root,
                  "expected a mapping with the key 'suppressions' at the top "
                  "of the file, found %s",
                  root->kind == RXC_Y_SEQ ? "a list" : "text");
    return;
  }
  (void)rxc__ld_map(ld, root, top_keys, "the suppression file");
  const rxc__ynode *list =
      rxc__ld_get(ld, root, "suppressions", 1, "the suppression file");
  if (!list) return;
  long cnt = rxc__ld_list(ld, list, "suppressions", "suppression entries", 0);
  if (cnt <= 0) return;
  rxc_suppressions *s = L->s;
  size_t n = (size_t)cnt;
  s->v = rxc__arena_alloc(&s->arena, n * sizeof *s->v);
  s->keys = rxc__arena_alloc(&s->arena, n * sizeof *s->keys);
  s->by_rule = rxc__arena_alloc(&s->arena, n * sizeof *s->by_rule);
  if (!s->v || !s->keys || !s->by_rule) {
    ld->oom = 1;
    return;
  }
  s->n = n;
  for (size_t i = 0; i < n && !ld->oom; i++) read_entry(L, &list->kids[i], i);
  if (ld->nerrors || ld->oom) return;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!s->v[i].expired) s->by_rule[k++] = (rule_ref){s->v[i].rule, i};
  qsort(s->by_rule, k, sizeof *s->by_rule, cmp_ref);
  s->nlive = k;
}

rxc_status rxc_suppressions_load_mem(const char *name, const char *data,
                                     size_t len, const rxc_ruleset *rs,
                                     rxc_date on, rxc_diag_fn diag, void *ud,
                                     rxc_suppressions **out) {
  if (!out) return RXC_EUSAGE;
  *out = NULL;
  if (!rs || (!data && len)) return RXC_EUSAGE;
  if (!name) name = "(memory)";
  sload L;
  memset(&L, 0, sizeof L);
  L.ld.diag = diag;
  L.ld.ud = ud;
  L.rs = rs;
  L.on = on;
  L.s = rxc__calloc(1, sizeof *L.s);
  if (!L.s) return RXC_ENOMEM;
  L.ld.arena = &L.s->arena;
  L.file = rxc__ld_keep(&L.ld, name);
  rxc__ydoc doc;
  memset(&doc, 0, sizeof doc);
  doc.name = L.file ? L.file : name;
  doc.data = data ? data : "";
  doc.len = data ? len : 0;
  if (!L.ld.oom) {
    if (doc.len > SUPPRESS_FILE_MAX)
      rxc__ld_error_pos(&L.ld, &doc, 0, 0,
                        "the file is larger than 16 MiB; suppression files "
                        "are small");
    else if (rxc__ydoc_parse(&doc, &L.ld.tmp, rxc__ld_yaml_report, &L.ld))
      L.ld.oom = 1;
    else
      build(&L, &doc);
  }
  rxc_status st = RXC_OK;
  if (L.ld.oom)
    st = RXC_ENOMEM;
  else if (L.ld.nerrors)
    st = RXC_ERULES;
  rxc__ld_flush(&L.ld);
  rxc__arena_free(&L.ld.tmp);
  if (st != RXC_OK)
    rxc_suppressions_free(L.s);
  else
    *out = L.s;
  return st;
}

rxc_status rxc_suppressions_load(const char *path, const rxc_ruleset *rs,
                                 rxc_date on, rxc_diag_fn diag, void *ud,
                                 rxc_suppressions **out) {
  if (!out) return RXC_EUSAGE;
  *out = NULL;
  if (!path || !rs) return RXC_EUSAGE;
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int err = 0;
  if (!f) {
    err = errno;
  } else {
    for (;;) {
      if (rxc__grow((void **)&buf, &cap, len + 65536 + 1, 1)) {
        fclose(f);
        rxc__free(buf);
        return RXC_ENOMEM;
      }
      size_t k = fread(buf + len, 1, cap - len - 1, f);
      len += k;
      if (len > SUPPRESS_FILE_MAX) break; /* refused by the load */
      if (k == 0) {
        if (ferror(f)) err = errno ? errno : EIO;
        break;
      }
    }
    fclose(f);
  }
  if (err) {
    rxc__free(buf);
    if (diag) {
      rxc_error e;
      rxc_error_set(&e, RXC_EIO, path, 0, 0, "cannot read: %s", strerror(err));
      diag(&e, ud);
    }
    return RXC_EIO;
  }
  rxc_status st = rxc_suppressions_load_mem(path, buf ? buf : "", len, rs, on,
                                            diag, ud, out);
  rxc__free(buf);
  return st;
}

void rxc_suppressions_free(rxc_suppressions *s) {
  if (!s) return;
  rxc__arena_free(&s->arena);
  rxc__free(s);
}

size_t rxc_suppressions_count(const rxc_suppressions *s) {
  return s ? s->n : 0;
}

const rxc_suppression *rxc_suppressions_entry(const rxc_suppressions *s,
                                              size_t i) {
  if (!s || i >= s->n) return NULL;
  return &s->v[i];
}

/* ---- matching --------------------------------------------------------- */

/* A record's patient and prescriber are read from canon[] (the builder's
 * trimmed values of the canonical columns; empty when the export lacks the
 * column), so " P0042 " in an export matches an entry's P0042. */

static int same(rxc_str a, rxc_str b) {
  return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

const rxc_suppression *rxc_suppressions_match(const rxc_suppressions *s,
                                              const rxc_record *rec,
                                              const rxc_finding *f) {
  if (!s || !f || !f->rule || !s->nlive) return NULL;
  /* Defensive: the load refuses such entries, but a rule id may be shared
   * by packs, or a finding made by the engine itself. */
  if (f->severity == RXC_SEV_CONTRAINDICATED) return NULL;
  size_t lo = 0, hi = s->nlive;
  while (lo < hi) { /* the first entry of the rule */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(s->by_rule[mid].rule, f->rule) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < s->nlive && strcmp(s->by_rule[lo].rule, f->rule) == 0; lo++) {
    size_t i = s->by_rule[lo].entry;
    const entry_key *k = &s->keys[i];
    if (k->patient.len &&
        (!rec || !same(rec->canon[RXC_F_PATIENT_ID], k->patient)))
      continue;
    if (k->prescriber.len &&
        (!rec || !same(rec->canon[RXC_F_PRESCRIBER_ID], k->prescriber)))
      continue;
    if (k->drug_sys != RXC_SYS_NONE &&
        (!rec || rec->drug_code.system != k->drug_sys ||
         !same(rec->drug_code.code, k->drug_code)))
      continue;
    return &s->v[i];
  }
  return NULL;
}
