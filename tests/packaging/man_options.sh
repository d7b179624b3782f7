#!/bin/sh
# The man pages keep up with the tool:
#   rxcheck(1): every long option printed by `rxcheck --help` and by each
#     `rxcheck COMMAND --help`, every command and rules subcommand, the exit
#     codes and the environment variables;
#   rxcheck-rules(5): every section, predicate key and field of the rule
#     language's tables in rules/README.md.
# Checked in the scdoc sources always, and in the generated pages (roff,
# with its escapes undone) when scdoc was found at configure time.
# Environment: RXCHECK, SRC, MAN_DIR (empty without scdoc), WORK.
set -eu
fail() { echo "FAIL: $*" >&2; failed=1; }
failed=0
rm -rf "$WORK" && mkdir -p "$WORK"
MANSRC=$SRC/engine/cli/man

# Roff to words: font changes and escapes out (\fB, \fI, \fR, \-, \&, \(hy).
plain() {
  sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\(hy/-/g' \
      -e 's/\\e/\\/g' "$1"
}

pages1="$MANSRC/rxcheck.1.scd"
pages5="$MANSRC/rxcheck-rules.5.scd"
if [ -n "${MAN_DIR:-}" ]; then
  for p in rxcheck.1 rxcheck-rules.5; do
    [ -f "$MAN_DIR/$p" ] || { echo "FAIL: $MAN_DIR/$p was not generated" >&2; exit 1; }
    plain "$MAN_DIR/$p" > "$WORK/$p.txt"
  done
  pages1="$pages1 $WORK/rxcheck.1.txt"
  pages5="$pages5 $WORK/rxcheck-rules.5.txt"
else
  echo "note: scdoc was not found at configure time: checking the sources only"
fi

# has WORD FILE...: WORD appears as a whole token (not inside a longer
# option such as --rules-dir).
has() {
  word=$1
  shift
  grep -q -E -- "(^|[^A-Za-z0-9_-])$word([^A-Za-z0-9_-]|\$)" "$@"
}
in_all() { # WORD WHAT PAGES...
  word=$1 what=$2
  shift 2
  for page in "$@"; do
    has "$word" "$page" || fail "$what '$word' is not in ${page##*/}"
  done
}

# ---- rxcheck(1) ---------------------------------------------------------------
n=0
for cmd in "" batch query validate rules; do
  # shellcheck disable=SC2086
  "$RXCHECK" $cmd --help > "$WORK/help" || fail "rxcheck $cmd --help failed"
  for opt in $(grep -o -E -- '--[a-z][a-z0-9-]*' "$WORK/help" | sort -u); do
    # shellcheck disable=SC2086
    in_all "$opt" "option of 'rxcheck $cmd --help'" $pages1
    n=$((n + 1))
  done
done
# The commands and rules subcommands that `rxcheck --help` lists.
"$RXCHECK" --help > "$WORK/help"
for cmd in $(sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' "$WORK/help" | sort -u); do
  # shellcheck disable=SC2086
  in_all "$cmd" "command" $pages1
done
for sub in $(sed -n 's/^  rules \([a-z][a-z]*\).*/\1/p' "$WORK/help"); do
  for page in $pages1; do
    grep -q -- "rules $sub" "$page" || fail "'rules $sub' is not in ${page##*/}"
  done
done
for word in 0 1 2 3 130 141 143 RXCHECK_RULES RXCHECK_COUNTRY NO_COLOR; do
  # shellcheck disable=SC2086
  in_all "$word" "exit code or variable" $pages1
done

# ---- rxcheck-rules(5) -----------------------------------------------------------
# The first cell of every table row of rules/README.md: sections, predicate
# keys, fields, where keys are required (`min`, `max` -> min and max).
m=0
for word in $(sed -n 's/^| `\([^|]*\)` |.*/\1/p' "$SRC/rules/README.md" |
              tr -d '`' | tr ',' ' '); do
  # shellcheck disable=SC2086
  in_all "$word" "rule-language key" $pages5
  m=$((m + 1))
done
[ "$m" -gt 20 ] || fail "found only $m keys in the tables of rules/README.md"

[ "$failed" -eq 0 ] || exit 1
echo "ok: $n long options of --help in rxcheck(1); $m rule-language keys in rxcheck-rules(5)"
