/*
 * test_eval.c - the evaluator: drug recognition, formulation, indication
 * mapping with exclusions, regulatory resolution (age bands, boundaries,
 * uncovered jurisdictions, unknown age), the condition language, finding
 * order, and that checking allocates nothing once warmed up.
 *
 * The pack below is fictional ("examplamine"); it encodes no clinical fact.
 * Expected results follow from the pack's text and rules/README.md.
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
#include "rxcheck/rxcheck.h"

static const char pack_yaml[] =
    "pack:\n"
    "  name: testpack\n"
    "  version: 0.0.1\n"
    "  title: Fictional pack for unit tests\n"
    "  jurisdictions: [US, JP]\n"
    "sources:\n"
    "  - id: T1\n"
    "    citation: Fictional source for tests\n"
    "    read: 2026-01-01\n"
    "drug:\n"
    "  id: examplamine\n"
    "  label: examplamine\n"
    "  codes: [rxnorm:111, atc:N99XX01]\n"
    "  names: ['examplamin\\w*']\n"
    "  formulations:\n"
    "    - id: extended-release\n"
    "      codes: [rxnorm:222]\n"
    "      names: ['ER', 'XR']\n"
    "      forms: ['extended']\n"
    "    - id: immediate-release\n"
    "      default: true\n"
    "indications:\n"
    "  - id: ocd\n"
    "    label: obsessive-compulsive disorder\n"
    "    line: first-line\n"
    "    codes: {icd10: [F42], snomed: [191736004]}\n"
    "    exclude: {icd10: [F42.3, F42.4]}\n"
    "  - id: mdd\n"
    "    label: major depressive disorder\n"
    "    codes: {icd10: [F32.0, F32.1, F33]}\n"
    "regulatory:\n"
    "  - id: us-ocd-ir\n"
    "    jurisdiction: US\n"
    "    indication: ocd\n"
    "    formulation: immediate-release\n"
    "    age: {min: 8}\n"
    "    status: approved\n"
    "    reason: OCD from age 8, tablets.\n"
    "    source: T1\n"
    "  - id: us-ocd-ir-young\n"
    "    jurisdiction: US\n"
    "    indication: ocd\n"
    "    formulation: immediate-release\n"
    "    age: {max: 7}\n"
    "    status: off-label\n"
    "    reason: Below the approved age of 8.\n"
    "    source: T1\n"
    "  - id: us-ocd-er\n"
    "    jurisdiction: US\n"
    "    indication: ocd\n"
    "    formulation: extended-release\n"
    "    age: {min: 18}\n"
    "    status: approved\n"
    "    reason: OCD in adults, capsules.\n"
    "    source: T1\n"
    "  - id: jp-mdd\n"
    "    jurisdiction: JP\n"
    "    indication: mdd\n"
    "    age: {min: 18}\n"
    "    status: approved\n"
    "    reason: Depression in adults.\n"
    "    source: T1\n"
    "findings:\n"
    "  - id: dose-high\n"
    "    kind: dose\n"
    "    severity: major\n"
    "    when: {jurisdiction: US, daily_dose_mg: {above: 300}}\n"
    "    message: Above 300 mg/day.\n"
    "    source: T1\n"
    "  - id: young\n"
    "    kind: boxed-warning\n"
    "    severity: info\n"
    "    when: {age: {max: 24}}\n"
    "    message: Under 25.\n"
    "    source: T1\n"
    "  - id: int-tiz\n"
    "    kind: interaction\n"
    "    severity: contraindicated\n"
    "    when:\n"
    "      any:\n"
    "        - co_medications: {pattern: 'tizanidine'}\n"
    "        - co_medications: {code: [rxnorm:57258]}\n"
    "    message: Tizanidine.\n"
    "    action: Do not dispense.\n"
    "    source: T1\n"
    "  - id: er-young\n"
    "    kind: age\n"
    "    severity: moderate\n"
    "    when:\n"
    "      formulation: extended-release\n"
    "      age: {below: 18}\n"
    "      not: {indication: mdd}\n"
    "    message: Extended-release under 18.\n"
    "    source: T1\n"
    "  - id: xr-capsule\n"
    "    kind: info\n"
    "    severity: minor\n"
    "    when:\n"
    "      drug_name: {prefix: 'EXAMPLAMINE XR'}\n"
    "      form: {in: [capsule, extended capsule]}\n"
    "    message: Prefix and in.\n"
    "    source: T1\n";

typedef struct fixture {
  rxc_ruleset *rs;
  rxc_checker *chk;
  rxc_schema *schema;
  rxc_builder *builder;
  char *row; /* the current row's bytes; fields point into it */
  rxc_str fields[32];
} fixture;

static fixture fx;

static void diag(const rxc_error *e, void *ud) {
  (void)ud;
  fprintf(stderr, "%s:%lu:%lu: %s\n", e->file, e->line, e->column,
          e->message);
}

static int setup(void **state) {
  (void)state;
  memset(&fx, 0, sizeof fx);
  rxc_rule_file f = {"testpack/pack.yaml", pack_yaml, sizeof pack_yaml - 1};
  if (rxc_ruleset_load_files(&f, 1, diag, NULL, &fx.rs) != RXC_OK) return -1;
  if (rxc_checker_new(fx.rs, &fx.chk) != RXC_OK) return -1;
  return 0;
}

static void reset_row(void) {
  rxc_builder_free(fx.builder);
  rxc_schema_free(fx.schema);
  free(fx.row);
  fx.builder = NULL;
  fx.schema = NULL;
  fx.row = NULL;
}

static int teardown(void **state) {
  (void)state;
  reset_row();
  rxc_checker_free(fx.chk);
  rxc_ruleset_free(fx.rs);
  return 0;
}

/* Splits s on '|' into fx.fields (values in these tests hold no '|'). */
static size_t split(char *s) {
  size_t n = 0;
  char *p = s;
  for (;;) {
    char *bar = strchr(p, '|');
    fx.fields[n].ptr = p;
    fx.fields[n].len = bar ? (size_t)(bar - p) : strlen(p);
    n++;
    if (!bar) break;
    p = bar + 1;
  }
  return n;
}

/* Checks one record given as "col|col|..." and "val|val|...". */
static const rxc_result *check(const char *header, const char *values) {
  reset_row();
  size_t hlen = strlen(header), vlen = strlen(values);
  fx.row = malloc(hlen + vlen + 2);
  memcpy(fx.row, header, hlen + 1);
  memcpy(fx.row + hlen + 1, values, vlen + 1);
  size_t nh = split(fx.row);
  rxc_str hdr[32];
  memcpy(hdr, fx.fields, nh * sizeof hdr[0]);
  rxc_error err;
  assert_int_equal(rxc_schema_new(hdr, nh, NULL, &fx.schema, &err), RXC_OK);
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = (rxc_date){2026, 6, 1};
  assert_int_equal(rxc_builder_new(fx.schema, &o, &fx.builder), RXC_OK);
  size_t nv = split(fx.row + hlen + 1);
  const rxc_record *rec;
  rxc_reject rej;
  assert_int_equal(rxc_builder_build(fx.builder, fx.fields, nv, 2, 1, &rec,
                                     &rej),
                   1);
  const rxc_result *res;
  assert_int_equal(rxc_checker_check(fx.chk, rec, &res), RXC_OK);
  return res;
}

static const char H[] =
    "drug_name|drug_code|form|country|age|diagnosis_codes|co_medications|"
    "daily_dose_mg";

static char row_buf[512];
static const char *row(const char *name, const char *code, const char *form,
                       const char *country, const char *age, const char *dx,
                       const char *comed, const char *dose) {
  snprintf(row_buf, sizeof row_buf, "%s|%s|%s|%s|%s|%s|%s|%s", name, code,
           form, country, age, dx, comed, dose);
  return row_buf;
}

static int has_finding(const rxc_result *r, const char *id) {
  for (size_t i = 0; i < r->nfindings; i++)
    if (strcmp(r->findings[i].rule, id) == 0) return 1;
  return 0;
}

/* ---- recognition and formulation ---------------------------------------- */

static void test_name_pattern_puts_record_in_scope(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("Examplamine 50 mg tablet", "", "", "US", "34", "F42.2",
                   "", ""));
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_string_equal(r->drug, "examplamine");
  assert_string_equal(r->formulation, "immediate-release");
  assert_string_equal(r->jurisdiction, "US");
  assert_int_equal(r->age, 34);
}

static void test_other_drug_is_out_of_scope(void **state) {
  (void)state;
  const rxc_result *r = check(
      H, row("Otherdrug 20 mg", "", "", "US", "34", "F42.2", "tizanidine", ""));
  assert_int_equal(r->status, RXC_V_OUT_OF_SCOPE);
  assert_null(r->drug);
  assert_int_equal(r->nfindings, 0);
  assert_int_equal(r->nindications, 0);
}

static void test_drug_code_alone_puts_record_in_scope(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("", "rxnorm:111", "", "US", "34", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_APPROVED);
  r = check(H, row("", "atc:N99XX01", "", "US", "34", "F42.2", "", ""));
  assert_string_equal(r->drug, "examplamine");
}

static void test_formulation_from_name_code_and_form(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("EXAMPLAMINE XR 100MG", "", "", "US", "34", "", "", ""));
  assert_string_equal(r->formulation, "extended-release");
  r = check(H, row("", "rxnorm:222", "", "US", "34", "", "", ""));
  assert_string_equal(r->formulation, "extended-release");
  r = check(H, row("examplamine 100", "", "extended capsule", "US", "34", "",
                   "", ""));
  assert_string_equal(r->formulation, "extended-release");
  /* "ER" must be a word: "examplamine tablets PERORAL" is not ER. */
  r = check(H, row("examplamine tablets PERORAL", "", "tablet", "US", "34", "",
                   "", ""));
  assert_string_equal(r->formulation, "immediate-release");
}

/* ---- indications and regulatory status ---------------------------------- */

static void test_approved_carries_rule_reason_source_and_line(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "40", "F42.2", "", ""));
  assert_int_equal(r->nindications, 1);
  const rxc_indication_result *ir = &r->indications[0];
  assert_string_equal(ir->indication, "ocd");
  assert_int_equal(ir->status, RXC_V_APPROVED);
  assert_string_equal(ir->rule, "us-ocd-ir");
  assert_string_equal(ir->source, "T1");
  assert_string_equal(ir->line, "first-line");
  assert_int_equal(ir->nreasons, 1);
  assert_string_equal(ir->reasons[0], "OCD from age 8, tablets.");
  assert_int_equal(ir->code.system, RXC_SYS_ICD10);
}

static void test_age_boundary_seven_and_eight(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "7", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  assert_string_equal(r->indications[0].rule, "us-ocd-ir-young");
  assert_null(r->indications[0].line);
  r = check(H, row("examplamine", "", "", "US", "8", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_string_equal(r->indications[0].rule, "us-ocd-ir");
}

static void test_excluded_code_maps_to_no_indication(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "40", "F42.3", "", ""));
  assert_int_equal(r->status, RXC_V_NO_INDICATION);
  assert_int_equal(r->nindications, 0);
}

static void test_dotless_and_snomed_codes_map(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "40", "f422", "", ""));
  assert_int_equal(r->status, RXC_V_APPROVED);
  r = check(H, row("examplamine", "", "", "US", "40", "snomed:191736004", "",
                   ""));
  assert_int_equal(r->status, RXC_V_APPROVED);
  assert_int_equal(r->indications[0].code.system, RXC_SYS_SNOMED);
}

static void test_no_matching_rule_is_off_label_with_approved_in(void **state) {
  (void)state;
  /* ER at 17: the only US ER rule starts at 18. */
  const rxc_result *r =
      check(H, row("examplamine XR", "", "", "US", "17", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
  const rxc_indication_result *ir = &r->indications[0];
  assert_null(ir->rule);
  assert_int_equal(ir->nreasons, 2);
  assert_string_equal(ir->reasons[1],
                      "approved for obsessive-compulsive disorder in: US");
  /* Japan is covered but has no OCD approval. */
  r = check(H, row("examplamine", "", "", "JP", "40", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_OFF_LABEL);
}

static void test_uncovered_or_missing_jurisdiction_is_unknown(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "DE", "40", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_UNKNOWN);
  assert_null(r->indications[0].rule);
  r = check(H, row("examplamine", "", "", "", "40", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_UNKNOWN);
  assert_null(r->jurisdiction);
}

static void test_unknown_age_with_age_banded_rules_is_unknown(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "", "F42.2", "", ""));
  assert_int_equal(r->status, RXC_V_UNKNOWN);
  assert_int_equal(r->age, -1);
}

static void test_overall_status_is_best_over_indications(void **state) {
  (void)state;
  const rxc_result *r = check(
      H, row("examplamine", "", "", "JP", "40", "F42.2;F32.1", "", ""));
  assert_int_equal(r->nindications, 2);
  assert_string_equal(r->indications[0].indication, "ocd");
  assert_int_equal(r->indications[0].status, RXC_V_OFF_LABEL);
  assert_string_equal(r->indications[1].indication, "mdd");
  assert_int_equal(r->indications[1].status, RXC_V_APPROVED);
  assert_int_equal(r->status, RXC_V_APPROVED);
}

/* ---- conditions and findings -------------------------------------------- */

static void test_findings_are_most_severe_first(void **state) {
  (void)state;
  const rxc_result *r = check(H, row("examplamine", "", "", "US", "20",
                                     "F42.2", "Tizanidine 4 mg", "400"));
  assert_int_equal(r->nfindings, 3);
  assert_string_equal(r->findings[0].rule, "int-tiz");
  assert_int_equal(r->findings[0].severity, RXC_SEV_CONTRAINDICATED);
  assert_string_equal(r->findings[0].action, "Do not dispense.");
  assert_int_equal(r->findings[0].matched.len, strlen("Tizanidine 4 mg"));
  assert_string_equal(r->findings[1].rule, "dose-high");
  assert_string_equal(r->findings[2].rule, "young");
}

static void test_above_is_exclusive_and_max_inclusive(void **state) {
  (void)state;
  const rxc_result *r =
      check(H, row("examplamine", "", "", "US", "24", "F42.2", "", "300"));
  assert_false(has_finding(r, "dose-high"));
  assert_true(has_finding(r, "young"));
  r = check(H, row("examplamine", "", "", "US", "25", "F42.2", "", "300.5"));
  assert_true(has_finding(r, "dose-high"));
  assert_false(has_finding(r, "young"));
}

static void test_comedication_code_with_and_without_prefix(void **state) {
  (void)state;
  const rxc_result *r = check(
      H, row("examplamine", "", "", "US", "40", "F42.2", "rxnorm:57258", ""));
  assert_true(has_finding(r, "int-tiz"));
  r = check(H, row("examplamine", "", "", "US", "40", "F42.2",
                   "aspirin; 57258", ""));
  assert_true(has_finding(r, "int-tiz"));
  r = check(H, row("examplamine", "", "", "US", "40", "F42.2",
                   "rxnorm:572580", ""));
  assert_false(has_finding(r, "int-tiz"));
}

static void test_not_and_absent_values(void **state) {
  (void)state;
  /* ER at 16 with OCD: formulation, age and not(indication mdd) all hold. */
  const rxc_result *r =
      check(H, row("examplamine ER", "", "", "US", "16", "F42.2", "", ""));
  assert_true(has_finding(r, "er-young"));
  /* With MDD among the indications the not() fails. */
  r = check(H, row("examplamine ER", "", "", "US", "16", "F42.2;F32.1", "",
                   ""));
  assert_false(has_finding(r, "er-young"));
  /* Unknown age: age {below: 18} is false, so nothing fires. */
  r = check(H, row("examplamine ER", "", "", "US", "", "F42.2", "", ""));
  assert_false(has_finding(r, "er-young"));
  assert_false(has_finding(r, "young"));
}

static void test_prefix_and_in_are_case_insensitive(void **state) {
  (void)state;
  const rxc_result *r = check(H, row("Examplamine xr 100 mg", "", "Capsule",
                                     "US", "40", "F42.2", "", ""));
  assert_true(has_finding(r, "xr-capsule"));
  r = check(H, row("Examplamine xr 100 mg", "", "capsules", "US", "40",
                   "F42.2", "", ""));
  assert_false(has_finding(r, "xr-capsule"));
}

static void test_checking_allocates_nothing_once_warm(void **state) {
  (void)state;
  const rxc_result *r = check(H, row("examplamine", "", "", "US", "20",
                                     "F42.2;F32.1", "tizanidine", "400"));
  assert_int_equal(r->nfindings, 3);
  /* Same record shape again, with every allocation set to fail. */
  const rxc_record *rec;
  rxc_reject rej;
  size_t n = split(strcpy(row_buf, "examplamine|||US|20|F42.2;F32.1|"
                                   "tizanidine|400"));
  assert_int_equal(
      rxc_builder_build(fx.builder, fx.fields, n, 3, 2, &rec, &rej), 1);
  rxc__alloc_fail_after(0);
  rxc_status st = rxc_checker_check(fx.chk, rec, &r);
  rxc__alloc_fail_after(-1);
  assert_int_equal(st, RXC_OK);
  assert_int_equal(r->nfindings, 3);
}

static void test_comedication_cache_survives_evictions(void **state) {
  (void)state;
  /* Thousands of distinct co-medication strings overflow the checker's
   * bounded cache and collide in it; every answer must stay the one a
   * fresh evaluation gives: the interaction fires exactly when tizanidine
   * is in the list, and names the item that matched. */
  char comed[96];
  for (int i = 0; i < 6000; i++) {
    int tiz = i % 7 == 0;
    snprintf(comed, sizeof comed, "drug%d;%s;other%d", i,
             tiz ? "Tizanidine 2 mg" : "lisinopril", i % 13);
    const rxc_result *r =
        check(H, row("examplamine", "", "", "US", "40", "F42.2", comed, ""));
    assert_int_equal(has_finding(r, "int-tiz"), tiz);
    if (tiz) {
      assert_int_equal(r->findings[0].matched.len, strlen("Tizanidine 2 mg"));
      assert_memory_equal(r->findings[0].matched.ptr, "Tizanidine 2 mg", 15);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_name_pattern_puts_record_in_scope),
      cmocka_unit_test(test_other_drug_is_out_of_scope),
      cmocka_unit_test(test_drug_code_alone_puts_record_in_scope),
      cmocka_unit_test(test_formulation_from_name_code_and_form),
      cmocka_unit_test(test_approved_carries_rule_reason_source_and_line),
      cmocka_unit_test(test_age_boundary_seven_and_eight),
      cmocka_unit_test(test_excluded_code_maps_to_no_indication),
      cmocka_unit_test(test_dotless_and_snomed_codes_map),
      cmocka_unit_test(test_no_matching_rule_is_off_label_with_approved_in),
      cmocka_unit_test(test_uncovered_or_missing_jurisdiction_is_unknown),
      cmocka_unit_test(test_unknown_age_with_age_banded_rules_is_unknown),
      cmocka_unit_test(test_overall_status_is_best_over_indications),
      cmocka_unit_test(test_findings_are_most_severe_first),
      cmocka_unit_test(test_above_is_exclusive_and_max_inclusive),
      cmocka_unit_test(test_comedication_code_with_and_without_prefix),
      cmocka_unit_test(test_not_and_absent_values),
      cmocka_unit_test(test_prefix_and_in_are_case_insensitive),
      cmocka_unit_test(test_checking_allocates_nothing_once_warm),
      cmocka_unit_test(test_comedication_cache_survives_evictions),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
