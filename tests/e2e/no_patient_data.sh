#!/bin/sh
# End-to-end test that diagnostics never carry patient data: every field of
# the exports below holds a unique marker (PHI1001 ..., or digits such as
# 987654 where the column wants a number), in valid rows and in rows
# rejected for every reason (bad dates, bad age, age out of range, bad
# country, bad dose and strength, a ragged row, invalid UTF-8, malformed
# quoting, a field over --max-field, a runaway quoted field, an
# unterminated quote at the end), and in exports that have no header row
# (one whose first row holds dates and numbers, one with words only).
#
# `rxcheck validate` and `rxcheck batch` (every format, with and without
# --rejects and --summary, with --explain, from a file and from stdin) run
# on them; no marker may appear on stderr, in a rejects file, in a summary
# file, or on validate's standard output. The results of batch (standard
# output) may echo values: that is the product. `rxcheck query` errors on
# flag values are checked the same way.
#
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
# Prints what leaked and exits non-zero on any failure.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

runs=0
MARKERS='PHI[0-9][0-9][0-9][0-9]|987654|9876543|987655|98765432'

# clean WHAT FILE - FILE holds no marker.
clean() {
  [ -f "$2" ] || return 0
  if LC_ALL=C grep -a -E -q "$MARKERS" "$2"; then
    fail "$1: patient data in $(basename "$2"):"
    LC_ALL=C grep -a -E "$MARKERS" "$2" | head -3 | cut -c1-200 | cat -v | sed 's/^/    /'
  fi
}

# ---- the exports ---------------------------------------------------------------

E1="$WORK/export.csv"
{
  echo "patient_id,birth_date,age,sex,country,rx_date,drug_name,drug_code,form,strength_mg,daily_dose_mg,diagnosis_codes,co_medications,note"
  # valid, in scope, with a contraindicated co-medication
  echo "PHI1001,,40,PHI1002,US,2024-06-01,fluvoxamine PHI1003 100 mg,PHI1004,PHI1005,100,100,F42.2;PHI1006,PHI1007;tizanidine,PHI1008"
  # birth_date not a date
  echo "PHI2000,PHI2001,,PHI2002,US,2024-06-01,fluvoxamine PHI2003,,PHI2004,100,100,F42.2,PHI2005,PHI2006"
  # rx_date not a date
  echo "PHI3000,,40,PHI3002,US,PHI3001,fluvoxamine PHI3003,,PHI3004,100,100,F42.2,PHI3005,PHI3006"
  # age not a number
  echo "PHI4000,,PHI4001,PHI4002,US,2024-06-01,fluvoxamine PHI4003,,PHI4004,100,100,F42.2,PHI4005,PHI4006"
  # age out of range
  echo "PHI5000,,987654,PHI5002,US,2024-06-01,fluvoxamine PHI5003,,PHI5004,100,100,F42.2,PHI5005,PHI5006"
  # country not ISO
  echo "PHI6000,,40,PHI6002,PHI6001,2024-06-01,fluvoxamine PHI6003,,PHI6004,100,100,F42.2,PHI6005,PHI6006"
  # dose not a number; dose out of range; strength not a number
  echo "PHI7000,,40,PHI7002,US,2024-06-01,fluvoxamine PHI7003,,PHI7004,100,PHI7001,F42.2,PHI7005,PHI7006"
  echo "PHI7100,,40,PHI7102,US,2024-06-01,fluvoxamine PHI7103,,PHI7104,100,9876543,F42.2,PHI7105,PHI7106"
  echo "PHI8000,,40,PHI8002,US,2024-06-01,fluvoxamine PHI8003,,PHI8004,PHI8001,100,F42.2,PHI8005,PHI8006"
  # birth after the prescription
  echo "PHI8100,2030-01-01,,PHI8102,US,2024-06-01,fluvoxamine PHI8103,,PHI8104,100,100,F42.2,PHI8105,PHI8106"
  # ragged
  echo "PHI9001,PHI9002,PHI9003"
  # invalid UTF-8
  printf 'PHI1100,,40,PHI1102,US,2024-06-01,fluvoxamine PHI1101\377,,PHI1104,100,100,F42.2,PHI1105,PHI1106\n'
  # malformed quoting
  echo 'PHI1200,,40,PHI1202,US,2024-06-01,fluvoxamine PHI1203,,PHI1204,100,100,F42.2,PHI1205,PHI1201"x'
  # a long note: valid by default, too long under --max-field 64
  echo "PHI1300,,40,PHI1302,US,2024-06-01,fluvoxamine PHI1303,,PHI1304,100,100,F42.2,PHI1305,PHI1301 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  # a runaway quoted note over several lines (too long under --max-field 64)
  echo 'PHI1500,,40,PHI1502,US,2024-06-01,fluvoxamine PHI1503,,PHI1504,100,100,F42.2,PHI1505,"PHI1501 starts'
  echo 'PHI1506 PHI1507 PHI1508 PHI1509 PHI1510 PHI1511 PHI1512 PHI1513 PHI1514 PHI1515'
  echo 'PHI1516 PHI1517 PHI1518 PHI1519 PHI1520 PHI1521 PHI1522 PHI1523 PHI1524 ends"'
  # valid, out of scope
  echo "PHI1600,,40,PHI1602,GB,2024-06-01,PHI1603,,PHI1604,,,PHI1606,PHI1607,PHI1608"
  # an unterminated quote at the very end
  printf 'PHI1400,,40,PHI1402,US,2024-06-01,fluvoxamine PHI1403,,PHI1404,100,100,F42.2,PHI1405,"PHI1401 never closed\n'
} >"$E1"

# An export without its header row: the first row is a patient's.
E2="$WORK/headerless.csv"
{
  echo "PHI2101,1980-01-01,40,PHI2102,US,2024-06-01,fluvoxamine PHI2103,,PHI2104,100,100,F42.2,PHI2105,PHI2106"
  echo "PHI2201,1980-01-01,40,PHI2202,US,2024-06-01,fluvoxamine PHI2203,,PHI2204,100,100,F42.2,PHI2205,PHI2206"
} >"$E2"

# An export without its header row whose first row has no date and no
# number: names, codes and identifiers only.
E3="$WORK/headerless_words.csv"
{
  echo "PHI2301,PHI2302 PHI2303,fluvoxamine PHI2304,F42.2,US,PHI2305"
  echo "PHI2401,PHI2402 PHI2403,fluvoxamine PHI2404,F42.2,US,PHI2405"
} >"$E3"

# ---- runs ------------------------------------------------------------------------

# run NAME CMD... - runs rxcheck with CMD, stdout to NAME.out, stderr to
# NAME.err; checks stderr (and NAME.rejects, NAME.summary when written).
run() {
  name=$1
  shift
  runs=$((runs + 1))
  "$RXCHECK" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  [ "$rc" -lt 128 ] || fail "$name: rxcheck crashed (exit $rc)"
  clean "$name (stderr)" "$WORK/$name.err"
  clean "$name" "$WORK/$name.rejects"
  clean "$name" "$WORK/$name.summary"
}

for opts in "" "--max-field 64"; do
  sfx=$(echo "$opts" | tr -d ' -')
  # shellcheck disable=SC2086 # opts is a list of words
  run "validate$sfx" validate $opts "$E1"
  clean "validate$sfx (stdout)" "$WORK/validate$sfx.out"
  # shellcheck disable=SC2086
  run "validate_files$sfx" validate $opts --rejects "$WORK/validate_files$sfx.rejects" \
    --summary "$WORK/validate_files$sfx.summary" "$E1"
  clean "validate_files$sfx (stdout)" "$WORK/validate_files$sfx.out"
  for fmt in jsonl csv text; do
    # shellcheck disable=SC2086
    run "batch_$fmt$sfx" batch --format "$fmt" $opts "$E1"
    # shellcheck disable=SC2086
    run "batch_files_$fmt$sfx" batch --format "$fmt" $opts \
      --rejects "$WORK/batch_files_$fmt$sfx.rejects" \
      --summary "$WORK/batch_files_$fmt$sfx.summary" "$E1"
    # shellcheck disable=SC2086
    run "batch_explain_$fmt$sfx" batch --format "$fmt" --explain $opts \
      --rejects "$WORK/batch_explain_$fmt$sfx.rejects" "$E1"
  done
done
# From standard input.
runs=$((runs + 1))
"$RXCHECK" batch --rejects "$WORK/stdin.rejects" - <"$E1" >/dev/null 2>"$WORK/stdin.err"
clean "batch from stdin (stderr)" "$WORK/stdin.err"
clean "batch from stdin" "$WORK/stdin.rejects"

# Sanity: the results do carry the values (the markers are where they
# should be), and the rejected rows were rejected.
grep -q PHI1001 "$WORK/batch_jsonl.out" ||
  fail "the marker of a valid row is missing from batch's output: the export is not what this test thinks"
n=$(($(wc -l <"$WORK/batch_files_jsonl.rejects") - 1))
[ "$n" -eq 13 ] || fail "batch rejected $n rows of the export, expected 13"
n=$(($(wc -l <"$WORK/batch_files_jsonlmaxfield64.rejects") - 1))
[ "$n" -eq 15 ] || fail "with --max-field 64, batch rejected $n rows, expected 15"

# The export without a header row: refused, without quoting its first row.
run headerless_batch batch "$E2"
run headerless_validate validate "$E2"
clean "headerless_validate (stdout)" "$WORK/headerless_validate.out"
run headerless_words_batch batch "$E3"
run headerless_words_validate validate "$E3"
clean "headerless_words_validate (stdout)" "$WORK/headerless_words_validate.out"

# ---- query: errors on flag values --------------------------------------------

q() {
  name=$1
  shift
  run "query_$name" query --color never "$@"
}
q age_text --drug "fluvoxamine PHI5101" --dx F42.2 --age PHI5102 --country US
q age_range --drug "fluvoxamine PHI5111" --dx F42.2 --age 987655 --country US
q birth_text --drug "fluvoxamine PHI5121" --dx F42.2 --birth-date PHI5122 --country US
q date_text --drug "fluvoxamine PHI5131" --dx F42.2 --birth-date 1980-01-01 --date PHI5132 --country US
q birth_after --drug "fluvoxamine PHI5141" --dx PHI5142 --birth-date 2030-01-01 --date 2024-01-01 --country US
q country_text --drug "fluvoxamine PHI5151" --dx F42.2 --age 40 --country PHI5152
q dose_text --drug "fluvoxamine PHI5161" --dx F42.2 --age 40 --country US --dose PHI5162
q dose_range --drug "fluvoxamine PHI5171" --dx F42.2 --age 40 --country US --dose 98765432
q strength_utf8 --drug "$(printf 'fluvoxamine PHI5181\377')" --dx F42.2 --age 40 --country US
q missing_dx --drug "fluvoxamine PHI5191" --age 40 --country US
q missing_age --drug "fluvoxamine PHI5201" --dx PHI5202 --country US
q both_ages --drug "fluvoxamine PHI5211" --dx F42.2 --age 40 --birth-date 1980-01-01 --country US

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s) in $runs runs"
  exit 1
fi
echo "no patient data in diagnostics: $runs runs"
