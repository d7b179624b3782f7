/*
 * strutil.c - ASCII case folding, trimming, UTF-8 validation and the edit
 * distance behind "did you mean" hints.
 */
#include "strutil.h"

#include <string.h>

int rxc__ieq(rxc_str a, rxc_str b) {
  if (a.len != b.len) return 0;
  for (size_t i = 0; i < a.len; i++)
    if (rxc__lower((unsigned char)a.ptr[i]) !=
        rxc__lower((unsigned char)b.ptr[i]))
      return 0;
  return 1;
}

int rxc__ieq_cstr(rxc_str a, const char *b) {
  rxc_str bs = {b, strlen(b)};
  return rxc__ieq(a, bs);
}

int rxc__istarts(rxc_str s, rxc_str prefix) {
  if (prefix.len > s.len) return 0;
  rxc_str head = {s.ptr, prefix.len};
  return rxc__ieq(head, prefix);
}

size_t rxc__utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
      return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && s[1] > 0x8F) return 0; /* > U+10FFFF */
    return 4;
  }
  return 0;
}

int rxc__utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    /* Fast path over ASCII, eight bytes at a time would need alignment
     * care; a byte loop is already far from the bottleneck. */
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = rxc__utf8_seq(p + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

size_t rxc__edit_distance(const char *a, const char *b, size_t cap) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return cap;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t cost = rxc__lower((unsigned char)a[i - 1]) ==
                            rxc__lower((unsigned char)b[j - 1])
                        ? 0
                        : 1;
      size_t best = prev + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb] < cap ? row[lb] : cap;
}

size_t rxc__fold_header(const char *s, size_t len, char *out, size_t cap) {
  rxc_str t = rxc__trim((rxc_str){s, len});
  size_t n = 0;
  int sep = 0;
  for (size_t i = 0; i < t.len; i++) {
    int c = (unsigned char)t.ptr[i];
    if (c == ' ' || c == '\t' || c == '-' || c == '_') {
      sep = 1;
      continue;
    }
    if (sep && n) {
      if (n + 1 >= cap) return 0;
      out[n++] = '_';
    }
    sep = 0;
    if (n + 1 >= cap) return 0;
    out[n++] = (char)rxc__lower(c);
  }
  out[n] = '\0';
  return n;
}
