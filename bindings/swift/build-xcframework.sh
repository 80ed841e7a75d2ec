#!/usr/bin/env bash
# Builds bindings/swift/taccFFI.xcframework from the Rust crate (macOS with Xcode and rustup only).
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
    cargo build --release --lib --target "$t"
done

out="$root/target/xcframework"
rm -rf "$out" "$here/taccFFI.xcframework"
mkdir -p "$out/headers" "$out/ios-sim" "$out/macos"
cp "$here/generated/taccFFI.h" "$out/headers/"
cp "$here/generated/taccFFI.modulemap" "$out/headers/module.modulemap"

# One library per platform: simulator (arm64 + x86_64) and macOS (arm64 + x86_64) are fat archives.
lipo -create target/aarch64-apple-ios-sim/release/libtacc.a target/x86_64-apple-ios/release/libtacc.a \
    -output "$out/ios-sim/libtacc.a"
lipo -create target/aarch64-apple-darwin/release/libtacc.a target/x86_64-apple-darwin/release/libtacc.a \
    -output "$out/macos/libtacc.a"

xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/libtacc.a -headers "$out/headers" \
    -library "$out/ios-sim/libtacc.a" -headers "$out/headers" \
    -library "$out/macos/libtacc.a" -headers "$out/headers" \
    -output "$here/taccFFI.xcframework"

# The tests read the golden vectors as resources.
rm -rf "$here/Tests/TaccTests/golden"
mkdir -p "$here/Tests/TaccTests/golden"
cp "$root"/tests/golden/*.json "$here/Tests/TaccTests/golden/"
echo "built $here/taccFFI.xcframework; now: cd bindings/swift && swift test"
