#!/bin/sh
# gen-pack10x.sh: writes the "tenfold interactions" pack of issue 6,
# target 5 (POSIX sh + awk).
#
#   sh tests/bench/gen-pack10x.sh SRC_PACK_DIR OUT_DIR [--firing]
#
# Copies every *.yaml of SRC_PACK_DIR (e.g. rules/fluvoxamine) to OUT_DIR
# and, in the top-level `findings:` section, follows every rule with
# `kind: interaction` by 9 copies (ids suffixed -x2 ... -x10), so the pack
# has ten times as many interaction rules.
#
# By default the copies are distinct rules that do not fire on real data:
# each `pattern: '...'` becomes 'zq<k>(?:...)' and each code gets the digits
# 0<k> appended (rxnorm:10438 -> rxnorm:1043802), so the checker must
# still look at them but the output is the same as with the original pack
# (the ruleset hash aside). With --firing the copies are verbatim and fire
# with the originals (ten times the findings; measures output more than
# rule count). Predicates other than pattern and code are copied as they
# are.
#
# Assumes the block style of rules/README.md: `findings:` at column 0, each
# rule a `  - ` item; `pattern:` values on one line, quoted with ' or ", or
# plain. Exit status: 0 done, 1 nothing was multiplied, 2 usage or I/O.

set -u

die() {
  echo "gen-pack10x: $*" >&2
  exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  die "usage: gen-pack10x.sh SRC OUT [--firing]"
fi
src=$1
out=$2
firing=0
if [ $# -eq 3 ]; then
  [ "$3" = --firing ] || die "unknown option $3"
  firing=1
fi
[ -d "$src" ] || die "$src: not a directory"

tmp=$out.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp" || die "cannot create $tmp"
total=0
for f in "$src"/*.yaml; do
  [ -f "$f" ] || continue
  base=${f##*/}
  awk -v firing="$firing" -v cnt="$tmp/.count" '
    function flush(   i, k) {
      if (nitem == 0) return
      for (i = 1; i <= nitem; i++) print item[i]
      if (is_inter) {
        copies++
        for (k = 2; k <= 10; k++)
          for (i = 1; i <= nitem; i++) print variant(item[i], k)
      }
      nitem = 0
      is_inter = 0
    }
    # one line of copy k of a rule
    function variant(line, k,   pre, val, q, rest, p, tag) {
      if (line ~ /^[ -]*id:[ ]*/) {
        sub(/[ ]*(#.*)?$/, "", line)
        return line "-x" k
      }
      if (firing) return line
      tag = sprintf("%02d", k)
      # codes: system:digits -> system:digits0k
      while (match(line, /(rxnorm|ndc|snomed|omop):[0-9]+/)) {
        pre = pre substr(line, 1, RSTART + RLENGTH - 1) tag
        line = substr(line, RSTART + RLENGTH)
      }
      line = pre line
      if (match(line, /pattern:[ ]*/)) {
        pre = substr(line, 1, RSTART + RLENGTH - 1)
        rest = substr(line, RSTART + RLENGTH)
        q = substr(rest, 1, 1)
        if (q == "\047" || q == "\"") {
          p = length(rest)
          while (p > 1 && substr(rest, p, 1) != q) p--
          val = substr(rest, 2, p - 2)
          return pre q "zq" k "(?:" val ")" q substr(rest, p + 1)
        }
        sub(/[ ]+#.*$/, "", rest)
        return pre "\047zq" k "(?:" rest ")\047"
      }
      return line
    }
    /^[^ #\t]/ {
      flush()
      in_findings = ($0 ~ /^findings:[ ]*(#.*)?$/)
      print
      next
    }
    in_findings && /^  - / { flush() }
    in_findings && nitem + ($0 ~ /^  - /) > 0 {
      item[++nitem] = $0
      if ($0 ~ /^[ -]*kind:[ ]*interaction[ ]*(#.*)?$/) is_inter = 1
      next
    }
    { print }
    END { flush(); print copies + 0 > cnt }
  ' "$f" >"$tmp/$base" || die "awk failed on $f"
  total=$((total + $(cat "$tmp/.count")))
done
rm -f "$tmp/.count"
[ "$total" -gt 0 ] || {
  rm -rf "$tmp"
  echo "gen-pack10x: no interaction rule found in $src" >&2
  exit 1
}
rm -rf "$out"
mv "$tmp" "$out" || die "cannot write $out"
echo "gen-pack10x: $out: $total interaction rules, now $((total * 10))" >&2
