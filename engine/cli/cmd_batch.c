/*
 * cmd_batch.c - `rxcheck batch`: stream an export through the checker and
 * write one result per row, in input order, with rejects and a summary.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char batch_help[] =
    "Usage: rxcheck batch [FILE|-] [OPTIONS]\n"
    "\n"
    "Check every row of a prescription export (CSV with a header row; '-' or\n"
    "no FILE reads standard input) and write one result per row, in input\n"
    "order.\n"
    "\n"
    "Options:\n"
    "  --rules DIR          rule packs to use instead of the built-in ones\n"
    "  --format FMT         jsonl (default), csv or text\n"
    "  --out FILE           write results to FILE instead of standard output\n"
    "  --rejects FILE       write rows that cannot be read as CSV line,column,reason\n"
    "  --summary FILE       write the run summary as JSON to FILE (else stderr)\n"
    "  --country CC         jurisdiction for rows without a country\n"
    "                       (default: $RXCHECK_COUNTRY)\n"
    "  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY:\n"
    "                       contraindicated, major, moderate, minor or info\n"
    "  --only-in-scope      write only rows whose drug a pack recognises\n"
    "  --map SPEC           map columns: canonical=Header[,canonical=Header...]\n"
    "  --max-field BYTES    longest field accepted (default 1M; K, M, G suffixes)\n"
    "  --explain            add to each result the conditions every rule compared\n"
    "                       and the near misses (an \"explain\" array in JSONL)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit codes: 0 every row checked and nothing at or above --fail-on;\n"
    "1 a finding at or above --fail-on; 2 usage error, unreadable input or\n"
    "invalid rules; 3 finished, but some rows were rejected (when nothing\n"
    "reached --fail-on).\n";

enum { FLUSH_AT = 1 << 16, MAX_STDERR_REJECTS = 10 };

typedef struct batch {
  rxc_checker *checker;
  const rxc_ruleset *rules;
  rxc_format fmt;
  int only_in_scope;
  int fail_on;
  FILE *out;
  FILE *rejects;
  const char *input_name;
  rxc_buf buf;
  rxc_buf rejbuf;
  rxc_tally tally;
  unsigned long rejects_shown;
  int failed; /* a write or memory failure stopped the run */
} batch;

static int flush(batch *b, int force) {
  if (b->buf.len && (force || b->buf.len >= FLUSH_AT)) {
    if (cli_write(b->out, &b->buf) != 0) return -1;
    b->buf.len = 0;
  }
  if (b->rejbuf.len && (force || b->rejbuf.len >= FLUSH_AT)) {
    if (cli_write(b->rejects, &b->rejbuf) != 0) return -1;
    b->rejbuf.len = 0;
  }
  return 0;
}

static int on_header(const rxc_schema *schema, void *ud) {
  batch *b = ud;
  rxc_format_header(&b->buf, b->fmt, schema);
  return 0;
}

static int on_record(const rxc_record *rec, void *ud) {
  batch *b = ud;
  const rxc_result *res;
  if (rxc_checker_check(b->checker, rec, &res) != RXC_OK) {
    cli_error("out of memory at line %lu", rec->line);
    b->failed = 1;
    return 1;
  }
  rxc_tally_add(&b->tally, res, b->fail_on);
  if (!b->only_in_scope || res->status != RXC_V_OUT_OF_SCOPE)
    rxc_format_result(&b->buf, b->fmt, b->rules, rec, res);
  if (flush(b, 0) != 0) {
    b->failed = 1;
    return 1;
  }
  return 0;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  batch *b = ud;
  if (b->rejects) {
    rxc_format_reject(&b->rejbuf, rej);
  } else if (b->rejects_shown++ < MAX_STDERR_REJECTS) {
    cli_error("%s:%lu:%lu: row rejected: %s", b->input_name, rej->line,
              rej->column, rej->message);
  }
  return 0;
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
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int explain = 0;
  const char *rules_dir = NULL, *out_path = NULL, *rejects_path = NULL,
             *summary_path = NULL;
  batch b;
  memset(&b, 0, sizeof b);
  b.fmt = RXC_FORMAT_JSONL;
  b.fail_on = -1;
  rxc_input_options io;
  memset(&io, 0, sizeof io);
  io.default_country = getenv("RXCHECK_COUNTRY");

  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'r': rules_dir = optarg; break;
      case 'f':
        if (!rxc_format_parse(optarg, &b.fmt))
          return cli_usage("batch", "--format must be jsonl, csv or text");
        break;
      case 'o': out_path = optarg; break;
      case 'j': rejects_path = optarg; break;
      case 's': summary_path = optarg; break;
      case 'c': io.default_country = optarg; break;
      case 'F': {
        rxc_severity sev;
        if (!rxc_severity_parse(optarg, &sev))
          return cli_usage("batch",
                           "--fail-on must be contraindicated, major, "
                           "moderate, minor or info");
        b.fail_on = (int)sev;
        break;
      }
      case 'i': b.only_in_scope = 1; break;
      case 'x': explain = 1; break;
      case 'm': io.map = optarg; break;
      case 'M':
        if (cli_parse_size("batch", "--max-field", optarg, &io.max_field))
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
  b.input_name = strcmp(in_path, "-") == 0 ? "<stdin>" : in_path;

  rxc_ruleset *rules = NULL;
  if (cli_load_rules(rules_dir, &rules) != EXIT_OK) return EXIT_USAGE;
  b.rules = rules;

  int rc = EXIT_USAGE;
  rxc_reader *reader = NULL;
  FILE *in = NULL;
  b.out = NULL;
  if (rxc_checker_new(rules, &b.checker) != RXC_OK ||
      rxc_reader_new(&io, &reader) != RXC_OK) {
    cli_error("out of memory");
    goto done;
  }
  rxc_checker_set_explain(b.checker, explain);
  if (!(in = cli_open_in(in_path))) goto done;
  if (!(b.out = cli_open_out(out_path))) goto done;
  if (rejects_path) {
    if (!(b.rejects = cli_open_out(rejects_path))) goto done;
    rxc_buf_puts(&b.rejbuf, "line,column,reason\n");
  }

  rxc_reader_callbacks cb = {on_header, on_record, on_reject, &b};
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status st = rxc_reader_run(reader, in, b.input_name, &cb, &err);
  if (flush(&b, 1) != 0) b.failed = 1;
  if (b.failed) goto done;
  if (st != RXC_OK) {
    if (err.line)
      cli_error("%s:%lu:%lu: %s", b.input_name, err.line, err.column,
                err.message);
    else
      cli_error("%s: %s", b.input_name,
                err.message[0] ? err.message : rxc_strerror(st));
    goto done;
  }

  const rxc_read_stats *stats = rxc_reader_stats(reader);
  if (!b.rejects && stats->rejected > MAX_STDERR_REJECTS)
    cli_error("%lu more rejected rows not shown (use --rejects FILE)",
              stats->rejected - MAX_STDERR_REJECTS);
  rxc_buf sum = {0};
  if (summary_path) {
    rxc_format_summary_json(&sum, b.input_name, stats, &b.tally, rules);
    FILE *sf = cli_open_out(summary_path);
    if (!sf || cli_write(sf, &sum) != 0 || cli_close(sf, summary_path)) {
      rxc_buf_free(&sum);
      goto done;
    }
  } else {
    rxc_format_summary_text(&sum, b.input_name, stats, &b.tally, rules);
    fflush(b.out);
    if (cli_write(stderr, &sum) != 0) {
      rxc_buf_free(&sum);
      goto done;
    }
  }
  rxc_buf_free(&sum);
  if (b.fail_on >= 0 && b.tally.records_at_or_above)
    rc = EXIT_FINDINGS;
  else if (stats->rejected)
    rc = EXIT_REJECTS;
  else
    rc = EXIT_OK;

done:
  if (b.out && cli_close(b.out, out_path) != 0) rc = EXIT_USAGE;
  if (b.rejects && cli_close(b.rejects, rejects_path) != 0) rc = EXIT_USAGE;
  if (in && in != stdin) fclose(in);
  rxc_buf_free(&b.buf);
  rxc_buf_free(&b.rejbuf);
  rxc_reader_free(reader);
  rxc_checker_free(b.checker);
  rxc_ruleset_free(rules);
  return rc;
}
