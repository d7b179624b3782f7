/* version.c - the library's version string, set by CMake. */
#include "rxcheck/common.h"

#ifndef RXC_VERSION_STRING
#define RXC_VERSION_STRING "0.0.0"
#endif

const char *rxc_version(void) { return RXC_VERSION_STRING; }
