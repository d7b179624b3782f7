#!/bin/sh
# `batch --format sarif` (issue 9): the log is valid SARIF 2.1.0 and says
# what the JSONL output of the same input says.
# - every document validates against the OASIS schema
#   (tests/schemas/sarif-schema-2.1.0.json) with Python's jsonschema,
#   Draft 7, formats included;
# - one result per finding and per off-label or no-indication record, in
#   input order, with the JSONL's rule, line and level (computed here with
#   jq from the JSONL, not by the writer), ruleIndex pointing at the rule;
# - suppressed findings carry SARIF suppressions with the entry's reason
#   and file:line; hits per entry match the JSONL;
# - artifacts[0] is the input with its sha256sum; no patient id appears;
# - two runs differ only in startTimeUtc; a name with a space becomes a
#   percent-encoded URI.
# Needs /usr/bin/python3 with jsonschema (Debian python3-jsonschema) and jq.
# Env: RXCHECK, SRC, WORK.
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"

PY=/usr/bin/python3
SCHEMA="$SRC/tests/schemas/sarif-schema-2.1.0.json"
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
  echo "sarif.sh: $PY with the jsonschema module is required" \
    "(apt-get install python3-jsonschema)"
  exit 1
fi
command -v jq >/dev/null || { echo "sarif.sh: jq is required"; exit 1; }

# Validates each SARIF file against the schema. jsonschema checks the
# formats it has checkers for; the schema's uri, uri-reference and
# date-time are checked here (their checkers need packages Debian's
# python3-jsonschema does not pull in).
validate() {
  "$PY" - "$SCHEMA" "$@" <<'EOF'
import json, re, sys
import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
# The one erratum this copy predates (tests/schemas/README.md): SARIF
# 2.1.0 section 3.35.3 names the suppression's review state "status";
# this revision of the schema still called it "state". OASIS Errata 01
# renamed it; apply that here rather than edit the shipped file.
sup = schema["definitions"]["suppression"]["properties"]
if "state" in sup and "status" not in sup:
    sup["status"] = sup.pop("state")
checker = jsonschema.FormatChecker()
PCT = r"(?:%[0-9A-Fa-f]{2})"
URI_CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|" + PCT + r")*"

@checker.checks("uri")
def is_uri(s):
    return not isinstance(s, str) or re.fullmatch(
        r"[A-Za-z][A-Za-z0-9+.\-]*:" + URI_CHARS, s) is not None

@checker.checks("uri-reference")
def is_uri_reference(s):
    return not isinstance(s, str) or re.fullmatch(URI_CHARS, s) is not None

@checker.checks("date-time")
def is_date_time(s):
    return not isinstance(s, str) or re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})",
        s) is not None

# The schema's $schema says draft-07.
cls = jsonschema.validators.validator_for(schema)
assert cls is jsonschema.Draft7Validator, cls
cls.check_schema(schema)
validator = cls(schema, format_checker=checker)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except ValueError as e:
        print(f"{path}: not JSON: {e}")
        bad += 1
        continue
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"{path}: /{where}: {e.message[:300]}")
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# The results a log should have, from the JSONL of the same input: per
# record, its findings then its verdict, as rule, line, level, the
# suppression's reason and entry.
expected() {
  jq -c '. as $r | select(.status != "out-of-scope") |
    ((.findings // [])[] |
       [.rule, $r.line,
        {"contraindicated": "error", "major": "error", "moderate": "warning",
         "minor": "note", "info": "note"}[.severity],
        (.suppressed.reason // null), (.suppressed.entry // null)]),
    (if .status == "off-label" then ["rxcheck-off-label", .line, "warning", null, null]
     elif .status == "no-indication" then ["rxcheck-no-indication", .line, "note", null, null]
     else empty end)' "$1"
}

actual() {
  jq -c '.runs[0].results[] |
    [.ruleId, .locations[0].physicalLocation.region.startLine, .level,
     (.suppressions[0].justification // null),
     (.suppressions[0].properties.entry // null)]' "$1"
}

# check NAME INPUT [OPTIONS...]: one input through jsonl and sarif.
check() {
  name=$1
  input=$2
  shift 2
  "$RXCHECK" batch "$@" --format jsonl "$input" >"$WORK/$name.jsonl" 2>/dev/null
  rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "$name: jsonl run exited $rc"
  "$RXCHECK" batch "$@" --format sarif "$input" >"$WORK/$name.sarif" \
    2>"$WORK/$name.err"
  rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] ||
    fail "$name: sarif run exited $rc: $(head -3 "$WORK/$name.err")"

  validate "$WORK/$name.sarif" >"$WORK/$name.valid" 2>&1 ||
    fail "$name: not valid SARIF 2.1.0: $(head -5 "$WORK/$name.valid")"

  want=$(jq -s '[.[] | select(.status != "out-of-scope") |
      (.findings | length) +
      (if .status == "off-label" or .status == "no-indication" then 1 else 0 end)]
    | add // 0' "$WORK/$name.jsonl")
  got=$(jq '.runs[0].results | length' "$WORK/$name.sarif")
  [ "$got" = "$want" ] ||
    fail "$name: $got results, expected $want (findings + off-label + no-indication)"

  expected "$WORK/$name.jsonl" >"$WORK/$name.want"
  actual "$WORK/$name.sarif" >"$WORK/$name.got"
  cmp -s "$WORK/$name.want" "$WORK/$name.got" ||
    fail "$name: results differ from the JSONL (rule, line, level, suppression):
$(diff "$WORK/$name.want" "$WORK/$name.got" | head -10)"

  bad=$(jq '.runs[0] as $run | [$run.results[] |
      select($run.tool.driver.rules[.ruleIndex].id != .ruleId)] | length' \
    "$WORK/$name.sarif")
  [ "$bad" = 0 ] || fail "$name: $bad results whose ruleIndex names another rule"

  sum=$(sha256sum "$input" | cut -d' ' -f1)
  [ "$(jq -r '.runs[0].artifacts[0].hashes["sha-256"]' "$WORK/$name.sarif")" = "$sum" ] ||
    fail "$name: artifacts[0] sha-256 is not the input's sha256sum"

  # No patient id of the input anywhere in the log.
  cut -d, -f1 "$input" | sed 1d | sort -u >"$WORK/$name.ids"
  if grep -w -F -f "$WORK/$name.ids" "$WORK/$name.sarif" >/dev/null; then
    fail "$name: a patient id appears in the SARIF log"
  fi
}

in="$SRC/fixtures/sample_export.csv"
check sample "$in"
[ "$(jq -r '.runs[0].artifacts[0].location.uri' "$WORK/sample.sarif")" = "$in" ] ||
  fail "sample: artifacts[0] uri is not the input name"
[ "$(jq '[.runs[0].results[] | select(.suppressions)] | length' "$WORK/sample.sarif")" = 0 ] ||
  fail "sample: suppressions without --suppress"
jq -e '.runs[0].tool.driver.rules | map(.id) |
    index("rxcheck-match-limit") and index("rxcheck-off-label") and
    index("rxcheck-no-indication")' "$WORK/sample.sarif" >/dev/null ||
  fail "sample: the engine's own rules are missing from tool.driver.rules"
jq -e '.runs[0].invocations[0] | .executionSuccessful == true and
    (.startTimeUtc | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))' \
  "$WORK/sample.sarif" >/dev/null ||
  fail "sample: invocation without executionSuccessful or startTimeUtc"
[ "$(jq -S -c '.runs[0].properties.counts.status' "$WORK/sample.sarif")" = \
  "$(jq -S -s -c '{"approved": (map(select(.status == "approved")) | length),
      "off-label": (map(select(.status == "off-label")) | length),
      "unknown": (map(select(.status == "unknown")) | length),
      "no-indication": (map(select(.status == "no-indication")) | length),
      "out-of-scope": (map(select(.status == "out-of-scope")) | length)}' \
    "$WORK/sample.jsonl")" ] ||
  fail "sample: run properties' status counts differ from the JSONL"

# Deterministic apart from the start time.
"$RXCHECK" batch --format sarif "$in" 2>/dev/null |
  sed 's/"startTimeUtc":"[^"]*"//' >"$WORK/again.1"
sed 's/"startTimeUtc":"[^"]*"//' "$WORK/sample.sarif" >"$WORK/again.0"
cmp -s "$WORK/again.0" "$WORK/again.1" ||
  fail "two runs on the same input differ beyond startTimeUtc"

# Suppressions: three entries apply, one expired.
sup="$SRC/fixtures/sarif/suppress.yaml"
check suppressed "$in" --suppress "$sup"
n=$(jq '[.runs[0].results[] | select(.suppressions)] | length' "$WORK/suppressed.sarif")
[ "$n" -gt 0 ] || fail "suppressed: no result carries suppressions"
jq -e '[.runs[0].results[] | select(.suppressions) | .suppressions[0] |
    .kind == "external" and .status == "accepted" and
    (.justification | length > 0) and
    (.properties.expires | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))] | all' \
  "$WORK/suppressed.sarif" >/dev/null ||
  fail "suppressed: a suppression lacks kind, status, justification or expiry"
[ "$(jq -c '[.runs[0].properties.suppressions[] | select(.hits > 0) |
      [.entry, .hits]] | sort' "$WORK/suppressed.sarif")" = \
  "$(jq -s -c '[.[] | (.findings // [])[] | .suppressed.entry // empty] |
      group_by(.) | map([.[0], length])' "$WORK/suppressed.jsonl")" ] ||
  fail "suppressed: hits per entry differ from the JSONL"
jq -e '.runs[0].properties.suppressions |
    (map(select(.expired)) | length) == 1 and
    (map(select(.expired))[0].hits == 0)' "$WORK/suppressed.sarif" >/dev/null ||
  fail "suppressed: the expired entry is not reported as expired with 0 hits"
grep -q 'DR0899' "$WORK/suppressed.sarif" &&
  fail "suppressed: a prescriber id appears in the SARIF log"
jq -e '.runs[0].properties.suppressions[] | select(.rule == "int-clozapine") |
    .scope == ["prescriber"]' "$WORK/suppressed.sarif" >/dev/null ||
  fail "suppressed: the prescriber entry's scope is not [\"prescriber\"]"

# A name with a space and a colon is a valid URI reference.
cp "$in" "$WORK/my export:v1.csv"
check spaced "$WORK/my export:v1.csv"
case $(jq -r '.runs[0].artifacts[0].location.uri' "$WORK/spaced.sarif") in
*/my%20export%3Av1.csv) ;;
*) fail "spaced: the input name is not percent-encoded in the URI" ;;
esac

# Standard input: no URI, a description instead (the hash is still known).
"$RXCHECK" batch --format sarif - <"$in" >"$WORK/stdin.sarif" 2>/dev/null
validate "$WORK/stdin.sarif" >"$WORK/stdin.valid" 2>&1 ||
  fail "stdin: not valid SARIF: $(head -3 "$WORK/stdin.valid")"
jq -e '.runs[0].artifacts[0].location.uri == null and
    ([.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] |
     all(. == null))' "$WORK/stdin.sarif" >/dev/null ||
  fail "stdin: the log gives standard input a uri"
[ "$(jq -r '.runs[0].artifacts[0].hashes["sha-256"]' "$WORK/stdin.sarif")" = \
  "$(sha256sum <"$in" | cut -d' ' -f1)" ] ||
  fail "stdin: artifacts[0] sha-256 is not the input's sha256sum"

finish
