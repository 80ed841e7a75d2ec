#!/usr/bin/env bash
# CI for the C ABI, its header, the CMake package and the C/C++ examples and tests. Run from the repository root (by .ci/run, after `cargo build --release`), on a fresh
# machine: it installs what it needs. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
CBINDGEN_VERSION=0.29.2
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
step "cmake --install into a clean prefix: $PREFIX"
rm -rf "$PREFIX"
cmake --install "$WORK/build" --prefix "$PREFIX"
find "$PREFIX" -type f | sort
step "exported tacc_* symbols = functions declared in tacc.h"
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
    for t in test_api_shared test_threads test_stream test_cpp test_sizes test_vectors; do
        valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite "$WORK/build/tests/c/$t"
    done
fi

# ---- The installed package, from outside the source tree ----------------------------------------
step "consumer project: find_package(tacc) from $PREFIX, shared and static"
for kind in shared static; do
    static=OFF; [ "$kind" = static ] && static=ON
    rm -rf "$WORK/consumer-$kind" "$WORK/consumer-src-$kind"
    cp -r tests/cmake-consumer "$WORK/consumer-src-$kind"
    cmake -S "$WORK/consumer-src-$kind" -B "$WORK/consumer-$kind" -G Ninja \
        -DCMAKE_PREFIX_PATH="$PREFIX" -DTACC_CONSUMER_STATIC=$static
    cmake --build "$WORK/consumer-$kind"
    (cd "$WORK/consumer-$kind" && ctest --output-on-failure)
done
if readelf -d "$WORK/consumer-static/consumer_c" | grep 'libtacc' >/dev/null; then
    echo "static consumer depends on libtacc.so" >&2; exit 1
fi

step "pkg-config consumers (tacc and tacc-static)"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
pkg-config --modversion tacc
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/cmake-consumer/main.c -o "$WORK/pc-shared" \
    $(pkg-config --cflags --libs tacc) -Wl,-rpath,"$PREFIX/lib"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/cmake-consumer/main.c -o "$WORK/pc-static" \
    $(pkg-config --cflags --libs tacc-static)
"$WORK/pc-shared"
"$WORK/pc-static"

step "c: all passed in $((SECONDS - START))s"
