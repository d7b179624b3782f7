/*
 * codes.c - code systems and code normalisation.
 *
 * Diagnosis and drug codes arrive as "system:code" or bare. ICD codes are
 * folded to upper case without the dot so that "f40.10", "F4010" and
 * "icd10:F40.10" compare equal (ICD-9: "300.3" and "3003"); the system of
 * a bare code is inferred from its shape, as documented in rules/README.md:
 * for diagnoses ICD-10, SNOMED CT or ICD-9 (with E codes such as E950.0;
 * V codes and dotless E codes need "icd9:"), for drugs RxNorm, ATC or BNF.
 */
#include <string.h>

#include "rxcheck/input.h"
#include "strutil.h"

static const char *const system_names[] = {
#define RXC_X_(name, text) text,
    RXC_SYSTEM_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_system_name(rxc_system s) {
  if ((unsigned)s >= RXC_SYS__COUNT) return "";
  return system_names[s];
}

/* Aliases seen in exports and vocabularies, besides the canonical names;
 * with their lengths, since every prefixed code of every row is looked
 * up. The canonical names come first: they are what exports mostly
 * write, so a lookup usually stops at once (the names are distinct, so
 * the order changes no result). */
#define ALIAS(text, sys) {text, sizeof text - 1, sys}
static const struct {
  const char *name;
  size_t len;
  rxc_system sys;
} system_aliases[] = {
    ALIAS("rxnorm", RXC_SYS_RXNORM),   ALIAS("atc", RXC_SYS_ATC),
    ALIAS("icd10", RXC_SYS_ICD10),     ALIAS("snomed", RXC_SYS_SNOMED),
    ALIAS("icd9", RXC_SYS_ICD9),       ALIAS("bnf", RXC_SYS_BNF),
    ALIAS("ndc", RXC_SYS_NDC),         ALIAS("omop", RXC_SYS_OMOP),
    ALIAS("icd-10", RXC_SYS_ICD10),
    ALIAS("icd10cm", RXC_SYS_ICD10),   ALIAS("icd-10-cm", RXC_SYS_ICD10),
    ALIAS("icd10-cm", RXC_SYS_ICD10),  ALIAS("icd-9", RXC_SYS_ICD9),
    ALIAS("icd9cm", RXC_SYS_ICD9),     ALIAS("icd-9-cm", RXC_SYS_ICD9),
    ALIAS("icd9-cm", RXC_SYS_ICD9),    ALIAS("icd-10cm", RXC_SYS_ICD10),
    ALIAS("snomedct", RXC_SYS_SNOMED), ALIAS("snomed-ct", RXC_SYS_SNOMED),
    ALIAS("sct", RXC_SYS_SNOMED),      ALIAS("rxcui", RXC_SYS_RXNORM),
};
#undef ALIAS
enum { SYSTEM_NAME_MAX = 9 }; /* the longest alias */

/* rxc_system_lookup; inline in rxc_code_parse, which looks up the prefix
 * of every code of every row. */
static inline rxc_system lookup_system(rxc_str s) {
  s = rxc__trim(s);
  if (!s.len || s.len > SYSTEM_NAME_MAX) return RXC_SYS_NONE;
  /* The aliases are lower case: compare s folded, byte by byte, only
   * with those of its length and first letter. */
  int first = rxc__lower((unsigned char)s.ptr[0]);
  for (size_t i = 0; i < sizeof system_aliases / sizeof system_aliases[0];
       i++) {
    const char *alias = system_aliases[i].name;
    if (system_aliases[i].len != s.len || alias[0] != first) continue;
    size_t k = 1;
    while (k < s.len && rxc__lower((unsigned char)s.ptr[k]) == alias[k]) k++;
    if (k == s.len) return system_aliases[i].sys;
  }
  return RXC_SYS_NONE;
}

rxc_system rxc_system_lookup(const char *name, size_t len) {
  return lookup_system((rxc_str){name, len});
}

static int all_digits(rxc_str s) {
  if (!s.len) return 0;
  for (size_t i = 0; i < s.len; i++)
    if (!rxc__isdigit((unsigned char)s.ptr[i])) return 0;
  return 1;
}

/* ICD-10: a letter, two digits, then an optional dot and up to four
 * alphanumerics (F42, F42.2, F40.10, F32.A, S72.001A). */
static int icd10_shape(rxc_str s) {
  if (s.len < 3 || !rxc__isalpha((unsigned char)s.ptr[0]) ||
      !rxc__isdigit((unsigned char)s.ptr[1]))
    return 0;
  size_t i = 2, tail = 0;
  if (!rxc__isdigit((unsigned char)s.ptr[i]) &&
      !rxc__isalpha((unsigned char)s.ptr[i]))
    return 0;
  i++;
  if (i < s.len && s.ptr[i] == '.') i++;
  for (; i < s.len; i++, tail++) {
    int c = (unsigned char)s.ptr[i];
    if (!rxc__isdigit(c) && !rxc__isalpha(c)) return 0;
  }
  return tail <= 4;
}

/* ICD-9-CM diagnosis: 3 digits, optional dot, up to 2 digits (300.3,
 * 30002); V and E codes (V62.84, E950.0) also. */
static int icd9_shape(rxc_str s) {
  size_t i = 0;
  if (s.len && (s.ptr[0] == 'V' || s.ptr[0] == 'v' || s.ptr[0] == 'E' ||
                s.ptr[0] == 'e'))
    i = 1;
  size_t head = 0;
  while (i < s.len && rxc__isdigit((unsigned char)s.ptr[i]) && head < 3) {
    i++;
    head++;
  }
  if (head < 2 || (head == 2 && i == 2)) return 0;
  if (i < s.len && s.ptr[i] == '.') i++;
  size_t tail = 0;
  while (i < s.len && rxc__isdigit((unsigned char)s.ptr[i])) {
    i++;
    tail++;
  }
  return i == s.len && tail <= 2;
}

/* ATC: letter, 2 digits, 2 letters, 2 digits (N06AB08), or a prefix. */
static int atc_shape(rxc_str s) {
  static const char kind[] = "LDDLLDD";
  if (s.len < 1 || s.len > 7) return 0;
  for (size_t i = 0; i < s.len; i++) {
    int c = (unsigned char)s.ptr[i];
    if (kind[i] == 'L' ? !rxc__isalpha(c) : !rxc__isdigit(c)) return 0;
  }
  return s.len == 7;
}

/* BNF (England): a chemical substance code, 7 digits then 2 letters or
 * digits (0403030L0), or a product (11) or presentation (15) code that
 * extends it with letters and digits (0403030L0AAAAAA). At least one
 * letter, so an all-digit code stays RxNorm. */
static int bnf_shape(rxc_str s) {
  if (s.len != 9 && s.len != 11 && s.len != 15) return 0;
  int letters = 0;
  for (size_t i = 0; i < s.len; i++) {
    int c = (unsigned char)s.ptr[i];
    if (i < 7 ? !rxc__isdigit(c) : !(rxc__isdigit(c) || rxc__isalpha(c)))
      return 0;
    letters += rxc__isalpha(c) != 0;
  }
  return letters > 0;
}

/* Copies s to buf, upper-cased, without dots when strip_dot. */
static rxc_str fold(rxc_str s, char *buf, int upper, int strip_dot) {
  if (!upper && !strip_dot) { /* RxNorm and the like: a plain copy */
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    return (rxc_str){buf, s.len};
  }
  size_t n = 0;
  for (size_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    if (strip_dot && c == '.') continue;
    buf[n++] = upper ? (char)rxc__upper((unsigned char)c) : c;
  }
  buf[n] = '\0';
  return (rxc_str){buf, n};
}

int rxc_code_parse(const char *s, size_t len, int is_drug, char *buf,
                   rxc_code *out) {
  rxc_str item = rxc__trim((rxc_str){s, len});
  rxc_system sys = RXC_SYS_NONE;
  const char *colon = item.len ? memchr(item.ptr, ':', item.len) : NULL;
  if (colon) {
    sys = lookup_system((rxc_str){item.ptr, (size_t)(colon - item.ptr)});
    if (sys != RXC_SYS_NONE) {
      item.len -= (size_t)(colon - item.ptr) + 1;
      item.ptr = colon + 1;
      item = rxc__trim(item);
    }
  }
  out->raw = item;
  out->system = RXC_SYS_NONE;
  out->code = (rxc_str){buf, 0};
  buf[0] = '\0';
  if (!item.len) return 0;
  if (sys == RXC_SYS_NONE) {
    if (colon) return 0; /* an unknown system prefix */
    if (is_drug) {
      if (all_digits(item))
        sys = RXC_SYS_RXNORM;
      else if (atc_shape(item))
        sys = RXC_SYS_ATC;
      else if (bnf_shape(item))
        sys = RXC_SYS_BNF;
    } else {
      if (icd10_shape(item))
        sys = RXC_SYS_ICD10;
      else if (all_digits(item) && item.len >= 6 && item.len <= 18)
        sys = RXC_SYS_SNOMED;
      else if (icd9_shape(item))
        sys = RXC_SYS_ICD9;
    }
    if (sys == RXC_SYS_NONE) return 0;
  }
  int icd = sys == RXC_SYS_ICD10 || sys == RXC_SYS_ICD9;
  int upper = icd || sys == RXC_SYS_ATC || sys == RXC_SYS_BNF;
  out->system = sys;
  out->code = fold(item, buf, upper, icd);
  return 1;
}
