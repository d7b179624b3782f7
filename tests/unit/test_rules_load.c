/*
 * test_rules_load.c - the rule loader: one test per class of error, each
 * asserting the file, line, column and message it reports (rule windows
 * and versions included, and the overlap check with and without shared
 * days), and the valid mini pack (tests/packs/mini) loaded into the
 * expected model: counts, ids, approved_in texts, rule infos, test cases,
 * and a hash that is stable and changes with any byte.
 *
 * Most error tests load two files: a.yaml, a small valid pack, and b.yaml,
 * the snippet under test (list sections of both are concatenated), so that
 * positions are counted from the snippet's own first line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "diags.h"
#include "rules_model.h"

#ifndef RXC_SOURCE_DIR
#define RXC_SOURCE_DIR "."
#endif


static rxc_test_diags D;

/* A valid pack: every test adds b.yaml to it. */
static const char BASE[] =
    "pack:\n"                                            /* 1 */
    "  name: t\n"                                        /* 2 */
    "  version: '1'\n"                                   /* 3 */
    "  title: test\n"                                    /* 4 */
    "  jurisdictions: [US, GB]\n"                        /* 5 */
    "sources:\n"                                         /* 6 */
    "  - {id: S1, citation: c, read: 2026-01-01}\n"      /* 7 */
    "drug:\n"                                            /* 8 */
    "  id: d\n"                                          /* 9 */
    "  names: [drugex]\n"                                /* 10 */
    "  formulations:\n"                                  /* 11 */
    "    - {id: xr, names: [xr]}\n"                      /* 12 */
    "    - {id: ir, default: true}\n"                    /* 13 */
    "indications:\n"                                     /* 14 */
    "  - {id: ocd, label: OCD, codes: {icd10: [F42]}}\n" /* 15 */
    "  - {id: mdd, label: MDD, codes: {icd10: [F32]}}\n" /* 16 */
    "regulatory:\n"                                      /* 17 */
    "  - {id: us1, jurisdiction: US, indication: ocd, status: approved,"
    " reason: r, source: S1}\n" /* 18 */
    "  - {id: gb1, jurisdiction: GB, indication: ocd, status: approved,"
    " reason: r, source: S1}\n"; /* 19 */

static rxc_status load_n(const rxc_rule_file *f, size_t n, rxc_ruleset **out) {
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  rxc_status st = rxc_ruleset_load_files(f, n, rxc_test_diags_collect, &D, &rs);
  if (out)
    *out = rs;
  else
    rxc_ruleset_free(rs);
  return st;
}

/* Loads one file t.yaml; expects it to be refused. */
static void load1(const char *yaml) {
  rxc_rule_file f = {"t.yaml", yaml, strlen(yaml)};
  rxc_ruleset *rs = NULL;
  assert_int_equal(load_n(&f, 1, &rs), RXC_ERULES);
  assert_null(rs);
  assert_true(D.n > 0);
}

/* Loads a.yaml (BASE) and b.yaml; expects them to be refused. */
static void load2(const char *b) {
  rxc_rule_file f[2] = {{"b.yaml", b, strlen(b)},
                        {"a.yaml", BASE, sizeof BASE - 1}};
  rxc_ruleset *rs = NULL;
  assert_int_equal(load_n(f, 2, &rs), RXC_ERULES);
  assert_null(rs);
  assert_true(D.n > 0);
}

static void dump(void) { rxc_test_diags_dump(&D); }

/* Some diagnostic has exactly this position and contains `text`. */
static void expect_at(const char *file, unsigned long line, unsigned long col,
                      const char *text) {
  for (size_t i = 0; i < D.n; i++)
    if (!strcmp(D.e[i].file, file) && D.e[i].line == line &&
        D.e[i].column == col && strstr(D.e[i].message, text) &&
        D.e[i].code == RXC_ERULES)
      return;
  print_message("no diagnostic %s:%lu:%lu: ...%s... among:\n", file, line, col,
                text);
  dump();
  fail();
}

/* ---- the base is valid ----------------------------------------------------
 */

static void test_base_pack_is_valid(void **state) {
  (void)state;
  rxc_rule_file f = {"a.yaml", BASE, sizeof BASE - 1};
  rxc_ruleset *rs = NULL;
  rxc_status st = load_n(&f, 1, &rs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  assert_non_null(rs);
  assert_int_equal(D.n, 0);
  rxc_ruleset_free(rs);
}

/* ---- YAML level ------------------------------------------------------------
 */

static void test_syntax_error_has_libyaml_position(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "   severity: major\n"); /* line 4: bad indentation */
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 4, 4,
            "did not find expected '-' indicator (while parsing a block "
            "collection at line 2, column 3)");
}

static void test_unterminated_quote_is_a_syntax_error(void **state) {
  (void)state;
  load2(
      "tests:\n"
      "  - name: 'open\n");
  assert_int_equal(D.n, 1);
  assert_string_equal(D.e[0].file, "b.yaml");
  assert_non_null(strstr(D.e[0].message, "quoted scalar"));
}

static void test_aliases_and_anchors_are_refused(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: &sev major\n" /* line 4, col 15 */
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    source: S1\n"
      "  - id: f2\n"
      "    kind: dose\n"
      "    severity: *sev\n" /* line 10, col 15 */
      "    when: {age: {min: 2}}\n"
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 4, 15, "anchors are not allowed");
  expect_at("b.yaml", 10, 15, "aliases are not allowed");
  /* The alias is not reported again as a bad severity. */
  assert_int_equal(D.n, 2);
}

static void test_duplicate_mapping_key(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    kind: age\n" /* line 7, col 5 */
      "    source: S1\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 7, 5, "duplicate key 'kind' (first at line 3)");
}

static void test_nesting_deeper_than_64_is_refused(void **state) {
  (void)state;
  char buf[512];
  size_t k = 0;
  k += (size_t)snprintf(buf + k, sizeof buf - k, "tests: ");
  for (int i = 0; i < 70; i++) buf[k++] = '[';
  for (int i = 0; i < 70; i++) buf[k++] = ']';
  buf[k++] = '\n';
  buf[k] = '\0';
  load2(buf);
  /* The root mapping is level 1, "tests:" the 2nd: the 65th level is the
   * 64th '[' at column 8 + 63. */
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 1, 71, "nesting deeper than 64");
}

static void test_files_over_4_mib_are_refused(void **state) {
  (void)state;
  size_t n = (size_t)4 * 1024 * 1024 + 1;
  char *big = malloc(n + 1);
  assert_non_null(big);
  memset(big, '#', n);
  big[n] = '\0';
  load2(big);
  free(big);
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 0, 0, "larger than 4 MiB");
}

static void test_invalid_utf8_is_refused(void **state) {
  (void)state;
  load2(
      "tests:\n"
      "  - name: caf\xC3\n"); /* truncated sequence at line 2, col 14 */
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 14, "invalid UTF-8");
}

static void test_more_than_one_document(void **state) {
  (void)state;
  load2(
      "tests: []\n"
      "---\n"
      "tests: []\n");
  expect_at("b.yaml", 2, 1, "one YAML document");
}

static void test_yaml_tags_are_refused(void **state) {
  (void)state;
  load2(
      "tests:\n"
      "  - name: !!int 12\n");
  expect_at("b.yaml", 2, 11, "tags are not supported");
}

/* ---- keys, types, required keys -------------------------------------------
 */

static void test_unknown_key_with_hint(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    sevrity: major\n" /* line 4, col 5 */
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 4, 5,
            "unknown key 'sevrity' in a finding (did you mean 'severity'?)");
  expect_at("b.yaml", 2, 5, "missing key 'severity' in a finding");
  assert_int_equal(D.n, 2);
}

static void test_unknown_section_with_hint(void **state) {
  (void)state;
  load2("regulatroy: []\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 1, 1,
            "unknown key 'regulatroy' in a rule file (did you mean "
            "'regulatory'?)");
}

static void test_unknown_field_in_condition(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when:\n"
      "      any:\n"
      "        - co_medication: {pattern: x}\n" /* line 7, col 11 */
      "        - form: {above: 3}\n"            /* line 8, col 18 */
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 7, 11,
            "unknown field 'co_medication' (did you mean 'co_medications'?)");
  expect_at("b.yaml", 8, 18, "'above' applies to numbers; 'form' is text");
  assert_int_equal(D.n, 2);
}

static void test_wrong_type(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {daily_dose_mg: {above: lots}}\n" /* line 5, col 35 */
      "    message: [a, b]\n"                      /* line 6, col 14 */
      "    source: S1\n");
  expect_at("b.yaml", 5, 35, "expected a number for 'above'");
  expect_at("b.yaml", 6, 14, "expected text for 'message', found a list");
  assert_int_equal(D.n, 2);
}

static void test_wrong_type_list_expected(void **state) {
  (void)state;
  load1(
      "pack: {name: t, version: '1', title: t, jurisdictions: [US]}\n"
      "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
      "drug:\n"
      "  id: d\n"
      "  names: drugex\n" /* line 5, col 10 */
      "  formulations: [{id: ir, default: true}]\n"
      "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
      "regulatory: [{id: r, jurisdiction: US, indication: ocd, "
      "status: approved, reason: r, source: S1}]\n");
  expect_at("t.yaml", 5, 10, "expected a list of patterns for 'names'");
}

static void test_missing_required_key(void **state) {
  (void)state;
  load2(
      "sources:\n"
      "  - id: S2\n" /* line 2, col 5 */
      "    read: 2026-01-01\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 5, "missing key 'citation' in a source");
}

static void test_missing_sections(void **state) {
  (void)state;
  load1("sources: []\n");
  expect_at("t.yaml", 0, 0, "missing section 'pack'");
  expect_at("t.yaml", 0, 0, "missing section 'drug'");
}

static void test_section_given_twice(void **state) {
  (void)state;
  load2(
      "drug:\n" /* line 1 */
      "  id: e\n"
      "  names: [e]\n"
      "  formulations: [{id: ir, default: true}]\n");
  expect_at("b.yaml", 1, 1, "section 'drug' appears twice (first at a.yaml:8)");
}

/* ---- ids --------------------------------------------------------------------
 */

static void test_duplicate_source_id(void **state) {
  (void)state;
  load2(
      "sources:\n"
      "  - id: S1\n" /* line 2, col 9 */
      "    citation: again\n"
      "    read: 2026-01-01\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 9, "duplicate source id 'S1' (first at a.yaml:7)");
}

static void test_duplicate_indication_id(void **state) {
  (void)state;
  load2(
      "indications:\n"
      "  - {id: mdd, label: again, codes: {icd10: [F33]}}\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 10,
            "duplicate indication id 'mdd' (first at a.yaml:16)");
}

static void test_duplicate_rule_id_across_sections(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: us1\n" /* line 2, col 9: also a regulatory rule */
      "    kind: dose\n"
      "    severity: minor\n"
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    source: S1\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 9, "duplicate rule id 'us1' (first at a.yaml:18)");
}

static void test_duplicate_test_name(void **state) {
  (void)state;
  load2(
      "tests:\n"
      "  - name: same\n"
      "    record: {drug_name: drugex}\n"
      "  - name: same\n" /* line 4, col 11 */
      "    record: {drug_name: drugex}\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 4, 11, "duplicate test name 'same' (first at line 2)");
}

static void test_duplicate_formulation_id_and_bad_id(void **state) {
  (void)state;
  load1(
      "pack: {name: t, version: '1', title: t, jurisdictions: [US]}\n"
      "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
      "drug:\n"
      "  id: d\n"
      "  names: [drugex]\n"
      "  formulations:\n"
      "    - {id: ir, names: [x]}\n"
      "    - {id: ir, default: true}\n"  /* line 8, col 12 */
      "    - {id: Bad_Id, names: [y]}\n" /* line 9, col 12 */
      "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
      "regulatory: [{id: r, jurisdiction: US, indication: ocd, "
      "status: approved, reason: r, source: S1}]\n");
  expect_at("t.yaml", 8, 12, "duplicate formulation id 'ir' (first at line 7)");
  expect_at("t.yaml", 9, 12, "invalid id 'Bad_Id'");
}

static void test_duplicate_pack_names_in_a_directory(void **state) {
  (void)state;
  char dir[] = "/tmp/rxc_packs_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  const char *subs[] = {"one", "two"};
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/%s/pack.yaml", dir, subs[i]);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(BASE, f);
    fclose(f);
  }
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  assert_int_equal(rxc_ruleset_load_dir(dir, rxc_test_diags_collect, &D, &rs), RXC_ERULES);
  assert_null(rs);
  char want_file[256], first[256];
  snprintf(want_file, sizeof want_file, "%s/two/pack.yaml", dir);
  snprintf(first, sizeof first,
           "pack name 't' is already used by %s/one/pack.yaml:2", dir);
  expect_at(want_file, 2, 9, first);
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s/pack.yaml", dir, subs[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
    rmdir(path);
  }
  rmdir(dir);
}

/* BASE with another pack name. */
static char *base_named(const char *name) {
  static char buf[sizeof BASE + 64];
  const char *at = strstr(BASE, "name: t\n");
  snprintf(buf, sizeof buf, "%.*sname: %s\n%s", (int)(at - BASE), BASE, name,
           at + strlen("name: t\n"));
  return buf;
}

static void test_packs_in_a_directory_are_sorted_by_name(void **state) {
  (void)state;
  char dir[] = "/tmp/rxc_packs_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  const char *subs[] = {"one", "two"}, *names[] = {"zeta", "alpha"};
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/%s/pack.yaml", dir, subs[i]);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(base_named(names[i]), f);
    fclose(f);
  }
  rxc_ruleset *rs = NULL;
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_ruleset_load_dir(dir, rxc_test_diags_collect, &D, &rs), RXC_OK);
  assert_int_equal(rxc_ruleset_npacks(rs), 2);
  assert_string_equal(rxc_ruleset_pack(rs, 0)->name, "alpha");
  assert_string_equal(rxc_ruleset_pack(rs, 1)->name, "zeta");
  /* Same bytes but for the name: different hashes. */
  assert_string_not_equal(rxc_ruleset_pack(rs, 0)->hash,
                          rxc_ruleset_pack(rs, 1)->hash);
  assert_int_equal(rxc_ruleset_nrules(rs), 4);
  assert_string_equal(rxc_ruleset_rule(rs, 2)->pack, "zeta");
  rxc_ruleset_free(rs);
  /* A single file is a one-file pack. */
  snprintf(path, sizeof path, "%s/one/pack.yaml", dir);
  assert_int_equal(rxc_ruleset_load_dir(path, NULL, NULL, &rs), RXC_OK);
  assert_string_equal(rxc_ruleset_pack(rs, 0)->name, "zeta");
  rxc_ruleset_free(rs);
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s/pack.yaml", dir, subs[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
    rmdir(path);
  }
  rmdir(dir);
}

static void test_two_files_with_one_name(void **state) {
  (void)state;
  rxc_rule_file f[2] = {{"x/a.yaml", BASE, sizeof BASE - 1},
                        {"y/a.yaml", BASE, sizeof BASE - 1}};
  assert_int_equal(load_n(f, 2, NULL), RXC_ERULES);
  expect_at("y/a.yaml", 0, 0, "two files of the pack are named 'a.yaml'");
}

/* ---- references -------------------------------------------------------------
 */

static void test_undeclared_references(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: FR\n"  /* line 3, col 19 */
      "    indication: ocdd\n"  /* line 4, col 17 */
      "    formulation: slow\n" /* line 5, col 18 */
      "    status: approved\n"
      "    reason: r\n"
      "    source: S9\n"); /* line 8, col 13 */
  expect_at("b.yaml", 3, 19, "jurisdiction 'FR' is not declared");
  expect_at("b.yaml", 4, 17,
            "indication 'ocdd' is not declared (did you mean 'ocd'?)");
  expect_at("b.yaml", 5, 18, "formulation 'slow' is not declared");
  expect_at("b.yaml", 8, 13, "source 'S9' is not declared");
  assert_int_equal(D.n, 4);
}

static void test_undeclared_references_in_conditions(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when:\n"
      "      formulation: [ir, er]\n" /* er: line 6, col 25 */
      "      jurisdiction: de\n"      /* line 7, col 21 */
      "      not: {indication: mdd}\n"
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 6, 25, "formulation 'er' is not declared");
  expect_at("b.yaml", 7, 21, "jurisdiction 'DE' is not declared");
  assert_int_equal(D.n, 2);
}

static void test_rule_without_source(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n" /* line 2, col 5 */
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: off-label\n"
      "    reason: r\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 2, 5, "rule 'r1' has no source");
}

static void test_tests_refer_to_unknown_ids(void **state) {
  (void)state;
  load2(
      "tests:\n"
      "  - name: t1\n"
      "    record: {drug_name: drugex, diagnosis_codes: [F42.2, F32]}\n"
      "    expect:\n"
      "      status: aproved\n"         /* line 5, col 15 */
      "      indications: [ocd, gad]\n" /* line 6, col 26 */
      "      rules: [us1, us2]\n"       /* line 7, col 20 */
      "      findings: [us1]\n"         /* line 8, col 18 */
      "      formulation: slow\n"       /* line 9, col 20 */
      "  - name: t2\n"
      "    record: {drug_nam: drugex}\n"); /* line 11, col 14 */
  expect_at("b.yaml", 5, 15, "unknown status 'aproved'");
  expect_at("b.yaml", 6, 26, "indication 'gad' is not declared");
  expect_at("b.yaml", 7, 20, "rule 'us2' is not declared");
  expect_at("b.yaml", 8, 18, "'us1' is a regulatory rule, not a finding");
  expect_at("b.yaml", 9, 20, "formulation 'slow' is not declared");
  expect_at("b.yaml", 11, 14,
            "unknown key 'drug_nam' in 'record' (a record's columns) (did "
            "you mean 'drug_name'?)");
  assert_int_equal(D.n, 6);
}

/* ---- patterns, codes, dates, ages, enums --------------------------------- */

static void test_invalid_pattern_plain_scalar(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when: {co_medications: {pattern: abc(d}}\n" /* line 5 */
      "    message: m\n"
      "    source: S1\n");
  /* The scalar starts at column 38; PCRE2 reports offset 5 (the end). */
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 5, 43, "invalid pattern: missing closing parenthesis");
}

static void test_invalid_pattern_single_quoted(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when:\n"
      "      drug_name: {pattern: 'it''s [x'}\n" /* line 6: ' at col 28 */
      "    message: m\n"
      "    source: S1\n");
  /* Value "it's [x": the class is never closed; PCRE2 reports offset 7
   * (the end). In the file the value starts at column 29 and its '' takes
   * two columns for one byte: 29 + 7 + 1 = 37. */
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 6, 37, "invalid pattern: missing terminating ]");
}

static void test_invalid_pattern_double_quoted_gives_offset(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when:\n"
      "      drug_name: {pattern: \"a\\tb)\"}\n" /* line 6, col 28 */
      "    message: m\n"
      "    source: S1\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 6, 28, "unmatched closing parenthesis at offset 3");
}

static void test_invalid_pattern_unicode_column(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when:\n"
      "      drug_name: {pattern: \xC3\xA9t\xC3\xA9)}\n" /* line 6 */
      "    message: m\n"
      "    source: S1\n");
  /* Starts at column 28; ")" is the 4th character: byte offset 5, but
   * column 28 + 3. */
  expect_at("b.yaml", 6, 31, "unmatched closing parenthesis");
}

static void test_malformed_codes(void **state) {
  (void)state;
  load2(
      "findings:\n"
      "  - id: f1\n"
      "    kind: interaction\n"
      "    severity: major\n"
      "    when:\n"
      "      co_medications:\n"
      "        code:\n"
      "          - rxnrom:123\n" /* line 8, col 13 */
      "          - rxnorm:12a\n" /* line 9, col 13 */
      "          - '42355'\n"    /* line 10, col 13 */
      "    message: m\n"
      "    source: S1\n"
      "indications:\n"
      "  - id: gad\n"
      "    label: anxiety\n"
      "    codes:\n"
      "      icd10: [F4.21]\n"     /* line 17, col 15 */
      "      sct: ['191736004']\n" /* line 18, col 7 */
      "    exclude:\n"
      "      snomed: [12345]\n"); /* line 20, col 16 */
  expect_at("b.yaml", 8, 13,
            "unknown code system 'rxnrom' (did you mean 'rxnorm'?)");
  expect_at("b.yaml", 9, 13, "malformed rxnorm code '12a'");
  expect_at("b.yaml", 10, 13, "expected a code written system:code");
  expect_at("b.yaml", 17, 15, "malformed icd10 code 'F4.21'");
  expect_at("b.yaml", 18, 7, "unknown key 'sct' in 'codes'");
  expect_at("b.yaml", 20, 16, "malformed snomed code '12345'");
  assert_int_equal(D.n, 6);
}

static void test_bad_dates(void **state) {
  (void)state;
  load2(
      "sources:\n"
      "  - {id: S2, citation: c, read: 2026-02-30}\n" /* line 2, col 33 */
      "  - {id: S3, citation: c, read: 1/2/2026}\n"); /* line 3, col 33 */
  expect_at("b.yaml", 2, 33, "invalid date '2026-02-30'");
  expect_at("b.yaml", 3, 33, "invalid date '1/2/2026'");
  assert_int_equal(D.n, 2);
}

static void test_age_min_above_max(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    age: {min: 18, max: 12}\n" /* max value: line 5, col 25 */
      "    status: approved\n"
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {age: {min: 9, max: 3}, strength_mg: {min: -1}}\n"
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 5, 25, "age 'max' 12 is below 'min' 18");
  expect_at("b.yaml", 13, 31, "'max' 3 is below 'min' 9 for 'age'");
  assert_int_equal(D.n, 2);
}

static void test_age_must_be_whole_years(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    age: {min: 12.5}\n" /* line 5, col 16 */
      "    status: approved\n"
      "    reason: r\n"
      "    source: S1\n");
  assert_int_equal(D.n, 1);
  expect_at("b.yaml", 5, 16, "expected a whole number from 0 to 150 for 'min'");
}

static void test_unknown_status_and_severity(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: offlabel\n" /* line 5, col 13 */
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: severe\n" /* line 11, col 15 */
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    source: S1\n");
  expect_at("b.yaml", 5, 13,
            "unknown status 'offlabel' (expected approved, off-label or "
            "unknown); did you mean 'off-label'?");
  expect_at("b.yaml", 11, 15, "unknown severity 'severe'");
  assert_int_equal(D.n, 2);
}

/* ---- formulations, coverage, overlaps -------------------------------------
 */

static const char *const DRUG_HEAD =
    "pack: {name: t, version: '1', title: t, jurisdictions: [US]}\n"
    "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
    "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
    "regulatory: [{id: r, jurisdiction: US, indication: ocd, "
    "status: approved, reason: r, source: S1}]\n";

static void test_no_default_formulation(void **state) {
  (void)state;
  char buf[1024];
  snprintf(buf, sizeof buf,
           "%sdrug:\n" /* line 5 */
           "  id: d\n"
           "  names: [drugex]\n"
           "  formulations:\n"
           "    - {id: xr, names: [xr]}\n" /* the list: line 9, col 5 */
           "    - {id: ir, forms: [tab]}\n",
           DRUG_HEAD);
  load1(buf);
  assert_int_equal(D.n, 1);
  expect_at("t.yaml", 9, 5, "no formulation is marked 'default: true'");
}

static void test_two_default_formulations(void **state) {
  (void)state;
  char buf[1024];
  snprintf(buf, sizeof buf,
           "%sdrug:\n"
           "  id: d\n"
           "  names: [drugex]\n"
           "  formulations:\n"
           "    - {id: xr, default: true}\n" /* line 9, col 25 */
           "    - {id: ir, default: true}\n" /* line 10, col 25 */
           "    - {id: sr}\n",               /* line 11, col 7 */
           DRUG_HEAD);
  load1(buf);
  expect_at("t.yaml", 10, 25,
            "formulation 'ir' is marked default, and so is the one at line 9");
  expect_at("t.yaml", 11, 7, "formulation 'sr' can never be chosen");
  assert_int_equal(D.n, 2);
}

static void test_covered_jurisdiction_without_rule(void **state) {
  (void)state;
  load1(
      "pack: {name: t, version: '1', title: t, jurisdictions: [US, CA]}\n"
      "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
      "drug: {id: d, names: [x], formulations: [{id: ir, default: true}]}\n"
      "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
      "regulatory: [{id: r, jurisdiction: US, indication: ocd, "
      "status: approved, reason: r, source: S1}]\n");
  assert_int_equal(D.n, 1);
  /* CA in the flow list on line 1, column 61. */
  expect_at("t.yaml", 1, 61,
            "jurisdiction 'CA' is covered but has no regulatory rule");
}

static void test_invalid_jurisdiction_code(void **state) {
  (void)state;
  load1(
      "pack: {name: t, version: '1', title: t, jurisdictions: [US, uk]}\n"
      "sources: [{id: S1, citation: c, read: 2026-01-01}]\n"
      "drug: {id: d, names: [x], formulations: [{id: ir, default: true}]}\n"
      "indications: [{id: ocd, label: OCD, codes: {icd10: [F42]}}]\n"
      "regulatory: [{id: r, jurisdiction: US, indication: ocd, "
      "status: approved, reason: r, source: S1}]\n");
  assert_int_equal(D.n, 1);
  expect_at("t.yaml", 1, 61, "invalid jurisdiction 'uk'");
}

static void test_overlapping_regulatory_rules(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: us-mdd-adults\n" /* line 2 */
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    formulation: ir\n"
      "    age: {min: 18}\n"
      "    status: approved\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: us-mdd-any\n" /* line 10, col 5 */
      "    jurisdiction: [GB, US]\n"
      "    indication: [ocd, mdd]\n"
      "    age: {min: 12, max: 40}\n"
      "    status: off-label\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: us-mdd-xr-kids\n" /* no overlap: xr, under 18 */
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    formulation: xr\n"
      "    age: {max: 11}\n"
      "    status: off-label\n"
      "    reason: r\n"
      "    source: S1\n");
  /* Reported at the later rule (a.yaml's come first, by file name),
   * naming the earlier one: us-mdd-adults on (US, mdd), and a.yaml's us1
   * and gb1, which have no formulation and no age, on ocd. */
  expect_at("b.yaml", 10, 5,
            "regulatory rule 'us-mdd-any' overlaps rule 'us-mdd-adults' "
            "(line 2): both can decide US, mdd, ir, age 18-40");
  expect_at("b.yaml", 10, 5,
            "regulatory rule 'us-mdd-any' overlaps rule 'us1' (a.yaml:18): "
            "both can decide US, ocd, any formulation, age 12-40");
  expect_at("b.yaml", 10, 5,
            "regulatory rule 'us-mdd-any' overlaps rule 'gb1' (a.yaml:19): "
            "both can decide GB, ocd, any formulation, age 12-40");
  assert_int_equal(D.n, 3);
}

/* ---- rule windows (valid_from, valid_until) and versions ------------------ */

static void test_window_bad_dates(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    valid_from: 2005-02-30\n" /* line 6, col 17 */
      "    valid_until: 2005/10/10\n" /* line 7, col 18 */
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {age: {min: 1}}\n"
      "    message: m\n"
      "    valid_until: 2024-13-01\n" /* line 16, col 18 */
      "    source: S1\n");
  expect_at("b.yaml", 6, 17,
            "invalid date '2005-02-30' for 'valid_from' (expected "
            "YYYY-MM-DD)");
  expect_at("b.yaml", 7, 18,
            "invalid date '2005/10/10' for 'valid_until' (expected "
            "YYYY-MM-DD)");
  expect_at("b.yaml", 16, 18,
            "invalid date '2024-13-01' for 'valid_until' (expected "
            "YYYY-MM-DD)");
  assert_int_equal(D.n, 3);
}

static void test_window_ending_before_it_starts(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    valid_from: 2005-10-11\n"
      "    valid_until: 2005-10-10\n" /* line 7, col 18 */
      "    reason: r\n"
      "    source: S1\n"
      "  - id: r2\n" /* one day: valid */
      "    jurisdiction: GB\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    valid_from: 2005-10-11\n"
      "    valid_until: 2005-10-11\n"
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {}\n"
      "    message: m\n"
      "    valid_until: 2020-01-01\n"
      "    valid_from: 2021-01-01\n"
      "    source: S1\n");
  expect_at("b.yaml", 7, 18,
            "'valid_until' 2005-10-10 is before 'valid_from' 2005-10-11: the "
            "rule would never be in force");
  /* Reported at valid_until wherever it is written (line 24, col 18). */
  expect_at("b.yaml", 24, 18,
            "'valid_until' 2020-01-01 is before 'valid_from' 2021-01-01");
  assert_int_equal(D.n, 2);
}

static void test_window_keys_have_hints(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    valid_form: 2005-10-11\n" /* line 6, col 5 */
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {}\n"
      "    message: m\n"
      "    vresion: '2'\n" /* line 15, col 5 */
      "    source: S1\n"
      "tests:\n"
      "  - name: t1\n"
      "    as_off: 2005-10-11\n" /* line 19, col 5 */
      "    record: {drug_name: drugex}\n");
  expect_at("b.yaml", 6, 5,
            "unknown key 'valid_form' in a regulatory rule (did you mean "
            "'valid_from'?)");
  expect_at("b.yaml", 15, 5,
            "unknown key 'vresion' in a finding (did you mean 'version'?)");
  expect_at("b.yaml", 19, 5,
            "unknown key 'as_off' in a test (did you mean 'as_of'?)");
  assert_int_equal(D.n, 3);
}

static void test_bad_rule_version_and_test_date(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: r1\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    version: 'two words'\n" /* line 6, col 14 */
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f1\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {}\n"
      "    message: m\n"
      "    version: ''\n" /* line 15, col 14 */
      "    source: S1\n"
      "tests:\n"
      "  - name: t1\n"
      "    as_of: 2005-10-32\n" /* line 19, col 12 */
      "    record: {drug_name: drugex}\n");
  expect_at("b.yaml", 6, 14, "invalid version 'two words' (expected letters");
  expect_at("b.yaml", 15, 14, "invalid version '' (expected letters");
  expect_at("b.yaml", 19, 12, "invalid date '2005-10-32' for 'as_of'");
  assert_int_equal(D.n, 3);
}

static void test_windows_that_share_no_day_do_not_overlap(void **state) {
  (void)state;
  const char b[] =
      "regulatory:\n"
      "  - id: mdd-before\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: off-label\n"
      "    valid_until: 2005-10-10\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: mdd-from\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    valid_from: 2005-10-11\n"
      "    valid_until: 2010-12-31\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: mdd-after\n"
      "    jurisdiction: [US, GB]\n"
      "    indication: mdd\n"
      "    status: unknown\n"
      "    valid_from: 2011-01-01\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: gb-mdd-xr-before\n" /* shares GB with mdd-after, but */
      "    jurisdiction: GB\n"        /* no day */
      "    indication: mdd\n"
      "    formulation: xr\n"
      "    status: unknown\n"
      "    valid_until: 2010-12-31\n"
      "    reason: r\n"
      "    source: S1\n";
  rxc_rule_file f[2] = {{"b.yaml", b, sizeof b - 1},
                        {"a.yaml", BASE, sizeof BASE - 1}};
  rxc_ruleset *rs = NULL;
  rxc_status st = load_n(f, 2, &rs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  assert_int_equal(D.n, 0);
  rxc_ruleset_free(rs);
}

static void test_windows_that_share_days_overlap(void **state) {
  (void)state;
  load2(
      "regulatory:\n"
      "  - id: mdd-old\n" /* line 2 */
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: off-label\n"
      "    valid_until: 2006-12-31\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: mdd-new\n" /* line 9, col 5 */
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    formulation: ir\n"
      "    status: approved\n"
      "    valid_from: 2005-10-11\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: ocd-dated\n" /* line 17, col 5: a.yaml's us1 has no window */
      "    jurisdiction: US\n"
      "    indication: ocd\n"
      "    age: {min: 18}\n"
      "    status: approved\n"
      "    valid_from: 2005-10-11\n"
      "    reason: r\n"
      "    source: S1\n"
      "  - id: ocd-once\n" /* line 25, col 5: one day, inside us1's */
      "    jurisdiction: GB\n"
      "    indication: ocd\n"
      "    status: approved\n"
      "    valid_from: 2001-02-03\n"
      "    valid_until: 2001-02-03\n"
      "    reason: r\n"
      "    source: S1\n");
  expect_at("b.yaml", 9, 5,
            "regulatory rule 'mdd-new' overlaps rule 'mdd-old' (line 2): both "
            "can decide US, mdd, ir, any age, 2005-10-11 to 2006-12-31");
  expect_at("b.yaml", 17, 5,
            "regulatory rule 'ocd-dated' overlaps rule 'us1' (a.yaml:18): "
            "both can decide US, ocd, any formulation, age 18+, from "
            "2005-10-11");
  expect_at("b.yaml", 25, 5,
            "regulatory rule 'ocd-once' overlaps rule 'gb1' (a.yaml:19): "
            "both can decide GB, ocd, any formulation, any age, 2001-02-03 "
            "to 2001-02-03");
  assert_int_equal(D.n, 3);
}

static void test_rule_infos_carry_version_and_window(void **state) {
  (void)state;
  const char b[] =
      "regulatory:\n"
      "  - id: mdd-dated\n"
      "    jurisdiction: US\n"
      "    indication: mdd\n"
      "    status: approved\n"
      "    version: 2024-01\n" /* a plain scalar, taken as text */
      "    valid_from: 2005-10-11\n"
      "    valid_until: 2010-02-28\n"
      "    reason: r\n"
      "    source: S1\n"
      "findings:\n"
      "  - id: f-until\n"
      "    kind: dose\n"
      "    severity: major\n"
      "    when: {}\n"
      "    message: m\n"
      "    version: 2\n"
      "    valid_until: 2004-02-29\n"
      "    source: S1\n";
  rxc_rule_file f[2] = {{"b.yaml", b, sizeof b - 1},
                        {"a.yaml", BASE, sizeof BASE - 1}};
  rxc_ruleset *rs = NULL;
  rxc_status st = load_n(f, 2, &rs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  /* a.yaml's rules: the pack's version, no window. */
  const rxc_rule_info *us1 = rxc_ruleset_find_rule(rs, "us1");
  assert_non_null(us1);
  assert_string_equal(us1->version, "1");
  assert_int_equal(us1->valid_from.year, 0);
  assert_int_equal(us1->valid_until.year, 0);
  const rxc_rule_info *r = rxc_ruleset_find_rule(rs, "mdd-dated");
  assert_non_null(r);
  assert_string_equal(r->version, "2024-01");
  assert_int_equal(r->valid_from.year, 2005);
  assert_int_equal(r->valid_from.month, 10);
  assert_int_equal(r->valid_from.day, 11);
  assert_int_equal(r->valid_until.year, 2010);
  assert_int_equal(r->valid_until.month, 2);
  assert_int_equal(r->valid_until.day, 28);
  const rxc_rule_info *fr = rxc_ruleset_find_rule(rs, "f-until");
  assert_non_null(fr);
  assert_string_equal(fr->version, "2");
  assert_int_equal(fr->valid_from.year, 0);
  assert_int_equal(fr->valid_until.year, 2004);
  assert_int_equal(fr->valid_until.month, 2);
  assert_int_equal(fr->valid_until.day, 29);
  /* The model keeps the same window as day numbers. */
  const rxc__pack *p = &rs->packs[0];
  assert_int_equal(p->regrules[0].window.from, 0);
  assert_int_equal(p->regrules[0].window.until, RXC__DAY_MAX);
  assert_int_equal(p->regrules[2].window.from, 20051011);
  assert_int_equal(p->regrules[2].window.until, 20100228);
  assert_int_equal(p->findings[0].window.until, 20040229);
  rxc_ruleset_free(rs);
}

/* ---- the whole ruleset is refused; every error is reported --------------- */

static void test_all_errors_are_reported_and_nothing_is_kept(void **state) {
  (void)state;
  load2(
      "sources:\n"
      "  - {id: S2, citation: c, read: never}\n"
      "findings:\n"
      "  - {id: f1, kind: Dose, severity: major, when: {age: {min: 1}},"
      " message: m, source: S1}\n"
      "tests:\n"
      "  - {name: t, record: {drug_name: drugex}, expect: {rules: [nope]}}\n");
  assert_int_equal(D.n, 3);
  /* Sorted by file and position. */
  assert_int_equal(D.e[0].line, 2);
  assert_int_equal(D.e[1].line, 4);
  assert_int_equal(D.e[2].line, 6);
  expect_at("b.yaml", 4, 20, "invalid kind 'Dose'");
}

static void test_allocation_failures_leak_nothing(void **state) {
  (void)state;
  rxc_rule_file f = {"a.yaml", BASE, sizeof BASE - 1};
  int saw_ok = 0;
  for (long k = 0; k < 400 && !saw_ok; k++) {
    rxc__alloc_fail_after(k);
    rxc_ruleset *rs = NULL;
    rxc_status st = rxc_ruleset_load_files(&f, 1, NULL, NULL, &rs);
    rxc__alloc_fail_after(-1);
    if (st == RXC_OK) {
      saw_ok = 1;
      assert_non_null(rs);
    } else {
      assert_int_equal(st, RXC_ENOMEM);
      assert_null(rs);
    }
    rxc_ruleset_free(rs);
  }
  assert_true(saw_ok);
}

/* ---- the valid mini pack ---------------------------------------------------
 */

typedef struct files {
  rxc_rule_file f[8];
  char *data[8];
  size_t n;
} files;

static void read_mini(files *fs) {
  static const char *const names[] = {"pack.yaml", "rules.yaml", "tests.yaml"};
  memset(fs, 0, sizeof *fs);
  for (size_t i = 0; i < 3; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/tests/packs/mini/%s", RXC_SOURCE_DIR,
             names[i]);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    fs->data[i] = buf;
    fs->f[i] = (rxc_rule_file){names[i], buf, n};
  }
  fs->n = 3;
}

static void free_mini(files *fs) {
  for (size_t i = 0; i < fs->n; i++) free(fs->data[i]);
}

static const rxc__pack *only_pack(const rxc_ruleset *rs) {
  assert_int_equal(rs->npacks, 1);
  return &rs->packs[0];
}

static void test_mini_pack_model(void **state) {
  (void)state;
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  rxc_status st = rxc_ruleset_load_dir(RXC_SOURCE_DIR "/tests/packs/mini",
                                       rxc_test_diags_collect, &D, &rs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  const rxc__pack *p = only_pack(rs);
  const rxc_pack_info *info = rxc_ruleset_pack(rs, 0);
  assert_string_equal(info->name, "mini");
  assert_string_equal(info->version, "0.1.0");
  assert_string_equal(info->drug, "examplamine");
  assert_int_equal(strlen(info->hash), 71);
  assert_memory_equal(info->hash, "sha256:", 7);
  assert_int_equal(info->njurisdictions, 2);
  assert_string_equal(info->jurisdictions[0], "US");
  assert_string_equal(info->jurisdictions[1], "GB");

  assert_int_equal(p->nsources, 3);
  assert_string_equal(p->sources[2].id, "S3");
  assert_null(p->sources[1].url);
  assert_string_equal(p->sources[0].read, "2026-01-15");

  /* Formulations: the default last. */
  assert_int_equal(p->nformulations, 2);
  assert_string_equal(p->formulations[0].id, "extended-release");
  assert_string_equal(p->formulations[1].id, "immediate-release");
  assert_true(p->formulations[1].is_default);
  assert_int_equal(p->formulations[0].nnames, 2);
  assert_int_equal(p->formulations[0].nforms, 2);
  assert_int_equal(p->nnames, 2);
  rxc_code c = {RXC_SYS_RXNORM, {"9990003", 7}, {"9990003", 7}};
  assert_true(rxc__codeset_match(&p->drug_codes, &c));
  assert_true(rxc__codeset_match(&p->formulations[0].codes, &c));

  /* Indications, with codes normalised and approved_in derived. */
  assert_int_equal(p->nindications, 3);
  assert_string_equal(p->indications[0].id, "ocd");
  assert_string_equal(p->indications[0].line, "first-line");
  rxc_code f423 = {RXC_SYS_ICD10, {"F423", 4}, {"F42.3", 5}};
  assert_true(rxc__codeset_match(&p->indications[0].codes, &f423));
  assert_true(rxc__codeset_match(&p->indications[0].exclude, &f423));
  assert_string_equal(p->indications[0].approved_in,
                      "approved for obsessive-compulsive disorder in: GB, US");
  assert_string_equal(p->indications[1].approved_in,
                      "approved for major depressive disorder in: GB");
  assert_null(p->indications[2].approved_in);

  /* Regulatory rules. */
  assert_int_equal(p->nregrules, 6);
  const rxc__regrule *r = &p->regrules[1];
  assert_string_equal(r->id, "us-ocd-ir-children");
  assert_int_equal(r->njur, 1);
  assert_string_equal(r->jurisdictions[0], "US");
  assert_int_equal(r->nind, 1);
  assert_int_equal(r->indications[0], 0);
  assert_int_equal(r->formulation, 1); /* immediate-release, after reorder */
  assert_int_equal(r->age_min, 8);
  assert_int_equal(r->age_max, 17);
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_string_equal(r->line, "second-line");
  assert_int_equal(r->source, 0);
  assert_int_equal(p->regrules[3].formulation, -1);
  assert_int_equal(p->regrules[3].age_min, -1);
  assert_int_equal(p->regrules[3].status, RXC_V_OFF_LABEL);
  assert_int_equal(p->regrules[4].nind, 2);
  assert_int_equal(p->regrules[5].status, RXC_V_UNKNOWN);

  /* Findings and their conditions. */
  assert_int_equal(p->nfindings, 4);
  const rxc__finding_rule *f = &p->findings[1];
  assert_string_equal(f->id, "int-testophylline");
  assert_int_equal(f->severity, RXC_SEV_MAJOR);
  assert_int_equal(f->when.op, RXC_C_ANY);
  assert_int_equal(f->when.nkids, 2);
  assert_int_equal(f->when.kids[0].op, RXC_C_PRED);
  assert_int_equal(f->when.kids[0].pred.field, RXC_CF_CO_MEDICATIONS);
  assert_int_equal(f->when.kids[0].pred.tests, RXC_P_PATTERN);
  assert_int_equal(f->when.kids[1].pred.tests, RXC_P_CODE);
  const rxc__finding_rule *dose = &p->findings[2];
  assert_int_equal(dose->when.op, RXC_C_ALL);
  assert_int_equal(dose->when.kids[0].pred.field, RXC_CF_FORMULATION);
  assert_int_equal(dose->when.kids[0].pred.nin, 1);
  assert_string_equal(dose->when.kids[0].pred.in[0], "immediate-release");
  assert_int_equal(dose->when.kids[1].pred.tests, RXC_P_ABOVE);
  assert_true(dose->when.kids[1].pred.above == 300.0);
  const rxc__finding_rule *age = &p->findings[3];
  assert_int_equal(age->when.kids[1].op, RXC_C_NOT);
  assert_int_equal(age->when.kids[1].kids[0].pred.field, RXC_CF_JURISDICTION);
  assert_string_equal(age->when.kids[1].kids[0].pred.in[0], "GB");

  /* Tests: values coerced to text, lists joined with ';'. */
  assert_int_equal(p->ntests, 14);
  const rxc__test_case *t = &p->tests[11];
  assert_string_equal(t->name,
                      "Interaction by code and IR dose above the maximum");
  assert_int_equal(t->nkeys, 6);
  assert_string_equal(t->keys[1], "diagnosis_codes");
  assert_string_equal(t->values[1], "F42.2;F32.1");
  assert_string_equal(t->keys[2], "age");
  assert_string_equal(t->values[2], "40");
  assert_string_equal(t->values[5], "paracetamol;rxnorm:9990100");
  assert_string_equal(t->status, "approved");
  assert_true(t->has_findings);
  assert_int_equal(t->nfindings, 2);
  assert_true(t->has_rules);
  assert_int_equal(t->nrules, 2);
  assert_false(p->tests[3].has_findings);
  assert_true(p->tests[2].has_rules);
  assert_int_equal(p->tests[2].nrules, 0);
  assert_non_null(strstr(t->file, "tests.yaml"));

  /* Rule infos. */
  assert_int_equal(rxc_ruleset_nrules(rs), 10);
  const rxc_rule_info *ri = rxc_ruleset_find_rule(rs, "us-ocd-ir-children");
  assert_non_null(ri);
  assert_string_equal(ri->kind, "regulatory");
  assert_string_equal(ri->pack, "mini");
  assert_string_equal(ri->summary,
                      "approved: US ocd immediate-release age 8-17");
  assert_null(ri->severity);
  assert_string_equal(ri->source, "S1");
  assert_string_equal(ri->url, "https://example.org/examplamine/us-label");
  assert_int_equal(ri->line, 12);
  assert_non_null(strstr(ri->file, "rules.yaml"));
  assert_string_equal(ri->text,
                      "id: us-ocd-ir-children\n"
                      "jurisdiction: US\n"
                      "indication: ocd\n"
                      "formulation: immediate-release\n"
                      "age: {min: 8, max: 17}\n"
                      "status: approved\n"
                      "line: second-line\n"
                      "reason: (fictional) Labeled for OCD in children 8-17 "
                      "(IR tablets).\n"
                      "source: S1");
  ri = rxc_ruleset_find_rule(rs, "gb-under-18");
  assert_string_equal(ri->summary,
                      "unknown: GB ocd,depression any formulation age 0-17");
  ri = rxc_ruleset_rule(rs, 6);
  assert_string_equal(ri->id, "int-exampladol");
  assert_string_equal(ri->kind, "interaction");
  assert_string_equal(ri->severity, "contraindicated");
  assert_string_equal(ri->summary,
                      "(fictional) Exampladol with examplamine is "
                      "contraindicated.");
  assert_string_equal(ri->citation,
                      "Examplamine interaction table (fictional)");
  assert_null(rxc_ruleset_rule(rs, 10));
  assert_null(rxc_ruleset_find_rule(rs, "nope"));
  assert_null(rxc_ruleset_pack(rs, 1));
  rxc_ruleset_free(rs);
}

static void test_mini_pack_hash_is_stable_and_content_bound(void **state) {
  (void)state;
  files fs;
  read_mini(&fs);
  rxc_ruleset *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  assert_int_equal(load_n(fs.f, fs.n, &a), RXC_OK);
  /* The same files in another order, and from disk: the same hash. */
  rxc_rule_file rev[3] = {fs.f[2], fs.f[0], fs.f[1]};
  assert_int_equal(load_n(rev, 3, &b), RXC_OK);
  assert_int_equal(
      rxc_ruleset_load_dir(RXC_SOURCE_DIR "/tests/packs/mini", NULL, NULL, &d),
      RXC_OK);
  const char *ha = rxc_ruleset_pack(a, 0)->hash;
  assert_string_equal(ha, rxc_ruleset_pack(b, 0)->hash);
  assert_string_equal(ha, rxc_ruleset_pack(d, 0)->hash);
  /* One byte of a comment changes it. */
  char *p = strstr(fs.data[2], "Expectations");
  assert_non_null(p);
  p[0] = 'e';
  assert_int_equal(load_n(fs.f, fs.n, &c), RXC_OK);
  assert_string_not_equal(ha, rxc_ruleset_pack(c, 0)->hash);
  rxc_ruleset_free(a);
  rxc_ruleset_free(b);
  rxc_ruleset_free(c);
  rxc_ruleset_free(d);
  free_mini(&fs);
}

static void test_mini_pack_survives_allocation_failures(void **state) {
  (void)state;
  files fs;
  read_mini(&fs);
  int saw_ok = 0;
  for (long k = 0; k < 5000 && !saw_ok; k += 7) {
    rxc__alloc_fail_after(k);
    rxc_ruleset *rs = NULL;
    rxc_status st = rxc_ruleset_load_files(fs.f, fs.n, NULL, NULL, &rs);
    rxc__alloc_fail_after(-1);
    if (st == RXC_OK)
      saw_ok = 1;
    else
      assert_int_equal(st, RXC_ENOMEM);
    rxc_ruleset_free(rs);
  }
  assert_true(saw_ok);
  free_mini(&fs);
}

static void test_load_dir_errors(void **state) {
  (void)state;
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  assert_int_equal(rxc_ruleset_load_dir("/nonexistent/rxc", rxc_test_diags_collect, &D, &rs),
                   RXC_EIO);
  assert_null(rs);
  assert_int_equal(D.n, 1);
  assert_int_equal(D.e[0].code, RXC_EIO);
  char dir[] = "/tmp/rxc_empty_XXXXXX";
  assert_non_null(mkdtemp(dir));
  memset(&D, 0, sizeof D);
  assert_int_equal(rxc_ruleset_load_dir(dir, rxc_test_diags_collect, &D, &rs), RXC_ERULES);
  expect_at(dir, 0, 0, "no rule packs here");
  rmdir(dir);
  assert_int_equal(rxc_ruleset_load_files(NULL, 0, NULL, NULL, NULL),
                   RXC_EUSAGE);
}

static void test_builtin_packs_load(void **state) {
  (void)state;
  memset(&D, 0, sizeof D);
  rxc_ruleset *rs = NULL;
  rxc_status st = rxc_ruleset_load_builtin(rxc_test_diags_collect, &D, &rs);
  if (st != RXC_OK) dump();
  assert_int_equal(st, RXC_OK);
  for (size_t i = 0; i < rxc_ruleset_nrules(rs); i++)
    assert_memory_equal(rxc_ruleset_rule(rs, i)->file, "builtin:", 8);
  rxc_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base_pack_is_valid),
      cmocka_unit_test(test_syntax_error_has_libyaml_position),
      cmocka_unit_test(test_unterminated_quote_is_a_syntax_error),
      cmocka_unit_test(test_aliases_and_anchors_are_refused),
      cmocka_unit_test(test_duplicate_mapping_key),
      cmocka_unit_test(test_nesting_deeper_than_64_is_refused),
      cmocka_unit_test(test_files_over_4_mib_are_refused),
      cmocka_unit_test(test_invalid_utf8_is_refused),
      cmocka_unit_test(test_more_than_one_document),
      cmocka_unit_test(test_yaml_tags_are_refused),
      cmocka_unit_test(test_unknown_key_with_hint),
      cmocka_unit_test(test_unknown_section_with_hint),
      cmocka_unit_test(test_unknown_field_in_condition),
      cmocka_unit_test(test_wrong_type),
      cmocka_unit_test(test_wrong_type_list_expected),
      cmocka_unit_test(test_missing_required_key),
      cmocka_unit_test(test_missing_sections),
      cmocka_unit_test(test_section_given_twice),
      cmocka_unit_test(test_duplicate_source_id),
      cmocka_unit_test(test_duplicate_indication_id),
      cmocka_unit_test(test_duplicate_rule_id_across_sections),
      cmocka_unit_test(test_duplicate_test_name),
      cmocka_unit_test(test_duplicate_formulation_id_and_bad_id),
      cmocka_unit_test(test_duplicate_pack_names_in_a_directory),
      cmocka_unit_test(test_packs_in_a_directory_are_sorted_by_name),
      cmocka_unit_test(test_two_files_with_one_name),
      cmocka_unit_test(test_undeclared_references),
      cmocka_unit_test(test_undeclared_references_in_conditions),
      cmocka_unit_test(test_rule_without_source),
      cmocka_unit_test(test_tests_refer_to_unknown_ids),
      cmocka_unit_test(test_invalid_pattern_plain_scalar),
      cmocka_unit_test(test_invalid_pattern_single_quoted),
      cmocka_unit_test(test_invalid_pattern_double_quoted_gives_offset),
      cmocka_unit_test(test_invalid_pattern_unicode_column),
      cmocka_unit_test(test_malformed_codes),
      cmocka_unit_test(test_bad_dates),
      cmocka_unit_test(test_age_min_above_max),
      cmocka_unit_test(test_age_must_be_whole_years),
      cmocka_unit_test(test_unknown_status_and_severity),
      cmocka_unit_test(test_no_default_formulation),
      cmocka_unit_test(test_two_default_formulations),
      cmocka_unit_test(test_covered_jurisdiction_without_rule),
      cmocka_unit_test(test_invalid_jurisdiction_code),
      cmocka_unit_test(test_overlapping_regulatory_rules),
      cmocka_unit_test(test_window_bad_dates),
      cmocka_unit_test(test_window_ending_before_it_starts),
      cmocka_unit_test(test_window_keys_have_hints),
      cmocka_unit_test(test_bad_rule_version_and_test_date),
      cmocka_unit_test(test_windows_that_share_no_day_do_not_overlap),
      cmocka_unit_test(test_windows_that_share_days_overlap),
      cmocka_unit_test(test_rule_infos_carry_version_and_window),
      cmocka_unit_test(test_all_errors_are_reported_and_nothing_is_kept),
      cmocka_unit_test(test_allocation_failures_leak_nothing),
      cmocka_unit_test(test_mini_pack_model),
      cmocka_unit_test(test_mini_pack_hash_is_stable_and_content_bound),
      cmocka_unit_test(test_mini_pack_survives_allocation_failures),
      cmocka_unit_test(test_load_dir_errors),
      cmocka_unit_test(test_builtin_packs_load),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
