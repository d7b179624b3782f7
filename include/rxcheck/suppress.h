/*
 * rxcheck/suppress.h - accountable suppressions (`--suppress FILE`).
 *
 * A suppression file (YAML) lists findings an audit team has reviewed and
 * accepts for now. Each entry names a finding rule id and optionally narrows
 * it to one patient, prescriber or drug code; each must say why (`reason`),
 * who answers for it (`owner`) and until when (`expires`). A suppressed
 * finding is never hidden: it stays in the output, marked with the entry
 * behind it, and is counted apart from the active findings (and ignored by
 * --fail-on). An entry whose `expires` date is before the evaluation date
 * no longer applies and is reported as expired. A finding of severity
 * `contraindicated` can never be suppressed: such an entry is a load error.
 *
 * File format (see rules/README.md, "Suppression files"):
 *
 *   suppressions:
 *     - rule: int-theophylline        # a finding rule id of the loaded packs
 *       patient_id: P0042             # optional: only this patient
 *       prescriber_id: DR5650         # optional: only this prescriber
 *       drug_code: rxnorm:903873      # optional: only this drug code
 *       reason: Levels monitored weekly by the respiratory clinic.
 *       owner: jane.doe@pharmacy.example
 *       expires: 2027-03-31
 *
 * Loading refuses the file as a whole on any error, each reported as
 * file:line:col: message through the diagnostic callback (rules.h).
 */
#ifndef RXCHECK_SUPPRESS_H
#define RXCHECK_SUPPRESS_H

#include "check.h"
#include "common.h"
#include "input.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rxc_suppressions rxc_suppressions;

/* One entry, owned by its rxc_suppressions. */
typedef struct rxc_suppression {
  size_t index;              /* 0-based position in the file */
  const char *file;          /* as given to the load */
  unsigned long line;        /* where the entry starts (1-based) */
  unsigned long column;
  const char *entry;         /* "file:line": how outputs name the entry */
  const char *rule;          /* finding rule id */
  const char *patient_id;    /* NULL: any patient */
  const char *prescriber_id; /* NULL: any prescriber */
  const char *drug_code;     /* NULL: any drug code; "system:code" as written
                                (trimmed, like every string here) */
  const char *reason;
  const char *owner;
  rxc_date expires;
  int expired;               /* expires < the evaluation date given at load
                                (`expires` itself is the last day it
                                applies) */
} rxc_suppression;

/* Loads a suppression file and checks it against `rs`: every rule must be
 * a finding rule of the ruleset and not of severity contraindicated.
 * `on` is the evaluation date (the run's --as-of, else today): entries
 * that expire before it are kept (and reported) but marked expired and
 * never match; on.year == 0 expires nothing. Returns RXC_OK, RXC_ERULES
 * when the file has any error (each reported through diag, sorted by
 * position and capped as the rule loader's; *out NULL), RXC_EIO when it
 * cannot be read (reported through diag with code RXC_EIO), RXC_ENOMEM,
 * RXC_EUSAGE when path, rs or out is NULL. The caller owns *out (rxc_suppressions_free, before the
 * ruleset is freed: entries borrow nothing from it, but matching compares
 * with the ruleset's findings). Thread-safe: loads share nothing. */
RXC_API RXC_NODISCARD rxc_status rxc_suppressions_load(
    const char *path, const rxc_ruleset *rs, rxc_date on, rxc_diag_fn diag,
    void *ud, rxc_suppressions **out);
/* The same from bytes in memory; `name` is shown in diagnostics. */
RXC_API RXC_NODISCARD rxc_status rxc_suppressions_load_mem(
    const char *name, const char *data, size_t len, const rxc_ruleset *rs,
    rxc_date on, rxc_diag_fn diag, void *ud, rxc_suppressions **out);
/* Frees the entries; NULL is accepted. */
RXC_API void rxc_suppressions_free(rxc_suppressions *s);

/* The number of entries (0 for NULL) and entry i (NULL when out of range),
 * in file order. Read-only, thread-safe. */
RXC_API size_t rxc_suppressions_count(const rxc_suppressions *s);
RXC_API const rxc_suppression *rxc_suppressions_entry(
    const rxc_suppressions *s, size_t i);

/* The first entry, in file order, that is not expired and matches finding
 * f of a result for record rec (rule id, and patient id, prescriber id and
 * drug code where the entry gives them; ids compare exactly with the
 * record's trimmed canon[] values, codes as rxc_code does, system and
 * normalised code), or NULL. rec may be NULL: then only entries that name
 * nothing but the rule can match. Never matches a contraindicated finding.
 * Entries are indexed by rule at load: one binary search per finding.
 * Allocates nothing; read-only, so thread-safe. */
RXC_API const rxc_suppression *rxc_suppressions_match(
    const rxc_suppressions *s, const rxc_record *rec, const rxc_finding *f);

#ifdef __cplusplus
}
#endif
#endif
