#!/usr/bin/env bash
# CI for examples/spark: the PySpark job (mapInArrow + tacc.arrow) on chat-dev as a Parquet dataset,
# in Spark's local mode with one core and with two. Every row must come back exactly (the job's full
# outer join on id), and a damaged frame must fail the restore naming its record: otherwise this
# script fails. Throughput (rows/s of the
# compression job, best of 3) and the local[2]/local[1] ratio are printed and written to
# target/spark.json, never checked: the machine is shared and the ratio is noisy.
# Run from the repository root by .ci/run after .ci/python.sh, whose venv (target/py-venv: the
# tacc-rs wheel, pyarrow) it reuses; standalone it builds that venv the same way. Installs Java 17
# (Debian's openjdk-17-jre-headless) when no java is on PATH. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=$SECONDS
PY="${PYTHON:-python3}"
VENV="$ROOT/target/py-venv"
WORK="$ROOT/target/spark"
# Spark 4.x runs on Java 17/21 and Python 3.10+. pandas: pyspark's mapInArrow refuses to start
# without it (measured: PySparkImportError "Pandas >= 2.2.0 must be installed"), though no pandas
# object is made. The pins are the versions this was measured with.
PYSPARK_VERSION=4.3.0
PYARROW_VERSION=26.0.1
PANDAS_VERSION=2.3.3
NUMPY_VERSION=2.4.6
# pip's cache, kept between runs: pyspark exists on PyPI only as a 456 MB sdist (pure Python: its
# "build" copies files, and pip keeps the built wheel here, so only the first run downloads it).
export PIP_CACHE_DIR="$ROOT/target/pip-cache"

step() { printf '\n=== [%4ds] spark: %s\n' "$((SECONDS - START))" "$*"; }
fail() { echo "spark: FAILED: $*" >&2; exit 1; }

[ -d ../shared/corpus ] || fail "../shared/corpus is missing: clone beside shared/"

step "tools: java, the venv with tacc-rs, pyspark $PYSPARK_VERSION, pyarrow $PYARROW_VERSION, pandas $PANDAS_VERSION"
if ! command -v java >/dev/null; then
    [ "$(id -u)" = 0 ] || fail "no java on PATH: install a JRE 17 or run as root"
    echo "installing: openjdk-17-jre-headless"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | head -n 1
if ! "$VENV/bin/python" -c 'import tacc' 2>/dev/null; then
    bindings/python/tools/wheel-venv.sh "$VENV" pytest || fail "bindings/python/tools/wheel-venv.sh"
fi
# Binary packages only, as wheel-venv.sh installs, except pyspark, which has no wheel.
.ci/no-rust-env "$VENV/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: \
    --no-binary pyspark "pyspark==$PYSPARK_VERSION" "pyarrow==$PYARROW_VERSION" "pandas==$PANDAS_VERSION" \
    "numpy==$NUMPY_VERSION" || fail "pip install pyspark pyarrow pandas"
"$VENV/bin/python" -c 'import tacc, pyspark, pyarrow, pandas; print("tacc", tacc.__version__, "| pyspark", pyspark.__version__, "| pyarrow", pyarrow.__version__, "| pandas", pandas.__version__)'

step "dataset: chat-dev.jsonl.gz as Parquet"
mkdir -p "$WORK"
"$VENV/bin/python" examples/spark/make_dataset.py -f -o "$WORK/chat-dev.parquet" || fail "make_dataset.py"

for n in 1 2; do
    step "the job at local[$n]: compress (warm-up + 3 timed runs), restore, every row checked"
    rm -rf "$WORK/work$n"
    # Spark's own log (JVM warnings) goes to a file; the job's JSON result to stdout.
    if ! timeout 900 "$VENV/bin/python" examples/spark/compress_job.py --input "$WORK/chat-dev.parquet" \
            --work "$WORK/work$n" --master "local[$n]" --runs 3 --json "$WORK/local$n.json" \
            > "$WORK/local$n.out" 2> "$WORK/local$n.log"; then
        tail -n 40 "$WORK/local$n.log" >&2
        fail "the job at local[$n] (log: $WORK/local$n.log)"
    fi
    "$VENV/bin/python" - "$WORK/local$n.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{r['master']}: {r['rows']} rows, {r['text_bytes']} text bytes -> {r['frame_bytes']} frame bytes; "
      f"compress {r['compress_seconds']} s (Spark alone {r['spark_only_seconds']} s), best "
      f"{r['compress_rows_per_s']} rows/s; restore {r['restore_seconds']} s; {r['verified_rows']} rows verified; "
      f"CPU cores in use while compressing: by the job {r['job_cores']}, by the machine {r['machine_cores_busy']}")
print(f"  a damaged frame: {r['damaged_frame_error']}")
EOF
    rm -rf "$WORK/work$n"
done

step "result: target/spark.json"
"$VENV/bin/python" - "$WORK/local1.json" "$WORK/local2.json" "$ROOT/target/spark.json" <<'EOF'
import json, os, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
if not (one["ok"] and two["ok"]):
    sys.exit("spark: a run did not verify every row")
ratio = two["compress_rows_per_s"] / one["compress_rows_per_s"]
load = os.getloadavg()
out = {"rows": one["rows"], "local1_rows_per_s": one["compress_rows_per_s"], "local2_rows_per_s": two["compress_rows_per_s"],
       "ratio": round(ratio, 2), "load_average_1_5_15": [round(x, 2) for x in load], "cpus": os.cpu_count(),
       "local1": one, "local2": two}
with open(sys.argv[3], "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
print(f"local[1] {one['compress_rows_per_s']} rows/s, local[2] {two['compress_rows_per_s']} rows/s: "
      f"{ratio:.2f}x (load average now {load[0]:.2f} on {os.cpu_count()} CPUs; not checked: shared machine)")
EOF
step "done in $((SECONDS - START))s"
