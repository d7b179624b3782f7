/*
 * hash.h - the content hash of a rule pack: SHA-256 (Nettle) over the
 * pack's files in the order given, each framed as its name, a NUL, its size
 * in decimal, a NUL and its bytes, written "sha256:<64 lowercase hex>".
 */
#ifndef RXC_HASH_H
#define RXC_HASH_H

#include <stddef.h>

#include "rxcheck/rules.h"

/* "sha256:" + 64 hex digits + NUL. */
#define RXC__HASH_SIZE 72

/* Hashes files[0..n) in that order (the caller sorts them by name and
 * passes the names to hash, e.g. base names). Writes the NUL-terminated
 * text to out. Cannot fail. */
void rxc__hash_files(const rxc_rule_file *files, size_t n,
                     char out[RXC__HASH_SIZE]);

#endif
