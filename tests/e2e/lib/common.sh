# common.sh - what every end-to-end script needs, sourced first:
#   . "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
# Checks the environment ctest gives (RXCHECK: the binary, SRC: the source
# dir, WORK: a scratch dir), starts WORK empty, counts failures with
# `fail MESSAGE`, and ends with `finish [SUCCESS-LINE]`: exit 1 with the
# count when anything failed. (Not a test itself: ctest runs only
# tests/e2e/*.sh.)
: "${RXCHECK:?set RXCHECK to the rxcheck binary}"
: "${SRC:?set SRC to the source directory}"
: "${WORK:?set WORK to a scratch directory}"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 2
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$(basename "$0"): $failures failure(s)"
    exit 1
  fi
  echo "${1:-$(basename "$0"): all passed}"
}
