/*
 * fuzz_query.c - libFuzzer target: the flag parser and the whole of
 * `rxcheck query`, by calling cmd_query (engine/cli/cmd_query.c) with an
 * argv made of the input.
 *
 * Input layout: arguments separated by NUL or newline bytes (see
 * fz_query_argv in fuzz_common.h; arguments starting with "--r", that is
 * --rules and its abbreviations, are dropped so that the fuzzer never
 * reads rule files from the disk). The built-in packs are used;
 * RXCHECK_RULES and RXCHECK_COUNTRY are unset.
 *
 * The program's own output goes to /dev/null: the stdio streams stdout and
 * stderr are pointed there once, at start-up, while file descriptors 1
 * and 2 stay open for libFuzzer's and the sanitizers' reports.
 *
 * cmd_query uses getopt_long and sets optind = 1 itself. In glibc that
 * does not reset getopt's private state: a previous call that returned in
 * the middle of a cluster of short options ("-xh") leaves a pointer into
 * its (freed) argv, which the next call would read. Setting optind = 0
 * and calling getopt once with an empty argument list is glibc's full
 * reset; it is done before every call, so that each input starts afresh as
 * it would in a new process.
 *
 * The exit code must be one of the documented ones (0, 1, 2).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz_common.h"

static void fq_reset_getopt(void) {
  static char prog[] = "query";
  static char *none[] = {prog, NULL};
  optind = 0;
  opterr = 0;
  while (getopt(1, none, "") != -1) {
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  FILE *null = fopen("/dev/null", "w");
  if (!null) abort();
  stdout = null;
  stderr = null;
  unsetenv("RXCHECK_RULES");
  unsetenv("RXCHECK_COUNTRY");
  unsetenv("COLUMNS");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0; /* flags, not files */
  char *text = malloc(size + 1);
  if (!text) return 0;
  if (size) memcpy(text, data, size);
  text[size] = '\0';
  char *argv[FZ_MAX_ARGS + 1];
  int argc = fz_query_argv(text, size, argv);
  fq_reset_getopt();
  int rc = cmd_query(argc, argv);
  FZ_CHECK(rc == EXIT_OK || rc == EXIT_FINDINGS || rc == EXIT_USAGE);
  fflush(stdout);
  free(text);
  return 0;
}
