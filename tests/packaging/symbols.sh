#!/bin/sh
# The shared library exports exactly the functions the public headers mark
# RXC_API: every one of them, nothing else (no engine internals, no rxc__
# helpers, no data), and its SONAME carries the major version.
# Environment: LIB (librxcheck.so), SRC, SOVERSION, WORK.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v nm >/dev/null 2>&1 || { echo "skip: nm is missing"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK"

# What the library exports (defined, dynamic), without the symbols every
# ELF object has.
nm -D --defined-only "$LIB" | awk '{print $NF}' |
  grep -v -E '^(_init|_fini|_edata|_end|__bss_start)$' | sort -u > "$WORK/exported"

# What the headers declare RXC_API: the name before the '(' of each
# declaration (declarations may span lines), with comments and preprocessor
# lines (continued ones too) left out. perl is essential in Debian.
cat "$SRC"/include/rxcheck/*.h | perl -0777 -ne '
  s{/\*.*?\*/}{ }gs;
  s{^[ \t]*\#(?:[^\n]*\\\n)*[^\n]*}{}mg;
  print "$1\n" while /\bRXC_API\b[^;(]*?\b(\w+)\s*\(/g;' | sort -u > "$WORK/declared"

n=$(wc -l < "$WORK/exported")
[ "$n" -gt 0 ] || fail "$LIB exports nothing"
if grep -v '^rxc_' "$WORK/exported" > "$WORK/foreign"; then
  fail "exported symbols not named rxc_*: $(tr '\n' ' ' < "$WORK/foreign")"
fi
if grep '^rxc__' "$WORK/exported" > "$WORK/internal"; then
  fail "internal rxc__ symbols exported: $(tr '\n' ' ' < "$WORK/internal")"
fi
if ! diff -u "$WORK/declared" "$WORK/exported" > "$WORK/diff"; then
  cat "$WORK/diff" >&2
  fail "exports differ from the RXC_API declarations ('-' declared only, '+' exported only)"
fi
# Functions only: no exported data.
if nm -D --defined-only "$LIB" | awk '$2 != "T" && $2 != "W" && $NF ~ /^rxc_/' | grep . >&2; then
  fail "exported symbols that are not functions (above)"
fi

if command -v readelf >/dev/null 2>&1; then
  soname=$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "librxcheck.so.$SOVERSION" ] ||
    fail "SONAME is '$soname', expected librxcheck.so.$SOVERSION"
fi
echo "ok: $n symbols exported, all rxc_*, exactly the RXC_API declarations; SONAME librxcheck.so.$SOVERSION"
