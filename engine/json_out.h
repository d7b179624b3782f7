/*
 * json_out.h - JSON pieces shared by the formatters (output.c defines
 * them): strings that may be NULL, object keys, and ruleset identities.
 */
#ifndef RXC_JSON_OUT_H
#define RXC_JSON_OUT_H

#include "rxcheck/output.h"
#include "rxcheck/rules.h"

/* A JSON string, or null for NULL. */
void rxc__json_cstr(rxc_buf *b, const char *s);
/* `"key":`, preceded by a comma unless first. */
void rxc__json_key(rxc_buf *b, const char *key, int first);
/* {"name","version","hash"} of one pack. */
void rxc__json_pack(rxc_buf *b, const rxc_pack_info *p);
/* [{"name","version","hash"}, ...] of every pack of the ruleset. */
void rxc__json_packs(rxc_buf *b, const rxc_ruleset *rs);
/* {"out-of-scope":N, ... "approved":N}: counts per verdict. */
void rxc__json_status_counts(rxc_buf *b, const unsigned long *by_status);
/* {"contraindicated":N, ... "info":N}: counts per severity, worst first. */
void rxc__json_severity_counts(rxc_buf *b, const unsigned long *by_sev);
/* {"US":{verdict counts}, ...}: a tally's jurisdictions (1) or
 * indications (0), in name order. */
void rxc__json_tally_groups(rxc_buf *b, const rxc_tally *t,
                            int jurisdictions);
/* Renders, into the ruleset's arena, the provenance tail of every result
 * (`"tool":{...},"ruleset":...`) for each pack and for out-of-scope rows,
 * so that formatting a row copies it instead of escaping it again.
 * Returns 0, or -1 when out of memory. */
int rxc__render_identity(rxc_ruleset *rs);

struct rxc_suppression;
/* "scope":["patient","prescriber","drug_code"] (the keys an entry gives,
 * never their values), then "drug_code": the code or null. */
void rxc__json_suppression_scope(rxc_buf *b, const struct rxc_suppression *s);
/* One suppression entry with its hits, for summaries and SARIF: entry,
 * rule, scope, drug_code, reason, owner, expires, expired, hits. */
void rxc__json_suppression(rxc_buf *b, const struct rxc_suppression *s,
                           unsigned long hits);
/* {"name","version","hash"} of pack p, or of the ruleset's only pack, or
 * an array of every pack's when p is NULL and there are several. */
void rxc__json_ruleset(rxc_buf *b, const rxc_ruleset *rs,
                       const rxc_pack_info *p);

#endif
