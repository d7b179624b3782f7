#!/bin/sh
# Optional end-to-end test over real public files in the layouts rxcheck
# reads (issue 8, item 4): the Synthea, OMOP CDM 5.3/5.4, MIMIC-III/IV
# demo and NHS prescribing excerpts in ../shared/realdata (each folder's
# README.md gives its source and licence). A user's clone does not have
# that folder, so the test skips itself (exit 0, "skipped") when it is
# absent.
#
# None of these files has a fluvoxamine order, so this test does not check
# verdicts: it checks that every layout reads the real files without
# crashing, that the counts reconcile (rows read = checked + rejected, and
# the layout's first pass saw as many rows as the stream), that --jobs 4
# gives the same bytes, and that BNF codes are recognised by prefix in the
# NHS files. Tables whose file names carry an excerpt suffix
# (medications_head.csv) are linked under their real names in $WORK.
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

R="$SRC/../shared/realdata"
if [ ! -d "$R" ]; then
  echo "realdata.sh: skipped ($R is absent)"
  exit 0
fi

# key NAME JSON - a number from a summary.
key() {
  sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2"
}

# real NAME ARGS... - one run over real files: no crash, exit 0 or 3, the
# counts reconcile, and --jobs 4 writes the same bytes.
real() {
  rn=$1
  shift
  "$RXCHECK" batch --format csv --summary "$WORK/$rn.json" \
    --rejects "$WORK/$rn.rejects.csv" "$@" >"$WORK/$rn.out" 2>"$WORK/$rn.err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    fail "$rn: exit $rc"
    sed 's/^/    stderr: /' "$WORK/$rn.err" | head -10
    return
  fi
  read_=$(key rows_read "$WORK/$rn.json")
  checked=$(key checked "$WORK/$rn.json")
  rejected=$(key rejected "$WORK/$rn.json")
  if [ -z "$read_" ] || [ "$read_" -ne $((checked + rejected)) ]; then
    fail "$rn: rows_read $read_ != checked $checked + rejected $rejected"
  fi
  rejects=$(($(wc -l <"$WORK/$rn.rejects.csv") - 1))
  [ "$rejects" -eq "$rejected" ] ||
    fail "$rn: $rejects lines in the rejects file, $rejected rejected"
  first=$(sed -n 's/^rxcheck: prescriptions: .*: \([0-9]*\) rows, .*/\1/p' \
    "$WORK/$rn.err")
  if [ -n "$first" ] && [ "$first" -ne "$read_" ]; then
    fail "$rn: the first pass read $first rows, the stream $read_"
  fi
  "$RXCHECK" batch --format csv --jobs 4 "$@" >"$WORK/$rn.j4.out" 2>/dev/null
  cmp -s "$WORK/$rn.out" "$WORK/$rn.j4.out" ||
    fail "$rn: --jobs 4 writes different bytes"
  echo "ok: $rn: $read_ rows, $checked checked, $rejected rejected"
}

# link DIR NAME=FILE... - a folder of links to real files under new names.
link() {
  d=$1
  shift
  mkdir -p "$d"
  for pair in "$@"; do
    ln -s "$R/${pair#*=}" "$d/${pair%%=*}"
  done
}

real synthea_v30 --layout synthea "$R/synthea_v3_ca50" --country US
link "$WORK/synthea_v33" patients.csv=synthea_v33_excerpt/patients.csv \
  conditions.csv=synthea_v33_excerpt/conditions_head.csv \
  medications.csv=synthea_v33_excerpt/medications_head.csv
real synthea_v33 --layout synthea "$WORK/synthea_v33" --country SE
real omop54 --layout omop "$R/omop_synthea27nj" --country US
grep -q "^rxcheck: concepts: " "$WORK/omop54.err" ||
  fail "omop54: the concept table was not read"
# GiBleed (5.3) has no drug_exposure in the copy: a clear usage error.
"$RXCHECK" batch --layout omop "$R/omop_gibleed_v53" >/dev/null \
  2>"$WORK/gibleed.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "no prescriptions table" "$WORK/gibleed.err" ||
  fail "omop53 GiBleed without drug_exposure: exit $rc, not a clear error"
real mimic3 --layout mimic4 "$R/mimic3_demo" --country US
link "$WORK/mimic4/hosp" patients.csv=mimic4_demo_excerpt/patients.csv \
  diagnoses_icd.csv=mimic4_demo_excerpt/diagnoses_icd_head.csv \
  prescriptions.csv=mimic4_demo_excerpt/prescriptions_head.csv
real mimic4 --layout mimic4 "$WORK/mimic4" --country US
real mimic3_join "$R/mimic3_demo/PRESCRIPTIONS.csv" \
  --diagnoses "$R/mimic3_demo/DIAGNOSES_ICD.csv" \
  --patients "$R/mimic3_demo/PATIENTS.csv" --join subject_id --country US

# NHS files: the drug recognised by its BNF code alone (the name column is
# mapped to one that never names a drug), escitalopram (0403030X0) not.
real epd "$R/nhs_epd_bolton/Drugs.csv" --country GB \
  --map drug_code=BNF_CODE,drug_name=BNF_CHAPTER_PLUS_CODE
want=$(grep -c '^0403030L0' "$R/nhs_epd_bolton/Drugs.csv")
got=$(key in_scope "$WORK/epd.json")
[ "$want" -gt 0 ] && [ "$got" = "$want" ] ||
  fail "epd: $got rows in scope by BNF code, expected $want"
real bnf "$R/nhs_bnf_codes/BNF_Code_Information_20200205_excerpt.csv" \
  --country GB --map 'drug_code=BNF Presentation Code,drug_name=BNF Chapter'
want=$(awk -F, '$NF ~ /^0403030L0/' \
  "$R/nhs_bnf_codes/BNF_Code_Information_20200205_excerpt.csv" | wc -l)
got=$(key in_scope "$WORK/bnf.json")
[ "$want" -gt 0 ] && [ "$got" = "$want" ] ||
  fail "bnf: $got rows in scope by BNF code, expected $want"

finish
