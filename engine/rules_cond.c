/*
 * rules_cond.c - `when` conditions: all / any / not and field predicates
 * (in, prefix, pattern, code, min, max, above, below), read from YAML into
 * rxc__cond trees in the model's arena. Checks that each test suits its
 * field (numbers for age and doses, codes for code fields), that ranges
 * are not empty, and that formulation, jurisdiction and indication values
 * name something the pack declares.
 */
#include <string.h>

#include "rules_load.h"
#include "strutil.h"

typedef enum fkind {
  F_TEXT,  /* text: in, prefix, pattern */
  F_CODE,  /* text or code: also `code` */
  F_NUMBER /* min, max, above, below */
} fkind;

typedef enum fref { R_NONE, R_FORMULATION, R_JURISDICTION, R_INDICATION } fref;

static const struct field {
  const char *name;
  rxc__cfield field;
  fkind kind;
  int is_drug; /* codes read with drug inference */
  fref ref;
} fields[] = {
    {"drug_name", RXC_CF_DRUG_NAME, F_TEXT, 0, R_NONE},
    {"drug_code", RXC_CF_DRUG_CODE, F_CODE, 1, R_NONE},
    {"form", RXC_CF_FORM, F_TEXT, 0, R_NONE},
    {"sex", RXC_CF_SEX, F_TEXT, 0, R_NONE},
    {"diagnosis_codes", RXC_CF_DIAGNOSIS_CODES, F_CODE, 0, R_NONE},
    {"co_medications", RXC_CF_CO_MEDICATIONS, F_CODE, 1, R_NONE},
    {"strength_mg", RXC_CF_STRENGTH_MG, F_NUMBER, 0, R_NONE},
    {"daily_dose_mg", RXC_CF_DAILY_DOSE_MG, F_NUMBER, 0, R_NONE},
    {"age", RXC_CF_AGE, F_NUMBER, 0, R_NONE},
    {"formulation", RXC_CF_FORMULATION, F_TEXT, 0, R_FORMULATION},
    {"jurisdiction", RXC_CF_JURISDICTION, F_TEXT, 0, R_JURISDICTION},
    {"indication", RXC_CF_INDICATION, F_TEXT, 0, R_INDICATION},
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

/* Every key a condition mapping may hold, for hints. */
static const char *const cond_keys[] = {"all",
                                        "any",
                                        "not",
                                        "drug_name",
                                        "drug_code",
                                        "form",
                                        "sex",
                                        "diagnosis_codes",
                                        "co_medications",
                                        "strength_mg",
                                        "daily_dose_mg",
                                        "age",
                                        "formulation",
                                        "jurisdiction",
                                        "indication"};

static const char *const pred_keys[] = {
    "in", "prefix", "pattern", "code", "min", "max", "above", "below", NULL};

static const struct field *find_field(const char *name) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (strcmp(fields[i].name, name) == 0) return &fields[i];
  return NULL;
}

/* Reads `in` values: text, trimmed, checked against declared ids. */
static void read_in(rxc__ld *ld, const struct field *f, const rxc__ynode *v,
                    const rxc__refs *r, rxc__pred *p) {
  long cnt = rxc__ld_list(ld, v, "in", "values", 1);
  if (cnt < 0) return;
  const char **vals = NULL;
  if (cnt > 0) {
    vals = rxc__arena_alloc(ld->arena, (size_t)cnt * sizeof *vals);
    if (!vals) {
      ld->oom = 1;
      return;
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    const rxc__ynode *it = rxc__ld_item(v, i);
    const char *s = rxc__ld_text(ld, it, f->name);
    if (!s) continue;
    rxc_str t = rxc__trim((rxc_str){s, strlen(s)});
    char *val = rxc__arena_strndup(ld->arena, t.ptr, t.len);
    if (!val) {
      ld->oom = 1;
      return;
    }
    if (f->ref == R_JURISDICTION)
      for (char *c = val; *c; c++) *c = (char)rxc__upper((unsigned char)*c);
    if (f->ref == R_FORMULATION && r->form_ok &&
        !rxc__idmap_find(&r->formulations, val))
      rxc__ld_undeclared(ld, it, "formulation", val, &r->formulations);
    if (f->ref == R_INDICATION && r->ind_ok &&
        !rxc__idmap_find(&r->indications, val))
      rxc__ld_undeclared(ld, it, "indication", val, &r->indications);
    if (f->ref == R_JURISDICTION && r->jur_ok &&
        !rxc__idmap_find(&r->jurisdictions, val))
      rxc__ld_undeclared(ld, it, "jurisdiction", val, &r->jurisdictions);
    vals[k++] = val;
  }
  p->in = vals;
  p->nin = k;
  p->tests |= RXC_P_IN;
}

static void read_prefix(rxc__ld *ld, const rxc__ynode *v, rxc__pred *p) {
  long cnt = rxc__ld_list(ld, v, "prefix", "prefixes", 1);
  if (cnt <= 0) {
    if (cnt == 0) rxc__ld_error(ld, v, "expected at least one prefix");
    return;
  }
  const char **vals = rxc__arena_alloc(ld->arena, (size_t)cnt * sizeof *vals);
  if (!vals) {
    ld->oom = 1;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < (size_t)cnt; i++) {
    const char *s = rxc__ld_text(ld, rxc__ld_item(v, i), "prefix");
    if (s && (vals[k] = rxc__ld_keep(ld, s)) != NULL) k++;
  }
  p->prefix = vals;
  p->nprefix = k;
  p->tests |= RXC_P_PREFIX;
}

/* A field's predicate: a mapping of tests, or a scalar or list meaning
 * `in`. */
static void build_pred(rxc__ld *ld, const struct field *f,
                       const rxc__ynode *key, const rxc__ynode *v,
                       const rxc__refs *r, rxc__pred *p) {
  p->field = f->field;
  if (v->kind == RXC_Y_BAD) return;
  if (v->kind != RXC_Y_MAP) {
    if (f->kind == F_NUMBER) {
      rxc__ld_error(ld, v,
                    "expected a mapping of min, max, above or below for "
                    "'%s'",
                    f->name);
      return;
    }
    if (v->kind == RXC_Y_SEQ && v->n == 0) {
      rxc__ld_error(ld, v, "expected at least one value for '%s'", f->name);
      return;
    }
    read_in(ld, f, v, r, p);
    return;
  }
  if (!rxc__ld_map(ld, v, pred_keys, "a predicate")) return;
  if (v->n == 0) {
    rxc__ld_error(ld, key, "empty predicate for '%s'", f->name);
    return;
  }
  const rxc__ynode *lo = NULL, *hi = NULL;
  for (size_t i = 0; i < v->n; i++) {
    const rxc__ynode *k = &v->kids[2 * i], *val = &v->kids[2 * i + 1];
    const char *t = k->str;
    int numeric = !strcmp(t, "min") || !strcmp(t, "max") ||
                  !strcmp(t, "above") || !strcmp(t, "below");
    int known = numeric || !strcmp(t, "in") || !strcmp(t, "prefix") ||
                !strcmp(t, "pattern") || !strcmp(t, "code");
    if (!known) continue; /* reported by rxc__ld_map */
    if (numeric && f->kind != F_NUMBER) {
      rxc__ld_error(ld, k, "'%s' applies to numbers; '%s' is text", t, f->name);
      continue;
    }
    if (!numeric && f->kind == F_NUMBER) {
      rxc__ld_error(ld, k,
                    "'%s' applies to text; '%s' is a number (use min, max, "
                    "above or below)",
                    t, f->name);
      continue;
    }
    if (!strcmp(t, "code") && f->kind != F_CODE) {
      rxc__ld_error(ld, k,
                    "'code' applies to drug_code, diagnosis_codes and "
                    "co_medications, not '%s'",
                    f->name);
      continue;
    }
    if (!strcmp(t, "in")) {
      read_in(ld, f, val, r, p);
    } else if (!strcmp(t, "prefix")) {
      read_prefix(ld, val, p);
    } else if (!strcmp(t, "pattern")) {
      p->pattern = rxc__ld_pattern(ld, val, "pattern");
      p->tests |= RXC_P_PATTERN;
    } else if (!strcmp(t, "code")) {
      rxc__ld_codes(ld, val, "code", f->is_drug, 1, &p->code);
      p->tests |= RXC_P_CODE;
    } else if (!strcmp(t, "min")) {
      if (rxc__ld_number(ld, val, t, &p->min)) p->tests |= RXC_P_MIN, lo = val;
    } else if (!strcmp(t, "max")) {
      if (rxc__ld_number(ld, val, t, &p->max)) p->tests |= RXC_P_MAX, hi = val;
    } else if (!strcmp(t, "above")) {
      if (rxc__ld_number(ld, val, t, &p->above)) p->tests |= RXC_P_ABOVE;
    } else if (!strcmp(t, "below")) {
      if (rxc__ld_number(ld, val, t, &p->below)) p->tests |= RXC_P_BELOW;
    }
  }
  if (lo && hi && p->min > p->max)
    rxc__ld_error(ld, hi, "'max' %s is below 'min' %s for '%s'", hi->str,
                  lo->str, f->name);
}

static void build_key(rxc__ld *ld, const rxc__ynode *key, const rxc__ynode *v,
                      const rxc__refs *r, rxc__cond *out);

void rxc__cond_build(rxc__ld *ld, const rxc__ynode *n, const rxc__refs *r,
                     rxc__cond *out) {
  memset(out, 0, sizeof *out);
  out->op = RXC_C_TRUE;
  if (!n || n->kind == RXC_Y_BAD) return;
  if (n->kind != RXC_Y_MAP) {
    rxc__ld_error(ld, n,
                  "expected a condition (a mapping of fields, all, any or "
                  "not)");
    return;
  }
  if (n->n == 0) return;
  if (n->n == 1) {
    build_key(ld, &n->kids[0], &n->kids[1], r, out);
    return;
  }
  out->kids = rxc__arena_alloc(ld->arena, n->n * sizeof *out->kids);
  if (!out->kids) {
    ld->oom = 1;
    return;
  }
  out->op = RXC_C_ALL;
  out->nkids = n->n;
  for (size_t i = 0; i < n->n && !ld->oom; i++)
    build_key(ld, &n->kids[2 * i], &n->kids[2 * i + 1], r, &out->kids[i]);
}

static void build_key(rxc__ld *ld, const rxc__ynode *key, const rxc__ynode *v,
                      const rxc__refs *r, rxc__cond *out) {
  const char *k = key->str;
  out->op = RXC_C_TRUE;
  if (!strcmp(k, "all") || !strcmp(k, "any")) {
    long cnt = rxc__ld_list(ld, v, k, "conditions", 0);
    if (cnt < 0) return;
    if (cnt == 0) {
      rxc__ld_error(ld, v, "expected at least one condition in '%s'", k);
      return;
    }
    out->kids = rxc__arena_alloc(ld->arena, (size_t)cnt * sizeof *out->kids);
    if (!out->kids) {
      ld->oom = 1;
      return;
    }
    out->op = k[1] == 'l' ? RXC_C_ALL : RXC_C_ANY;
    out->nkids = (size_t)cnt;
    for (size_t i = 0; i < (size_t)cnt && !ld->oom; i++)
      rxc__cond_build(ld, &v->kids[i], r, &out->kids[i]);
    return;
  }
  if (!strcmp(k, "not")) {
    out->kids = rxc__arena_alloc(ld->arena, sizeof *out->kids);
    if (!out->kids) {
      ld->oom = 1;
      return;
    }
    out->op = RXC_C_NOT;
    out->nkids = 1;
    rxc__cond_build(ld, v, r, &out->kids[0]);
    return;
  }
  const struct field *f = find_field(k);
  if (!f) {
    const char *hint =
        rxc__ld_suggest(k, cond_keys, sizeof cond_keys / sizeof cond_keys[0]);
    if (hint)
      rxc__ld_error(ld, key, "unknown field '%s' (did you mean '%s'?)", k,
                    hint);
    else
      rxc__ld_error(ld, key,
                    "unknown field '%s' (expected all, any, not or a field "
                    "such as drug_name, age, co_medications)",
                    k);
    return;
  }
  out->op = RXC_C_PRED;
  build_pred(ld, f, key, v, r, &out->pred);
}

void rxc__cond_release(rxc__cond *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nkids; i++) rxc__cond_release(&c->kids[i]);
  if (c->op == RXC_C_PRED) {
    rxc__pattern_free(c->pred.pattern);
    c->pred.pattern = NULL;
    rxc__codeset_free(&c->pred.code);
  }
}
