/*
 * date.c - calendar dates: today's date, ISO 8601 parsing and age in whole
 * years.
 *
 * Exports write dates as "2024-03-05", "2024-03-05T12:00:00Z" or
 * "2024-03-05 12:00:00". Only the date matters to the checker, so a
 * well-formed time is accepted and ignored; anything else after the date is
 * refused rather than guessed at (a spreadsheet's "3/5/94 0:00" could be
 * March or May). Parsing is by hand, not strptime, so it does not depend on
 * the locale or the C library.
 */
#include <time.h>

#include "rxcheck/common.h"
#include "strutil.h"

static int is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

rxc_date rxc_date_today(void) {
  time_t now = time(NULL);
  struct tm tm;
  rxc_date d = {0, 0, 0};
  if (now == (time_t)-1 || !gmtime_r(&now, &tm)) return d;
  d.year = tm.tm_year + 1900;
  d.month = tm.tm_mon + 1;
  d.day = tm.tm_mday;
  return d;
}

/* Reads exactly n digits at s[*i]; -1 when they are not all digits. */
static int digits(const char *s, size_t len, size_t *i, size_t n) {
  int v = 0;
  if (len - *i < n) return -1;
  for (size_t k = 0; k < n; k++) {
    int c = (unsigned char)s[*i + k];
    if (!rxc__isdigit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  *i += n;
  return v;
}

/* Accepts HH:MM, HH:MM:SS, HH:MM:SS.fraction, each optionally followed by
 * Z or an offset +HH:MM / -HH:MM / +HHMM / +HH. Returns 1 when s[i..len)
 * is exactly such a time. */
static int valid_time(const char *s, size_t len, size_t i) {
  int hh = digits(s, len, &i, 2);
  if (hh < 0 || hh > 23 || i >= len || s[i] != ':') return 0;
  i++;
  int mm = digits(s, len, &i, 2);
  if (mm < 0 || mm > 59) return 0;
  if (i < len && s[i] == ':') {
    i++;
    int ss = digits(s, len, &i, 2);
    if (ss < 0 || ss > 60) return 0; /* 60: a leap second */
    if (i < len && (s[i] == '.' || s[i] == ',')) {
      i++;
      size_t start = i;
      while (i < len && rxc__isdigit((unsigned char)s[i])) i++;
      if (i == start) return 0;
    }
  }
  if (i == len) return 1;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == len;
  if (s[i] != '+' && s[i] != '-') return 0;
  i++;
  int oh = digits(s, len, &i, 2);
  if (oh < 0 || oh > 23) return 0;
  if (i == len) return 1;
  if (s[i] == ':') i++;
  int om = digits(s, len, &i, 2);
  return om >= 0 && om <= 59 && i == len;
}

/* rxc_date_parse past the fast path. */
static int parse_general(const char *s, size_t len, rxc_date *out) {
  size_t i = 0;
  int y = digits(s, len, &i, 4);
  if (y < 1 || i >= len || s[i++] != '-') return 0;
  int m = digits(s, len, &i, 2);
  if (m < 1 || m > 12 || i >= len || s[i++] != '-') return 0;
  int d = digits(s, len, &i, 2);
  if (d < 1 || d > days_in_month(y, m)) return 0;
  if (i < len) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return 0;
    if (!valid_time(s, len, i + 1)) return 0;
  }
  out->year = y;
  out->month = m;
  out->day = d;
  return 1;
}

/* The two-digit number at s, or -1 when they are not both digits. */
static inline int two_digits(const char *s) {
  unsigned a = (unsigned)(unsigned char)s[0] - '0';
  unsigned b = (unsigned)(unsigned char)s[1] - '0';
  return a <= 9 && b <= 9 ? (int)(a * 10 + b) : -1;
}

int rxc_date_parse(const char *s, size_t len, rxc_date *out) {
  if (!s) return 0;
  /* A bare YYYY-MM-DD, as nearly every date is (dates are read twice per
   * row of every export): the checks of parse_general without its loops.
   * Anything else, a time included, takes the general path. */
  if (len == 10 && s[4] == '-' && s[7] == '-') {
    int century = two_digits(s), yy = two_digits(s + 2);
    int m = two_digits(s + 5), d = two_digits(s + 8);
    if ((century | yy | m | d) >= 0) { /* all digits */
      int y = century * 100 + yy;
      if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
      out->year = y;
      out->month = m;
      out->day = d;
      return 1;
    }
  }
  return parse_general(s, len, out);
}

int rxc_age_years(rxc_date birth, rxc_date on) {
  if (birth.year == 0 || on.year == 0) return -1;
  int bm = birth.month, bd = birth.day;
  /* Someone born on 29 February comes of age on 1 March in common years,
   * as most jurisdictions count it. */
  if (bm == 2 && bd == 29 && !is_leap(on.year)) {
    bm = 3;
    bd = 1;
  }
  int years = on.year - birth.year;
  if (on.month < bm || (on.month == bm && on.day < bd)) years--;
  /* A 29 February birth only exists in a leap year, so the shift above
   * never applies when on falls in the birth year: years < 0 is exactly
   * on < birth. */
  return years < 0 ? -1 : years;
}
