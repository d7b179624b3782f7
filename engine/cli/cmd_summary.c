/*
 * cmd_summary.c - `rxcheck summary merge`: one summary from the summaries
 * of the chunks of a split run (GNU parallel, Hadoop, Spark). The merge
 * itself, and what it refuses, is rxc_summary_merge (rxcheck/summary.h).
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "rxcheck/summary.h"


static const char summary_help[] =
    "Usage: rxcheck summary merge FILE... [--out FILE]\n"
    "\n"
    "Merge the run summaries (rxcheck batch --summary FILE) of the chunks of\n"
    "one split export, checked by separate rxcheck processes, into the\n"
    "summary of the whole run: every count is added up (rows, statuses,\n"
    "findings, rejects, suppressions, jurisdictions, indications, rules), the\n"
    "keys in the order rxcheck writes them. \"inputs\" lists each chunk's\n"
    "input and input_sha256 in argument order; \"started\" is the earliest.\n"
    "\n"
    "Summaries that differ in anything but counts cannot be merged: another\n"
    "rule pack (name, version or hash), rxcheck version, --as-of date or\n"
    "suppression entries is an error naming the file and the key.\n"
    "\n"
    "Options:\n"
    "  --out FILE   write the merged summary to FILE (written beside it and\n"
    "               renamed into place when complete) instead of standard\n"
    "               output\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit codes: 0 merged; 2 usage error, a file that cannot be read or is\n"
    "not a summary (malformed JSON as file:line:col: message), or summaries\n"
    "that cannot be merged.\n";

static int merge(int argc, char **argv) {
  static const struct option longopts[] = {
      {"out", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *out_path = NULL;
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'o': out_path = optarg; break;
      case 'h': fputs(summary_help, stdout); return EXIT_OK;
      case ':':
        return cli_usage("summary merge", "option '%s' needs a value",
                         argv[optind - 1]);
      default:
        return cli_usage("summary merge", "unknown option '%s'",
                         argv[optind - 1]);
    }
  }
  if (optind >= argc)
    return cli_usage("summary merge",
                     "expected the summary files to merge (rxcheck batch "
                     "--summary FILE writes one)");
  rxc_buf b = {0};
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status st = rxc_summary_merge((const char *const *)(argv + optind),
                                    (size_t)(argc - optind), &b, &err);
  int rc = EXIT_USAGE;
  if (st != RXC_OK) {
    if (err.line)
      cli_error("%s:%lu:%lu: %s", err.file, err.line, err.column, err.message);
    else if (err.file[0] && st != RXC_EIO)
      cli_error("%s: %s", err.file, err.message);
    else
      cli_error("%s", err.message[0] ? err.message : rxc_strerror(st));
    goto done;
  }
  signal(SIGPIPE, SIG_IGN);
  cli_out out;
  if (cli_out_open(&out, out_path) != 0) goto done;
  int bad = cli_out_write(&out, b.data, b.len) != 0;
  if (cli_out_close(&out, !bad) != 0 || bad) {
    if (out.broken_pipe) rc = 128 + SIGPIPE;
    goto done;
  }
  rc = EXIT_OK;
done:
  rxc_buf_free(&b);
  return rc;
}

int cmd_summary(int argc, char **argv) {
  if (argc < 2)
    return cli_usage("summary", "expected a subcommand: merge");
  const char *sub = argv[1];
  if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
      strcmp(sub, "help") == 0) {
    fputs(summary_help, stdout);
    return EXIT_OK;
  }
  if (strcmp(sub, "merge") == 0) return merge(argc - 1, argv + 1);
  return cli_usage("summary", "unknown subcommand '%s' (expected merge)", sub);
}
