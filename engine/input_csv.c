/*
 * input_csv.c - the streaming CSV reader: libcsv underneath, the schema and
 * the builder on top, one callback per record or reject, in input order.
 *
 * libcsv reports no positions, so the reader feeds it one physical line per
 * csv_parse call: the line number when a record begins is its start line,
 * and the parser keeps its state across calls, so a quoted field may span
 * lines. Everything libcsv leaves to its caller is done here: the BOM,
 * blank lines, recovery after a strict-mode error, an unterminated quote at
 * the end, and a bound on how much one runaway quoted field may buffer.
 *
 * Memory is bounded by the longest record: the line buffer, the field
 * bytes of one record and its field array are reused from row to row, so
 * reading allocates nothing once the longest record has been seen.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rxcheck/input.h"
#include "strutil.h"

enum {
  DEFAULT_MAX_FIELD = 1024 * 1024,
  /* libcsv grows its field buffer linearly by this much; the default 128
   * bytes would mean thousands of reallocs for one long field. */
  CSV_BLOCK = 64 * 1024
};

/* Where a field's bytes sit in rec_buf: offsets, because the buffer may
 * move when it grows. */
typedef struct span {
  size_t off;
  size_t len;
} span;

struct rxc_reader {
  size_t max_field;
  rxc_input_options opts; /* map and default_country point to our copies */
  char *map;
  char *country;

  rxc_schema *schema;
  rxc_builder *builder;
  rxc_read_stats stats;
  /* Raw header mode (rxc_reader_set_header_handler). */
  int (*header_fn)(const rxc_str *fields, size_t n, unsigned long line,
                   void *ud);
  void *header_ud;

  struct csv_parser csv;
  int csv_live;

  char *line; /* getline's buffer */
  size_t line_cap;

  char *rec_buf; /* the current record's field bytes */
  size_t rec_len, rec_cap;
  span *spans;
  size_t nspans, spans_cap;
  rxc_str *fields; /* built when the record ends */
  size_t fields_cap;

  /* Per run. */
  const rxc_reader_callbacks *cb;
  rxc_error *err;
  const char *name;
  unsigned long lineno;    /* physical lines read so far */
  unsigned long rec_start; /* line where the current record began */
  unsigned long number;    /* data rows so far */
  int in_record;           /* a record has begun and not ended */
  int discard;             /* drop the current record's events */
  int have_header;
  int skipping; /* inside a runaway quoted field, looking for its end */
  rxc_status status; /* RXC_OK, or why the run must stop */
};

static char *dup_cstr(const char *s) {
  return s ? rxc__strndup(s, strlen(s)) : NULL;
}

rxc_status rxc_reader_new(const rxc_input_options *o, rxc_reader **out) {
  *out = NULL;
  rxc_reader *r = rxc__calloc(1, sizeof *r);
  if (!r) return RXC_ENOMEM;
  if (o) r->opts = *o;
  r->max_field = r->opts.max_field ? r->opts.max_field : DEFAULT_MAX_FIELD;
  r->opts.max_field = r->max_field;
  r->map = dup_cstr(r->opts.map);
  r->country = dup_cstr(r->opts.default_country);
  if ((r->opts.map && !r->map) || (r->opts.default_country && !r->country)) {
    rxc_reader_free(r);
    return RXC_ENOMEM;
  }
  r->opts.map = r->map;
  r->opts.default_country = r->country;
  if (!r->opts.today.year) r->opts.today = rxc_date_today();
  *out = r;
  return RXC_OK;
}

static void close_csv(rxc_reader *r) {
  if (r->csv_live) csv_free(&r->csv);
  r->csv_live = 0;
}

static void reset_run(rxc_reader *r) {
  close_csv(r);
  rxc_builder_free(r->builder);
  rxc_schema_free(r->schema);
  r->builder = NULL;
  r->schema = NULL;
}

void rxc_reader_free(rxc_reader *r) {
  if (!r) return;
  reset_run(r);
  free(r->line); /* getline allocates with malloc */
  rxc__free(r->rec_buf);
  rxc__free(r->spans);
  rxc__free(r->fields);
  rxc__free(r->map);
  rxc__free(r->country);
  rxc__free(r);
}

void rxc_reader_set_header_handler(
    rxc_reader *r,
    int (*fn)(const rxc_str *fields, size_t n, unsigned long line, void *ud),
    void *ud) {
  r->header_fn = fn;
  r->header_ud = ud;
}

const rxc_read_stats *rxc_reader_stats(const rxc_reader *r) {
  return r ? &r->stats : NULL;
}

const rxc_schema *rxc_reader_schema(const rxc_reader *r) {
  return r ? r->schema : NULL;
}

/* ---- libcsv plumbing --------------------------------------------------- */

/* RFC 4180 keeps spaces around unquoted fields as data; libcsv's default
 * would trim them. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static void *csv_realloc(void *p, size_t n) { return rxc__realloc(p, n); }

static int open_csv(rxc_reader *r) {
  if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) return -1;
  csv_set_space_func(&r->csv, no_space);
  csv_set_realloc_func(&r->csv, csv_realloc);
  csv_set_free_func(&r->csv, rxc__free);
  csv_set_blk_size(&r->csv, CSV_BLOCK);
  r->csv_live = 1;
  return 0;
}

static void fail(rxc_reader *r, rxc_status st) {
  if (r->status == RXC_OK) r->status = st;
}

static void clear_record(rxc_reader *r) {
  r->nspans = 0;
  r->rec_len = 0;
}

/* cb1: one field. Copies its bytes, since libcsv's pointer is borrowed. */
static void on_field(void *data, size_t len, void *ud) {
  rxc_reader *r = ud;
  if (r->discard || r->status != RXC_OK) return;
  /* The capacity tests are inline: this runs for every field. */
  if ((r->nspans == r->spans_cap &&
       rxc__grow((void **)&r->spans, &r->spans_cap, r->nspans + 1,
                 sizeof *r->spans) != 0) ||
      (r->rec_len + len >= r->rec_cap &&
       rxc__grow((void **)&r->rec_buf, &r->rec_cap, r->rec_len + len + 1,
                 1) != 0)) {
    fail(r, RXC_ENOMEM);
    return;
  }
  if (len) memcpy(r->rec_buf + r->rec_len, data, len);
  r->spans[r->nspans].off = r->rec_len;
  r->spans[r->nspans].len = len;
  r->nspans++;
  r->rec_len += len;
}

static void count_reject(rxc_reader *r, const rxc_reject *rej) {
  r->stats.rows_read++;
  r->stats.rejected++;
  r->stats.rejected_by[rej->reason]++;
  if (r->cb && r->cb->on_reject && r->cb->on_reject(rej, r->cb->ud) != 0)
    fail(r, RXC_ESTOP);
}

/* A reject the reader itself detects (quoting, a runaway quoted field, an
 * unterminated quote): a data row like any other. */
static void reader_reject(rxc_reader *r, rxc_reject_reason reason,
                          size_t field) {
  rxc_reject rej;
  rej.line = r->rec_start;
  rej.column = (unsigned long)field;
  rej.reason = reason;
  switch (reason) {
    case RXC_REJ_QUOTE:
      snprintf(rej.message, sizeof rej.message,
               "malformed quoting in field %zu: a quote inside an unquoted "
               "field, or text after a closing quote",
               field);
      break;
    case RXC_REJ_TOO_LONG:
      snprintf(rej.message, sizeof rej.message,
               "quoted field %zu is longer than the limit of %zu bytes",
               field, r->max_field);
      break;
    default:
      snprintf(rej.message, sizeof rej.message,
               "quoted field %zu is not closed before the end of the input",
               field);
      break;
  }
  r->number++;
  count_reject(r, &rej);
}

static rxc_status header_error(rxc_reader *r, const char *what) {
  rxc_error_set(r->err, RXC_EHEADER, r->name, r->rec_start, 0,
                "the header row %s", what);
  return RXC_EHEADER;
}

static void take_header(rxc_reader *r, const rxc_str *f, size_t n) {
  if (r->header_fn && r->cb && r->cb->on_row) {
    /* Raw header mode: the caller maps the columns. */
    r->have_header = 1;
    if (r->header_fn(f, n, r->rec_start, r->header_ud)) fail(r, RXC_ESTOP);
    return;
  }
  rxc_status st = rxc_schema_new(f, n, r->opts.map, &r->schema, r->err);
  if (st != RXC_OK) {
    if (r->err) {
      /* The schema cannot know the file and line; we can. */
      snprintf(r->err->file, sizeof r->err->file, "%s", r->name);
      r->err->line = r->rec_start;
    }
    fail(r, st);
    return;
  }
  st = rxc_builder_new(r->schema, &r->opts, &r->builder);
  if (st != RXC_OK) {
    rxc_error_set(r->err, st, r->name, 0, 0, "%s",
                  st == RXC_EUSAGE ? "the default country is not an ISO "
                                     "3166-1 alpha-2 code"
                                   : rxc_strerror(st));
    fail(r, st);
    return;
  }
  r->have_header = 1;
  if (r->cb && r->cb->on_header && r->cb->on_header(r->schema, r->cb->ud))
    fail(r, RXC_ESTOP);
}

/* cb2: the end of a record. */
static void on_row(int term, void *ud) {
  rxc_reader *r = ud;
  (void)term;
  unsigned long start = r->rec_start;
  r->in_record = 0;
  /* Another record can follow on the same physical line only after a lone
   * CR; it would start on this line. */
  r->rec_start = r->lineno;
  if (r->discard || r->status != RXC_OK) {
    r->discard = 0;
    clear_record(r);
    return;
  }
  size_t n = r->nspans;
  if (rxc__grow((void **)&r->fields, &r->fields_cap, n ? n : 1,
                sizeof *r->fields) != 0) {
    fail(r, RXC_ENOMEM);
    return;
  }
  for (size_t i = 0; i < n; i++)
    r->fields[i] = (rxc_str){r->rec_buf + r->spans[i].off, r->spans[i].len};
  if (!r->have_header) {
    r->rec_start = start;
    take_header(r, r->fields, n);
    r->rec_start = r->lineno;
    clear_record(r);
    return;
  }
  const rxc_record *rec;
  rxc_reject rej;
  r->number++;
  if (r->cb && r->cb->on_row) {
    r->stats.rows_read++;
    if (r->cb->on_row(r->fields, n, start, r->number, r->cb->ud) != 0)
      fail(r, RXC_ESTOP);
    clear_record(r);
    return;
  }
  int k = rxc_builder_build(r->builder, r->fields, n, start, r->number, &rec,
                            &rej);
  if (k < 0) {
    fail(r, RXC_ENOMEM);
  } else if (k == 0) {
    count_reject(r, &rej);
  } else {
    r->stats.rows_read++;
    r->stats.valid++;
    if (r->cb && r->cb->on_record && r->cb->on_record(rec, r->cb->ud) != 0)
      fail(r, RXC_ESTOP);
  }
  clear_record(r); /* after the callback: rec points into rec_buf */
}

/* A line of nothing but spaces, tabs and its line end, outside a record. */
static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
      return 0;
  return 1;
}

static void feed(rxc_reader *r, const char *p, size_t len);
static void skip_quoted(rxc_reader *r, const char *p, size_t len);

/* One physical line: skipped through a runaway quoted field, counted when
 * blank between records, else fed to libcsv. */
static void take_line(rxc_reader *r, const char *p, size_t len) {
  if (r->skipping) {
    skip_quoted(r, p, len);
    return;
  }
  if (!r->in_record) {
    if (is_blank(p, len)) {
      r->stats.blank_lines++;
      return;
    }
    r->in_record = 1;
    r->rec_start = r->lineno;
  }
  feed(r, p, len);
}

/* Starts the parser afresh; used when csv_fini cannot reset it. */
static int restart_csv(rxc_reader *r) {
  close_csv(r);
  if (open_csv(r) != 0) {
    fail(r, RXC_ENOMEM);
    return -1;
  }
  return 0;
}

/* After a strict-mode error: reject the row, then let csv_fini reset the
 * parser. csv_fini flushes the partial row through the callbacks, so the
 * discard flag makes on_field and on_row drop it. The rest of the line is
 * dropped too; reading resumes with the next line. */
static void recover(rxc_reader *r) {
  size_t field = r->nspans + 1;
  if (!r->have_header) {
    fail(r, header_error(r, "has malformed quoting"));
    return;
  }
  if (!r->discard)
    reader_reject(r, RXC_REJ_QUOTE, field);
  r->discard = 1;
  if (csv_fini(&r->csv, on_field, on_row, r) != 0) restart_csv(r);
  r->discard = 0;
  r->in_record = 0;
  clear_record(r);
}

static void feed(rxc_reader *r, const char *p, size_t len) {
  size_t used = csv_parse(&r->csv, p, len, on_field, on_row, r);
  if (r->status != RXC_OK) return;
  if (used < len) {
    int e = csv_error(&r->csv);
    if (e == CSV_EPARSE)
      recover(r);
    else
      fail(r, e == CSV_ETOOBIG ? RXC_ELIMIT : RXC_ENOMEM);
    return;
  }
  /* A record still open after a whole line is inside a quoted field. If
   * that field has outgrown the limit, reject the row now and skip to its
   * closing quote, rather than buffer the rest of the file behind one
   * stray quote. entry_pos is libcsv's documented count of the field's
   * bytes so far. */
  if (r->in_record && r->csv.entry_pos > r->max_field) {
    if (!r->have_header) {
      fail(r, header_error(r, "has a field longer than the limit"));
      return;
    }
    if (!r->discard)
      reader_reject(r, RXC_REJ_TOO_LONG, r->nspans + 1);
    r->discard = 1;
    r->skipping = 1;
    clear_record(r);
    restart_csv(r);
  }
}

/* In a runaway quoted field: look for its closing quote on this line, then
 * parse the rest of the record (still discarded) from there. */
static void skip_quoted(rxc_reader *r, const char *p, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (p[i] != '"') continue;
    if (i + 1 < len && p[i + 1] == '"') {
      i++; /* a doubled quote is data */
      continue;
    }
    r->skipping = 0;
    const char *rest = p + i + 1;
    size_t rlen = len - i - 1;
    if (is_blank(rest, rlen)) {
      /* The field ended the record; libcsv, restarted, would not see
       * the line end as the end of a row. */
      r->in_record = 0;
      r->discard = 0;
    } else {
      feed(r, rest, rlen);
    }
    return;
  }
}

static void start_run(rxc_reader *r, const char *name,
                      const rxc_reader_callbacks *cb, rxc_error *err) {
  reset_run(r);
  memset(&r->stats, 0, sizeof r->stats);
  clear_record(r);
  r->cb = cb;
  r->err = err;
  r->name = name ? name : "-";
  r->lineno = r->rec_start = r->number = 0;
  r->in_record = r->discard = r->skipping = r->have_header = 0;
  r->status = RXC_OK;
}

rxc_status rxc_reader_run(rxc_reader *r, FILE *in, const char *name,
                          const rxc_reader_callbacks *cb, rxc_error *err) {
  start_run(r, name, cb, err);
  if (open_csv(r) != 0) {
    rxc_error_set(err, RXC_ENOMEM, r->name, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  ssize_t got;
  int read_failed = 0;
  errno = 0;
  for (;;) {
    if (r->status != RXC_OK) break;
    if (r->opts.stop && *r->opts.stop) {
      fail(r, RXC_ESTOP);
      break;
    }
    got = getline(&r->line, &r->line_cap, in);
    if (got == -1) {
      /* A signal interrupted a read that was waiting (a pipe, a FIFO):
       * stop when asked to, else read on. */
      if (ferror(in) && errno == EINTR) {
        clearerr(in);
        errno = 0;
        continue;
      }
      /* getline fails without marking the stream when a line cannot be
       * held in memory: that is no end of input, and the rows after it
       * must not be silently lost. */
      if (!feof(in) && !ferror(in)) read_failed = errno ? errno : EIO;
      break;
    }
    const char *p = r->line;
    size_t len = (size_t)got;
    r->lineno++;
    r->stats.lines++;
    if (r->lineno == 1) {
      if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        len -= 3;
      } else if (len >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 ||
                              memcmp(p, "\xFE\xFF", 2) == 0)) {
        /* Spreadsheets offer "Unicode text"; say so rather than list a
         * header of NUL bytes. */
        rxc_error_set(err, RXC_EHEADER, r->name, 1, 0,
                      "the input is UTF-16; save it as UTF-8 CSV");
        fail(r, RXC_EHEADER);
        break;
      }
    }
    /* A CR that is not part of a CRLF ends a line too (CR-only files):
     * libcsv ends a record there, so the line count must as well, or every
     * row of such a file would be reported at line 1. getline splits at LF
     * only, so a CRLF can only be the last two bytes. */
    const char *cr;
    while (len > 1 && (cr = memchr(p, '\r', len - 1)) != NULL &&
           cr[1] != '\n') {
      size_t seg = (size_t)(cr - p) + 1;
      take_line(r, p, seg);
      p += seg;
      len -= seg;
      r->lineno++;
      r->stats.lines++;
    }
    take_line(r, p, len);
  }
  if (r->status == RXC_OK && (ferror(in) || read_failed)) {
    if (read_failed) errno = read_failed;
    rxc_error_set(err, errno == ENOMEM ? RXC_ENOMEM : RXC_EIO, r->name,
                  r->lineno + 1, 0, "read error: %s",
                  errno ? strerror(errno) : "unknown");
    fail(r, errno == ENOMEM ? RXC_ENOMEM : RXC_EIO);
  }
  if (r->status == RXC_OK && !r->skipping &&
      csv_fini(&r->csv, on_field, on_row, r) != 0) {
    /* Only a quoted field still open at the end makes csv_fini fail. */
    if (!r->have_header)
      fail(r, header_error(r, "has an unterminated quoted field"));
    else
      reader_reject(r, RXC_REJ_UNTERMINATED, r->nspans + 1);
  }
  close_csv(r);
  clear_record(r);
  if (r->status == RXC_OK && !r->have_header) {
    rxc_error_set(err, RXC_EHEADER, r->name, 0, 0, "no header row");
    return RXC_EHEADER;
  }
  switch (r->status) {
    case RXC_ESTOP:
      rxc_error_set(err, RXC_ESTOP, r->name, r->lineno, 0,
                    "stopped by the caller");
      break;
    case RXC_ENOMEM:
      rxc_error_set(err, RXC_ENOMEM, r->name, r->lineno, 0, "out of memory");
      break;
    case RXC_ELIMIT:
      rxc_error_set(err, RXC_ELIMIT, r->name, r->lineno, 0,
                    "a record is too large");
      break;
    default:
      break; /* RXC_OK; EHEADER and EIO already set err */
  }
  return r->status;
}
