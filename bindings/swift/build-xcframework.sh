#!/usr/bin/env bash
# Builds bindings/swift/taccFFI.xcframework from the Rust crate bindings/uniffi (tacc-uniffi: the static
# library libtacc_uniffi.a; macOS with Xcode and rustup only).
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
#   bindings/swift/build-xcframework.sh
# The Swift sources and the FFI header are the checked-in generated ones (tools/gen-bindings.sh keeps
# them current); this script only builds the static libraries and packs them with the header.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
for t in "${targets[@]}"; do
    cargo build --release -p tacc-uniffi --lib --target "$t"
done

out="$root/target/xcframework"
rm -rf "$out" "$here/taccFFI.xcframework"
mkdir -p "$out/headers" "$out/ios-sim" "$out/macos"
cp "$here/generated/taccFFI.h" "$out/headers/"
cp "$here/generated/taccFFI.modulemap" "$out/headers/module.modulemap"

# One library per platform: simulator (arm64 + x86_64) and macOS (arm64 + x86_64) are fat archives.
lib=libtacc_uniffi.a
lipo -create "target/aarch64-apple-ios-sim/release/$lib" "target/x86_64-apple-ios/release/$lib" \
    -output "$out/ios-sim/$lib"
lipo -create "target/aarch64-apple-darwin/release/$lib" "target/x86_64-apple-darwin/release/$lib" \
    -output "$out/macos/$lib"

xcodebuild -create-xcframework \
    -library "target/aarch64-apple-ios/release/$lib" -headers "$out/headers" \
    -library "$out/ios-sim/$lib" -headers "$out/headers" \
    -library "$out/macos/$lib" -headers "$out/headers" \
    -output "$here/taccFFI.xcframework"

# The tests read the golden vectors and the shared vectors as resources.
for dir in golden vectors; do
    rm -rf "$here/Tests/TaccTests/$dir"
    mkdir -p "$here/Tests/TaccTests/$dir"
    cp "$root"/tests/$dir/*.json "$here/Tests/TaccTests/$dir/"
done
echo "built $here/taccFFI.xcframework; now: cd bindings/swift && swift test"
