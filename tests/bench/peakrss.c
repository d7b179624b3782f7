/* peakrss: runs a command and reports its wall time and peak resident
 * memory, so the benchmark (issue 6) needs no /usr/bin/time.
 *
 *   peakrss [-o REPORT] COMMAND [ARG]...
 *
 * Forks, execs COMMAND (searched in PATH) with the same standard streams,
 * waits for it with wait4() and writes one line to REPORT (default: standard
 * error):
 *
 *   wall_s=0.512345 maxrss_kib=2456 status=0
 *
 * wall_s is measured with CLOCK_MONOTONIC around fork and wait; maxrss_kib
 * is the child's ru_maxrss (KiB on Linux), the largest resident set of the
 * command's process (its own threads included, not its children). status
 * is the command's exit status, or 128 + the signal that ended it.
 *
 * Exit status: the command's status as above; 126 or 127 when it could not
 * be run; 2 on a usage error. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* wait4() is BSD/Linux, not POSIX: declare it when the headers hide it. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void) {
  fputs("usage: peakrss [-o REPORT] COMMAND [ARG]...\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  const char *report = NULL;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-o") == 0) {
    if (i + 1 >= argc) return usage();
    report = argv[i + 1];
    i += 2;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) return usage();

  /* Open the report first: a bad path should not cost a run. */
  FILE *out = stderr;
  if (report && !(out = fopen(report, "w"))) {
    fprintf(stderr, "peakrss: %s: %s\n", report, strerror(errno));
    return 2;
  }
  fflush(NULL);

  double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "peakrss: fork: %s\n", strerror(errno));
    return 126;
  }
  if (pid == 0) {
    execvp(argv[i], argv + i);
    int e = errno;
    fprintf(stderr, "peakrss: %s: %s\n", argv[i], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }

  int st;
  struct rusage ru;
  pid_t r;
  while ((r = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR) {
  }
  double wall = now_s() - t0;
  if (r < 0) {
    fprintf(stderr, "peakrss: wait4: %s\n", strerror(errno));
    return 126;
  }

  int status = WIFEXITED(st)     ? WEXITSTATUS(st)
               : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
                                 : 126;
  fprintf(out, "wall_s=%.6f maxrss_kib=%ld status=%d\n", wall, ru.ru_maxrss,
          status);
  if (report && fclose(out) != 0) {
    fprintf(stderr, "peakrss: %s: write error\n", report);
    return 126;
  }
  return status;
}
