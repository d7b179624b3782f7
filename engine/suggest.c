/*
 * suggest.c - "did you mean" for drug names a pack does not recognise.
 *
 * Looks at each word of the text: a word that names one of a pack's
 * declared look-alikes (fluoxetine for fluvoxamine) is reported as such, so
 * the user hears plainly that it is another drug; otherwise a word within a
 * small edit distance of a known name (a typo such as "fluvoxamime") gets
 * that name as a hint. The checker never acts on a hint: the record stays
 * out of scope.
 */
#include <string.h>

#include "rules_model.h"
#include "strutil.h"

enum { WORD_MAX = 64 };

/* Edits allowed for a word of this length: none for short words, where
 * everything is close to everything. */
static size_t allowed_edits(size_t len) {
  if (len < 5) return 0;
  return len < 8 ? 1 : 2;
}

const char *rxc_ruleset_suggest(const rxc_ruleset *rs, const char *name,
                                int *lookalike, const rxc_pack_info **pack) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  const rxc_pack_info *best_pack = NULL;
  *lookalike = 0;
  *pack = NULL;
  const char *p = name;
  while (*p) {
    char word[WORD_MAX + 1];
    size_t n = 0;
    while (*p && !rxc__isalpha((unsigned char)*p)) p++;
    while (*p && rxc__isalpha((unsigned char)*p)) {
      if (n < WORD_MAX) word[n++] = (char)rxc__lower((unsigned char)*p);
      p++;
    }
    word[n] = '\0';
    size_t edits = allowed_edits(n);
    if (!edits) continue;
    for (size_t i = 0; i < rs->npacks; i++) {
      const rxc_pack_info *info = &rs->packs[i].info;
      for (size_t k = 0; k < info->nlookalikes; k++)
        if (strcmp(word, info->lookalikes[k]) == 0) {
          *lookalike = 1;
          *pack = info;
          return info->lookalikes[k];
        }
      for (size_t k = 0; k < info->nknown_names; k++) {
        size_t d = rxc__edit_distance(word, info->known_names[k], edits + 1);
        if (d > 0 && d <= edits && d < best_d) {
          best = info->known_names[k];
          best_d = d;
          best_pack = info;
        }
      }
    }
  }
  *pack = best_pack;
  return best;
}
