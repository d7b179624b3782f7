/*
 * fuzz_reader.c - libFuzzer target: the streaming CSV reader and the record
 * normaliser, rxc_reader_run over the input bytes through fmemopen.
 *
 * Input layout: byte 0 chooses the field limit (max_field = 1 + byte 0 for
 * values below 0xC0, else the default 1 MiB), byte 1 chooses options (bit
 * 0: a default country; bit 1: a --map for two non-canonical headers; bit
 * 2: also read in raw mode), and the rest is the CSV text.
 *
 * The callbacks touch every byte of every field, canonical value, code and
 * co-medication, and check what the reader promises: records and rejects
 * numbered 1, 2, 3 ... in input order with non-decreasing lines, as many
 * fields as the header, no field over the limit, fields valid UTF-8,
 * normalised values in their ranges, a reject's column within the row and
 * its message non-empty, and counts that reconcile (rows read = valid +
 * rejected = callbacks seen). The same reader then reads the input again
 * and must give the same counts: a run leaves nothing behind. In raw mode
 * (the on_row callback that `batch --jobs` uses) the rows are built here,
 * by a builder of the same options, and must give exactly the records and
 * rejects of the normal mode.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "rxcheck/rxcheck.h"

typedef struct fr_state {
  const rxc_input_options *opts;
  rxc_builder *builder; /* raw mode: the rows are built here */
  unsigned long raw_rows;
  size_t max_field;
  size_t ncols;
  unsigned long records, rejects, last_number, last_line;
  unsigned long sink; /* every byte read is added here */
  rxc_buf rejbuf;
} fr_state;

static void fr_touch(fr_state *s, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) s->sink += (unsigned char)p[i];
}

static void fr_order(fr_state *s, unsigned long line) {
  FZ_CHECK(line >= 1);
  FZ_CHECK(line >= s->last_line);
  s->last_line = line;
}

static int fr_on_header(const rxc_schema *schema, void *ud) {
  fr_state *s = ud;
  if (s->opts && rxc_builder_new(schema, s->opts, &s->builder) != RXC_OK)
    return 1; /* out of memory: stop */
  s->ncols = rxc_schema_ncolumns(schema);
  FZ_CHECK(s->ncols >= 1);
  for (size_t i = 0; i < s->ncols; i++) {
    const char *h = rxc_schema_header(schema, i);
    FZ_CHECK(h != NULL);
    fr_touch(s, h, strlen(h));
  }
  FZ_CHECK(rxc_schema_column(schema, RXC_F_DRUG_NAME) >= 0 ||
           rxc_schema_column(schema, RXC_F_DRUG_CODE) >= 0);
  return 0;
}

static int fr_on_record(const rxc_record *rec, void *ud) {
  fr_state *s = ud;
  s->records++;
  FZ_CHECK(rec->number == s->last_number + 1);
  s->last_number = rec->number;
  fr_order(s, rec->line);
  FZ_CHECK(rec->nfields == s->ncols);
  for (size_t i = 0; i < rec->nfields; i++) {
    FZ_CHECK(rec->fields[i].len <= s->max_field);
    FZ_CHECK(fz_utf8_valid(rec->fields[i].ptr, rec->fields[i].len));
    fr_touch(s, rec->fields[i].ptr, rec->fields[i].len);
  }
  for (int f = 0; f < RXC_F__COUNT; f++) {
    FZ_CHECK(rec->canon[f].len == 0 || rec->canon[f].ptr != NULL);
    fr_touch(s, rec->canon[f].ptr, rec->canon[f].len);
  }
  FZ_CHECK(rec->age >= -1);
  FZ_CHECK(rec->strength_mg < 0 || rec->strength_mg <= 100000.0);
  FZ_CHECK(rec->daily_dose_mg < 0 || rec->daily_dose_mg <= 100000.0);
  FZ_CHECK(rec->rx_date.year != 0);
  FZ_CHECK(memchr(rec->jurisdiction, '\0', sizeof rec->jurisdiction) != NULL);
  fr_touch(s, rec->drug_code.code.ptr, rec->drug_code.code.len);
  fr_touch(s, rec->drug_code.raw.ptr, rec->drug_code.raw.len);
  for (size_t i = 0; i < rec->ndx; i++) {
    FZ_CHECK((unsigned)rec->dx[i].system < RXC_SYS__COUNT);
    fr_touch(s, rec->dx[i].code.ptr, rec->dx[i].code.len);
    fr_touch(s, rec->dx[i].raw.ptr, rec->dx[i].raw.len);
  }
  for (size_t i = 0; i < rec->ncomed; i++) {
    FZ_CHECK(rec->comed[i].len > 0);
    fr_touch(s, rec->comed[i].ptr, rec->comed[i].len);
  }
  return 0;
}

static int fr_on_reject(const rxc_reject *rej, void *ud) {
  fr_state *s = ud;
  s->rejects++;
  s->last_number++;
  fr_order(s, rej->line);
  FZ_CHECK((unsigned)rej->reason < RXC_REJ__COUNT);
  FZ_CHECK(memchr(rej->message, '\0', sizeof rej->message) != NULL);
  FZ_CHECK(rej->message[0] != '\0');
  /* The column is within the row (one past the header's columns for a
   * short row). */
  FZ_CHECK(rej->column <= s->ncols + 1 ||
           rej->reason == RXC_REJ_QUOTE || rej->reason == RXC_REJ_TOO_LONG ||
           rej->reason == RXC_REJ_UNTERMINATED);
  size_t before = s->rejbuf.len;
  rxc_format_reject(&s->rejbuf, rej);
  FZ_CHECK(!s->rejbuf.failed);
  FZ_CHECK(fz_csv_fields(s->rejbuf.data + before, s->rejbuf.len - before) == 3);
  s->rejbuf.len = 0;
  return 0;
}

/* Raw mode: the reader hands over each row's fields; build them here. */
static int fr_on_row(const rxc_str *fields, size_t n, unsigned long line,
                     unsigned long number, void *ud) {
  fr_state *s = ud;
  s->raw_rows++;
  FZ_CHECK(s->builder != NULL);
  const rxc_record *rec;
  rxc_reject rej;
  int k = rxc_builder_build(s->builder, fields, n, line, number, &rec, &rej);
  FZ_CHECK(k >= 0);
  return k ? fr_on_record(rec, s) : fr_on_reject(&rej, s);
}

static const char fr_map[] = "drug_name=Medication Name,age=Alter";

/* One run over data[0..n); fills *st. Returns the status. */
static rxc_status fr_run(rxc_reader *r, const uint8_t *data, size_t n,
                         fr_state *s, rxc_read_stats *st) {
  FILE *in = fmemopen((void *)(uintptr_t)data, n, "r");
  if (!in) return RXC_EIO;
  rxc_reader_callbacks cb = {fr_on_header, fr_on_record, fr_on_reject, s,
                             s->opts ? fr_on_row : NULL};
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status rc = rxc_reader_run(r, in, "fuzz.csv", &cb, &err);
  fclose(in);
  if (rc != RXC_OK) {
    FZ_CHECK(err.code == rc);
    FZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    FZ_CHECK(err.message[0] != '\0');
  }
  *st = *rxc_reader_stats(r);
  if (rc == RXC_OK && s->opts) { /* raw mode: the reader counts rows only */
    FZ_CHECK(st->rows_read == s->raw_rows + st->rejected);
    FZ_CHECK(rxc_reader_schema(r) != NULL);
  } else if (rc == RXC_OK) {
    FZ_CHECK(st->rows_read == st->valid + st->rejected);
    FZ_CHECK(st->valid == s->records);
    FZ_CHECK(st->rejected == s->rejects);
    unsigned long by = 0;
    for (int i = 0; i < RXC_REJ__COUNT; i++) by += st->rejected_by[i];
    FZ_CHECK(by == st->rejected);
    FZ_CHECK(rxc_reader_schema(r) != NULL);
  }
  return rc;
}

int rxc_fuzz_reader_init(void) { return 0; }

int rxc_fuzz_reader_one(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.max_field = data[0] < 0xC0 ? (size_t)data[0] + 1 : 0;
  if (data[1] & 1) o.default_country = "US";
  if (data[1] & 2) o.map = fr_map;
  o.today = (rxc_date){2024, 6, 1};
  rxc_reader *r = NULL;
  if (rxc_reader_new(&o, &r) != RXC_OK) return 0;

  fr_state s;
  memset(&s, 0, sizeof s);
  s.max_field = o.max_field ? o.max_field : 1024 * 1024;
  rxc_read_stats first, second;
  rxc_status a = fr_run(r, data + 2, size - 2, &s, &first);

  fr_state t;
  memset(&t, 0, sizeof t);
  t.max_field = s.max_field;
  t.rejbuf = s.rejbuf; /* reuse the buffer */
  rxc_status b = fr_run(r, data + 2, size - 2, &t, &second);
  FZ_CHECK(a == b);
  FZ_CHECK(memcmp(&first, &second, sizeof first) == 0);
  FZ_CHECK(s.records == t.records && s.rejects == t.rejects);
  FZ_CHECK(s.sink == t.sink);

  if (data[1] & 4) {
    fr_state u;
    memset(&u, 0, sizeof u);
    u.max_field = s.max_field;
    u.opts = &o;
    u.rejbuf = t.rejbuf;
    rxc_read_stats third;
    rxc_status c = fr_run(r, data + 2, size - 2, &u, &third);
    t.rejbuf = u.rejbuf;
    rxc_builder_free(u.builder);
    FZ_CHECK(c == a);
    FZ_CHECK(u.records == s.records && u.rejects == s.rejects);
    FZ_CHECK(u.sink == s.sink);
    FZ_CHECK(third.rows_read == first.rows_read);
  }

  rxc_buf_free(&t.rejbuf);
  rxc_reader_free(r);
  return 0;
}

#ifndef RXC_FUZZ_REPLAY
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return rxc_fuzz_reader_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return rxc_fuzz_reader_one(data, size);
}
#endif
