/*
 * amount.h - amounts as exports write them: "100", "12.5 mg", "25,000",
 * "1-2", "0.5 g", "10 mL". One parser for the builder's mg columns and for
 * the layouts' dose and strength columns, so a value means the same in a
 * flat export and in a MIMIC-IV table.
 */
#ifndef RXC_AMOUNT_H
#define RXC_AMOUNT_H

#include "rxcheck/common.h"

typedef enum rxc__amount_status {
  RXC__AMT_OK,
  RXC__AMT_BAD,         /* not a number */
  RXC__AMT_NEGATIVE,    /* below zero */
  RXC__AMT_SEPARATOR,   /* a comma that is not a thousands separator */
  RXC__AMT_RANGE,       /* a range ("1-2") where one amount is expected */
  RXC__AMT_RANGE_ORDER, /* a range whose lower bound is above the upper */
  RXC__AMT_VOLUME,      /* a volume (mL, L): no mg without a concentration */
  RXC__AMT_UNIT         /* a unit that is not a mass (UNIT, TAB, mEq ...) */
} rxc__amount_status;

/* What a unit is: a mass (with its factor to mg), a volume, anything
 * else, or absent. */
typedef enum rxc__unit_kind {
  RXC__UNIT_NONE,
  RXC__UNIT_MASS,
  RXC__UNIT_VOLUME,
  RXC__UNIT_OTHER
} rxc__unit_kind;

typedef struct rxc__amount {
  double value;  /* the amount in mg (a range: its upper bound) */
  double low;    /* a range's lower bound in mg; == value otherwise */
  int is_range;
  rxc__unit_kind unit; /* NONE (taken as mg) or MASS when status is OK */
} rxc__amount;

/* Classifies a unit ("mg", "MG", "gm", "mcg", "µg", "mL", "UNIT" ...),
 * case-insensitively and trimmed. For a mass unit, *pow10 is the power of
 * ten that takes it to mg (g: 3, mg: 0, mcg: -3). */
rxc__unit_kind rxc__unit_classify(rxc_str unit, int *pow10);
/* v in a mass unit of power `pow10` (see above), in mg. */
double rxc__to_mg(double v, int pow10);

/* Parses an amount: a decimal number (digits, optional fraction, optional
 * thousands separators in groups of three: "25,000", "1,234.5"), with
 * `allow_range` a range "LOW-HIGH" (also with an en dash or spaces), then
 * an optional unit. A bare number is taken as mg; g and mcg are converted
 * to mg. No exponents, hex, "inf" or locale rules. Fills *out only on
 * RXC__AMT_OK. Never reads past s.len. */
rxc__amount_status rxc__amount_parse(rxc_str s, int allow_range,
                                     rxc__amount *out);
/* The same without the unit's meaning: the number (or the bounds of a
 * range, *lo <= *hi, in the written unit) and the unit text as written
 * (trimmed, possibly empty). Returns RXC__AMT_OK, _BAD, _NEGATIVE,
 * _SEPARATOR, _RANGE or _RANGE_ORDER. */
rxc__amount_status rxc__amount_parse_raw(rxc_str s, int allow_range,
                                         double *lo, double *hi,
                                         int *is_range, rxc_str *unit);

#endif
