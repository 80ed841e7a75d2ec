#!/usr/bin/env bash
# Regenerates the README's benchmark charts: docs/report/<corpus>.html (one self-contained page
# each, charts as inline SVG) and docs/report/<corpus>/*.png (the same charts, 900x500 PNG).
#
#   tools/make-report.sh            # all records of chat-dev and prompts-dev, every row
#
# Needs ../shared/corpus beside the clone. Every row runs in a child process of its own (for its
# peak memory), one after another; under a minute per corpus on the 2-core VM.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
OUT=docs/report

cargo build --release --locked -p tacc-cli
mkdir -p "$OUT"

# Size bands by UTF-8 bytes per record, chosen so that each band of each corpus holds enough
# records for a box plot: chat completions are mostly 1-4 KiB, system prompts 4 KiB and up.
run() {
    local name=$1 bands=$2
    rm -rf "${OUT:?}/$name"
    ./target/release/tacc bench "$CORPUS/$name.jsonl.gz" --bands "$bands" \
        --json "$OUT/$name.json" --report "$OUT/$name.html" --png-dir "$OUT/$name" \
        | tee "$OUT/$name.txt"
}
time run chat-dev 1KiB,4KiB
time run prompts-dev 4KiB,16KiB
ls -la "$OUT" "$OUT"/*/
