/*
 * cli.h - what the subcommands of the rxcheck tool share. The CLI is a thin
 * layer: it parses options, calls the library, prints, and maps outcomes to
 * the contract's exit codes. Only <rxcheck/...> headers are used here.
 */
#ifndef RXC_CLI_H
#define RXC_CLI_H

#include <stdio.h>

#include "rxcheck/rxcheck.h"

/* The contract's exit codes (../docs/contract.md). */
enum {
  EXIT_OK = 0,       /* every row checked; nothing at or above --fail-on */
  EXIT_FINDINGS = 1, /* findings at or above --fail-on */
  EXIT_USAGE = 2,    /* usage error, unreadable input, invalid rules */
  EXIT_REJECTS = 3   /* finished, but some rows were rejected */
};

/* Prints "rxcheck: <message>" to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Prints "rxcheck <cmd>: <message>" and a hint to run --help, returns
 * EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Opens FILE or "-" (stdin) for reading; prints the error and returns NULL
 * on failure. */
FILE *cli_open_in(const char *path);
/* An output named on the command line. A file is written to a temporary
 * file beside it and renamed into place only when the command closes it
 * with keep set, so a failed or interrupted run never leaves a
 * half-written file that looks complete; NULL or "-" is standard output.
 * broken_pipe is set when the reader of a pipe went away (EPIPE). */
typedef struct cli_out {
  const char *path; /* NULL for standard output */
  char *tmp;
  FILE *f;
  int broken_pipe;
} cli_out;

/* Opens; returns 0, or -1 after printing why. */
int cli_out_open(cli_out *o, const char *path);
/* Writes n bytes; -1 on a write error (reported when closing). */
int cli_out_write(cli_out *o, const char *data, size_t n);
/* Flushes and closes; a file is renamed into place when keep is set and
 * everything was written, else removed. Returns 0, or -1 after printing
 * the error (nothing is printed for a closed pipe). Closing twice is
 * harmless. */
int cli_out_close(cli_out *o, int keep);
/* Writes a buffer's bytes; -1 on a write error. */
int cli_write(FILE *f, const rxc_buf *b);

/* A diagnostic callback (rxc_diag_fn) printing file:line:col: message. */
void cli_print_diag(const rxc_error *d, void *ud);
/* Loads --rules DIR, else $RXCHECK_RULES, else the built-in packs. Prints
 * every diagnostic as file:line:col: message. Returns EXIT_OK or
 * EXIT_USAGE. */
int cli_load_rules(const char *dir, rxc_ruleset **out);

/* Parses "--map" style options shared by validate and batch: fills o from
 * getopt values. Returns 0, or EXIT_USAGE after printing. */
int cli_parse_size(const char *cmd, const char *opt, const char *val,
                   size_t *out);

int cmd_validate(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_summary(int argc, char **argv);

/* The options of a chunk of a split export (--no-header, --header-from,
 * --columns, --line-offset), as given; see headerless.c. */
typedef struct headerless {
  int no_header;
  const char *header_from; /* FILE */
  const char *columns;     /* LIST */
  const char *line_offset; /* N, as given */
  char **names;            /* what header_from or columns gave */
  size_t nnames;
} headerless;

/* Their lines in `batch --help` and `validate --help`. */
#define CLI_HELP_HEADERLESS \
  "  --no-header          the input has no header row (a chunk of a split\n" \
  "                       export): its first line is data, and the column\n" \
  "                       names come from --header-from or --columns\n" \
  "  --header-from FILE   with --no-header: the column names are FILE's\n" \
  "                       first row (the original export; .csv.gz too)\n" \
  "  --columns LIST       with --no-header: the column names, comma-\n" \
  "                       separated (quote a name holding a comma as in CSV)\n" \
  "  --line-offset N      add N to every line number reported, for a chunk\n" \
  "                       that starts at line N+1 of the original file\n"

/* Checks how the options combine and fills io->columns, ncolumns and
 * line_offset; reads --header-from. `in_path` is the input ("-" for
 * standard input). Returns 0, or EXIT_USAGE after printing. h->names is
 * the caller's to free (headerless_free), also on failure. */
int headerless_apply(const char *cmd, headerless *h, const char *in_path,
                     rxc_input_options *io);
void headerless_free(headerless *h);

#endif
