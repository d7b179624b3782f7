/*
 * fuzz_check.c - libFuzzer target: the whole check of one record against
 * the built-in packs, and every output format.
 *
 * Input layout: the values of the fixed header's columns, one per line
 * (patient_id, birth_date, age, sex, country, rx_date, drug_name,
 * drug_code, form, strength_mg, daily_dose_mg, diagnosis_codes,
 * co_medications); whatever follows the thirteenth newline is the value of
 * a fourteenth, carried-through column "note". Missing values are empty.
 *
 * The record goes through the builder as a row of an export would. A
 * reject must be formatted as a three-field CSV row. An accepted record is
 * checked with explain mode off and on, and each result is formatted as
 * JSON Lines (one line, valid JSON, strict UTF-8), CSV (one record of
 * fourteen + four fields) and text (no control character but the line
 * ends); the run summary must be valid JSON too. Results must be
 * deterministic: checking the same record again gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rxcheck/rxcheck.h"

static const char *const fc_header[] = {
    "patient_id", "birth_date",    "age",           "sex",
    "country",    "rx_date",       "drug_name",     "drug_code",
    "form",       "strength_mg",   "daily_dose_mg", "diagnosis_codes",
    "co_medications", "note"};
enum { FC_NCOL = sizeof fc_header / sizeof fc_header[0] };

static rxc_ruleset *fc_rules;
static rxc_schema *fc_schema;
static rxc_builder *fc_builder;
static rxc_checker *fc_plain, *fc_explain;

int rxc_fuzz_check_init(void) {
  if (fc_rules) return 0;
  if (rxc_ruleset_load_builtin(NULL, NULL, &fc_rules) != RXC_OK) {
    fprintf(stderr, "fuzz_check: the built-in packs do not load\n");
    abort();
  }
  rxc_str header[FC_NCOL];
  for (size_t i = 0; i < FC_NCOL; i++)
    header[i] = (rxc_str){fc_header[i], strlen(fc_header[i])};
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = (rxc_date){2024, 6, 1};
  if (rxc_schema_new(header, FC_NCOL, NULL, &fc_schema, &err) != RXC_OK ||
      rxc_builder_new(fc_schema, &o, &fc_builder) != RXC_OK ||
      rxc_checker_new(fc_rules, &fc_plain) != RXC_OK ||
      rxc_checker_new(fc_rules, &fc_explain) != RXC_OK) {
    fprintf(stderr, "fuzz_check: set-up failed\n");
    abort();
  }
  rxc_checker_set_explain(fc_explain, 1);
  return 0;
}

void rxc_fuzz_check_fini(void) {
  rxc_checker_free(fc_explain);
  rxc_checker_free(fc_plain);
  rxc_builder_free(fc_builder);
  rxc_schema_free(fc_schema);
  rxc_ruleset_free(fc_rules);
  fc_explain = fc_plain = NULL;
  fc_builder = NULL;
  fc_schema = NULL;
  fc_rules = NULL;
}

/* Text output: printable, but for the line ends. */
static void fc_check_text(const rxc_buf *b) {
  for (size_t i = 0; i < b->len; i++) {
    unsigned char c = (unsigned char)b->data[i];
    FZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7f));
  }
  FZ_CHECK(b->len == 0 || b->data[b->len - 1] == '\n');
}

static void fc_format_all(const rxc_record *rec, const rxc_result *res,
                          rxc_buf *b) {
  b->len = 0;
  rxc_format_result(b, RXC_FORMAT_JSONL, fc_rules, rec, res);
  FZ_CHECK(!b->failed);
  FZ_CHECK(memchr(b->data, '\n', b->len) == b->data + b->len - 1);
  FZ_CHECK(fz_jsonl_valid(b->data, b->len));

  b->len = 0;
  rxc_format_header(b, RXC_FORMAT_CSV, fc_schema);
  FZ_CHECK(fz_csv_fields(b->data, b->len) == FC_NCOL + 4);
  b->len = 0;
  rxc_format_result(b, RXC_FORMAT_CSV, fc_rules, rec, res);
  FZ_CHECK(!b->failed);
  FZ_CHECK(fz_csv_fields(b->data, b->len) == FC_NCOL + 4);

  b->len = 0;
  rxc_format_result(b, RXC_FORMAT_TEXT, fc_rules, rec, res);
  FZ_CHECK(!b->failed);
  fc_check_text(b);
}

static void fc_check_result(const rxc_result *res) {
  FZ_CHECK((unsigned)res->status < RXC_V__COUNT);
  if (res->status == RXC_V_OUT_OF_SCOPE) return;
  FZ_CHECK(res->pack != NULL && res->drug != NULL);
  FZ_CHECK(res->formulation != NULL);
  rxc_verdict best = RXC_V_NO_INDICATION;
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ir = &res->indications[i];
    FZ_CHECK(ir->status == RXC_V_APPROVED || ir->status == RXC_V_OFF_LABEL ||
             ir->status == RXC_V_UNKNOWN);
    FZ_CHECK(ir->nreasons <= RXC_MAX_REASONS);
    if (ir->status > best) best = ir->status;
  }
  /* The record's status is the best over its indications. */
  FZ_CHECK(res->status == best);
  for (size_t i = 0; i < res->nfindings; i++) {
    FZ_CHECK((unsigned)res->findings[i].severity < RXC_SEV__COUNT);
    if (i) FZ_CHECK(res->findings[i - 1].severity >= res->findings[i].severity);
  }
}

/* A plain decimal ("12.5", ".5", "100"): the normaliser's value must be
 * the one strtod reads (a differential check of the hand-written parser;
 * the C locale, since nothing here calls setlocale). */
static void fc_check_mg(rxc_str v, double got) {
  size_t digits = 0, dots = 0;
  if (v.len == 0) return;
  for (size_t i = 0; i < v.len; i++) {
    if (v.ptr[i] >= '0' && v.ptr[i] <= '9')
      digits++;
    else if (v.ptr[i] == '.')
      dots++;
    else
      return;
  }
  if (!digits || dots > 1) return;
  char *tmp = malloc(v.len + 1);
  if (!tmp) return;
  memcpy(tmp, v.ptr, v.len);
  tmp[v.len] = '\0';
  double want = strtod(tmp, NULL);
  free(tmp);
  double diff = got > want ? got - want : want - got;
  FZ_CHECK(diff <= 1e-9 * want); /* relative: the parser keeps 17 digits */
}

int rxc_fuzz_check_one(const uint8_t *data, size_t size) {
  rxc_fuzz_check_init();
  const char *p = (const char *)data;
  rxc_str fields[FC_NCOL];
  size_t pos = 0;
  for (size_t i = 0; i < FC_NCOL; i++) {
    size_t end = size;
    if (i + 1 < FC_NCOL) {
      const char *nl = memchr(p + pos, '\n', size - pos);
      if (nl) end = (size_t)(nl - p);
    }
    fields[i] = (rxc_str){p + pos, end - pos};
    pos = end < size ? end + 1 : size;
  }
  const rxc_record *rec;
  rxc_reject rej;
  int k = rxc_builder_build(fc_builder, fields, FC_NCOL, 2, 1, &rec, &rej);
  FZ_CHECK(k >= 0);
  rxc_buf b = {0}, again = {0};
  if (k == 0) {
    FZ_CHECK((unsigned)rej.reason < RXC_REJ__COUNT);
    FZ_CHECK(rej.column >= 1 && rej.column <= FC_NCOL);
    FZ_CHECK(memchr(rej.message, '\0', sizeof rej.message) != NULL);
    rxc_format_reject(&b, &rej);
    FZ_CHECK(fz_csv_fields(b.data, b.len) == 3);
    rxc_buf_free(&b);
    return 0;
  }
  fc_check_mg(rec->canon[RXC_F_STRENGTH_MG], rec->strength_mg);
  fc_check_mg(rec->canon[RXC_F_DAILY_DOSE_MG], rec->daily_dose_mg);
  for (int mode = 0; mode < 2; mode++) {
    rxc_checker *c = mode ? fc_explain : fc_plain;
    const rxc_result *res;
    if (rxc_checker_check(c, rec, &res) != RXC_OK) break;
    fc_check_result(res);
    FZ_CHECK(mode == 0 || res->explain != NULL || res->nexplain == 0);
    fc_format_all(rec, res, &b);

    /* The same record again: the same JSON, byte for byte. */
    rxc_tally t;
    if (rxc_tally_init(&t, fc_rules, NULL) != RXC_OK) break;
    rxc_tally_add(&t, res, (int)RXC_SEV_MAJOR);
    b.len = 0;
    rxc_format_result(&b, RXC_FORMAT_JSONL, fc_rules, rec, res);
    if (rxc_checker_check(c, rec, &res) != RXC_OK) break;
    again.len = 0;
    rxc_format_result(&again, RXC_FORMAT_JSONL, fc_rules, rec, res);
    FZ_CHECK(b.len == again.len && memcmp(b.data, again.data, b.len) == 0);

    rxc_read_stats st;
    memset(&st, 0, sizeof st);
    st.rows_read = st.valid = 1;
    st.lines = 2;
    b.len = 0;
    rxc_run_info run;
    memset(&run, 0, sizeof run);
    run.input_name = "fuzz.csv";
    run.as_of = rec->rx_date;
    rxc_format_summary_json(&b, &run, &st, &t, fc_rules, NULL);
    FZ_CHECK(fz_jsonl_valid(b.data, b.len));
    b.len = 0;
    rxc_format_summary_text(&b, &run, &st, &t, fc_rules, NULL);
    rxc_tally_free(&t);
  }
  rxc_buf_free(&b);
  rxc_buf_free(&again);
  return 0;
}

#ifndef RXC_FUZZ_REPLAY
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return rxc_fuzz_check_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return rxc_fuzz_check_one(data, size);
}
#endif
