#!/usr/bin/env bash
# The Go module as a release carries it (docs/GO.md#linking): bindings/go's tracked files plus
# the stripped static library for this platform (lib/$GO_PLATFORM/libtacc.a) and the header
# (include/tacc.h; ../../include does not exist in a module cache), laid out under $DIST/go as a
# module cache holds it:
#   $DIST/go/github.com/tacc-project/tacc/bindings/go@v$VERSION/     the extracted module, read-only
#   $DIST/go/cache/download/github.com/tacc-project/tacc/bindings/go/@v/v$VERSION.{info,mod,zip}
# The second is also a GOPROXY=file://$DIST/go/cache/download module proxy, whose zip the go
# command checks by golang.org/x/mod/zip's rules when it downloads it. Each platform's run makes
# its own lib/<GOOS_GOARCH>/; the release commit gathers them all (docs/GO.md#linking).
. "$(dirname "$0")/common.sh"
set -euo pipefail
MODULE=github.com/tacc-project/tacc/bindings/go
OUT="$DIST/go"
TREE="$OUT/$MODULE@v$VERSION"
PROXY="$OUT/cache/download/$MODULE/@v"

# The tree is read-only, as in a module cache: make it writable to remove it.
[ -d "$OUT" ] && chmod -R u+w "$OUT"
rm -rf "$OUT"
mkdir -p "$TREE" "$PROXY"

# A no-op when target/release is current (tools/release.sh and .ci/run build it first).
(cd "$ROOT" && cargo build --release --locked)  # the same command as .ci/run, so the same features

# The module's files are what git tracks, as the module proxy's zip of the tag would hold.
(cd "$ROOT/bindings/go" && git ls-files -z . | xargs -0 cp --parents -t "$TREE")
mkdir -p "$TREE/lib/$GO_PLATFORM" "$TREE/include"
strip --strip-debug -o "$TREE/lib/$GO_PLATFORM/libtacc.a" "$ROOT/target/release/libtacc.a"
cp "$ROOT/include/tacc.h" "$TREE/include/tacc.h"
# The cgo file that links this platform's library must be in the module.
[ -f "$TREE/link_prebuilt_$GO_PLATFORM.go" ] || {
    echo "release/go: no bindings/go/link_prebuilt_$GO_PLATFORM.go for $GO_PLATFORM" >&2; exit 1; }

# Module zip (golang.org/x/mod/zip's rules: every path under module@version/, regular files
# only, no case-insensitive duplicates, 500 MiB uncompressed at most) and the proxy's .info/.mod.
python3 - "$TREE" "$MODULE@v$VERSION" "$PROXY/v$VERSION.zip" <<'EOF'
import os, sys, zipfile
tree, prefix, out = sys.argv[1:]
files = sorted(os.path.relpath(os.path.join(d, f), tree) for d, _, fs in os.walk(tree) for f in fs)
seen, total = set(), 0
for f in files:
    p = os.path.join(tree, f)
    assert os.path.isfile(p) and not os.path.islink(p), f"not a regular file: {f}"
    assert f.lower() not in seen, f"case-insensitive duplicate: {f}"
    seen.add(f.lower())
    total += os.path.getsize(p)
assert total <= 500 << 20, f"module of {total} bytes is over the 500 MiB module zip limit"
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in files:
        info = zipfile.ZipInfo(f"{prefix}/{f}", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(tree, f), "rb") as src:
            z.writestr(info, src.read())
EOF
cp "$TREE/go.mod" "$PROXY/v$VERSION.mod"
printf '{"Version":"v%s","Time":"%s"}\n' "$VERSION" \
    "$(git -C "$ROOT" log -1 --format=%cI | xargs -I{} date -u -d {} +%Y-%m-%dT%H:%M:%SZ)" > "$PROXY/v$VERSION.info"
printf 'v%s\n' "$VERSION" > "$PROXY/list"

# Read-only, as the go command leaves its module cache.
chmod -R a-w "$OUT"
echo "release/go: $TREE"
echo "release/go: lib/$GO_PLATFORM/libtacc.a $(stat -c %s "$TREE/lib/$GO_PLATFORM/libtacc.a") bytes (strip --strip-debug)," \
    "module tree $(du -sb "$TREE" | cut -f1) bytes, module zip $(stat -c %s "$PROXY/v$VERSION.zip") bytes"
