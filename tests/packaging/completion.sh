#!/bin/sh
# The shell completions: the bash one, sourced in bash, completes commands,
# subcommands, each command's options (all those its --help lists),
# --format/--color/--fail-on values, the --country codes the packs cover
# and rule ids for `rules show` (asked of the binary, honouring --rules).
# The zsh one offers the same options and parses (zsh -n) when zsh is here.
# Environment: RXCHECK, SRC, WORK.
set -eu
rm -rf "$WORK" && mkdir -p "$WORK"
command -v bash >/dev/null 2>&1 || { echo "skip: bash is missing"; exit 77; }
COMPLETION=$SRC/engine/cli/completions/rxcheck.bash
ZSH_COMPLETION=$SRC/engine/cli/completions/rxcheck.zsh
export RXCHECK SRC WORK COMPLETION
unset RXCHECK_RULES

# Every long option of each command's --help, for the checks below.
for cmd in batch query validate rules; do
  "$RXCHECK" "$cmd" --help | grep -o -E -- '--[a-z][a-z0-9-]*' | sort -u > "$WORK/opts.$cmd"
done

bash --norc --noprofile <<'EOF'
set -u
fail() { echo "FAIL: $*" >&2; failed=1; }
failed=0
# shellcheck disable=SC1090
. "$COMPLETION"
complete -p rxcheck >/dev/null || fail "the script does not register 'complete -F _rxcheck rxcheck'"

# comp WORD...: completes the last word of the command line "rxcheck WORD...".
comp() {
  COMP_WORDS=("$RXCHECK" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _rxcheck rxcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect "WANT (space-separated, sorted)" WORD...
expect() {
  local want=$1 got
  shift
  got=$(comp "$@" | tr '\n' ' ' | sed 's/ $//')
  [[ $got == "$want" ]] || fail "rxcheck $* <TAB>: got '$got', want '$want'"
}
# offers WORD... : CANDIDATE...: every candidate is among the completions.
offers() {
  local words=() got
  while [[ $1 != : ]]; do words+=("$1"); shift; done
  shift
  got=" $(comp "${words[@]}" | tr '\n' ' ') "
  for c in "$@"; do
    [[ $got == *" $c "* ]] || fail "rxcheck ${words[*]} <TAB>: '$c' is not offered"
  done
}

expect "--help --version batch query rules summary validate" ""
expect "batch" ba
expect "diff lint list show test" rules ""
expect "csv jsonl sarif text" batch --format ""
expect "csv" batch --format c
expect "csv" batch --format = c
expect "always auto never" query --color ""
expect "contraindicated info major minor moderate" batch --fail-on ""
expect "--fail-on --format" batch --f
expect "--jurisdictions" rules --j

# Countries: exactly what the packs cover, as the binary reports them.
want=$("$RXCHECK" rules list --jurisdictions | sort | tr '\n' ' ' | sed 's/ $//')
[[ -n $want ]] || fail "rxcheck rules list --jurisdictions printed nothing"
expect "$want" query --country ""
expect "$want" batch --country ""
expect "US" query --drug x --country U
expect "GB" validate --country g
# A pack given with --rules: its own countries and rule ids.
expect "GB US" batch --rules "$SRC/tests/packs/mini" --country ""

# Rule ids for rules show, from rules list.
offers rules show "" : int-tizanidine us-ocd-ir-pediatric
expect "int-tizanidine" rules show int-tiz
expect "" rules show int-tizanidine ""
mini=$("$RXCHECK" rules list --rules "$SRC/tests/packs/mini" | cut -d' ' -f1 | grep '^us-' | sort | tr '\n' ' ' | sed 's/ $//')
expect "$mini" rules show --rules "$SRC/tests/packs/mini" us-

# Each command's options: all that its --help lists.
for cmd in batch query validate rules; do
  mapfile -t opts < "$WORK/opts.$cmd"
  offers "$cmd" -- : "${opts[@]}"
done

# Files and directories where they belong.
mkdir -p "$WORK/dir" && : > "$WORK/dir/export.csv"
expect "$WORK/dir/export.csv" batch "$WORK/dir/e"
expect "$WORK/dir/export.csv" batch --out "$WORK/dir/e"
expect "$WORK/dir" rules lint "$WORK/di"
expect "$WORK/dir" rules diff "$WORK/dir" "$WORK/di"
expect "" rules diff "$WORK/dir" "$WORK/dir" "$WORK/di"

[[ $failed == 0 ]] || exit 1
echo "ok: bash completion"
EOF

# zsh: each command's options in its own list (batch_opts=( ... )).
failed=0
for cmd in batch query validate rules; do
  sed -n "/^${cmd}_opts=(/,/^)/p" "$ZSH_COMPLETION" > "$WORK/zsh.$cmd"
  for opt in $(cat "$WORK/opts.$cmd"); do
    grep -q -E -- "(^|[^a-z-])$opt(=|\[|,|\})" "$WORK/zsh.$cmd" ||
      { echo "FAIL: the zsh completion of $cmd lacks $opt" >&2; failed=1; }
  done
done
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$ZSH_COMPLETION" || { echo "FAIL: zsh cannot parse $ZSH_COMPLETION" >&2; failed=1; }
else
  echo "note: zsh is not installed: its completion was not parsed"
fi
[ "$failed" -eq 0 ] || exit 1
echo "ok: zsh completion"
