/*
 * headerless.c - the options for a chunk of a split export, shared by
 * `batch` and `validate`: --no-header with --header-from FILE or --columns
 * LIST, and --line-offset N.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --line-offset: a whole number of lines, 0 or more. */
static int parse_line_offset(const char *cmd, const char *val,
                             unsigned long *out) {
  const char *p = val;
  while (*p >= '0' && *p <= '9') p++;
  if (p == val || *p)
    return cli_usage(cmd, "--line-offset expects a whole number of lines (0 "
                          "or more), not '%s'",
                     val);
  errno = 0;
  unsigned long v = strtoul(val, NULL, 10);
  if (errno == ERANGE || v > ULONG_MAX / 2)
    return cli_usage(cmd, "--line-offset: %s is too large", val);
  *out = v;
  return 0;
}

/* Checks how the options combine and fills io->columns, ncolumns and
 * line_offset; reads --header-from. `in_path` is the input ("-" for
 * standard input). Returns 0, or EXIT_USAGE after printing. h->names is
 * the caller's to free (headerless_free), also on failure. */
int headerless_apply(const char *cmd, headerless *h,
                            const char *in_path, rxc_input_options *io) {
  if (h->line_offset &&
      parse_line_offset(cmd, h->line_offset, &io->line_offset))
    return EXIT_USAGE;
  if (h->header_from && h->columns)
    return cli_usage(cmd, "give the column names with --header-from or "
                          "--columns, not both");
  if (h->no_header && !h->header_from && !h->columns)
    return cli_usage(cmd, "--no-header needs the column names: add "
                          "--header-from FILE or --columns LIST");
  if (!h->no_header && (h->header_from || h->columns))
    return cli_usage(cmd, "%s names the columns of an input without a "
                          "header row: add --no-header",
                     h->header_from ? "--header-from" : "--columns");
  if (!h->no_header) return 0;
  rxc_error err;
  memset(&err, 0, sizeof err);
  if (h->columns) {
    if (rxc_columns_parse(h->columns, &h->names, &h->nnames, &err) !=
        RXC_OK) {
      if (err.code == RXC_ENOMEM) {
        cli_error("out of memory");
        return EXIT_USAGE;
      }
      return cli_usage(cmd, "--columns: %s", err.message);
    }
  } else {
    if (strcmp(h->header_from, "-") == 0 && strcmp(in_path, "-") == 0)
      return cli_usage(cmd, "--header-from - and the input cannot both be "
                            "standard input");
    if (rxc_header_read(h->header_from, &h->names, &h->nnames, &err) !=
        RXC_OK) {
      if (err.line && err.column)
        cli_error("%s:%lu:%lu: %s", err.file, err.line, err.column,
                  err.message);
      else if (err.line)
        cli_error("%s:%lu: %s", err.file, err.line, err.message);
      else if (err.code == RXC_EIO || !err.file[0])
        cli_error("%s", err.message); /* names the file */
      else
        cli_error("%s: %s", err.file, err.message);
      return EXIT_USAGE;
    }
  }
  io->columns = (const char *const *)h->names;
  io->ncolumns = h->nnames;
  return 0;
}

void headerless_free(headerless *h) {
  rxc_header_free(h->names, h->nnames);
  h->names = NULL;
  h->nnames = 0;
}

