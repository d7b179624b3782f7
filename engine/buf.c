/*
 * buf.c - the growable output buffer and the JSON string writer.
 *
 * JSON output must be valid for any input bytes: carried-through fields may
 * hold control characters or invalid UTF-8. Valid UTF-8 is copied as is,
 * each invalid byte becomes U+FFFD, and the characters JSON requires are
 * escaped. No JSON library is needed for writing flat, known-shape objects;
 * this writer is small and tested byte for byte (tests/unit/test_output.c).
 */
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "rxcheck/output.h"
#include "strutil.h"

void rxc_buf_append(rxc_buf *b, const char *s, size_t n) {
  if (b->failed || n == 0) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap;
    if (rxc__grow((void **)&b->data, &cap, b->len + n + 1, 1) != 0) {
      b->failed = 1;
      return;
    }
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
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
static const unsigned char json_stop[256] = {
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

void rxc_buf_json_string(rxc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  RXC__PUTS(b, "\"");
  size_t run = 0; /* start of the pending run of bytes copied verbatim */
  size_t i = 0;
  while (i < n) {
    while (i < n && !json_stop[p[i]]) i++;
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
