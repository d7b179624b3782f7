/* Placeholder: replaced by the HTML report writer (work in progress). */
#include "rxcheck/report.h"

void rxc_report_html(rxc_buf *b, const rxc_ruleset *rs,
                     const rxc_run_info *run, const rxc_read_stats *st,
                     const rxc_tally *t, const rxc_suppressions *sup) {
  (void)b; (void)rs; (void)run; (void)st; (void)t; (void)sup;
}
