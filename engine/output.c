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

/* Non-zero when a byte of the word w equals c (the classic SWAR test). */
static inline uint64_t has_byte(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (0x0101010101010101ULL * c);
  return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

static void csv_field(rxc_buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  /* Eight bytes at a time while none of them needs quoting. */
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    if (has_byte(w, ',') | has_byte(w, '"') | has_byte(w, '\n') |
        has_byte(w, '\r'))
      break;
  }
  while (i < n && !csv_special[p[i]]) i++;
  if (i == n && !(n && (s[0] == ' ' || s[n - 1] == ' '))) {
    rxc__put(b, s, n);
    return;
  }
  RXC__PUTS(b, "\"");
  size_t run = 0;
  for (i = 0; i < n; i++)
    if (s[i] == '"') {
      rxc__put(b, s + run, i + 1 - run);
      RXC__PUTS(b, "\"");
      run = i + 1;
    }
  rxc__put(b, s + run, n - run);
  RXC__PUTS(b, "\"");
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
  rxc__json_cstr(b, rxc_verdict_name(ir->status));
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
  rxc__json_cstr(b, rxc_severity_name(f->severity));
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

static void format_jsonl(rxc_buf *b, const rxc_ruleset *rs,
                         const rxc_record *rec, const rxc_result *res) {
  rxc__json_key(b, "line", 1);
  put_ulong(b, rec->line);
  rxc__json_key(b, "patient_id", 0);
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  if (pid.len)
    rxc_buf_json_string(b, pid.ptr, pid.len);
  else
    RXC__PUTS(b, "null");
  rxc__json_key(b, "status", 0);
  rxc__json_cstr(b, rxc_verdict_name(res->status));
  if (res->status != RXC_V_OUT_OF_SCOPE) {
    rxc__json_key(b, "drug", 0);
    rxc__json_cstr(b, res->drug);
    rxc__json_key(b, "formulation", 0);
    rxc__json_cstr(b, res->formulation);
    rxc__json_key(b, "jurisdiction", 0);
    rxc__json_cstr(b, res->jurisdiction);
    rxc__json_key(b, "age", 0);
    if (res->age >= 0)
      put_int(b, res->age);
    else
      RXC__PUTS(b, "null");
    rxc__json_key(b, "indications", 0);
    RXC__PUTS(b, "[");
    for (size_t i = 0; i < res->nindications; i++) {
      if (i) RXC__PUTS(b, ",");
      jsonl_indication(b, &res->indications[i]);
    }
    RXC__PUTS(b, "]");
    rxc__json_key(b, "findings", 0);
    RXC__PUTS(b, "[");
    for (size_t i = 0; i < res->nfindings; i++) {
      if (i) RXC__PUTS(b, ",");
      jsonl_finding(b, &res->findings[i]);
    }
    RXC__PUTS(b, "]");
  }
  if (res->explain) {
    rxc__json_key(b, "explain", 0);
    jsonl_explain(b, res);
  }
  /* Provenance: the date the rules were taken on, the tool and the
   * ruleset. No run time: the same input and rules give the same bytes. */
  rxc__json_key(b, "as_of", 0);
  rxc__json_date(b, res->as_of);
  RXC__PUTS(b, ",");
  /* Rendered at load; a pack info is the first member of its pack. */
  if (res->pack) {
    const rxc__pack *p = (const rxc__pack *)(const void *)res->pack;
    rxc__put(b, p->json_tail, p->json_tail_len);
  } else {
    rxc__put(b, rs->json_tail, rs->json_tail_len);
  }
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
    csv_field(b, h, strlen(h));
    RXC__PUTS(b, ",");
  }
  for (size_t i = 0; i < 4; i++) {
    if (i) RXC__PUTS(b, ",");
    rxc_buf_puts(b, csv_extra[i]);
  }
  RXC__PUTS(b, "\n");
}

static void format_csv(rxc_buf *b, const rxc_record *rec,
                       const rxc_result *res) {
  for (size_t i = 0; i < rec->nfields; i++) {
    csv_field(b, rec->fields[i].ptr, rec->fields[i].len);
    RXC__PUTS(b, ",");
  }
  rxc_buf_puts(b, rxc_verdict_name(res->status));
  RXC__PUTS(b, ",");
  /* Lists use ';' between items and ':' inside one; the ids contain
   * neither, so no quoting is needed. */
  for (size_t i = 0; i < res->nindications; i++) {
    if (i) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->indications[i].indication);
    RXC__PUTS(b, ":");
    rxc_buf_puts(b, rxc_verdict_name(res->indications[i].status));
  }
  RXC__PUTS(b, ",");
  for (size_t i = 0; i < res->nfindings; i++) {
    if (i) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->findings[i].rule);
    RXC__PUTS(b, ":");
    rxc_buf_puts(b, rxc_severity_name(res->findings[i].severity));
    if (res->findings[i].suppression) RXC__PUTS(b, ":suppressed");
  }
  RXC__PUTS(b, ",");
  int first = 1;
  for (size_t i = 0; i < res->nindications; i++) {
    const char *rule = res->indications[i].rule;
    int seen = !rule;
    for (size_t k = 0; k < i && !seen; k++)
      seen = res->indications[k].rule && strcmp(res->indications[k].rule, rule) == 0;
    if (seen) continue; /* one rule may decide several diagnoses */
    if (!first) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->indications[i].rule);
    first = 0;
  }
  for (size_t i = 0; i < res->nfindings; i++) {
    if (!first) RXC__PUTS(b, ";");
    rxc_buf_puts(b, res->findings[i].rule);
    first = 0;
  }
}

/* ---- text ----------------------------------------------------------------- */

static void upper(rxc_buf *b, const char *s) {
  for (; *s; s++) {
    char c = (*s >= 'a' && *s <= 'z') ? (char)(*s - 32) : *s;
    rxc_buf_append(b, &c, 1);
  }
}

/* Patient values reach the terminal only through the output itself; text
 * keeps control characters out so a hostile field cannot drive the
 * terminal. */
static void text_safe(rxc_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char ch = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    rxc_buf_append(b, &ch, 1);
  }
}

static void format_text(rxc_buf *b, const rxc_record *rec,
                        const rxc_result *res) {
  RXC__PUTS(b, "line ");
  put_ulong(b, rec->line);
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  if (pid.len) {
    RXC__PUTS(b, "  patient ");
    text_safe(b, pid.ptr, pid.len);
  }
  RXC__PUTS(b, "  ");
  upper(b, rxc_verdict_name(res->status));
  if (res->status == RXC_V_OUT_OF_SCOPE) {
    RXC__PUTS(b, "\n");
    return;
  }
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
    rxc_buf_puts(b, rxc_verdict_name(ir->status));
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
    rxc_buf_puts(b, rxc_severity_name(f->severity));
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
      RXC__PUTS(b, "{");
      format_jsonl(b, rs, rec, res);
      RXC__PUTS(b, "}\n");
      break;
    case RXC_FORMAT_CSV:
      format_csv(b, rec, res);
      RXC__PUTS(b, "\n");
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
  csv_field(b, rej->message, strlen(rej->message));
  RXC__PUTS(b, "\n");
}
