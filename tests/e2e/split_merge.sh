#!/bin/sh
# Scaling out (issue 9, point 5): an export split into chunks, each checked
# by its own rxcheck process under GNU parallel, gives the same results as
# one run, and `rxcheck summary merge` of the chunk summaries gives the
# single run's summary (apart from the run's provenance: input, inputs,
# input_sha256, started).
# - the README's recipes, run as written (rxcheck on PATH, in a scratch
#   dir, smaller chunks): `parallel --pipe -N ROWS` with each job's line
#   offset computed from its number {#}, and `parallel --pipe --block SIZE`
#   with the offsets taken from a counting pass (`wc -l` per block: the
#   same input and block size split the same way, which the test checks);
# - the Hadoop recipe's `split` and mapper script, run locally;
# - suppressions: hits per entry add up across chunks;
# - results (JSONL) and rejects concatenated in job order are byte-identical
#   to the single run's; each chunk's input_sha256 is the SHA-256 of its
#   bytes;
# - `--no-header --columns a,b,c` gives what `--header-from FILE` gives;
# - merge refusals: another ruleset hash or tool version (exit 2, the file
#   and the key named), malformed JSON (file:line:col), a file given twice.
# The test data has no quoted field spanning lines: splitting at line ends
# assumes that (README, "Scaling out").
# Env: RXCHECK, SRC, WORK, GEN_EXPORT (tests/bench/gen-export). Needs GNU
# parallel and jq (make test installs both; CI too).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
: "${GEN_EXPORT:?set GEN_EXPORT to tests/bench/gen-export}"

if ! command -v parallel >/dev/null 2>&1; then
  echo "FAIL: GNU parallel is not installed; this test needs it" \
    "(sh .ci/install-deps parallel, or make test)"
  exit 1
fi
if ! parallel --version 2>/dev/null | grep -q "GNU parallel"; then
  echo "FAIL: the 'parallel' on PATH is not GNU parallel (moreutils ships" \
    "another program of that name); install Debian's 'parallel'"
  exit 1
fi
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq is required"; exit 1; }

# The recipes call plain `rxcheck`; parallel keeps its state in WORK.
mkdir -p "$WORK/bin"
ln -s "$RXCHECK" "$WORK/bin/rxcheck"
PATH="$WORK/bin:$PATH"
PARALLEL_HOME="$WORK/.parallel"
export PATH PARALLEL_HOME

# Provenance keys: the only ones a merged summary may differ in.
NOPROV='del(.input, .inputs, .input_sha256, .started)'

# ---- the export: generated, records on one line each, two short rows ------
# gen-export writes a few quoted fields with line breaks: drop those
# records (awk counts quotes: an odd count leaves a record open). Two rows
# with too few fields go into the first and last quarters, so the chunks
# reject for different reasons (rejected_by differs per chunk).
"$GEN_EXPORT" 4000 5 |
  awk '{ rec = pending ? rec "\n" $0 : $0; n += gsub(/"/, "\"") }
       n % 2 { pending = 1; next }
       { if (!pending) print rec; pending = 0; n = 0 }' |
  awk 'NR == 150 { print "P9999150,1980-01-01,M,US" }
       NR == 3500 { print "P9999350,1980-01-01,F,GB" }
       { print }' >"$WORK/export.csv"
body_lines=$(($(wc -l <"$WORK/export.csv") - 1))
[ "$body_lines" -gt 3000 ] || fail "generated export has only $body_lines rows"

# ---- one run over the whole export ------------------------------------------
mkdir "$WORK/single"
(cd "$WORK/single" &&
  rxcheck batch ../export.csv --format jsonl --summary single.json \
    --rejects single.rej >single.jsonl 2>single.err)
rc=$?
[ "$rc" -eq 3 ] || fail "single run: exit $rc (expected 3: two rows are rejected)"
S=$WORK/single
[ "$(jq .rows_read "$S/single.json")" = "$body_lines" ] ||
  fail "single run: rows_read $(jq .rows_read "$S/single.json") is not the" \
    "$body_lines body lines (a record spans lines?)"
[ "$(jq '.rejected_by["field-count"]' "$S/single.json")" = 2 ] ||
  fail "single run: the two short rows are not rejected as field-count"
jq -c "$NOPROV" "$S/single.json" >"$S/single.cmp"

# check_split DIR NCHUNKS: the chunk outputs of a split run in DIR equal the
# single run's.
check_split() {
  d=$1 nchunks=$2 form=$(basename "$1")
  if [ ! -s "$d/results.jsonl" ] || [ ! -f "$d/chunk-1.json" ]; then
    fail "$form: the chunk runs wrote no results or summaries; stderr:" \
      "$(head -3 "$d/parallel.err" 2>/dev/null)"
    return
  fi
  cmp -s "$d/results.jsonl" "$S/single.jsonl" ||
    fail "$form: concatenated results differ from the single run"
  i=1 chunks="" rejected_chunks=0
  : >"$d/rejects.csv"
  while [ "$i" -le "$nchunks" ]; do
    [ -f "$d/chunk-$i.json" ] || fail "$form: no chunk-$i.json"
    chunks="$chunks chunk-$i.json"
    [ "$(jq .rejected "$d/chunk-$i.json" 2>/dev/null)" = 0 ] ||
      rejected_chunks=$((rejected_chunks + 1))
    tail -n +2 "$d/rejects-$i.csv" >>"$d/rejects.csv" 2>/dev/null
    i=$((i + 1))
  done
  [ -f "$d/chunk-$i.json" ] && fail "$form: more chunks than $nchunks"
  tail -n +2 "$S/single.rej" | cmp -s - "$d/rejects.csv" ||
    fail "$form: concatenated rejects differ from the single run's"
  # parallel's exit status counts the jobs that failed: rxcheck exits 3
  # for a chunk with rejected rows, 0 otherwise.
  [ "$(cat "$d/parallel.rc")" -eq "$rejected_chunks" ] ||
    fail "$form: parallel exit $(cat "$d/parallel.rc"), expected" \
      "$rejected_chunks (chunks with rejects); stderr: $(head -3 "$d/parallel.err")"
  # The README's merge command: chunk-1.json ... chunk-N.json in job order.
  (cd "$d" && n=$(ls chunk-*.json | wc -l) &&
    rxcheck summary merge $(seq -f 'chunk-%g.json' "$n") --out merged.json) ||
    fail "$form: summary merge failed"
  jq -c "$NOPROV" "$d/merged.json" >"$d/merged.cmp" ||
    fail "$form: merged summary is not JSON"
  cmp -s "$d/merged.cmp" "$S/single.cmp" || {
    fail "$form: merged summary differs from the single run's"
    diff "$d/merged.cmp" "$S/single.cmp" | cut -c1-300 | head -6
  }
  [ "$(jq '.inputs | length' "$d/merged.json")" = "$nchunks" ] ||
    fail "$form: merged inputs does not list $nchunks chunks"
  # shellcheck disable=SC2086
  earliest=$(cd "$d" && jq -s -r '[.[].started] | min' $chunks)
  [ "$(jq -r .started "$d/merged.json")" = "$earliest" ] ||
    fail "$form: merged started is not the earliest chunk start"
}

# ---- parallel --pipe -N ROWS (README recipe) ---------------------------------
ROWS=$(((body_lines + 3) / 4)) # four chunks
mkdir "$WORK/n"
cp "$WORK/export.csv" "$WORK/n/"
(
  cd "$WORK/n" || exit 2
  tail -n +2 export.csv |
    parallel --pipe -N "$ROWS" --keep-order -j4 \
      'rxcheck batch - --no-header --header-from export.csv \
         --line-offset $(( ({#} - 1) * '"$ROWS"' + 1 )) \
         --summary chunk-{#}.json --rejects rejects-{#}.csv' \
      >results.jsonl 2>parallel.err
  echo $? >parallel.rc
)
check_split "$WORK/n" 4
# A chunk's input_sha256 is the SHA-256 of the bytes it read.
want=$(sed -n "2,$((ROWS + 1))p" "$WORK/export.csv" | sha256sum | cut -c1-64)
[ "$(jq -r '.input_sha256' "$WORK/n/chunk-1.json")" = "$want" ] ||
  fail "-N: chunk 1's input_sha256 is not the SHA-256 of its rows"
[ "$(jq -r '.inputs[1].input_sha256' "$WORK/n/merged.json")" = \
  "$(jq -r '.input_sha256' "$WORK/n/chunk-2.json")" ] ||
  fail "-N: merged inputs[1] is not chunk 2's"

# ---- parallel --pipe --block SIZE (README recipe) ------------------------------
# First pass: each block's line count, then each block's first line.
SIZE=$(($(tail -n +2 "$WORK/export.csv" | wc -c) / 4 + 4096))
mkdir "$WORK/block"
cp "$WORK/export.csv" "$WORK/block/"
(
  cd "$WORK/block" || exit 2
  tail -n +2 export.csv |
    parallel --pipe --block "$SIZE" --keep-order wc -l >counts
  awk 'BEGIN { n = 1 } { print n; n += $1 }' counts >offsets
  tail -n +2 export.csv |
    parallel --pipe --block "$SIZE" --keep-order -j4 \
      'rxcheck batch - --no-header --header-from export.csv \
         --line-offset $(sed -n {#}p offsets) \
         --summary chunk-{#}.json --rejects rejects-{#}.csv' \
      >results.jsonl 2>parallel.err
  echo $? >parallel.rc
)
B=$WORK/block
nblocks=$(wc -l <"$B/counts")
[ "$nblocks" -eq 4 ] || fail "--block $SIZE: $nblocks blocks, expected 4"
[ "$(awk '{ s += $1 } END { print s }' "$B/counts")" = "$body_lines" ] ||
  fail "--block: the blocks' line counts do not add up to the body's"
check_split "$B" "$nblocks"
# The second pass split as the first: each chunk read the lines counted.
i=1
while [ "$i" -le "$nblocks" ]; do
  [ "$(jq .rows_read "$B/chunk-$i.json")" = "$(sed -n "${i}p" "$B/counts")" ] ||
    fail "--block: chunk $i read other lines than the counting pass saw"
  i=$((i + 1))
done

# ---- the Hadoop recipe's chunk files and mapper, run locally ------------------
# Not Hadoop: the README's `split` command and mapper script (rxcheck-map.sh,
# copied here with ROWS set), run once per chunk file as a map task would
# run it (mapreduce_map_input_file set, the file's lines on stdin), with a
# stand-in `hdfs dfs -put -f` that copies into WORK/hadoop/hdfs.
H=$WORK/hadoop
mkdir -p "$H/hdfs"
cat >"$WORK/bin/hdfs" <<'EOF_HDFS'
#!/bin/sh
# hdfs dfs -put -f FILE... DIR, into $HDFS_ROOT
[ "$1 $2 $3" = "dfs -put -f" ] || { echo "fake hdfs: $*" >&2; exit 2; }
shift 3
for dest; do :; done
mkdir -p "$HDFS_ROOT$dest" || exit 1
while [ $# -gt 1 ]; do cp "$1" "$HDFS_ROOT$dest/" || exit 1; shift; done
EOF_HDFS
chmod +x "$WORK/bin/hdfs"
cat >"$H/rxcheck-map.sh" <<'EOF_MAP'
#!/bin/sh
# The mapper: one chunk file per map task (a .gz file is never split);
# its name chunk-NNNNNN.csv.gz says it is chunk NNNNNN of ROWS rows.
ROWS=1000000
name=$(basename "$mapreduce_map_input_file" .csv.gz)
k=$(expr "${name#chunk-}" + 0)
rc=0
rxcheck batch - --no-header --header-from header.csv \
  --line-offset $((k * ROWS + 1)) \
  --out "$name.jsonl" --rejects "$name.rejects.csv" --summary "$name.json" ||
  rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"
hdfs dfs -put -f "$name.jsonl" "$name.rejects.csv" "$name.json" /exports/checked
EOF_MAP
sed -i "s/^ROWS=1000000\$/ROWS=$ROWS/" "$H/rxcheck-map.sh"
(
  cd "$H" || exit 2
  head -1 ../export.csv >header.csv
  tail -n +2 ../export.csv |
    split -l "$ROWS" -d -a 6 --additional-suffix=.csv \
      --filter='gzip > $FILE.gz' - chunk-
  for f in chunk-*.csv.gz; do
    mkdir "task-$f" && cp rxcheck-map.sh header.csv "task-$f/" || exit 2
    (cd "task-$f" && zcat "../$f" |
      HDFS_ROOT=$H/hdfs mapreduce_map_input_file=hdfs://nn/exports/chunks/$f \
        sh ./rxcheck-map.sh) 2>>map.err || echo "$f: mapper exit $?" >>map.err
  done
)
grep -q "mapper exit" "$H/map.err" && fail "hadoop: $(grep "mapper exit" "$H/map.err" | head -2)"
out=$H/hdfs/exports/checked
if [ -f "$out/chunk-000000.json" ]; then
  [ "$(ls "$out"/chunk-*.json | wc -l)" -eq 4 ] || fail "hadoop: not 4 chunk summaries"
  cat "$out"/chunk-*.jsonl | cmp -s - "$S/single.jsonl" ||
    fail "hadoop: the chunks' results, in name order, differ from the single run"
  (cd "$out" && rxcheck summary merge chunk-*.json) | jq -c "$NOPROV" |
    cmp -s - "$S/single.cmp" ||
    fail "hadoop: merged summary differs from the single run's"
else
  fail "hadoop: the mappers wrote nothing; stderr: $(head -3 "$H/map.err")"
fi

# ---- suppressions across chunks --------------------------------------------------
# The same suppression file in every chunk: hits per entry add up to the
# single run's (one entry matches, one is expired).
cat >"$H/sup.yaml" <<'EOF_SUP'
suppressions:
  - rule: age-elderly
    reason: Reviewed by the geriatrics team.
    owner: audit@pharmacy.example
    expires: 2099-12-31
  - rule: int-warfarin
    reason: Superseded.
    owner: audit@pharmacy.example
    expires: 2001-01-01
EOF_SUP
(
  cd "$H" || exit 2
  rxcheck batch ../export.csv --suppress sup.yaml --summary sup-single.json \
    >/dev/null 2>&1
  k=0
  for f in chunk-*.csv.gz; do
    zcat "$f" | rxcheck batch - --no-header --header-from header.csv \
      --line-offset $((k * ROWS + 1)) --suppress sup.yaml \
      --summary "sup-$f.json" >/dev/null 2>&1
    k=$((k + 1))
  done
  rxcheck summary merge sup-chunk-*.json --out sup-merged.json
) || fail "suppressions: merge failed"
if [ -f "$H/sup-merged.json" ]; then
  [ "$(jq -c "$NOPROV" "$H/sup-merged.json")" = \
    "$(jq -c "$NOPROV" "$H/sup-single.json")" ] ||
    fail "suppressions: merged summary differs from the single run's"
  [ "$(jq '.suppressions[0].hits' "$H/sup-merged.json")" -gt 0 ] ||
    fail "suppressions: the age-elderly entry has no hits (test data?)"
fi

# ---- --columns instead of --header-from -----------------------------------------
first=$((ROWS + 2)) last=$((2 * ROWS + 1)) # chunk 2 of the -N split
cols=$(head -1 "$WORK/export.csv")
sed -n "${first},${last}p" "$WORK/export.csv" >"$WORK/chunk2.csv"
rxcheck batch - --no-header --header-from "$WORK/export.csv" \
  --line-offset $((first - 1)) --summary "$WORK/hf.json" \
  <"$WORK/chunk2.csv" >"$WORK/hf.jsonl" 2>"$WORK/hf.err"
rc1=$?
rxcheck batch - --no-header --columns "$cols" \
  --line-offset $((first - 1)) --summary "$WORK/cols.json" \
  <"$WORK/chunk2.csv" >"$WORK/cols.jsonl" 2>"$WORK/cols.err"
rc2=$?
[ "$rc1" -eq "$rc2" ] || fail "--columns: exit $rc2, --header-from: exit $rc1"
[ -s "$WORK/cols.jsonl" ] || fail "--columns: no output ($(head -2 "$WORK/cols.err"))"
cmp -s "$WORK/hf.jsonl" "$WORK/cols.jsonl" ||
  fail "--columns output differs from --header-from output"
[ "$(jq -c "del(.started)" "$WORK/hf.json")" = \
  "$(jq -c "del(.started)" "$WORK/cols.json")" ] ||
  fail "--columns summary differs from --header-from summary"
[ "$(head -1 "$WORK/cols.jsonl" | jq .line)" = "$first" ] ||
  fail "--columns: the first row does not report line $first"

# ---- merge refusals ------------------------------------------------------------
N=$WORK/n
cd "$N" || exit 2
jq -c '.ruleset.hash = "sha256:0000"' chunk-3.json >other-hash.json
rxcheck summary merge chunk-1.json chunk-2.json other-hash.json chunk-4.json \
  >/dev/null 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || fail "merge with another ruleset hash: exit $rc, expected 2"
grep -q "other-hash.json: .ruleset.hash differs from chunk-1.json" err.txt ||
  fail "merge with another ruleset hash: message '$(cat err.txt)'"

jq -c '.tool.version = "0.0.1"' chunk-2.json >other-tool.json
rxcheck summary merge chunk-1.json other-tool.json >/dev/null 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || fail "merge with another tool version: exit $rc, expected 2"
grep -q "other-tool.json: .tool.version differs" err.txt ||
  fail "merge with another tool version: message '$(cat err.txt)'"

printf '{"tool": {"name": "rxcheck"},\n  "rows_read": 12,,\n}\n' >malformed.json
rxcheck summary merge chunk-1.json malformed.json >/dev/null 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || fail "merge of malformed JSON: exit $rc, expected 2"
grep -q "^rxcheck: malformed.json:2:19: expected string or '}' near ','" err.txt ||
  fail "merge of malformed JSON: message '$(cat err.txt)'"

rxcheck summary merge chunk-1.json chunk-2.json chunk-1.json >/dev/null 2>err.txt
rc=$?
[ "$rc" -eq 2 ] && grep -q "chunk-1.json: given twice" err.txt ||
  fail "merge of a file given twice: exit $rc, '$(cat err.txt)'"

rxcheck summary merge chunk-1.json results.jsonl >/dev/null 2>err.txt
rc=$?
[ "$rc" -eq 2 ] && grep -q "results.jsonl:2:1: expected end of file" err.txt ||
  fail "merge of a JSONL file: exit $rc, '$(cat err.txt)'"

# --out: the merged file appears whole; nothing on standard output.
rxcheck summary merge chunk-1.json chunk-2.json --out two.json >out.txt 2>&1 ||
  fail "merge --out failed: $(cat out.txt)"
[ -s out.txt ] && fail "merge --out printed: $(cat out.txt)"
[ "$(jq .rows_read two.json)" = $((2 * ROWS)) ] ||
  fail "merge --out: rows_read is not $((2 * ROWS))"

finish "split_merge: -N and --block splits equal one run (results, rejects, summary)"
