/*
 * rxcheck/input.h - reading prescription exports.
 *
 * Three layers, each usable on its own:
 *   rxc_schema   maps a header row to the canonical columns (aliases, --map);
 *   rxc_builder  turns one row of raw fields into a normalised rxc_record,
 *                or into a reject (line, column, reason);
 *   rxc_reader   streams a CSV file through libcsv and the builder, calling
 *                back once per record or reject, in input order. Memory is
 *                bounded by the longest record, not by the file.
 *
 * A schema is immutable once made: any number of builders on any number of
 * threads may share it. A builder and a reader are used by one thread at a
 * time. The name, lookup and parse functions are pure (thread-safe) and
 * their returned names are static strings.
 */
#ifndef RXCHECK_INPUT_H
#define RXCHECK_INPUT_H

#include <signal.h>
#include <stdio.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The contract's canonical columns. prescriber_id, like patient_id, is
 * carried through and never interpreted (suppressions match on it); it is
 * last so that the other fields keep their values. */
#define RXC_FIELD_MAP(X)                     \
  X(PATIENT_ID, "patient_id")                \
  X(BIRTH_DATE, "birth_date")                \
  X(AGE, "age")                              \
  X(SEX, "sex")                              \
  X(COUNTRY, "country")                      \
  X(RX_DATE, "rx_date")                      \
  X(DRUG_NAME, "drug_name")                  \
  X(DRUG_CODE, "drug_code")                  \
  X(FORM, "form")                            \
  X(STRENGTH_MG, "strength_mg")              \
  X(DAILY_DOSE_MG, "daily_dose_mg")          \
  X(DIAGNOSIS_CODES, "diagnosis_codes")      \
  X(CO_MEDICATIONS, "co_medications")        \
  X(PRESCRIBER_ID, "prescriber_id")

typedef enum rxc_field {
#define RXC_X_(name, text) RXC_F_##name,
  RXC_FIELD_MAP(RXC_X_)
#undef RXC_X_
  RXC_F__COUNT
} rxc_field;

/* "drug_name" for RXC_F_DRUG_NAME (a static string); NULL when out of
 * range. */
RXC_API const char *rxc_field_name(rxc_field f);
/* The canonical field a name or alias denotes (case-insensitive, trimmed;
 * `name` need not be NUL-terminated), or -1. */
RXC_API int rxc_field_lookup(const char *name, size_t len);

/* Code systems for diagnosis and drug codes ("system:code"). */
#define RXC_SYSTEM_MAP(X)  \
  X(NONE, "")              \
  X(ICD10, "icd10")        \
  X(ICD9, "icd9")          \
  X(SNOMED, "snomed")      \
  X(RXNORM, "rxnorm")      \
  X(NDC, "ndc")            \
  X(ATC, "atc")            \
  X(BNF, "bnf")            \
  X(OMOP, "omop")

typedef enum rxc_system {
#define RXC_X_(name, text) RXC_SYS_##name,
  RXC_SYSTEM_MAP(RXC_X_)
#undef RXC_X_
  RXC_SYS__COUNT
} rxc_system;

/* "icd10" for RXC_SYS_ICD10 (a static string); "" for NONE or out of
 * range. */
RXC_API const char *rxc_system_name(rxc_system s);
/* The system a prefix names ("ICD10", "icd-10-cm", "snomed", "sct" ...),
 * or RXC_SYS_NONE. */
RXC_API rxc_system rxc_system_lookup(const char *name, size_t len);

/* A normalised code. For ICD-10 and ICD-9 the code is upper-case without
 * the dot ("F4010"); other systems keep their text, trimmed, with ATC and
 * BNF upper-cased. `raw` is the item as written (without the prefix). */
typedef struct rxc_code {
  rxc_system system;
  rxc_str code;
  rxc_str raw;
} rxc_code;

/* Normalises one code item ("icd10:f40.10", "F4010", "snomed:191736004").
 * `buf` (at least len + 1 bytes) receives the normalised text that
 * out->code points to. Diagnosis inference when there is no prefix: a
 * letter then digits is ICD-10; digits only, 6 to 18 long, SNOMED CT;
 * 3 to 5 digits with an optional dot (or E and 3 digits, a dot and more),
 * ICD-9. `is_drug` switches to drug inference: digits only is RxNorm, an
 * ATC shape (N06AB08) is ATC, 7 digits then letters and digits to 9, 11 or
 * 15 characters (0403030L0AAAAAA) is BNF.
 * Returns 1 when a code was recognised, 0 otherwise (out->system NONE).
 * out->code points into the caller's `buf` and out->raw into `s`: valid
 * while they are. Allocates nothing; thread-safe. */
RXC_API int rxc_code_parse(const char *s, size_t len, int is_drug, char *buf,
                           rxc_code *out);

/* Why a row was rejected. */
#define RXC_REJECT_MAP(X)                                              \
  X(FIELD_COUNT, "field-count", "field count differs from the header") \
  X(QUOTE, "quote", "malformed quoting")                               \
  X(UNTERMINATED, "unterminated", "unterminated quoted field at end of input") \
  X(UTF8, "utf8", "invalid UTF-8")                                     \
  X(TOO_LONG, "too-long", "field longer than the limit")               \
  X(BAD_DATE, "bad-date", "not a valid date (expected YYYY-MM-DD)")    \
  X(BAD_NUMBER, "bad-number", "not a valid number")                    \
  X(RANGE, "range", "value out of range")                              \
  X(BAD_COUNTRY, "bad-country", "not an ISO 3166-1 alpha-2 country code")

typedef enum rxc_reject_reason {
#define RXC_X_(name, id, text) RXC_REJ_##name,
  RXC_REJECT_MAP(RXC_X_)
#undef RXC_X_
  RXC_REJ__COUNT
} rxc_reject_reason;

/* A reason's id ("bad-date") and its prose: static strings ("unknown" and
 * "unknown reason" when out of range). */
RXC_API const char *rxc_reject_id(rxc_reject_reason r);   /* "bad-date" */
RXC_API const char *rxc_reject_text(rxc_reject_reason r); /* prose */

/* A row that cannot be checked. `column` is the 1-based field number (0
 * when the whole row is at fault); `message` names the column and what was
 * expected, never the value. */
typedef struct rxc_reject {
  unsigned long line;
  unsigned long column;
  rxc_reject_reason reason;
  char message[256];
} rxc_reject;

/* One normalised data row. Every pointer is borrowed: valid only until the
 * callback returns (reader) or the next build (builder). */
typedef struct rxc_record {
  unsigned long line;   /* physical line where the row starts (1-based) */
  unsigned long number; /* data row number, 1-based, header excluded */
  size_t nfields;
  const rxc_str *fields;       /* every field, input order, as read */
  rxc_str canon[RXC_F__COUNT]; /* canonical values, trimmed; len 0 absent */
  rxc_date birth_date;         /* year 0 when absent */
  rxc_date rx_date;            /* the rx_date column, else the run date */
  int age;                     /* whole years at rx_date; -1 unknown */
  double strength_mg;          /* < 0 when absent */
  double daily_dose_mg;        /* < 0 when absent */
  rxc_code drug_code;          /* system NONE when absent */
  size_t ndx;
  const rxc_code *dx; /* diagnosis codes, split on ; or |, normalised */
  size_t ncomed;
  const rxc_str *comed; /* co-medications, split, trimmed, non-empty */
  char jurisdiction[8]; /* upper-case country, else the default; "" none */
  /* Per canonical field, its index in `fields`, or -1 when the export
   * lacks the column. Set by the builder; NULL in a record made by hand
   * (then rxc_record_field falls back on canon). */
  const int *columns;
} rxc_record;

/* The raw value of canonical field f in a record: its field as read, not
 * trimmed (canon[f] is the trimmed value), borrowed like the record. An
 * empty slice with a non-NULL ptr when the column is there but empty;
 * {NULL, 0} when the export lacks the column or f is out of range. For a
 * record made by hand (columns NULL): canon[f], or {NULL, 0} when empty.
 * Pure: thread-safe. */
RXC_API rxc_str rxc_record_field(const rxc_record *rec, rxc_field f);

/* ---- schema: header row -> canonical columns ------------------------- */

typedef struct rxc_schema rxc_schema;

/* Builds the column mapping from a header row. `map` is NULL or
 * "canonical=Header,canonical=Header" (the --map option); it wins over
 * aliases. Fails with RXC_EHEADER when neither drug_name nor drug_code is
 * present (the message lists the headers seen and what was looked for),
 * RXC_EUSAGE for a malformed map (err filled in either case; *out NULL),
 * RXC_ENOMEM. The schema copies what it keeps: header and map need only
 * live during the call. The caller owns *out (rxc_schema_free, after every
 * builder that borrows it). Immutable: shareable between threads. */
RXC_API RXC_NODISCARD rxc_status rxc_schema_new(const rxc_str *header,
                                                size_t n, const char *map,
                                                rxc_schema **out,
                                                rxc_error *err);
/* Frees a schema; NULL is accepted. */
RXC_API void rxc_schema_free(rxc_schema *s);
/* The number of columns of the header row (0 for NULL). */
RXC_API size_t rxc_schema_ncolumns(const rxc_schema *s);
/* Header text of column i (NUL-terminated, owned by the schema, valid
 * until rxc_schema_free); NULL when out of range. */
RXC_API const char *rxc_schema_header(const rxc_schema *s, size_t i);
/* Column index of a canonical field, or -1 when the export lacks it. */
RXC_API int rxc_schema_column(const rxc_schema *s, rxc_field f);

/* ---- builder: raw fields -> record ------------------------------------ */

typedef struct rxc_input_options {
  size_t max_field;            /* bytes; 0 = default 1 MiB */
  const char *map;             /* --map, or NULL */
  const char *default_country; /* --country, or NULL */
  rxc_date today;              /* run date; year 0 = rxc_date_today() */
  /* When non-NULL and set non-zero (a signal handler), the reader stops
   * before the next line with RXC_ESTOP; a read interrupted by a signal is
   * retried after that check. */
  volatile sig_atomic_t *stop;
  /* Headerless input (a chunk of a split export, --no-header): when
   * `columns` is non-NULL, the input has no header row; these `ncolumns`
   * names are its header, mapped exactly as a header row would be
   * (trimmed, aliases, `map`), and the first line of input is data. The
   * header is mapped before any input is read (on_header, or the raw
   * header handler with line 0, is called first); a mapping error is
   * reported with line 0 and nothing is read. An input with no data rows
   * is then a valid, empty run, not "no header row". Zero names is an
   * RXC_EHEADER error. Only the reader reads these; builders ignore
   * them. */
  const char *const *columns;
  size_t ncolumns;
  /* Added to every physical line number the reader reports: records'
   * `line`, rejects' `line`, the line of a raw row or header, and errors'
   * `line` (0, "no line", stays 0). A chunk that starts at line N + 1 of
   * the original file is read with line_offset N, so its lines are those
   * of the original. Counts (rxc_read_stats.lines, record `number`) are
   * not offset: they count what this run read. */
  unsigned long line_offset;
} rxc_input_options;

typedef struct rxc_builder rxc_builder;

/* Borrows `schema` (keep it alive until rxc_builder_free) and copies the
 * options (o may be NULL for the defaults; its strings need not outlive
 * the call). RXC_EUSAGE when schema is NULL or o->default_country is not
 * an ISO 3166-1 alpha-2 code, RXC_ENOMEM (*out NULL either way). The
 * caller owns *out. One thread at a time; builders may share a schema. */
RXC_API RXC_NODISCARD rxc_status rxc_builder_new(const rxc_schema *schema,
                                                 const rxc_input_options *o,
                                                 rxc_builder **out);
/* Frees a builder and the record it last built; NULL is accepted. */
RXC_API void rxc_builder_free(rxc_builder *b);
/* Normalises one row. Returns 1 and sets *rec (valid until the next call)
 * when the row can be checked; returns 0 and fills *rej when it cannot;
 * returns -1 on out of memory. The fields must stay alive while *rec is
 * used (the record's slices point into them). `line` and `number` are the
 * caller's to choose: they are only reported back (rec->line, rej->line).
 * Allocates only to grow its scratch: none once warmed up. */
RXC_API int rxc_builder_build(rxc_builder *b, const rxc_str *fields,
                              size_t n, unsigned long line,
                              unsigned long number, const rxc_record **rec,
                              rxc_reject *rej);
/* rxc_builder_build, except that the diagnosis and co-medication lists
 * are not split: the record has ndx and ncomed 0 until rxc_builder_lists.
 * Everything that can make the row a reject is checked, as by
 * rxc_builder_build (the same return values, rejects and record
 * otherwise), and drug_code is parsed, so that a caller can tell whether
 * the record is in scope (rxc_checker_in_scope) before paying for the
 * lists, which only in-scope records need: most rows of an export are of
 * other drugs. */
RXC_API int rxc_builder_build_lazy(rxc_builder *b, const rxc_str *fields,
                                   size_t n, unsigned long line,
                                   unsigned long number,
                                   const rxc_record **rec, rxc_reject *rej);
/* Splits the lists of the record the last rxc_builder_build_lazy returned
 * (its dx, ndx, comed, ncomed); nothing to do after rxc_builder_build, a
 * reject or a second call. Returns 0, or -1 on out of memory. Allocates
 * only to grow its scratch. */
RXC_API int rxc_builder_lists(rxc_builder *b);

/* ---- reader: a CSV stream -> records and rejects ---------------------- */

typedef struct rxc_read_stats {
  unsigned long rows_read; /* data rows seen = valid + rejected */
  unsigned long valid;
  unsigned long rejected;
  unsigned long rejected_by[RXC_REJ__COUNT];
  unsigned long blank_lines;
  unsigned long lines; /* physical lines read, header included */
} rxc_read_stats;

typedef struct rxc_reader_callbacks {
  /* Called once after the header is mapped; may be NULL. */
  int (*on_header)(const rxc_schema *schema, void *ud);
  /* Called for every valid record; a non-zero return stops the run. */
  int (*on_record)(const rxc_record *rec, void *ud);
  /* Called for every rejected row; a non-zero return stops the run. */
  int (*on_reject)(const rxc_reject *rej, void *ud);
  void *ud;
  /* Raw mode, when set: every data row is handed over as read, before any
   * normalisation (on_record is not called, and the caller builds and
   * counts valid and rejected rows itself, e.g. on worker threads). Rows
   * the reader itself cannot parse (quoting) still go to on_reject. The
   * fields lie in one block, in order (fields[i + 1].ptr is at or after
   * the end of fields[i]), so a caller may copy a row with one memcpy from
   * fields[0].ptr to the end of fields[n - 1]. They are valid during the
   * call only. */
  int (*on_row)(const rxc_str *fields, size_t n, unsigned long line,
                unsigned long number, void *ud);
} rxc_reader_callbacks;

typedef struct rxc_reader rxc_reader;

/* Makes a reader with a copy of the options (o may be NULL; its strings
 * and o->columns are copied, but o->stop is kept: it must outlive the
 * reader's runs).
 * RXC_ENOMEM is the only failure (*out NULL). The caller owns *out. One
 * thread at a time. */
RXC_API RXC_NODISCARD rxc_status rxc_reader_new(const rxc_input_options *o,
                                                rxc_reader **out);
/* Frees a reader, with its schema and statistics; NULL is accepted. */
RXC_API void rxc_reader_free(rxc_reader *r);
/* Reads `in` to its end. `name` names the input in errors ("-" or a path).
 * Returns RXC_OK when the stream was read (rows may have been rejected),
 * RXC_EHEADER for a missing or unusable header, RXC_EIO on a read error,
 * RXC_ESTOP when a callback stopped it, RXC_ENOMEM; err (may be NULL) says
 * where and why. `in` is borrowed and not closed. The callbacks run on the
 * calling thread, in input order; what they receive is valid during the
 * call only. A reader may run several inputs one after the other; each run
 * starts its statistics and schema afresh. */
RXC_API RXC_NODISCARD rxc_status rxc_reader_run(rxc_reader *r, FILE *in,
                                                const char *name,
                                                const rxc_reader_callbacks *cb,
                                                rxc_error *err);
/* Raw header mode, for callers that map columns themselves (the
 * multi-table layouts, whose tables need not have a drug column): with a
 * handler set and raw rows (on_row) in the callbacks, the header row is
 * handed to `fn` as read (fields valid during the call; `line` where it
 * starts) instead of being mapped: no schema or builder is made and
 * rxc_reader_schema returns NULL. A non-zero return stops the run with
 * RXC_ESTOP; the handler keeps its own error. Set before rxc_reader_run;
 * NULL restores the default. Not thread-safe (like the reader). */
RXC_API void rxc_reader_set_header_handler(
    rxc_reader *r,
    int (*fn)(const rxc_str *fields, size_t n, unsigned long line, void *ud),
    void *ud);
/* The counts of the last run (NULL for a NULL reader), owned by the
 * reader: valid until its next run or rxc_reader_free. */
RXC_API const rxc_read_stats *rxc_reader_stats(const rxc_reader *r);
/* The schema of the last run's header, or NULL. Owned by the reader: valid
 * until its next run or rxc_reader_free. */
RXC_API const rxc_schema *rxc_reader_schema(const rxc_reader *r);

/* ---- headers for headerless input ---------------------------------------- */

/* Reads the header of the CSV file at `path` (plain, or gzip-compressed as
 * rxc_table_open reads it; "-" is standard input, of which it consumes a
 * buffer's worth): only the first record is parsed (libcsv, strict RFC
 * 4180 with spaces kept, the reader's rules), after a UTF-8 BOM and any
 * blank lines. The names are as
 * read (the schema trims them). Returns RXC_OK and sets *names (n
 * NUL-terminated strings, then a NULL) and *n; RXC_EHEADER when the file
 * has no record (empty, blank or a BOM only), is UTF-16, or its first
 * record has malformed or unterminated quoting, a NUL byte or more than
 * 1 MiB; RXC_EIO when it cannot be opened or read; RXC_ENOMEM. err says
 * where (file, line, and the 1-based field as column where one is at
 * fault). On failure *names is NULL and *n 0. The caller owns *names:
 * rxc_header_free. Thread-safe. */
RXC_API RXC_NODISCARD rxc_status rxc_header_read(const char *path,
                                                 char ***names, size_t *n,
                                                 rxc_error *err);
/* Parses a comma-separated list of column names ("a,b,c", the --columns
 * option) as one CSV record, so a name holding a comma or a quote is
 * quoted as in CSV ("\"Dose, mg\",drug"); spaces and tabs around a name
 * are dropped, so a quote may follow "a, ". Returns RXC_OK with *names and
 * *n as rxc_header_read; RXC_EUSAGE for an empty list (NULL, "", spaces
 * only), malformed or unterminated quoting, or more than one line (err:
 * line 1 and the 1-based character position as column, file ""),
 * RXC_ENOMEM. The caller owns *names: rxc_header_free. Thread-safe. */
RXC_API RXC_NODISCARD rxc_status rxc_columns_parse(const char *spec,
                                                   char ***names, size_t *n,
                                                   rxc_error *err);
/* Frees what rxc_header_read or rxc_columns_parse returned; NULL is
 * accepted. */
RXC_API void rxc_header_free(char **names, size_t n);

#ifdef __cplusplus
}
#endif
#endif
