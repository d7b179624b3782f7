#!/bin/sh
# End-to-end test of `rxcheck rules diff OLD NEW` (and `rules list
# --jurisdictions`): two versions of the fictional mini pack, made here from
# tests/packs/mini, with one rule added, one removed, one changed, and
# edits that must not count (a rule re-indented, rules moved to another
# file, the pack's version); the exact output and exit codes; the usage
# errors.
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
unset RXCHECK_RULES

# run NAME WANT_RC ARGS...: rxcheck ARGS, output in $WORK/NAME.out/.err.
run() {
  name=$1 want=$2
  shift 2
  "$RXCHECK" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  rc=$?
  [ "$rc" -eq "$want" ] || {
    fail "$name: exit $rc, expected $want"
    sed 's/^/    stderr: /' "$WORK/$name.err"
  }
}
# same NAME EXPECTED-TEXT: NAME's stdout is exactly the text.
same() {
  printf '%s\n' "$2" > "$WORK/$1.want"
  diff -u "$WORK/$1.want" "$WORK/$1.out" > "$WORK/$1.diff" ||
    { fail "$1: output differs"; sed 's/^/    /' "$WORK/$1.diff"; }
}

# ---- two versions of a pack ------------------------------------------------------
# The test cases refer to rules by id; leave them out so rules can go.
OLD=$WORK/old NEW=$WORK/new
mkdir -p "$OLD" "$NEW"
cp "$SRC/tests/packs/mini/pack.yaml" "$SRC/tests/packs/mini/rules.yaml" "$OLD/"
cp "$OLD/pack.yaml" "$NEW/"
# NEW: a new version; regulatory rules moved to a file of their own and
# re-indented (neither changes them); us-depression removed; the message of
# int-exampladol changed; int-newdrug added.
sed -i 's/^  version: 0.1.0$/  version: 0.2.0/' "$NEW/pack.yaml"
awk '/^findings:/ { exit } { print }' "$OLD/rules.yaml" |
  sed -e 's/^  /    /' > "$NEW/regulatory.yaml"
awk '/^findings:/ { on = 1 } on { print }' "$OLD/rules.yaml" > "$NEW/findings.yaml"
awk '/^    - id: us-depression$/ { skip = 1; next }
     skip && /^    - id:/ { skip = 0 }
     !skip { print }' "$NEW/regulatory.yaml" > "$NEW/r.tmp" && mv "$NEW/r.tmp" "$NEW/regulatory.yaml"
sed -i 's/(fictional) Exampladol with examplamine is contraindicated\./(fictional) Exampladol with examplamine is contraindicated (all forms)./' \
  "$NEW/findings.yaml"
cat >> "$NEW/findings.yaml" <<'EOF'
  - id: int-newdrug
    kind: interaction
    severity: minor
    when:
      co_medications: {pattern: 'newdrug'}
    message: (fictional) Newdrug with examplamine.
    source: S3
EOF
grep -q 'us-depression' "$NEW/regulatory.yaml" && fail "setup: us-depression is still in NEW"
grep -q 'all forms' "$NEW/findings.yaml" || fail "setup: int-exampladol was not changed"
run lint_old 0 rules lint "$OLD"
run lint_new 0 rules lint "$NEW"

hash() { "$RXCHECK" rules lint "$1" | sed -n 's/^ok: pack [^ ]* [^ ]* //p'; }
HOLD=$(hash "$OLD") HNEW=$(hash "$NEW")
total=$("$RXCHECK" rules list --rules "$OLD" | wc -l)
unchanged=$((total - 2))

# ---- the diff ----------------------------------------------------------------------
run diff 1 rules diff "$OLD" "$NEW"
same diff "old: mini 0.1.0 $HOLD
new: mini 0.2.0 $HNEW
added    int-newdrug mini
removed  us-depression mini
changed  int-exampladol mini
1 added, 1 removed, 1 changed, $unchanged unchanged"

# The other way round: added and removed swap.
run diff_back 1 rules diff "$NEW" "$OLD"
same diff_back "old: mini 0.2.0 $HNEW
new: mini 0.1.0 $HOLD
added    us-depression mini
removed  int-newdrug mini
changed  int-exampladol mini
1 added, 1 removed, 1 changed, $unchanged unchanged"

# No difference: exit 0. A directory of packs against the pack directory.
run diff_same 0 rules diff "$OLD" "$OLD"
same diff_same "old: mini 0.1.0 $HOLD
new: mini 0.1.0 $HOLD
0 added, 0 removed, 0 changed, $total unchanged"
run diff_builtin 0 rules diff "$SRC/rules" "$SRC/rules/fluvoxamine"
tail -n 1 "$WORK/diff_builtin.out" | grep -q '^0 added, 0 removed, 0 changed, [1-9][0-9]* unchanged$' ||
  fail "diff_builtin: $(tail -n 1 "$WORK/diff_builtin.out")"
# A directory of packs: NEW's mini and the fluvoxamine pack. Every rule of
# fluvoxamine is added, named with its pack.
mkdir -p "$WORK/multi"
cp -r "$NEW" "$WORK/multi/mini" && cp -r "$SRC/rules/fluvoxamine" "$WORK/multi/"
nfluv=$("$RXCHECK" rules list --rules "$SRC/rules/fluvoxamine" | wc -l)
run diff_packs 1 rules diff "$OLD" "$WORK/multi"
grep -qx "added    int-tizanidine fluvoxamine" "$WORK/diff_packs.out" ||
  fail "diff_packs: int-tizanidine is not listed as added"
[ "$(grep -c '^new: ' "$WORK/diff_packs.out")" -eq 2 ] || fail "diff_packs: not two 'new:' lines"
tail -n 1 "$WORK/diff_packs.out" | grep -qx "$((nfluv + 1)) added, 1 removed, 1 changed, $unchanged unchanged" ||
  fail "diff_packs: $(tail -n 1 "$WORK/diff_packs.out")"

# ---- errors: exit 2, nothing on stdout ------------------------------------------
mkdir -p "$WORK/broken" && printf 'pack: [\n' > "$WORK/broken/pack.yaml"
run err_broken 2 rules diff "$OLD" "$WORK/broken"
grep -q "cannot load NEW" "$WORK/err_broken.err" || fail "err_broken: $(cat "$WORK/err_broken.err")"
grep -q "pack.yaml:" "$WORK/err_broken.err" || fail "err_broken: no file:line:col diagnostic"
[ -s "$WORK/err_broken.out" ] && fail "err_broken: printed on stdout"
run err_missing 2 rules diff "$WORK/nonexistent" "$OLD"
grep -q "cannot load OLD" "$WORK/err_missing.err" || fail "err_missing: $(cat "$WORK/err_missing.err")"
run err_one 2 rules diff "$OLD"
grep -q "diff takes two directories" "$WORK/err_one.err" || fail "err_one: $(cat "$WORK/err_one.err")"
run err_three 2 rules diff "$OLD" "$NEW" "$NEW"
run err_rules 2 rules --rules "$OLD" diff "$OLD" "$NEW"
grep -q -- "--rules does not apply" "$WORK/err_rules.err" || fail "err_rules: $(cat "$WORK/err_rules.err")"
run err_empty 2 rules diff "" "$NEW"

# ---- rules list --jurisdictions ----------------------------------------------------
run juris 0 rules list --jurisdictions --rules "$OLD"
same juris "GB
US"
run juris_builtin 0 rules list --jurisdictions
sort -c "$WORK/juris_builtin.out" 2>/dev/null || fail "juris_builtin: not sorted"
[ "$(sort -u "$WORK/juris_builtin.out" | wc -l)" -eq "$(wc -l < "$WORK/juris_builtin.out")" ] ||
  fail "juris_builtin: a code twice"
grep -qx US "$WORK/juris_builtin.out" || fail "juris_builtin: no US"
run juris_show 2 rules show --jurisdictions int-tizanidine

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "ok: rules diff and rules list --jurisdictions"
