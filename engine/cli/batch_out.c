/*
 * batch_out.c - the outputs of `rxcheck batch` (see batch_out.h).
 */
#include "batch_out.h"

#include <string.h>

int batch_output_parse(const char *spec, batch_output *o) {
  memset(o, 0, sizeof *o);
  const char *eq = strchr(spec, '=');
  char name[16];
  size_t n = eq ? (size_t)(eq - spec) : 0;
  if (!eq || n == 0 || n >= sizeof name || !eq[1])
    return cli_usage("batch",
                     "--output takes FORMAT=FILE, e.g. sarif=out.sarif");
  memcpy(name, spec, n);
  name[n] = '\0';
  if (!rxc_format_parse(name, &o->fmt))
    return cli_usage("batch",
                     "--output: format '%s' is not jsonl, csv, text or sarif",
                     name);
  o->path = eq + 1;
  return 0;
}

static int write_buf(batch_output *o, rxc_buf *b) {
  if (b->failed) {
    cli_error("out of memory while formatting output");
    return -1;
  }
  return cli_out_write(&o->out, b->data, b->len);
}

int batch_outputs_open(batch_output *o, size_t n, const rxc_ruleset *rs,
                       const rxc_run_info *run) {
  for (size_t i = 0; i < n; i++) {
    const char *path = o[i].path && strcmp(o[i].path, "-") ? o[i].path : NULL;
    if (cli_out_open(&o[i].out, path) != 0) return -1;
    o[i].rs = rs;
    o[i].run = run;
  }
  return 0;
}

static int sarif_begin(batch_output *o) {
  o->begun = 1;
  rxc_buf b = {0};
  rxc_sarif_begin(&b, o->rs, o->run);
  int rc = write_buf(o, &b);
  rxc_buf_free(&b);
  return rc;
}

int batch_output_write(batch_output *o, const char *data, size_t n) {
  if (o->fmt == RXC_FORMAT_SARIF && !o->begun && sarif_begin(o) != 0)
    return -1;
  /* Each SARIF result starts with a comma; the first one's is dropped. */
  if (o->fmt == RXC_FORMAT_SARIF && !o->results && n && data[0] == ',') {
    data++;
    n--;
    o->results = 1;
  }
  return cli_out_write(&o->out, data, n);
}

int batch_outputs_close(batch_output *o, size_t n, int ok,
                        const rxc_ruleset *rs, const rxc_run_info *run,
                        const rxc_read_stats *st, const rxc_tally *t,
                        const rxc_suppressions *sup) {
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    int keep = ok;
    if (keep && o[i].fmt == RXC_FORMAT_SARIF) {
      if (!o[i].begun && sarif_begin(&o[i]) != 0) keep = 0;
      rxc_buf b = {0};
      rxc_sarif_end(&b, rs, run, st, t, sup);
      if (write_buf(&o[i], &b) != 0) keep = 0;
      rxc_buf_free(&b);
    }
    if (cli_out_close(&o[i].out, keep) != 0 || keep != ok) rc = -1;
  }
  return rc;
}

int batch_write_report(const char *path, const rxc_ruleset *rs,
                       const rxc_run_info *run, const rxc_read_stats *st,
                       const rxc_tally *t, const rxc_suppressions *sup) {
  rxc_buf b = {0};
  rxc_report_html(&b, rs, run, st, t, sup);
  cli_out f;
  int rc = -1;
  if (cli_out_open(&f, path) == 0) {
    int bad = b.failed || cli_out_write(&f, b.data, b.len) != 0;
    if (b.failed) cli_error("out of memory while writing the report");
    rc = cli_out_close(&f, !bad) != 0 || bad ? -1 : 0;
  }
  rxc_buf_free(&b);
  return rc;
}
