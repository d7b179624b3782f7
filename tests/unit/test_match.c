/*
 * test_match.c - name patterns and code sets: word boundaries, case and
 * Unicode, error offsets in the user's text, limits against catastrophic
 * backtracking, and ICD prefix versus exact code matching.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "alloc.h"
#include "match.h"

/* 1 when src matches subject, failing the test if src does not compile. */
static int matches(const char *src, const char *subject) {
  char msg[256];
  size_t off = 0;
  rxc__pattern *p =
      rxc__pattern_compile(src, strlen(src), msg, sizeof msg, &off);
  assert_non_null(p);
  rxc__matcher *m = rxc__matcher_new();
  assert_non_null(m);
  int r = rxc__pattern_match(p, m, subject, strlen(subject));
  rxc__matcher_free(m);
  rxc__pattern_free(p);
  return r;
}

static void test_word_boundaries_wrap_the_pattern(void **state) {
  (void)state;
  assert_true(matches("luvox", "LUVOX CR 100MG"));
  assert_true(matches("luvox", "tabs (luvox)"));
  assert_false(matches("luvox", "deluvoxa"));
  assert_false(matches("luvox", "luvoxamine"));
  assert_true(matches("fluvox\\w*", "FLUVOXAM 50"));
  /* Alternatives stay inside the group: both need the boundaries. */
  assert_false(matches("ab|cd", "xab"));
  assert_false(matches("ab|cd", "cdx"));
  assert_true(matches("ab|cd", "x cd"));
}

static void test_matching_ignores_case(void **state) {
  (void)state;
  assert_true(matches("Fluvoxamine", "fluvoxamine maleate"));
  assert_true(matches("fluvoxamine", "FLUVOXAMINE MALEATE"));
  assert_true(matches("24 ?hr", "Capsule 24HR"));
}

static void test_utf8_names_and_unicode_case(void **state) {
  (void)state;
  /* Caseless matching of non-ASCII letters (UCP). */
  assert_true(matches("fluvoxamin\\w*", "Fluvoxamin\xC3\xA9 50 mg"));
  assert_true(matches("\xC3\xA9tude", "\xC3\x89TUDE"));
  /* \b is Unicode-aware: an accented letter is a word character. */
  assert_false(matches("fluvoxamin", "fluvoxamin\xC3\xA9"));
  assert_true(
      matches("\xE3\x83\xAB\xE3\x83\x9C\xE3\x83\x83\xE3\x82\xAF"
              "\xE3\x82\xB9\\w*",
              "\xE3\x83\xAB\xE3\x83\x9C\xE3\x83\x83\xE3\x82\xAF"
              "\xE3\x82\xB9 25mg"));
}

static void expect_error(const char *src, size_t want_off) {
  char msg[256];
  size_t off = 999;
  rxc__pattern *p =
      rxc__pattern_compile(src, strlen(src), msg, sizeof msg, &off);
  assert_null(p);
  assert_true(strlen(msg) > 0);
  assert_int_equal(off, want_off);
}

static void test_error_offsets_point_into_the_source(void **state) {
  (void)state;
  expect_error("ab(", 3);             /* missing ) : at the end */
  expect_error("x[", 2);              /* missing ] */
  expect_error("a)|(b", 1);           /* cannot close the wrapper's group */
  expect_error("abc\\", 4);           /* trailing backslash */
  expect_error("(?<n>a)(?<n>b)", 12); /* duplicate group name */
  char msg[256];
  size_t off;
  assert_null(rxc__pattern_compile("ab(", 3, msg, sizeof msg, &off));
  assert_non_null(strstr(msg, "missing closing parenthesis"));
}

static void test_source_is_kept(void **state) {
  (void)state;
  rxc__pattern *p = rxc__pattern_compile("luvox( cr)?", 11, NULL, 0, NULL);
  assert_non_null(p);
  assert_string_equal(rxc__pattern_source(p), "luvox( cr)?");
  rxc__pattern_free(p);
  rxc__pattern_free(NULL);
}

static void test_catastrophic_backtracking_is_cut_short(void **state) {
  (void)state;
  /* Exponential without limits: (a+)+ followed by something absent, on
   * a long run of a's. No single required character lets PCRE2 skip the
   * work, so the match and depth limits must stop it. */
  const char *src = "(?:a+)+(?:c|d)";
  rxc__pattern *p = rxc__pattern_compile(src, strlen(src), NULL, 0, NULL);
  assert_non_null(p);
  rxc__matcher *m = rxc__matcher_new();
  assert_non_null(m);
  char subject[4001];
  memset(subject, 'a', 4000);
  subject[4000] = '\0';
  clock_t t0 = clock();
  assert_false(rxc__pattern_match(p, m, subject, 4000));
  assert_false(rxc__pattern_match(p, m, subject, 40));
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_true(secs < 2.0);
  /* The same matcher still works afterwards. */
  assert_true(rxc__pattern_match(p, m, "aaac", 4));
  rxc__matcher_free(m);
  rxc__pattern_free(p);
}

static void test_matcher_survives_allocation_failure(void **state) {
  (void)state;
  for (long k = 0; k < 12; k++) {
    rxc__alloc_fail_after(k);
    rxc__matcher *m = rxc__matcher_new();
    char msg[64];
    size_t off = 0;
    rxc__pattern *p = rxc__pattern_compile("abc", 3, msg, sizeof msg, &off);
    rxc__alloc_fail_after(-1);
    if (!p) assert_int_equal(off, (size_t)-1);
    rxc__pattern_free(p);
    rxc__matcher_free(m);
  }
}

/* ---- code sets ----------------------------------------------------------- */

static rxc_code code(rxc_system sys, const char *c) {
  rxc_code r;
  memset(&r, 0, sizeof r);
  r.system = sys;
  r.code.ptr = c;
  r.code.len = strlen(c);
  r.raw = r.code;
  return r;
}

static void add(rxc__codeset *s, rxc_system sys, const char *c) {
  assert_int_equal(rxc__codeset_add(s, sys, c, strlen(c)), 0);
}

static int has(const rxc__codeset *s, rxc_system sys, const char *c) {
  rxc_code k = code(sys, c);
  return rxc__codeset_match(s, &k);
}

static void test_icd_codes_match_as_prefixes(void **state) {
  (void)state;
  rxc__codeset s;
  memset(&s, 0, sizeof s);
  add(&s, RXC_SYS_ICD10, "F42");
  add(&s, RXC_SYS_ICD10, "F401");
  add(&s, RXC_SYS_ICD9, "3003");
  rxc__codeset_seal(&s);
  assert_true(has(&s, RXC_SYS_ICD10, "F42"));
  assert_true(has(&s, RXC_SYS_ICD10, "F422"));
  assert_true(has(&s, RXC_SYS_ICD10, "F429"));
  assert_true(has(&s, RXC_SYS_ICD10, "F4010"));
  assert_false(has(&s, RXC_SYS_ICD10, "F4")); /* shorter than F42 */
  assert_false(has(&s, RXC_SYS_ICD10, "F41"));
  assert_false(has(&s, RXC_SYS_ICD10, "F400"));
  assert_false(has(&s, RXC_SYS_ICD10, "G42"));
  assert_true(has(&s, RXC_SYS_ICD9, "3003"));
  assert_true(has(&s, RXC_SYS_ICD9, "30030"));
  assert_false(has(&s, RXC_SYS_ICD9, "3002"));
  /* The system matters: an ICD-9 code is not an ICD-10 one. */
  assert_false(has(&s, RXC_SYS_ICD9, "F42"));
  assert_false(has(&s, RXC_SYS_NONE, "F42"));
  rxc__codeset_free(&s);
}

static void test_other_systems_match_exactly(void **state) {
  (void)state;
  rxc__codeset s;
  memset(&s, 0, sizeof s);
  add(&s, RXC_SYS_SNOMED, "191736004");
  add(&s, RXC_SYS_RXNORM, "42355");
  add(&s, RXC_SYS_RXNORM, "903873");
  add(&s, RXC_SYS_RXNORM, "42355"); /* duplicates are dropped */
  rxc__codeset_seal(&s);
  assert_int_equal(s.n[RXC_SYS_RXNORM], 2);
  assert_true(has(&s, RXC_SYS_SNOMED, "191736004"));
  assert_false(has(&s, RXC_SYS_SNOMED, "1917360041"));
  assert_false(has(&s, RXC_SYS_SNOMED, "19173600"));
  assert_true(has(&s, RXC_SYS_RXNORM, "42355"));
  assert_true(has(&s, RXC_SYS_RXNORM, "903873"));
  assert_false(has(&s, RXC_SYS_RXNORM, "4235"));
  assert_false(has(&s, RXC_SYS_RXNORM, "423550"));
  assert_false(has(&s, RXC_SYS_RXNORM, ""));
  assert_false(rxc__codeset_empty(&s));
  rxc__codeset_free(&s);
  assert_true(rxc__codeset_empty(&s));
}

static void test_bnf_and_atc_codes_match_as_prefixes(void **state) {
  (void)state;
  /* A BNF chemical substance covers every product and presentation under
   * it; escitalopram (0403030X0) and doxepin (0403010L0), one character
   * away, stay out. An ATC group covers its substances. */
  rxc__codeset s;
  memset(&s, 0, sizeof s);
  add(&s, RXC_SYS_BNF, "0403030L0");
  add(&s, RXC_SYS_ATC, "N06AB08");
  add(&s, RXC_SYS_ATC, "N05A");
  rxc__codeset_seal(&s);
  assert_true(has(&s, RXC_SYS_BNF, "0403030L0"));
  assert_true(has(&s, RXC_SYS_BNF, "0403030L0AA"));
  assert_true(has(&s, RXC_SYS_BNF, "0403030L0AAAAAA"));
  assert_true(has(&s, RXC_SYS_BNF, "0403030L0BBABAB"));
  assert_false(has(&s, RXC_SYS_BNF, "0403030X0AAAAAA"));
  assert_false(has(&s, RXC_SYS_BNF, "0403010L0AAAAAA"));
  assert_false(has(&s, RXC_SYS_BNF, "0403030")); /* shorter than the entry */
  assert_true(has(&s, RXC_SYS_ATC, "N06AB08"));
  assert_false(has(&s, RXC_SYS_ATC, "N06AB03"));
  assert_false(has(&s, RXC_SYS_ATC, "N06AB"));
  assert_true(has(&s, RXC_SYS_ATC, "N05AH02"));
  /* The system still matters. */
  assert_false(has(&s, RXC_SYS_NDC, "0403030L0AAAAAA"));
  rxc__codeset_free(&s);
}

static void test_exclusions_take_precedence(void **state) {
  (void)state;
  /* The evaluator maps a code when it is in `codes` and not in `exclude`;
   * both are prefix sets for ICD-10 (F42 but not F42.3 or F42.4). */
  rxc__codeset codes, exclude;
  memset(&codes, 0, sizeof codes);
  memset(&exclude, 0, sizeof exclude);
  add(&codes, RXC_SYS_ICD10, "F42");
  add(&exclude, RXC_SYS_ICD10, "F423");
  add(&exclude, RXC_SYS_ICD10, "F424");
  rxc__codeset_seal(&codes);
  rxc__codeset_seal(&exclude);
  const char *in[] = {"F42", "F422", "F428", "F429"};
  const char *out[] = {"F423", "F424", "F4231"};
  for (size_t i = 0; i < 4; i++)
    assert_true(has(&codes, RXC_SYS_ICD10, in[i]) &&
                !has(&exclude, RXC_SYS_ICD10, in[i]));
  for (size_t i = 0; i < 3; i++)
    assert_false(has(&codes, RXC_SYS_ICD10, out[i]) &&
                 !has(&exclude, RXC_SYS_ICD10, out[i]));
  rxc__codeset_free(&codes);
  rxc__codeset_free(&exclude);
}

static void test_large_codeset_binary_search(void **state) {
  (void)state;
  rxc__codeset s;
  memset(&s, 0, sizeof s);
  char buf[16];
  for (int i = 999; i >= 0; i--) {
    snprintf(buf, sizeof buf, "%d", i * 7);
    add(&s, RXC_SYS_OMOP, buf);
  }
  rxc__codeset_seal(&s);
  for (int i = 0; i < 7000; i++) {
    snprintf(buf, sizeof buf, "%d", i);
    assert_int_equal(has(&s, RXC_SYS_OMOP, buf), i % 7 == 0);
  }
  rxc__codeset_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_word_boundaries_wrap_the_pattern),
      cmocka_unit_test(test_matching_ignores_case),
      cmocka_unit_test(test_utf8_names_and_unicode_case),
      cmocka_unit_test(test_error_offsets_point_into_the_source),
      cmocka_unit_test(test_source_is_kept),
      cmocka_unit_test(test_catastrophic_backtracking_is_cut_short),
      cmocka_unit_test(test_matcher_survives_allocation_failure),
      cmocka_unit_test(test_icd_codes_match_as_prefixes),
      cmocka_unit_test(test_other_systems_match_exactly),
      cmocka_unit_test(test_bnf_and_atc_codes_match_as_prefixes),
      cmocka_unit_test(test_exclusions_take_precedence),
      cmocka_unit_test(test_large_codeset_binary_search),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
