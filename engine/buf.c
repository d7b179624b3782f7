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

void rxc_buf_json_string(rxc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  rxc_buf_append(b, "\"", 1);
  size_t run = 0; /* start of the pending run of bytes copied verbatim */
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0x80) {
      size_t k = rxc__utf8_seq(p + i, n - i);
      if (k) {
        i += k;
        continue;
      }
    }
    rxc_buf_append(b, s + run, i - run);
    char esc[7];
    switch (c) {
      case '"': rxc_buf_append(b, "\\\"", 2); break;
      case '\\': rxc_buf_append(b, "\\\\", 2); break;
      case '\n': rxc_buf_append(b, "\\n", 2); break;
      case '\r': rxc_buf_append(b, "\\r", 2); break;
      case '\t': rxc_buf_append(b, "\\t", 2); break;
      default:
        if (c >= 0x80) {
          rxc_buf_append(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
        } else {
          memcpy(esc, "\\u00", 4);
          esc[4] = hex[c >> 4];
          esc[5] = hex[c & 15];
          rxc_buf_append(b, esc, 6);
        }
    }
    i++;
    run = i;
  }
  rxc_buf_append(b, s + run, i - run);
  rxc_buf_append(b, "\"", 1);
}
