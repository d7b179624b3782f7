/*
 * batch_out.h - the outputs of `rxcheck batch`: the main one (--format,
 * --out) and any number named with --output FORMAT=FILE, all written in
 * one pass. SARIF outputs get their opening and closing parts here, around
 * the results the pipeline formats.
 */
#ifndef RXC_BATCH_OUT_H
#define RXC_BATCH_OUT_H

#include "cli.h"

typedef struct batch_output {
  rxc_format fmt;
  const char *path; /* NULL or "-": standard output */
  cli_out out;
  int results;      /* SARIF: a result was written (later ones keep ",") */
  int begun;        /* SARIF: the log's opening was written */
  const rxc_ruleset *rs;
  const rxc_run_info *run;
} batch_output;

/* Parses "FORMAT=FILE"; returns 0, or prints a usage error and returns
 * EXIT_USAGE. */
int batch_output_parse(const char *spec, batch_output *o);
/* Opens every output; 0 or -1 (printed). A SARIF log's opening is written
 * with its first bytes, so a run that fails before any result (a missing
 * header, say) leaves nothing half-written on standard output. */
int batch_outputs_open(batch_output *o, size_t n, const rxc_ruleset *rs,
                       const rxc_run_info *run);
/* Writes the bytes of one output; -1 on a write error. */
int batch_output_write(batch_output *o, const char *data, size_t n);
/* Writes the SARIF closings (when ok) and closes every output, renaming
 * files into place only when ok. Returns 0, or -1 when a file failed. */
int batch_outputs_close(batch_output *o, size_t n, int ok,
                        const rxc_ruleset *rs, const rxc_run_info *run,
                        const rxc_read_stats *st, const rxc_tally *t,
                        const rxc_suppressions *sup);
/* Writes the HTML report to path (temp file, then renamed); 0 or -1. */
int batch_write_report(const char *path, const rxc_ruleset *rs,
                       const rxc_run_info *run, const rxc_read_stats *st,
                       const rxc_tally *t, const rxc_suppressions *sup);

#endif
