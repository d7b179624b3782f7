/*
 * input_csv.c - the streaming CSV reader: a strict RFC 4180 parser, the
 * schema and the builder on top, one callback per record or reject, in
 * input order; and, with libcsv, the header of a headerless input.
 *
 * A regular file is read in large blocks (fread), anything else (a pipe,
 * standard input, a .csv.gz) a line at a time as it comes, into one buffer,
 * which is split into physical lines: a line ends at LF or at a CR not
 * followed by LF (CR-only files), and the line number when a record begins
 * is its start line. Records are parsed in place: a field is a slice of the buffer (a
 * quoted field's doubled quotes are undone where it lies), so no byte is
 * copied between the read and the callbacks; the buffer keeps the record in
 * progress across reads, and grows only for a record longer than itself.
 *
 * The parser is libcsv's state machine in strict mode (CSV_STRICT |
 * CSV_STRICT_FINI) with spaces kept as data, which is how the reader used
 * libcsv before: a quote in an unquoted field, or text after a closing
 * quote, is malformed; CR or LF ends a row outside quotes; empty lines
 * make no row. tests/unit/test_reader_oracle.c checks the two agree on
 * random inputs. Done here as before: the BOM, blank lines, recovery after
 * a quoting error (the rest of the line is dropped), an unterminated quote
 * at the end, and a bound on how much one runaway quoted field may buffer.
 * Scanning goes eight bytes at a time to the next comma, quote or line
 * end, where libcsv looked at every byte through a callback.
 *
 * Memory is bounded by the longest record: the buffer, the field spans and
 * the field array are reused from row to row, so reading allocates nothing
 * once the longest record has been seen.
 */
#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "input_int.h"
#include "rxcheck/input.h"
#include "rxcheck/layout.h"
#include "strutil.h"

enum {
  DEFAULT_MAX_FIELD = 1024 * 1024,
  /* Bytes asked of fread at a time; the buffer starts at twice this. */
  READ_BLOCK = 128 * 1024
};

/* Parser states, as libcsv names them. */
enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED };

/* Where a field's bytes sit: offsets from the record's first byte in the
 * buffer, because the buffer moves when it is refilled or grows. */
typedef struct span {
  size_t off;
  size_t len;
} span;

struct rxc_reader {
  size_t max_field;
  rxc_input_options opts; /* map, default_country, columns: our copies */
  char *map;
  char *country;
  char **columns; /* one block: the pointers, then the text */

  rxc_schema *schema;
  rxc_builder *builder;
  rxc_read_stats stats;
  /* Raw header mode (rxc_reader_set_header_handler). */
  int (*header_fn)(const rxc_str *fields, size_t n, unsigned long line,
                   void *ud);
  void *header_ud;

  /* The input buffer: [0, end) read, [pos, end) not yet split into
   * lines; a record in progress keeps [rec_base, end) across a refill. */
  char *buf;
  size_t cap, end, pos;
  size_t rec_base;
  char *line; /* getline's, when reading a line at a time */
  size_t line_cap;

  /* The parser; offsets relative to rec_base. */
  int pstate;
  int quoted;
  size_t fstart; /* the current field's first byte */
  size_t fw;     /* where its next byte goes (behind the read position
                    once a doubled quote has been undone) */
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

/* A copy of n names in one block: n + 1 pointers (the last NULL), then
 * the text. NULL names are taken as empty. */
static char **dup_names(const char *const *names, size_t n) {
  size_t text = 0;
  for (size_t i = 0; i < n; i++) text += (names[i] ? strlen(names[i]) : 0) + 1;
  if (n > (SIZE_MAX - text) / sizeof(char *) - 1) return NULL;
  char **block = rxc__malloc((n + 1) * sizeof(char *) + text);
  if (!block) return NULL;
  char *p = (char *)(block + n + 1);
  for (size_t i = 0; i < n; i++) {
    size_t len = names[i] ? strlen(names[i]) : 0;
    if (len) memcpy(p, names[i], len);
    p[len] = '\0';
    block[i] = p;
    p += len + 1;
  }
  block[n] = NULL;
  return block;
}

/* A line number as reported: offset by line_offset (saturating); 0, "no
 * line", stays 0. */
static unsigned long out_line(const rxc_reader *r, unsigned long line) {
  if (!line) return 0;
  unsigned long off = r->opts.line_offset;
  return line > (unsigned long)-1 - off ? (unsigned long)-1 : line + off;
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
  if (r->opts.columns) r->columns = dup_names(r->opts.columns,
                                              r->opts.ncolumns);
  if ((r->opts.map && !r->map) || (r->opts.default_country && !r->country) ||
      (r->opts.columns && !r->columns)) {
    rxc_reader_free(r);
    return RXC_ENOMEM;
  }
  r->opts.map = r->map;
  r->opts.default_country = r->country;
  r->opts.columns = (const char *const *)r->columns;
  if (!r->columns) r->opts.ncolumns = 0;
  if (!r->opts.today.year) r->opts.today = rxc_date_today();
  *out = r;
  return RXC_OK;
}

static void reset_run(rxc_reader *r) {
  rxc_builder_free(r->builder);
  rxc_schema_free(r->schema);
  r->builder = NULL;
  r->schema = NULL;
}

void rxc_reader_free(rxc_reader *r) {
  if (!r) return;
  reset_run(r);
  rxc__free(r->buf);
  free(r->line); /* getline allocates with malloc */
  rxc__free(r->spans);
  rxc__free(r->fields);
  rxc__free(r->map);
  rxc__free(r->country);
  rxc__free(r->columns);
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

/* ---- records ------------------------------------------------------------ */

static void fail(rxc_reader *r, rxc_status st) {
  if (r->status == RXC_OK) r->status = st;
}

static void clear_record(rxc_reader *r) { r->nspans = 0; }

/* The parser starts afresh, between rows. */
static void reset_parser(rxc_reader *r) {
  r->pstate = ROW_NOT_BEGUN;
  r->quoted = 0;
  r->fstart = r->fw = 0;
}

/* One field ends: [off, off + len) from rec_base. The fields of a record
 * being discarded are not kept (as libcsv's field callback did not). */
static void push_field(rxc_reader *r, size_t off, size_t len) {
  if (r->discard || r->status != RXC_OK) return;
  if (r->nspans == r->spans_cap &&
      rxc__grow((void **)&r->spans, &r->spans_cap, r->nspans + 1,
                sizeof *r->spans) != 0) {
    fail(r, RXC_ENOMEM);
    return;
  }
  r->spans[r->nspans].off = off;
  r->spans[r->nspans].len = len;
  r->nspans++;
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
  rej.line = out_line(r, r->rec_start);
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
  rxc_error_set(r->err, RXC_EHEADER, r->name, out_line(r, r->rec_start), 0,
                "the header row %s", what);
  return RXC_EHEADER;
}

/* Maps the header: the first record read, or (given, line 0) the names of
 * options.columns for a headerless input. */
static void take_header(rxc_reader *r, const rxc_str *f, size_t n,
                        int given) {
  unsigned long line = given ? 0 : out_line(r, r->rec_start);
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

/* The end of a record. */
static void row_end(rxc_reader *r) {
  unsigned long start = r->rec_start;
  r->in_record = 0;
  r->pstate = ROW_NOT_BEGUN;
  /* Another record can follow on the same physical line only after a lone
   * CR; it would start on this line. */
  r->rec_start = r->lineno;
  if (r->discard || r->status != RXC_OK) {
    r->discard = 0;
    clear_record(r);
    return;
  }
  size_t n = r->nspans;
  if (n > r->fields_cap &&
      rxc__grow((void **)&r->fields, &r->fields_cap, n, sizeof *r->fields) !=
          0) {
    fail(r, RXC_ENOMEM);
    return;
  }
  const char *base = r->buf + r->rec_base;
  for (size_t i = 0; i < n; i++)
    r->fields[i] = (rxc_str){base + r->spans[i].off, r->spans[i].len};
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
  start = out_line(r, start);
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
  clear_record(r); /* after the callback: rec points into the buffer */
}

/* ---- the parser ---------------------------------------------------------- */

/* The first comma, quote, CR or LF in s[i, n), or n: eight bytes at a time
 * (a byte equal to c has its high bit set in the result, the lowest such
 * byte exactly). */
static inline uint64_t bytes_equal(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (0x0101010101010101ULL * c);
  return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

static size_t find_special(const char *s, size_t i, size_t n) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    uint64_t m = bytes_equal(w, ',') | bytes_equal(w, '"') |
                 bytes_equal(w, '\n') | bytes_equal(w, '\r');
    if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
  }
#endif
  for (; i < n; i++) {
    char c = s[i];
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return i;
  }
  return n;
}

/* Parses buf[a, b), a part of one physical line in the current record
 * (rec_base <= a). Returns 0, or -1 on malformed quoting (the caller
 * recovers). Stops early once the run has failed. */
static int parse(rxc_reader *r, size_t a, size_t b) {
  char *s = r->buf;
  size_t base = r->rec_base;
  size_t i = a;
  while (i < b && r->status == RXC_OK) {
    switch (r->pstate) {
      case ROW_NOT_BEGUN:
      case FIELD_NOT_BEGUN: {
        char c = s[i];
        if (c == '\n' || c == '\r') {
          i++;
          /* Empty lines make no row; a line ending after a comma ends a
           * row with an empty last field. */
          if (r->pstate == FIELD_NOT_BEGUN) {
            push_field(r, i - 1 - base, 0);
            row_end(r);
            if (r->status != RXC_OK) return 0;
          }
          continue;
        }
        if (c == ',') {
          push_field(r, i - base, 0);
          r->pstate = FIELD_NOT_BEGUN;
          i++;
          continue;
        }
        r->pstate = FIELD_BEGUN;
        if (c == '"') {
          r->quoted = 1;
          i++;
          r->fstart = r->fw = i - base;
          continue;
        }
        r->quoted = 0;
        r->fstart = i - base;
        i++;
      } /* fall through: the rest of the unquoted field */
      /* FALLTHRU */
      case FIELD_BEGUN:
        if (!r->quoted) {
          size_t j = find_special(s, i, b);
          if (j == b) { /* the field goes on (only at the end of input) */
            r->fw = b - base;
            return 0;
          }
          if (s[j] == '"') return -1; /* a quote inside an unquoted field */
          push_field(r, r->fstart, j - base - r->fstart);
          i = j + 1;
          if (s[j] == ',') {
            r->pstate = FIELD_NOT_BEGUN;
          } else {
            row_end(r);
            if (r->status != RXC_OK) return 0;
          }
          continue;
        } else {
          const char *q = memchr(s + i, '"', b - i);
          size_t j = q ? (size_t)(q - s) : b;
          size_t w = base + r->fw;
          if (w != i) memmove(s + w, s + i, j - i);
          r->fw += j - i;
          if (!q) return 0; /* a line break inside quotes: goes on */
          r->pstate = FIELD_MIGHT_HAVE_ENDED;
          i = j + 1;
          continue;
        }
      case FIELD_MIGHT_HAVE_ENDED: {
        char c = s[i];
        if (c == '"') { /* a doubled quote: one quote of data */
          s[base + r->fw] = '"';
          r->fw++;
          r->pstate = FIELD_BEGUN;
          i++;
          continue;
        }
        if (c == ',') {
          push_field(r, r->fstart, r->fw - r->fstart);
          r->pstate = FIELD_NOT_BEGUN;
          i++;
          continue;
        }
        if (c == '\n' || c == '\r') {
          push_field(r, r->fstart, r->fw - r->fstart);
          i++;
          row_end(r);
          if (r->status != RXC_OK) return 0;
          continue;
        }
        return -1; /* text after a closing quote */
      }
      default:
        return 0;
    }
  }
  return 0;
}

/* The length of the field being read, as libcsv counted it (a quote that
 * may close the field included). */
static size_t field_so_far(const rxc_reader *r) {
  switch (r->pstate) {
    case FIELD_BEGUN: return r->fw - r->fstart;
    case FIELD_MIGHT_HAVE_ENDED: return r->fw - r->fstart + 1;
    default: return 0;
  }
}

/* At the end of the input: the last row, unless a quoted field is open
 * (-1). */
static int finish(rxc_reader *r) {
  if (r->pstate == FIELD_BEGUN && r->quoted) return -1;
  if (r->pstate != ROW_NOT_BEGUN) {
    if (r->pstate == FIELD_NOT_BEGUN)
      push_field(r, r->end - r->rec_base, 0);
    else
      push_field(r, r->fstart, r->fw - r->fstart);
    row_end(r);
  }
  reset_parser(r);
  return 0;
}

/* ---- lines --------------------------------------------------------------- */

/* A line of nothing but spaces, tabs and its line end, outside a record. */
static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
      return 0;
  return 1;
}

static void feed(rxc_reader *r, size_t a, size_t b);
static void skip_quoted(rxc_reader *r, size_t a, size_t b);

/* Starts a record at buf[a]. */
static void begin_record(rxc_reader *r, size_t a) {
  r->rec_base = a;
  clear_record(r);
  reset_parser(r);
}

/* One physical line, buf[a, b): skipped through a runaway quoted field,
 * counted when blank between records, else parsed. */
static void take_line(rxc_reader *r, size_t a, size_t b) {
  if (r->skipping) {
    skip_quoted(r, a, b);
    return;
  }
  if (!r->in_record) {
    if (is_blank(r->buf + a, b - a)) {
      r->stats.blank_lines++;
      return;
    }
    r->in_record = 1;
    r->rec_start = r->lineno;
    begin_record(r, a);
  }
  feed(r, a, b);
}

/* After malformed quoting: reject the row; the rest of the line is
 * dropped, and reading resumes with the next line. */
static void recover(rxc_reader *r) {
  size_t field = r->nspans + 1;
  if (!r->have_header) {
    fail(r, header_error(r, "has malformed quoting"));
    return;
  }
  if (!r->discard) reader_reject(r, RXC_REJ_QUOTE, field);
  r->discard = 0;
  r->in_record = 0;
  r->rec_start = r->lineno;
  clear_record(r);
  reset_parser(r);
}

static void feed(rxc_reader *r, size_t a, size_t b) {
  if (parse(r, a, b) != 0) {
    if (r->status == RXC_OK) recover(r);
    return;
  }
  if (r->status != RXC_OK) return;
  /* A record still open after a whole line is inside a quoted field. If
   * that field has outgrown the limit, reject the row now and skip to its
   * closing quote, rather than buffer the rest of the file behind one
   * stray quote. */
  if (r->in_record && field_so_far(r) > r->max_field) {
    if (!r->have_header) {
      fail(r, header_error(r, "has a field longer than the limit"));
      return;
    }
    if (!r->discard) reader_reject(r, RXC_REJ_TOO_LONG, r->nspans + 1);
    r->discard = 1;
    r->skipping = 1;
    clear_record(r);
    reset_parser(r);
  }
}

/* In a runaway quoted field: look for its closing quote on this line, then
 * parse the rest of the record (still discarded) from there. */
static void skip_quoted(rxc_reader *r, size_t a, size_t b) {
  const char *p = r->buf;
  for (size_t i = a; i < b; i++) {
    if (p[i] != '"') continue;
    if (i + 1 < b && p[i + 1] == '"') {
      i++; /* a doubled quote is data */
      continue;
    }
    r->skipping = 0;
    if (is_blank(p + i + 1, b - i - 1)) {
      /* The field ended the record. */
      r->in_record = 0;
      r->discard = 0;
    } else {
      begin_record(r, i + 1);
      feed(r, i + 1, b);
    }
    return;
  }
}

/* ---- reading ------------------------------------------------------------- */

/* Makes room to read `need` bytes: drops what no longer matters
 * (everything before the record in progress, or before the line being
 * split), then grows the buffer when less is free. Offsets into the buffer
 * move by what was dropped. */
static int make_room(rxc_reader *r, size_t need) {
  size_t keep = r->in_record && !r->skipping ? r->rec_base : r->pos;
  if (keep > r->pos) keep = r->pos;
  if (keep > 0) {
    size_t n = r->end - keep;
    if (n) memmove(r->buf, r->buf + keep, n);
    r->end = n;
    r->pos -= keep;
    if (r->in_record && !r->skipping) r->rec_base -= keep;
  }
  if (r->cap - r->end < need) {
    size_t want = r->cap ? r->cap : 2 * READ_BLOCK;
    while (want - r->end < need) {
      if (want > SIZE_MAX / 2) return -1;
      want *= 2;
    }
    char *nb = rxc__realloc(r->buf, want);
    if (!nb) return -1;
    r->buf = nb;
    r->cap = want;
  }
  return 0;
}

/* Whether `in` may be read in large blocks: a regular file, where fread
 * returns at once. fread fills its whole request, so on a pipe, a FIFO, a
 * terminal or a stream made with fopencookie (standard input being hashed
 * as it is read, a .csv.gz) it would wait for a block's worth of input,
 * holding back rows already written to the pipe, and not return when a
 * signal interrupts the wait; those are read a line at a time (getline),
 * as they come. */
static int reads_blocks(FILE *in) {
  int fd = fileno(in);
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads more input into the buffer. Returns 1 when bytes were added, 0 at
 * the end of the input or on an error (*failed: its errno), -1 to try again
 * (a read interrupted by a signal), -2 out of memory. */
static int refill(rxc_reader *r, FILE *in, int blocks, int *failed) {
  if (blocks) {
    if (make_room(r, READ_BLOCK) != 0) return -2;
    size_t want = r->cap - r->end;
    errno = 0;
    size_t got = fread(r->buf + r->end, 1, want, in);
    r->end += got;
    if (got == want) return 1;
    if (ferror(in)) {
      if (errno == EINTR) {
        clearerr(in);
        return got ? 1 : -1;
      }
      *failed = errno ? errno : EIO;
    }
    return got ? 1 : 0;
  }
  errno = 0;
  ssize_t got = getline(&r->line, &r->line_cap, in);
  if (got == -1) {
    /* A signal interrupted a read that was waiting (a pipe, a FIFO):
     * stop when asked to, else read on. */
    if (ferror(in) && errno == EINTR) {
      clearerr(in);
      return -1;
    }
    /* getline fails without marking the stream when a line cannot be
     * held in memory: that is no end of input, and the rows after it must
     * not be silently lost. */
    if (ferror(in) || !feof(in)) *failed = errno ? errno : EIO;
    return 0;
  }
  if (make_room(r, (size_t)got) != 0) return -2;
  memcpy(r->buf + r->end, r->line, (size_t)got);
  r->end += (size_t)got;
  return 1;
}

/* Splits buf[a, b) (one line as fread sees it, ending with LF or at the end
 * of input) at CRs not followed by LF, counting each part as a line. */
static void take_lines(rxc_reader *r, size_t a, size_t b) {
  const char *p = r->buf;
  for (;;) {
    const char *cr;
    size_t len = b - a;
    if (len > 1 && (cr = memchr(p + a, '\r', len - 1)) != NULL &&
        cr[1] != '\n') {
      size_t seg = (size_t)(cr - p) + 1;
      r->lineno++;
      r->stats.lines++;
      take_line(r, a, seg);
      if (r->status != RXC_OK) return;
      a = seg;
      continue;
    }
    r->lineno++;
    r->stats.lines++;
    take_line(r, a, b);
    return;
  }
}

static void start_run(rxc_reader *r, const char *name,
                      const rxc_reader_callbacks *cb, rxc_error *err) {
  reset_run(r);
  memset(&r->stats, 0, sizeof r->stats);
  clear_record(r);
  reset_parser(r);
  r->cb = cb;
  r->err = err;
  r->name = name ? name : "-";
  r->lineno = r->rec_start = r->number = 0;
  r->in_record = r->discard = r->skipping = r->have_header = 0;
  r->end = r->pos = r->rec_base = 0;
  r->status = RXC_OK;
}

/* A headerless input's header: the names of options.columns, mapped
 * before anything is read. */
static void take_given_header(rxc_reader *r) {
  size_t n = r->opts.ncolumns;
  rxc_str *f = rxc__malloc((n ? n : 1) * sizeof *f);
  if (!f) {
    fail(r, RXC_ENOMEM);
    return;
  }
  for (size_t i = 0; i < n; i++)
    f[i] = (rxc_str){r->columns[i], strlen(r->columns[i])};
  take_header(r, f, n, 1);
  rxc__free(f);
}

/* The first line: a UTF-8 BOM is dropped; UTF-16 is named. Returns the
 * bytes to skip, or -1. */
static int first_line(rxc_reader *r, size_t a, size_t b, rxc_error *err) {
  const char *p = r->buf + a;
  size_t len = b - a;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) return 3;
  if (len >= 2 &&
      (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0)) {
    /* Spreadsheets offer "Unicode text"; say so rather than list a header
     * of NUL bytes. */
    rxc_error_set(err, RXC_EHEADER, r->name, out_line(r, 1), 0,
                  "the input is UTF-16; save it as UTF-8 CSV");
    fail(r, RXC_EHEADER);
    return -1;
  }
  return 0;
}

rxc_status rxc_reader_run(rxc_reader *r, FILE *in, const char *name,
                          const rxc_reader_callbacks *cb, rxc_error *err) {
  start_run(r, name, cb, err);
  if (r->columns) take_given_header(r);
  int blocks = reads_blocks(in);
  int eof = 0, read_failed = 0;
  size_t scanned = 0; /* [pos, pos + scanned) holds no LF */
  while (r->status == RXC_OK) {
    /* The next line: up to its LF, or to the end of the input. */
    const char *lf = NULL;
    if (r->pos + scanned < r->end)
      lf = memchr(r->buf + r->pos + scanned, '\n', r->end - r->pos - scanned);
    if (!lf && !eof) {
      scanned = r->end - r->pos;
      if (r->opts.stop && *r->opts.stop) {
        fail(r, RXC_ESTOP);
        break;
      }
      int k = refill(r, in, blocks, &read_failed);
      if (k == -2) {
        fail(r, RXC_ENOMEM);
        break;
      }
      if (k == 0) eof = 1; /* what was read is still split into lines */
      continue;
    }
    size_t a = r->pos;
    size_t b = lf ? (size_t)(lf - r->buf) + 1 : r->end;
    if (a == b) break; /* the end of the input */
    if (r->opts.stop && *r->opts.stop) {
      fail(r, RXC_ESTOP);
      break;
    }
    r->pos = b;
    scanned = 0;
    if (r->lineno == 0) {
      int skip = first_line(r, a, b, err);
      if (skip < 0) break;
      a += (size_t)skip;
    }
    take_lines(r, a, b);
  }
  if (r->status == RXC_OK && read_failed) {
    rxc_status st = read_failed == ENOMEM ? RXC_ENOMEM : RXC_EIO;
    rxc_error_set(err, st, r->name, out_line(r, r->lineno + 1), 0,
                  "read error: %s", strerror(read_failed));
    fail(r, st);
  }
  if (r->status == RXC_OK && !r->skipping && r->in_record && finish(r) != 0) {
    /* Only a quoted field still open at the end fails. */
    if (!r->have_header)
      fail(r, header_error(r, "has an unterminated quoted field"));
    else
      reader_reject(r, RXC_REJ_UNTERMINATED, r->nspans + 1);
  }
  clear_record(r);
  reset_parser(r);
  if (r->status == RXC_OK && !r->have_header) {
    rxc_error_set(err, RXC_EHEADER, r->name, 0, 0, "no header row");
    return RXC_EHEADER;
  }
  switch (r->status) {
    case RXC_ESTOP:
      rxc_error_set(err, RXC_ESTOP, r->name, out_line(r, r->lineno), 0,
                    "stopped by the caller");
      break;
    case RXC_ENOMEM:
      rxc_error_set(err, RXC_ENOMEM, r->name, out_line(r, r->lineno), 0,
                    "out of memory");
      break;
    default:
      break; /* RXC_OK; EHEADER and EIO already set err */
  }
  return r->status;
}

/* ---- headers for headerless input (libcsv) ------------------------------- */

/* RFC 4180 keeps spaces around unquoted fields as data; libcsv's default
 * would trim them. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static void *csv_realloc(void *p, size_t n) { return rxc__realloc(p, n); }

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
