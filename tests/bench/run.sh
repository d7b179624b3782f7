#!/bin/sh
# run.sh: the rxcheck benchmark of issue 6 (POSIX sh + awk).
#
#   sh tests/bench/run.sh BUILD_DIR
#
# BUILD_DIR holds rxcheck, gen-export, baseline and peakrss (each is also
# looked for in BUILD_DIR/tests/bench; RXCHECK, GEN_EXPORT, BASELINE and
# PEAKRSS override the paths). Generated exports are cached in
# BUILD_DIR/bench/. The baseline (a plain libcsv pass) and every rxcheck
# mode run BENCH_RUNS times (default 5), alternating, output to /dev/null;
# the table gives medians and ratios to the baseline median of the same
# invocation. See tests/bench/README.md.
#
# Environment: BENCH_RUNS (5), BENCH_SEED (42), BENCH_BIG=1 (also a
# 10M-row export, for the memory-flatness check), RXCHECK, GEN_EXPORT,
# BASELINE, PEAKRSS.
#
# Exit status: 0 every target met (n/a modes aside), 1 a target missed or
# a mode failed, 2 the harness could not run.

set -u

die() {
  echo "bench: $*" >&2
  exit 2
}

[ $# -eq 1 ] || die "usage: sh run.sh BUILD_DIR"
B=$1
[ -d "$B" ] || die "$B: not a directory"

# ---- tools ---------------------------------------------------------------

tool() { # NAME OVERRIDE
  if [ -n "$2" ]; then
    [ -x "$2" ] || die "$2: not an executable"
    echo "$2"
    return
  fi
  for d in "$B" "$B/tests/bench"; do
    if [ -x "$d/$1" ] && [ -f "$d/$1" ]; then
      echo "$d/$1"
      return
    fi
  done
  die "$1 not found in $B or $B/tests/bench (build target bench first)"
}

RXCHECK=$(tool rxcheck "${RXCHECK:-}") || exit 2
GEN=$(tool gen-export "${GEN_EXPORT:-}") || exit 2
BASELINE=$(tool baseline "${BASELINE:-}") || exit 2
PEAKRSS=$(tool peakrss "${PEAKRSS:-}") || exit 2

RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-42}
BIG=${BENCH_BIG:-0}
case $RUNS in
  "" | *[!0-9]* | 0) die "BENCH_RUNS must be a positive number" ;;
esac

DATA=$B/bench
RES=$DATA/results
LOGS=$DATA/logs
PACK10X=$DATA/pack10x
mkdir -p "$DATA" "$LOGS" || die "cannot create $DATA"
rm -rf "$RES"
mkdir -p "$RES" || die "cannot create $RES"

# ---- data ----------------------------------------------------------------

# gen ROWS FILE: (re)generates FILE unless it is there and was made by this
# very gen-export binary with the same rows and seed. Checks the row count
# with the baseline, which also warms the page cache.
gen() {
  stamp="rows=$1 seed=$SEED gen=$(cksum <"$GEN" | awk '{ print $1 $2 }')"
  if [ ! -f "$2" ] || [ "$(cat "$2.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "bench: generating $2 ($1 rows)" >&2
    rm -f "$2.stamp"
    "$GEN" "$1" "$SEED" >"$2.tmp" || die "gen-export $1 failed"
    mv "$2.tmp" "$2" || die "cannot write $2"
    echo "$stamp" >"$2.stamp"
  fi
  got=$("$BASELINE" "$2" | sed -n 's/.* rows=\([0-9]*\) .*/\1/p')
  [ "$got" = "$1" ] || die "$2: baseline counts ${got:-no} rows, expected $1"
}

F1M=$DATA/export-1m.csv
F100K=$DATA/export-100k.csv
F10M=$DATA/export-10m.csv
PROBE=$DATA/export-probe.csv
EMPTY=$DATA/export-empty.csv
gen 1000000 "$F1M"
gen 100000 "$F100K"
gen 100 "$PROBE"
gen 0 "$EMPTY"
[ "$BIG" = 1 ] && gen 10000000 "$F10M"

size_of() { wc -c <"$1" | awk '{ print $1 }'; }
BYTES_1M=$(size_of "$F1M")
BYTES_10M=0
[ "$BIG" = 1 ] && BYTES_10M=$(size_of "$F10M")

# ---- modes ---------------------------------------------------------------

ALL_MODES="baseline floor only jsonl csv jobs2 pack10x"

# run MODE FILE TAG: one measured run; appends "wall_s rss_kib status" to
# $RES/MODE.TAG and returns the command's status.
run() {
  m=$1
  file=$2
  tag=$3
  case $m in
    baseline) set -- "$BASELINE" "$file" ;;
    floor) set -- "$BASELINE" --keep-spaces "$file" ;;
    only) set -- "$RXCHECK" batch --format jsonl --only-in-scope "$file" ;;
    jsonl) set -- "$RXCHECK" batch --format jsonl "$file" ;;
    startup) set -- "$RXCHECK" batch --format jsonl "$file" ;;
    csv) set -- "$RXCHECK" batch --format csv "$file" ;;
    jobs2) set -- "$RXCHECK" batch --format jsonl --jobs 2 "$file" ;;
    pack10x)
      set -- "$RXCHECK" batch --format jsonl --only-in-scope \
        --rules "$PACK10X" "$file"
      ;;
    *) die "unknown mode $m" ;;
  esac
  rep=$RES/$m.$tag.last
  rm -f "$rep"
  "$PEAKRSS" -o "$rep" "$@" >/dev/null 2>"$LOGS/$m.$tag.err"
  [ -s "$rep" ] || die "peakrss failed for $m (see $LOGS/$m.$tag.err)"
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         print v["wall_s"], v["maxrss_kib"], v["status"] }' "$rep" \
    >>"$RES/$m.$tag"
  st=$(awk 'END { print $3 }' "$RES/$m.$tag")
  return "$st"
}

# ok MODE STATUS: rxcheck batch exits 0, 1 (--fail-on) or 3 (some rows
# rejected) when it checked the file; the baseline only 0.
ok() {
  case $1:$2 in
    baseline:0 | floor:0) ;;
    only:[013] | jsonl:[013] | csv:[013] | jobs2:[013] | pack10x:[013]) ;;
    startup:[03]) ;;
    *) return 1 ;;
  esac
}

# Probe every mode once on a 100-row export: decides which modes run.
# jobs2 may be rejected (exit 2: no --jobs yet) and pack10x may be absent;
# those are n/a. Any other failure is an error of that mode.
MODES=""
for m in $ALL_MODES; do
  if [ "$m" = pack10x ] && [ ! -d "$PACK10X" ]; then
    echo "n/a (no $PACK10X)" >"$RES/$m.note"
    continue
  fi
  run "$m" "$PROBE" probe
  st=$?
  if ok "$m" "$st"; then
    MODES="$MODES $m"
  elif [ "$m" = jobs2 ] && [ "$st" = 2 ]; then
    echo "n/a (option rejected, exit 2)" >"$RES/$m.note"
  else
    echo "ERROR (exit $st on the probe; see $LOGS/$m.probe.err)" \
      >"$RES/$m.note"
  fi
done
case " $MODES " in *" baseline "*) ;; *) die "the baseline does not run" ;; esac

# ---- measured runs -------------------------------------------------------

echo "bench: $RUNS rounds over $F1M:$MODES" >&2
r=1
while [ "$r" -le "$RUNS" ]; do
  for m in $MODES; do
    run "$m" "$F1M" 1m
    st=$?
    if ! ok "$m" "$st" && [ ! -f "$RES/$m.note" ]; then
      echo "ERROR (exit $st in round $r; see $LOGS/$m.1m.err)" \
        >"$RES/$m.note"
    fi
  done
  printf 'bench: round %d of %d done\n' "$r" "$RUNS" >&2
  r=$((r + 1))
done

# Memory flatness: every mode on the 100k-row export (3 rounds), and once
# on the 10M-row export when BENCH_BIG=1.
r=1
while [ "$r" -le 3 ]; do
  for m in $MODES; do run "$m" "$F100K" 100k; done
  r=$((r + 1))
done

# Start-up with the built-in pack over a header-only export: an upper bound
# of rule loading (issue 6, target 6: under 20 ms; reported, not checked).
r=1
while [ "$r" -le "$RUNS" ] && [ ! -f "$RES/jsonl.note" ]; do
  run startup "$EMPTY" empty
  ok startup $? || echo "bench: rxcheck failed on $EMPTY" >&2
  r=$((r + 1))
done

if [ "$BIG" = 1 ]; then
  for m in $MODES; do
    echo "bench: $m over $F10M" >&2
    run "$m" "$F10M" 10m
    st=$?
    if ! ok "$m" "$st" && [ ! -f "$RES/$m.note" ]; then
      echo "ERROR (exit $st on 10M; see $LOGS/$m.10m.err)" >"$RES/$m.note"
    fi
  done
fi

# ---- table ---------------------------------------------------------------

# median FILE COLUMN: the median of a column (for an even count, the mean of
# the two middle values); nothing when FILE does not exist.
median() {
  [ -f "$1" ] || return 0
  awk -v c="$2" '{ v[NR] = $c + 0 }
    END {
      for (i = 2; i <= NR; i++) {
        x = v[i]
        for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
        v[j + 1] = x
      }
      if (NR == 0) exit
      if (NR % 2) print v[(NR + 1) / 2]
      else print (v[NR / 2] + v[NR / 2 + 1]) / 2
    }' "$1"
}

NPROC=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo \
  2>/dev/null)

# One line a mode: mode|wall|rss|rss_100k|wall_10m|rss_10m|note
for m in $ALL_MODES; do
  note=""
  [ -f "$RES/$m.note" ] && note=$(cat "$RES/$m.note")
  printf '%s|%s|%s|%s|%s|%s|%s\n' "$m" \
    "$(median "$RES/$m.1m" 1)" "$(median "$RES/$m.1m" 2)" \
    "$(median "$RES/$m.100k" 2)" "$(median "$RES/$m.10m" 1)" \
    "$(median "$RES/$m.10m" 2)" "$note"
done >"$RES/summary"

awk -F'|' -v bytes="$BYTES_1M" -v bytes10="$BYTES_10M" -v big="$BIG" \
  -v file="$F1M" -v runs="$RUNS" -v nproc="$NPROC" -v cpu="${CPU:-?}" \
  -v startup="$(median "$RES/startup.empty" 1)" '
  {
    m = $1; order[++k] = m
    wall[m] = $2; rss[m] = $3; rss100[m] = $4
    wall10[m] = $5; rss10[m] = $6; note[m] = $7
  }
  function target_text(m) {
    if (!(m in limit)) return "-"
    if (m in versus) return sprintf("<=%.2fx %s", limit[m], versus[m])
    return sprintf("<=%.2fx base", limit[m])
  }
  END {
    label["baseline"] = "baseline (libcsv count)"
    label["floor"] = "libcsv, spaces kept"
    label["only"] = "jsonl --only-in-scope"
    label["jsonl"] = "jsonl"
    label["csv"] = "csv"
    label["jobs2"] = "jsonl --jobs 2"
    label["pack10x"] = "pack10x --only-in-scope"
    limit["only"] = 1.2; limit["jsonl"] = 1.5; limit["csv"] = 1.5
    limit["jobs2"] = 1.0; limit["pack10x"] = 1.25
    versus["pack10x"] = "only"
    RSS_MAX = 16 * 1024  # KiB
    FLAT_MAX = 1024      # KiB

    printf "rxcheck benchmark (issue 6): %s\n", file
    printf "%.1f MB, median of %d runs each, alternating; nproc %s; %s\n\n",
      bytes / 1e6, runs, nproc, cpu
    fmt = "%-24s %8s %7s %8s %8s %6s  %-14s %s\n"
    printf fmt, "mode", "median_s", "MB/s", "peak_MiB", "dRSS_MiB",
      "x_base", "target", "result"
    base = wall["baseline"] + 0
    failed = 0
    for (i = 1; i <= k; i++) {
      m = order[i]
      if (wall[m] == "") {
        printf fmt, label[m], "-", "-", "-", "-", "-", target_text(m),
          note[m]
        if (note[m] ~ /^ERROR/) failed = 1
        continue
      }
      w = wall[m] + 0
      d = (rss[m] - rss100[m]) / 1024
      if (big && rss10[m] != "") {
        d10 = (rss10[m] - rss100[m]) / 1024
        if (d10 * d10 > d * d) d = d10
      }
      if (d > -0.05 && d < 0.05) d = 0  # no "-0.0"
      res = "-"
      if (m in limit) {
        why = ""
        ref = base
        if (m in versus) ref = wall[versus[m]] + 0
        xr = ref > 0 ? w / ref : 0
        if (ref <= 0) why = why " no-reference"
        else if (xr > limit[m] + 1e-9) why = why " time"
        if (rss[m] > RSS_MAX) why = why " rss"
        if (d > FLAT_MAX / 1024 || d < -FLAT_MAX / 1024) why = why " flat"
        if (note[m] ~ /^ERROR/) why = why " " note[m]
        res = (why == "" ? "PASS" : "FAIL" why)
        if (why != "") failed = 1
        if (m in versus) res = res sprintf(" (%.2fx %s)", xr, versus[m])
      }
      printf fmt, label[m], sprintf("%.3f", w),
        sprintf("%.1f", w > 0 ? bytes / 1e6 / w : 0),
        sprintf("%.1f", rss[m] / 1024), sprintf("%+.1f", d),
        sprintf("%.2f", base > 0 ? w / base : 0), target_text(m), res
    }
    printf "\npeak_MiB: median peak RSS on 1M rows, at most 16 MiB for"
    printf " every rxcheck mode.\ndRSS_MiB: that minus the median peak RSS"
    printf " on 100k rows%s, within 1 MiB.\n",
      big ? " (or 10M minus 100k, the larger)" : ""
    printf "x_base: median wall / baseline median wall.\n"
    if (wall["floor"] != "")
      printf "libcsv, spaces kept: the baseline with the space callback" \
        " that the\n  rxcheck reader sets (spaces are data, RFC 4180): the" \
        " floor of its\n  parsing, reported, not a target.\n"
    if (startup != "")
      printf "start-up: %.1f ms (built-in pack, header-only export; rule" \
        " loading\n  should take < 20 ms: reported, not checked)\n", startup * 1000
    if (big) {
      printf "\n10M rows (%.1f MB), one run each:\n", bytes10 / 1e6
      fmt10 = "%-24s %8s %7s %8s %6s\n"
      printf fmt10, "mode", "wall_s", "MB/s", "peak_MiB", "x_base"
      b10 = wall10["baseline"] + 0
      for (i = 1; i <= k; i++) {
        m = order[i]
        if (wall10[m] == "") continue
        w = wall10[m] + 0
        printf fmt10, label[m], sprintf("%.3f", w),
          sprintf("%.1f", w > 0 ? bytes10 / 1e6 / w : 0),
          sprintf("%.1f", rss10[m] / 1024),
          sprintf("%.2f", b10 > 0 ? w / b10 : 0)
      }
    }
    print ""
    print (failed ? "bench: FAIL (a target was missed)" : "bench: PASS")
    exit failed
  }
' "$RES/summary"
