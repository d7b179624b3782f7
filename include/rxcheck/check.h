/*
 * rxcheck/check.h - checking records against a ruleset.
 *
 * An rxc_checker borrows an immutable ruleset and owns all per-record
 * scratch, so checking allocates nothing once it has warmed up. One checker
 * per thread; free checkers before their ruleset. Any number of checkers,
 * on any number of threads, may share one ruleset.
 */
#ifndef RXCHECK_CHECK_H
#define RXCHECK_CHECK_H

#include "common.h"
#include "input.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A record's overall verdict; larger is better among the in-scope ones. */
#define RXC_VERDICT_MAP(X)          \
  X(OUT_OF_SCOPE, "out-of-scope")   \
  X(NO_INDICATION, "no-indication") \
  X(UNKNOWN, "unknown")             \
  X(OFF_LABEL, "off-label")         \
  X(APPROVED, "approved")

typedef enum rxc_verdict {
#define RXC_X_(name, text) RXC_V_##name,
  RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
  RXC_V__COUNT
} rxc_verdict;

#define RXC_SEVERITY_MAP(X)              \
  X(INFO, "info")                        \
  X(MINOR, "minor")                      \
  X(MODERATE, "moderate")                \
  X(MAJOR, "major")                      \
  X(CONTRAINDICATED, "contraindicated")

typedef enum rxc_severity {
#define RXC_X_(name, text) RXC_SEV_##name,
  RXC_SEVERITY_MAP(RXC_X_)
#undef RXC_X_
  RXC_SEV__COUNT
} rxc_severity;

/* "approved", "off-label" ...: static strings, "" when out of range.
 * Thread-safe. */
RXC_API const char *rxc_verdict_name(rxc_verdict v);
/* "contraindicated", "major" ...: static strings, "" when out of range.
 * Thread-safe. */
RXC_API const char *rxc_severity_name(rxc_severity s);
/* Parses a severity name (exact, lower case; s NUL-terminated); returns 1
 * and sets *out, or 0 and leaves *out alone. Thread-safe. */
RXC_API int rxc_severity_parse(const char *s, rxc_severity *out);

#define RXC_MAX_REASONS 4

/* One diagnosis that maps to an indication of the pack. */
typedef struct rxc_indication_result {
  const char *indication; /* "ocd" */
  const char *label;      /* "obsessive-compulsive disorder" */
  rxc_code code;          /* the diagnosis that matched */
  rxc_verdict status;     /* approved, off-label or unknown */
  const char *line;       /* "first-line" or NULL */
  size_t nreasons;
  const char *reasons[RXC_MAX_REASONS];
  const char *rule;      /* regulatory rule id, or NULL */
  const char *rule_version; /* that rule's version, or NULL without a rule */
  const char *source;    /* source id behind it, or NULL */
  const char *citation;  /* that source's citation, or NULL */
} rxc_indication_result;

struct rxc_suppression;
struct rxc_suppressions;

typedef struct rxc_finding {
  const char *rule;
  /* The version of the rule that fired (its `version:`, else the pack's);
   * NULL for findings no rule stands behind ("rxcheck-match-limit"). */
  const char *rule_version;
  rxc_severity severity;
  const char *kind;    /* "interaction", "dose", "age", "boxed-warning" ... */
  const char *message;
  const char *action;  /* what the pharmacist should do, or NULL */
  const char *source;  /* source id */
  const char *citation;
  rxc_str matched;     /* the co-medication that matched, if any */
  /* The suppression entry (rxcheck/suppress.h) that applies to this
   * finding, or NULL: set only when the checker has suppressions
   * (rxc_checker_set_suppressions). A suppressed finding is still reported. */
  const struct rxc_suppression *suppression;
} rxc_finding;

/* Explain mode: one condition a rule compared, with the record's value. */
typedef struct rxc_explain_cond {
  const char *field; /* "age", "jurisdiction", "co_medications" ... */
  const char *test;  /* the rule's side, e.g. ">= 8", "in [US]" */
  const char *value; /* the record's value compared; "" when absent */
  int held;          /* 1 when the condition held */
} rxc_explain_cond;

/* One rule in an explanation: a rule that decided or fired (with every
 * condition it compared), or a near miss (a regulatory rule of the record's
 * jurisdiction and indication that did not decide, with the first
 * condition that failed). */
typedef struct rxc_explain_rule {
  const char *rule;
  const char *kind;  /* "regulatory" or the finding's kind */
  const char *label; /* the status it gives or the finding's message */
  int fired;
  size_t first;      /* conditions [first, first + n) of explain_conds */
  size_t n;
} rxc_explain_rule;

/* The per-record result of the contract. Valid until the next check on the
 * same checker. */
typedef struct rxc_result {
  rxc_verdict status;
  const rxc_pack_info *pack; /* the pack that recognised the drug, or NULL */
  const char *drug;          /* NULL when out of scope */
  const char *formulation;   /* "immediate-release" / "extended-release" */
  const char *jurisdiction;  /* NULL when unknown */
  int age;                   /* -1 when unknown */
  /* The date the record was checked on: the checker's as-of date
   * (rxc_checker_set_as_of) when set, else the record's rx_date. Only the
   * rules in force on it took part. Set for every record, out of scope
   * too; year 0 when neither was known (then every rule took part). */
  rxc_date as_of;
  size_t nindications;
  const rxc_indication_result *indications;
  size_t nfindings;
  const rxc_finding *findings; /* most severe first, then pack order */
  /* Explain mode only (rxc_checker_set_explain); else 0 and NULL. */
  size_t nexplain;
  const rxc_explain_rule *explain;
  const rxc_explain_cond *explain_conds;
} rxc_result;

typedef struct rxc_checker rxc_checker;

/* Makes a checker for `rs`, which it borrows: keep the ruleset alive (and
 * unchanged: it is immutable anyway) until rxc_checker_free. The caller
 * owns *out. RXC_ENOMEM is the only failure (then *out is NULL). A checker
 * is used by one thread at a time; the ruleset may be shared by the
 * checkers of many threads. */
RXC_API RXC_NODISCARD rxc_status rxc_checker_new(const rxc_ruleset *rs,
                                                 rxc_checker **out);
/* Frees a checker and every result it returned; NULL is accepted. Free
 * checkers before their ruleset. */
RXC_API void rxc_checker_free(rxc_checker *c);
/* Turns explain mode on or off (off by default). With it on, each result
 * also says which conditions every rule compared, and the near misses.
 * Explaining formats text per record, so it costs time; leave it off for
 * plain batch runs. Cannot fail; same thread rule as the checker. */
RXC_API void rxc_checker_set_explain(rxc_checker *c, int on);
/* Gives the checker suppressions (rxcheck/suppress.h) to apply to every
 * finding it reports, or NULL for none (the default). Borrowed: keep them
 * alive until the checker is freed or they are replaced. Cannot fail. */
RXC_API void rxc_checker_set_suppressions(rxc_checker *c,
                                          const struct rxc_suppressions *s);
/* Sets the date every record is checked on ("as of"), whatever its
 * rx_date; year 0 (the default) checks each record on its own rx_date,
 * which is the run date when the record has none. A rule takes part only
 * on the days it is in force (`valid_from`, `valid_until`); one that is
 * not is skipped as if the pack did not have it. Not validated: give a
 * real calendar date (rxc_date_parse). Cannot fail; same thread rule as
 * the checker. */
RXC_API void rxc_checker_set_as_of(rxc_checker *c, rxc_date d);
/* Checks one record. Pure with respect to the ruleset, the record and the
 * checker's settings: the same inputs give the same result. RXC_ENOMEM is
 * the only failure. *out points into the checker: valid until the next rxc_checker_check on the same
 * checker or rxc_checker_free, whichever comes first; its strings belong
 * to the ruleset or the checker, and a finding's `matched` points into
 * the record's fields (valid only while they are). Never free them. Not thread-safe on one checker; use one per thread. */
RXC_API RXC_NODISCARD rxc_status rxc_checker_check(rxc_checker *c,
                                                   const rxc_record *rec,
                                                   const rxc_result **out);
/* Whether a pack of the ruleset recognises the record's drug (its drug
 * code, name and form; the classification rxc_checker_check makes first,
 * from the same cache): 1 in scope, 0 out of scope. Reads nothing else of
 * the record, so it may be one from rxc_builder_build_lazy whose lists
 * are not split yet. */
RXC_API int rxc_checker_in_scope(rxc_checker *c, const rxc_record *rec);


#ifdef __cplusplus
}
#endif
#endif
