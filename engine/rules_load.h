/*
 * rules_load.h - internals shared by the rule loader's files:
 *   rules_load.c  entry points: files, directories, built-in packs, freeing;
 *   rules_pack.c  one pack's sections turned into the model, cross-checks;
 *   rules_cond.c  `when` conditions;
 *   rules_util.c  diagnostics, typed reads of YAML nodes, ids, codes,
 *                 patterns, dates and "did you mean" hints.
 * Nothing here is used outside the loader.
 */
#ifndef RXC_RULES_LOAD_H
#define RXC_RULES_LOAD_H

#include <stddef.h>

#include "rules_model.h"
#include "yaml_doc.h"

/* A file larger than this is refused. */
#define RXC__RULE_FILE_MAX ((size_t)4 * 1024 * 1024)

typedef struct rxc__ldiag rxc__ldiag;

/* One load: every pack of one rxc_ruleset_load_* call. */
typedef struct rxc__ld {
  rxc_diag_fn diag;
  void *ud;
  rxc__arena *arena; /* the model: the ruleset's arena */
  rxc__arena tmp;    /* YAML trees and scratch, freed after loading */
  rxc__ldiag *diags; /* held back, then sorted by file and position */
  size_t ndiags, cap;
  unsigned long nerrors;
  int oom;
  int eio;
  size_t seq; /* ordinal of the next file, for sorting diagnostics */
} rxc__ld;

/* ---- diagnostics ------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define RXC__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RXC__PRINTF(f, a)
#endif

/* An error in file `name` (ordinal seq) at line:col (0 = none). */
void rxc__ld_report(rxc__ld *ld, rxc_status code, const char *name, size_t seq,
                    unsigned long line, unsigned long col, const char *fmt, ...)
    RXC__PRINTF(7, 8);
/* An error at node n. */
void rxc__ld_error(rxc__ld *ld, const rxc__ynode *n, const char *fmt, ...)
    RXC__PRINTF(3, 4);
/* An error at line:col of doc. */
void rxc__ld_error_pos(rxc__ld *ld, const rxc__ydoc *doc, unsigned long line,
                       unsigned long col, const char *fmt, ...)
    RXC__PRINTF(5, 6);
/* Hands the held diagnostics to the callback, sorted. */
void rxc__ld_flush(rxc__ld *ld);
/* The report callback for rxc__ydoc_parse (ud is the rxc__ld). */
void rxc__ld_yaml_report(void *ud, const rxc__ydoc *doc, unsigned long line,
                         unsigned long column, const char *message);
/* "line 12" when `at` is in doc, else "file.yaml:12", into buf. */
const char *rxc__ld_where(const rxc__ynode *at, const rxc__ydoc *doc, char *buf,
                          size_t size);

/* ---- typed reads ------------------------------------------------------ */

/* Copies s into the model's arena; NULL (and ld->oom) when out of memory. */
const char *rxc__ld_keep(rxc__ld *ld, const char *s);

/* The closest candidate to word, when close enough to suggest, or NULL. */
const char *rxc__ld_suggest(const char *word, const char *const *cands,
                            size_t n);

/* Checks that n is a mapping (else reports "expected <what>") and that
 * every key is one of `keys` (NULL-terminated), with a hint. Returns 1
 * when n is a usable mapping (unknown keys do not change that). */
int rxc__ld_map(rxc__ld *ld, const rxc__ynode *n, const char *const *keys,
                const char *what);
/* The value of `key` in mapping m; when required and missing, reports
 * "missing key '<key>' in <what>" at m. */
const rxc__ynode *rxc__ld_get(rxc__ld *ld, const rxc__ynode *m, const char *key,
                              int required, const char *what);

/* A scalar read as text: any non-null scalar, numbers as written. Returns
 * the text (in the YAML tree; rxc__ld_keep it) or NULL after reporting
 * "expected text for '<key>'". Silent for a node already reported. */
const char *rxc__ld_text(rxc__ld *ld, const rxc__ynode *n, const char *key);
/* Text kept in the model's arena, or NULL (reported). */
const char *rxc__ld_text_keep(rxc__ld *ld, const rxc__ynode *n,
                              const char *key);

/* Id shapes. */
typedef enum rxc__idkind {
  RXC_ID_LOWER, /* [a-z0-9-]+ : packs, drugs, indications, formulations */
  RXC_ID_NAME   /* [A-Za-z0-9._-]+ : sources and rules */
} rxc__idkind;
/* Reads an id of that shape; NULL after reporting. */
const char *rxc__ld_id(rxc__ld *ld, const rxc__ynode *n, const char *key,
                       rxc__idkind kind);

/* The number of items of a list; a scalar counts as a list of one when
 * allow_scalar. Returns -1 after reporting "expected a list of <what> for
 * '<key>'" (or silently for a reported node). */
long rxc__ld_list(rxc__ld *ld, const rxc__ynode *n, const char *key,
                  const char *what, int allow_scalar);
/* Item i of a node accepted by rxc__ld_list. */
const rxc__ynode *rxc__ld_item(const rxc__ynode *n, size_t i);

int rxc__ld_bool(rxc__ld *ld, const rxc__ynode *n, const char *key, int *out);
/* A whole number in [lo, hi]. */
int rxc__ld_int(rxc__ld *ld, const rxc__ynode *n, const char *key, long lo,
                long hi, long *out);
/* A decimal number (plain scalar: -12, 3.5). */
int rxc__ld_number(rxc__ld *ld, const rxc__ynode *n, const char *key,
                   double *out);
/* A date written YYYY-MM-DD, checked against the calendar; stored in
 * *out (when not NULL) if valid. Returns 1, or 0 after reporting. */
int rxc__ld_date(rxc__ld *ld, const rxc__ynode *n, const char *key,
                 rxc_date *out);

/* Reads one code and adds it to set. With sys == RXC_SYS_NONE the item is
 * written "system:code"; otherwise it is a bare code of that system.
 * Returns 0, or -1 after reporting (or on out of memory, with ld->oom). */
int rxc__ld_code(rxc__ld *ld, const rxc__ynode *n, rxc_system sys, int is_drug,
                 rxc__codeset *set);
/* Reads a list of codes (scalar allowed when allow_scalar) into set and
 * seals it. */
void rxc__ld_codes(rxc__ld *ld, const rxc__ynode *n, const char *key,
                   int is_drug, int allow_scalar, rxc__codeset *set);
/* Compiles a pattern, reporting PCRE2's message at the right column. */
rxc__pattern *rxc__ld_pattern(rxc__ld *ld, const rxc__ynode *n,
                              const char *key);
/* Compiles a list of patterns into an arena array. */
void rxc__ld_patterns(rxc__ld *ld, const rxc__ynode *n, const char *key,
                      size_t *count, rxc__pattern ***out);

/* ---- ids -------------------------------------------------------------- */

typedef struct rxc__idref {
  const char *id;
  size_t index;
  const rxc__ynode *node;
} rxc__idref;

typedef struct rxc__idmap {
  rxc__idref *v; /* sorted by id */
  size_t n;
} rxc__idmap;

/* Sorts refs[0..n) (ids NULL are skipped) into map, reporting each id
 * defined again, at the later definition: "duplicate <what> '<id>' (first
 * at line N)". refs are copied (tmp arena). 0, or -1 when out of memory. */
int rxc__idmap_build(rxc__ld *ld, rxc__idmap *map, const rxc__idref *refs,
                     size_t n, const char *what);
/* The entry for id, or NULL. */
const rxc__idref *rxc__idmap_find(const rxc__idmap *map, const char *id);
/* Reports "<what> '<id>' is not declared" with a hint, at n. */
void rxc__ld_undeclared(rxc__ld *ld, const rxc__ynode *n, const char *what,
                        const char *id, const rxc__idmap *map);

/* ---- conditions ------------------------------------------------------- */

/* What a condition can refer to, in the pack being loaded. A map whose
 * `ok` is 0 is skipped (its section failed and was reported). */
typedef struct rxc__refs {
  rxc__idmap sources, formulations, indications, jurisdictions, rules;
  int jur_ok, form_ok, ind_ok;
} rxc__refs;

/* Builds a condition from mapping n into out (arena memory). Reports
 * every problem; out stays releasable whatever happens. */
void rxc__cond_build(rxc__ld *ld, const rxc__ynode *n, const rxc__refs *r,
                     rxc__cond *out);
/* Frees the patterns and code sets of a condition tree. */
void rxc__cond_release(rxc__cond *c);

/* ---- packs ------------------------------------------------------------ */

/* Builds pack p from parsed files docs[0..n) (in file-name order), hash
 * already set in p->info.hash. Reports every problem. *name_node receives
 * the node of pack.name (for duplicate pack names), or NULL. Returns 0, or
 * -1 when out of memory. */
int rxc__pack_build(rxc__ld *ld, rxc__ydoc *docs, size_t n, rxc__pack *p,
                    const rxc__ynode **name_node);

#endif
