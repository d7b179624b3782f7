/*
 * rules_test.c - running the test cases a pack carries (`rules test`).
 *
 * Each case's record goes through the same path as a row of an export: a
 * schema is built from the case's keys, the builder normalises the values,
 * and the checker checks the record against the whole ruleset (on the
 * case's `as_of` date when it gives one, else on the record's). The outcome
 * is compared with the expectations the case gives; a failure says what
 * was expected and what came out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rules_model.h"
#include "rxcheck/check.h"
#include "rxcheck/input.h"

static void appendf(char *dst, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void appendf(char *dst, size_t cap, const char *fmt, ...) {
  size_t used = strlen(dst);
  if (used + 1 >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst + used, cap - used, fmt, ap);
  va_end(ap);
}

/* Joins the ids of a set into buf as "{a, b}". */
static const char *join(char *buf, size_t cap, const char **ids, size_t n) {
  buf[0] = '\0';
  appendf(buf, cap, "{");
  for (size_t i = 0; i < n; i++) appendf(buf, cap, "%s%s", i ? ", " : "", ids[i]);
  appendf(buf, cap, "}");
  return buf;
}

static int contains(const char **ids, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(ids[i], id) == 0) return 1;
  return 0;
}

/* Adds id to the set when it is not there yet. */
static void add(const char **ids, size_t *n, size_t cap, const char *id) {
  if (id && !contains(ids, *n, id) && *n < cap) ids[(*n)++] = id;
}

static int same_set(const char **a, size_t na, const char **b, size_t nb) {
  for (size_t i = 0; i < na; i++)
    if (!contains(b, nb, a[i])) return 0;
  for (size_t i = 0; i < nb; i++)
    if (!contains(a, na, b[i])) return 0;
  return 1;
}

enum { MAX_IDS = 64 };

static void compare_set(rxc_test_outcome *o, const char *what,
                        const char **want, size_t nwant, const char **got,
                        size_t ngot) {
  if (same_set(want, nwant, got, ngot)) return;
  char w[384], g[384];
  o->passed = 0;
  appendf(o->detail, sizeof o->detail, "%s%s", o->detail[0] ? "; " : "", what);
  appendf(o->detail, sizeof o->detail, ": expected %s, got %s",
          join(w, sizeof w, want, nwant), join(g, sizeof g, got, ngot));
}

static rxc_status run_case(rxc_checker *chk, const rxc__test_case *tc,
                           rxc_test_outcome *o) {
  memset(o, 0, sizeof *o);
  o->name = tc->name;
  o->file = tc->file;
  o->line = tc->line;
  o->passed = 1;

  rxc_str header[RXC_F__COUNT + 8], values[RXC_F__COUNT + 8];
  size_t n = tc->nkeys < RXC_F__COUNT + 8 ? tc->nkeys : RXC_F__COUNT + 8;
  for (size_t i = 0; i < n; i++) {
    header[i] = (rxc_str){tc->keys[i], strlen(tc->keys[i])};
    values[i] = (rxc_str){tc->values[i], strlen(tc->values[i])};
  }
  rxc_schema *schema = NULL;
  rxc_builder *builder = NULL;
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status st = rxc_schema_new(header, n, NULL, &schema, &err);
  if (st == RXC_ENOMEM) return st;
  if (st != RXC_OK) {
    o->passed = 0;
    snprintf(o->detail, sizeof o->detail, "the record cannot be read: %s",
             err.message);
    return RXC_OK;
  }
  rxc_input_options opts;
  memset(&opts, 0, sizeof opts);
  if (rxc_builder_new(schema, &opts, &builder) != RXC_OK) {
    rxc_schema_free(schema);
    return RXC_ENOMEM;
  }
  const rxc_record *rec = NULL;
  rxc_reject rej;
  int built = rxc_builder_build(builder, values, n, tc->line, 1, &rec, &rej);
  if (built < 0) {
    st = RXC_ENOMEM;
    goto done;
  }
  if (built == 0) {
    o->passed = 0;
    snprintf(o->detail, sizeof o->detail, "the record is rejected: %s",
             rej.message);
    goto done;
  }
  const rxc_result *res;
  /* A case's as_of (year 0 when absent: the record's own rx_date). */
  rxc_checker_set_as_of(chk, tc->as_of);
  if ((st = rxc_checker_check(chk, rec, &res)) != RXC_OK) goto done;

  if (tc->status && strcmp(tc->status, rxc_verdict_name(res->status)) != 0) {
    o->passed = 0;
    appendf(o->detail, sizeof o->detail, "status: expected %s, got %s",
            tc->status, rxc_verdict_name(res->status));
  }
  if (tc->formulation &&
      (!res->formulation || strcmp(tc->formulation, res->formulation) != 0)) {
    o->passed = 0;
    appendf(o->detail, sizeof o->detail, "%sformulation: expected %s, got %s",
            o->detail[0] ? "; " : "", tc->formulation,
            res->formulation ? res->formulation : "none (out of scope)");
  }
  const char *got[MAX_IDS];
  size_t ngot = 0;
  if (tc->has_indications) {
    for (size_t i = 0; i < res->nindications; i++)
      add(got, &ngot, MAX_IDS, res->indications[i].indication);
    compare_set(o, "indications", tc->indications, tc->nindications, got,
                ngot);
  }
  if (tc->has_rules) {
    ngot = 0;
    for (size_t i = 0; i < res->nindications; i++)
      add(got, &ngot, MAX_IDS, res->indications[i].rule);
    compare_set(o, "rules", tc->rules, tc->nrules, got, ngot);
  }
  if (tc->has_findings) {
    ngot = 0;
    for (size_t i = 0; i < res->nfindings; i++)
      add(got, &ngot, MAX_IDS, res->findings[i].rule);
    compare_set(o, "findings", tc->findings, tc->nfindings, got, ngot);
  }
done:
  rxc_builder_free(builder);
  rxc_schema_free(schema);
  return st;
}

rxc_status rxc_ruleset_run_tests(const rxc_ruleset *rs,
                                 void (*fn)(const rxc_test_outcome *o,
                                            void *ud),
                                 void *ud, unsigned long *passed,
                                 unsigned long *failed) {
  *passed = *failed = 0;
  rxc_checker *chk = NULL;
  rxc_status st = rxc_checker_new(rs, &chk);
  if (st != RXC_OK) return st;
  for (size_t p = 0; p < rs->npacks && st == RXC_OK; p++) {
    const rxc__pack *pack = &rs->packs[p];
    for (size_t t = 0; t < pack->ntests && st == RXC_OK; t++) {
      rxc_test_outcome o;
      st = run_case(chk, &pack->tests[t], &o);
      if (st != RXC_OK) break;
      if (o.passed)
        (*passed)++;
      else
        (*failed)++;
      if (fn) fn(&o, ud);
    }
  }
  rxc_checker_free(chk);
  return st;
}
