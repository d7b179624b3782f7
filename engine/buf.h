/*
 * buf.h - the inline fast path of rxc_buf appends, for the formatters: one
 * capacity check and a memcpy when the bytes fit, the library call only
 * when the buffer has to grow.
 */
#ifndef RXC_BUF_H
#define RXC_BUF_H

#include <string.h>

#include "rxcheck/output.h"

static inline void rxc__put(rxc_buf *b, const char *s, size_t n) {
  if (b->len + n < b->cap) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
  } else {
    rxc_buf_append(b, s, n);
  }
}

/* Appends a string literal without measuring it at run time. */
#define RXC__PUTS(b, lit) rxc__put((b), (lit), sizeof(lit) - 1)

/* Appends v in decimal. */
static inline void rxc__put_ulong(rxc_buf *b, unsigned long v) {
  char tmp[24];
  char *p = tmp + sizeof tmp;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  rxc__put(b, p, (size_t)(tmp + sizeof tmp - p));
}

#endif
