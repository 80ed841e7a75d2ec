#!/usr/bin/env bash
# The C/C++ package: $DIST/c/tacc-$VERSION-$PLATFORM.tar.gz, one top folder holding
#   lib/libtacc.so.$VERSION (stripped), libtacc.so.0 -> it, libtacc.so -> libtacc.so.0,
#   lib/libtacc.a (debug info stripped), include/tacc.h, include/tacc.hpp,
#   lib/cmake/tacc/ (find_package), lib/pkgconfig/ (tacc.pc, tacc-static.pc), README.
# It is the CMake package's own `cmake --install` (the files a source install gets), so the tarball
# unpacks anywhere: both config kinds find the prefix from their own folder. Reuses target/release.
. "$(dirname "$0")/common.sh"
set -euo pipefail
cd "$ROOT"

NAME="tacc-$VERSION-$PLATFORM"
OUT="$DIST/c"
BUILD="$ROOT/target/release-c"   # scratch, like the rest of target/
STAGE="$BUILD/stage/$NAME"
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)

# Tests and examples off: this builds only the library (cargo: a no-op when target/ is current).
cmake -S . -B "$BUILD/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTACC_BUILD_TESTS=OFF -DTACC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD/build" >/dev/null
rm -rf "$BUILD/stage"
cmake --install "$BUILD/build" --prefix "$STAGE" >/dev/null

# What ships is stripped: the .so of everything but its dynamic symbols; the .a of debug info
# only (its symbol tables are what a linker needs).
strip --strip-unneeded "$STAGE/lib/libtacc.so.$VERSION"
strip --strip-debug "$STAGE/lib/libtacc.a"
[ -f LICENSE ] && cp LICENSE "$STAGE/"
cat > "$STAGE/README" <<EOF
tacc $VERSION ($PLATFORM): token-aware compression for LLM text and token IDs, C and C++ package.
No Rust toolchain needed. Unpack anywhere: the CMake and pkg-config files find this folder
from their own location.

  CMake:      find_package(tacc 0.1 CONFIG REQUIRED)   with -DCMAKE_PREFIX_PATH=<this folder>
              target_link_libraries(app PRIVATE tacc::tacc)   # or tacc::tacc_static
  pkg-config: export PKG_CONFIG_PATH=<this folder>/lib/pkgconfig
              cc app.c \$(pkg-config --cflags --libs tacc) -Wl,-rpath,<this folder>/lib
              cc app.c \$(pkg-config --cflags --libs tacc-static)   # no libtacc.so at run time

lib/libtacc.so.0 is the ABI name (SONAME) programs record: any tacc 0.x.y library replaces
another. API: include/tacc.h (C99), include/tacc.hpp (C++17). License: MIT.
Documentation: docs/C.md and docs/ABI.md in the source repository.
EOF

# Reproducible: fixed order, owner and time (the last commit's), no gzip timestamp.
rm -rf "$OUT" && mkdir -p "$OUT"
mtime="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
tar -C "$BUILD/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -cf - "$NAME" | gzip -n -9 > "$OUT/$NAME.tar.gz"

printf '%s: %s bytes (libtacc.so.%s stripped: %s, libtacc.a: %s)\n' "$OUT/$NAME.tar.gz" \
    "$(stat -c %s "$OUT/$NAME.tar.gz")" "$VERSION" "$(stat -c %s "$STAGE/lib/libtacc.so.$VERSION")" \
    "$(stat -c %s "$STAGE/lib/libtacc.a")"
