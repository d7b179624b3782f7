/*
 * sarif.c - results as one SARIF 2.1.0 log (OASIS), for audit tools and
 * code-scanning dashboards.
 *
 * The log streams in three parts (rxcheck/report.h): the run header with
 * the tool and one reportingDescriptor per rule, then results (each written
 * as ",{...}\n" so that the caller drops the very first comma), then the
 * tail: artifacts, invocations and the run's properties. The key order is
 * fixed, so the same input and rules give the same bytes apart from the
 * invocation's startTimeUtc.
 *
 * Mapping (also in report.h):
 *   - rules: every rule of the ruleset, in ruleset order, then three that
 *     the engine itself reports: "rxcheck-match-limit" (a finding), and
 *     "rxcheck-off-label" and "rxcheck-no-indication" (verdicts). The
 *     verdict results use these fixed ids rather than the regulatory rule
 *     that decided, because an off-label verdict need not have one (no
 *     approval in the jurisdiction at all) and one id per verdict lets a
 *     dashboard group them; the deciding rule is in the result's
 *     properties.
 *   - levels: contraindicated and major findings are "error", moderate
 *     "warning", minor and info "note"; an off-label verdict is "warning"
 *     (a recognised use that needs a reason on file), no-indication "note"
 *     (the diagnoses do not say why the drug was given).
 *   - location: the input (artifact 0) and the record's first physical
 *     line. No patient value is written: not the patient id, not the
 *     diagnosis codes, not the age, not the matched co-medication. JSONL
 *     carries those for whoever holds the export; a SARIF file is shared
 *     more widely, and the line is enough to find the record.
 *   - suppressed findings keep their level and carry SARIF `suppressions`
 *     (kind external, status accepted, the entry's reason as justification;
 *     owner, expiry and file:line in its properties). The entry's patient
 *     and prescriber ids are never written, only that it is narrowed by
 *     them.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json_out.h"
#include "rxcheck/report.h"

/* The three rules the engine reports itself. */
#define RULE_MATCH_LIMIT "rxcheck-match-limit"
#define RULE_OFF_LABEL "rxcheck-off-label"
#define RULE_NO_INDICATION "rxcheck-no-indication"

/* ---- small writers ------------------------------------------------------ */

static void put_ulong(rxc_buf *b, unsigned long v) { rxc__put_ulong(b, v); }

/* One JSON string written in pieces, with no scratch buffer: open it with
 * RXC__PUTS(b, "\""), add each piece through json_piece, close it with
 * RXC__PUTS(b, "\""). A piece goes through rxc_buf_json_string (the one
 * escaper) and then loses the quotes it was given. */
static void json_piece(rxc_buf *b, const char *s) {
  if (!s) return;
  size_t at = b->len;
  rxc_buf_json_string(b, s, strlen(s));
  if (b->failed || b->len < at + 2) return;
  memmove(b->data + at, b->data + at + 1, b->len - at - 2);
  b->len -= 2;
  b->data[b->len] = '\0';
}

/* The input name as a URI reference: bytes outside RFC 3986's unreserved
 * set and '/' are percent-encoded, so "my export.csv" stays a valid
 * relative reference and a ':' cannot be read as a scheme. */
static void json_uri(rxc_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  RXC__PUTS(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '/') {
      char ch = (char)c;
      rxc__put(b, &ch, 1);
    } else {
      char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
      rxc__put(b, esc, 3);
    }
  }
  RXC__PUTS(b, "\"");
}

/* SARIF's level for a finding severity (rxc_sarif_level in report.h). */
const char *rxc_sarif_level(rxc_severity s) {
  switch (s) {
    case RXC_SEV_CONTRAINDICATED:
    case RXC_SEV_MAJOR:
      return "error";
    case RXC_SEV_MODERATE:
      return "warning";
    case RXC_SEV_MINOR:
    case RXC_SEV_INFO:
    default:
      return "note";
  }
}

/* The descriptor index of a rule id: ruleset rules first, in ruleset
 * order, then the engine's three (see rxc_sarif_begin). A linear look-up,
 * as rxc_ruleset_find_rule; packs have a few hundred rules at most. */
static long rule_index(const rxc_ruleset *rs, const char *id) {
  size_t n = rxc_ruleset_nrules(rs);
  if (!id) return -1;
  for (size_t i = 0; i < n; i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(rs, i);
    if (r->id && strcmp(r->id, id) == 0) return (long)i;
  }
  if (strcmp(id, RULE_MATCH_LIMIT) == 0) return (long)n;
  if (strcmp(id, RULE_OFF_LABEL) == 0) return (long)n + 1;
  if (strcmp(id, RULE_NO_INDICATION) == 0) return (long)n + 2;
  return -1;
}

/* ---- rxc_sarif_begin: the log, the run, the tool and its rules ---------- */

/* An http(s) URL made only of the characters RFC 3986 allows (SARIF's
 * helpUri must be an absolute URI); a URL written with spaces or other
 * characters stays a plain property. */
static int is_http_url(const char *s) {
  if (!s || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
    return 0;
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c <= ' ' || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL)
      return 0;
    if (c == '%' && !(isxdigit((unsigned char)p[1]) &&
                      isxdigit((unsigned char)p[2])))
      return 0;
  }
  return 1;
}

/* One reportingDescriptor. r gives the rule's version and validity when
 * it is a rule of the ruleset (NULL for the engine's own). */
static void descriptor(rxc_buf *b, const rxc_rule_info *r, const char *id,
                       const char *summary, const char *url,
                       const char *level, const char *pack, const char *kind,
                       const char *severity, const char *source,
                       const char *citation) {
  RXC__PUTS(b, "{\"id\":");
  rxc__json_cstr(b, id);
  if (summary) {
    RXC__PUTS(b, ",\"shortDescription\":{\"text\":");
    rxc__json_cstr(b, summary);
    RXC__PUTS(b, "}");
  }
  /* helpUri must be an absolute URI: anything else stays a property. */
  if (is_http_url(url)) {
    RXC__PUTS(b, ",\"helpUri\":");
    rxc__json_cstr(b, url);
  }
  if (level) {
    RXC__PUTS(b, ",\"defaultConfiguration\":{\"level\":");
    rxc__json_cstr(b, level);
    RXC__PUTS(b, "}");
  }
  RXC__PUTS(b, ",\"properties\":{");
  int first = 1;
  if (pack) {
    rxc__json_key(b, "pack", first);
    rxc__json_cstr(b, pack);
    first = 0;
  }
  rxc__json_key(b, "kind", first);
  rxc__json_cstr(b, kind);
  if (severity) {
    rxc__json_key(b, "severity", 0);
    rxc__json_cstr(b, severity);
  }
  if (source) {
    rxc__json_key(b, "source", 0);
    rxc__json_cstr(b, source);
  }
  if (citation) {
    rxc__json_key(b, "citation", 0);
    rxc__json_cstr(b, citation);
  }
  if (url && !is_http_url(url)) {
    rxc__json_key(b, "url", 0);
    rxc__json_cstr(b, url);
  }
  if (r) {
    rxc__json_key(b, "version", 0);
    rxc__json_cstr(b, r->version);
    rxc__json_key(b, "valid_from", 0);
    rxc__json_date(b, r->valid_from);
    rxc__json_key(b, "valid_until", 0);
    rxc__json_date(b, r->valid_until);
  }
  RXC__PUTS(b, ",\"tags\":[");
  rxc__json_cstr(b, kind);
  RXC__PUTS(b, "]}}");
}

void rxc_sarif_begin(rxc_buf *b, const rxc_ruleset *rs,
                     const rxc_run_info *run) {
  (void)run; /* everything about the run is written at the end */
  RXC__PUTS(b,
            "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
            "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
            "\"name\":\"rxcheck\",\"fullName\":\"rxcheck clinical rule "
            "checker\",\"version\":");
  rxc__json_cstr(b, rxc_version());
  RXC__PUTS(b, ",\"semanticVersion\":");
  rxc__json_cstr(b, rxc_version());
  RXC__PUTS(b, ",\"rules\":[\n");
  size_t n = rxc_ruleset_nrules(rs);
  for (size_t i = 0; i < n; i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(rs, i);
    const char *level = NULL;
    rxc_severity sev;
    if (r->severity && rxc_severity_parse(r->severity, &sev))
      level = rxc_sarif_level(sev);
    descriptor(b, r, r->id, r->summary, r->url, level, r->pack, r->kind,
               r->severity, r->source, r->citation);
    RXC__PUTS(b, ",\n");
  }
  descriptor(b, NULL, RULE_MATCH_LIMIT,
             "A name pattern reached its match limit on a record, so a "
             "finding may be missing: check that record by hand.",
             NULL, rxc_sarif_level(RXC_SEV_MAJOR), NULL, "limit", "major",
             "rxcheck", "rxcheck engine: pattern match limits "
             "(rules/README.md)");
  RXC__PUTS(b, ",\n");
  descriptor(b, NULL, RULE_OFF_LABEL,
             "Off-label: a recognised use that is not approved in the "
             "record's jurisdiction for this formulation or age.",
             NULL, "warning", NULL, "verdict", NULL, NULL, NULL);
  RXC__PUTS(b, ",\n");
  descriptor(b, NULL, RULE_NO_INDICATION,
             "No indication: no diagnosis of the record maps to an "
             "indication of the pack.",
             NULL, "note", NULL, "verdict", NULL, NULL, NULL);
  RXC__PUTS(b, "]}},\"results\":[\n");
}

/* ---- rxc_sarif_result: one result per finding and per verdict ----------- */

/* A named input, or NULL for standard input: "-" as output.h says, and
 * "<stdin>", which the CLI shows in its messages. */
static const char *input_uri(const rxc_run_info *run) {
  if (!run || !run->input_name || strcmp(run->input_name, "-") == 0 ||
      strcmp(run->input_name, "<stdin>") == 0)
    return NULL;
  return run->input_name;
}

/* "locations":[...] for the record: the input (artifact 0) and the line
 * where the record starts. Standard input has no URI, only the index. */
static void locations(rxc_buf *b, const rxc_run_info *run,
                      const rxc_record *rec) {
  RXC__PUTS(b, ",\"locations\":[{\"physicalLocation\":{"
               "\"artifactLocation\":{");
  if (input_uri(run)) {
    RXC__PUTS(b, "\"uri\":");
    json_uri(b, input_uri(run));
    RXC__PUTS(b, ",");
  }
  RXC__PUTS(b, "\"index\":0}");
  if (rec->line > 0) {
    RXC__PUTS(b, ",\"region\":{\"startLine\":");
    put_ulong(b, rec->line);
    RXC__PUTS(b, "}");
  }
  RXC__PUTS(b, "}}]");
}

/* Which keys narrow a suppression entry (never their values for the
 * patient and prescriber ids), then the drug code it names, if any. */
static void suppressions(rxc_buf *b, const rxc_suppression *s) {
  RXC__PUTS(b, ",\"suppressions\":[{\"kind\":\"external\","
               "\"status\":\"accepted\",\"justification\":");
  rxc__json_cstr(b, s->reason ? s->reason : "");
  RXC__PUTS(b, ",\"properties\":{\"owner\":");
  rxc__json_cstr(b, s->owner);
  RXC__PUTS(b, ",\"expires\":");
  rxc__json_date(b, s->expires);
  RXC__PUTS(b, ",\"entry\":");
  rxc__json_cstr(b, s->entry);
  RXC__PUTS(b, ",");
  rxc__json_suppression_scope(b, s);
  RXC__PUTS(b, "}}]");
}

/* The properties every result of a record shares: what was checked and
 * against which rules, and the date they were judged on. */
static void record_properties(rxc_buf *b, const rxc_result *res) {
  RXC__PUTS(b, ",\"jurisdiction\":");
  rxc__json_cstr(b, res->jurisdiction);
  RXC__PUTS(b, ",\"drug\":");
  rxc__json_cstr(b, res->drug);
  RXC__PUTS(b, ",\"formulation\":");
  rxc__json_cstr(b, res->formulation);
  RXC__PUTS(b, ",\"as_of\":");
  rxc__json_date(b, res->as_of);
  RXC__PUTS(b, ",\"ruleset\":");
  if (res->pack)
    rxc__json_pack(b, res->pack);
  else
    RXC__PUTS(b, "null");
}

static void finding_result(rxc_buf *b, const rxc_ruleset *rs,
                           const rxc_run_info *run, const rxc_record *rec,
                           const rxc_result *res, const rxc_finding *f) {
  RXC__PUTS(b, ",{\"ruleId\":");
  rxc__json_cstr(b, f->rule);
  long idx = rule_index(rs, f->rule);
  if (idx >= 0) {
    RXC__PUTS(b, ",\"ruleIndex\":");
    put_ulong(b, (unsigned long)idx);
  }
  RXC__PUTS(b, ",\"level\":");
  rxc__json_cstr(b, rxc_sarif_level(f->severity));
  RXC__PUTS(b, ",\"message\":{\"text\":\"");
  json_piece(b, f->message ? f->message : f->rule);
  if (f->action) {
    RXC__PUTS(b, " Action: ");
    json_piece(b, f->action);
  }
  RXC__PUTS(b, "\"}");
  locations(b, run, rec);
  if (f->suppression) suppressions(b, f->suppression);
  RXC__PUTS(b, ",\"properties\":{\"severity\":");
  rxc__json_cstr(b, rxc_severity_name(f->severity));
  RXC__PUTS(b, ",\"kind\":");
  rxc__json_cstr(b, f->kind);
  RXC__PUTS(b, ",\"source\":");
  rxc__json_cstr(b, f->source);
  RXC__PUTS(b, ",\"suppressed\":");
  rxc_buf_puts(b, f->suppression ? "true" : "false");
  RXC__PUTS(b, ",\"rule_version\":");
  rxc__json_cstr(b, f->rule_version);
  record_properties(b, res);
  RXC__PUTS(b, "}}\n");
}

static void verdict_result(rxc_buf *b, const rxc_ruleset *rs,
                           const rxc_run_info *run, const rxc_record *rec,
                           const rxc_result *res) {
  int off = res->status == RXC_V_OFF_LABEL;
  const char *id = off ? RULE_OFF_LABEL : RULE_NO_INDICATION;
  RXC__PUTS(b, ",{\"ruleId\":");
  rxc__json_cstr(b, id);
  RXC__PUTS(b, ",\"ruleIndex\":");
  put_ulong(b, (unsigned long)rule_index(rs, id));
  RXC__PUTS(b, ",\"level\":");
  rxc__json_cstr(b, off ? "warning" : "note");

  /* The message names the off-label uses and why, in the rules' words. */
  const rxc_indication_result *first = NULL;
  RXC__PUTS(b, ",\"message\":{\"text\":\"");
  if (off) {
    const char *last = "";
    RXC__PUTS(b, "Off-label (");
    json_piece(b, res->formulation);
    RXC__PUTS(b, ", ");
    json_piece(b, res->jurisdiction ? res->jurisdiction : "no country");
    RXC__PUTS(b, "):");
    for (size_t i = 0; i < res->nindications; i++) {
      const rxc_indication_result *ir = &res->indications[i];
      if (ir->status != RXC_V_OFF_LABEL) continue;
      if (first) RXC__PUTS(b, ";");
      if (!first) first = ir;
      RXC__PUTS(b, " ");
      last = ir->label ? ir->label : ir->indication;
      json_piece(b, last);
      for (size_t k = 0; k < ir->nreasons; k++) {
        if (k)
          RXC__PUTS(b, "; ");
        else
          RXC__PUTS(b, " - ");
        json_piece(b, ir->reasons[k]);
        if (ir->reasons[k]) last = ir->reasons[k];
      }
    }
    if (!last || !*last || last[strlen(last) - 1] != '.') RXC__PUTS(b, ".");
  } else {
    RXC__PUTS(b, "No diagnosis of the record maps to an indication of the ");
    json_piece(b, res->pack ? res->pack->name : NULL);
    RXC__PUTS(b, " pack.");
  }
  RXC__PUTS(b, "\"}");
  locations(b, run, rec);

  RXC__PUTS(b, ",\"properties\":{\"status\":");
  rxc__json_cstr(b, rxc_verdict_name(res->status));
  RXC__PUTS(b, ",\"indication\":");
  rxc__json_cstr(b, first ? first->indication : NULL);
  RXC__PUTS(b, ",\"rule\":");
  rxc__json_cstr(b, first ? first->rule : NULL);
  RXC__PUTS(b, ",\"rule_version\":");
  rxc__json_cstr(b, first ? first->rule_version : NULL);
  RXC__PUTS(b, ",\"indications\":[");
  int n = 0;
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ir = &res->indications[i];
    if (n++) RXC__PUTS(b, ",");
    RXC__PUTS(b, "{\"indication\":");
    rxc__json_cstr(b, ir->indication);
    RXC__PUTS(b, ",\"status\":");
    rxc__json_cstr(b, rxc_verdict_name(ir->status));
    RXC__PUTS(b, ",\"rule\":");
    rxc__json_cstr(b, ir->rule);
    RXC__PUTS(b, ",\"rule_version\":");
    rxc__json_cstr(b, ir->rule_version);
    RXC__PUTS(b, ",\"source\":");
    rxc__json_cstr(b, ir->source);
    RXC__PUTS(b, ",\"reasons\":[");
    for (size_t k = 0; k < ir->nreasons; k++) {
      if (k) RXC__PUTS(b, ",");
      rxc__json_cstr(b, ir->reasons[k]);
    }
    RXC__PUTS(b, "]}");
  }
  RXC__PUTS(b, "]");
  record_properties(b, res);
  RXC__PUTS(b, "}}\n");
}

void rxc_sarif_result(rxc_buf *b, const rxc_ruleset *rs,
                      const rxc_run_info *run, const rxc_record *rec,
                      const rxc_result *res) {
  if (res->status == RXC_V_OUT_OF_SCOPE) return;
  for (size_t i = 0; i < res->nfindings; i++)
    finding_result(b, rs, run, rec, res, &res->findings[i]);
  if (res->status == RXC_V_OFF_LABEL || res->status == RXC_V_NO_INDICATION)
    verdict_result(b, rs, run, rec, res);
}

/* ---- rxc_sarif_end: artifacts, invocations, run properties -------------- */


void rxc_sarif_end(rxc_buf *b, const rxc_ruleset *rs, const rxc_run_info *run,
                   const rxc_read_stats *st, const rxc_tally *t,
                   const rxc_suppressions *sup) {
  RXC__PUTS(b, "],\"artifacts\":[{\"location\":{");
  if (input_uri(run)) {
    RXC__PUTS(b, "\"uri\":");
    json_uri(b, input_uri(run));
  } else {
    RXC__PUTS(b, "\"description\":{\"text\":\"standard input\"}");
  }
  RXC__PUTS(b, "},\"roles\":[\"analysisTarget\"]");
  if (run && run->input_sha256) {
    RXC__PUTS(b, ",\"hashes\":{\"sha-256\":");
    rxc__json_cstr(b, run->input_sha256);
    RXC__PUTS(b, "}");
  }
  RXC__PUTS(b, "}],\n\"invocations\":[{\"executionSuccessful\":true");
  if (run && run->started) {
    RXC__PUTS(b, ",\"startTimeUtc\":");
    rxc__json_cstr(b, run->started);
  }
  /* as_of null: no --as-of, each record was judged on its own rx_date. */
  RXC__PUTS(b, ",\"properties\":{\"as_of\":");
  rxc__json_date(b, run ? run->as_of : (rxc_date){0, 0, 0});
  RXC__PUTS(b, ",\"suppress_on\":");
  rxc__json_date(b, run && sup ? run->suppress_on : (rxc_date){0, 0, 0});
  RXC__PUTS(b, "}}],\n\"properties\":{\"ruleset\":");
  rxc__json_packs(b, rs);

  RXC__PUTS(b, ",\"counts\":{");
  int first = 1;
  if (st) {
    RXC__PUTS(b, "\"rows_read\":");
    put_ulong(b, st->rows_read);
    RXC__PUTS(b, ",\"rejected\":");
    put_ulong(b, st->rejected);
    RXC__PUTS(b, ",\"blank_lines\":");
    put_ulong(b, st->blank_lines);
    first = 0;
  }
  if (t) {
    rxc__json_key(b, "checked", first);
    put_ulong(b, t->checked);
    RXC__PUTS(b, ",\"in_scope\":");
    put_ulong(b, t->in_scope);
    RXC__PUTS(b, ",\"status\":");
    rxc__json_status_counts(b, t->by_status);
    RXC__PUTS(b, ",\"findings\":");
    rxc__json_severity_counts(b, t->by_severity);
    RXC__PUTS(b, ",\"suppressed\":");
    rxc__json_severity_counts(b, t->suppressed_by_severity);
  }
  RXC__PUTS(b, "}");

  if (t && t->detail) {
    RXC__PUTS(b, ",\n\"by_jurisdiction\":");
    rxc__json_tally_groups(b, t, 1);
    RXC__PUTS(b, ",\n\"by_indication\":");
    rxc__json_tally_groups(b, t, 0);
    RXC__PUTS(b, ",\n\"by_rule\":[");
    int n = 0;
    for (size_t i = 0; i < rxc_tally_nrules(t); i++) {
      const rxc_tally_rule *r = rxc_tally_rule_at(t, i);
      if (!r || (r->active == 0 && r->suppressed == 0)) continue;
      if (n++) RXC__PUTS(b, ",");
      RXC__PUTS(b, "{\"rule\":");
      rxc__json_cstr(b, r->rule);
      RXC__PUTS(b, ",\"severity\":");
      rxc__json_cstr(b, rxc_severity_name(r->severity));
      RXC__PUTS(b, ",\"active\":");
      put_ulong(b, r->active);
      RXC__PUTS(b, ",\"suppressed\":");
      put_ulong(b, r->suppressed);
      RXC__PUTS(b, "}");
    }
    RXC__PUTS(b, "]");
  }

  /* Every suppression entry, expired ones included, with its hits. */
  RXC__PUTS(b, ",\n\"suppressions\":[");
  for (size_t i = 0; i < rxc_suppressions_count(sup); i++) {
    if (i) RXC__PUTS(b, ",");
    rxc__json_suppression(b, rxc_suppressions_entry(sup, i),
                          t ? rxc_tally_suppression_hits(t, i) : 0);
  }
  RXC__PUTS(b, "]}}]}\n");
}
