/*
 * test_reader_memory.c - the reader's memory is bounded by the longest
 * record, not by the file: reading 1,000,000 rows must not raise the
 * process's peak RSS by more than a small slack over reading 1,000 rows of
 * the same shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "rxcheck/input.h"

enum { SLACK_KIB = 2048 };

static const char *const drugs[] = {
    "Fluvoxamine maleate 50 mg tablet", "Luvox CR 150 mg capsule",
    "Sertraline 50 mg tablet", "\"Fluoxetine, 20 mg capsule\"",
    "Faverin 100mg"};
static const char *const dx[] = {"F42.2", "F40.10;F41.0", "F32.1",
                                 "icd10:F42.9|F43.10", ""};
static const char *const countries[] = {"US", "GB", "JP", "DE", "CA"};

static void write_export(const char *path, unsigned long rows) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("patient_id,birth_date,sex,country,rx_date,drug_name,drug_code,form,"
        "strength_mg,daily_dose_mg,diagnosis_codes,co_medications,"
        "prescriber_id\n",
        f);
  for (unsigned long i = 0; i < rows; i++) {
    unsigned long k = i % 5;
    fprintf(f,
            "P%07lu,19%02lu-%02lu-%02lu,%s,%s,2024-%02lu-15,%s,,tablet,%lu,"
            "%lu,%s,%s,DR%04lu\n",
            i, 40 + i % 60, 1 + i % 12, 1 + i % 28, k % 2 ? "F" : "M",
            countries[(i / 5) % 5], 1 + i % 12, drugs[k], 25 + k * 25,
            50 + k * 50, dx[(i / 3) % 5], k == 3 ? "tizanidine|warfarin" : "",
            i % 9973);
  }
  assert_int_equal(fclose(f), 0);
}

typedef struct counts {
  unsigned long records, rejects;
} counts;

static int on_record(const rxc_record *rec, void *ud) {
  counts *c = ud;
  (void)rec;
  c->records++;
  return 0;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  counts *c = ud;
  (void)rej;
  c->rejects++;
  return 0;
}

static long peak_kib(void) {
  struct rusage ru;
  assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
  return ru.ru_maxrss; /* KiB on Linux */
}

static void read_export(const char *path, unsigned long rows) {
  rxc_reader *r = NULL;
  rxc_input_options o = {.today = {2024, 12, 31}};
  assert_int_equal(rxc_reader_new(&o, &r), RXC_OK);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  counts c = {0, 0};
  rxc_reader_callbacks cb = {NULL, on_record, on_reject, &c, NULL};
  rxc_error err;
  rxc_status st = rxc_reader_run(r, f, path, &cb, &err);
  if (st != RXC_OK) fail_msg("%s", err.message);
  assert_int_equal(c.records, rows);
  assert_int_equal(c.rejects, 0);
  assert_int_equal(rxc_reader_stats(r)->rows_read, rows);
  fclose(f);
  rxc_reader_free(r);
}

/* The generated files live in a fresh temporary directory, removed by the
 * teardown even when an assertion fails. */
typedef struct files {
  char dir[512], small[600], big[600];
} files;

static int make_files(void **state) {
  static files fs;
  const char *tmp = getenv("TMPDIR");
  snprintf(fs.dir, sizeof fs.dir, "%s/rxc_mem_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(fs.dir)) return -1;
  snprintf(fs.small, sizeof fs.small, "%s/small.csv", fs.dir);
  snprintf(fs.big, sizeof fs.big, "%s/big.csv", fs.dir);
  *state = &fs;
  write_export(fs.small, 1000);
  write_export(fs.big, 1000000);
  return 0;
}

static int remove_files(void **state) {
  files *fs = *state;
  remove(fs->small);
  remove(fs->big);
  rmdir(fs->dir);
  return 0;
}

static void test_peak_memory_independent_of_row_count(void **state) {
  files *fs = *state;
  /* The small run first, so that everything a run sets up once is already
   * in the peak it leaves. */
  read_export(fs->small, 1000);
  long after_small = peak_kib();
  read_export(fs->big, 1000000);
  long after_big = peak_kib();
  if (after_big - after_small > SLACK_KIB)
    fail_msg("peak RSS grew by %ld KiB (1k rows: %ld KiB, 1M rows: %ld KiB)",
             after_big - after_small, after_small, after_big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_peak_memory_independent_of_row_count, make_files,
          remove_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
