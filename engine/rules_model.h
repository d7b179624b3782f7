/*
 * rules_model.h - the compiled form of a rule pack, shared by the loader
 * (rules_load.c, which builds it from YAML and validates it) and the
 * evaluator (eval.c, which only reads it). See rules/README.md for the
 * language this models. Everything except patterns and code sets lives in
 * the ruleset's arena.
 */
#ifndef RXC_RULES_MODEL_H
#define RXC_RULES_MODEL_H

#include "alloc.h"
#include "match.h"
#include "rxcheck/check.h"
#include "rxcheck/rules.h"

/* Fields a condition can test: the canonical columns, then derived ones. */
typedef enum rxc__cfield {
  RXC_CF_DRUG_NAME,
  RXC_CF_DRUG_CODE,
  RXC_CF_FORM,
  RXC_CF_SEX,
  RXC_CF_DIAGNOSIS_CODES, /* list */
  RXC_CF_CO_MEDICATIONS,  /* list */
  RXC_CF_STRENGTH_MG,     /* number */
  RXC_CF_DAILY_DOSE_MG,   /* number */
  RXC_CF_AGE,             /* number, derived */
  RXC_CF_FORMULATION,     /* derived: formulation id */
  RXC_CF_JURISDICTION,    /* derived: upper-case country */
  RXC_CF_INDICATION,      /* derived list: indication ids of the record */
  RXC_CF__COUNT
} rxc__cfield;

/* A field predicate: every test present must hold for the same item. */
enum {
  RXC_P_IN = 1 << 0,
  RXC_P_PREFIX = 1 << 1,
  RXC_P_PATTERN = 1 << 2,
  RXC_P_CODE = 1 << 3,
  RXC_P_MIN = 1 << 4,
  RXC_P_MAX = 1 << 5,
  RXC_P_ABOVE = 1 << 6,
  RXC_P_BELOW = 1 << 7
};

typedef struct rxc__pred {
  rxc__cfield field;
  unsigned tests; /* RXC_P_* bits */
  size_t nin;
  const char **in; /* compared case-insensitively, trimmed */
  size_t nprefix;
  const char **prefix; /* case-insensitive prefixes */
  rxc__pattern *pattern;
  rxc__codeset code;
  double min, max, above, below;
} rxc__pred;

typedef enum rxc__cop {
  RXC_C_TRUE, /* an empty condition */
  RXC_C_ALL,
  RXC_C_ANY,
  RXC_C_NOT, /* one kid */
  RXC_C_PRED
} rxc__cop;

typedef struct rxc__cond {
  rxc__cop op;
  size_t nkids;
  struct rxc__cond *kids;
  rxc__pred pred; /* op == RXC_C_PRED */
} rxc__cond;

/* Days as numbers that compare like dates: YYYYMMDD (2005-10-11 is
 * 20051011); 0 for an absent date (year 0). */
#define RXC__DAY_MAX 99991231L

static inline long rxc__day(rxc_date d) {
  if (d.year <= 0) return 0;
  long y = d.year > 9999 ? 9999 : d.year;
  return y * 10000L + (long)d.month * 100L + (long)d.day;
}

/* The days a rule is in force, both inclusive (`valid_from`,
 * `valid_until`): from is 0 and until RXC__DAY_MAX when that end is open,
 * so a rule without a window is in force every day. */
typedef struct rxc__window {
  long from, until;
} rxc__window;

/* Whether a rule with window w takes part on `day` (rxc__day); day 0 (no
 * date known) means any day. Two comparisons: this runs per rule and
 * record. */
static inline int rxc__in_force(const rxc__window *w, long day) {
  return day == 0 || (day >= w->from && day <= w->until);
}

typedef struct rxc__source {
  const char *id;
  const char *citation;
  const char *url; /* may be NULL */
  const char *read; /* YYYY-MM-DD the source was read */
} rxc__source;

typedef struct rxc__formulation {
  const char *id;
  int is_default;
  rxc__codeset codes;   /* drug codes that mean this formulation */
  size_t nnames;
  rxc__pattern **names; /* matched in drug_name */
  size_t nforms;
  rxc__pattern **forms; /* matched in form */
} rxc__formulation;

typedef struct rxc__indication {
  const char *id;
  const char *label;
  const char *line;   /* default line of therapy, or NULL */
  rxc__codeset codes;
  rxc__codeset exclude;
  /* Computed at load: "approved for <label> in: AU, CA, ..." from the
   * pack's approved rules, or NULL when it is approved nowhere. It counts
   * every approved rule whatever its window: the text for a record with
   * no date. */
  const char *approved_in;
  /* When an approved rule of the indication has a window, the text
   * changes over time: periods[i] holds from its day `from` (rxc__day; 0
   * for the first) until the next period's, ascending. NULL / 0 when no
   * approval of the indication is dated. */
  size_t nperiods;
  struct rxc__period {
    long from;
    const char *approved_in; /* or NULL: approved nowhere then */
  } *periods;
} rxc__indication;

typedef struct rxc__regrule {
  const char *id;
  size_t njur;
  const char **jurisdictions; /* upper-case */
  size_t nind;
  size_t *indications; /* indexes into pack->indications */
  int formulation;     /* index into pack->formulations, -1 = any */
  int age_min;         /* -1 = no lower bound */
  int age_max;         /* -1 = no upper bound */
  rxc_verdict status;  /* APPROVED, OFF_LABEL or UNKNOWN */
  const char *line;    /* or NULL */
  const char *reason;
  size_t source;       /* index into pack->sources */
  size_t info;         /* index into pack->rules (rule infos) */
  const char *version; /* the rule's version, else the pack's */
  rxc__window window;  /* when the rule is in force */
} rxc__regrule;

typedef struct rxc__finding_rule {
  const char *id;
  const char *kind;
  rxc_severity severity;
  rxc__cond when;
  const char *message;
  const char *mechanism; /* or NULL */
  const char *action;    /* or NULL */
  size_t source;
  size_t info;
  const char *version; /* the rule's version, else the pack's */
  rxc__window window;  /* when the rule is in force */
} rxc__finding_rule;

typedef struct rxc__test_case {
  const char *name;
  const char *file;
  unsigned long line;
  rxc_date as_of; /* `as_of:` (rxc_checker_set_as_of); year 0 when absent */
  size_t nkeys;
  const char **keys;   /* canonical column names */
  const char **values; /* as text; lists joined with ';' */
  /* Expectations; NULL / has_ = 0 when not given. */
  const char *status;        /* verdict name */
  const char *formulation;
  int has_indications;
  size_t nindications;
  const char **indications;  /* ids, as a set */
  int has_findings;
  size_t nfindings;
  const char **findings;     /* finding rule ids, as a set */
  int has_rules;
  size_t nrules;
  const char **rules;        /* regulatory rule ids, as a set */
} rxc__test_case;

typedef struct rxc__pack {
  rxc_pack_info info; /* first: a pack info points to its pack */
  /* `"tool":{...},"ruleset":{...}` of results this pack decides, rendered
   * once at load (rxc__render_identity) instead of per row. */
  const char *json_tail;
  size_t json_tail_len;
  const char *dir; /* where it was loaded from, for messages */
  /* Drug recognition. */
  const char *drug_label;
  rxc__codeset drug_codes;
  size_t nnames;
  rxc__pattern **names;
  size_t nformulations;
  rxc__formulation *formulations; /* checked in order; default last */
  size_t nsources;
  rxc__source *sources;
  size_t nindications;
  rxc__indication *indications;
  size_t nregrules;
  rxc__regrule *regrules;
  size_t nfindings;
  rxc__finding_rule *findings;
  size_t ntests;
  rxc__test_case *tests;
  size_t nrules;
  rxc_rule_info *rules; /* regulatory then finding rules, file order */
} rxc__pack;

struct rxc_ruleset {
  rxc__arena arena;
  size_t npacks;
  rxc__pack *packs; /* sorted by name */
  /* The same for results no pack recognised (every pack's identity). */
  const char *json_tail;
  size_t json_tail_len;
};

/* Frees patterns and code sets inside a pack (its arena memory goes with
 * the ruleset). Defined in rules_load.c. */
void rxc__pack_release(rxc__pack *p);

#endif
