#!/bin/sh
# cmake --install to a temporary prefix, then use what was installed the way
# a downstream user would:
#   - the tree: tool, shared library (SONAME, links), static library, the
#     public headers and no internal one, rxcheck.pc, the CMake package, the
#     rule packs, man pages, completions;
#   - the installed tool runs, and its packs are the built-in ones;
#   - each public header compiles on its own (C11, -pedantic);
#   - the example program (tests/examples/check_records.c) built with
#     pkg-config (shared, and static with --static) and with CMake
#     (rxcheck::rxcheck and rxcheck::rxcheck_static), each run and its
#     output compared with check_records.expected.
# Environment: BUILD, SRC, WORK, VERSION, SOVERSION, CMAKE, CC, SAN_FLAGS,
# MAN_DIR (empty when scdoc was not found).
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
P=$WORK/prefix
rm -rf "$WORK" && mkdir -p "$WORK"
EX=$SRC/tests/examples
EXPECTED=$EX/check_records.expected

"$CMAKE" --install "$BUILD" --prefix "$P" > "$WORK/install.log" ||
  { cat "$WORK/install.log" >&2; fail "cmake --install failed"; }

# ---- the tree -----------------------------------------------------------------
# The library directory is whatever GNUInstallDirs chose (lib, lib64 ...).
pc=$(cd "$P" && ls -d lib*/pkgconfig/rxcheck.pc 2>/dev/null | head -n 1)
[ -n "$pc" ] || fail "no rxcheck.pc under $P/lib*/pkgconfig"
libdir=$P/${pc%/pkgconfig/rxcheck.pc}
for f in bin/rxcheck \
         share/rxcheck/rules/README.md share/rxcheck/rules/fluvoxamine/pack.yaml \
         share/bash-completion/completions/rxcheck share/zsh/site-functions/_rxcheck; do
  [ -f "$P/$f" ] || fail "not installed: $f"
done
[ -x "$P/bin/rxcheck" ] || fail "bin/rxcheck is not executable"
[ -f "$libdir/librxcheck.a" ] || fail "no static library librxcheck.a"
[ -f "$libdir/librxcheck.so.$VERSION" ] || fail "no librxcheck.so.$VERSION"
[ "$(readlink "$libdir/librxcheck.so.$SOVERSION")" = "librxcheck.so.$VERSION" ] ||
  fail "librxcheck.so.$SOVERSION does not link to librxcheck.so.$VERSION"
[ "$(readlink "$libdir/librxcheck.so")" = "librxcheck.so.$SOVERSION" ] ||
  fail "librxcheck.so does not link to librxcheck.so.$SOVERSION"
if command -v readelf >/dev/null 2>&1; then
  readelf -d "$libdir/librxcheck.so.$VERSION" | grep -q "SONAME.*\[librxcheck.so.$SOVERSION\]" ||
    fail "installed library's SONAME is not librxcheck.so.$SOVERSION"
fi
for f in rxcheck-config.cmake rxcheck-config-version.cmake rxcheck-targets.cmake; do
  [ -f "$libdir/cmake/rxcheck/$f" ] || fail "not installed: cmake/rxcheck/$f"
done
if [ -n "${MAN_DIR:-}" ]; then
  [ -f "$P/share/man/man1/rxcheck.1" ] || fail "not installed: man1/rxcheck.1"
  [ -f "$P/share/man/man5/rxcheck-rules.5" ] || fail "not installed: man5/rxcheck-rules.5"
else
  echo "note: scdoc was not found at configure time: no man pages to check"
fi
# Exactly the public headers: engine/*.h are internal.
(cd "$SRC/include/rxcheck" && ls *.h) > "$WORK/headers.want"
(cd "$P/include/rxcheck" && ls) > "$WORK/headers.got"
diff -u "$WORK/headers.want" "$WORK/headers.got" ||
  fail "installed headers differ from include/rxcheck/*.h"
[ "$(find "$P/include" -type f | wc -l)" -eq "$(wc -l < "$WORK/headers.want")" ] ||
  fail "files other than include/rxcheck/*.h under include/"
# Installed rule packs: all of rules/, the same ones the binary carries.
(cd "$SRC/rules" && find . -name '*.yaml' | sort) > "$WORK/rules.want"
(cd "$P/share/rxcheck/rules" && find . -name '*.yaml' | sort) > "$WORK/rules.got"
diff -u "$WORK/rules.want" "$WORK/rules.got" || fail "installed rule packs differ from rules/"

# ---- the installed tool ---------------------------------------------------------
"$P/bin/rxcheck" --version > "$WORK/version" || fail "installed rxcheck --version failed"
head -n 1 "$WORK/version" | grep -qx "rxcheck $VERSION" ||
  fail "installed rxcheck --version says '$(head -n 1 "$WORK/version")'"
grep -q '^pack fluvoxamine ' "$WORK/version" || fail "--version does not list the fluvoxamine pack"
"$P/bin/rxcheck" rules test "$P/share/rxcheck/rules" > "$WORK/rules_test" ||
  { cat "$WORK/rules_test" >&2; fail "rules test on the installed packs failed"; }
"$P/bin/rxcheck" rules diff "$SRC/rules" "$P/share/rxcheck/rules" > "$WORK/rules_diff" ||
  { cat "$WORK/rules_diff" >&2; fail "the installed packs differ from rules/"; }

# ---- headers: each compiles on its own -------------------------------------------
for h in "$P"/include/rxcheck/*.h; do
  printf '#include <rxcheck/%s>\nint main(void) { return 0; }\n' "${h##*/}" > "$WORK/h.c"
  # shellcheck disable=SC2086
  $CC -std=c11 -Wall -Wextra -Werror -pedantic -I"$P/include" -fsyntax-only "$WORK/h.c" ||
    fail "rxcheck/${h##*/} does not compile on its own"
done

# ---- consumers -------------------------------------------------------------------
check_output() { # PROGRAM LABEL [env...]
  prog=$1 label=$2
  shift 2
  env "$@" "$prog" > "$WORK/$label.out" || fail "$label: the example exited with $?"
  diff -u "$EXPECTED" "$WORK/$label.out" || fail "$label: output differs from check_records.expected"
  echo "ok: $label"
}
needs_shared() { # PROGRAM: yes when it loads librxcheck.so
  readelf -d "$1" 2>/dev/null | grep -q "NEEDED.*\[librxcheck.so.$SOVERSION\]"
}

export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion rxcheck)" = "$VERSION" ] || fail "pkg-config --modversion rxcheck"
[ "$(pkg-config --variable=rulesdir rxcheck)" = "$P/share/rxcheck/rules" ] ||
  fail "pkg-config rulesdir is '$(pkg-config --variable=rulesdir rxcheck)'"

# pkg-config, shared library.
# shellcheck disable=SC2046,SC2086
$CC -std=c11 $SAN_FLAGS -o "$WORK/ex_pc" "$EX/check_records.c" \
  $(pkg-config --cflags --libs rxcheck) || fail "pkg-config (shared): build failed"
needs_shared "$WORK/ex_pc" || fail "pkg-config (shared): not linked to librxcheck.so.$SOVERSION"
check_output "$WORK/ex_pc" pkg-config-shared LD_LIBRARY_PATH="$libdir"

# pkg-config --static, the static library (by path: -lrxcheck picks the .so).
libs=$(pkg-config --static --libs rxcheck | sed "s|-lrxcheck|$libdir/librxcheck.a|")
# shellcheck disable=SC2046,SC2086
$CC -std=c11 $SAN_FLAGS -DRXC_STATIC -o "$WORK/ex_pc_static" "$EX/check_records.c" \
  $(pkg-config --cflags rxcheck) $libs || fail "pkg-config (static): build failed"
needs_shared "$WORK/ex_pc_static" && fail "pkg-config (static): linked to the shared library"
check_output "$WORK/ex_pc_static" pkg-config-static

# CMake: find_package(rxcheck), both targets.
for kind in shared static; do
  static=OFF
  [ "$kind" = static ] && static=ON
  "$CMAKE" -S "$EX" -B "$WORK/cmake-$kind" -DCMAKE_PREFIX_PATH="$P" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$SAN_FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="$SAN_FLAGS" -DRXC_EXAMPLE_STATIC=$static \
    > "$WORK/cmake-$kind.log" 2>&1 ||
    { cat "$WORK/cmake-$kind.log" >&2; fail "CMake ($kind): configure failed"; }
  "$CMAKE" --build "$WORK/cmake-$kind" >> "$WORK/cmake-$kind.log" 2>&1 ||
    { cat "$WORK/cmake-$kind.log" >&2; fail "CMake ($kind): build failed"; }
  prog=$WORK/cmake-$kind/check_records
  if [ "$kind" = shared ]; then
    needs_shared "$prog" || fail "CMake (shared): not linked to librxcheck.so.$SOVERSION"
  else
    needs_shared "$prog" && fail "CMake (static): linked to the shared library"
  fi
  # No LD_LIBRARY_PATH: CMake gives an imported library's directory as RPATH.
  check_output "$prog" "cmake-$kind"
done
echo "ok: installed to $P; consumers built with pkg-config and CMake"
