#!/usr/bin/env bash
# CI for the Go package (bindings/go) and its examples. Run from the repository root by .ci/run
# after .ci/c.sh, which installs the C package into $TACC_CI_WORK/prefix (the default build tag
# links it through pkg-config). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
WORK="${TACC_CI_WORK:?set TACC_CI_WORK to the work dir .ci/c.sh used}"
PREFIX="$WORK/prefix"
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"

step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
go version

# ---- Go ------------------------------------------------------------------------------------------
step "Go: vet, test -race (installed package via pkg-config, shared library)"
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1
(cd bindings/go && go vet ./... && go vet -tags tacc_static ./... && go vet -tags tacc_local ./...)
# TestOpenVocabs reads the publishers' files from TACC_VOCAB_DIR (default target/vocabs) and
# skips without them unless TACC_REQUIRE_OPEN_VOCABS=1 (as ctest's test_open_vocabs does).
(cd bindings/go && go test -race -count=1 ./...)
step "Go: tests against the static library (-tags tacc_static)"
(cd bindings/go && go test -tags tacc_static -count=1 -skip '^TestHostile$' ./...)
step "Go: hostile payloads (issue 12; each case in a child, peak RSS and CPU bounded)"
(cd bindings/go && go test -tags tacc_static -count=1 -run '^TestHostile' -v .)
step "Go: fuzz FuzzDecompress for 20s"
(cd bindings/go && go test -run '^$' -fuzz '^FuzzDecompress$' -fuzztime 20s .)
step "Go: examples (HTTP handler + client, and the Rust SSE stream server + Go client, on 127.0.0.1)"
(cd examples/go && go vet ./... && go test -race -count=1 -v ./...)
step "Go: benchmarks, 1,000-token messages through cgo (short run; figures in docs/GO.md)"
(cd bindings/go && go test -tags tacc_local -run '^$' -bench 'TokenIDs1000|CgoCallFloor' -benchtime 3000x .)

step "go: all passed in $((SECONDS - START))s"
