/*
 * diags.h - collecting a rule load's diagnostics in tests: pass
 * rxc_test_diags_collect and a zeroed rxc_test_diags as the load's
 * diagnostic callback, then look through d.e[0 .. d.n).
 */
#ifndef RXC_TEST_DIAGS_H
#define RXC_TEST_DIAGS_H

#include "rxcheck/rxcheck.h"

enum { RXC_TEST_MAXD = 64 };

typedef struct rxc_test_diags {
  size_t n;            /* kept, at most RXC_TEST_MAXD */
  unsigned long total; /* reported */
  rxc_error e[RXC_TEST_MAXD];
} rxc_test_diags;

/* An rxc_diag_fn; ud is the rxc_test_diags. */
void rxc_test_diags_collect(const rxc_error *e, void *ud);
/* Prints every kept diagnostic as file:line:col: message (cmocka output). */
void rxc_test_diags_dump(const rxc_test_diags *d);

#endif
