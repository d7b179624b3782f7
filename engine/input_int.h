/*
 * input_int.h - internals shared by the reader (input_csv.c) and the
 * schema (schema.c).
 */
#ifndef RXC_INPUT_INT_H
#define RXC_INPUT_INT_H

#include "rxcheck/input.h"

/* rxc_schema_new for names given in place of a header row (headerless
 * input: rxc_input_options.columns): the same mapping, with messages that
 * speak of the names given rather than of a header row, and quote them
 * (they are the user's, not a patient's). */
rxc_status rxc__schema_new_given(const rxc_str *names, size_t n,
                                 const char *map, rxc_schema **out,
                                 rxc_error *err);

#endif
