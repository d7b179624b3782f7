/*
 * rxcheck/report.h - output for audit tools and people: SARIF 2.1.0 and a
 * self-contained HTML summary page.
 *
 * SARIF is one JSON document per run, written in three parts so that it
 * streams: rxc_sarif_begin (the log, the run, the tool and its rules, up
 * to the opening of "results"), rxc_sarif_result per record (any number of
 * results, each written as ",{...}" and a newline: the writer drops the
 * very first comma),
 * and rxc_sarif_end (closing "results", then artifacts with the input's
 * hash, invocations and run properties). Same buffer rules as output.h:
 * appending never fails, check b->failed once at the end. Everything is
 * only read; the writers keep no state, so threads may format results
 * into their own buffers. The bytes are the same for the same inputs,
 * apart from the invocation's startTimeUtc (run->started).
 *
 * SARIF mapping:
 *   tool.driver.rules  every rule of the ruleset in ruleset order (id,
 *       shortDescription = summary, helpUri = the source URL when it is an
 *       http(s) URL, defaultConfiguration.level for finding rules,
 *       properties pack/kind/severity/source/citation/version/valid_from/
 *       valid_until), then the engine's own: "rxcheck-match-limit" (a
 *       finding), "rxcheck-off-label" and "rxcheck-no-indication"
 *       (verdicts).
 *   results  one per finding (ruleId = the finding's rule) and one per
 *       off-label or no-indication record (ruleId "rxcheck-off-label" or
 *       "rxcheck-no-indication"; the regulatory rule that decided, when
 *       one did, is properties.rule). level: rxc_sarif_level for findings,
 *       "warning" for off-label, "note" for no-indication. The location is
 *       artifact 0 (the input) and region.startLine = the record's line.
 *       properties: severity, kind, source, suppressed, rule_version
 *       (findings); status, indication, rule, rule_version, indications
 *       (verdicts); jurisdiction, drug, formulation, as_of (rxc_result's)
 *       and the deciding pack (both).
 *       No patient value is ever written (no patient id, diagnosis code,
 *       age or co-medication text): the line finds the record in the
 *       export, and SARIF files travel further than the export does.
 *   suppressions  a suppressed finding keeps its level and gets
 *       [{"kind":"external","status":"accepted","justification":reason,
 *       "properties":{"owner","expires","entry":"file:line","scope":[
 *       "patient"|"prescriber"|"drug_code"],"drug_code"}}]; the entry's
 *       patient and prescriber ids are never written.
 *   end  artifacts[0] = the input (uri, "sha-256" when known; standard
 *       input has a description instead of a uri); invocations[0] =
 *       executionSuccessful, startTimeUtc, properties as_of (null: each
 *       record's rx_date) and suppress_on (null without suppressions); run
 *       properties: ruleset (every
 *       pack), counts (rows, status, findings and suppressed by severity),
 *       by_jurisdiction, by_indication, by_rule (tally detail, when the
 *       tally has it) and every suppression entry with its hits and
 *       whether it expired.
 */
#ifndef RXCHECK_REPORT_H
#define RXCHECK_REPORT_H

#include "check.h"
#include "common.h"
#include "input.h"
#include "output.h"
#include "rules.h"
#include "suppress.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SARIF's level for a finding's severity: contraindicated and major
 * "error", moderate "warning", minor and info "note". A static string;
 * thread-safe. */
RXC_API const char *rxc_sarif_level(rxc_severity s);

/* `run` may be NULL in all three (then results name the input by artifact
 * index only); st, t and sup may be NULL in rxc_sarif_end (their parts
 * are left out or empty). */
RXC_API void rxc_sarif_begin(rxc_buf *b, const rxc_ruleset *rs,
                             const rxc_run_info *run);
/* One SARIF result per finding and one per off-label or no-indication
 * verdict of the record (none for approved, unknown or out-of-scope ones),
 * each as ",{...}" with the physical location input + line, and SARIF's
 * `suppressions` for suppressed findings. */
RXC_API void rxc_sarif_result(rxc_buf *b, const rxc_ruleset *rs,
                              const rxc_run_info *run, const rxc_record *rec,
                              const rxc_result *res);
RXC_API void rxc_sarif_end(rxc_buf *b, const rxc_ruleset *rs,
                           const rxc_run_info *run, const rxc_read_stats *st,
                           const rxc_tally *t,
                           const rxc_suppressions *sup);

/* The whole HTML report (no external assets): counts per status and
 * severity, inline-SVG bar charts of verdicts by jurisdiction and by
 * indication, the top findings by rule, provenance, suppressions.
 * Aggregates only: no value of any record appears, and suppression
 * entries show which keys narrow them (patient, prescriber, drug code)
 * but never the patient or prescriber id. Every string is HTML-escaped.
 * The bytes are the same for the same inputs apart from the run's start
 * time. run, st, t and sup may be NULL; the charts, rule table and hits
 * need a tally with detail (rxc_tally_init). */
RXC_API void rxc_report_html(rxc_buf *b, const rxc_ruleset *rs,
                             const rxc_run_info *run,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_suppressions *sup);

#ifdef __cplusplus
}
#endif
#endif
