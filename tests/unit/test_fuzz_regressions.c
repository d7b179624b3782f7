/*
 * test_fuzz_regressions.c - replays, without libFuzzer, every input the
 * fuzz targets of tests/fuzz ever crashed on (tests/fuzz/regressions/<T>/)
 * and their seed corpora (tests/fuzz/corpus/<T>/), through the same code
 * as the targets: fuzz_reader.c, fuzz_rules.c and fuzz_check.c are
 * compiled into this test, so an invariant a target checks fails the test
 * here too (FZ_FAIL below), and a sanitizer build (make asan) or valgrind
 * (make memcheck) sees the same memory errors the fuzzer saw.
 *
 * fuzz_query calls the command-line code, which is not part of the
 * library, so its inputs are replayed through the real binary instead:
 * `rxcheck query ARGS` with the arguments the target would pass, which
 * must end with exit code 0, 1 or 2, never a signal or a sanitizer's exit.
 *
 * A new crash found by `make fuzz` becomes a regression test by copying the
 * input into tests/fuzz/regressions/<target>/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef RXC_SOURCE_DIR
#define RXC_SOURCE_DIR "."
#endif
#ifndef RXC_BINARY_DIR
#define RXC_BINARY_DIR "."
#endif

/* An invariant of a target that fails fails the test, naming the input. */
static const char *current_input = "";
#define FZ_FAIL(msg) fail_msg("%s: fuzz invariant failed: %s", current_input, (msg))

#define RXC_FUZZ_REPLAY 1
#include "../fuzz/fuzz_check.c"
#include "../fuzz/fuzz_reader.c"
#include "../fuzz/fuzz_rules.c"

typedef int (*target_fn)(const uint8_t *data, size_t size);
typedef struct target_box {
  target_fn fn;
} target_box;

/* Reads a whole file; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    n += k;
    if (k == 0) break;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls fn(path, data, len) for every regular file of dir (sorted; names
 * starting with '.' and *.md skipped). A missing directory has no files.
 * Returns the number of files. */
static size_t each_file(const char *dir,
                        void (*fn)(const char *path, const uint8_t *d,
                                   size_t n, void *ud),
                        void *ud) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || (l > 3 && strcmp(e->d_name + l - 3, ".md") == 0))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *names);
      assert_non_null(nn);
      names = nn;
    }
    names[n] = strdup(e->d_name);
    assert_non_null(names[n]);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_names);
  size_t files = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      size_t len = 0;
      uint8_t *data = slurp(path, &len);
      if (!data) fail_msg("cannot read %s: %s", path, strerror(errno));
      current_input = path;
      fn(path, data, len, ud);
      current_input = "";
      free(data);
      files++;
    }
    free(names[i]);
  }
  free(names);
  return files;
}

static void run_in_process(const char *path, const uint8_t *d, size_t n,
                           void *ud) {
  (void)path;
  const target_box *t = ud;
  assert_int_equal(t->fn(d, n), 0);
}

/* ---- fuzz_query: through the binary ----------------------------------- */

static void run_query(const char *path, const uint8_t *d, size_t n, void *ud) {
  (void)ud;
  if (n > 4096) return; /* the target ignores longer inputs */
  char *text = malloc(n + 1);
  assert_non_null(text);
  if (n) memcpy(text, d, n);
  text[n] = '\0';
  char *args[FZ_MAX_ARGS + 1];
  int argc = fz_query_argv(text, n, args);
  /* argv = rxcheck query ARGS: the target's argv[0] is "query". */
  char *argv[FZ_MAX_ARGS + 2];
  static char prog[] = "rxcheck";
  argv[0] = prog;
  for (int i = 0; i <= argc; i++) argv[i + 1] = args[i];
  static const char bin[] = RXC_BINARY_DIR "/rxcheck";
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      if (!getenv("RXC_REPLAY_VERBOSE")) dup2(null, 2);
    }
    unsetenv("RXCHECK_RULES");
    unsetenv("RXCHECK_COUNTRY");
    /* A sanitizer report must not look like exit code 1 or 2. */
    setenv("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1", 1);
    setenv("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1", 1);
    execv(bin, argv);
    _exit(127);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  free(text);
  if (WIFSIGNALED(status))
    fail_msg("%s: rxcheck query died of signal %d", path, WTERMSIG(status));
  int rc = WEXITSTATUS(status);
  if (rc == 127) fail_msg("%s: cannot run %s", path, bin);
  if (rc > 2) fail_msg("%s: rxcheck query exited with %d", path, rc);
}

/* ---- the tests ------------------------------------------------------------- */

static size_t replay(const char *kind, const char *target, target_fn fn) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", RXC_SOURCE_DIR, kind,
           target);
  target_box box = {fn};
  size_t n = fn ? each_file(dir, run_in_process, &box)
                : each_file(dir, run_query, NULL);
  print_message("%s/%s: %zu inputs replayed\n", kind, target, n);
  return n;
}

static void test_reader_regressions(void **state) {
  (void)state;
  replay("regressions", "fuzz_reader", rxc_fuzz_reader_one);
}

static void test_rules_regressions(void **state) {
  (void)state;
  replay("regressions", "fuzz_rules", rxc_fuzz_rules_one);
}

static void test_check_regressions(void **state) {
  (void)state;
  replay("regressions", "fuzz_check", rxc_fuzz_check_one);
}

static void test_query_regressions(void **state) {
  (void)state;
  replay("regressions", "fuzz_query", NULL);
}

/* The seeds pass too: the harness and the targets agree on what is
 * valid, and a target that no longer accepts its own seeds is noticed. */
static void test_seed_corpora(void **state) {
  (void)state;
  assert_true(replay("corpus", "fuzz_reader", rxc_fuzz_reader_one) > 0);
  assert_true(replay("corpus", "fuzz_rules", rxc_fuzz_rules_one) > 0);
  assert_true(replay("corpus", "fuzz_check", rxc_fuzz_check_one) > 0);
  assert_true(replay("corpus", "fuzz_query", NULL) > 0);
}

/* The JSON validator the targets rely on says no to what is not JSON. */
static void test_json_validator(void **state) {
  (void)state;
  assert_true(fz_jsonl_valid("{\"a\":[1,-2.5e3,true,null,\"\\u00e9\"]}\n", 36));
  assert_true(fz_json_object("{}", 2));
  assert_false(fz_json_object("{\"a\":1,}", 8));
  assert_false(fz_json_object("{\"a\":01}", 8));
  assert_false(fz_json_object("{\"a\":\"\x01\"}", 9));
  assert_false(fz_json_object("{\"a\":\"\xed\xa0\x80\"}", 11)); /* surrogate */
  assert_false(fz_json_object("{\"a\":\"\xc0\xaf\"}", 10));     /* overlong */
  assert_false(fz_json_object("{\"a\":\"\\x\"}", 10));
  assert_false(fz_jsonl_valid("{}\n{\n", 5));
  assert_true(fz_csv_fields("a,\"b,\"\"c\"\"\n\",d\n", 15) == 3);
  assert_true(fz_csv_fields("a,b\"c\n", 6) == -1);
  assert_true(fz_csv_fields("a\nb\n", 4) == -1);
}

static int teardown_all(void **state) {
  (void)state;
  rxc_fuzz_check_fini();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_validator),
      cmocka_unit_test(test_reader_regressions),
      cmocka_unit_test(test_rules_regressions),
      cmocka_unit_test(test_check_regressions),
      cmocka_unit_test(test_query_regressions),
      cmocka_unit_test(test_seed_corpora),
  };
  return cmocka_run_group_tests(tests, NULL, teardown_all);
}
