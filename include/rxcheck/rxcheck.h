/*
 * rxcheck/rxcheck.h - the one header to include.
 *
 * Lifecycle: load a ruleset once (rxc_ruleset_load_*), make a checker per
 * thread (rxc_checker_new), read records (rxc_reader_run or rxc_builder_build)
 * and check each (rxc_checker_check), format results (rxc_format_result).
 * Every _new/_load has a _free that accepts NULL. The library never prints
 * and never exits: fallible calls return an rxc_status and fill an
 * rxc_error with a position.
 */
#ifndef RXCHECK_RXCHECK_H
#define RXCHECK_RXCHECK_H

#include "check.h"
#include "common.h"
#include "input.h"
#include "output.h"
#include "pipeline.h"
#include "rules.h"

#endif
