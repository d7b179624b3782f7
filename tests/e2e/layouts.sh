#!/bin/sh
# End-to-end tests of the multi-table layouts (issue 8): `rxcheck batch
# --layout synthea|omop|mimic4 DIR` and the generic join `rxcheck batch
# PRESCRIPTIONS --diagnoses FILE --patients FILE --join KEY`, on the small
# synthetic exports of fixtures/layouts/<layout>/ (written for these tests,
# no copied data; fluvoxamine rows injected, including a patient who takes
# fluvoxamine and tizanidine in overlapping periods).
#
# For each layout the CSV output is projected onto the columns that matter
# (the patient, the prescription date, the derived rxcheck_* columns and
# the four verdict columns) and compared with expected.txt; the rejects and
# the summary counts are compared too. Every expected line was written by
# hand from the fixture rows, the pack's rules (rule ids looked up in
# rules/fluvoxamine/*.yaml) and the semantics of README.md "Checking your
# export"; see each fixture's README.md for the reasoning row by row.
# The same runs with --jobs 4 must give the same bytes, and the MIMIC-IV
# and OMOP tables are also read gzipped (.csv.gz).
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

L="$SRC/fixtures/layouts"

# run NAME WANT_RC ARGS... - rxcheck batch with the built-in pack; stdout to
# $WORK/NAME.out, stderr to $WORK/NAME.err.
run() {
  name=$1 want=$2
  shift 2
  "$RXCHECK" batch "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"
    sed 's/^/    stderr: /' "$WORK/$name.err" | head -20
  fi
}

# same NAME EXPECTED ACTUAL - byte-for-byte, with a diff on failure.
same() {
  if [ ! -f "$3" ]; then
    fail "$1: $3 was not written"
  elif ! cmp -s "$2" "$3"; then
    fail "$1: $3 differs from $2"
    diff -u "$2" "$3" | sed 's/^/    /' | head -60
  fi
}

# project CSV COLUMN... - for each data row of a CSV output, the named
# columns joined by " | ". A small RFC 4180 splitter (quoted fields with
# commas and doubled quotes; no line breaks inside fields here), in POSIX
# awk so that mawk runs it too.
project() {
  file=$1
  shift
  awk -v want="$*" '
    function split_csv(line, out,    n, i, c, f, q) {
      n = 0; f = ""; q = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
          if (c == "\"") {
            if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ }
            else q = 0
          } else f = f c
        } else if (c == "\"") q = 1
        else if (c == ",") { out[++n] = f; f = "" }
        else if (c != "\r") f = f c
      }
      out[++n] = f
      return n
    }
    NR == 1 {
      n = split_csv($0, head)
      k = split(want, names, " ")
      for (j = 1; j <= k; j++) {
        idx[j] = 0
        for (i = 1; i <= n; i++) if (head[i] == names[j]) idx[j] = i
        if (!idx[j]) { print "no column " names[j]; exit 1 }
      }
      next
    }
    {
      split_csv($0, row)
      s = ""
      for (j = 1; j <= k; j++) s = s (j > 1 ? " | " : "") row[idx[j]]
      print s
    }' "$file"
}

# summary_keys JSON - the stable keys of a summary, one a line.
summary_keys() {
  for k in rows_read checked in_scope rejected; do
    sed -n "s/.*\(\"$k\":[0-9]*\).*/\1/p" "$1"
  done
  sed -n 's/.*\("status":{[^}]*}\).*/\1/p' "$1"
  sed -n 's/.*\("findings":{[^}]*}\).*/\1/p' "$1"
}

VERDICT="rxcheck_status rxcheck_indications rxcheck_findings rxcheck_rules"

# check NAME FIXTURE_DIR WANT_RC "PROJECTED COLUMNS" ARGS... - one layout
# run: projection, rejects, summary; then the same with --jobs 4, which must
# give the same bytes.
check() {
  cn=$1 fx=$2 cw=$3 cols=$4
  shift 4
  run "$cn" "$cw" --format csv --rejects "$WORK/$cn.rejects.csv" \
    --summary "$WORK/$cn.summary.json" "$@"
  project "$WORK/$cn.out" $cols $VERDICT >"$WORK/$cn.txt"
  same "$cn" "$fx/expected.txt" "$WORK/$cn.txt"
  same "$cn rejects" "$fx/expected_rejects.csv" "$WORK/$cn.rejects.csv"
  if [ -f "$WORK/$cn.summary.json" ]; then
    summary_keys "$WORK/$cn.summary.json" >"$WORK/$cn.summary.txt"
    same "$cn summary" "$fx/expected_summary.txt" "$WORK/$cn.summary.txt"
  else
    fail "$cn: no summary written"
  fi
  run "$cn.j4" "$cw" --format csv --jobs 4 "$@"
  same "$cn --jobs 4" "$WORK/$cn.out" "$WORK/$cn.j4.out"
  run "$cn.jsonl1" "$cw" "$@"
  run "$cn.jsonl3" "$cw" --jobs 3 "$@"
  same "$cn jsonl --jobs 3" "$WORK/$cn.jsonl1.out" "$WORK/$cn.jsonl3.out"
}

# ---- Synthea (v3.1+ layout: conditions with SYSTEM) --------------------------
check synthea "$L/synthea" 3 \
  "PATIENT START rxcheck_birth_date rxcheck_sex rxcheck_diagnosis_codes rxcheck_co_medications" \
  --layout synthea "$L/synthea" --country US
grep -q "conditions.csv:14:1: diagnoses row skipped: column 'START' is not a valid date" \
  "$WORK/synthea.err" || fail "synthea: the skipped conditions row is not reported"
if grep -q "Severe anxiety" "$WORK/synthea.err" "$WORK/synthea.rejects.csv"; then
  fail "synthea: a message quotes a value from the data"
fi

# ---- OMOP CDM 5.4 (lower-case tables and headers) ------------------------------
OMOP_COLS="person_id drug_exposure_start_date rxcheck_birth_date rxcheck_drug_name rxcheck_drug_code rxcheck_diagnosis_codes rxcheck_co_medications"
check omop "$L/omop" 3 "$OMOP_COLS" --layout omop "$L/omop" --country US
grep -q "person.csv:6:3: patients row skipped: the year, month and day of birth do not make a date" \
  "$WORK/omop.err" || fail "omop: the skipped person row is not reported"
grep -q "concepts: .*concept.csv: 13 rows, 12 loaded, 1 not referred to" \
  "$WORK/omop.err" || fail "omop: the concept table counts are not reported"

# The same export with gzipped tables whose names are upper case: the same
# results.
mkdir -p "$WORK/omop_gz"
for t in person concept condition_occurrence drug_exposure; do
  up=$(echo "$t" | tr 'a-z' 'A-Z')
  gzip -c "$L/omop/$t.csv" >"$WORK/omop_gz/$up.csv.gz"
done
run omop_gz 3 --format csv --layout omop "$WORK/omop_gz" --country US
project "$WORK/omop_gz.out" $OMOP_COLS $VERDICT >"$WORK/omop_gz.txt"
same "omop gzipped" "$L/omop/expected.txt" "$WORK/omop_gz.txt"

# ---- OMOP CDM 5.3 (UPPER-CASE tables and headers, timestamps with Z) ----------
OMOP53_COLS="PERSON_ID DRUG_EXPOSURE_START_DATE rxcheck_birth_date rxcheck_drug_name rxcheck_drug_code rxcheck_diagnosis_codes rxcheck_co_medications"
check omop53 "$L/omop53" 0 "$OMOP53_COLS" --layout omop "$L/omop53" --country US

# ---- MIMIC-IV (hosp/ tables, CRLF, "25,000", ranges, mL doses, NDC 0) ---------
MIMIC_COLS="subject_id starttime rxcheck_age rxcheck_drug_code rxcheck_form rxcheck_strength_mg rxcheck_daily_dose_mg rxcheck_diagnosis_codes rxcheck_co_medications"
check mimic4 "$L/mimic4" 3 "$MIMIC_COLS" --layout mimic4 "$L/mimic4" --country US
grep -q "patients.csv:6:3: patients row skipped: anchor_age and anchor_year" \
  "$WORK/mimic4.err" || fail "mimic4: the skipped patients row is not reported"
grep -q "diagnoses_icd.csv:9:5: diagnoses row skipped: column 'icd_version' must be 9 or 10" \
  "$WORK/mimic4.err" || fail "mimic4: the skipped diagnosis row is not reported"

# As PhysioNet ships it: hosp/*.csv.gz.
mkdir -p "$WORK/mimic_gz/hosp"
for t in patients diagnoses_icd prescriptions; do
  gzip -c "$L/mimic4/hosp/$t.csv" >"$WORK/mimic_gz/hosp/$t.csv.gz"
done
run mimic_gz 3 --format csv --layout mimic4 "$WORK/mimic_gz" --country US
project "$WORK/mimic_gz.out" $MIMIC_COLS $VERDICT >"$WORK/mimic_gz.txt"
same "mimic4 gzipped" "$L/mimic4/expected.txt" "$WORK/mimic_gz.txt"

# A truncated gzip file is a read error (exit 2), never a short table.
head -c 300 "$WORK/mimic_gz/hosp/prescriptions.csv.gz" >"$WORK/cut.gz"
mv "$WORK/cut.gz" "$WORK/mimic_gz/hosp/prescriptions.csv.gz"
run mimic_cut 2 --layout mimic4 "$WORK/mimic_gz" --country US
grep -q "read error" "$WORK/mimic_cut.err" ||
  fail "mimic4: a truncated .csv.gz is not reported as a read error"

# ---- the generic join -----------------------------------------------------------
# The key is patient_id in the prescriptions, "Patient ID" in the diagnoses
# and member_id (an alias of patient_id) in the patients file.
J="$L/join"
JOIN_COLS="patient_id rx_date rxcheck_birth_date rxcheck_country rxcheck_diagnosis_codes rxcheck_co_medications"
check join "$J" 3 "$JOIN_COLS" "$J/prescriptions.csv" --diagnoses "$J/diagnoses.csv" \
  --patients "$J/patients.csv" --join patient_id --country US
grep -q "patients.csv:5:2: patients row skipped: column 'date_of_birth' is not a valid date" \
  "$WORK/join.err" || fail "join: the skipped patients row is not reported"

# Any input may be gzipped, a flat export too: the same bytes as the plain
# file.
gzip -c "$J/prescriptions.csv" >"$WORK/flat.csv.gz"
run flat_plain 3 --format csv "$J/prescriptions.csv" --country US
run flat_gz 3 --format csv "$WORK/flat.csv.gz" --country US
same "flat .csv.gz" "$WORK/flat_plain.out" "$WORK/flat_gz.out"

# Usage errors: a layout with join options, a join from standard input, a
# missing table, a table without the key column.
run usage_mix 2 --layout synthea "$L/synthea" --diagnoses "$J/diagnoses.csv"
run usage_stdin 2 --diagnoses "$J/diagnoses.csv" - <"$J/prescriptions.csv"
run no_table 2 --layout omop "$L/synthea" --country US
grep -q "no prescriptions table: looked for drug_exposure.csv or drug_exposure.csv.gz" \
  "$WORK/no_table.err" || fail "omop on a Synthea folder: no clear error"
run no_key 2 "$J/prescriptions.csv" --diagnoses "$J/diagnoses.csv" --join nosuch
grep -q "diagnoses.csv:1:0: the diagnoses table has no column for the patient key: looked for nosuch (--join)" \
  "$WORK/no_key.err" || fail "join: a missing key column is not reported"

finish
