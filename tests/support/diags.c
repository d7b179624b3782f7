/* diags.c - the diagnostic collector shared by the rule-loading tests. */
#include "diags.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void rxc_test_diags_collect(const rxc_error *e, void *ud) {
  rxc_test_diags *d = ud;
  d->total++;
  if (d->n < RXC_TEST_MAXD) d->e[d->n++] = *e;
}

void rxc_test_diags_dump(const rxc_test_diags *d) {
  for (size_t i = 0; i < d->n; i++)
    print_message("  %s:%lu:%lu: %s\n", d->e[i].file, d->e[i].line,
                  d->e[i].column, d->e[i].message);
  if (d->total > d->n) print_message("  (%lu in all)\n", d->total);
}
