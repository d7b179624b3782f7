/*
 * test_summary_merge.c - merging the summaries of a split run
 * (rxc_summary_merge): counts summed at every depth, keys in the order one
 * run writes them, provenance collected, and every difference that would
 * make the merged summary lie refused with the file and the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "rxcheck/summary.h"

/* The fixed part of a summary: what every chunk of one run shares. */
#define TOOL "\"tool\":{\"name\":\"rxcheck\",\"version\":\"0.1.0\"}"
#define RULESET                                                      \
  "\"ruleset\":{\"name\":\"fluvoxamine\",\"version\":\"1.1.0\","     \
  "\"hash\":\"sha256:31b361438368d155babccc01c89ca60166aa861d6325be" \
  "000f3bc0df6619b9ca\"}"

typedef struct merged {
  rxc_status st;
  rxc_error err;
  rxc_buf out;
} merged;

/* Merges the NULL-terminated list of summary texts, named s1.json, s2.json
 * ... */
static merged merge_list(const char *const *texts) {
  static char names[16][16];
  const char *np[16];
  size_t lens[16], n = 0;
  while (texts[n]) {
    snprintf(names[n], sizeof names[n], "s%zu.json", n + 1);
    np[n] = names[n];
    lens[n] = strlen(texts[n]);
    n++;
  }
  merged m;
  memset(&m, 0, sizeof m);
  m.st = rxc_summary_merge_mem(np, texts, lens, n, &m.out, &m.err);
  return m;
}

#define MERGE(...) merge_list((const char *const[]){__VA_ARGS__, NULL})

static void expect_merged(merged m, const char *want) {
  if (m.st != RXC_OK) print_error("unexpected error: %s: %s\n", m.err.file,
                                  m.err.message);
  assert_int_equal(m.st, RXC_OK);
  assert_false(m.out.failed);
  assert_non_null(m.out.data);
  assert_string_equal(m.out.data, want);
  rxc_buf_free(&m.out);
}

/* The merge fails naming `file` and with a message containing each of the
 * NULL-terminated fragments. */
static void expect_refused_(merged m, const char *file, unsigned long line,
                            unsigned long column, const char *const *frags) {
  if (m.st == RXC_OK) print_error("merged: %s\n", m.out.data);
  assert_int_equal(m.st, RXC_EUSAGE);
  assert_string_equal(m.err.file, file);
  assert_int_equal(m.err.line, line);
  assert_int_equal(m.err.column, column);
  for (; *frags; frags++) {
    if (!strstr(m.err.message, *frags))
      print_error("message '%s' lacks '%s'\n", m.err.message, *frags);
    assert_non_null(strstr(m.err.message, *frags));
  }
  rxc_buf_free(&m.out);
}

#define expect_refused(m, file, ...) \
  expect_refused_((m), (file), 0, 0, (const char *const[]){__VA_ARGS__, NULL})
#define expect_malformed(m, file, line, col, ...)         \
  expect_refused_((m), (file), (line), (col),            \
                  (const char *const[]){__VA_ARGS__, NULL})

/* ---- counts and key order ------------------------------------------------ */

static void test_counts_are_summed_at_every_depth(void **state) {
  (void)state;
  expect_merged(
      MERGE("{" TOOL ",\"rows_read\":3,\"checked\":2,\"rejected\":1,"
            "\"status\":{\"approved\":1,\"off-label\":1},"
            "\"suppressed\":{\"total\":1,\"by_severity\":{\"major\":1}},"
            "\"rules\":{\"int-a\":{\"active\":1,\"suppressed\":0}}," RULESET
            "}",
            "{" TOOL ",\"rows_read\":5,\"checked\":5,\"rejected\":0,"
            "\"status\":{\"approved\":4,\"off-label\":1},"
            "\"suppressed\":{\"total\":0,\"by_severity\":{\"major\":0}},"
            "\"rules\":{\"int-a\":{\"active\":2,\"suppressed\":7}}," RULESET
            "}"),
      "{" TOOL ",\"rows_read\":8,\"checked\":7,\"rejected\":1,"
      "\"status\":{\"approved\":5,\"off-label\":2},"
      "\"suppressed\":{\"total\":1,\"by_severity\":{\"major\":1}},"
      "\"rules\":{\"int-a\":{\"active\":3,\"suppressed\":7}}," RULESET "}\n");
}

static void test_one_summary_is_its_own_merge(void **state) {
  (void)state;
  expect_merged(MERGE("{" TOOL ",\"input\":\"a.csv\",\"input_sha256\":\"ab\","
                      "\"rows_read\":3," RULESET "}"),
                "{" TOOL ",\"inputs\":[{\"input\":\"a.csv\","
                "\"input_sha256\":\"ab\"}],\"rows_read\":3," RULESET "}\n");
}

static void test_sparse_keys_are_placed_as_one_run_places_them(void **state) {
  (void)state;
  /* rejected_by lists only the reasons seen, in rxcheck's order of
   * reasons (field-count before bad-date); jurisdictions are sorted by
   * name; a key one chunk lacks is 0 there. */
  expect_merged(
      MERGE("{" TOOL ",\"rejected_by\":{\"bad-date\":1},"
            "\"jurisdictions\":{\"US\":{\"approved\":1}}," RULESET "}",
            "{" TOOL ",\"rejected_by\":{\"field-count\":2},"
            "\"jurisdictions\":{\"(none)\":{},\"GB\":{\"approved\":2}}," RULESET
            "}",
            "{" TOOL ",\"rejected_by\":{}," "\"jurisdictions\":{}," RULESET
            "}"),
      "{" TOOL ",\"rejected_by\":{\"field-count\":2,\"bad-date\":1},"
      "\"jurisdictions\":{\"(none)\":{},\"GB\":{\"approved\":2},"
      "\"US\":{\"approved\":1}}," RULESET "}\n");
}

static void test_key_order_agreed_by_the_summaries_wins(void **state) {
  (void)state;
  /* Ruleset order (not sorted): z-rule, a-rule, m-rule; each chunk sees a
   * part of it. */
  expect_merged(
      MERGE("{" TOOL ",\"rules\":{\"z-rule\":{\"active\":1},"
            "\"m-rule\":{\"active\":1}}," RULESET "}",
            "{" TOOL ",\"rules\":{\"z-rule\":{\"active\":1},"
            "\"a-rule\":{\"active\":1},\"m-rule\":{\"active\":0}}," RULESET
            "}"),
      "{" TOOL ",\"rules\":{\"z-rule\":{\"active\":2},"
      "\"a-rule\":{\"active\":1},\"m-rule\":{\"active\":1}}," RULESET "}\n");
}

static void test_unknown_count_keys_are_summed(void **state) {
  (void)state;
  expect_merged(
      MERGE("{" TOOL ",\"new_count\":4,\"new_group\":{\"x\":{\"y\":1}},"
            RULESET "}",
            "{" TOOL ",\"new_count\":5," RULESET "}"),
      "{" TOOL ",\"new_count\":9,\"new_group\":{\"x\":{\"y\":1}}," RULESET
      "}\n");
}

static void test_largest_count_is_read_and_written(void **state) {
  (void)state;
  expect_merged(MERGE("{" TOOL ",\"n\":9223372036854775806," RULESET "}",
                      "{" TOOL ",\"n\":1," RULESET "}"),
                "{" TOOL ",\"n\":9223372036854775807," RULESET "}\n");
}

/* ---- provenance ------------------------------------------------------------ */

static void test_inputs_in_argument_order_and_earliest_start(void **state) {
  (void)state;
  expect_merged(
      MERGE("{" TOOL ",\"input\":\"<stdin>\",\"input_sha256\":\"aa\","
            "\"started\":\"2026-11-27T13:58:09Z\",\"as_of\":null," RULESET "}",
            "{" TOOL ",\"input\":\"<stdin>\",\"input_sha256\":\"bb\","
            "\"started\":\"2026-11-27T13:58:08.5Z\",\"as_of\":null," RULESET
            "}",
            "{" TOOL ",\"input\":\"c.csv\",\"started\":null,\"as_of\":null,"
            RULESET "}",
            "{" TOOL ",\"input\":\"d.csv\",\"input_sha256\":\"dd\","
            "\"started\":\"2026-11-27T13:58:08.25Z\",\"as_of\":null," RULESET
            "}"),
      "{" TOOL ",\"inputs\":[{\"input\":\"<stdin>\",\"input_sha256\":\"aa\"},"
      "{\"input\":\"<stdin>\",\"input_sha256\":\"bb\"},"
      "{\"input\":\"c.csv\",\"input_sha256\":null},"
      "{\"input\":\"d.csv\",\"input_sha256\":\"dd\"}],"
      "\"started\":\"2026-11-27T13:58:08.25Z\",\"as_of\":null," RULESET
      "}\n");
}

static void test_merged_summaries_merge_again(void **state) {
  (void)state;
  merged a = MERGE("{" TOOL ",\"input\":\"a\",\"input_sha256\":\"1\","
                   "\"started\":\"2026-01-02T00:00:00Z\",\"rows_read\":1,"
                   RULESET "}",
                   "{" TOOL ",\"input\":\"b\",\"input_sha256\":\"2\","
                   "\"started\":\"2026-01-01T00:00:00Z\",\"rows_read\":2,"
                   RULESET "}");
  assert_int_equal(a.st, RXC_OK);
  const char *first = a.out.data;
  expect_merged(
      MERGE(first, "{" TOOL ",\"input\":\"c\",\"input_sha256\":\"3\","
                   "\"started\":\"2025-12-31T23:59:59Z\",\"rows_read\":4,"
                   RULESET "}"),
      "{" TOOL ",\"inputs\":[{\"input\":\"a\",\"input_sha256\":\"1\"},"
      "{\"input\":\"b\",\"input_sha256\":\"2\"},"
      "{\"input\":\"c\",\"input_sha256\":\"3\"}],"
      "\"started\":\"2025-12-31T23:59:59Z\",\"rows_read\":7," RULESET "}\n");
  rxc_buf_free(&a.out);
}

static void test_started_must_be_a_utc_time(void **state) {
  (void)state;
  expect_refused(MERGE("{" TOOL ",\"started\":\"2026-11-27T13:58:09Z\","
                       RULESET "}",
                       "{" TOOL ",\"started\":\"2026-11-27 13:58:09+01:00\","
                       RULESET "}"),
                 "s2.json", ".started", "RFC 3339 UTC");
}

/* ---- suppressions ------------------------------------------------------------- */

#define ENTRY(file_line, expired, hits)                                 \
  "{\"entry\":\"" file_line "\",\"rule\":\"int-theophylline\","       \
  "\"owner\":\"jane@example.org\",\"reason\":\"Levels monitored\","   \
  "\"expires\":\"2027-03-31\",\"expired\":" expired ",\"hits\":" hits "}"

static void test_suppression_hits_are_summed_by_entry(void **state) {
  (void)state;
  /* The second summary lists the entries in another order: matched by
   * "entry", written in the first summary's order. */
  expect_merged(
      MERGE("{" TOOL ",\"suppressions\":[" ENTRY("sup.yaml:2", "false", "3")
            "," ENTRY("sup.yaml:9", "true", "0") "]," RULESET "}",
            "{" TOOL ",\"suppressions\":[" ENTRY("sup.yaml:9", "true", "0")
            "," ENTRY("sup.yaml:2", "false", "4") "]," RULESET "}"),
      "{" TOOL ",\"suppressions\":[" ENTRY("sup.yaml:2", "false", "7") ","
      ENTRY("sup.yaml:9", "true", "0") "]," RULESET "}\n");
}

static void test_refuses_different_suppression_entries(void **state) {
  (void)state;
  /* An entry expired in one chunk and not in another (different dates). */
  expect_refused(
      MERGE("{" TOOL ",\"suppressions\":[" ENTRY("s.yaml:2", "false", "1")
            "]," RULESET "}",
            "{" TOOL ",\"suppressions\":[" ENTRY("s.yaml:2", "true", "0")
            "]," RULESET "}"),
      "s2.json", ".suppressions[0].expired differs from s1.json",
      "different suppression entries");
  /* Another entry. */
  expect_refused(
      MERGE("{" TOOL ",\"suppressions\":[" ENTRY("s.yaml:2", "false", "1")
            "]," RULESET "}",
            "{" TOOL ",\"suppressions\":[" ENTRY("t.yaml:2", "false", "1")
            "]," RULESET "}"),
      "s2.json", "no entry s.yaml:2");
  /* More entries. */
  expect_refused(
      MERGE("{" TOOL ",\"suppressions\":[" ENTRY("s.yaml:2", "false", "1")
            "]," RULESET "}",
            "{" TOOL ",\"suppressions\":[]," RULESET "}"),
      "s2.json", "has 0 entries, s1.json has 1");
  /* None at all (run without --suppress). */
  expect_refused(
      MERGE("{" TOOL ",\"suppressions\":[]," RULESET "}",
            "{" TOOL "," RULESET "}"),
      "s2.json", ".suppressions is missing");
}

/* ---- refusals -------------------------------------------------------------- */

static void test_refuses_a_different_ruleset(void **state) {
  (void)state;
  expect_refused(
      MERGE("{" TOOL "," RULESET "}",
            "{" TOOL ",\"ruleset\":{\"name\":\"fluvoxamine\",\"version\":"
            "\"1.1.0\",\"hash\":\"sha256:00\"}}"),
      "s2.json", ".ruleset.hash differs from s1.json", "\"sha256:00\" here",
      "different rule packs");
  expect_refused(
      MERGE("{" TOOL "," RULESET "}", "{" TOOL "," RULESET "}",
            "{" TOOL ",\"ruleset\":[{\"name\":\"fluvoxamine\"},"
            "{\"name\":\"other\"}]}"),
      "s3.json", ".ruleset differs from s1.json");
}

static void test_refuses_another_tool_version_or_as_of(void **state) {
  (void)state;
  expect_refused(
      MERGE("{" TOOL "," RULESET "}",
            "{\"tool\":{\"name\":\"rxcheck\",\"version\":\"0.2.0\"}," RULESET
            "}"),
      "s2.json", ".tool.version differs", "different versions of rxcheck");
  expect_refused(
      MERGE("{" TOOL ",\"as_of\":\"2026-01-01\"," RULESET "}",
            "{" TOOL ",\"as_of\":null," RULESET "}"),
      "s2.json", ".as_of differs from s1.json", "--as-of");
  expect_refused(MERGE("{" TOOL ",\"as_of\":null," RULESET "}",
                       "{" TOOL "," RULESET "}"),
                 "s2.json", ".as_of is missing (s1.json has it)");
  /* Without --as-of, chunks run on either side of midnight judge expiry
   * on different days. */
  expect_refused(MERGE("{" TOOL ",\"suppress_on\":\"2026-11-27\"," RULESET "}",
                       "{" TOOL ",\"suppress_on\":\"2026-11-28\"," RULESET "}"),
                 "s2.json", ".suppress_on differs from s1.json",
                 "same --as-of");
}

static void test_refuses_unknown_text_that_differs(void **state) {
  (void)state;
  expect_refused(MERGE("{" TOOL ",\"mode\":\"strict\"," RULESET "}",
                       "{" TOOL ",\"mode\":\"lenient\"," RULESET "}"),
                 "s2.json", ".mode differs from s1.json",
                 "only counts are added up");
  expect_merged(MERGE("{" TOOL ",\"mode\":\"strict\"," RULESET "}",
                      "{" TOOL ",\"mode\":\"strict\"," RULESET "}"),
                "{" TOOL ",\"mode\":\"strict\"," RULESET "}\n");
}

static void test_refuses_counts_that_are_not_counts(void **state) {
  (void)state;
  expect_refused(MERGE("{" TOOL ",\"status\":{\"approved\":1}," RULESET "}",
                       "{" TOOL ",\"status\":{\"approved\":-1}," RULESET "}"),
                 "s2.json", ".status.approved is -1, not a count");
  expect_refused(MERGE("{" TOOL ",\"checked\":1.5," RULESET "}"), "s1.json",
                 ".checked is 1.5, not a count");
  expect_refused(MERGE("{" TOOL ",\"checked\":1e3," RULESET "}"), "s1.json",
                 ".checked is 1000.0, not a count");
  expect_refused(MERGE("{" TOOL ",\"rules\":{\"int-x\":{\"active\":1}},"
                       RULESET "}",
                       "{" TOOL ",\"rules\":{\"int-x\":{\"active\":\"1\"}},"
                       RULESET "}"),
                 "s2.json", ".rules[\"int-x\"].active is text here but a "
                 "number in s1.json");
  expect_refused(MERGE("{" TOOL ",\"n\":9223372036854775807," RULESET "}",
                       "{" TOOL ",\"n\":1," RULESET "}"),
                 "s2.json", ".n: the sum of the counts exceeds "
                 "9223372036854775807");
}

static void test_refuses_what_is_not_a_summary(void **state) {
  (void)state;
  expect_refused(MERGE("[1,2]"), "s1.json", "not an rxcheck summary");
  expect_refused(MERGE("{" RULESET "}"), "s1.json", "no \"tool\"");
  expect_refused(MERGE("{\"tool\":{\"name\":\"other\"}," RULESET "}"),
                 "s1.json", "no \"tool\" naming rxcheck");
  expect_refused(MERGE("{" TOOL "}"), "s1.json", "no \"ruleset\"");
}

static void test_refuses_the_same_file_twice(void **state) {
  (void)state;
  const char *names[] = {"a.json", "b.json", "a.json"};
  const char *data[] = {"{}", "{}", "{}"};
  size_t lens[] = {2, 2, 2};
  rxc_buf out = {0};
  rxc_error err;
  assert_int_equal(rxc_summary_merge_mem(names, data, lens, 3, &out, &err),
                   RXC_EUSAGE);
  assert_string_equal(err.file, "a.json");
  assert_non_null(strstr(err.message, "given twice"));
  assert_int_equal(rxc_summary_merge_mem(names, data, lens, 0, &out, &err),
                   RXC_EUSAGE);
  assert_null(out.data);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void test_malformed_json_gives_file_line_column(void **state) {
  (void)state;
  expect_malformed(MERGE("{" TOOL "," RULESET "}", "{\"a\":1,\n \"b\":2,}"),
                   "s2.json", 2, 8, "expected string or '}' near '}'");
  expect_malformed(MERGE("{\"a\":1"), "s1.json", 1, 6, "expected '}'");
  expect_malformed(MERGE(""), "s1.json", 1, 1, "expected '[' or '{'");
  expect_malformed(MERGE("{\"a\":1}\n{\"b\":2}"), "s1.json", 2, 1,
                   "expected end of file");
  expect_malformed(MERGE("{\"a\":1,\"a\":2}"), "s1.json", 1, 10,
                   "duplicate object key");
  expect_malformed(MERGE("{\"a\":1 # comment\n}"), "s1.json", 1, 8,
                   "expected '}'");
  expect_malformed(MERGE("{'a':1}"), "s1.json", 1, 2, "expected string");
  expect_malformed(MERGE("{\"n\":18446744073709551615}"), "s1.json", 1, 25,
                   "a number larger than 9223372036854775807");
  expect_malformed(MERGE("{\"s\":\"\\ud800\"}"), "s1.json", 1, 13,
                   "invalid Unicode");
}

static void test_json_as_other_tools_write_it(void **state) {
  (void)state;
  /* Spaces and newlines anywhere, no space after a colon, escaped
   * characters (\u00e9, a surrogate pair for U+1F48A, \/): the text comes
   * out as rxcheck writes it, UTF-8 unescaped. */
  expect_merged(
      MERGE("{\n  \"tool\" : { \"name\" : \"rxcheck\", \"version\" : "
            "\"0.1.0\" },\n  \"input\" : \"caf\\u00e9 \\ud83d\\udc8a a\\/b"
            "\",\n  \"rows_read\" : 2 ,\n  " RULESET "\n}\n",
            "{" TOOL ",\"input\":\"caf\xc3\xa9 \xf0\x9f\x92\x8a a/b\","
            "\"rows_read\":3," RULESET "}"),
      "{" TOOL ",\"inputs\":[{\"input\":\"caf\xc3\xa9 \xf0\x9f\x92\x8a a/b\","
      "\"input_sha256\":null},{\"input\":\"caf\xc3\xa9 \xf0\x9f\x92\x8a "
      "a/b\",\"input_sha256\":null}],\"rows_read\":5," RULESET "}\n");
}

/* ---- files and memory -------------------------------------------------------------- */

static void test_files_are_read_and_errors_name_them(void **state) {
  (void)state;
  char path[] = "/tmp/rxc-summary-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "{" TOOL ",\"rows_read\":2," RULESET "}\n";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  rxc_buf out = {0};
  rxc_error err;
  const char *one[] = {path};
  assert_int_equal(rxc_summary_merge(one, 1, &out, &err), RXC_OK);
  assert_non_null(strstr(out.data, "\"rows_read\":2"));
  rxc_buf_free(&out);
  const char *two[] = {path, "/nonexistent/summary.json"};
  assert_int_equal(rxc_summary_merge(two, 2, &out, &err), RXC_EIO);
  assert_string_equal(err.file, "/nonexistent/summary.json");
  assert_non_null(strstr(err.message, "cannot open"));
  assert_null(out.data);
  unlink(path);
}

static void test_out_of_memory_is_an_error_not_a_crash(void **state) {
  (void)state;
  const char *a = "{" TOOL ",\"input\":\"a\",\"rejected_by\":{\"quote\":1},"
                  "\"suppressions\":[" ENTRY("s.yaml:2", "false", "1") "],"
                  "\"jurisdictions\":{\"US\":{\"approved\":1}}," RULESET "}";
  const char *b = "{" TOOL ",\"input\":\"b\",\"rejected_by\":{\"utf8\":1},"
                  "\"suppressions\":[" ENTRY("s.yaml:2", "false", "2") "],"
                  "\"jurisdictions\":{\"GB\":{\"approved\":1}}," RULESET "}";
  int ok = 0;
  for (long n = 0; n < 200 && !ok; n++) {
    rxc__alloc_fail_after(n);
    merged m = MERGE(a, b);
    rxc__alloc_fail_after(-1);
    if (m.st == RXC_OK) {
      ok = 1;
      assert_non_null(strstr(m.out.data, "\"rejected_by\":{\"quote\":1,"
                                         "\"utf8\":1}"));
    } else {
      assert_int_equal(m.st, RXC_ENOMEM);
    }
    rxc_buf_free(&m.out);
  }
  assert_true(ok);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts_are_summed_at_every_depth),
      cmocka_unit_test(test_one_summary_is_its_own_merge),
      cmocka_unit_test(test_sparse_keys_are_placed_as_one_run_places_them),
      cmocka_unit_test(test_key_order_agreed_by_the_summaries_wins),
      cmocka_unit_test(test_unknown_count_keys_are_summed),
      cmocka_unit_test(test_largest_count_is_read_and_written),
      cmocka_unit_test(test_inputs_in_argument_order_and_earliest_start),
      cmocka_unit_test(test_merged_summaries_merge_again),
      cmocka_unit_test(test_started_must_be_a_utc_time),
      cmocka_unit_test(test_suppression_hits_are_summed_by_entry),
      cmocka_unit_test(test_refuses_different_suppression_entries),
      cmocka_unit_test(test_refuses_a_different_ruleset),
      cmocka_unit_test(test_refuses_another_tool_version_or_as_of),
      cmocka_unit_test(test_refuses_unknown_text_that_differs),
      cmocka_unit_test(test_refuses_counts_that_are_not_counts),
      cmocka_unit_test(test_refuses_what_is_not_a_summary),
      cmocka_unit_test(test_refuses_the_same_file_twice),
      cmocka_unit_test(test_malformed_json_gives_file_line_column),
      cmocka_unit_test(test_json_as_other_tools_write_it),
      cmocka_unit_test(test_files_are_read_and_errors_name_them),
      cmocka_unit_test(test_out_of_memory_is_an_error_not_a_crash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
