/*
 * test_output.c - the JSON string writer and CSV quoting, byte for byte.
 * JSON output must be valid for any input bytes; these cases are the ones
 * a carried-through field can throw at it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rxcheck/output.h"

static void expect_json(const char *in, size_t n, const char *want) {
  rxc_buf b = {0};
  rxc_buf_json_string(&b, in, n);
  assert_false(b.failed);
  assert_string_equal(b.data, want);
  rxc_buf_free(&b);
}

static void test_plain_ascii_is_quoted_only(void **state) {
  (void)state;
  expect_json("Luvox CR 100 mg", 15, "\"Luvox CR 100 mg\"");
}

static void test_quotes_and_backslashes_are_escaped(void **state) {
  (void)state;
  expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
}

static void test_control_characters_are_escaped(void **state) {
  (void)state;
  expect_json("a\nb\rc\td\x01" "e\x1f", 10,
              "\"a\\nb\\rc\\td\\u0001e\\u001f\"");
}

static void test_nul_byte_is_escaped(void **state) {
  (void)state;
  expect_json("a\0b", 3, "\"a\\u0000b\"");
}

static void test_valid_utf8_is_copied(void **state) {
  (void)state;
  /* "デプロメール" (Depromel) and an emoji, four-byte. */
  const char *s = "\xe3\x83\x87\xe3\x83\x97 \xf0\x9f\x92\x8a";
  expect_json(s, strlen(s), "\"\xe3\x83\x87\xe3\x83\x97 \xf0\x9f\x92\x8a\"");
}

static void test_invalid_utf8_becomes_replacement_character(void **state) {
  (void)state;
  /* A lone continuation byte, a truncated sequence, an overlong NUL and a
   * UTF-16 surrogate encoded in UTF-8: each invalid byte gives U+FFFD. */
  expect_json("a\x80" "b", 3, "\"a\xef\xbf\xbd" "b\"");
  expect_json("\xe3\x83", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json("\xc0\x80", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void test_empty_string(void **state) {
  (void)state;
  expect_json("", 0, "\"\"");
}

static void test_reject_rows_are_csv_quoted(void **state) {
  (void)state;
  rxc_reject rej;
  memset(&rej, 0, sizeof rej);
  rej.line = 12;
  rej.column = 3;
  snprintf(rej.message, sizeof rej.message,
           "birth_date: not a valid date, expected \"YYYY-MM-DD\"");
  rxc_buf b = {0};
  rxc_format_reject(&b, &rej);
  assert_string_equal(
      b.data,
      "12,3,\"birth_date: not a valid date, expected \"\"YYYY-MM-DD\"\"\"\n");
  rxc_buf_free(&b);
}

static void test_format_names_parse(void **state) {
  (void)state;
  rxc_format f;
  assert_true(rxc_format_parse("jsonl", &f));
  assert_int_equal(f, RXC_FORMAT_JSONL);
  assert_true(rxc_format_parse("csv", &f));
  assert_int_equal(f, RXC_FORMAT_CSV);
  assert_true(rxc_format_parse("text", &f));
  assert_int_equal(f, RXC_FORMAT_TEXT);
  assert_false(rxc_format_parse("xml", &f));
}

static void test_buffer_grows_across_many_appends(void **state) {
  (void)state;
  rxc_buf b = {0};
  for (int i = 0; i < 10000; i++) rxc_buf_append(&b, "0123456789", 10);
  assert_false(b.failed);
  assert_int_equal(b.len, 100000);
  assert_int_equal(b.data[99999], '9');
  assert_int_equal(b.data[100000], '\0');
  rxc_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_ascii_is_quoted_only),
      cmocka_unit_test(test_quotes_and_backslashes_are_escaped),
      cmocka_unit_test(test_control_characters_are_escaped),
      cmocka_unit_test(test_nul_byte_is_escaped),
      cmocka_unit_test(test_valid_utf8_is_copied),
      cmocka_unit_test(test_invalid_utf8_becomes_replacement_character),
      cmocka_unit_test(test_empty_string),
      cmocka_unit_test(test_reject_rows_are_csv_quoted),
      cmocka_unit_test(test_format_names_parse),
      cmocka_unit_test(test_buffer_grows_across_many_appends),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
