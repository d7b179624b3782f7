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
 *
 * A chunk of a split export (rxc_input_options.columns, line_offset) has
 * no header row: the names given are mapped before anything is read, and
 * line numbers start after the offset, so they are the original file's.
 * The header helpers at the end (rxc_header_read, rxc_columns_parse) parse
 * one record with libcsv under the same rules.
 */
#include <csv.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "input_int.h"
#include "rxcheck/input.h"
#include "rxcheck/layout.h"
#include "strutil.h"

enum {
  DEFAULT_MAX_FIELD = 1024 * 1024,
  /* libcsv grows its field buffer linearly by this much; the default 128
   * bytes would mean thousands of reallocs for one long field. */
  CSV_BLOCK = 64 * 1024,
  READ_BLOCK = 256 * 1024 /* bytes read at a time from a regular file */
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
  rxc_str *given; /* opts.columns copied (headerless input), or NULL */
  char *given_bytes;
  size_t ngiven;

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
  /* A regular file is read in blocks and its lines handed out in place:
   * blk[beg, end) is read and not yet handed out. */
  int blocks;
  int blk_eof;
  char *blk;
  size_t blk_cap, blk_beg, blk_end;

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

/* Copies the names of a headerless input into one block. */
static int copy_given(rxc_reader *r) {
  size_t n = r->opts.ncolumns, bytes = 0;
  for (size_t i = 0; i < n; i++)
    bytes += r->opts.columns[i] ? strlen(r->opts.columns[i]) + 1 : 1;
  r->given = rxc__calloc(n ? n : 1, sizeof *r->given);
  r->given_bytes = rxc__malloc(bytes ? bytes : 1);
  if (!r->given || !r->given_bytes) return -1;
  char *p = r->given_bytes;
  for (size_t i = 0; i < n; i++) {
    const char *c = r->opts.columns[i] ? r->opts.columns[i] : "";
    size_t len = strlen(c);
    memcpy(p, c, len + 1);
    r->given[i] = (rxc_str){p, len};
    p += len + 1;
  }
  r->ngiven = n;
  return 0;
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
  if (r->opts.columns && copy_given(r) != 0) {
    rxc_reader_free(r);
    return RXC_ENOMEM;
  }
  r->opts.columns = NULL; /* the copy is r->given; builders ignore it */
  r->opts.ncolumns = 0;
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
  rxc__free(r->blk);
  rxc__free(r->rec_buf);
  rxc__free(r->spans);
  rxc__free(r->fields);
  rxc__free(r->map);
  rxc__free(r->country);
  rxc__free(r->given);
  rxc__free(r->given_bytes);
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

/* Maps a header row, or (given) the names of a headerless input, which
 * have no line of their own (0). */
static void take_header(rxc_reader *r, const rxc_str *f, size_t n,
                        int given) {
  unsigned long line = given ? 0 : r->rec_start;
  if (r->header_fn && r->cb && r->cb->on_row) {
    /* Raw header mode: the caller maps the columns. */
    r->have_header = 1;
    if (r->header_fn(f, n, line, r->header_ud)) fail(r, RXC_ESTOP);
    return;
  }
  rxc_status st =
      given ? rxc__schema_new_given(f, n, r->opts.map, &r->schema, r->err)
            : rxc_schema_new(f, n, r->opts.map, &r->schema, r->err);
  if (st != RXC_OK) {
    if (r->err) {
      /* The schema cannot know the file and line; we can. */
      snprintf(r->err->file, sizeof r->err->file, "%s", r->name);
      r->err->line = line;
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
    take_header(r, r->fields, n, 0);
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

/* ---- physical lines ------------------------------------------------------ */

/* Whether `in` is read in blocks: a regular file, where a read returns as
 * much as asked. A pipe, a terminal or a decompressing stream goes through
 * getline, which hands each line over as soon as it has arrived, so a
 * pipeline step answers a row as it comes rather than a block later. */
static int use_blocks(FILE *in) {
  struct stat st;
  int fd = fileno(in);
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

enum { LINE_END = -1, LINE_AGAIN = -2 };

/* The next physical line, its LF included when it has one, into *line
 * (valid until the next call). LINE_END at the end of the input or on a
 * failure (the stream's error flag, or *failed = an errno), LINE_AGAIN
 * when a signal interrupted a read that was waiting. */
static ssize_t next_physical(rxc_reader *r, FILE *in, const char **line,
                             int *failed) {
  if (!r->blocks) {
    errno = 0;
    ssize_t got = getline(&r->line, &r->line_cap, in);
    if (got != -1) {
      *line = r->line;
      return got;
    }
    if (ferror(in) && errno == EINTR) {
      clearerr(in);
      return LINE_AGAIN;
    }
    /* getline fails without marking the stream when a line cannot be
     * held in memory: that is no end of input, and the rows after it
     * must not be silently lost. */
    if (!feof(in) && !ferror(in)) *failed = errno ? errno : EIO;
    return LINE_END;
  }
  for (;;) {
    size_t have = r->blk_end - r->blk_beg;
    if (have) {
      char *s = r->blk + r->blk_beg;
      char *nl = memchr(s, '\n', have);
      if (nl || r->blk_eof) {
        size_t len = nl ? (size_t)(nl - s) + 1 : have;
        r->blk_beg += len;
        *line = s;
        return (ssize_t)len;
      }
      /* Keep the start of a line, with room to read the rest of it. */
      if (r->blk_beg) {
        memmove(r->blk, s, have);
        r->blk_beg = 0;
        r->blk_end = have;
      }
    } else {
      if (r->blk_eof) return LINE_END;
      r->blk_beg = r->blk_end = 0; /* (the buffer may not exist yet) */
    }
    if (r->blk_cap - r->blk_end < READ_BLOCK / 2 &&
        rxc__grow((void **)&r->blk, &r->blk_cap, r->blk_end + READ_BLOCK,
                  1) != 0) {
      *failed = ENOMEM;
      return LINE_END;
    }
    errno = 0;
    size_t got = fread(r->blk + r->blk_end, 1, r->blk_cap - r->blk_end, in);
    r->blk_end += got;
    if (got == 0) {
      if (ferror(in)) {
        if (errno != EINTR) return LINE_END;
        clearerr(in);
        return LINE_AGAIN;
      }
      r->blk_eof = 1;
    }
  }
}

/* One more physical line; a line number saturates rather than wraps (an
 * offset near the top of the range). */
static void next_line(rxc_reader *r) {
  if (r->lineno != (unsigned long)-1) r->lineno++;
  r->stats.lines++;
}

static void start_run(rxc_reader *r, const char *name,
                      const rxc_reader_callbacks *cb, rxc_error *err) {
  reset_run(r);
  memset(&r->stats, 0, sizeof r->stats);
  clear_record(r);
  r->cb = cb;
  r->err = err;
  r->name = name ? name : "-";
  /* Lines are counted from the offset: a chunk that starts at line N + 1
   * of the original file reports the original's lines. */
  r->lineno = r->rec_start = r->opts.line_offset;
  r->number = 0;
  r->in_record = r->discard = r->skipping = r->have_header = 0;
  r->status = RXC_OK;
  r->blk_beg = r->blk_end = 0;
  r->blk_eof = 0;
}

rxc_status rxc_reader_run(rxc_reader *r, FILE *in, const char *name,
                          const rxc_reader_callbacks *cb, rxc_error *err) {
  start_run(r, name, cb, err);
  if (open_csv(r) != 0) {
    rxc_error_set(err, RXC_ENOMEM, r->name, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  /* A headerless input: the names given are its header, mapped first. */
  if (r->given) {
    if (r->ngiven == 0) {
      rxc_error_set(err, RXC_EHEADER, r->name, 0, 0,
                    "no column names were given");
      fail(r, RXC_EHEADER);
    } else {
      take_header(r, r->given, r->ngiven, 1);
    }
  }
  r->blocks = use_blocks(in);
  int read_failed = 0;
  for (;;) {
    if (r->status != RXC_OK) break;
    if (r->opts.stop && *r->opts.stop) {
      fail(r, RXC_ESTOP);
      break;
    }
    const char *p;
    ssize_t got = next_physical(r, in, &p, &read_failed);
    /* A signal interrupted a read that was waiting (a pipe, a FIFO): stop
     * when asked to, else read on. */
    if (got == LINE_AGAIN) continue;
    if (got == LINE_END) break;
    size_t len = (size_t)got;
    next_line(r);
    if (r->stats.lines == 1) {
      if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        len -= 3;
      } else if (len >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 ||
                              memcmp(p, "\xFE\xFF", 2) == 0)) {
        /* Spreadsheets offer "Unicode text"; say so rather than list a
         * header of NUL bytes. */
        rxc_error_set(err, RXC_EHEADER, r->name, r->lineno, 0,
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
      next_line(r);
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

/* ---- headers for headerless input (libcsv) ------------------------------- */

enum { HEADER_MAX = 1024 * 1024 };

/* The fields of the first record libcsv ends; later records are ignored. */
typedef struct first_record {
  char *bytes;
  size_t len, cap;
  span *spans;
  size_t n, spans_cap;
  int done;  /* the first record has ended */
  int extra; /* another record followed it (columns_parse) */
  int nomem;
} first_record;

static void first_field(void *data, size_t len, void *ud) {
  first_record *fr = ud;
  if (fr->done) {
    fr->extra = 1;
    return;
  }
  if (fr->nomem ||
      rxc__grow((void **)&fr->spans, &fr->spans_cap, fr->n + 1,
                sizeof *fr->spans) != 0 ||
      rxc__grow((void **)&fr->bytes, &fr->cap, fr->len + len + 1, 1) != 0) {
    fr->nomem = 1;
    return;
  }
  if (len) memcpy(fr->bytes + fr->len, data, len);
  fr->spans[fr->n].off = fr->len;
  fr->spans[fr->n].len = len;
  fr->n++;
  fr->len += len;
}

static void first_row(int term, void *ud) {
  first_record *fr = ud;
  (void)term;
  if (fr->done) fr->extra = 1;
  fr->done = 1;
}

static void first_free(first_record *fr) {
  rxc__free(fr->bytes);
  rxc__free(fr->spans);
}

/* The names of the first record as the caller's block (see dup_names);
 * RXC_EHEADER or `bad` when a name holds a NUL byte. */
static rxc_status first_names(first_record *fr, char ***names, size_t *n,
                              rxc_status bad, const char *file,
                              unsigned long line, rxc_error *err) {
  const char **tmp = rxc__malloc((fr->n ? fr->n : 1) * sizeof *tmp);
  if (!tmp) {
    rxc_error_set(err, RXC_ENOMEM, file, line, 0, "out of memory");
    return RXC_ENOMEM;
  }
  if (fr->len) fr->bytes[fr->len] = '\0';
  for (size_t i = 0; i < fr->n; i++) {
    const char *p = fr->bytes + fr->spans[i].off;
    if (memchr(p, '\0', fr->spans[i].len)) {
      rxc__free(tmp);
      rxc_error_set(err, bad, file, line, (unsigned long)i + 1,
                    "column name %zu holds a NUL byte", i + 1);
      return bad;
    }
    tmp[i] = p;
  }
  /* The spans end where the next begins: NUL-terminate copies instead. */
  char **block = NULL;
  size_t total = 0;
  for (size_t i = 0; i < fr->n; i++) total += fr->spans[i].len + 1;
  block = rxc__malloc((fr->n + 1) * sizeof(char *) + total);
  rxc__free(tmp);
  if (!block) {
    rxc_error_set(err, RXC_ENOMEM, file, line, 0, "out of memory");
    return RXC_ENOMEM;
  }
  char *p = (char *)(block + fr->n + 1);
  for (size_t i = 0; i < fr->n; i++) {
    size_t len = fr->spans[i].len;
    if (len) memcpy(p, fr->bytes + fr->spans[i].off, len);
    p[len] = '\0';
    block[i] = p;
    p += len + 1;
  }
  block[fr->n] = NULL;
  *names = block;
  *n = fr->n;
  return RXC_OK;
}

/* `spaces`: keep spaces around fields as data (a header row, read as the
 * reader reads rows), or let libcsv trim them (a typed list, where
 * "a, \"b, c\"" should work; the schema trims names anyway). */
static int first_parser(struct csv_parser *p, int spaces) {
  if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0) return -1;
  if (spaces) csv_set_space_func(p, no_space);
  csv_set_realloc_func(p, csv_realloc);
  csv_set_free_func(p, rxc__free);
  return 0;
}

void rxc_header_free(char **names, size_t n) {
  (void)n; /* one block */
  rxc__free(names);
}

rxc_status rxc_header_read(const char *path, char ***names, size_t *n,
                           rxc_error *err) {
  *names = NULL;
  *n = 0;
  const char *file = path && strcmp(path, "-") != 0 ? path : "<stdin>";
  FILE *in = NULL;
  rxc_status st = rxc_table_open(path, &in, err);
  if (st != RXC_OK) return st;
  struct csv_parser p;
  if (first_parser(&p, 1) != 0) {
    if (in != stdin) fclose(in);
    rxc_error_set(err, RXC_ENOMEM, file, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  first_record fr;
  memset(&fr, 0, sizeof fr);
  char *line = NULL;
  size_t cap = 0, bytes = 0;
  unsigned long lineno = 0, start = 0;
  int in_record = 0;
  ssize_t got;
  st = RXC_OK;
  errno = 0;
  while (!fr.done && (got = getline(&line, &cap, in)) != -1) {
    const char *q = line;
    size_t len = (size_t)got;
    lineno++;
    if (lineno == 1) {
      if (len >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0) {
        q += 3;
        len -= 3;
      } else if (len >= 2 && (memcmp(q, "\xFF\xFE", 2) == 0 ||
                              memcmp(q, "\xFE\xFF", 2) == 0)) {
        rxc_error_set(err, RXC_EHEADER, file, 1, 0,
                      "the file is UTF-16; save it as UTF-8 CSV");
        st = RXC_EHEADER;
        break;
      }
    }
    if (!in_record) {
      if (is_blank(q, len)) continue;
      in_record = 1;
      start = lineno;
    }
    bytes += len;
    size_t used = csv_parse(&p, q, len, first_field, first_row, &fr);
    if (fr.nomem) {
      rxc_error_set(err, RXC_ENOMEM, file, start, 0, "out of memory");
      st = RXC_ENOMEM;
      break;
    }
    if (used < len && !fr.done) {
      rxc_error_set(err, RXC_EHEADER, file, start, (unsigned long)fr.n + 1,
                    "the header row has malformed quoting in field %zu: a "
                    "quote inside an unquoted field, or text after a "
                    "closing quote",
                    fr.n + 1);
      st = RXC_EHEADER;
      break;
    }
    if (!fr.done && bytes > HEADER_MAX) {
      rxc_error_set(err, RXC_EHEADER, file, start, 0,
                    "the header row is longer than %d bytes (is the file "
                    "CSV?)",
                    HEADER_MAX);
      st = RXC_EHEADER;
      break;
    }
  }
  if (st == RXC_OK && !fr.done && ferror(in)) {
    rxc_error_set(err, errno == ENOMEM ? RXC_ENOMEM : RXC_EIO, file,
                  lineno + 1, 0, "read error: %s",
                  errno ? strerror(errno) : "unknown");
    st = errno == ENOMEM ? RXC_ENOMEM : RXC_EIO;
  }
  if (st == RXC_OK && !fr.done && in_record &&
      csv_fini(&p, first_field, first_row, &fr) != 0) {
    rxc_error_set(err, RXC_EHEADER, file, start, (unsigned long)fr.n + 1,
                  "the header row has an unterminated quoted field");
    st = RXC_EHEADER;
  }
  if (st == RXC_OK && fr.nomem) {
    rxc_error_set(err, RXC_ENOMEM, file, start, 0, "out of memory");
    st = RXC_ENOMEM;
  }
  if (st == RXC_OK && !fr.done) {
    rxc_error_set(err, RXC_EHEADER, file, 0, 0, "no header row");
    st = RXC_EHEADER;
  }
  if (st == RXC_OK)
    st = first_names(&fr, names, n, RXC_EHEADER, file, start, err);
  csv_free(&p);
  free(line); /* getline's */
  first_free(&fr);
  if (in != stdin) fclose(in);
  return st;
}

rxc_status rxc_columns_parse(const char *spec, char ***names, size_t *n,
                             rxc_error *err) {
  *names = NULL;
  *n = 0;
  size_t len = spec ? strlen(spec) : 0;
  if (!spec || is_blank(spec, len)) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 1, 0, "no column names given");
    return RXC_EUSAGE;
  }
  struct csv_parser p;
  if (first_parser(&p, 0) != 0) {
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  first_record fr;
  memset(&fr, 0, sizeof fr);
  rxc_status st = RXC_OK;
  size_t used = csv_parse(&p, spec, len, first_field, first_row, &fr);
  if (!fr.nomem && used < len) {
    /* libcsv stops at the character at fault. */
    rxc_error_set(err, RXC_EUSAGE, NULL, 1, (unsigned long)used + 1,
                  "malformed quoting in name %zu (character %zu): quote a "
                  "name holding a comma or a quote, doubling its quotes",
                  fr.n + 1, used + 1);
    st = RXC_EUSAGE;
  } else if (!fr.nomem && csv_fini(&p, first_field, first_row, &fr) != 0) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 1, (unsigned long)len,
                  "name %zu has an opening quote and no closing one",
                  fr.n + 1);
    st = RXC_EUSAGE;
  }
  if (st == RXC_OK && fr.nomem) {
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    st = RXC_ENOMEM;
  }
  if (st == RXC_OK && fr.extra) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 1, 0,
                  "the names span more than one line; quote a name holding "
                  "a line break");
    st = RXC_EUSAGE;
  }
  if (st == RXC_OK && !fr.done) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 1, 0, "no column names given");
    st = RXC_EUSAGE;
  }
  if (st == RXC_OK) st = first_names(&fr, names, n, RXC_EUSAGE, NULL, 1, err);
  csv_free(&p);
  first_free(&fr);
  return st;
}
