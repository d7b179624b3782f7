#!/bin/sh
# Runs each libFuzzer target for a bounded time (`make fuzz`).
# Usage: run.sh BUILD_DIR SECONDS TARGET...
#   BUILD_DIR  where the fuzz_* executables are (build-fuzz/tests/fuzz)
#   SECONDS    -max_total_time for each target
# Each target starts from a copy of its seed corpus (tests/fuzz/corpus/T)
# kept in BUILD_DIR/corpus/T, so what the fuzzer adds never touches the
# repository and is reused by the next run; crash inputs go to
# BUILD_DIR/artifacts/T/. Prints one line of statistics per target and
# exits non-zero when any target crashed (or could not run). To turn a
# crash into a regression test, copy its input to
# tests/fuzz/regressions/T/ (tests/unit/test_fuzz_regressions.c replays
# every file there).
set -u
[ $# -ge 3 ] || { echo "usage: run.sh BUILD_DIR SECONDS TARGET..." >&2; exit 2; }
bin=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# Sanitizer reports must crash the target; leaks are bugs too.
ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1:abort_on_error=1
UBSAN_OPTIONS=${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
failed=0
for t in "$@"; do
  exe="$bin/$t"
  if [ ! -x "$exe" ]; then
    echo "fuzz: $t: $exe is missing (build the fuzz_all target)" >&2
    failed=1
    continue
  fi
  corpus="$bin/corpus/$t"
  art="$bin/artifacts/$t"
  mkdir -p "$corpus" "$art" || exit 2
  # Seeds are copied in (never overwriting what earlier runs found).
  if [ -d "$here/corpus/$t" ]; then
    for f in "$here/corpus/$t"/*; do
      [ -f "$f" ] && [ ! -e "$corpus/$(basename "$f")" ] && cp "$f" "$corpus/"
    done
  fi
  log="$bin/$t.log"
  "$exe" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
    -dict="$here/rxcheck.dict" -artifact_prefix="$art/" \
    -print_final_stats=1 "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$corpus" -type f | wc -l | tr -d " ")
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $t: CRASHED (exit $rc) after ${execs:-?} runs; input in $art/, log $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant|.*runtime error)' "$log" | head -5 | sed 's/^/    /'
    failed=1
  else
    echo "fuzz: $t: ok, ${execs:-?} runs in ${secs}s (${rate:-?}/s), corpus $size files"
  fi
done
exit $failed
