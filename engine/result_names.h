/*
 * result_names.h - the verdict and severity name tables, for the modules
 * that list or suggest them (the rule loader's "did you mean").
 */
#ifndef RXC_RESULT_NAMES_H
#define RXC_RESULT_NAMES_H

#include "rxcheck/check.h"

extern const char *const rxc__verdict_names[RXC_V__COUNT];
extern const char *const rxc__severity_names[RXC_SEV__COUNT];

#endif
