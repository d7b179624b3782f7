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
/* Opens a path for writing ("-" is stdout); prints and returns NULL on
 * failure. */
FILE *cli_open_out(const char *path);
/* Closes a stream opened above (not stdin/stdout); returns 0, or -1 after
 * printing when the close reports a write error. */
int cli_close(FILE *f, const char *path);
/* Writes a buffer's bytes; -1 on a write error. */
int cli_write(FILE *f, const rxc_buf *b);

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

#endif
