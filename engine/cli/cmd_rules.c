/*
 * cmd_rules.c - `rxcheck rules lint|list|show|test|diff`: the tooling for
 * the people who write, review and curate rule packs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char rules_help[] =
    "Usage: rxcheck rules lint [PATH]      validate rule files\n"
    "       rxcheck rules list             list the rules of the loaded packs\n"
    "       rxcheck rules show ID          show one rule, its source and text\n"
    "       rxcheck rules test [PATH]      run the test cases the packs carry\n"
    "       rxcheck rules diff OLD NEW     rule ids added, removed and changed\n"
    "                                      between two versions of the packs\n"
    "\n"
    "PATH, OLD and NEW are a pack directory (holding *.yaml files) or a\n"
    "directory of packs. Without PATH or --rules, the packs built into\n"
    "rxcheck are used ($RXCHECK_RULES overrides them).\n"
    "\n"
    "Options:\n"
    "  --rules DIR       rule packs to use instead of the built-in ones\n"
    "  --jurisdictions   list: print only the jurisdictions the packs cover,\n"
    "                    one per line (for scripts and shell completion)\n"
    "  --as-of DATE      list: only the rules in force on DATE (YYYY-MM-DD),\n"
    "                    those a record of that date is checked against\n"
    "  -h, --help        show this help\n"
    "\n"
    "list prints one line per rule: id, kind, severity, summary, and the\n"
    "days it is in force when its valid_from or valid_until limits them;\n"
    "show also prints the rule's version and those days.\n"
    "\n"
    "diff prints one line per rule that differs, grouped: 'added ID PACK',\n"
    "'removed ID PACK', 'changed ID PACK' (the rule's YAML text differs),\n"
    "after an 'old:' and a 'new:' line per pack, and ends with the counts.\n"
    "\n"
    "Errors are printed as file:line:col: message, every one of them.\n"
    "Exit codes: 0 valid (and, for test, every case passed; for diff, no\n"
    "rule differs); 1 a test case failed (diff: some rule differs); 2 usage\n"
    "error or invalid rule files.\n";

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

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The jurisdictions the loaded packs cover, sorted, each once. */
static int list_jurisdictions(const rxc_ruleset *rs) {
  size_t n = 0;
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++)
    n += rxc_ruleset_pack(rs, i)->njurisdictions;
  const char **all = calloc(n ? n : 1, sizeof *all);
  if (!all) {
    cli_error("out of memory");
    return EXIT_USAGE;
  }
  size_t k = 0;
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    for (size_t j = 0; j < p->njurisdictions; j++) all[k++] = p->jurisdictions[j];
  }
  qsort(all, n, sizeof *all, cmp_str);
  for (size_t i = 0; i < n; i++)
    if (i == 0 || strcmp(all[i], all[i - 1]) != 0) printf("%s\n", all[i]);
  free(all);
  return EXIT_OK;
}

/* The days a rule is in force: "from 2005-10-11", "until 2005-10-10",
 * "2008-02-01 to 2014-06-30", or "" when it is in force every day. */
static const char *window_text(const rxc_rule_info *r, char *buf, size_t n) {
  rxc_date f = r->valid_from, u = r->valid_until;
  if (f.year && u.year)
    snprintf(buf, n, "%04d-%02d-%02d to %04d-%02d-%02d", f.year,
             f.month, f.day, u.year, u.month, u.day);
  else if (f.year)
    snprintf(buf, n, "from %04d-%02d-%02d", f.year, f.month, f.day);
  else if (u.year)
    snprintf(buf, n, "until %04d-%02d-%02d", u.year, u.month, u.day);
  else
    buf[0] = '\0';
  return buf;
}

static int list(const char *dir, int jurisdictions, rxc_date as_of) {
  rxc_ruleset *rs = NULL;
  if (cli_load_rules(dir, &rs) != EXIT_OK) return EXIT_USAGE;
  if (jurisdictions) {
    int rc = list_jurisdictions(rs);
    rxc_ruleset_free(rs);
    return rc;
  }
  for (size_t i = 0; i < rxc_ruleset_nrules(rs); i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(rs, i);
    if (!rxc_rule_in_force(r, as_of)) continue; /* year 0: every rule */
    char win[80];
    window_text(r, win, sizeof win);
    printf("%-34s %-14s %-16s %s%s%s%s\n", r->id, r->kind,
           r->severity ? r->severity : "-", r->summary ? r->summary : "",
           win[0] ? " (valid " : "", win, win[0] ? ")" : "");
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
    if (r->version) printf("version:  %s\n", r->version);
    char win[80];
    if (window_text(r, win, sizeof win)[0]) printf("valid:    %s\n", win);
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

/* ---- diff: what changed between two versions of the packs ---------------- */

/* Rules are matched by pack name and id: ids are unique within a pack. */
static int cmp_rule(const void *a, const void *b) {
  const rxc_rule_info *x = *(const rxc_rule_info *const *)a;
  const rxc_rule_info *y = *(const rxc_rule_info *const *)b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->pack, y->pack);
}

/* The rules of a ruleset sorted by (id, pack); NULL when out of memory. */
static const rxc_rule_info **sorted_rules(const rxc_ruleset *rs) {
  size_t n = rxc_ruleset_nrules(rs);
  const rxc_rule_info **v = calloc(n ? n : 1, sizeof *v);
  if (!v) return NULL;
  for (size_t i = 0; i < n; i++) v[i] = rxc_ruleset_rule(rs, i);
  qsort(v, n, sizeof *v, cmp_rule);
  return v;
}

enum { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED, DIFF_SAME, DIFF__COUNT };

static int same_text(const rxc_rule_info *a, const rxc_rule_info *b) {
  return strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
}

/* Walks both sorted lists in step (a merge), printing the rules of one
 * kind of difference, and counts every kind. */
static void diff_walk(const rxc_rule_info **o, size_t no,
                      const rxc_rule_info **n, size_t nn, int kind,
                      unsigned long count[DIFF__COUNT]) {
  static const char *const names[] = {"added", "removed", "changed"};
  size_t i = 0, j = 0;
  while (i < no || j < nn) {
    int c = i == no ? 1 : j == nn ? -1 : cmp_rule(&o[i], &n[j]);
    const rxc_rule_info *r;
    int k;
    if (c < 0) {
      r = o[i++], k = DIFF_REMOVED;
    } else if (c > 0) {
      r = n[j++], k = DIFF_ADDED;
    } else {
      k = same_text(o[i], n[j]) ? DIFF_SAME : DIFF_CHANGED;
      r = n[j];
      i++, j++;
    }
    if (count) count[k]++;
    if (k == kind) printf("%-8s %s %s\n", names[k], r->id, r->pack);
  }
}

static void print_packs(const char *side, const rxc_ruleset *rs) {
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    printf("%s %s %s %s\n", side, p->name, p->version, p->hash);
  }
}

static int diff(const char *old_dir, const char *new_dir) {
  if (!*old_dir || !*new_dir)
    return cli_usage("rules", "diff takes two non-empty directories");
  rxc_ruleset *o = NULL, *n = NULL;
  const rxc_rule_info **ov = NULL, **nv = NULL;
  int rc = EXIT_USAGE;
  if (cli_load_rules(old_dir, &o) != EXIT_OK) {
    cli_error("rules diff: cannot load OLD '%s'", old_dir);
    goto out;
  }
  if (cli_load_rules(new_dir, &n) != EXIT_OK) {
    cli_error("rules diff: cannot load NEW '%s'", new_dir);
    goto out;
  }
  ov = sorted_rules(o);
  nv = sorted_rules(n);
  if (!ov || !nv) {
    cli_error("out of memory");
    goto out;
  }
  size_t no = rxc_ruleset_nrules(o), nn = rxc_ruleset_nrules(n);
  unsigned long count[DIFF__COUNT] = {0, 0, 0, 0};
  print_packs("old:", o);
  print_packs("new:", n);
  diff_walk(ov, no, nv, nn, DIFF_ADDED, count);
  diff_walk(ov, no, nv, nn, DIFF_REMOVED, NULL);
  diff_walk(ov, no, nv, nn, DIFF_CHANGED, NULL);
  printf("%lu added, %lu removed, %lu changed, %lu unchanged\n",
         count[DIFF_ADDED], count[DIFF_REMOVED], count[DIFF_CHANGED],
         count[DIFF_SAME]);
  rc = count[DIFF_ADDED] || count[DIFF_REMOVED] || count[DIFF_CHANGED]
           ? EXIT_FINDINGS
           : EXIT_OK;
out:
  free(ov);
  free(nv);
  rxc_ruleset_free(o);
  rxc_ruleset_free(n);
  return rc;
}

int cmd_rules(int argc, char **argv) {
  static const struct option longopts[] = {
      {"rules", required_argument, NULL, 'r'},
      {"jurisdictions", no_argument, NULL, 'J'},
      {"as-of", required_argument, NULL, 'a'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *dir = NULL;
  int jurisdictions = 0;
  const char *as_of_text = NULL;
  rxc_date as_of = {0, 0, 0};
  optind = 0; /* 0, not 1: a full reset of glibc getopt */
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'r': dir = optarg; break;
      case 'J': jurisdictions = 1; break;
      case 'a':
        as_of_text = optarg;
        if (!rxc_date_parse(optarg, strlen(optarg), &as_of) ||
            strlen(optarg) != 10)
          return cli_usage("rules",
                           "invalid date '%s' for --as-of (expected "
                           "YYYY-MM-DD, a real calendar date)",
                           optarg);
        break;
      case 'h': fputs(rules_help, stdout); return EXIT_OK;
      case ':':
        return cli_usage("rules", "option '%s' needs a value", argv[optind - 1]);
      default:
        return cli_usage("rules", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind >= argc)
    return cli_usage("rules",
                     "expected a subcommand: lint, list, show, test or diff");
  const char *sub = argv[optind++];
  int rest = argc - optind;
  if (jurisdictions && strcmp(sub, "list") != 0)
    return cli_usage("rules", "--jurisdictions goes with list only");
  if (as_of_text && strcmp(sub, "list") != 0)
    return cli_usage("rules", "--as-of goes with list only");
  if (as_of_text && jurisdictions)
    return cli_usage("rules",
                     "--as-of and --jurisdictions do not go together (the "
                     "covered jurisdictions do not change with the date)");
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
    return list(dir, jurisdictions, as_of);
  }
  if (strcmp(sub, "diff") == 0) {
    if (rest != 2) return cli_usage("rules", "diff takes two directories: OLD NEW");
    if (dir) return cli_usage("rules", "diff compares OLD and NEW; --rules does not apply");
    return diff(argv[optind], argv[optind + 1]);
  }
  if (strcmp(sub, "show") == 0) {
    if (rest != 1) return cli_usage("rules", "show takes one rule ID");
    return show(dir, argv[optind]);
  }
  return cli_usage("rules",
                   "unknown subcommand '%s' (lint, list, show, test, diff)", sub);
}
