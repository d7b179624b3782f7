/*
 * main.c - the rxcheck command: global options and dispatch to the
 * subcommands. Everything else lives in the library.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "Usage: rxcheck COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Check prescription exports against clinical rule packs: indications and\n"
    "their regulatory status by jurisdiction, product form and age; dose\n"
    "limits; boxed warnings; drug interactions.\n"
    "\n"
    "Commands:\n"
    "  batch [FILE|-]      check every row of an export (JSON Lines, CSV, text\n"
    "                      or SARIF; an HTML report on request)\n"
    "  query --drug ...    check one prescription and explain it in plain words\n"
    "  validate [FILE|-]   read an export and report its columns and rejects\n"
    "  rules lint [PATH]   validate rule files (file:line:col: message)\n"
    "  rules list          list the rules of the loaded packs\n"
    "  rules show ID       show one rule with its source\n"
    "  rules test [PATH]   run the test cases the packs carry\n"
    "  rules diff OLD NEW  rule ids added, removed and changed between two\n"
    "                      versions of the packs\n"
    "  summary merge FILE  merge the run summaries of the chunks of a split\n"
    "                      export (batch --summary FILE) into one\n"
    "\n"
    "Options:\n"
    "  -h, --help          show this help (or 'rxcheck COMMAND --help')\n"
    "  -V, --version       show the version and the built-in rule packs\n"
    "\n"
    "Exit codes: 0 all rows checked, nothing at or above --fail-on;\n"
    "1 findings at or above --fail-on; 2 usage error, unreadable input or\n"
    "invalid rules (nothing checked); 3 finished, but some rows were rejected;\n"
    "130 and 143 interrupted by SIGINT or SIGTERM; 141 the reader of the\n"
    "output went away (a closed pipe).\n"
    "\n"
    "Environment: RXCHECK_RULES (a rules directory used instead of the\n"
    "built-in packs), RXCHECK_COUNTRY (the default jurisdiction), NO_COLOR\n"
    "(no colour in query output).\n"
    "\n"
    "See rxcheck(1) and rxcheck-rules(5).\n";

static int print_version(void) {
  printf("rxcheck %s\n", rxc_version());
  rxc_ruleset *rs = NULL;
  if (rxc_ruleset_load_builtin(NULL, NULL, &rs) != RXC_OK) {
    printf("built-in rule packs: failed to load (run 'rxcheck rules lint')\n");
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    printf("pack %s %s %s\n", p->name, p->version, p->hash);
  }
  rxc_ruleset_free(rs);
  return EXIT_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  int rc;
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
      strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    rc = EXIT_OK;
  } else if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    rc = print_version();
  } else if (strcmp(cmd, "batch") == 0) {
    rc = cmd_batch(argc - 1, argv + 1);
  } else if (strcmp(cmd, "query") == 0) {
    rc = cmd_query(argc - 1, argv + 1);
  } else if (strcmp(cmd, "validate") == 0) {
    rc = cmd_validate(argc - 1, argv + 1);
  } else if (strcmp(cmd, "rules") == 0) {
    rc = cmd_rules(argc - 1, argv + 1);
  } else if (strcmp(cmd, "summary") == 0) {
    rc = cmd_summary(argc - 1, argv + 1);
  } else {
    cli_error("unknown command '%s'", cmd);
    fputs("Try 'rxcheck --help' for more information.\n", stderr);
    return EXIT_USAGE;
  }
  /* A full disk must not go unnoticed (jq does the same). */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    /* A reader that left (`| head`) is no error to report. */
    if (errno == EPIPE) return 128 + SIGPIPE;
    cli_error("writing output failed: %s", strerror(errno));
    return EXIT_USAGE;
  }
  return rc;
}
