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
/* {"name","version","hash"} of pack p, or of the ruleset's only pack, or
 * an array of every pack's when p is NULL and there are several. */
void rxc__json_ruleset(rxc_buf *b, const rxc_ruleset *rs,
                       const rxc_pack_info *p);

#endif
