#!/usr/bin/env bash
# The Python artefacts (distribution tacc-rs, import name tacc): writes $DIST/python/
#   tacc_rs-<version>-cp39-abi3-manylinux_2_34_x86_64.whl   one wheel for CPython >= 3.9
#   tacc_rs-<version>.tar.gz                                 the sdist (building it needs a Rust toolchain)
# maturin and auditwheel are pinned and live in their own venv under target/, never the user's.
# The wheel must be manylinux-compliant twice over: maturin's own check (--auditwheel check against
# $MANYLINUX below) and PyPA's `auditwheel show`; either failing fails the script.
set -euo pipefail
# shellcheck source=tools/release/common.sh
. "$(dirname "$0")/common.sh"
cd "$ROOT"
START=$SECONDS
MATURIN_VERSION=1.16.0
AUDITWHEEL_VERSION=6.8.2
# The glibc floor: a wheel links against the build machine's glibc, and this one (Debian 12, glibc 2.36)
# gives symbols up to GLIBC_2.34 (pthread moved into libc), so manylinux_2_34 (Debian 12, Ubuntu 22.04,
# RHEL 9 and later). Wider reach (manylinux2014 = manylinux_2_17) means building in PyPA's manylinux2014
# image, or `--zig`: set TACC_PY_MANYLINUX=manylinux_2_17 there (docs/PACKAGING.md).
case "$PLATFORM" in
    linux-*) ;;
    # macOS: the same maturin build without --compatibility/--auditwheel gives a macosx abi3 wheel
    # (docs/PACKAGING.md); not laid out here, as nothing here can test it.
    *) echo "release python: $PLATFORM is not laid out (linux only: manylinux checks)" >&2; exit 1 ;;
esac
MANYLINUX="${TACC_PY_MANYLINUX:-manylinux_2_34}"
MANYLINUX_TAG="${MANYLINUX}_$(uname -m)"
OUT="$DIST/python"
TOOLS_VENV="$ROOT/target/py-build-venv"
fail() { echo "release python: FAILED: $*" >&2; exit 1; }

# --- Pinned build tools ----------------------------------------------------------------------------
[ -x "$TOOLS_VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$TOOLS_VENV"
"$TOOLS_VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "maturin==$MATURIN_VERSION" "auditwheel==$AUDITWHEEL_VERSION" || fail "pip install maturin auditwheel"
MATURIN="$TOOLS_VENV/bin/maturin"

# maturin reads the wheel's version from bindings/python/Cargo.toml: it must be the one version.
PY_CRATE_VERSION="$(sed -n 's/^version = "\([0-9][0-9.]*\)"$/\1/p' bindings/python/Cargo.toml | head -n 1)"
[ "$PY_CRATE_VERSION" = "$VERSION" ] || fail "bindings/python/Cargo.toml has $PY_CRATE_VERSION, Cargo.toml $VERSION"

rm -rf "$OUT"
mkdir -p "$OUT"

# --- Wheel: abi3 (cp39), stripped, features and module name from bindings/python/pyproject.toml ------
"$MATURIN" build --release --locked --manifest-path bindings/python/Cargo.toml --out "$OUT" \
    --compatibility "$MANYLINUX" --auditwheel check --strip || fail "maturin build"

# --- sdist: the extension crate, the tacc crate and the data it include_bytes!s ---------------------
"$MATURIN" sdist --manifest-path bindings/python/Cargo.toml --out "$OUT" || fail "maturin sdist"

shopt -s nullglob
wheels=("$OUT"/*.whl)
sdists=("$OUT"/*.tar.gz)
[ ${#wheels[@]} -eq 1 ] || fail "expected one wheel in $OUT, found ${#wheels[@]}"
[ ${#sdists[@]} -eq 1 ] || fail "expected one sdist in $OUT, found ${#sdists[@]}"
WHEEL="${wheels[0]}"
SDIST="${sdists[0]}"
# Every file the wheel's build just read (cargo's dep-info) must be in the sdist.
"$TOOLS_VENV/bin/python" bindings/python/tools/check_sdist.py "$SDIST" || fail "the sdist is incomplete"
case "$(basename "$WHEEL")" in
    "tacc_rs-$VERSION-cp39-abi3-"*"$MANYLINUX_TAG"*.whl) ;;
    *) fail "wheel $(basename "$WHEEL") is not tacc_rs-$VERSION-cp39-abi3-...$MANYLINUX_TAG" ;;
esac

# --- A second opinion on the wheel: PyPA's auditwheel ------------------------------------------------
AUDIT="$("$TOOLS_VENV/bin/auditwheel" show "$WHEEL" 2>&1)" || { echo "$AUDIT"; fail "auditwheel show"; }
echo "$AUDIT"
# (auditwheel wraps its lines: compare with the line breaks folded into spaces)
tr -s '\n ' ' ' <<< "$AUDIT" | grep -q "consistent with the following platform tag: \"$MANYLINUX_TAG\"" \
    || fail "auditwheel: $(basename "$WHEEL") is not consistent with $MANYLINUX_TAG"

# The extension must be stripped: what ships carries no symbol table.
SO_INFO="$("$TOOLS_VENV/bin/python" - "$WHEEL" <<'EOF'
import subprocess, sys, tempfile, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1]) as z, tempfile.TemporaryDirectory() as tmp:
    name = next(n for n in z.namelist() if n.endswith(".so"))
    so = pathlib.Path(z.extract(name, tmp))
    sections = subprocess.run(["readelf", "-S", "-W", str(so)], capture_output=True, text=True, check=True).stdout
    print(f"{name} {so.stat().st_size} {'symtab' if '.symtab' in sections else 'stripped'}")
EOF
)"
read -r SO_NAME SO_BYTES SO_STRIPPED <<< "$SO_INFO"
[ "$SO_STRIPPED" = stripped ] || fail "$SO_NAME in the wheel has a symbol table (not stripped)"

printf '\nrelease python: wheel %s (%s bytes; %s %s bytes, stripped)\n' \
    "$(basename "$WHEEL")" "$(stat -c %s "$WHEEL")" "$SO_NAME" "$SO_BYTES"
printf 'release python: tag cp39-abi3-%s (auditwheel: consistent with %s)\n' "$MANYLINUX_TAG" "$MANYLINUX_TAG"
printf 'release python: sdist %s (%s bytes)\n' "$(basename "$SDIST")" "$(stat -c %s "$SDIST")"
printf 'release python: done in %ds\n' "$((SECONDS - START))"
