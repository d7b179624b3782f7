/*
 * yaml_doc.h - a small YAML node tree with positions, built from libyaml's
 * events for the rule loader.
 *
 * The tree keeps what the loader needs and nothing more: scalars as text
 * (with their style, so that a plain 12 can be read as a number and a
 * quoted '12' cannot), sequences, and mappings as key/value pairs, each
 * node with its 1-based line and column and its byte range in the file.
 * The parser refuses, with a position, what a rule pack has no use for and
 * what would make it hard to read or unsafe: aliases and anchors, tags
 * other than !!str, non-scalar mapping keys, duplicate keys, text holding
 * NUL, nesting deeper than RXC__YAML_MAX_DEPTH, and more than one document.
 */
#ifndef RXC_YAML_DOC_H
#define RXC_YAML_DOC_H

#include <stddef.h>

#include "alloc.h"

#define RXC__YAML_MAX_DEPTH 64

typedef enum rxc__ykind {
  RXC_Y_SCALAR,
  RXC_Y_SEQ,
  RXC_Y_MAP,
  RXC_Y_BAD /* already reported (an alias, say): skip without a message */
} rxc__ykind;

typedef enum rxc__ystyle {
  RXC_YS_PLAIN,
  RXC_YS_SINGLE,
  RXC_YS_DOUBLE,
  RXC_YS_LITERAL,
  RXC_YS_FOLDED,
  RXC_YS_FLOW, /* a flow collection: [..] or {..} */
  RXC_YS_BLOCK /* a block collection */
} rxc__ystyle;

typedef struct rxc__ydoc rxc__ydoc;
typedef struct rxc__ynode rxc__ynode;

struct rxc__ynode {
  rxc__ykind kind;
  rxc__ystyle style;
  /* A plain scalar without a tag: may be read as a number, bool or null. */
  int plain;
  const rxc__ydoc *doc;
  unsigned long line, column;         /* start, 1-based */
  unsigned long end_line, end_column; /* end of the text, 1-based */
  size_t start, end; /* byte range [start, end) of the node's text; for a
                        block collection, up to the end of its last item */
  const char *str;   /* scalar value, NUL-terminated */
  size_t len;
  size_t n;         /* items of a sequence, pairs of a mapping */
  rxc__ynode *kids; /* sequence: n items; mapping: key 2i, value 2i+1 */
};

/* The problems found while parsing go to this function. */
typedef void (*rxc__yreport)(void *ud, const rxc__ydoc *doc, unsigned long line,
                             unsigned long column, const char *message);

struct rxc__ydoc {
  const char *name; /* shown in messages */
  const char *data; /* the file's bytes (borrowed) */
  size_t len;
  size_t seq;       /* the loader's ordinal for this file */
  rxc__ynode *root; /* NULL when empty or when parsing failed */
  int failed;       /* a syntax error stopped parsing */
  int nonempty;     /* the file held a document */
};

/* Parses doc->data into doc->root, nodes in `arena`. Reports every problem
 * through `report`; a syntax error stops the parse (doc->failed), other
 * problems leave a usable tree with the offending nodes marked RXC_Y_BAD or
 * dropped (the second of two equal keys). Returns 0, or -1 when out of
 * memory. */
int rxc__ydoc_parse(rxc__ydoc *doc, rxc__arena *arena, rxc__yreport report,
                    void *ud);

/* 1 when n is a plain null: empty, ~, null, Null or NULL. */
int rxc__ynode_is_null(const rxc__ynode *n);
/* The value of key `key` in mapping `map`, or NULL. */
const rxc__ynode *rxc__ynode_get(const rxc__ynode *map, const char *key);
/* The 1-based line and column of byte offset `off` in the file. */
void rxc__ydoc_position(const rxc__ydoc *doc, size_t off, unsigned long *line,
                        unsigned long *column);

#endif
