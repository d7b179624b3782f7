/*
 * util.c - what the subcommands share: messages in the tool's voice, opening
 * inputs, output files that appear only when complete, writing buffers,
 * and loading the rules with every diagnostic printed as
 * file:line:col: message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int cli_out_open(cli_out *o, const char *path) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->f = stdout;
    return 0;
  }
  o->path = path;
  /* Only a regular file (or a new one) is written beside and renamed into
   * place: a device, a pipe or a symbolic link (/dev/null, /dev/stdout, a
   * FIFO) must be written through, never replaced. */
  struct stat st;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    if (!(o->f = fopen(path, "wb"))) {
      cli_error("cannot write '%s': %s", path, strerror(errno));
      return -1;
    }
    return 0;
  }
  size_t n = strlen(path) + sizeof ".rxcheck-XXXXXX";
  o->tmp = malloc(n);
  if (!o->tmp) {
    cli_error("out of memory");
    return -1;
  }
  snprintf(o->tmp, n, "%s.rxcheck-XXXXXX", path);
  int fd = mkstemp(o->tmp);
  if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(o->tmp);
    }
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  /* mkstemp makes the file private (0600); give it the usual mode. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  return 0;
}

int cli_out_write(cli_out *o, const char *data, size_t n) {
  if (n && fwrite(data, 1, n, o->f) != n) {
    if (errno == EPIPE) o->broken_pipe = 1;
    return -1;
  }
  return 0;
}

int cli_out_close(cli_out *o, int keep) {
  int rc = 0;
  if (!o->f) return 0;
  if (fflush(o->f) != 0 || ferror(o->f)) {
    if (errno == EPIPE) o->broken_pipe = 1;
    rc = -1;
  }
  if (o->f != stdout && fclose(o->f) != 0) rc = -1;
  o->f = NULL;
  if (rc != 0 && !o->broken_pipe)
    cli_error("writing '%s' failed: %s", o->path ? o->path : "standard output",
              strerror(errno));
  if (o->tmp) {
    if (keep && rc == 0 && rename(o->tmp, o->path) != 0) {
      cli_error("cannot write '%s': %s", o->path, strerror(errno));
      rc = -1;
    }
    if (!keep || rc != 0) unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
  }
  return rc;
}

int cli_write(FILE *f, const rxc_buf *b) {
  if (b->failed) {
    cli_error("out of memory while formatting output");
    return -1;
  }
  if (b->len && fwrite(b->data, 1, b->len, f) != b->len) return -1;
  return 0;
}

void cli_print_diag(const rxc_error *d, void *ud) {
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
    st = rxc_ruleset_load_dir(dir, cli_print_diag, NULL, out);
  else
    st = rxc_ruleset_load_builtin(cli_print_diag, NULL, out);
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
