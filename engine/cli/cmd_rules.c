/*
 * cmd_rules.c - `rxcheck rules lint|list|show|test`: the tooling for the
 * people who write and review rule packs.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char rules_help[] =
    "Usage: rxcheck rules lint [PATH]      validate rule files\n"
    "       rxcheck rules list             list the rules of the loaded packs\n"
    "       rxcheck rules show ID          show one rule, its source and text\n"
    "       rxcheck rules test [PATH]      run the test cases the packs carry\n"
    "\n"
    "PATH is a pack directory (holding *.yaml files) or a directory of packs.\n"
    "Without PATH or --rules, the packs built into rxcheck are used\n"
    "($RXCHECK_RULES overrides them).\n"
    "\n"
    "Options:\n"
    "  --rules DIR     rule packs to use instead of the built-in ones\n"
    "  -h, --help      show this help\n"
    "\n"
    "Errors are printed as file:line:col: message, every one of them.\n"
    "Exit codes: 0 valid (and, for test, every case passed); 1 a test case\n"
    "failed; 2 usage error or invalid rule files.\n";

static int lint(const char *dir) {
  rxc_ruleset *rs = NULL;
  if (cli_load_rules(dir, &rs) != EXIT_OK) return EXIT_USAGE;
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    printf("ok: pack %s %s %s\n", p->name, p->version, p->hash);
  }
  printf("%zu rules, no errors\n", rxc_ruleset_nrules(rs));
  rxc_ruleset_free(rs);
  return EXIT_OK;
}

static int list(const char *dir) {
  rxc_ruleset *rs = NULL;
  if (cli_load_rules(dir, &rs) != EXIT_OK) return EXIT_USAGE;
  for (size_t i = 0; i < rxc_ruleset_nrules(rs); i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(rs, i);
    printf("%-34s %-14s %-16s %s\n", r->id, r->kind,
           r->severity ? r->severity : "-", r->summary ? r->summary : "");
  }
  rxc_ruleset_free(rs);
  return EXIT_OK;
}

static int show(const char *dir, const char *id) {
  rxc_ruleset *rs = NULL;
  if (cli_load_rules(dir, &rs) != EXIT_OK) return EXIT_USAGE;
  const rxc_rule_info *r = rxc_ruleset_find_rule(rs, id);
  int rc = EXIT_OK;
  if (!r) {
    cli_error("no rule '%s' (see 'rxcheck rules list')", id);
    rc = EXIT_USAGE;
  } else {
    printf("rule:     %s\n", r->id);
    printf("pack:     %s\n", r->pack);
    printf("kind:     %s\n", r->kind);
    if (r->severity) printf("severity: %s\n", r->severity);
    if (r->summary) printf("summary:  %s\n", r->summary);
    printf("source:   %s: %s\n", r->source, r->citation ? r->citation : "");
    if (r->url) printf("url:      %s\n", r->url);
    printf("defined:  %s:%lu\n\n", r->file, r->line);
    if (r->text) fputs(r->text, stdout);
    if (r->text && r->text[0] && r->text[strlen(r->text) - 1] != '\n')
      fputc('\n', stdout);
  }
  rxc_ruleset_free(rs);
  return rc;
}

static void print_outcome(const rxc_test_outcome *o, void *ud) {
  (void)ud;
  if (o->passed) return;
  printf("FAIL %s:%lu: %s\n     %s\n", o->file, o->line, o->name, o->detail);
}

static int test(const char *dir) {
  rxc_ruleset *rs = NULL;
  if (cli_load_rules(dir, &rs) != EXIT_OK) return EXIT_USAGE;
  unsigned long passed = 0, failed = 0;
  rxc_status st = rxc_ruleset_run_tests(rs, print_outcome, NULL, &passed,
                                        &failed);
  rxc_ruleset_free(rs);
  if (st != RXC_OK) {
    cli_error("running the tests failed: %s", rxc_strerror(st));
    return EXIT_USAGE;
  }
  printf("%lu passed, %lu failed\n", passed, failed);
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_rules(int argc, char **argv) {
  static const struct option longopts[] = {
      {"rules", required_argument, NULL, 'r'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *dir = NULL;
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'r': dir = optarg; break;
      case 'h': fputs(rules_help, stdout); return EXIT_OK;
      case ':':
        return cli_usage("rules", "option '%s' needs a value", argv[optind - 1]);
      default:
        return cli_usage("rules", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind >= argc)
    return cli_usage("rules", "expected a subcommand: lint, list, show or test");
  const char *sub = argv[optind++];
  int rest = argc - optind;
  if (strcmp(sub, "lint") == 0 || strcmp(sub, "test") == 0) {
    if (rest > 1) return cli_usage("rules", "%s takes at most one PATH", sub);
    if (rest == 1) {
      if (dir) return cli_usage("rules", "give either PATH or --rules, not both");
      dir = argv[optind];
    }
    return strcmp(sub, "lint") == 0 ? lint(dir) : test(dir);
  }
  if (strcmp(sub, "list") == 0) {
    if (rest) return cli_usage("rules", "list takes no arguments");
    return list(dir);
  }
  if (strcmp(sub, "show") == 0) {
    if (rest != 1) return cli_usage("rules", "show takes one rule ID");
    return show(dir, argv[optind]);
  }
  return cli_usage("rules", "unknown subcommand '%s' (lint, list, show, test)",
                   sub);
}
