#!/bin/sh
# Golden end-to-end test of `rxcheck batch` with the built-in fluvoxamine
# pack (issue 4, item 7). fixtures/fluvoxamine_golden/ holds:
#   export.csv            50 rows over the whole pack: every covered
#                         jurisdiction (US GB IE ES FR PL CH CA AU JP MY), an
#                         uncovered one (DE), every indication, IR and ER (by
#                         name, brand, form column and RxNorm code), the age
#                         boundaries 7/8, 11/12, 17/18, 24/25 and 65, dotless,
#                         SNOMED CT and ICD-9 codes, excluded codes (F42.3,
#                         F32.A), multi-diagnosis rows, contraindicated
#                         co-medications (tizanidine, ramelteon with IR and
#                         ER, MAOIs per jurisdiction, linezolid, methylene
#                         blue, pimozide, thioridazine, alosetron, cisapride
#                         in AU), major and moderate interactions, dose limits
#                         per jurisdiction and age band, dividing advice, the
#                         boxed warning age, the elderly, a missing age, and
#                         look-alike drugs (fluoxetine, fluvastatin,
#                         fluphenazine) out of scope;
#   expected.csv          its --format csv output;
#   expected_summary.txt  the stable summary counts;
#   sample8.csv           nine representative rows of export.csv;
#   expected.jsonl        their full JSONL output.
# Every expected result was written by hand from
# ../shared/reference/fluvoxamine.md and the pack's rules (rule ids looked up
# in rules/fluvoxamine/*.yaml), with the semantics of rules/README.md; none
# was captured from the program. The pack's version and hash change with
# every edit of the pack, so expected.jsonl holds @PACK_VERSION@ and
# @PACK_HASH@, replaced here by what `rxcheck --version` prints.
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
# Prints what differs and exits non-zero on any failure.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

F="$SRC/fixtures/fluvoxamine_golden"

# run NAME WANT_RC ARGS... - runs rxcheck batch with the built-in pack;
# stdout to $WORK/NAME.out, stderr to $WORK/NAME.err.
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

# explode FILE - one JSON key per line, prefixed with the record number, so
# that a diff of two JSONL files shows which key of which record differs.
explode() {
  awk '{ n = split($0, a, /,"/)
         for (i = 1; i <= n; i++) print NR ": " (i > 1 ? ",\"" : "") a[i] }' "$1"
}

# bycolumn CSV - for each data row, its patient id and the four rxcheck
# columns on separate lines, so that a diff names the row and the column.
bycolumn() {
  awk -F, 'NR > 1 { n = NF
    print $1 ": status      " $(n - 3)
    print $1 ": indications " $(n - 2)
    print $1 ": findings    " $(n - 1)
    print $1 ": rules       " $n }' "$1"
}

# same NAME EXPECTED ACTUAL - byte-for-byte comparison, diff on failure.
same() {
  if [ ! -f "$3" ]; then
    fail "$1: $3 was not written"
  elif ! cmp -s "$2" "$3"; then
    fail "$1: $3 differs from $2"
    case $1 in
      jsonl)
        explode "$2" >"$WORK/diff.a"
        explode "$3" >"$WORK/diff.b" ;;
      csv)
        bycolumn "$2" >"$WORK/diff.a"
        bycolumn "$3" >"$WORK/diff.b" ;;
      *)
        cp "$2" "$WORK/diff.a"
        cp "$3" "$WORK/diff.b" ;;
    esac
    diff -u "$WORK/diff.a" "$WORK/diff.b" | sed 's/^/    /' | head -150
  fi
}

# ---- the built-in pack's version and hash ------------------------------------
"$RXCHECK" --version >"$WORK/version.out" 2>&1 || fail "--version: exit $?"
pack=$(sed -n 's/^pack fluvoxamine \([^ ]* sha256:[0-9a-f]*\)$/\1/p' \
  "$WORK/version.out")
PACK_VERSION=${pack%% *}
TOOL_VERSION=$(sed -n 's/^rxcheck \([0-9][^ ]*\).*/\1/p' "$WORK/version.out" | head -1)
PACK_HASH=${pack#* }
if [ -z "$pack" ]; then
  echo "batch_fluvoxamine.sh: no 'pack fluvoxamine VERSION HASH' line in:"
  sed 's/^/    /' "$WORK/version.out"
  exit 1
fi

# ---- the whole export as CSV, and the summary --------------------------------
run csv 0 "$F/export.csv" --format csv --rejects "$WORK/csv.rejects.csv" \
  --summary "$WORK/csv.summary.json"
same csv "$F/expected.csv" "$WORK/csv.out"
printf 'line,column,reason\n' >"$WORK/no.rejects.csv"
same rejects "$WORK/no.rejects.csv" "$WORK/csv.rejects.csv"
if [ -f "$WORK/csv.summary.json" ]; then
  for k in rows_read checked in_scope rejected; do
    sed -n "s/.*\(\"$k\":[0-9]*\).*/\1/p" "$WORK/csv.summary.json"
  done >"$WORK/summary.txt"
  sed -n 's/.*\("status":{[^}]*}\).*/\1/p' "$WORK/csv.summary.json" \
    >>"$WORK/summary.txt"
  sed -n 's/.*\("findings":{[^}]*}\).*/\1/p' "$WORK/csv.summary.json" \
    >>"$WORK/summary.txt"
  same summary "$F/expected_summary.txt" "$WORK/summary.txt"
  grep -F -q "\"hash\":\"$PACK_HASH\"" "$WORK/csv.summary.json" ||
    fail "summary: ruleset hash is not $PACK_HASH"
else
  fail "summary: $WORK/csv.summary.json was not written"
fi

# ---- full JSONL for the representative rows ----------------------------------
sed -e "s|@PACK_HASH@|$PACK_HASH|g" -e "s|@PACK_VERSION@|$PACK_VERSION|g" \
  -e "s|@TOOL_VERSION@|$TOOL_VERSION|g" \
  "$F/expected.jsonl" >"$WORK/expected.jsonl"
run jsonl 0 "$F/sample8.csv"
same jsonl "$WORK/expected.jsonl" "$WORK/jsonl.out"

# ---- --fail-on ---------------------------------------------------------------------
# Several rows have contraindicated findings (G14 tizanidine, G15 ramelteon …).
run fail_on 1 "$F/export.csv" --format csv --fail-on contraindicated
same fail_on_output "$WORK/csv.out" "$WORK/fail_on.out"
# G10 alone (approved SAD on ER) has findings up to moderate only.
{ head -n 1 "$F/sample8.csv"; grep '^G10,' "$F/sample8.csv"; } >"$WORK/g10.csv"
run fail_major 0 "$WORK/g10.csv" --fail-on major
run fail_moderate 1 "$WORK/g10.csv" --fail-on moderate

finish
