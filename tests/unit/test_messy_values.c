/*
 * test_messy_values.c - amounts as real exports write them (issue 8, item
 * 3): dose ranges ("1-2"), thousands separators ("25,000"), unit spellings
 * (mg, MG, gm, mcg, mL), empty values; each is parsed or rejected with its
 * own reason, nothing crashes or silently becomes zero. First the parser
 * (engine/amount.c), then the builder's mg columns, which use it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "amount.h"
#include "rxcheck/input.h"

static rxc__amount_status amt(const char *s, int range, double *v) {
  rxc__amount a;
  memset(&a, 0, sizeof a);
  rxc__amount_status st = rxc__amount_parse((rxc_str){s, strlen(s)}, range, &a);
  if (st == RXC__AMT_OK) *v = a.value;
  return st;
}

static void ok(const char *s, int range, double want) {
  double v = -1;
  rxc__amount_status st = amt(s, range, &v);
  if (st != RXC__AMT_OK || v != want)
    fail_msg("'%s': status %d value %g, expected %g", s, (int)st, v, want);
}

static void bad(const char *s, int range, rxc__amount_status want) {
  double v = -1;
  rxc__amount_status st = amt(s, range, &v);
  if (st != want) fail_msg("'%s': status %d, expected %d", s, (int)st, (int)want);
}

static void test_plain_numbers_and_units(void **state) {
  (void)state;
  ok("100", 0, 100);
  ok(" 12.5 ", 0, 12.5);
  ok(".5", 0, 0.5);
  ok("+25", 0, 25);
  ok("0", 0, 0);
  ok("-0", 0, 0);
  ok("100 mg", 0, 100);
  ok("100mg", 0, 100);
  ok("100 MG", 0, 100);
  ok("100 Milligrams", 0, 100);
  ok("0.5 g", 0, 500);
  ok("1 gm", 0, 1000);
  ok("500 mcg", 0, 0.5);
  ok("250 \xC2\xB5g", 0, 0.25);
  ok("0.001", 0, 0.001);
  /* Any number of zeros after the point scales, and stays above zero. */
  double v = 0;
  assert_int_equal(amt("0.000000000000000000000000000001", 0, &v), RXC__AMT_OK);
  assert_true(v > 0 && v < 1e-29);
}

static void test_thousands_separators(void **state) {
  (void)state;
  ok("25,000", 0, 25000);
  ok("1,000", 0, 1000);
  ok("1,234,567.5", 0, 1234567.5);
  /* A comma that is not a thousands separator is never guessed at: it
   * could be a decimal comma. */
  bad("12,5", 0, RXC__AMT_SEPARATOR);
  bad("1,2345", 0, RXC__AMT_SEPARATOR);
  bad("1234,567", 0, RXC__AMT_SEPARATOR);
  bad("1,234,56", 0, RXC__AMT_SEPARATOR);
  bad("1.5,000", 0, RXC__AMT_BAD);
  bad(",500", 0, RXC__AMT_BAD);
}

static void test_ranges(void **state) {
  (void)state;
  /* Where a range is allowed (a dose), its upper bound counts. */
  ok("1-2", 1, 2);
  ok("325-650", 1, 650);
  ok("25 - 50 mg", 1, 50);
  ok("0.5-1", 1, 1);
  ok("1,000-2,000", 1, 2000);
  ok("12.5\xE2\x80\x93" "25", 1, 25); /* en dash */
  rxc__amount a;
  assert_int_equal(rxc__amount_parse((rxc_str){"1-2 g", 5}, 1, &a),
                   RXC__AMT_OK);
  assert_true(a.is_range && a.low == 1000 && a.value == 2000);
  bad("1-2", 0, RXC__AMT_RANGE);
  bad("4-2", 1, RXC__AMT_RANGE_ORDER);
  bad("1-", 1, RXC__AMT_BAD);
  bad("-5", 1, RXC__AMT_NEGATIVE);
  bad("1--2", 1, RXC__AMT_BAD);
}

static void test_units_that_are_not_masses(void **state) {
  (void)state;
  bad("10 mL", 0, RXC__AMT_VOLUME);
  bad("10ml", 1, RXC__AMT_VOLUME);
  bad("1 L", 0, RXC__AMT_VOLUME);
  bad("5000 UNIT", 0, RXC__AMT_UNIT);
  bad("1-2 TAB", 1, RXC__AMT_UNIT);
  bad("20 mEq", 0, RXC__AMT_UNIT);
  bad("5 mcg/hr", 0, RXC__AMT_UNIT);
}

static void test_not_numbers(void **state) {
  (void)state;
  bad("", 0, RXC__AMT_BAD);
  bad("   ", 0, RXC__AMT_BAD);
  bad("one hundred", 0, RXC__AMT_BAD);
  bad("1e2", 0, RXC__AMT_BAD);
  bad("0x10", 0, RXC__AMT_BAD);
  bad("inf", 0, RXC__AMT_BAD);
  bad("2.0.0", 0, RXC__AMT_BAD);
  bad(".", 0, RXC__AMT_BAD);
  bad("mg", 0, RXC__AMT_BAD);
}

static void test_unit_classification(void **state) {
  (void)state;
  int p = 99;
  assert_int_equal(rxc__unit_classify((rxc_str){"MG", 2}, &p), RXC__UNIT_MASS);
  assert_int_equal(p, 0);
  assert_int_equal(rxc__unit_classify((rxc_str){"gm", 2}, &p), RXC__UNIT_MASS);
  assert_int_equal(p, 3);
  assert_int_equal(rxc__unit_classify((rxc_str){"mcg", 3}, &p),
                   RXC__UNIT_MASS);
  assert_int_equal(p, -3);
  assert_int_equal(rxc__unit_classify((rxc_str){"mL", 2}, &p),
                   RXC__UNIT_VOLUME);
  assert_int_equal(rxc__unit_classify((rxc_str){"TAB", 3}, &p),
                   RXC__UNIT_OTHER);
  assert_int_equal(rxc__unit_classify((rxc_str){" ", 1}, &p), RXC__UNIT_NONE);
  assert_true(rxc__to_mg(2, 3) == 2000 && rxc__to_mg(500, -3) == 0.5);
}

/* ---- the builder's mg columns ------------------------------------------ */

typedef struct built {
  int k;
  double strength, dose;
  rxc_reject rej;
} built;

/* Builds "drug_name,strength_mg,daily_dose_mg" with the two values. */
static built build(const char *strength, const char *dose) {
  static const rxc_str head[] = {{"drug_name", 9},
                                 {"strength_mg", 11},
                                 {"daily_dose_mg", 13}};
  rxc_schema *s = NULL;
  rxc_builder *b = NULL;
  rxc_error err;
  assert_int_equal(rxc_schema_new(head, 3, NULL, &s, &err), RXC_OK);
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = (rxc_date){2024, 6, 1};
  assert_int_equal(rxc_builder_new(s, &o, &b), RXC_OK);
  rxc_str f[] = {{"Fluvoxamine", 11},
                 {strength, strlen(strength)},
                 {dose, strlen(dose)}};
  built out;
  memset(&out, 0, sizeof out);
  const rxc_record *r = NULL;
  out.k = rxc_builder_build(b, f, 3, 2, 1, &r, &out.rej);
  if (out.k == 1) {
    out.strength = r->strength_mg;
    out.dose = r->daily_dose_mg;
  }
  rxc_builder_free(b);
  rxc_schema_free(s);
  return out;
}

static void rejected(const char *strength, const char *dose,
                     unsigned long column, rxc_reject_reason reason,
                     const char *says) {
  built r = build(strength, dose);
  if (r.k != 0)
    fail_msg("'%s' / '%s' was not rejected", strength, dose);
  assert_int_equal(r.rej.column, column);
  assert_int_equal(r.rej.reason, reason);
  if (!strstr(r.rej.message, says))
    fail_msg("message '%s' does not say '%s'", r.rej.message, says);
  const char *v = column == 2 ? strength : dose;
  if (strlen(v) > 2 && strstr(r.rej.message, v))
    fail_msg("message quotes the value: %s", r.rej.message);
}

static void test_builder_reads_messy_doses(void **state) {
  (void)state;
  built r = build("100mg", "1-2");
  assert_int_equal(r.k, 1);
  assert_true(r.strength == 100 && r.dose == 2);
  r = build("0.1 g", "25,000");
  assert_int_equal(r.k, 1);
  assert_true(r.strength == 100 && r.dose == 25000);
  r = build("500 mcg", "150 mg");
  assert_int_equal(r.k, 1);
  assert_true(r.strength == 0.5 && r.dose == 150);
  /* Empty values are absent (negative), never zero. */
  r = build("", " ");
  assert_int_equal(r.k, 1);
  assert_true(r.strength < 0 && r.dose < 0);
  /* An explicit zero stays zero. */
  r = build("0", "0 mg");
  assert_int_equal(r.k, 1);
  assert_true(r.strength == 0 && r.dose == 0);
}

static void test_builder_rejects_with_a_reason(void **state) {
  (void)state;
  rejected("10 mL", "", 2, RXC_REJ_BAD_NUMBER, "volume (mL)");
  rejected("", "15 ml", 3, RXC_REJ_BAD_NUMBER, "volume (mL)");
  rejected("", "2 TAB", 3, RXC_REJ_BAD_NUMBER, "not a mass");
  rejected("12,5", "", 2, RXC_REJ_BAD_NUMBER, "thousands separator");
  rejected("50-100", "", 2, RXC_REJ_BAD_NUMBER, "a range");
  rejected("", "400-200", 3, RXC_REJ_BAD_NUMBER, "lower bound is above");
  rejected("", "one", 3, RXC_REJ_BAD_NUMBER, "not a number");
  rejected("", "-5", 3, RXC_REJ_RANGE, "out of range");
  rejected("", "200 g", 3, RXC_REJ_RANGE, "0 to 100000 mg");
}

/* An age computed from dates is bounded like the age column. */
static void test_ages_from_dates_are_bounded(void **state) {
  (void)state;
  static const rxc_str head[] = {{"drug_name", 9}, {"birth_date", 10},
                                 {"rx_date", 7}};
  rxc_schema *s = NULL;
  rxc_builder *b = NULL;
  rxc_error err;
  assert_int_equal(rxc_schema_new(head, 3, NULL, &s, &err), RXC_OK);
  assert_int_equal(rxc_builder_new(s, NULL, &b), RXC_OK);
  static const char *const rows[][2] = {{"1850-01-01", "2024-06-01"},
                                        {"2024-06-01", "9999-12-31"},
                                        {"2010-01-01", "2009-12-31"}};
  for (size_t i = 0; i < 3; i++) {
    rxc_str f[] = {{"fluvoxamine", 11},
                   {rows[i][0], strlen(rows[i][0])},
                   {rows[i][1], strlen(rows[i][1])}};
    const rxc_record *r;
    rxc_reject rej;
    assert_int_equal(rxc_builder_build(b, f, 3, 2, 1, &r, &rej), 0);
    assert_int_equal(rej.reason, RXC_REJ_RANGE);
    assert_int_equal(rej.column, 2);
  }
  rxc_str ok130[] = {{"fluvoxamine", 11}, {"1894-06-01", 10},
                     {"2024-06-01", 10}};
  const rxc_record *r;
  rxc_reject rej;
  assert_int_equal(rxc_builder_build(b, ok130, 3, 2, 1, &r, &rej), 1);
  assert_int_equal(r->age, 130);
  rxc_builder_free(b);
  rxc_schema_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_numbers_and_units),
      cmocka_unit_test(test_thousands_separators),
      cmocka_unit_test(test_ranges),
      cmocka_unit_test(test_units_that_are_not_masses),
      cmocka_unit_test(test_not_numbers),
      cmocka_unit_test(test_unit_classification),
      cmocka_unit_test(test_builder_reads_messy_doses),
      cmocka_unit_test(test_builder_rejects_with_a_reason),
      cmocka_unit_test(test_ages_from_dates_are_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
