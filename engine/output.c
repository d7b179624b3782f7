/*
 * output.c - results as JSON Lines, CSV or text, and the run summary.
 *
 * Each formatter appends one record's result to a caller-owned rxc_buf; the
 * key order and number formatting are fixed, so the same input and rules
 * always give the same bytes (no timestamps in records).
 */
#include <stdio.h>
#include <string.h>

#include "rules_model.h"
#include "rxcheck/output.h"

int rxc_format_parse(const char *s, rxc_format *out) {
  if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0) {
    *out = RXC_FORMAT_JSONL;
  } else if (strcmp(s, "csv") == 0) {
    *out = RXC_FORMAT_CSV;
  } else if (strcmp(s, "text") == 0) {
    *out = RXC_FORMAT_TEXT;
  } else {
    return 0;
  }
  return 1;
}

/* ---- small writers ------------------------------------------------------ */

static void put_ulong(rxc_buf *b, unsigned long v) {
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%lu", v);
  rxc_buf_append(b, tmp, (size_t)n);
}

static void put_int(rxc_buf *b, int v) {
  char tmp[16];
  int n = snprintf(tmp, sizeof tmp, "%d", v);
  rxc_buf_append(b, tmp, (size_t)n);
}

static void json_cstr(rxc_buf *b, const char *s) {
  if (s)
    rxc_buf_json_string(b, s, strlen(s));
  else
    rxc_buf_puts(b, "null");
}

static void json_key(rxc_buf *b, const char *key, int first) {
  if (!first) rxc_buf_append(b, ",", 1);
  rxc_buf_json_string(b, key, strlen(key));
  rxc_buf_append(b, ":", 1);
}

static void json_pack(rxc_buf *b, const rxc_pack_info *p) {
  rxc_buf_puts(b, "{\"name\":");
  json_cstr(b, p->name);
  rxc_buf_puts(b, ",\"version\":");
  json_cstr(b, p->version);
  rxc_buf_puts(b, ",\"hash\":");
  json_cstr(b, p->hash);
  rxc_buf_puts(b, "}");
}

/* The ruleset identity: the deciding pack, or for out-of-scope rows the
 * one loaded pack (a list when several are loaded). */
static void json_ruleset(rxc_buf *b, const rxc_ruleset *rs,
                         const rxc_pack_info *p) {
  if (p) {
    json_pack(b, p);
    return;
  }
  size_t n = rxc_ruleset_npacks(rs);
  if (n == 1) {
    json_pack(b, rxc_ruleset_pack(rs, 0));
    return;
  }
  rxc_buf_append(b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) rxc_buf_append(b, ",", 1);
    json_pack(b, rxc_ruleset_pack(rs, i));
  }
  rxc_buf_append(b, "]", 1);
}

static void csv_field(rxc_buf *b, const char *s, size_t n) {
  int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    rxc_buf_append(b, s, n);
    return;
  }
  rxc_buf_append(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '"') {
      rxc_buf_append(b, s + run, i + 1 - run);
      rxc_buf_append(b, "\"", 1);
      run = i + 1;
    }
  rxc_buf_append(b, s + run, n - run);
  rxc_buf_append(b, "\"", 1);
}

/* ---- JSON Lines ------------------------------------------------------------ */

static void jsonl_indication(rxc_buf *b, const rxc_indication_result *ir) {
  rxc_buf_puts(b, "{\"indication\":");
  json_cstr(b, ir->indication);
  rxc_buf_puts(b, ",\"code\":");
  rxc_buf_json_string(b, ir->code.raw.ptr, ir->code.raw.len);
  rxc_buf_puts(b, ",\"system\":");
  json_cstr(b, rxc_system_name(ir->code.system));
  rxc_buf_puts(b, ",\"status\":");
  json_cstr(b, rxc_verdict_name(ir->status));
  rxc_buf_puts(b, ",\"line\":");
  json_cstr(b, ir->line);
  rxc_buf_puts(b, ",\"reasons\":[");
  for (size_t i = 0; i < ir->nreasons; i++) {
    if (i) rxc_buf_append(b, ",", 1);
    json_cstr(b, ir->reasons[i]);
  }
  rxc_buf_puts(b, "],\"rule\":");
  json_cstr(b, ir->rule);
  rxc_buf_puts(b, ",\"source\":");
  json_cstr(b, ir->source);
  rxc_buf_puts(b, "}");
}

static void jsonl_finding(rxc_buf *b, const rxc_finding *f) {
  rxc_buf_puts(b, "{\"rule\":");
  json_cstr(b, f->rule);
  rxc_buf_puts(b, ",\"severity\":");
  json_cstr(b, rxc_severity_name(f->severity));
  rxc_buf_puts(b, ",\"kind\":");
  json_cstr(b, f->kind);
  rxc_buf_puts(b, ",\"message\":");
  json_cstr(b, f->message);
  rxc_buf_puts(b, ",\"action\":");
  json_cstr(b, f->action);
  rxc_buf_puts(b, ",\"matched\":");
  if (f->matched.len)
    rxc_buf_json_string(b, f->matched.ptr, f->matched.len);
  else
    rxc_buf_puts(b, "null");
  rxc_buf_puts(b, ",\"source\":");
  json_cstr(b, f->source);
  rxc_buf_puts(b, ",\"citation\":");
  json_cstr(b, f->citation);
  rxc_buf_puts(b, "}");
}

static void jsonl_explain(rxc_buf *b, const rxc_result *res) {
  rxc_buf_append(b, "[", 1);
  for (size_t i = 0; i < res->nexplain; i++) {
    const rxc_explain_rule *x = &res->explain[i];
    if (i) rxc_buf_append(b, ",", 1);
    rxc_buf_puts(b, "{\"rule\":");
    json_cstr(b, x->rule);
    rxc_buf_puts(b, ",\"kind\":");
    json_cstr(b, x->kind);
    rxc_buf_puts(b, ",\"label\":");
    json_cstr(b, x->label);
    rxc_buf_puts(b, x->fired ? ",\"fired\":true" : ",\"fired\":false");
    rxc_buf_puts(b, ",\"conditions\":[");
    for (size_t k = 0; k < x->n; k++) {
      const rxc_explain_cond *e = &res->explain_conds[x->first + k];
      if (k) rxc_buf_append(b, ",", 1);
      rxc_buf_puts(b, "{\"field\":");
      json_cstr(b, e->field);
      rxc_buf_puts(b, ",\"test\":");
      json_cstr(b, e->test);
      rxc_buf_puts(b, ",\"value\":");
      json_cstr(b, e->value);
      rxc_buf_puts(b, e->held ? ",\"held\":true}" : ",\"held\":false}");
    }
    rxc_buf_puts(b, "]}");
  }
  rxc_buf_append(b, "]", 1);
}

static void format_jsonl(rxc_buf *b, const rxc_ruleset *rs,
                         const rxc_record *rec, const rxc_result *res) {
  json_key(b, "line", 1);
  put_ulong(b, rec->line);
  json_key(b, "patient_id", 0);
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  if (pid.len)
    rxc_buf_json_string(b, pid.ptr, pid.len);
  else
    rxc_buf_puts(b, "null");
  json_key(b, "status", 0);
  json_cstr(b, rxc_verdict_name(res->status));
  if (res->status != RXC_V_OUT_OF_SCOPE) {
    json_key(b, "drug", 0);
    json_cstr(b, res->drug);
    json_key(b, "formulation", 0);
    json_cstr(b, res->formulation);
    json_key(b, "jurisdiction", 0);
    json_cstr(b, res->jurisdiction);
    json_key(b, "age", 0);
    if (res->age >= 0)
      put_int(b, res->age);
    else
      rxc_buf_puts(b, "null");
    json_key(b, "indications", 0);
    rxc_buf_append(b, "[", 1);
    for (size_t i = 0; i < res->nindications; i++) {
      if (i) rxc_buf_append(b, ",", 1);
      jsonl_indication(b, &res->indications[i]);
    }
    rxc_buf_append(b, "]", 1);
    json_key(b, "findings", 0);
    rxc_buf_append(b, "[", 1);
    for (size_t i = 0; i < res->nfindings; i++) {
      if (i) rxc_buf_append(b, ",", 1);
      jsonl_finding(b, &res->findings[i]);
    }
    rxc_buf_append(b, "]", 1);
  }
  if (res->explain) {
    json_key(b, "explain", 0);
    jsonl_explain(b, res);
  }
  json_key(b, "ruleset", 0);
  json_ruleset(b, rs, res->pack);
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
    rxc_buf_append(b, ",", 1);
  }
  for (size_t i = 0; i < 4; i++) {
    if (i) rxc_buf_append(b, ",", 1);
    rxc_buf_puts(b, csv_extra[i]);
  }
  rxc_buf_append(b, "\n", 1);
}

static void format_csv(rxc_buf *b, const rxc_record *rec,
                       const rxc_result *res) {
  for (size_t i = 0; i < rec->nfields; i++) {
    csv_field(b, rec->fields[i].ptr, rec->fields[i].len);
    rxc_buf_append(b, ",", 1);
  }
  rxc_buf_puts(b, rxc_verdict_name(res->status));
  rxc_buf_append(b, ",", 1);
  /* Lists use ';' between items and ':' inside one; the ids contain
   * neither, so no quoting is needed. */
  for (size_t i = 0; i < res->nindications; i++) {
    if (i) rxc_buf_append(b, ";", 1);
    rxc_buf_puts(b, res->indications[i].indication);
    rxc_buf_append(b, ":", 1);
    rxc_buf_puts(b, rxc_verdict_name(res->indications[i].status));
  }
  rxc_buf_append(b, ",", 1);
  for (size_t i = 0; i < res->nfindings; i++) {
    if (i) rxc_buf_append(b, ";", 1);
    rxc_buf_puts(b, res->findings[i].rule);
    rxc_buf_append(b, ":", 1);
    rxc_buf_puts(b, rxc_severity_name(res->findings[i].severity));
  }
  rxc_buf_append(b, ",", 1);
  int first = 1;
  for (size_t i = 0; i < res->nindications; i++) {
    const char *rule = res->indications[i].rule;
    int seen = !rule;
    for (size_t k = 0; k < i && !seen; k++)
      seen = res->indications[k].rule && strcmp(res->indications[k].rule, rule) == 0;
    if (seen) continue; /* one rule may decide several diagnoses */
    if (!first) rxc_buf_append(b, ";", 1);
    rxc_buf_puts(b, res->indications[i].rule);
    first = 0;
  }
  for (size_t i = 0; i < res->nfindings; i++) {
    if (!first) rxc_buf_append(b, ";", 1);
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
  rxc_buf_puts(b, "line ");
  put_ulong(b, rec->line);
  rxc_str pid = rec->canon[RXC_F_PATIENT_ID];
  if (pid.len) {
    rxc_buf_puts(b, "  patient ");
    text_safe(b, pid.ptr, pid.len);
  }
  rxc_buf_puts(b, "  ");
  upper(b, rxc_verdict_name(res->status));
  if (res->status == RXC_V_OUT_OF_SCOPE) {
    rxc_buf_append(b, "\n", 1);
    return;
  }
  rxc_buf_puts(b, "  ");
  rxc_buf_puts(b, res->drug);
  rxc_buf_puts(b, ", ");
  rxc_buf_puts(b, res->formulation);
  rxc_buf_puts(b, ", ");
  rxc_buf_puts(b, res->jurisdiction ? res->jurisdiction : "no country");
  if (res->age >= 0) {
    rxc_buf_puts(b, ", age ");
    put_int(b, res->age);
  } else {
    rxc_buf_puts(b, ", age unknown");
  }
  rxc_buf_append(b, "\n", 1);
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ir = &res->indications[i];
    rxc_buf_puts(b, "    ");
    rxc_buf_puts(b, ir->label);
    rxc_buf_puts(b, " (");
    text_safe(b, ir->code.raw.ptr, ir->code.raw.len);
    rxc_buf_puts(b, "): ");
    rxc_buf_puts(b, rxc_verdict_name(ir->status));
    if (ir->line) {
      rxc_buf_puts(b, ", ");
      rxc_buf_puts(b, ir->line);
    }
    for (size_t k = 0; k < ir->nreasons; k++) {
      rxc_buf_puts(b, k ? "; " : " - ");
      rxc_buf_puts(b, ir->reasons[k]);
    }
    if (ir->rule) {
      rxc_buf_puts(b, " [");
      rxc_buf_puts(b, ir->rule);
      rxc_buf_puts(b, "]");
    }
    rxc_buf_append(b, "\n", 1);
  }
  if (res->nindications == 0) rxc_buf_puts(b, "    no diagnosis maps to an indication of the pack\n");
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    rxc_buf_puts(b, "    ! ");
    rxc_buf_puts(b, rxc_severity_name(f->severity));
    rxc_buf_puts(b, " ");
    rxc_buf_puts(b, f->kind);
    rxc_buf_puts(b, ": ");
    rxc_buf_puts(b, f->message);
    if (f->action) {
      rxc_buf_puts(b, " Action: ");
      rxc_buf_puts(b, f->action);
    }
    rxc_buf_puts(b, " [");
    rxc_buf_puts(b, f->rule);
    rxc_buf_puts(b, "]\n");
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
    rxc_buf_puts(b, " (");
    rxc_buf_puts(b, strcmp(x->kind, "regulatory") == 0 ? x->label : x->kind);
    rxc_buf_puts(b, "):");
    for (size_t k = 0; k < x->n; k++) {
      const rxc_explain_cond *e = &res->explain_conds[x->first + k];
      rxc_buf_puts(b, k ? "; " : " ");
      rxc_buf_puts(b, e->field);
      rxc_buf_puts(b, " ");
      if (e->value[0])
        text_safe(b, e->value, strlen(e->value));
      else
        rxc_buf_puts(b, "(absent)");
      rxc_buf_puts(b, e->held ? " " : " failed ");
      rxc_buf_puts(b, e->test);
    }
    rxc_buf_append(b, "\n", 1);
  }
}

void rxc_format_result(rxc_buf *b, rxc_format fmt, const rxc_ruleset *rs,
                       const rxc_record *rec, const rxc_result *res) {
  switch (fmt) {
    case RXC_FORMAT_JSONL:
      rxc_buf_append(b, "{", 1);
      format_jsonl(b, rs, rec, res);
      rxc_buf_append(b, "}\n", 2);
      break;
    case RXC_FORMAT_CSV:
      format_csv(b, rec, res);
      rxc_buf_append(b, "\n", 1);
      break;
    case RXC_FORMAT_TEXT:
      format_text(b, rec, res);
      if (res->explain) text_explain(b, res);
      break;
  }
}

/* ---- tally and summary ---------------------------------------------------- */

void rxc_format_reject(rxc_buf *b, const rxc_reject *rej) {
  put_ulong(b, rej->line);
  rxc_buf_append(b, ",", 1);
  put_ulong(b, rej->column);
  rxc_buf_append(b, ",", 1);
  csv_field(b, rej->message, strlen(rej->message));
  rxc_buf_append(b, "\n", 1);
}

void rxc_tally_add(rxc_tally *t, const rxc_result *res, int fail_on) {
  t->checked++;
  t->by_status[res->status]++;
  if (res->status != RXC_V_OUT_OF_SCOPE) t->in_scope++;
  int hit = 0;
  for (size_t i = 0; i < res->nfindings; i++) {
    t->by_severity[res->findings[i].severity]++;
    if (fail_on >= 0 && (int)res->findings[i].severity >= fail_on) hit = 1;
  }
  t->records_at_or_above += (unsigned long)hit;
}

void rxc_format_summary_json(rxc_buf *b, const char *input_name,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_ruleset *rules) {
  rxc_buf_puts(b, "{\"tool\":{\"name\":\"rxcheck\",\"version\":");
  json_cstr(b, rxc_version());
  rxc_buf_puts(b, "},\"input\":");
  json_cstr(b, input_name);
  rxc_buf_puts(b, ",\"rows_read\":");
  put_ulong(b, st->rows_read);
  rxc_buf_puts(b, ",\"checked\":");
  put_ulong(b, t->checked);
  rxc_buf_puts(b, ",\"in_scope\":");
  put_ulong(b, t->in_scope);
  rxc_buf_puts(b, ",\"rejected\":");
  put_ulong(b, st->rejected);
  rxc_buf_puts(b, ",\"rejected_by\":{");
  int first = 1;
  for (int i = 0; i < RXC_REJ__COUNT; i++) {
    if (!st->rejected_by[i]) continue;
    json_key(b, rxc_reject_id((rxc_reject_reason)i), first);
    put_ulong(b, st->rejected_by[i]);
    first = 0;
  }
  rxc_buf_puts(b, "},\"blank_lines\":");
  put_ulong(b, st->blank_lines);
  rxc_buf_puts(b, ",\"status\":{");
  for (int i = 0; i < RXC_V__COUNT; i++) {
    json_key(b, rxc_verdict_name((rxc_verdict)i), i == 0);
    put_ulong(b, t->by_status[i]);
  }
  rxc_buf_puts(b, "},\"findings\":{");
  for (int i = RXC_SEV__COUNT - 1; i >= 0; i--) {
    json_key(b, rxc_severity_name((rxc_severity)i), i == RXC_SEV__COUNT - 1);
    put_ulong(b, t->by_severity[i]);
  }
  rxc_buf_puts(b, "},\"ruleset\":");
  json_ruleset(b, rules, NULL);
  rxc_buf_puts(b, "}\n");
}

void rxc_format_summary_text(rxc_buf *b, const char *input_name,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_ruleset *rules) {
  rxc_buf_puts(b, "rxcheck: ");
  rxc_buf_puts(b, input_name);
  rxc_buf_puts(b, ": ");
  put_ulong(b, st->rows_read);
  rxc_buf_puts(b, " rows read, ");
  put_ulong(b, t->checked);
  rxc_buf_puts(b, " checked (");
  put_ulong(b, t->in_scope);
  rxc_buf_puts(b, " in scope), ");
  put_ulong(b, st->rejected);
  rxc_buf_puts(b, " rejected");
  if (st->blank_lines) {
    rxc_buf_puts(b, ", ");
    put_ulong(b, st->blank_lines);
    rxc_buf_puts(b, " blank lines skipped");
  }
  rxc_buf_puts(b, "\nrxcheck: status:");
  for (int i = RXC_V__COUNT - 1; i >= 0; i--) {
    rxc_buf_puts(b, " ");
    rxc_buf_puts(b, rxc_verdict_name((rxc_verdict)i));
    rxc_buf_puts(b, " ");
    put_ulong(b, t->by_status[i]);
  }
  rxc_buf_puts(b, "\nrxcheck: findings:");
  for (int i = RXC_SEV__COUNT - 1; i >= 0; i--) {
    rxc_buf_puts(b, " ");
    rxc_buf_puts(b, rxc_severity_name((rxc_severity)i));
    rxc_buf_puts(b, " ");
    put_ulong(b, t->by_severity[i]);
  }
  for (size_t i = 0; i < rxc_ruleset_npacks(rules); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rules, i);
    rxc_buf_puts(b, "\nrxcheck: ruleset: ");
    rxc_buf_puts(b, p->name);
    rxc_buf_puts(b, " ");
    rxc_buf_puts(b, p->version);
    rxc_buf_puts(b, " ");
    rxc_buf_puts(b, p->hash);
  }
  rxc_buf_puts(b, "\n");
}
