# Sourced by tools/release.sh and tools/release/<part>.sh: where artefacts go and what they are named.
# Every part script runs alone too (tools/release/python.sh) and writes only under $DIST/<part>/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"
# The one version: Cargo.toml's [package] version (CMake, maturin, the pom and the Go tag follow it).
VERSION="$(sed -n 's/^version = "\([0-9][0-9.]*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
[ -n "$VERSION" ] || { echo "release: no version in Cargo.toml" >&2; exit 1; }
# Platform names as each ecosystem spells them; other platforms set TACC_PLATFORM (docs/PACKAGING.md).
PLATFORM="${TACC_PLATFORM:-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)}"  # linux-x86_64
case "$PLATFORM" in
    linux-x86_64) GO_PLATFORM=linux_amd64; JNA_PLATFORM=linux-x86-64 ;;
    linux-aarch64) GO_PLATFORM=linux_arm64; JNA_PLATFORM=linux-aarch64 ;;
    darwin-arm64) GO_PLATFORM=darwin_arm64; JNA_PLATFORM=darwin-aarch64 ;;
    darwin-x86_64) GO_PLATFORM=darwin_amd64; JNA_PLATFORM=darwin-x86-64 ;;
    *) echo "release: platform $PLATFORM is not laid out yet (docs/PACKAGING.md)" >&2; exit 1 ;;
esac
DIST="${TACC_DIST:-$ROOT/dist}"
export ROOT VERSION PLATFORM GO_PLATFORM JNA_PLATFORM DIST
