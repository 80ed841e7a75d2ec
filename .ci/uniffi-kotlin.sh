#!/usr/bin/env bash
# CI for the uniffi bindings: the generated Kotlin/Swift sources are current, the Kotlin tests
# pass on the JVM, and the released jar (dist/jvm, tools/release/jvm.sh) works on its own in a
# consumer Maven project with no Rust toolchain, no jna.library.path and no LD_LIBRARY_PATH.
# Swift is not built here (no Swift toolchain on Linux CI): only its generated sources are checked.
# Run from the repository root by .ci/run after `cargo build --release`, on a fresh machine: it installs
# what it needs. Exits non-zero on any failure; prints each runner's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
export PATH="$HOME/.cargo/bin:$PATH"
PY="${PYTHON:-python3}"
VENV="$ROOT/target/py-venv"
PEERS_VENV="$ROOT/target/peers-venv"
TIKTOKEN_CACHE="$ROOT/target/tiktoken-cache"

step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { echo "bindings: FAILED: $*" >&2; exit 1; }

# ---- Tools ----------------------------------------------------------------------------------------
step "tools"
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
"$PY" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$PY" --version; (java -version 2>&1 | sed -n 1p) || true; (mvn -v 2>/dev/null | sed -n 1p) || true

# ---- Library and generated sources ------------------------------------------------------------------
# Kotlin and Swift load the uniffi crate's own library, not the C ABI's libtacc (not a default member:
# built here, a no-op when current).
step "release library of the uniffi bindings (bindings/uniffi: libtacc_uniffi.so)"
cargo build --release --locked -p tacc-uniffi
ls -l target/release/libtacc_uniffi.so
step "tacc-uniffi: clippy, rustdoc, unit tests (error kinds, panics, option defaults)"
cargo clippy --release --locked -p tacc-uniffi --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --release --locked --no-deps -p tacc-uniffi
cargo test --release --locked -p tacc-uniffi --quiet

step "generated sources are current (Kotlin, Swift)"
tools/gen-bindings.sh --check || fail "generated bindings are out of date: run tools/gen-bindings.sh and commit"
[ -f bindings/swift/Package.swift ] && [ -f bindings/swift/Tests/TaccTests/TaccTests.swift ] || fail "Swift package incomplete"

# ---- The released jar in a consumer project ------------------------------------------------------------
# .ci/run makes dist/ first (tools/release.sh); by hand, the jar is made here when missing.
# shellcheck source=tools/release/common.sh
. tools/release/common.sh
[ -f "$DIST/jvm/tacc-$VERSION.jar" ] || bash tools/release/jvm.sh
step "released jar: $(stat -c %s "$DIST/jvm/tacc-$VERSION.jar") bytes; consumer project tests/jvm-consumer (no Rust, no jna.library.path, no LD_LIBRARY_PATH)"
# Maven never refetches a release it has cached: drop ours so the consumer resolves this build's.
rm -rf "$HOME/.m2/repository/dev/tacc/tacc/$VERSION"
set +e
(cd tests/jvm-consumer && env -u LD_LIBRARY_PATH "$ROOT/.ci/no-rust-env" mvn -B -ntp test \
    -Dtacc.version="$VERSION" -Dtacc.repo="file://$DIST/jvm/repo" > "$ROOT/target/jvm-consumer.log" 2>&1)
rc=$?
set -e
grep -E "Tests run:|BUILD (SUCCESS|FAILURE)|ERROR\]|FAIL" target/jvm-consumer.log | tail -n 20
[ $rc -eq 0 ] || fail "jvm consumer: mvn test exit $rc (full log: target/jvm-consumer.log)"

# ---- Kotlin -----------------------------------------------------------------------------------------
step "Kotlin: mvn test (JNA loads target/release/libtacc_uniffi.so; vectors; open-model vocabularies; HostileTest in a JVM of its own)"
set +e
(cd bindings/kotlin && mvn -B -ntp test -Dtacc.lib.dir="$ROOT/target/release" > "$ROOT/target/kotlin-test.log" 2>&1)
rc=$?
set -e
grep -E "Tests run:|BUILD (SUCCESS|FAILURE)|ERROR\]|FAIL" target/kotlin-test.log | grep -v "^\[INFO\] *$" | tail -n 30
[ $rc -eq 0 ] || fail "mvn test exit $rc (full log: target/kotlin-test.log)"

step "done in $((SECONDS - START))s"
