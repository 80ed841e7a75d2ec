#!/usr/bin/env bash
# Runs every fuzz target briefly on its committed seed corpus (fuzz/corpus/<target>/), with
# limits low enough that a big allocation (-rss_limit_mb) or a slow input (-timeout) is a finding.
# Works on stable Rust: cargo-fuzz runs with RUSTC_BOOTSTRAP=1 and no sanitizer (libFuzzer's
# coverage instrumentation only), so no nightly toolchain is needed.
#
#   .ci/fuzz.sh                      # every target, FUZZ_SECONDS (default 5) each
#   FUZZ_SECONDS=60 .ci/fuzz.sh decode_frame tokenize_custom
#
# New inputs the fuzzer finds go to a scratch directory, not to the committed corpus; a crash,
# leak, timeout or out-of-memory input is kept under fuzz/artifacts/<target>/ and the script
# exits non-zero after running every target.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${FUZZ_SECONDS:-5}"
RSS_LIMIT_MB="${FUZZ_RSS_LIMIT_MB:-512}"
TIMEOUT_S="${FUZZ_TIMEOUT:-5}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz from crates.io" >&2
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
started=$(date +%s)
(cd fuzz && cargo fuzz build -O --sanitizer none)
built=$(date +%s)

host=$(rustc -vV | sed -n 's/^host: //p')
target_dir="${CARGO_TARGET_DIR:-fuzz/target}"
case "$target_dir" in /*) ;; *) [ -n "${CARGO_TARGET_DIR:-}" ] && target_dir="fuzz/$target_dir" ;; esac
bin_dir="$target_dir/$host/release"
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t" "fuzz/corpus/$t" "fuzz/artifacts/$t"
    echo "== $t (${SECONDS_PER_TARGET} s, -rss_limit_mb=$RSS_LIMIT_MB -timeout=$TIMEOUT_S)"
    # The first directory receives new inputs; the committed corpus is only read.
    if ! "$bin_dir/$t" "$scratch/$t" "fuzz/corpus/$t" \
        -max_total_time="$SECONDS_PER_TARGET" \
        -rss_limit_mb="$RSS_LIMIT_MB" \
        -malloc_limit_mb="$RSS_LIMIT_MB" \
        -timeout="$TIMEOUT_S" \
        -artifact_prefix="fuzz/artifacts/$t/" \
        -print_final_stats=1 >"$scratch/$t.log" 2>&1; then
        failed+=("$t")
        tail -n 40 "$scratch/$t.log"
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$scratch/$t.log" | tr '\n' ' ' || true
    echo
done
finished=$(date +%s)
echo "fuzz.sh: build $((built - started)) s, runs $((finished - built)) s, ${#targets[@]} targets"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: FINDINGS in: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz.sh: no finding"
