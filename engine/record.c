/*
 * record.c - the builder: one row of raw fields in, one normalised record
 * (or one reject) out.
 *
 * Every row that cannot be checked becomes a reject naming its line, the
 * first column at fault and what was expected; a reject message never
 * quotes the value, since values are patient data. The builder owns every
 * per-row array and buffer and reuses them, so once the largest row has
 * been seen it allocates nothing: the reader calls it for every row of
 * exports with millions of rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "amount.h"
#include "rxcheck/input.h"
#include "strutil.h"

static const char *const reject_ids[] = {
#define RXC_X_(name, id, text) id,
    RXC_REJECT_MAP(RXC_X_)
#undef RXC_X_
};

static const char *const reject_texts[] = {
#define RXC_X_(name, id, text) text,
    RXC_REJECT_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_reject_id(rxc_reject_reason r) {
  if ((unsigned)r >= RXC_REJ__COUNT) return "unknown";
  return reject_ids[r];
}

const char *rxc_reject_text(rxc_reject_reason r) {
  if ((unsigned)r >= RXC_REJ__COUNT) return "unknown reason";
  return reject_texts[r];
}

enum {
  DEFAULT_MAX_FIELD = 1024 * 1024,
  MAX_AGE = 130,
  LABEL_HEADER_MAX = 40 /* bytes of header text quoted in a message */
};
static const double MAX_MG = 100000.0;

struct rxc_builder {
  const rxc_schema *schema;
  size_t ncol;
  size_t max_field;
  rxc_date today;
  char default_country[3];
  int col[RXC_F__COUNT]; /* the schema's columns, cached */
  char **labels; /* per column: "column 'DOB' (birth_date)" */
  rxc_record rec;
  rxc_code *dx;
  size_t dx_cap;
  rxc_str *comed;
  size_t comed_cap;
  char *codes; /* normalised code text the rxc_code items point into */
  size_t codes_cap;
  int lists_pending; /* rec was built lazily; its lists are not split */
};

/* Upper-cases a country, maps the UK's common "UK" to ISO "GB", and
 * checks it is two ASCII letters. Returns 1 and fills out[3], or 0. */
static inline int country_code(rxc_str s, char out[3]) {
  s = rxc__trim(s);
  if (s.len != 2 || !rxc__isalpha((unsigned char)s.ptr[0]) ||
      !rxc__isalpha((unsigned char)s.ptr[1]))
    return 0;
  out[0] = (char)rxc__upper((unsigned char)s.ptr[0]);
  out[1] = (char)rxc__upper((unsigned char)s.ptr[1]);
  out[2] = '\0';
  if (out[0] == 'U' && out[1] == 'K') out[0] = 'G', out[1] = 'B';
  return 1;
}

/* Copies header text for a message: at most LABEL_HEADER_MAX bytes, cut
 * on a character boundary; control bytes and invalid UTF-8 become '?', so
 * a message is always printable. */
static size_t clean_header(const char *h, char *out) {
  const unsigned char *p = (const unsigned char *)h;
  size_t n = strlen(h), i = 0, o = 0;
  while (i < n) {
    size_t k = p[i] < 0x80 ? 1 : rxc__utf8_seq(p + i, n - i);
    if (o + (k ? k : 1) > LABEL_HEADER_MAX) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
      out[o++] = '?';
      i++;
    } else {
      memcpy(out + o, p + i, k);
      o += k;
      i += k;
    }
  }
  out[o] = '\0';
  return o;
}

/* Builds the per-column labels used in reject messages once, so a reject
 * costs one snprintf. */
static int make_labels(rxc_builder *b) {
  enum { LABEL_MAX = 8 + LABEL_HEADER_MAX + 3 + 32 };
  size_t n = b->ncol;
  b->labels = rxc__malloc(n * (sizeof(char *) + LABEL_MAX));
  if (!b->labels) return -1;
  char *text = (char *)(b->labels + n);
  for (size_t i = 0; i < n; i++) {
    char head[LABEL_HEADER_MAX + 4];
    clean_header(rxc_schema_header(b->schema, i), head);
    const char *canon = NULL;
    for (int f = 0; f < RXC_F__COUNT; f++)
      if (rxc_schema_column(b->schema, (rxc_field)f) == (int)i)
        canon = rxc_field_name((rxc_field)f);
    char *l = text + i * LABEL_MAX;
    if (!head[0])
      snprintf(l, LABEL_MAX, "column %zu%s%s%s", i + 1, canon ? " (" : "",
               canon ? canon : "", canon ? ")" : "");
    else if (canon && strcmp(canon, head) != 0)
      snprintf(l, LABEL_MAX, "column '%s' (%s)", head, canon);
    else
      snprintf(l, LABEL_MAX, "column '%s'", head);
    b->labels[i] = l;
  }
  return 0;
}

rxc_status rxc_builder_new(const rxc_schema *schema,
                           const rxc_input_options *o, rxc_builder **out) {
  *out = NULL;
  if (!schema) return RXC_EUSAGE;
  rxc_builder *b = rxc__calloc(1, sizeof *b);
  if (!b) return RXC_ENOMEM;
  b->schema = schema;
  b->ncol = rxc_schema_ncolumns(schema);
  for (int f = 0; f < RXC_F__COUNT; f++)
    b->col[f] = rxc_schema_column(schema, (rxc_field)f);
  b->max_field = o && o->max_field ? o->max_field : DEFAULT_MAX_FIELD;
  b->today = o && o->today.year ? o->today : rxc_date_today();
  if (o && o->default_country && o->default_country[0]) {
    rxc_str c = {o->default_country, strlen(o->default_country)};
    if (!country_code(c, b->default_country)) {
      rxc__free(b);
      return RXC_EUSAGE;
    }
  }
  if (make_labels(b) != 0) {
    rxc__free(b);
    return RXC_ENOMEM;
  }
  *out = b;
  return RXC_OK;
}

void rxc_builder_free(rxc_builder *b) {
  if (!b) return;
  rxc__free(b->labels);
  rxc__free(b->dx);
  rxc__free(b->comed);
  rxc__free(b->codes);
  rxc__free(b);
}

/* Most fields are plain ASCII: test eight bytes at a time before the
 * byte-wise UTF-8 check, which is then only run on the rest. */
static int is_ascii(rxc_str s) {
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t i = 0;
  for (; i + 8 <= s.len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) return 0;
  }
  for (; i < s.len; i++)
    if (p[i] & 0x80) return 0;
  return 1;
}

/* The OR of a field's bytes, for a whole row's ASCII test with one branch
 * at the end: fields are short, and a branch per word or byte cost more
 * than the test itself. */
static inline uint64_t or_bytes(rxc_str s) {
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t n = s.len;
  if (n >= 8) { /* whole words, the last one overlapping */
    uint64_t acc = 0, w;
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&w, p + i, 8);
      acc |= w;
    }
    memcpy(&w, p + n - 8, 8);
    return acc | w;
  }
  if (n >= 4) { /* two halves, overlapping */
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + n - 4, 4);
    return a | b;
  }
  return n ? (uint64_t)(p[0] | p[n / 2] | p[n - 1]) : 0;
}

/* 1 when the fields lie back to back in memory, each starting where the
 * one before ends: the reader and the pipeline keep a row's fields so, in
 * one buffer. Compared as integers: the fields of a row made by hand may
 * be unrelated objects. */
static inline int adjacent(const rxc_str *fields, size_t n) {
  uintptr_t end = (uintptr_t)fields[0].ptr + fields[0].len;
  for (size_t i = 1; i < n; i++) {
    if ((uintptr_t)fields[i].ptr != end) return 0;
    end += fields[i].len;
  }
  return 1;
}

/* ---- value parsers ------------------------------------------------------
 * By hand rather than strtod/strtol: those follow the locale (a decimal
 * comma would change what "12.5" means), accept hex, exponents and
 * "inf", and need NUL-terminated input. Amounts in mg are read by
 * amount.c, shared with the layouts. */

typedef enum { NUM_OK, NUM_BAD, NUM_RANGE } num_result;

/* A whole number of years: digits, optionally signed. */
static num_result parse_age(rxc_str s, int *out) {
  size_t i = 0;
  int neg = 0;
  if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
    neg = s.ptr[i++] == '-';
  if (i == s.len) return NUM_BAD;
  long v = 0;
  for (; i < s.len; i++) {
    int c = (unsigned char)s.ptr[i];
    if (!rxc__isdigit(c)) return NUM_BAD;
    if (v <= MAX_AGE) v = v * 10 + (c - '0'); /* stops before overflow */
  }
  if ((neg && v != 0) || v > MAX_AGE) return NUM_RANGE;
  *out = (int)v;
  return NUM_OK;
}

/* ---- rejects ----------------------------------------------------------- */

/* Keeps the reject of the leftmost column, so a user fixing a row sees
 * the faults in reading order. */
typedef struct pending {
  int set;
  size_t col; /* 0-based */
  rxc_reject_reason reason;
  const char *what;
} pending;

static void flag(pending *p, int col, rxc_reject_reason reason,
                 const char *what) {
  if (p->set && p->col <= (size_t)col) return;
  p->set = 1;
  p->col = (size_t)col;
  p->reason = reason;
  p->what = what;
}

static int reject(rxc_reject *rej, unsigned long line, size_t col,
                  rxc_reject_reason reason) {
  rej->line = line;
  rej->column = (unsigned long)col;
  rej->reason = reason;
  rej->message[0] = '\0';
  return 0;
}

/* ---- lists ------------------------------------------------------------- */

/* Capacity for `need` items of `size` bytes: the inline test first, as
 * this runs for every row. */
static inline int reserve(void **p, size_t *cap, size_t need, size_t size) {
  return need <= *cap ? 0 : rxc__grow(p, cap, need, size);
}

/* The end of the list item that starts at s[i]: the next ';' or '|', or
 * the end. */
static inline size_t item_end(rxc_str s, size_t i) {
  while (i < s.len && s.ptr[i] != ';' && s.ptr[i] != '|') i++;
  return i;
}

/* Parses the drug code into the builder's code buffer, grown here for the
 * lists' codes too (so that the lists, split later or not at all, never
 * move it). The lists are left empty. */
static int build_drug_code(rxc_builder *b, rxc_record *r) {
  rxc_str dx = r->canon[RXC_F_DIAGNOSIS_CODES];
  rxc_str dc = r->canon[RXC_F_DRUG_CODE];
  /* Each code needs its length plus a NUL; the items of a list are
   * shorter than the list, and there are at most len + 1 of them. */
  size_t need = 2 * dx.len + dc.len + 3;
  if (reserve((void **)&b->codes, &b->codes_cap, need, 1) != 0) return -1;
  rxc_code_parse(dc.ptr, dc.len, 1, b->codes, &r->drug_code);
  r->ndx = 0;
  r->dx = b->dx;
  r->ncomed = 0;
  r->comed = b->comed;
  return 0;
}

/* Splits the lists (';' or '|', items trimmed, empty ones dropped) in one
 * pass each and parses the diagnosis codes into the builder's buffers,
 * which grow only when this row has more items than any before. */
static int build_lists(rxc_builder *b, rxc_record *r) {
  rxc_str dx = r->canon[RXC_F_DIAGNOSIS_CODES];
  rxc_str cm = r->canon[RXC_F_CO_MEDICATIONS];
  char *buf = b->codes + r->drug_code.code.len + 1;
  size_t n = 0;
  for (size_t i = 0; i < dx.len;) {
    size_t end = item_end(dx, i);
    rxc_str it = rxc__trim((rxc_str){dx.ptr + i, end - i});
    i = end + 1;
    if (!it.len) continue;
    if (reserve((void **)&b->dx, &b->dx_cap, n + 1, sizeof *b->dx) != 0)
      return -1;
    rxc_code_parse(it.ptr, it.len, 0, buf, &b->dx[n]);
    buf += b->dx[n].code.len + 1;
    n++;
  }
  r->ndx = n;
  r->dx = b->dx;
  n = 0;
  for (size_t i = 0; i < cm.len;) {
    size_t end = item_end(cm, i);
    rxc_str it = rxc__trim((rxc_str){cm.ptr + i, end - i});
    i = end + 1;
    if (!it.len) continue;
    if (reserve((void **)&b->comed, &b->comed_cap, n + 1, sizeof *b->comed) !=
        0)
      return -1;
    b->comed[n++] = it;
  }
  r->ncomed = n;
  r->comed = b->comed;
  return 0;
}

/* ---- the builder ------------------------------------------------------- */

rxc_str rxc_record_field(const rxc_record *rec, rxc_field f) {
  rxc_str none = {NULL, 0};
  if (!rec || (unsigned)f >= RXC_F__COUNT) return none;
  if (!rec->columns) return rec->canon[f].len ? rec->canon[f] : none;
  int c = rec->columns[f];
  if (c < 0 || (size_t)c >= rec->nfields || !rec->fields) return none;
  return rec->fields[c];
}

static const char *const expect_date =
    "is not a valid date; expected YYYY-MM-DD (a time may follow)";

/* rxc_builder_build, with the lists split (lazy 0) or left for
 * rxc_builder_lists. */
static int build(rxc_builder *b, const rxc_str *fields, size_t n,
                 unsigned long line, unsigned long number, int lazy,
                 const rxc_record **out, rxc_reject *rej) {
  *out = NULL;
  b->lists_pending = 0;
  if (n != b->ncol) {
    reject(rej, line, (n < b->ncol ? n : b->ncol) + 1, RXC_REJ_FIELD_COUNT);
    snprintf(rej->message, sizeof rej->message,
             "expected %zu fields as in the header, found %zu", b->ncol, n);
    return 0;
  }
  /* Every field within the limit and ASCII, as nearly all are: one pass
   * and one test. Otherwise the first field at fault, in order. */
  uint64_t bits = 0;
  size_t longest = 0;
  if (n && adjacent(fields, n)) {
    /* The row is one run of bytes: read it in whole words, rather than
     * field by field. No field is longer than the row; when the row is,
     * the loop below looks at each field. */
    size_t skip = (size_t)((uintptr_t)fields[n - 1].ptr -
                           (uintptr_t)fields[0].ptr);
    rxc_str row = {fields[0].ptr, skip + fields[n - 1].len};
    bits = or_bytes(row);
    longest = row.len;
  } else {
    for (size_t i = 0; i < n; i++) {
      bits |= or_bytes(fields[i]);
      if (fields[i].len > longest) longest = fields[i].len;
    }
  }
  if ((bits & 0x8080808080808080ULL) || longest > b->max_field) {
    for (size_t i = 0; i < n; i++) {
      if (fields[i].len > b->max_field) {
        reject(rej, line, i + 1, RXC_REJ_TOO_LONG);
        snprintf(rej->message, sizeof rej->message,
                 "%s is longer than the limit of %zu bytes", b->labels[i],
                 b->max_field);
        return 0;
      }
      if (!is_ascii(fields[i]) &&
          !rxc__utf8_valid(fields[i].ptr, fields[i].len)) {
        reject(rej, line, i + 1, RXC_REJ_UTF8);
        snprintf(rej->message, sizeof rej->message,
                 "%s is not valid UTF-8", b->labels[i]);
        return 0;
      }
    }
  }

  rxc_record *r = &b->rec;
  r->line = line;
  r->number = number;
  r->nfields = n;
  r->fields = fields;
  const int *col = b->col;
  r->columns = col;
  for (int f = 0; f < RXC_F__COUNT; f++)
    r->canon[f] = col[f] >= 0 ? rxc__trim(fields[col[f]]) : (rxc_str){"", 0};

  pending bad = {0, 0, RXC_REJ_RANGE, NULL};
  rxc_str v;
  /* A date that does not parse stays unset (year 0), so the two are only
   * compared when both are this row's. */
  static const rxc_date unset = {0, 0, 0};
  r->birth_date = unset;
  v = r->canon[RXC_F_BIRTH_DATE];
  if (v.len && !rxc_date_parse(v.ptr, v.len, &r->birth_date)) {
    r->birth_date = unset;
    flag(&bad, col[RXC_F_BIRTH_DATE], RXC_REJ_BAD_DATE, expect_date);
  }
  v = r->canon[RXC_F_RX_DATE];
  if (!v.len) {
    r->rx_date = b->today;
  } else if (!rxc_date_parse(v.ptr, v.len, &r->rx_date)) {
    r->rx_date = unset;
    flag(&bad, col[RXC_F_RX_DATE], RXC_REJ_BAD_DATE, expect_date);
  }
  int years = -1; /* as rxc_age_years gives when either date is absent */
  if (r->birth_date.year && r->rx_date.year) {
    years = rxc_age_years(r->birth_date, r->rx_date);
    if (years < 0)
      flag(&bad, col[RXC_F_BIRTH_DATE], RXC_REJ_RANGE,
           r->canon[RXC_F_RX_DATE].len ? "is after rx_date"
                                       : "is after the run date");
    else if (years > MAX_AGE)
      /* The same bound as the age column: a birth in 1850, or a
       * prescription dated 9999, is a data error, not a patient of 174. */
      flag(&bad, col[RXC_F_BIRTH_DATE], RXC_REJ_RANGE,
           "gives an age above 130 years at rx_date");
  }

  int age = -1;
  v = r->canon[RXC_F_AGE];
  if (v.len) {
    num_result k = parse_age(v, &age);
    if (k == NUM_BAD)
      flag(&bad, col[RXC_F_AGE], RXC_REJ_BAD_NUMBER,
           "is not a whole number of years");
    else if (k == NUM_RANGE)
      flag(&bad, col[RXC_F_AGE], RXC_REJ_RANGE,
           "is out of range; expected 0 to 130 years");
  }

  /* strength_mg and daily_dose_mg: amount.c reads units, thousands
   * separators and (for the daily dose only) ranges; every way a value
   * can fail has its own reason, never quoting the value. */
  static const rxc_field mg_fields[] = {RXC_F_STRENGTH_MG,
                                        RXC_F_DAILY_DOSE_MG};
  double *mg_out[] = {&r->strength_mg, &r->daily_dose_mg};
  for (size_t k = 0; k < 2; k++) {
    rxc_field f = mg_fields[k];
    *mg_out[k] = -1.0;
    v = r->canon[f];
    if (!v.len) continue;
    rxc__amount a;
    rxc__amount_status res =
        rxc__amount_parse(v, f == RXC_F_DAILY_DOSE_MG, &a);
    rxc_reject_reason why = RXC_REJ_BAD_NUMBER;
    const char *what = NULL;
    switch (res) {
      case RXC__AMT_OK:
        if (a.value > MAX_MG) {
          why = RXC_REJ_RANGE;
          what = "is out of range; expected 0 to 100000 mg";
        } else {
          *mg_out[k] = a.value;
        }
        break;
      case RXC__AMT_BAD:
        what = "is not a number; expected mg such as 100 or 12.5";
        break;
      case RXC__AMT_NEGATIVE:
        why = RXC_REJ_RANGE;
        what = "is out of range; expected 0 to 100000 mg";
        break;
      case RXC__AMT_SEPARATOR:
        what = "has a comma that is not a thousands separator; a decimal "
               "point is written as a dot";
        break;
      case RXC__AMT_RANGE:
        what = "is a range; a strength is one amount in mg";
        break;
      case RXC__AMT_RANGE_ORDER:
        what = "is a range whose lower bound is above its upper bound";
        break;
      case RXC__AMT_VOLUME:
        what = "is a volume (mL) and not a mass; mg cannot be known without "
               "the concentration";
        break;
      case RXC__AMT_UNIT:
        what = "has a unit that is not a mass; expected mg (g and mcg are "
               "converted)";
        break;
    }
    if (what) flag(&bad, col[f], why, what);
  }

  v = r->canon[RXC_F_COUNTRY];
  char cc[3];
  if (!v.len)
    memcpy(r->jurisdiction, b->default_country, sizeof b->default_country);
  else if (country_code(v, cc))
    memcpy(r->jurisdiction, cc, sizeof cc);
  else
    flag(&bad, col[RXC_F_COUNTRY], RXC_REJ_BAD_COUNTRY,
         "is not an ISO 3166-1 alpha-2 country code such as US or GB");

  if (bad.set) {
    reject(rej, line, bad.col + 1, bad.reason);
    snprintf(rej->message, sizeof rej->message, "%s %s",
             b->labels[bad.col], bad.what);
    return 0;
  }

  if (r->birth_date.year)
    r->age = years; /* computed above, the dates unchanged since */
  else
    r->age = age;
  if (build_drug_code(b, r) != 0) return -1;
  if (lazy)
    b->lists_pending = 1;
  else if (build_lists(b, r) != 0)
    return -1;
  *out = r;
  return 1;
}

int rxc_builder_build(rxc_builder *b, const rxc_str *fields, size_t n,
                      unsigned long line, unsigned long number,
                      const rxc_record **out, rxc_reject *rej) {
  return build(b, fields, n, line, number, 0, out, rej);
}

int rxc_builder_build_lazy(rxc_builder *b, const rxc_str *fields, size_t n,
                           unsigned long line, unsigned long number,
                           const rxc_record **out, rxc_reject *rej) {
  return build(b, fields, n, line, number, 1, out, rej);
}

int rxc_builder_lists(rxc_builder *b) {
  if (!b->lists_pending) return 0;
  b->lists_pending = 0;
  return build_lists(b, &b->rec);
}
