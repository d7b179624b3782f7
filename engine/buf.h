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
/* ("" lit) makes anything but a string literal a compile error: a pointer
 * would give sizeof(char *) bytes. */
#define RXC__PUTS(b, lit) rxc__put((b), "" lit, sizeof(lit) - 1)

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

/* Appends a date as YYYY-MM-DD (years 0..9999). */
static inline void rxc__put_date(rxc_buf *b, rxc_date d) {
  char tmp[10];
  int y = d.year < 0 ? 0 : d.year % 10000;
  tmp[0] = (char)('0' + y / 1000);
  tmp[1] = (char)('0' + y / 100 % 10);
  tmp[2] = (char)('0' + y / 10 % 10);
  tmp[3] = (char)('0' + y % 10);
  tmp[4] = '-';
  tmp[5] = (char)('0' + d.month / 10 % 10);
  tmp[6] = (char)('0' + d.month % 10);
  tmp[7] = '-';
  tmp[8] = (char)('0' + d.day / 10 % 10);
  tmp[9] = (char)('0' + d.day % 10);
  rxc__put(b, tmp, sizeof tmp);
}

/* Appends a date as a JSON string, or null when its year is 0. */
static inline void rxc__json_date(rxc_buf *b, rxc_date d) {
  if (!d.year) {
    RXC__PUTS(b, "null");
    return;
  }
  RXC__PUTS(b, "\"");
  rxc__put_date(b, d);
  RXC__PUTS(b, "\"");
}

#endif
