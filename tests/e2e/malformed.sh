#!/bin/sh
# End-to-end test of rxcheck on hostile exports: the malformed-input corpus
# of tests/e2e/malformed/ (cases.txt lists each input with its expected
# exit code, rows read and rows rejected; README.md says what each tests).
# The big inputs (a 10 MB field, 100,000 columns ...) are generated here,
# in $WORK, never committed.
#
# For every input, `rxcheck batch --rejects R --summary S` must:
#   - not crash (exit < 128) and exit with the expected code, within
#     MALFORMED_MAX_SECONDS (default 5: every input here is checked in well
#     under a second; a run that takes longer is not bounded, and one still
#     running at twice the bound is stopped);
#   - write no control character to stderr but newlines and tabs (a hostile header
#     must not drive the terminal);
#   - when it read the input: write a summary whose counts reconcile
#     (rows_read = checked + rejected) and match the table, a rejects file
#     with one line per rejected row (exactly NAME.rejects when that file
#     exists), and JSON Lines of which every line parses (python3 checks
#     it when installed; otherwise that check is skipped);
#   - give the same exit code with --format csv and --format text.
# `rxcheck validate` must not crash on it either, nor print control
# characters (its report lists the header's column names).
#
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
# Prints what differs and exits non-zero on any failure.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

M="$SRC/tests/e2e/malformed"
max_seconds=${MALFORMED_MAX_SECONDS:-5}
# A run that is not bounded is stopped at twice the bound (when coreutils'
# timeout is there), so that it fails fast instead of holding CI for
# minutes (a sanitizer build is some 40 times slower on quadratic work).
if command -v timeout >/dev/null 2>&1; then
  limit="timeout $((2 * max_seconds))"
else
  limit=""
fi
mkdir -p "$WORK/gen" || exit 2
cases=0

if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
  have_python=1
else
  have_python=0
  echo "note: python3 not found; JSON Lines are not parsed"
fi

# ---- generated inputs ------------------------------------------------------

HEADER="patient_id,age,country,rx_date,drug_name,daily_dose_mg,diagnosis_codes,co_medications"
ROW="40,US,2024-06-01,fluvoxamine 100 mg tablet,100,F42.2,"

# n_bytes N CHAR - N copies of CHAR, without a newline.
n_bytes() {
  head -c "$1" /dev/zero | tr '\0' "$2"
}

generate() {
  out="$WORK/gen/$1"
  case $1 in
    field_10mb) # an unquoted 10 MB drug name between two good rows
      { echo "$HEADER"; echo "P1,$ROW"
        printf 'P2,40,US,2024-06-01,'; n_bytes 10485760 a; echo ",100,F42.2,"
        echo "P3,$ROW"; } >"$out" ;;
    quoted_field_10mb) # the same, quoted, on one line
      { echo "$HEADER"; echo "P1,$ROW"
        printf 'P2,40,US,2024-06-01,"'; n_bytes 10485760 a; echo '",100,F42.2,'
        echo "P3,$ROW"; } >"$out" ;;
    quoted_field_10mb_multiline) # a quoted 10 MB field over 10,240 lines
      { echo "$HEADER"; echo "P1,$ROW"
        printf 'P2,40,US,2024-06-01,"'
        n_bytes 10485760 a | fold -w 1023
        echo '",100,F42.2,'
        echo "P3,$ROW"; } >"$out" ;;
    columns_100000) # 100,000 columns: two full rows and a short one
      awk 'BEGIN {
        printf "drug_name"; for (i = 2; i <= 100000; i++) printf ",c%d", i; printf "\n"
        printf "fluvoxamine"; for (i = 2; i <= 100000; i++) printf ",%d", i; printf "\n"
        printf "luvox"; for (i = 2; i <= 100000; i++) printf ",x"; printf "\n"
        printf "short,row\n" }' >"$out" ;;
    dose_million_fraction_digits) # a dose of 0.000...0001 mg (a million zeros)
      { echo "$HEADER"
        printf 'P1,40,US,2024-06-01,fluvoxamine,0.'; n_bytes 1000000 0; echo "1,F42.2,"
      } >"$out" ;;
    diagnoses_60000) # one row with 60,000 diagnosis codes (420 KB)
      { echo "$HEADER"
        printf 'P1,40,US,2024-06-01,fluvoxamine,100,'
        awk 'BEGIN { for (i = 0; i < 60000; i++) printf "%sF%05d", (i ? ";" : ""), i }'
        echo ","; } >"$out" ;;
    comedications_10000) # one row with 10,000 co-medications
      { echo "$HEADER"
        printf 'P1,40,US,2024-06-01,fluvoxamine,100,F42.2,'
        awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%sdrug%d", (i ? "|" : ""), i }'
        echo; } >"$out" ;;
    rows_10000_mixed) # 10,000 rows; every 7th is bad, for one of 7 reasons
      awk -v h="$HEADER" 'BEGIN {
        print h
        for (i = 1; i <= 10000; i++) {
          if (i % 7) { printf "P%d,40,US,2024-06-01,fluvoxamine,100,F42.2,\n", i; continue }
          k = (i / 7) % 7
          if (k == 0) printf "P%d,abc,US,2024-06-01,fluvoxamine,100,F42.2,\n", i
          else if (k == 1) printf "P%d,40,US,2023-02-30,fluvoxamine,100,F42.2,\n", i
          else if (k == 2) printf "P%d,40,US,2024-06-01,fluvoxamine\n", i
          else if (k == 3) printf "P%d,40,USA,2024-06-01,fluvoxamine,100,F42.2,\n", i
          else if (k == 4) printf "P%d,40,US,2024-06-01,flu\"vox,100,F42.2,\n", i
          else if (k == 5) printf "P%d,40,US,2024-06-01,fluvoxamine,-5,F42.2,\n", i
          else printf "P%d,40,US,2024-06-01,fluvox\377,100,F42.2,\n", i
        } }' >"$out" ;;
    *) echo "malformed.sh: no generator for $1" >&2; return 1 ;;
  esac
}

# ---- checks ------------------------------------------------------------------

# json_field FILE KEY - the number after "KEY": in a one-line JSON object.
json_field() {
  sed -n "s/.*\"$2\":\\([0-9][0-9]*\\).*/\\1/p" "$1" | head -n 1
}

# no_controls NAME FILE - FILE holds no control byte but newline and tab.
no_controls() {
  if LC_ALL=C tr -d '\n\t' <"$2" | LC_ALL=C grep -q '[[:cntrl:]]'; then
    fail "$1: control characters in $(basename "$2") (a hostile value can drive the terminal):"
    head -c 300 "$2" | cat -v | sed 's/^/    /'
    echo
  fi
}

run_case() {
  input=$1 want_rc=$2 want_rows=$3 want_rej=$4
  shift 4
  case $input in
    gen:*)
      name=${input#gen:}
      file="$WORK/gen/$name"
      [ -f "$file" ] || generate "$name" || { fail "$name: cannot generate"; return; } ;;
    *)
      name=$input
      file="$M/$input" ;;
  esac
  tag=$name
  [ $# -gt 0 ] && tag="$name $*"
  base="$WORK/$(echo "$tag" | tr ' /' '__')"
  cases=$((cases + 1))
  rm -f "$base.rejects" "$base.summary"

  start=$(date +%s)
  $limit "$RXCHECK" batch --rejects "$base.rejects" --summary "$base.summary" "$@" \
    "$file" <"/dev/null" >"$base.jsonl" 2>"$base.err"
  rc=$?
  secs=$(($(date +%s) - start))
  if [ -n "$limit" ] && [ "$rc" -eq 124 ]; then
    fail "$tag: still running after $((2 * max_seconds)) s (bound $max_seconds s): not bounded; stopped"
    return
  fi
  if [ "$rc" -ge 128 ]; then
    fail "$tag: rxcheck crashed (exit $rc, signal $((rc - 128)))"
    sed 's/^/    stderr: /' "$base.err" | head -5
    return
  fi
  [ "$rc" -eq "$want_rc" ] ||
    { fail "$tag: exit $rc, expected $want_rc"; sed 's/^/    stderr: /' "$base.err" | head -5; }
  no_controls "$tag" "$base.err"
  slow=0
  if [ "$secs" -gt "$max_seconds" ]; then
    fail "$tag: took $secs s (bound $max_seconds s): not bounded"
    slow=1
  fi

  if [ "$want_rows" != "-" ]; then
    if [ ! -s "$base.summary" ]; then
      fail "$tag: no summary written"
    else
      read_=$(json_field "$base.summary" rows_read)
      checked=$(json_field "$base.summary" checked)
      rejected=$(json_field "$base.summary" rejected)
      if [ -z "$read_" ] || [ -z "$checked" ] || [ -z "$rejected" ]; then
        fail "$tag: the summary lacks rows_read, checked or rejected"
      else
        [ "$read_" -eq $((checked + rejected)) ] ||
          fail "$tag: counts do not reconcile: rows_read $read_ != checked $checked + rejected $rejected"
        [ "$read_" -eq "$want_rows" ] || fail "$tag: rows_read $read_, expected $want_rows"
        [ "$rejected" -eq "$want_rej" ] || fail "$tag: rejected $rejected, expected $want_rej"
        lines=$(wc -l <"$base.jsonl" | tr -d ' ')
        [ "$lines" -eq "$checked" ] || fail "$tag: $lines output lines for $checked rows checked"
      fi
    fi
    if [ ! -f "$base.rejects" ]; then
      fail "$tag: no rejects file written"
    else
      n=$(($(wc -l <"$base.rejects") - 1))
      [ "$n" -eq "$want_rej" ] || fail "$tag: $n rows in the rejects file, expected $want_rej"
      [ "$(head -n 1 "$base.rejects")" = "line,column,reason" ] ||
        fail "$tag: the rejects file does not start with line,column,reason"
      if [ $# -eq 0 ] && [ -f "$M/$name.rejects" ] && ! cmp -s "$M/$name.rejects" "$base.rejects"; then
        fail "$tag: rejects differ from $name.rejects"
        diff -u "$M/$name.rejects" "$base.rejects" | sed 's/^/    /' | head -20
      fi
    fi
    if [ "$have_python" -eq 1 ] &&
      ! python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$base.jsonl" 2>"$base.pyerr"; then
      fail "$tag: the output is not valid JSON Lines: $(tail -n 1 "$base.pyerr")"
    fi
  fi

  [ "$slow" -eq 0 ] || return # the other formats would be as slow
  for fmt in csv text; do
    "$RXCHECK" batch --format "$fmt" "$@" "$file" </dev/null >/dev/null 2>"$base.$fmt.err"
    frc=$?
    [ "$frc" -eq "$rc" ] || fail "$tag: --format $fmt exits $frc, jsonl $rc"
  done
  "$RXCHECK" validate "$@" "$file" </dev/null >"$base.validate.out" 2>"$base.validate.err"
  vrc=$?
  [ "$vrc" -lt 128 ] || fail "$tag: rxcheck validate crashed (exit $vrc)"
  no_controls "$tag (validate stdout)" "$base.validate.out"
  no_controls "$tag (validate stderr)" "$base.validate.err"
}

# ---- the table ---------------------------------------------------------------

while read -r input rc rows rej args; do
  case $input in '' | '#'*) continue ;; esac
  # shellcheck disable=SC2086 # args is a list of words
  run_case "$input" "$rc" "$rows" "$rej" $args
done <"$M/cases.txt"

[ "$cases" -ge 30 ] || fail "only $cases cases ran; the corpus has at least 30"
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s) in $cases cases"
  exit 1
fi
echo "malformed inputs: all $cases cases passed"
