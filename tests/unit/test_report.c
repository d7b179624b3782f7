/*
 * test_report.c - the SARIF writer and the HTML report without the CLI:
 * the HTML escaper byte for byte, SARIF levels, and the exact pieces of a
 * SARIF log and a report built from hand-made results (structure, escaping,
 * and that no patient value gets in). Whole documents are validated
 * against the SARIF schema and rendered in a browser by the e2e tests
 * (tests/e2e/sarif.sh, tests/e2e/report_html.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rxcheck/report.h"

/* Internal (engine/report_html.c). */
void rxc__html_escape(rxc_buf *b, const char *s, size_t n);

/* ---- the HTML escaper --------------------------------------------------- */

static void expect_html(const char *in, size_t n, const char *want) {
  rxc_buf b = {0};
  rxc__html_escape(&b, in, n);
  assert_false(b.failed);
  assert_string_equal(b.data ? b.data : "", want);
  rxc_buf_free(&b);
}

static void test_html_escapes_markup_characters(void **state) {
  (void)state;
  const char *s = "<a href='x'>\"R&D\"</a>";
  expect_html(s, strlen(s),
              "&lt;a href=&#39;x&#39;&gt;&quot;R&amp;D&quot;&lt;/a&gt;");
}

static void test_html_plain_text_is_copied(void **state) {
  (void)state;
  expect_html("Luvox CR 100 mg", 15, "Luvox CR 100 mg");
  expect_html("", 0, "");
}

static void test_html_keeps_valid_utf8_and_replaces_invalid(void **state) {
  (void)state;
  /* Valid multibyte text is copied; a lone continuation byte, a truncated
   * sequence and an overlong encoding each become U+FFFD per byte. */
  const char *ok = "\xe3\x83\x87\xe3\x83\x97 \xf0\x9f\x92\x8a";
  expect_html(ok, strlen(ok), ok);
  expect_html("a\x80" "b", 3, "a\xef\xbf\xbd" "b");
  expect_html("\xe3\x83", 2, "\xef\xbf\xbd\xef\xbf\xbd");
  expect_html("\xc0\xbc", 2, "\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_html_replaces_control_characters(void **state) {
  (void)state;
  /* NUL, ESC and DEL cannot appear in HTML text; tab and newlines can. */
  expect_html("a\0b\x1b[31m\x7f\tc\n", 12,
              "a\xef\xbf\xbd" "b\xef\xbf\xbd[31m\xef\xbf\xbd\tc\n");
}

/* ---- SARIF levels ------------------------------------------------------- */

static void test_sarif_levels(void **state) {
  (void)state;
  assert_string_equal(rxc_sarif_level(RXC_SEV_CONTRAINDICATED), "error");
  assert_string_equal(rxc_sarif_level(RXC_SEV_MAJOR), "error");
  assert_string_equal(rxc_sarif_level(RXC_SEV_MODERATE), "warning");
  assert_string_equal(rxc_sarif_level(RXC_SEV_MINOR), "note");
  assert_string_equal(rxc_sarif_level(RXC_SEV_INFO), "note");
}

/* ---- a run made by hand ------------------------------------------------- */

static const char SUPPRESSIONS[] =
    "suppressions:\n"
    "  - rule: int-theophylline\n"
    "    patient_id: P0042\n"
    "    reason: Levels <monitored> & \"weekly\".\n"
    "    owner: jane.doe@pharmacy.example\n"
    "    expires: 2099-03-31\n"
    "  - rule: int-warfarin\n"
    "    prescriber_id: DR5650\n"
    "    drug_code: rxnorm:903873\n"
    "    reason: INR clinic.\n"
    "    owner: ward7@hospital.example\n"
    "    expires: 2020-01-31\n";

typedef struct fixture {
  rxc_ruleset *rs;
  rxc_suppressions *sup;
  rxc_record rec;
  rxc_finding findings[2];
  rxc_indication_result ind;
  rxc_result off;   /* off-label, two findings (one suppressed) */
  rxc_result none;  /* no-indication, no finding */
  rxc_result out;   /* out of scope */
  rxc_run_info run;
  rxc_read_stats st;
} fixture;

static int setup(void **state) {
  static fixture fx;
  memset(&fx, 0, sizeof fx);
  if (rxc_ruleset_load_builtin(NULL, NULL, &fx.rs) != RXC_OK) return -1;
  rxc_date on = {2026, 6, 1};
  if (rxc_suppressions_load_mem("sup.yaml", SUPPRESSIONS,
                                sizeof SUPPRESSIONS - 1, fx.rs, on, NULL,
                                NULL, &fx.sup) != RXC_OK)
    return -1;

  fx.rec.line = 12;
  fx.rec.number = 11;
  fx.rec.canon[RXC_F_PATIENT_ID] = (rxc_str){"P0042", 5};
  fx.rec.rx_date = (rxc_date){2024, 3, 21};

  fx.findings[0] = (rxc_finding){
      .rule = "int-theophylline",
      .rule_version = "1.0.0",
      .severity = RXC_SEV_MAJOR,
      .kind = "interaction",
      .message = "Theophylline with fluvoxamine.",
      .action = "Reduce the theophylline dose.",
      .source = "S22",
      .citation = "label",
      .matched = {"Theo-24 CR", 10},
      .suppression = rxc_suppressions_entry(fx.sup, 0)};
  fx.findings[1] = (rxc_finding){.rule = "boxed-suicidality-under-25",
                                 .rule_version = "1.0.0",
                                 .severity = RXC_SEV_MODERATE,
                                 .kind = "boxed-warning",
                                 .message = "Boxed \"warning\"\n<b>",
                                 .source = "S3"};
  fx.ind = (rxc_indication_result){
      .indication = "ocd",
      .label = "obsessive-compulsive disorder",
      .code = {RXC_SYS_ICD10, {"F422", 4}, {"F42.2", 5}},
      .status = RXC_V_OFF_LABEL,
      .nreasons = 1,
      .reasons = {"Below the approved age for extended-release."},
      .rule = "us-ocd-er-pediatric",
      .rule_version = "1.0.0",
      .source = "S11"};
  const rxc_pack_info *pack = rxc_ruleset_pack(fx.rs, 0);
  fx.off = (rxc_result){.status = RXC_V_OFF_LABEL,
                        .pack = pack,
                        .drug = "fluvoxamine",
                        .formulation = "extended-release",
                        .jurisdiction = "US",
                        .age = 12,
                        .as_of = {2024, 3, 21},
                        .nindications = 1,
                        .indications = &fx.ind,
                        .nfindings = 2,
                        .findings = fx.findings};
  fx.none = (rxc_result){.status = RXC_V_NO_INDICATION,
                         .pack = pack,
                         .drug = "fluvoxamine",
                         .formulation = "immediate-release",
                         .jurisdiction = "FR",
                         .age = 36,
                         .as_of = {2024, 3, 21}};
  fx.out = (rxc_result){.status = RXC_V_OUT_OF_SCOPE, .age = -1};
  fx.run = (rxc_run_info){
      .input_name = "exports/my export:v1.csv",
      .input_sha256 =
          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      .started = "2026-11-27T13:45:52Z",
      .as_of = {0, 0, 0},
      .suppress_on = {2026, 6, 1}};
  fx.st = (rxc_read_stats){.rows_read = 4, .valid = 3, .rejected = 1};
  *state = &fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  rxc_suppressions_free(fx->sup);
  rxc_ruleset_free(fx->rs);
  return 0;
}

static int contains(const rxc_buf *b, const char *needle) {
  return b->data && strstr(b->data, needle) != NULL;
}

#define assert_contains(b, s)                                            \
  do {                                                                   \
    if (!contains((b), (s))) fail_msg("missing: %s", (s));               \
  } while (0)
#define assert_prefix(b, s)                                              \
  do {                                                                   \
    assert_true((b)->len >= strlen(s));                                  \
    assert_memory_equal((b)->data, (s), strlen(s));                      \
  } while (0)
#define assert_lacks(b, s)                                               \
  do {                                                                   \
    if (contains((b), (s))) fail_msg("should not contain: %s", (s));     \
  } while (0)

static void sarif_log(fixture *fx, rxc_buf *b, const rxc_run_info *run,
                      rxc_tally *t) {
  rxc_sarif_begin(b, fx->rs, run);
  rxc_sarif_result(b, fx->rs, run, &fx->rec, &fx->off);
  rxc_sarif_result(b, fx->rs, run, &fx->rec, &fx->none);
  rxc_sarif_result(b, fx->rs, run, &fx->rec, &fx->out);
  rxc_sarif_end(b, fx->rs, run, &fx->st, t, fx->sup);
}

static void test_sarif_log_head_and_rules(void **state) {
  fixture *fx = *state;
  rxc_buf b = {0};
  rxc_sarif_begin(&b, fx->rs, &fx->run);
  assert_false(b.failed);
  assert_prefix(&b, "{\"$schema\":\"https://json.schemastore.org/"
                    "sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{");
  assert_contains(&b, "\"name\":\"rxcheck\"");
  char v[64];
  snprintf(v, sizeof v, "\"version\":\"%s\"", rxc_version());
  assert_contains(&b, v);
  /* One descriptor per rule, then the engine's three, then results. */
  size_t n = rxc_ruleset_nrules(fx->rs);
  size_t ids = 0;
  for (const char *p = b.data; (p = strstr(p, "{\"id\":")); p++) ids++;
  assert_int_equal(ids, n + 3);
  assert_contains(&b, "{\"id\":\"rxcheck-match-limit\"");
  assert_contains(&b, "{\"id\":\"rxcheck-off-label\"");
  assert_contains(&b, "{\"id\":\"rxcheck-no-indication\"");
  assert_contains(&b, "\"defaultConfiguration\":{\"level\":\"error\"}");
  assert_contains(&b, "\"helpUri\":\"https://");
  size_t tail = strlen("\"results\":[\n");
  assert_true(b.len > tail);
  assert_memory_equal(b.data + b.len - tail, "\"results\":[\n", tail);
  rxc_buf_free(&b);
}

static void test_sarif_results(void **state) {
  fixture *fx = *state;
  rxc_buf b = {0};
  rxc_sarif_result(&b, fx->rs, &fx->run, &fx->rec, &fx->off);
  assert_false(b.failed);
  /* Each result starts with a comma, so the caller can drop the first. */
  assert_prefix(&b, ",{\"ruleId\":\"int-theophylline\"");
  /* ruleIndex is the rule's position in the ruleset. */
  size_t idx = 0;
  while (strcmp(rxc_ruleset_rule(fx->rs, idx)->id, "int-theophylline"))
    idx++;
  char want[64];
  snprintf(want, sizeof want, "\"ruleIndex\":%zu,\"level\":\"error\"", idx);
  assert_contains(&b, want);
  assert_contains(&b, "\"message\":{\"text\":\"Theophylline with "
                      "fluvoxamine. Action: Reduce the theophylline dose.\"}");
  assert_contains(&b, "\"artifactLocation\":{\"uri\":\"exports/"
                      "my%20export%3Av1.csv\",\"index\":0},"
                      "\"region\":{\"startLine\":12}");
  /* The suppressed finding: SARIF suppressions, escaped, no patient id. */
  assert_contains(&b, "\"suppressions\":[{\"kind\":\"external\","
                      "\"status\":\"accepted\",\"justification\":"
                      "\"Levels <monitored> & \\\"weekly\\\".\"");
  assert_contains(&b, "\"owner\":\"jane.doe@pharmacy.example\","
                      "\"expires\":\"2099-03-31\",\"entry\":\"sup.yaml:2\","
                      "\"scope\":[\"patient\"],\"drug_code\":null");
  /* The moderate finding is a warning, not suppressed. */
  assert_contains(&b, ",{\"ruleId\":\"boxed-suicidality-under-25\"");
  /* Messages go through the JSON escaper, in pieces. */
  assert_contains(&b, "\"message\":{\"text\":\"Boxed \\\"warning\\\"\\n<b>\"}");
  assert_contains(&b, "\"level\":\"warning\"");
  assert_contains(&b, "\"suppressed\":false");
  /* Then the verdict. */
  assert_contains(&b, ",{\"ruleId\":\"rxcheck-off-label\"");
  assert_contains(&b, "\"message\":{\"text\":\"Off-label (extended-release, "
                      "US): obsessive-compulsive disorder - Below the "
                      "approved age for extended-release.\"}");
  assert_contains(&b, "\"properties\":{\"status\":\"off-label\","
                      "\"indication\":\"ocd\",\"rule\":\"us-ocd-er-pediatric\","
                      "\"rule_version\":\"1.0.0\"");
  assert_contains(&b, "\"as_of\":\"2024-03-21\"");
  assert_contains(&b, "\"ruleset\":{\"name\":\"fluvoxamine\"");
  /* No patient value: id, diagnosis code, age, matched co-medication. */
  assert_lacks(&b, "P0042");
  assert_lacks(&b, "F42.2");
  assert_lacks(&b, "F422");
  assert_lacks(&b, "Theo-24");
  assert_lacks(&b, "\"age\"");
  /* Three results, one per line. */
  size_t lines = 0;
  for (size_t i = 0; i < b.len; i++) lines += b.data[i] == '\n';
  assert_int_equal(lines, 3);
  rxc_buf_free(&b);

  rxc_sarif_result(&b, fx->rs, &fx->run, &fx->rec, &fx->none);
  assert_prefix(&b, ",{\"ruleId\":\"rxcheck-no-indication\"");
  assert_contains(&b, "\"level\":\"note\"");
  rxc_buf_free(&b);

  rxc_sarif_result(&b, fx->rs, &fx->run, &fx->rec, &fx->out);
  assert_int_equal(b.len, 0);
  rxc_buf_free(&b);
}

static void test_sarif_log_tail(void **state) {
  fixture *fx = *state;
  rxc_tally t;
  assert_int_equal(rxc_tally_init(&t, fx->rs, fx->sup), RXC_OK);
  rxc_tally_add(&t, &fx->off, -1);
  rxc_tally_add(&t, &fx->none, -1);
  rxc_tally_add(&t, &fx->out, -1);
  rxc_buf b = {0};
  sarif_log(fx, &b, &fx->run, &t);
  assert_false(b.failed);
  assert_contains(&b, "],\"artifacts\":[{\"location\":{\"uri\":\"exports/"
                      "my%20export%3Av1.csv\"},\"roles\":[\"analysisTarget\"],"
                      "\"hashes\":{\"sha-256\":\"0123456789abcdef");
  assert_contains(&b, "\"invocations\":[{\"executionSuccessful\":true,"
                      "\"startTimeUtc\":\"2026-11-27T13:45:52Z\","
                      "\"properties\":{\"as_of\":null,"
                      "\"suppress_on\":\"2026-06-01\"}}]");
  assert_contains(&b, "\"counts\":{\"rows_read\":4,\"rejected\":1,"
                      "\"blank_lines\":0,\"checked\":3,\"in_scope\":2,"
                      "\"status\":{\"out-of-scope\":1,\"no-indication\":1,"
                      "\"unknown\":0,\"off-label\":1,\"approved\":0}");
  assert_contains(&b, "\"by_jurisdiction\":{\"FR\":{");
  assert_contains(&b, "{\"rule\":\"int-theophylline\",\"severity\":\"major\","
                      "\"active\":0,\"suppressed\":1}");
  assert_contains(&b, "\"entry\":\"sup.yaml:2\",\"rule\":\"int-theophylline\","
                      "\"scope\":[\"patient\"],\"drug_code\":null");
  assert_contains(&b, "\"expires\":\"2099-03-31\",\"expired\":false,"
                      "\"hits\":1}");
  assert_contains(&b, "\"scope\":[\"prescriber\",\"drug_code\"],"
                      "\"drug_code\":\"rxnorm:903873\"");
  assert_contains(&b, "\"expired\":true,\"hits\":0}");
  assert_lacks(&b, "P0042");
  assert_lacks(&b, "DR5650");
  /* The first result's comma is the caller's to drop. */
  assert_contains(&b, "\"results\":[\n,{\"ruleId\":\"int-theophylline\"");
  size_t end = strlen("]}}]}\n");
  assert_memory_equal(b.data + b.len - end, "]}}]}\n", end);

  /* The same inputs give the same bytes. */
  rxc_buf again = {0};
  sarif_log(fx, &again, &fx->run, &t);
  assert_int_equal(again.len, b.len);
  assert_memory_equal(again.data, b.data, b.len);
  rxc_buf_free(&again);
  rxc_buf_free(&b);
  rxc_tally_free(&t);
}

static void test_sarif_without_run_info(void **state) {
  fixture *fx = *state;
  rxc_buf b = {0};
  /* No run info (rxc_format_result's path) and standard input. */
  sarif_log(fx, &b, NULL, NULL);
  assert_false(b.failed);
  assert_contains(&b, "\"artifactLocation\":{\"index\":0}");
  assert_contains(&b, "\"location\":{\"description\":{\"text\":"
                      "\"standard input\"}}");
  assert_lacks(&b, "startTimeUtc");
  assert_lacks(&b, "hashes");
  rxc_buf_free(&b);
  rxc_run_info run = fx->run;
  run.input_name = "-";
  sarif_log(fx, &b, &run, NULL);
  assert_contains(&b, "\"artifactLocation\":{\"index\":0}");
  assert_lacks(&b, "\"uri\"");
  rxc_buf_free(&b);
  /* Any byte outside the URI's characters is percent-encoded. */
  run.input_name = "/data/caf\xe9 \"x\"#1.csv";
  sarif_log(fx, &b, &run, NULL);
  assert_contains(&b, "\"uri\":\"/data/caf%E9%20%22x%22%231.csv\"");
  rxc_buf_free(&b);
}

/* ---- the HTML report ---------------------------------------------------- */

static void test_report_html(void **state) {
  fixture *fx = *state;
  rxc_tally t;
  assert_int_equal(rxc_tally_init(&t, fx->rs, fx->sup), RXC_OK);
  rxc_tally_add(&t, &fx->off, -1);
  rxc_tally_add(&t, &fx->none, -1);
  rxc_tally_add(&t, &fx->out, -1);
  rxc_run_info run = fx->run;
  run.input_name = "a<b>&\"c\".csv";
  rxc_buf b = {0};
  rxc_report_html(&b, fx->rs, &run, &fx->st, &t, fx->sup);
  assert_false(b.failed);
  assert_prefix(&b, "<!DOCTYPE html>\n<html lang=\"en\">");
  assert_contains(&b, "<title>rxcheck report: a&lt;b&gt;&amp;&quot;c&quot;"
                      ".csv</title>");
  assert_lacks(&b, "a<b>");
  /* Provenance. */
  assert_contains(&b, "0123456789abcdef0123456789abcdef0123456789abcdef"
                      "0123456789abcdef");
  assert_contains(&b, rxc_ruleset_pack(fx->rs, 0)->hash);
  assert_contains(&b, "<dd id=\"prov-as-of\">each record&#39;s rx_date</dd>");
  assert_contains(&b, "<dd id=\"prov-suppress-on\">2026-06-01</dd>");
  /* Counts. */
  assert_contains(&b, "<tr id=\"status-off-label\"><th scope=\"row\">");
  assert_contains(&b, "Off-label</th><td class=\"num\">1</td>"
                      "<td class=\"num\">50.0%</td>");
  assert_contains(&b, "<li class=\"card\" id=\"count-rejected\"><span "
                      "class=\"k\">Rejected</span><span class=\"v\">1</span>");
  /* Charts: an accessible image each, with the counts as text. */
  assert_contains(&b, "<svg class=\"chart\" id=\"chart-jurisdiction\" "
                      "role=\"img\"");
  assert_contains(&b, "aria-label=\"Verdicts by jurisdiction: FR 0 Approved, "
                      "0 Off-label, 0 Unknown, 1 No indication; US 0 "
                      "Approved, 1 Off-label, 0 Unknown, 0 No indication.\"");
  assert_contains(&b, "<title>US &#8211; Off-label: 1</title>");
  assert_contains(&b, "id=\"chart-indication\" role=\"img\"");
  /* Rules and suppressions, escaped; the ids behind them never shown. */
  assert_contains(&b, "<code class=\"id\">int-theophylline</code>");
  assert_contains(&b, "<span class=\"where\">sup.yaml:2</span>");
  assert_contains(&b, "Levels &lt;monitored&gt; &amp; &quot;weekly&quot;.");
  assert_contains(&b, "<td>patient</td>");
  assert_contains(&b, "<td>prescriber, drug code <code class=\"id\">"
                      "rxnorm:903873</code></td>");
  assert_contains(&b, "<span class=\"yes\">yes</span>");
  assert_lacks(&b, "P0042");
  assert_lacks(&b, "DR5650");
  assert_lacks(&b, "F42.2");
  /* Self-contained. */
  assert_lacks(&b, "<script");
  assert_lacks(&b, "src=");
  assert_lacks(&b, "href=");
  assert_lacks(&b, "url(");

  rxc_buf again = {0};
  rxc_report_html(&again, fx->rs, &run, &fx->st, &t, fx->sup);
  assert_int_equal(again.len, b.len);
  assert_memory_equal(again.data, b.data, b.len);
  rxc_buf_free(&again);
  rxc_buf_free(&b);
  rxc_tally_free(&t);
}

static void test_report_html_minimal(void **state) {
  fixture *fx = *state;
  rxc_buf b = {0};
  /* No run info, stats, tally or suppressions: still a whole page. */
  rxc_report_html(&b, fx->rs, NULL, NULL, NULL, NULL);
  assert_false(b.failed);
  assert_contains(&b, "<title>rxcheck report: standard input</title>");
  assert_contains(&b, "No suppression file was used.");
  assert_contains(&b, "not computed");
  size_t end = strlen("</html>\n");
  assert_memory_equal(b.data + b.len - end, "</html>\n", end);
  rxc_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_html_escapes_markup_characters),
      cmocka_unit_test(test_html_plain_text_is_copied),
      cmocka_unit_test(test_html_keeps_valid_utf8_and_replaces_invalid),
      cmocka_unit_test(test_html_replaces_control_characters),
      cmocka_unit_test(test_sarif_levels),
      cmocka_unit_test(test_sarif_log_head_and_rules),
      cmocka_unit_test(test_sarif_results),
      cmocka_unit_test(test_sarif_log_tail),
      cmocka_unit_test(test_sarif_without_run_info),
      cmocka_unit_test(test_report_html),
      cmocka_unit_test(test_report_html_minimal),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
