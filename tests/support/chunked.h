/*
 * chunked.h - a FILE over bytes in memory that returns short reads (at most
 * `chunk` bytes per read), so reader tests see records cut anywhere.
 */
#ifndef RXC_TEST_CHUNKED_H
#define RXC_TEST_CHUNKED_H

#include <stddef.h>
#include <stdio.h>

typedef struct chunked {
  const char *data;
  size_t len, pos, chunk;
} chunked;

/* Opens a stream reading c->data from c->pos; fails the test when the
 * stream cannot be made. Close it with fclose. */
FILE *open_chunked(chunked *c);

#endif
