/*
 * report_html.c - the run as one self-contained HTML5 page (`batch
 * --report FILE.html`): provenance, counts per status and severity, two
 * inline-SVG bar charts (verdicts by jurisdiction and by indication), the
 * findings by rule, and the suppressions with their hits.
 *
 * The page is for people who may not hold the export, so it shows
 * aggregates only: no value of any record, and for a suppression entry
 * only which keys narrow it (patient, prescriber, drug code), never the
 * patient or prescriber id. Every string goes through html_escape, rule
 * text and file names included. No script, no external asset: inline CSS,
 * inline SVG. Sorting needs no allocation (the lists are short, so the
 * next item is found by a scan), and the bytes depend on the inputs only,
 * apart from the run's start time.
 */
#include <string.h>

#include "buf.h"
#include "rxcheck/report.h"
#include "strutil.h"

/* Internal; declared here for tests/unit/test_report.c, which declares it
 * too. Appends s[0..n) HTML-escaped for text and attribute values: & < >
 * " ' as character references, each invalid UTF-8 byte and each control
 * character other than tab, LF and CR as U+FFFD. */
void rxc__html_escape(rxc_buf *b, const char *s, size_t n);

void rxc__html_escape(rxc_buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t run = 0; /* start of the bytes copied verbatim */
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    const char *rep = NULL;
    size_t len = 1;
    switch (c) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default:
        if (c >= 0x80) {
          len = rxc__utf8_seq(p + i, n - i);
          if (len == 0) {
            rep = "\xef\xbf\xbd";
            len = 1;
          }
        } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                   c == 0x7f) {
          rep = "\xef\xbf\xbd";
        }
    }
    if (rep) {
      rxc__put(b, s + run, i - run);
      rxc_buf_puts(b, rep);
      run = i + len;
    }
    i += len;
  }
  rxc__put(b, s + run, n - run);
}

/* ---- small writers ------------------------------------------------------ */

/* Literals only (the "" makes anything else a compile error). */
#define P(b, lit) RXC__PUTS(b, "" lit)

static void h(rxc_buf *b, const char *s) {
  if (s) rxc__html_escape(b, s, strlen(s));
}

/* A count with thousands separators: 12,345. */
static void count(rxc_buf *b, unsigned long v) {
  char tmp[32];
  char *q = tmp + sizeof tmp;
  int digits = 0;
  do {
    if (digits && digits % 3 == 0) *--q = ',';
    *--q = (char)('0' + v % 10);
    v /= 10;
    digits++;
  } while (v);
  rxc__put(b, q, (size_t)(tmp + sizeof tmp - q));
}

/* v/total as a percentage with one decimal ("12.5%"), or a dash. */
static void share(rxc_buf *b, unsigned long v, unsigned long total) {
  if (!total) {
    P(b, "&#8212;");
    return;
  }
  unsigned long long t10 =
      ((unsigned long long)v * 1000ULL + total / 2) / total;
  rxc__put_ulong(b, (unsigned long)(t10 / 10));
  P(b, ".");
  rxc__put_ulong(b, (unsigned long)(t10 % 10));
  P(b, "%");
}

/* A length in tenths of a pixel, as SVG wants it: "123.4". */
static void tenths(rxc_buf *b, unsigned long v) {
  rxc__put_ulong(b, v / 10);
  if (v % 10) {
    P(b, ".");
    rxc__put_ulong(b, v % 10);
  }
}

static void date(rxc_buf *b, rxc_date d) { rxc__put_date(b, d); }

/* ---- names and colours -------------------------------------------------- */

/* Verdicts in the order the page shows them, best first. */
static const rxc_verdict verdict_order[] = {
    RXC_V_APPROVED, RXC_V_OFF_LABEL, RXC_V_UNKNOWN, RXC_V_NO_INDICATION,
    RXC_V_OUT_OF_SCOPE};

static const char *verdict_label(rxc_verdict v) {
  switch (v) {
    case RXC_V_APPROVED: return "Approved";
    case RXC_V_OFF_LABEL: return "Off-label";
    case RXC_V_UNKNOWN: return "Unknown";
    case RXC_V_NO_INDICATION: return "No indication";
    case RXC_V_OUT_OF_SCOPE: return "Out of scope";
    default: return "";
  }
}

/* Fills for the charts: each passes WCAG AA (4.5:1) with white text and
 * with the white page, and they stay apart in luminance and hue for the
 * common colour-vision deficiencies; the counts are written as text too. */
static const char *verdict_colour(rxc_verdict v) {
  switch (v) {
    case RXC_V_APPROVED: return "#0f766e";
    case RXC_V_OFF_LABEL: return "#c2410c";
    case RXC_V_UNKNOWN: return "#4b5563";
    case RXC_V_NO_INDICATION: return "#6d28d9";
    default: return "#9ca3af";
  }
}

/* ---- the page's style --------------------------------------------------- */

static const char css[] =
    ":root{--ink:#111827;--muted:#4b5563;--line:#d1d5db;--soft:#f3f4f6;"
    "--accent:#1e3a5f}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 "
    "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif}\n"
    ".wrap{max-width:1100px;margin:0 auto;padding:0 28px}\n"
    "header.top{background:var(--accent);color:#fff;padding:26px 0 22px}\n"
    "header.top .eyebrow{margin:0;font-size:13px;letter-spacing:.08em;"
    "text-transform:uppercase;color:#cbd5e1}\n"
    "header.top h1{margin:4px 0 6px;font-size:26px;font-weight:650;"
    "word-break:break-all}\n"
    "header.top .meta{margin:0;color:#e2e8f0;font-size:14px}\n"
    "main{padding:8px 0 40px}\n"
    "section{margin-top:30px}\n"
    "h2{font-size:18px;margin:0 0 10px;padding-bottom:6px;"
    "border-bottom:2px solid var(--line)}\n"
    "p.note{color:var(--muted);font-size:13px;margin:6px 0 0}\n"
    ".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;"
    "margin:24px 0 0;padding:0;list-style:none}\n"
    ".card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;"
    "background:var(--soft)}\n"
    ".card .k{display:block;font-size:13px;color:var(--muted)}\n"
    ".card .v{display:block;font-size:28px;font-weight:650;"
    "font-variant-numeric:tabular-nums}\n"
    ".grid2{display:grid;grid-template-columns:1fr 1fr;gap:28px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "caption{text-align:left;color:var(--muted);font-size:13px;"
    "padding-bottom:4px}\n"
    "th,td{padding:7px 10px;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}\n"
    "thead th{background:var(--soft);font-weight:600;font-size:13px}\n"
    "tbody th{font-weight:500}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "monospace;word-break:break-all}\n"
    "code.id{word-break:normal;white-space:nowrap}\n"
    ".where{display:block;color:var(--muted);font-size:12px;"
    "font-weight:400;word-break:break-all}\n"
    "table.packs{margin-top:18px}\n"
    "dl.prov{display:grid;grid-template-columns:max-content 1fr;"
    "gap:6px 18px;margin:0}\n"
    "dl.prov dt{color:var(--muted)}\n"
    "dl.prov dd{margin:0}\n"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;"
    "margin-right:6px;vertical-align:-1px}\n"
    ".sev{display:inline-block;padding:1px 8px;border-radius:10px;"
    "font-size:12px;font-weight:600;color:#fff;white-space:nowrap}\n"
    ".sev-contraindicated{background:#7f1d1d}.sev-major{background:#b91c1c}"
    ".sev-moderate{background:#b45309}.sev-minor{background:#0e7490}"
    ".sev-info{background:#4b5563}\n"
    "ul.legend{list-style:none;margin:0 0 6px;padding:0;display:flex;"
    "flex-wrap:wrap;gap:4px 18px;font-size:13px}\n"
    "figure{margin:0}\n"
    "figcaption{color:var(--muted);font-size:13px;margin-bottom:6px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg.chart text{font:12px system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "Arial,sans-serif;fill:#111827}\n"
    "svg.chart text.in{fill:#fff;font-size:11px;font-weight:600}\n"
    "svg.chart text.tick{fill:#4b5563;font-size:11px}\n"
    ".yes{color:#b91c1c;font-weight:600}\n"
    "footer{margin-top:36px;padding-top:12px;border-top:1px solid "
    "var(--line);color:var(--muted);font-size:13px}\n"
    "@media (max-width:760px){.cards{grid-template-columns:1fr 1fr}"
    ".grid2{grid-template-columns:1fr}}\n"
    "@media print{header.top{background:#fff;color:var(--ink);"
    "border-bottom:2px solid var(--ink)}header.top .eyebrow,header.top "
    ".meta{color:var(--muted)}section{break-inside:avoid}}\n";

/* ---- provenance --------------------------------------------------------- */

static void as_of_text(rxc_buf *b, const rxc_run_info *run) {
  if (run && run->as_of.year)
    date(b, run->as_of);
  else
    P(b, "each record&#39;s rx_date");
}

static void provenance(rxc_buf *b, const rxc_ruleset *rs,
                       const rxc_run_info *run,
                       const rxc_suppressions *sup) {
  P(b, "<section aria-labelledby=\"h-prov\" id=\"provenance\">\n"
       "<h2 id=\"h-prov\">Provenance</h2>\n<dl class=\"prov\">\n"
       "<dt>Tool</dt><dd id=\"prov-tool\">rxcheck ");
  h(b, rxc_version());
  P(b, "</dd>\n<dt>Input</dt><dd id=\"prov-input\"><code>");
  h(b, run && run->input_name ? run->input_name : "-");
  P(b, "</code></dd>\n<dt>Input SHA-256</dt><dd id=\"prov-sha256\">");
  if (run && run->input_sha256) {
    P(b, "<code>");
    h(b, run->input_sha256);
    P(b, "</code>");
  } else {
    P(b, "not computed");
  }
  P(b, "</dd>\n<dt>Run started (UTC)</dt><dd id=\"prov-started\">");
  h(b, run && run->started ? run->started : "not recorded");
  P(b, "</dd>\n<dt>Rules judged as of</dt><dd id=\"prov-as-of\">");
  as_of_text(b, run);
  P(b, "</dd>\n<dt>Suppressions judged on</dt><dd id=\"prov-suppress-on\">");
  if (!sup)
    P(b, "no suppression file");
  else if (run && run->suppress_on.year)
    date(b, run->suppress_on);
  else
    P(b, "not recorded");
  P(b, "</dd>\n</dl>\n");

  P(b, "<table class=\"packs\" id=\"packs\">\n<caption>Rule packs</caption>\n"
       "<thead><tr><th scope=\"col\">Pack</th><th scope=\"col\">Version</th>"
       "<th scope=\"col\">Title</th><th scope=\"col\">Content hash</th>"
       "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    P(b, "<tr><th scope=\"row\">");
    h(b, p->name);
    P(b, "</th><td>");
    h(b, p->version);
    P(b, "</td><td>");
    h(b, p->title);
    P(b, "</td><td><code>");
    h(b, p->hash);
    P(b, "</code></td></tr>\n");
  }
  P(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- counts ------------------------------------------------------------- */

static void card(rxc_buf *b, const char *id, const char *label,
                 unsigned long v) {
  P(b, "<li class=\"card\" id=\"");
  h(b, id);
  P(b, "\"><span class=\"k\">");
  h(b, label);
  P(b, "</span><span class=\"v\">");
  count(b, v);
  P(b, "</span></li>\n");
}

static void counts(rxc_buf *b, const rxc_read_stats *st, const rxc_tally *t) {
  P(b, "<ul class=\"cards\" aria-label=\"Row counts\">\n");
  card(b, "count-rows-read", "Rows read", st ? st->rows_read : 0);
  card(b, "count-checked", "Checked", t->checked);
  card(b, "count-in-scope", "In scope", t->in_scope);
  card(b, "count-rejected", "Rejected", st ? st->rejected : 0);
  P(b, "</ul>\n<div class=\"grid2\">\n");

  P(b, "<section aria-labelledby=\"h-status\">\n"
       "<h2 id=\"h-status\">Verdicts</h2>\n<table id=\"status\">\n"
       "<thead><tr><th scope=\"col\">Status</th>"
       "<th scope=\"col\" class=\"num\">Records</th>"
       "<th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < sizeof verdict_order / sizeof *verdict_order; i++) {
    rxc_verdict v = verdict_order[i];
    P(b, "<tr id=\"status-");
    h(b, rxc_verdict_name(v));
    P(b, "\"><th scope=\"row\"><span class=\"sw\" style=\"background:");
    h(b, verdict_colour(v));
    P(b, "\"></span>");
    h(b, verdict_label(v));
    P(b, "</th><td class=\"num\">");
    count(b, t->by_status[v]);
    P(b, "</td><td class=\"num\">");
    if (v == RXC_V_OUT_OF_SCOPE)
      share(b, t->by_status[v], t->checked);
    else
      share(b, t->by_status[v], t->in_scope);
    P(b, "</td></tr>\n");
  }
  P(b, "</tbody>\n</table>\n<p class=\"note\">Shares of the records in "
       "scope; out of scope as a share of all records checked.</p>\n"
       "</section>\n");

  P(b, "<section aria-labelledby=\"h-sev\">\n"
       "<h2 id=\"h-sev\">Findings by severity</h2>\n<table id=\"severity\">\n"
       "<thead><tr><th scope=\"col\">Severity</th>"
       "<th scope=\"col\" class=\"num\">Active</th>"
       "<th scope=\"col\" class=\"num\">Suppressed</th></tr></thead>\n"
       "<tbody>\n");
  unsigned long active = 0;
  for (int s = RXC_SEV__COUNT - 1; s >= 0; s--) {
    const char *name = rxc_severity_name((rxc_severity)s);
    active += t->by_severity[s];
    P(b, "<tr id=\"severity-");
    h(b, name);
    P(b, "\"><th scope=\"row\"><span class=\"sev sev-");
    h(b, name);
    P(b, "\">");
    h(b, name);
    P(b, "</span></th><td class=\"num\">");
    count(b, t->by_severity[s]);
    P(b, "</td><td class=\"num\">");
    count(b, t->suppressed_by_severity[s]);
    P(b, "</td></tr>\n");
  }
  P(b, "</tbody>\n<tfoot><tr><th scope=\"row\">All</th><td class=\"num\">");
  count(b, active);
  P(b, "</td><td class=\"num\">");
  count(b, t->suppressed);
  P(b, "</td></tr></tfoot>\n</table>\n<p class=\"note\">Suppressed findings "
       "are still reported; they do not count towards --fail-on.</p>\n"
       "</section>\n</div>\n");
}

/* ---- charts ------------------------------------------------------------- */

/* Geometry of a chart, in SVG user units. The width is about what the
 * page's column renders at, so that text keeps its size; the viewBox
 * scales everything down on narrower screens. The name column is as wide
 * as the longest name needs (about 7 units a character at 12px). */
enum {
  CH_W = 1040,      /* width */
  CH_PAD = 8,       /* left margin before the names */
  CH_CHAR = 7,      /* width of one character of a name */
  CH_GAP = 10,      /* between the names and the bars */
  CH_TOTAL = 64,    /* room after the longest bar for its total */
  CH_TOP = 26,      /* room for the tick labels */
  CH_ROW = 30,      /* one group per row */
  CH_H = 20,        /* bar height */
  CH_MIN_LABEL = 26 /* a segment this wide (units) shows its count */
};

typedef struct chart_spec {
  const char *id;       /* "chart-jurisdiction" */
  const char *title;    /* "Verdicts by jurisdiction" */
  const char *what;     /* "in-scope records by jurisdiction" */
  const char *note;     /* more for the caption, or NULL */
  int jurisdictions;    /* else indications */
  size_t nv;
  const rxc_verdict *v; /* the statuses stacked, left to right */
} chart_spec;

static size_t ngroups(const rxc_tally *t, const chart_spec *c) {
  return c->jurisdictions ? rxc_tally_njurisdictions(t)
                          : rxc_tally_nindications(t);
}

static const rxc_tally_group *group(const rxc_tally *t, const chart_spec *c,
                                    size_t i) {
  return c->jurisdictions ? rxc_tally_jurisdiction(t, i)
                          : rxc_tally_indication(t, i);
}

static unsigned long group_total(const rxc_tally_group *g,
                                 const chart_spec *c) {
  unsigned long n = 0;
  for (size_t k = 0; k < c->nv; k++) n += g->by_status[c->v[k]];
  return n;
}

/* Order of the bars: largest total first, then by name, then by index. */
static int group_before(const rxc_tally *t, const chart_spec *c, size_t i,
                        size_t j) {
  const rxc_tally_group *a = group(t, c, i), *g = group(t, c, j);
  unsigned long ta = group_total(a, c), tb = group_total(g, c);
  if (ta != tb) return ta > tb;
  int cmp = strcmp(a->name ? a->name : "", g->name ? g->name : "");
  if (cmp) return cmp < 0;
  return i < j;
}

/* The group after `prev` in that order (prev = n: the first), or n. Only
 * groups with a count in the chart's statuses take part. */
static size_t next_group(const rxc_tally *t, const chart_spec *c, size_t prev) {
  size_t n = ngroups(t, c), best = n;
  for (size_t j = 0; j < n; j++) {
    if (!group(t, c, j) || group_total(group(t, c, j), c) == 0) continue;
    if (prev < n && !group_before(t, c, prev, j)) continue;
    if (best == n || group_before(t, c, j, best)) best = j;
  }
  return best;
}

/* A round axis maximum (1, 2 or 5 times a power of ten steps, at most 5
 * of them) at or above max; *step receives the step. */
static unsigned long nice_max(unsigned long max, unsigned long *step) {
  unsigned long s = 1;
  for (;;) {
    static const unsigned long mult[] = {1, 2, 5};
    for (int k = 0; k < 3; k++) {
      unsigned long st = s * mult[k];
      if ((max + st - 1) / st <= 5) {
        *step = st;
        unsigned long m = (max + st - 1) / st * st;
        return m ? m : st;
      }
    }
    s *= 10;
  }
}

static void chart(rxc_buf *b, const rxc_tally *t, const chart_spec *c) {
  size_t n = ngroups(t, c);
  size_t rows = 0;
  unsigned long max = 0;
  for (size_t i = next_group(t, c, n); i < n; i = next_group(t, c, i)) {
    unsigned long tot = group_total(group(t, c, i), c);
    if (tot > max) max = tot;
    rows++;
  }

  P(b, "<section aria-labelledby=\"h-");
  h(b, c->id);
  P(b, "\">\n<h2 id=\"h-");
  h(b, c->id);
  P(b, "\">");
  h(b, c->title);
  P(b, "</h2>\n");
  if (rows == 0) {
    P(b, "<p class=\"note\">No ");
    h(b, c->what);
    P(b, ".</p>\n</section>\n");
    return;
  }
  P(b, "<figure>\n<figcaption>Number of ");
  h(b, c->what);
  P(b, ", stacked by verdict.");
  if (c->note) {
    P(b, " ");
    h(b, c->note);
  }
  P(b, "</figcaption>\n<ul class=\"legend\">");
  for (size_t k = 0; k < c->nv; k++) {
    P(b, "<li><span class=\"sw\" style=\"background:");
    h(b, verdict_colour(c->v[k]));
    P(b, "\"></span>");
    h(b, verdict_label(c->v[k]));
    P(b, "</li>");
  }
  P(b, "</ul>\n");

  unsigned long step;
  unsigned long axis = nice_max(max, &step);
  unsigned long height = CH_TOP + rows * CH_ROW + 6;
  size_t longest = 2;
  for (size_t i = next_group(t, c, n); i < n; i = next_group(t, c, i)) {
    const char *name = group(t, c, i)->name;
    size_t len = name ? strlen(name) : 0;
    if (len > longest) longest = len;
  }
  if (longest > 40) longest = 40; /* a longer name overlaps nothing: it is
                                     right-aligned and runs off the left */
  unsigned long label = CH_PAD + (unsigned long)longest * CH_CHAR;
  unsigned long x = label + CH_GAP;        /* bars start here */
  unsigned long bar = CH_W - x - CH_TOTAL; /* length at the axis maximum */

  /* The accessible name says everything the bars say. */
  P(b, "<svg class=\"chart\" id=\"");
  h(b, c->id);
  P(b, "\" role=\"img\" viewBox=\"0 0 ");
  rxc__put_ulong(b, CH_W);
  P(b, " ");
  rxc__put_ulong(b, height);
  P(b, "\" aria-label=\"");
  h(b, c->title);
  P(b, ":");
  int firstg = 1;
  for (size_t i = next_group(t, c, n); i < n; i = next_group(t, c, i)) {
    const rxc_tally_group *g = group(t, c, i);
    rxc_buf_puts(b, firstg ? " " : "; ");
    firstg = 0;
    h(b, g->name);
    for (size_t k = 0; k < c->nv; k++) {
      rxc_buf_puts(b, k ? ", " : " ");
      count(b, g->by_status[c->v[k]]);
      P(b, " ");
      h(b, verdict_label(c->v[k]));
    }
  }
  P(b, ".\">\n");

  /* Grid lines and tick labels. */
  for (unsigned long v = 0; v <= axis; v += step) {
    unsigned long x10 = x * 10 + v * bar * 10 / axis;
    P(b, "<line x1=\"");
    tenths(b, x10);
    P(b, "\" x2=\"");
    tenths(b, x10);
    P(b, "\" y1=\"");
    rxc__put_ulong(b, CH_TOP - 6);
    P(b, "\" y2=\"");
    rxc__put_ulong(b, height - 4);
    rxc_buf_puts(b, v ? "\" stroke=\"#e5e7eb\"/>" : "\" stroke=\"#9ca3af\"/>");
    P(b, "<text class=\"tick\" x=\"");
    tenths(b, x10);
    P(b, "\" y=\"");
    rxc__put_ulong(b, CH_TOP - 10);
    P(b, "\" text-anchor=\"middle\">");
    count(b, v);
    P(b, "</text>\n");
  }

  size_t row = 0;
  for (size_t i = next_group(t, c, n); i < n; i = next_group(t, c, i), row++) {
    const rxc_tally_group *g = group(t, c, i);
    unsigned long y = CH_TOP + row * CH_ROW + (CH_ROW - CH_H) / 2;
    P(b, "<g class=\"bar\"><text x=\"");
    rxc__put_ulong(b, label);
    P(b, "\" y=\"");
    rxc__put_ulong(b, y + CH_H / 2 + 4);
    P(b, "\" text-anchor=\"end\">");
    h(b, g->name);
    P(b, "</text>");
    unsigned long cum = 0;
    for (size_t k = 0; k < c->nv; k++) {
      unsigned long v = g->by_status[c->v[k]];
      if (!v) continue;
      unsigned long x0 = x * 10 + cum * bar * 10 / axis;
      cum += v;
      unsigned long x1 = x * 10 + cum * bar * 10 / axis;
      P(b, "<rect x=\"");
      tenths(b, x0);
      P(b, "\" y=\"");
      rxc__put_ulong(b, y);
      P(b, "\" width=\"");
      tenths(b, x1 - x0);
      P(b, "\" height=\"");
      rxc__put_ulong(b, CH_H);
      P(b, "\" fill=\"");
      h(b, verdict_colour(c->v[k]));
      P(b, "\" stroke=\"#fff\" stroke-width=\"1\"><title>");
      h(b, g->name);
      P(b, " &#8211; ");
      h(b, verdict_label(c->v[k]));
      P(b, ": ");
      count(b, v);
      P(b, "</title></rect>");
      if (x1 - x0 >= CH_MIN_LABEL * 10) {
        P(b, "<text class=\"in\" x=\"");
        tenths(b, (x0 + x1) / 2);
        P(b, "\" y=\"");
        rxc__put_ulong(b, y + CH_H / 2 + 4);
        P(b, "\" text-anchor=\"middle\" aria-hidden=\"true\">");
        count(b, v);
        P(b, "</text>");
      }
    }
    P(b, "<text x=\"");
    tenths(b, x * 10 + cum * bar * 10 / axis + 60);
    P(b, "\" y=\"");
    rxc__put_ulong(b, y + CH_H / 2 + 4);
    P(b, "\" font-weight=\"600\">");
    count(b, cum);
    P(b, "</text></g>\n");
  }
  P(b, "</svg>\n</figure>\n</section>\n");
}

/* ---- findings by rule --------------------------------------------------- */

enum { TOP_RULES = 15 };

/* Order: most active first, then by rule id, then by index. */
static int rule_before(const rxc_tally *t, size_t i, size_t j) {
  const rxc_tally_rule *a = rxc_tally_rule_at(t, i);
  const rxc_tally_rule *r = rxc_tally_rule_at(t, j);
  if (a->active != r->active) return a->active > r->active;
  int cmp = strcmp(a->rule ? a->rule : "", r->rule ? r->rule : "");
  if (cmp) return cmp < 0;
  return i < j;
}

static size_t next_rule(const rxc_tally *t, size_t prev) {
  size_t n = rxc_tally_nrules(t), best = n;
  for (size_t j = 0; j < n; j++) {
    const rxc_tally_rule *r = rxc_tally_rule_at(t, j);
    if (!r || (r->active == 0 && r->suppressed == 0)) continue;
    if (prev < n && !rule_before(t, prev, j)) continue;
    if (best == n || rule_before(t, j, best)) best = j;
  }
  return best;
}

static void rules_table(rxc_buf *b, const rxc_ruleset *rs,
                        const rxc_tally *t) {
  P(b, "<section aria-labelledby=\"h-rules\">\n"
       "<h2 id=\"h-rules\">Top findings by rule</h2>\n");
  size_t n = rxc_tally_nrules(t), shown = 0, more = 0;
  for (size_t i = next_rule(t, n); i < n; i = next_rule(t, i)) {
    if (shown == TOP_RULES) {
      more++;
      continue;
    }
    if (shown++ == 0)
      P(b, "<table id=\"rules\">\n<thead><tr><th scope=\"col\">Rule</th>"
           "<th scope=\"col\">Severity</th><th scope=\"col\">Kind</th>"
           "<th scope=\"col\" class=\"num\">Active</th>"
           "<th scope=\"col\" class=\"num\">Suppressed</th>"
           "<th scope=\"col\">What it says</th></tr></thead>\n<tbody>\n");
    const rxc_tally_rule *r = rxc_tally_rule_at(t, i);
    const rxc_rule_info *info = rxc_ruleset_find_rule(rs, r->rule);
    const char *sev = rxc_severity_name(r->severity);
    P(b, "<tr><th scope=\"row\"><code class=\"id\">");
    h(b, r->rule);
    P(b, "</code></th><td><span class=\"sev sev-");
    h(b, sev);
    P(b, "\">");
    h(b, sev);
    P(b, "</span></td><td>");
    h(b, info ? info->kind : "limit");
    P(b, "</td><td class=\"num\">");
    count(b, r->active);
    P(b, "</td><td class=\"num\">");
    count(b, r->suppressed);
    P(b, "</td><td>");
    h(b, info ? info->summary
              : "A name pattern reached its match limit, so a finding may "
                "be missing: check the record by hand.");
    P(b, "</td></tr>\n");
  }
  if (shown == 0) {
    P(b, "<p class=\"note\">No findings.</p>\n</section>\n");
    return;
  }
  P(b, "</tbody>\n</table>\n");
  if (more) {
    P(b, "<p class=\"note\">");
    count(b, more);
    rxc_buf_puts(b, more == 1 ? " more rule with findings is not shown.</p>\n"
                   : " more rules with findings are not shown.</p>\n");
  }
  P(b, "</section>\n");
}

/* ---- suppressions ------------------------------------------------------- */

static void suppressions_table(rxc_buf *b, const rxc_tally *t,
                               const rxc_suppressions *sup) {
  P(b, "<section aria-labelledby=\"h-sup\">\n"
       "<h2 id=\"h-sup\">Suppressions</h2>\n");
  size_t n = rxc_suppressions_count(sup);
  if (!sup) {
    P(b, "<p class=\"note\">No suppression file was used.</p>\n</section>\n");
    return;
  }
  if (n == 0) {
    P(b, "<p class=\"note\">The suppression file has no entries.</p>\n"
         "</section>\n");
    return;
  }
  P(b, "<table id=\"suppressions\">\n<thead><tr>"
       "<th scope=\"col\">Rule and entry</th><th scope=\"col\">Scope</th>"
       "<th scope=\"col\">Reason</th><th scope=\"col\">Owner</th>"
       "<th scope=\"col\">Expires</th><th scope=\"col\" class=\"num\">Hits</th>"
       "<th scope=\"col\">Expired</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n; i++) {
    const rxc_suppression *s = rxc_suppressions_entry(sup, i);
    if (!s) continue;
    P(b, "<tr><th scope=\"row\"><code class=\"id\">");
    h(b, s->rule);
    P(b, "</code><span class=\"where\">");
    h(b, s->file);
    P(b, ":");
    rxc__put_ulong(b, s->line);
    P(b, "</span></th><td>");
    /* Which keys narrow the entry; the ids themselves stay out. */
    int any = 0;
    if (s->patient_id) {
      P(b, "patient");
      any = 1;
    }
    if (s->prescriber_id) {
      if (any) P(b, ", ");
      P(b, "prescriber");
      any = 1;
    }
    if (s->drug_code) {
      if (any) P(b, ", ");
      P(b, "drug code <code class=\"id\">");
      h(b, s->drug_code);
      P(b, "</code>");
      any = 1;
    }
    if (!any) P(b, "every record");
    P(b, "</td><td>");
    h(b, s->reason);
    P(b, "</td><td>");
    h(b, s->owner);
    P(b, "</td><td class=\"num\">");
    if (s->expires.year) date(b, s->expires);
    P(b, "</td><td class=\"num\">");
    count(b, t ? rxc_tally_suppression_hits(t, i) : 0);
    P(b, "</td><td>");
    if (s->expired)
      P(b, "<span class=\"yes\">yes</span>");
    else
      P(b, "no");
    P(b, "</td></tr>\n");
  }
  P(b, "</tbody>\n</table>\n<p class=\"note\">Entries narrowed to a patient "
       "or prescriber say so; their ids are not shown. An expired entry "
       "suppresses nothing.</p>\n</section>\n");
}

/* ---- the page ----------------------------------------------------------- */

static const rxc_verdict record_verdicts[] = {
    RXC_V_APPROVED, RXC_V_OFF_LABEL, RXC_V_UNKNOWN, RXC_V_NO_INDICATION};
/* Indication entries are approved, off-label or unknown; the tally's
 * "(none)" group counts the no-indication records. */
static const rxc_verdict indication_verdicts[] = {
    RXC_V_APPROVED, RXC_V_OFF_LABEL, RXC_V_UNKNOWN, RXC_V_NO_INDICATION};

void rxc_report_html(rxc_buf *b, const rxc_ruleset *rs,
                     const rxc_run_info *run, const rxc_read_stats *st,
                     const rxc_tally *t, const rxc_suppressions *sup) {
  static const rxc_tally zero;
  if (!t) t = &zero;
  const char *input = run && run->input_name ? run->input_name : "-";
  if (strcmp(input, "-") == 0 || strcmp(input, "<stdin>") == 0)
    input = "standard input";

  P(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\">\n<meta name=\"generator\" content=\"rxcheck ");
  h(b, rxc_version());
  P(b, "\">\n<title>rxcheck report: ");
  h(b, input);
  P(b, "</title>\n<style>\n");
  rxc__put(b, css, sizeof css - 1);
  P(b, "</style>\n</head>\n<body>\n<header class=\"top\">\n<div "
       "class=\"wrap\">\n<p class=\"eyebrow\">rxcheck audit report</p>\n"
       "<h1>");
  h(b, input);
  P(b, "</h1>\n<p class=\"meta\">rxcheck ");
  h(b, rxc_version());
  for (size_t i = 0; i < rxc_ruleset_npacks(rs); i++) {
    const rxc_pack_info *p = rxc_ruleset_pack(rs, i);
    P(b, " &#183; pack ");
    h(b, p->name);
    P(b, " ");
    h(b, p->version);
  }
  if (run && run->started) {
    P(b, " &#183; run ");
    h(b, run->started);
  }
  P(b, " &#183; rules as of ");
  as_of_text(b, run);
  P(b, "</p>\n</div>\n</header>\n<main class=\"wrap\">\n");

  counts(b, st, t);
  if (t->detail) {
    chart_spec cj = {"chart-jurisdiction", "Verdicts by jurisdiction",
                     "in-scope records by jurisdiction", NULL, 1,
                     sizeof record_verdicts / sizeof *record_verdicts,
                     record_verdicts};
    chart_spec ci = {"chart-indication", "Verdicts by indication",
                     "indications found in in-scope records",
                     "(none) counts the in-scope records in which no "
                     "indication was recognised.",
                     0, sizeof indication_verdicts / sizeof *indication_verdicts,
                     indication_verdicts};
    chart(b, t, &cj);
    chart(b, t, &ci);
    rules_table(b, rs, t);
  } else {
    P(b, "<section><p class=\"note\">This run kept totals only: no "
         "breakdown by jurisdiction, indication or rule.</p></section>\n");
  }
  suppressions_table(b, t, sup);
  provenance(b, rs, run, sup);
  P(b, "<footer>\n<p>Aggregate counts only: this report contains no "
       "patient identifiers and no value of any record. Per-record results "
       "are in the run&#39;s JSONL, CSV or SARIF output, which give each "
       "record&#39;s line in the input.</p>\n<p>Generated by rxcheck ");
  h(b, rxc_version());
  P(b, ".</p>\n</footer>\n</main>\n</body>\n</html>\n");
}
