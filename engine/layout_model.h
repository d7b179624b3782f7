/*
 * layout_model.h - the inside of an rxc_layout, shared by layout.c (table
 * descriptions and loading) and layout_rows.c (mapping the streamed header
 * and enriching rows). Not part of the public API.
 */
#ifndef RXC_LAYOUT_MODEL_H
#define RXC_LAYOUT_MODEL_H

#include <stdint.h>

#include "layout_int.h"
#include "patient_index.h"

/* The columns a layout reads, by role. */
typedef enum rxc__role {
  R_KEY,            /* the patient key */
  R_START,          /* start date (prescription date, diagnosis onset) */
  R_STOP,           /* stop date */
  R_NAME,           /* drug name */
  R_CODE,           /* drug or diagnosis code */
  R_SYSTEM,         /* code system (Synthea SYSTEM, MIMIC icd_version) */
  R_FORM,           /* MIMIC form_rx */
  R_FORM2,          /* MIMIC form_unit_disp, when form_rx is empty */
  R_STRENGTH,       /* MIMIC prod_strength */
  R_DOSE,           /* MIMIC dose_val_rx */
  R_DOSE_UNIT,      /* MIMIC dose_unit_rx */
  R_PER_DAY,        /* MIMIC doses_per_24_hrs */
  R_CONCEPT,        /* OMOP *_concept_id */
  R_SOURCE_CONCEPT, /* OMOP *_source_concept_id */
  R_SOURCE_VALUE,   /* OMOP *_source_value */
  R_DAYS_SUPPLY,    /* OMOP days_supply */
  R_BIRTH,          /* birth date */
  R_BIRTH_DT,       /* OMOP birth_datetime */
  R_YEAR,           /* OMOP year_of_birth */
  R_MONTH,          /* OMOP month_of_birth */
  R_DAY,            /* OMOP day_of_birth */
  R_ANCHOR_AGE,     /* MIMIC-IV anchor_age */
  R_ANCHOR_YEAR,    /* MIMIC-IV anchor_year */
  R_SEX,
  R_COUNTRY,
  R_ID,             /* OMOP concept_id */
  R_VOCAB,          /* OMOP vocabulary_id */
  R__COUNT
} rxc__role;

/* One table of a layout: its file name (without .csv) and, per role, the
 * header names that may hold it ('|'-separated, folded: lower case with
 * '_' for spaces and hyphens), the first one present winning. */
typedef struct rxc__tabledef {
  const char *base;
  const char *cols[R__COUNT];
  uint32_t required; /* bit per role */
} rxc__tabledef;

/* A concept of an OMOP export that its tables refer to. */
typedef struct rxc__concept {
  uint32_t name; /* id in the names table, or UINT32_MAX */
  uint32_t code; /* id in the codes table ("system:code"), or UINT32_MAX */
} rxc__concept;

#define RXC__NONE UINT32_MAX

struct rxc_layout {
  rxc_layout_kind kind;
  const rxc__tabledef *defs[RXC_TABLE__COUNT]; /* NULL: no such table */
  char *paths[RXC_TABLE__COUNT];
  char *join;          /* JOIN: the key column name */
  char *map;           /* --map, for the prescriptions table */
  size_t max_field;
  rxc_date today;
  rxc_layout_stats stats;

  rxc__strtab keys;    /* patient keys; the id is the patient number */
  rxc__patient *pat;   /* per patient */
  size_t cap_pat;
  rxc__strtab values;  /* sex and country values */
  rxc__strtab codes;   /* diagnosis codes, "system:code" or bare */
  rxc__strtab names;   /* drug names (co-medications, OMOP concepts) */
  rxc__csr dx;         /* per patient: rxc__dx_entry */
  rxc__csr rx;         /* per patient: rxc__rx_entry */
  /* What the patients table has, so the prescriptions get only the
   * virtual columns that can hold something. */
  int pt_birth, pt_age, pt_sex, pt_country;
  int have_dx;         /* a diagnoses table was loaded */

  /* OMOP: the concepts the export refers to (4-byte ids as keys). */
  rxc__strtab concept_ids;
  rxc__concept *concepts; /* per concept_ids id */
  size_t cap_concepts;
};

/* A table's columns by role, found in its header. */
typedef struct rxc__columns {
  int col[R__COUNT];           /* column index, or -1 */
  char labels[R__COUNT][48];   /* the header as written, for messages */
  rxc_system implied;          /* system implied by the code column's name */
  int explicit_cols[RXC_F__COUNT]; /* JOIN prescriptions: by the schema */
} rxc__columns;

/* Finds the columns of table `role` in a header. RXC_EHEADER when one
 * the layout needs is missing (err says which names were looked for; the
 * caller adds file and line), or the schema's errors for a JOIN
 * prescriptions file. */
rxc_status rxc__resolve_header(const rxc_layout *l, rxc_table_role role,
                               const rxc_str *header, size_t n,
                               rxc__columns *out, rxc_error *err);

/* The column of `names` ('|'-separated folded names) in a header of n
 * folded names, first listed name first; -1 when absent. */
int rxc__find_column(char *const *folded, size_t n, const char *names);
/* The system a code-system value names (Synthea SYSTEM URLs, OMOP
 * vocabulary ids, MIMIC icd_version 9 / 10); RXC_SYS_NONE unknown. */
rxc_system rxc__system_from_value(rxc_str v, int icd_version);
/* The patient number of a key, or -1. */
long rxc__patient_find(const rxc_layout *l, rxc_str key);
/* The concept of an OMOP concept id text, or NULL. */
const rxc__concept *rxc__concept_find(const rxc_layout *l, rxc_str id);
/* Parses a whole number (digits only, optional sign). */
int rxc__parse_long(rxc_str s, long *out);
/* Copies a header for a message: at most 40 bytes, control and non-ASCII
 * bytes as '?'. */
void rxc__header_label(const char *h, char *out, size_t cap);

#endif
