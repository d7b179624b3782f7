/*
 * test_builder.c - one row of raw fields to a normalised record, or to a
 * reject: one test per reason the builder gives (line and column asserted,
 * and that the message never carries the value), list splitting, codes,
 * the country default, age derivation, and no allocation per row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "rxcheck/input.h"

static const char header[] =
    "patient_id,DOB,age,country,rx_date,Drug Name,drug_code,strength_mg,"
    "daily_dose_mg,dx,comeds,notes";
enum { NCOL = 12 };

typedef struct fixture {
  rxc_schema *schema;
  rxc_builder *builder;
  char row[512]; /* the current row's bytes; fields point here */
  rxc_str fields[NCOL + 4];
  size_t n;
  const rxc_record *rec;
  rxc_reject rej;
} fixture;

static size_t split(char *line, rxc_str *out, size_t max) {
  size_t n = 0;
  char *p = line;
  for (;;) {
    char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    assert_true(n < max);
    out[n++] = (rxc_str){p, (size_t)(end - p)};
    if (!*end) break;
    p = end + 1;
  }
  return n;
}

static fixture *setup_with(const rxc_input_options *o) {
  static fixture fx;
  memset(&fx, 0, sizeof fx);
  char h[sizeof header];
  memcpy(h, header, sizeof header);
  rxc_str cols[NCOL];
  size_t n = split(h, cols, NCOL);
  rxc_error err;
  assert_int_equal(rxc_schema_new(cols, n, NULL, &fx.schema, &err), RXC_OK);
  assert_int_equal(rxc_builder_new(fx.schema, o, &fx.builder), RXC_OK);
  return &fx;
}

static const rxc_input_options opts = {.today = {2024, 6, 1}};

static int setup(void **state) {
  *state = setup_with(&opts);
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  rxc_builder_free(fx->builder);
  rxc_schema_free(fx->schema);
  return 0;
}

/* Builds one row given as comma-separated text, at line 7, row 5. */
static int build(fixture *fx, const char *row) {
  snprintf(fx->row, sizeof fx->row, "%s", row);
  fx->n = split(fx->row, fx->fields, NCOL + 4);
  return rxc_builder_build(fx->builder, fx->fields, fx->n, 7, 5, &fx->rec,
                           &fx->rej);
}

static void must_build(fixture *fx, const char *row) {
  int k = build(fx, row);
  if (k != 1)
    fail_msg("rejected (%s, column %lu): %s", rxc_reject_id(fx->rej.reason),
             fx->rej.column, fx->rej.message);
}

/* The row must be rejected for `reason` at `column`, and the message must
 * name the column without quoting `value`. */
static void must_reject(fixture *fx, const char *row, rxc_reject_reason reason,
                        unsigned long column, const char *value,
                        const char *names) {
  int k = build(fx, row);
  if (k != 0) fail_msg("row was accepted: %s", row);
  if (fx->rej.reason != reason)
    fail_msg("reason %s, expected %s (%s)", rxc_reject_id(fx->rej.reason),
             rxc_reject_id(reason), fx->rej.message);
  assert_int_equal(fx->rej.line, 7);
  assert_int_equal(fx->rej.column, column);
  assert_null(fx->rec);
  if (value && strstr(fx->rej.message, value))
    fail_msg("message quotes the value '%s': %s", value, fx->rej.message);
  if (names && !strstr(fx->rej.message, names))
    fail_msg("message does not name '%s': %s", names, fx->rej.message);
}

#define VALID                                                              \
  "P1,1990-05-20,,us,2024-03-01,Fluvoxamine 100 mg tablet,rxnorm:903884," \
  "100,200,F42.2,tizanidine,note"

/* ---- one test per reject reason ----------------------------------------- */

static void test_rejects_field_count(void **state) {
  fixture *fx = *state;
  /* Short: the first missing field; long: the first extra one. */
  must_reject(fx, "P1,1990-05-20,,US,2024-03-01,Luvox", RXC_REJ_FIELD_COUNT,
              7, NULL, "expected 12 fields");
  must_reject(fx, VALID ",extra,extra", RXC_REJ_FIELD_COUNT, 13, "extra",
              "found 14");
}

static void test_rejects_invalid_utf8_in_any_field(void **state) {
  fixture *fx = *state;
  /* Carried-through columns are checked too; the first bad field wins. */
  must_reject(fx,
              "P1,1990-05-20,,US,2024-03-01,Luvox,,100,200,F42,x,Smith\xff"
              "Jones",
              RXC_REJ_UTF8, 12, "Smith", "column 'notes'");
  must_reject(fx,
              "P1,1990-05-20,,US,2024-03-01,Luv\xC0\xAFox,,100,200,F42,x,"
              "bad\xff",
              RXC_REJ_UTF8, 6, "Luv", "column 'Drug Name' (drug_name)");
}

static void test_rejects_too_long_field(void **state) {
  (void)state;
  rxc_input_options o = opts;
  o.max_field = 10;
  fixture *fx = setup_with(&o);
  must_reject(fx,
              "P1,1990-05-20,,US,2024-03-01,Fluvoxamine,,100,200,F42,x,y",
              RXC_REJ_TOO_LONG, 6, "Fluvoxamine", "longer than the limit");
  /* Exactly the limit is fine. */
  must_build(fx, "P1,1990-05-20,,US,2024-03-01,Fluvoxamin,,100,200,F42,x,y");
  teardown((void **)&fx);
}

static void test_rejects_bad_date(void **state) {
  fixture *fx = *state;
  must_reject(fx,
              "P1,1990-02-30,,US,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_DATE, 2, "1990-02-30", "column 'DOB' (birth_date)");
  must_reject(fx, "P1,,,US,03/01/2024,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_DATE, 5, "03/01/2024", "YYYY-MM-DD");
}

/* A row's reject depends on that row only: a bad rx_date is reported as
 * such, not judged against the date of the row before (which here would
 * put the birth after it). */
static void test_bad_rx_date_is_not_the_previous_rows(void **state) {
  fixture *fx = *state;
  must_build(fx, "P1,1950-01-01,,US,2000-01-01,Luvox,,100,200,F42,x,y");
  must_reject(fx, "P2,2010-01-01,,US,garbage,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_DATE, 5, "garbage", "rx_date");
  must_build(fx, "P1,1950-01-01,,US,2000-01-01,Luvox,,100,200,F42,x,y");
  must_reject(fx, "P2,2010-01-01,,US,2024-02-30,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_DATE, 5, NULL, "rx_date");
}

static void test_rejects_bad_number(void **state) {
  fixture *fx = *state;
  must_reject(fx, "P1,,12.5,US,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_NUMBER, 3, "12.5", "column 'age'");
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,100,one hundred,F42,x,y",
              RXC_REJ_BAD_NUMBER, 9, "one hundred", "daily_dose_mg");
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,1e2,200,F42,x,y",
              RXC_REJ_BAD_NUMBER, 8, "1e2", "strength_mg");
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,50,2.0.0,F42,x,y",
              RXC_REJ_BAD_NUMBER, 9, "2.0.0", NULL);
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,.,200,F42,x,y",
              RXC_REJ_BAD_NUMBER, 8, NULL, NULL);
}

static void test_rejects_out_of_range(void **state) {
  fixture *fx = *state;
  must_reject(fx, "P1,,131,US,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_RANGE, 3, "131", "0 to 130");
  must_reject(fx, "P1,,-1,US,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_RANGE, 3, NULL, NULL);
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,100,100000.5,F42,x,y",
              RXC_REJ_RANGE, 9, "100000.5", "0 to 100000");
  must_reject(fx, "P1,,,US,2024-03-01,Luvox,,-50,100,F42,x,y",
              RXC_REJ_RANGE, 8, "-50", NULL);
  /* Born after the prescription: the birth date is out of range. */
  must_reject(fx, "P1,2024-03-02,,US,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_RANGE, 2, "2024-03-02", "after rx_date");
  /* ... or after the run date when there is no rx_date. */
  must_reject(fx, "P1,2024-06-02,,US,,Luvox,,100,200,F42,x,y",
              RXC_REJ_RANGE, 2, NULL, "after the run date");
}

static void test_rejects_bad_country(void **state) {
  fixture *fx = *state;
  must_reject(fx, "P1,,,USA,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_COUNTRY, 4, "USA", "ISO 3166-1 alpha-2");
  must_reject(fx, "P1,,,U1,2024-03-01,Luvox,,100,200,F42,x,y",
              RXC_REJ_BAD_COUNTRY, 4, "U1", "column 'country'");
  assert_string_equal(rxc_reject_id(RXC_REJ_BAD_COUNTRY), "bad-country");
}

static void test_reports_the_leftmost_bad_column(void **state) {
  fixture *fx = *state;
  /* Bad rx_date (5) and bad birth date (2): column 2 is reported. */
  must_reject(fx, "P1,1990-13-01,,XXX,2024-99-01,Luvox,,x,y,F42,x,y",
              RXC_REJ_BAD_DATE, 2, NULL, "birth_date");
}

static void test_reject_ids_and_texts(void **state) {
  (void)state;
  static const char *const ids[] = {
      "field-count", "quote",      "unterminated", "utf8",       "too-long",
      "bad-date",    "bad-number", "range",        "bad-country"};
  assert_int_equal(RXC_REJ__COUNT, sizeof ids / sizeof ids[0]);
  for (int i = 0; i < RXC_REJ__COUNT; i++) {
    assert_string_equal(rxc_reject_id((rxc_reject_reason)i), ids[i]);
    assert_true(strlen(rxc_reject_text((rxc_reject_reason)i)) > 5);
  }
}

/* ---- normalisation ------------------------------------------------------ */

static void test_valid_row_is_normalised(void **state) {
  fixture *fx = *state;
  must_build(fx,
             " P1 ,1990-05-20T00:00:00Z,,  gb ,2024-03-01 09:30, Fluvoxamine "
             "100 mg tablet ,rxnorm:903884, 100 , 200 mg ,F42.2,,note");
  const rxc_record *r = fx->rec;
  assert_int_equal(r->line, 7);
  assert_int_equal(r->number, 5);
  assert_int_equal(r->nfields, NCOL);
  /* Fields as read; canonical values trimmed. */
  assert_int_equal(r->fields[0].len, 4);
  assert_int_equal(r->canon[RXC_F_PATIENT_ID].len, 2);
  assert_memory_equal(r->canon[RXC_F_DRUG_NAME].ptr,
                      "Fluvoxamine 100 mg tablet", 25);
  assert_int_equal(r->canon[RXC_F_FORM].len, 0); /* absent column */
  assert_int_equal(r->birth_date.year, 1990);
  assert_int_equal(r->rx_date.day, 1);
  assert_int_equal(r->age, 33);
  assert_true(r->strength_mg == 100.0);
  assert_true(r->daily_dose_mg == 200.0);
  assert_int_equal(r->drug_code.system, RXC_SYS_RXNORM);
  assert_memory_equal(r->drug_code.code.ptr, "903884", 6);
  assert_string_equal(r->jurisdiction, "GB");
  assert_int_equal(r->ncomed, 0);
}

static void test_lists_split_trimmed_and_empty_dropped(void **state) {
  fixture *fx = *state;
  must_build(fx,
             "P1,,,US,2024-03-01,Luvox,,,, f4010 ;;icd10:F42.2| snomed:"
             "191736004 |OCD;,tizanidine; |Theophylline|| warfarin ,y");
  const rxc_record *r = fx->rec;
  assert_int_equal(r->ndx, 4);
  assert_int_equal(r->dx[0].system, RXC_SYS_ICD10);
  assert_int_equal(r->dx[0].code.len, 5);
  assert_memory_equal(r->dx[0].code.ptr, "F4010", 5);
  assert_memory_equal(r->dx[1].code.ptr, "F422", 4);
  assert_int_equal(r->dx[2].system, RXC_SYS_SNOMED);
  assert_memory_equal(r->dx[2].code.ptr, "191736004", 9);
  /* Unrecognised items are kept, with no system. */
  assert_int_equal(r->dx[3].system, RXC_SYS_NONE);
  assert_int_equal(r->dx[3].raw.len, 3);
  assert_memory_equal(r->dx[3].raw.ptr, "OCD", 3);
  assert_int_equal(r->ncomed, 3);
  assert_memory_equal(r->comed[0].ptr, "tizanidine", 10);
  assert_int_equal(r->comed[1].len, 12);
  assert_memory_equal(r->comed[2].ptr, "warfarin", 8);
  assert_int_equal(r->comed[2].len, 8);
  /* Absent numbers and drug code. */
  assert_true(r->strength_mg < 0);
  assert_true(r->daily_dose_mg < 0);
  assert_int_equal(r->drug_code.system, RXC_SYS_NONE);
}

static void test_drug_code_forms(void **state) {
  fixture *fx = *state;
  must_build(fx, "P1,,,US,2024-03-01,,atc:n06ab08,,,,,y");
  assert_int_equal(fx->rec->drug_code.system, RXC_SYS_ATC);
  assert_memory_equal(fx->rec->drug_code.code.ptr, "N06AB08", 7);
  must_build(fx, "P1,,,US,2024-03-01,,903873,,,,,y");
  assert_int_equal(fx->rec->drug_code.system, RXC_SYS_RXNORM);
}

static void test_country_default_and_uk(void **state) {
  (void)state;
  rxc_input_options o = opts;
  o.default_country = "ca";
  fixture *fx = setup_with(&o);
  must_build(fx, "P1,,,,2024-03-01,Luvox,,,,,,y");
  assert_string_equal(fx->rec->jurisdiction, "CA"); /* upper-cased */
  must_build(fx, "P1,,,UK,2024-03-01,Luvox,,,,,,y");
  assert_string_equal(fx->rec->jurisdiction, "GB"); /* UK is GB */
  must_build(fx, "P1,,,jp,2024-03-01,Luvox,,,,,,y");
  assert_string_equal(fx->rec->jurisdiction, "JP");
  teardown((void **)&fx);

  /* No default: empty jurisdiction. */
  fx = setup_with(&opts);
  must_build(fx, "P1,,,  ,2024-03-01,Luvox,,,,,,y");
  assert_string_equal(fx->rec->jurisdiction, "");
  teardown((void **)&fx);

  /* A default that is not a country code is refused up front. */
  rxc_builder *b = NULL;
  o.default_country = "USA";
  fx = setup_with(&opts);
  assert_int_equal(rxc_builder_new(fx->schema, &o, &b), RXC_EUSAGE);
  assert_null(b);
  teardown((void **)&fx);
}

static void test_age_derivation(void **state) {
  fixture *fx = *state;
  /* From the birth date at rx_date: the day before the 18th birthday. */
  must_build(fx, "P1,2006-03-02,,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, 17);
  must_build(fx, "P1,2006-03-01,,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, 18);
  /* The birth date wins over the age column. */
  must_build(fx, "P1,2006-03-01,40,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, 18);
  /* The age column when there is no birth date. */
  must_build(fx, "P1,,9,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, 9);
  assert_int_equal(fx->rec->birth_date.year, 0);
  /* Neither: unknown. */
  must_build(fx, "P1,,,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, -1);
  /* No rx_date: the run date (options.today, 2024-06-01). */
  must_build(fx, "P1,2006-06-02,,US,,Luvox,,,,,,y");
  assert_int_equal(fx->rec->rx_date.year, 2024);
  assert_int_equal(fx->rec->rx_date.month, 6);
  assert_int_equal(fx->rec->rx_date.day, 1);
  assert_int_equal(fx->rec->age, 17);
}

static void test_numbers_in_mg(void **state) {
  fixture *fx = *state;
  must_build(fx, "P1,,,US,2024-03-01,Luvox,,12.5,.5,,,y");
  assert_true(fx->rec->strength_mg == 12.5);
  assert_true(fx->rec->daily_dose_mg == 0.5);
  must_build(fx, "P1,,,US,2024-03-01,Luvox,,100MG,100000,,,y");
  assert_true(fx->rec->strength_mg == 100.0);
  assert_true(fx->rec->daily_dose_mg == 100000.0);
  must_build(fx, "P1,,,US,2024-03-01,Luvox,,0,+25,,,y");
  assert_true(fx->rec->strength_mg == 0.0);
  assert_true(fx->rec->daily_dose_mg == 25.0);
  must_build(fx, "P1,,0130,US,2024-03-01,Luvox,,,,,,y");
  assert_int_equal(fx->rec->age, 130);
}

/* The first field at fault, in column order, whatever mix of faults the
 * row has: the one-pass ASCII and length test only decides whether to
 * look field by field. */
static void test_first_fault_in_order_of_columns(void **state) {
  (void)state;
  rxc_input_options o = opts;
  o.max_field = 12;
  fixture *fx = setup_with(&o);
  /* Valid UTF-8 in column 6, too long in column 12, invalid in 11. */
  must_reject(fx,
              "P1,,,US,2024-03-01,Fluvox\xC3\xA9,,,,F42,bad\xff,"
              "much too long note",
              RXC_REJ_UTF8, 11, NULL, "column 'comeds'");
  must_reject(fx,
              "P1,,,US,2024-03-01,Fluvox\xC3\xA9,,,,F42,x,much too long note",
              RXC_REJ_TOO_LONG, 12, NULL, "column 'notes'");
  /* Exactly the limit, and non-ASCII bytes in short fields (1 to 7 bytes
   * take the short paths of the test). */
  must_build(fx, "P1,,,US,2024-03-01,\xC3\xA9,,,,\xC3\xA9x,\xC3\xA9xyz12,"
                 "123456789012");
  must_reject(fx, "P1,,,US,2024-03-01,\xC3,,,,F42,x,y", RXC_REJ_UTF8, 6, NULL,
              NULL);
  must_reject(fx, "P1,,,US,2024-03-01,ab\xC3,,,,F42,x,y", RXC_REJ_UTF8, 6,
              NULL, NULL);
  must_reject(fx, "P1,,,US,2024-03-01,abcdef\xff,,,,F42,x,y", RXC_REJ_UTF8, 6,
              NULL, NULL);
  must_reject(fx, "P1,,,US,2024-03-01,abcdefghij\xff,,,,F42,x,y",
              RXC_REJ_UTF8, 6, NULL, NULL);
  rxc_builder_free(fx->builder);
  rxc_schema_free(fx->schema);
}

/* rxc_builder_build_lazy: the same record and rejects as
 * rxc_builder_build, with the lists split only by rxc_builder_lists. */
static void test_lazy_build_splits_lists_on_demand(void **state) {
  fixture *fx = *state;
  static const char row[] =
      "P1,,,US,2024-03-01,Luvox,rxnorm:903884,,, f4010 ;icd10:F42.2|OCD,"
      "tizanidine; warfarin ,y";
  snprintf(fx->row, sizeof fx->row, "%s", row);
  fx->n = split(fx->row, fx->fields, NCOL + 4);
  assert_int_equal(rxc_builder_build_lazy(fx->builder, fx->fields, fx->n, 7,
                                          5, &fx->rec, &fx->rej),
                   1);
  const rxc_record *r = fx->rec;
  assert_int_equal(r->ndx, 0);
  assert_int_equal(r->ncomed, 0);
  assert_int_equal(r->drug_code.system, RXC_SYS_RXNORM);
  assert_memory_equal(r->drug_code.code.ptr, "903884", 6);
  assert_int_equal(r->line, 7);
  assert_string_equal(r->jurisdiction, "US");
  assert_int_equal(rxc_builder_lists(fx->builder), 0);
  assert_int_equal(r->ndx, 3);
  assert_memory_equal(r->dx[0].code.ptr, "F4010", 5);
  assert_memory_equal(r->dx[1].code.ptr, "F422", 4);
  assert_int_equal(r->dx[2].system, RXC_SYS_NONE);
  assert_int_equal(r->ncomed, 2);
  assert_memory_equal(r->comed[1].ptr, "warfarin", 8);
  /* The drug code did not move. */
  assert_memory_equal(r->drug_code.code.ptr, "903884", 6);
  /* A second call changes nothing. */
  assert_int_equal(rxc_builder_lists(fx->builder), 0);
  assert_int_equal(r->ndx, 3);
  assert_int_equal(r->ncomed, 2);
  /* After an eager build, nothing is pending. */
  must_build(fx, row);
  assert_int_equal(fx->rec->ndx, 3);
  assert_int_equal(rxc_builder_lists(fx->builder), 0);
  assert_int_equal(fx->rec->ndx, 3);
  /* Rejects are those of rxc_builder_build, and leave nothing pending. */
  static const char bad[] = "P1,1990-02-30,,US,2024-03-01,Luvox,,,,F42,x,y";
  snprintf(fx->row, sizeof fx->row, "%s", bad);
  fx->n = split(fx->row, fx->fields, NCOL + 4);
  assert_int_equal(rxc_builder_build_lazy(fx->builder, fx->fields, fx->n, 9,
                                          6, &fx->rec, &fx->rej),
                   0);
  rxc_reject lazy = fx->rej;
  assert_null(fx->rec);
  assert_int_equal(rxc_builder_lists(fx->builder), 0);
  assert_int_equal(build(fx, bad), 0);
  assert_int_equal(lazy.column, fx->rej.column);
  assert_int_equal(lazy.reason, fx->rej.reason);
  assert_string_equal(lazy.message, fx->rej.message);
  assert_int_equal(lazy.line, 9);
}

/* Once the largest row has been seen, building allocates nothing. */
static void test_no_allocation_in_steady_state(void **state) {
  fixture *fx = *state;
  must_build(fx, "P1,,,US,2024-03-01,Luvox,rxnorm:903884,,,F42.2;F41.0;F40.10"
                 ",tizanidine|warfarin|ramelteon,y");
  rxc__alloc_fail_after(0);
  int k1 = build(fx, "P2,,,US,2024-03-01,Luvox,903873,,,F42.2;F41.1,"
                     "clozapine|alprazolam,y");
  int k2 = build(fx, "P3,,,US,2024-03-01,Faverin,,,,F42,linezolid,y");
  rxc__alloc_fail_after(-1);
  assert_int_equal(k1, 1);
  assert_int_equal(k2, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_rejects_field_count, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_rejects_invalid_utf8_in_any_field,
                                      setup, teardown),
      cmocka_unit_test(test_rejects_too_long_field),
      cmocka_unit_test_setup_teardown(test_rejects_bad_date, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_bad_rx_date_is_not_the_previous_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rejects_bad_number, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_rejects_out_of_range, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_rejects_bad_country, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_reports_the_leftmost_bad_column,
                                      setup, teardown),
      cmocka_unit_test(test_reject_ids_and_texts),
      cmocka_unit_test_setup_teardown(test_valid_row_is_normalised, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_lists_split_trimmed_and_empty_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_drug_code_forms, setup, teardown),
      cmocka_unit_test(test_country_default_and_uk),
      cmocka_unit_test_setup_teardown(test_age_derivation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_numbers_in_mg, setup, teardown),
      cmocka_unit_test(test_first_fault_in_order_of_columns),
      cmocka_unit_test_setup_teardown(test_lazy_build_splits_lists_on_demand,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_allocation_in_steady_state,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
