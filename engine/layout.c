/*
 * layout.c - the multi-table layouts: which tables each export has, which
 * columns are read from them, and loading the side tables into the
 * per-patient indexes before the prescriptions stream.
 *
 * Tables are found by name in any case, as NAME.csv or NAME.csv.gz
 * (gz.c), and read with the streaming CSV reader in raw mode; their
 * columns are found by header name, folded to lower case, so upper-case
 * OMOP 5.3, lower-case OMOP 5.4, Synthea with or without SYSTEM and
 * MIMIC-III or MIMIC-IV headers all work. Loading order:
 *
 *   1. patients: birth date (Synthea BIRTHDATE, OMOP year/month/day of
 *      birth or birth_datetime, MIMIC-III dob), MIMIC-IV anchor_age and
 *      anchor_year, sex, country;
 *   2. diagnoses: code (with its system from a SYSTEM column, icd_version,
 *      a vocabulary, or the column's name), start and stop dates;
 *   3. a first pass over the prescriptions: each row's patient, name and
 *      dates, for co-medications (layout_rows.c lists them per row);
 *   4. OMOP only: the concept table, keeping just the concepts steps 2
 *      and 3 referred to, then resolving those references to codes and
 *      names.
 *
 * A side-table row that cannot be used is skipped and counted, and the
 * first few are kept as problems with file, line, column and reason (never
 * a value). Every index is built here on one thread; afterwards the layout
 * is only read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "layout_model.h"
#include "strutil.h"

#define BIT(r) (1u << (r))

/* ---- the layouts ----------------------------------------------------------- */

static const rxc__tabledef synthea_defs[RXC_TABLE__COUNT] = {
    [RXC_TABLE_PRESCRIPTIONS] =
        {"medications",
         {[R_KEY] = "patient", [R_START] = "start", [R_STOP] = "stop",
          [R_NAME] = "description", [R_CODE] = "code"},
         BIT(R_KEY) | BIT(R_START) | BIT(R_NAME)},
    [RXC_TABLE_DIAGNOSES] =
        {"conditions",
         {[R_KEY] = "patient", [R_START] = "start", [R_STOP] = "stop",
          [R_SYSTEM] = "system", [R_CODE] = "code"},
         BIT(R_KEY) | BIT(R_CODE)},
    [RXC_TABLE_PATIENTS] = {"patients",
                            {[R_KEY] = "id", [R_BIRTH] = "birthdate",
                             [R_SEX] = "gender"},
                            BIT(R_KEY) | BIT(R_BIRTH)},
};

static const rxc__tabledef omop_defs[RXC_TABLE__COUNT] = {
    [RXC_TABLE_PRESCRIPTIONS] =
        {"drug_exposure",
         {[R_KEY] = "person_id",
          [R_START] = "drug_exposure_start_date|drug_exposure_start_datetime",
          [R_STOP] = "drug_exposure_end_date|drug_exposure_end_datetime",
          [R_CONCEPT] = "drug_concept_id",
          [R_SOURCE_CONCEPT] = "drug_source_concept_id",
          [R_SOURCE_VALUE] = "drug_source_value",
          [R_DAYS_SUPPLY] = "days_supply"},
         BIT(R_KEY) | BIT(R_START) | BIT(R_CONCEPT)},
    [RXC_TABLE_DIAGNOSES] =
        {"condition_occurrence",
         {[R_KEY] = "person_id",
          [R_START] = "condition_start_date|condition_start_datetime",
          [R_STOP] = "condition_end_date|condition_end_datetime",
          [R_CONCEPT] = "condition_concept_id",
          [R_SOURCE_CONCEPT] = "condition_source_concept_id",
          [R_SOURCE_VALUE] = "condition_source_value"},
         BIT(R_KEY) | BIT(R_CONCEPT)},
    [RXC_TABLE_PATIENTS] = {"person",
                            {[R_KEY] = "person_id",
                             [R_YEAR] = "year_of_birth",
                             [R_MONTH] = "month_of_birth",
                             [R_DAY] = "day_of_birth",
                             [R_BIRTH_DT] = "birth_datetime",
                             [R_SEX] = "gender_source_value"},
                            BIT(R_KEY) | BIT(R_YEAR)},
    [RXC_TABLE_CONCEPTS] = {"concept",
                            {[R_ID] = "concept_id", [R_NAME] = "concept_name",
                             [R_VOCAB] = "vocabulary_id",
                             [R_CODE] = "concept_code"},
                            BIT(R_ID) | BIT(R_NAME) | BIT(R_VOCAB) |
                                BIT(R_CODE)},
};

/* MIMIC-IV hosp module; the MIMIC-III names (startdate, icd9_code, dob)
 * are alternatives, so the same layout reads the MIMIC-III demo. */
static const rxc__tabledef mimic_defs[RXC_TABLE__COUNT] = {
    [RXC_TABLE_PRESCRIPTIONS] =
        {"prescriptions",
         {[R_KEY] = "subject_id", [R_START] = "starttime|startdate",
          [R_STOP] = "stoptime|enddate", [R_NAME] = "drug", [R_CODE] = "ndc",
          [R_FORM] = "form_rx", [R_FORM2] = "form_unit_disp",
          [R_STRENGTH] = "prod_strength", [R_DOSE] = "dose_val_rx",
          [R_DOSE_UNIT] = "dose_unit_rx", [R_PER_DAY] = "doses_per_24_hrs"},
         BIT(R_KEY) | BIT(R_START) | BIT(R_NAME)},
    [RXC_TABLE_DIAGNOSES] = {"diagnoses_icd",
                             {[R_KEY] = "subject_id",
                              [R_CODE] = "icd_code|icd9_code",
                              [R_SYSTEM] = "icd_version"},
                             BIT(R_KEY) | BIT(R_CODE)},
    [RXC_TABLE_PATIENTS] = {"patients",
                            {[R_KEY] = "subject_id",
                             [R_ANCHOR_AGE] = "anchor_age",
                             [R_ANCHOR_YEAR] = "anchor_year",
                             [R_BIRTH] = "dob", [R_SEX] = "gender"},
                            BIT(R_KEY)},
};

/* The generic join: a prescriptions export (columns by the usual aliases;
 * the stop date by these names), and diagnoses and patients files with
 * common names. The key column comes from --join. */
static const rxc__tabledef join_defs[RXC_TABLE__COUNT] = {
    [RXC_TABLE_PRESCRIPTIONS] =
        {"prescriptions",
         {[R_STOP] = "stop_date|stop|end_date|end|enddate|stoptime|stop_time|"
                     "end_time|discontinued_date"},
         0},
    [RXC_TABLE_DIAGNOSES] =
        {"diagnoses",
         {[R_CODE] = "diagnosis_code|diagnosis_codes|diagnosis|dx|dx_code|"
                     "code|icd_code|icd10_code|icd9_code|icd10_codes|"
                     "icd_codes|icd10|icd9|snomed_code|snomed|"
                     "condition_code|diagnoses",
          [R_SYSTEM] = "system|code_system|coding_system|vocabulary|"
                       "vocabulary_id|icd_version",
          [R_START] = "start_date|start|startdate|onset_date|onset|"
                      "diagnosis_date|recorded_date|date",
          [R_STOP] = "stop_date|stop|end_date|end|enddate|resolved_date|"
                     "abatement_date"},
         BIT(R_CODE)},
    [RXC_TABLE_PATIENTS] = {"patients",
                            {[R_BIRTH] = "birth_date|birthdate|dob|"
                                         "date_of_birth",
                             [R_YEAR] = "year_of_birth",
                             [R_MONTH] = "month_of_birth",
                             [R_DAY] = "day_of_birth",
                             [R_SEX] = "sex|gender",
                             [R_COUNTRY] = "country|country_code|"
                                           "jurisdiction"},
                            0},
};

static const char *const role_names[R__COUNT] = {
    [R_KEY] = "the patient key", [R_START] = "the start date",
    [R_STOP] = "the stop date", [R_NAME] = "the drug name",
    [R_CODE] = "the code", [R_SYSTEM] = "the code system",
    [R_CONCEPT] = "the concept id", [R_BIRTH] = "the birth date",
    [R_YEAR] = "the year of birth", [R_ID] = "the concept id",
    [R_VOCAB] = "the vocabulary"};

static const char *const table_roles[RXC_TABLE__COUNT] = {
    "prescriptions", "diagnoses", "patients", "concepts"};

static const char *const layout_names[] = {
#define RXC_X_(name, text) text,
    RXC_LAYOUT_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_layout_name(rxc_layout_kind k) {
  if ((unsigned)k >= RXC_LAYOUT__COUNT) return "";
  return layout_names[k];
}

int rxc_layout_parse(const char *name, rxc_layout_kind *out) {
  if (!name) return 0;
  rxc_str s = rxc__trim((rxc_str){name, strlen(name)});
  for (int k = 0; k < RXC_LAYOUT__COUNT; k++)
    if (rxc__ieq_cstr(s, layout_names[k])) {
      *out = (rxc_layout_kind)k;
      return 1;
    }
  if (rxc__ieq_cstr(s, "mimic") || rxc__ieq_cstr(s, "mimic-iv") ||
      rxc__ieq_cstr(s, "mimiciv")) {
    *out = RXC_LAYOUT_MIMIC4;
    return 1;
  }
  return 0;
}

/* ---- small helpers shared with layout_rows.c ------------------------------ */

int rxc__find_column(char *const *folded, size_t n, const char *names) {
  if (!names) return -1;
  const char *p = names;
  while (*p) {
    const char *end = strchr(p, '|');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    for (size_t i = 0; i < n; i++)
      if (strlen(folded[i]) == len && memcmp(folded[i], p, len) == 0)
        return (int)i;
    if (!end) break;
    p = end + 1;
  }
  return -1;
}

static int contains_ci(rxc_str s, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= s.len; i++)
    if (rxc__ieq((rxc_str){s.ptr + i, k}, (rxc_str){needle, k})) return 1;
  return 0;
}

rxc_system rxc__system_from_value(rxc_str v, int icd_version) {
  v = rxc__trim(v);
  if (!v.len) return RXC_SYS_NONE;
  if (icd_version) {
    if (rxc__ieq_cstr(v, "9")) return RXC_SYS_ICD9;
    if (rxc__ieq_cstr(v, "10")) return RXC_SYS_ICD10;
    return RXC_SYS_NONE;
  }
  /* URLs (http://snomed.info/sct, http://hl7.org/fhir/sid/icd-10-cm) and
   * vocabulary ids (SNOMED, ICD10CM, ICD9CM, RxNorm, NDC, ATC ...). */
  if (contains_ci(v, "snomed") || rxc__ieq_cstr(v, "sct") ||
      contains_ci(v, "/sct"))
    return RXC_SYS_SNOMED;
  if (contains_ci(v, "icd-10") || contains_ci(v, "icd10"))
    return RXC_SYS_ICD10;
  if (contains_ci(v, "icd-9") || contains_ci(v, "icd9")) return RXC_SYS_ICD9;
  if (contains_ci(v, "rxnorm extension")) return RXC_SYS_NONE;
  return rxc_system_lookup(v.ptr, v.len);
}

int rxc__parse_long(rxc_str s, long *out) {
  s = rxc__trim(s);
  size_t i = 0;
  int neg = 0;
  if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) neg = s.ptr[i++] == '-';
  if (i == s.len) return 0;
  long v = 0;
  for (; i < s.len; i++) {
    int c = (unsigned char)s.ptr[i];
    if (!rxc__isdigit(c)) return 0;
    if (v > 100000000L) return 0; /* no field here is that large */
    v = v * 10 + (c - '0');
  }
  *out = neg ? -v : v;
  return 1;
}

void rxc__header_label(const char *h, char *out, size_t cap) {
  size_t n = 0, len = strlen(h);
  for (size_t i = 0; i < len && n + 4 < cap && n < 40; i++) {
    unsigned char c = (unsigned char)h[i];
    out[n++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
  }
  if (n < len && n + 4 <= cap) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

long rxc__patient_find(const rxc_layout *l, rxc_str key) {
  key = rxc__trim(key);
  if (!key.len) return -1;
  return rxc__strtab_find(&l->keys, key.ptr, key.len);
}

/* A concept id as its 4-byte key: digits, 1 to UINT32_MAX - 1. */
static int concept_key(rxc_str s, unsigned char key[4]) {
  s = rxc__trim(s);
  if (!s.len || s.len > 10) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < s.len; i++) {
    if (!rxc__isdigit((unsigned char)s.ptr[i])) return 0;
    v = v * 10 + (uint64_t)(s.ptr[i] - '0');
  }
  if (v == 0 || v >= UINT32_MAX) return 0; /* 0: "no matching concept" */
  uint32_t u = (uint32_t)v;
  memcpy(key, &u, 4);
  return 1;
}

const rxc__concept *rxc__concept_find(const rxc_layout *l, rxc_str id) {
  unsigned char key[4];
  if (!l->concepts || !concept_key(id, key)) return NULL;
  long k = rxc__strtab_find(&l->concept_ids, (const char *)key, 4);
  return k < 0 ? NULL : &l->concepts[k];
}

/* ---- problems ------------------------------------------------------------------ */

static void problem(rxc_layout *l, const char *file, unsigned long line,
                    unsigned long col, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void problem(rxc_layout *l, const char *file, unsigned long line,
                    unsigned long col, const char *fmt, ...) {
  rxc_layout_stats *s = &l->stats;
  s->problems_total++;
  if (s->nproblems >= RXC_LAYOUT_MAX_PROBLEMS) return;
  rxc_error *e = &s->problems[s->nproblems++];
  char msg[sizeof e->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rxc_error_set(e, RXC_OK, file, line, col, "%s", msg);
}

/* ---- loading one table ----------------------------------------------------------- */

typedef struct loader loader;
typedef int (*row_fn)(loader *ld, const rxc_str *f, size_t n,
                      unsigned long line, unsigned long number);

struct loader {
  rxc_layout *l;
  rxc_table_role role;
  const rxc__tabledef *def;
  const char *path;
  rxc__columns c; /* the table's columns by role */
  size_t ncol;
  row_fn row;
  rxc_table_stats *stats;
  rxc_error *err;
  rxc_status status; /* set by a callback that stops the run */
  rxc__loading dx, rx;
  rxc__strtab refs; /* OMOP: references resolved after the concepts */
};

static rxc_status oom(loader *ld) {
  ld->status = RXC_ENOMEM;
  rxc_error_set(ld->err, RXC_ENOMEM, ld->path, 0, 0, "out of memory");
  return RXC_ENOMEM;
}

static int patient_of(loader *ld, rxc_str key, uint32_t *out) {
  rxc_layout *l = ld->l;
  key = rxc__trim(key);
  if (rxc__strtab_intern(&l->keys, key.ptr, key.len, out) != 0) return -1;
  if (*out >= l->cap_pat) {
    size_t old = l->cap_pat;
    if (rxc__grow((void **)&l->pat, &l->cap_pat, (size_t)*out + 1,
                  sizeof *l->pat))
      return -1;
    for (size_t i = old; i < l->cap_pat; i++) {
      memset(&l->pat[i], 0, sizeof l->pat[i]);
      l->pat[i].anchor_age = -1;
    }
  }
  return 0;
}

static rxc_str field(const loader *ld, const rxc_str *f, rxc__role r) {
  return ld->c.col[r] >= 0 ? rxc__trim(f[ld->c.col[r]]) : (rxc_str){"", 0};
}

/* A date column: 1 with *out (RXC__DATE_MIN/MAX stand-in when empty), 0
 * when not a date (after recording the problem). */
static int date_field(loader *ld, const rxc_str *f, rxc__role r,
                      unsigned long line, int32_t empty, int32_t *out) {
  rxc_str v = field(ld, f, r);
  *out = empty;
  if (!v.len) return 1;
  rxc_date d;
  if (!rxc_date_parse(v.ptr, v.len, &d)) {
    problem(ld->l, ld->path, line, (unsigned long)ld->c.col[r] + 1,
            "%s row skipped: column '%s' is not a valid date (expected "
            "YYYY-MM-DD, a time may follow)",
            table_roles[ld->role], ld->c.labels[r]);
    return 0;
  }
  *out = rxc__date_pack(d);
  return 1;
}

static int skip(loader *ld) {
  ld->stats->skipped++;
  return 0;
}

/* ---- patients ---------------------------------------------------------------------- */

static int intern_value(rxc_layout *l, rxc_str v, uint32_t *out) {
  v = rxc__trim(v);
  *out = 0;
  if (!v.len || v.len > 64 || !rxc__utf8_valid(v.ptr, v.len)) return 0;
  uint32_t id;
  if (rxc__strtab_intern(&l->values, v.ptr, v.len, &id) != 0) return -1;
  if (id >= 0xFFFE) return 0; /* more distinct values than any real column */
  *out = id + 1;
  return 0;
}

static int patient_row(loader *ld, const rxc_str *f, size_t n,
                       unsigned long line, unsigned long number) {
  (void)n;
  (void)number;
  rxc_layout *l = ld->l;
  rxc_str key = field(ld, f, R_KEY);
  unsigned long kcol = (unsigned long)ld->c.col[R_KEY] + 1;
  if (!key.len) {
    problem(l, ld->path, line, kcol, "patients row skipped: empty patient key");
    return skip(ld);
  }
  rxc__patient p;
  memset(&p, 0, sizeof p);
  p.anchor_age = -1;
  rxc_str v = field(ld, f, R_BIRTH);
  rxc_date d;
  if (v.len) {
    if (!rxc_date_parse(v.ptr, v.len, &d)) {
      problem(l, ld->path, line, (unsigned long)ld->c.col[R_BIRTH] + 1,
              "patients row skipped: column '%s' is not a valid date "
              "(expected YYYY-MM-DD, a time may follow)",
              ld->c.labels[R_BIRTH]);
      return skip(ld);
    }
    p.birth = rxc__date_pack(d);
  }
  /* OMOP: year, month and day of birth; a year alone leaves the age
   * uncertain by one, so it gives no birth date (the age stays unknown
   * rather than guessed). birth_datetime when the parts are missing. */
  rxc_str y = field(ld, f, R_YEAR), m = field(ld, f, R_MONTH),
          dd = field(ld, f, R_DAY);
  if (!p.birth && (y.len || m.len || dd.len)) {
    long yy = 0, mm = 0, dy = 0;
    int ok = (!y.len || rxc__parse_long(y, &yy)) &&
             (!m.len || rxc__parse_long(m, &mm)) &&
             (!dd.len || rxc__parse_long(dd, &dy));
    char buf[16];
    if (ok && y.len && m.len && dd.len) {
      snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", yy, mm, dy);
      ok = yy > 0 && yy < 10000 && mm > 0 && mm < 13 && dy > 0 && dy < 32 &&
           rxc_date_parse(buf, strlen(buf), &d);
      if (ok) p.birth = rxc__date_pack(d);
    } else if (ok && y.len) {
      ok = yy > 0 && yy < 10000 && (!m.len || (mm > 0 && mm < 13));
    }
    if (!ok) {
      int c = ld->c.col[R_YEAR];
      problem(l, ld->path, line, (unsigned long)(c >= 0 ? c : 0) + 1,
              "patients row skipped: the year, month and day of birth do "
              "not make a date");
      return skip(ld);
    }
  }
  v = field(ld, f, R_BIRTH_DT);
  if (!p.birth && v.len) {
    if (!rxc_date_parse(v.ptr, v.len, &d)) {
      problem(l, ld->path, line, (unsigned long)ld->c.col[R_BIRTH_DT] + 1,
              "patients row skipped: column '%s' is not a valid date",
              ld->c.labels[R_BIRTH_DT]);
      return skip(ld);
    }
    p.birth = rxc__date_pack(d);
  }
  rxc_str aa = field(ld, f, R_ANCHOR_AGE), ay = field(ld, f, R_ANCHOR_YEAR);
  if (aa.len || ay.len) {
    long a = 0, yr = 0;
    if (!rxc__parse_long(aa, &a) || !rxc__parse_long(ay, &yr) || a < 0 ||
        a > 150 || yr < 1 || yr > 9999) {
      int c = ld->c.col[aa.len ? R_ANCHOR_AGE : R_ANCHOR_YEAR];
      problem(l, ld->path, line, (unsigned long)(c >= 0 ? c : 0) + 1,
              "patients row skipped: anchor_age and anchor_year must both "
              "be whole numbers (age 0 to 150)");
      return skip(ld);
    }
    p.anchor_age = (int16_t)a;
    p.anchor_year = (int16_t)yr;
  }
  uint32_t sex, country;
  if (intern_value(l, field(ld, f, R_SEX), &sex) ||
      intern_value(l, field(ld, f, R_COUNTRY), &country))
    return -1;
  p.sex = sex;
  p.country = (uint16_t)country;
  uint32_t id;
  if (patient_of(ld, key, &id) != 0) return -1;
  if (l->pat[id].seen) {
    problem(l, ld->path, line, kcol,
            "patients row skipped: the patient key appears twice; the first "
            "row is used");
    return skip(ld);
  }
  p.seen = 1;
  l->pat[id] = p;
  ld->stats->loaded++;
  return 0;
}

/* ---- diagnoses ------------------------------------------------------------------------ */

/* Interns a diagnosis code "system:code" (or bare, for inference) when it
 * reads as a code; *out = RXC__NONE otherwise. */
static int intern_dx_code(rxc_layout *l, rxc_system sys, rxc_str item,
                          uint32_t *out) {
  *out = RXC__NONE;
  item = rxc__trim(item);
  if (!item.len || item.len > 64) return 0;
  char text[96], buf[96];
  int k;
  if (sys != RXC_SYS_NONE && !memchr(item.ptr, ':', item.len))
    k = snprintf(text, sizeof text, "%s:%.*s", rxc_system_name(sys),
                 (int)item.len, item.ptr);
  else
    k = snprintf(text, sizeof text, "%.*s", (int)item.len, item.ptr);
  if (k <= 0 || (size_t)k >= sizeof text) return 0;
  rxc_code code;
  if (!rxc_code_parse(text, (size_t)k, 0, buf, &code)) return 0;
  if (code.system != RXC_SYS_ICD10 && code.system != RXC_SYS_ICD9 &&
      code.system != RXC_SYS_SNOMED)
    return 0;
  return rxc__strtab_intern(&l->codes, text, (size_t)k, out);
}

/* OMOP: a reference to resolve once the concepts are loaded. */
typedef struct cref {
  uint32_t source_concept, concept, source_value;
} cref;

static int want_concept(rxc_layout *l, rxc_str id, uint32_t *out) {
  unsigned char key[4];
  *out = 0;
  if (!concept_key(id, key)) return 0;
  uint32_t k;
  if (rxc__strtab_intern(&l->concept_ids, (const char *)key, 4, &k) != 0)
    return -1;
  if (k >= l->cap_concepts) {
    size_t old = l->cap_concepts;
    if (rxc__grow((void **)&l->concepts, &l->cap_concepts, (size_t)k + 1,
                  sizeof *l->concepts))
      return -1;
    for (size_t i = old; i < l->cap_concepts; i++)
      l->concepts[i] = (rxc__concept){RXC__NONE, RXC__NONE};
  }
  memcpy(out, key, 4);
  return 0;
}

static int dx_row(loader *ld, const rxc_str *f, size_t n, unsigned long line,
                  unsigned long number) {
  (void)n;
  (void)number;
  rxc_layout *l = ld->l;
  rxc_str key = field(ld, f, R_KEY);
  if (!key.len) {
    problem(l, ld->path, line, (unsigned long)ld->c.col[R_KEY] + 1,
            "diagnoses row skipped: empty patient key");
    return skip(ld);
  }
  rxc__dx_entry e;
  if (!date_field(ld, f, R_START, line, RXC__DATE_MIN, &e.start) ||
      !date_field(ld, f, R_STOP, line, RXC__DATE_MAX, &e.stop))
    return skip(ld);
  uint32_t p;
  if (patient_of(ld, key, &p) != 0) return -1;
  if (l->kind == RXC_LAYOUT_OMOP) {
    cref r = {0, 0, RXC__NONE};
    if (want_concept(l, field(ld, f, R_SOURCE_CONCEPT), &r.source_concept) ||
        want_concept(l, field(ld, f, R_CONCEPT), &r.concept) ||
        intern_dx_code(l, RXC_SYS_NONE, field(ld, f, R_SOURCE_VALUE),
                       &r.source_value))
      return -1;
    if (!r.source_concept && !r.concept && r.source_value == RXC__NONE) {
      ld->stats->ignored++;
      return 0;
    }
    if (rxc__strtab_intern(&ld->refs, (const char *)&r, sizeof r, &e.code) ||
        rxc__loading_add(&ld->dx, p, &e))
      return -1;
    ld->stats->loaded++;
    return 0;
  }
  rxc_system sys = ld->c.implied;
  rxc_str sv = field(ld, f, R_SYSTEM);
  if (sv.len) {
    sys = rxc__system_from_value(sv, l->kind == RXC_LAYOUT_MIMIC4);
    if (sys == RXC_SYS_NONE) {
      if (l->kind == RXC_LAYOUT_MIMIC4) {
        problem(l, ld->path, line, (unsigned long)ld->c.col[R_SYSTEM] + 1,
                "diagnoses row skipped: column '%s' must be 9 or 10",
                ld->c.labels[R_SYSTEM]);
        return skip(ld);
      }
      ld->stats->ignored++; /* a vocabulary the packs do not use */
      return 0;
    }
  }
  /* One code, or (generic files) a list split on ';' or '|'. */
  rxc_str codes = field(ld, f, R_CODE);
  int kept = 0;
  size_t pos = 0;
  while (pos <= codes.len && codes.len) {
    size_t start = pos;
    while (pos < codes.len && codes.ptr[pos] != ';' && codes.ptr[pos] != '|')
      pos++;
    rxc_str item = {codes.ptr + start, pos - start};
    pos++;
    uint32_t id;
    if (intern_dx_code(l, sys, item, &id) != 0) return -1;
    if (id == RXC__NONE) continue;
    e.code = id;
    if (rxc__loading_add(&ld->dx, p, &e) != 0) return -1;
    kept = 1;
  }
  if (kept)
    ld->stats->loaded++;
  else
    ld->stats->ignored++; /* an empty or unrecognised code */
  return 0;
}

/* ---- prescriptions (first pass) ---------------------------------------------------- */

/* A name for the co-medications list: valid UTF-8, without the list
 * separators (';' and '|' become ','). */
static int intern_name(rxc_layout *l, rxc_str v, uint32_t *out) {
  v = rxc__trim(v);
  *out = RXC__NONE;
  if (!v.len || v.len > 1024 || !rxc__utf8_valid(v.ptr, v.len)) return 0;
  char buf[1024];
  memcpy(buf, v.ptr, v.len);
  for (size_t i = 0; i < v.len; i++)
    if (buf[i] == ';' || buf[i] == '|') buf[i] = ',';
  return rxc__strtab_intern(&l->names, buf, v.len, out);
}

static int rx_row(loader *ld, const rxc_str *f, size_t n, unsigned long line,
                  unsigned long number) {
  (void)line;
  rxc_layout *l = ld->l;
  /* Rows the stream will reject are left out quietly: the stream reports
   * them, with their reasons, as rejects. */
  if (n != ld->ncol) return 0;
  rxc_str key = field(ld, f, R_KEY);
  rxc_str sv = field(ld, f, R_START);
  rxc_date d;
  if (!key.len || !sv.len || !rxc_date_parse(sv.ptr, sv.len, &d)) {
    ld->stats->ignored++;
    return 0;
  }
  rxc__rx_entry e;
  e.start = rxc__date_pack(d);
  e.row = number > UINT32_MAX ? UINT32_MAX : (uint32_t)number;
  if (ld->c.col[R_STOP] < 0) {
    e.stop = e.start; /* no stop column: taken on its date only */
  } else {
    rxc_str st = field(ld, f, R_STOP);
    if (!st.len) {
      e.stop = RXC__DATE_MAX; /* ongoing */
      long days;
      if (rxc__parse_long(field(ld, f, R_DAYS_SUPPLY), &days) && days > 0 &&
          days < 100000)
        e.stop = rxc__date_pack(rxc__date_add_days(d, days - 1));
    } else {
      rxc_date s;
      if (!rxc_date_parse(st.ptr, st.len, &s)) return 0;
      e.stop = rxc__date_pack(s);
      if (e.stop < e.start) e.stop = e.start; /* a reversed period */
    }
  }
  uint32_t p;
  if (l->kind == RXC_LAYOUT_OMOP) {
    cref r = {0, 0, RXC__NONE};
    if (want_concept(l, field(ld, f, R_CONCEPT), &r.concept) ||
        want_concept(l, field(ld, f, R_SOURCE_CONCEPT), &r.source_concept) ||
        intern_name(l, field(ld, f, R_SOURCE_VALUE), &r.source_value))
      return -1;
    if (!r.concept && !r.source_concept && r.source_value == RXC__NONE) {
      ld->stats->ignored++;
      return 0;
    }
    if (rxc__strtab_intern(&ld->refs, (const char *)&r, sizeof r, &e.name))
      return -1;
  } else {
    int nc = ld->c.explicit_cols[RXC_F_DRUG_NAME];
    int cc = ld->c.explicit_cols[RXC_F_DRUG_CODE];
    rxc_str name = ld->c.col[R_NAME] >= 0 ? field(ld, f, R_NAME)
                   : nc >= 0            ? rxc__trim(f[nc])
                                        : (rxc_str){"", 0};
    if (!name.len)
      name = ld->c.col[R_CODE] >= 0 ? field(ld, f, R_CODE)
             : cc >= 0            ? rxc__trim(f[cc])
                                  : (rxc_str){"", 0};
    if (intern_name(l, name, &e.name) != 0) return -1;
    if (e.name == RXC__NONE) {
      ld->stats->ignored++;
      return 0;
    }
  }
  if (patient_of(ld, key, &p) != 0 || rxc__loading_add(&ld->rx, p, &e) != 0)
    return -1;
  ld->stats->loaded++;
  return 0;
}

/* ---- OMOP concepts ---------------------------------------------------------------------- */

static int concept_row(loader *ld, const rxc_str *f, size_t n,
                       unsigned long line, unsigned long number) {
  (void)n;
  (void)line;
  (void)number;
  rxc_layout *l = ld->l;
  unsigned char key[4];
  long k = -1;
  if (concept_key(field(ld, f, R_ID), key))
    k = rxc__strtab_find(&l->concept_ids, (const char *)key, 4);
  if (k < 0) {
    ld->stats->ignored++; /* a concept the export never refers to */
    return 0;
  }
  rxc__concept *c = &l->concepts[k];
  if (intern_name(l, field(ld, f, R_NAME), &c->name) != 0) return -1;
  rxc_system sys = rxc__system_from_value(field(ld, f, R_VOCAB), 0);
  if (sys == RXC_SYS_ICD10 || sys == RXC_SYS_ICD9 || sys == RXC_SYS_SNOMED)
    if (intern_dx_code(l, sys, field(ld, f, R_CODE), &c->code) != 0)
      return -1;
  ld->stats->loaded++;
  return 0;
}

/* ---- the reader plumbing ------------------------------------------------------------------- */

/* The JOIN key column of a side table: the header named like --join, or
 * one that names the same canonical field ("patient_id" finds
 * subject_id). */
static int join_column(const rxc_str *header, char *const *folded, size_t n,
                       const char *join) {
  char fj[72];
  if (!rxc__fold_header(join, strlen(join), fj, sizeof fj)) return -1;
  for (size_t i = 0; i < n; i++)
    if (strcmp(folded[i], fj) == 0) return (int)i;
  int f = rxc_field_lookup(join, strlen(join));
  if (f < 0) return -1;
  for (size_t i = 0; i < n; i++)
    if (rxc_field_lookup(header[i].ptr, header[i].len) == f) return (int)i;
  return -1;
}

static void list_looked_for(char *out, size_t cap, const char *names) {
  size_t o = 0;
  for (const char *p = names; *p && o + 8 < cap; p++) {
    if (*p == '|') {
      o += (size_t)snprintf(out + o, cap - o, ", ");
    } else {
      out[o++] = *p;
    }
  }
  out[o < cap ? o : cap - 1] = '\0';
}

rxc_status rxc__resolve_header(const rxc_layout *l, rxc_table_role role,
                               const rxc_str *header, size_t n,
                               rxc__columns *out, rxc_error *err) {
  const rxc__tabledef *def = l->defs[role];
  char **folded = rxc__calloc(n ? n : 1, sizeof *folded);
  char *text = rxc__malloc(n * 72 + 1);
  if (!folded || !text) {
    rxc__free(folded);
    rxc__free(text);
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    folded[i] = text + i * 72;
    rxc__fold_header(header[i].ptr, header[i].len, folded[i], 72);
  }
  for (int r = 0; r < R__COUNT; r++) {
    out->col[r] = rxc__find_column(folded, n, def->cols[r]);
    out->labels[r][0] = '\0';
  }
  for (int f = 0; f < RXC_F__COUNT; f++) out->explicit_cols[f] = -1;
  rxc_status st = RXC_OK;
  int bad_role = -1;
  if (l->kind == RXC_LAYOUT_JOIN) {
    if (role == RXC_TABLE_PRESCRIPTIONS) {
      /* The prescriptions file: as a flat export (aliases, --map). */
      rxc_schema *s = NULL;
      st = rxc_schema_new(header, n, l->map, &s, err);
      if (st != RXC_OK) goto done;
      for (int f = 0; f < RXC_F__COUNT; f++)
        out->explicit_cols[f] = rxc_schema_column(s, (rxc_field)f);
      rxc_schema_free(s);
      out->col[R_START] = out->explicit_cols[RXC_F_RX_DATE];
    }
    out->col[R_KEY] = join_column(header, folded, n, l->join);
    if (out->col[R_KEY] < 0) bad_role = R_KEY;
  }
  for (int r = 0; r < R__COUNT && bad_role < 0; r++)
    if ((def->required >> r & 1u) && out->col[r] < 0) bad_role = r;
  if (bad_role < 0 && l->kind == RXC_LAYOUT_OMOP &&
      role == RXC_TABLE_DIAGNOSES && out->col[R_CONCEPT] < 0 &&
      out->col[R_SOURCE_VALUE] < 0)
    bad_role = R_CONCEPT;
  if (bad_role >= 0) {
    char looked[256];
    if (bad_role == R_KEY && l->kind == RXC_LAYOUT_JOIN)
      snprintf(looked, sizeof looked, "%s (--join)", l->join);
    else
      list_looked_for(looked, sizeof looked, def->cols[bad_role]);
    rxc_error_set(err, RXC_EHEADER, NULL, 0, 0,
                  "the %s table has no column for %s: looked for %s",
                  table_roles[role],
                  role_names[bad_role] ? role_names[bad_role] : "a value",
                  looked);
    st = RXC_EHEADER;
    goto done;
  }
  /* A code column named for its system (icd9_code, icd10_code, snomed). */
  out->implied = RXC_SYS_NONE;
  if (role == RXC_TABLE_DIAGNOSES && out->col[R_CODE] >= 0) {
    const char *cn = folded[out->col[R_CODE]];
    rxc_str cs = {cn, strlen(cn)};
    if (l->kind == RXC_LAYOUT_SYNTHEA)
      out->implied = RXC_SYS_SNOMED; /* conditions.CODE is SNOMED CT */
    else if (contains_ci(cs, "icd9"))
      out->implied = RXC_SYS_ICD9;
    else if (contains_ci(cs, "icd10"))
      out->implied = RXC_SYS_ICD10;
    else if (contains_ci(cs, "snomed"))
      out->implied = RXC_SYS_SNOMED;
  }
  for (int r = 0; r < R__COUNT; r++)
    if (out->col[r] >= 0) {
      /* The header as written, for messages. */
      char h[72];
      rxc_str t = rxc__trim(header[out->col[r]]);
      snprintf(h, sizeof h, "%.*s", (int)(t.len < 64 ? t.len : 64), t.ptr);
      rxc__header_label(h, out->labels[r], sizeof out->labels[r]);
    }
done:
  rxc__free(folded);
  rxc__free(text);
  return st;
}

static int on_header(const rxc_str *header, size_t n, unsigned long line,
                     void *ud) {
  loader *ld = ud;
  rxc_layout *l = ld->l;
  ld->ncol = n;
  rxc_status st = rxc__resolve_header(l, ld->role, header, n, &ld->c, ld->err);
  if (st != RXC_OK) {
    if (ld->err) {
      snprintf(ld->err->file, sizeof ld->err->file, "%s", ld->path);
      ld->err->line = line;
    }
    ld->status = st;
    return 1;
  }
  if (ld->role == RXC_TABLE_PATIENTS) {
    l->pt_birth = ld->c.col[R_BIRTH] >= 0 || ld->c.col[R_YEAR] >= 0 ||
                  ld->c.col[R_BIRTH_DT] >= 0;
    l->pt_age = ld->c.col[R_ANCHOR_AGE] >= 0;
    l->pt_sex = ld->c.col[R_SEX] >= 0;
    l->pt_country = ld->c.col[R_COUNTRY] >= 0;
  }
  return 0;
}

static int on_row(const rxc_str *f, size_t n, unsigned long line,
                  unsigned long number, void *ud) {
  loader *ld = ud;
  ld->stats->rows++;
  if (ld->role != RXC_TABLE_PRESCRIPTIONS && n != ld->ncol) {
    problem(ld->l, ld->path, line, 0,
            "%s row skipped: expected %zu fields as in the header, found %zu",
            table_roles[ld->role], ld->ncol, n);
    ld->stats->skipped++;
    return 0;
  }
  if (ld->role != RXC_TABLE_PRESCRIPTIONS) {
    for (size_t i = 0; i < n; i++)
      if (f[i].len > ld->l->max_field) {
        problem(ld->l, ld->path, line, (unsigned long)i + 1,
                "%s row skipped: a field is longer than the limit",
                table_roles[ld->role]);
        ld->stats->skipped++;
        return 0;
      }
  }
  if (ld->row(ld, f, n, line, number) < 0) {
    oom(ld);
    return 1;
  }
  return 0;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  loader *ld = ud;
  ld->stats->rows++;
  if (ld->role == RXC_TABLE_PRESCRIPTIONS) return 0; /* the stream says */
  ld->stats->skipped++;
  problem(ld->l, ld->path, rej->line, rej->column, "%s row skipped: %s",
          table_roles[ld->role], rej->message);
  return 0;
}

static rxc_status load_table(rxc_layout *l, loader *ld,
                             const rxc_input_options *io, rxc_error *err) {
  ld->l = l;
  ld->def = l->defs[ld->role];
  ld->path = l->paths[ld->role];
  ld->stats = &l->stats.tables[ld->role];
  ld->err = err;
  ld->status = RXC_OK;
  FILE *in = NULL;
  rxc_status st = rxc_table_open(ld->path, &in, err);
  if (st != RXC_OK) return st;
  rxc_reader *r = NULL;
  st = rxc_reader_new(io, &r);
  if (st != RXC_OK) {
    fclose(in);
    return oom(ld);
  }
  rxc_reader_set_header_handler(r, on_header, ld);
  rxc_reader_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.on_reject = on_reject;
  cb.on_row = on_row;
  cb.ud = ld;
  rxc_error rerr;
  memset(&rerr, 0, sizeof rerr);
  st = rxc_reader_run(r, in, ld->path, &cb, &rerr);
  if (ld->status != RXC_OK) {
    st = ld->status; /* err already says why */
  } else if (st != RXC_OK) {
    if (err) *err = rerr;
  }
  rxc_reader_free(r);
  if (in != stdin) fclose(in);
  return st;
}

/* ---- resolving OMOP references ---------------------------------------------------------- */

static uint32_t concept_at(const rxc_layout *l, uint32_t key, int name) {
  if (!key) return RXC__NONE;
  long k = rxc__strtab_find(&l->concept_ids, (const char *)&key, 4);
  if (k < 0) return RXC__NONE;
  return name ? l->concepts[k].name : l->concepts[k].code;
}

/* Rewrites the entries' reference ids into code or name ids, dropping
 * the entries that resolve to nothing. */
static int resolve(rxc_layout *l, rxc__loading *load, const rxc__strtab *refs,
                   int names, rxc_table_stats *st) {
  size_t nrefs = refs->n;
  uint32_t *to = rxc__malloc((nrefs ? nrefs : 1) * sizeof *to);
  if (!to) return -1;
  for (size_t i = 0; i < nrefs; i++) {
    cref r;
    memcpy(&r, rxc__strtab_get(refs, (uint32_t)i).ptr, sizeof r);
    uint32_t v;
    if (names) {
      /* Drugs: the concept's name, else the source concept's, else the
       * source value as written. */
      v = concept_at(l, r.concept, 1);
      if (v == RXC__NONE) v = concept_at(l, r.source_concept, 1);
      if (v == RXC__NONE) v = r.source_value;
    } else {
      /* Conditions: the source concept's code (its vocabulary is exact),
       * else the source value (system inferred), else the standard
       * concept's code. */
      v = concept_at(l, r.source_concept, 0);
      if (v == RXC__NONE) v = r.source_value;
      if (v == RXC__NONE) v = concept_at(l, r.concept, 0);
    }
    to[i] = v;
  }
  size_t k = 0;
  for (size_t i = 0; i < load->n; i++) {
    unsigned char *e = load->data + i * load->size;
    uint32_t ref; /* the first field of both entry kinds, after the patient */
    memcpy(&ref, e + 4, 4);
    uint32_t v = to[ref];
    if (v == RXC__NONE) {
      st->loaded--;
      st->ignored++;
      continue;
    }
    memcpy(e + 4, &v, 4);
    if (k != i) memmove(load->data + k * load->size, e, load->size);
    k++;
  }
  load->n = k;
  rxc__free(to);
  return 0;
}

/* ---- open and free ------------------------------------------------------------------------------ */

static const rxc__tabledef *defs_of(rxc_layout_kind k) {
  switch (k) {
    case RXC_LAYOUT_SYNTHEA: return synthea_defs;
    case RXC_LAYOUT_OMOP: return omop_defs;
    case RXC_LAYOUT_MIMIC4: return mimic_defs;
    default: return join_defs;
  }
}

static char *dup_or_null(const char *s) {
  return s ? rxc__strndup(s, strlen(s)) : NULL;
}

static rxc_status find_tables(rxc_layout *l, const char *dir,
                              rxc_error *err) {
  static const char *const mimic_dirs[] = {"hosp", "", NULL};
  const rxc__tabledef *defs = defs_of(l->kind);
  for (int t = 0; t < RXC_TABLE__COUNT; t++) {
    if (!defs[t].base) continue;
    char *path = NULL;
    rxc_status st = rxc__table_find(
        dir, l->kind == RXC_LAYOUT_MIMIC4 ? mimic_dirs : NULL, defs[t].base,
        &path, err);
    if (st != RXC_OK) return st;
    if (!path) {
      if (t == RXC_TABLE_CONCEPTS) {
        problem(l, dir, 0, 0,
                "no concept table (concept.csv or concept.csv.gz): drugs are "
                "recognised by their OMOP concept id only, conditions by "
                "their source value");
        continue;
      }
      rxc_error_set(err, RXC_EUSAGE, dir, 0, 0,
                    "no %s table: looked for %s.csv or %s.csv.gz (any "
                    "case)%s",
                    table_roles[t], defs[t].base, defs[t].base,
                    l->kind == RXC_LAYOUT_MIMIC4 ? " here and in hosp/" : "");
      return RXC_EUSAGE;
    }
    l->paths[t] = path;
    l->defs[t] = &defs[t];
  }
  return RXC_OK;
}

rxc_status rxc_layout_open(const rxc_layout_options *o, rxc_layout **out,
                           rxc_error *err) {
  *out = NULL;
  if (!o || (unsigned)o->kind >= RXC_LAYOUT__COUNT) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0, "unknown layout");
    return RXC_EUSAGE;
  }
  rxc_layout *l = rxc__calloc(1, sizeof *l);
  if (!l) {
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  l->kind = o->kind;
  l->stats.kind = o->kind;
  for (int t = 0; t < RXC_TABLE__COUNT; t++)
    l->stats.tables[t].role = table_roles[t];
  rxc_input_options io = o->input;
  io.map = NULL; /* side tables are mapped by the layout */
  io.columns = NULL; /* and have their own header rows */
  io.ncolumns = 0;
  io.line_offset = 0;
  l->max_field = io.max_field ? io.max_field : 1024 * 1024;
  l->today = io.today.year ? io.today : rxc_date_today();
  l->map = dup_or_null(o->input.map);
  l->join = dup_or_null(o->join ? o->join : "patient_id");
  rxc_status st = RXC_OK;
  if ((o->input.map && !l->map) || !l->join) {
    st = RXC_ENOMEM;
    rxc_error_set(err, st, NULL, 0, 0, "out of memory");
    goto fail;
  }
  if (l->kind == RXC_LAYOUT_JOIN) {
    if (!o->prescriptions || strcmp(o->prescriptions, "-") == 0) {
      rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                    "the join reads the prescriptions twice (to list each "
                    "patient's co-medications): give a file, not standard "
                    "input");
      st = RXC_EUSAGE;
      goto fail;
    }
    struct stat sb;
    if (stat(o->prescriptions, &sb) == 0 && !S_ISREG(sb.st_mode)) {
      rxc_error_set(err, RXC_EUSAGE, o->prescriptions, 0, 0,
                    "the join reads the prescriptions twice (to list each "
                    "patient's co-medications): give a regular file, not a "
                    "pipe or a folder");
      st = RXC_EUSAGE;
      goto fail;
    }
    const char *files[RXC_TABLE__COUNT] = {o->prescriptions, o->diagnoses,
                                           o->patients, NULL};
    for (int t = 0; t < RXC_TABLE__COUNT; t++) {
      if (!files[t]) continue;
      l->paths[t] = dup_or_null(files[t]);
      l->defs[t] = &join_defs[t];
      if (!l->paths[t]) {
        st = RXC_ENOMEM;
        rxc_error_set(err, st, NULL, 0, 0, "out of memory");
        goto fail;
      }
    }
  } else {
    if (!o->dir) {
      rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0,
                    "the %s layout needs the export's folder",
                    rxc_layout_name(l->kind));
      st = RXC_EUSAGE;
      goto fail;
    }
    st = find_tables(l, o->dir, err);
    if (st != RXC_OK) goto fail;
  }
  for (int t = 0; t < RXC_TABLE__COUNT; t++)
    l->stats.tables[t].path = l->paths[t];

  loader ld;
  memset(&ld, 0, sizeof ld);
  ld.dx.size = 4 + sizeof(rxc__dx_entry);
  ld.rx.size = 4 + sizeof(rxc__rx_entry);
  static const struct {
    rxc_table_role role;
    row_fn fn;
  } order[] = {{RXC_TABLE_PATIENTS, patient_row},
               {RXC_TABLE_DIAGNOSES, dx_row},
               {RXC_TABLE_PRESCRIPTIONS, rx_row}};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    if (!l->paths[order[i].role]) continue;
    ld.role = order[i].role;
    ld.row = order[i].fn;
    rxc__strtab dx_refs;
    memset(&dx_refs, 0, sizeof dx_refs);
    if (ld.role == RXC_TABLE_PRESCRIPTIONS) {
      /* The diagnoses' references stay apart from the drugs'. */
      dx_refs = ld.refs;
      memset(&ld.refs, 0, sizeof ld.refs);
    }
    st = load_table(l, &ld, &io, err);
    if (ld.role == RXC_TABLE_PRESCRIPTIONS) {
      rxc__strtab rx_refs = ld.refs;
      ld.refs = dx_refs;
      if (st == RXC_OK && l->kind == RXC_LAYOUT_OMOP) {
        if (l->paths[RXC_TABLE_CONCEPTS]) {
          loader cl;
          memset(&cl, 0, sizeof cl);
          cl.role = RXC_TABLE_CONCEPTS;
          cl.row = concept_row;
          st = load_table(l, &cl, &io, err);
        }
        if (st == RXC_OK &&
            (resolve(l, &ld.dx, &ld.refs, 0,
                     &l->stats.tables[RXC_TABLE_DIAGNOSES]) ||
             resolve(l, &ld.rx, &rx_refs, 1,
                     &l->stats.tables[RXC_TABLE_PRESCRIPTIONS]))) {
          st = RXC_ENOMEM;
          rxc_error_set(err, st, NULL, 0, 0, "out of memory");
        }
      }
      rxc__strtab_free(&rx_refs);
    }
    if (ld.role == RXC_TABLE_DIAGNOSES) l->have_dx = 1;
    if (st != RXC_OK) break;
  }
  if (st == RXC_OK) {
    size_t npat = l->keys.n;
    if (rxc__csr_build(&l->dx, &ld.dx, npat) ||
        rxc__csr_build(&l->rx, &ld.rx, npat)) {
      st = RXC_ENOMEM;
      rxc_error_set(err, st, NULL, 0, 0, "out of memory");
    }
  }
  rxc__loading_free(&ld.dx);
  rxc__loading_free(&ld.rx);
  rxc__strtab_free(&ld.refs);
  if (st != RXC_OK) goto fail;
  if (l->pat) {
    /* Drop the slack of the growth by doubling. */
    rxc__patient *p =
        rxc__realloc(l->pat, (l->keys.n ? l->keys.n : 1) * sizeof *l->pat);
    if (p) {
      l->pat = p;
      l->cap_pat = l->keys.n ? l->keys.n : 1;
    }
  }
  l->stats.patients = (unsigned long)l->keys.n;
  l->stats.index_bytes =
      rxc__strtab_bytes(&l->keys) + rxc__strtab_bytes(&l->values) +
      rxc__strtab_bytes(&l->codes) + rxc__strtab_bytes(&l->names) +
      rxc__strtab_bytes(&l->concept_ids) + l->cap_pat * sizeof *l->pat +
      l->cap_concepts * sizeof *l->concepts +
      rxc__csr_bytes(&l->dx, l->keys.n) + rxc__csr_bytes(&l->rx, l->keys.n);
  *out = l;
  return RXC_OK;
fail:
  rxc_layout_free(l);
  return st;
}

void rxc_layout_free(rxc_layout *l) {
  if (!l) return;
  for (int t = 0; t < RXC_TABLE__COUNT; t++) rxc__free(l->paths[t]);
  rxc__free(l->join);
  rxc__free(l->map);
  rxc__strtab_free(&l->keys);
  rxc__strtab_free(&l->values);
  rxc__strtab_free(&l->codes);
  rxc__strtab_free(&l->names);
  rxc__strtab_free(&l->concept_ids);
  rxc__free(l->pat);
  rxc__free(l->concepts);
  rxc__csr_free(&l->dx);
  rxc__csr_free(&l->rx);
  rxc__free(l);
}

const rxc_layout_stats *rxc_layout_stats_get(const rxc_layout *l) {
  return l ? &l->stats : NULL;
}

const char *rxc_layout_prescriptions(const rxc_layout *l) {
  return l ? l->paths[RXC_TABLE_PRESCRIPTIONS] : NULL;
}
