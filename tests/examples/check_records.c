/*
 * check_records.c - embedding rxcheck in a program of your own.
 *
 * Loads the rule packs built into the library, builds records from the
 * program's own data (no CSV file: an array of rows), checks each one and
 * prints its verdict, the indications with their status and the rule that
 * decided, and the findings. Rows the library cannot read (here, an age
 * that is not a number) come back as rejects with a line, column and
 * reason.
 *
 * Build against an installed rxcheck:
 *   cc check_records.c $(pkg-config --cflags --libs rxcheck)
 * or in CMake:
 *   find_package(rxcheck REQUIRED)
 *   target_link_libraries(app PRIVATE rxcheck::rxcheck)
 *
 * ctest builds and runs it (tests/examples/CMakeLists.txt) and compares
 * its output with check_records.expected; tests/packaging/install.sh does
 * the same against an installed copy, with pkg-config and with CMake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rxcheck/rxcheck.h>

/* The columns of our records, named as in the contract (aliases such as
 * "medication" or "dx" would do too). */
static const char *const columns[] = {"patient_id", "drug_name",
                                      "diagnosis_codes", "age", "country",
                                      "co_medications"};
enum { NCOLS = sizeof columns / sizeof columns[0] };

/* Our data: one prescription a row. */
static const char *const rows[][NCOLS] = {
    {"p1", "Fluvoxamine 50 mg tablet", "F42.2", "10", "US", ""},
    {"p2", "Luvox CR 100 mg", "F42.2", "34", "US", "tizanidine"},
    {"p3", "fluvoxamine", "F32.1", "40", "US", ""},
    {"p4", "fluvoxamine 100 mg", "F42.2", "52", "", ""},
    {"p5", "sertraline 50 mg", "F32.1", "40", "US", ""},
    {"p6", "fluvoxamine", "F42.2", "thirty", "US", ""},
};
enum { NROWS = sizeof rows / sizeof rows[0] };

/* Loading reports every problem in a pack through this callback. */
static void print_diag(const rxc_error *e, void *ud) {
  (void)ud;
  fprintf(stderr, "%s:%lu:%lu: %s\n", e->file, e->line, e->column,
          e->message);
}

static rxc_str str(const char *s) {
  rxc_str v = {s, strlen(s)};
  return v;
}

static void print_result(const rxc_record *rec, const rxc_result *res) {
  rxc_str id = rec->canon[RXC_F_PATIENT_ID]; /* borrowed, not NUL-ended */
  printf("%.*s: %s", (int)id.len, id.ptr, rxc_verdict_name(res->status));
  if (res->pack)
    printf(" (%s, %s, %s, age %d)", res->pack->name, res->formulation,
           res->jurisdiction ? res->jurisdiction : "no jurisdiction",
           res->age);
  putchar('\n');
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ind = &res->indications[i];
    printf("  indication %s (%.*s): %s [%s]\n", ind->indication,
           (int)ind->code.raw.len, ind->code.raw.ptr,
           rxc_verdict_name(ind->status), ind->rule ? ind->rule : "-");
  }
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    printf("  finding %s %s [%s]\n", rxc_severity_name(f->severity), f->kind,
           f->rule);
  }
}

int main(void) {
  rxc_ruleset *rules = NULL;
  rxc_schema *schema = NULL;
  rxc_builder *builder = NULL;
  rxc_checker *checker = NULL;
  rxc_error err;
  int rc = EXIT_FAILURE;

  /* 1. The rules: loaded once, immutable, shareable by threads. */
  rxc_status st = rxc_ruleset_load_builtin(print_diag, NULL, &rules);
  if (st != RXC_OK) {
    fprintf(stderr, "loading the rules: %s\n", rxc_strerror(st));
    return EXIT_FAILURE;
  }

  /* 2. The columns our records have, mapped to the canonical fields. */
  rxc_str header[NCOLS];
  for (size_t c = 0; c < NCOLS; c++) header[c] = str(columns[c]);
  st = rxc_schema_new(header, NCOLS, NULL, &schema, &err);
  if (st != RXC_OK) {
    fprintf(stderr, "header: %s\n", err.message);
    goto out;
  }

  /* 3. A builder (normalises rows) and a checker: one of each per thread. */
  rxc_input_options opts;
  memset(&opts, 0, sizeof opts);
  opts.today = (rxc_date){2025, 1, 15}; /* the prescription date */
  if (rxc_builder_new(schema, &opts, &builder) != RXC_OK ||
      rxc_checker_new(rules, &checker) != RXC_OK) {
    fprintf(stderr, "out of memory\n");
    goto out;
  }

  /* 4. Each row: build a record, check it, print the verdict. */
  for (size_t r = 0; r < NROWS; r++) {
    rxc_str fields[NCOLS];
    for (size_t c = 0; c < NCOLS; c++) fields[c] = str(rows[r][c]);
    const rxc_record *rec = NULL;
    rxc_reject rej;
    /* Line numbers are ours to choose: here the row as in a CSV file. */
    int built = rxc_builder_build(builder, fields, NCOLS, r + 2, r + 1, &rec,
                                  &rej);
    if (built < 0) {
      fprintf(stderr, "out of memory\n");
      goto out;
    }
    if (built == 0) {
      printf("%s: rejected (%s, column %lu): %s\n", rows[r][0],
             rxc_reject_id(rej.reason), rej.column, rej.message);
      continue;
    }
    const rxc_result *res = NULL;
    if (rxc_checker_check(checker, rec, &res) != RXC_OK) {
      fprintf(stderr, "out of memory\n");
      goto out;
    }
    print_result(rec, res); /* res is valid until the next check */
  }
  rc = EXIT_SUCCESS;

out:
  /* Every _free accepts NULL; checkers go before their ruleset. */
  rxc_checker_free(checker);
  rxc_builder_free(builder);
  rxc_schema_free(schema);
  rxc_ruleset_free(rules);
  return rc;
}
