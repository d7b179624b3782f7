/* chunked.c - see chunked.h. */
#define _GNU_SOURCE /* fopencookie */
#include "chunked.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

static ssize_t chunked_read(void *cookie, char *buf, size_t size) {
  chunked *c = cookie;
  size_t n = c->len - c->pos;
  if (n > c->chunk) n = c->chunk;
  if (n > size) n = size;
  memcpy(buf, c->data + c->pos, n);
  c->pos += n;
  return (ssize_t)n;
}

FILE *open_chunked(chunked *c) {
  cookie_io_functions_t io = {chunked_read, NULL, NULL, NULL};
  FILE *f = fopencookie(c, "r", io);
  assert_non_null(f);
  return f;
}
