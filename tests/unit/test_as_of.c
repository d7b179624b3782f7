/*
 * test_as_of.c - rule windows and versions at evaluation time: a record is
 * checked against the rules in force on its date (its rx_date, or the
 * checker's as-of date), on either side of every boundary; result.as_of
 * and the rule_version of decisions and findings; the "approved for ... in"
 * reason as it stood on the day; explanations that leave out rules not in
 * force; caches that must not carry one day's answer to another; no
 * version for the match-limit finding; rxc_rule_in_force; no allocation
 * per record; allocation failures while loading dated rules.
 *
 * The pack is tests/packs/dated, which is fictional ("datamine"); its
 * windows are listed in its pack.yaml.
 */
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
#include "rules_model.h"
#include "rxcheck/rxcheck.h"

#ifndef RXC_SOURCE_DIR
#define RXC_SOURCE_DIR "."
#endif

#define DATED RXC_SOURCE_DIR "/tests/packs/dated"

typedef struct fixture {
  rxc_ruleset *rs;
  rxc_checker *chk;
  rxc_schema *schema;
  rxc_builder *builder;
  char row[512];
  rxc_str fields[16];
} fixture;

static fixture fx;
static rxc_test_diags D;

static const char H[] =
    "drug_name|country|rx_date|diagnosis_codes|co_medications|daily_dose_mg";

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

static int setup(void **state) {
  (void)state;
  memset(&fx, 0, sizeof fx);
  memset(&D, 0, sizeof D);
  if (rxc_ruleset_load_dir(DATED, rxc_test_diags_collect, &D, &fx.rs) !=
      RXC_OK) {
    rxc_test_diags_dump(&D);
    return -1;
  }
  if (rxc_checker_new(fx.rs, &fx.chk) != RXC_OK) return -1;
  static char hdr[sizeof H];
  memcpy(hdr, H, sizeof H);
  rxc_str h[16];
  size_t nh = split(hdr, h);
  rxc_error err;
  if (rxc_schema_new(h, nh, NULL, &fx.schema, &err) != RXC_OK) return -1;
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = (rxc_date){2026, 6, 1};
  if (rxc_builder_new(fx.schema, &o, &fx.builder) != RXC_OK) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  rxc_builder_free(fx.builder);
  rxc_schema_free(fx.schema);
  rxc_checker_free(fx.chk);
  rxc_ruleset_free(fx.rs);
  return 0;
}

/* Builds a record (valid until the next call). rx may be "" (the run
 * date, 2026-06-01). */
static const rxc_record *record(const char *country, const char *rx,
                                const char *dx, const char *comed,
                                const char *dose) {
  snprintf(fx.row, sizeof fx.row, "Datamine 50 mg|%s|%s|%s|%s|%s", country,
           rx, dx, comed, dose);
  size_t n = split(fx.row, fx.fields);
  const rxc_record *rec = NULL;
  rxc_reject rej;
  assert_int_equal(
      rxc_builder_build(fx.builder, fx.fields, n, 2, 1, &rec, &rej), 1);
  return rec;
}

static const rxc_result *check_rec(const rxc_record *rec) {
  const rxc_result *res = NULL;
  assert_int_equal(rxc_checker_check(fx.chk, rec, &res), RXC_OK);
  return res;
}

static const rxc_result *check(const char *country, const char *rx,
                               const char *dx, const char *comed,
                               const char *dose) {
  return check_rec(record(country, rx, dx, comed, dose));
}

static void expect_date(rxc_date d, int y, int m, int day) {
  assert_int_equal(d.year, y);
  assert_int_equal(d.month, m);
  assert_int_equal(d.day, day);
}

static const rxc_finding *finding(const rxc_result *r, const char *id) {
  for (size_t i = 0; i < r->nfindings; i++)
    if (strcmp(r->findings[i].rule, id) == 0) return &r->findings[i];
  return NULL;
}

static int explained(const rxc_result *r, const char *id) {
  for (size_t i = 0; i < r->nexplain; i++)
    if (strcmp(r->explain[i].rule, id) == 0) return 1;
  return 0;
}

static const rxc_date NO_DATE = {0, 0, 0};

/* ---- the record's own date ------------------------------------------------ */

static void test_rx_date_on_either_side_of_valid_from(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  const rxc_result *r = check("JP", "2005-10-10", "F40.10", "", "");
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  expect_date(r->as_of, 2005, 10, 10);
  assert_int_equal(r->nindications, 1);
  assert_string_equal(r->indications[0].rule, "jp-sad-before");
  /* No version of its own: the pack's. */
  assert_string_equal(r->indications[0].rule_version, "2.3.0");

  r = check("JP", "2005-10-11", "F40.10", "", "");
  assert_int_equal(r->status, RXC_V_APPROVED);
  expect_date(r->as_of, 2005, 10, 11);
  assert_string_equal(r->indications[0].rule, "jp-sad");
  assert_string_equal(r->indications[0].rule_version, "2");
}

static void test_rx_date_on_either_side_of_valid_until(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  const rxc_result *r = check("US", "2014-06-30", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_string_equal(r->indications[0].rule, "us-sad-2008");
  assert_string_equal(r->indications[0].rule_version, "2008-02");
  /* The day after: no US rule for SAD is in force, exactly as if the pack
   * had none: off-label with the usual reason, no rule, no version; the
   * approvals in force that day are Japan's only. */
  r = check("US", "2014-07-01", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  assert_null(r->indications[0].rule);
  assert_null(r->indications[0].rule_version);
  assert_null(r->indications[0].source);
  assert_int_equal(r->indications[0].nreasons, 2);
  assert_string_equal(
      r->indications[0].reasons[0],
      "no approval in US for this indication, formulation and age");
  assert_string_equal(r->indications[0].reasons[1],
                      "approved for social anxiety disorder in: JP");
  /* And the day before it opened. */
  r = check("US", "2008-01-31", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  assert_null(r->indications[0].rule);
  r = check("US", "2008-02-01", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_APPROVED);
}

static void test_approved_in_reason_as_it_stood_on_the_day(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  /* Before 2005-10-11 nothing approves SAD anywhere: only the rule's own
   * reason. */
  const rxc_result *r = check("JP", "2005-10-10", "F40.1", "", "");
  assert_int_equal(r->indications[0].nreasons, 1);
  /* The model: one period per stretch of days with the same text. */
  const rxc__pack *p = &fx.rs->packs[0];
  const rxc__indication *sad = &p->indications[1];
  assert_string_equal(sad->id, "sad");
  assert_string_equal(sad->approved_in,
                      "approved for social anxiety disorder in: JP, US");
  assert_int_equal(sad->nperiods, 4);
  assert_int_equal(sad->periods[0].from, 0);
  assert_null(sad->periods[0].approved_in);
  assert_int_equal(sad->periods[1].from, 20051011);
  assert_string_equal(sad->periods[1].approved_in,
                      "approved for social anxiety disorder in: JP");
  assert_int_equal(sad->periods[2].from, 20080201);
  assert_string_equal(sad->periods[2].approved_in,
                      "approved for social anxiety disorder in: JP, US");
  assert_int_equal(sad->periods[3].from, 20140701);
  assert_string_equal(sad->periods[3].approved_in,
                      "approved for social anxiety disorder in: JP");
  /* OCD's approvals have no window: one text for every day. */
  assert_int_equal(p->indications[0].nperiods, 0);
}

static void test_findings_on_either_side_of_their_windows(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  const rxc_result *r = check("US", "2017-01-03", "F42.2", "", "");
  assert_null(finding(r, "label-2017"));
  r = check("US", "2017-01-04", "F42.2", "", "");
  const rxc_finding *f = finding(r, "label-2017");
  assert_non_null(f);
  assert_string_equal(f->rule_version, "2.3.0");
  r = check("JP", "2010-12-31", "F42.2", "", "150");
  f = finding(r, "dose-old");
  assert_non_null(f);
  assert_string_equal(f->rule_version, "2.3.0");
  r = check("JP", "2011-01-01", "F42.2", "", "150");
  assert_null(finding(r, "dose-old"));
  assert_int_equal(r->nfindings, 0);
}

/* ---- the checker's as-of date ---------------------------------------------- */

static void test_set_as_of_wins_over_rx_date(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, (rxc_date){2005, 10, 10});
  const rxc_result *r = check("JP", "2024-01-01", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  assert_string_equal(r->indications[0].rule, "jp-sad-before");
  expect_date(r->as_of, 2005, 10, 10);

  rxc_checker_set_as_of(fx.chk, (rxc_date){2005, 10, 11});
  r = check("JP", "2001-01-01", "F40.1", "", "");
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_string_equal(r->indications[0].rule, "jp-sad");
  expect_date(r->as_of, 2005, 10, 11);

  /* A finding's window by the as-of date, both ways. */
  rxc_checker_set_as_of(fx.chk, (rxc_date){2010, 12, 31});
  r = check("JP", "2020-01-01", "F42.2", "", "150");
  assert_non_null(finding(r, "dose-old"));
  assert_null(finding(r, "label-2017"));
  rxc_checker_set_as_of(fx.chk, (rxc_date){2017, 1, 4});
  r = check("JP", "2010-12-31", "F42.2", "", "150");
  assert_null(finding(r, "dose-old"));
  assert_non_null(finding(r, "label-2017"));

  /* Back to each record's own date. */
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  r = check("JP", "2005-10-10", "F40.1", "", "");
  assert_string_equal(r->indications[0].rule, "jp-sad-before");
  expect_date(r->as_of, 2005, 10, 10);
  /* No rx_date: the run date (the builder's today). */
  r = check("JP", "", "F40.1", "", "");
  expect_date(r->as_of, 2026, 6, 1);
  assert_string_equal(r->indications[0].rule, "jp-sad");
}

static void test_out_of_scope_records_get_as_of(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  snprintf(fx.row, sizeof fx.row, "Otherdrug 5 mg|US|2003-03-03|F42.2||");
  size_t n = split(fx.row, fx.fields);
  const rxc_record *rec = NULL;
  rxc_reject rej;
  assert_int_equal(
      rxc_builder_build(fx.builder, fx.fields, n, 2, 1, &rec, &rej), 1);
  const rxc_result *r = check_rec(rec);
  assert_int_equal(r->status, RXC_V_OUT_OF_SCOPE);
  expect_date(r->as_of, 2003, 3, 3);
  rxc_checker_set_as_of(fx.chk, (rxc_date){2020, 2, 29});
  r = check_rec(rec);
  assert_int_equal(r->status, RXC_V_OUT_OF_SCOPE);
  expect_date(r->as_of, 2020, 2, 29);
  rxc_checker_set_as_of(fx.chk, NO_DATE);
}

static void test_record_without_a_date_sees_every_rule(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  /* Only a caller building records by hand can leave rx_date empty. */
  rxc_record copy = *record("JP", "2005-10-10", "F40.1", "", "150");
  copy.rx_date = NO_DATE;
  const rxc_result *r = check_rec(&copy);
  expect_date(r->as_of, 0, 0, 0);
  /* The first rule in pack order of the two whose windows now both
   * apply; every finding is in force. */
  assert_string_equal(r->indications[0].rule, "jp-sad");
  assert_non_null(finding(r, "dose-old"));
  assert_non_null(finding(r, "label-2017"));
}

/* ---- explanations and caches ------------------------------------------------ */

static void test_explain_leaves_out_rules_not_in_force(void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  rxc_checker_set_explain(fx.chk, 1);
  const rxc_result *r = check("JP", "2005-10-10", "F40.1", "", "");
  assert_true(explained(r, "jp-sad-before"));
  assert_false(explained(r, "jp-sad")); /* not even as a near miss */
  r = check("JP", "2005-10-11", "F40.1", "", "");
  assert_true(explained(r, "jp-sad"));
  assert_false(explained(r, "jp-sad-before"));
  rxc_checker_set_explain(fx.chk, 0);
}

static void test_caches_answer_for_the_day_asked(void **state) {
  (void)state;
  /* The same drug name and co-medication on alternating days: the
   * classification and co-medication caches are hit every time after the
   * first, and the finding must follow the day, not the cache. */
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  for (int i = 0; i < 6; i++) {
    const char *day = i % 2 ? "2012-01-01" : "2011-12-31";
    const rxc_result *r = check("US", day, "F42.2", "Datadol 5 mg", "");
    const rxc_finding *f = finding(r, "int-datadol");
    if (i % 2) {
      assert_non_null(f);
      assert_string_equal(f->rule_version, "3-beta");
      assert_int_equal(f->matched.len, strlen("Datadol 5 mg"));
    } else {
      assert_null(f);
    }
  }
  /* The same record (one build), the as-of date switched between
   * checks. */
  const rxc_record *rec = record("US", "2011-12-31", "F42.2", "datadol", "");
  for (int i = 0; i < 4; i++) {
    rxc_checker_set_as_of(fx.chk, i % 2 ? (rxc_date){2012, 1, 1}
                                        : (rxc_date){2011, 12, 31});
    const rxc_result *r = check_rec(rec);
    assert_int_equal(finding(r, "int-datadol") != NULL, i % 2);
  }
  rxc_checker_set_as_of(fx.chk, NO_DATE);
}

static void test_checking_on_any_day_allocates_nothing_once_warm(
    void **state) {
  (void)state;
  rxc_checker_set_as_of(fx.chk, NO_DATE);
  const rxc_result *r =
      check("US", "2012-01-01", "F40.1;F42.2", "datadol", "150");
  assert_true(r->nfindings >= 1);
  static const rxc_date days[] = {
      {2005, 10, 10}, {2005, 10, 11}, {2008, 2, 1}, {2014, 7, 1}, {0, 0, 0}};
  const rxc_record *rec =
      record("US", "2012-01-01", "F40.1;F42.2", "datadol", "150");
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    rxc_checker_set_as_of(fx.chk, days[i]);
    rxc__alloc_fail_after(0);
    rxc_status st = rxc_checker_check(fx.chk, rec, &r);
    rxc__alloc_fail_after(-1);
    assert_int_equal(st, RXC_OK);
    assert_int_equal(r->nindications, 2);
  }
  rxc_checker_set_as_of(fx.chk, NO_DATE);
}

/* ---- a finding no rule stands behind ------------------------------------------ */

static void test_match_limit_finding_has_no_rule_version(void **state) {
  (void)state;
  static const char pack[] =
      "pack: {name: lim, version: '9', title: t, jurisdictions: [US]}\n"
      "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
      "drug: {id: d, names: [drugex], formulations: [{id: ir, default: "
      "true}]}\n"
      "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
      "regulatory: [{id: r, jurisdiction: US, indication: ocd, status: "
      "approved, reason: r, source: S1, valid_from: 2000-01-01}]\n"
      "findings: [{id: f, kind: interaction, severity: major, when: "
      "{co_medications: {pattern: '(a+)+$'}}, message: m, source: S1}]\n";
  rxc_rule_file f = {"lim.yaml", pack, sizeof pack - 1};
  rxc_ruleset *rs = NULL;
  memset(&D, 0, sizeof D);
  rxc_status st = rxc_ruleset_load_files(&f, 1, rxc_test_diags_collect, &D,
                                         &rs);
  if (st != RXC_OK) rxc_test_diags_dump(&D);
  assert_int_equal(st, RXC_OK);
  rxc_checker *chk = NULL;
  assert_int_equal(rxc_checker_new(rs, &chk), RXC_OK);
  /* Five items that each drive (a+)+$ to its match limit. */
  char comed[256] = "";
  for (int i = 0; i < 5; i++)
    strcat(comed, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!;");
  snprintf(fx.row, sizeof fx.row, "drugex|US|2020-01-01|F42.2|%s|", comed);
  size_t n = split(fx.row, fx.fields);
  const rxc_record *rec = NULL;
  rxc_reject rej;
  assert_int_equal(
      rxc_builder_build(fx.builder, fx.fields, n, 2, 1, &rec, &rej), 1);
  const rxc_result *r = NULL;
  assert_int_equal(rxc_checker_check(chk, rec, &r), RXC_OK);
  expect_date(r->as_of, 2020, 1, 1);
  assert_string_equal(r->indications[0].rule_version, "9");
  const rxc_finding *lim = finding(r, "rxcheck-match-limit");
  assert_non_null(lim);
  assert_null(lim->rule_version);
  assert_null(finding(r, "f"));
  rxc_checker_free(chk);
  rxc_ruleset_free(rs);
}

/* ---- rxc_rule_in_force ------------------------------------------------------ */

static void test_rule_in_force(void **state) {
  (void)state;
  const rxc_rule_info *jp = rxc_ruleset_find_rule(fx.rs, "jp-sad");
  const rxc_rule_info *before = rxc_ruleset_find_rule(fx.rs, "jp-sad-before");
  const rxc_rule_info *us = rxc_ruleset_find_rule(fx.rs, "us-sad-2008");
  const rxc_rule_info *ocd = rxc_ruleset_find_rule(fx.rs, "us-ocd");
  assert_non_null(jp);
  assert_non_null(before);
  assert_non_null(us);
  assert_non_null(ocd);
  expect_date(jp->valid_from, 2005, 10, 11);
  expect_date(jp->valid_until, 0, 0, 0);
  assert_string_equal(jp->version, "2");
  assert_string_equal(ocd->version, "2.3.0");

  assert_false(rxc_rule_in_force(jp, (rxc_date){2005, 10, 10}));
  assert_true(rxc_rule_in_force(jp, (rxc_date){2005, 10, 11}));
  assert_false(rxc_rule_in_force(jp, (rxc_date){2005, 9, 30}));
  assert_true(rxc_rule_in_force(jp, (rxc_date){2099, 1, 1}));
  assert_true(rxc_rule_in_force(before, (rxc_date){2005, 10, 10}));
  assert_false(rxc_rule_in_force(before, (rxc_date){2005, 10, 11}));
  assert_true(rxc_rule_in_force(before, (rxc_date){1900, 1, 1}));
  assert_false(rxc_rule_in_force(us, (rxc_date){2008, 1, 31}));
  assert_true(rxc_rule_in_force(us, (rxc_date){2008, 2, 1}));
  assert_true(rxc_rule_in_force(us, (rxc_date){2014, 6, 30}));
  assert_false(rxc_rule_in_force(us, (rxc_date){2014, 7, 1}));
  assert_true(rxc_rule_in_force(ocd, (rxc_date){1, 1, 1}));
  assert_true(rxc_rule_in_force(ocd, (rxc_date){9999, 12, 31}));
  /* Year 0: any date. NULL: no rule. */
  assert_true(rxc_rule_in_force(jp, NO_DATE));
  assert_true(rxc_rule_in_force(before, NO_DATE));
  assert_false(rxc_rule_in_force(NULL, (rxc_date){2005, 10, 11}));
}

/* ---- loading dated rules under allocation failures --------------------------- */

static void test_dated_pack_survives_allocation_failures(void **state) {
  (void)state;
  int saw_ok = 0;
  for (long k = 0; k < 5000 && !saw_ok; k++) {
    rxc__alloc_fail_after(k);
    rxc_ruleset *rs = NULL;
    rxc_status st = rxc_ruleset_load_dir(DATED, NULL, NULL, &rs);
    rxc__alloc_fail_after(-1);
    if (st == RXC_OK) {
      saw_ok = 1;
      assert_non_null(rs);
      assert_int_equal(rs->packs[0].indications[1].nperiods, 4);
    } else {
      assert_int_equal(st, RXC_ENOMEM);
      assert_null(rs);
    }
    rxc_ruleset_free(rs);
  }
  assert_true(saw_ok);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rx_date_on_either_side_of_valid_from),
      cmocka_unit_test(test_rx_date_on_either_side_of_valid_until),
      cmocka_unit_test(test_approved_in_reason_as_it_stood_on_the_day),
      cmocka_unit_test(test_findings_on_either_side_of_their_windows),
      cmocka_unit_test(test_set_as_of_wins_over_rx_date),
      cmocka_unit_test(test_out_of_scope_records_get_as_of),
      cmocka_unit_test(test_record_without_a_date_sees_every_rule),
      cmocka_unit_test(test_explain_leaves_out_rules_not_in_force),
      cmocka_unit_test(test_caches_answer_for_the_day_asked),
      cmocka_unit_test(test_checking_on_any_day_allocates_nothing_once_warm),
      cmocka_unit_test(test_match_limit_finding_has_no_rule_version),
      cmocka_unit_test(test_rule_in_force),
      cmocka_unit_test(test_dated_pack_survives_allocation_failures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
