#!/usr/bin/env bash
# CI for the uniffi bindings: the generated Kotlin/Swift sources are current and the Kotlin tests
# pass on the JVM. Swift is not built here (no Swift toolchain on Linux CI): only its generated
# sources are checked.
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

# ---- Kotlin -----------------------------------------------------------------------------------------
step "Kotlin: mvn test (JNA loads target/release/libtacc_uniffi.so; vectors; open-model vocabularies; HostileTest in a JVM of its own)"
set +e
(cd bindings/kotlin && mvn -B -ntp test -Dtacc.lib.dir="$ROOT/target/release" > "$ROOT/target/kotlin-test.log" 2>&1)
rc=$?
set -e
grep -E "Tests run:|BUILD (SUCCESS|FAILURE)|ERROR\]|FAIL" target/kotlin-test.log | grep -v "^\[INFO\] *$" | tail -n 30
[ $rc -eq 0 ] || fail "mvn test exit $rc (full log: target/kotlin-test.log)"

step "done in $((SECONDS - START))s"
