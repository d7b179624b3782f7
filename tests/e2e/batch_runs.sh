#!/bin/sh
# How batch runs behave as a pipeline step (issues 6 and 7):
# - --jobs 1, 2 and 3 give byte-identical results, rejects and summaries,
#   on the fixtures and on a generated 100,000-row export;
# - files named with --out/--rejects/--summary appear only when the run
#   completes: an interrupted run (SIGINT, SIGTERM) leaves none, exits
#   130/143 and says how far it got;
# - a reader that closes the pipe ends the run quietly;
# - a write error (/dev/full) is reported and exits non-zero.
# Env: RXCHECK, SRC, WORK, GEN_EXPORT (tests/bench/gen-export).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
: "${GEN_EXPORT:?set GEN_EXPORT to tests/bench/gen-export}"

# ---- --jobs: the same bytes for every number of jobs ---------------------
"$GEN_EXPORT" 100000 11 >"$WORK/100k.csv"
for input in "$SRC/fixtures/sample_export.csv" \
  "$SRC/fixtures/fluvoxamine_golden/export.csv" \
  "$SRC/fixtures/batch_mini/input.csv" "$WORK/100k.csv"; do
  base=$(basename "$input" .csv)
  rules=""
  [ "$base" = input ] && rules="--rules $SRC/tests/packs/mini"
  for fmt in jsonl csv; do
    for j in 1 2 3; do
      # shellcheck disable=SC2086
      "$RXCHECK" batch $rules --jobs "$j" --format "$fmt" --explain \
        --rejects "$WORK/$base.$fmt.$j.rej" --summary "$WORK/$base.$fmt.$j.sum" \
        "$input" >"$WORK/$base.$fmt.$j.out" 2>/dev/null
      rc=$?
      [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "$base --jobs $j: exit $rc"
      sed -e 's/"input":"[^"]*",//' -e 's/"started":"[^"]*",//' "$WORK/$base.$fmt.$j.sum" >"$WORK/$base.$fmt.$j.sumx"
    done
    for j in 2 3; do
      for kind in out rej sumx; do
        cmp -s "$WORK/$base.$fmt.1.$kind" "$WORK/$base.$fmt.$j.$kind" ||
          fail "$base ($fmt): --jobs $j $kind differs from --jobs 1"
      done
    done
  done
done
grep -q '"rows_read":100000,' "$WORK/100k.jsonl.2.sum" ||
  fail "100k export: rows_read is not 100000"

# ---- interrupted runs leave no output file --------------------------------
# A FIFO that never closes keeps the run waiting for input, so the signal
# arrives mid-run.
for sig in INT TERM; do
  fifo="$WORK/in.$sig.fifo"
  mkfifo "$fifo"
  "$RXCHECK" batch --jobs 2 --out "$WORK/out.$sig.jsonl" \
    --rejects "$WORK/rej.$sig.csv" --summary "$WORK/sum.$sig.json" \
    "$fifo" 2>"$WORK/err.$sig" &
  pid=$!
  exec 9>"$fifo"
  head -5000 "$WORK/100k.csv" >&9
  sleep 1
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  exec 9>&-
  want=130
  [ "$sig" = TERM ] && want=143
  [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want"
  for f in "$WORK/out.$sig.jsonl" "$WORK/rej.$sig.csv" "$WORK/sum.$sig.json"; do
    [ -e "$f" ] && fail "SIG$sig: $f was written by an interrupted run"
  done
  ls "$WORK" | grep -q 'rxcheck-' && fail "SIG$sig: a temporary file was left"
  grep -q 'interrupted at line' "$WORK/err.$sig" ||
    fail "SIG$sig: no word of how far it got"
  grep -q 'rows read' "$WORK/err.$sig" || fail "SIG$sig: no summary"
done

# ---- a closed pipe ends the run quietly -----------------------------------
"$RXCHECK" batch "$WORK/100k.csv" 2>"$WORK/pipe.err" | head -1 >/dev/null
[ -s "$WORK/pipe.err" ] && fail "closed pipe: wrote to stderr: $(head -2 "$WORK/pipe.err")"

# ---- write errors are reported ----------------------------------------------
if [ -w /dev/full ]; then
  "$RXCHECK" batch "$SRC/fixtures/sample_export.csv" >/dev/full 2>"$WORK/full.err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "/dev/full: exit $rc, expected 2"
  grep -q 'writing .* failed' "$WORK/full.err" || fail "/dev/full: no error message"
fi

# ---- a complete run renames its files into place ----------------------------
"$RXCHECK" batch --out "$WORK/done.jsonl" --rejects "$WORK/done.rej" \
  "$SRC/fixtures/sample_export.csv" 2>/dev/null
[ -s "$WORK/done.jsonl" ] && [ -s "$WORK/done.rej" ] ||
  fail "a complete run did not leave its files"
ls "$WORK" | grep -q 'rxcheck-' && fail "a temporary file was left by a complete run"

# ---- a device, a FIFO or a symbolic link is written through, not replaced ---
# (run as root, replacing /dev/null or /dev/stdout would break the machine)
mkfifo "$WORK/sum.fifo"
cat "$WORK/sum.fifo" >"$WORK/fifo.out" &
reader=$!
st=0
"$RXCHECK" batch --summary "$WORK/sum.fifo" --out "$WORK/fifo.jsonl" \
  "$SRC/fixtures/sample_export.csv" 2>/dev/null || st=$?
# Should rxcheck have died before opening the FIFO, open and close it here
# (read-write: that never blocks) so that cat ends instead of hanging.
exec 8<>"$WORK/sum.fifo"
exec 8>&-
wait "$reader"
[ "$st" -le 3 ] || fail "--summary FIFO: rxcheck exited with $st"
[ -p "$WORK/sum.fifo" ] || fail "--summary FIFO was replaced by a file"
grep -q '"rows_read":300' "$WORK/fifo.out" || fail "--summary FIFO: no summary read"
: >"$WORK/target.jsonl"
ln -s target.jsonl "$WORK/link.jsonl"
"$RXCHECK" batch --out "$WORK/link.jsonl" "$SRC/fixtures/sample_export.csv" 2>/dev/null
[ -L "$WORK/link.jsonl" ] || fail "--out symlink was replaced by a file"
[ "$(wc -l <"$WORK/target.jsonl")" -eq 300 ] || fail "--out symlink: target not written"
"$RXCHECK" batch --summary /dev/stdout --out /dev/null \
  "$SRC/fixtures/sample_export.csv" >"$WORK/devstdout.json" 2>/dev/null
grep -q '"rows_read":300' "$WORK/devstdout.json" || fail "--summary /dev/stdout printed nothing"
[ -c /dev/null ] || fail "/dev/null is no longer a device"

finish
