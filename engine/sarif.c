/* Placeholder: replaced by the SARIF writer (work in progress). */
#include "rxcheck/report.h"

void rxc_sarif_begin(rxc_buf *b, const rxc_ruleset *rs,
                     const rxc_run_info *run) {
  (void)b; (void)rs; (void)run;
}
void rxc_sarif_result(rxc_buf *b, const rxc_ruleset *rs,
                      const rxc_run_info *run, const rxc_record *rec,
                      const rxc_result *res) {
  (void)b; (void)rs; (void)run; (void)rec; (void)res;
}
void rxc_sarif_end(rxc_buf *b, const rxc_ruleset *rs, const rxc_run_info *run,
                   const rxc_read_stats *st, const rxc_tally *t,
                   const rxc_suppressions *sup) {
  (void)b; (void)rs; (void)run; (void)st; (void)t; (void)sup;
}
