/*
 * test_date.c - ISO dates as exports write them, and age in whole years,
 * including the days around a birthday and 29 February births.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rxcheck/common.h"

static int parses(const char *s) {
  rxc_date d;
  return rxc_date_parse(s, strlen(s), &d);
}

static rxc_date date(const char *s) {
  rxc_date d = {0, 0, 0};
  if (!rxc_date_parse(s, strlen(s), &d)) fail_msg("'%s' did not parse", s);
  return d;
}

static void test_parses_plain_date(void **state) {
  (void)state;
  rxc_date d = date("2024-03-05");
  assert_int_equal(d.year, 2024);
  assert_int_equal(d.month, 3);
  assert_int_equal(d.day, 5);
  d = date("0001-01-01");
  assert_int_equal(d.year, 1);
  d = date("1999-12-31");
  assert_int_equal(d.day, 31);
}

static void test_refuses_impossible_calendar_dates(void **state) {
  (void)state;
  assert_false(parses("2023-02-30"));
  assert_false(parses("2023-02-29")); /* not a leap year */
  assert_true(parses("2024-02-29"));  /* leap year */
  assert_true(parses("2000-02-29"));  /* divisible by 400 */
  assert_false(parses("2100-02-29")); /* divisible by 100 only */
  assert_false(parses("2024-04-31"));
  assert_false(parses("2024-13-01"));
  assert_false(parses("2024-00-10"));
  assert_false(parses("2024-01-00"));
  assert_false(parses("0000-01-01")); /* year 0 means absent */
}

static void test_refuses_other_shapes(void **state) {
  (void)state;
  assert_false(parses(""));
  assert_false(parses("2024-3-5"));
  assert_false(parses("3/5/94 0:00"));
  assert_false(parses("05/03/2024"));
  assert_false(parses("20240305"));
  assert_false(parses("2024/03/05"));
  assert_false(parses("2024-03-05x"));
  assert_false(parses("2024-03-05 "));
  assert_false(parses(" 2024-03-05"));
  assert_false(parses("2024-03-0"));
  /* Only the bytes given count: a NUL-free prefix of a valid date. */
  rxc_date d;
  assert_false(rxc_date_parse("2024-03-05", 7, &d));
  assert_true(rxc_date_parse("2024-03-05T12:00", 10, &d));
}

static void test_accepts_and_ignores_a_time(void **state) {
  (void)state;
  static const char *const ok[] = {
      "2024-03-05T12:00",          "2024-03-05 12:00",
      "2024-03-05T12:00:00",       "2024-03-05 12:00:00",
      "2024-03-05T12:00:00Z",      "2013-12-18T15:27:41Z",
      "2024-03-05T12:00:00.123+01:00", "2024-03-05T00:00:00-05:00",
      "2024-03-05T23:59:59.5",     "2024-03-05T12:00:00+0100",
      "2024-03-05T12:00+01",       "2024-03-05t12:00:00z",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    rxc_date d = date(ok[i]);
    assert_int_equal(d.month, (ok[i][5] - '0') * 10 + ok[i][6] - '0');
    assert_int_equal(d.day, (ok[i][8] - '0') * 10 + ok[i][9] - '0');
  }
}

static void test_refuses_malformed_times(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2024-03-05T",          "2024-03-05T12",        "2024-03-05T25:00",
      "2024-03-05T12:60",     "2024-03-05T12:00:61",  "2024-03-05T12:00:00+",
      "2024-03-05T12:00:00.", "2024-03-05T12:00:00ZZ", "2024-03-05 0:00",
      "2024-03-05T12:00 PM",  "2024-03-05_12:00",     "2024-03-05T12:00:00+1",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (parses(bad[i])) fail_msg("'%s' should be refused", bad[i]);
}

static void test_age_day_before_and_day_of_birthday(void **state) {
  (void)state;
  rxc_date birth = date("2010-06-15");
  assert_int_equal(rxc_age_years(birth, date("2024-06-14")), 13);
  assert_int_equal(rxc_age_years(birth, date("2024-06-15")), 14);
  assert_int_equal(rxc_age_years(birth, date("2024-12-31")), 14);
  assert_int_equal(rxc_age_years(birth, date("2025-01-01")), 14);
  /* The day of birth is age 0; the day before is unknown. */
  assert_int_equal(rxc_age_years(birth, birth), 0);
  assert_int_equal(rxc_age_years(birth, date("2010-06-14")), -1);
  assert_int_equal(rxc_age_years(birth, date("2009-12-31")), -1);
}

static void test_age_of_29_february_births(void **state) {
  (void)state;
  rxc_date leapling = date("2008-02-29");
  /* Common year: the birthday counts on 1 March. */
  assert_int_equal(rxc_age_years(leapling, date("2025-02-28")), 16);
  assert_int_equal(rxc_age_years(leapling, date("2025-03-01")), 17);
  /* Leap year: on 29 February itself. */
  assert_int_equal(rxc_age_years(leapling, date("2024-02-28")), 15);
  assert_int_equal(rxc_age_years(leapling, date("2024-02-29")), 16);
  assert_int_equal(rxc_age_years(leapling, date("2008-03-01")), 0);
  assert_int_equal(rxc_age_years(leapling, date("2008-02-28")), -1);
}

static void test_age_unknown_when_a_date_is_absent(void **state) {
  (void)state;
  rxc_date none = {0, 0, 0};
  assert_int_equal(rxc_age_years(none, date("2024-01-01")), -1);
  assert_int_equal(rxc_age_years(date("2000-01-01"), none), -1);
}

static void test_today_is_a_valid_recent_date(void **state) {
  (void)state;
  rxc_date t = rxc_date_today();
  assert_true(t.year >= 2024);
  char s[16];
  snprintf(s, sizeof s, "%04d-%02d-%02d", t.year, t.month, t.day);
  rxc_date back = date(s);
  assert_int_equal(back.month, t.month);
  assert_int_equal(back.day, t.day);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parses_plain_date),
      cmocka_unit_test(test_refuses_impossible_calendar_dates),
      cmocka_unit_test(test_refuses_other_shapes),
      cmocka_unit_test(test_accepts_and_ignores_a_time),
      cmocka_unit_test(test_refuses_malformed_times),
      cmocka_unit_test(test_age_day_before_and_day_of_birthday),
      cmocka_unit_test(test_age_of_29_february_births),
      cmocka_unit_test(test_age_unknown_when_a_date_is_absent),
      cmocka_unit_test(test_today_is_a_valid_recent_date),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
