/*
 * builtin.h - the rule packs built into the library. The table is generated
 * at build time from the YAML files of rules/<pack>/ by cmake/embed_rules.cmake, sorted
 * by path, and ends with a NULL entry.
 */
#ifndef RXC_BUILTIN_H
#define RXC_BUILTIN_H

#include <stddef.h>

typedef struct rxc__builtin_file {
  const char *pack; /* the pack's directory name */
  const char *path; /* "<pack>/<file>.yaml" */
  const char *data; /* NUL-terminated copy of the file */
  size_t len;
} rxc__builtin_file;

extern const rxc__builtin_file rxc__builtin_files[];
extern const size_t rxc__builtin_nfiles;

#endif
