#!/usr/bin/env bash
# bindings/python/tools/wheel-venv.sh VENV [PACKAGE...]: a fresh venv at VENV holding the release wheel
# ($DIST/python/*.whl; tools/release/python.sh makes it when missing) and PACKAGEs, installed as a user
# without a Rust toolchain would: under .ci/no-rust-env, binary packages only, so pip builds nothing.
# Used by .ci/python.sh and .ci/prompt-store.sh (one way to get tacc into a venv, the user's way).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 VENV [PACKAGE...]" >&2; exit 2; }
VENV="$1"; shift
# shellcheck source=tools/release/common.sh
. "$(dirname "$0")/../../../tools/release/common.sh"
cd "$ROOT"
[ -d "$DIST/python" ] || bash tools/release/python.sh
shopt -s nullglob
wheels=("$DIST"/python/*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "wheel-venv: expected one wheel in $DIST/python, found ${#wheels[@]}" >&2; exit 1; }
rm -rf "$VENV"
.ci/no-rust-env "${PYTHON:-python3}" -m venv "$VENV"
.ci/no-rust-env "$VENV/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: \
    "${wheels[0]}" "$@"
echo "wheel-venv: $VENV: $(basename "${wheels[0]}") $*"
