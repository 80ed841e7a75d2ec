// swift-tools-version:5.9
// tacc for Swift (iOS, macOS): the uniffi-generated Sources/Tacc/tacc.swift over a binary target built from
// the Rust crate bindings/uniffi (tacc-uniffi: libtacc_uniffi.a). Build the XCFramework first with ./build-xcframework.sh (macOS with Xcode and rustup),
// then `swift test` (macOS) or add this package to an Xcode project. See docs/BINDINGS.md.
import PackageDescription

let package = Package(
    name: "Tacc",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "Tacc", targets: ["Tacc"]),
    ],
    targets: [
        // libtacc_uniffi.a for each Apple target + taccFFI.h + module.modulemap (module taccFFI).
        .binaryTarget(name: "taccFFI", path: "taccFFI.xcframework"),
        .target(name: "Tacc", dependencies: ["taccFFI"], path: "Sources/Tacc"),
        .testTarget(
            name: "TaccTests",
            dependencies: ["Tacc"],
            path: "Tests/TaccTests",
            // tests/golden (tacc 0.1.0, LoPace 0.1.5) and tests/vectors (shared by every language),
            // copied here by build-xcframework.sh
            resources: [.copy("golden"), .copy("vectors")]
        ),
    ]
)
