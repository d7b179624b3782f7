/*
 * buf.c - the growable output buffer and the JSON string writer.
 *
 * JSON output must be valid for any input bytes: carried-through fields may
 * hold control characters or invalid UTF-8. Valid UTF-8 is copied as is,
 * each invalid byte becomes U+FFFD, and the characters JSON requires are
 * escaped. No JSON library is needed for writing flat, known-shape objects;
 * this writer is small and tested byte for byte (tests/unit/test_output.c).
 */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "rxcheck/output.h"
#include "strutil.h"

const char rxc__digits2[200] = {
    '0', '0', '0', '1', '0', '2', '0', '3', '0', '4',
    '0', '5', '0', '6', '0', '7', '0', '8', '0', '9',
    '1', '0', '1', '1', '1', '2', '1', '3', '1', '4',
    '1', '5', '1', '6', '1', '7', '1', '8', '1', '9',
    '2', '0', '2', '1', '2', '2', '2', '3', '2', '4',
    '2', '5', '2', '6', '2', '7', '2', '8', '2', '9',
    '3', '0', '3', '1', '3', '2', '3', '3', '3', '4',
    '3', '5', '3', '6', '3', '7', '3', '8', '3', '9',
    '4', '0', '4', '1', '4', '2', '4', '3', '4', '4',
    '4', '5', '4', '6', '4', '7', '4', '8', '4', '9',
    '5', '0', '5', '1', '5', '2', '5', '3', '5', '4',
    '5', '5', '5', '6', '5', '7', '5', '8', '5', '9',
    '6', '0', '6', '1', '6', '2', '6', '3', '6', '4',
    '6', '5', '6', '6', '6', '7', '6', '8', '6', '9',
    '7', '0', '7', '1', '7', '2', '7', '3', '7', '4',
    '7', '5', '7', '6', '7', '7', '7', '8', '7', '9',
    '8', '0', '8', '1', '8', '2', '8', '3', '8', '4',
    '8', '5', '8', '6', '8', '7', '8', '8', '8', '9',
    '9', '0', '9', '1', '9', '2', '9', '3', '9', '4',
    '9', '5', '9', '6', '9', '7', '9', '8', '9', '9',
};

void rxc_buf_append(rxc_buf *b, const char *s, size_t n) {
  if (b->failed || n == 0) return;
  char *d = rxc__room(b, n);
  if (!d) return;
  memcpy(d, s, n);
  rxc__done(b, d + n);
}

void rxc_buf_puts(rxc_buf *b, const char *s) { rxc_buf_append(b, s, strlen(s)); }

void rxc_buf_free(rxc_buf *b) {
  rxc__free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}

/* Bytes that end a verbatim run: control characters, '"', '\\' and every
 * byte >= 0x80 (checked as UTF-8 then). */
const unsigned char rxc__json_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

char *rxc__buf_room_slow(rxc_buf *b, size_t n) {
  if (b->failed) return NULL;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap;
    if (rxc__grow((void **)&b->data, &cap, b->len + n + 1, 1) != 0) {
      b->failed = 1;
      return NULL;
    }
    b->cap = cap;
  }
  return b->data + b->len;
}

/* The first byte at or after i that ends a verbatim run, or n. */
static size_t json_skip(const unsigned char *p, size_t i, size_t n) {
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    uint64_t m = rxc__json_stop_bytes(w);
    if (m) {
#ifdef RXC__LE_CTZ
      return i + rxc__first_byte(m);
#else
      break;
#endif
    }
  }
  while (i < n && !rxc__json_stop[p[i]]) i++;
  return i;
}

/* The general case, from the first byte at i that ends a verbatim run
 * (everything before it, and the opening quote, already written). */
static void json_rest(rxc_buf *b, const char *s, size_t n, size_t i) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t run = i; /* start of the pending run of bytes copied verbatim */
  while (i < n) {
    i = json_skip(p, i, n);
    if (i >= n) break;
    unsigned char c = p[i];
    if (c >= 0x80) {
      size_t k = rxc__utf8_seq(p + i, n - i);
      if (k) {
        i += k;
        continue;
      }
    }
    rxc__put(b, s + run, i - run);
    char esc[7];
    switch (c) {
      case '"': RXC__PUTS(b, "\\\""); break;
      case '\\': RXC__PUTS(b, "\\\\"); break;
      case '\n': RXC__PUTS(b, "\\n"); break;
      case '\r': RXC__PUTS(b, "\\r"); break;
      case '\t': RXC__PUTS(b, "\\t"); break;
      default:
        if (c >= 0x80) {
          RXC__PUTS(b, "\xEF\xBF\xBD"); /* U+FFFD */
        } else {
          memcpy(esc, "\\u00", 4);
          esc[4] = hex[c >> 4];
          esc[5] = hex[c & 15];
          rxc__put(b, esc, 6);
        }
    }
    i++;
    run = i;
  }
  rxc__put(b, s + run, i - run);
  RXC__PUTS(b, "\"");
}

/* Nearly every string needs no escape: it is copied a block at a time
 * while the same blocks are tested, into room made once for the quotes
 * and the bytes as they are. A string that needs more is finished by
 * json_rest from its first byte that does. */
void rxc_buf_json_string(rxc_buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  char *d = rxc__room(b, n + 2);
  if (!d) return;
  *d = '"';
  if (rxc__json_plain_copy(d + 1, p, n)) {
    d[n + 1] = '"';
    rxc__done(b, d + n + 2);
    return;
  }
  size_t i = json_skip(p, 0, n);
  memcpy(d + 1, s, i);
  rxc__done(b, d + 1 + i);
  json_rest(b, s, n, i);
}
