#!/bin/sh
# End-to-end test of `rxcheck validate` on the fixtures: exit codes, the
# column mapping it prints, the summary JSON and the rejects file, each
# compared with an expected file written by hand in fixtures/validate/.
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
# Prints what differs and exits non-zero on any failure.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

V="$SRC/fixtures/validate"

# run NAME WANT_RC DIR ARGS... - runs rxcheck validate in DIR, so that
# input names in the output are the relative ones the expected files hold.
run() {
  name=$1 want=$2 dir=$3
  shift 3
  (cd "$dir" && "$RXCHECK" validate "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"
    sed 's/^/    stderr: /' "$WORK/$name.err"
  fi
}

# same NAME EXPECTED ACTUAL - byte-for-byte comparison.
same() {
  if [ ! -f "$3" ]; then
    fail "$1: $3 was not written"
  elif ! cmp -s "$2" "$3"; then
    fail "$1: $(basename "$3") differs from $(basename "$2")"
    diff -u "$2" "$3" | sed 's/^/    /' | head -40
  fi
}

# has NAME FILE TEXT - FILE contains TEXT (fixed string).
has() {
  if ! grep -F -q -- "$3" "$2"; then
    fail "$1: $(basename "$2") lacks '$3'"
    sed 's/^/    /' "$2" | head -10
  fi
}

# ---- the bundled sample export: every row valid ---------------------------
run sample 0 "$SRC/fixtures" sample_export.csv --summary "$WORK/sample.json"
same sample "$V/sample_export.summary.json" "$WORK/sample.json"
has sample "$WORK/sample.out" "rows read: 300"

# ---- BOM, CRLF, quoted commas and newlines, aliases, a blank line --------
run crlf 0 "$V" crlf_bom.csv --summary "$WORK/crlf.json" \
  --rejects "$WORK/crlf.rejects.csv"
same crlf "$V/crlf_bom.stdout" "$WORK/crlf.out"
same crlf "$V/crlf_bom.summary.json" "$WORK/crlf.json"
printf 'line,column,reason\n' >"$WORK/empty.rejects.csv"
same crlf "$WORK/empty.rejects.csv" "$WORK/crlf.rejects.csv"

# The same bytes on standard input.
sed 's/"input":"crlf_bom.csv"/"input":"<stdin>"/' "$V/crlf_bom.summary.json" \
  >"$WORK/stdin.expected.json"
(cd "$V" && "$RXCHECK" validate - --summary "$WORK/stdin.json" <crlf_bom.csv) \
  >"$WORK/stdin.out" 2>"$WORK/stdin.err" || fail "stdin: exit $?, expected 0"
same stdin "$WORK/stdin.expected.json" "$WORK/stdin.json"

# ---- every reject reason ---------------------------------------------------
run malformed 3 "$V" malformed.csv --max-field 64 \
  --rejects "$WORK/malformed.rejects.csv" --summary "$WORK/malformed.json"
same malformed "$V/malformed.rejects.csv" "$WORK/malformed.rejects.csv"
same malformed "$V/malformed.summary.json" "$WORK/malformed.json"
has malformed "$WORK/malformed.out" "rows read: 15"
has malformed "$WORK/malformed.out" "rejected: 12"
has malformed "$WORK/malformed.out" "  bad-date: 2"
has malformed "$WORK/malformed.out" "blank lines skipped: 1"

# Without --rejects, the first ten go to stderr and the rest are counted.
run malformed_stderr 3 "$V" malformed.csv --max-field 64
has malformed_stderr "$WORK/malformed_stderr.err" \
  "malformed.csv:3:2: row rejected (bad-date)"
has malformed_stderr "$WORK/malformed_stderr.err" \
  "2 more rejected rows not shown (use --rejects FILE)"

# ---- unusable input: exit 2 -------------------------------------------------
run no_drug 2 "$V" no_drug.csv
has no_drug "$WORK/no_drug.err" "'PATIENT', 'START', 'STOP', 'DESCRIPTION'"
has no_drug "$WORK/no_drug.err" "drug_name, medication"
has no_drug "$WORK/no_drug.err" "--map drug_name=HEADER"
# --map names the drug column; the row is then valid.
run no_drug_mapped 0 "$V" no_drug.csv --map drug_name=DESCRIPTION
has no_drug_mapped "$WORK/no_drug_mapped.out" \
  "drug_name        <- DESCRIPTION (column 4)"

run empty 2 "$V" empty.csv
has empty "$WORK/empty.err" "no header row"

run missing 2 "$V" does-not-exist.csv
has missing "$WORK/missing.err" "does-not-exist.csv"

# ---- usage -----------------------------------------------------------------
run help 0 "$V" --help
has help "$WORK/help.out" "Usage: rxcheck validate"

run bogus 2 "$V" --bogus crlf_bom.csv
has bogus "$WORK/bogus.err" "unknown option '--bogus'"
has bogus "$WORK/bogus.err" "rxcheck validate --help"

run map_typo 2 "$V" crlf_bom.csv --map drugname=Medication
has map_typo "$WORK/map_typo.err" "did you mean drug_name?"

run map_absent 2 "$V" crlf_bom.csv --map rx_date=Written
has map_absent "$WORK/map_absent.err" "no column 'Written'"

run country 2 "$V" crlf_bom.csv --country USA
has country "$WORK/country.err" "--country"

run two_files 2 "$V" crlf_bom.csv malformed.csv

finish
