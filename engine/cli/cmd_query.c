/*
 * cmd_query.c - `rxcheck query`: one prescription, answered in plain words.
 *
 * The flags become one record, built by the same builder and checked by the
 * same checker as a row of `batch`: the record is the one data row of an
 * export whose columns are the flags given, so `--json` prints exactly what
 * `batch` prints for that export (its `line` is 2, after the header).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "term.h"

static const char query_help[] =
    "Usage: rxcheck query --drug TEXT [--code CODE] [--form TEXT] --dx CODE[,CODE]\n"
    "                     (--age N | --birth-date YYYY-MM-DD [--date YYYY-MM-DD])\n"
    "                     [--country CC] [--comed NAME[,NAME]] [--dose MG] [OPTIONS]\n"
    "\n"
    "Check one prescription and explain the verdict: the indication each\n"
    "diagnosis maps to and its regulatory status here, for this product form\n"
    "and age; every finding with the action to take; the rules and sources.\n"
    "\n"
    "Record:\n"
    "  --drug TEXT          the drug as written (\"Luvox CR 100 mg\")\n"
    "  --code CODE          a drug code: rxnorm:903873, atc:N06AB08, bnf:..., ndc:...\n"
    "  --form TEXT          the dosage form (\"extended-release capsule\")\n"
    "  --dx CODES           diagnosis codes, comma-separated or repeated:\n"
    "                       ICD-10 (F42.2, F4010), icd9:300.3, snomed:191736004\n"
    "  --age N              age in whole years\n"
    "  --birth-date DATE    date of birth; age is computed at --date\n"
    "  --date DATE          prescription date (default: today)\n"
    "  --country CC         jurisdiction, ISO 3166-1 alpha-2 (default: $RXCHECK_COUNTRY)\n"
    "  --comed NAMES        other drugs taken, comma-separated or repeated\n"
    "  --dose MG            total daily dose in mg\n"
    "\n"
    "Output:\n"
    "  --json               print the JSON object batch prints for this record\n"
    "  --explain            show the conditions behind every verdict and finding,\n"
    "                       and the near misses\n"
    "  --color WHEN         auto (default: on a terminal unless NO_COLOR is set),\n"
    "                       always or never\n"
    "  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY\n"
    "  --rules DIR          rule packs to use instead of the built-in ones\n"
    "  -h, --help           show this help\n"
    "\n"
    "Examples:\n"
    "  rxcheck query --drug \"Fluvoxamine 50 mg tablet\" --dx F42.2 --age 10 --country US\n"
    "      approved: OCD, immediate-release tablets, from age 8 in the US\n"
    "  rxcheck query --drug \"Luvox CR 100 mg\" --dx F40.10 --age 34 --country US\n"
    "      approved (extended-release, adults), with a note on current labeling\n"
    "  rxcheck query --drug fluvoxamine --dx F32.1 --age 40 --country US \\\n"
    "                --comed tizanidine --explain\n"
    "      off-label in the US for depression; tizanidine is contraindicated\n"
    "\n"
    "Exit codes: 0 answered; 1 a finding at or above --fail-on; 2 a usage error.\n";

/* One line on stderr naming the flag, then exit code 2. */
static int fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("rxcheck query: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs(" (see 'rxcheck query --help')\n", stderr);
  va_end(ap);
  return EXIT_USAGE;
}

/* Appends a comma- or semicolon-separated flag value to a ';' list. */
static void add_items(rxc_buf *list, const char *val) {
  for (const char *p = val; *p; p++) {
    char c = *p == ',' ? ';' : *p;
    if (c == ';' && (list->len == 0 || list->data[list->len - 1] == ';'))
      continue;
    rxc_buf_append(list, &c, 1);
  }
  if (list->len && list->data[list->len - 1] != ';') rxc_buf_append(list, ";", 1);
}

enum { MAXCOLS = 10 };

typedef struct query {
  rxc_str header[MAXCOLS];
  rxc_str values[MAXCOLS];
  const char *flags[MAXCOLS]; /* the flag behind each column */
  size_t n;
} query;

static void column(query *q, const char *name, const char *flag,
                   const char *value, size_t len) {
  q->header[q->n] = (rxc_str){name, strlen(name)};
  q->values[q->n] = (rxc_str){value, len};
  q->flags[q->n] = flag;
  q->n++;
}

/* ---- human output -------------------------------------------------------- */

static const char *verdict_color(rxc_verdict v) {
  switch (v) {
    case RXC_V_APPROVED: return TERM_GREEN;
    case RXC_V_OFF_LABEL: return TERM_YELLOW;
    default: return TERM_CYAN;
  }
}

static const char *severity_color(rxc_severity s) {
  switch (s) {
    case RXC_SEV_CONTRAINDICATED: return TERM_BOLD_RED;
    case RXC_SEV_MAJOR: return TERM_RED;
    case RXC_SEV_MODERATE: return TERM_YELLOW;
    default: return TERM_DIM;
  }
}

static void upper_into(char *dst, size_t cap, const char *s) {
  size_t i = 0;
  for (; s[i] && i + 1 < cap; i++)
    dst[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
  dst[i] = '\0';
}

static void buf_printf(rxc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void buf_printf(rxc_buf *b, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) rxc_buf_append(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void headline(term *t, const rxc_result *res, const rxc_ruleset *rs,
                     const char *drug_text) {
  char verdict[32];
  upper_into(verdict, sizeof verdict, rxc_verdict_name(res->status));
  rxc_buf b = {0};
  if (res->status == RXC_V_OUT_OF_SCOPE) {
    int lookalike = 0;
    const rxc_pack_info *pack = NULL;
    const char *hint = drug_text ? rxc_ruleset_suggest(rs, drug_text, &lookalike, &pack) : NULL;
    if (hint && lookalike)
      buf_printf(&b, "\xe2\x80\x94 %s is a different drug from %s (a known look-alike); "
                     "no rule of the %s pack applies.",
                 hint, pack->drug, pack->name);
    else if (hint)
      buf_printf(&b, "\xe2\x80\x94 the drug is not recognised by the rule packs. Did you "
                     "mean %s? Nothing was assumed: check the name and ask again.",
                 hint);
    else
      buf_printf(&b, "\xe2\x80\x94 the drug is not recognised by any rule pack (%s).",
                 rxc_ruleset_npacks(rs) == 1 ? rxc_ruleset_pack(rs, 0)->drug
                                             : "see 'rxcheck rules list'");
    term_para(t, 0, 2, verdict, verdict_color(res->status), b.data);
    rxc_buf_free(&b);
    return;
  }
  const rxc_indication_result *best = NULL;
  for (size_t i = 0; i < res->nindications; i++)
    if (res->indications[i].status == res->status) {
      best = &res->indications[i];
      break;
    }
  rxc_buf_puts(&b, "\xe2\x80\x94 "); /* em dash */
  if (best) {
    buf_printf(&b, "%s (%.*s), ", best->label, (int)best->code.raw.len,
               best->code.raw.ptr);
  } else {
    buf_printf(&b, "no diagnosis maps to an indication of %s, ", res->drug);
  }
  buf_printf(&b, "%s, %s, ", res->jurisdiction ? res->jurisdiction : "no country",
             res->formulation);
  if (res->age >= 0)
    buf_printf(&b, "age %d", res->age);
  else
    rxc_buf_puts(&b, "age unknown");
  term_para(t, 0, 2, verdict, verdict_color(res->status), b.data);
  rxc_buf_free(&b);
}

static void section(term *t, const char *title) {
  fputc('\n', t->out);
  term_para(t, 0, 0, title, TERM_BOLD, NULL);
}

static void indications(term *t, const rxc_record *rec, const rxc_result *res) {
  section(t, "Indications");
  for (size_t i = 0; i < res->nindications; i++) {
    const rxc_indication_result *ir = &res->indications[i];
    rxc_buf b = {0};
    buf_printf(&b, "%s (%.*s)%s%s:", ir->label, (int)ir->code.raw.len,
               ir->code.raw.ptr, ir->line ? ", " : "", ir->line ? ir->line : "");
    for (size_t k = 0; k < ir->nreasons; k++) {
      rxc_buf_puts(&b, " ");
      rxc_buf_puts(&b, ir->reasons[k]);
      size_t n = strlen(ir->reasons[k]);
      if (n && ir->reasons[k][n - 1] != '.') rxc_buf_puts(&b, ".");
    }
    if (ir->rule) buf_printf(&b, " [%s]", ir->rule);
    char status[32];
    snprintf(status, sizeof status, "%s", rxc_verdict_name(ir->status));
    term_para(t, 2, 4, status, verdict_color(ir->status), b.data);
    rxc_buf_free(&b);
  }
  /* Diagnoses that map to nothing are said plainly. */
  for (size_t d = 0; d < rec->ndx; d++) {
    int mapped = 0;
    for (size_t i = 0; i < res->nindications && !mapped; i++) {
      const rxc_code *a = &res->indications[i].code, *b = &rec->dx[d];
      mapped = a->system == b->system && a->code.len == b->code.len &&
               memcmp(a->code.ptr, b->code.ptr, b->code.len) == 0;
    }
    if (mapped) continue;
    rxc_buf b = {0};
    buf_printf(&b, "%.*s does not map to any indication of the %s pack%s",
               (int)rec->dx[d].raw.len, rec->dx[d].raw.ptr, res->pack->name,
               rec->dx[d].system == RXC_SYS_NONE
                   ? " (not a recognised ICD-10, ICD-9 or SNOMED CT code)."
                   : ".");
    term_para(t, 2, 4, "no indication", TERM_CYAN, b.data);
    rxc_buf_free(&b);
  }
}

static void findings(term *t, const rxc_result *res) {
  section(t, "Findings");
  if (!res->nfindings) term_para(t, 2, 4, NULL, NULL, "none");
  for (size_t i = 0; i < res->nfindings; i++) {
    const rxc_finding *f = &res->findings[i];
    char sev[32];
    upper_into(sev, sizeof sev, rxc_severity_name(f->severity));
    rxc_buf b = {0};
    buf_printf(&b, "%s: %s", f->kind, f->message);
    if (f->action) buf_printf(&b, " Action: %s", f->action);
    buf_printf(&b, " [%s]", f->rule);
    term_para(t, 2, 4, sev, severity_color(f->severity), b.data);
    rxc_buf_free(&b);
  }
}

static void source_line(term *t, const rxc_ruleset *rs, const char *rule,
                        const char **seen, size_t *nseen) {
  for (size_t i = 0; i < *nseen; i++)
    if (strcmp(seen[i], rule) == 0) return;
  if (*nseen < 64) seen[(*nseen)++] = rule;
  const rxc_rule_info *info = rxc_ruleset_find_rule(rs, rule);
  if (!info) return;
  rxc_buf b = {0};
  buf_printf(&b, "%s: %s", info->source, info->citation ? info->citation : "");
  if (info->url) buf_printf(&b, " <%s>", info->url);
  term_para(t, 2, 4, rule, TERM_DIM, b.data);
  rxc_buf_free(&b);
}

static void sources(term *t, const rxc_ruleset *rs, const rxc_result *res) {
  const char *seen[64];
  size_t nseen = 0;
  section(t, "Sources");
  for (size_t i = 0; i < res->nindications; i++)
    if (res->indications[i].rule)
      source_line(t, rs, res->indications[i].rule, seen, &nseen);
  for (size_t i = 0; i < res->nfindings; i++)
    source_line(t, rs, res->findings[i].rule, seen, &nseen);
  if (!nseen) term_para(t, 2, 4, NULL, NULL, "none: no rule decided");
}

static void explanation(term *t, const rxc_result *res) {
  section(t, "Why");
  for (size_t i = 0; i < res->nexplain; i++) {
    const rxc_explain_rule *x = &res->explain[i];
    rxc_buf b = {0};
    buf_printf(&b, "%s (%s):", x->rule,
               strcmp(x->kind, "regulatory") == 0 ? x->label : x->kind);
    for (size_t k = 0; k < x->n; k++) {
      const rxc_explain_cond *e = &res->explain_conds[x->first + k];
      buf_printf(&b, "%s %s %s %s `%s`", k ? ";" : "", e->field,
                 e->value[0] ? e->value : "(absent)",
                 e->held ? "meets" : "failed", e->test);
    }
    term_para(t, 2, 4, x->fired ? "because" : "near miss",
              x->fired ? TERM_GREEN : TERM_DIM, b.data);
    rxc_buf_free(&b);
  }
}

static void human(term *t, const rxc_ruleset *rs, const rxc_record *rec,
                  const rxc_result *res, const char *drug_text) {
  headline(t, res, rs, drug_text);
  if (res->status == RXC_V_OUT_OF_SCOPE) return;
  indications(t, rec, res);
  findings(t, res);
  sources(t, rs, res);
  if (res->explain) explanation(t, res);
}

/* ---- the command ------------------------------------------------------- */

int cmd_query(int argc, char **argv) {
  static const struct option longopts[] = {
      {"drug", required_argument, NULL, 'd'},
      {"code", required_argument, NULL, 'c'},
      {"form", required_argument, NULL, 'f'},
      {"dx", required_argument, NULL, 'x'},
      {"age", required_argument, NULL, 'a'},
      {"birth-date", required_argument, NULL, 'b'},
      {"date", required_argument, NULL, 't'},
      {"country", required_argument, NULL, 'C'},
      {"comed", required_argument, NULL, 'm'},
      {"dose", required_argument, NULL, 'D'},
      {"json", no_argument, NULL, 'j'},
      {"explain", no_argument, NULL, 'e'},
      {"color", required_argument, NULL, 'k'},
      {"colour", required_argument, NULL, 'k'},
      {"fail-on", required_argument, NULL, 'F'},
      {"rules", required_argument, NULL, 'r'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *drug = NULL, *code = NULL, *form = NULL, *age = NULL,
             *birth = NULL, *date = NULL, *country = NULL, *dose = NULL,
             *rules_dir = NULL;
  int json = 0, explain = 0, fail_on = -1;
  term_color color = TERM_COLOR_AUTO;
  rxc_buf dx = {0}, comed = {0};
  int rc = EXIT_USAGE;

  optind = 0; /* 0, not 1: a full reset of glibc getopt */
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'd': drug = optarg; break;
      case 'c': code = optarg; break;
      case 'f': form = optarg; break;
      case 'x': add_items(&dx, optarg); break;
      case 'a': age = optarg; break;
      case 'b': birth = optarg; break;
      case 't': date = optarg; break;
      case 'C': country = optarg; break;
      case 'm': add_items(&comed, optarg); break;
      case 'D': dose = optarg; break;
      case 'j': json = 1; break;
      case 'e': explain = 1; break;
      case 'k':
        if (!term_color_parse(optarg, &color)) {
          rc = fail("--color must be auto, always or never");
          goto out;
        }
        break;
      case 'F': {
        rxc_severity sev;
        if (!rxc_severity_parse(optarg, &sev)) {
          rc = fail("--fail-on must be contraindicated, major, moderate, minor "
                    "or info");
          goto out;
        }
        fail_on = (int)sev;
        break;
      }
      case 'r': rules_dir = optarg; break;
      case 'h':
        fputs(query_help, stdout);
        rc = EXIT_OK;
        goto out;
      case ':':
        rc = fail("option '%s' needs a value", argv[optind - 1]);
        goto out;
      default: {
        /* "--opt=value": name the option, never the value. */
        const char *arg = argv[optind - 1];
        const char *eq = strchr(arg, '=');
        rc = fail("unknown option '%.*s'", eq ? (int)(eq - arg) : (int)strlen(arg),
                  arg);
        goto out;
      }
    }
  }
  if (optind < argc) {
    /* The stray word may be a patient's value: say where, not what. */
    rc = fail("a value without its flag: every value goes with a flag, "
              "e.g. --dx F42.2");
    goto out;
  }
  if ((!drug || !*drug) && (!code || !*code)) {
    rc = fail("--drug (or --code) is required: the drug as written, e.g. "
              "--drug \"Luvox CR 100 mg\"");
    goto out;
  }
  if (!dx.len) {
    rc = fail("--dx is required: one or more diagnosis codes, e.g. --dx F42.2");
    goto out;
  }
  if (age && birth) {
    rc = fail("--age and --birth-date contradict each other: give one");
    goto out;
  }
  if (!age && !birth) {
    rc = fail("--age or --birth-date is required");
    goto out;
  }
  if (!country || !*country) country = getenv("RXCHECK_COUNTRY");
  if (!country || !*country) {
    rc = fail("--country is required: give --country CC (e.g. US) or set "
              "RXCHECK_COUNTRY");
    goto out;
  }

  query q;
  memset(&q, 0, sizeof q);
  if (drug) column(&q, "drug_name", "--drug", drug, strlen(drug));
  if (code) column(&q, "drug_code", "--code", code, strlen(code));
  if (form) column(&q, "form", "--form", form, strlen(form));
  column(&q, "diagnosis_codes", "--dx", dx.data, dx.len - 1);
  if (age) column(&q, "age", "--age", age, strlen(age));
  if (birth) column(&q, "birth_date", "--birth-date", birth, strlen(birth));
  if (date) column(&q, "rx_date", "--date", date, strlen(date));
  column(&q, "country", "--country", country, strlen(country));
  if (comed.len) column(&q, "co_medications", "--comed", comed.data, comed.len - 1);
  if (dose) column(&q, "daily_dose_mg", "--dose", dose, strlen(dose));

  rxc_ruleset *rules = NULL;
  if (cli_load_rules(rules_dir, &rules) != EXIT_OK) goto out;
  rxc_schema *schema = NULL;
  rxc_builder *builder = NULL;
  rxc_checker *checker = NULL;
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_input_options io;
  memset(&io, 0, sizeof io);
  if (rxc_schema_new(q.header, q.n, NULL, &schema, &err) != RXC_OK ||
      rxc_builder_new(schema, &io, &builder) != RXC_OK ||
      rxc_checker_new(rules, &checker) != RXC_OK) {
    cli_error("out of memory");
    goto done;
  }
  rxc_checker_set_explain(checker, explain);
  const rxc_record *rec;
  rxc_reject rej;
  int built = rxc_builder_build(builder, q.values, q.n, 2, 1, &rec, &rej);
  if (built < 0) {
    cli_error("out of memory");
    goto done;
  }
  if (built == 0) {
    const char *flag = rej.column >= 1 && rej.column <= q.n
                           ? q.flags[rej.column - 1]
                           : "a flag";
    rc = fail("%s: %s", flag, rxc_reject_text(rej.reason));
    goto done;
  }
  const rxc_result *res;
  if (rxc_checker_check(checker, rec, &res) != RXC_OK) {
    cli_error("out of memory");
    goto done;
  }
  if (json) {
    rxc_buf b = {0};
    rxc_format_result(&b, RXC_FORMAT_JSONL, rules, rec, res);
    if (cli_write(stdout, &b) != 0) {
      rxc_buf_free(&b);
      goto done;
    }
    rxc_buf_free(&b);
  } else {
    term t;
    term_init(&t, stdout, color);
    human(&t, rules, rec, res, drug);
  }
  rc = EXIT_OK;
  if (fail_on >= 0)
    for (size_t i = 0; i < res->nfindings; i++)
      if ((int)res->findings[i].severity >= fail_on) rc = EXIT_FINDINGS;

done:
  rxc_checker_free(checker);
  rxc_builder_free(builder);
  rxc_schema_free(schema);
  rxc_ruleset_free(rules);
out:
  rxc_buf_free(&dx);
  rxc_buf_free(&comed);
  return rc;
}
