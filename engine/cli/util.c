/*
 * util.c - what the subcommands share: messages in the tool's voice, opening
 * inputs and outputs, writing buffers, and loading the rules with every
 * diagnostic printed as file:line:col: message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("rxcheck: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "rxcheck %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fprintf(stderr, "Try 'rxcheck %s --help' for more information.\n", cmd);
  return EXIT_USAGE;
}

FILE *cli_open_in(const char *path) {
  if (!path || strcmp(path, "-") == 0) return stdin;
  FILE *f = fopen(path, "rb");
  if (!f) cli_error("cannot open '%s': %s", path, strerror(errno));
  return f;
}

FILE *cli_open_out(const char *path) {
  if (!path || strcmp(path, "-") == 0) return stdout;
  FILE *f = fopen(path, "wb");
  if (!f) cli_error("cannot write '%s': %s", path, strerror(errno));
  return f;
}

int cli_close(FILE *f, const char *path) {
  if (!f || f == stdin || f == stdout) return 0;
  int bad = ferror(f);
  if (fclose(f) != 0) bad = 1;
  if (bad) {
    cli_error("writing '%s' failed", path ? path : "output");
    return -1;
  }
  return 0;
}

int cli_write(FILE *f, const rxc_buf *b) {
  if (b->failed) {
    cli_error("out of memory while formatting output");
    return -1;
  }
  if (b->len && fwrite(b->data, 1, b->len, f) != b->len) return -1;
  return 0;
}

static void print_diag(const rxc_error *d, void *ud) {
  (void)ud;
  if (d->line)
    fprintf(stderr, "%s:%lu:%lu: %s\n", d->file, d->line, d->column,
            d->message);
  else
    fprintf(stderr, "%s: %s\n", d->file[0] ? d->file : "rxcheck", d->message);
}

int cli_load_rules(const char *dir, rxc_ruleset **out) {
  if (!dir || !*dir) dir = getenv("RXCHECK_RULES");
  rxc_status st;
  if (dir && *dir)
    st = rxc_ruleset_load_dir(dir, print_diag, NULL, out);
  else
    st = rxc_ruleset_load_builtin(print_diag, NULL, out);
  if (st != RXC_OK) {
    if (st == RXC_ERULES)
      cli_error("the rule pack is invalid; nothing was checked");
    else
      cli_error("cannot load rules%s%s: %s", dir ? " from " : "",
                dir ? dir : "", rxc_strerror(st));
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int cli_parse_size(const char *cmd, const char *opt, const char *val,
                   size_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(val, &end, 10);
  if (errno || end == val || v == 0 || (val[0] == '-')) {
    return cli_usage(cmd, "%s expects a positive whole number of bytes", opt);
  }
  unsigned long long mult = 1;
  if (*end == 'K' || *end == 'k') mult = 1024ULL, end++;
  else if (*end == 'M' || *end == 'm') mult = 1024ULL * 1024, end++;
  else if (*end == 'G' || *end == 'g') mult = 1024ULL * 1024 * 1024, end++;
  if (*end) return cli_usage(cmd, "%s: unexpected '%s' after the number", opt, end);
  if (v > (unsigned long long)SIZE_MAX / mult)
    return cli_usage(cmd, "%s: %s is more than this machine can address", opt,
                     val);
  *out = (size_t)(v * mult);
  return 0;
}
