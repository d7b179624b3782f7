#!/bin/sh
# End-to-end test of `rxcheck batch` on the fictional mini pack
# (tests/packs/mini): every output format, the rejects file, the summary
# counts, --only-in-scope and --fail-on, each compared with an expected file
# written by hand in fixtures/batch_mini/ from the pack's text and the
# semantics of rules/README.md (never captured from the program).
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
# Prints what differs and exits non-zero on any failure.
#
# Rows of fixtures/batch_mini/input.csv (line: what it exercises):
#   2 M01 in scope by name in a quoted field holding a comma and doubled
#         quotes; US adult IR OCD approved (us-ocd-ir-adults); quoted note
#   3 M02 in scope by drug code only; US child IR OCD (second-line rule)
#   4 M03 extended-release from the form column; US adult XR OCD approved;
#         a 400 mg XR dose does not trigger the IR dose limit
#   5 M04 brand "Examplex XR": XR at 17, no rule -> off-label with
#         "approved for ... in: GB, US"
#   6 M05 IR at 6, no rule -> off-label; age-under-8 (moderate)
#   7 M06 US depression off-label by rule us-depression (+ approved in GB);
#         int-exampladol (contraindicated) by name
#   8 M07 GB, two diagnoses, one rule (gb-adults) for both
#   9 M08 GB at 6: explicit unknown rule gb-under-18; age-under-8 does not
#         fire in GB (not: jurisdiction GB)
#  10 M09 uncovered country FR -> unknown "the rule pack has no regulatory rules
#           for this jurisdiction"
#  11 M10 no age, age-banded rules -> unknown "age unknown: ..."; IR dose above
#         300 (dose-ir-max) fires without an age
#  12 M11 F42.3 excluded from OCD, I10 unmapped -> no-indication;
#         int-testophylline by name
#  13 M12 two diagnoses split on '|', co-medications on ';', the
#         testophylline interaction by code, dose-ir-max; a note spanning
#         two physical lines (so the next rows start one line later)
#  15 M13 insomnia: no rule and approved nowhere -> off-label, one reason
#  16 M14 SNOMED CT code inferred from digits, prefixed lower-case ICD-10
#  17 M15 look-alike name "Preexamplamine" -> out-of-scope
#  18 M16 another drug's code -> out-of-scope
#  19 M17 rx_date 2024-13-01 -> rejected (bad-date, column 5)
#  20 M18 age from birth_date on the 8th birthday -> children's rule
#  21 M19 no country -> unknown, jurisdiction null
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

F="$SRC/fixtures/batch_mini"
PACK="$SRC/tests/packs/mini"
IN="$F/input.csv"

# run NAME WANT_RC ARGS... - runs rxcheck batch with the mini pack; stdout
# to $WORK/NAME.out, stderr to $WORK/NAME.err.
run() {
  name=$1 want=$2
  shift 2
  "$RXCHECK" batch --rules "$PACK" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"
    sed 's/^/    stderr: /' "$WORK/$name.err" | head -20
  fi
}

# explode FILE - one JSON key per line, prefixed with the record number, so
# that a diff of two JSONL files shows which key of which record differs.
explode() {
  awk '{ n = split($0, a, /,"/)
         for (i = 1; i <= n; i++) print NR ": " (i > 1 ? ",\"" : "") a[i] }' "$1"
}

# same NAME EXPECTED ACTUAL - byte-for-byte comparison, diff on failure
# (JSON Lines are compared key by key in the diff).
same() {
  if [ ! -f "$3" ]; then
    fail "$1: $3 was not written"
  elif ! cmp -s "$2" "$3"; then
    fail "$1: $3 differs from $2"
    case $2 in
      *.jsonl | *.json | *.expected)
        explode "$2" >"$WORK/diff.a"
        explode "$3" >"$WORK/diff.b"
        diff -u "$WORK/diff.a" "$WORK/diff.b" | sed 's/^/    /' | head -80 ;;
      *) diff -u "$2" "$3" | sed 's/^/    /' | head -80 ;;
    esac
  fi
}

# The pack hash, computed as rules/README.md defines it: SHA-256 over the
# pack's *.yaml files in file-name order, each contributing its name, a NUL,
# its size in decimal, a NUL and its bytes.
pack_hash() {
  (
    cd "$1" || exit 1
    LC_ALL=C
    export LC_ALL
    for f in *.yaml; do
      printf '%s\0%s\0' "$f" "$(wc -c <"$f" | tr -d ' ')"
      cat "$f"
    done
  ) | sha256sum | cut -d' ' -f1
}
if command -v sha256sum >/dev/null 2>&1; then
  HASH="sha256:$(pack_hash "$PACK")"
  TOOL_VERSION=$("$RXCHECK" --version | sed -n 's/^rxcheck \([0-9][^ ]*\).*/\1/p' | head -1)
else
  echo "batch_mini.sh: sha256sum not found; cannot compute the pack hash"
  exit 2
fi

# expect NAME FILE - the expected file with the pack hash filled in.
expect() {
  sed -e "s|@PACK_HASH@|$HASH|g" -e "s|@TOOL_VERSION@|$TOOL_VERSION|g" \
    "$F/$2" >"$WORK/$1.expected"
}

# summary_keys JSON - the stable keys of a summary, one a line.
summary_keys() {
  for k in rows_read checked in_scope rejected; do
    sed -n "s/.*\(\"$k\":[0-9]*\).*/\1/p" "$1"
  done
  sed -n 's/.*\("status":{[^}]*}\).*/\1/p' "$1"
  sed -n 's/.*\("findings":{[^}]*}\).*/\1/p' "$1"
}

# ---- JSONL (default format), rejects, summary, exit 3 ----------------------
run jsonl 3 "$IN" --rejects "$WORK/jsonl.rejects.csv" \
  --summary "$WORK/jsonl.summary.json"
expect jsonl expected.jsonl
same jsonl "$WORK/jsonl.expected" "$WORK/jsonl.out"
same jsonl "$F/expected_rejects.csv" "$WORK/jsonl.rejects.csv"
if [ -f "$WORK/jsonl.summary.json" ]; then
  summary_keys "$WORK/jsonl.summary.json" >"$WORK/jsonl.summary.txt"
  same summary "$F/expected_summary.txt" "$WORK/jsonl.summary.txt"
  grep -F -q "\"hash\":\"$HASH\"" "$WORK/jsonl.summary.json" ||
    fail "summary: ruleset hash is not $HASH"
else
  fail "summary: $WORK/jsonl.summary.json was not written"
fi

# ---- CSV ---------------------------------------------------------------------
run csv 3 "$IN" --format csv --rejects "$WORK/csv.rejects.csv" \
  --summary "$WORK/csv.summary.json"
same csv "$F/expected.csv" "$WORK/csv.out"
same csv "$F/expected_rejects.csv" "$WORK/csv.rejects.csv"

# ---- text ----------------------------------------------------------------------
run text 3 "$IN" --format text --rejects "$WORK/text.rejects.csv" \
  --summary "$WORK/text.summary.json"
same text "$F/expected.txt" "$WORK/text.out"

# ---- --only-in-scope -------------------------------------------------------------
run only 3 "$IN" --only-in-scope --rejects "$WORK/only.rejects.csv" \
  --summary "$WORK/only.summary.json"
expect only expected_only_in_scope.jsonl
same only "$WORK/only.expected" "$WORK/only.out"

# ---- --fail-on -------------------------------------------------------------------
# Row M06 has a contraindicated finding: exit 1 even though a row was
# rejected (1 wins over 3), and the output is still complete.
# (The results themselves are compared above; here they must be the same
# bytes as without --fail-on.)
run fail_contra 1 "$IN" --fail-on contraindicated \
  --rejects "$WORK/fail_contra.rejects.csv" --summary "$WORK/fail_contra.json"
same fail_contra "$WORK/jsonl.out" "$WORK/fail_contra.out"
# Rows M01-M04 (standard input, no rejects) have no finding at all:
# exit 0 even with --fail-on info.
head -n 5 "$IN" >"$WORK/first4.csv"
"$RXCHECK" batch --rules "$PACK" --fail-on info - <"$WORK/first4.csv" \
  >"$WORK/fail_none.out" 2>"$WORK/fail_none.err"
rc=$?
[ "$rc" -eq 0 ] || fail "fail_none: exit $rc, expected 0"
head -n 4 "$WORK/jsonl.out" >"$WORK/fail_none.expected"
same fail_none "$WORK/fail_none.expected" "$WORK/fail_none.out"
# Rows M01-M05: M05's moderate finding is below major (exit 0) but at
# moderate (exit 1).
head -n 6 "$IN" >"$WORK/first5.csv"
run fail_major 0 "$WORK/first5.csv" --fail-on major
run fail_moderate 1 "$WORK/first5.csv" --fail-on moderate

finish
