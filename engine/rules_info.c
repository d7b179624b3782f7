/*
 * rules_info.c - what a loaded ruleset says about itself: its packs and
 * their rules, for `rules list` and `rules show`, and whether a rule is in
 * force on a day. Read-only over the model.
 */
#include <string.h>

#include "rules_model.h"

size_t rxc_ruleset_npacks(const rxc_ruleset *rs) { return rs ? rs->npacks : 0; }

const rxc_pack_info *rxc_ruleset_pack(const rxc_ruleset *rs, size_t i) {
  if (!rs || i >= rs->npacks) return NULL;
  return &rs->packs[i].info;
}

size_t rxc_ruleset_nrules(const rxc_ruleset *rs) {
  size_t n = 0;
  for (size_t i = 0; rs && i < rs->npacks; i++) n += rs->packs[i].nrules;
  return n;
}

const rxc_rule_info *rxc_ruleset_rule(const rxc_ruleset *rs, size_t i) {
  for (size_t p = 0; rs && p < rs->npacks; p++) {
    if (i < rs->packs[p].nrules) return &rs->packs[p].rules[i];
    i -= rs->packs[p].nrules;
  }
  return NULL;
}

const rxc_rule_info *rxc_ruleset_find_rule(const rxc_ruleset *rs,
                                           const char *id) {
  if (!id) return NULL;
  for (size_t p = 0; rs && p < rs->npacks; p++)
    for (size_t i = 0; i < rs->packs[p].nrules; i++)
      if (rs->packs[p].rules[i].id && !strcmp(rs->packs[p].rules[i].id, id))
        return &rs->packs[p].rules[i];
  return NULL;
}

int rxc_rule_in_force(const rxc_rule_info *r, rxc_date d) {
  if (!r) return 0;
  rxc__window w = {rxc__day(r->valid_from),
                   r->valid_until.year ? rxc__day(r->valid_until)
                                       : RXC__DAY_MAX};
  return rxc__in_force(&w, rxc__day(d));
}
