/*
 * layout_rows.c - the enrich step of the pipeline for multi-table
 * layouts: maps the streamed prescriptions header to an extended schema
 * (the header's own columns, then virtual columns rxcheck_<field>) and, for
 * every row, computes the virtual values from the row and the read-only
 * indexes of layout.c:
 *
 *   rxcheck_diagnosis_codes  the patient's diagnoses active on the row's
 *                            date (start <= date <= stop, open ends
 *                            open), after any explicit diagnosis column;
 *   rxcheck_co_medications   the patient's other prescriptions taken while
 *                            this one is (their periods overlap: active on
 *                            its date, or started before its stop; the row
 *                            itself left out, each name once), after any
 *                            explicit co-medication column;
 *   rxcheck_birth_date, rxcheck_age, rxcheck_sex, rxcheck_country
 *                            from the patients table (an explicit value in
 *                            the row wins); MIMIC-IV age is anchor_age +
 *                            (year of the prescription - anchor_year), the
 *                            MIMIC-III age from dob (91 for the shifted
 *                            dob of patients over 89);
 *   rxcheck_drug_name, rxcheck_drug_code (OMOP: the concept's name and
 *                            omop:<drug_concept_id>; MIMIC: ndc:<ndc>),
 *   rxcheck_form, rxcheck_strength_mg, rxcheck_daily_dose_mg (MIMIC:
 *                            form_rx, prod_strength, dose_val_rx in
 *                            dose_unit_rx x doses_per_24_hrs).
 *
 * The builder then normalises the extended row like any other, so the
 * checker and the formatters do not know about layouts. Each worker has
 * its own enricher; its buffers grow to the largest row and are reused,
 * so enriching allocates nothing once warmed up.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "amount.h"
#include "layout_model.h"
#include "strutil.h"

struct rxc__rowmap {
  const rxc_layout *l;
  size_t nreal;
  rxc__columns c;
  size_t nvirt;
  rxc_field virt[RXC_F__COUNT];        /* virtual fields, in column order */
  unsigned long src[RXC_F__COUNT];     /* their source columns, 1-based */
};

struct rxc__enricher {
  const rxc_layout *l;
  const rxc__rowmap *m;
  char *buf;
  size_t len, cap;
  size_t off[RXC_F__COUNT]; /* per virtual column: its bytes in buf */
  size_t vlen[RXC_F__COUNT];
  rxc_str *fields;
  size_t cap_fields;
  uint32_t *seen_codes, *seen_names; /* generation stamps, for each-once */
  size_t nseen_codes, nseen_names;
  uint32_t gen;
};

/* ---- the header ------------------------------------------------------------- */

static void add_virtual(rxc__rowmap *m, rxc_field f, int src) {
  m->virt[m->nvirt] = f;
  m->src[m->nvirt] = src >= 0 ? (unsigned long)src + 1 : 0;
  m->nvirt++;
}

rxc_status rxc__layout_map(const rxc_layout *l, const rxc_str *header,
                           size_t n, rxc__rowmap **out, rxc_schema **schema,
                           rxc_error *err) {
  *out = NULL;
  *schema = NULL;
  rxc__rowmap *m = rxc__calloc(1, sizeof *m);
  if (!m) {
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  m->l = l;
  m->nreal = n;
  rxc_status st =
      rxc__resolve_header(l, RXC_TABLE_PRESCRIPTIONS, header, n, &m->c, err);
  if (st != RXC_OK) {
    rxc__free(m);
    return st;
  }
  const int *c = m->c.col;
  int key = c[R_KEY];
  int fixed[RXC_F__COUNT];
  for (int f = 0; f < RXC_F__COUNT; f++) fixed[f] = -1;
  switch (l->kind) {
    case RXC_LAYOUT_SYNTHEA:
      fixed[RXC_F_PATIENT_ID] = key;
      fixed[RXC_F_RX_DATE] = c[R_START];
      fixed[RXC_F_DRUG_NAME] = c[R_NAME];
      fixed[RXC_F_DRUG_CODE] = c[R_CODE];
      if (l->pt_birth) add_virtual(m, RXC_F_BIRTH_DATE, key);
      if (l->pt_sex) add_virtual(m, RXC_F_SEX, key);
      break;
    case RXC_LAYOUT_OMOP:
      fixed[RXC_F_PATIENT_ID] = key;
      fixed[RXC_F_RX_DATE] = c[R_START];
      if (l->pt_birth) add_virtual(m, RXC_F_BIRTH_DATE, key);
      if (l->pt_sex) add_virtual(m, RXC_F_SEX, key);
      add_virtual(m, RXC_F_DRUG_NAME, c[R_CONCEPT]);
      add_virtual(m, RXC_F_DRUG_CODE, c[R_CONCEPT]);
      break;
    case RXC_LAYOUT_MIMIC4:
      fixed[RXC_F_PATIENT_ID] = key;
      fixed[RXC_F_RX_DATE] = c[R_START];
      fixed[RXC_F_DRUG_NAME] = c[R_NAME];
      /* The age, from anchor_age (MIMIC-IV) or dob (MIMIC-III). */
      if (l->pt_birth || l->pt_age) add_virtual(m, RXC_F_AGE, key);
      if (l->pt_sex) add_virtual(m, RXC_F_SEX, key);
      if (c[R_CODE] >= 0) add_virtual(m, RXC_F_DRUG_CODE, c[R_CODE]);
      if (c[R_FORM] >= 0 || c[R_FORM2] >= 0)
        add_virtual(m, RXC_F_FORM, c[R_FORM] >= 0 ? c[R_FORM] : c[R_FORM2]);
      if (c[R_STRENGTH] >= 0)
        add_virtual(m, RXC_F_STRENGTH_MG, c[R_STRENGTH]);
      if (c[R_DOSE] >= 0) add_virtual(m, RXC_F_DAILY_DOSE_MG, c[R_DOSE]);
      break;
    default: /* JOIN: the file's own columns, by the schema */
      for (int f = 0; f < RXC_F__COUNT; f++) fixed[f] = m->c.explicit_cols[f];
      if (l->pt_birth) add_virtual(m, RXC_F_BIRTH_DATE, key);
      if (l->pt_sex) add_virtual(m, RXC_F_SEX, key);
      if (l->pt_country) add_virtual(m, RXC_F_COUNTRY, key);
      break;
  }
  if (l->kind != RXC_LAYOUT_JOIN || l->have_dx)
    add_virtual(m, RXC_F_DIAGNOSIS_CODES, key);
  add_virtual(m, RXC_F_CO_MEDICATIONS, key);

  /* The extended header: the file's, then rxcheck_<field>. */
  size_t next = n + m->nvirt;
  rxc_str *ext = rxc__malloc(next * sizeof *ext);
  char(*names)[40] = rxc__malloc(m->nvirt * sizeof *names + 1);
  if (!ext || !names) {
    rxc__free(ext);
    rxc__free(names);
    rxc__free(m);
    rxc_error_set(err, RXC_ENOMEM, NULL, 0, 0, "out of memory");
    return RXC_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) ext[i] = header[i];
  for (size_t v = 0; v < m->nvirt; v++) {
    snprintf(names[v], sizeof names[v], "rxcheck_%s",
             rxc_field_name(m->virt[v]));
    ext[n + v] = (rxc_str){names[v], strlen(names[v])};
    fixed[m->virt[v]] = (int)(n + v);
  }
  st = rxc__schema_new_fixed(ext, next,
                             l->kind == RXC_LAYOUT_JOIN ? NULL : l->map,
                             fixed, schema, err);
  rxc__free(ext);
  rxc__free(names);
  if (st != RXC_OK) {
    rxc__free(m);
    return st;
  }
  *out = m;
  return RXC_OK;
}

void rxc__rowmap_free(rxc__rowmap *m) { rxc__free(m); }

size_t rxc__rowmap_ncolumns(const rxc__rowmap *m) { return m->nreal; }

unsigned long rxc__rowmap_source_column(const rxc__rowmap *m,
                                        unsigned long column) {
  if (column <= m->nreal) return column;
  size_t v = column - m->nreal - 1;
  return v < m->nvirt ? m->src[v] : 0;
}

/* ---- the enricher --------------------------------------------------------------- */

rxc_status rxc__enricher_new(const rxc_layout *l, const rxc__rowmap *m,
                             rxc__enricher **out) {
  *out = NULL;
  rxc__enricher *e = rxc__calloc(1, sizeof *e);
  if (!e) return RXC_ENOMEM;
  e->l = l;
  e->m = m;
  e->nseen_codes = l->codes.n;
  e->nseen_names = l->names.n;
  e->seen_codes = rxc__calloc(e->nseen_codes ? e->nseen_codes : 1, 4);
  e->seen_names = rxc__calloc(e->nseen_names ? e->nseen_names : 1, 4);
  if (!e->seen_codes || !e->seen_names) {
    rxc__enricher_free(e);
    return RXC_ENOMEM;
  }
  *out = e;
  return RXC_OK;
}

void rxc__enricher_free(rxc__enricher *e) {
  if (!e) return;
  rxc__free(e->buf);
  rxc__free(e->fields);
  rxc__free(e->seen_codes);
  rxc__free(e->seen_names);
  rxc__free(e);
}

static int put(rxc__enricher *e, const char *s, size_t n) {
  if (rxc__grow((void **)&e->buf, &e->cap, e->len + n + 1, 1)) return -1;
  if (n) memcpy(e->buf + e->len, s, n);
  e->len += n;
  return 0;
}

/* Appends one list item to virtual column v, with ';' between items. */
static int put_item(rxc__enricher *e, size_t v, rxc_str s) {
  if (!s.len) return 0;
  if (e->len > e->off[v] && put(e, ";", 1)) return -1;
  return put(e, s.ptr, s.len);
}

static int put_cstr(rxc__enricher *e, const char *s) {
  return put(e, s, strlen(s));
}

/* An amount in mg as text the builder reads back exactly enough. */
static int put_mg(rxc__enricher *e, double v) {
  char b[48];
  if (v >= 1e9) v = 1e9; /* out of range either way; the builder says so */
  snprintf(b, sizeof b, "%.4f", v);
  size_t n = strlen(b);
  while (n > 1 && b[n - 1] == '0') n--;
  if (n > 1 && b[n - 1] == '.') n--;
  return put(e, b, n);
}

static rxc_str col_of(const rxc__enricher *e, const rxc_str *f, rxc__role r) {
  int c = e->m->c.col[r];
  return c >= 0 ? rxc__trim(f[c]) : (rxc_str){"", 0};
}

static int reject_at(rxc_reject *rej, unsigned long line, int col,
                     rxc_reject_reason reason, const char *label,
                     const char *what) {
  rej->line = line;
  rej->column = col >= 0 ? (unsigned long)col + 1 : 0;
  rej->reason = reason;
  snprintf(rej->message, sizeof rej->message, "column '%s' %s", label, what);
  return 0;
}

/* A strength written as a mass at the start of free text ("100mg Tablet",
 * "5 mg Tab"); a concentration ("40mg/4mL Vial"), a percentage or anything
 * else gives none. Never an error: the column is descriptive. */
static int strength_mg(rxc_str s, double *mg) {
  s = rxc__trim(s);
  size_t i = 0;
  while (i < s.len && (rxc__isdigit((unsigned char)s.ptr[i]) ||
                       s.ptr[i] == '.' || s.ptr[i] == ','))
    i++;
  if (!i) return 0;
  size_t j = i;
  while (j < s.len && s.ptr[j] == ' ') j++;
  size_t k = j;
  while (k < s.len && (rxc__isalpha((unsigned char)s.ptr[k]) ||
                       (unsigned char)s.ptr[k] >= 0x80))
    k++;
  if (k == j) return 0;
  size_t q = k;
  while (q < s.len && s.ptr[q] == ' ') q++;
  if (q < s.len && (s.ptr[q] == '/' || s.ptr[q] == '%')) return 0;
  rxc__amount a;
  if (rxc__amount_parse((rxc_str){s.ptr, k}, 0, &a) != RXC__AMT_OK ||
      a.unit != RXC__UNIT_MASS)
    return 0;
  *mg = a.value;
  return 1;
}

static const char *amount_problem(rxc__amount_status st) {
  switch (st) {
    case RXC__AMT_SEPARATOR:
      return "has a comma that is not a thousands separator";
    case RXC__AMT_RANGE_ORDER:
      return "is a range whose lower bound is above its upper bound";
    case RXC__AMT_NEGATIVE:
      return "is below zero";
    case RXC__AMT_RANGE:
      return "is a range; expected one number";
    default:
      return "is not a number (a range such as 1-2 and thousands separators "
             "are read)";
  }
}

/* MIMIC: dose_val_rx (a number or a range, whose upper bound counts;
 * "25,000" is 25000) in dose_unit_rx (or a unit written in the value
 * itself, "1-2mg", which must then agree with dose_unit_rx), times
 * doses_per_24_hrs. Only a mass unit gives mg: another unit (mL, UNIT,
 * TAB ...), no unit, or no doses per day leave the daily dose unknown.
 * Returns 1 with *mg, 0 unknown, -1 after filling *rej. */
static int daily_dose(const rxc__enricher *e, const rxc_str *f,
                      unsigned long line, double *mg, rxc_reject *rej) {
  const rxc__columns *c = &e->m->c;
  rxc_str dv = col_of(e, f, R_DOSE);
  if (!dv.len) return 0;
  double lo, hi;
  int is_range;
  rxc_str unit;
  rxc__amount_status st =
      rxc__amount_parse_raw(dv, 1, &lo, &hi, &is_range, &unit);
  if (st != RXC__AMT_OK) {
    reject_at(rej, line, c->col[R_DOSE], RXC_REJ_BAD_NUMBER,
              c->labels[R_DOSE], amount_problem(st));
    return -1;
  }
  rxc_str ucol = col_of(e, f, R_DOSE_UNIT);
  int pv10 = 0, pc10 = 0;
  rxc__unit_kind kv = rxc__unit_classify(unit, &pv10);
  rxc__unit_kind kc = rxc__unit_classify(ucol, &pc10);
  if (unit.len && ucol.len && !rxc__ieq(unit, ucol) &&
      (kv != kc || kv == RXC__UNIT_OTHER || pv10 != pc10)) {
    reject_at(rej, line, c->col[R_DOSE], RXC_REJ_BAD_NUMBER,
              c->labels[R_DOSE], "has a unit that differs from the unit column");
    return -1;
  }
  rxc__unit_kind kind = unit.len ? kv : kc;
  int pow10 = unit.len ? pv10 : pc10;
  rxc_str pv = col_of(e, f, R_PER_DAY);
  double plo = 0, per = 0;
  if (pv.len) {
    rxc_str pu;
    int pr;
    st = rxc__amount_parse_raw(pv, 0, &plo, &per, &pr, &pu);
    if (st == RXC__AMT_OK && pu.len) st = RXC__AMT_BAD;
    if (st != RXC__AMT_OK) {
      reject_at(rej, line, c->col[R_PER_DAY], RXC_REJ_BAD_NUMBER,
                c->labels[R_PER_DAY], amount_problem(st));
      return -1;
    }
  }
  if (kind != RXC__UNIT_MASS || per <= 0) return 0;
  *mg = rxc__to_mg(hi, pow10) * per;
  return 1;
}

static void begin(rxc__enricher *e, size_t v) { e->off[v] = e->len; }
static void end(rxc__enricher *e, size_t v) {
  e->vlen[v] = e->len - e->off[v];
}

/* A stamp per interned id, so each code or name is listed once per row. */
static int first_time(uint32_t *seen, size_t nseen, uint32_t id,
                      uint32_t gen) {
  if (id >= nseen) return 1;
  if (seen[id] == gen) return 0;
  seen[id] = gen;
  return 1;
}

int rxc__enrich(rxc__enricher *e, const rxc_str *f, size_t n,
                unsigned long line, unsigned long number, rxc_date today,
                const rxc_str **out, size_t *nout, rxc_reject *rej) {
  const rxc__rowmap *m = e->m;
  const rxc_layout *l = e->l;
  const rxc__columns *c = &m->c;
  *out = NULL;
  *nout = 0;
  if (n != m->nreal) {
    rej->line = line;
    rej->column = (unsigned long)(n < m->nreal ? n : m->nreal) + 1;
    rej->reason = RXC_REJ_FIELD_COUNT;
    snprintf(rej->message, sizeof rej->message,
             "expected %zu fields as in the header, found %zu", m->nreal, n);
    return 0;
  }
  /* The row's date: what the builder will use (the run date when empty). */
  rxc_str sv = col_of(e, f, R_START);
  rxc_date date = today;
  int have_date = !sv.len || rxc_date_parse(sv.ptr, sv.len, &date);
  int32_t day = have_date ? rxc__date_pack(date) : 0;
  /* The row's own period, as the first pass indexed it: to its stop date
   * (never before its start), open when the stop is empty (OMOP: start +
   * days_supply - 1 when given), its date alone without a stop column. */
  rxc_str stop = col_of(e, f, R_STOP);
  rxc_date sd;
  if (stop.len && !rxc_date_parse(stop.ptr, stop.len, &sd))
    return reject_at(rej, line, c->col[R_STOP], RXC_REJ_BAD_DATE,
                     c->labels[R_STOP],
                     "is not a valid date; expected YYYY-MM-DD (a time may "
                     "follow)");
  int32_t day_end = day;
  if (c->col[R_STOP] >= 0 && have_date) {
    long days;
    if (stop.len)
      day_end = rxc__date_pack(sd) > day ? rxc__date_pack(sd) : day;
    else if (rxc__parse_long(col_of(e, f, R_DAYS_SUPPLY), &days) &&
             days > 0 && days < 100000)
      day_end = rxc__date_pack(rxc__date_add_days(date, days - 1));
    else
      day_end = RXC__DATE_MAX;
  }
  long pk = rxc__patient_find(l, col_of(e, f, R_KEY));
  const rxc__patient *p = pk >= 0 ? &l->pat[pk] : NULL;
  if (++e->gen == 0) { /* wrapped: clear the stamps */
    memset(e->seen_codes, 0, e->nseen_codes * sizeof *e->seen_codes);
    memset(e->seen_names, 0, e->nseen_names * sizeof *e->seen_names);
    e->gen = 1;
  }
  e->len = 0;
  for (size_t v = 0; v < m->nvirt; v++) {
    rxc_field fld = m->virt[v];
    int ex = c->explicit_cols[fld];
    rxc_str given = ex >= 0 ? rxc__trim(f[ex]) : (rxc_str){"", 0};
    begin(e, v);
    int rc = 0;
    char b[64];
    switch (fld) {
      case RXC_F_BIRTH_DATE:
        if (given.len) {
          rc = put(e, given.ptr, given.len);
        } else if (p && p->birth) {
          rxc_date d = rxc__date_unpack(p->birth);
          snprintf(b, sizeof b, "%04d-%02d-%02d", d.year, d.month, d.day);
          rc = put_cstr(e, b);
        }
        break;
      case RXC_F_AGE:
        if (given.len) {
          rc = put(e, given.ptr, given.len);
        } else if (p && p->anchor_age >= 0 && have_date) {
          snprintf(b, sizeof b, "%d",
                   p->anchor_age + (date.year - p->anchor_year));
          rc = put_cstr(e, b);
        } else if (p && p->birth && have_date) {
          /* MIMIC-III shifts the dob of patients over 89 to some 300
           * years before their stay; MIMIC-IV writes their age as 91, and
           * so does this (an age below 0 is left for the builder to
           * reject). */
          int age = rxc_age_years(rxc__date_unpack(p->birth), date);
          snprintf(b, sizeof b, "%d", age > 130 ? 91 : age);
          rc = put_cstr(e, b);
        }
        break;
      case RXC_F_SEX:
      case RXC_F_COUNTRY: {
        uint32_t id = !p ? 0 : fld == RXC_F_SEX ? p->sex : p->country;
        if (given.len)
          rc = put(e, given.ptr, given.len);
        else if (id)
          rc = put_item(e, v, rxc__strtab_get(&l->values, id - 1));
        break;
      }
      case RXC_F_DRUG_NAME: { /* OMOP */
        const rxc__concept *k = rxc__concept_find(l, col_of(e, f, R_CONCEPT));
        if (!k || k->name == RXC__NONE)
          k = rxc__concept_find(l, col_of(e, f, R_SOURCE_CONCEPT));
        if (k && k->name != RXC__NONE)
          rc = put_item(e, v, rxc__strtab_get(&l->names, k->name));
        else
          rc = put_item(e, v, col_of(e, f, R_SOURCE_VALUE));
        break;
      }
      case RXC_F_DRUG_CODE: {
        if (l->kind == RXC_LAYOUT_OMOP) {
          rxc_str id = col_of(e, f, R_CONCEPT);
          int digits = id.len > 0 && id.len <= 18;
          int nonzero = 0;
          for (size_t i = 0; digits && i < id.len; i++) {
            digits = rxc__isdigit((unsigned char)id.ptr[i]);
            nonzero |= id.ptr[i] != '0';
          }
          if (digits && nonzero)
            rc = put_cstr(e, "omop:") || put(e, id.ptr, id.len);
        } else { /* MIMIC: an NDC; "0" means none */
          rxc_str ndc = col_of(e, f, R_CODE);
          int nonzero = 0;
          for (size_t i = 0; i < ndc.len; i++)
            nonzero |= ndc.ptr[i] != '0' && ndc.ptr[i] != '-';
          if (ndc.len && nonzero)
            rc = put_cstr(e, "ndc:") || put(e, ndc.ptr, ndc.len);
        }
        break;
      }
      case RXC_F_FORM: {
        rxc_str fm = col_of(e, f, R_FORM);
        if (!fm.len) fm = col_of(e, f, R_FORM2);
        rc = put(e, fm.ptr, fm.len);
        break;
      }
      case RXC_F_STRENGTH_MG: {
        double mg;
        if (strength_mg(col_of(e, f, R_STRENGTH), &mg)) rc = put_mg(e, mg);
        break;
      }
      case RXC_F_DAILY_DOSE_MG: {
        double mg;
        int k = daily_dose(e, f, line, &mg, rej);
        if (k < 0) return 0;
        if (k > 0) rc = put_mg(e, mg);
        break;
      }
      case RXC_F_DIAGNOSIS_CODES: {
        rc = put_item(e, v, given);
        size_t nd = 0;
        const rxc__dx_entry *d =
            p && have_date ? rxc__csr_get(&l->dx, (uint32_t)pk, &nd) : NULL;
        for (size_t i = 0; i < nd && !rc; i++) {
          if (d[i].start > day || d[i].stop < day) continue;
          if (!first_time(e->seen_codes, e->nseen_codes, d[i].code, e->gen))
            continue;
          rc = put_item(e, v, rxc__strtab_get(&l->codes, d[i].code));
        }
        break;
      }
      case RXC_F_CO_MEDICATIONS: {
        rc = put_item(e, v, given);
        size_t nr = 0;
        const rxc__rx_entry *r =
            p && have_date ? rxc__csr_get(&l->rx, (uint32_t)pk, &nr) : NULL;
        for (size_t i = 0; i < nr && !rc; i++) {
          /* Taken at the same time as this prescription: the periods
           * overlap (so a drug started during it counts too). */
          if (r[i].start > day_end || r[i].stop < day || r[i].row == number)
            continue;
          if (!first_time(e->seen_names, e->nseen_names, r[i].name, e->gen))
            continue;
          rc = put_item(e, v, rxc__strtab_get(&l->names, r[i].name));
        }
        break;
      }
      default:
        break;
    }
    if (rc) return -1;
    end(e, v);
  }
  size_t total = n + m->nvirt;
  if (rxc__grow((void **)&e->fields, &e->cap_fields, total ? total : 1,
                sizeof *e->fields))
    return -1;
  for (size_t i = 0; i < n; i++) e->fields[i] = f[i];
  for (size_t v = 0; v < m->nvirt; v++)
    e->fields[n + v] = (rxc_str){e->buf ? e->buf + e->off[v] : "", e->vlen[v]};
  *out = e->fields;
  *nout = total;
  return 1;
}
