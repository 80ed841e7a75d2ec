#!/usr/bin/env bash
# Regenerates the uniffi bindings (Kotlin, Swift) from the release library of bindings/uniffi (crate
# tacc-uniffi, libtacc_uniffi.so), in library mode, with the workspace's pinned uniffi-bindgen
# (tools/uniffi-bindgen, uniffi =0.32.2). bindings/uniffi/uniffi.toml names the library the generated
# code loads (tacc_uniffi) and the Swift FFI module (taccFFI).
#
# Policy: the generated sources are CHECKED IN, for both languages, and CI runs this script with
# --check, which fails when a fresh generation differs from what is committed.
#   Kotlin  bindings/kotlin/src/main/kotlin/dev/tacc/tacc.kt (package dev.tacc: uniffi.toml's package_name)
#   Swift   bindings/swift/Sources/Tacc/tacc.swift, bindings/swift/generated/{taccFFI.h,taccFFI.modulemap}
# Python does not use uniffi: bindings/python is a PyO3 extension (hand-written, nothing generated).
#
# Usage: tools/gen-bindings.sh [--check] [LIBRARY]
#   LIBRARY defaults to target/release/libtacc_uniffi.so (build it first:
#   cargo build --release -p tacc-uniffi).
#   The library must not be fully stripped: uniffi reads its metadata symbols.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
lib="${1:-target/release/libtacc_uniffi.so}"
if [ ! -f "$lib" ]; then
    echo "gen-bindings: $lib not found; run 'cargo build --release -p tacc-uniffi' first" >&2
    exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cargo run -q -p uniffi-bindgen -- generate --no-format --library "$lib" \
    --language kotlin --language swift --out-dir "$tmp" >/dev/null

# The Kotlin file lies under its package's directory; the package is uniffi.toml's package_name.
kt_pkg="$(sed -n 's/^package_name = "\([a-z.]*\)"$/\1/p' bindings/uniffi/uniffi.toml)"
[ -n "$kt_pkg" ] || { echo "gen-bindings: no [bindings.kotlin] package_name in bindings/uniffi/uniffi.toml" >&2; exit 2; }
kt_file="${kt_pkg//.//}/tacc.kt"

# generated file -> checked-in path
pairs=(
    "$kt_file:bindings/kotlin/src/main/kotlin/$kt_file"
    "tacc.swift:bindings/swift/Sources/Tacc/tacc.swift"
    "taccFFI.h:bindings/swift/generated/taccFFI.h"
    "taccFFI.modulemap:bindings/swift/generated/taccFFI.modulemap"
)

status=0
for pair in "${pairs[@]}"; do
    src="$tmp/${pair%%:*}"
    dst="${pair#*:}"
    if [ ! -f "$src" ]; then
        echo "gen-bindings: uniffi-bindgen did not write ${pair%%:*}" >&2
        exit 1
    fi
    if [ "$check" = 1 ]; then
        if ! cmp -s "$src" "$dst"; then
            echo "gen-bindings: $dst is out of date (run tools/gen-bindings.sh and commit)" >&2
            diff -u "$dst" "$src" 2>/dev/null | head -n 20 >&2 || true
            status=1
        fi
    else
        mkdir -p "$(dirname "$dst")"
        cp "$src" "$dst"
        echo "wrote $dst"
    fi
done
# A generated file left under an older package would compile beside the current one.
stale="$(find bindings/kotlin/src/main/kotlin -name tacc.kt ! -path "*/$kt_file")"
if [ -n "$stale" ]; then
    echo "gen-bindings: stale generated Kotlin (package is $kt_pkg): $stale" >&2
    status=1
fi
if [ "$check" = 1 ] && [ "$status" = 0 ]; then
    echo "gen-bindings: Kotlin and Swift sources are current"
fi
exit $status
