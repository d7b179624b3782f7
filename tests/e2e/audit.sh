#!/bin/sh
# The audit-pipeline step (issue 9), end to end:
# - a suppression applies up to and on its `expires` date and not after:
#   between two --as-of dates the same finding goes from suppressed (exit 0
#   under --fail-on) to active (exit 1), and the summary says expired;
# - a suppressed finding stays in every output, counted apart;
# - a contraindicated entry, or any malformed one, refuses the whole file
#   with file:line:col and checks nothing;
# - provenance: every JSONL result names the tool version, the ruleset and
#   the rule and version behind each decision, and the date its rules were
#   taken on; the summary adds the input's SHA-256 and the run's start;
#   two runs give byte-identical JSONL;
# - --output FORMAT=FILE writes several formats in one pass, each the same
#   bytes as a run in that format alone.
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
command -v jq >/dev/null 2>&1 || { echo "audit.sh: jq is required (make test installs it)"; exit 1; }
F=$SRC/fixtures
SUP=$F/suppress/example.yaml
ONE=$F/audit/moderate_only.csv

# ---- expiry between two --as-of dates --------------------------------------
for d in 2024-06-01 2024-12-31 2025-01-01; do
  "$RXCHECK" batch "$ONE" --suppress "$SUP" --as-of "$d" --fail-on moderate \
    --summary "$WORK/sum.$d.json" --only-in-scope >"$WORK/out.$d.jsonl" 2>/dev/null
  echo $? >"$WORK/rc.$d"
done
for d in 2024-06-01 2024-12-31; do
  [ "$(cat "$WORK/rc.$d")" -eq 0 ] || fail "as of $d: exit $(cat "$WORK/rc.$d"), expected 0 (suppressed)"
  [ "$(jq -r '.findings[0].suppressed.owner' "$WORK/out.$d.jsonl")" = "audit-team@pharmacy.example" ] ||
    fail "as of $d: the serotonergic finding is not marked suppressed with its owner"
  [ "$(jq -r '.findings[0].suppressed.entry' "$WORK/out.$d.jsonl")" = "$SUP:38" ] ||
    fail "as of $d: the suppression entry is not $SUP:38"
  [ "$(jq -c '[.findings.moderate, .suppressed.total, .suppressed.by_severity.moderate]' "$WORK/sum.$d.json")" = "[0,1,1]" ] ||
    fail "as of $d: summary counts $(jq -c '[.findings.moderate, .suppressed]' "$WORK/sum.$d.json")"
  [ "$(jq -r '.suppressions[4] | "\(.expired) \(.hits)"' "$WORK/sum.$d.json")" = "false 1" ] ||
    fail "as of $d: the entry is not reported active with 1 hit"
done
d=2025-01-01
[ "$(cat "$WORK/rc.$d")" -eq 1 ] || fail "as of $d: exit $(cat "$WORK/rc.$d"), expected 1 (expired)"
[ "$(jq -r '.findings[0].suppressed' "$WORK/out.$d.jsonl")" = "null" ] ||
  fail "as of $d: an expired entry still suppresses"
[ "$(jq -r '.suppressions[4] | "\(.expired) \(.hits) \(.expires)"' "$WORK/sum.$d.json")" = "true 0 2024-12-31" ] ||
  fail "as of $d: the summary does not report the entry expired"
[ "$(jq -r '.as_of' "$WORK/sum.$d.json")" = "$d" ] || fail "summary as_of is not $d"
[ "$(jq -r '.as_of' "$WORK/out.$d.jsonl")" = "$d" ] || fail "result as_of is not $d"

# ---- suppressed findings stay, counted apart (the whole sample) ------------
"$RXCHECK" batch "$F/sample_export.csv" --summary "$WORK/plain.json" >"$WORK/plain.jsonl" 2>/dev/null
"$RXCHECK" batch "$F/sample_export.csv" --suppress "$SUP" --as-of 2024-06-01 \
  --summary "$WORK/sup.json" >"$WORK/sup.jsonl" 2>/dev/null
# Evaluated on the same dates: records on or before 2024-06-01 only, so the
# rules in force are those of the plain run too.
n_plain=$(jq -s '[.[].findings // [] | length] | add' "$WORK/plain.jsonl")
n_sup=$(jq -s '[.[].findings // [] | length] | add' "$WORK/sup.jsonl")
n_marked=$(jq -s '[.[].findings // [] | .[] | select(.suppressed != null)] | length' "$WORK/sup.jsonl")
[ "$n_marked" -gt 0 ] || fail "no finding marked suppressed in the sample"
[ "$n_plain" -eq "$n_sup" ] || fail "suppression changed the number of findings reported ($n_plain vs $n_sup)"
active=$(jq '[.findings[]] | add' "$WORK/sup.json")
supp=$(jq '.suppressed.total' "$WORK/sup.json")
[ "$supp" -eq "$n_marked" ] || fail "summary suppressed.total $supp, marked in the output $n_marked"
[ $((active + supp)) -eq "$n_sup" ] || fail "active $active + suppressed $supp != findings reported $n_sup"
hits=$(jq '[.suppressions[].hits] | add' "$WORK/sup.json")
[ "$hits" -eq "$supp" ] || fail "hits per entry ($hits) do not add up to suppressed.total ($supp)"
jq -e -s '[.[].findings // [] | .[] | select(.suppressed != null) | .severity] | all(. != "contraindicated")' \
  "$WORK/sup.jsonl" >/dev/null || fail "a contraindicated finding was suppressed"
"$RXCHECK" batch "$F/sample_export.csv" --suppress "$SUP" --as-of 2024-06-01 \
  --format csv 2>/dev/null | grep -q ':suppressed' || fail "CSV output does not mark suppressed findings"

# ---- refused suppression files -----------------------------------------------
"$RXCHECK" batch "$ONE" --suppress "$F/suppress/invalid/contraindicated.yaml" \
  --out "$WORK/refused.jsonl" >/dev/null 2>"$WORK/refused.err"
rc=$?
[ "$rc" -eq 2 ] || fail "contraindicated suppression: exit $rc, expected 2"
grep -q "contraindicated.yaml:[0-9]*:[0-9]*: rule 'int-tizanidine' is contraindicated" "$WORK/refused.err" ||
  fail "contraindicated suppression: no file:line:col error"
[ -e "$WORK/refused.jsonl" ] && fail "a refused suppression file still checked rows"
for f in "$F"/suppress/invalid/*.yaml; do
  "$RXCHECK" batch "$ONE" --suppress "$f" >/dev/null 2>"$WORK/bad.err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$(basename "$f"): exit $rc, expected 2"
  grep -q "^$f:" "$WORK/bad.err" || grep -q "$f" "$WORK/bad.err" || fail "$(basename "$f"): the error does not name the file"
done

# ---- provenance and determinism ----------------------------------------------
version=$("$RXCHECK" --version | sed -n 's/^rxcheck \([0-9][^ ]*\).*/\1/p' | head -1)
pack=$("$RXCHECK" --version | sed -n 's/^pack fluvoxamine \([^ ]*\) \(sha256:[0-9a-f]*\)$/\1 \2/p')
"$RXCHECK" batch "$F/sample_export.csv" --summary "$WORK/run2.json" >"$WORK/run2.jsonl" 2>/dev/null
cmp -s "$WORK/plain.jsonl" "$WORK/run2.jsonl" || fail "two runs gave different JSONL"
jq -e -r --arg v "$version" 'select(.tool.version != $v or .tool.name != "rxcheck")' "$WORK/plain.jsonl" | grep -q . &&
  fail "a result does not name rxcheck $version"
jq -r '"\(.ruleset.version) \(.ruleset.hash)"' "$WORK/plain.jsonl" | sort -u >"$WORK/packs"
[ "$(cat "$WORK/packs")" = "$pack" ] || fail "results' ruleset is not '$pack': $(cat "$WORK/packs")"
# as_of is each row's rx_date (column 5 of the sample, no quoted commas before it)
tail -n +2 "$F/sample_export.csv" | cut -d, -f5 >"$WORK/rx_dates"
jq -r '.as_of' "$WORK/plain.jsonl" >"$WORK/as_of"
cmp -s "$WORK/rx_dates" "$WORK/as_of" || fail "results' as_of is not each row's rx_date"
jq -e -s '[.[] | (.indications // [])[], (.findings // [])[] | select(.rule != null and .rule_version == null)] | length == 0' \
  "$WORK/plain.jsonl" >/dev/null || fail "a decision has a rule but no rule_version"
sum=$(sha256sum "$F/sample_export.csv" | cut -d' ' -f1)
[ "$(jq -r .input_sha256 "$WORK/plain.json")" = "$sum" ] || fail "summary input_sha256 is not sha256sum's"
jq -r .started "$WORK/plain.json" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
  fail "summary started is not an RFC 3339 UTC time"
[ "$(jq -r .as_of "$WORK/plain.json")" = "null" ] || fail "summary as_of without --as-of is not null"
grep -q '"started"\|T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]' "$WORK/plain.jsonl" && fail "a result carries a run time"
sum_stdin=$("$RXCHECK" batch --summary /dev/stdout --out /dev/null <"$F/sample_export.csv" 2>/dev/null | jq -r .input_sha256)
[ "$sum_stdin" = "$sum" ] || fail "standard input's hash is not sha256sum's"

# ---- several outputs in one pass -----------------------------------------------
"$RXCHECK" batch "$F/sample_export.csv" --output jsonl="$WORK/m.jsonl" --output csv="$WORK/m.csv" \
  --output text="$WORK/m.txt" --output sarif="$WORK/m.sarif" --jobs 2 >"$WORK/m.stdout" 2>/dev/null
[ -s "$WORK/m.stdout" ] && fail "only --output options: something went to standard output"
cmp -s "$WORK/m.jsonl" "$WORK/plain.jsonl" || fail "--output jsonl differs from a jsonl run"
"$RXCHECK" batch "$F/sample_export.csv" --format csv >"$WORK/one.csv" 2>/dev/null
cmp -s "$WORK/m.csv" "$WORK/one.csv" || fail "--output csv differs from a csv run"
"$RXCHECK" batch "$F/sample_export.csv" --format text >"$WORK/one.txt" 2>/dev/null
cmp -s "$WORK/m.txt" "$WORK/one.txt" || fail "--output text differs from a text run"
jq -e '.runs[0].results | length > 0' "$WORK/m.sarif" >/dev/null || fail "--output sarif is not a SARIF log with results"
"$RXCHECK" batch "$F/sample_export.csv" --output jsonl=- --output csv=- >/dev/null 2>"$WORK/two.err"
[ $? -eq 2 ] || fail "two outputs on standard output were accepted"
"$RXCHECK" batch "$F/sample_export.csv" --output xml="$WORK/x" >/dev/null 2>"$WORK/xml.err"
[ $? -eq 2 ] && grep -q "format 'xml'" "$WORK/xml.err" || fail "--output xml=FILE: no usage error"

finish
