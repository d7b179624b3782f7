/*
 * test_hostile_rules.c - rule files written to hurt, through
 * rxc_ruleset_load_files: nesting 10,000 deep (flow and block), anchors and
 * aliases used as a billion-laughs bomb, a 5 MB scalar, 100,000-item lists,
 * patterns too large to compile, and catastrophic-backtracking patterns
 * ((a+)+$, (x+x+)+y ...) matched against 100 KB fields, alone and as
 * thousands of list items.
 *
 * Each either fails to load with a clear error (the message, and the line
 * and column where they mean something) or loads and stays bounded: the
 * load, or the check of one record, takes less than BOUND seconds. The
 * bound is generous on purpose: it documents that the work is bounded, it
 * does not measure speed. It is four times as long under AddressSanitizer,
 * and slow runtimes (valgrind) scale it with the environment variable
 * RXC_TIME_SCALE (make memcheck sets it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "diags.h"
#include "rxcheck/rxcheck.h"

enum { BOUND_SECONDS = 2 };

/* ---- helpers ------------------------------------------------------------- */

static rxc_test_diags D;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* AddressSanitizer makes everything some three times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static double bound(void) {
  const char *s = getenv("RXC_TIME_SCALE");
  double k = s ? atof(s) : 1.0;
  if (k < 1.0) k = 1.0;
  return BOUND_SECONDS * k * (SANITIZED ? 4 : 1);
}

static void dump(void) { rxc_test_diags_dump(&D); }

/* Some diagnostic has this position (line 0: any) and contains `text`. */
static void expect_diag(unsigned long line, unsigned long col,
                        const char *text) {
  for (size_t i = 0; i < D.n; i++)
    if ((line == 0 || (D.e[i].line == line && D.e[i].column == col)) &&
        strstr(D.e[i].message, text))
      return;
  print_message("no diagnostic %lu:%lu: ...%s... among:\n", line, col, text);
  dump();
  fail();
}

/* A growable string. */
typedef struct text {
  char *p;
  size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->n + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->n + n + 1) cap *= 2;
    char *np = realloc(t->p, cap);
    assert_non_null(np);
    t->p = np;
    t->cap = cap;
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
  t->p[t->n] = '\0';
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

static void repeat(text *t, const char *s, size_t times) {
  size_t n = strlen(s);
  for (size_t i = 0; i < times; i++) put(t, s, n);
}

static void putf(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void putf(text *t, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  assert_true(n >= 0 && (size_t)n < sizeof buf);
  put(t, buf, (size_t)n);
}

/* Loads the files; returns the status, sets *out (or frees the ruleset
 * when out is NULL) and *secs to the time the load took. */
static rxc_status load(const rxc_rule_file *f, size_t n, rxc_ruleset **out,
                       double *secs) {
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  double t0 = now();
  rxc_status st = rxc_ruleset_load_files(f, n, rxc_test_diags_collect, &D, &rs);
  if (secs) *secs = now() - t0;
  if (out)
    *out = rs;
  else
    rxc_ruleset_free(rs);
  return st;
}

/* Loads t.yaml alone and expects it refused within the bound. */
static void refused(const char *yaml, size_t len) {
  rxc_rule_file f = {"t.yaml", yaml, len};
  double secs;
  rxc_ruleset *rs = NULL;
  assert_int_equal(load(&f, 1, &rs, &secs), RXC_ERULES);
  assert_null(rs);
  assert_true(D.n > 0);
  if (secs >= bound()) {
    print_message("refusing took %.2f s (bound %.0f s)\n", secs, bound());
    fail();
  }
}

/* A valid pack of two jurisdictions, one drug and one indication, to which
 * each test adds a section (the findings, say) as b.yaml. */
static const char BASE[] =
    "pack:\n"
    "  name: t\n"
    "  version: '1'\n"
    "  title: test\n"
    "  jurisdictions: [US, GB]\n"
    "sources:\n"
    "  - {id: S1, citation: c, read: 2026-01-01}\n"
    "drug:\n"
    "  id: d\n"
    "  names: [drugex]\n"
    "  formulations:\n"
    "    - {id: xr, names: [xr]}\n"
    "    - {id: ir, default: true}\n"
    "indications:\n"
    "  - {id: ocd, label: OCD, codes: {icd10: [F42]}}\n"
    "regulatory:\n"
    "  - {id: us1, jurisdiction: US, indication: ocd, status: approved,"
    " reason: r, source: S1}\n"
    "  - {id: gb1, jurisdiction: GB, indication: ocd, status: approved,"
    " reason: r, source: S1}\n";

/* ---- nesting --------------------------------------------------------------- */

static void test_flow_nesting_10000_deep_is_refused(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "pack:\n  name: ");
  repeat(&t, "[", 10000);
  repeat(&t, "]", 10000);
  puts_(&t, "\n");
  refused(t.p, t.n);
  /* The root mapping is level 1 and pack's mapping level 2, so the 63rd
   * '[' (column 71) would open level 65. */
  expect_diag(2, 71, "nesting deeper than 64 levels");
  free(t.p);
}

static void test_flow_mapping_nesting_10000_deep_is_refused(void **state) {
  (void)state;
  text t = {0};
  repeat(&t, "{a: ", 10000);
  puts_(&t, "b");
  repeat(&t, "}", 10000);
  puts_(&t, "\n");
  refused(t.p, t.n);
  expect_diag(1, 1 + 4 * 64, "nesting deeper than 64 levels");
  free(t.p);
}

static void test_block_nesting_10000_deep_is_refused(void **state) {
  (void)state;
  text t = {0};
  repeat(&t, "- ", 10000); /* a sequence in a sequence in ... */
  puts_(&t, "x\n");
  refused(t.p, t.n);
  expect_diag(1, 1 + 2 * 64, "nesting deeper than 64 levels");
  free(t.p);
}

/* ---- anchors and aliases ------------------------------------------------- */

/* The billion laughs: nine levels of nine aliases each would expand to
 * 10^9 "lol"s. Anchors and aliases are refused before anything expands. */
static void test_billion_laughs_is_refused(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  for (char c = 'b'; c <= 'i'; c++) {
    putf(&t, "%c: &%c [", c, c);
    for (int k = 0; k < 9; k++) putf(&t, "%s*%c", k ? ", " : "", c - 1);
    puts_(&t, "]\n");
  }
  refused(t.p, t.n);
  expect_diag(1, 4, "YAML anchors are not allowed");
  expect_diag(2, 8, "YAML aliases are not allowed");
  free(t.p);
}

/* 100,000 aliases: every one is an error, but only the first 1,000 are
 * held; the rest are counted in one last line. */
static void test_alias_flood_diagnostics_are_capped(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "a: &a x\nb: [");
  for (int k = 0; k < 100000; k++) puts_(&t, k ? ", *a" : "*a");
  puts_(&t, "]\n");
  refused(t.p, t.n);
  assert_true(D.total <= 1001);
  int capped = 0;
  for (size_t i = 0; i < D.n; i++)
    capped |= strstr(D.e[i].message, "more errors not shown") != NULL;
  /* The cap line comes last; D holds only the first RXC_TEST_MAXD. */
  (void)capped;
  free(t.p);
}

/* ---- sizes ------------------------------------------------------------------- */

static void test_5mb_scalar_file_is_refused(void **state) {
  (void)state;
  size_t n = 5u * 1024 * 1024;
  text t = {0};
  puts_(&t, "pack:\n  title: ");
  char chunk[1024];
  memset(chunk, 'x', sizeof chunk);
  while (t.n < n) put(&t, chunk, sizeof chunk);
  puts_(&t, "\n");
  refused(t.p, t.n);
  expect_diag(0, 0, "larger than 4 MiB");
  assert_string_equal(D.e[0].file, "t.yaml");
  free(t.p);
}

/* Just under the limit, a 4,000,000-byte title loads, and quickly. */
static void test_4mb_scalar_under_the_limit_loads(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "pack:\n  name: t\n  version: '1'\n  title: ");
  char chunk[1000];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 4000; i++) put(&t, chunk, sizeof chunk);
  puts_(&t, "\n  jurisdictions: [US, GB]\n");
  puts_(&t, strstr(BASE, "sources:"));
  assert_true(t.n <= 4u * 1024 * 1024);
  rxc_rule_file f = {"t.yaml", t.p, t.n};
  rxc_ruleset *rs = NULL;
  double secs;
  rxc_status st = load(&f, 1, &rs, &secs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  assert_int_equal(strlen(rxc_ruleset_pack(rs, 0)->title), 4000000);
  assert_true(secs < bound());
  rxc_ruleset_free(rs);
  free(t.p);
}

/* An indication with 100,000 ICD-10 codes loads, and a record is checked
 * against it within the bound. */
static void test_100000_item_code_list_loads(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "indications:\n  - id: big\n    label: big\n    codes:\n"
            "      icd10: [");
  for (int i = 0; i < 100000; i++) putf(&t, "%sZ%05d", i ? ", " : "", i);
  puts_(&t, "]\n");
  rxc_rule_file f[2] = {{"a.yaml", BASE, sizeof BASE - 1},
                        {"b.yaml", t.p, t.n}};
  rxc_ruleset *rs = NULL;
  double secs;
  rxc_status st = load(f, 2, &rs, &secs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  print_message("100,000 codes loaded in %.3f s\n", secs);
  assert_true(secs < bound());
  rxc_ruleset_free(rs);
  free(t.p);
}

/* 100,000 jurisdictions, each one a duplicate or undeclared: refused, with
 * the diagnostics capped, within the bound. */
static void test_100000_item_jurisdiction_list_is_refused(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "pack:\n  name: t\n  version: '1'\n  title: t\n  jurisdictions: [");
  for (int i = 0; i < 100000; i++) puts_(&t, i ? ", US" : "US");
  puts_(&t, "]\n");
  puts_(&t, strstr(BASE, "sources:"));
  refused(t.p, t.n);
  assert_true(D.total <= 1001);
  free(t.p);
}

/* 20,000 regulatory rules for the same case, over two files: every pair
 * overlaps; the overlap report stops at 1,000 pairs instead of listing
 * 2 * 10^8. */
static void test_20000_overlapping_rules_are_refused(void **state) {
  (void)state;
  enum { FILES = 2, PER_FILE = 10000 };
  text t[FILES];
  rxc_rule_file f[FILES + 1];
  static const char *const names[FILES] = {"b.yaml", "c.yaml"};
  f[0] = (rxc_rule_file){"a.yaml", BASE, sizeof BASE - 1};
  for (int k = 0; k < FILES; k++) {
    memset(&t[k], 0, sizeof t[k]);
    puts_(&t[k], "regulatory:\n");
    for (int i = 0; i < PER_FILE; i++)
      putf(&t[k], "  - {id: r%d, jurisdiction: US, indication: ocd, status: "
                  "approved, reason: r, source: S1}\n", k * PER_FILE + i);
    assert_true(t[k].n < 4u * 1024 * 1024);
    f[k + 1] = (rxc_rule_file){names[k], t[k].p, t[k].n};
  }
  rxc_ruleset *rs = NULL;
  double secs;
  assert_int_equal(load(f, FILES + 1, &rs, &secs), RXC_ERULES);
  assert_null(rs);
  expect_diag(0, 0, "overlaps rule");
  assert_true(D.total <= 1001);
  print_message("20,000 overlapping rules refused in %.3f s\n", secs);
  assert_true(secs < bound());
  for (int k = 0; k < FILES; k++) free(t[k].p);
}

/* ---- patterns -------------------------------------------------------------- */

/* A pattern PCRE2 will not compile because it is too large is an error at
 * the pattern's position, not a hang or a crash. */
static void test_pattern_too_large_is_refused(void **state) {
  (void)state;
  static const char b[] =
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when: {co_medications: {pattern: '((((a{1000}){1000}){1000}){1000})'}}\n"
      "    message: m\n"
      "    source: S1\n";
  rxc_rule_file f[2] = {{"a.yaml", BASE, sizeof BASE - 1},
                        {"b.yaml", b, sizeof b - 1}};
  double secs;
  assert_int_equal(load(f, 2, NULL, &secs), RXC_ERULES);
  expect_diag(0, 0, "invalid pattern");
  assert_int_equal(D.e[0].line, 5);
  assert_true(secs < bound());
}

/* A 1 MB pattern: compiled or refused, within the bound. */
static void test_one_megabyte_pattern_is_bounded(void **state) {
  (void)state;
  text t = {0};
  puts_(&t, "findings:\n  - id: f1\n    kind: interaction\n    severity: major\n"
            "    when: {co_medications: {pattern: '");
  for (int i = 0; i < 100000; i++) puts_(&t, "(a|b)+c?");
  puts_(&t, "'}}\n    message: m\n    source: S1\n");
  rxc_rule_file f[2] = {{"a.yaml", BASE, sizeof BASE - 1},
                        {"b.yaml", t.p, t.n}};
  double secs;
  rxc_status st = load(f, 2, NULL, &secs);
  assert_true(st == RXC_OK || st == RXC_ERULES);
  if (st == RXC_ERULES) expect_diag(0, 0, "invalid pattern");
  print_message("1 MB pattern: %s in %.3f s\n",
                st == RXC_OK ? "compiled" : "refused", secs);
  assert_true(secs < bound());
  free(t.p);
}

/* Loads BASE plus one finding rule whose condition is `when`, then checks
 * one record (drug_name, co_medications) against it; returns the seconds
 * the check took and whether the finding fired. */
static double check_with(const char *when, const char *drug,
                         const char *comeds, int *fired) {
  text t = {0};
  putf(&t, "findings:\n  - id: f1\n    kind: interaction\n"
           "    severity: major\n    when: %s\n    message: m\n"
           "    source: S1\n", when);
  rxc_rule_file f[2] = {{"a.yaml", BASE, sizeof BASE - 1},
                        {"b.yaml", t.p, t.n}};
  rxc_ruleset *rs = NULL;
  rxc_status st = load(f, 2, &rs, NULL);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);

  static const char *const names[] = {"drug_name", "co_medications",
                                      "country", "age", "diagnosis_codes"};
  rxc_str header[5];
  for (int i = 0; i < 5; i++) header[i] = (rxc_str){names[i], strlen(names[i])};
  rxc_schema *schema = NULL;
  rxc_builder *builder = NULL;
  rxc_checker *checker = NULL;
  rxc_error err;
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.max_field = 8u * 1024 * 1024;
  assert_int_equal(rxc_schema_new(header, 5, NULL, &schema, &err), RXC_OK);
  assert_int_equal(rxc_builder_new(schema, &o, &builder), RXC_OK);
  assert_int_equal(rxc_checker_new(rs, &checker), RXC_OK);
  rxc_str fields[5] = {{drug, strlen(drug)}, {comeds, strlen(comeds)},
                       {"US", 2}, {"40", 2}, {"F42.2", 5}};
  const rxc_record *rec;
  rxc_reject rej;
  assert_int_equal(rxc_builder_build(builder, fields, 5, 2, 1, &rec, &rej), 1);
  const rxc_result *res;
  double t0 = now();
  assert_int_equal(rxc_checker_check(checker, rec, &res), RXC_OK);
  double secs = now() - t0;
  assert_int_equal(res->status, RXC_V_APPROVED);
  *fired = 0;
  for (size_t i = 0; i < res->nfindings; i++)
    *fired |= strcmp(res->findings[i].rule, "f1") == 0;
  rxc_checker_free(checker);
  rxc_builder_free(builder);
  rxc_schema_free(schema);
  rxc_ruleset_free(rs);
  free(t.p);
  return secs;
}

/* s = prefix, then `c` n times, then suffix; caller frees. */
static char *run_of(const char *prefix, char c, size_t n, const char *suffix) {
  size_t a = strlen(prefix), b = strlen(suffix);
  char *s = malloc(a + n + b + 1);
  assert_non_null(s);
  memcpy(s, prefix, a);
  memset(s + a, c, n);
  memcpy(s + a + n, suffix, b + 1);
  return s;
}

static void expect_bounded(const char *what, double secs) {
  print_message("%s: %.3f s\n", what, secs);
  if (secs >= bound()) {
    print_message("%s took %.2f s: matching is not bounded (bound %.0f s)\n",
                  what, secs, bound());
    fail();
  }
}

static void test_nested_quantifier_on_100kb_comedication(void **state) {
  (void)state;
  char *comed = run_of("", 'a', 100000, "!");
  int fired;
  double s = check_with("{co_medications: {pattern: '(a+)+$'}}",
                        "drugex 100 mg", comed, &fired);
  free(comed);
  expect_bounded("(a+)+$ on a 100 KB co-medication", s);
  assert_false(fired); /* no match, and a hit limit is no match */
}

static void test_overlapping_quantifiers_on_100kb_drug_name(void **state) {
  (void)state;
  char *drug = run_of("drugex ", 'x', 100000, "");
  int fired;
  double s = check_with("{drug_name: {pattern: '(x+x+)+y'}}", drug, "", &fired);
  free(drug);
  expect_bounded("(x+x+)+y on a 100 KB drug name", s);
  assert_false(fired);
}

static void test_classic_redos_patterns_are_bounded(void **state) {
  (void)state;
  static const struct {
    const char *when;
    char c;
    const char *suffix;
  } cases[] = {
      {"{co_medications: {pattern: '(a|a)*b'}}", 'a', "!"},
      {"{co_medications: {pattern: '(a|aa)+$'}}", 'a', "!"},
      {"{co_medications: {pattern: '(\\w+\\s?)+$'}}", 'a', "!"},
      {"{co_medications: {pattern: '(.*a){20}'}}", 'a', "!"},
      {"{co_medications: {pattern: '^(([a-z])+.)+[A-Z]([a-z])+$'}}", 'a', "!"},
      {"{co_medications: {pattern: '(?:a*)*b'}}", 'a', "!"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *comed = run_of("", cases[i].c, 100000, cases[i].suffix);
    int fired;
    double s = check_with(cases[i].when, "drugex", comed, &fired);
    free(comed);
    expect_bounded(cases[i].when, s);
  }
}

/* The limits bound one match; a record may ask for many. A co-medication
 * list of 3,000 short items (93 KB), each long enough to make (a+)+$
 * backtrack to its match limit, is 3,000 matches to the limit in one
 * record (some 2 to 5 ms each), and a 1 MiB field holds 33,000 such
 * items. Skipped on slow
 * runtimes (RXC_TIME_SCALE set): there it measures nothing but the
 * runtime, and takes minutes. */
static void test_many_catastrophic_items_in_one_record(void **state) {
  (void)state;
  if (getenv("RXC_TIME_SCALE")) skip();
  static const char item[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!;"; /* 30 a's */
  size_t n = 3000, len = sizeof item - 1;
  char *comed = malloc(n * len + 1);
  assert_non_null(comed);
  for (size_t i = 0; i < n; i++) memcpy(comed + i * len, item, len);
  comed[n * len] = '\0';
  int fired;
  double s = check_with("{co_medications: {pattern: '(a+)+$'}}", "drugex",
                        comed, &fired);
  free(comed); /* before a failure, which does not return */
  expect_bounded("(a+)+$ on 3,000 items of 31 bytes", s);
  assert_false(fired);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flow_nesting_10000_deep_is_refused),
      cmocka_unit_test(test_flow_mapping_nesting_10000_deep_is_refused),
      cmocka_unit_test(test_block_nesting_10000_deep_is_refused),
      cmocka_unit_test(test_billion_laughs_is_refused),
      cmocka_unit_test(test_alias_flood_diagnostics_are_capped),
      cmocka_unit_test(test_5mb_scalar_file_is_refused),
      cmocka_unit_test(test_4mb_scalar_under_the_limit_loads),
      cmocka_unit_test(test_100000_item_code_list_loads),
      cmocka_unit_test(test_100000_item_jurisdiction_list_is_refused),
      cmocka_unit_test(test_20000_overlapping_rules_are_refused),
      cmocka_unit_test(test_pattern_too_large_is_refused),
      cmocka_unit_test(test_one_megabyte_pattern_is_bounded),
      cmocka_unit_test(test_nested_quantifier_on_100kb_comedication),
      cmocka_unit_test(test_overlapping_quantifiers_on_100kb_drug_name),
      cmocka_unit_test(test_classic_redos_patterns_are_bounded),
      cmocka_unit_test(test_many_catastrophic_items_in_one_record),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
