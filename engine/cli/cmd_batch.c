/*
 * cmd_batch.c - `rxcheck batch`: stream an export through the checker and
 * write one result per row, in input order, with rejects and a summary.
 *
 * Files named with --out, --rejects and --summary are written to a
 * temporary file beside them and renamed into place only when the run
 * succeeds, so an interrupted or failed run never leaves a half-written
 * file that looks complete. SIGINT and SIGTERM stop the run cleanly (exit
 * 130 and 143) with a summary of how far it got; a reader that closes the
 * pipe (`rxcheck batch big.csv | head`) ends the run quietly.
 *
 * Multi-table exports: `--layout synthea|omop|mimic4 DIR`, or a
 * prescriptions file with `--diagnoses`, `--patients` and `--join` (the
 * generic join). The layout is opened first (its side tables loaded into
 * indexes, problems with skipped rows printed), then its prescriptions
 * table streams through the same pipeline. Any input may be gzipped.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch_out.h"
#include "cli.h"

static const char batch_help[] =
    "Usage: rxcheck batch [FILE|-] [OPTIONS]\n"
    "       rxcheck batch --layout synthea|omop|mimic4 DIR [OPTIONS]\n"
    "       rxcheck batch PRESCRIPTIONS.csv [--diagnoses FILE] [--patients FILE]\n"
    "                     [--join COLUMN] [OPTIONS]\n"
    "\n"
    "Check every row of a prescription export (CSV with a header row; '-' or\n"
    "no FILE reads standard input) and write one result per row, in input\n"
    "order. A file may be gzipped (.csv.gz).\n"
    "\n"
    "Multi-table exports: --layout reads a Synthea CSV export, an OMOP CDM\n"
    "5.3/5.4 extract or a MIMIC-IV (or MIMIC-III) folder; the prescriptions\n"
    "are checked with each patient's diagnoses active on the date, age and\n"
    "co-medications taken from the other tables. The jurisdiction comes from\n"
    "--country.\n"
    "\n"
    "Options:\n"
    "  --layout NAME        synthea, omop or mimic4: FILE is the export's folder\n"
    "  --diagnoses FILE     join a diagnoses table (key, code, optional system,\n"
    "                       start and stop) to the prescriptions FILE\n"
    "  --patients FILE      join a patients table (key, birth date, sex, country)\n"
    "  --join COLUMN        the patient key column in every file (default\n"
    "                       patient_id; its aliases such as subject_id count)\n"
    "  --rules DIR          rule packs to use instead of the built-in ones\n"
    "  --format FMT         jsonl (default), csv, text or sarif (SARIF 2.1.0)\n"
    "  --out FILE           write results to FILE instead of standard output\n"
    "  --output FMT=FILE    also write the results in FMT to FILE (repeatable,\n"
    "                       one pass); with only --output options, nothing\n"
    "                       goes to standard output\n"
    "  --report FILE.html   write a self-contained HTML summary report\n"
    "  --suppress FILE      apply the suppressions in FILE (YAML): matching\n"
    "                       findings stay in the output, marked suppressed,\n"
    "                       and do not count for --fail-on\n"
    "  --as-of DATE         evaluate every row with the rules in force on DATE\n"
    "                       (YYYY-MM-DD) instead of its rx_date; suppression\n"
    "                       expiry is judged on DATE too (else on today)\n"
    "  --rejects FILE       write rows that cannot be read as CSV line,column,reason\n"
    "  --summary FILE       write the run summary as JSON to FILE (else stderr)\n"
    "  --country CC         jurisdiction for rows without a country\n"
    "                       (default: $RXCHECK_COUNTRY)\n"
    "  --fail-on SEVERITY   exit 1 when an active (not suppressed) finding is at\n"
    "                       or above SEVERITY: contraindicated, major,\n"
    "                       moderate, minor or info\n"
    "  --only-in-scope      write only rows whose drug a pack recognises\n"
    "  --explain            add to each result the conditions every rule compared\n"
    "                       and the near misses (an \"explain\" array in JSONL)\n"
    "  --jobs N             check on N worker threads (parsing stays on one);\n"
    "                       the output is the same for every N (default 1)\n"
    "  --map SPEC           map columns: canonical=Header[,canonical=Header...]\n"
    "  --max-field BYTES    longest field accepted (default 1M; K, M, G suffixes)\n"
    CLI_HELP_HEADERLESS
    "  -h, --help           show this help\n"
    "\n"
    "Files given with --out, --output, --rejects, --summary and --report\n"
    "appear only when the run completes (they are written beside, then\n"
    "renamed into place). The summary carries the provenance: tool version,\n"
    "packs, the input's SHA-256, the run's start time and the as-of date.\n"
    "\n"
    "Exit codes: 0 every row checked and nothing at or above --fail-on;\n"
    "1 a finding at or above --fail-on; 2 usage error, unreadable input,\n"
    "invalid rules or a write error; 3 finished, but some rows were rejected\n"
    "(when nothing reached --fail-on); 130 and 143 interrupted by SIGINT or\n"
    "SIGTERM.\n";

enum { MAX_STDERR_REJECTS = 10, OUT_BUFFER = 1 << 20 };

/* ---- signals ---------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  /* A closed pipe shows up as EPIPE on write, handled quietly. */
  signal(SIGPIPE, SIG_IGN);
}

/* ---- the sink ------------------------------------------------------------------ */

typedef struct batch_run {
  batch_output outs[RXC_PIPELINE_MAX_OUTPUTS];
  size_t nouts;
  cli_out rejects;
  rxc_buf rejline; /* one reject row at a time, reused */
  const char *input_name;
  unsigned long rejects_shown;
} batch_run;

static int sink_write(size_t out, const char *data, size_t n, void *ud) {
  batch_run *b = ud;
  return batch_output_write(&b->outs[out], data, n);
}

static int sink_reject(const rxc_reject *rej, void *ud) {
  batch_run *b = ud;
  if (b->rejects.f) {
    b->rejline.len = 0;
    rxc_format_reject(&b->rejline, rej);
    if (b->rejline.failed) return -1;
    return cli_out_write(&b->rejects, b->rejline.data, b->rejline.len);
  }
  if (b->rejects_shown++ < MAX_STDERR_REJECTS)
    cli_error("%s:%lu:%lu: row rejected: %s", b->input_name, rej->line,
              rej->column, rej->message);
  return 0;
}

static int write_summary(const char *path, const rxc_run_info *run,
                         const rxc_read_stats *stats, const rxc_tally *tally,
                         const rxc_ruleset *rules,
                         const rxc_suppressions *sup) {
  rxc_buf sum = {0};
  int rc = 0;
  if (path) {
    rxc_format_summary_json(&sum, run, stats, tally, rules, sup);
    cli_out f;
    if (cli_out_open(&f, path) != 0) {
      rc = -1;
    } else {
      int bad = sum.failed || cli_out_write(&f, sum.data, sum.len) != 0;
      if (cli_out_close(&f, !bad) != 0 || bad) rc = -1;
    }
  } else {
    rxc_format_summary_text(&sum, run, stats, tally, rules, sup);
    if (cli_write(stderr, &sum) != 0) rc = -1;
  }
  rxc_buf_free(&sum);
  return rc;
}

/* The run's start, "2026-11-27T13:45:52Z". */
static void utc_now(char out[32]) {
  time_t now = time(NULL);
  struct tm tm;
  if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
      !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
    out[0] = '\0';
}

/* What a layout loaded, on stderr: one line per table, then the problems
 * (rows skipped, with file:line:col and why; never values). */
static void report_layout(const rxc_layout *l) {
  static const rxc_table_role order[] = {
      RXC_TABLE_PATIENTS, RXC_TABLE_DIAGNOSES, RXC_TABLE_CONCEPTS,
      RXC_TABLE_PRESCRIPTIONS};
  const rxc_layout_stats *s = rxc_layout_stats_get(l);
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const rxc_table_stats *ts = &s->tables[order[i]];
    if (!ts->path) continue;
    fprintf(stderr, "rxcheck: %s: %s: %lu rows", ts->role, ts->path, ts->rows);
    if (order[i] == RXC_TABLE_PRESCRIPTIONS) {
      fprintf(stderr, ", %lu indexed for co-medications\n", ts->loaded);
      continue;
    }
    fprintf(stderr, ", %lu loaded", ts->loaded);
    if (ts->ignored)
      fprintf(stderr, ", %lu %s", ts->ignored,
              order[i] == RXC_TABLE_CONCEPTS ? "not referred to"
                                              : "without a usable code");
    if (ts->skipped) fprintf(stderr, ", %lu skipped", ts->skipped);
    fputc('\n', stderr);
  }
  fprintf(stderr, "rxcheck: %lu patients; indexes %.1f KiB\n", s->patients,
          (double)s->index_bytes / 1024.0);
  size_t shown = s->nproblems < MAX_STDERR_REJECTS ? s->nproblems
                                                   : MAX_STDERR_REJECTS;
  for (size_t i = 0; i < shown; i++) {
    const rxc_error *e = &s->problems[i];
    if (e->line)
      cli_error("%s:%lu:%lu: %s", e->file, e->line, e->column, e->message);
    else
      cli_error("%s: %s", e->file, e->message);
  }
  if (s->problems_total > shown)
    cli_error("%lu more problems not shown", s->problems_total - shown);
}

int cmd_batch(int argc, char **argv) {
  static const struct option longopts[] = {
      {"rules", required_argument, NULL, 'r'},
      {"format", required_argument, NULL, 'f'},
      {"out", required_argument, NULL, 'o'},
      {"rejects", required_argument, NULL, 'j'},
      {"summary", required_argument, NULL, 's'},
      {"country", required_argument, NULL, 'c'},
      {"fail-on", required_argument, NULL, 'F'},
      {"only-in-scope", no_argument, NULL, 'i'},
      {"map", required_argument, NULL, 'm'},
      {"max-field", required_argument, NULL, 'M'},
      {"explain", no_argument, NULL, 'x'},
      {"jobs", required_argument, NULL, 'J'},
      {"layout", required_argument, NULL, 'L'},
      {"diagnoses", required_argument, NULL, 'D'},
      {"patients", required_argument, NULL, 'P'},
      {"join", required_argument, NULL, 'K'},
      {"output", required_argument, NULL, 'O'},
      {"report", required_argument, NULL, 'R'},
      {"suppress", required_argument, NULL, 'S'},
      {"as-of", required_argument, NULL, 'A'},
      {"no-header", no_argument, NULL, 'N'},
      {"header-from", required_argument, NULL, 'H'},
      {"columns", required_argument, NULL, 'C'},
      {"line-offset", required_argument, NULL, 'T'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *rules_dir = NULL, *out_path = NULL, *rejects_path = NULL,
             *summary_path = NULL, *report_path = NULL, *suppress_path = NULL;
  batch_run b;
  memset(&b, 0, sizeof b);
  batch_output extra[RXC_PIPELINE_MAX_OUTPUTS];
  size_t nextra = 0;
  int format_given = 0;
  rxc_run_info run;
  memset(&run, 0, sizeof run);
  headerless hl;
  memset(&hl, 0, sizeof hl);
  rxc_layout_options lo;
  memset(&lo, 0, sizeof lo);
  int layout_given = 0, join_given = 0;
  rxc_pipeline_options po;
  memset(&po, 0, sizeof po);
  po.jobs = 1;
  po.format = RXC_FORMAT_JSONL;
  po.fail_on = -1;
  po.input.default_country = getenv("RXCHECK_COUNTRY");

  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'r': rules_dir = optarg; break;
      case 'f':
        if (!rxc_format_parse(optarg, &po.format))
          return cli_usage("batch",
                           "--format must be jsonl, csv, text or sarif");
        format_given = 1;
        break;
      case 'o': out_path = optarg; break;
      case 'O':
        if (nextra == RXC_PIPELINE_MAX_OUTPUTS - 1)
          return cli_usage("batch", "at most %d outputs in one run",
                           (int)RXC_PIPELINE_MAX_OUTPUTS);
        if (batch_output_parse(optarg, &extra[nextra]) != 0) return EXIT_USAGE;
        nextra++;
        break;
      case 'R': report_path = optarg; break;
      case 'N': hl.no_header = 1; break;
      case 'H': hl.header_from = optarg; break;
      case 'C': hl.columns = optarg; break;
      case 'T': hl.line_offset = optarg; break;
      case 'S': suppress_path = optarg; break;
      case 'A':
        if (!rxc_date_parse(optarg, strlen(optarg), &po.as_of) ||
            strlen(optarg) != 10)
          return cli_usage("batch", "--as-of takes a date, YYYY-MM-DD");
        break;
      case 'j': rejects_path = optarg; break;
      case 's': summary_path = optarg; break;
      case 'c': po.input.default_country = optarg; break;
      case 'F': {
        rxc_severity sev;
        if (!rxc_severity_parse(optarg, &sev))
          return cli_usage("batch",
                           "--fail-on must be contraindicated, major, "
                           "moderate, minor or info");
        po.fail_on = (int)sev;
        break;
      }
      case 'i': po.only_in_scope = 1; break;
      case 'x': po.explain = 1; break;
      case 'J': {
        char *end = NULL;
        long j = strtol(optarg, &end, 10);
        if (!*optarg || *end || j < 1 || j > 64)
          return cli_usage("batch", "--jobs takes a number from 1 to 64");
        po.jobs = (int)j;
        break;
      }
      case 'L':
        if (!rxc_layout_parse(optarg, &lo.kind) || lo.kind == RXC_LAYOUT_JOIN)
          return cli_usage("batch",
                           "--layout must be synthea, omop or mimic4 (for "
                           "other exports use --diagnoses, --patients and "
                           "--join)");
        layout_given = 1;
        break;
      case 'D': lo.diagnoses = optarg; join_given = 1; break;
      case 'P': lo.patients = optarg; join_given = 1; break;
      case 'K': lo.join = optarg; join_given = 1; break;
      case 'm': po.input.map = optarg; break;
      case 'M':
        if (cli_parse_size("batch", "--max-field", optarg,
                           &po.input.max_field))
          return EXIT_USAGE;
        break;
      case 'h': fputs(batch_help, stdout); return EXIT_OK;
      case ':':
        return cli_usage("batch", "option '%s' needs a value", argv[optind - 1]);
      default:
        return cli_usage("batch", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (argc - optind > 1)
    return cli_usage("batch", "expected one input file, got %d",
                     argc - optind);
  const char *in_path = optind < argc ? argv[optind] : "-";
  if (layout_given && join_given)
    return cli_usage("batch",
                     "--diagnoses, --patients and --join are for a "
                     "prescriptions file; --layout reads the tables it names");
  if (layout_given && optind >= argc)
    return cli_usage("batch", "--layout %s needs the export's folder",
                     rxc_layout_name(lo.kind));
  if (join_given && (optind >= argc || strcmp(in_path, "-") == 0))
    return cli_usage("batch",
                     "--diagnoses, --patients and --join need the "
                     "prescriptions as a file (it is read twice), not "
                     "standard input");
  if ((layout_given || join_given) &&
      (hl.no_header || hl.header_from || hl.columns || hl.line_offset))
    return cli_usage("batch",
                     "--no-header, --header-from, --columns and "
                     "--line-offset are for a flat export, not --layout or "
                     "a join");
  if (headerless_apply("batch", &hl, in_path, &po.input) != 0) {
    headerless_free(&hl);
    return EXIT_USAGE;
  }
  /* The main output, unless only --output ones were asked for. */
  if (format_given || out_path || nextra == 0) {
    b.outs[b.nouts].fmt = po.format;
    b.outs[b.nouts++].path = out_path;
  }
  int on_stdout = 0;
  for (size_t i = 0; i < nextra; i++) b.outs[b.nouts++] = extra[i];
  for (size_t i = 0; i < b.nouts; i++) {
    po.formats[i] = b.outs[i].fmt;
    if (!b.outs[i].path || strcmp(b.outs[i].path, "-") == 0) on_stdout++;
  }
  if (on_stdout > 1) {
    headerless_free(&hl);
    return cli_usage("batch", "only one output can go to standard output");
  }
  po.noutputs = b.nouts;
  b.input_name = strcmp(in_path, "-") == 0 ? "<stdin>" : in_path;
  char started[32];
  utc_now(started);
  run.started = started[0] ? started : NULL;
  run.as_of = po.as_of;
  run.suppress_on = po.as_of.year ? po.as_of : rxc_date_today();

  rxc_ruleset *rules = NULL;
  if (cli_load_rules(rules_dir, &rules) != EXIT_OK) {
    headerless_free(&hl);
    return EXIT_USAGE;
  }

  int rc = EXIT_USAGE;
  FILE *in = NULL, *raw_in = NULL;
  rxc_layout *layout = NULL;
  rxc_suppressions *sup = NULL;
  rxc_digest *digest = NULL;
  char sha256[65] = "";
  rxc_tally tally;
  memset(&tally, 0, sizeof tally);
  if (suppress_path) {
    rxc_status sst = rxc_suppressions_load(suppress_path, rules,
                                           run.suppress_on, cli_print_diag,
                                           NULL, &sup);
    if (sst != RXC_OK) {
      if (sst == RXC_ERULES)
        cli_error("%s: the suppression file is invalid; nothing was checked",
                  suppress_path);
      else
        cli_error("cannot load suppressions from %s: %s", suppress_path,
                  rxc_strerror(sst));
      goto done;
    }
    po.suppressions = sup;
  }
  if (rxc_tally_init(&tally, rules, sup) != RXC_OK) {
    cli_error("out of memory");
    goto done;
  }
  install_signals();
  if (layout_given || join_given) {
    if (layout_given)
      lo.dir = in_path;
    else
      lo.prescriptions = in_path;
    lo.input = po.input;
    lo.input.stop = &stop_signal;
    rxc_error lerr;
    memset(&lerr, 0, sizeof lerr);
    rxc_status lst = rxc_layout_open(&lo, &layout, &lerr);
    if (lst != RXC_OK) {
      if (lst == RXC_ESTOP && stop_signal) {
        rc = 128 + (int)stop_signal;
      } else if (lerr.line) {
        cli_error("%s:%lu:%lu: %s", lerr.file, lerr.line, lerr.column,
                  lerr.message);
      } else if (lerr.file[0] && lst != RXC_EIO) {
        cli_error("%s: %s", lerr.file, lerr.message);
      } else {
        cli_error("%s", lerr.message[0] ? lerr.message : rxc_strerror(lst));
      }
      goto done;
    }
    report_layout(layout);
    in_path = rxc_layout_prescriptions(layout);
    b.input_name = in_path;
    po.layout = layout;
  }
  run.input_name = b.input_name;
  if (!in_path || strcmp(in_path, "-") == 0) {
    /* Standard input is hashed as it is read. */
    if (rxc_digest_stream(stdin, &digest, &in) != RXC_OK) {
      cli_error("out of memory");
      goto done;
    }
  } else {
    rxc_error oerr;
    memset(&oerr, 0, sizeof oerr);
    if (rxc_table_open(in_path, &raw_in, &oerr) != RXC_OK) {
      cli_error("%s", oerr.message);
      goto done;
    }
    in = raw_in;
    /* A regular file is hashed beside the run, on a thread of its own; a
     * named pipe as it is read. */
    rxc_status dst = rxc_digest_file(in_path, &digest, &oerr);
    if (dst == RXC_EIO && !layout) {
      dst = rxc_digest_stream(raw_in, &digest, &in);
    }
    if (dst != RXC_OK) {
      cli_error("%s", oerr.message[0] ? oerr.message : rxc_strerror(dst));
      goto done;
    }
  }
  if (batch_outputs_open(b.outs, b.nouts, rules, &run) != 0) goto done;
  setvbuf(stdout, NULL, _IOFBF, OUT_BUFFER);
  if (rejects_path) {
    if (cli_out_open(&b.rejects, rejects_path) != 0) goto done;
    cli_out_write(&b.rejects, "line,column,reason\n", 19);
  }
  po.stop = &stop_signal;

  po.run = &run;
  rxc_pipeline_sink sink = {NULL, sink_write, sink_reject, &b};
  rxc_read_stats stats;
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status st =
      rxc_pipeline_run(rules, &po, in, b.input_name, &sink, &stats, &tally, &err);
  int interrupted = st == RXC_ESTOP && stop_signal;
  int ok = st == RXC_OK;
  int broken_pipe = 0;
  for (size_t i = 0; i < b.nouts; i++) broken_pipe |= b.outs[i].out.broken_pipe;
  if (ok && digest) {
    if (rxc_digest_finish(digest, sha256) == RXC_OK) {
      run.input_sha256 = sha256;
    } else {
      cli_error("%s: the input could not be read again to hash it",
                b.input_name);
      ok = 0;
    }
  }

  if (!ok && !interrupted && !broken_pipe) {
    if (st == RXC_EIO && !err.message[0])
      ; /* a write error: reported when the file is closed below */
    else if (err.line)
      cli_error("%s:%lu:%lu: %s", b.input_name, err.line, err.column,
                err.message);
    else
      cli_error("%s: %s", b.input_name,
                err.message[0] ? err.message : rxc_strerror(st));
  }
  /* Close the outputs: renamed into place only after a complete run. */
  if (batch_outputs_close(b.outs, b.nouts, ok, rules, &run, &stats, &tally,
                          sup) != 0)
    ok = 0;
  for (size_t i = 0; i < b.nouts; i++) broken_pipe |= b.outs[i].out.broken_pipe;
  if (cli_out_close(&b.rejects, ok) != 0) ok = 0;
  if (broken_pipe) {
    rc = 128 + SIGPIPE; /* quietly, like any filter whose reader left */
    goto done;
  }
  if (!b.rejects.path && stats.rejected > MAX_STDERR_REJECTS)
    cli_error("%lu more rejected rows not shown (use --rejects FILE)",
              stats.rejected - MAX_STDERR_REJECTS);
  if (interrupted) {
    cli_error("interrupted at line %lu: %lu rows checked, %lu rejected; "
              "no output file was written",
              stats.lines, stats.valid, stats.rejected);
    write_summary(NULL, &run, &stats, &tally, rules, sup);
    rc = 128 + (int)stop_signal;
    goto done;
  }
  if (!ok) goto done;
  if (write_summary(summary_path, &run, &stats, &tally, rules, sup) != 0)
    goto done;
  if (report_path && batch_write_report(report_path, rules, &run, &stats,
                                        &tally, sup) != 0)
    goto done;
  if (po.fail_on >= 0 && tally.records_at_or_above)
    rc = EXIT_FINDINGS;
  else if (stats.rejected)
    rc = EXIT_REJECTS;
  else
    rc = EXIT_OK;

done:
  for (size_t i = 0; i < b.nouts; i++) cli_out_close(&b.outs[i].out, 0);
  cli_out_close(&b.rejects, 0);
  rxc_buf_free(&b.rejline);
  if (in && in != raw_in && in != stdin) fclose(in); /* the hashing wrapper */
  if (raw_in && raw_in != stdin) fclose(raw_in);
  rxc_digest_free(digest);
  rxc_tally_free(&tally);
  rxc_suppressions_free(sup);
  rxc_layout_free(layout);
  rxc_ruleset_free(rules);
  headerless_free(&hl);
  return rc;
}
