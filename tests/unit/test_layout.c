/*
 * test_layout.c - the multi-table layouts below the CLI: the string
 * interner and per-patient lists of patient_index.c, finding and opening
 * tables (any case, .csv.gz, a truncated gzip stream), header mapping
 * errors, and the enrich step on a generic join: diagnoses active on the
 * date, co-medications whose periods overlap (the row itself left out,
 * each name once), explicit columns first, rejects with the source column,
 * no allocation per row once warm, and open surviving allocation failures.
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
#include <zlib.h>

#include <cmocka.h>

#include "alloc.h"
#include "layout_model.h"
#include "patient_index.h"
#include "rxcheck/layout.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static const char *path_of(const char *name) {
  static char path[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
  return path[k];
}

static int setup_dir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "%s/test_layout_XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- patient_index.c ------------------------------------------------------ */

static void test_strtab_interns_each_string_once(void **state) {
  (void)state;
  rxc__strtab t;
  memset(&t, 0, sizeof t);
  char buf[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(buf, sizeof buf, "key-%d", i);
    uint32_t id;
    assert_int_equal(rxc__strtab_intern(&t, buf, strlen(buf), &id), 0);
    assert_int_equal(id, (uint32_t)i);
  }
  for (int i = 4999; i >= 0; i -= 7) {
    snprintf(buf, sizeof buf, "key-%d", i);
    uint32_t id;
    assert_int_equal(rxc__strtab_intern(&t, buf, strlen(buf), &id), 0);
    assert_int_equal(id, (uint32_t)i); /* the same id again */
    assert_int_equal(rxc__strtab_find(&t, buf, strlen(buf)), i);
    rxc_str s = rxc__strtab_get(&t, id);
    assert_int_equal(s.len, strlen(buf));
    assert_memory_equal(s.ptr, buf, s.len);
  }
  assert_int_equal(rxc__strtab_find(&t, "key-5000", 8), -1);
  /* Binary keys with NUL bytes, and the empty string. */
  const char bin[4] = {0, 1, 0, 2};
  uint32_t id;
  assert_int_equal(rxc__strtab_intern(&t, bin, 4, &id), 0);
  assert_int_equal(rxc__strtab_find(&t, bin, 4), (long)id);
  assert_int_equal(rxc__strtab_find(&t, bin, 3), -1);
  assert_int_equal(rxc__strtab_intern(&t, "", 0, &id), 0);
  assert_int_equal(rxc__strtab_get(&t, id).len, 0);
  assert_int_equal(t.n, 5002);
  rxc__strtab_free(&t);
}

static void test_csr_keeps_the_load_order_per_patient(void **state) {
  (void)state;
  rxc__loading l;
  memset(&l, 0, sizeof l);
  l.size = 4 + sizeof(rxc__dx_entry);
  const uint32_t pat[] = {2, 0, 2, 1, 2, 0};
  for (uint32_t i = 0; i < 6; i++) {
    rxc__dx_entry e = {i, (int32_t)i, (int32_t)i};
    assert_int_equal(rxc__loading_add(&l, pat[i], &e), 0);
  }
  rxc__csr c;
  assert_int_equal(rxc__csr_build(&c, &l, 4), 0);
  assert_null(l.data);
  size_t n;
  const rxc__dx_entry *e = rxc__csr_get(&c, 2, &n);
  assert_int_equal(n, 3);
  assert_int_equal(e[0].code, 0);
  assert_int_equal(e[1].code, 2);
  assert_int_equal(e[2].code, 4);
  e = rxc__csr_get(&c, 0, &n);
  assert_int_equal(n, 2);
  assert_int_equal(e[0].code, 1);
  assert_int_equal(e[1].code, 5);
  rxc__csr_get(&c, 3, &n);
  assert_int_equal(n, 0); /* a patient with nothing */
  assert_int_equal(rxc__csr_bytes(&c, 4), 5 * 4 + 6 * sizeof(rxc__dx_entry));
  rxc__csr_free(&c);
}

static void test_dates_pack_and_add_days(void **state) {
  (void)state;
  rxc_date d = rxc__date_add_days((rxc_date){2024, 2, 28}, 1);
  assert_true(d.year == 2024 && d.month == 2 && d.day == 29);
  d = rxc__date_add_days((rxc_date){2023, 2, 28}, 1);
  assert_true(d.month == 3 && d.day == 1);
  d = rxc__date_add_days((rxc_date){2023, 12, 31}, 1);
  assert_true(d.year == 2024 && d.month == 1 && d.day == 1);
  d = rxc__date_add_days((rxc_date){2200, 1, 1}, 365 + 29);
  assert_true(d.year == 2201 && d.month == 1 && d.day == 30);
  assert_int_equal(rxc__date_pack((rxc_date){2024, 3, 1}), 20240301);
  assert_true(rxc__date_pack((rxc_date){2024, 3, 1}) >
              rxc__date_pack((rxc_date){2024, 2, 29}));
  d = rxc__date_unpack(21551231);
  assert_true(d.year == 2155 && d.month == 12 && d.day == 31);
}

static void test_code_systems_from_values(void **state) {
  (void)state;
#define SYS(s, v) rxc__system_from_value((rxc_str){s, strlen(s)}, v)
  assert_int_equal(SYS("http://snomed.info/sct", 0), RXC_SYS_SNOMED);
  assert_int_equal(SYS("SNOMED-CT", 0), RXC_SYS_SNOMED);
  assert_int_equal(SYS("SNOMED", 0), RXC_SYS_SNOMED);
  assert_int_equal(SYS("http://hl7.org/fhir/sid/icd-10-cm", 0),
                   RXC_SYS_ICD10);
  assert_int_equal(SYS("ICD10CM", 0), RXC_SYS_ICD10);
  assert_int_equal(SYS("ICD9CM", 0), RXC_SYS_ICD9);
  assert_int_equal(SYS("RxNorm", 0), RXC_SYS_RXNORM);
  assert_int_equal(SYS("RxNorm Extension", 0), RXC_SYS_NONE);
  assert_int_equal(SYS("http://loinc.org", 0), RXC_SYS_NONE);
  assert_int_equal(SYS("9", 1), RXC_SYS_ICD9);
  assert_int_equal(SYS(" 10 ", 1), RXC_SYS_ICD10);
  assert_int_equal(SYS("11", 1), RXC_SYS_NONE);
#undef SYS
  rxc_layout_kind k;
  assert_true(rxc_layout_parse("OMOP", &k) && k == RXC_LAYOUT_OMOP);
  assert_true(rxc_layout_parse("mimic-iv", &k) && k == RXC_LAYOUT_MIMIC4);
  assert_true(rxc_layout_parse("synthea", &k) && k == RXC_LAYOUT_SYNTHEA);
  assert_false(rxc_layout_parse("epic", &k));
  assert_string_equal(rxc_layout_name(RXC_LAYOUT_MIMIC4), "mimic4");
}

/* ---- tables ---------------------------------------------------------------- */

static void test_tables_are_found_in_any_case(void **state) {
  (void)state;
  char sub[512];
  snprintf(sub, sizeof sub, "%s/find", tmpdir);
  assert_int_equal(mkdir(sub, 0700), 0);
  write_file("find/PERSON.csv", "x\n");
  write_file("find/Drug_Exposure.CSV.GZ", "x\n");
  write_file("find/person_extra.csv", "x\n");
  char *p = NULL;
  rxc_error err;
  assert_int_equal(rxc__table_find(sub, NULL, "person", &p, &err), RXC_OK);
  assert_non_null(p);
  assert_non_null(strstr(p, "/PERSON.csv"));
  rxc__free(p);
  assert_int_equal(rxc__table_find(sub, NULL, "drug_exposure", &p, &err),
                   RXC_OK);
  assert_non_null(strstr(p, "Drug_Exposure.CSV.GZ"));
  rxc__free(p);
  assert_int_equal(rxc__table_find(sub, NULL, "concept", &p, &err), RXC_OK);
  assert_null(p);
  /* person.csv and person.csv.gz side by side: which one is meant? */
  write_file("find/person.csv.gz", "x\n");
  assert_int_equal(rxc__table_find(sub, NULL, "person", &p, &err),
                   RXC_EUSAGE);
  assert_null(p);
  assert_non_null(strstr(err.message, "keep one"));
}

static char *read_all(FILE *f, size_t *n) {
  static char buf[4096];
  *n = fread(buf, 1, sizeof buf - 1, f);
  buf[*n] = '\0';
  return buf;
}

static void test_tables_open_plain_or_gzipped(void **state) {
  (void)state;
  const char *text = "a,b\n1,\"25,000\"\n";
  write_file("plain.csv", text);
  gzFile gz = gzopen(path_of("packed.csv.gz"), "wb");
  assert_non_null(gz);
  assert_true(gzputs(gz, text) > 0);
  assert_int_equal(gzclose(gz), Z_OK);
  FILE *f = NULL;
  rxc_error err;
  size_t n;
  assert_int_equal(rxc_table_open(path_of("plain.csv"), &f, &err), RXC_OK);
  assert_string_equal(read_all(f, &n), text);
  fclose(f);
  /* Gzip is told by its magic bytes, not the name. */
  assert_int_equal(rename(path_of("packed.csv.gz"), path_of("packed.csv")), 0);
  assert_int_equal(rxc_table_open(path_of("packed.csv"), &f, &err), RXC_OK);
  assert_string_equal(read_all(f, &n), text);
  assert_false(ferror(f));
  fclose(f);
  /* A truncated stream is a read error, never a short table. */
  FILE *in = fopen(path_of("packed.csv"), "rb");
  char raw[256];
  size_t len = fread(raw, 1, sizeof raw, in);
  fclose(in);
  FILE *out = fopen(path_of("cut.csv.gz"), "wb");
  fwrite(raw, 1, len - 6, out);
  fclose(out);
  assert_int_equal(rxc_table_open(path_of("cut.csv.gz"), &f, &err), RXC_OK);
  read_all(f, &n);
  assert_true(ferror(f));
  fclose(f);
  /* A missing file and a folder. */
  assert_int_equal(rxc_table_open(path_of("nosuch.csv"), &f, &err), RXC_EIO);
  assert_non_null(strstr(err.message, "cannot open"));
  assert_int_equal(rxc_table_open(tmpdir, &f, &err), RXC_EIO);
  assert_non_null(strstr(err.message, "folder"));
}

/* ---- the generic join ------------------------------------------------------- */

static const char rx_csv[] =
    "patient_id,rx_date,stop_date,drug_name,diagnosis_codes,co_medications\n"
    "A,2024-03-01,2024-03-31,fluvoxamine 100 mg,F42.2,sertraline\n" /* 1 */
    "A,2024-03-20,2024-04-10,tizanidine 4 mg,,\n"                   /* 2 */
    "A,2024-02-01,2024-02-28,theophylline,,\n"                      /* 3 */
    "A,2024-03-05,,tizanidine 4 mg,,\n"                             /* 4 */
    "B,2024-03-01,2024-02-01,fluvoxamine,,\n"                       /* 5 */
    "A,2024-04-01,2024-04-02,warfarin;5 mg|tab,,\n";                /* 6 */
static const char dx_csv[] =
    "patient_id,code,system,start,stop\n"
    "A,191736004,snomed,2024-01-01,\n"
    "A,F32.1,icd10,2020-01-01,2021-01-01\n"
    "A,191736004,snomed,2023-01-01,\n"
    "A,300.23,icd9,2024-03-02,\n"
    "B,F41.0,,,\n";
static const char pt_csv[] =
    "patient_id,birth_date,sex,country\n"
    "A,1990-05-05,F,GB\n"
    "B,2015-01-01,M,\n";

static rxc_layout *open_join(void) {
  write_file("rx.csv", rx_csv);
  write_file("dx.csv", dx_csv);
  write_file("pt.csv", pt_csv);
  rxc_layout_options o;
  memset(&o, 0, sizeof o);
  o.kind = RXC_LAYOUT_JOIN;
  o.prescriptions = path_of("rx.csv");
  o.diagnoses = path_of("dx.csv");
  o.patients = path_of("pt.csv");
  o.input.today = (rxc_date){2024, 6, 1};
  rxc_layout *l = NULL;
  rxc_error err;
  rxc_status st = rxc_layout_open(&o, &l, &err);
  if (st != RXC_OK) fail_msg("open: %s", err.message);
  return l;
}

typedef struct joined {
  rxc_layout *l;
  rxc__rowmap *m;
  rxc_schema *schema;
  rxc__enricher *e;
} joined;

static joined join_setup(void) {
  joined j;
  j.l = open_join();
  static const rxc_str head[] = {{"patient_id", 10},   {"rx_date", 7},
                                 {"stop_date", 9},     {"drug_name", 9},
                                 {"diagnosis_codes", 15},
                                 {"co_medications", 14}};
  rxc_error err;
  assert_int_equal(rxc__layout_map(j.l, head, 6, &j.m, &j.schema, &err),
                   RXC_OK);
  assert_int_equal(rxc__enricher_new(j.l, j.m, &j.e), RXC_OK);
  return j;
}

static void join_free(joined *j) {
  rxc__enricher_free(j->e);
  rxc__rowmap_free(j->m);
  rxc_schema_free(j->schema);
  rxc_layout_free(j->l);
}

/* Enriches data row `number` of rx_csv (1-based); returns the value of
 * the virtual column named rxcheck_<field>. */
static const char *value(joined *j, unsigned long number, const char *field) {
  static char row[256], out[512];
  const char *p = rx_csv;
  for (unsigned long i = 0; i < number; i++) p = strchr(p, '\n') + 1;
  size_t len = (size_t)(strchr(p, '\n') - p);
  memcpy(row, p, len);
  row[len] = '\0';
  rxc_str f[8];
  size_t n = 0;
  char *s = row;
  for (;;) {
    char *c = strchr(s, ',');
    f[n++] = (rxc_str){s, c ? (size_t)(c - s) : strlen(s)};
    if (!c) break;
    s = c + 1;
  }
  const rxc_str *ext;
  size_t next;
  rxc_reject rej;
  int k = rxc__enrich(j->e, f, n, number + 1, number, (rxc_date){2024, 6, 1},
                      &ext, &next, &rej);
  if (k != 1) fail_msg("row %lu not enriched: %s", number, rej.message);
  char name[64];
  snprintf(name, sizeof name, "rxcheck_%s", field);
  for (size_t i = 0; i < rxc_schema_ncolumns(j->schema); i++)
    if (strcmp(rxc_schema_header(j->schema, i), name) == 0) {
      snprintf(out, sizeof out, "%.*s", (int)ext[i].len, ext[i].ptr);
      return out;
    }
  fail_msg("no column %s", name);
  return NULL;
}

static void test_join_schema_maps_fields_to_virtual_columns(void **state) {
  (void)state;
  joined j = join_setup();
  /* The file's six columns, then birth date, sex, country, diagnoses and
   * co-medications. */
  assert_int_equal(rxc__rowmap_ncolumns(j.m), 6);
  assert_int_equal(rxc_schema_ncolumns(j.schema), 11);
  assert_int_equal(rxc_schema_column(j.schema, RXC_F_PATIENT_ID), 0);
  assert_int_equal(rxc_schema_column(j.schema, RXC_F_DRUG_NAME), 3);
  assert_string_equal(
      rxc_schema_header(j.schema, (size_t)rxc_schema_column(
                                      j.schema, RXC_F_DIAGNOSIS_CODES)),
      "rxcheck_diagnosis_codes");
  assert_string_equal(
      rxc_schema_header(j.schema, (size_t)rxc_schema_column(
                                      j.schema, RXC_F_BIRTH_DATE)),
      "rxcheck_birth_date");
  /* A reject in a virtual column points at the key column. */
  assert_int_equal(rxc__rowmap_source_column(j.m, 7), 1);
  assert_int_equal(rxc__rowmap_source_column(j.m, 4), 4);
  const rxc_layout_stats *s = rxc_layout_stats_get(j.l);
  assert_int_equal(s->patients, 2);
  assert_int_equal(s->tables[RXC_TABLE_DIAGNOSES].loaded, 5);
  assert_int_equal(s->tables[RXC_TABLE_PRESCRIPTIONS].loaded, 6);
  assert_true(s->index_bytes > 0);
  join_free(&j);
}

static void test_enrich_diagnoses_active_on_the_date(void **state) {
  (void)state;
  joined j = join_setup();
  /* Row 1 (2024-03-01): the explicit code first; OCD once although it is
   * listed twice; F32.1 ended in 2021; 300.23 starts the day after. */
  assert_string_equal(value(&j, 1, "diagnosis_codes"), "F42.2;snomed:191736004");
  /* Row 2 (2024-03-20): 300.23 has started. */
  assert_string_equal(value(&j, 2, "diagnosis_codes"),
                      "snomed:191736004;icd9:300.23");
  /* No dates: always active. */
  assert_string_equal(value(&j, 5, "diagnosis_codes"), "F41.0");
  join_free(&j);
}

static void test_enrich_co_medications_overlap_the_period(void **state) {
  (void)state;
  joined j = join_setup();
  /* Row 1 (03-01..03-31): the explicit sertraline, tizanidine started
   * during it (row 2, and row 4 ongoing: the same name once), not the
   * theophylline that ended before, not itself, not row 6 (later). */
  assert_string_equal(value(&j, 1, "co_medications"),
                      "sertraline;tizanidine 4 mg");
  /* Row 2 (03-20..04-10): fluvoxamine, the other tizanidine, warfarin
   * whose list separators became commas. */
  assert_string_equal(value(&j, 2, "co_medications"),
                      "fluvoxamine 100 mg;tizanidine 4 mg;warfarin,5 mg,tab");
  /* Row 5: stop before start counts as its date alone; no other rows. */
  assert_string_equal(value(&j, 5, "co_medications"), "");
  assert_string_equal(value(&j, 1, "birth_date"), "1990-05-05");
  assert_string_equal(value(&j, 1, "sex"), "F");
  assert_string_equal(value(&j, 1, "country"), "GB");
  assert_string_equal(value(&j, 5, "country"), "");
  join_free(&j);
}

static void test_enrich_rejects_with_the_column(void **state) {
  (void)state;
  joined j = join_setup();
  rxc_str f[6] = {{"A", 1},         {"2024-03-01", 10}, {"2024/03/31", 10},
                  {"fluvoxamine", 11}, {"", 0},          {"", 0}};
  const rxc_str *ext;
  size_t n;
  rxc_reject rej;
  assert_int_equal(rxc__enrich(j.e, f, 6, 9, 8, (rxc_date){2024, 6, 1}, &ext,
                               &n, &rej),
                   0);
  assert_int_equal(rej.line, 9);
  assert_int_equal(rej.column, 3);
  assert_int_equal(rej.reason, RXC_REJ_BAD_DATE);
  assert_non_null(strstr(rej.message, "column 'stop_date'"));
  assert_null(strstr(rej.message, "2024/03/31"));
  assert_int_equal(rxc__enrich(j.e, f, 4, 9, 8, (rxc_date){2024, 6, 1}, &ext,
                               &n, &rej),
                   0);
  assert_int_equal(rej.reason, RXC_REJ_FIELD_COUNT);
  assert_int_equal(rej.column, 5);
  join_free(&j);
}

static void test_enrich_allocates_nothing_when_warm(void **state) {
  (void)state;
  joined j = join_setup();
  value(&j, 2, "co_medications"); /* the largest row */
  value(&j, 1, "co_medications");
  rxc__alloc_fail_after(0);
  for (int round = 0; round < 3; round++)
    for (unsigned long r = 1; r <= 6; r++) value(&j, r, "diagnosis_codes");
  rxc__alloc_fail_after(-1);
  join_free(&j);
}

static void test_open_survives_allocation_failures(void **state) {
  (void)state;
  write_file("rx.csv", rx_csv);
  write_file("dx.csv", dx_csv);
  write_file("pt.csv", pt_csv);
  rxc_layout_options o;
  memset(&o, 0, sizeof o);
  o.kind = RXC_LAYOUT_JOIN;
  o.prescriptions = path_of("rx.csv");
  o.diagnoses = path_of("dx.csv");
  o.patients = path_of("pt.csv");
  int opened = 0;
  for (long n = 0; n < 2000 && !opened; n++) {
    rxc_layout *l = NULL;
    rxc_error err;
    rxc__alloc_fail_after(n);
    rxc_status st = rxc_layout_open(&o, &l, &err);
    rxc__alloc_fail_after(-1);
    if (st == RXC_OK) {
      opened = 1;
      assert_int_equal(rxc_layout_stats_get(l)->patients, 2);
    } else {
      assert_int_equal(st, RXC_ENOMEM);
      assert_null(l);
    }
    rxc_layout_free(l);
  }
  assert_true(opened);
}

static void test_header_errors_name_what_was_looked_for(void **state) {
  (void)state;
  write_file("rx.csv", rx_csv);
  write_file("baddx.csv", "patient_id,when\nA,2024-01-01\n");
  rxc_layout_options o;
  memset(&o, 0, sizeof o);
  o.kind = RXC_LAYOUT_JOIN;
  o.prescriptions = path_of("rx.csv");
  o.diagnoses = path_of("baddx.csv");
  rxc_layout *l = NULL;
  rxc_error err;
  assert_int_equal(rxc_layout_open(&o, &l, &err), RXC_EHEADER);
  assert_null(l);
  assert_int_equal(err.line, 1);
  assert_non_null(strstr(err.file, "baddx.csv"));
  assert_non_null(strstr(err.message, "no column for the code"));
  assert_non_null(strstr(err.message, "diagnosis_code"));
  /* A folder layout on a folder without its tables. */
  o.kind = RXC_LAYOUT_SYNTHEA;
  o.dir = tmpdir;
  assert_int_equal(rxc_layout_open(&o, &l, &err), RXC_EUSAGE);
  assert_non_null(strstr(err.message, "medications.csv"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strtab_interns_each_string_once),
      cmocka_unit_test(test_csr_keeps_the_load_order_per_patient),
      cmocka_unit_test(test_dates_pack_and_add_days),
      cmocka_unit_test(test_code_systems_from_values),
      cmocka_unit_test(test_tables_are_found_in_any_case),
      cmocka_unit_test(test_tables_open_plain_or_gzipped),
      cmocka_unit_test(test_join_schema_maps_fields_to_virtual_columns),
      cmocka_unit_test(test_enrich_diagnoses_active_on_the_date),
      cmocka_unit_test(test_enrich_co_medications_overlap_the_period),
      cmocka_unit_test(test_enrich_rejects_with_the_column),
      cmocka_unit_test(test_enrich_allocates_nothing_when_warm),
      cmocka_unit_test(test_open_survives_allocation_failures),
      cmocka_unit_test(test_header_errors_name_what_was_looked_for),
  };
  return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
