/*
 * output.c - results as JSON Lines, CSV or text, and the run summary.
 *
 * Each formatter appends one record's result to a caller-owned rxc_buf; the
 * key order and number formatting are fixed, so the same input and rules
 * always give the same bytes (no timestamps in records).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json_out.h"
#include "rules_model.h"
#include "rxcheck/output.h"
#include "rxcheck/report.h"
#include "rxcheck/suppress.h"

int rxc_format_parse(const char *s, rxc_format *out) {
  if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0) {
    *out = RXC_FORMAT_JSONL;
  } else if (strcmp(s, "csv") == 0) {
    *out = RXC_FORMAT_CSV;
  } else if (strcmp(s, "text") == 0) {
    *out = RXC_FORMAT_TEXT;
  } else if (strcmp(s, "sarif") == 0) {
    *out = RXC_FORMAT_SARIF;
  } else {
    return 0;
  }
  return 1;
}

/* ---- small writers ------------------------------------------------------ */

static void put_ulong(rxc_buf *b, unsigned long v) { rxc__put_ulong(b, v); }

static void put_int(rxc_buf *b, int v) {
  if (v < 0) {
    RXC__PUTS(b, "-");
    v = -v;
  }
  rxc__put_ulong(b, (unsigned long)v);
}

/* Fixed fragments per verdict and severity, made by the compiler from the
 * name tables of check.h (the names need no JSON escape). */
typedef struct frag {
  const char *s;
  size_t n;
} frag;
#define FRAG(lit) {"" lit, sizeof(lit) - 1}

static const frag verdict_plain[RXC_V__COUNT] = {
#define RXC_X_(name, text) FRAG(text),
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
};
static const frag verdict_json[RXC_V__COUNT] = {
#define RXC_X_(name, text) FRAG("\"" text "\""),
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
};
/* ,"status":"approved" of a JSONL row, and the verdict's plain name:
 * each padded to a fixed size so that it is copied with one fixed-size
 * copy (into room made for that size), then counted by its length. */
enum { STATUS_PAD = 32, PLAIN_PAD = 16 };
static const char status_json_pad[RXC_V__COUNT + 1][STATUS_PAD] = {
#define RXC_X_(name, text) ",\"status\":\"" text "\"",
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
    ",\"status\":\"\"" /* out of range: rxc_verdict_name's "" */
};
static const char verdict_plain_pad[RXC_V__COUNT + 1][PLAIN_PAD] = {
#define RXC_X_(name, text) text,
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
    ""};
static const size_t status_json_len[RXC_V__COUNT + 1] = {
#define RXC_X_(name, text) sizeof(",\"status\":\"" text "\"") - 1,
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
    sizeof(",\"status\":\"\"") - 1};

/* The padded tables' row of a verdict: out of range is the last row. */
static inline size_t verdict_row(rxc_verdict v) {
  return (unsigned)v < RXC_V__COUNT ? (size_t)v : RXC_V__COUNT;
}
static const frag severity_plain[RXC_SEV__COUNT] = {
#define RXC_X_(name, text) FRAG(text),
    RXC_SEVERITY_MAP(RXC_X_)
#undef RXC_X_
};
static const frag severity_json[RXC_SEV__COUNT] = {
#define RXC_X_(name, text) FRAG("\"" text "\""),
    RXC_SEVERITY_MAP(RXC_X_)
#undef RXC_X_
};
#undef FRAG

/* A verdict's name ("" out of range, as rxc_verdict_name), plain or as a
 * JSON string. */
static void put_verdict(rxc_buf *b, rxc_verdict v) {
  if ((unsigned)v < RXC_V__COUNT)
    rxc__put(b, verdict_plain[v].s, verdict_plain[v].n);
}
static void json_verdict(rxc_buf *b, rxc_verdict v) {
  if ((unsigned)v < RXC_V__COUNT)
    rxc__put(b, verdict_json[v].s, verdict_json[v].n);
  else
    RXC__PUTS(b, "\"\"");
}
static void put_severity(rxc_buf *b, rxc_severity v) {
  if ((unsigned)v < RXC_SEV__COUNT)
    rxc__put(b, severity_plain[v].s, severity_plain[v].n);
}
static void json_severity(rxc_buf *b, rxc_severity v) {
  if ((unsigned)v < RXC_SEV__COUNT)
    rxc__put(b, severity_json[v].s, severity_json[v].n);
  else
    RXC__PUTS(b, "\"\"");
}

void rxc__json_cstr(rxc_buf *b, const char *s) {
  if (s)
    rxc_buf_json_string(b, s, strlen(s));
  else
    RXC__PUTS(b, "null");
}

void rxc__json_key(rxc_buf *b, const char *key, int first) {
  if (!first) RXC__PUTS(b, ",");
  rxc_buf_json_string(b, key, strlen(key));
  RXC__PUTS(b, ":");
}

void rxc__json_pack(rxc_buf *b, const rxc_pack_info *p) {
  RXC__PUTS(b, "{\"name\":");
  rxc__json_cstr(b, p->name);
  RXC__PUTS(b, ",\"version\":");
  rxc__json_cstr(b, p->version);
  RXC__PUTS(b, ",\"hash\":");
  rxc__json_cstr(b, p->hash);
  RXC__PUTS(b, "}");
}

/* The ruleset identity: the deciding pack, or for out-of-scope rows the
 * one loaded pack (a list when several are loaded). */
void rxc__json_ruleset(rxc_buf *b, const rxc_ruleset *rs,
                       const rxc_pack_info *p) {
  if (p) {
    rxc__json_pack(b, p);
    return;
  }
  size_t n = rxc_ruleset_npacks(rs);
  if (n == 1) {
    rxc__json_pack(b, rxc_ruleset_pack(rs, 0));
    return;
  }
  RXC__PUTS(b, "[");
  for (size_t i = 0; i < n; i++) {
    if (i) RXC__PUTS(b, ",");
    rxc__json_pack(b, rxc_ruleset_pack(rs, i));
  }
  RXC__PUTS(b, "]");
}

/* `"tool":{...},"ruleset":` then the identity of pack p (or of every pack),
 * copied into rs's arena. */
static const char *render_tail(rxc_ruleset *rs, const rxc_pack_info *p,
                               size_t *len) {
  rxc_buf b = {0};
  RXC__PUTS(&b, "\"tool\":{\"name\":\"rxcheck\",\"version\":");
  rxc__json_cstr(&b, rxc_version());
  RXC__PUTS(&b, "},\"ruleset\":");
  rxc__json_ruleset(&b, rs, p);
  char *s = b.failed ? NULL : rxc__arena_strndup(&rs->arena, b.data, b.len);
  *len = b.len;
  rxc_buf_free(&b);
  return s;
}

int rxc__render_identity(rxc_ruleset *rs) {
  for (size_t i = 0; i < rs->npacks; i++) {
    rxc__pack *p = &rs->packs[i];
    p->json_tail = render_tail(rs, &p->info, &p->json_tail_len);
    if (!p->json_tail) return -1;
  }
  rs->json_tail = render_tail(rs, NULL, &rs->json_tail_len);
  return rs->json_tail ? 0 : -1;
}

/* Bytes that force quoting a CSV field. */
static const unsigned char csv_special[256] = {
    ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1};

#ifdef RXC__SSE2
/* Non-zero when a byte of v needs quoting: ',', '"', '\n' or '\r'. */
static inline int csv_special16(__m128i v) {
  __m128i m = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
  return _mm_movemask_epi8(m);
}
#else
/* Non-zero when a byte of the word w needs quoting: ',', '"', '\n' or
 * '\r' (exact for the word as a whole). */
static inline uint64_t csv_special_bytes(uint64_t w) {
  uint64_t a = w ^ (RXC__L8 * ','), q = w ^ (RXC__L8 * '"');
  uint64_t n = w ^ (RXC__L8 * '\n'), r = w ^ (RXC__L8 * '\r');
  return (((a - RXC__L8) & ~a) | ((q - RXC__L8) & ~q) | ((n - RXC__L8) & ~n) |
          ((r - RXC__L8) & ~r)) &
         RXC__H8;
}
#endif

RXC__PLAIN_COPY(csv_plain_copy, csv_special16, csv_special_bytes, csv_special)

/* A field within quotes, every '"' doubled, then `sep`, written at d
 * (room for 2n + 3 bytes); returns the end. */
static char *csv_quoted_at(char *d, const char *s, size_t n, char sep) {
  *d++ = '"';
  const char *r = s, *end = s + n;
  const char *qt;
  while (r < end && (qt = memchr(r, '"', (size_t)(end - r))) != NULL) {
    size_t k = (size_t)(qt + 1 - r);
    memcpy(d, r, k);
    d += k;
    *d++ = '"';
    r = qt + 1;
  }
  if (r < end) memcpy(d, r, (size_t)(end - r));
  d += end - r;
  *d++ = '"';
  *d++ = sep;
  return d;
}

/* A field, quoted when it holds a special byte or starts or ends with a
 * space, then `sep`, written at d (room for 2n + 3 bytes); returns the
 * end. Copied a block at a time while the same blocks are tested; a
 * field that turns out to need quotes is written again. */
static RXC__ALWAYS_INLINE char *csv_field_at(char *d, const char *s,
                                             size_t n, char sep) {
  if (n && (s[0] == ' ' || s[n - 1] == ' '))
    return csv_quoted_at(d, s, n, sep);
  if (!csv_plain_copy(d, (const unsigned char *)s, n))
    return csv_quoted_at(d, s, n, sep);
  d[n] = sep;
  return d + n + 1;
}

static void csv_field(rxc_buf *b, const char *s, size_t n, char sep) {
  char *d = rxc__room(b, 2 * n + 3);
  if (d) rxc__done(b, csv_field_at(d, s, n, sep));
}

/* ---- JSON Lines ------------------------------------------------------------ */

static void jsonl_indication(rxc_buf *b, const rxc_indication_result *ir) {
  RXC__PUTS(b, "{\"indication\":");
  rxc__json_cstr(b, ir->indication);
  RXC__PUTS(b, ",\"code\":");
  rxc_buf_json_string(b, ir->code.raw.ptr, ir->code.raw.len);
  RXC__PUTS(b, ",\"system\":");
  rxc__json_cstr(b, rxc_system_name(ir->code.system));
  RXC__PUTS(b, ",\"status\":");
  json_verdict(b, ir->status);
  RXC__PUTS(b, ",\"line\":");
  rxc__json_cstr(b, ir->line);
  RXC__PUTS(b, ",\"reasons\":[");
  for (size_t i = 0; i < ir->nreasons; i++) {
    if (i) RXC__PUTS(b, ",");
    rxc__json_cstr(b, ir->reasons[i]);
  }
  RXC__PUTS(b, "],\"rule\":");
  rxc__json_cstr(b, ir->rule);
  RXC__PUTS(b, ",\"rule_version\":");
  rxc__json_cstr(b, ir->rule_version);
  RXC__PUTS(b, ",\"source\":");
  rxc__json_cstr(b, ir->source);
  RXC__PUTS(b, "}");
}

static void jsonl_finding(rxc_buf *b, const rxc_finding *f) {
  RXC__PUTS(b, "{\"rule\":");
  rxc__json_cstr(b, f->rule);
  RXC__PUTS(b, ",\"rule_version\":");
  rxc__json_cstr(b, f->rule_version);
  RXC__PUTS(b, ",\"severity\":");
  json_severity(b, f->severity);
  RXC__PUTS(b, ",\"kind\":");
  rxc__json_cstr(b, f->kind);
  RXC__PUTS(b, ",\"message\":");
  rxc__json_cstr(b, f->message);
  RXC__PUTS(b, ",\"action\":");
  rxc__json_cstr(b, f->action);
  RXC__PUTS(b, ",\"matched\":");
  if (f->matched.len)
    rxc_buf_json_string(b, f->matched.ptr, f->matched.len);
  else
    RXC__PUTS(b, "null");
  RXC__PUTS(b, ",\"source\":");
  rxc__json_cstr(b, f->source);
  RXC__PUTS(b, ",\"citation\":");
  rxc__json_cstr(b, f->citation);
  RXC__PUTS(b, ",\"suppressed\":");
  const rxc_suppression *sp = f->suppression;
  if (!sp) {
    RXC__PUTS(b, "null}");
    return;
  }
  RXC__PUTS(b, "{\"reason\":");
  rxc__json_cstr(b, sp->reason);
  RXC__PUTS(b, ",\"owner\":");
  rxc__json_cstr(b, sp->owner);
  RXC__PUTS(b, ",\"expires\":");
  rxc__json_date(b, sp->expires);
  RXC__PUTS(b, ",\"entry\":");
  rxc__json_cstr(b, sp->entry);
  RXC__PUTS(b, "}}");
}

static void jsonl_explain(rxc_buf *b, const rxc_result *res) {
  RXC__PUTS(b, "[");
  for (size_t i = 0; i < res->nexplain; i++) {
    const rxc_explain_rule *x = &res->explain[i];
    if (i) RXC__PUTS(b, ",");
    RXC__PUTS(b, "{\"rule\":");
    rxc__json_cstr(b, x->rule);
    RXC__PUTS(b, ",\"kind\":");
    rxc__json_cstr(b, x->kind);
    RXC__PUTS(b, ",\"label\":");
    rxc__json_cstr(b, x->label);
    rxc_buf_puts(b, x->fired ? ",\"fired\":true" : ",\"fired\":false");
    RXC__PUTS(b, ",\"conditions\":[");
    for (size_t k = 0; k < x->n; k++) {
      const rxc_explain_cond *e = &res->explain_conds[x->first + k];
      if (k) RXC__PUTS(b, ",");
      RXC__PUTS(b, "{\"field\":");
      rxc__json_cstr(b, e->field);
      RXC__PUTS(b, ",\"test\":");
      rxc__json_cstr(b, e->test);
      RXC__PUTS(b, ",\"value\":");
      rxc__json_cstr(b, e->value);
      rxc_buf_puts(b, e->held ? ",\"held\":true}" : ",\"held\":false}");
    }
    RXC__PUTS(b, "]}");
  }
  RXC__PUTS(b, "]");
}

/* The end of a JSONL row: ,"as_of":DATE, the pre-rendered tool and
 * ruleset members, the closing brace and the newline, written at d (room
 * for ROW_END_ROOM + ntail bytes); returns the end. */
enum { ROW_END_ROOM = 9 + 12 + 1 + 2 };
static char *row_end_at(char *d, rxc_date as_of, const char *tail,
                        size_t ntail) {
  d = RXC__CPY(d, ",\"as_of\":");
  d = rxc__json_date_at(d, as_of);
  *d++ = ',';
  memcpy(d, tail, ntail);
  d += ntail;
  return RXC__CPY(d, "}\n");
}

/* One JSONL row with its newline. Keys are literals, and the fixed head
 * and end of the row are written each with one capacity check. */
static void format_jsonl(rxc_buf *b, const rxc_ruleset *rs,
                         const rxc_record *rec, const rxc_result *res) {
  /* The tool and ruleset part of the row, rendered at load; a pack info
   * is the first member of its pack. */
  const char *tail = rs->json_tail;
  size_t ntail = rs->json_tail_len;
  if (res->pack) {
    const rxc__pack *p = (const rxc__pack *)(const void *)res->pack;
    tail = p->json_tail;
    ntail = p->json_tail_len;
  }
  /* An out-of-scope row is a fixed head, the patient id, the status and
   * the fixed tail: all of it goes into room made once. */
  int whole = res->status == RXC_V_OUT_OF_SCOPE && !res->explain;
  size_t rest = STATUS_PAD + (whole ? ROW_END_ROOM + ntail : 0);
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  /* {"line":N,"patient_id": */
  char *d = rxc__room(b, 8 + 20 + 14 + pid.len + 4 + rest);
  if (!d) return;
  d = RXC__CPY(d, "{\"line\":");
  d = rxc__ulong_at(d, rec->line);
  d = RXC__CPY(d, ",\"patient_id\":");
  if (!pid.len) {
    d = RXC__CPY(d, "null");
  } else if (rxc__json_plain_copy(d + 1, (const unsigned char *)pid.ptr,
                                  pid.len)) {
    *d = '"';
    d += pid.len + 1;
    *d++ = '"';
  } else {
    rxc__done(b, d);
    rxc_buf_json_string(b, pid.ptr, pid.len);
    d = rxc__room(b, rest);
    if (!d) return;
  }
  size_t row = verdict_row(res->status);
  memcpy(d, status_json_pad[row], STATUS_PAD);
  d += status_json_len[row];
  if (whole) {
    rxc__done(b, row_end_at(d, res->as_of, tail, ntail));
    return;
  }
  rxc__done(b, d);
  if (res->status != RXC_V_OUT_OF_SCOPE) {
    RXC__PUTS(b, ",\"drug\":");
    rxc__json_cstr(b, res->drug);
    RXC__PUTS(b, ",\"formulation\":");
    rxc__json_cstr(b, res->formulation);
    RXC__PUTS(b, ",\"jurisdiction\":");
    rxc__json_cstr(b, res->jurisdiction);
    RXC__PUTS(b, ",\"age\":");
    if (res->age >= 0)
      put_int(b, res->age);
    else
      RXC__PUTS(b, "null");
    RXC__PUTS(b, ",\"indications\":[");
    for (size_t i = 0; i < res->nindications; i++) {
      if (i) RXC__PUTS(b, ",");
      jsonl_indication(b, &res->indications[i]);
    }
    RXC__PUTS(b, "],\"findings\":[");
    for (size_t i = 0; i < res->nfindings; i++) {
      if (i) RXC__PUTS(b, ",");
      jsonl_finding(b, &res->findings[i]);
    }
    RXC__PUTS(b, "]");
  }
  if (res->explain) {
    RXC__PUTS(b, ",\"explain\":");
    jsonl_explain(b, res);
  }
  /* Provenance: the date the rules were taken on, the tool and the
   * ruleset. No run time: the same input and rules give the same bytes. */
  d = rxc__room(b, ROW_END_ROOM + ntail);
  if (d) rxc__done(b, row_end_at(d, res->as_of, tail, ntail));
}

void rxc__json_packs(rxc_buf *b, const rxc_ruleset *rs) {
  RXC__PUTS(b, "[");
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    if (i) RXC__PUTS(b, ",");
    rxc__json_pack(b, rxc_ruleset_pack(rs, i));
  }
  RXC__PUTS(b, "]");
}

void rxc__json_status_counts(rxc_buf *b, const unsigned long *by_status) {
  RXC__PUTS(b, "{");
  for (int i = 0; i < RXC_V__COUNT; i++) {
    rxc__json_key(b, rxc_verdict_name((rxc_verdict)i), i == 0);
    rxc__put_ulong(b, by_status[i]);
  }
  RXC__PUTS(b, "}");
}

void rxc__json_severity_counts(rxc_buf *b, const unsigned long *by_sev) {
  RXC__PUTS(b, "{");
  for (int i = RXC_SEV__COUNT - 1; i >= 0; i--) {
    rxc__json_key(b, rxc_severity_name((rxc_severity)i),
                  i == RXC_SEV__COUNT - 1);
    rxc__put_ulong(b, by_sev[i]);
  }
  RXC__PUTS(b, "}");
}

void rxc__json_tally_groups(rxc_buf *b, const rxc_tally *t,
                            int jurisdictions) {
  size_t n = jurisdictions ? rxc_tally_njurisdictions(t)
                           : rxc_tally_nindications(t);
  RXC__PUTS(b, "{");
  for (size_t i = 0; i < n; i++) {
    const rxc_tally_group *g = jurisdictions ? rxc_tally_jurisdiction(t, i)
                                             : rxc_tally_indication(t, i);
    rxc__json_key(b, g->name, i == 0);
    rxc__json_status_counts(b, g->by_status);
  }
  RXC__PUTS(b, "}");
}

void rxc__json_suppression_scope(rxc_buf *b, const rxc_suppression *s) {
  RXC__PUTS(b, "\"scope\":[");
  int first = 1;
  if (s->patient_id) {
    RXC__PUTS(b, "\"patient\"");
    first = 0;
  }
  if (s->prescriber_id) {
    if (!first) RXC__PUTS(b, ",");
    RXC__PUTS(b, "\"prescriber\"");
    first = 0;
  }
  if (s->drug_code) {
    if (!first) RXC__PUTS(b, ",");
    RXC__PUTS(b, "\"drug_code\"");
  }
  RXC__PUTS(b, "],\"drug_code\":");
  rxc__json_cstr(b, s->drug_code);
}

void rxc__json_suppression(rxc_buf *b, const rxc_suppression *s,
                           unsigned long hits) {
  RXC__PUTS(b, "{\"entry\":");
  rxc__json_cstr(b, s->entry);
  RXC__PUTS(b, ",\"rule\":");
  rxc__json_cstr(b, s->rule);
  RXC__PUTS(b, ",");
  rxc__json_suppression_scope(b, s);
  RXC__PUTS(b, ",\"reason\":");
  rxc__json_cstr(b, s->reason);
  RXC__PUTS(b, ",\"owner\":");
  rxc__json_cstr(b, s->owner);
  RXC__PUTS(b, ",\"expires\":");
  rxc__json_date(b, s->expires);
  rxc_buf_puts(b, s->expired ? ",\"expired\":true" : ",\"expired\":false");
  RXC__PUTS(b, ",\"hits\":");
  rxc__put_ulong(b, hits);
  RXC__PUTS(b, "}");
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *const csv_extra[] = {"rxcheck_status", "rxcheck_indications",
                                        "rxcheck_findings", "rxcheck_rules"};

void rxc_format_header(rxc_buf *b, rxc_format fmt, const rxc_schema *schema) {
  if (fmt != RXC_FORMAT_CSV) return;
  size_t n = rxc_schema_ncolumns(schema);
  for (size_t i = 0; i < n; i++) {
    const char *h = rxc_schema_header(schema, i);
    csv_field(b, h, strlen(h), ',');
  }
  for (size_t i = 0; i < 4; i++) {
    if (i) RXC__PUTS(b, ",");
    rxc_buf_puts(b, csv_extra[i]);
  }
  RXC__PUTS(b, "\n");
}

/* One CSV row with its newline. The input fields and the status column are
 * written into room made once for them (enough were every field quoted
 * and made of '"'); a row without indications or findings is finished
 * there too. */
static void format_csv(rxc_buf *b, const rxc_record *rec,
                       const rxc_result *res) {
  const rxc_str *f = rec->fields;
  size_t nf = rec->nfields, total = 0;
  for (size_t i = 0; i < nf; i++) total += f[i].len;
  char *d = rxc__room(b, 2 * total + 3 * nf + 32);
  if (!d) return;
  for (size_t i = 0; i < nf; i++) d = csv_field_at(d, f[i].ptr, f[i].len, ',');
  size_t row = verdict_row(res->status);
  memcpy(d, verdict_plain_pad[row], PLAIN_PAD);
  d += row < RXC_V__COUNT ? verdict_plain[row].n : 0;
  if (!res->nindications && !res->nfindings) {
    rxc__done(b, RXC__CPY(d, ",,,\n"));
    return;
  }
  *d++ = ',';
  rxc__done(b, d);
  /* Lists use ';' between items and ':' inside one; the ids contain
   * neither, so no quoting is needed. */
  for (size_t i = 0; i < res->nindications; i++) {
    if (i) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->indications[i].indication);
    RXC__PUTS(b, ":");
    put_verdict(b, res->indications[i].status);
  }
  RXC__PUTS(b, ",");
  for (size_t i = 0; i < res->nfindings; i++) {
    if (i) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->findings[i].rule);
    RXC__PUTS(b, ":");
    put_severity(b, res->findings[i].severity);
    if (res->findings[i].suppression) RXC__PUTS(b, ":suppressed");
  }
  RXC__PUTS(b, ",");
  int first = 1;
  for (size_t i = 0; i < res->nindications; i++) {
    const char *rule = res->indications[i].rule;
    int seen = !rule;
    for (size_t k = 0; k < i && !seen; k++)
      seen = res->indications[k].rule &&
             (res->indications[k].rule == rule ||
              strcmp(res->indications[k].rule, rule) == 0);
    if (seen) continue; /* one rule may decide several diagnoses */
    if (!first) RXC__PUTS(b, ";");
    rxc_buf_puts(b, rule);
    first = 0;
  }
  for (size_t i = 0; i < res->nfindings; i++) {
    if (!first) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->findings[i].rule);
    first = 0;
  }
  RXC__PUTS(b, "\n");
}

/* ---- text ----------------------------------------------------------------- */

/* A verdict's name in upper case ("" out of range), written at d (room
 * for PLAIN_PAD bytes); returns the end. */
static char *upper_verdict_at(char *d, rxc_verdict v) {
  for (const char *s = rxc_verdict_name(v); *s; s++)
    *d++ = (char)(*s >= 'a' && *s <= 'z' ? *s - ('a' - 'A') : *s);
  return d;
}

/* Patient values reach the terminal only through the output itself; text
 * keeps control characters out so a hostile field cannot drive the
 * terminal. Written at d (room for n bytes); returns the end. */
static char *text_safe_at(char *d, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    d[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  return d + n;
}

static void text_safe(rxc_buf *b, const char *s, size_t n) {
  char *d = rxc__room(b, n);
  if (d) rxc__done(b, text_safe_at(d, s, n));
}

static void format_text(rxc_buf *b, const rxc_record *rec,
                        const rxc_result *res) {
  /* line N  patient P  STATUS, and for an out-of-scope row its newline,
   * in room made once. */
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  char *d = rxc__room(b, 5 + 20 + 10 + pid.len + 2 + PLAIN_PAD + 1);
  if (!d) return;
  d = RXC__CPY(d, "line ");
  d = rxc__ulong_at(d, rec->line);
  if (pid.len) {
    d = RXC__CPY(d, "  patient ");
    d = text_safe_at(d, pid.ptr, pid.len);
  }
  d = RXC__CPY(d, "  ");
  d = upper_verdict_at(d, res->status);
  if (res->status == RXC_V_OUT_OF_SCOPE) {
    rxc__done(b, RXC__CPY(d, "\n"));
    return;
  }
  rxc__done(b, d);
  RXC__PUTS(b, "  ");
  rxc_buf_puts(b, res->drug);
  RXC__PUTS(b, ", ");
  rxc_buf_puts(b, res->formulation);
  RXC__PUTS(b, ", ");
  rxc_buf_puts(b, res->jurisdiction ? res->jurisdiction : "no country");
  if (res->age >= 0) {
    RXC__PUTS(b, ", age ");
    put_int(b, res->age);
  } else {
    RXC__PUTS(b, ", age unknown");
  }
  RXC__PUTS(b, "\n");
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ir = &res->indications[i];
    RXC__PUTS(b, "    ");
    rxc_buf_puts(b, ir->label);
    RXC__PUTS(b, " (");
    text_safe(b, ir->code.raw.ptr, ir->code.raw.len);
    RXC__PUTS(b, "): ");
    put_verdict(b, ir->status);
    if (ir->line) {
      RXC__PUTS(b, ", ");
      rxc_buf_puts(b, ir->line);
    }
    for (size_t k = 0; k < ir->nreasons; k++) {
      rxc_buf_puts(b, k ? "; " : " - ");
      rxc_buf_puts(b, ir->reasons[k]);
    }
    if (ir->rule) {
      RXC__PUTS(b, " [");
      rxc_buf_puts(b, ir->rule);
      RXC__PUTS(b, "]");
    }
    RXC__PUTS(b, "\n");
  }
  if (res->nindications == 0) RXC__PUTS(b, "    no diagnosis maps to an indication of the pack\n");
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    RXC__PUTS(b, "    ! ");
    put_severity(b, f->severity);
    RXC__PUTS(b, " ");
    rxc_buf_puts(b, f->kind);
    RXC__PUTS(b, ": ");
    rxc_buf_puts(b, f->message);
    if (f->action) {
      RXC__PUTS(b, " Action: ");
      rxc_buf_puts(b, f->action);
    }
    RXC__PUTS(b, " [");
    rxc_buf_puts(b, f->rule);
    RXC__PUTS(b, "]\n");
    if (f->suppression) {
      RXC__PUTS(b, "      (suppressed until ");
      rxc__put_date(b, f->suppression->expires);
      RXC__PUTS(b, " by ");
      text_safe(b, f->suppression->owner, strlen(f->suppression->owner));
      RXC__PUTS(b, ": ");
      text_safe(b, f->suppression->reason, strlen(f->suppression->reason));
      RXC__PUTS(b, ")\n");
    }
  }
}

/* Explanations in prose: "why us-ocd-ir-adults (approved): jurisdiction US
 * in [US]; age 34 >= 18" and "near miss us-ocd-ir-pediatric (approved):
 * age 34 failed <= 17". */
static void text_explain(rxc_buf *b, const rxc_result *res) {
  for (size_t i = 0; i < res->nexplain; i++) {
    const rxc_explain_rule *x = &res->explain[i];
    rxc_buf_puts(b, x->fired ? "    why " : "    near miss ");
    rxc_buf_puts(b, x->rule);
    RXC__PUTS(b, " (");
    rxc_buf_puts(b, strcmp(x->kind, "regulatory") == 0 ? x->label : x->kind);
    RXC__PUTS(b, "):");
    for (size_t k = 0; k < x->n; k++) {
      const rxc_explain_cond *e = &res->explain_conds[x->first + k];
      rxc_buf_puts(b, k ? "; " : " ");
      rxc_buf_puts(b, e->field);
      RXC__PUTS(b, " ");
      if (e->value[0])
        text_safe(b, e->value, strlen(e->value));
      else
        RXC__PUTS(b, "(absent)");
      rxc_buf_puts(b, e->held ? " " : " failed ");
      rxc_buf_puts(b, e->test);
    }
    RXC__PUTS(b, "\n");
  }
}

void rxc_format_result(rxc_buf *b, rxc_format fmt, const rxc_ruleset *rs,
                       const rxc_record *rec, const rxc_result *res) {
  switch (fmt) {
    case RXC_FORMAT_JSONL:
      format_jsonl(b, rs, rec, res);
      break;
    case RXC_FORMAT_CSV:
      format_csv(b, rec, res);
      break;
    case RXC_FORMAT_TEXT:
      format_text(b, rec, res);
      if (res->explain) text_explain(b, res);
      break;
    case RXC_FORMAT_SARIF:
      rxc_sarif_result(b, rs, NULL, rec, res);
      break;
  }
}

/* ---- tally and summary ---------------------------------------------------- */

void rxc_format_reject(rxc_buf *b, const rxc_reject *rej) {
  put_ulong(b, rej->line);
  RXC__PUTS(b, ",");
  put_ulong(b, rej->column);
  RXC__PUTS(b, ",");
  csv_field(b, rej->message, strlen(rej->message), '\n');
}
