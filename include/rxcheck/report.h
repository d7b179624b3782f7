/*
 * rxcheck/report.h - output for audit tools and people: SARIF 2.1.0 and a
 * self-contained HTML summary page.
 *
 * SARIF is one JSON document per run, written in three parts so that it
 * streams: rxc_sarif_begin (the log, the run, the tool and its rules, up
 * to the opening of "results"), rxc_sarif_result per record (any number of
 * results, each preceded by "," so the writer drops the very first comma),
 * and rxc_sarif_end (closing "results", then artifacts with the input's
 * hash, invocations and run properties). Same buffer rules as output.h.
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
 * indication, the top findings by rule, provenance, suppressions. */
RXC_API void rxc_report_html(rxc_buf *b, const rxc_ruleset *rs,
                             const rxc_run_info *run,
                             const rxc_read_stats *st, const rxc_tally *t,
                             const rxc_suppressions *sup);

#ifdef __cplusplus
}
#endif
#endif
