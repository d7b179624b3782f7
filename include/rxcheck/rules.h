/*
 * rxcheck/rules.h - rule packs: loading, validating, describing.
 *
 * A ruleset is one or more packs (the YAML files of rules/<pack>/), loaded and compiled
 * once, then immutable: it may be shared by any number of threads, each with
 * its own rxc_checker. Loading reports every problem it finds through a
 * diagnostic callback (file:line:col: message) and refuses the pack as a
 * whole if there is any error: no partial packs.
 */
#ifndef RXCHECK_RULES_H
#define RXCHECK_RULES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rxc_ruleset rxc_ruleset;

/* Receives each diagnostic found while loading; may be NULL (then errors
 * are only counted). The rxc_error is valid during the call only. Called
 * on the loading thread before the load returns, sorted by file and
 * position: at most 1,000, then one saying how many more were found. */
typedef void (*rxc_diag_fn)(const rxc_error *diag, void *ud);

/* One rule file held in memory (the built-in packs, fuzzers, tests). */
typedef struct rxc_rule_file {
  const char *name; /* path shown in diagnostics, e.g. "fluvoxamine/pack.yaml" */
  const char *data;
  size_t len;
} rxc_rule_file;

/* Loads every pack under `path`: either a pack directory (holding *.yaml)
 * or a directory of pack directories. RXC_ERULES when any file has an
 * error (each reported through diag), RXC_EIO when a file or the directory
 * cannot be read, RXC_ENOMEM; no partial ruleset: on any failure *out is
 * NULL. On success the caller owns *out (rxc_ruleset_free). Files are read
 * during the call only. Thread-safe: loads share nothing. */
RXC_API RXC_NODISCARD rxc_status rxc_ruleset_load_dir(const char *path,
                                                      rxc_diag_fn diag,
                                                      void *ud,
                                                      rxc_ruleset **out);
/* Loads one pack from files in memory (names sorted internally). The
 * files' names and bytes are read during the call only: the ruleset keeps
 * copies of what it needs. Errors and ownership as rxc_ruleset_load_dir;
 * RXC_EUSAGE when out is NULL, or files is NULL with n > 0. */
RXC_API RXC_NODISCARD rxc_status rxc_ruleset_load_files(
    const rxc_rule_file *files, size_t n, rxc_diag_fn diag, void *ud,
    rxc_ruleset **out);
/* Loads the packs built into the library from rules/ at build time
 * (diagnostics name files "builtin:<pack>/<file>.yaml"). Errors and
 * ownership as rxc_ruleset_load_dir (RXC_ERULES cannot happen for a build
 * whose packs lint). Each call makes a new ruleset; load once and share it
 * between threads rather than loading per thread. */
RXC_API RXC_NODISCARD rxc_status rxc_ruleset_load_builtin(rxc_diag_fn diag,
                                                          void *ud,
                                                          rxc_ruleset **out);
/* Frees a ruleset and everything it owns (pack and rule infos, strings);
 * NULL is accepted. Free every checker of the ruleset first, and make sure
 * no thread still uses it. */
RXC_API void rxc_ruleset_free(rxc_ruleset *rs);

/* What a pack says about itself. Strings are owned by the ruleset. */
typedef struct rxc_pack_info {
  const char *name;
  const char *version;
  const char *title;
  const char *hash;   /* "sha256:<64 hex>" over the pack's files */
  const char *drug;   /* the drug id the pack recognises */
  size_t njurisdictions;
  const char *const *jurisdictions; /* covered, upper-case */
  size_t nknown_names;
  const char *const *known_names; /* plain names, lower-case, for hints */
  size_t nlookalikes;
  const char *const *lookalikes; /* other drugs often confused with it */
} rxc_pack_info;

/* "Did you mean": when `name` (free text such as a --drug value) is not
 * recognised by any pack, looks at each word of it. Returns the pack's
 * look-alike it names (with *lookalike = 1 and *pack set), else the known
 * name within a small edit distance (*lookalike = 0), else NULL. The
 * returned string and *pack are owned by the ruleset. Cannot fail; reads
 * the ruleset only, so thread-safe. */
RXC_API const char *rxc_ruleset_suggest(const rxc_ruleset *rs,
                                        const char *name, int *lookalike,
                                        const rxc_pack_info **pack);

/* The number of packs (0 for NULL), and pack i in name order (NULL when
 * out of range), owned by the ruleset: valid until rxc_ruleset_free.
 * Read-only, thread-safe. */
RXC_API size_t rxc_ruleset_npacks(const rxc_ruleset *rs);
RXC_API const rxc_pack_info *rxc_ruleset_pack(const rxc_ruleset *rs,
                                              size_t i);

/* One rule, for `rules list` and `rules show`. */
typedef struct rxc_rule_info {
  const char *id;
  const char *pack;
  const char *kind;     /* "regulatory", "interaction", "dose", ... */
  const char *summary;  /* status and scope, or the finding message */
  const char *severity; /* findings only, else NULL */
  const char *source;   /* source id */
  const char *citation; /* the source's citation text */
  const char *url;
  const char *file;     /* where the rule is written */
  unsigned long line;
  const char *text;     /* the rule's YAML text as written */
  const char *version;  /* the rule's `version:`, else the pack's version */
  /* The days the rule is in force, both inclusive (`valid_from:` and
   * `valid_until:`); year 0 when that end is open. */
  rxc_date valid_from, valid_until;
} rxc_rule_info;

/* 1 when rule r is in force on day d: valid_from <= d <= valid_until, an
 * open end (year 0) holding for every day. A d of year 0 means "any date"
 * and gives 1. r NULL gives 0. Pure: thread-safe. */
RXC_API int rxc_rule_in_force(const rxc_rule_info *r, rxc_date d);

/* The number of rules of all packs (0 for NULL), and rule i, pack after
 * pack in pack order (NULL when out of range). The info and its strings
 * are owned by the ruleset: valid until rxc_ruleset_free. Read-only,
 * thread-safe. */
RXC_API size_t rxc_ruleset_nrules(const rxc_ruleset *rs);
RXC_API const rxc_rule_info *rxc_ruleset_rule(const rxc_ruleset *rs,
                                              size_t i);
/* The rule with this id (the first pack's, should two packs use it), or
 * NULL; id NULL gives NULL. Owned by the ruleset. Thread-safe. */
RXC_API const rxc_rule_info *rxc_ruleset_find_rule(const rxc_ruleset *rs,
                                                   const char *id);

/* The outcome of one test case carried by a pack. */
typedef struct rxc_test_outcome {
  const char *name;
  const char *file;
  unsigned long line;
  int passed;
  char detail[1024]; /* expected vs actual when it failed */
} rxc_test_outcome;

/* Runs every test case of every pack; calls `fn` once per case (on the
 * calling thread; the outcome is valid during the call only; fn may be
 * NULL). Sets *passed and *failed. RXC_ENOMEM only on allocation failure.
 * Uses a checker of its own, so it may run while other threads check
 * with the same ruleset. */
RXC_API RXC_NODISCARD rxc_status rxc_ruleset_run_tests(
    const rxc_ruleset *rs, void (*fn)(const rxc_test_outcome *o, void *ud),
    void *ud, unsigned long *passed, unsigned long *failed);

#ifdef __cplusplus
}
#endif
#endif
