#!/usr/bin/env bash
# Set up the reference ("peer") Python packages tacc 0.1.0 and LoPace 0.1.5
# plus an offline tiktoken cache, so the scripts in tools/peers/ can run
# without network access beyond PyPI.
#
# Usage: tools/peers/setup.sh [VENV_DIR] [CACHE_DIR]
#   VENV_DIR  default: <repo>/target/peers-venv
#   CACHE_DIR default: <repo>/target/tiktoken-cache
#
# Idempotent: rerunning reuses the venv and leaves correct cache files alone.
# Last line printed is the `export TIKTOKEN_CACHE_DIR=...` line to eval.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

venv="${1:-$root/target/peers-venv}"
cache="${2:-$root/target/tiktoken-cache}"
mkdir -p "$(dirname "$venv")" "$cache"
venv="$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")"
cache="$(cd "$cache" && pwd)"

python="${PYTHON:-python3}"

log() { echo "setup.sh: $*" >&2; }

# --- venv -----------------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
    log "creating venv $venv"
    "$python" -m venv "$venv"
fi
# pip is a no-op (and needs no network) when everything is already satisfied.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "tacc==0.1.0" "lopace==0.1.5" tiktoken zstandard >&2

# --- tiktoken-rs assets ---------------------------------------------------
# tiktoken (Python) downloads its BPE files from openaipublic at first use;
# we have no such network, but the tiktoken-rs crate ships the same files.
assets=""
if command -v cargo >/dev/null 2>&1 && [ -f "$root/Cargo.toml" ]; then
    manifest="$(cargo metadata --format-version 1 --manifest-path "$root/Cargo.toml" 2>/dev/null \
        | "$venv/bin/python" -c '
import json, sys
pkgs = [p for p in json.load(sys.stdin)["packages"] if p["name"] == "tiktoken-rs"]
pkgs.sort(key=lambda p: [int(x) if x.isdigit() else 0 for x in p["version"].split("-")[0].split(".")])
print(pkgs[-1]["manifest_path"] if pkgs else "")
' || true)"
    if [ -n "$manifest" ] && [ -d "$(dirname "$manifest")/assets" ]; then
        assets="$(dirname "$manifest")/assets"
    fi
fi
if [ -z "$assets" ]; then
    # Not (yet) a resolved dependency: take the newest crate in the registry.
    assets="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tiktoken-rs-*/assets 2>/dev/null \
        | sort -V | tail -n 1 || true)"
fi
if [ -z "$assets" ]; then
    log "tiktoken-rs crate sources not found; run 'cargo fetch' in $root first"
    exit 1
fi
log "tiktoken-rs assets: $assets"

# --- fill the cache -------------------------------------------------------
# tiktoken names cache files by sha1(url) and checks each against a pinned
# sha256. tiktoken-rs ships encoder.json pretty-printed; the original file is
# exactly json.dumps() of its contents, so we regenerate it.
"$venv/bin/python" - "$assets" "$cache" <<'EOF'
import hashlib, json, os, sys

assets, cache = sys.argv[1], sys.argv[2]
base = "https://openaipublic.blob.core.windows.net/"
files = [
    # (url, asset file, sha256 that tiktoken expects, transform)
    ("encodings/r50k_base.tiktoken", "r50k_base.tiktoken",
     "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", None),
    ("encodings/p50k_base.tiktoken", "p50k_base.tiktoken",
     "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069", None),
    ("encodings/cl100k_base.tiktoken", "cl100k_base.tiktoken",
     "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", None),
    ("encodings/o200k_base.tiktoken", "o200k_base.tiktoken",
     "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", None),
    ("gpt-2/encodings/main/vocab.bpe", "vocab.bpe",
     "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5", None),
    ("gpt-2/encodings/main/encoder.json", "encoder.json",
     "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783", "json"),
]
ok = True
for rel, name, want, transform in files:
    dst = os.path.join(cache, hashlib.sha1((base + rel).encode()).hexdigest())
    if os.path.exists(dst):
        with open(dst, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() == want:
                continue
    with open(os.path.join(assets, name), "rb") as f:
        data = f.read()
    if transform == "json":
        data = json.dumps(json.loads(data)).encode()
    if hashlib.sha256(data).hexdigest() != want:
        print(f"setup.sh: {name}: sha256 mismatch, not cached", file=sys.stderr)
        ok = False
        continue
    with open(dst + ".tmp", "wb") as f:
        f.write(data)
    os.replace(dst + ".tmp", dst)
sys.exit(0 if ok else 1)
EOF

# Smoke test: every tokenizer tacc knows must load offline.
TIKTOKEN_CACHE_DIR="$cache" "$venv/bin/python" -c '
import tiktoken
for n in ["cl100k_base", "gpt2", "o200k_base", "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base"]:
    tiktoken.get_encoding(n)
' >&2

echo "export TIKTOKEN_CACHE_DIR=$cache"
