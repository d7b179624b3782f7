/*
 * gz.c - opening export tables: plain or gzip-compressed CSV files behind
 * one FILE *, and finding a table of an export folder by name.
 *
 * MIMIC-IV ships its tables as hosp/<table>.csv.gz; reading them directly saves
 * users a decompressed copy of a multi-gigabyte file. A gzip file is told
 * by its magic bytes (1f 8b), not its name, and is decompressed by zlib as
 * it is read, through a stdio stream (fopencookie on glibc, funopen on the
 * BSDs), so the CSV reader, which reads lines with getline, is unchanged.
 * A corrupt or truncated gzip stream is a read error (EIO), never a short
 * table read as if it were complete.
 */
#if defined(__linux__) || defined(__GLIBC__)
#define _GNU_SOURCE 1 /* fopencookie */
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <zlib.h>

#include "alloc.h"
#include "layout_int.h"
#include "rxcheck/layout.h"

enum { GZ_BUFFER = 128 * 1024 };

/* Reads up to `want` bytes; -1 with errno EIO on a corrupt or truncated
 * stream (zlib reports truncation as Z_BUF_ERROR at the end), so a cut
 * file is a read error, never a short table. */
static int gz_fill(gzFile gz, char *buf, unsigned want) {
  int got = gzread(gz, buf, want);
  if (got == 0) {
    int zerr = Z_OK;
    (void)gzerror(gz, &zerr);
    if (zerr != Z_OK && zerr != Z_STREAM_END) got = -1;
  }
  if (got < 0) errno = EIO;
  return got < 0 ? -1 : got;
}

#if defined(__GLIBC__)
static ssize_t gz_read(void *cookie, char *buf, size_t size) {
  unsigned want = size > (1u << 30) ? (1u << 30) : (unsigned)size;
  return gz_fill(cookie, buf, want);
}

static int gz_close(void *cookie) {
  return gzclose_r(cookie) == Z_OK ? 0 : EOF;
}

static FILE *gz_stream(gzFile gz) {
  cookie_io_functions_t io = {gz_read, NULL, NULL, gz_close};
  return fopencookie(gz, "r", io);
}
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
static int gz_read(void *cookie, char *buf, int size) {
  return gz_fill(cookie, buf, (unsigned)size);
}

static int gz_close(void *cookie) {
  return gzclose_r(cookie) == Z_OK ? 0 : EOF;
}

static FILE *gz_stream(gzFile gz) {
  return funopen(gz, gz_read, NULL, NULL, gz_close);
}
#else
#error "reading .csv.gz needs fopencookie or funopen"
#endif

rxc_status rxc_table_open(const char *path, FILE **out, rxc_error *err) {
  *out = NULL;
  if (!path || strcmp(path, "-") == 0) {
    *out = stdin;
    return RXC_OK;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    rxc_error_set(err, RXC_EIO, path, 0, 0, "cannot open '%s': %s", path,
                  strerror(errno));
    return RXC_EIO;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    rxc_error_set(err, RXC_EIO, path, 0, 0,
                  "cannot read '%s': it is a folder (use --layout for an "
                  "export folder)",
                  path);
    return RXC_EIO;
  }
  /* A pipe or a FIFO cannot be rewound after a look at its first bytes:
   * it is read as plain CSV (pipe gzipped data through zcat). */
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    *out = f;
    return RXC_OK;
  }
  unsigned char magic[2] = {0, 0};
  size_t got = fread(magic, 1, 2, f);
  if (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
    if (fseek(f, 0, SEEK_SET) != 0) {
      fclose(f);
      rxc_error_set(err, RXC_EIO, path, 0, 0, "cannot read '%s': %s", path,
                    strerror(errno));
      return RXC_EIO;
    }
    *out = f;
    return RXC_OK;
  }
  /* gzip: hand the descriptor to zlib from the start. */
  fclose(f);
  gzFile gz = gzopen(path, "rb");
  if (!gz) {
    rxc_error_set(err, errno == ENOMEM ? RXC_ENOMEM : RXC_EIO, path, 0, 0,
                  "cannot open '%s': %s", path,
                  errno ? strerror(errno) : "zlib");
    return errno == ENOMEM ? RXC_ENOMEM : RXC_EIO;
  }
  gzbuffer(gz, GZ_BUFFER);
  FILE *s = gz_stream(gz);
  if (!s) {
    gzclose_r(gz);
    rxc_error_set(err, RXC_ENOMEM, path, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  *out = s;
  return RXC_OK;
}

/* name equals base + ".csv" or base + ".csv.gz", ignoring ASCII case. */
static int table_name(const char *name, const char *base) {
  size_t bl = strlen(base), nl = strlen(name);
  if (nl < bl + 4) return 0;
  for (size_t i = 0; i < bl; i++)
    if (tolower((unsigned char)name[i]) != tolower((unsigned char)base[i]))
      return 0;
  const char *rest = name + bl;
  return strcasecmp(rest, ".csv") == 0 || strcasecmp(rest, ".csv.gz") == 0;
}

static char *join_path(const char *dir, const char *sub, const char *name) {
  size_t n = strlen(dir) + (sub ? strlen(sub) + 1 : 0) + strlen(name) + 2;
  char *p = rxc__malloc(n);
  if (!p) return NULL;
  if (sub && *sub)
    snprintf(p, n, "%s/%s/%s", dir, sub, name);
  else
    snprintf(p, n, "%s/%s", dir, name);
  return p;
}

rxc_status rxc__table_find(const char *dir, const char *const *subdirs,
                           const char *base, char **out, rxc_error *err) {
  *out = NULL;
  static const char *const here[] = {"", NULL};
  if (!subdirs) subdirs = here;
  for (size_t s = 0; subdirs[s]; s++) {
    char *folder = subdirs[s][0] ? join_path(dir, NULL, subdirs[s])
                                 : rxc__strndup(dir, strlen(dir));
    if (!folder) goto oom;
    DIR *d = opendir(folder);
    if (!d) {
      int e = errno;
      rxc__free(folder);
      if (s == 0 && subdirs[s][0] == '\0') {
        rxc_error_set(err, RXC_EIO, dir, 0, 0, "cannot open the folder: %s",
                      strerror(e));
        return RXC_EIO;
      }
      continue;
    }
    char *found = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (!table_name(e->d_name, base)) continue;
      if (found) {
        rxc_error_set(err, RXC_EUSAGE, folder, 0, 0,
                      "two files could be the %s table: '%s' and '%s'; "
                      "keep one",
                      base, strrchr(found, '/') + 1, e->d_name);
        rxc__free(found);
        closedir(d);
        rxc__free(folder);
        return RXC_EUSAGE;
      }
      found = join_path(folder, NULL, e->d_name);
      if (!found) {
        closedir(d);
        rxc__free(folder);
        goto oom;
      }
    }
    closedir(d);
    rxc__free(folder);
    if (found) {
      *out = found;
      return RXC_OK;
    }
  }
  return RXC_OK; /* not found: *out stays NULL */
oom:
  rxc_error_set(err, RXC_ENOMEM, dir, 0, 0, "out of memory");
  return RXC_ENOMEM;
}
