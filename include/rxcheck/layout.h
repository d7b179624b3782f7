/*
 * rxcheck/layout.h - exports kept in several tables: a Synthea CSV export,
 * an OMOP CDM 5.3/5.4 extract, a MIMIC-IV (or MIMIC-III) hospital module,
 * or any prescriptions file joined with a diagnoses and a patients file.
 *
 * A layout names the tables of an export and the columns it reads from
 * each, by header name in any case (release differences such as Synthea's
 * SYSTEM column or OMOP's upper- and lower-case headers are handled there).
 * rxc_layout_open finds the tables (NAME.csv or NAME.csv.gz, any case),
 * loads the side tables into compact in-memory indexes keyed by patient
 * (patients; diagnoses with their dates; for OMOP the concepts the export
 * uses) and makes a first pass over the prescriptions table to index every
 * patient's prescriptions. The prescriptions table then streams through
 * rxc_pipeline_run with rxc_pipeline_options.layout set: before each row is
 * normalised, the pipeline appends the derived canonical values as virtual
 * columns named rxcheck_<field> (the patient's diagnoses active on the
 * row's date, birth date or age, sex, co-medications active on that date,
 * and the layout's drug name, code, form, strength and daily dose).
 *
 * Memory: the streamed table stays bounded by the pipeline's pool; the
 * indexes grow with the side tables (rxc_layout_stats.index_bytes).
 *
 * Threads: opening a layout is single-threaded; once open it is never
 * written again, so any number of threads (the pipeline's workers) may
 * read it at once. Free it after every pipeline using it has returned.
 */
#ifndef RXCHECK_LAYOUT_H
#define RXCHECK_LAYOUT_H

#include <stdio.h>

#include "common.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RXC_LAYOUT_MAP(X)     \
  X(JOIN, "join")             \
  X(SYNTHEA, "synthea")       \
  X(OMOP, "omop")             \
  X(MIMIC4, "mimic4")

typedef enum rxc_layout_kind {
#define RXC_X_(name, text) RXC_LAYOUT_##name,
  RXC_LAYOUT_MAP(RXC_X_)
#undef RXC_X_
  RXC_LAYOUT__COUNT
} rxc_layout_kind;

/* "synthea" for RXC_LAYOUT_SYNTHEA; "" when out of range. */
RXC_API const char *rxc_layout_name(rxc_layout_kind k);
/* Parses a layout name (case-insensitive; "mimic" and "mimic-iv" are
 * mimic4). Returns 1 and sets *out, or 0. */
RXC_API int rxc_layout_parse(const char *name, rxc_layout_kind *out);

typedef struct rxc_layout_options {
  rxc_layout_kind kind;
  /* SYNTHEA, OMOP, MIMIC4: the export's folder (MIMIC-IV tables are also
   * looked for in its hosp/ subfolder). */
  const char *dir;
  /* JOIN: the prescriptions file (a flat export, read with the usual
   * aliases and input.map; not "-", it is read twice), and optional
   * diagnoses and patients files. */
  const char *prescriptions;
  const char *diagnoses;
  const char *patients;
  /* JOIN: the column holding the patient key in every file: a header name
   * (any case), or a canonical name whose aliases are tried
   * ("patient_id" finds subject_id, person_id ...). NULL: "patient_id". */
  const char *join;
  /* max_field, map (the prescriptions table only; for the folder layouts
   * only fields the layout does not set), today and stop are used. */
  rxc_input_options input;
} rxc_layout_options;

typedef enum rxc_table_role {
  RXC_TABLE_PRESCRIPTIONS,
  RXC_TABLE_DIAGNOSES,
  RXC_TABLE_PATIENTS,
  RXC_TABLE_CONCEPTS,
  RXC_TABLE__COUNT
} rxc_table_role;

/* One table of the export and what loading it found. */
typedef struct rxc_table_stats {
  const char *role;       /* "prescriptions", "diagnoses", "patients",
                             "concepts" */
  const char *path;       /* NULL when the export has no such table */
  unsigned long rows;     /* data rows read */
  unsigned long loaded;   /* rows kept in an index */
  unsigned long ignored;  /* rows with nothing to keep: an empty or
                             unrecognised code, a concept the export never
                             refers to, an unknown vocabulary */
  unsigned long skipped;  /* rows that could not be read (see problems) */
} rxc_table_stats;

enum { RXC_LAYOUT_MAX_PROBLEMS = 20 };

typedef struct rxc_layout_stats {
  rxc_layout_kind kind;
  rxc_table_stats tables[RXC_TABLE__COUNT];
  unsigned long patients; /* distinct patient keys seen in any table */
  size_t index_bytes;     /* bytes held by the in-memory indexes */
  /* The first problems met while loading (skipped side-table rows, a
   * missing optional table), each with file, line, column and reason;
   * never a value from the data. problems_total counts them all. */
  size_t nproblems;
  rxc_error problems[RXC_LAYOUT_MAX_PROBLEMS];
  unsigned long problems_total;
} rxc_layout_stats;

typedef struct rxc_layout rxc_layout;

/* Finds the tables, loads the indexes and indexes the prescriptions. On
 * failure returns RXC_EUSAGE (bad options, a missing required table, two
 * candidate files for one table), RXC_EIO (a file cannot be read or a
 * gzip stream is corrupt), RXC_EHEADER (a table lacks a column the layout
 * needs; err names the file, the line and the names looked for),
 * RXC_ESTOP (input.stop was set) or RXC_ENOMEM, with err set. Rows of the
 * side tables that cannot be used are skipped and counted, not fatal. The
 * layout copies what it keeps from the options. */
RXC_API RXC_NODISCARD rxc_status rxc_layout_open(const rxc_layout_options *o,
                                                 rxc_layout **out,
                                                 rxc_error *err);
/* Accepts NULL. Free pipelines using the layout first. */
RXC_API void rxc_layout_free(rxc_layout *l);
/* What was loaded. Owned by the layout. */
RXC_API const rxc_layout_stats *rxc_layout_stats_get(const rxc_layout *l);
/* The path of the prescriptions table, to open with rxc_table_open and
 * stream through rxc_pipeline_run. Owned by the layout. */
RXC_API const char *rxc_layout_prescriptions(const rxc_layout *l);

/* Opens a table for reading: a plain file, or a gzip-compressed one
 * (told by its magic bytes, whatever its name), decompressed while it is
 * read; "-" is standard input. A corrupt or truncated gzip stream shows
 * as a read error on the stream. Returns RXC_OK and *out (fclose it), or
 * RXC_EIO / RXC_ENOMEM with err naming the file and the system's
 * reason. */
RXC_API RXC_NODISCARD rxc_status rxc_table_open(const char *path, FILE **out,
                                                rxc_error *err);

#ifdef __cplusplus
}
#endif
#endif
