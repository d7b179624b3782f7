#!/bin/sh
# End-to-end tests of `rxcheck query` (issue 5): the human output with colour
# off (expected text written by hand from the mini pack and the wrapping
# rule: 80 columns, hanging indent), JSON equality with batch for the same
# record, explain output for a fired rule and a near miss, did-you-mean,
# every usage error, and colour on a terminal but not in a pipe.
# Env: RXCHECK (binary), SRC (source dir), WORK (scratch dir).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
MINI="$SRC/tests/packs/mini"
unset RXCHECK_COUNTRY RXCHECK_RULES NO_COLOR
export COLUMNS=80

# expect_out NAME WANT_RC -- ARGS...: stdout must equal $WORK/NAME.want.
expect_out() {
  name=$1 want_rc=$2
  shift 3
  "$RXCHECK" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
  if ! cmp -s "$WORK/$name.want" "$WORK/$name.out"; then
    fail "$name: output differs"
    diff -u "$WORK/$name.want" "$WORK/$name.out" | sed 's/^/    /'
  fi
}

# expect_err NAME "message" ARGS...: exit 2, stderr is exactly that line.
expect_err() {
  name=$1 want=$2
  shift 2
  "$RXCHECK" query "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
  got=$(cat "$WORK/$name.err")
  [ "$got" = "rxcheck query: $want (see 'rxcheck query --help')" ] ||
    fail "$name: stderr was: $got"
  [ -s "$WORK/$name.out" ] && fail "$name: wrote to stdout on error"
}

# ---- approved, with a contraindicated co-medication -----------------------
cat >"$WORK/approved.want" <<'X'
APPROVED — obsessive-compulsive disorder (F42.2), US, immediate-release, age 10

Indications
  approved obsessive-compulsive disorder (F42.2), second-line: (fictional)
    Labeled for OCD in children 8-17 (IR tablets). [us-ocd-ir-children]

Findings
  CONTRAINDICATED interaction: (fictional) Exampladol with examplamine is
    contraindicated. Action: Do not dispense together; contact the prescriber.
    [int-exampladol]

Sources
  us-ocd-ir-children S1: Examplamine tablets and XR capsules, US label
    (fictional) <https://example.org/examplamine/us-label>
  int-exampladol S3: Examplamine interaction table (fictional)
    <https://example.org/examplamine/interactions>
X
expect_out approved 0 -- query --rules "$MINI" --color never \
  --drug "Examplamine 50 mg tablet" --dx F42.2 --age 10 --country US \
  --comed exampladol
"$RXCHECK" query --rules "$MINI" --drug "Examplamine 50 mg tablet" --dx F42.2 \
  --age 10 --country US --comed exampladol --fail-on contraindicated \
  >/dev/null 2>&1
[ $? -eq 1 ] || fail "--fail-on contraindicated should exit 1"

# ---- off-label, with where it is approved instead --------------------------
cat >"$WORK/offlabel.want" <<'X'
OFF-LABEL — major depressive disorder (F32.1), US, immediate-release, age 40

Indications
  off-label major depressive disorder (F32.1): (fictional) Not labeled for
    depression in the US. approved for major depressive disorder in: GB.
    [us-depression]

Findings
  none

Sources
  us-depression S1: Examplamine tablets and XR capsules, US label (fictional)
    <https://example.org/examplamine/us-label>
X
# The country comes from RXCHECK_COUNTRY here.
RXCHECK_COUNTRY=US expect_out offlabel 0 -- query --rules "$MINI" \
  --color never --drug examplamine --dx F32.1 --age 40

# ---- unknown diagnosis codes are said plainly -----------------------------
"$RXCHECK" query --rules "$MINI" --color never --drug examplamine \
  --dx "F42.2, Z99" --dx XYZ --age 40 --country US >"$WORK/dx.out" 2>&1
grep -qx '  no indication Z99 does not map to any indication of the mini pack.' \
  "$WORK/dx.out" || fail "unmapped Z99 not reported"
grep -q '  no indication XYZ does not map to any indication of the mini pack (not a' \
  "$WORK/dx.out" || fail "unrecognised XYZ not reported"

# ---- explain: a fired rule and a near miss ---------------------------------
"$RXCHECK" query --rules "$MINI" --color never --explain --drug examplamine \
  --dx F42.2 --age 7 --country US >"$WORK/explain.out" 2>&1
for line in \
  '  near miss us-ocd-ir-adults (approved): age 7 failed `>= 18`' \
  '  near miss us-ocd-ir-children (approved): age 7 failed `>= 8`' \
  '  near miss us-ocd-xr-adults (approved): formulation immediate-release failed' \
  '  because age-under-8 (age): age 7 meets `< 8`; jurisdiction US meets `not in'; do
  grep -qF -- "$line" "$WORK/explain.out" || fail "explain: missing: $line"
done
grep -q '^OFF-LABEL — obsessive-compulsive disorder (F42.2), US, immediate-release, age 7$' \
  "$WORK/explain.out" || fail "explain: headline"
"$RXCHECK" query --rules "$MINI" --json --explain --drug examplamine \
  --dx F42.2 --age 40 --country US >"$WORK/explain.json"
grep -qF '{"rule":"us-ocd-ir-adults","kind":"regulatory","label":"approved","fired":true,"conditions":[{"field":"jurisdiction","test":"in [US]","value":"US","held":true},{"field":"indication","test":"in [ocd]","value":"F42.2 -> ocd","held":true},{"field":"formulation","test":"in [immediate-release]","value":"immediate-release","held":true},{"field":"age","test":">= 18","value":"40","held":true}]}' \
  "$WORK/explain.json" || fail "explain JSON for the deciding rule"
grep -qF '{"rule":"us-ocd-ir-children","kind":"regulatory","label":"approved","fired":false,"conditions":[{"field":"age","test":"<= 17","value":"40","held":false}]}' \
  "$WORK/explain.json" || fail "explain JSON for a near miss"

# ---- --json is exactly what batch prints for the same record --------------
printf '%s\n%s\n' \
  'drug_name,diagnosis_codes,age,country,co_medications,daily_dose_mg' \
  'Luvox CR 100 mg,F40.10;F42.2,34,US,tizanidine;ibuprofen,350' \
  >"$WORK/one.csv"
"$RXCHECK" batch "$WORK/one.csv" >"$WORK/one.batch.jsonl" 2>/dev/null
"$RXCHECK" query --json --drug "Luvox CR 100 mg" --dx F40.10,F42.2 --age 34 \
  --country US --comed tizanidine --comed ibuprofen --dose 350 \
  >"$WORK/one.query.jsonl"
cmp -s "$WORK/one.batch.jsonl" "$WORK/one.query.jsonl" ||
  fail "query --json differs from batch for the same record"
grep -q '"status":"approved"' "$WORK/one.query.jsonl" ||
  fail "Luvox CR for SAD in a US adult should be approved"

# batch --explain adds the same "explain" array to every in-scope object.
"$RXCHECK" batch --explain "$WORK/one.csv" 2>/dev/null |
  grep -qF '"explain":[{"rule":"us-sad-er-adults","kind":"regulatory","label":"approved","fired":true,' ||
  fail "batch --explain has no explain array"

# ---- did you mean -------------------------------------------------------------
out=$("$RXCHECK" query --rules "$MINI" --color never --drug "Exemplamide 5 mg" \
  --dx F42.2 --age 40 --country US)
[ "$out" = "OUT-OF-SCOPE — exemplamide is a different drug from examplamine (a known
  look-alike); no rule of the mini pack applies." ] ||
  fail "look-alike: $out"
out=$("$RXCHECK" query --rules "$MINI" --color never --drug "Examplamne 50 mg" \
  --dx F42.2 --age 40 --country US)
echo "$out" | tr '\n' ' ' | tr -s ' ' | grep -q 'Did you mean examplamine? Nothing was assumed' ||
  fail "typo hint: $out"
out=$("$RXCHECK" query --rules "$MINI" --color never --drug aspirin --dx F42.2 \
  --age 40 --country US)
[ "$out" = "OUT-OF-SCOPE — the drug is not recognised by any rule pack (examplamine)." ] ||
  fail "unknown drug: $out"
out=$("$RXCHECK" query --color never --drug fluoxetine --dx F42.2 --age 40 \
  --country US)
echo "$out" | grep -q '^OUT-OF-SCOPE — fluoxetine is a different drug from fluvoxamine' ||
  fail "fluoxetine with the built-in pack: $out"

# ---- every usage error names its flag, on one line, exit 2 ----------------
expect_err nodrug '--drug (or --code) is required: the drug as written, e.g. --drug "Luvox CR 100 mg"' \
  --dx F42.2 --age 40 --country US
expect_err nodx '--dx is required: one or more diagnosis codes, e.g. --dx F42.2' \
  --drug fluvoxamine --age 40 --country US
expect_err both '--age and --birth-date contradict each other: give one' \
  --drug fluvoxamine --dx F42.2 --age 40 --birth-date 1980-01-01 --country US
expect_err noage '--age or --birth-date is required' \
  --drug fluvoxamine --dx F42.2 --country US
expect_err nocountry '--country is required: give --country CC (e.g. US) or set RXCHECK_COUNTRY' \
  --drug fluvoxamine --dx F42.2 --age 40
expect_err badage '--age: not a valid number' \
  --drug fluvoxamine --dx F42.2 --age forty --country US
expect_err oldage '--age: value out of range' \
  --drug fluvoxamine --dx F42.2 --age 200 --country US
expect_err baddob '--birth-date: not a valid date (expected YYYY-MM-DD)' \
  --drug fluvoxamine --dx F42.2 --birth-date 2023-02-30 --country US
expect_err baddate '--date: not a valid date (expected YYYY-MM-DD)' \
  --drug fluvoxamine --dx F42.2 --birth-date 1980-01-01 --date tomorrow --country US
expect_err badcountry '--country: not an ISO 3166-1 alpha-2 country code' \
  --drug fluvoxamine --dx F42.2 --age 40 --country USA
expect_err baddose '--dose: not a valid number' \
  --drug fluvoxamine --dx F42.2 --age 40 --country US --dose lots
expect_err badcolor '--color must be auto, always or never' \
  --drug fluvoxamine --dx F42.2 --age 40 --country US --color sometimes
expect_err badfailon '--fail-on must be contraindicated, major, moderate, minor or info' \
  --drug fluvoxamine --dx F42.2 --age 40 --country US --fail-on severe
expect_err unknownopt "unknown option '--patient'" \
  --drug fluvoxamine --dx F42.2 --age 40 --country US --patient 7
expect_err novalue "option '--dx' needs a value" --drug fluvoxamine --dx
expect_err optvalue "unknown option '--patient'" \
  --drug fluvoxamine --dx F42.2 --age 40 --country US --patient=PHI7731
expect_err stray "a value without its flag: every value goes with a flag, e.g. --dx F42.2" \
  --drug fluvoxamine F42.2 --age 40 --country US

# ---- colour: on a terminal, not in a pipe, never with NO_COLOR ------------
esc=$(printf '\033[')
args="query --drug fluvoxamine --dx F42.2 --age 40 --country US"
"$RXCHECK" $args >"$WORK/pipe.out"
grep -qF "$esc" "$WORK/pipe.out" && fail "colour codes in a pipe"
"$RXCHECK" $args --color always >"$WORK/always.out"
grep -qF "${esc}32mAPPROVED${esc}0m" "$WORK/always.out" ||
  fail "--color always gives no green APPROVED"
if command -v script >/dev/null 2>&1; then
  # script(1) runs the command on a pseudo-terminal.
  script -qec "$RXCHECK $args" /dev/null >"$WORK/tty.out" 2>&1
  grep -qF "${esc}32mAPPROVED" "$WORK/tty.out" || fail "no colour on a terminal"
  NO_COLOR=1 script -qec "$RXCHECK $args" /dev/null >"$WORK/nocolor.out" 2>&1
  grep -qF "$esc" "$WORK/nocolor.out" && fail "colour despite NO_COLOR"
else
  echo "note: script(1) not found; terminal colour check skipped"
fi

# ---- --help shows three worked examples -------------------------------------
n=$("$RXCHECK" query --help | grep -c '^  rxcheck query --drug')
[ "$n" -eq 3 ] || fail "query --help shows $n examples, expected 3"

finish
