/*
 * buf.h - the inline fast path of rxc_buf appends, for the formatters: one
 * capacity check and a memcpy when the bytes fit, the library call only
 * when the buffer has to grow. A formatter that writes a fragment of known
 * maximum size asks for room once (rxc__room), writes through a pointer and
 * commits (rxc__done). Numbers and dates are written two digits at a time;
 * runs of text that need no escape or quoting are copied and tested a block
 * at a time (RXC__PLAIN_COPY).
 */
#ifndef RXC_BUF_H
#define RXC_BUF_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define RXC__SSE2 1
#endif

#include "rxcheck/output.h"

/* For the few helpers that must be inlined into a per-field loop even
 * where the compiler would rather not. */
#if defined(__GNUC__)
#define RXC__ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define RXC__ALWAYS_INLINE inline
#endif

/* "00" "01" ... "99": two decimal digits at a time. */
extern const char rxc__digits2[200];

/* The slow half of rxc__room: grows the buffer (setting `failed` when
 * that fails). NULL when the buffer has failed. */
char *rxc__buf_room_slow(rxc_buf *b, size_t n);

/* Room for n more bytes and the NUL after them: where to write them, or
 * NULL when the buffer has failed. Write at most n bytes from there, then
 * commit them with rxc__done. One capacity check for a whole fragment. */
static inline char *rxc__room(rxc_buf *b, size_t n) {
  if (b->len + n < b->cap) return b->data + b->len;
  return rxc__buf_room_slow(b, n);
}

/* Commits the bytes written from rxc__room up to `end` and NUL-terminates. */
static inline void rxc__done(rxc_buf *b, char *end) {
  b->len = (size_t)(end - b->data);
  *end = '\0';
}

/* Copies a string literal to d; evaluates to the end of the copy. */
#define RXC__CPY(d, lit) \
  (memcpy((d), "" lit, sizeof(lit) - 1), (d) + sizeof(lit) - 1)

/* The number of decimal digits of v (1 for 0). */
static inline size_t rxc__ndigits(unsigned long v) {
#if defined(__GNUC__)
  static const uint64_t pow10[20] = {
      1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
      10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
      100000000000ULL, 1000000000000ULL, 10000000000000ULL,
      100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
      100000000000000000ULL, 1000000000000000000ULL,
      10000000000000000000ULL};
  /* log10 from log2 (1233 / 4096 ~ log10(2)), then one correction. */
  uint64_t x = (uint64_t)v | 1;
  size_t bits = (size_t)(64 - __builtin_clzll(x));
  size_t t = (bits * 1233) >> 12;
  return t + 1 - (x < pow10[t]);
#else
  size_t n = 1;
  for (uint64_t x = 10; (uint64_t)v >= x && n < 20; x *= 10) n++;
  return n;
#endif
}

/* Writes v in decimal at d (at most 20 bytes); returns the end. */
static inline char *rxc__ulong_at(char *d, unsigned long v) {
  char *end = d + rxc__ndigits(v), *p = end;
  while (v >= 100) {
    unsigned long q = v / 100;
    p -= 2;
    memcpy(p, rxc__digits2 + 2 * (v - q * 100), 2);
    v = q;
  }
  if (v >= 10)
    memcpy(p - 2, rxc__digits2 + 2 * v, 2);
  else
    p[-1] = (char)('0' + v);
  return end;
}

/* Two digits of a month or day: the last two of its decimal form, as
 * ('0' + v / 10 % 10, '0' + v % 10) would give for any int. */
static inline void rxc__two_digits(char *d, int v) {
  if ((unsigned)v < 100) {
    memcpy(d, rxc__digits2 + 2 * v, 2);
  } else {
    d[0] = (char)('0' + v / 10 % 10);
    d[1] = (char)('0' + v % 10);
  }
}

/* Writes a date as YYYY-MM-DD (years 0..9999, 10 bytes) at d. */
static inline char *rxc__date_at(char *d, rxc_date dt) {
  int y = dt.year < 0 ? 0 : dt.year % 10000;
  memcpy(d, rxc__digits2 + 2 * (y / 100), 2);
  memcpy(d + 2, rxc__digits2 + 2 * (y % 100), 2);
  d[4] = '-';
  rxc__two_digits(d + 5, dt.month);
  d[7] = '-';
  rxc__two_digits(d + 8, dt.day);
  return d + 10;
}

/* Writes a date as a JSON string, or null when its year is 0 (at most 12
 * bytes) at d. */
static inline char *rxc__json_date_at(char *d, rxc_date dt) {
  if (!dt.year) return RXC__CPY(d, "null");
  *d++ = '"';
  d = rxc__date_at(d, dt);
  *d++ = '"';
  return d;
}

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
  char *d = rxc__room(b, 20);
  if (d) rxc__done(b, rxc__ulong_at(d, v));
}

/* Appends a date as YYYY-MM-DD (years 0..9999). */
static inline void rxc__put_date(rxc_buf *b, rxc_date dt) {
  char *d = rxc__room(b, 10);
  if (d) rxc__done(b, rxc__date_at(d, dt));
}

/* Appends a date as a JSON string, or null when its year is 0. */
static inline void rxc__json_date(rxc_buf *b, rxc_date dt) {
  char *d = rxc__room(b, 12);
  if (d) rxc__done(b, rxc__json_date_at(d, dt));
}

/* ---- words of eight bytes ------------------------------------------------
 *
 * The scanners test eight bytes at once. Each test below is exact for the
 * word as a whole (a borrow can only spill into bytes above one that truly
 * matched), so on a little-endian machine the lowest flagged byte is the
 * first that matched. */

#define RXC__L8 0x0101010101010101ULL
#define RXC__H8 0x8080808080808080ULL

/* Bytes of w that end a verbatim JSON run: control characters, '"', '\\'
 * and every byte >= 0x80. */
static inline uint64_t rxc__json_stop_bytes(uint64_t w) {
  uint64_t q = w ^ (RXC__L8 * '"'), s = w ^ (RXC__L8 * '\\');
  return (((w - RXC__L8 * 0x20) & ~w) | ((q - RXC__L8) & ~q) |
          ((s - RXC__L8) & ~s) | w) &
         RXC__H8;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RXC__LE_CTZ 1
/* Index of the first flagged byte of a non-zero mask. */
static inline size_t rxc__first_byte(uint64_t m) {
  return (size_t)__builtin_ctzll(m) >> 3;
}
#endif

/* ---- copying runs that need no escape -------------------------------------
 *
 * RXC__PLAIN_COPY(name, flag16, flag8, table) defines
 *   int name(char *d, const unsigned char *p, size_t n)
 * which copies the n bytes at p to d (room for n bytes) and returns 1 when
 * none of them is flagged, else 0 (d then holds at least every byte before
 * the first flagged one). Blocks of sixteen bytes (SSE2) or eight are
 * loaded, stored and tested together; a short tail is one more block
 * overlapping the previous, so every byte is read once or twice and none
 * outside p[0..n). flag16 tests an __m128i (used with SSE2 only), flag8 a
 * uint64_t (used without), table[byte] a single byte. */
#ifdef RXC__SSE2
#define RXC__LOAD16(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define RXC__STORE16(d, v) _mm_storeu_si128((__m128i *)(void *)(d), (v))
#define RXC__LOAD8(p) _mm_loadl_epi64((const __m128i *)(const void *)(p))
#define RXC__STORE8(d, v) _mm_storel_epi64((__m128i *)(void *)(d), (v))
#define RXC__PLAIN_COPY(name, flag16, flag8, table)                       \
  static RXC__ALWAYS_INLINE int name(char *d, const unsigned char *p,    \
                                      size_t n) {                       \
    if (n >= 16) {                                                        \
      for (size_t i = 0; i + 16 < n; i += 16) {                           \
        __m128i v = RXC__LOAD16(p + i);                                   \
        RXC__STORE16(d + i, v);                                           \
        if (flag16(v)) return 0;                                          \
      }                                                                   \
      __m128i v = RXC__LOAD16(p + n - 16);                                \
      RXC__STORE16(d + n - 16, v);                                        \
      return !flag16(v);                                                  \
    }                                                                     \
    if (n >= 8) {                                                         \
      __m128i a = RXC__LOAD8(p), b = RXC__LOAD8(p + n - 8);               \
      RXC__STORE8(d, a);                                                  \
      RXC__STORE8(d + n - 8, b);                                          \
      return !flag16(_mm_unpacklo_epi64(a, b));                           \
    }                                                                     \
    if (n >= 4) {                                                         \
      uint32_t a, b;                                                      \
      memcpy(&a, p, 4);                                                   \
      memcpy(&b, p + n - 4, 4);                                           \
      memcpy(d, &a, 4);                                                   \
      memcpy(d + n - 4, &b, 4);                                           \
      return !flag16(_mm_set_epi32((int)a, (int)b, (int)a, (int)b));      \
    }                                                                     \
    for (size_t i = 0; i < n; i++) {                                      \
      if (table[p[i]]) return 0;                                          \
      d[i] = (char)p[i];                                                  \
    }                                                                     \
    return 1;                                                             \
  }
#else
#define RXC__PLAIN_COPY(name, flag16, flag8, table)                       \
  static RXC__ALWAYS_INLINE int name(char *d, const unsigned char *p,    \
                                      size_t n) {                       \
    uint64_t w;                                                           \
    if (n >= 8) {                                                         \
      for (size_t i = 0; i + 8 < n; i += 8) {                             \
        memcpy(&w, p + i, 8);                                             \
        memcpy(d + i, &w, 8);                                             \
        if (flag8(w)) return 0;                                           \
      }                                                                   \
      memcpy(&w, p + n - 8, 8);                                           \
      memcpy(d + n - 8, &w, 8);                                           \
      return !flag8(w);                                                   \
    }                                                                     \
    if (n >= 4) {                                                         \
      uint32_t a, b;                                                      \
      memcpy(&a, p, 4);                                                   \
      memcpy(&b, p + n - 4, 4);                                           \
      memcpy(d, &a, 4);                                                   \
      memcpy(d + n - 4, &b, 4);                                           \
      return !flag8((uint64_t)a | (uint64_t)b << 32);                     \
    }                                                                     \
    for (size_t i = 0; i < n; i++) {                                      \
      if (table[p[i]]) return 0;                                          \
      d[i] = (char)p[i];                                                  \
    }                                                                     \
    return 1;                                                             \
  }
#endif

/* 1 for the bytes that end a verbatim JSON run: control characters, '"',
 * '\\' and every byte >= 0x80 (checked as UTF-8 then). */
extern const unsigned char rxc__json_stop[256];

#ifdef RXC__SSE2
/* Bytes of v that end a verbatim JSON run: as rxc__json_stop_bytes. A
 * signed compare with 0x20 catches both the control characters and every
 * byte >= 0x80. */
static inline int rxc__json_stop16(__m128i v) {
  __m128i m = _mm_or_si128(
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return _mm_movemask_epi8(m);
}
#endif

/* rxc__json_plain_copy(d, p, n): copies a string that needs no JSON
 * escape (1), or reports that it needs one (0). */
RXC__PLAIN_COPY(rxc__json_plain_copy, rxc__json_stop16, rxc__json_stop_bytes,
                rxc__json_stop)

#endif
