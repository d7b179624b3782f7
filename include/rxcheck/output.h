/*
 * rxcheck/output.h - turning results into bytes.
 *
 * Formatters append to a caller-owned growable buffer and never write to a
 * stream themselves, so the caller decides where bytes go and when (large
 * buffered writes; per-thread buffers merged in input order).
 *
 * Errors: appending never returns one. When an allocation fails the
 * buffer's `failed` is set, later appends do nothing, and the caller checks
 * `failed` once after formatting (treat it as RXC_ENOMEM). Thread safety:
 * a buffer or tally belongs to one thread at a time; formatters only read
 * the ruleset, schema, record and result, so threads formatting into their
 * own buffers need no lock.
 */
#ifndef RXCHECK_OUTPUT_H
#define RXCHECK_OUTPUT_H

#include "check.h"
#include "common.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer. Zero-initialise, append, rxc_buf_free. The
 * caller owns the struct and, through it, `data` (len bytes, not
 * NUL-terminated; may be NULL while len is 0). */
typedef struct rxc_buf {
  char *data;
  size_t len;
  size_t cap;
  int failed; /* set when an allocation failed; appends become no-ops */
} rxc_buf;

/* Appends n bytes (any bytes) / a NUL-terminated string. On allocation
 * failure sets b->failed and appends nothing, then or later. */
RXC_API void rxc_buf_append(rxc_buf *b, const char *s, size_t n);
RXC_API void rxc_buf_puts(rxc_buf *b, const char *s);
/* Frees the bytes and zeroes the buffer (also `failed`), ready for reuse.
 * To reuse without freeing, set len to 0. */
RXC_API void rxc_buf_free(rxc_buf *b);
/* Appends s as a JSON string literal (quotes included). Control characters
 * are escaped, invalid UTF-8 bytes become U+FFFD, so any input bytes give
 * valid JSON. */
RXC_API void rxc_buf_json_string(rxc_buf *b, const char *s, size_t n);

typedef enum rxc_format {
  RXC_FORMAT_JSONL,
  RXC_FORMAT_CSV,
  RXC_FORMAT_TEXT,
  RXC_FORMAT_SARIF /* rxcheck/report.h: begin, results, end */
} rxc_format;

/* Parses "jsonl" (or "json"), "csv", "text", "sarif"; returns 1 and sets
 * *out, or 0 and leaves *out alone. Thread-safe. */
RXC_API int rxc_format_parse(const char *s, rxc_format *out);

/* CSV only (other formats append nothing): the header row, the input
 * columns then the rxcheck_* columns. */
RXC_API void rxc_format_header(rxc_buf *b, rxc_format fmt,
                               const rxc_schema *schema);
/* Appends the result for one record in the chosen format (one line for
 * jsonl and csv). `rs` gives the ruleset identity for out-of-scope rows.
 * rec and res are only read (res as returned by rxc_checker_check for
 * rec, so format before the next check on that checker). */
RXC_API void rxc_format_result(rxc_buf *b, rxc_format fmt,
                               const rxc_ruleset *rs, const rxc_record *rec,
                               const rxc_result *res);

/* Rejects as CSV rows "line,column,reason" (the caller writes the header
 * line "line,column,reason" once). The reason names the column, never the
 * value. */
RXC_API void rxc_format_reject(rxc_buf *b, const rxc_reject *rej);

/* Verdict counts of one group: a jurisdiction (records by their overall
 * verdict) or an indication (indication entries by their status). */
typedef struct rxc_tally_group {
  const char *name; /* "US", "ocd"; "(none)" for records without one */
  unsigned long by_status[RXC_V__COUNT];
} rxc_tally_group;

/* Findings of one rule: active, and suppressed. */
typedef struct rxc_tally_rule {
  const char *rule;
  rxc_severity severity;
  unsigned long active;
  unsigned long suppressed;
} rxc_tally_rule;

struct rxc_tally_detail;
struct rxc_suppressions;

/* Running counts for the summary. Caller-owned; one thread at a time.
 * Zero-initialised, it keeps the totals below; after rxc_tally_init it
 * also keeps the detail (per jurisdiction, indication, rule and
 * suppression entry) that reports need; then rxc_tally_free it. */
typedef struct rxc_tally {
  unsigned long checked;
  unsigned long in_scope;
  unsigned long by_status[RXC_V__COUNT];
  unsigned long by_severity[RXC_SEV__COUNT]; /* active findings only */
  unsigned long records_at_or_above; /* records with an active finding
                                        >= fail_on */
  unsigned long suppressed;          /* findings suppressed */
  unsigned long suppressed_by_severity[RXC_SEV__COUNT];
  struct rxc_tally_detail *detail;   /* NULL unless rxc_tally_init */
} rxc_tally;

/* Zeroes *t and allocates its detail for results of `rs` (and of
 * suppressions `sup`, or NULL); both are borrowed for the tally's life.
 * RXC_ENOMEM is the only failure (then *t stays a plain zeroed tally). */
RXC_API RXC_NODISCARD rxc_status rxc_tally_init(
    rxc_tally *t, const rxc_ruleset *rs, const struct rxc_suppressions *sup);
/* Frees the detail and zeroes *t; NULL is accepted. */
RXC_API void rxc_tally_free(rxc_tally *t);
/* Zeroes every count, keeping the detail's allocation. */
RXC_API void rxc_tally_reset(rxc_tally *t);
/* Adds the counts of src into dst (tallies of the same ruleset and
 * suppressions; the detail is added when both have one). */
RXC_API void rxc_tally_merge(rxc_tally *dst, const rxc_tally *src);

/* Adds one result. fail_on is an rxc_severity, or < 0 to disable the
 * threshold count; suppressed findings count apart and never reach it.
 * Cannot fail (allocates nothing). */
RXC_API void rxc_tally_add(rxc_tally *t, const rxc_result *res, int fail_on);

/* The detail (0 / NULL without one). Jurisdictions and indications with
 * any count, sorted by name; finding rules in ruleset order (zero counts
 * included); hits per suppression entry index. Owned by the tally, valid
 * until it changes. */
RXC_API size_t rxc_tally_njurisdictions(const rxc_tally *t);
RXC_API const rxc_tally_group *rxc_tally_jurisdiction(const rxc_tally *t,
                                                      size_t i);
RXC_API size_t rxc_tally_nindications(const rxc_tally *t);
RXC_API const rxc_tally_group *rxc_tally_indication(const rxc_tally *t,
                                                    size_t i);
RXC_API size_t rxc_tally_nrules(const rxc_tally *t);
RXC_API const rxc_tally_rule *rxc_tally_rule_at(const rxc_tally *t, size_t i);
RXC_API unsigned long rxc_tally_suppression_hits(const rxc_tally *t,
                                                 size_t entry);

/* What a run says about itself (provenance), for summaries and reports. */
typedef struct rxc_run_info {
  const char *input_name;   /* as given; "<stdin>" for standard input */
  const char *input_sha256; /* 64 hex digits of the bytes read, or NULL */
  const char *started;      /* "2026-11-27T13:45:52Z" (UTC), or NULL */
  rxc_date as_of;           /* --as-of; year 0: each record's rx_date */
  rxc_date suppress_on;     /* date suppression expiry was judged on */
} rxc_run_info;

/* The summary as one JSON object (with a trailing newline): provenance
 * (tool, input name and SHA-256, start time, as-of date), the counts of
 * st and t (with t's detail when it has one), the suppressions of `sup`
 * (may be NULL) with their hits, and the ruleset. Keys are always in the
 * same order; every finding rule is listed, with zero counts too, so
 * summaries of chunks of one run merge key by key. */
RXC_API void rxc_format_summary_json(rxc_buf *b, const rxc_run_info *run,
                                     const rxc_read_stats *st,
                                     const rxc_tally *t,
                                     const rxc_ruleset *rules,
                                     const struct rxc_suppressions *sup);
/* The same summary as lines of text for a terminal. */
RXC_API void rxc_format_summary_text(rxc_buf *b, const rxc_run_info *run,
                                     const rxc_read_stats *st,
                                     const rxc_tally *t,
                                     const rxc_ruleset *rules,
                                     const struct rxc_suppressions *sup);

#ifdef __cplusplus
}
#endif
#endif
