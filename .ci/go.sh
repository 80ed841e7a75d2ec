#!/usr/bin/env bash
# CI for the Go package (bindings/go), its release module and its examples. Run from the
# repository root by .ci/run after .ci/c.sh, which installs the C package into
# $TACC_CI_WORK/prefix (the tacc_shared and tacc_static tags link it through pkg-config), and
# after tools/release.sh (dist/go: the module as a release ships it; built here when missing).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/release/common.sh # ROOT VERSION GO_PLATFORM DIST, PATH with cargo and go
START=$SECONDS
WORK="${TACC_CI_WORK:?set TACC_CI_WORK to the work dir .ci/c.sh used}"
PREFIX="$WORK/prefix"
MODULE=github.com/tacc-project/tacc/bindings/go
TREE="$DIST/go/$MODULE@v$VERSION"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"

step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
go version
export CGO_ENABLED=1

step "Go release module: $TREE"
# Built by tools/release.sh before this script in .ci/run; rebuilt when missing or when it no
# longer holds bindings/go's files (a run by hand after an edit).
stale() {
    [ -d "$TREE" ] || return 0
    (cd bindings/go && git ls-files -z . | xargs -0 -I{} cmp -s {} "$TREE/{}") && return 1
    return 0
}
if stale; then bash tools/release/go.sh; fi
[ -f "$TREE/lib/$GO_PLATFORM/libtacc.a" ] && [ -f "$TREE/include/tacc.h" ]
cmp "$TREE/include/tacc.h" include/tacc.h
echo "lib/$GO_PLATFORM/libtacc.a: $(stat -c %s "$TREE/lib/$GO_PLATFORM/libtacc.a") bytes, module tree: $(du -sb "$TREE" | cut -f1) bytes"
# The system libraries in the prebuilt cgo file are the ones the C package computed from
# `--print native-static-libs` (tacc-static.pc), as a set.
libs_of() { tr ' ' '\n' | grep -E '^-l' | grep -v tacc | sort -u; }
diff <(grep -h '#cgo LDFLAGS' "bindings/go/link_prebuilt_$GO_PLATFORM.go" | libs_of) \
     <(pkg-config --static --libs tacc-static | libs_of) ||
    { echo "bindings/go/link_prebuilt_$GO_PLATFORM.go: system libraries differ from tacc-static.pc" >&2; exit 1; }

# The module's own tests in the default build (what `go get` users link: the shipped library),
# from a writable copy placed where its tests find ../../models, ../../tests and ../../target.
step "Go: vet, test -race of the release module (default build: lib/$GO_PLATFORM/libtacc.a)"
REL="$WORK/go-release"
[ -d "$REL" ] && chmod -R u+w "$REL"
rm -rf "$REL" && mkdir -p "$REL/bindings"
cp -r "$TREE" "$REL/bindings/go" && chmod -R u+w "$REL/bindings/go"
for d in models tests target; do ln -s "$ROOT/$d" "$REL/$d"; done
# TestOpenVocabs reads the publishers' files from TACC_VOCAB_DIR (default target/vocabs) and
# skips without them unless TACC_REQUIRE_OPEN_VOCABS=1 (as ctest's test_open_vocabs does).
(cd "$REL/bindings/go" && env -u PKG_CONFIG_PATH go vet ./... && env -u PKG_CONFIG_PATH go test -race -count=1 ./...)
(cd bindings/go && go vet -tags tacc_shared ./... && go vet -tags tacc_static ./... && go vet -tags tacc_local ./...)

step "Go: tests against the installed static library (-tags tacc_static)"
(cd bindings/go && go test -tags tacc_static -count=1 -skip '^TestHostile$' ./...)
step "Go: hostile payloads (issue 12; each case in a child, peak RSS and CPU bounded)"
(cd bindings/go && go test -tags tacc_static -count=1 -run '^TestHostile' -v .)
# The installed shared library (libtacc.so.0 once it has a SONAME): found through LD_LIBRARY_PATH.
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
step "Go: fuzz FuzzDecompress for 20s (installed shared library, -tags tacc_shared)"
(cd bindings/go && go test -tags tacc_shared -run '^$' -fuzz '^FuzzDecompress$' -fuzztime 20s .)
step "Go: examples (HTTP handler + client, and the Rust SSE stream server + Go client, on 127.0.0.1)"
(cd examples/go && go vet -tags tacc_shared ./... && go test -tags tacc_shared -race -count=1 -v ./...)
step "Go: benchmarks, 1,000-token messages through cgo (short run; figures in docs/GO.md)"
(cd bindings/go && go test -tags tacc_local -run '^$' -bench 'TokenIDs1000|CgoCallFloor' -benchtime 3000x .)
unset LD_LIBRARY_PATH

# A module outside the repository, as a user has it: no Rust on PATH, no C package, no
# pkg-config path, no LD_LIBRARY_PATH, no network; `replace` points at the release tree.
step "Go consumer (tests/go-consumer): go test -race, module from the release tree, no Rust"
CONSUMER="$WORK/go-consumer"
[ -d "$CONSUMER" ] && chmod -R u+w "$CONSUMER"
rm -rf "$CONSUMER" && cp -r tests/go-consumer "$CONSUMER"
consumer_env() {
    env -u PKG_CONFIG_PATH -u LD_LIBRARY_PATH -u CGO_LDFLAGS -u CGO_CFLAGS \
        GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=1 TACC_VERSION="$VERSION" .ci/no-rust-env "$@"
}
(cd "$CONSUMER" && go mod edit -require="$MODULE@v$VERSION" -replace="$MODULE=$TREE")
consumer_env bash -c "cd '$CONSUMER' && go vet ./... && go test -race -c -o consumer.test . && ./consumer.test -test.v"
# Statically linked: the test binary needs no libtacc.so.
if readelf -d "$CONSUMER/consumer.test" | grep -q 'NEEDED.*libtacc'; then
    echo "the consumer's binary needs libtacc.so: the module's library was not linked in" >&2; exit 1
fi
# The same through the module proxy protocol: the go command downloads the release zip into a
# fresh module cache (checking it by golang.org/x/mod/zip's rules) and builds from there.
step "Go consumer via GOPROXY=file://$DIST/go/cache/download into an empty module cache"
rm -rf "$CONSUMER" && cp -r tests/go-consumer "$CONSUMER"
(cd "$CONSUMER" && go mod edit -require="$MODULE@v$VERSION")
consumer_env env GOPROXY="file://$DIST/go/cache/download" GOSUMDB=off GOMODCACHE="$CONSUMER/modcache" \
    bash -c "cd '$CONSUMER' && go test -count=1 . && grep '$MODULE' go.sum"
# Extracted read-only, as a module cache holds it (by mode bits: root may write anyway).
if find "$CONSUMER/modcache/$MODULE@v$VERSION" -perm -u=w | grep -q .; then
    echo "the module cache copy is writable" >&2; exit 1
fi
chmod -R u+w "$CONSUMER/modcache" # the go command's read-only cache, removable next run

step "go: all passed in $((SECONDS - START))s"
