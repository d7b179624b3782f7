/*
 * test_schema.c - header rows as real exports spell them: canonical names,
 * aliases, case and spacing, --map, and the errors a user must be able to
 * act on (duplicates, a missing drug column, a mistyped --map).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rxcheck/input.h"

/* Splits a comma-separated header (no quoting needed in these tests). */
static size_t split(const char *line, rxc_str *out, size_t max) {
  size_t n = 0;
  const char *p = line;
  for (;;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    assert_true(n < max);
    out[n++] = (rxc_str){p, (size_t)(end - p)};
    if (!*end) break;
    p = end + 1;
  }
  return n;
}

static rxc_status make(const char *header, const char *map, rxc_schema **s,
                       rxc_error *err) {
  rxc_str h[32];
  size_t n = split(header, h, 32);
  memset(err, 0, sizeof *err);
  return rxc_schema_new(h, n, map, s, err);
}

static rxc_schema *must(const char *header, const char *map) {
  rxc_schema *s = NULL;
  rxc_error err;
  if (make(header, map, &s, &err) != RXC_OK)
    fail_msg("'%s': %s", header, err.message);
  return s;
}

static void test_canonical_names_map_to_their_columns(void **state) {
  (void)state;
  rxc_schema *s = must(
      "patient_id,birth_date,age,sex,country,rx_date,drug_name,drug_code,"
      "form,strength_mg,daily_dose_mg,diagnosis_codes,co_medications,"
      "prescriber_id",
      NULL);
  assert_int_equal(rxc_schema_ncolumns(s), RXC_F__COUNT);
  for (int f = 0; f < RXC_F__COUNT; f++)
    assert_int_equal(rxc_schema_column(s, (rxc_field)f), f);
  rxc_schema_free(s);
}

static void test_field_names_and_lookup(void **state) {
  (void)state;
  assert_string_equal(rxc_field_name(RXC_F_DRUG_NAME), "drug_name");
  assert_string_equal(rxc_field_name(RXC_F_CO_MEDICATIONS), "co_medications");
  assert_null(rxc_field_name(RXC_F__COUNT));
  assert_int_equal(rxc_field_lookup("Drug Name", 9), RXC_F_DRUG_NAME);
  assert_int_equal(rxc_field_lookup("  DOB  ", 7), RXC_F_BIRTH_DATE);
  assert_int_equal(rxc_field_lookup("Date-of-Birth", 13), RXC_F_BIRTH_DATE);
  assert_int_equal(rxc_field_lookup("ICD10_CODES", 11),
                   RXC_F_DIAGNOSIS_CODES);
  assert_int_equal(rxc_field_lookup("Co-Medications", 14),
                   RXC_F_CO_MEDICATIONS);
  assert_int_equal(rxc_field_lookup("prescriber_id", 13),
                   RXC_F_PRESCRIBER_ID);
  assert_int_equal(rxc_field_lookup("Prescriber NPI", 14),
                   RXC_F_PRESCRIBER_ID);
  assert_int_equal(rxc_field_lookup("order_provider_id", 17),
                   RXC_F_PRESCRIBER_ID);
  /* Names that may mean someone else, or a name rather than an id. */
  assert_int_equal(rxc_field_lookup("prescriber", 10), -1);
  assert_int_equal(rxc_field_lookup("npi", 3), -1);
  assert_int_equal(rxc_field_lookup("provider_id", 11), -1);
  assert_int_equal(rxc_field_lookup("", 0), -1);
  /* Only the given bytes count. */
  assert_int_equal(rxc_field_lookup("dxx", 2), RXC_F_DIAGNOSIS_CODES);
}

static void test_aliases_with_case_and_space_folding(void **state) {
  (void)state;
  rxc_schema *s = must(
      "Member ID,DOB,Gender,Country Code,Fill Date,Medication,RXCUI,"
      "Dosage Form,Strength,Daily Dose,Dx,Other Medications,Prescriber",
      NULL);
  static const rxc_field want[] = {
      RXC_F_PATIENT_ID, RXC_F_BIRTH_DATE,  RXC_F_SEX,
      RXC_F_COUNTRY,    RXC_F_RX_DATE,     RXC_F_DRUG_NAME,
      RXC_F_DRUG_CODE,  RXC_F_FORM,        RXC_F_STRENGTH_MG,
      RXC_F_DAILY_DOSE_MG, RXC_F_DIAGNOSIS_CODES, RXC_F_CO_MEDICATIONS};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_int_equal(rxc_schema_column(s, want[i]), (int)i);
  assert_int_equal(rxc_schema_column(s, RXC_F_AGE), -1);
  rxc_schema_free(s);

  s = must("subject_id,date_of_birth,jurisdiction,dispense_date,drug,"
           "medication_code,icd_codes,comeds",
           NULL);
  assert_int_equal(rxc_schema_column(s, RXC_F_PATIENT_ID), 0);
  assert_int_equal(rxc_schema_column(s, RXC_F_COUNTRY), 2);
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_CODE), 5);
  assert_int_equal(rxc_schema_column(s, RXC_F_CO_MEDICATIONS), 7);
  rxc_schema_free(s);
}

static void test_unknown_columns_are_kept(void **state) {
  (void)state;
  rxc_schema *s = must(" Prescriber ID ,drug_name,notes", NULL);
  assert_int_equal(rxc_schema_ncolumns(s), 3);
  /* Header text is kept, trimmed, for carrying through. */
  assert_string_equal(rxc_schema_header(s, 0), "Prescriber ID");
  assert_string_equal(rxc_schema_header(s, 2), "notes");
  assert_null(rxc_schema_header(s, 3));
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_NAME), 1);
  assert_int_equal(rxc_schema_column(s, RXC_F_PATIENT_ID), -1);
  rxc_schema_free(s);
}

static void test_drug_code_alone_is_enough(void **state) {
  (void)state;
  rxc_schema *s = must("patient,rxcui", NULL);
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_CODE), 1);
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_NAME), -1);
  rxc_schema_free(s);
}

static void test_missing_drug_column_message(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(make("PATIENT,START,DESCRIPTION", NULL, &s, &err),
                   RXC_EHEADER);
  assert_null(s);
  assert_int_equal(err.code, RXC_EHEADER);
  /* The headers it saw ... */
  assert_non_null(strstr(err.message, "'PATIENT', 'START', 'DESCRIPTION'"));
  /* ... the names it looked for, and how to fix it. */
  assert_non_null(strstr(err.message, "drug_name"));
  assert_non_null(strstr(err.message, "medication"));
  assert_non_null(strstr(err.message, "drug_code"));
  assert_non_null(strstr(err.message, "rxcui"));
  assert_non_null(strstr(err.message, "--map drug_name=HEADER"));
}

static void test_map_wins_over_aliases(void **state) {
  (void)state;
  /* "drug" would be drug_name by alias; --map picks DESCRIPTION and the
   * drug column is carried through. */
  rxc_schema *s = must("drug,DESCRIPTION,When,ICD", "drug_name=description, "
                       "rx_date = When,diagnosis_codes=ICD,");
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_NAME), 1);
  assert_int_equal(rxc_schema_column(s, RXC_F_RX_DATE), 2);
  assert_int_equal(rxc_schema_column(s, RXC_F_DIAGNOSIS_CODES), 3);
  rxc_schema_free(s);
  /* A column --map takes is no longer matched by its own alias. */
  s = must("dob,medication,born", "drug_name=dob,birth_date=born");
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_NAME), 0);
  assert_int_equal(rxc_schema_column(s, RXC_F_BIRTH_DATE), 2);
  rxc_schema_free(s);
}

static void test_map_unknown_name_suggests_the_canonical(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(make("Medication", "drugname=Medication", &s, &err),
                   RXC_EUSAGE);
  assert_non_null(strstr(err.message, "'drugname'"));
  assert_non_null(strstr(err.message, "did you mean drug_name?"));
  /* An alias is not a canonical name, but names it. */
  assert_int_equal(make("drug,Born", "dob=Born", &s, &err), RXC_EUSAGE);
  assert_non_null(strstr(err.message, "did you mean birth_date?"));
  /* Nothing close: list the names. */
  assert_int_equal(make("drug", "zzzzzzzz=drug", &s, &err), RXC_EUSAGE);
  assert_non_null(strstr(err.message, "co_medications"));
  assert_null(s);
}

static void test_map_header_not_present(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(make("drug,dx", "diagnosis_codes=Diagnoses", &s, &err),
                   RXC_EHEADER);
  assert_non_null(strstr(err.message, "no column 'Diagnoses'"));
  assert_null(s);
}

static void test_map_malformed(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(make("drug", "drug_name", &s, &err), RXC_EUSAGE);
  assert_int_equal(make("drug", "drug_name=", &s, &err), RXC_EUSAGE);
  assert_int_equal(make("drug,x", "drug_name=drug,drug_name=x", &s, &err),
                   RXC_EUSAGE);
  assert_non_null(strstr(err.message, "twice"));
  assert_int_equal(make("drug", "drug_name=drug,drug_code=drug", &s, &err),
                   RXC_EUSAGE);
  assert_null(s);
}

static void test_two_columns_for_one_field(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(make("drug_name,dx,form,Diagnosis", NULL, &s, &err),
                   RXC_EHEADER);
  assert_non_null(strstr(err.message, "columns 2 ('dx') and 4 ('Diagnosis')"));
  assert_non_null(strstr(err.message, "diagnosis_codes"));
  assert_non_null(strstr(err.message, "--map"));
  /* --map settles it; the other column is carried through. */
  s = must("drug_name,dx,form,Diagnosis", "diagnosis_codes=Diagnosis");
  assert_int_equal(rxc_schema_column(s, RXC_F_DIAGNOSIS_CODES), 3);
  rxc_schema_free(s);
}

static void test_no_columns_is_no_header(void **state) {
  (void)state;
  rxc_schema *s = NULL;
  rxc_error err;
  assert_int_equal(rxc_schema_new(NULL, 0, NULL, &s, &err), RXC_EHEADER);
  assert_string_equal(err.message, "no header row");
  rxc_schema_free(NULL); /* accepts NULL */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_canonical_names_map_to_their_columns),
      cmocka_unit_test(test_field_names_and_lookup),
      cmocka_unit_test(test_aliases_with_case_and_space_folding),
      cmocka_unit_test(test_unknown_columns_are_kept),
      cmocka_unit_test(test_drug_code_alone_is_enough),
      cmocka_unit_test(test_missing_drug_column_message),
      cmocka_unit_test(test_map_wins_over_aliases),
      cmocka_unit_test(test_map_unknown_name_suggests_the_canonical),
      cmocka_unit_test(test_map_header_not_present),
      cmocka_unit_test(test_map_malformed),
      cmocka_unit_test(test_two_columns_for_one_field),
      cmocka_unit_test(test_no_columns_is_no_header),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
