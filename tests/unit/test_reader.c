/*
 * test_reader.c - the streaming CSV reader on every input shape issue 2
 * lists: BOM, CRLF, quoting, embedded newlines, blank lines, a missing final
 * newline, and each way a row is rejected, including recovery after a
 * strict-mode parse error.
 *
 * Each input runs through a FILE that hands out at most k bytes per read,
 * for every k from 1 to the input's length (the idea of libcsv's own
 * test_parser), and through a regular file, which the reader reads in
 * blocks rather than by line, and must give the same events and counts
 * every time. An event log is compared with one written by hand:
 *   R<line>:<number>:<field>|<field>...   a record (\n and \r shown escaped)
 *   J<line>:<column>:<reason>             a reject
 */
#define _GNU_SOURCE /* fopencookie */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "alloc.h"
#include "chunked.h"
#include "rxcheck/input.h"

/* ---- the event log ------------------------------------------------------ */

typedef struct events {
  char text[4096];
  size_t len;
  int stop_after; /* stop the run after this many events; 0 never */
  int seen;
  int headers;
} events;

static void put(events *e, const char *s, size_t n) {
  assert_true(e->len + n < sizeof e->text);
  memcpy(e->text + e->len, s, n);
  e->len += n;
  e->text[e->len] = '\0';
}

static void putf(events *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(events *e, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  put(e, tmp, (size_t)n);
}

static int on_header(const rxc_schema *s, void *ud) {
  events *e = ud;
  (void)s;
  e->headers++;
  return 0;
}

static int on_record(const rxc_record *rec, void *ud) {
  events *e = ud;
  putf(e, "R%lu:%lu:", rec->line, rec->number);
  for (size_t i = 0; i < rec->nfields; i++) {
    if (i) put(e, "|", 1);
    for (size_t k = 0; k < rec->fields[i].len; k++) {
      char c = rec->fields[i].ptr[k];
      if (c == '\n')
        put(e, "\\n", 2);
      else if (c == '\r')
        put(e, "\\r", 2);
      else
        put(e, &c, 1);
    }
  }
  put(e, "\n", 1);
  return e->stop_after && ++e->seen >= e->stop_after;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  events *e = ud;
  putf(e, "J%lu:%lu:%s\n", rej->line, rej->column, rxc_reject_id(rej->reason));
  assert_true(rej->message[0] != '\0');
  return e->stop_after && ++e->seen >= e->stop_after;
}

/* ---- running an input --------------------------------------------------- */

typedef struct expect {
  const char *log;
  unsigned long rows, valid, rejected, blank, lines;
} expect;

/* A regular file holding `in`, at its start. */
static FILE *regular_file(const char *in, size_t len) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fwrite(in, 1, len, f), len);
  rewind(f);
  return f;
}

/* chunk 0: through a regular file. */
static rxc_status run_once(const rxc_input_options *o, const char *in,
                           size_t len, size_t chunk, events *e,
                           rxc_read_stats *stats, rxc_error *err) {
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(o, &r), RXC_OK);
  chunked c = {in, len, 0, chunk};
  FILE *f = chunk ? open_chunked(&c) : regular_file(in, len);
  memset(e, 0, sizeof *e);
  rxc_reader_callbacks cb = {on_header, on_record, on_reject, e, NULL};
  rxc_status st = rxc_reader_run(r, f, "test.csv", &cb, err);
  *stats = *rxc_reader_stats(r);
  fclose(f);
  rxc_reader_free(r);
  return st;
}

/* Runs `in` at every read size, and from a regular file (chunk 0), and
 * checks the log and the counts. */
static void check_all_splits(const rxc_input_options *o, const char *in,
                             size_t len, const expect *x) {
  for (size_t chunk = 0; chunk <= len; chunk++) {
    events e;
    rxc_read_stats st;
    rxc_error err;
    rxc_status s = run_once(o, in, len, chunk, &e, &st, &err);
    if (s != RXC_OK) fail_msg("chunk %zu: %s", chunk, err.message);
    if (strcmp(e.text, x->log) != 0)
      fail_msg("chunk %zu:\n--- got\n%s--- expected\n%s", chunk, e.text,
               x->log);
    assert_int_equal(e.headers, 1);
    assert_int_equal(st.rows_read, x->rows);
    assert_int_equal(st.valid, x->valid);
    assert_int_equal(st.rejected, x->rejected);
    assert_int_equal(st.blank_lines, x->blank);
    assert_int_equal(st.lines, x->lines);
    /* The counts reconcile, by reason too. */
    assert_int_equal(st.rows_read, st.valid + st.rejected);
    unsigned long by = 0;
    for (int i = 0; i < RXC_REJ__COUNT; i++) by += st.rejected_by[i];
    assert_int_equal(by, st.rejected);
  }
}

#define CHECK(opts, literal, ...)                              \
  do {                                                         \
    expect x_ = __VA_ARGS__;                                   \
    check_all_splits(opts, literal, sizeof literal - 1, &x_);  \
  } while (0)

/* ---- shapes of input ---------------------------------------------------- */

static void test_reads_lf_rows_in_order(void **state) {
  (void)state;
  CHECK(NULL, "drug_name,dx\nfluvoxamine,F42.2\nsertraline,F32.1\n",
        {"R2:1:fluvoxamine|F42.2\nR3:2:sertraline|F32.1\n", 2, 2, 0, 0, 3});
}

static void test_skips_utf8_bom(void **state) {
  (void)state;
  const char in[] = "\xEF\xBB\xBF" "drug_name,dx\nLuvox,F42\n";
  CHECK(NULL, in, {"R2:1:Luvox|F42\n", 1, 1, 0, 0, 2});
  /* The BOM must not end up in the first header, or drug_name would not
   * be recognised. */
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "bom.csv", NULL, &err), RXC_OK);
  assert_int_equal(rxc_schema_column(rxc_reader_schema(r), RXC_F_DRUG_NAME),
                   0);
  assert_string_equal(rxc_schema_header(rxc_reader_schema(r), 0),
                      "drug_name");
  fclose(f);
  rxc_reader_free(r);
}

static void test_reads_crlf_without_keeping_cr(void **state) {
  (void)state;
  CHECK(NULL, "drug_name,dx\r\nLuvox CR,F42.2\r\nFaverin,\r\n",
        {"R2:1:Luvox CR|F42.2\nR3:2:Faverin|\n", 2, 2, 0, 0, 3});
}

static void test_quoted_commas_and_doubled_quotes(void **state) {
  (void)state;
  CHECK(NULL,
        "drug_name,notes\n"
        "\"Fluvoxamine maleate, 50 mg\",\"said \"\"twice daily\"\"\"\n"
        "\"\",\"\"\"\"\n",
        {"R2:1:Fluvoxamine maleate, 50 mg|said \"twice daily\"\nR3:2:|\"\n",
         2, 2, 0, 0, 3});
}

static void test_spaces_around_fields_are_data(void **state) {
  (void)state;
  /* RFC 4180: libcsv would trim these by default. */
  CHECK(NULL, "drug_name,dx\n  Luvox , F42 \n",
        {"R2:1:  Luvox | F42 \n", 1, 1, 0, 0, 2});
}

static void test_embedded_newline_start_line_differs(void **state) {
  (void)state;
  /* Record 1 spans lines 2-4, so record 2 starts on line 5; its CRLF
   * inside quotes is data, and a sixth physical line. */
  CHECK(NULL,
        "drug_name,notes\n"
        "Luvox,\"take with food\nat night\n\"\n"
        "Faverin,\"a\r\nb\"\n",
        {"R2:1:Luvox|take with food\\nat night\\n\n"
         "R5:2:Faverin|a\\r\\nb\n",
         2, 2, 0, 0, 6});
}

static void test_missing_final_newline(void **state) {
  (void)state;
  CHECK(NULL, "drug_name,dx\nLuvox,F42", {"R2:1:Luvox|F42\n", 1, 1, 0, 0, 2});
  CHECK(NULL, "drug_name,dx\nLuvox,\"F42\"",
        {"R2:1:Luvox|F42\n", 1, 1, 0, 0, 2});
  CHECK(NULL, "drug_name,dx\r\nLuvox,F42\r",
        {"R2:1:Luvox|F42\n", 1, 1, 0, 0, 2});
}

static void test_blank_lines_skipped_and_counted(void **state) {
  (void)state;
  CHECK(NULL, "\ndrug_name,dx\n\nLuvox,F42\n  \n\r\nFaverin,F41\n\n",
        {"R4:1:Luvox|F42\nR7:2:Faverin|F41\n", 2, 2, 0, 5, 8});
  /* An empty line inside a quoted field is data, not a blank line. */
  CHECK(NULL, "drug_name,notes\nLuvox,\"a\n\nb\"\n",
        {"R2:1:Luvox|a\\n\\nb\n", 1, 1, 0, 0, 4});
}

static void test_header_only_gives_no_rows(void **state) {
  (void)state;
  CHECK(NULL, "drug_name,dx\n", {"", 0, 0, 0, 0, 1});
}

/* ---- rejects ------------------------------------------------------------ */

static void test_ragged_rows_rejected(void **state) {
  (void)state;
  /* Column: the first missing field, or the first extra one. */
  CHECK(NULL, "drug_name,dx,form\nLuvox,F42\nLuvox,F42,tab,extra\nA,B,C\n",
        {"J2:3:field-count\nJ3:4:field-count\nR4:3:A|B|C\n", 3, 1, 2, 0, 4});
}

static void test_unterminated_quote_at_end(void **state) {
  (void)state;
  /* Reported at the line where the record starts. */
  CHECK(NULL, "drug_name,dx\nLuvox,F42\n\"Faverin,F41\nmore\n",
        {"R2:1:Luvox|F42\nJ3:1:unterminated\n", 2, 1, 1, 0, 4});
  CHECK(NULL, "drug_name,dx\nLuvox,\"F42",
        {"J2:2:unterminated\n", 1, 0, 1, 0, 2});
}

static void test_invalid_utf8_rejected(void **state) {
  (void)state;
  CHECK(NULL,
        "drug_name,dx\nLuvox,F\xff" "42\nFaverin,\xC0\xAF\n"
        "Fluvoxamine \xC3\xA9,F42\n",
        {"J2:2:utf8\nJ3:2:utf8\nR4:3:Fluvoxamine \xC3\xA9|F42\n", 3, 1, 2, 0,
         4});
}

static void test_field_longer_than_limit_rejected(void **state) {
  (void)state;
  rxc_input_options o = {.max_field = 8};
  CHECK(&o, "drug_name,dx\n123456789,x\n12345678,x\n",
        {"J2:1:too-long\nR3:2:12345678|x\n", 2, 1, 1, 0, 3});
}

static void test_runaway_quoted_field_skipped_to_its_end(void **state) {
  (void)state;
  /* A quoted field that outgrows the limit across lines is rejected at
   * once; reading resumes after its closing quote, so one stray quote does
   * not buffer the rest of the file. */
  rxc_input_options o = {.max_field = 8};
  CHECK(&o,
        "drug_name,dx\n\"aaaaaaaaaa\nbbbbbbbbbbbb\ncc\"\"c\",x\nok,y\n"
        "\"dddddddddddd\neeee\"\nok2,z\n",
        {"J2:1:too-long\nR5:2:ok|y\nJ6:1:too-long\nR8:4:ok2|z\n", 4, 2, 2, 0,
         8});
  /* Never closed: one reject, not a second one at the end. */
  CHECK(&o, "drug_name,dx\nok,y\n\"aaaaaaaaaaaaa\nbbbb\n",
        {"R2:1:ok|y\nJ3:1:too-long\n", 2, 1, 1, 0, 4});
}

static void test_parse_error_recovers_with_next_line(void **state) {
  (void)state;
  /* A quote inside an unquoted field, text after a closing quote, and an
   * error on the second line of a multi-line record: each row is rejected
   * at its start line with the field where it happened, the partial row
   * is discarded, and the following rows are read normally. */
  CHECK(NULL,
        "drug_name,dx\n"
        "ok1,1\n"
        "ba\"d,2\n"
        "ok2,3\n"
        "x,\"y\"z,4\n"
        "ok3,5\n"
        "\"multi\nline\"oops,6\n"
        "ok4,7\n",
        {"R2:1:ok1|1\nJ3:1:quote\nR4:3:ok2|3\nJ5:2:quote\nR6:5:ok3|5\n"
         "J7:1:quote\nR9:7:ok4|7\n",
         7, 4, 3, 0, 9});
}

typedef struct messages {
  char all[2048];
  size_t len;
} messages;

static int collect_message(const rxc_reject *rej, void *ud) {
  messages *m = ud;
  int n = snprintf(m->all + m->len, sizeof m->all - m->len, "%s\n",
                   rej->message);
  assert_true(n > 0 && (size_t)n < sizeof m->all - m->len);
  m->len += (size_t)n;
  return 0;
}

static void test_reject_message_never_holds_the_value(void **state) {
  (void)state;
  rxc_input_options o = {.max_field = 4};
  const char in[] = "drug_name,dx\nSECRETVALUE,x\nSECRET\"X,x\n\"SECRET";
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(&o, &r), RXC_OK);
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  messages m;
  memset(&m, 0, sizeof m);
  rxc_reader_callbacks cb = {NULL, NULL, collect_message, &m, NULL};
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "t.csv", &cb, &err), RXC_OK);
  assert_int_equal(rxc_reader_stats(r)->rejected, 3);
  assert_null(strstr(m.all, "SECRET"));
  /* too-long names the column, quote and unterminated the field. */
  assert_non_null(strstr(m.all, "column 'drug_name'"));
  assert_non_null(strstr(m.all, "field 1"));
  fclose(f);
  rxc_reader_free(r);
}

/* ---- whole-input outcomes ----------------------------------------------- */

static rxc_status run_text(const char *in, size_t len, rxc_error *err,
                           rxc_read_stats *st) {
  events e;
  return run_once(NULL, in, len, 7, &e, st, err);
}

static void test_empty_input_has_no_header(void **state) {
  (void)state;
  rxc_error err;
  rxc_read_stats st;
  assert_int_equal(run_text("", 0, &err, &st), RXC_EHEADER);
  assert_string_equal(err.message, "no header row");
  assert_int_equal(run_text("\n\r\n  \n", 6, &err, &st), RXC_EHEADER);
  assert_string_equal(err.message, "no header row");
  assert_int_equal(st.blank_lines, 3);
  assert_int_equal(run_text("\xEF\xBB\xBF", 3, &err, &st), RXC_EHEADER);
}

static void test_utf16_input_is_named(void **state) {
  (void)state;
  rxc_error err;
  rxc_read_stats st;
  const char in[] = "\xFF\xFE" "d\0r\0u\0g\0\n\0";
  assert_int_equal(run_text(in, sizeof in - 1, &err, &st), RXC_EHEADER);
  assert_non_null(strstr(err.message, "UTF-16"));
}

static void test_header_without_drug_column_is_an_error(void **state) {
  (void)state;
  rxc_error err;
  rxc_read_stats st;
  const char in[] = "\npatient,Dose\n1,2\n";
  assert_int_equal(run_text(in, sizeof in - 1, &err, &st), RXC_EHEADER);
  assert_string_equal(err.file, "test.csv");
  assert_int_equal(err.line, 2);
  assert_non_null(strstr(err.message, "'patient'"));
  assert_non_null(strstr(err.message, "'Dose'"));
  assert_non_null(strstr(err.message, "drug_name"));
  assert_non_null(strstr(err.message, "drug_code"));
  assert_int_equal(st.rows_read, 0);
}

static void test_malformed_header_is_an_error(void **state) {
  (void)state;
  rxc_error err;
  rxc_read_stats st;
  const char a[] = "drug\"name,dx\nx,y\n";
  assert_int_equal(run_text(a, sizeof a - 1, &err, &st), RXC_EHEADER);
  assert_non_null(strstr(err.message, "quoting"));
  const char b[] = "\"drug_name,dx\nx,y\n";
  assert_int_equal(run_text(b, sizeof b - 1, &err, &st), RXC_EHEADER);
  assert_non_null(strstr(err.message, "unterminated"));
  assert_int_equal(err.line, 1);
}

static void test_callback_stops_the_run(void **state) {
  (void)state;
  const char in[] = "drug_name\na\nb\nc\n";
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  events e;
  memset(&e, 0, sizeof e);
  e.stop_after = 2;
  rxc_reader_callbacks cb = {NULL, on_record, on_reject, &e, NULL};
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "t.csv", &cb, &err), RXC_ESTOP);
  assert_string_equal(e.text, "R2:1:a\nR3:2:b\n");
  const rxc_read_stats *st = rxc_reader_stats(r);
  assert_int_equal(st->rows_read, 2);
  assert_int_equal(st->rows_read, st->valid + st->rejected);
  fclose(f);
  rxc_reader_free(r);
}

static void test_reader_reusable_across_runs(void **state) {
  (void)state;
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  for (int run = 0; run < 2; run++) {
    const char in[] = "drug_name,dx\n\"a\nb\",1\nc\n";
    FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
    events e;
    memset(&e, 0, sizeof e);
    rxc_reader_callbacks cb = {on_header, on_record, on_reject, &e, NULL};
    rxc_error err;
    assert_int_equal(rxc_reader_run(r, f, "t.csv", &cb, &err), RXC_OK);
    assert_string_equal(e.text, "R2:1:a\\nb|1\nJ4:2:field-count\n");
    assert_int_equal(rxc_reader_stats(r)->lines, 4);
    fclose(f);
  }
  rxc_reader_free(r);
}

/* Once the longest row has been seen, reading allocates nothing: every
 * allocation fails after the first record, and the rest still reads. */
static int fail_allocations(const rxc_record *rec, void *ud) {
  (void)rec;
  (void)ud;
  rxc__alloc_fail_after(0);
  return 0;
}

/* ---- regular files: read in blocks --------------------------------------- */

/* A digest of every event, for inputs too large for an event log. */
typedef struct digest {
  uint64_t h;
  unsigned long records, rejects;
} digest;

static void mix(digest *d, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) d->h = (d->h ^ b[i]) * 0x100000001b3ULL;
}

static int digest_record(const rxc_record *rec, void *ud) {
  digest *d = ud;
  d->records++;
  mix(d, &rec->line, sizeof rec->line);
  mix(d, &rec->number, sizeof rec->number);
  for (size_t i = 0; i < rec->nfields; i++) {
    mix(d, &rec->fields[i].len, sizeof rec->fields[i].len);
    mix(d, rec->fields[i].ptr, rec->fields[i].len);
  }
  return 0;
}

static int digest_reject(const rxc_reject *rej, void *ud) {
  digest *d = ud;
  d->rejects++;
  mix(d, &rej->line, sizeof rej->line);
  mix(d, &rej->column, sizeof rej->column);
  mix(d, &rej->reason, sizeof rej->reason);
  return 0;
}

static void digest_run(FILE *f, digest *d, rxc_read_stats *st) {
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  memset(d, 0, sizeof *d);
  d->h = 0xcbf29ce484222325ULL;
  rxc_reader_callbacks cb = {NULL, digest_record, digest_reject, d, NULL};
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "big.csv", &cb, &err), RXC_OK);
  *st = *rxc_reader_stats(r);
  rxc_reader_free(r);
}

/* Several blocks' worth of rows, with every line shape cut at every place
 * a block can end (lines of all lengths), a CRLF, a lone CR, a quoted field
 * spanning lines, blank lines, a bad row, a line longer than a block and a
 * last line without its newline: read from a regular file (in blocks) it
 * must give exactly what the same bytes give read line by line. */
static void test_block_reads_match_line_reads(void **state) {
  (void)state;
  size_t cap = 4u << 20, len = 0;
  char *in = test_malloc(cap);
  len += (size_t)snprintf(in, cap, "drug_name,dx,note\n");
  for (unsigned i = 0; len < cap - (1u << 20); i++) {
    char pad[200];
    size_t np = i % 157;
    memset(pad, 'x', np);
    pad[np] = '\0';
    /* Each shape is the text before and after a run of padding. */
    static const char *const shape[][2] = {
        {"Luvox,F42,", "\n"},        {"Luvox,F42,", "\r\n"},
        {"\"Lu\nvox\",F42,", "\n"}, {"", "\n"},
        {"Luvox,F42,\"a\"\"b", "\"\n"}, {"Luvox,F42", "\n"},
        {"Luvox,\"F4\"2,", "\n"},  {"Luvox,F42,", "\r"}};
    const char *const *sh = shape[i % 8];
    if (!sh[0][0] || strcmp(sh[0], "Luvox,F42") == 0) pad[0] = '\0';
    len += (size_t)snprintf(in + len, cap - len, "%s%s%s", sh[0], pad, sh[1]);
    if (i == 5000) { /* one line longer than a block */
      len += (size_t)snprintf(in + len, cap - len, "Luvox,F42,");
      memset(in + len, 'y', 600 * 1024);
      len += 600 * 1024;
      in[len++] = '\n';
    }
  }
  len += (size_t)snprintf(in + len, cap - len, "Luvox,F42,end");

  digest by_block, by_line;
  rxc_read_stats st_block, st_line;
  FILE *f = regular_file(in, len);
  digest_run(f, &by_block, &st_block);
  fclose(f);
  chunked c = {in, len, 0, 4093};
  f = open_chunked(&c);
  digest_run(f, &by_line, &st_line);
  fclose(f);
  test_free(in);

  assert_true(by_line.records > 10000);
  assert_true(by_line.rejects > 1000);
  assert_int_equal(by_block.records, by_line.records);
  assert_int_equal(by_block.rejects, by_line.rejects);
  assert_true(by_block.h == by_line.h);
  assert_int_equal(st_block.lines, st_line.lines);
  assert_int_equal(st_block.blank_lines, st_line.blank_lines);
  assert_int_equal(st_block.valid, st_line.valid);
}

static void test_no_allocation_per_row(void **state) {
  (void)state;
  const char in[] =
      "drug_name,dx,co_medications\n"
      "Fluvoxamine 100 mg,F42.2;F41.0,tizanidine|warfarin\n"
      "Luvox,F42.2;F41.1,clozapine|ramelteon\n"
      "Faverin,\"F40.10\",alprazolam\n"
      "Sertraline,F32.1;F33.0,none\n";
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  rxc_reader_callbacks cb = {NULL, fail_allocations, NULL, NULL, NULL};
  rxc_error err;
  rxc_status st = rxc_reader_run(r, f, "t.csv", &cb, &err);
  rxc__alloc_fail_after(-1);
  assert_int_equal(st, RXC_OK);
  assert_int_equal(rxc_reader_stats(r)->valid, 4);
  fclose(f);
  rxc_reader_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reads_lf_rows_in_order),
      cmocka_unit_test(test_skips_utf8_bom),
      cmocka_unit_test(test_reads_crlf_without_keeping_cr),
      cmocka_unit_test(test_quoted_commas_and_doubled_quotes),
      cmocka_unit_test(test_spaces_around_fields_are_data),
      cmocka_unit_test(test_embedded_newline_start_line_differs),
      cmocka_unit_test(test_missing_final_newline),
      cmocka_unit_test(test_blank_lines_skipped_and_counted),
      cmocka_unit_test(test_header_only_gives_no_rows),
      cmocka_unit_test(test_ragged_rows_rejected),
      cmocka_unit_test(test_unterminated_quote_at_end),
      cmocka_unit_test(test_invalid_utf8_rejected),
      cmocka_unit_test(test_field_longer_than_limit_rejected),
      cmocka_unit_test(test_runaway_quoted_field_skipped_to_its_end),
      cmocka_unit_test(test_parse_error_recovers_with_next_line),
      cmocka_unit_test(test_reject_message_never_holds_the_value),
      cmocka_unit_test(test_empty_input_has_no_header),
      cmocka_unit_test(test_utf16_input_is_named),
      cmocka_unit_test(test_header_without_drug_column_is_an_error),
      cmocka_unit_test(test_malformed_header_is_an_error),
      cmocka_unit_test(test_callback_stops_the_run),
      cmocka_unit_test(test_reader_reusable_across_runs),
      cmocka_unit_test(test_block_reads_match_line_reads),
      cmocka_unit_test(test_no_allocation_per_row),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
