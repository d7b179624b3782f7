/*
 * error.c - status names and texts from the one table in common.h, and the
 * error setter every module uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rxcheck/common.h"

static const char *const status_text[] = {
#define RXC_X_(name, text) text,
    RXC_STATUS_MAP(RXC_X_)
#undef RXC_X_
};

static const char *const status_names[] = {
#define RXC_X_(name, text) #name,
    RXC_STATUS_MAP(RXC_X_)
#undef RXC_X_
};

const char *rxc_strerror(rxc_status s) {
  if ((unsigned)s >= RXC_STATUS__COUNT) return "unknown status";
  return status_text[s];
}

const char *rxc_status_name(rxc_status s) {
  if ((unsigned)s >= RXC_STATUS__COUNT) return "UNKNOWN";
  return status_names[s];
}

void rxc_error_set(rxc_error *e, rxc_status code, const char *file,
                   unsigned long line, unsigned long column, const char *fmt,
                   ...) {
  if (!e) return;
  e->code = code;
  e->line = line;
  e->column = column;
  snprintf(e->file, sizeof e->file, "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}
