#!/bin/sh
# report-demo.sh - the HTML report of the sample export, and a screenshot
# of it, to look at (`make report-demo`):
#   build/report-demo.html  rxcheck batch fixtures/sample_export.csv
#                           --suppress fixtures/sarif/suppress.yaml --report
#   build/report-demo.png   headless Chromium, 1200 x 1600
# Env: RXCHECK (default build/rxcheck), CHROMIUM (default chromium),
# BUILD (default build). Run from anywhere; paths are from the source tree.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
RXCHECK=${RXCHECK:-$BUILD/rxcheck}
CHROMIUM=${CHROMIUM:-chromium}

[ -x "$RXCHECK" ] || { echo "report-demo: no $RXCHECK (build first)" >&2; exit 2; }
command -v "$CHROMIUM" >/dev/null 2>&1 ||
  { echo "report-demo: $CHROMIUM not found (apt-get install chromium)" >&2; exit 2; }

html="$BUILD/report-demo.html"
png="$BUILD/report-demo.png"
# Relative names, so the page shows them as a user would type them.
cd "$here"
rc=0
"$RXCHECK" batch fixtures/sample_export.csv \
  --suppress fixtures/sarif/suppress.yaml --report "$html" \
  --out /dev/null 2>/dev/null || rc=$?
# 3: some rows rejected; the report is written all the same.
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] ||
  { echo "report-demo: rxcheck exited $rc" >&2; exit 1; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$profile" --window-size=1200,1600 \
  --screenshot="$png" "file://$html" >/dev/null 2>&1
[ -s "$png" ] || { echo "report-demo: no screenshot was written" >&2; exit 1; }
echo "report-demo: $html"
echo "report-demo: $png"
