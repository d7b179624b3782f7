/*
 * test_reader_headerless.c - inputs split into chunks: a header given in
 * place of a header row (rxc_input_options.columns), line numbers offset
 * to those of the original file (line_offset), the helpers that supply
 * the names (rxc_header_read, rxc_columns_parse), and the promise behind
 * them: reading a file whole, or as a first chunk with its header and
 * headerless chunks after it, gives the same records, rejects, lines and
 * counts. Also rxc_record_field and the prescriber_id column.
 *
 * Event logs as in test_reader.c:
 *   R<line>:<number>:<field>|<field>...   a record
 *   J<line>:<column>:<reason>             a reject
 * with <number> left out where chunks restart it (see log_numbers).
 */
#define _GNU_SOURCE /* fopencookie */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "chunked.h"
#include "rxcheck/input.h"

/* ---- the event log ------------------------------------------------------ */

typedef struct events {
  char text[16384];
  size_t len;
  int numbers; /* log record numbers */
  int headers;
  unsigned long header_line;
  size_t header_n;
  char header0[64];
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

static void put_fields(events *e, const rxc_str *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) put(e, "|", 1);
    for (size_t k = 0; k < f[i].len; k++) {
      char c = f[i].ptr[k];
      if (c == '\n')
        put(e, "\\n", 2);
      else if (c == '\r')
        put(e, "\\r", 2);
      else
        put(e, &c, 1);
    }
  }
  put(e, "\n", 1);
}

static int on_header(const rxc_schema *s, void *ud) {
  events *e = ud;
  e->headers++;
  e->header_n = rxc_schema_ncolumns(s);
  snprintf(e->header0, sizeof e->header0, "%s", rxc_schema_header(s, 0));
  return 0;
}

static int on_record(const rxc_record *rec, void *ud) {
  events *e = ud;
  if (e->numbers)
    putf(e, "R%lu:%lu:", rec->line, rec->number);
  else
    putf(e, "R%lu:", rec->line);
  put_fields(e, rec->fields, rec->nfields);
  return 0;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  events *e = ud;
  putf(e, "J%lu:%lu:%s\n", rej->line, rej->column, rxc_reject_id(rej->reason));
  assert_true(rej->message[0] != '\0');
  return 0;
}

/* Raw mode: rows as read, and the header handed over as read. */
static int on_raw_row(const rxc_str *f, size_t n, unsigned long line,
                      unsigned long number, void *ud) {
  events *e = ud;
  putf(e, "W%lu:%lu:", line, number);
  put_fields(e, f, n);
  return 0;
}

static int on_raw_header(const rxc_str *f, size_t n, unsigned long line,
                         void *ud) {
  events *e = ud;
  e->headers++;
  e->header_line = line;
  e->header_n = n;
  snprintf(e->header0, sizeof e->header0, "%.*s", (int)f[0].len, f[0].ptr);
  return 0;
}

/* Runs `in` through a fresh reader, `chunk` bytes per read. */
static rxc_status run(const rxc_input_options *o, const char *in, size_t len,
                      size_t chunk, events *e, rxc_read_stats *stats,
                      rxc_error *err) {
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(o, &r), RXC_OK);
  chunked c = {in, len, 0, chunk ? chunk : (len ? len : 1)};
  FILE *f = open_chunked(&c);
  int numbers = e->numbers;
  memset(e, 0, sizeof *e);
  e->numbers = numbers;
  memset(err, 0, sizeof *err);
  rxc_reader_callbacks cb = {on_header, on_record, on_reject, e, NULL};
  rxc_status st = rxc_reader_run(r, f, "chunk.csv", &cb, err);
  *stats = *rxc_reader_stats(r);
  fclose(f);
  rxc_reader_free(r);
  return st;
}

static const char *const names5[] = {"patient_id", "drug_name", "dx",
                                     "birth_date", "notes"};

/* ---- headerless input --------------------------------------------------- */

static void test_columns_make_the_first_line_data(void **state) {
  (void)state;
  const char in[] =
      "P1,Luvox,F42.2,1980-01-01,\"a, b\"\n"
      "P2,Faverin,F41.0,1990-02-30,x\n"
      "\n"
      "P3,\"Fluvoxamine\n50 mg\",F42,,y\n";
  rxc_input_options o = {.columns = names5, .ncolumns = 5};
  for (size_t chunk = 1; chunk <= sizeof in - 1; chunk++) {
    events e = {.numbers = 1};
    rxc_read_stats st;
    rxc_error err;
    assert_int_equal(run(&o, in, sizeof in - 1, chunk, &e, &st, &err),
                     RXC_OK);
    assert_string_equal(e.text,
                        "R1:1:P1|Luvox|F42.2|1980-01-01|a, b\n"
                        "J2:4:bad-date\n"
                        "R4:3:P3|Fluvoxamine\\n50 mg|F42||y\n");
    assert_int_equal(e.headers, 1);
    assert_int_equal(e.header_n, 5);
    assert_string_equal(e.header0, "patient_id");
    assert_int_equal(st.rows_read, 3);
    assert_int_equal(st.valid, 2);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(st.blank_lines, 1);
    assert_int_equal(st.lines, 5); /* physical lines; no header among them */
  }
}

static void test_columns_are_mapped_like_a_header(void **state) {
  (void)state;
  /* Trimmed, aliases and --map, as for a header row. */
  static const char *const names[] = {" Member ID ", "Medication", "Dx",
                                      "Written"};
  rxc_input_options o = {
      .columns = names, .ncolumns = 4, .map = "rx_date=Written"};
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(&o, &r), RXC_OK);
  const char in[] = "P1,Luvox,F42,2024-01-02\n";
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "c.csv", NULL, &err), RXC_OK);
  const rxc_schema *s = rxc_reader_schema(r);
  assert_int_equal(rxc_schema_column(s, RXC_F_PATIENT_ID), 0);
  assert_int_equal(rxc_schema_column(s, RXC_F_DRUG_NAME), 1);
  assert_int_equal(rxc_schema_column(s, RXC_F_DIAGNOSIS_CODES), 2);
  assert_int_equal(rxc_schema_column(s, RXC_F_RX_DATE), 3);
  assert_string_equal(rxc_schema_header(s, 0), "Member ID");
  assert_int_equal(rxc_reader_stats(r)->valid, 1);
  fclose(f);
  rxc_reader_free(r);
}

static void test_columns_are_copied(void **state) {
  (void)state;
  char a[] = "drug_name", b[] = "dx";
  const char *names[] = {a, b};
  rxc_input_options o = {.columns = names, .ncolumns = 2};
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(&o, &r), RXC_OK);
  memset(a, 'x', sizeof a - 1); /* the caller's copy changes */
  names[0] = NULL;
  const char in[] = "Luvox,F42\n";
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "c.csv", NULL, &err), RXC_OK);
  assert_int_equal(rxc_schema_column(rxc_reader_schema(r), RXC_F_DRUG_NAME),
                   0);
  fclose(f);
  rxc_reader_free(r);
}

static void test_empty_headerless_input_is_a_valid_run(void **state) {
  (void)state;
  rxc_input_options o = {.columns = names5, .ncolumns = 5};
  events e = {0};
  rxc_read_stats st;
  rxc_error err;
  assert_int_equal(run(&o, "", 0, 1, &e, &st, &err), RXC_OK);
  assert_int_equal(e.headers, 1);
  assert_int_equal(st.rows_read, 0);
  assert_int_equal(st.lines, 0);
  assert_int_equal(run(&o, "\n\n", 2, 1, &e, &st, &err), RXC_OK);
  assert_int_equal(st.blank_lines, 2);
  assert_int_equal(st.lines, 2);
}

static void test_unusable_columns_fail_before_reading(void **state) {
  (void)state;
  static const char *const names[] = {"PATIENT", "START", "DESCRIPTION"};
  rxc_input_options o = {.columns = names, .ncolumns = 3, .line_offset = 40};
  events e = {0};
  rxc_read_stats st;
  rxc_error err;
  assert_int_equal(run(&o, "P1,2024-01-01,Luvox\n", 20, 0, &e, &st, &err),
                   RXC_EHEADER);
  assert_int_equal(e.headers, 0);
  assert_int_equal(st.lines, 0);
  assert_int_equal(err.line, 0); /* the names come from no line */
  assert_string_equal(err.file, "chunk.csv");
  /* The names given are quoted (they are no patient's values), and the
   * hint about a missing header row does not apply. */
  assert_non_null(strstr(err.message, "no drug column"));
  assert_non_null(strstr(err.message, "'PATIENT', 'START', 'DESCRIPTION'"));
  assert_null(strstr(err.message, "first row"));
  /* Zero names. */
  o.ncolumns = 0;
  assert_int_equal(run(&o, "x\n", 2, 0, &e, &st, &err), RXC_EHEADER);
  assert_string_equal(err.message, "no column names were given");
}

/* ---- line_offset -------------------------------------------------------- */

static void test_line_offset_moves_records_rejects_and_quote_errors(
    void **state) {
  (void)state;
  const char in[] =
      "P1,Luvox,F42,,n\n"            /* 1001 */
      "P2,Luvox,F42\n"               /* 1002: field count */
      "P3,Lu\"vox,F42,,n\n"          /* 1003: malformed quote */
      "P4,\"Luvox\n CR\",F42,,n\n"   /* 1004-1005 */
      "P5,Luvox,F42,2030-01-01,n\n"  /* 1006: birth after the run date */
      "P6,\"Luvox,F42\n";            /* 1007: unterminated */
  rxc_input_options o = {.columns = names5,
                         .ncolumns = 5,
                         .line_offset = 1000,
                         .today = {2024, 6, 1}};
  for (size_t chunk = 1; chunk <= sizeof in - 1; chunk++) {
    events e = {.numbers = 1};
    rxc_read_stats st;
    rxc_error err;
    assert_int_equal(run(&o, in, sizeof in - 1, chunk, &e, &st, &err),
                     RXC_OK);
    assert_string_equal(e.text,
                        "R1001:1:P1|Luvox|F42||n\n"
                        "J1002:4:field-count\n"
                        "J1003:2:quote\n"
                        "R1004:4:P4|Luvox\\n CR|F42||n\n"
                        "J1006:4:range\n"
                        "J1007:2:unterminated\n");
    assert_int_equal(st.lines, 7);
    assert_int_equal(st.rows_read, 6);
    assert_int_equal(st.valid, 2);
    assert_int_equal(st.rejected, 4);
  }
}

static void test_line_offset_with_a_header_row(void **state) {
  (void)state;
  /* A chunk that carries its header (parallel --pipe --header): the
   * header's own line is offset too. */
  rxc_input_options o = {.line_offset = 10};
  events e = {.numbers = 1};
  rxc_read_stats st;
  rxc_error err;
  const char in[] = "drug_name,dx\nLuvox,F42\nFaverin\n";
  assert_int_equal(run(&o, in, sizeof in - 1, 0, &e, &st, &err), RXC_OK);
  assert_string_equal(e.text, "R12:1:Luvox|F42\nJ13:2:field-count\n");
  assert_int_equal(st.lines, 3);
  /* Header errors name the offset line. */
  const char bad[] = "\n\ndrug_name,\"dx\n";
  assert_int_equal(run(&o, bad, sizeof bad - 1, 0, &e, &st, &err),
                   RXC_EHEADER);
  assert_int_equal(err.line, 13);
  const char nodrug[] = "a,b\n1,2\n";
  assert_int_equal(run(&o, nodrug, sizeof nodrug - 1, 0, &e, &st, &err),
                   RXC_EHEADER);
  assert_int_equal(err.line, 11);
}

static void test_line_offset_does_not_wrap(void **state) {
  (void)state;
  rxc_input_options o = {.columns = names5,
                         .ncolumns = 5,
                         .line_offset = (unsigned long)-1 - 1};
  events e = {0};
  rxc_read_stats st;
  rxc_error err;
  const char in[] = "P1,Luvox,F42,,n\nP2,Luvox,F42,,n\nP3\n";
  assert_int_equal(run(&o, in, sizeof in - 1, 0, &e, &st, &err), RXC_OK);
  char want[256];
  snprintf(want, sizeof want, "R%lu:P1|Luvox|F42||n\nR%lu:P2|Luvox|F42||n\n"
           "J%lu:2:field-count\n",
           (unsigned long)-1, (unsigned long)-1, (unsigned long)-1);
  assert_string_equal(e.text, want);
}

static void test_raw_mode_with_columns_and_offset(void **state) {
  (void)state;
  /* The mode of rxc_pipeline_run (--jobs): rows as read, quoting rejects
   * from the reader, and with a header handler the given names are handed
   * over at line 0. */
  rxc_input_options o = {.columns = names5, .ncolumns = 5, .line_offset = 7};
  const char in[] = "P1,Luvox,F42,,n\nP2,\"a\nb\",F4\n\nP3,x\"y,z\n";
  for (int handler = 0; handler < 2; handler++) {
    rxc_reader *r = NULL;
    assert_int_equal(rxc_reader_new(&o, &r), RXC_OK);
    events e = {0};
    if (handler) rxc_reader_set_header_handler(r, on_raw_header, &e);
    rxc_reader_callbacks cb = {on_header, NULL, on_reject, &e, on_raw_row};
    FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
    rxc_error err;
    assert_int_equal(rxc_reader_run(r, f, "c.csv", &cb, &err), RXC_OK);
    assert_string_equal(e.text,
                        "W8:1:P1|Luvox|F42||n\n"
                        "W9:2:P2|a\\nb|F4\n"
                        "J12:2:quote\n");
    assert_int_equal(e.headers, 1);
    assert_int_equal(e.header_n, 5);
    assert_string_equal(e.header0, "patient_id");
    assert_int_equal(e.header_line, 0);
    assert_int_equal(handler ? NULL == rxc_reader_schema(r)
                             : NULL != rxc_reader_schema(r),
                     1);
    const rxc_read_stats *st = rxc_reader_stats(r);
    assert_int_equal(st->rows_read, 3); /* two raw rows, one reject */
    assert_int_equal(st->rejected, 1);
    assert_int_equal(st->lines, 5);
    assert_int_equal(st->blank_lines, 1);
    fclose(f);
    rxc_reader_free(r);
  }
}

/* ---- chunks read as one ------------------------------------------------- */

/* An export as records (with the blank lines between them), each one or
 * more physical lines: every shape of row the reader treats specially. */
static const char *const pieces[] = {
    "patient_id,drug_name,dx,birth_date,notes\r\n",
    "P01,Luvox,F42.2,1980-01-01,plain\r\n",
    "P02,\"Fluvoxamine, 50 mg\",F41.0,1975-05-05,\"said \"\"bd\"\"\"\r\n",
    "\r\n",
    "P03,Faverin,F42,1990-02-30,bad date\n",
    "P04,\"Luvox\nCR\",F42,,\"two\n\nbreaks\"\n",
    "P05,Luvox,F42\n",
    "   \n",
    "P06,Lu\"vox,F42,,quote\n",
    "P07,Luvox,F42,,\xff\xfe utf8\n",
    "P08,Luvox,F42,2001-01-01,ok\n",
    "\n",
    "\n",
    "P09,\"Depromel\",\"F42\",,\"\"\n",
    "P10,Luvox,F42,,extra,field\n",
    "P11,Luvox,F42,1960-12-31,last\n",
};
enum { NPIECES = sizeof pieces / sizeof pieces[0] };

static size_t lines_in(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

/* Pieces [from, to) joined. */
static size_t join(size_t from, size_t to, char *out, size_t cap) {
  size_t len = 0;
  for (size_t i = from; i < to; i++) {
    size_t k = strlen(pieces[i]);
    assert_true(len + k < cap);
    memcpy(out + len, pieces[i], k);
    len += k;
  }
  out[len] = '\0';
  return len;
}

static void test_chunks_read_as_the_whole_file(void **state) {
  (void)state;
  char whole[4096], part[4096];
  size_t wlen = join(0, NPIECES, whole, sizeof whole);
  rxc_input_options plain = {.today = {2024, 6, 1}};
  events we = {0};
  rxc_read_stats ws;
  rxc_error err;
  assert_int_equal(run(&plain, whole, wlen, 0, &we, &ws, &err), RXC_OK);
  assert_true(ws.rejected >= 4 && ws.valid >= 5);

  /* The header, as a pipeline would take it from the original file. */
  char path[] = "/tmp/rxc_chunk_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *hf = fdopen(fd, "w");
  fputs(whole, hf);
  fclose(hf);
  char **names = NULL;
  size_t nnames = 0;
  assert_int_equal(rxc_header_read(path, &names, &nnames, &err), RXC_OK);
  unlink(path);
  assert_int_equal(nnames, 5);

  /* Every cut into chunks of k pieces: the first chunk with the header,
   * the others headerless, each offset by the lines before it. */
  for (size_t k = 1; k < NPIECES; k++) {
    events all = {0};
    rxc_read_stats sum;
    memset(&sum, 0, sizeof sum);
    size_t lines_before = 0;
    for (size_t from = 0; from < NPIECES; from += from ? k : k + 1) {
      size_t to = from + (from ? k : k + 1);
      if (to > NPIECES) to = NPIECES;
      size_t len = join(from, to, part, sizeof part);
      rxc_input_options o = plain;
      if (from) {
        o.columns = (const char *const *)names;
        o.ncolumns = nnames;
        o.line_offset = lines_before;
      }
      events e = {0};
      rxc_read_stats st;
      assert_int_equal(run(&o, part, len, 3, &e, &st, &err), RXC_OK);
      put(&all, e.text, e.len);
      sum.rows_read += st.rows_read;
      sum.valid += st.valid;
      sum.rejected += st.rejected;
      sum.blank_lines += st.blank_lines;
      sum.lines += st.lines;
      for (int r = 0; r < RXC_REJ__COUNT; r++)
        sum.rejected_by[r] += st.rejected_by[r];
      lines_before += lines_in(part);
    }
    if (strcmp(all.text, we.text) != 0)
      fail_msg("chunks of %zu:\n--- got\n%s--- whole\n%s", k, all.text,
               we.text);
    assert_int_equal(sum.rows_read, ws.rows_read);
    assert_int_equal(sum.valid, ws.valid);
    assert_int_equal(sum.rejected, ws.rejected);
    assert_int_equal(sum.blank_lines, ws.blank_lines);
    assert_int_equal(sum.lines, ws.lines);
    assert_memory_equal(sum.rejected_by, ws.rejected_by,
                        sizeof ws.rejected_by);
  }
  rxc_header_free(names, nnames);
}

/* ---- rxc_header_read ---------------------------------------------------- */

static char *write_temp(const void *data, size_t len) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/rxc_header_XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
  return path;
}

static rxc_status read_header(const char *data, size_t len, char ***names,
                              size_t *n, rxc_error *err) {
  char *path = write_temp(data, len);
  memset(err, 0, sizeof *err);
  rxc_status st = rxc_header_read(path, names, n, err);
  unlink(path);
  return st;
}

#define READ_HEADER(lit, names, n, err) \
  read_header(lit, sizeof lit - 1, names, n, err)

static void test_header_read_bom_crlf_and_quotes(void **state) {
  (void)state;
  char **names;
  size_t n;
  rxc_error err;
  assert_int_equal(READ_HEADER("\xEF\xBB\xBF\r\n\n patient_id ,\"Dose, mg\","
                               "\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
                               "P1,x,y,z,\"unterminated\n",
                               &names, &n, &err),
                   RXC_OK);
  assert_int_equal(n, 5);
  assert_string_equal(names[0], " patient_id "); /* as read */
  assert_string_equal(names[1], "Dose, mg");
  assert_string_equal(names[2], "say \"hi\"");
  assert_string_equal(names[3], "two\nlines");
  assert_string_equal(names[4], "");
  assert_null(names[5]);
  rxc_header_free(names, n);
  /* No final line end; a CR-only file. */
  assert_int_equal(READ_HEADER("a,b", &names, &n, &err), RXC_OK);
  assert_int_equal(n, 2);
  assert_string_equal(names[1], "b");
  rxc_header_free(names, n);
  assert_int_equal(READ_HEADER("a,b\rc,d\r", &names, &n, &err), RXC_OK);
  assert_int_equal(n, 2);
  assert_string_equal(names[1], "b");
  rxc_header_free(names, n);
  rxc_header_free(NULL, 0);
}

static void test_header_read_errors(void **state) {
  (void)state;
  char **names = (char **)1;
  size_t n = 9;
  rxc_error err;
  assert_int_equal(READ_HEADER("", &names, &n, &err), RXC_EHEADER);
  assert_null(names);
  assert_int_equal(n, 0);
  assert_string_equal(err.message, "no header row");
  assert_true(strncmp(err.file, "/tmp/rxc_header_", 16) == 0);
  assert_int_equal(READ_HEADER("\xEF\xBB\xBF", &names, &n, &err),
                   RXC_EHEADER);
  assert_int_equal(READ_HEADER("\n \n\r\n", &names, &n, &err), RXC_EHEADER);
  assert_int_equal(READ_HEADER("\xFF\xFEp\0a\0", &names, &n, &err),
                   RXC_EHEADER);
  assert_non_null(strstr(err.message, "UTF-16"));
  /* Malformed quoting: the line and the field at fault. */
  assert_int_equal(READ_HEADER("\n\na,b\"c\",d\n", &names, &n, &err),
                   RXC_EHEADER);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 2);
  assert_non_null(strstr(err.message, "malformed quoting"));
  assert_int_equal(READ_HEADER("a,\"b\nc\n", &names, &n, &err), RXC_EHEADER);
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 2);
  assert_non_null(strstr(err.message, "unterminated"));
  assert_int_equal(READ_HEADER("a,\"b\0c\"\n", &names, &n, &err),
                   RXC_EHEADER);
  assert_int_equal(err.column, 2);
  assert_null(names);
  /* A file that is no CSV at all: refused before it is all read. */
  size_t big = 2 * 1024 * 1024;
  char *junk = malloc(big);
  assert_non_null(junk);
  memset(junk, '"', 1);
  memset(junk + 1, 'x', big - 1);
  for (size_t i = 100; i < big; i += 100) junk[i] = '\n';
  assert_int_equal(read_header(junk, big, &names, &n, &err), RXC_EHEADER);
  assert_non_null(strstr(err.message, "longer than"));
  free(junk);
  /* A file that cannot be opened. */
  assert_int_equal(rxc_header_read("/nonexistent/x.csv", &names, &n, &err),
                   RXC_EIO);
  assert_non_null(strstr(err.message, "/nonexistent/x.csv"));
}

static void test_header_read_gzip(void **state) {
  (void)state;
  char path[] = "/tmp/rxc_header_gz_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  gzFile gz = gzdopen(fd, "wb");
  assert_non_null(gz);
  const char text[] = "\xEF\xBB\xBFsubject_id,\"drug, name\"\r\n1,Luvox\r\n";
  assert_int_equal(gzwrite(gz, text, sizeof text - 1), (int)sizeof text - 1);
  assert_int_equal(gzclose(gz), Z_OK);
  char **names;
  size_t n;
  rxc_error err;
  assert_int_equal(rxc_header_read(path, &names, &n, &err), RXC_OK);
  unlink(path);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "subject_id");
  assert_string_equal(names[1], "drug, name");
  rxc_header_free(names, n);
}

/* ---- rxc_columns_parse -------------------------------------------------- */

static void test_columns_parse_plain_and_quoted(void **state) {
  (void)state;
  char **names;
  size_t n;
  rxc_error err;
  assert_int_equal(rxc_columns_parse("patient_id,drug_name,dx", &names, &n,
                                     &err),
                   RXC_OK);
  assert_int_equal(n, 3);
  assert_string_equal(names[2], "dx");
  assert_null(names[3]);
  rxc_header_free(names, n);
  assert_int_equal(rxc_columns_parse("\"Dose, mg\", Drug , \"a \"\"b\"\"\",,x",
                                     &names, &n, &err),
                   RXC_OK);
  assert_int_equal(n, 5);
  assert_string_equal(names[0], "Dose, mg");
  assert_string_equal(names[1], "Drug"); /* spaces around names dropped */
  assert_string_equal(names[2], "a \"b\"");
  assert_string_equal(names[3], "");
  assert_string_equal(names[4], "x");
  rxc_header_free(names, n);
  /* One name; a final line end is tolerated. */
  assert_int_equal(rxc_columns_parse("drug\n", &names, &n, &err), RXC_OK);
  assert_int_equal(n, 1);
  rxc_header_free(names, n);
}

static void test_columns_parse_errors(void **state) {
  (void)state;
  char **names = (char **)1;
  size_t n = 3;
  rxc_error err;
  const char *empty[] = {"", "   ", "\n"};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(rxc_columns_parse(empty[i], &names, &n, &err),
                     RXC_EUSAGE);
    assert_string_equal(err.message, "no column names given");
    assert_null(names);
    assert_int_equal(n, 0);
  }
  assert_int_equal(rxc_columns_parse(NULL, &names, &n, &err), RXC_EUSAGE);
  assert_int_equal(rxc_columns_parse("a,b\"c\",d", &names, &n, &err),
                   RXC_EUSAGE);
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 4); /* the quote */
  assert_non_null(strstr(err.message, "name 2"));
  assert_int_equal(rxc_columns_parse("a,\"b", &names, &n, &err), RXC_EUSAGE);
  assert_non_null(strstr(err.message, "name 2"));
  assert_int_equal(rxc_columns_parse("a,b\nc,d", &names, &n, &err),
                   RXC_EUSAGE);
  assert_non_null(strstr(err.message, "more than one line"));
  assert_null(names);
}

/* ---- prescriber_id and rxc_record_field --------------------------------- */

static int keep_fields(const rxc_record *rec, void *ud) {
  rxc_str *out = ud;
  for (int f = 0; f < RXC_F__COUNT; f++) {
    rxc_str v = rxc_record_field(rec, (rxc_field)f);
    out[f] = v;
    if (v.ptr) out[f].ptr = "set"; /* the slice dies with the callback */
    out[f].len = v.len;
  }
  out[RXC_F__COUNT] = rec->canon[RXC_F_PRESCRIBER_ID];
  out[RXC_F__COUNT].ptr = NULL;
  return 0;
}

static void test_record_field_and_prescriber_id(void **state) {
  (void)state;
  const char in[] = "Patient ID,medication,Prescriber NPI,dx\n"
                    " P1 ,Luvox, 1234567890 ,\n";
  rxc_reader *r = NULL;
  assert_int_equal(rxc_reader_new(NULL, &r), RXC_OK);
  rxc_str got[RXC_F__COUNT + 1];
  rxc_reader_callbacks cb = {NULL, keep_fields, NULL, got, NULL};
  FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
  rxc_error err;
  assert_int_equal(rxc_reader_run(r, f, "p.csv", &cb, &err), RXC_OK);
  assert_int_equal(rxc_schema_column(rxc_reader_schema(r),
                                     RXC_F_PRESCRIBER_ID),
                   2);
  /* As read, not trimmed; the canonical value is trimmed. */
  assert_int_equal(got[RXC_F_PRESCRIBER_ID].len, 12);
  assert_int_equal(got[RXC_F__COUNT].len, 10);
  assert_int_equal(got[RXC_F_PATIENT_ID].len, 4);
  /* Present but empty; absent. */
  assert_non_null(got[RXC_F_DIAGNOSIS_CODES].ptr);
  assert_int_equal(got[RXC_F_DIAGNOSIS_CODES].len, 0);
  assert_null(got[RXC_F_BIRTH_DATE].ptr);
  assert_int_equal(got[RXC_F_BIRTH_DATE].len, 0);
  fclose(f);
  rxc_reader_free(r);

  /* Out of range, NULL, and a record made by hand. */
  assert_null(rxc_record_field(NULL, RXC_F_PATIENT_ID).ptr);
  rxc_record hand;
  memset(&hand, 0, sizeof hand);
  for (int k = 0; k < RXC_F__COUNT; k++) hand.canon[k] = (rxc_str){"", 0};
  hand.canon[RXC_F_PRESCRIBER_ID] = (rxc_str){"DR1", 3};
  assert_null(rxc_record_field(&hand, RXC_F__COUNT).ptr);
  assert_int_equal(rxc_record_field(&hand, RXC_F_PRESCRIBER_ID).len, 3);
  assert_null(rxc_record_field(&hand, RXC_F_PATIENT_ID).ptr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_columns_make_the_first_line_data),
      cmocka_unit_test(test_columns_are_mapped_like_a_header),
      cmocka_unit_test(test_columns_are_copied),
      cmocka_unit_test(test_empty_headerless_input_is_a_valid_run),
      cmocka_unit_test(test_unusable_columns_fail_before_reading),
      cmocka_unit_test(test_line_offset_moves_records_rejects_and_quote_errors),
      cmocka_unit_test(test_line_offset_with_a_header_row),
      cmocka_unit_test(test_line_offset_does_not_wrap),
      cmocka_unit_test(test_raw_mode_with_columns_and_offset),
      cmocka_unit_test(test_chunks_read_as_the_whole_file),
      cmocka_unit_test(test_header_read_bom_crlf_and_quotes),
      cmocka_unit_test(test_header_read_errors),
      cmocka_unit_test(test_header_read_gzip),
      cmocka_unit_test(test_columns_parse_plain_and_quoted),
      cmocka_unit_test(test_columns_parse_errors),
      cmocka_unit_test(test_record_field_and_prescriber_id),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
