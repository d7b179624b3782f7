/*
 * cmd_validate.c - `rxcheck validate`: read an export without checking it,
 * and report what the reader made of it: the column mapping, the rows it
 * could not read and why, and counts that always reconcile (rows read =
 * valid + rejected). The first command a new user runs on their export.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char validate_help[] =
    "Usage: rxcheck validate [FILE|-] [OPTIONS]\n"
    "\n"
    "Read a prescription export (CSV with a header row; '-' or no FILE reads\n"
    "standard input) without checking it. Prints the column mapping used\n"
    "and a summary: rows read, valid, rejected by reason, blank lines.\n"
    "\n"
    "Options:\n"
    "  --map SPEC           map columns: canonical=Header[,canonical=Header"
    "...]\n"
    "  --country CC         jurisdiction for rows without a country\n"
    "                       (default: $RXCHECK_COUNTRY)\n"
    "  --rejects FILE       write rows that cannot be read as CSV\n"
    "                       line,column,reason\n"
    "  --summary FILE       also write the summary as JSON to FILE\n"
    "  --max-field BYTES    longest field accepted (default 1M; K, M, G "
    "suffixes)\n"
    CLI_HELP_HEADERLESS
    "  -h, --help           show this help\n"
    "\n"
    "Files given with --rejects and --summary appear only when the run\n"
    "completes (they are written beside, then renamed into place).\n"
    "\n"
    "Exit codes: 0 every row is valid; 2 usage error or unusable input (no\n"
    "header, no drug column, unreadable file); 3 some rows were rejected.\n";

enum { FLUSH_AT = 1 << 16, MAX_STDERR_REJECTS = 10 };

typedef struct validate {
  const char *input_name;
  cli_out rejects; /* f is NULL without --rejects */
  rxc_buf rejbuf;
  unsigned long rejects_shown;
  int failed; /* a write failed; the run was stopped */
} validate;

/* Column numbers are 1-based in everything a user reads. */
static void put_column(rxc_buf *b, const char *header, size_t i) {
  char tmp[32];
  /* Header text comes from the file: control characters (terminal escape
   * sequences) are shown as '?', never sent to the terminal. */
  for (const unsigned char *p = (const unsigned char *)header; *p; p++) {
    char ch = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
    rxc_buf_append(b, &ch, 1);
  }
  snprintf(tmp, sizeof tmp, " (column %zu)\n", i + 1);
  rxc_buf_puts(b, tmp);
}

/* Whether column i feeds a canonical field (else it is carried through). */
static int is_mapped(const rxc_schema *s, size_t i) {
  for (int f = 0; f < RXC_F__COUNT; f++)
    if (rxc_schema_column(s, (rxc_field)f) == (int)i) return 1;
  return 0;
}

/* The mapping, printed as soon as the header is read so that a user
 * watching a long file sees at once whether the columns are right. */
static int on_header(const rxc_schema *s, void *ud) {
  validate *v = ud;
  rxc_buf b = {0};
  char tmp[64];
  rxc_buf_puts(&b, "input: ");
  rxc_buf_puts(&b, v->input_name);
  rxc_buf_puts(&b, "\ncolumns:\n");
  for (int f = 0; f < RXC_F__COUNT; f++) {
    int c = rxc_schema_column(s, (rxc_field)f);
    snprintf(tmp, sizeof tmp, "  %-16s ", rxc_field_name((rxc_field)f));
    rxc_buf_puts(&b, tmp);
    if (c < 0) {
      rxc_buf_puts(&b, "absent\n");
    } else {
      rxc_buf_puts(&b, "<- ");
      put_column(&b, rxc_schema_header(s, (size_t)c), (size_t)c);
    }
  }
  size_t n = rxc_schema_ncolumns(s), extra = 0;
  for (size_t i = 0; i < n; i++) {
    if (is_mapped(s, i)) continue;
    rxc_buf_puts(&b, extra++ ? "  " : "carried through:\n  ");
    put_column(&b, rxc_schema_header(s, i), i);
  }
  int bad = cli_write(stdout, &b);
  rxc_buf_free(&b);
  if (bad) v->failed = 1;
  return bad;
}

static int on_record(const rxc_record *rec, void *ud) {
  (void)rec;
  (void)ud;
  return 0;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  validate *v = ud;
  if (!v->rejects.f) {
    if (v->rejects_shown++ < MAX_STDERR_REJECTS)
      cli_error("%s:%lu:%lu: row rejected (%s): %s", v->input_name,
                rej->line, rej->column, rxc_reject_id(rej->reason),
                rej->message);
    return 0;
  }
  rxc_format_reject(&v->rejbuf, rej);
  if (v->rejbuf.len >= FLUSH_AT) {
    if (cli_out_write(&v->rejects, v->rejbuf.data, v->rejbuf.len) != 0) {
      v->failed = 1;
      return 1;
    }
    v->rejbuf.len = 0;
  }
  return 0;
}

static void put_ulong(rxc_buf *b, unsigned long n) {
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%lu", n);
  rxc_buf_puts(b, tmp);
}

static void summary_text(rxc_buf *b, const rxc_read_stats *st) {
  rxc_buf_puts(b, "rows read: ");
  put_ulong(b, st->rows_read);
  rxc_buf_puts(b, "\nvalid: ");
  put_ulong(b, st->valid);
  rxc_buf_puts(b, "\nrejected: ");
  put_ulong(b, st->rejected);
  rxc_buf_puts(b, "\n");
  for (int i = 0; i < RXC_REJ__COUNT; i++) {
    if (!st->rejected_by[i]) continue;
    rxc_buf_puts(b, "  ");
    rxc_buf_puts(b, rxc_reject_id((rxc_reject_reason)i));
    rxc_buf_puts(b, ": ");
    put_ulong(b, st->rejected_by[i]);
    rxc_buf_puts(b, "\n");
  }
  rxc_buf_puts(b, "blank lines skipped: ");
  put_ulong(b, st->blank_lines);
  rxc_buf_puts(b, "\n");
}

static void json_str(rxc_buf *b, const char *s) {
  rxc_buf_json_string(b, s, strlen(s));
}

static void summary_json(rxc_buf *b, const char *input,
                         const rxc_read_stats *st, const rxc_schema *s) {
  rxc_buf_puts(b, "{\"input\":");
  json_str(b, input);
  rxc_buf_puts(b, ",\"rows_read\":");
  put_ulong(b, st->rows_read);
  rxc_buf_puts(b, ",\"valid\":");
  put_ulong(b, st->valid);
  rxc_buf_puts(b, ",\"rejected\":");
  put_ulong(b, st->rejected);
  rxc_buf_puts(b, ",\"rejected_by\":{");
  const char *sep = "";
  for (int i = 0; i < RXC_REJ__COUNT; i++) {
    if (!st->rejected_by[i]) continue;
    rxc_buf_puts(b, sep);
    json_str(b, rxc_reject_id((rxc_reject_reason)i));
    rxc_buf_puts(b, ":");
    put_ulong(b, st->rejected_by[i]);
    sep = ",";
  }
  rxc_buf_puts(b, "},\"blank_lines\":");
  put_ulong(b, st->blank_lines);
  rxc_buf_puts(b, ",\"columns\":{");
  for (int f = 0; f < RXC_F__COUNT; f++) {
    int c = rxc_schema_column(s, (rxc_field)f);
    rxc_buf_puts(b, f ? "," : "");
    json_str(b, rxc_field_name((rxc_field)f));
    rxc_buf_puts(b, ":");
    if (c < 0)
      rxc_buf_puts(b, "null");
    else
      json_str(b, rxc_schema_header(s, (size_t)c));
  }
  rxc_buf_puts(b, "},\"carried_through\":[");
  sep = "";
  for (size_t i = 0; i < rxc_schema_ncolumns(s); i++) {
    if (is_mapped(s, i)) continue;
    rxc_buf_puts(b, sep);
    json_str(b, rxc_schema_header(s, i));
    sep = ",";
  }
  rxc_buf_puts(b, "]}\n");
}

static int write_summary(const char *path, const rxc_buf *b) {
  cli_out f;
  if (cli_out_open(&f, path) != 0) return -1;
  int bad = b->failed || cli_out_write(&f, b->data, b->len) != 0;
  if (cli_out_close(&f, !bad) != 0) bad = 1;
  return bad ? -1 : 0;
}

/* ISO 3166-1 alpha-2 shape (two letters); "UK" is accepted as GB by the
 * library. */
static int country_ok(const char *cc) {
  size_t n = strlen(cc);
  for (size_t i = 0; i < n; i++)
    if (!((cc[i] >= 'A' && cc[i] <= 'Z') || (cc[i] >= 'a' && cc[i] <= 'z')))
      return 0;
  return n == 2;
}

int cmd_validate(int argc, char **argv) {
  static const struct option longopts[] = {
      {"map", required_argument, NULL, 'm'},
      {"country", required_argument, NULL, 'c'},
      {"rejects", required_argument, NULL, 'j'},
      {"summary", required_argument, NULL, 's'},
      {"max-field", required_argument, NULL, 'M'},
      {"no-header", no_argument, NULL, 'N'},
      {"header-from", required_argument, NULL, 'H'},
      {"columns", required_argument, NULL, 'C'},
      {"line-offset", required_argument, NULL, 'L'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  headerless hl;
  memset(&hl, 0, sizeof hl);
  const char *rejects_path = NULL, *summary_path = NULL;
  rxc_input_options io;
  memset(&io, 0, sizeof io);
  io.default_country = getenv("RXCHECK_COUNTRY");
  int country_opt = 0; /* --country given, rather than RXCHECK_COUNTRY */
  validate v;
  memset(&v, 0, sizeof v);

  optind = 0; /* 0, not 1: a full reset of glibc getopt */
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
      case 'm': io.map = optarg; break;
      case 'c':
        io.default_country = optarg;
        country_opt = 1;
        break;
      case 'j': rejects_path = optarg; break;
      case 's': summary_path = optarg; break;
      case 'M':
        if (cli_parse_size("validate", "--max-field", optarg, &io.max_field))
          return EXIT_USAGE;
        break;
      case 'N': hl.no_header = 1; break;
      case 'H': hl.header_from = optarg; break;
      case 'C': hl.columns = optarg; break;
      case 'L': hl.line_offset = optarg; break;
      case 'h': fputs(validate_help, stdout); return EXIT_OK;
      case ':':
        return cli_usage("validate", "option '%s' needs a value",
                         argv[optind - 1]);
      default:
        return cli_usage("validate", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (argc - optind > 1)
    return cli_usage("validate", "expected one input file, got %d",
                     argc - optind);
  if (io.default_country && *io.default_country &&
      !country_ok(io.default_country))
    return cli_usage("validate",
                     "%s expects an ISO 3166-1 alpha-2 code such as US or GB",
                     country_opt ? "--country" : "RXCHECK_COUNTRY");
  if (io.default_country && !*io.default_country) io.default_country = NULL;
  const char *in_path = optind < argc ? argv[optind] : "-";
  v.input_name = strcmp(in_path, "-") == 0 ? "<stdin>" : in_path;

  int rc = EXIT_USAGE;
  rxc_reader *reader = NULL;
  FILE *in = NULL;
  if (headerless_apply("validate", &hl, in_path, &io) != 0) goto done;
  if (rxc_reader_new(&io, &reader) != RXC_OK) {
    cli_error("out of memory");
    goto done;
  }
  if (!(in = cli_open_in(in_path))) goto done;
  if (rejects_path) {
    if (cli_out_open(&v.rejects, rejects_path) != 0) goto done;
    rxc_buf_puts(&v.rejbuf, "line,column,reason\n");
  }

  rxc_reader_callbacks cb = {on_header, on_record, on_reject, &v, NULL};
  rxc_error err;
  memset(&err, 0, sizeof err);
  rxc_status st = rxc_reader_run(reader, in, v.input_name, &cb, &err);
  if (v.rejects.f &&
      cli_out_write(&v.rejects, v.rejbuf.data, v.rejbuf.len) != 0)
    v.failed = 1;
  if (v.failed) {
    cli_error("writing output failed");
    goto done;
  }
  if (st != RXC_OK) {
    if (err.line)
      cli_error("%s:%lu: %s", v.input_name, err.line, err.message);
    else
      cli_error("%s: %s", v.input_name,
                err.message[0] ? err.message : rxc_strerror(st));
    goto done;
  }

  const rxc_read_stats *stats = rxc_reader_stats(reader);
  if (!v.rejects.f && stats->rejected > MAX_STDERR_REJECTS)
    cli_error("%lu more rejected rows not shown (use --rejects FILE)",
              stats->rejected - MAX_STDERR_REJECTS);
  rxc_buf b = {0};
  summary_text(&b, stats);
  int bad = cli_write(stdout, &b) != 0;
  if (!bad && summary_path) {
    b.len = 0;
    summary_json(&b, v.input_name, stats, rxc_reader_schema(reader));
    bad = write_summary(summary_path, &b) != 0;
  }
  rxc_buf_free(&b);
  /* The rejects file appears only with a complete run. */
  if (cli_out_close(&v.rejects, !bad) != 0) bad = 1;
  if (!bad) rc = stats->rejected ? EXIT_REJECTS : EXIT_OK;

done:
  cli_out_close(&v.rejects, 0);
  if (in && in != stdin) fclose(in);
  rxc_buf_free(&v.rejbuf);
  rxc_reader_free(reader);
  headerless_free(&hl);
  return rc;
}
