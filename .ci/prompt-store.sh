#!/usr/bin/env bash
# CI for examples/prompt-store: its pytest suite against a real SQLite file and a real, throwaway
# PostgreSQL server on loopback (TACC_REQUIRE_PG=1: no PostgreSQL is a failure, not a skip), then
# its benchmark on a slice of the corpus.
# Run from the repository root by .ci/run after .ci/python.sh (which builds target/py-venv with
# the tacc-rs wheel installed); standalone it builds that venv the same way. On a fresh Debian machine, as root,
# it installs PostgreSQL. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
export PATH="$HOME/.cargo/bin:$PATH"
PY="${PYTHON:-python3}"
VENV="$ROOT/target/py-venv"
EX="$ROOT/examples/prompt-store"
LIMIT="${PROMPT_STORE_BENCH_LIMIT:-300}"

step() { printf '\n=== [%4ds] prompt-store: %s\n' "$((SECONDS - START))" "$*"; }
fail() { echo "prompt-store: FAILED: $*" >&2; exit 1; }

[ -d ../shared/corpus ] || fail "../shared/corpus is missing: clone beside shared/"

# ---- Tools ------------------------------------------------------------------------------------
step "tools (PostgreSQL server, python venv)"
missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
"$PY" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || fail "need ${missing[*]}: run as root or install them"
    echo "installing: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The newest installed major version.
PGBIN="$(dirname "$(ls -1d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
"$PGBIN/postgres" --version

if ! "$VENV/bin/python" -c 'import tacc' 2>/dev/null; then
    # Same as .ci/python.sh: the release wheel (dist/python), installed with no Rust toolchain.
    bindings/python/tools/wheel-venv.sh "$VENV" pytest || fail "bindings/python/tools/wheel-venv.sh"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check pytest 'psycopg[binary]>=3.1' \
    || fail "pip install pytest psycopg[binary]"
"$VENV/bin/python" -c 'import tacc, psycopg, sqlite3; print("tacc", tacc.__version__, "| psycopg", psycopg.__version__, "| sqlite", sqlite3.sqlite_version)'

# ---- A throwaway PostgreSQL cluster -------------------------------------------------------------
step "PostgreSQL cluster on 127.0.0.1"
# postgres refuses to run as root: as root, the cluster belongs to the postgres OS user.
if [ "$(id -u)" = 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi
PGDIR="$ROOT/target/pg"
mkdir -p "$ROOT/target"
# The postgres user must be able to reach the cluster; a clone under /root is not reachable.
as_pg test -x "$ROOT/target" || PGDIR="/tmp/tacc-pg-$$"
PGDATA_DIR="$PGDIR/data"
stop_pg() {
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
stop_pg  # a cluster left over by an interrupted run
trap stop_pg EXIT
mkdir -p "$PGDIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PGDIR"; fi
# A free loopback port, chosen by the kernel.
PGPORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync > "$ROOT/target/pg-initdb.log" 2>&1 || { cat "$ROOT/target/pg-initdb.log"; fail "initdb"; }
# Loopback only (default pg_hba.conf trusts 127.0.0.1/32 and ::1 only); the socket in our own dir.
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$PGDIR" start >/dev/null \
    || { cat "$PGDIR/server.log"; fail "pg_ctl start"; }
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres tacc_prompt_store
export TACC_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/tacc_prompt_store"
export TACC_REQUIRE_PG=1
echo "server up: $TACC_PG_URL (data in $PGDATA_DIR)"

# ---- Tests --------------------------------------------------------------------------------------
step "pytest (SQLite file + PostgreSQL: round trips, unicode, conversations, threads, corrupt rows, CLI)"
set +e
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$EX/tests" > target/pytest-prompt-store.log 2>&1
rc=$?
set -e
tail -n 25 target/pytest-prompt-store.log
case $rc in
    0) ;;
    5) fail "pytest collected no tests (exit 5)" ;;
    *) fail "pytest exit $rc (full log: target/pytest-prompt-store.log)" ;;
esac

# ---- Benchmark ----------------------------------------------------------------------------------
step "benchmark (--limit $LIMIT per file, both backends, with and without compression)"
"$VENV/bin/python" "$EX/bench.py" --limit "$LIMIT" --pg-url "$TACC_PG_URL" \
    --workdir "$ROOT/target/prompt-store-bench" --json "$ROOT/target/prompt-store-bench.json" \
    || fail "bench.py"

step "done in $((SECONDS - START))s"
