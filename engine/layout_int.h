/*
 * layout_int.h - what the pipeline and the tests use of the layouts
 * beyond the public API: mapping the prescriptions header to an extended
 * schema (real columns plus virtual ones) and enriching each row.
 */
#ifndef RXC_LAYOUT_INT_H
#define RXC_LAYOUT_INT_H

#include "rxcheck/input.h"
#include "rxcheck/layout.h"

/* Finds the table `base` in `dir` (or, in order, its `subdirs`, a
 * NULL-terminated list where "" is dir itself): base.csv or base.csv.gz,
 * any case. *out is a new path (rxc__free), or NULL when there is none.
 * Two candidates in one folder are an error (RXC_EUSAGE). */
rxc_status rxc__table_find(const char *dir, const char *const *subdirs,
                           const char *base, char **out, rxc_error *err);

/* schema.c: a schema whose fields in `fixed` (column index, or -1) are
 * set in advance; then --map; no aliases. */
rxc_status rxc__schema_new_fixed(const rxc_str *header, size_t n,
                                 const char *map, const int *fixed,
                                 rxc_schema **out, rxc_error *err);

/* How the rows of the streamed prescriptions table map to the layout:
 * the columns the enricher reads and the virtual columns it appends. */
typedef struct rxc__rowmap rxc__rowmap;

/* Maps the prescriptions header. On success *m and *schema (the extended
 * schema: the header's columns, then the virtual ones) are new. Errors
 * as rxc_schema_new, with err->line 0 (the caller knows the line). */
rxc_status rxc__layout_map(const rxc_layout *l, const rxc_str *header,
                           size_t n, rxc__rowmap **m, rxc_schema **schema,
                           rxc_error *err);
void rxc__rowmap_free(rxc__rowmap *m);
/* Columns of the header itself (the virtual ones follow). */
size_t rxc__rowmap_ncolumns(const rxc__rowmap *m);
/* For a reject in a virtual column (1-based, past the real ones), the
 * real column it was derived from (1-based; the patient key for values
 * from other tables); other columns are returned as they are. */
unsigned long rxc__rowmap_source_column(const rxc__rowmap *m,
                                        unsigned long column);

/* Per-thread scratch for enriching rows. */
typedef struct rxc__enricher rxc__enricher;
rxc_status rxc__enricher_new(const rxc_layout *l, const rxc__rowmap *m,
                             rxc__enricher **out);
void rxc__enricher_free(rxc__enricher *e);
/* Appends the virtual columns to one row. Returns 1 with *out / *nout
 * (valid until the next call; the row's own fields are borrowed), 0 with
 * *rej filled when the row cannot be used (its field count, a stop date
 * that is not a date, a dose that is not a number), -1 out of memory.
 * `number` is the row's data row number (it leaves the row out of its own
 * co-medications); `today` stands in for an empty prescription date. */
int rxc__enrich(rxc__enricher *e, const rxc_str *fields, size_t n,
                unsigned long line, unsigned long number, rxc_date today,
                const rxc_str **out, size_t *nout, rxc_reject *rej);

#endif
