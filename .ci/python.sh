#!/usr/bin/env bash
# CI for the Python package (a PyO3 extension, bindings/python): it installs and passes its tests
# (including compatibility in both directions with the real tacc 0.1.0 and LoPace 0.1.5 in their
# own venv).
# Run from the repository root by .ci/run after `cargo build --release`, on a fresh machine: it installs
# what it needs. Exits non-zero on any failure; prints each runner's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
export PATH="$HOME/.cargo/bin:$PATH"
PY="${PYTHON:-python3}"
VENV="$ROOT/target/py-venv"
PEERS_VENV="$ROOT/target/peers-venv"
TIKTOKEN_CACHE="$ROOT/target/tiktoken-cache"

step() { printf '\n=== [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { echo "bindings: FAILED: $*" >&2; exit 1; }

# ---- Tools ----------------------------------------------------------------------------------------
step "tools"
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
"$PY" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$PY" --version; (java -version 2>&1 | sed -n 1p) || true; (mvn -v 2>/dev/null | sed -n 1p) || true

# ---- Python -----------------------------------------------------------------------------------------
step "peers: tacc 0.1.0 + lopace 0.1.5 in $PEERS_VENV"
tools/peers/setup.sh "$PEERS_VENV" "$TIKTOKEN_CACHE" >/dev/null || fail "tools/peers/setup.sh"

step "pip install ./bindings/python into $VENV (maturin, PyO3 crate tacc-python)"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check pytest
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./bindings/python \
    || fail "pip install ./bindings/python"

# Hostile payloads and decode limits (issue 12) run as a step of their own, so their time shows.
HOSTILE_TESTS=(bindings/python/tests/test_hostile.py bindings/python/tests/test_limits.py)
pytest_step() { # log-name, pytest arguments...
    local log="target/$1.log"; shift
    set +e
    TACC_REQUIRE_PEERS=1 TACC_PEERS_PYTHON="$PEERS_VENV/bin/python" TIKTOKEN_CACHE_DIR="$TIKTOKEN_CACHE" \
        "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" > "$log" 2>&1
    local rc=$?
    set -e
    tail -n 25 "$log"
    case $rc in
        0) ;;
        5) fail "pytest collected no tests (exit 5)" ;;
        *) fail "pytest exit $rc (full log: $log)" ;;
    esac
}

# test_open_vocabs.py (and Kotlin's OpenVocabsTest) read the publishers' tokenizer files from
# $TACC_VOCAB_DIR or target/vocabs/<name>/<file>: skipped when absent, failing under TACC_REQUIRE_OPEN_VOCABS=1
# (inherited from the caller, like TACC_VOCAB_DIR).
step "pytest (API, golden vectors, peers compatibility, errors, threads, open-model vocabularies: TACC_REQUIRE_OPEN_VOCABS=${TACC_REQUIRE_OPEN_VOCABS:-0})"
pytest_step pytest-bindings bindings/python/tests $(printf -- '--ignore=%s ' "${HOSTILE_TESTS[@]}")

step "pytest: hostile payloads and decode limits (each case in a child, peak RSS and CPU by getrusage)"
pytest_step pytest-hostile "${HOSTILE_TESTS[@]}"

step "done in $((SECONDS - START))s"
