#!/usr/bin/env bash
# CI for the C ABI, its header, the CMake package and the C/C++ examples and tests, then the release
# tarball (dist/c, made by tools/release/c.sh if missing) unpacked into $WORK/prefix and used by
# CMake and pkg-config consumers with no Rust toolchain (.ci/go.sh links the same prefix). Run from
# the repository root (by .ci/run, after `cargo build --release`), on a fresh machine: it installs
# what it needs. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
CBINDGEN_VERSION=0.29.2
# VERSION, PLATFORM, DIST: the release scripts' own names for the artefact.
# shellcheck source=tools/release/common.sh
. tools/release/common.sh
WORK="${TACC_CI_WORK:-$(mktemp -d /tmp/tacc-c-go.XXXXXX)}"
PREFIX="$WORK/prefix"
JOBS="${TACC_CI_JOBS:-2}"
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - START))" "$*"; }

# ---- Tools ----------------------------------------------------------------------------------------
step "tools"
missing=()
for tool in pkg-config cmake ninja gcc g++; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    pkgs=()
    for t in "${missing[@]}"; do
        case "$t" in ninja) pkgs+=(ninja-build) ;; *) pkgs+=("$t") ;; esac
    done
    echo "installing: ${pkgs[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
cbindgen --version; cmake --version | sed -n 1p; go version

# ---- Header drift -------------------------------------------------------------------------------
step "header drift check (cbindgen $CBINDGEN_VERSION)"
tools/gen-header.sh --check

# ---- docs/SERVERS.md shows its two programs verbatim ----------------------------------------------
step "docs/SERVERS.md: the C++ and Go server snippets are the tested files"
# Each `<!-- verbatim: FILE -->` line is followed by a fenced block that must be FILE, byte for byte.
grep -oE '<!-- verbatim: [^ ]+ -->' docs/SERVERS.md | sed -E 's/<!-- verbatim: ([^ ]+) -->/\1/' |
while read -r f; do
    awk -v f="$f" '
        $0 == "<!-- verbatim: " f " -->" { want = 1; next }
        want == 1 && /^```/ { want = 2; next }
        want == 2 && /^```$/ { exit }
        want == 2 { print }' docs/SERVERS.md | diff -u "$f" - || { echo "docs/SERVERS.md: $f differs" >&2; exit 1; }
    echo "$f: verbatim"
done
[ "$(grep -c '<!-- verbatim:' docs/SERVERS.md)" = 2 ]

# ---- CMake: build, CTest, install ----------------------------------------------------------------
step "cmake configure + build (shared and static tests, examples)"
cmake -S . -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$WORK/build" -j "$JOBS"
step "ctest"
(cd "$WORK/build" && ctest --output-on-failure -j "$JOBS" -E '^test_hostile$')
step "ctest: hostile payloads (issue 12; each case in a child, peak RSS and CPU bounded)"
(cd "$WORK/build" && ctest --output-on-failure -V -R '^test_hostile$')
step "in-tree binaries record the ABI name: NEEDED libtacc.so.0 (build/lib: $(cd "$WORK/build/lib" && echo libtacc*))"
readelf -d "$WORK/build/tests/c/test_api_shared" | grep -F '(NEEDED)' | grep -F '[libtacc.so.0]'
[ "$(readlink "$WORK/build/lib/libtacc.so.0")" = "libtacc.so.$VERSION" ]
[ "$(readlink "$WORK/build/lib/libtacc.so")" = "libtacc.so.0" ]

# ---- The release tarball, unpacked into a clean prefix (also what .ci/go.sh links) ---------------
TARBALL="$DIST/c/tacc-$VERSION-$PLATFORM.tar.gz"
step "release tarball $(basename "$TARBALL") into a clean prefix: $PREFIX"
# .ci/run makes dist/ first (tools/release.sh); by hand, make the C part now.
[ -f "$TARBALL" ] || bash tools/release/c.sh
# One top folder, tacc-<version>-<platform>/, and nothing outside it.
[ "$(tar -tzf "$TARBALL" | cut -d/ -f1 | sort -u)" = "tacc-$VERSION-$PLATFORM" ]
rm -rf "$PREFIX" && mkdir -p "$PREFIX"
tar -xzf "$TARBALL" -C "$PREFIX" --strip-components=1
(cd "$PREFIX" && find . \( -type f -o -type l \) -printf '%M %10s %p %l\n' | sort -k3)
[ "$(readlink "$PREFIX/lib/libtacc.so.0")" = "libtacc.so.$VERSION" ]
[ "$(readlink "$PREFIX/lib/libtacc.so")" = "libtacc.so.0" ]
readelf -d "$PREFIX/lib/libtacc.so.$VERSION" | grep -F '(SONAME)' | grep -F '[libtacc.so.0]'
if readelf -S "$PREFIX/lib/libtacc.so.$VERSION" | grep -E '\.debug_|\.symtab' >/dev/null; then
    echo "libtacc.so.$VERSION is not stripped" >&2; exit 1
fi
if readelf -S "$PREFIX/lib/libtacc.a" | grep -F '.debug_' >/dev/null; then echo "libtacc.a has debug info" >&2; exit 1; fi
echo "tarball $(stat -c %s "$TARBALL") bytes; libtacc.so.$VERSION $(stat -c %s "$PREFIX/lib/libtacc.so.$VERSION") bytes (stripped); libtacc.a $(stat -c %s "$PREFIX/lib/libtacc.a") bytes"
# The static library's system libraries come from rustc, not from a list in the repository.
grep -F 'INTERFACE_LINK_LIBRARIES' "$PREFIX/lib/cmake/tacc/taccConfig.cmake"
grep -E '^Libs' "$PREFIX/lib/pkgconfig/tacc-static.pc" "$PREFIX/lib/pkgconfig/tacc.pc"

step "exported tacc_* symbols (the shipped, stripped library) = functions declared in tacc.h"
diff <(nm -D --defined-only "$PREFIX/lib/libtacc.so" | awk '$2 == "T" && $3 ~ /^tacc_/ {print $3}' | sort) \
     <(grep -oE '^TACC_API [^(]*\(' include/tacc.h | sed -E 's/.*[ *](tacc_[a-z0-9_]+)\($/\1/' | sort)
echo "$(grep -c '^TACC_API' include/tacc.h) functions, all exported"

# ---- Sanitizers ----------------------------------------------------------------------------------
step "ASan + UBSan (+ LSan) build and ctest"
# LeakSanitizer needs ptrace-like powers some sandboxes deny: probe it, else check leaks with valgrind.
cat > "$WORK/lsan_probe.c" <<'C'
#include <stdlib.h>
int main(void) { void *volatile p = malloc(16); free(p); return 0; }
C
gcc -fsanitize=address "$WORK/lsan_probe.c" -o "$WORK/lsan_probe"
if ASAN_OPTIONS=detect_leaks=1 "$WORK/lsan_probe" >/dev/null 2>&1; then
    LSAN=1; echo "LeakSanitizer works here"
else
    LSAN=0; echo "LeakSanitizer unavailable here: leaks are checked with valgrind below"
fi
cmake -S . -B "$WORK/build-san" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTACC_SANITIZE=ON
cmake --build "$WORK/build-san" -j "$JOBS"
(cd "$WORK/build-san" &&
    ASAN_OPTIONS="detect_leaks=$LSAN:halt_on_error=1:abort_on_error=0:strict_string_checks=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --output-on-failure -j "$JOBS" -E '^test_hostile$')
step "ASan + UBSan: hostile payloads"
(cd "$WORK/build-san" &&
    ASAN_OPTIONS="detect_leaks=$LSAN:halt_on_error=1:abort_on_error=0:strict_string_checks=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --output-on-failure -R '^test_hostile$')
if [ "$LSAN" = 0 ]; then
    command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
    for t in test_api_shared test_threads test_batch test_stream test_cpp test_sizes test_vectors; do
        valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite "$WORK/build/tests/c/$t"
    done
fi

# ---- The unpacked tarball, from outside the source tree, with no Rust toolchain ----------------------
NORUST="$ROOT/.ci/no-rust-env"
step "CMake consumer: find_package(tacc 0.1) from $PREFIX, shared and static (no Rust on PATH)"
for kind in shared static; do
    static=OFF; [ "$kind" = static ] && static=ON
    rm -rf "$WORK/consumer-$kind" "$WORK/consumer-src-$kind"
    cp -r tests/cmake-consumer "$WORK/consumer-src-$kind"
    "$NORUST" cmake -S "$WORK/consumer-src-$kind" -B "$WORK/consumer-$kind" -G Ninja \
        -DCMAKE_PREFIX_PATH="$PREFIX" -DTACC_CONSUMER_STATIC=$static >/dev/null
    "$NORUST" cmake --build "$WORK/consumer-$kind"
    (cd "$WORK/consumer-$kind" && "$NORUST" ctest --output-on-failure)
done

step "CMake consumer asking for tacc 1.0: refused (SameMajorVersion)"
rm -rf "$WORK/consumer-v1"
if "$NORUST" cmake -S "$WORK/consumer-src-shared" -B "$WORK/consumer-v1" -G Ninja \
    -DCMAKE_PREFIX_PATH="$PREFIX" -DTACC_CONSUMER_REQUIRES=1.0 > "$WORK/consumer-v1.log" 2>&1; then
    echo "a consumer asking for tacc 1.0 was given $VERSION" >&2; exit 1
fi
# CMake wraps its message: match on the text with its line breaks folded.
tr -s ' \n' ' ' < "$WORK/consumer-v1.log" > "$WORK/consumer-v1.txt"
grep -oF 'compatible with requested version "1.0"' "$WORK/consumer-v1.txt"
grep -oF "taccConfig.cmake, version: $VERSION" "$WORK/consumer-v1.txt"

step "pkg-config consumers: tacc (shared) and tacc-static (no Rust on PATH)"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
"$NORUST" pkg-config --modversion tacc
# shellcheck disable=SC2046
"$NORUST" cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/cmake-consumer/main.c -o "$WORK/pc-shared" \
    $(pkg-config --cflags --libs tacc) -Wl,-rpath,"$PREFIX/lib"
# shellcheck disable=SC2046
"$NORUST" cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/cmake-consumer/main.c -o "$WORK/pc-static" \
    $(pkg-config --cflags --libs tacc-static)
"$NORUST" "$WORK/pc-shared"
"$NORUST" "$WORK/pc-static"

step "readelf -d: shared consumers NEEDED libtacc.so.0, static ones no libtacc"
for bin in consumer-shared/consumer_c consumer-shared/consumer_cpp pc-shared; do
    needed="$(readelf -d "$WORK/$bin" | grep -F '(NEEDED)' | grep -F libtacc || true)"
    echo "$bin: $needed"
    [ "$(echo "$needed" | grep -oE '\[libtacc[^]]*\]')" = "[libtacc.so.0]" ] || {
        echo "$bin must record libtacc.so.0 only" >&2; exit 1; }
done
for bin in consumer-static/consumer_c consumer-static/consumer_cpp pc-static; do
    if readelf -d "$WORK/$bin" | grep -F '(NEEDED)' | grep -F libtacc; then
        echo "$bin (static) depends on libtacc" >&2; exit 1
    fi
    echo "$bin: no libtacc in NEEDED"
done

step "c: all passed in $((SECONDS - START))s"
