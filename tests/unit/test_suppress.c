/*
 * test_suppress.c - suppression files: loading (fields and positions,
 * one test per class of error with its exact file:line:col: message, the
 * whole file refused for one bad entry, expiry against the evaluation
 * date), matching (by rule, patient, prescriber and drug code, first entry
 * in file order, never an expired entry or a contraindicated finding), the
 * checker marking suppressed findings, and the fixtures under
 * fixtures/suppress/ (the example loads; each invalid file gives exactly
 * the errors its "# expected error:" comments state).
 *
 * Rule ids come from the fictional mini pack (tests/packs/mini):
 * int-exampladol is contraindicated, int-testophylline and dose-ir-max are
 * major, age-under-8 is moderate, us-ocd-ir-adults is regulatory.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "diags.h"
#include "rxcheck/rxcheck.h"
#include "rxcheck/suppress.h"

#ifndef RXC_SOURCE_DIR
#define RXC_SOURCE_DIR "."
#endif

static rxc_test_diags D;
static rxc_ruleset *mini;
static const rxc_date ON = {2026, 6, 1};

static int setup(void **state) {
  (void)state;
  memset(&D, 0, sizeof D);
  if (rxc_ruleset_load_dir(RXC_SOURCE_DIR "/tests/packs/mini",
                           rxc_test_diags_collect, &D, &mini) != RXC_OK) {
    rxc_test_diags_dump(&D);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  rxc_ruleset_free(mini);
  return 0;
}

/* Loads yaml as "s.yaml" against the mini pack on date `on`. */
static rxc_status load_on(const char *yaml, rxc_date on,
                          rxc_suppressions **out) {
  memset(&D, 0, sizeof D);
  return rxc_suppressions_load_mem("s.yaml", yaml, strlen(yaml), mini, on,
                                   rxc_test_diags_collect, &D, out);
}

/* Loads yaml; expects it to be refused. */
static void refused(const char *yaml) {
  rxc_suppressions *s = (rxc_suppressions *)1;
  rxc_status st = load_on(yaml, ON, &s);
  if (st != RXC_ERULES) rxc_test_diags_dump(&D);
  assert_int_equal(st, RXC_ERULES);
  assert_null(s);
  assert_true(D.n > 0);
}

/* Asserts diagnostic i is at line:col of s.yaml with exactly msg. */
static void diag_is(size_t i, unsigned long line, unsigned long col,
                    const char *msg) {
  if (i >= D.n) {
    rxc_test_diags_dump(&D);
    fail_msg("expected a diagnostic #%zu: %lu:%lu: %s", i, line, col, msg);
  }
  const rxc_error *e = &D.e[i];
  if (e->line != line || e->column != col || strcmp(e->message, msg) != 0 ||
      strcmp(e->file, "s.yaml") != 0) {
    rxc_test_diags_dump(&D);
    fail_msg("expected s.yaml:%lu:%lu: %s", line, col, msg);
  }
  assert_int_equal(e->code, RXC_ERULES);
}

/* Exactly one diagnostic, at line:col with msg. */
static void only(unsigned long line, unsigned long col, const char *msg) {
  diag_is(0, line, col, msg);
  if (D.n != 1) rxc_test_diags_dump(&D);
  assert_int_equal(D.n, 1);
}

/* A valid entry's tail, after its rule line. */
#define TAIL                        \
  "    reason: Levels monitored.\n" \
  "    owner: jane@example.org\n"   \
  "    expires: 2026-06-01\n"

/* ---- records ----------------------------------------------------------- */

typedef struct row_fx {
  rxc_schema *schema;
  rxc_builder *builder;
  char *buf;
  rxc_str fields[16];
} row_fx;

static row_fx R;

static void row_free(void) {
  rxc_builder_free(R.builder);
  rxc_schema_free(R.schema);
  free(R.buf);
  memset(&R, 0, sizeof R);
}

static size_t split(char *s, rxc_str *out) {
  size_t n = 0;
  for (char *p = s;;) {
    char *bar = strchr(p, '|');
    out[n].ptr = p;
    out[n].len = bar ? (size_t)(bar - p) : strlen(p);
    n++;
    if (!bar) break;
    p = bar + 1;
  }
  return n;
}

static const char H[] =
    "patient_id|prescriber_id|drug_name|drug_code|country|age|"
    "diagnosis_codes|co_medications|daily_dose_mg";

/* Builds a record (valid until the next call) from "v|v|..." under H. */
static const rxc_record *record(const char *values) {
  row_free();
  size_t hl = strlen(H), vl = strlen(values);
  R.buf = malloc(hl + vl + 2);
  assert_non_null(R.buf);
  memcpy(R.buf, H, hl + 1);
  memcpy(R.buf + hl + 1, values, vl + 1);
  rxc_str hdr[16];
  size_t nh = split(R.buf, hdr);
  rxc_error err;
  assert_int_equal(rxc_schema_new(hdr, nh, NULL, &R.schema, &err), RXC_OK);
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = ON;
  assert_int_equal(rxc_builder_new(R.schema, &o, &R.builder), RXC_OK);
  size_t nv = split(R.buf + hl + 1, R.fields);
  const rxc_record *rec = NULL;
  rxc_reject rej;
  assert_int_equal(rxc_builder_build(R.builder, R.fields, nv, 2, 1, &rec, &rej),
                   1);
  return rec;
}

static rxc_finding finding(const char *rule, rxc_severity sev) {
  rxc_finding f;
  memset(&f, 0, sizeof f);
  f.rule = rule;
  f.severity = sev;
  return f;
}

/* ---- loading: a valid file --------------------------------------------- */

static void test_valid_file_loads_fields_and_positions(void **state) {
  (void)state;
  static const char yaml[] =
      "# reviewed 2026-05\n"                   /* 1 */
      "suppressions:\n"                        /* 2 */
      "  - rule: int-testophylline\n"          /* 3 */
      "    patient_id: ' P0042 '\n"            /* 4 */
      "    prescriber_id: DR5650\n"            /* 5 */
      "    drug_code: rxnorm:9990001\n"        /* 6 */
      "    reason: Levels monitored weekly.\n" /* 7 */
      "    owner: jane@example.org\n"          /* 8 */
      "    expires: 2027-03-31\n"              /* 9 */
      "  - {rule: dose-ir-max, reason: r, owner: o, expires: 2026-06-01}\n";
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on(yaml, ON, &s), RXC_OK);
  assert_int_equal(D.n, 0);
  assert_int_equal(rxc_suppressions_count(s), 2);
  const rxc_suppression *e = rxc_suppressions_entry(s, 0);
  assert_non_null(e);
  assert_int_equal(e->index, 0);
  assert_string_equal(e->file, "s.yaml");
  assert_int_equal(e->line, 3);
  assert_int_equal(e->column, 5);
  assert_string_equal(e->rule, "int-testophylline");
  assert_string_equal(e->patient_id, "P0042"); /* trimmed */
  assert_string_equal(e->prescriber_id, "DR5650");
  assert_string_equal(e->drug_code, "rxnorm:9990001");
  assert_string_equal(e->reason, "Levels monitored weekly.");
  assert_string_equal(e->owner, "jane@example.org");
  assert_int_equal(e->expires.year, 2027);
  assert_int_equal(e->expires.month, 3);
  assert_int_equal(e->expires.day, 31);
  assert_int_equal(e->expired, 0);
  e = rxc_suppressions_entry(s, 1);
  assert_non_null(e);
  assert_int_equal(e->index, 1);
  assert_int_equal(e->line, 10);
  assert_int_equal(e->column, 5); /* the '{' of the flow mapping */
  assert_string_equal(e->rule, "dose-ir-max");
  assert_null(e->patient_id);
  assert_null(e->prescriber_id);
  assert_null(e->drug_code);
  assert_null(rxc_suppressions_entry(s, 2));
  rxc_suppressions_free(s);
  rxc_suppressions_free(NULL);
  assert_int_equal(rxc_suppressions_count(NULL), 0);
  assert_null(rxc_suppressions_entry(NULL, 0));
}

static void test_empty_list_is_valid(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions: []\n", ON, &s), RXC_OK);
  assert_int_equal(rxc_suppressions_count(s), 0);
  rxc_finding f = finding("dose-ir-max", RXC_SEV_MAJOR);
  assert_null(rxc_suppressions_match(s, NULL, &f));
  rxc_suppressions_free(s);
}

static void test_usage_errors(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(
      rxc_suppressions_load_mem("x", "", 0, mini, ON, NULL, NULL, NULL),
      RXC_EUSAGE);
  assert_int_equal(
      rxc_suppressions_load_mem("x", "", 0, NULL, ON, NULL, NULL, &s),
      RXC_EUSAGE);
  assert_null(s);
  assert_int_equal(rxc_suppressions_load(NULL, mini, ON, NULL, NULL, &s),
                   RXC_EUSAGE);
  assert_null(s);
}

/* ---- loading: errors ---------------------------------------------------- */

static void test_missing_required_keys_at_entry(void **state) {
  (void)state;
  refused(
      "suppressions:\n"      /* 1 */
      "  - patient_id: P1\n" /* 2 */
      "  - rule: dose-ir-max\n"
      "    reason: r\n"
      "    owner: o\n"
      "    expires: 2027-01-01\n");
  /* All at the entry's start, in the order the keys are read. */
  diag_is(0, 2, 5, "missing key 'rule' in a suppression entry");
  diag_is(1, 2, 5, "missing key 'reason' in a suppression entry");
  diag_is(2, 2, 5, "missing key 'owner' in a suppression entry");
  diag_is(3, 2, 5, "missing key 'expires' in a suppression entry");
  assert_int_equal(D.n, 4);
}

static void test_empty_and_wrongly_typed_values(void **state) {
  (void)state;
  refused(
      "suppressions:\n"             /* 1 */
      "  - rule: dose-ir-max\n"     /* 2 */
      "    patient_id: ''\n"        /* 3 */
      "    prescriber_id: [DR1]\n"  /* 4 */
      "    reason: '  '\n"          /* 5 */
      "    owner:\n"                /* 6 */
      "    expires: 2027-01-01\n"); /* 7 */
  diag_is(0, 3, 17,
          "empty value for 'patient_id' (leave the key out to match any "
          "patient)");
  diag_is(1, 4, 20, "expected text for 'prescriber_id', found a list");
  diag_is(2, 5, 13,
          "empty value for 'reason' (say why this finding is accepted)");
  diag_is(3, 6, 11, "expected text for 'owner', found nothing");
  assert_int_equal(D.n, 4);
}

static void test_patient_values_never_in_messages(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: dose-ir-max\n"
      "    patient_id: {id: P0042}\n"
      "    prescriber_id: [DR5650]\n" TAIL);
  for (size_t i = 0; i < D.n; i++) {
    assert_null(strstr(D.e[i].message, "P0042"));
    assert_null(strstr(D.e[i].message, "DR5650"));
  }
  diag_is(0, 3, 17, "expected text for 'patient_id', found a mapping");
  diag_is(1, 4, 20, "expected text for 'prescriber_id', found a list");
}

static void test_bad_dates(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2027-02-30", "2027-13-01",           "2027-3-1",
      "31/03/2027", "2027-03-31T12:00:00Z", "tomorrow"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char yaml[256], msg[128];
    snprintf(yaml, sizeof yaml,
             "suppressions:\n"
             "  - rule: dose-ir-max\n"
             "    reason: r\n"
             "    owner: o\n"
             "    expires: '%s'\n",
             bad[i]);
    refused(yaml);
    snprintf(msg, sizeof msg,
             "invalid date '%s' for 'expires' (expected YYYY-MM-DD)", bad[i]);
    only(5, 14, msg);
  }
  /* A leap day is a date. */
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: dose-ir-max\n"
                           "    reason: r\n"
                           "    owner: o\n"
                           "    expires: 2028-02-29\n",
                           ON, &s),
                   RXC_OK);
  rxc_suppressions_free(s);
}

static void test_unknown_rule_with_hint(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: int-testophyline\n" TAIL
      "  - rule: no-such-rule-at-all\n" TAIL);
  diag_is(0, 2, 11,
          "rule 'int-testophyline' is not a finding rule of the loaded packs "
          "(did you mean 'int-testophylline'?)");
  diag_is(1, 6, 11,
          "rule 'no-such-rule-at-all' is not a finding rule of the loaded "
          "packs");
  assert_int_equal(D.n, 2);
}

static void test_regulatory_rule_refused(void **state) {
  (void)state;
  refused("suppressions:\n  - rule: us-ocd-ir-adults\n" TAIL);
  only(2, 11,
       "rule 'us-ocd-ir-adults' is a regulatory rule: only findings can be "
       "suppressed");
}

static void test_contraindicated_rule_refused(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: int-exampladol\n"
      "    patient_id: P1\n" TAIL);
  only(2, 11,
       "rule 'int-exampladol' is contraindicated: contraindicated findings "
       "cannot be suppressed");
}

static void test_duplicate_key(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: dose-ir-max\n"
      "    reason: r\n"
      "    owner: o\n"
      "    owner: p\n"
      "    expires: 2027-01-01\n");
  only(5, 5, "duplicate key 'owner' (first at line 4)");
}

static void test_unknown_keys_with_hint(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: dose-ir-max\n"
      "    patientid: P1\n"
      "    note: x\n" TAIL);
  diag_is(0, 3, 5,
          "unknown key 'patientid' in a suppression entry (did you mean "
          "'patient_id'?)");
  diag_is(1, 4, 5, "unknown key 'note' in a suppression entry");
  assert_int_equal(D.n, 2);
  refused(
      "version: 1\n"
      "suppressions: []\n");
  only(1, 1, "unknown key 'version' in the suppression file");
}

static void test_invalid_drug_code(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: dose-ir-max\n"
      "    drug_code: 'made:up'\n" TAIL);
  only(3, 16,
       "invalid drug code 'made:up' for 'drug_code' (expected system:code "
       "such as rxnorm:903873, or a bare RxNorm, ATC or BNF code)");
}

static void test_file_shapes(void **state) {
  (void)state;
  static const char *const empty[] = {"", "# nothing\n", "---\n", "~\n"};
  for (size_t i = 0; i < 4; i++) {
    refused(empty[i]);
    only(0, 0,
         "the file is empty (expected a mapping with the key "
         "'suppressions')");
  }
  refused("- rule: dose-ir-max\n");
  only(1, 1,
       "expected a mapping with the key 'suppressions' at the top of the "
       "file, found a list");
  refused("just text\n");
  only(1, 1,
       "expected a mapping with the key 'suppressions' at the top of the "
       "file, found text");
  refused("supressions: []\n");
  diag_is(0, 1, 1,
          "unknown key 'supressions' in the suppression file (did you mean "
          "'suppressions'?)");
  diag_is(1, 1, 1, "missing key 'suppressions' in the suppression file");
  assert_int_equal(D.n, 2);
  refused("suppressions:\n");
  only(1, 14,
       "expected a list of suppression entries for 'suppressions', found "
       "nothing");
  refused("suppressions:\n  rule: dose-ir-max\n");
  only(2, 3,
       "expected a list of suppression entries for 'suppressions', found a "
       "mapping");
  refused("suppressions:\n  - dose-ir-max\n");
  only(2, 5, "expected a suppression entry (a mapping), found text");
  refused("suppressions: [\n");
  assert_int_equal(D.n, 1); /* libyaml's syntax error */
  assert_int_equal(D.e[0].code, RXC_ERULES);
}

static void test_whole_file_refused_for_one_bad_entry(void **state) {
  (void)state;
  refused(
      "suppressions:\n"
      "  - rule: dose-ir-max\n" TAIL "  - rule: int-exampladol\n" TAIL
      "  - rule: age-under-8\n" TAIL);
  only(6, 11,
       "rule 'int-exampladol' is contraindicated: contraindicated findings "
       "cannot be suppressed");
}

static void test_errors_sorted_and_capped(void **state) {
  (void)state;
  /* 1,500 entries with an unknown rule each: 1,000 shown in file order,
   * then one saying how many more. */
  size_t n = 1500, cap = n * 160 + 64, len = 0;
  char *yaml = malloc(cap);
  assert_non_null(yaml);
  len += (size_t)snprintf(yaml + len, cap - len, "suppressions:\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(yaml + len, cap - len,
                            "  - {rule: nope-%zu, reason: r, owner: o, "
                            "expires: 2027-01-01}\n",
                            i);
  rxc_suppressions *s = NULL;
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_suppressions_load_mem("s.yaml", yaml, len, mini, ON,
                                             rxc_test_diags_collect, &D, &s),
                   RXC_ERULES);
  assert_null(s);
  assert_int_equal(D.total, 1001);
  assert_int_equal(D.e[0].line, 2);
  assert_int_equal(D.e[1].line, 3);
  free(yaml);
}

static void test_unreadable_file(void **state) {
  (void)state;
  rxc_suppressions *s = (rxc_suppressions *)1;
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_suppressions_load("/nonexistent/rxc/s.yaml", mini, ON,
                                         rxc_test_diags_collect, &D, &s),
                   RXC_EIO);
  assert_null(s);
  assert_int_equal(D.n, 1);
  assert_int_equal(D.e[0].code, RXC_EIO);
  assert_string_equal(D.e[0].file, "/nonexistent/rxc/s.yaml");
  assert_non_null(strstr(D.e[0].message, "cannot read: "));
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_suppressions_load(RXC_SOURCE_DIR "/tests", mini, ON,
                                         rxc_test_diags_collect, &D, &s),
                   RXC_EIO); /* a directory */
  assert_null(s);
}

static void test_survives_allocation_failures(void **state) {
  (void)state;
  static const char good[] =
      "suppressions:\n"
      "  - rule: int-testophylline\n"
      "    patient_id: P1\n"
      "    drug_code: rxnorm:9990001\n" TAIL "  - rule: age-under-8\n" TAIL;
  static const char bad[] =
      "suppressions:\n"
      "  - rule: int-testophylline\n" TAIL "  - rule: int-testophyline\n" TAIL;
  const char *const yaml[] = {good, bad};
  const rxc_status want[] = {RXC_OK, RXC_ERULES};
  for (int t = 0; t < 2; t++) {
    int done = 0;
    for (long k = 0; k < 2000 && !done; k++) {
      rxc_suppressions *s = NULL;
      rxc__alloc_fail_after(k);
      rxc_status st = rxc_suppressions_load_mem(
          "s.yaml", yaml[t], strlen(yaml[t]), mini, ON, NULL, NULL, &s);
      rxc__alloc_fail_after(-1);
      if (st == RXC_ENOMEM) {
        assert_null(s);
        continue;
      }
      assert_int_equal(st, want[t]);
      done = 1;
      rxc_suppressions_free(s);
    }
    assert_true(done);
  }
}

/* ---- expiry ------------------------------------------------------------- */

static void test_expiry_against_the_evaluation_date(void **state) {
  (void)state;
  static const char yaml[] =
      "suppressions:\n"
      "  - rule: dose-ir-max\n"
      "    reason: r\n"
      "    owner: o\n"
      "    expires: 2026-06-01\n";
  static const struct {
    rxc_date on;
    int expired;
  } cases[] = {
      {{2026, 5, 31}, 0}, /* before */
      {{2026, 6, 1}, 0},  /* on the day itself it still applies */
      {{2026, 6, 2}, 1},  /* after */
      {{2027, 1, 1}, 1},  {{0, 0, 0}, 0}, /* no date: nothing is expired */
  };
  const rxc_record *rec = record("P1|DR1|Examplamine|||40|F42||400");
  rxc_finding f = finding("dose-ir-max", RXC_SEV_MAJOR);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rxc_suppressions *s = NULL;
    assert_int_equal(load_on(yaml, cases[i].on, &s), RXC_OK);
    const rxc_suppression *e = rxc_suppressions_entry(s, 0);
    assert_int_equal(e->expired, cases[i].expired);
    if (cases[i].expired)
      assert_null(rxc_suppressions_match(s, rec, &f));
    else
      assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e);
    rxc_suppressions_free(s);
  }
  row_free();
}

/* ---- matching ----------------------------------------------------------- */

static void test_match_by_rule_only(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: int-testophylline\n" TAIL,
                           ON, &s),
                   RXC_OK);
  const rxc_suppression *e = rxc_suppressions_entry(s, 0);
  const rxc_record *rec = record("P1|DR1|Examplamine|||40|F42|testophylline|");
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e);
  assert_ptr_equal(rxc_suppressions_match(s, NULL, &f), e);
  rxc_finding g = finding("dose-ir-max", RXC_SEV_MAJOR);
  assert_null(rxc_suppressions_match(s, rec, &g));
  rxc_finding h = finding("int-testophyllin", RXC_SEV_MAJOR);
  assert_null(rxc_suppressions_match(s, rec, &h));
  assert_null(rxc_suppressions_match(NULL, rec, &f));
  assert_null(rxc_suppressions_match(s, rec, NULL));
  rxc_suppressions_free(s);
  row_free();
}

static void test_match_by_patient(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: int-testophylline\n"
                           "    patient_id: P0042\n" TAIL,
                           ON, &s),
                   RXC_OK);
  const rxc_suppression *e = rxc_suppressions_entry(s, 0);
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  const rxc_record *rec =
      record(" P0042 |DR1|Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e); /* trimmed */
  rec = record("P0043|DR1|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  rec = record("p0042|DR1|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f)); /* exact */
  rec = record("|DR1|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  assert_null(rxc_suppressions_match(s, NULL, &f));
  rxc_suppressions_free(s);
  row_free();
}

static void test_match_by_prescriber(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: int-testophylline\n"
                           "    prescriber_id: DR5650\n" TAIL,
                           ON, &s),
                   RXC_OK);
  const rxc_suppression *e = rxc_suppressions_entry(s, 0);
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  const rxc_record *rec =
      record("P1|DR5650|Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e);
  rec = record("P1| DR5650 |Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e); /* trimmed */
  rec = record("P1|DR5651|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  rec = record("P1||Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  rxc_suppressions_free(s);
  row_free();
}

static void test_match_by_drug_code(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(
      load_on("suppressions:\n"
              "  - rule: int-testophylline\n"
              "    drug_code: RxNorm:9990001\n" TAIL "  - rule: dose-ir-max\n"
              "    drug_code: n99xx01\n" TAIL, /* bare ATC */
              ON, &s),
      RXC_OK);
  const rxc_suppression *e0 = rxc_suppressions_entry(s, 0);
  const rxc_suppression *e1 = rxc_suppressions_entry(s, 1);
  assert_string_equal(e0->drug_code, "RxNorm:9990001"); /* as written */
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  /* The same code written differently: bare digits are RxNorm. */
  const rxc_record *rec =
      record("P1|DR1|Examplamine|9990001||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e0);
  rec = record("P1|DR1|Examplamine|rxcui: 9990001 ||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f), e0);
  rec = record("P1|DR1|Examplamine|rxnorm:9990002||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  rec = record("P1|DR1|Examplamine|omop:9990001||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f)); /* another system */
  rec = record("P1|DR1|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f)); /* no code */
  rxc_finding g = finding("dose-ir-max", RXC_SEV_MAJOR);
  rec = record("P1|DR1|Examplamine|atc:N99XX01||40|F42||400");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &g), e1); /* case folded */
  rxc_suppressions_free(s);
  row_free();
}

static void test_first_entry_in_file_order_wins(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(
      load_on("suppressions:\n"
              "  - rule: age-under-8\n" TAIL "  - rule: int-testophylline\n"
              "    patient_id: P2\n" TAIL "  - rule: int-testophylline\n" TAIL
              "  - rule: int-testophylline\n"
              "    patient_id: P1\n" TAIL,
              ON, &s),
      RXC_OK);
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  const rxc_record *rec = record("P1|DR1|Examplamine|||40|F42|testophylline|");
  /* Entry 2 (any patient) comes before entry 3 (P1). */
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f),
                   rxc_suppressions_entry(s, 2));
  rec = record("P2|DR1|Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f),
                   rxc_suppressions_entry(s, 1));
  rxc_suppressions_free(s);
  row_free();
}

static void test_expired_entry_never_matches(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: int-testophylline\n"
                           "    reason: r\n"
                           "    owner: o\n"
                           "    expires: 2026-05-31\n"
                           "  - rule: int-testophylline\n"
                           "    patient_id: P1\n" TAIL,
                           ON, &s),
                   RXC_OK);
  assert_int_equal(rxc_suppressions_entry(s, 0)->expired, 1);
  assert_int_equal(rxc_suppressions_entry(s, 1)->expired, 0);
  rxc_finding f = finding("int-testophylline", RXC_SEV_MAJOR);
  const rxc_record *rec = record("P1|DR1|Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f),
                   rxc_suppressions_entry(s, 1));
  rec = record("P2|DR1|Examplamine|||40|F42|testophylline|");
  assert_null(rxc_suppressions_match(s, rec, &f));
  rxc_suppressions_free(s);
  row_free();
}

static void test_contraindicated_finding_never_matches(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(
      load_on("suppressions:\n  - rule: int-testophylline\n" TAIL, ON, &s),
      RXC_OK);
  /* Defensive: a finding of that id reported as contraindicated. */
  rxc_finding f = finding("int-testophylline", RXC_SEV_CONTRAINDICATED);
  assert_null(rxc_suppressions_match(s, NULL, &f));
  rxc_suppressions_free(s);
}

static void test_many_entries_are_indexed(void **state) {
  (void)state;
  /* 10,000 entries over three rules and many patients, interleaved: the
   * match must still be the first in file order. */
  static const char *const rules[] = {"int-testophylline", "dose-ir-max",
                                      "age-under-8"};
  size_t n = 10000, cap = n * 120 + 64, len = 0;
  char *yaml = malloc(cap);
  assert_non_null(yaml);
  len += (size_t)snprintf(yaml + len, cap - len, "suppressions:\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(yaml + len, cap - len,
                            "  - {rule: %s, patient_id: P%zu, reason: r, "
                            "owner: o, expires: 2027-01-01}\n",
                            rules[i % 3], i / 2);
  rxc_suppressions *s = NULL;
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_suppressions_load_mem("s.yaml", yaml, len, mini, ON,
                                             rxc_test_diags_collect, &D, &s),
                   RXC_OK);
  free(yaml);
  assert_int_equal(rxc_suppressions_count(s), n);
  rxc_finding f = finding("dose-ir-max", RXC_SEV_MAJOR);
  /* P4000: entries 8000 (rule 8000 % 3 = 2) and 8001 (rule 0); dose-ir-max
   * is rule 1: entries i with i % 3 == 1 and i / 2 == 4000 -> none. */
  const rxc_record *rec = record("P4000|DR1|Examplamine|||40|F42||400");
  assert_null(rxc_suppressions_match(s, rec, &f));
  /* P4001: entries 8002 (rule 8002 % 3 = 1: dose-ir-max) and 8003. */
  rec = record("P4001|DR1|Examplamine|||40|F42||400");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &f),
                   rxc_suppressions_entry(s, 8002));
  rxc_finding g = finding("int-testophylline", RXC_SEV_MAJOR);
  rec = record("P0|DR1|Examplamine|||40|F42|testophylline|");
  assert_ptr_equal(rxc_suppressions_match(s, rec, &g),
                   rxc_suppressions_entry(s, 0));
  rxc_suppressions_free(s);
  row_free();
}

/* ---- the checker ----------------------------------------------------------
 */

static void test_checker_marks_suppressed_findings(void **state) {
  (void)state;
  rxc_suppressions *s = NULL;
  assert_int_equal(load_on("suppressions:\n"
                           "  - rule: int-testophylline\n"
                           "    patient_id: P1\n" TAIL,
                           ON, &s),
                   RXC_OK);
  rxc_checker *chk = NULL;
  assert_int_equal(rxc_checker_new(mini, &chk), RXC_OK);
  rxc_checker_set_suppressions(chk, s);
  const rxc_result *res = NULL;
  const rxc_record *rec = record(
      "P1|DR1|Examplamine|rxnorm:9990001|US|40|F42|"
      "testophylline;exampladol|400");
  assert_int_equal(rxc_checker_check(chk, rec, &res), RXC_OK);
  int seen = 0;
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    if (strcmp(f->rule, "int-testophylline") == 0) {
      assert_ptr_equal(f->suppression, rxc_suppressions_entry(s, 0));
      seen++;
    } else {
      assert_null(f->suppression); /* int-exampladol, dose-ir-max */
      seen += 10;
    }
  }
  assert_int_equal(seen, 21);
  /* Another patient: nothing suppressed. */
  rec = record("P2|DR1|Examplamine|rxnorm:9990001|US|40|F42|testophylline|");
  assert_int_equal(rxc_checker_check(chk, rec, &res), RXC_OK);
  assert_int_equal(res->nfindings, 1);
  assert_null(res->findings[0].suppression);
  /* No suppressions: never set. */
  rxc_checker_set_suppressions(chk, NULL);
  rec = record("P1|DR1|Examplamine|rxnorm:9990001|US|40|F42|testophylline|");
  assert_int_equal(rxc_checker_check(chk, rec, &res), RXC_OK);
  assert_int_equal(res->nfindings, 1);
  assert_null(res->findings[0].suppression);
  rxc_checker_free(chk);
  rxc_suppressions_free(s);
  row_free();
}

/* ---- fixtures -------------------------------------------------------------
 */

static void test_example_fixture_loads(void **state) {
  (void)state;
  rxc_ruleset *rs = NULL;
  assert_int_equal(rxc_ruleset_load_builtin(NULL, NULL, &rs), RXC_OK);
  rxc_suppressions *s = NULL;
  memset(&D, 0, sizeof D);
  rxc_status st =
      rxc_suppressions_load(RXC_SOURCE_DIR "/fixtures/suppress/example.yaml",
                            rs, ON, rxc_test_diags_collect, &D, &s);
  if (st != RXC_OK) rxc_test_diags_dump(&D);
  assert_int_equal(st, RXC_OK);
  assert_int_equal(rxc_suppressions_count(s), 5);
  size_t expired = 0;
  for (size_t i = 0; i < rxc_suppressions_count(s); i++)
    expired += rxc_suppressions_entry(s, i)->expired != 0;
  assert_int_equal(expired, 1);
  rxc_suppressions_free(s);
  rxc_ruleset_free(rs);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each YAML file of fixtures/suppress/invalid is refused with exactly the
 * errors of its "# expected error: LINE:COL: MESSAGE" lines, in order. */
static void test_invalid_fixtures_match_their_comments(void **state) {
  (void)state;
  static const char dir[] = RXC_SOURCE_DIR "/fixtures/suppress/invalid";
  static const char tag[] = "# expected error: ";
  rxc_ruleset *rs = NULL;
  assert_int_equal(rxc_ruleset_load_builtin(NULL, NULL, &rs), RXC_OK);
  DIR *d = opendir(dir);
  assert_non_null(d);
  char *names[64];
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && nn < 64) {
    size_t l = strlen(de->d_name);
    if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0)
      names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, nn, sizeof names[0], cmp_str);
  assert_true(nn >= 10);
  for (size_t i = 0; i < nn; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char want[8][1600];
    size_t nwant = 0;
    char line[1024];
    while (fgets(line, sizeof line, f))
      if (strncmp(line, tag, sizeof tag - 1) == 0 && nwant < 8) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(want[nwant++], sizeof want[0], "%s:%s", path,
                 line + sizeof tag - 1);
      }
    fclose(f);
    if (nwant == 0) fail_msg("%s: no '# expected error:' comment", path);
    rxc_suppressions *s = (rxc_suppressions *)1;
    memset(&D, 0, sizeof D);
    rxc_status st =
        rxc_suppressions_load(path, rs, ON, rxc_test_diags_collect, &D, &s);
    assert_null(s);
    int ok = st == RXC_ERULES && D.n == nwant;
    for (size_t k = 0; ok && k < nwant; k++) {
      char got[1600];
      snprintf(got, sizeof got, "%s:%lu:%lu: %s", D.e[k].file, D.e[k].line,
               D.e[k].column, D.e[k].message);
      ok = strcmp(got, want[k]) == 0;
    }
    if (!ok) {
      print_message("%s: expected (status ERULES):\n", names[i]);
      for (size_t k = 0; k < nwant; k++) print_message("  %s\n", want[k]);
      print_message("got (status %s):\n", rxc_status_name(st));
      rxc_test_diags_dump(&D);
      fail();
    }
    free(names[i]);
  }
  rxc_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_file_loads_fields_and_positions),
      cmocka_unit_test(test_empty_list_is_valid),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_missing_required_keys_at_entry),
      cmocka_unit_test(test_empty_and_wrongly_typed_values),
      cmocka_unit_test(test_patient_values_never_in_messages),
      cmocka_unit_test(test_bad_dates),
      cmocka_unit_test(test_unknown_rule_with_hint),
      cmocka_unit_test(test_regulatory_rule_refused),
      cmocka_unit_test(test_contraindicated_rule_refused),
      cmocka_unit_test(test_duplicate_key),
      cmocka_unit_test(test_unknown_keys_with_hint),
      cmocka_unit_test(test_invalid_drug_code),
      cmocka_unit_test(test_file_shapes),
      cmocka_unit_test(test_whole_file_refused_for_one_bad_entry),
      cmocka_unit_test(test_errors_sorted_and_capped),
      cmocka_unit_test(test_unreadable_file),
      cmocka_unit_test(test_survives_allocation_failures),
      cmocka_unit_test(test_expiry_against_the_evaluation_date),
      cmocka_unit_test(test_match_by_rule_only),
      cmocka_unit_test(test_match_by_patient),
      cmocka_unit_test(test_match_by_prescriber),
      cmocka_unit_test(test_match_by_drug_code),
      cmocka_unit_test(test_first_entry_in_file_order_wins),
      cmocka_unit_test(test_expired_entry_never_matches),
      cmocka_unit_test(test_contraindicated_finding_never_matches),
      cmocka_unit_test(test_many_entries_are_indexed),
      cmocka_unit_test(test_checker_marks_suppressed_findings),
      cmocka_unit_test(test_example_fixture_loads),
      cmocka_unit_test(test_invalid_fixtures_match_their_comments),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
