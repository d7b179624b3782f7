#!/bin/sh
# Runs the example program and compares its output with the expected text.
# Usage: run.sh PROGRAM EXPECTED
set -eu
out=$("$1") || { echo "FAIL: $1 exited with $?" >&2; exit 1; }
if ! printf '%s\n' "$out" | diff -u "$2" -; then
  echo "FAIL: the output of $1 differs from $2 (above)" >&2
  exit 1
fi
echo "ok: $(printf '%s\n' "$out" | wc -l) lines as expected"
