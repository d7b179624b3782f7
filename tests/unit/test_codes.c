/*
 * test_codes.c - diagnosis and drug codes as exports write them: with and
 * without a system prefix, with and without the ICD dot, in any case, and
 * the documented inference for bare codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rxcheck/input.h"

typedef struct parsed {
  int ok;
  rxc_code code;
  char buf[64];
  char text[64]; /* code as a C string */
  char raw[64];
} parsed;

static parsed parse(const char *s, int is_drug) {
  parsed p;
  memset(&p, 0, sizeof p);
  p.ok = rxc_code_parse(s, strlen(s), is_drug, p.buf, &p.code);
  snprintf(p.text, sizeof p.text, "%.*s", (int)p.code.code.len,
           p.code.code.ptr);
  snprintf(p.raw, sizeof p.raw, "%.*s", (int)p.code.raw.len, p.code.raw.ptr);
  return p;
}

static void expect(const char *in, int is_drug, rxc_system sys,
                   const char *code) {
  parsed p = parse(in, is_drug);
  if (!p.ok || p.code.system != sys || strcmp(p.text, code) != 0)
    fail_msg("'%s': got ok=%d %s:'%s', expected %s:'%s'", in, p.ok,
             rxc_system_name(p.code.system), p.text, rxc_system_name(sys),
             code);
}

static void test_icd10_dot_and_case_do_not_matter(void **state) {
  (void)state;
  /* f4010 and F40.10 are the same code. */
  expect("f4010", 0, RXC_SYS_ICD10, "F4010");
  expect("F40.10", 0, RXC_SYS_ICD10, "F4010");
  expect("icd10:f40.10", 0, RXC_SYS_ICD10, "F4010");
  expect(" F42.2 ", 0, RXC_SYS_ICD10, "F422");
  expect("F42", 0, RXC_SYS_ICD10, "F42");
  expect("F32.A", 0, RXC_SYS_ICD10, "F32A");
}

static void test_system_prefixes(void **state) {
  (void)state;
  expect("ICD-10-CM:F42.2", 0, RXC_SYS_ICD10, "F422");
  expect("icd10cm: F41.0", 0, RXC_SYS_ICD10, "F410");
  expect("icd9:300.3", 0, RXC_SYS_ICD9, "3003");
  expect("snomed:191736004", 0, RXC_SYS_SNOMED, "191736004");
  expect("SCT:191736004", 0, RXC_SYS_SNOMED, "191736004");
  expect("rxnorm:903884", 1, RXC_SYS_RXNORM, "903884");
  expect("atc:n06ab08", 1, RXC_SYS_ATC, "N06AB08");
  expect("bnf:0403030l0", 1, RXC_SYS_BNF, "0403030L0");
  expect("ndc:00000-0000-00", 1, RXC_SYS_NDC, "00000-0000-00");
  expect("omop:751412", 1, RXC_SYS_OMOP, "751412");
  /* The raw item is kept without its prefix. */
  parsed p = parse("icd10:f40.10", 0);
  assert_string_equal(p.raw, "f40.10");
}

static void test_diagnosis_inference(void **state) {
  (void)state;
  expect("191736004", 0, RXC_SYS_SNOMED, "191736004"); /* 6-18 digits */
  expect("300.3", 0, RXC_SYS_ICD9, "3003");
  expect("3003", 0, RXC_SYS_ICD9, "3003");      /* MIMIC writes no dot */
  expect("30000", 0, RXC_SYS_ICD9, "30000");
  /* A letter then digits reads as ICD-10; ICD-9 V codes need a prefix. */
  expect("V62.84", 0, RXC_SYS_ICD10, "V6284");
  expect("icd9:V62.84", 0, RXC_SYS_ICD9, "V6284");
  /* Too short for SNOMED, not an ICD shape. */
  assert_false(parse("12", 0).ok);
}

static void test_drug_inference(void **state) {
  (void)state;
  expect("903873", 1, RXC_SYS_RXNORM, "903873"); /* digits: RxNorm */
  expect("N06AB08", 1, RXC_SYS_ATC, "N06AB08");
  expect("n06ab08", 1, RXC_SYS_ATC, "N06AB08");
  /* The same digits are a diagnosis code elsewhere. */
  expect("903873", 0, RXC_SYS_SNOMED, "903873");
}

/* Issue 8: ICD-9 with and without the dot, V and E codes, the spellings
 * vocabularies use for prefixes, and BNF codes as NHS files write them. */
static void test_icd9_forms_and_vocabulary_prefixes(void **state) {
  (void)state;
  expect("300.3", 0, RXC_SYS_ICD9, "3003");
  expect("3003", 0, RXC_SYS_ICD9, "3003");
  expect("296.20", 0, RXC_SYS_ICD9, "29620");
  expect("ICD9CM:300.21", 0, RXC_SYS_ICD9, "30021");
  expect("ICD-9-CM: 309.81", 0, RXC_SYS_ICD9, "30981");
  expect("icd9-cm:30001", 0, RXC_SYS_ICD9, "30001");
  /* E codes with three digits before the dot cannot be ICD-10. */
  expect("E950.0", 0, RXC_SYS_ICD9, "E9500");
  /* V codes and dotless E codes read as ICD-10 without a prefix ... */
  expect("V707", 0, RXC_SYS_ICD10, "V707");
  expect("E9500", 0, RXC_SYS_ICD10, "E9500");
  /* ... so the layouts that know the system prefix them. */
  expect("icd9:V707", 0, RXC_SYS_ICD9, "V707");
  expect("icd9:E9500", 0, RXC_SYS_ICD9, "E9500");
  expect("ICD10CM:F40.01", 0, RXC_SYS_ICD10, "F4001");
  expect("icd-10cm:F42.2", 0, RXC_SYS_ICD10, "F422");
  expect("SNOMED-CT:371631005", 0, RXC_SYS_SNOMED, "371631005");
}

static void test_bnf_inference_for_drugs(void **state) {
  (void)state;
  expect("0403030L0", 1, RXC_SYS_BNF, "0403030L0");
  expect("0403030L0AA", 1, RXC_SYS_BNF, "0403030L0AA");
  expect("0403030l0aaaaaa", 1, RXC_SYS_BNF, "0403030L0AAAAAA");
  expect("0403030X0AAAAAA", 1, RXC_SYS_BNF, "0403030X0AAAAAA");
  /* All digits stay RxNorm; other lengths are not BNF. */
  expect("040303000", 1, RXC_SYS_RXNORM, "040303000");
  assert_false(parse("0403030L0A", 1).ok);
  assert_false(parse("403030L0AA", 1).ok);
  /* Not a diagnosis shape either. */
  assert_false(parse("0403030L0", 0).ok);
}

static void test_unknown_prefix_and_free_text_unrecognised(void **state) {
  (void)state;
  parsed p = parse("foo:123", 0);
  assert_false(p.ok);
  assert_int_equal(p.code.system, RXC_SYS_NONE);
  assert_int_equal(p.code.code.len, 0);
  p = parse("obsessive compulsive disorder", 0);
  assert_false(p.ok);
  assert_int_equal(p.code.system, RXC_SYS_NONE);
  assert_string_equal(p.raw, "obsessive compulsive disorder");
  p = parse("fluvoxamine", 1);
  assert_false(p.ok);
  p = parse("   ", 0);
  assert_false(p.ok);
  assert_int_equal(p.code.raw.len, 0);
}

static void test_system_lookup_and_names(void **state) {
  (void)state;
  assert_int_equal(rxc_system_lookup("ICD-10", 6), RXC_SYS_ICD10);
  assert_int_equal(rxc_system_lookup("snomed-ct", 9), RXC_SYS_SNOMED);
  assert_int_equal(rxc_system_lookup("rxcui", 5), RXC_SYS_RXNORM);
  assert_int_equal(rxc_system_lookup("loinc", 5), RXC_SYS_NONE);
  assert_string_equal(rxc_system_name(RXC_SYS_ATC), "atc");
  assert_string_equal(rxc_system_name(RXC_SYS_NONE), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_icd10_dot_and_case_do_not_matter),
      cmocka_unit_test(test_system_prefixes),
      cmocka_unit_test(test_diagnosis_inference),
      cmocka_unit_test(test_drug_inference),
      cmocka_unit_test(test_icd9_forms_and_vocabulary_prefixes),
      cmocka_unit_test(test_bnf_inference_for_drugs),
      cmocka_unit_test(test_unknown_prefix_and_free_text_unrecognised),
      cmocka_unit_test(test_system_lookup_and_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
