#!/usr/bin/env bash
# CI for the Python package (distribution tacc-rs, import name tacc): the release wheel, installed into
# a clean venv with no Rust toolchain on PATH (.ci/no-rust-env), passes the whole pytest suite
# (including compatibility in both directions with the real tacc 0.1.0 and LoPace 0.1.5 in their own
# venv, and the hostile-input step), `mypy --strict` on the installed package and `mypy.stubtest`
# (the stubs against the extension). Nothing here compiles Rust: the wheel and sdist come from
# tools/release/python.sh (run by .ci/run before this; run here when $DIST/python is missing).
# Run from the repository root; exits non-zero on any failure; prints each runner's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
PY="${PYTHON:-python3}"
DIST="${TACC_DIST:-$ROOT/dist}"
# target/py-venv: the wheel's venv, also used by .ci/prompt-store.sh.
VENV="$ROOT/target/py-venv"
PEERS_VENV="$ROOT/target/peers-venv"
TIKTOKEN_CACHE="$ROOT/target/tiktoken-cache"
MYPY_VERSION=2.4.1
# tacc.arrow / tacc.parquet (the [arrow] extra) and their types; .ci/spark.sh uses the same pyarrow.
PYARROW_VERSION=26.0.1
PYARROW_STUBS_VERSION=20.0.0.20260819

step() { printf '\n=== [%4ds] python: %s\n' "$((SECONDS - START))" "$*"; }
fail() { echo "python: FAILED: $*" >&2; exit 1; }

# ---- Tools ----------------------------------------------------------------------------------------
step "tools"
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "installing: python3-venv"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
"$PY" --version

# ---- Artefacts ----------------------------------------------------------------------------------
step "artefacts in $DIST/python"
shopt -s nullglob
# Missing, or older than a source it is made of (a run by hand after an edit): made again (cargo is a
# no-op when the Rust side is current).
old=("$DIST"/python/*.whl)
old_sdist=("$DIST"/python/*.tar.gz)
if [ ${#old[@]} -ne 1 ] || [ ${#old_sdist[@]} -ne 1 ] || [ -n "$(find src bindings/python/src bindings/python/python Cargo.toml Cargo.lock \
        bindings/python/Cargo.toml bindings/python/pyproject.toml -newer "${old[0]}" -print -quit)" ]; then
    TACC_DIST="$DIST" bash tools/release/python.sh || fail "tools/release/python.sh"
fi
wheels=("$DIST"/python/*.whl)
sdists=("$DIST"/python/*.tar.gz)
[ ${#wheels[@]} -eq 1 ] && [ ${#sdists[@]} -eq 1 ] || fail "expected one wheel and one sdist in $DIST/python"
WHEEL="${wheels[0]}"
SDIST="${sdists[0]}"
ls -l "$WHEEL" "$SDIST" | awk '{print $5, $NF}'

# The sdist must build anywhere: it holds every file the extension's build read (cargo's dep-info of
# the wheel's build, when it is still there) and the Cargo files. Building it costs minutes: by hand.
step "sdist contents"
"$PY" bindings/python/tools/check_sdist.py "$SDIST" || fail "the sdist is incomplete"

# ---- A clean venv, no Rust toolchain -----------------------------------------------------------------
step "peers: tacc 0.1.0 + lopace 0.1.5 in $PEERS_VENV"
tools/peers/setup.sh "$PEERS_VENV" "$TIKTOKEN_CACHE" >/dev/null || fail "tools/peers/setup.sh"

step "venv $VENV: the wheel, pytest, mypy (under .ci/no-rust-env, binary packages only)"
# --only-binary :all:: pip may build nothing (no maturin, no cargo); .ci/no-rust-env proves it.
TACC_DIST="$DIST" bindings/python/tools/wheel-venv.sh "$VENV" pytest "mypy==$MYPY_VERSION" \
    "pyarrow==$PYARROW_VERSION" "pyarrow-stubs==$PYARROW_STUBS_VERSION" || fail "wheel-venv.sh"
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(tacc-rs|mypy|pytest|pyarrow|pyarrow-stubs) '

# Hostile payloads and decode limits (issue 12) run as a step of their own, so their time shows.
HOSTILE_TESTS=(bindings/python/tests/test_hostile.py bindings/python/tests/test_limits.py)
pytest_step() { # log-name, pytest arguments...
    local log="target/$1.log"; shift
    set +e
    TACC_REQUIRE_PEERS=1 TACC_REQUIRE_PYARROW=1 TACC_PEERS_PYTHON="$PEERS_VENV/bin/python" TIKTOKEN_CACHE_DIR="$TIKTOKEN_CACHE" \
        .ci/no-rust-env "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" > "$log" 2>&1
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
step "pytest (API, packaging, golden vectors, peers compatibility, errors, threads, open-model vocabularies: TACC_REQUIRE_OPEN_VOCABS=${TACC_REQUIRE_OPEN_VOCABS:-0})"
pytest_step pytest-bindings bindings/python/tests $(printf -- '--ignore=%s ' "${HOSTILE_TESTS[@]}")

step "pytest: hostile payloads and decode limits (each case in a child, peak RSS and CPU by getrusage)"
pytest_step pytest-hostile "${HOSTILE_TESTS[@]}"

# ---- Types: what a user's mypy sees ---------------------------------------------------------------
# From a directory outside the repository, so that both read the installed package, not the sources.
step "mypy --strict on the installed package, and stubtest (tacc/_native.pyi against the extension)"
TYPES_DIR="$(mktemp -d)"
trap 'rm -rf "$TYPES_DIR"' EXIT
(
    cd "$TYPES_DIR"
    "$ROOT/.ci/no-rust-env" "$VENV/bin/python" -m mypy --strict --no-incremental -p tacc
    "$ROOT/.ci/no-rust-env" "$VENV/bin/python" -m mypy --strict --no-incremental "$ROOT/bindings/python/tests/typing/consumer.py"
    "$ROOT/.ci/no-rust-env" "$VENV/bin/python" -m mypy.stubtest tacc._native
) || fail "mypy / stubtest"

step "done in $((SECONDS - START))s"
