/*
 * rxcheck/output.h - turning results into bytes.
 *
 * Formatters append to a caller-owned growable buffer and never write to a
 * stream themselves, so the caller decides where bytes go and when (large
 * buffered writes; per-thread buffers merged in input order).
 */
#ifndef RXCHECK_OUTPUT_H
#define RXCHECK_OUTPUT_H

#include "check.h"
#include "common.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer. Zero-initialise, append, rxc_buf_free. */
typedef struct rxc_buf {
  char *data;
  size_t len;
  size_t cap;
  int failed; /* set when an allocation failed; appends become no-ops */
} rxc_buf;

RXC_API void rxc_buf_append(rxc_buf *b, const char *s, size_t n);
RXC_API void rxc_buf_puts(rxc_buf *b, const char *s);
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

/* Parses "jsonl", "csv", "text"; returns 1 and sets *out, or 0. */
RXC_API int rxc_format_parse(const char *s, rxc_format *out);

/* CSV only: the header row (input columns then the rxcheck_* columns). */
RXC_API void rxc_format_header(rxc_buf *b, rxc_format fmt,
                               const rxc_schema *schema);
/* Appends the result for one record in the chosen format (one line for
 * jsonl and csv). `rs` gives the ruleset identity for out-of-scope rows. */
RXC_API void rxc_format_result(rxc_buf *b, rxc_format fmt,
                               const rxc_ruleset *rs, const rxc_record *rec,
                               const rxc_result *res);

/* Rejects as CSV rows "line,column,reason" (the caller writes the header
 * line "line,column,reason" once). */
RXC_API void rxc_format_reject(rxc_buf *b, const rxc_reject *rej);

/* Running counts for the summary. Zero-initialise. */
typedef struct rxc_tally {
  unsigned long checked;
  unsigned long in_scope;
  unsigned long by_status[RXC_V__COUNT];
  unsigned long by_severity[RXC_SEV__COUNT];
  unsigned long records_at_or_above; /* records with a finding >= fail_on */
} rxc_tally;

/* Adds one result. fail_on < 0 disables the threshold count. */
RXC_API void rxc_tally_add(rxc_tally *t, const rxc_result *res, int fail_on);

/* The summary as one JSON object (with a trailing newline). */
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
