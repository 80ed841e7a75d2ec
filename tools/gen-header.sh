#!/usr/bin/env bash
# Regenerates include/tacc.h from src/ffi/ with the pinned cbindgen.
#   tools/gen-header.sh           write include/tacc.h
#   tools/gen-header.sh --check   fail (exit 1, with a diff) if include/tacc.h is not what cbindgen makes
# Install the pinned version with: cargo install cbindgen --version 0.29.2 --locked
set -euo pipefail
CBINDGEN_VERSION=0.29.2
cd "$(dirname "$0")/.."

have="$(cbindgen --version 2>/dev/null || true)"
if [ "$have" != "cbindgen $CBINDGEN_VERSION" ]; then
    echo "gen-header: need cbindgen $CBINDGEN_VERSION (found: ${have:-none});" \
         "run: cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    exit 2
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
# Single-file mode: cbindgen follows src/ffi's submodules and sees nothing else of the crate.
cbindgen --quiet --config cbindgen.toml --output "$tmp" src/ffi/mod.rs

if [ "${1:-}" = "--check" ]; then
    if cmp -s "$tmp" include/tacc.h; then
        echo "gen-header: include/tacc.h is up to date"
    else
        echo "gen-header: include/tacc.h differs from a fresh cbindgen run; run tools/gen-header.sh" >&2
        diff -u include/tacc.h "$tmp" >&2 || true
        exit 1
    fi
else
    mkdir -p include
    cp "$tmp" include/tacc.h
    echo "gen-header: wrote include/tacc.h"
fi
