/*
 * schema.c - maps an export's header row to the canonical columns.
 *
 * Exports name the same column many ways ("DOB", "Date of Birth",
 * "medication"), so a header is folded (trimmed, lower case, runs of
 * spaces, hyphens and underscores become one underscore) and looked up in
 * an alias table. `--map canonical=Header` settles anything else and wins
 * over aliases. Ambiguity is an error, never a guess: two columns that
 * alias the same field must be told apart with --map. Columns that map to
 * nothing are kept and carried through by the reader. The multi-table
 * layouts build their schemas here too, with the columns they read or
 * derive fixed in advance and no alias guessing (rxc__schema_new_fixed).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "input_int.h"
#include "layout_int.h"
#include "rxcheck/input.h"
#include "strutil.h"

struct rxc_schema {
  size_t n;
  char **headers; /* n NUL-terminated, trimmed copies */
  int col[RXC_F__COUNT];
  unsigned fixed; /* bit f: a layout set field f (rxc__schema_new_fixed) */
};

static const char *const field_names[] = {
#define RXC_X_(name, text) text,
    RXC_FIELD_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_field_name(rxc_field f) {
  if ((unsigned)f >= RXC_F__COUNT) return NULL;
  return field_names[f];
}

/* Aliases, already folded (see fold_name). Canonical names are matched
 * from field_names. */
static const struct {
  const char *alias;
  rxc_field field;
} aliases[] = {
    {"patient", RXC_F_PATIENT_ID},
    {"patientid", RXC_F_PATIENT_ID},
    {"subject_id", RXC_F_PATIENT_ID},
    {"person_id", RXC_F_PATIENT_ID},
    {"member_id", RXC_F_PATIENT_ID},
    {"dob", RXC_F_BIRTH_DATE},
    {"birthdate", RXC_F_BIRTH_DATE},
    {"date_of_birth", RXC_F_BIRTH_DATE},
    {"age_years", RXC_F_AGE},
    {"patient_age", RXC_F_AGE},
    {"gender", RXC_F_SEX},
    {"country_code", RXC_F_COUNTRY},
    {"jurisdiction", RXC_F_COUNTRY},
    {"prescription_date", RXC_F_RX_DATE},
    {"date_written", RXC_F_RX_DATE},
    {"fill_date", RXC_F_RX_DATE},
    {"dispense_date", RXC_F_RX_DATE},
    {"medication", RXC_F_DRUG_NAME},
    {"medication_name", RXC_F_DRUG_NAME},
    {"drug", RXC_F_DRUG_NAME},
    {"drug_description", RXC_F_DRUG_NAME},
    {"medication_code", RXC_F_DRUG_CODE},
    {"rxcui", RXC_F_DRUG_CODE},
    {"dosage_form", RXC_F_FORM},
    {"strength", RXC_F_STRENGTH_MG},
    {"daily_dose", RXC_F_DAILY_DOSE_MG},
    {"dose_mg_day", RXC_F_DAILY_DOSE_MG},
    {"dx", RXC_F_DIAGNOSIS_CODES},
    {"diagnoses", RXC_F_DIAGNOSIS_CODES},
    {"diagnosis", RXC_F_DIAGNOSIS_CODES},
    {"icd10_codes", RXC_F_DIAGNOSIS_CODES},
    {"icd_codes", RXC_F_DIAGNOSIS_CODES},
    {"comeds", RXC_F_CO_MEDICATIONS},
    {"co_meds", RXC_F_CO_MEDICATIONS},
    {"concomitant_medications", RXC_F_CO_MEDICATIONS},
    {"other_medications", RXC_F_CO_MEDICATIONS},
    /* Only names that say "the prescriber" and "an id": "prescriber"
     * alone is as often a name as an id, and "npi" or "provider_id" may
     * be the pharmacy's or the billing provider's (OMOP's provider_id is
     * whoever prescribed or gave the drug). */
    {"prescriber_npi", RXC_F_PRESCRIBER_ID},
    {"prescribing_provider_id", RXC_F_PRESCRIBER_ID},
    {"ordering_provider_id", RXC_F_PRESCRIBER_ID},
    {"order_provider_id", RXC_F_PRESCRIBER_ID},
};

enum { NAME_MAX_FOLDED = 64 };

/* Folds a header for lookup (rxc__fold_header); 0 when empty or too long
 * to be any known name. */
static size_t fold_name(const char *s, size_t len, char *out) {
  return rxc__fold_header(s, len, out, NAME_MAX_FOLDED + 1);
}

static int canonical_index(const char *folded) {
  for (int f = 0; f < RXC_F__COUNT; f++)
    if (strcmp(folded, field_names[f]) == 0) return f;
  return -1;
}

int rxc_field_lookup(const char *name, size_t len) {
  char folded[NAME_MAX_FOLDED + 1];
  if (!name || !fold_name(name, len, folded)) return -1;
  int f = canonical_index(folded);
  if (f >= 0) return f;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp(folded, aliases[i].alias) == 0) return (int)aliases[i].field;
  return -1;
}

size_t rxc_schema_ncolumns(const rxc_schema *s) { return s ? s->n : 0; }

const char *rxc_schema_header(const rxc_schema *s, size_t i) {
  if (!s || i >= s->n) return NULL;
  return s->headers[i];
}

int rxc_schema_column(const rxc_schema *s, rxc_field f) {
  if (!s || (unsigned)f >= RXC_F__COUNT) return -1;
  return s->col[f];
}

void rxc_schema_free(rxc_schema *s) {
  if (!s) return;
  rxc__free(s->headers); /* one block: pointers, then the text */
  rxc__free(s);
}

/* A bounded string builder for error messages: text past the end is cut
 * and marked with "...". */
typedef struct msgbuf {
  char text[512];
  size_t len;
} msgbuf;

static void msg_add(msgbuf *m, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void msg_add(msgbuf *m, const char *fmt, ...) {
  size_t room = sizeof m->text - m->len;
  if (room <= 1) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(m->text + m->len, room, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  if ((size_t)k >= room) {
    m->len = sizeof m->text - 1;
    memcpy(m->text + m->len - 3, "...", 3);
  } else {
    m->len += (size_t)k;
  }
}

/* The names looked for when the drug column is missing. */
static void list_names(msgbuf *m, rxc_field f) {
  msg_add(m, "%s", field_names[f]);
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (aliases[i].field == f) msg_add(m, ", %s", aliases[i].alias);
}

/* The header's cells are quoted only when some of them are known column
 * names, so the row is a header: in a file without a header row the cells
 * would be the first patient's values. Control characters and invalid
 * UTF-8 become '?', so a hostile header cannot drive the terminal. */
static rxc_status missing_drug(const rxc_schema *s, int given,
                               rxc_error *err) {
  msgbuf m = {{0}, 0};
  msg_add(&m, "no drug column: looked for ");
  list_names(&m, RXC_F_DRUG_NAME);
  msg_add(&m, " or ");
  list_names(&m, RXC_F_DRUG_CODE);
  /* Names given for a headerless input are the user's, never values. */
  int known = given;
  for (size_t i = 0; i < s->n && !known; i++)
    known = rxc_field_lookup(s->headers[i], strlen(s->headers[i])) >= 0;
  if (!known) {
    msg_add(&m,
            "; none of the %zu columns of the first row is a known column "
            "name (a file without a header row needs one); name the drug "
            "column with --map drug_name=HEADER",
            s->n);
    rxc_error_set(err, RXC_EHEADER, NULL, 0, 0, "%s", m.text);
    return RXC_EHEADER;
  }
  msg_add(&m, given ? "; the names given are " : "; the header has ");
  for (size_t i = 0; i < s->n; i++) {
    char clean[44];
    const unsigned char *h = (const unsigned char *)s->headers[i];
    size_t len = strlen(s->headers[i]), o = 0;
    for (size_t k = 0; k < len && o < 40;) {
      size_t q = h[k] < 0x80 ? 1 : rxc__utf8_seq(h + k, len - k);
      if (q == 0 || (q == 1 && (h[k] < 0x20 || h[k] == 0x7f)) ||
          o + q > 40) {
        clean[o++] = '?';
        k += q ? q : 1;
      } else {
        memcpy(clean + o, h + k, q);
        o += q;
        k += q;
      }
    }
    clean[o] = '\0';
    msg_add(&m, "%s'%s'", i ? ", " : "", clean);
  }
  msg_add(&m, "; name one with --map drug_name=HEADER");
  rxc_error_set(err, RXC_EHEADER, NULL, 0, 0, "%s", m.text);
  return RXC_EHEADER;
}

/* The canonical name closest to a misspelt one, for "did you mean". */
static const char *suggest(const char *folded, size_t len) {
  int f = rxc_field_lookup(folded, len); /* an alias: name its canonical */
  if (f >= 0) return field_names[f];
  const char *best = NULL;
  size_t best_d = 4; /* suggest only near misses */
  for (int i = 0; i < RXC_F__COUNT; i++) {
    size_t d = rxc__edit_distance(folded, field_names[i], best_d);
    if (d < best_d) {
      best_d = d;
      best = field_names[i];
    }
  }
  return best;
}

/* Applies one "canonical=Header" item of --map. */
static rxc_status map_item(rxc_schema *s, int *col_field, rxc_str item,
                           rxc_error *err) {
  const char *eq = memchr(item.ptr, '=', item.len);
  if (!eq) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                  "--map: '%.*s' is not canonical=Header", (int)item.len,
                  item.ptr);
    return RXC_EUSAGE;
  }
  rxc_str name = rxc__trim((rxc_str){item.ptr, (size_t)(eq - item.ptr)});
  rxc_str head =
      rxc__trim((rxc_str){eq + 1, item.len - (size_t)(eq - item.ptr) - 1});
  char folded[NAME_MAX_FOLDED + 1];
  size_t flen = fold_name(name.ptr, name.len, folded);
  int f = flen ? canonical_index(folded) : -1;
  if (f < 0) {
    const char *hint = flen ? suggest(folded, flen) : NULL;
    if (hint)
      rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                    "--map: unknown column name '%.*s'; did you mean %s?",
                    (int)name.len, name.ptr, hint);
    else
      rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                    "--map: unknown column name '%.*s'; the names are "
                    "those of the contract (patient_id, birth_date, age, "
                    "sex, country, rx_date, drug_name, drug_code, form, "
                    "strength_mg, daily_dose_mg, diagnosis_codes, "
                    "co_medications, prescriber_id)",
                    (int)name.len > 64 ? 64 : (int)name.len, name.ptr);
    return RXC_EUSAGE;
  }
  if (!head.len) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                  "--map: %s= needs a header name", field_names[f]);
    return RXC_EUSAGE;
  }
  if (s->col[f] >= 0 && (s->fixed >> f & 1u)) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                  "--map: the layout sets %s itself (column '%.40s')",
                  field_names[f], s->headers[s->col[f]]);
    return RXC_EUSAGE;
  }
  if (s->col[f] >= 0) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0, "--map: %s is given twice",
                  field_names[f]);
    return RXC_EUSAGE;
  }
  int found = -1;
  for (size_t i = 0; i < s->n; i++) {
    rxc_str h = {s->headers[i], strlen(s->headers[i])};
    if (!rxc__ieq(h, head)) continue;
    if (found >= 0) {
      rxc_error_set(err, RXC_EHEADER, NULL, 0, 0,
                    "--map %s=%.*s: the header '%.*s' appears in columns %d "
                    "and %zu",
                    field_names[f], (int)head.len, head.ptr, (int)head.len,
                    head.ptr, found + 1, i + 1);
      return RXC_EHEADER;
    }
    found = (int)i;
  }
  if (found < 0) {
    rxc_error_set(err, RXC_EHEADER, NULL, 0, 0,
                  "--map %s=%.*s: the header has no column '%.*s'",
                  field_names[f], (int)head.len, head.ptr, (int)head.len,
                  head.ptr);
    return RXC_EHEADER;
  }
  if (col_field[found] >= 0) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                  "--map: column '%.*s' is mapped to both %s and %s",
                  (int)head.len, head.ptr, field_names[col_field[found]],
                  field_names[f]);
    return RXC_EUSAGE;
  }
  s->col[f] = found;
  col_field[found] = f;
  return RXC_OK;
}

static rxc_status apply_map(rxc_schema *s, int *col_field, const char *map,
                            rxc_error *err) {
  const char *p = map;
  while (*p) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    rxc_str item = rxc__trim((rxc_str){p, (size_t)(end - p)});
    if (item.len) { /* tolerate "a=b,,c=d" and a trailing comma */
      rxc_status st = map_item(s, col_field, item, err);
      if (st != RXC_OK) return st;
    }
    p = *end ? end + 1 : end;
  }
  return RXC_OK;
}

/* Whether a header is the canonical name of field f itself (folded), not
 * an alias of it. */
static int is_canonical(const char *header, rxc_field f) {
  char folded[NAME_MAX_FOLDED + 1];
  return fold_name(header, strlen(header), folded) &&
         strcmp(folded, field_names[f]) == 0;
}

/* Assigns the columns --map left over by their names and aliases.
 * prescriber_id is never interpreted, and exports often hold an internal
 * prescriber id next to an NPI: a column named prescriber_id itself is
 * taken over its aliases (which are then carried through), where two
 * columns naming any other field are an error. */
static rxc_status apply_aliases(rxc_schema *s, const int *col_field,
                                rxc_error *err) {
  int by_map[RXC_F__COUNT];
  for (int f = 0; f < RXC_F__COUNT; f++) by_map[f] = s->col[f] >= 0;
  int exact_prescriber = -1;
  for (size_t i = 0; i < s->n && exact_prescriber < 0; i++)
    if (col_field[i] < 0 && is_canonical(s->headers[i], RXC_F_PRESCRIBER_ID))
      exact_prescriber = (int)i;
  for (size_t i = 0; i < s->n; i++) {
    if (col_field[i] >= 0) continue;
    int f = rxc_field_lookup(s->headers[i], strlen(s->headers[i]));
    if (f < 0 || by_map[f]) continue; /* --map chose another column */
    if (f == RXC_F_PRESCRIBER_ID && exact_prescriber >= 0 &&
        (int)i != exact_prescriber &&
        !is_canonical(s->headers[i], RXC_F_PRESCRIBER_ID))
      continue; /* an alias, beside the canonical name: carried through */
    if (s->col[f] >= 0) {
      int j = s->col[f];
      rxc_error_set(err, RXC_EHEADER, NULL, 0, 0,
                    "columns %d ('%.40s') and %zu ('%.40s') both name %s; "
                    "choose one with --map %s=HEADER",
                    j + 1, s->headers[j], i + 1, s->headers[i],
                    field_names[f], field_names[f]);
      return RXC_EHEADER;
    }
    s->col[f] = (int)i;
  }
  return RXC_OK;
}

/* The schema of a header: `fixed` (when non-NULL) assigns columns first,
 * as the layouts do for the columns they read or derive; then --map;
 * then, when use_aliases, names and aliases. */
static rxc_status schema_make(const rxc_str *header, size_t n, const char *map,
                              const int *fixed, int use_aliases, int given,
                              rxc_schema **out, rxc_error *err) {
  *out = NULL;
  if (n == 0) {
    rxc_error_set(err, RXC_EHEADER, NULL, 0, 0,
                  given ? "no column names were given" : "no header row");
    return RXC_EHEADER;
  }
  if (n > (size_t)0x7fffffff) {
    rxc_error_set(err, RXC_ELIMIT, NULL, 0, 0, "too many columns");
    return RXC_ELIMIT;
  }
  rxc_schema *s = rxc__calloc(1, sizeof *s);
  int *col_field = rxc__malloc(n * sizeof *col_field);
  size_t text = 0;
  for (size_t i = 0; i < n; i++) text += rxc__trim(header[i]).len + 1;
  /* One block: the pointer array, then the header text. */
  char **block = NULL;
  if (s && col_field) block = rxc__malloc(n * sizeof(char *) + text);
  if (!block) {
    rxc__free(col_field);
    rxc__free(s);
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  s->n = n;
  s->headers = block;
  char *p = (char *)(block + n);
  for (size_t i = 0; i < n; i++) {
    rxc_str h = rxc__trim(header[i]);
    if (h.len) memcpy(p, h.ptr, h.len);
    p[h.len] = '\0';
    block[i] = p;
    p += h.len + 1;
    col_field[i] = -1;
  }
  for (int f = 0; f < RXC_F__COUNT; f++) s->col[f] = -1;
  for (int f = 0; fixed && f < RXC_F__COUNT; f++)
    if (fixed[f] >= 0 && (size_t)fixed[f] < n) {
      s->col[f] = fixed[f];
      col_field[fixed[f]] = f;
      s->fixed |= 1u << f;
    }

  rxc_status st = map ? apply_map(s, col_field, map, err) : RXC_OK;
  if (st == RXC_OK && use_aliases) st = apply_aliases(s, col_field, err);
  if (st == RXC_OK && s->col[RXC_F_DRUG_NAME] < 0 &&
      s->col[RXC_F_DRUG_CODE] < 0)
    st = missing_drug(s, given, err);
  rxc__free(col_field);
  if (st != RXC_OK) {
    rxc_schema_free(s);
    return st;
  }
  *out = s;
  return RXC_OK;
}

rxc_status rxc_schema_new(const rxc_str *header, size_t n, const char *map,
                          rxc_schema **out, rxc_error *err) {
  return schema_make(header, n, map, NULL, 1, 0, out, err);
}

rxc_status rxc__schema_new_given(const rxc_str *names, size_t n,
                                 const char *map, rxc_schema **out,
                                 rxc_error *err) {
  return schema_make(names, n, map, NULL, 1, 1, out, err);
}

rxc_status rxc__schema_new_fixed(const rxc_str *header, size_t n,
                                 const char *map, const int *fixed,
                                 rxc_schema **out, rxc_error *err) {
  return schema_make(header, n, map, fixed, 0, 0, out, err);
}
