/* Placeholder: replaced by the suppression loader (work in progress). */
#include "rxcheck/suppress.h"

rxc_status rxc_suppressions_load(const char *path, const rxc_ruleset *rs,
                                 rxc_date on, rxc_diag_fn diag, void *ud,
                                 rxc_suppressions **out) {
  (void)path; (void)rs; (void)on; (void)diag; (void)ud;
  *out = NULL;
  return RXC_EUSAGE;
}
rxc_status rxc_suppressions_load_mem(const char *name, const char *data,
                                     size_t len, const rxc_ruleset *rs,
                                     rxc_date on, rxc_diag_fn diag, void *ud,
                                     rxc_suppressions **out) {
  (void)name; (void)data; (void)len; (void)rs; (void)on; (void)diag; (void)ud;
  *out = NULL;
  return RXC_EUSAGE;
}
void rxc_suppressions_free(rxc_suppressions *s) { (void)s; }
size_t rxc_suppressions_count(const rxc_suppressions *s) { (void)s; return 0; }
const rxc_suppression *rxc_suppressions_entry(const rxc_suppressions *s,
                                              size_t i) {
  (void)s; (void)i;
  return NULL;
}
const rxc_suppression *rxc_suppressions_match(const rxc_suppressions *s,
                                              const rxc_record *rec,
                                              const rxc_finding *f) {
  (void)s; (void)rec; (void)f;
  return NULL;
}
