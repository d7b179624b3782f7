/*
 * rxcheck/summary.h - merging the run summaries of a split export.
 *
 * rxcheck checks each row on its own, so a large export can be cut into
 * chunks, each checked by its own process (GNU parallel, a Hadoop map
 * task, a Spark partition), and the outputs concatenated in order. Each
 * process writes its own summary (`rxcheck batch --summary FILE`); merging
 * them gives the summary of the whole run: equal, key for key and in the
 * same key order, to the summary of one run over the whole file, apart
 * from the provenance of the run itself.
 *
 * What the merge does with each key of the summary objects:
 *
 *   - Counts (numbers) are summed: rows_read, checked, in_scope, rejected,
 *     blank_lines, and every number inside an object of counts at any
 *     depth: rejected_by, status, findings, suppressed, jurisdictions,
 *     indications, rules, and keys added by later versions. A count
 *     missing from a chunk is 0 there (rejected_by lists only the reasons
 *     that occurred). Numbers must be whole and 0 to 2^63-1 (the largest
 *     integer JSON tools read exactly enough to merge again); a sum past
 *     that is refused.
 *   - Keys of an object appear in the order the summaries give them; keys
 *     that no one chunk orders against each other (a jurisdiction seen only
 *     in chunk 1, another only in chunk 2) are placed as one run would
 *     place them: rejection reasons in rxcheck's order of reasons, every
 *     other key by byte order of its name (jurisdictions and indications
 *     are sorted by name).
 *   - "suppressions": the entries, matched by "entry"; every chunk must
 *     list the same entries with the same rule, owner, reason, expiry and
 *     expired flag (any key but "hits"); "hits" are summed.
 *   - Provenance: "input" and "input_sha256" of each summary become one
 *     element {"input": ..., "input_sha256": ...} of "inputs" (a list in
 *     argument order, written where "input" was); a summary that is itself
 *     a merge contributes its "inputs", so merges can be merged.
 *     "started" is the earliest (RFC 3339 UTC "YYYY-MM-DDTHH:MM:SS[.frac]Z"
 *     timestamps; null when no summary has one).
 *   - Everything else must be equal in every summary, and the merge is
 *     refused when it is not, since one summary for results of different
 *     rules or settings would misstate what was checked: "tool" (name and
 *     version), "ruleset" (name, version and hash of each pack), "as_of",
 *     the suppression entries, and any text, true/false, null or list a
 *     later version adds.
 *
 * Every summary must be a JSON object (RFC 8259, duplicate keys refused)
 * whose "tool" names rxcheck and which has a "ruleset". The same path
 * given twice is refused (its counts would be added twice).
 */
#ifndef RXCHECK_SUMMARY_H
#define RXCHECK_SUMMARY_H

#include "common.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Merges the summary files paths[0..n) (n >= 1), in that order, and
 * appends the merged summary to *out as one JSON object on one line with a
 * trailing newline, in the compact form `rxcheck batch --summary` writes.
 *
 * Returns RXC_OK; RXC_EIO when a file cannot be read (err names it and
 * why); RXC_EUSAGE when a file is not a summary or the summaries cannot be
 * merged: for malformed JSON err has the file, the 1-based line and column
 * and a message starting "expected" where the parser says what it
 * expected; otherwise err->file names the file, err->line is 0 and the
 * message names the key ("ruleset" differs from FIRST ...); RXC_ENOMEM.
 * On failure *out may hold a partial object: discard it. Never prints.
 * Thread-safe: touches only its arguments. */
RXC_API RXC_NODISCARD rxc_status rxc_summary_merge(const char *const *paths,
                                                   size_t n, rxc_buf *out,
                                                   rxc_error *err);

/* The same over summaries already in memory: data[i] holds lens[i] bytes
 * of the summary called names[i] in messages. */
RXC_API RXC_NODISCARD rxc_status rxc_summary_merge_mem(
    const char *const *names, const char *const *data, const size_t *lens,
    size_t n, rxc_buf *out, rxc_error *err);

#ifdef __cplusplus
}
#endif
#endif
