#!/usr/bin/env bash
# Hugging Face tokenizer.json files converted from real vocabularies, and the `tokenizers`
# package's token IDs for them, for tests/hf_tokenizer.rs. Everything goes to target/hf/:
#   target/hf/venv                       transformers, tokenizers, sentencepiece, protobuf, tiktoken (PyPI)
#   target/hf/<name>/tokenizer.json      llama3, mistral_v1, mistral_v1_metaspace, r50k, trained_bytelevel
#   target/hf/reference.jsonl            the reference IDs (tests/hf/reference.py)
# Needs target/vocabs/llama3/tokenizer.model (tools/open-vocab-reference.sh fetches it) and
# mistral-common's tokenizer.model.v1 ($MISTRAL_V1, default: found in the venv after installing
# mistral-common, Apache-2.0). Then runs the test with TACC_REQUIRE_OPEN_VOCABS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/hf
mkdir -p "$out"
if [ ! -x "$out/venv/bin/python" ]; then
  python3 -m venv "$out/venv"
fi
"$out/venv/bin/pip" install -q "transformers==5.24.0" "tokenizers==0.23.3" "sentencepiece==0.2.3" \
  "protobuf==7.36.2" "tiktoken==0.14.0" "blobfile==3.3.0"
mistral=${MISTRAL_V1:-}
if [ -z "$mistral" ]; then
  "$out/venv/bin/pip" install -q --no-deps "mistral-common==1.13.1"
  mistral=$("$out/venv/bin/python" -c 'import mistral_common, pathlib; print(pathlib.Path(mistral_common.__file__).parent / "data" / "tokenizer.model.v1")')
fi
r50k=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -path '*tiktoken-rs-0.12.1/assets/r50k_base.tiktoken' 2>/dev/null | head -1 || true)
corpus=../shared/corpus
# HF_REFERENCE_QUICK=1 (CI) compares the records vendored in tests/data (300 chat-dev, 20
# prompts-dev) instead of every record: the full reference takes about 10 minutes to write.
if [ "${HF_REFERENCE_QUICK:-0}" = 1 ]; then
  texts="tests/data/chat-dev-300.jsonl.gz tests/data/prompts-dev-20.jsonl.gz"
else
  texts="$corpus/chat-dev.jsonl.gz $corpus/prompts-dev.jsonl.gz"
fi
"$out/venv/bin/python" tests/hf/convert.py target/vocabs "$mistral" "$out" "$r50k" "$corpus/chat-train.jsonl.gz"
# shellcheck disable=SC2086 # two paths, split on purpose
"$out/venv/bin/python" tests/hf/reference.py "$out" "$out/reference.jsonl" $texts
TACC_REQUIRE_OPEN_VOCABS=1 cargo test --release --locked -p tacc --test hf_tokenizer
