/*
 * rxcheck/rxcheck.h - the one header to include.
 *
 * Lifecycle: load a ruleset once (rxc_ruleset_load_*), make a checker per
 * thread (rxc_checker_new), read records (rxc_reader_run or rxc_builder_build)
 * and check each (rxc_checker_check), format results (rxc_format_result).
 * Or hand a whole export to rxc_pipeline_run. tests/examples/check_records.c
 * is a complete program.
 *
 * Linking: pkg-config --cflags --libs rxcheck (add --static, and define
 * RXC_STATIC, for librxcheck.a), or in CMake find_package(rxcheck) and
 * rxcheck::rxcheck (shared) or rxcheck::rxcheck_static. The shared library
 * exports exactly the functions marked RXC_API, all named rxc_*; rxc__*
 * names and everything outside include/rxcheck/ are internal.
 *
 * Conventions that hold for every function unless its comment says
 * otherwise:
 *
 * Ownership
 *   - An object made by rxc_X_new or rxc_ruleset_load_* is owned by the
 *     caller and released with the matching _free, which accepts NULL. On
 *     failure *out is set to NULL and nothing needs freeing.
 *   - Pointers passed in are borrowed for the duration of the call; an
 *     object that keeps one says so ("borrows": keep it alive; a checker
 *     borrows its ruleset, a builder its schema) and must be freed before
 *     what it borrows.
 *   - const pointers returned (names, infos, results, records, stats) are
 *     owned by the library: never free them. Static strings (rxc_*_name,
 *     rxc_strerror) live forever; ruleset-owned data (rxc_pack_info,
 *     rxc_rule_info, rxc_ruleset_suggest) lives until rxc_ruleset_free;
 *     per-call data (rxc_result, rxc_record) until the next call on the
 *     same object, as stated there.
 *   - rxc_buf and rxc_error are caller-owned structs (stack or heap); the
 *     library fills them.
 *
 * Errors
 *   - Fallible functions return an rxc_status (RXC_OK on success; marked
 *     RXC_NODISCARD) and, where they take an rxc_error *, fill it with the
 *     code, file, line, column and message. Messages name files, lines,
 *     columns, fields and rule ids, never values from patient records.
 *   - RXC_ENOMEM is possible from every function that allocates; after it
 *     the object is still valid (and must still be freed).
 *   - The library never prints, never exits and never aborts on bad input;
 *     invalid arguments (NULL where an object is required) are the
 *     caller's bug and are not checked unless stated.
 *
 * Thread safety
 *   - No global mutable state: functions on different objects may run on
 *     different threads at the same time.
 *   - Immutable once made, so shareable by any number of threads without
 *     locking: rxc_ruleset (and all it owns), rxc_schema. Every function
 *     taking them as const only reads.
 *   - One thread at a time (confine each to a thread, or lock): rxc_checker,
 *     rxc_builder, rxc_reader, rxc_buf, rxc_tally. Make one per thread; they
 *     are cheap next to a ruleset.
 *   - Pure functions of their arguments (names, parsing, formatting into a
 *     caller's buffer, dates) are safe from any thread.
 *   - rxc_pipeline_run starts and joins its own worker threads; it may be
 *     called from several threads at once with the same ruleset.
 */
#ifndef RXCHECK_RXCHECK_H
#define RXCHECK_RXCHECK_H

#include "check.h"
#include "common.h"
#include "digest.h"
#include "input.h"
#include "layout.h"
#include "output.h"
#include "pipeline.h"
#include "report.h"
#include "rules.h"
#include "summary.h"
#include "suppress.h"

#endif
