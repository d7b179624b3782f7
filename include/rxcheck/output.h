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
  RXC_FORMAT_TEXT
} rxc_format;

/* Parses "jsonl" (or "json"), "csv", "text"; returns 1 and sets *out, or
 * 0 and leaves *out alone. Thread-safe. */
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

/* Running counts for the summary. Zero-initialise; caller-owned; one
 * thread at a time (per-thread tallies can be added up member by member). */
typedef struct rxc_tally {
  unsigned long checked;
  unsigned long in_scope;
  unsigned long by_status[RXC_V__COUNT];
  unsigned long by_severity[RXC_SEV__COUNT];
  unsigned long records_at_or_above; /* records with a finding >= fail_on */
} rxc_tally;

/* Adds one result. fail_on is an rxc_severity, or < 0 to disable the
 * threshold count. Cannot fail. */
RXC_API void rxc_tally_add(rxc_tally *t, const rxc_result *res, int fail_on);

/* The summary as one JSON object (with a trailing newline). input_name is
 * shown as given; rs, t and rules are only read. */
RXC_API void rxc_format_summary_json(rxc_buf *b, const char *input_name,
                                     const rxc_read_stats *rs,
                                     const rxc_tally *t,
                                     const rxc_ruleset *rules);
/* The same summary as lines of text for a terminal. */
RXC_API void rxc_format_summary_text(rxc_buf *b, const char *input_name,
                                     const rxc_read_stats *rs,
                                     const rxc_tally *t,
                                     const rxc_ruleset *rules);

#ifdef __cplusplus
}
#endif
#endif
