/* baseline: the denominator of every benchmark ratio (issue 6).
 *
 *   baseline [--keep-spaces] FILE     (or "-" for standard input)
 *
 * A plain libcsv pass over FILE that only counts fields and records: the
 * file is read in 64 KiB fread() chunks and fed to csv_parse() with
 * CSV_STRICT and libcsv's defaults otherwise; the callbacks do nothing but
 * count. Prints one line:
 *
 *   records=R rows=R-1 fields=F bytes=B
 *
 * where rows leaves out the header record. rxcheck has to do the same
 * parsing plus the whole check, so its wall time is compared to this one.
 *
 * --keep-spaces sets a space callback that keeps spaces around fields as
 * data, as rxcheck's reader does (RFC 4180; libcsv's default trims them):
 * libcsv then makes a call for nearly every byte. Not the baseline; the
 * benchmark reports it as the floor of rxcheck's own parsing.
 *
 * Exit status: 0 on success, 1 on a read or parse error, 2 on a usage
 * error. */

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { CHUNK = 64 * 1024 };

typedef struct {
  unsigned long long fields;
  unsigned long long records;
} counts;

static void on_field(void *data, size_t len, void *ud) {
  (void)data;
  (void)len;
  ((counts *)ud)->fields++;
}

static void on_record(int c, void *ud) {
  (void)c;
  ((counts *)ud)->records++;
}

/* Never a space: every byte is data. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

int main(int argc, char **argv) {
  static char buf[CHUNK];
  int keep_spaces = argc == 3 && strcmp(argv[1], "--keep-spaces") == 0;
  if (argc != 2 + keep_spaces) {
    fputs("usage: baseline [--keep-spaces] FILE\n", stderr);
    return 2;
  }
  const char *path = argv[1 + keep_spaces];
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "baseline: %s: %s\n", path, strerror(errno));
    return 1;
  }

  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT) != 0) {
    fputs("baseline: csv_init failed\n", stderr);
    return 1;
  }
  if (keep_spaces) csv_set_space_func(&p, no_space);
  counts c = {0, 0};
  unsigned long long bytes = 0;
  int rc = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    bytes += n;
    if (csv_parse(&p, buf, n, on_field, on_record, &c) != n) {
      fprintf(stderr, "baseline: %s: %s near byte %llu\n", path,
              csv_strerror(csv_error(&p)), bytes);
      rc = 1;
      break;
    }
  }
  if (ferror(f)) {
    fprintf(stderr, "baseline: %s: read error\n", path);
    rc = 1;
  }
  if (rc == 0 && csv_fini(&p, on_field, on_record, &c) != 0) {
    fprintf(stderr, "baseline: %s: %s at end of file\n", path,
            csv_strerror(csv_error(&p)));
    rc = 1;
  }
  csv_free(&p);
  if (f != stdin) fclose(f);
  if (rc != 0) return rc;

  printf("records=%llu rows=%llu fields=%llu bytes=%llu\n", c.records,
         c.records ? c.records - 1 : 0, c.fields, bytes);
  return 0;
}
