/*
 * result_names.c - names of verdicts and severities, from the tables in
 * check.h, and parsing them back.
 */
#include <string.h>

#include "result_names.h"
#include "rxcheck/check.h"

const char *const rxc__verdict_names[RXC_V__COUNT] = {
#define RXC_X_(name, text) text,
    RXC_VERDICT_MAP(RXC_X_)
#undef RXC_X_
};

const char *const rxc__severity_names[RXC_SEV__COUNT] = {
#define RXC_X_(name, text) text,
    RXC_SEVERITY_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_verdict_name(rxc_verdict v) {
  return (unsigned)v < RXC_V__COUNT ? rxc__verdict_names[v] : "";
}

const char *rxc_severity_name(rxc_severity s) {
  return (unsigned)s < RXC_SEV__COUNT ? rxc__severity_names[s] : "";
}

int rxc_severity_parse(const char *s, rxc_severity *out) {
  for (int i = 0; i < RXC_SEV__COUNT; i++)
    if (strcmp(s, rxc__severity_names[i]) == 0) {
      *out = (rxc_severity)i;
      return 1;
    }
  return 0;
}
