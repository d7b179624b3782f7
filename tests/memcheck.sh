#!/bin/sh
# Runs every unit test (tests/unit/test_*.c, built in BUILD_DIR/tests) under
# valgrind memcheck (`make memcheck`). Fails on any memory error and on any
# definite or indirect leak; prints valgrind's report for a failing test.
# Usage: tests/memcheck.sh BUILD_DIR
#
# Skipped: test_reader_memory, which measures the process's peak RSS while
# reading a large generated export; under valgrind it measures valgrind and
# takes minutes. The reader code it runs is covered by test_reader.
#
# RXC_TIME_SCALE=30 tells tests that assert a time bound (test_hostile_rules)
# that they run some thirty times slower than native.
set -u
[ $# -eq 1 ] || { echo "usage: tests/memcheck.sh BUILD_DIR" >&2; exit 2; }
dir="$1/tests"
command -v valgrind >/dev/null 2>&1 ||
  { echo "memcheck: valgrind is not installed (sh .ci/install-deps valgrind)" >&2; exit 2; }
[ -d "$dir" ] || { echo "memcheck: no $dir: build first" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
supp="$here/memcheck.supp"
export CMOCKA_MESSAGE_OUTPUT=stdout RXC_TIME_SCALE=30
failed=0 ran=0
for t in "$dir"/test_*; do
  if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
  name=$(basename "$t")
  case $name in
    test_reader_memory)
      echo "memcheck: $name skipped (it measures RSS; see tests/memcheck.sh)"
      continue ;;
  esac
  log="$dir/$name.memcheck.log"
  start=$(date +%s)
  valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --track-origins=yes --suppressions="$supp" --log-file="$log.vg" \
    "$t" >"$log" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  ran=$((ran + 1))
  if [ "$rc" -eq 99 ]; then
    echo "memcheck: $name: MEMORY ERRORS OR LEAKS (${secs}s)"
    sed 's/^/    /' "$log.vg" | head -60
    failed=1
  elif [ "$rc" -ne 0 ]; then
    echo "memcheck: $name: the test failed under valgrind (exit $rc, ${secs}s)"
    grep -E '^\[  (FAILED|ERROR) |error:' "$log" | head -10 | sed 's/^/    /'
    failed=1
  else
    echo "memcheck: $name: clean (${secs}s)"
  fi
done
[ "$ran" -gt 0 ] || { echo "memcheck: no unit tests in $dir" >&2; exit 2; }
exit $failed
