/*
 * fuzz_rules.c - libFuzzer target: the rule loader and compiler, from YAML
 * bytes to a ruleset, through rxc_ruleset_load_files.
 *
 * Input layout: the bytes up to the first "\n#%%\n" are a.yaml, the rest
 * (when the separator is there) b.yaml: a pack in one file or two, so that
 * sections spread over files and cross-file references are reached.
 *
 * Every diagnostic must carry a file name of the pack, a message, and a
 * position inside the file (or none). When the pack loads, everything the
 * API describes is walked (pack infos, rules, "did you mean"), the pack's
 * own test cases are run, and three fixed records are checked against it,
 * with and without explain mode, each result formatted as JSON Lines that
 * must be valid JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "rxcheck/rxcheck.h"

static const char fu_sep[] = "\n#%%\n";

typedef struct fu_diags {
  const rxc_rule_file *files;
  size_t nfiles;
  unsigned long n;
} fu_diags;

static void fu_on_diag(const rxc_error *d, void *ud) {
  fu_diags *s = ud;
  s->n++;
  FZ_CHECK(memchr(d->message, '\0', sizeof d->message) != NULL);
  FZ_CHECK(memchr(d->file, '\0', sizeof d->file) != NULL);
  FZ_CHECK(d->message[0] != '\0');
  FZ_CHECK(d->code != RXC_OK);
  /* A position is 1-based, and within the file: no more lines than the
   * file has line breaks, plus one. */
  for (size_t i = 0; i < s->nfiles; i++) {
    if (strcmp(d->file, s->files[i].name) != 0) continue;
    /* Line breaks: LF, CR, and NEL, LS and PS (counted by their last
     * byte, 0x85, 0xA8 or 0xA9, which over-counts: a bound is enough). */
    unsigned long lines = 1;
    const unsigned char *t = (const unsigned char *)s->files[i].data;
    for (size_t k = 0; k < s->files[i].len; k++)
      lines += t[k] == '\n' || t[k] == '\r' || t[k] == 0x85 || t[k] == 0xA8 ||
               t[k] == 0xA9;
    FZ_CHECK(d->line <= lines + 1);
    FZ_CHECK(d->line != 0 || d->column == 0);
  }
}

/* The fixed records: canonical columns, one record per row. */
static const char *const fu_header[] = {
    "patient_id", "birth_date", "age",           "sex",
    "country",    "rx_date",    "drug_name",     "drug_code",
    "form",       "strength_mg", "daily_dose_mg", "diagnosis_codes",
    "co_medications"};
enum { FU_NCOL = sizeof fu_header / sizeof fu_header[0] };

static const char *const fu_rows[][FU_NCOL] = {
    {"P1", "", "34", "F", "US", "2024-06-01", "Examplamine XR 100 mg",
     "rxnorm:9990003", "extended-release capsule", "100", "250",
     "F42.2;F32.1;icd9:300.3;snomed:191736004", "exampladol;tizanidine;rxnorm:10438"},
    {"P2", "2014-02-28", "", "M", "GB", "2024-06-01", "fluvoxamine 50 mg tablet",
     "", "tablet", "50", "", "F42|G47.0", "theophylline|caffeine"},
    {"P3", "", "", "", "", "", "drugex", "atc:N06AB08", "", "", "", "", ""},
};
enum { FU_NROWS = sizeof fu_rows / sizeof fu_rows[0] };

static void fu_test_outcome(const rxc_test_outcome *o, void *ud) {
  unsigned long *n = ud;
  (*n)++;
  FZ_CHECK(o->name != NULL);
  FZ_CHECK(memchr(o->detail, '\0', sizeof o->detail) != NULL);
}

static void fu_check_records(const rxc_ruleset *rs) {
  rxc_str header[FU_NCOL];
  for (size_t i = 0; i < FU_NCOL; i++)
    header[i] = (rxc_str){fu_header[i], strlen(fu_header[i])};
  rxc_schema *schema = NULL;
  rxc_builder *builder = NULL;
  rxc_checker *plain = NULL, *explain = NULL;
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_input_options o;
  memset(&o, 0, sizeof o);
  o.today = (rxc_date){2024, 6, 1};
  if (rxc_schema_new(header, FU_NCOL, NULL, &schema, &err) != RXC_OK ||
      rxc_builder_new(schema, &o, &builder) != RXC_OK ||
      rxc_checker_new(rs, &plain) != RXC_OK ||
      rxc_checker_new(rs, &explain) != RXC_OK)
    goto out;
  rxc_checker_set_explain(explain, 1);
  rxc_buf b = {0};
  for (size_t r = 0; r < FU_NROWS; r++) {
    rxc_str fields[FU_NCOL];
    for (size_t i = 0; i < FU_NCOL; i++)
      fields[i] = (rxc_str){fu_rows[r][i], strlen(fu_rows[r][i])};
    const rxc_record *rec;
    rxc_reject rej;
    FZ_CHECK(rxc_builder_build(builder, fields, FU_NCOL, 2 + r, 1 + r, &rec,
                               &rej) == 1);
    for (int mode = 0; mode < 2; mode++) {
      const rxc_result *res;
      if (rxc_checker_check(mode ? explain : plain, rec, &res) != RXC_OK)
        continue;
      FZ_CHECK((unsigned)res->status < RXC_V__COUNT);
      FZ_CHECK(res->status == RXC_V_OUT_OF_SCOPE || res->pack != NULL);
      for (size_t i = 1; i < res->nfindings; i++)
        FZ_CHECK(res->findings[i - 1].severity >= res->findings[i].severity);
      b.len = 0;
      rxc_format_result(&b, RXC_FORMAT_JSONL, rs, rec, res);
      FZ_CHECK(!b.failed);
      FZ_CHECK(fz_jsonl_valid(b.data, b.len));
      b.len = 0;
      rxc_format_result(&b, RXC_FORMAT_TEXT, rs, rec, res);
      b.len = 0;
      rxc_format_result(&b, RXC_FORMAT_CSV, rs, rec, res);
      FZ_CHECK(fz_csv_fields(b.data, b.len) == FU_NCOL + 4);
    }
  }
  rxc_buf_free(&b);
out:
  rxc_checker_free(explain);
  rxc_checker_free(plain);
  rxc_builder_free(builder);
  rxc_schema_free(schema);
}

static void fu_walk(const rxc_ruleset *rs) {
  FZ_CHECK(rxc_ruleset_npacks(rs) >= 1);
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    FZ_CHECK(p && p->name && p->version && p->hash && p->drug);
    FZ_CHECK(strncmp(p->hash, "sha256:", 7) == 0 && strlen(p->hash) == 71);
  }
  size_t n = rxc_ruleset_nrules(rs);
  for (size_t i = 0; i < n; i++) {
    const rxc_rule_info *r = rxc_ruleset_rule(rs, i);
    FZ_CHECK(r && r->id && r->kind);
    FZ_CHECK(rxc_ruleset_find_rule(rs, r->id) != NULL);
  }
  static const char *const words[] = {"examplamin", "fluvoxamin", "luvox",
                                      "exemplamide", "x", ""};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    int lookalike = 0;
    const rxc_pack_info *p = NULL;
    const char *hint = rxc_ruleset_suggest(rs, words[i], &lookalike, &p);
    FZ_CHECK(!hint || !lookalike || p != NULL);
  }
  unsigned long passed = 0, failed = 0, calls = 0;
  if (rxc_ruleset_run_tests(rs, fu_test_outcome, &calls, &passed, &failed) ==
      RXC_OK)
    FZ_CHECK(passed + failed == calls);
}

int rxc_fuzz_rules_init(void) { return 0; }

int rxc_fuzz_rules_one(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  rxc_rule_file files[2];
  size_t nfiles = 1;
  size_t cut = size;
  for (size_t i = 0; i + sizeof fu_sep - 1 <= size; i++)
    if (memcmp(text + i, fu_sep, sizeof fu_sep - 1) == 0) {
      cut = i;
      break;
    }
  files[0] = (rxc_rule_file){"fuzz/a.yaml", text, cut};
  if (cut < size) {
    size_t rest = cut + sizeof fu_sep - 1;
    files[1] = (rxc_rule_file){"fuzz/b.yaml", text + rest, size - rest};
    nfiles = 2;
  }
  fu_diags d = {files, nfiles, 0};
  rxc_ruleset *rs = NULL;
  rxc_status st = rxc_ruleset_load_files(files, nfiles, fu_on_diag, &d, &rs);
  if (st != RXC_OK) {
    FZ_CHECK(rs == NULL);
    FZ_CHECK(st == RXC_ERULES || st == RXC_ENOMEM);
    FZ_CHECK(st != RXC_ERULES || d.n > 0);
    return 0;
  }
  FZ_CHECK(rs != NULL);
  FZ_CHECK(d.n == 0);
  fu_walk(rs);
  fu_check_records(rs);
  rxc_ruleset_free(rs);
  return 0;
}

#ifndef RXC_FUZZ_REPLAY
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return rxc_fuzz_rules_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return rxc_fuzz_rules_one(data, size);
}
#endif
