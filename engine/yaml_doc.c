/*
 * yaml_doc.c - builds the loader's YAML node tree from libyaml's events.
 *
 * libyaml reports positions as 0-based lines and columns and a character
 * index; the tree stores 1-based lines and columns and byte offsets (the
 * character index mapped through checkpoints every 64 characters when the
 * file is not plain ASCII), so the loader can quote a rule's text from the
 * file and place a pattern error on its column. See yaml_doc.h for what is
 * refused and why.
 */
#include "yaml_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "strutil.h"

enum { CHECKPOINT = 64 };

typedef struct frame {
  rxc__ynode node; /* the collection being built */
  rxc__ynode *items;
  size_t n, cap;
} frame;

typedef struct builder {
  rxc__ydoc *doc;
  rxc__arena *arena;
  rxc__yreport report;
  void *ud;
  size_t base; /* bytes of a UTF-8 BOM, which libyaml does not count */
  int ascii;   /* then a character index is a byte offset */
  size_t *cp;  /* cp[k]: byte offset of character k * CHECKPOINT */
  size_t ncp;
  frame stack[RXC__YAML_MAX_DEPTH];
  int depth;
  rxc__ynode root;
  int have_root;
  int oom;
  int stop;
} builder;

static void report(builder *b, unsigned long line, unsigned long column,
                   const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void report(builder *b, unsigned long line, unsigned long column,
                   const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  b->report(b->ud, b->doc, line, column, msg);
}

/* ---- positions ------------------------------------------------------ */

static int is_break(const unsigned char *p, size_t left, size_t *width) {
  if (p[0] == '\n') {
    *width = 1;
    return 1;
  }
  if (p[0] == '\r') {
    *width = left > 1 && p[1] == '\n' ? 2 : 1;
    return 1;
  }
  if (left > 1 && p[0] == 0xC2 && p[1] == 0x85) { /* NEL */
    *width = 2;
    return 1;
  }
  if (left > 2 && p[0] == 0xE2 && p[1] == 0x80 &&
      (p[2] == 0xA8 || p[2] == 0xA9)) { /* LS, PS */
    *width = 3;
    return 1;
  }
  return 0;
}

void rxc__ydoc_position(const rxc__ydoc *doc, size_t off, unsigned long *line,
                        unsigned long *column) {
  const unsigned char *p = (const unsigned char *)doc->data;
  size_t i = 0, len = off < doc->len ? off : doc->len;
  unsigned long l = 1, c = 1;
  if (doc->len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
  while (i < len) {
    size_t w;
    if (is_break(p + i, doc->len - i, &w)) {
      l++;
      c = 1;
      i += w;
      continue;
    }
    w = rxc__utf8_seq(p + i, doc->len - i);
    i += w ? w : 1;
    c++;
  }
  *line = l;
  *column = c;
}

/* Byte offset of libyaml's character index. */
static size_t byte_at(const builder *b, size_t index) {
  if (b->ascii) {
    size_t off = b->base + index;
    return off < b->doc->len ? off : b->doc->len;
  }
  size_t k = index / CHECKPOINT;
  if (k >= b->ncp) return b->doc->len;
  size_t off = b->cp[k];
  const unsigned char *p = (const unsigned char *)b->doc->data;
  for (size_t i = k * CHECKPOINT; i < index && off < b->doc->len; i++) {
    size_t w = rxc__utf8_seq(p + off, b->doc->len - off);
    off += w ? w : 1;
  }
  return off;
}

/* Validates UTF-8 and builds the checkpoints. 0, -1 on invalid UTF-8
 * (reported), -2 when out of memory. */
static int index_text(builder *b) {
  const unsigned char *p = (const unsigned char *)b->doc->data;
  size_t len = b->doc->len;
  if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) b->base = 3;
  b->ascii = 1;
  size_t chars = 0;
  for (size_t i = b->base; i < len;) {
    if (p[i] == 0) {
      unsigned long l, c;
      rxc__ydoc_position(b->doc, i, &l, &c);
      report(b, l, c, "NUL character in the file");
      return -1;
    }
    if (p[i] < 0x80) {
      i++;
      chars++;
      continue;
    }
    size_t w = rxc__utf8_seq(p + i, len - i);
    if (!w) {
      unsigned long l, c;
      rxc__ydoc_position(b->doc, i, &l, &c);
      report(b, l, c, "invalid UTF-8 (rule files are UTF-8 text)");
      return -1;
    }
    b->ascii = 0;
    i += w;
    chars++;
  }
  if (b->ascii) return 0;
  b->ncp = chars / CHECKPOINT + 1;
  b->cp = rxc__malloc(b->ncp * sizeof *b->cp);
  if (!b->cp) return -2;
  size_t k = 0, n = 0;
  for (size_t i = b->base; i < len && k < b->ncp; n++) {
    if (n % CHECKPOINT == 0) b->cp[k++] = i;
    size_t w = p[i] < 0x80 ? 1 : rxc__utf8_seq(p + i, len - i);
    i += w;
  }
  while (k < b->ncp) b->cp[k++] = len;
  return 0;
}

static void set_marks(const builder *b, rxc__ynode *n, yaml_mark_t s,
                      yaml_mark_t e) {
  n->doc = b->doc;
  n->line = (unsigned long)s.line + 1;
  n->column = (unsigned long)s.column + 1;
  n->end_line = (unsigned long)e.line + 1;
  n->end_column = (unsigned long)e.column + 1;
  n->start = byte_at(b, s.index);
  n->end = byte_at(b, e.index);
}

/* ---- building ------------------------------------------------------- */

static int tag_is(const yaml_char_t *tag, const char *what) {
  if (!tag) return 1;
  const char *t = (const char *)tag;
  if (strcmp(t, "!") == 0) return 1;
  return strncmp(t, "tag:yaml.org,2002:", 18) == 0 && strcmp(t + 18, what) == 0;
}

/* Appends a finished node to the open collection, or makes it the root. */
static void add(builder *b, const rxc__ynode *n) {
  if (b->depth == 0) {
    b->root = *n;
    b->have_root = 1;
    return;
  }
  frame *f = &b->stack[b->depth - 1];
  if (rxc__grow((void **)&f->items, &f->cap, f->n + 1, sizeof *f->items)) {
    b->oom = 1;
    return;
  }
  f->items[f->n++] = *n;
}

static void refuse_anchor(builder *b, const yaml_char_t *anchor,
                          const rxc__ynode *n) {
  if (anchor)
    report(b, n->line, n->column,
           "YAML anchors are not allowed: write the value out");
}

static void on_scalar(builder *b, const yaml_event_t *e) {
  rxc__ynode n;
  memset(&n, 0, sizeof n);
  n.kind = RXC_Y_SCALAR;
  set_marks(b, &n, e->start_mark, e->end_mark);
  switch (e->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      n.style = RXC_YS_SINGLE;
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      n.style = RXC_YS_DOUBLE;
      break;
    case YAML_LITERAL_SCALAR_STYLE:
      n.style = RXC_YS_LITERAL;
      break;
    case YAML_FOLDED_SCALAR_STYLE:
      n.style = RXC_YS_FOLDED;
      break;
    default:
      n.style = RXC_YS_PLAIN;
      break;
  }
  n.plain = n.style == RXC_YS_PLAIN && !e->data.scalar.tag;
  n.len = e->data.scalar.length;
  n.str =
      rxc__arena_strndup(b->arena, (const char *)e->data.scalar.value, n.len);
  if (!n.str) {
    b->oom = 1;
    return;
  }
  refuse_anchor(b, e->data.scalar.anchor, &n);
  if (!tag_is(e->data.scalar.tag, "str")) {
    report(b, n.line, n.column, "YAML tags are not supported here");
    n.kind = RXC_Y_BAD;
  } else if (memchr(n.str, '\0', n.len)) {
    report(b, n.line, n.column, "text must not contain a NUL character");
    n.kind = RXC_Y_BAD;
  }
  add(b, &n);
}

static void on_start(builder *b, const yaml_event_t *e, rxc__ykind kind) {
  if (b->depth == RXC__YAML_MAX_DEPTH) {
    report(b, (unsigned long)e->start_mark.line + 1,
           (unsigned long)e->start_mark.column + 1,
           "nesting deeper than %d levels", RXC__YAML_MAX_DEPTH);
    b->stop = 1;
    return;
  }
  frame *f = &b->stack[b->depth++];
  memset(f, 0, sizeof *f);
  f->node.kind = kind;
  set_marks(b, &f->node, e->start_mark, e->end_mark);
  const yaml_char_t *anchor, *tag;
  int flow;
  if (kind == RXC_Y_MAP) {
    anchor = e->data.mapping_start.anchor;
    tag = e->data.mapping_start.tag;
    flow = e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
  } else {
    anchor = e->data.sequence_start.anchor;
    tag = e->data.sequence_start.tag;
    flow = e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
  }
  f->node.style = flow ? RXC_YS_FLOW : RXC_YS_BLOCK;
  refuse_anchor(b, anchor, &f->node);
  if (!tag_is(tag, kind == RXC_Y_MAP ? "map" : "seq")) {
    report(b, f->node.line, f->node.column, "YAML tags are not supported here");
    f->node.kind = RXC_Y_BAD; /* kept as a frame, dropped at its end */
  }
}

static int cmp_key(const void *x, const void *y) {
  const rxc__ynode *a = *(const rxc__ynode *const *)x;
  const rxc__ynode *b = *(const rxc__ynode *const *)y;
  int r = strcmp(a->str, b->str);
  if (r) return r;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Reports keys that are not text and the second (third ...) of equal keys,
 * and drops those pairs. */
static void check_keys(builder *b, frame *f) {
  size_t npairs = f->n / 2, nscalar = 0;
  for (size_t i = 0; i < npairs; i++) {
    rxc__ynode *k = &f->items[2 * i];
    if (k->kind == RXC_Y_SCALAR) {
      nscalar++;
    } else if (k->kind != RXC_Y_BAD) {
      report(b, k->line, k->column, "a mapping key must be text");
      k->kind = RXC_Y_BAD;
    }
  }
  if (nscalar < 2) goto compact;
  rxc__ynode **keys = rxc__malloc(nscalar * sizeof *keys);
  if (!keys) {
    b->oom = 1;
    return;
  }
  size_t m = 0;
  for (size_t i = 0; i < npairs; i++)
    if (f->items[2 * i].kind == RXC_Y_SCALAR) keys[m++] = &f->items[2 * i];
  qsort(keys, m, sizeof *keys, cmp_key);
  for (size_t i = 1; i < m; i++) {
    size_t first = i - 1;
    while (i < m && strcmp(keys[i]->str, keys[first]->str) == 0) {
      report(b, keys[i]->line, keys[i]->column,
             "duplicate key '%s' (first at line %lu)", keys[i]->str,
             keys[first]->line);
      keys[i]->kind = RXC_Y_BAD; /* the pair is dropped below */
      i++;
    }
  }
  rxc__free(keys);
compact:;
  /* Drop pairs whose key was refused; the rest keep their order. */
  size_t k = 0;
  for (size_t i = 0; i < npairs; i++) {
    rxc__ynode *key = &f->items[2 * i];
    if (key->kind != RXC_Y_SCALAR) continue;
    if (k != i) {
      f->items[2 * k] = f->items[2 * i];
      f->items[2 * k + 1] = f->items[2 * i + 1];
    }
    k++;
  }
  f->n = 2 * k;
}

static void on_end(builder *b, const yaml_event_t *e) {
  if (b->depth == 0) return;
  frame *f = &b->stack[--b->depth];
  rxc__ynode n = f->node;
  rxc__ynode end;
  set_marks(b, &end, e->start_mark, e->end_mark);
  if (n.kind == RXC_Y_MAP) check_keys(b, f);
  if (n.style == RXC_YS_FLOW || f->n == 0) {
    n.end = end.end;
    n.end_line = end.end_line;
    n.end_column = end.end_column;
  } else {
    const rxc__ynode *last = &f->items[f->n - 1];
    n.end = last->end;
    n.end_line = last->end_line;
    n.end_column = last->end_column;
  }
  if (n.kind == RXC_Y_MAP || n.kind == RXC_Y_SEQ) {
    n.n = n.kind == RXC_Y_MAP ? f->n / 2 : f->n;
    if (f->n) {
      n.kids = rxc__arena_alloc(b->arena, f->n * sizeof *n.kids);
      if (!n.kids)
        b->oom = 1;
      else
        memcpy(n.kids, f->items, f->n * sizeof *n.kids);
    }
  }
  rxc__free(f->items);
  f->items = NULL;
  if (!b->oom) add(b, &n);
}

static void on_alias(builder *b, const yaml_event_t *e) {
  rxc__ynode n;
  memset(&n, 0, sizeof n);
  n.kind = RXC_Y_BAD;
  set_marks(b, &n, e->start_mark, e->end_mark);
  n.str = "";
  report(b, n.line, n.column,
         "YAML aliases are not allowed: write the value out");
  add(b, &n);
}

static void syntax_error(builder *b, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) {
    b->oom = 1;
    return;
  }
  const char *problem = p->problem ? p->problem : "invalid YAML";
  unsigned long line, column;
  if (p->error == YAML_READER_ERROR) {
    rxc__ydoc_position(b->doc, p->problem_offset, &line, &column);
    report(b, line, column, "%s", problem);
    return;
  }
  line = (unsigned long)p->problem_mark.line + 1;
  column = (unsigned long)p->problem_mark.column + 1;
  if (p->context)
    report(b, line, column, "%s (%s at line %lu, column %lu)", problem,
           p->context, (unsigned long)p->context_mark.line + 1,
           (unsigned long)p->context_mark.column + 1);
  else
    report(b, line, column, "%s", problem);
}

int rxc__ydoc_parse(rxc__ydoc *doc, rxc__arena *arena, rxc__yreport rep,
                    void *ud) {
  builder *b = rxc__calloc(1, sizeof *b);
  if (!b) return -1;
  b->doc = doc;
  b->arena = arena;
  b->report = rep;
  b->ud = ud;
  doc->root = NULL;
  doc->failed = 0;
  doc->nonempty = 0;
  int rc = index_text(b);
  if (rc == -2) {
    rxc__free(b);
    return -1;
  }
  if (rc == -1) {
    doc->failed = 1;
    rxc__free(b);
    return 0;
  }
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    rxc__free(b->cp);
    rxc__free(b);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)doc->data,
                               doc->len);
  int done = 0;
  while (!done && !b->oom && !b->stop) {
    yaml_event_t e;
    if (!yaml_parser_parse(&parser, &e)) {
      syntax_error(b, &parser);
      doc->failed = 1;
      break;
    }
    switch (e.type) {
      case YAML_STREAM_END_EVENT:
        done = 1;
        break;
      case YAML_DOCUMENT_START_EVENT:
        if (doc->nonempty) {
          report(b, (unsigned long)e.start_mark.line + 1,
                 (unsigned long)e.start_mark.column + 1,
                 "a rule file holds one YAML document; this is a second");
          b->stop = 1;
        }
        doc->nonempty = 1;
        break;
      case YAML_SCALAR_EVENT:
        on_scalar(b, &e);
        break;
      case YAML_ALIAS_EVENT:
        on_alias(b, &e);
        break;
      case YAML_SEQUENCE_START_EVENT:
        on_start(b, &e, RXC_Y_SEQ);
        break;
      case YAML_MAPPING_START_EVENT:
        on_start(b, &e, RXC_Y_MAP);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        on_end(b, &e);
        break;
      default:
        break;
    }
    yaml_event_delete(&e);
  }
  if (b->stop) doc->failed = 1;
  if (!b->oom && !doc->failed && b->have_root) {
    doc->root = rxc__arena_alloc(arena, sizeof *doc->root);
    if (doc->root)
      *doc->root = b->root;
    else
      b->oom = 1;
  }
  for (int i = 0; i < b->depth; i++) rxc__free(b->stack[i].items);
  yaml_parser_delete(&parser);
  int oom = b->oom;
  rxc__free(b->cp);
  rxc__free(b);
  return oom ? -1 : 0;
}

int rxc__ynode_is_null(const rxc__ynode *n) {
  if (!n || n->kind != RXC_Y_SCALAR || !n->plain) return 0;
  return n->len == 0 || strcmp(n->str, "~") == 0 ||
         strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
         strcmp(n->str, "NULL") == 0;
}

const rxc__ynode *rxc__ynode_get(const rxc__ynode *map, const char *key) {
  if (!map || map->kind != RXC_Y_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->kids[2 * i].str, key) == 0) return &map->kids[2 * i + 1];
  return NULL;
}
