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

# ---- a file split into chunks (--no-header, --header-from, --columns,
# --line-offset): the chunks' rejects, joined, are the whole file's ---------
M="$V/malformed.csv"
sed -n '1,6p' "$M" >"$WORK/part1.csv"  # the header and 5 rows
sed -n '7,12p' "$M" >"$WORK/part2.csv" # a blank line, a two-line row
sed -n '13,$p' "$M" >"$WORK/part3.csv" # to the unterminated quote at the end
run part1 3 "$WORK" part1.csv --max-field 64 --rejects "$WORK/p1.rej" \
  --summary "$WORK/p1.json"
run part2 3 "$WORK" part2.csv --max-field 64 --no-header \
  --header-from "$M" --line-offset 6 --rejects "$WORK/p2.rej" \
  --summary "$WORK/p2.json"
run part3 3 "$WORK" part3.csv --max-field 64 --no-header \
  --columns "$(sed -n 1p "$M")" --line-offset 12 --rejects "$WORK/p3.rej" \
  --summary "$WORK/p3.json"
{
  cat "$WORK/p1.rej"
  sed 1d "$WORK/p2.rej"
  sed 1d "$WORK/p3.rej"
} >"$WORK/parts.rej"
same parts "$V/malformed.rejects.csv" "$WORK/parts.rej"
# Rows read add up (5 + 4 + 6), blank lines too; the mapping is the
# file's own.
has part1 "$WORK/part1.out" "rows read: 5"
has part2 "$WORK/part2.out" "rows read: 4"
has part2 "$WORK/part2.out" "blank lines skipped: 1"
has part3 "$WORK/part3.out" "rows read: 6"
for p in 1 2 3; do
  sed 's/,"columns".*//; s/.*"rows_read"://' "$WORK/p$p.json" | cut -d, -f1
done | awk '{ s += $1 } END { exit s != 15 }' ||
  fail "parts: rows_read does not add up to 15"
sed -n '/^columns:/,/^carried/p' "$WORK/part1.out" >"$WORK/p1.columns"
sed -n '/^columns:/,/^carried/p' "$WORK/part3.out" >"$WORK/p3.columns"
same part3_columns "$WORK/p1.columns" "$WORK/p3.columns"
# Errors name the line in the original file: a row rejected on stderr.
run part2_stderr 3 "$WORK" part2.csv --max-field 64 --no-header \
  --header-from "$M" --line-offset 6
has part2_stderr "$WORK/part2_stderr.err" \
  "part2.csv:10:6: row rejected (quote)"
# A chunk on standard input.
(cd "$WORK" && "$RXCHECK" validate --max-field 64 --no-header \
  --header-from "$M" --line-offset 6 --rejects "$WORK/p2stdin.rej" - \
  <part2.csv) >/dev/null 2>&1
[ $? -eq 3 ] || fail "part2 on stdin: exit $?, expected 3"
same part2_stdin "$WORK/p2.rej" "$WORK/p2stdin.rej"
# A header file with a BOM, CRLF and a quoted name; a gzipped one.
printf '\357\273\277patient_id,"drug_name",dx\r\nP0,x,y\r\n' >"$WORK/head.csv"
printf 'P1,Luvox,F42.2\nP2,Faverin\n' >"$WORK/rows.csv"
run header_bom 3 "$WORK" rows.csv --no-header --header-from head.csv \
  --line-offset 41
has header_bom "$WORK/header_bom.out" "drug_name        <- drug_name (column 2)"
has header_bom "$WORK/header_bom.err" "rows.csv:43:3: row rejected (field-count)"
if command -v gzip >/dev/null 2>&1; then
  gzip -c "$WORK/head.csv" >"$WORK/head.csv.gz"
  run header_gz 3 "$WORK" rows.csv --no-header --header-from head.csv.gz
  has header_gz "$WORK/header_gz.err" "rows.csv:2:3: row rejected"
fi
# Quoted names with commas in --columns; the names are quoted in errors.
run columns_quoted 2 "$WORK" rows.csv --no-header \
  --columns 'patient_id,"Medication, name",dx'
has columns_quoted "$WORK/columns_quoted.err" \
  "the names given are 'patient_id', 'Medication, name', 'dx'"
printf 'P1,Luvox,F42.2\n' >"$WORK/row.csv"
run columns_ok 0 "$WORK" row.csv --no-header \
  --columns ' patient_id , "medication","Dx, coded"'
has columns_ok "$WORK/columns_ok.out" "drug_name        <- medication (column 2)"
has columns_ok "$WORK/columns_ok.out" "  Dx, coded (column 3)"
has columns_ok "$WORK/columns_ok.out" "rows read: 1"
# An empty chunk is a valid, empty run.
: >"$WORK/nothing.csv"
run empty_chunk 0 "$WORK" nothing.csv --no-header --columns drug_name
has empty_chunk "$WORK/empty_chunk.out" "rows read: 0"

# ---- headerless usage errors: exit 2, one line and the --help hint --------
run nh_alone 2 "$WORK" rows.csv --no-header
has nh_alone "$WORK/nh_alone.err" "--no-header needs the column names"
run nh_columns_only 2 "$WORK" rows.csv --columns drug_name,dx
has nh_columns_only "$WORK/nh_columns_only.err" "add --no-header"
run nh_from_only 2 "$WORK" rows.csv --header-from head.csv
has nh_from_only "$WORK/nh_from_only.err" "--header-from names the columns"
run nh_both 2 "$WORK" rows.csv --no-header --header-from head.csv \
  --columns a,b
has nh_both "$WORK/nh_both.err" "not both"
for bad in -1 abc 12x "" " 3" 99999999999999999999999; do
  run line_offset_bad 2 "$WORK" rows.csv --line-offset "$bad"
  has line_offset_bad "$WORK/line_offset_bad.err" "--line-offset"
  has line_offset_bad "$WORK/line_offset_bad.err" "rxcheck validate --help"
done
run line_offset_zero 3 "$WORK" rows.csv --no-header --columns \
  patient_id,drug_name,dx --line-offset 0
has line_offset_zero "$WORK/line_offset_zero.err" "rows.csv:2:3:"
run columns_bad 2 "$WORK" rows.csv --no-header --columns 'a,"b'
has columns_bad "$WORK/columns_bad.err" "--columns: name 2 has an opening quote"
run columns_empty 2 "$WORK" rows.csv --no-header --columns ''
has columns_empty "$WORK/columns_empty.err" "--columns: no column names given"
run from_missing 2 "$WORK" rows.csv --no-header --header-from nope.csv
has from_missing "$WORK/from_missing.err" "cannot open 'nope.csv'"
run from_empty 2 "$V" "$WORK/rows.csv" --no-header --header-from empty.csv
has from_empty "$WORK/from_empty.err" "empty.csv: no header row"
printf 'a,b"c",d\n' >"$WORK/badhead.csv"
run from_quote 2 "$WORK" rows.csv --no-header --header-from badhead.csv
has from_quote "$WORK/from_quote.err" "badhead.csv:1:2: the header row has malformed quoting"
(cd "$WORK" && "$RXCHECK" validate --no-header --header-from - - \
  <rows.csv) >/dev/null 2>"$WORK/from_stdin.err"
[ $? -eq 2 ] || fail "from_stdin: expected exit 2"
has from_stdin "$WORK/from_stdin.err" "cannot both be standard input"
for opt in --no-header --header-from --columns --line-offset; do
  has help "$WORK/help.out" "$opt"
done

finish
