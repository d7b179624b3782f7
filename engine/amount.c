/*
 * amount.c - parsing the amounts real exports write: plain numbers, a unit
 * in any case ("100 mg", "100MG", "0.5 g", "500 mcg"), thousands separators
 * ("25,000", as MIMIC writes them inside quoted fields), dose ranges
 * ("1-2", "325-650", "25 - 50 mg") and units that are not masses ("10 mL",
 * "1 TAB", "5000 UNIT").
 *
 * Nothing is guessed: a comma that is not a thousands separator ("12,5"
 * could be a decimal comma) is an error, a volume is never turned into mg,
 * and a range is accepted only where the caller allows one (a daily dose:
 * its upper bound, the most the order allows, is what dose limits are
 * about). Parsing is by hand rather than strtod: strtod follows the locale,
 * accepts hex, exponents and "inf", and needs NUL-terminated input.
 */
#include "amount.h"

#include <string.h>

#include "strutil.h"

static const struct {
  const char *name;
  rxc__unit_kind kind;
  int pow10;
} units[] = {
    {"mg", RXC__UNIT_MASS, 0},          {"mgs", RXC__UNIT_MASS, 0},
    {"milligram", RXC__UNIT_MASS, 0},   {"milligrams", RXC__UNIT_MASS, 0},
    {"g", RXC__UNIT_MASS, 3},           {"gm", RXC__UNIT_MASS, 3},
    {"gram", RXC__UNIT_MASS, 3},        {"grams", RXC__UNIT_MASS, 3},
    {"mcg", RXC__UNIT_MASS, -3},        {"ug", RXC__UNIT_MASS, -3},
    {"\xC2\xB5g", RXC__UNIT_MASS, -3},  {"\xCE\xBCg", RXC__UNIT_MASS, -3},
    {"microgram", RXC__UNIT_MASS, -3},  {"micrograms", RXC__UNIT_MASS, -3},
    {"ml", RXC__UNIT_VOLUME, 0},        {"l", RXC__UNIT_VOLUME, 0},
    {"cc", RXC__UNIT_VOLUME, 0},        {"litre", RXC__UNIT_VOLUME, 0},
    {"litres", RXC__UNIT_VOLUME, 0},    {"liter", RXC__UNIT_VOLUME, 0},
    {"liters", RXC__UNIT_VOLUME, 0},    {"millilitre", RXC__UNIT_VOLUME, 0},
    {"millilitres", RXC__UNIT_VOLUME, 0}, {"milliliter", RXC__UNIT_VOLUME, 0},
    {"milliliters", RXC__UNIT_VOLUME, 0},
};

rxc__unit_kind rxc__unit_classify(rxc_str unit, int *pow10) {
  unit = rxc__trim(unit);
  if (pow10) *pow10 = 0;
  if (!unit.len) return RXC__UNIT_NONE;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (rxc__ieq_cstr(unit, units[i].name)) {
      if (pow10) *pow10 = units[i].pow10;
      return units[i].kind;
    }
  return RXC__UNIT_OTHER;
}

double rxc__to_mg(double v, int pow10) {
  for (; pow10 > 0; pow10--) v *= 10.0;
  for (; pow10 < 0; pow10++) v /= 10.0;
  return v;
}

static int is_digit_at(const char *s, size_t len, size_t i) {
  return i < len && rxc__isdigit((unsigned char)s[i]);
}

/* Reads an unsigned decimal number at s[*pos]. Returns 1 with *out set,
 * 0 when there is no digit there, -1 when a comma breaks the thousands
 * grouping (the first group 1 to 3 digits, every later one exactly 3, no
 * comma after the point). Up to 18 significant digits are kept exactly;
 * `frac` counts the fraction digits behind them, leading zeros included,
 * so any number of zeros after the point scales correctly. */
static int read_number(const char *s, size_t len, size_t *pos, double *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                 1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                 1e14, 1e15, 1e16, 1e17, 1e18};
  size_t i = *pos;
  unsigned long long mant = 0;
  int ndig = 0, sig = 0, big = 0, dot = 0, commas = 0;
  size_t frac = 0, group = 0;
  for (; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == ',' && !dot && ndig > 0) {
      if ((commas == 0 && group > 3) || (commas > 0 && group != 3))
        return -1;
      /* Exactly three digits must follow, then no fourth. */
      if (!is_digit_at(s, len, i + 1) || !is_digit_at(s, len, i + 2) ||
          !is_digit_at(s, len, i + 3) || is_digit_at(s, len, i + 4))
        return -1;
      commas++;
      group = 0;
      continue;
    }
    if (c == '.' && !dot) {
      dot = 1;
      continue;
    }
    if (!rxc__isdigit(c)) break;
    ndig++;
    if (!dot) group++;
    if (mant == 0 && c == '0') {
      if (dot) frac++;
      continue;
    }
    if (sig < 18) {
      mant = mant * 10 + (unsigned)(c - '0');
      sig++;
      if (dot) frac++;
    } else if (!dot) {
      big = 1; /* far beyond any range the callers accept */
    }
  }
  if (ndig == 0) return 0;
  double v = (double)mant;
  while (frac > 18 && v != 0) {
    v /= 1e18;
    frac -= 18;
  }
  if (frac > 18) frac = 18; /* v is 0 here */
  v /= pow10[frac];
  if (big) v = 1e300;
  *out = v;
  *pos = i;
  return 1;
}

static size_t skip_spaces(const char *s, size_t len, size_t i) {
  while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
  return i;
}

/* A range dash at s[i]: '-', or an en dash (U+2013). Returns its length. */
static size_t dash_at(const char *s, size_t len, size_t i) {
  if (i < len && s[i] == '-') return 1;
  if (i + 2 < len && (unsigned char)s[i] == 0xE2 &&
      (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x93)
    return 3;
  return 0;
}

/* A unit token: starts with a letter (or µ), then letters, spaces, '/',
 * '%' or '.', with digits only after a '/' or a space ("mg", "mcg/hr",
 * "mg PE", "mg/5 mL"). Anything else after a number ("1e2", "0x10",
 * "2.0.0") means it is not a number at all. */
static int unit_shaped(rxc_str u) {
  if (!u.len) return 1;
  unsigned char c0 = (unsigned char)u.ptr[0];
  if (!rxc__isalpha(c0) && c0 != 0xC2 && c0 != 0xCE) return 0;
  int digits_ok = 0;
  for (size_t i = 0; i < u.len; i++) {
    unsigned char c = (unsigned char)u.ptr[i];
    if (c == '/' || c == ' ') {
      digits_ok = 1;
      continue;
    }
    if (c >= 0x80 || rxc__isalpha(c) || c == '%' || c == '.') continue;
    if (rxc__isdigit(c) && digits_ok) continue;
    return 0;
  }
  return 1;
}

/* rxc__amount_parse_raw past the fast path, on a trimmed s. */
static rxc__amount_status parse_raw_general(rxc_str s, int allow_range,
                                            double *lo_out, double *hi_out,
                                            int *range_out,
                                            rxc_str *unit_out) {
  const char *p = s.ptr;
  size_t len = s.len, i = 0;
  int neg = 0;
  if (i < len && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
  double lo = 0, hi = 0;
  int k = read_number(p, len, &i, &lo);
  if (k < 0) return RXC__AMT_SEPARATOR;
  if (k == 0) return RXC__AMT_BAD;
  hi = lo;
  int is_range = 0;
  size_t j = skip_spaces(p, len, i);
  size_t d = neg ? 0 : dash_at(p, len, j);
  if (d && is_digit_at(p, len, skip_spaces(p, len, j + d))) {
    size_t q = skip_spaces(p, len, j + d);
    k = read_number(p, len, &q, &hi);
    if (k < 0) return RXC__AMT_SEPARATOR;
    is_range = 1;
    i = q;
  }
  rxc_str unit = rxc__trim((rxc_str){p + i, len - i});
  if (!unit_shaped(unit)) return RXC__AMT_BAD;
  if (neg && lo != 0) return RXC__AMT_NEGATIVE;
  if (is_range && !allow_range) return RXC__AMT_RANGE;
  if (is_range && lo > hi) return RXC__AMT_RANGE_ORDER;
  *lo_out = lo;
  *hi_out = hi;
  *range_out = is_range;
  *unit_out = unit;
  return RXC__AMT_OK;
}

/* The shape nearly every amount has, read first as the builder reads two
 * amounts per row of every export: a plain decimal ("100", "12.5", ".5")
 * of at most 18 bytes, with no sign, comma, range, space or unit. Returns
 * 1 with *out set to what the general parser gives for it (a bare number
 * is mg), or 0 for anything else, which the general parser then reads.
 * With at most 18 digits every digit is significant there too, and the
 * value is computed the same way (mantissa / 10^fraction digits), so both
 * give the same double. */
static int plain_amount(rxc_str s, double *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
  if (s.len == 0 || s.len > 18) return 0;
  unsigned long long mant = 0;
  size_t dot = s.len; /* where the '.' is, if any */
  for (size_t i = 0; i < s.len; i++) {
    unsigned d = (unsigned)(unsigned char)s.ptr[i] - '0';
    if (d <= 9)
      mant = mant * 10 + d;
    else if (s.ptr[i] == '.' && dot == s.len)
      dot = i;
    else
      return 0;
  }
  if (dot == s.len) {
    *out = (double)mant;
    return 1;
  }
  if (s.len == 1) return 0; /* "." alone: no digit */
  *out = (double)mant / pow10[s.len - 1 - dot];
  return 1;
}

rxc__amount_status rxc__amount_parse_raw(rxc_str s, int allow_range,
                                         double *lo_out, double *hi_out,
                                         int *range_out, rxc_str *unit_out) {
  s = rxc__trim(s);
  double v;
  if (plain_amount(s, &v)) { /* what the general path gives, sooner */
    *lo_out = *hi_out = v;
    *range_out = 0;
    *unit_out = (rxc_str){s.ptr + s.len, 0};
    return RXC__AMT_OK;
  }
  return parse_raw_general(s, allow_range, lo_out, hi_out, range_out,
                           unit_out);
}

/* rxc__amount_parse past the fast path, on a trimmed s. */
static rxc__amount_status parse_general(rxc_str s, int allow_range,
                                        rxc__amount *out) {
  double lo, hi;
  int is_range;
  rxc_str unit;
  rxc__amount_status st =
      parse_raw_general(s, allow_range, &lo, &hi, &is_range, &unit);
  if (st != RXC__AMT_OK) return st;
  int pow10 = 0;
  rxc__unit_kind kind = rxc__unit_classify(unit, &pow10);
  if (kind == RXC__UNIT_VOLUME) return RXC__AMT_VOLUME;
  if (kind == RXC__UNIT_OTHER) return RXC__AMT_UNIT;
  out->value = rxc__to_mg(hi, pow10);
  out->low = rxc__to_mg(lo, pow10);
  out->is_range = is_range;
  out->unit = kind;
  return RXC__AMT_OK;
}

rxc__amount_status rxc__amount_parse(rxc_str s, int allow_range,
                                     rxc__amount *out) {
  s = rxc__trim(s);
  double v;
  if (plain_amount(s, &v)) { /* a bare number: mg, as below */
    out->value = out->low = v;
    out->is_range = 0;
    out->unit = RXC__UNIT_NONE;
    return RXC__AMT_OK;
  }
  return parse_general(s, allow_range, out);
}
