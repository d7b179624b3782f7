#!/bin/sh
# The Debian package (what `make deb` builds): cpack -G DEB from this build
# tree, then
#   - its control fields: name, version, and Depends naming the package of
#     every shared library the tool and librxcheck.so load (found with ldd
#     and dpkg -S, so a new dependency cannot go undeclared);
#   - its contents: /usr/bin/rxcheck, the libraries, headers, rxcheck.pc
#     saying prefix=/usr, the CMake package, packs, man pages, completions;
#   - unpacked with dpkg -x into a temporary root, its rxcheck --version
#     runs and names the version and the packs.
# Skipped (exit 77) when dpkg-deb is missing.
# Environment: BUILD, SRC, WORK, VERSION, CPACK, MAN_DIR, SAN_FLAGS (set in
# sanitizer builds).
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool is missing"; exit 77; }
done
rm -rf "$WORK" && mkdir -p "$WORK"

(cd "$WORK" && "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/out") \
  > "$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$WORK"/out/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$WORK/cpack.log" >&2; fail "cpack made no .deb"; }
echo "built ${deb##*/}"

# ---- control fields ---------------------------------------------------------------
[ "$(dpkg-deb -f "$deb" Package)" = rxcheck ] || fail "Package is not rxcheck"
[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || fail "Version is not $VERSION"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for p in libc6 libcsv3 libpcre2-8-0 libyaml-0-2 libnettle8; do
  echo ", $depends," | grep -q ", $p[ ,(]" || fail "Depends lacks $p"
done

# ---- contents -----------------------------------------------------------------------
ROOT=$WORK/root
dpkg -x "$deb" "$ROOT"
for f in usr/bin/rxcheck usr/include/rxcheck/rxcheck.h \
         usr/share/rxcheck/rules/fluvoxamine/pack.yaml \
         usr/share/bash-completion/completions/rxcheck \
         usr/share/zsh/vendor-completions/_rxcheck; do
  [ -e "$ROOT/$f" ] || fail "the package lacks /$f"
done
if [ -n "${MAN_DIR:-}" ]; then
  [ -e "$ROOT/usr/share/man/man1/rxcheck.1" ] || fail "the package lacks rxcheck.1"
  [ -e "$ROOT/usr/share/man/man5/rxcheck-rules.5" ] || fail "the package lacks rxcheck-rules.5"
fi
pc=$(cd "$ROOT" && find usr -name rxcheck.pc | head -n 1)
[ -n "$pc" ] || fail "the package lacks rxcheck.pc"
grep -qx 'prefix=/usr' "$ROOT/$pc" || fail "/$pc does not say prefix=/usr: $(grep '^prefix' "$ROOT/$pc")"
libdir=$ROOT/${pc%/pkgconfig/rxcheck.pc}
so=$(ls "$libdir"/librxcheck.so.*.*.* 2>/dev/null | head -n 1)
[ -n "$so" ] || fail "the package lacks librxcheck.so.$VERSION"
[ -f "$libdir/librxcheck.a" ] || fail "the package lacks librxcheck.a"
[ -f "$libdir/cmake/rxcheck/rxcheck-config.cmake" ] || fail "the package lacks the CMake package"
if find "$ROOT" -path '*/include/*' -name '*.h' ! -path '*/include/rxcheck/*' | grep . >&2; then
  fail "the package holds headers outside include/rxcheck (above)"
fi

# ---- every runtime library is declared --------------------------------------------
if command -v ldd >/dev/null 2>&1; then
  for bin in "$ROOT/usr/bin/rxcheck" "$so"; do
    ldd "$bin" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
  done | sort -u > "$WORK/needed"
  while read -r lib; do
    case ${lib##*/} in
      libasan*|libubsan*|liblsan*|libtsan*) continue ;; # sanitizer builds
    esac
    real=$(readlink -f "$lib")
    owner=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true)
    owner=$(echo "$owner" | head -n 1 | sed 's/:.*//')
    [ -n "$owner" ] || { echo "note: no package owns $lib"; continue; }
    echo ", $depends," | grep -q ", $owner[ ,(]" && continue
    # A sanitizer build pulls in the runtimes' own needs (libgcc_s ...):
    # not what a release package ships, so only noted there.
    if [ -n "${SAN_FLAGS:-}" ]; then
      echo "note: sanitizer build needs $lib ($owner), not in Depends"
      continue
    fi
    fail "rxcheck needs $lib (package $owner), which Depends does not declare"
  done < "$WORK/needed"
fi

# ---- the unpacked tool runs ---------------------------------------------------------
"$ROOT/usr/bin/rxcheck" --version > "$WORK/version" || fail "rxcheck --version from the package failed"
cat "$WORK/version"
head -n 1 "$WORK/version" | grep -qx "rxcheck $VERSION" || fail "the packaged rxcheck is not $VERSION"
grep -q '^pack fluvoxamine ' "$WORK/version" || fail "the packaged rxcheck lists no fluvoxamine pack"
"$ROOT/usr/bin/rxcheck" rules lint "$ROOT/usr/share/rxcheck/rules" > /dev/null ||
  fail "the packaged rule packs do not lint"
echo "ok: ${deb##*/}"
