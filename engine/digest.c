/*
 * digest.c - SHA-256 of an input (Nettle), on a thread of its own for a
 * file, or as the bytes pass for a stream (fopencookie / funopen).
 */
#if defined(__linux__) || defined(__GLIBC__)
#define _GNU_SOURCE 1 /* fopencookie */
#endif
#include "rxcheck/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

enum { BLOCK = 256 * 1024 };

struct rxc_digest {
  struct sha256_ctx ctx;
  /* A file's thread. */
  int fd;
  pthread_t thread;
  int started;
  atomic_int cancel;
  int failed;
  /* A stream. */
  FILE *in;
  int finished;
};

static void to_hex(struct sha256_ctx *ctx, char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(ctx, sizeof d, d);
  for (size_t i = 0; i < sizeof d; i++) {
    hex[2 * i] = digits[d[i] >> 4];
    hex[2 * i + 1] = digits[d[i] & 15];
  }
  hex[64] = '\0';
}

static void *hash_thread(void *arg) {
  rxc_digest *d = arg;
  unsigned char *buf = rxc__malloc(BLOCK);
  if (!buf) {
    d->failed = 1;
    return NULL;
  }
  for (;;) {
    if (atomic_load(&d->cancel)) break;
    ssize_t got = read(d->fd, buf, BLOCK);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      d->failed = 1;
      break;
    }
    if (got == 0) break;
    sha256_update(&d->ctx, (size_t)got, buf);
  }
  rxc__free(buf);
  return NULL;
}

rxc_status rxc_digest_file(const char *path, rxc_digest **out,
                           rxc_error *err) {
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int e = errno;
    if (fd >= 0) close(fd);
    rxc_error_set(err, RXC_EIO, path, 0, 0, "cannot hash '%s': %s", path,
                  fd < 0 ? strerror(e) : "not a regular file");
    return RXC_EIO;
  }
  rxc_digest *d = rxc__calloc(1, sizeof *d);
  if (!d) {
    close(fd);
    return RXC_ENOMEM;
  }
  sha256_init(&d->ctx);
  d->fd = fd;
  atomic_init(&d->cancel, 0);
  if (pthread_create(&d->thread, NULL, hash_thread, d) != 0) {
    close(fd);
    rxc__free(d);
    return RXC_ENOMEM;
  }
  d->started = 1;
  *out = d;
  return RXC_OK;
}

#if defined(__GLIBC__)
/* Reads the descriptor directly (one stdio layer, not two), so that a read
 * interrupted by a signal reaches the reader as EINTR, which lets it look
 * at its stop flag instead of blocking again. */
static ssize_t tee_read(void *cookie, char *buf, size_t size) {
  rxc_digest *d = cookie;
  ssize_t got = read(fileno(d->in), buf, size);
  if (got > 0) sha256_update(&d->ctx, (size_t)got, (const uint8_t *)buf);
  return got;
}

static FILE *tee_stream(rxc_digest *d) {
  cookie_io_functions_t io = {tee_read, NULL, NULL, NULL};
  return fopencookie(d, "r", io);
}
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
static int tee_read(void *cookie, char *buf, int size) {
  rxc_digest *d = cookie;
  ssize_t got = read(fileno(d->in), buf, (size_t)size);
  if (got > 0) sha256_update(&d->ctx, (size_t)got, (const uint8_t *)buf);
  return (int)got;
}

static FILE *tee_stream(rxc_digest *d) {
  return funopen(d, tee_read, NULL, NULL, NULL);
}
#else
#error "hashing a stream needs fopencookie or funopen"
#endif

rxc_status rxc_digest_stream(FILE *in, rxc_digest **out, FILE **wrapped) {
  *out = NULL;
  *wrapped = NULL;
  rxc_digest *d = rxc__calloc(1, sizeof *d);
  if (!d) return RXC_ENOMEM;
  sha256_init(&d->ctx);
  d->fd = -1;
  d->in = in;
  FILE *f = tee_stream(d);
  if (!f) {
    rxc__free(d);
    return RXC_ENOMEM;
  }
  *out = d;
  *wrapped = f;
  return RXC_OK;
}

rxc_status rxc_digest_finish(rxc_digest *d, char hex[65]) {
  hex[0] = '\0';
  if (!d || d->finished) return RXC_EUSAGE;
  d->finished = 1;
  if (d->started) {
    pthread_join(d->thread, NULL);
    d->started = 0;
    if (d->failed) return RXC_EIO;
  }
  to_hex(&d->ctx, hex);
  return RXC_OK;
}

void rxc_digest_free(rxc_digest *d) {
  if (!d) return;
  if (d->started) {
    atomic_store(&d->cancel, 1);
    pthread_join(d->thread, NULL);
  }
  if (d->fd >= 0) close(d->fd);
  rxc__free(d);
}
