/*
 * rxcheck/pipeline.h - checking a whole export: read, normalise, check and
 * format every row, in input order, on one thread or several.
 *
 * Parsing stays on the calling thread (libcsv is sequential); with jobs > 1
 * the rows are copied into batches that worker threads normalise, check and
 * format, each with its own builder and checker, and the batches are handed
 * to the sink strictly in input order. The bytes the sink receives are the
 * same for every number of jobs. Memory stays bounded: a fixed pool of
 * batches is reused, so a slow sink makes the reader wait.
 */
#ifndef RXCHECK_PIPELINE_H
#define RXCHECK_PIPELINE_H

#include <signal.h>
#include <stdio.h>

#include "check.h"
#include "common.h"
#include "input.h"
#include "layout.h"
#include "output.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most outputs one run writes (--output may be repeated). */
#define RXC_PIPELINE_MAX_OUTPUTS 8

struct rxc_suppressions;

typedef struct rxc_pipeline_options {
  int jobs;                /* 1: all on the calling thread; at most 64 */
  rxc_input_options input; /* reader and builder options */
  rxc_format format;       /* the one output's format when noutputs is 0 */
  /* Several outputs in one pass: output i in formats[i], written through
   * sink->write_out(i, ...). 0: one output in `format` through sink->write. */
  size_t noutputs;
  rxc_format formats[RXC_PIPELINE_MAX_OUTPUTS];
  /* Suppressions applied to every finding (rxcheck/suppress.h), or NULL.
   * Borrowed and only read by every worker. */
  const struct rxc_suppressions *suppressions;
  /* Evaluate every record on this date (--as-of); year 0: on each record's
   * rx_date (rxc_checker_set_as_of). */
  rxc_date as_of;
  /* The run's provenance, for formats that carry it per result (SARIF's
   * artifact location); may be NULL. Borrowed. */
  const rxc_run_info *run;
  int only_in_scope;       /* leave out-of-scope rows out of the output */
  int explain;             /* add explanations (rxc_checker_set_explain) */
  int fail_on;             /* severity counted in the tally, or -1 */
  /* When non-NULL and set non-zero (e.g. by a signal handler), reading
   * stops at the next row; what was read so far is still checked and
   * written, and the run returns RXC_ESTOP. */
  volatile sig_atomic_t *stop;
  /* A multi-table layout (rxcheck/layout.h), or NULL for a flat export.
   * With one, `in` must be its prescriptions table: the header is mapped
   * by the layout, and each row gets the layout's virtual columns
   * (diagnoses, birth date or age, co-medications ...) before it is
   * normalised; rejects in a virtual column name the column it came from.
   * Borrowed and only read, by every worker: keep it alive for the run. */
  const rxc_layout *layout;
} rxc_pipeline_options;

typedef struct rxc_pipeline_sink {
  /* Formatted output (the CSV header first, then results), in input order.
   * A non-zero return stops the run with RXC_EIO. */
  int (*write)(const char *data, size_t n, void *ud);
  /* With options.noutputs > 0: the bytes of output `out` (its CSV header
   * first, then results), in input order. A non-zero return stops the run
   * with RXC_EIO. */
  int (*write_out)(size_t out, const char *data, size_t n, void *ud);
  /* Every rejected row, in input order; may be NULL. A non-zero return
   * stops the run with RXC_EIO. */
  int (*reject)(const rxc_reject *rej, void *ud);
  void *ud;
} rxc_pipeline_sink;

/* Runs the whole export. On return *stats and *tally hold the counts of
 * what was read and checked (also after an error or a stop), with
 * rows_read == valid + rejected. The caller zero-initialises *tally, or
 * makes it with rxc_tally_init(rs, opts->suppressions) to get the detail
 * too; the run resets its counts first. Returns RXC_OK, RXC_EHEADER (no usable
 * header; err says why), RXC_EIO (reading failed or the sink refused),
 * RXC_ESTOP (stopped by opts->stop), RXC_ENOMEM, or RXC_EUSAGE for bad
 * options.
 *
 * Ownership: everything is borrowed for the call: rs (only read), opts,
 * in (read to its end or the stop, not closed), name (shown in errors),
 * sink; stats, tally and err are the caller's, filled here. The data a
 * sink callback receives is valid during that call only.
 *
 * Threads: with jobs > 1 the run starts its worker threads and joins them
 * all before returning. The sink's callbacks are always called from the
 * calling thread, one at a time and in input order, so they need no lock.
 * Several runs may go on at once on different threads, sharing rs. */
RXC_API RXC_NODISCARD rxc_status rxc_pipeline_run(
    const rxc_ruleset *rs, const rxc_pipeline_options *opts, FILE *in,
    const char *name, const rxc_pipeline_sink *sink, rxc_read_stats *stats,
    rxc_tally *tally, rxc_error *err);

#ifdef __cplusplus
}
#endif
#endif
