/*
 * summary_merge.c - one run summary from the summaries of the chunks of a
 * split export (rxcheck/summary.h says what is summed, what must be equal
 * and why).
 *
 * The summaries are read with Jansson: a strict RFC 8259 parser (libyaml
 * reads most JSON, but refuses valid escapes such as surrogate pairs and
 * accepts comments and trailing commas) that refuses duplicate keys, keeps
 * object keys in file order and reports line and column. The merged summary
 * is written with the library's own JSON string writer, so text comes out
 * byte for byte as `rxcheck batch --summary` writes it.
 *
 * The merge walks all the summaries in step: at each key it looks at the
 * values the summaries give (absent in some), sums them when they are
 * counts, recurses when they are objects, and otherwise requires them
 * equal. Keys are written in an order every summary agrees with: the union
 * of the summaries' key sequences, ordered topologically, with ties (keys
 * no single summary orders) broken as one run would write them.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rxcheck/check.h"
#include "rxcheck/input.h"
#include "rxcheck/summary.h"

/* A summary is a few kilobytes; anything this large is not one. */
#define MAX_SUMMARY_BYTES ((size_t)64 << 20)
/* The largest count: what JSON readers of 64-bit integers (Jansson, and
 * this merge, reading a merged summary again) read exactly. */
#define COUNT_MAX ((uint64_t)INT64_MAX)

enum { PATH_LEN = 384, SHOW_LEN = 96 };

typedef struct merger {
  const char *const *names;
  json_t **roots;
  size_t n;
  rxc_buf *b;
  rxc_error *err;
  char path[PATH_LEN]; /* the current key, jq style: .rules["int-x"].active */
  size_t plen;
} merger;

/* ---- messages ----------------------------------------------------------- */

static rxc_status fail(merger *m, size_t file, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static rxc_status fail(merger *m, size_t file, const char *fmt, ...) {
  char msg[sizeof m->err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rxc_error_set(m->err, RXC_EUSAGE, m->names[file], 0, 0, "%s", msg);
  return RXC_EUSAGE;
}

static const char *path(const merger *m) { return m->plen ? m->path : "."; }

static int is_ident(const char *k) {
  if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
    return 0;
  for (; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
          (*k >= '0' && *k <= '9') || *k == '_'))
      return 0;
  return 1;
}

/* Appends to the path; returns the length to restore. A path too long for
 * the buffer ends in "...". */
static size_t push_key(merger *m, const char *key) {
  size_t old = m->plen, room = sizeof m->path - old;
  char tmp[PATH_LEN];
  if (is_ident(key)) {
    snprintf(tmp, sizeof tmp, ".%s", key);
  } else {
    size_t j = 0;
    tmp[j++] = '[';
    tmp[j++] = '"';
    for (const char *k = key; *k && j < sizeof tmp - 4; k++) {
      if (*k == '"' || *k == '\\') tmp[j++] = '\\';
      tmp[j++] = (unsigned char)*k < 0x20 ? '?' : *k;
    }
    tmp[j++] = '"';
    tmp[j++] = ']';
    tmp[j] = '\0';
  }
  size_t len = strlen(tmp);
  if (len >= room) {
    if (room > 4) {
      memcpy(m->path + old, "...", 4);
      m->plen = old + 3;
    }
    return old;
  }
  memcpy(m->path + old, tmp, len + 1);
  m->plen = old + len;
  return old;
}

static size_t push_index(merger *m, size_t i) {
  char key[32];
  size_t old = m->plen;
  snprintf(key, sizeof key, "[%zu]", i);
  if (strlen(key) < sizeof m->path - old) {
    memcpy(m->path + old, key, strlen(key) + 1);
    m->plen = old + strlen(key);
  }
  return old;
}

static void pop(merger *m, size_t old) {
  m->plen = old;
  m->path[old] = '\0';
}

/* A short rendering of a value for a message ("sha256:85…" values and the
 * like; summaries hold no patient data). */
static void show(const json_t *v, char *out, size_t cap) {
  char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  if (!s) {
    snprintf(out, cap, "%s", v ? "?" : "nothing");
    return;
  }
  if (strlen(s) >= cap && cap > 4)
    snprintf(out, cap, "%.*s...", (int)(cap - 4), s);
  else
    snprintf(out, cap, "%s", s);
  free(s); /* json_dumps allocates with Jansson's allocator: malloc */
}

static const char *kind_name(const json_t *v) {
  switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "text";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true/false";
    case JSON_NULL: return "null";
  }
  return "a value";
}

/* ---- writing ------------------------------------------------------------- */

static void put(merger *m, const char *s) { rxc_buf_puts(m->b, s); }

static void put_string(rxc_buf *b, const char *s, size_t n) {
  rxc_buf_json_string(b, s, n);
}

static void put_u64(rxc_buf *b, uint64_t v) {
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  rxc_buf_puts(b, tmp);
}

/* Writes a value as read, compactly, keys in file order. */
static void write_value(rxc_buf *b, const json_t *v) {
  switch (json_typeof(v)) {
    case JSON_OBJECT: {
      const char *key;
      json_t *val;
      int first = 1;
      rxc_buf_puts(b, "{");
      json_object_foreach((json_t *)v, key, val) {
        if (!first) rxc_buf_puts(b, ",");
        first = 0;
        put_string(b, key, strlen(key));
        rxc_buf_puts(b, ":");
        write_value(b, val);
      }
      rxc_buf_puts(b, "}");
      break;
    }
    case JSON_ARRAY:
      rxc_buf_puts(b, "[");
      for (size_t i = 0; i < json_array_size(v); i++) {
        if (i) rxc_buf_puts(b, ",");
        write_value(b, json_array_get(v, i));
      }
      rxc_buf_puts(b, "]");
      break;
    case JSON_STRING:
      put_string(b, json_string_value(v), json_string_length(v));
      break;
    case JSON_INTEGER: {
      char tmp[24];
      snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
      rxc_buf_puts(b, tmp);
      break;
    }
    case JSON_REAL: {
      char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
      if (s) {
        rxc_buf_puts(b, s);
        free(s);
      } else {
        b->failed = 1;
      }
      break;
    }
    case JSON_TRUE: rxc_buf_puts(b, "true"); break;
    case JSON_FALSE: rxc_buf_puts(b, "false"); break;
    case JSON_NULL: rxc_buf_puts(b, "null"); break;
  }
}

/* ---- counts ------------------------------------------------------------- */

static rxc_status get_count(merger *m, size_t file, const json_t *v,
                            uint64_t *out) {
  if (json_is_integer(v) && json_integer_value(v) >= 0) {
    *out = (uint64_t)json_integer_value(v);
    return RXC_OK;
  }
  char shown[SHOW_LEN];
  show(v, shown, sizeof shown);
  return fail(m, file,
              "%s is %s, not a count (a whole number from 0 to %llu)",
              path(m), shown, (unsigned long long)COUNT_MAX);
}

/* Sums the counts v[i] (NULL: 0 there) and writes the sum. */
static rxc_status merge_counts(merger *m, json_t *const *v) {
  uint64_t sum = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (!v[i]) continue;
    uint64_t c = 0;
    rxc_status st = get_count(m, i, v[i], &c);
    if (st != RXC_OK) return st;
    if (c > COUNT_MAX - sum)
      return fail(m, i, "%s: the sum of the counts exceeds %llu", path(m),
                  (unsigned long long)COUNT_MAX);
    sum += c;
  }
  put_u64(m->b, sum);
  return RXC_OK;
}

/* ---- key order ------------------------------------------------------------ */

/* Keys whose order one run fixes even when no summary has both: rejection
 * reasons, verdicts and severities in the order rxcheck writes them. Each
 * kind ranks in its own hundred; -1 for any other key. */
static int known_rank(const char *k) {
  for (int i = 0; i < RXC_REJ__COUNT; i++)
    if (strcmp(k, rxc_reject_id((rxc_reject_reason)i)) == 0) return i;
  for (int i = 0; i < RXC_V__COUNT; i++)
    if (strcmp(k, rxc_verdict_name((rxc_verdict)i)) == 0) return 100 + i;
  for (int i = 0; i < RXC_SEV__COUNT; i++)
    if (strcmp(k, rxc_severity_name((rxc_severity)i)) == 0)
      return 200 + (RXC_SEV__COUNT - 1 - i);
  return -1;
}

typedef struct knode {
  const char *key;
  int rank;
  size_t indeg;
  size_t first, nsucc; /* successors: succ[first .. first + nsucc) */
  int done;
} knode;

static int knode_before(const knode *a, const knode *b) {
  if (a->rank >= 0 && b->rank >= 0 && a->rank / 100 == b->rank / 100)
    return a->rank < b->rank;
  return strcmp(a->key, b->key) < 0;
}

/* A binary min-heap of node indices. */
static void heap_push(size_t *h, size_t *n, size_t x, const knode *nodes) {
  size_t i = (*n)++;
  h[i] = x;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!knode_before(&nodes[h[i]], &nodes[h[p]])) break;
    size_t t = h[i];
    h[i] = h[p];
    h[p] = t;
    i = p;
  }
}

static size_t heap_pop(size_t *h, size_t *n, const knode *nodes) {
  size_t top = h[0];
  h[0] = h[--*n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, s = i;
    if (l < *n && knode_before(&nodes[h[l]], &nodes[h[s]])) s = l;
    if (r < *n && knode_before(&nodes[h[r]], &nodes[h[s]])) s = r;
    if (s == i) break;
    size_t t = h[i];
    h[i] = h[s];
    h[s] = t;
    i = s;
  }
  return top;
}

/* The key a summary's top-level key stands for in the merge: "input" and
 * "input_sha256" become "inputs" (the list of them). */
static const char *top_key(const char *k) {
  if (strcmp(k, "input") == 0) return "inputs";
  if (strcmp(k, "input_sha256") == 0) return "inputs";
  return k;
}

/* The keys of objects objs[0..n) (NULL entries skipped), each once, in an
 * order every object agrees with. *keys (rxc__malloc'd, borrowed strings)
 * holds *nkeys. */
static rxc_status order_keys(json_t *const *objs, size_t n, int top,
                             const char ***keys, size_t *nkeys) {
  rxc_status st = RXC_ENOMEM;
  json_t *seen = json_object();
  knode *nodes = NULL;
  size_t nn = 0, cap = 0, total = 0;
  size_t *from = NULL, *to = NULL, *succ = NULL, *heap = NULL;
  size_t ne = 0;
  const char **out = NULL;
  *keys = NULL;
  *nkeys = 0;
  if (!seen) goto done;
  for (size_t i = 0; i < n; i++)
    if (objs[i]) total += json_object_size(objs[i]);
  if (total == 0) {
    st = RXC_OK;
    goto done;
  }
  from = rxc__malloc(total * sizeof *from);
  to = rxc__malloc(total * sizeof *to);
  if (!from || !to) goto done;
  for (size_t i = 0; i < n; i++) {
    if (!objs[i]) continue;
    const char *k;
    json_t *v;
    size_t prev = SIZE_MAX;
    json_object_foreach(objs[i], k, v) {
      const char *key = top ? top_key(k) : k;
      if (!key) continue;
      json_t *slot = json_object_get(seen, key);
      size_t x;
      if (slot) {
        x = (size_t)json_integer_value(slot);
      } else {
        if (rxc__grow((void **)&nodes, &cap, nn + 1, sizeof *nodes) ||
            json_object_set_new(seen, key, json_integer((json_int_t)nn)))
          goto done;
        x = nn++;
        memset(&nodes[x], 0, sizeof nodes[x]);
        nodes[x].key = key;
        nodes[x].rank = known_rank(key);
      }
      if (prev != SIZE_MAX && prev != x) {
        from[ne] = prev;
        to[ne] = x;
        ne++;
        nodes[x].indeg++;
        nodes[prev].nsucc++;
      }
      prev = x;
    }
  }
  succ = rxc__malloc((ne ? ne : 1) * sizeof *succ);
  heap = rxc__malloc(nn * sizeof *heap);
  out = rxc__malloc(nn * sizeof *out);
  if (!succ || !heap || !out) goto done;
  size_t off = 0;
  for (size_t x = 0; x < nn; x++) {
    nodes[x].first = off;
    off += nodes[x].nsucc;
    nodes[x].nsucc = 0;
  }
  for (size_t e = 0; e < ne; e++) {
    knode *f = &nodes[from[e]];
    succ[f->first + f->nsucc++] = to[e];
  }
  size_t nh = 0, nout = 0;
  for (size_t x = 0; x < nn; x++)
    if (nodes[x].indeg == 0) heap_push(heap, &nh, x, nodes);
  while (nout < nn) {
    if (nh == 0) {
      /* The summaries disagree on the order (a cycle): take the first
       * remaining key as a tie. */
      size_t best = SIZE_MAX;
      for (size_t x = 0; x < nn; x++)
        if (!nodes[x].done &&
            (best == SIZE_MAX || knode_before(&nodes[x], &nodes[best])))
          best = x;
      nodes[best].indeg = 0;
      heap_push(heap, &nh, best, nodes);
    }
    size_t u = heap_pop(heap, &nh, nodes);
    if (nodes[u].done) continue;
    nodes[u].done = 1;
    out[nout++] = nodes[u].key;
    for (size_t e = 0; e < nodes[u].nsucc; e++) {
      knode *w = &nodes[succ[nodes[u].first + e]];
      if (w->done || w->indeg == 0) continue;
      if (--w->indeg == 0) heap_push(heap, &nh, (size_t)(w - nodes), nodes);
    }
  }
  *keys = out;
  *nkeys = nout;
  out = NULL;
  st = RXC_OK;
done:
  rxc__free(out);
  rxc__free(heap);
  rxc__free(succ);
  rxc__free(to);
  rxc__free(from);
  rxc__free(nodes);
  json_decref(seen);
  return st;
}

/* ---- merging values --------------------------------------------------------- */

static rxc_status merge_value(merger *m, json_t *const *v);

static rxc_status merge_object(merger *m, json_t *const *v) {
  const char **keys;
  size_t nkeys;
  rxc_status st = order_keys(v, m->n, 0, &keys, &nkeys);
  if (st != RXC_OK) return st;
  json_t **kv = rxc__malloc(m->n * sizeof *kv);
  if (!kv) {
    rxc__free(keys);
    return RXC_ENOMEM;
  }
  put(m, "{");
  for (size_t k = 0; k < nkeys && st == RXC_OK; k++) {
    if (k) put(m, ",");
    put_string(m->b, keys[k], strlen(keys[k]));
    put(m, ":");
    for (size_t i = 0; i < m->n; i++)
      kv[i] = v[i] ? json_object_get(v[i], keys[k]) : NULL;
    size_t old = push_key(m, keys[k]);
    st = merge_value(m, kv);
    pop(m, old);
  }
  put(m, "}");
  rxc__free(kv);
  rxc__free(keys);
  return st;
}

/* Moves *a and *b (unequal) down to the first key or item where they
 * differ, extending the path, so that a message can name
 * .ruleset.hash rather than the whole ruleset. */
static void descend(merger *m, const json_t **a, const json_t **b) {
  for (;;) {
    const json_t *x = NULL, *y = NULL;
    if (json_is_object(*a) && json_is_object(*b)) {
      const char *k;
      json_t *val;
      json_object_foreach((json_t *)*a, k, val) {
        const json_t *other = json_object_get(*b, k);
        if (!other) return; /* a key one has and the other lacks */
        if (!json_equal(val, other)) {
          x = val;
          y = other;
          push_key(m, k);
          break;
        }
      }
    } else if (json_is_array(*a) && json_is_array(*b) &&
               json_array_size(*a) == json_array_size(*b)) {
      for (size_t j = 0; j < json_array_size(*a); j++) {
        if (!json_equal(json_array_get(*a, j), json_array_get(*b, j))) {
          x = json_array_get(*a, j);
          y = json_array_get(*b, j);
          push_index(m, j);
          break;
        }
      }
    }
    if (!x) return;
    *a = x;
    *b = y;
  }
}

/* Values that are not counts must be the same in every summary. `why`
 * ends the message ("" or ": the chunks were ..."). */
static rxc_status merge_equal(merger *m, json_t *const *v, const char *why) {
  size_t p = 0;
  while (p < m->n && !v[p]) p++;
  for (size_t i = 0; i < m->n; i++) {
    if (i == p) continue;
    if (!v[i])
      return fail(m, i, "%s is missing (%s has it)%s", path(m), m->names[p],
                  why);
    if (!json_equal(v[p], v[i])) {
      char here[SHOW_LEN], there[SHOW_LEN];
      const json_t *a = v[i], *b = v[p];
      size_t old = m->plen;
      descend(m, &a, &b);
      show(a, here, sizeof here);
      show(b, there, sizeof there);
      rxc_status st = fail(m, i, "%s differs from %s (%s here, %s there)%s",
                           path(m), m->names[p], here, there, why);
      pop(m, old);
      return st;
    }
  }
  write_value(m->b, v[p]);
  return RXC_OK;
}

static rxc_status merge_value(merger *m, json_t *const *v) {
  size_t p = 0;
  while (p < m->n && !v[p]) p++;
  int number = json_is_number(v[p]), object = json_is_object(v[p]);
  for (size_t i = p + 1; i < m->n; i++) {
    if (!v[i]) continue;
    if (json_is_number(v[i]) != number || json_is_object(v[i]) != object)
      return fail(m, i, "%s is %s here but %s in %s", path(m),
                  kind_name(v[i]), kind_name(v[p]), m->names[p]);
  }
  if (number) return merge_counts(m, v);
  if (object) return merge_object(m, v);
  return merge_equal(m, v,
                     ": only counts are added up; any other value must be "
                     "the same in every summary");
}

/* ---- the keys with a meaning of their own ---------------------------------- */

/* "inputs": each summary's input and input_sha256, or its own "inputs"
 * when it is a merge itself. */
static rxc_status merge_inputs(merger *m) {
  put(m, "[");
  int first = 1;
  for (size_t i = 0; i < m->n; i++) {
    json_t *list = json_object_get(m->roots[i], "inputs");
    json_t *in = json_object_get(m->roots[i], "input");
    json_t *sha = json_object_get(m->roots[i], "input_sha256");
    if (list) {
      if (in || sha)
        return fail(m, i, "has both \"inputs\" and \"input\"");
      if (!json_is_array(list))
        return fail(m, i, ".inputs is %s, not a list", kind_name(list));
      for (size_t j = 0; j < json_array_size(list); j++) {
        if (!json_is_object(json_array_get(list, j)))
          return fail(m, i, ".inputs[%zu] is not an object", j);
        if (!first) put(m, ",");
        first = 0;
        write_value(m->b, json_array_get(list, j));
      }
      continue;
    }
    if (in && !json_is_string(in) && !json_is_null(in))
      return fail(m, i, ".input is %s, not text", kind_name(in));
    if (sha && !json_is_string(sha) && !json_is_null(sha))
      return fail(m, i, ".input_sha256 is %s, not text", kind_name(sha));
    if (!first) put(m, ",");
    first = 0;
    put(m, "{\"input\":");
    if (in) write_value(m->b, in); else put(m, "null");
    put(m, ",\"input_sha256\":");
    if (sha) write_value(m->b, sha); else put(m, "null");
    put(m, "}");
  }
  put(m, "]");
  return RXC_OK;
}

/* An RFC 3339 UTC time: YYYY-MM-DDTHH:MM:SS, optional fraction, Z. */
static int is_utc_time(const char *s) {
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  size_t i = 0;
  for (; shape[i]; i++) {
    char c = s[i];
    if (shape[i] == 'd' ? !(c >= '0' && c <= '9')
                        : !(c == shape[i] || (shape[i] == 'T' && c == 't')))
      return 0;
  }
  if (s[i] == '.') {
    i++;
    if (!(s[i] >= '0' && s[i] <= '9')) return 0;
    while (s[i] >= '0' && s[i] <= '9') i++;
  }
  return (s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0';
}

/* <0, 0, >0 as time a is before, at or after b (both is_utc_time). */
static int cmp_utc_time(const char *a, const char *b) {
  for (size_t i = 0; i < 19; i++)
    if (i != 10 && a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  const char *fa = a[19] == '.' ? a + 20 : "";
  const char *fb = b[19] == '.' ? b + 20 : "";
  for (;;) {
    char ca = (*fa >= '0' && *fa <= '9') ? *fa++ : '0';
    char cb = (*fb >= '0' && *fb <= '9') ? *fb++ : '0';
    if (ca != cb) return ca < cb ? -1 : 1;
    if (!(*fa >= '0' && *fa <= '9') && !(*fb >= '0' && *fb <= '9')) return 0;
  }
}

/* "started": the earliest start. */
static rxc_status merge_started(merger *m, json_t *const *v) {
  const json_t *best = NULL;
  for (size_t i = 0; i < m->n; i++) {
    if (!v[i] || json_is_null(v[i])) continue;
    if (!json_is_string(v[i]) || !is_utc_time(json_string_value(v[i]))) {
      char shown[SHOW_LEN];
      show(v[i], shown, sizeof shown);
      return fail(m, i,
                  "%s is %s, not an RFC 3339 UTC time "
                  "(YYYY-MM-DDTHH:MM:SSZ)",
                  path(m), shown);
    }
    if (!best ||
        cmp_utc_time(json_string_value(v[i]), json_string_value(best)) < 0)
      best = v[i];
  }
  if (best)
    write_value(m->b, best);
  else
    put(m, "null");
  return RXC_OK;
}

static const char why_suppressions[] =
    ": the chunks were checked with different suppression entries";

/* *out: a map from entry name to its index in `list` (json_decref it). A
 * list element that is not an entry, or an entry listed twice, is
 * reported. */
static rxc_status index_entries(merger *m, size_t file, const json_t *list,
                                json_t **out) {
  json_t *idx = json_object();
  *out = NULL;
  if (!idx) return RXC_ENOMEM;
  for (size_t j = 0; j < json_array_size(list); j++) {
    const json_t *e = json_array_get(list, j);
    const json_t *name = json_object_get(e, "entry");
    if (!json_is_object(e) || !json_is_string(name)) {
      json_decref(idx);
      return fail(m, file, "%s[%zu] is not a suppression entry (no \"entry\")",
                  path(m), j);
    }
    if (json_object_get(idx, json_string_value(name))) {
      json_decref(idx);
      return fail(m, file, "%s lists the entry %s twice", path(m),
                  json_string_value(name));
    }
    if (json_object_set_new(idx, json_string_value(name),
                            json_integer((json_int_t)j))) {
      json_decref(idx);
      return RXC_ENOMEM;
    }
  }
  *out = idx;
  return RXC_OK;
}

/* "suppressions": the same entries in every summary, their hits summed. */
static rxc_status merge_suppressions(merger *m, json_t *const *v) {
  size_t p = 0;
  while (p < m->n && !v[p]) p++;
  for (size_t i = 0; i < m->n; i++) {
    if (!v[i])
      return fail(m, i, "%s is missing (%s has it)%s", path(m), m->names[p],
                  why_suppressions);
    if (!json_is_array(v[i]))
      return fail(m, i, "%s is %s, not a list", path(m), kind_name(v[i]));
    if (json_array_size(v[i]) != json_array_size(v[p]))
      return fail(m, i, "%s has %zu entries, %s has %zu%s", path(m),
                  json_array_size(v[i]), m->names[p], json_array_size(v[p]),
                  why_suppressions);
  }
  json_t **idx = rxc__calloc(m->n, sizeof *idx);
  json_t **hits = rxc__calloc(m->n, sizeof *hits);
  if (!idx || !hits) {
    rxc__free(idx);
    rxc__free(hits);
    return RXC_ENOMEM;
  }
  rxc_status st = RXC_OK;
  for (size_t i = 0; i < m->n && st == RXC_OK; i++)
    st = index_entries(m, i, v[i], &idx[i]);
  put(m, "[");
  for (size_t j = 0; j < json_array_size(v[p]) && st == RXC_OK; j++) {
    json_t *e0 = json_array_get(v[p], j);
    const char *name = json_string_value(json_object_get(e0, "entry"));
    size_t old = push_index(m, j);
    for (size_t i = 0; i < m->n && st == RXC_OK; i++) {
      json_t *at = json_object_get(idx[i], name);
      json_t *e = at ? json_array_get(v[i], (size_t)json_integer_value(at))
                     : NULL;
      hits[i] = e ? json_object_get(e, "hits") : NULL;
      if (!e) {
        st = fail(m, i, "%s lists no entry %s (%s does)%s", path(m), name,
                  m->names[p], why_suppressions);
        break;
      }
      if (i == p) continue;
      /* Every key but "hits", both ways. */
      const char *k;
      json_t *x;
      json_object_foreach(e0, k, x) {
        if (strcmp(k, "hits") == 0) continue;
        json_t *y = json_object_get(e, k);
        if (!y || !json_equal(x, y)) {
          char here[SHOW_LEN], there[SHOW_LEN];
          show(y, here, sizeof here);
          show(x, there, sizeof there);
          size_t o2 = push_key(m, k);
          st = fail(m, i, "%s differs from %s (%s here, %s there)%s",
                    path(m), m->names[p], here, there, why_suppressions);
          pop(m, o2);
          break;
        }
      }
      if (st != RXC_OK) break;
      json_object_foreach(e, k, x) {
        if (strcmp(k, "hits") != 0 && !json_object_get(e0, k)) {
          size_t o2 = push_key(m, k);
          st = fail(m, i, "%s is not in %s%s", path(m), m->names[p],
                    why_suppressions);
          pop(m, o2);
          break;
        }
      }
    }
    if (st == RXC_OK) {
      if (j) put(m, ",");
      put(m, "{");
      const char *k;
      json_t *x;
      int first = 1;
      json_object_foreach(e0, k, x) {
        if (!first) put(m, ",");
        first = 0;
        put_string(m->b, k, strlen(k));
        put(m, ":");
        if (strcmp(k, "hits") == 0) {
          size_t o2 = push_key(m, k);
          st = merge_counts(m, hits);
          pop(m, o2);
          if (st != RXC_OK) break;
        } else {
          write_value(m->b, x);
        }
      }
      put(m, "}");
    }
    pop(m, old);
  }
  put(m, "]");
  for (size_t i = 0; i < m->n; i++) json_decref(idx[i]);
  rxc__free(idx);
  rxc__free(hits);
  return st;
}

/* ---- the whole summary ---------------------------------------------------------- */

static rxc_status check_summary(merger *m, size_t i) {
  const json_t *root = m->roots[i];
  if (!json_is_object(root))
    return fail(m, i, "not an rxcheck summary (%s, not a JSON object)",
                kind_name(root));
  const json_t *tool = json_object_get(root, "tool");
  const json_t *name = json_object_get(tool, "name");
  if (!json_is_string(name) || strcmp(json_string_value(name), "rxcheck"))
    return fail(m, i,
                "not an rxcheck summary (no \"tool\" naming rxcheck; "
                "summaries are written by rxcheck batch --summary FILE)");
  if (!json_object_get(root, "ruleset"))
    return fail(m, i, "not an rxcheck summary (no \"ruleset\")");
  return RXC_OK;
}

static rxc_status merge_top(merger *m) {
  const char **keys;
  size_t nkeys;
  rxc_status st = order_keys(m->roots, m->n, 1, &keys, &nkeys);
  if (st != RXC_OK) return st;
  json_t **kv = rxc__malloc(m->n * sizeof *kv);
  if (!kv) {
    rxc__free(keys);
    return RXC_ENOMEM;
  }
  put(m, "{");
  for (size_t k = 0; k < nkeys && st == RXC_OK; k++) {
    const char *key = keys[k];
    if (k) put(m, ",");
    put_string(m->b, key, strlen(key));
    put(m, ":");
    for (size_t i = 0; i < m->n; i++) kv[i] = json_object_get(m->roots[i], key);
    size_t old = push_key(m, key);
    if (strcmp(key, "inputs") == 0)
      st = merge_inputs(m);
    else if (strcmp(key, "started") == 0)
      st = merge_started(m, kv);
    else if (strcmp(key, "tool") == 0)
      st = merge_equal(m, kv,
                       ": the summaries were written by different versions "
                       "of rxcheck");
    else if (strcmp(key, "ruleset") == 0)
      st = merge_equal(m, kv,
                       ": the chunks were checked with different rule "
                       "packs");
    else if (strcmp(key, "as_of") == 0)
      st = merge_equal(m, kv,
                       ": the chunks were checked with different --as-of "
                       "dates");
    else if (strcmp(key, "suppress_on") == 0)
      st = merge_equal(m, kv,
                       ": the chunks judged suppression expiry on different "
                       "dates (give every chunk the same --as-of)");
    else if (strcmp(key, "suppressions") == 0)
      st = merge_suppressions(m, kv);
    else
      st = merge_value(m, kv);
    pop(m, old);
  }
  put(m, "}\n");
  rxc__free(kv);
  rxc__free(keys);
  return st;
}

/* Jansson says "'}' expected near 'x'"; we say "expected '}' near 'x'". */
static void parse_error(rxc_error *err, const char *name,
                        const json_error_t *je) {
  char msg[sizeof je->text + 32];
  const char *exp = strstr(je->text, " expected");
  if (json_error_code(je) == json_error_numeric_overflow)
    snprintf(msg, sizeof msg,
             "a number larger than %llu (counts are whole numbers from 0 "
             "to %llu)",
             (unsigned long long)COUNT_MAX, (unsigned long long)COUNT_MAX);
  else if (exp && exp > je->text)
    snprintf(msg, sizeof msg, "expected %.*s%s", (int)(exp - je->text),
             je->text, exp + strlen(" expected"));
  else
    snprintf(msg, sizeof msg, "invalid JSON: %s", je->text);
  rxc_error_set(err, RXC_EUSAGE, name, je->line > 0 ? (unsigned long)je->line : 1,
                je->column > 0 ? (unsigned long)je->column : 1, "%s", msg);
}

rxc_status rxc_summary_merge_mem(const char *const *names,
                                 const char *const *data, const size_t *lens,
                                 size_t n, rxc_buf *out, rxc_error *err) {
  if (n == 0) {
    rxc_error_set(err, RXC_EUSAGE, NULL, 0, 0, "no summaries to merge");
    return RXC_EUSAGE;
  }
  merger m;
  memset(&m, 0, sizeof m);
  m.names = names;
  m.n = n;
  m.err = err;
  rxc_buf b = {0};
  m.b = &b;
  rxc_status st = RXC_ENOMEM;
  m.roots = rxc__calloc(n, sizeof *m.roots);
  if (!m.roots) goto done;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(names[i], names[j]) == 0) {
        st = fail(&m, i, "given twice (its counts would be added twice)");
        goto done;
      }
  for (size_t i = 0; i < n; i++) {
    json_error_t je;
    m.roots[i] = json_loadb(data[i], lens[i], JSON_REJECT_DUPLICATES, &je);
    if (!m.roots[i]) {
      if (json_error_code(&je) == json_error_out_of_memory) {
        st = RXC_ENOMEM;
      } else {
        parse_error(err, names[i], &je);
        st = RXC_EUSAGE;
      }
      goto done;
    }
    st = check_summary(&m, i);
    if (st != RXC_OK) goto done;
  }
  st = merge_top(&m);
  if (st == RXC_OK && b.failed) st = RXC_ENOMEM;
  if (st == RXC_OK) {
    rxc_buf_append(out, b.data, b.len);
    if (out->failed) st = RXC_ENOMEM;
  }
done:
  if (st == RXC_ENOMEM) rxc_error_set(err, st, NULL, 0, 0, "out of memory");
  if (m.roots)
    for (size_t i = 0; i < n; i++) json_decref(m.roots[i]);
  rxc__free(m.roots);
  rxc_buf_free(&b);
  return st;
}

/* Reads a whole file into *data (rxc__malloc'd). */
static rxc_status read_file(const char *path, char **data, size_t *len,
                            rxc_error *err) {
  *data = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    rxc_error_set(err, RXC_EIO, path, 0, 0, "cannot open '%s': %s", path,
                  strerror(errno));
    return RXC_EIO;
  }
  char *buf = NULL;
  size_t n = 0, cap = 0;
  rxc_status st = RXC_OK;
  for (;;) {
    if (rxc__grow((void **)&buf, &cap, n + 65536, 1)) {
      st = RXC_ENOMEM;
      rxc_error_set(err, st, path, 0, 0, "out of memory");
      break;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n > MAX_SUMMARY_BYTES) {
      st = RXC_EUSAGE;
      rxc_error_set(err, st, path, 0, 0,
                    "larger than %zu MiB: not an rxcheck summary",
                    MAX_SUMMARY_BYTES >> 20);
      break;
    }
    if (got == 0) {
      if (ferror(f)) {
        st = RXC_EIO;
        rxc_error_set(err, st, path, 0, 0, "cannot read '%s': %s", path,
                      strerror(errno));
      }
      break;
    }
  }
  fclose(f);
  if (st != RXC_OK) {
    rxc__free(buf);
    return st;
  }
  *data = buf;
  *len = n;
  return RXC_OK;
}

rxc_status rxc_summary_merge(const char *const *paths, size_t n, rxc_buf *out,
                             rxc_error *err) {
  if (n == 0) return rxc_summary_merge_mem(paths, NULL, NULL, 0, out, err);
  char **data = rxc__calloc(n, sizeof *data);
  size_t *lens = rxc__calloc(n, sizeof *lens);
  rxc_status st = RXC_ENOMEM;
  if (!data || !lens) {
    rxc_error_set(err, st, NULL, 0, 0, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    st = read_file(paths[i], &data[i], &lens[i], err);
    if (st != RXC_OK) goto done;
  }
  st = rxc_summary_merge_mem(paths, (const char *const *)data, lens, n, out,
                             err);
done:
  if (data)
    for (size_t i = 0; i < n; i++) rxc__free(data[i]);
  rxc__free(data);
  rxc__free(lens);
  return st;
}
