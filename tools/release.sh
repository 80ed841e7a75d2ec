#!/usr/bin/env bash
# Every release artefact of this platform, made by one command (docs/PACKAGING.md):
#   tools/release.sh [c|python|jvm|go ...]     default: all four, in that order
# writes dist/ (TACC_DIST to move it):
#   c/tacc-<version>-<platform>.tar.gz   libtacc.so.0 (+ symlinks), libtacc.a, headers, CMake config, .pc files
#   python/                              the abi3 manylinux wheel and the sdist
#   jvm/                                 the jar with libtacc_uniffi under JNA's resource path, as a Maven repository
#   go/                                  the Go module as a module cache holds it, with its prebuilt library
#   SHA256SUMS, SIZES.md                 checksums and sizes of everything above
# Each part is tools/release/<part>.sh and runs alone too. Other platforms: TACC_PLATFORM and the
# steps in docs/PACKAGING.md.
set -euo pipefail
# shellcheck source=tools/release/common.sh
. "$(dirname "$0")/release/common.sh"
cd "$ROOT"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(c python jvm go)
START=$SECONDS
for part in "${parts[@]}"; do
    [ -f "tools/release/$part.sh" ] || { echo "release: no part '$part' (tools/release/*.sh)" >&2; exit 2; }
    printf '\n--- [%4ds] release: %s (%s, %s)\n' "$((SECONDS - START))" "$part" "$VERSION" "$PLATFORM"
    bash "tools/release/$part.sh"
done

# Checksums and sizes of every file under dist/ (the Go module counted as one tree).
(
    cd "$DIST"
    find . -type f ! -name SHA256SUMS ! -name SIZES.md ! -path './go/*' -printf '%P\n' | LC_ALL=C sort | xargs -r sha256sum > SHA256SUMS
    {
        echo "# tacc $VERSION release artefacts ($PLATFORM)"
        echo
        echo "| artefact | bytes |"
        echo "|---|---:|"
        find . -type f ! -name SHA256SUMS ! -name SIZES.md ! -path './go/*' ! -path './jvm/repo/*' -printf '%P %s\n' | LC_ALL=C sort |
            while read -r f s; do printf '| `%s` | %s |\n' "$f" "$s"; done
        if [ -d go ]; then
            printf '| `go/` (module tree, all files) | %s |\n' "$(find go -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
        fi
    } > SIZES.md
)
cat "$DIST/SIZES.md"
printf '\nrelease: done in %ds: %s\n' "$((SECONDS - START))" "$DIST"
