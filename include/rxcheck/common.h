/*
 * rxcheck/common.h - the types every part of the public API shares:
 * export marks, status codes, error values carrying a position, and the
 * string slice used for borrowed text.
 */
#ifndef RXCHECK_COMMON_H
#define RXCHECK_COMMON_H

#include <stddef.h>

/* RXC_API marks the functions of the public API, and only those.
 *
 * The library is compiled with -fvisibility=hidden, so everything else in
 * it (the engine's internal functions) stays out of the shared library's
 * dynamic symbol table: librxcheck.so exports exactly the RXC_API
 * functions, all named rxc_*.
 *
 *   RXC_STATIC    defined when building or using the static library
 *                 (librxcheck.a; pkg-config --static, rxcheck::rxcheck_static
 *                 and the in-tree target rxcheck_lib set it): RXC_API is
 *                 empty and nothing is exported.
 *   RXC_BUILDING  defined only while compiling the shared library: on
 *                 Windows it selects dllexport over dllimport. On ELF
 *                 platforms both building and using the shared library
 *                 give the API default visibility.
 *
 * A program using the shared library defines neither. */
#if defined(RXC_STATIC)
#define RXC_API
#elif defined(_WIN32)
#if defined(RXC_BUILDING)
#define RXC_API __declspec(dllexport)
#else
#define RXC_API __declspec(dllimport)
#endif
#else
#define RXC_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RXC_NODISCARD __attribute__((warn_unused_result))
#else
#define RXC_NODISCARD
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* One table gives the enum, rxc_strerror and rxc_status_name, so a code
 * and its text cannot drift apart. */
#define RXC_STATUS_MAP(X)                                    \
  X(OK, "success")                                           \
  X(ENOMEM, "out of memory")                                 \
  X(EIO, "input/output error")                               \
  X(EUSAGE, "invalid argument")                              \
  X(EHEADER, "unusable header row")                          \
  X(ERULES, "invalid rule pack")                             \
  X(ELIMIT, "a limit was exceeded")                          \
  X(ESTOP, "stopped by the caller")

typedef enum rxc_status {
#define RXC_X_(name, text) RXC_##name,
  RXC_STATUS_MAP(RXC_X_)
#undef RXC_X_
  RXC_STATUS__COUNT
} rxc_status;

/* Human text for a status ("out of memory"): a static string, never NULL
 * (an unknown code gives a text saying so). Thread-safe. */
RXC_API const char *rxc_strerror(rxc_status s);
/* Symbolic name for a status ("ENOMEM"): a static string, never NULL.
 * Thread-safe. */
RXC_API const char *rxc_status_name(rxc_status s);

/* An error with a position. Lines and columns are 1-based; 0 means "not
 * applicable". Messages never contain values from patient records: they
 * name fields, lines and rule ids. */
typedef struct rxc_error {
  rxc_status code;
  char file[256];
  unsigned long line;
  unsigned long column;
  char message[512];
} rxc_error;

/* Sets every member of *e (the caller's struct; NULL is accepted and
 * ignored); file may be NULL (stored as ""). printf-style message,
 * truncated to fit. Cannot fail. Thread-safe: touches nothing but *e. */
RXC_API void rxc_error_set(rxc_error *e, rxc_status code, const char *file,
                           unsigned long line, unsigned long column,
                           const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* A borrowed slice of text: not NUL-terminated unless stated. */
typedef struct rxc_str {
  const char *ptr;
  size_t len;
} rxc_str;

/* A calendar date; year == 0 means absent. */
typedef struct rxc_date {
  int year;
  int month;
  int day;
} rxc_date;

/* Today's date in UTC, as the default prescription date; {0, 0, 0} when
 * the clock cannot be read. Thread-safe (gmtime_r). */
RXC_API rxc_date rxc_date_today(void);

/* Parses YYYY-MM-DD, optionally followed by a time ("T12:00:00Z" or
 * " 12:00:00"), which is ignored. Validates the calendar (2023-02-30 is
 * refused). `s` need not be NUL-terminated (len bytes are read). Returns 1
 * and sets *out on success, 0 otherwise (*out unspecified). Pure:
 * thread-safe. */
RXC_API int rxc_date_parse(const char *s, size_t len, rxc_date *out);

/* Whole years from birth to on; -1 when either is absent or on < birth.
 * A 29 February birthday falls on 1 March in common years. Pure:
 * thread-safe. */
RXC_API int rxc_age_years(rxc_date birth, rxc_date on);

/* Version of the tool and library, "MAJOR.MINOR.PATCH" (the CMake project
 * version, the one place it is set): a static string. The shared library's
 * SONAME carries MAJOR. Thread-safe. */
RXC_API const char *rxc_version(void);

#ifdef __cplusplus
}
#endif
#endif
