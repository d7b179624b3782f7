#!/bin/sh
# `batch --report FILE.html` (issue 9): the page renders in a browser and
# shows what the run found, and nothing about any patient.
# Headless Chromium loads the report of fixtures/sample_export.csv (with
# fixtures/sarif/suppress.yaml) and dumps the DOM it built; then:
# - provenance: tool version, pack hash, input SHA-256 (= sha256sum);
# - rows and counts per status equal the --summary JSON of the same run;
# - the jurisdiction chart names every jurisdiction of an in-scope record
#   (from the JSONL of the same input), the top rule is the rule with the
#   most active findings (JSONL again);
# - the suppressions table has every entry with the summary's hits;
# - accessibility basics: lang, role="img" with an aria-label per chart,
#   column headers;
# - no external reference (src/href/url to http or //), no script;
# - no patient_id or prescriber_id value of the input anywhere;
# - the same run twice gives the same bytes apart from the start time.
# Needs chromium (Debian package) and jq. Env: RXCHECK, SRC, WORK.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

CHROMIUM=${CHROMIUM:-chromium}
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  echo "report_html.sh: $CHROMIUM is required (apt-get install chromium)"
  exit 1
fi
command -v jq >/dev/null || { echo "report_html.sh: jq is required"; exit 1; }

in="$SRC/fixtures/sample_export.csv"
sup="$SRC/fixtures/sarif/suppress.yaml"

# report N: one run, writing $WORK/rN.html and $WORK/sN.json.
report() {
  "$RXCHECK" batch "$in" --suppress "$sup" --report "$WORK/r$1.html" \
    --summary "$WORK/s$1.json" --out /dev/null 2>"$WORK/r$1.err"
  rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] ||
    fail "run $1 exited $rc: $(head -3 "$WORK/r$1.err")"
}
report 1
[ -s "$WORK/r1.html" ] || { fail "no report was written"; finish; }
"$RXCHECK" batch "$in" --suppress "$sup" >"$WORK/out.jsonl" 2>/dev/null

# Render. --dump-dom prints the DOM after parsing: what a browser shows.
mkdir -p "$WORK/profile"
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
  --user-data-dir="$WORK/profile" --dump-dom "file://$WORK/r1.html" \
  >"$WORK/dom.html" 2>"$WORK/chromium.err"
grep -q '<h2 id="h-sup">Suppressions</h2>' "$WORK/dom.html" ||
  { fail "Chromium rendered no report: $(tail -3 "$WORK/chromium.err")"; finish; }
# The rendered text: tags dropped, one element per line.
sed 's/<[^>]*>/\n/g' "$WORK/dom.html" | sed '/^[[:space:]]*$/d' >"$WORK/text"
has_text() { grep -qxF -- "$1" "$WORK/text"; }

# ---- provenance ---------------------------------------------------------
S="$WORK/s1.json"
has_text "rxcheck $(jq -r .tool.version "$S")" || fail "tool version not shown"
for h in $(jq -r '[.ruleset] | flatten | .[].hash' "$S"); do
  has_text "$h" || fail "pack hash $h not shown"
done
sum=$(sha256sum "$in" | cut -d' ' -f1)
[ "$(jq -r .input_sha256 "$S")" = "$sum" ] || fail "summary SHA-256 is not sha256sum"
has_text "$sum" || fail "input SHA-256 ($sum) not shown"
has_text "$(jq -r .started "$S")" || fail "run start time not shown"
has_text "each record's rx_date" || fail "as-of (each record's rx_date) not shown"

# ---- counts ---------------------------------------------------------------
# cell ID: the first number in the element with that id, commas dropped.
cell() {
  grep -o "id=\"$1\">.*" "$WORK/dom.html" | head -1 |
    grep -o '<td class="num">[0-9,]*</td>\|<span class="v">[0-9,]*</span>' |
    head -1 | sed 's/<[^>]*>//g; s/,//g'
}
for s in $(jq -r '.status | keys[]' "$S"); do
  want=$(jq -r --arg s "$s" '.status[$s]' "$S")
  got=$(cell "status-$s")
  [ "$got" = "$want" ] || fail "status $s: page shows '$got', summary says $want"
done
for k in rows_read:count-rows-read checked:count-checked \
  in_scope:count-in-scope rejected:count-rejected; do
  want=$(jq -r ".${k%%:*}" "$S")
  got=$(cell "${k#*:}")
  [ "$got" = "$want" ] || fail "${k%%:*}: page shows '$got', summary says $want"
done
for s in $(jq -r '.findings | keys[]' "$S"); do
  want=$(jq -r --arg s "$s" '.findings[$s]' "$S")
  got=$(cell "severity-$s")
  [ "$got" = "$want" ] || fail "severity $s: page shows '$got', summary says $want"
done

# ---- charts ---------------------------------------------------------------
sed -n '/<svg class="chart" id="chart-jurisdiction"/,/<\/svg>/p' "$WORK/dom.html" \
  >"$WORK/chart-j.svg"
[ -s "$WORK/chart-j.svg" ] || fail "no jurisdiction chart"
for j in $(jq -r 'select(.status != "out-of-scope") | .jurisdiction // "(none)"' \
  "$WORK/out.jsonl" | sort -u); do
  grep -q "text-anchor=\"end\">$j</text>" "$WORK/chart-j.svg" ||
    fail "jurisdiction chart: no bar for $j"
done
for id in chart-jurisdiction chart-indication; do
  grep -q "<svg class=\"chart\" id=\"$id\" role=\"img\" viewBox=\"[0-9 ]*\" aria-label=\"[^\"]" \
    "$WORK/dom.html" || fail "$id: not an image with an aria-label"
done
grep -q '<title>US – Approved: [0-9]*</title>' "$WORK/chart-j.svg" ||
  fail "jurisdiction chart: no tooltip title for US approved"

# ---- findings by rule ---------------------------------------------------
top=$(jq -r '(.findings // [])[] | select(.suppressed == null) | .rule' \
  "$WORK/out.jsonl" | sort | uniq -c | sort -k1,1nr -k2,2 | head -1 |
  awk '{print $2}')
first=$(sed -n '/<table id="rules">/,/<\/table>/p' "$WORK/dom.html" |
  grep -o '<code class="id">[^<]*</code>' | head -1 | sed 's/<[^>]*>//g')
[ -n "$top" ] && [ "$first" = "$top" ] ||
  fail "top finding rule: page shows '$first', JSONL says '$top'"

# ---- suppressions ---------------------------------------------------------
rows=$(sed -n '/<table id="suppressions">/,/<\/table>/p' "$WORK/dom.html" |
  grep -c '<tr><th scope="row">')
[ "$rows" = "$(jq '.suppressions | length' "$S")" ] ||
  fail "suppressions table: $rows rows, summary has $(jq '.suppressions | length' "$S")"
want=$(jq -r '.suppressions[] | .hits' "$S" | tr '\n' ' ')
got=$(sed -n '/<table id="suppressions">/,/<\/table>/p' "$WORK/dom.html" |
  grep '<tr><th scope="row">' |
  sed 's/.*<td class="num">\([0-9,]*\)<\/td><td>[^<]*\(<span[^>]*>[^<]*<\/span>\)*[^<]*<\/td><\/tr>$/\1/' |
  tr -d , | tr '\n' ' ')
[ "$got" = "$want" ] || fail "suppression hits: page shows '$got', summary says '$want'"
grep -q '<span class="yes">yes</span>' "$WORK/dom.html" ||
  fail "the expired suppression entry is not marked expired"

# ---- accessibility basics ---------------------------------------------------
grep -q '<html lang="en">' "$WORK/dom.html" || fail "no lang attribute"
grep -q '<meta charset="utf-8">' "$WORK/r1.html" || fail "no charset"
for t in status severity rules suppressions packs; do
  sed -n "/<table[^>]* id=\"$t\"/,/<\/table>/p" "$WORK/dom.html" |
    grep -q '<th scope="col"' || fail "table $t has no column headers"
done

# ---- self-contained, no patient data ------------------------------------------
if grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:|//)|url\([[:space:]]*["'\'']?[[:space:]]*(https?:|//)|@import' \
  "$WORK/r1.html"; then
  fail "the page references something outside itself"
fi
grep -Eiq '<(script|link|img|iframe|object|embed)[[:space:]>]' "$WORK/r1.html" &&
  fail "the page has a script, link or embedded object"
# patient_id (column 1) and prescriber_id (the last column) of every row.
awk -F, 'NR > 1 { print $1; print $NF }' "$in" | sort -u >"$WORK/ids"
if grep -w -F -f "$WORK/ids" "$WORK/r1.html" >"$WORK/leak" ||
  grep -w -F -f "$WORK/ids" "$WORK/dom.html" >>"$WORK/leak"; then
  fail "a patient or prescriber id appears in the page: $(head -c 200 "$WORK/leak")"
fi

# ---- deterministic apart from the start time ----------------------------------
report 2
t1=$(jq -r .started "$WORK/s1.json")
t2=$(jq -r .started "$WORK/s2.json")
sed "s/$t1/TIME/g" "$WORK/r1.html" >"$WORK/r1.x"
sed "s/$t2/TIME/g" "$WORK/r2.html" >"$WORK/r2.x"
cmp -s "$WORK/r1.x" "$WORK/r2.x" ||
  fail "two runs give different pages beyond the start time"

finish
