/*
 * summary.c - the run summary: what was read, checked and found, where
 * it came from (provenance) and which suppressions applied. JSON for
 * pipelines (--summary FILE), a few lines of text for a terminal.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json_out.h"
#include "rxcheck/output.h"
#include "rxcheck/suppress.h"

void rxc_format_summary_json(rxc_buf *b, const rxc_run_info *run,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_ruleset *rules,
                             const rxc_suppressions *sup) {
  RXC__PUTS(b, "{\"tool\":{\"name\":\"rxcheck\",\"version\":");
  rxc__json_cstr(b, rxc_version());
  RXC__PUTS(b, "},\"input\":");
  rxc__json_cstr(b, run ? run->input_name : NULL);
  RXC__PUTS(b, ",\"input_sha256\":");
  rxc__json_cstr(b, run ? run->input_sha256 : NULL);
  RXC__PUTS(b, ",\"started\":");
  rxc__json_cstr(b, run ? run->started : NULL);
  RXC__PUTS(b, ",\"as_of\":");
  rxc__json_date(b, run ? run->as_of : (rxc_date){0, 0, 0});
  RXC__PUTS(b, ",\"rows_read\":");
  rxc__put_ulong(b, st->rows_read);
  RXC__PUTS(b, ",\"checked\":");
  rxc__put_ulong(b, t->checked);
  RXC__PUTS(b, ",\"in_scope\":");
  rxc__put_ulong(b, t->in_scope);
  RXC__PUTS(b, ",\"rejected\":");
  rxc__put_ulong(b, st->rejected);
  RXC__PUTS(b, ",\"rejected_by\":{");
  int first = 1;
  for (int i = 0; i < RXC_REJ__COUNT; i++) {
    if (!st->rejected_by[i]) continue;
    rxc__json_key(b, rxc_reject_id((rxc_reject_reason)i), first);
    rxc__put_ulong(b, st->rejected_by[i]);
    first = 0;
  }
  RXC__PUTS(b, "},\"blank_lines\":");
  rxc__put_ulong(b, st->blank_lines);
  RXC__PUTS(b, ",\"status\":");
  rxc__json_status_counts(b, t->by_status);
  RXC__PUTS(b, ",\"findings\":");
  rxc__json_severity_counts(b, t->by_severity);
  RXC__PUTS(b, ",\"suppressed\":{\"total\":");
  rxc__put_ulong(b, t->suppressed);
  RXC__PUTS(b, ",\"by_severity\":");
  rxc__json_severity_counts(b, t->suppressed_by_severity);
  RXC__PUTS(b, "}");
  if (t->detail) {
    RXC__PUTS(b, ",\"jurisdictions\":");
    rxc__json_tally_groups(b, t, 1);
    RXC__PUTS(b, ",\"indications\":");
    rxc__json_tally_groups(b, t, 0);
    RXC__PUTS(b, ",\"rules\":{");
    for (size_t i = 0; i < rxc_tally_nrules(t); i++) {
      const rxc_tally_rule *r = rxc_tally_rule_at(t, i);
      rxc__json_key(b, r->rule, i == 0);
      RXC__PUTS(b, "{\"active\":");
      rxc__put_ulong(b, r->active);
      RXC__PUTS(b, ",\"suppressed\":");
      rxc__put_ulong(b, r->suppressed);
      RXC__PUTS(b, "}");
    }
    RXC__PUTS(b, "}");
  }
  RXC__PUTS(b, ",\"suppress_on\":");
  rxc__json_date(b, sup && run ? run->suppress_on : (rxc_date){0, 0, 0});
  RXC__PUTS(b, ",\"suppressions\":[");
  for (size_t i = 0; i < rxc_suppressions_count(sup); i++) {
    if (i) RXC__PUTS(b, ",");
    rxc__json_suppression(b, rxc_suppressions_entry(sup, i),
                          rxc_tally_suppression_hits(t, i));
  }
  RXC__PUTS(b, "],\"ruleset\":");
  rxc__json_ruleset(b, rules, NULL);
  RXC__PUTS(b, "}\n");
}

void rxc_format_summary_text(rxc_buf *b, const rxc_run_info *run,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_ruleset *rules,
                             const rxc_suppressions *sup) {
  RXC__PUTS(b, "rxcheck: ");
  rxc_buf_puts(b, run && run->input_name ? run->input_name : "-");
  RXC__PUTS(b, ": ");
  rxc__put_ulong(b, st->rows_read);
  RXC__PUTS(b, " rows read, ");
  rxc__put_ulong(b, t->checked);
  RXC__PUTS(b, " checked (");
  rxc__put_ulong(b, t->in_scope);
  RXC__PUTS(b, " in scope), ");
  rxc__put_ulong(b, st->rejected);
  RXC__PUTS(b, " rejected");
  if (st->blank_lines) {
    RXC__PUTS(b, ", ");
    rxc__put_ulong(b, st->blank_lines);
    RXC__PUTS(b, " blank lines skipped");
  }
  RXC__PUTS(b, "\nrxcheck: status:");
  for (int i = RXC_V__COUNT - 1; i >= 0; i--) {
    RXC__PUTS(b, " ");
    rxc_buf_puts(b, rxc_verdict_name((rxc_verdict)i));
    RXC__PUTS(b, " ");
    rxc__put_ulong(b, t->by_status[i]);
  }
  RXC__PUTS(b, "\nrxcheck: findings:");
  for (int i = RXC_SEV__COUNT - 1; i >= 0; i--) {
    RXC__PUTS(b, " ");
    rxc_buf_puts(b, rxc_severity_name((rxc_severity)i));
    RXC__PUTS(b, " ");
    rxc__put_ulong(b, t->by_severity[i]);
  }
  if (sup) {
    RXC__PUTS(b, "\nrxcheck: suppressed: ");
    rxc__put_ulong(b, t->suppressed);
    unsigned long expired = 0;
    for (size_t i = 0; i < rxc_suppressions_count(sup); i++)
      expired += (unsigned long)rxc_suppressions_entry(sup, i)->expired;
    RXC__PUTS(b, " findings; ");
    rxc__put_ulong(b, expired);
    RXC__PUTS(b, " of ");
    rxc__put_ulong(b, (unsigned long)rxc_suppressions_count(sup));
    RXC__PUTS(b, " suppression entries expired");
  }
  if (run && run->as_of.year) {
    RXC__PUTS(b, "\nrxcheck: as of ");
    rxc__put_date(b, run->as_of);
  }
  for (size_t i = 0; i < rxc_ruleset_npacks(rules); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rules, i);
    RXC__PUTS(b, "\nrxcheck: ruleset: ");
    rxc_buf_puts(b, p->name);
    RXC__PUTS(b, " ");
    rxc_buf_puts(b, p->version);
    RXC__PUTS(b, " ");
    rxc_buf_puts(b, p->hash);
  }
  RXC__PUTS(b, "\n");
}
