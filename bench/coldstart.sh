#!/usr/bin/env bash
# Cold start: new process per run, the model harness beside the stored one (bench/coldstart.py).
# Builds the release CLI first; extra arguments go to the script (--runs N, --json FILE, --tacc BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p tacc-cli >&2
exec python3 bench/coldstart.py "$@"
