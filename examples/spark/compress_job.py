"""A PySpark job: compress the text column of a Parquet dataset to tacc frames, write it, restore it
and check that every record is exactly its original.

    python examples/spark/compress_job.py --input target/spark/chat-dev.parquet \\
        --work target/spark/work --master 'local[2]' [--tokenizer cl100k_base] [--runs 3] [--json OUT]

(or the same arguments after ``spark-submit examples/spark/compress_job.py``, without ``--master``.)

Compression is ``DataFrame.mapInArrow``: Spark hands each task's rows over as Arrow record batches and
``tacc.arrow.compress_array`` turns a batch's text column into a binary column of frames with one
batch call of the Rust library; there is no Python function per row. The library runs one thread
per task (``threads=1``) so the parallelism is Spark's: ``local[N]`` runs N tasks at once.

Steps, each a Spark job: a warm-up compression (starts the Python workers, loads the codec once per
worker), ``--runs`` timed compressions (read Parquet, compress, write Parquet of ``id, source,
frame``), each followed by the same job with the text copied instead of compressed (what Spark alone
costs), a restore of the frames with one of them damaged (it must fail, naming that record's id),
then the restore: read the frames back, ``decompress_array`` in ``mapInArrow``, write the
text as Parquet, read it, and compare with the input by a full outer join on ``id``: a missing,
extra, duplicated or different row fails the job (exit 1). Prints one JSON object (rows, bytes,
seconds, rows/s) on stdout and writes it to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator

import pyarrow as pa

TEXT_SCHEMA = "id long, source string, text string"
# What mapInArrow calls: a task's record batches in, record batches out.
BatchFn = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]
FRAME_SCHEMA = "id long, source string, frame binary"


def compress_batches(tokenizer: str) -> BatchFn:
    """The mapInArrow function: (id, source, text) batches to (id, source, frame)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from tacc.arrow import compress_array  # imported on the worker

        for b in batches:
            # The codec by name: made once per worker process and kept by tacc, not once per task.
            frames = compress_array(b.column("text"), tokenizer, threads=1)
            yield pa.RecordBatch.from_arrays([b.column("id"), b.column("source"), frames],
                                             names=["id", "source", "frame"])

    return run


def passthrough(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The same job without tacc: the text column copied as bytes (Spark's own cost)."""
    for b in batches:
        yield pa.RecordBatch.from_arrays([b.column("id"), b.column("source"), b.column("text").cast(pa.binary())],
                                         names=["id", "source", "frame"])


def decompress_batches(tokenizer: str) -> BatchFn:
    """The mapInArrow function of the restore: (id, source, frame) batches to (id, source, text)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from tacc.arrow import ColumnError, decompress_array

        for b in batches:
            try:
                text = decompress_array(b.column("frame"), tokenizer, threads=1)
            except ColumnError as e:
                # A frame that does not decode fails the task, and the job, naming the record by
                # its id (the row index of an Arrow batch means nothing to the dataset's owner).
                ids = [b.column("id")[i].as_py() for i in e.failed[:5]]
                n = len(e.failed)
                raise ValueError(f"tacc: cannot restore {n} row{'s' if n > 1 else ''}, ids {ids}: {e}") from e
            yield pa.RecordBatch.from_arrays([b.column("id"), b.column("source"), text],
                                             names=["id", "source", "text"])

    return run


def _cpu_sample() -> tuple[float, float] | None:
    """(CPU seconds used so far by this process and its descendants, alive or not: the JVM and the
    Python workers; CPU seconds the whole machine has been busy), from /proc; None elsewhere."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        used: dict[int, float] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            # After the command: state, ppid, ... utime (14th), stime, cutime, cstime (17th).
            parents[int(name)] = int(fields[1])
            used[int(name)] = sum(int(x) for x in fields[11:15]) / tick
        me, mine = os.getpid(), 0.0
        for pid, secs in used.items():
            p = pid
            while p in parents and p != me:
                p = parents[p]
            if p == me:
                mine += secs
        with open("/proc/stat", encoding="ascii") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(cpu[:8]) - cpu[3] - cpu[4]) / tick  # all but idle and iowait (steal included)
        return mine, busy
    except (OSError, ValueError, IndexError):
        return None


def main() -> int:
    p = argparse.ArgumentParser(description="Compress a Parquet dataset's text column with tacc in Spark.")
    p.add_argument("--input", required=True, help="Parquet dataset with id (long), source, text (string)")
    p.add_argument("--work", required=True, help="directory for the frames and the restored dataset (replaced)")
    p.add_argument("--master", default=None, help="e.g. local[2]; default: spark-submit's")
    p.add_argument("--tokenizer", default="cl100k_base")
    p.add_argument("--runs", type=int, default=3, help="timed compressions (the best is reported)")
    p.add_argument("--json", default=None, help="also write the result here")
    a = p.parse_args()

    # Local mode: the Python workers are this interpreter (the venv with tacc-rs and pyarrow), not
    # whatever `python3` is first on PATH. On a cluster, spark-submit's configuration decides.
    if a.master and a.master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    builder = SparkSession.builder.appName("tacc-compress")
    if a.master:
        builder = builder.master(a.master)
    spark = (builder
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             # One task per input file (they are small): Spark would otherwise pack them into as
             # few partitions as it has cores, and one slow file would hold a core idle.
             .config("spark.sql.files.maxPartitionBytes", "1m")
             .config("spark.sql.shuffle.partitions", "8")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")

    frames_dir = os.path.join(a.work, "frames")
    restored_dir = os.path.join(a.work, "restored")
    src = spark.read.parquet(a.input)
    if not {"id", "source", "text"} <= set(src.columns):
        print(f"compress_job: {a.input} needs columns id, source, text (has {src.columns})", file=sys.stderr)
        return 2
    src = src.select("id", "source", "text")
    compress = compress_batches(a.tokenizer)

    cpu: list[tuple[float, float]] = []  # per timed compression: cores used by this job, by the machine

    def once(fn: BatchFn, path: str, record: bool = False) -> float:
        before = _cpu_sample()
        t = time.perf_counter()
        src.mapInArrow(fn, FRAME_SCHEMA).write.mode("overwrite").parquet(path)
        wall = time.perf_counter() - t
        after = _cpu_sample()
        if record and before and after:
            cpu.append(((after[0] - before[0]) / wall, (after[1] - before[1]) / wall))
        return wall

    warmup = once(compress, os.path.join(a.work, "warmup"))
    once(passthrough, os.path.join(a.work, "warmup"))
    # Interleaved with the same job without tacc (the text copied as bytes), so both see the same
    # machine: the difference is what compression costs inside Spark.
    seconds, spark_only = [], []
    for _ in range(max(a.runs, 1)):
        seconds.append(once(compress, frames_dir, record=True))
        spark_only.append(once(passthrough, os.path.join(a.work, "passthrough")))

    t = time.perf_counter()
    (spark.read.parquet(frames_dir).mapInArrow(decompress_batches(a.tokenizer), TEXT_SCHEMA)
     .write.mode("overwrite").parquet(restored_dir))
    restore_seconds = time.perf_counter() - t

    # A damaged frame (the last 3 bytes of one record's cut off) must fail the restore with an error
    # that names that record, never come back as other text.
    victim = int(src.agg(F.min("id")).first()[0]) + 7
    damaged = spark.read.parquet(frames_dir).withColumn(
        "frame", F.when(F.col("id") == victim, F.expr("substring(frame, 1, length(frame) - 3)")).otherwise(F.col("frame")))
    try:
        damaged.mapInArrow(decompress_batches(a.tokenizer), TEXT_SCHEMA).write.format("noop").mode("overwrite").save()
        damaged_error = None
    except Exception as e:  # py4j's or pyspark's wrapper of the worker's exception
        text = str(e)
        damaged_error = next((line.strip() for line in text.splitlines() if line.lstrip().startswith("ValueError: tacc:")),
                             text[:300])
    damaged_ok = damaged_error is not None and f"ids [{victim}]" in damaged_error

    # Every row exactly once and equal to its original: a full outer join on id counts the rows
    # missing on either side and those whose text or source differ (<=> is null-safe equality).
    restored = spark.read.parquet(restored_dir)
    o, r = src.alias("o"), restored.alias("r")
    joined = o.join(r, F.col("o.id") == F.col("r.id"), "full_outer")
    bad = joined.where(~(F.col("o.text").eqNullSafe(F.col("r.text")) & F.col("o.source").eqNullSafe(F.col("r.source"))
                         & F.col("o.id").isNotNull() & F.col("r.id").isNotNull()))
    stats = src.agg(F.count("*").alias("rows"), F.countDistinct("id").alias("ids"),
                    F.sum(F.octet_length("text")).alias("text_bytes")).first()
    n_bad = bad.count()
    n_restored = restored.count()
    frame_bytes = spark.read.parquet(frames_dir).agg(F.sum(F.octet_length("frame"))).first()[0]
    examples = [row["id"] for row in bad.select(F.coalesce(F.col("o.id"), F.col("r.id")).alias("id")).limit(5).collect()]
    rows = stats["rows"]
    best = min(seconds)
    result = {
        "master": a.master or spark.sparkContext.master,
        "default_parallelism": spark.sparkContext.defaultParallelism,
        "input_partitions": src.rdd.getNumPartitions(),
        "tokenizer": a.tokenizer,
        "rows": rows,
        "text_bytes": stats["text_bytes"],
        "frame_bytes": frame_bytes,
        "warmup_seconds": round(warmup, 3),
        "compress_seconds": [round(s, 3) for s in seconds],
        "compress_rows_per_s": round(rows / best, 1),
        "compress_text_mb_per_s": round(stats["text_bytes"] / best / 1e6, 2),
        "compress_rows_per_s_median": round(rows / statistics.median(seconds), 1),
        "spark_only_seconds": [round(s, 3) for s in spark_only],
        # CPU cores in use during each timed compression: by this job's processes (driver, JVM,
        # Python workers) and by the whole machine; busy cores that are not the job's were taken
        # by other programs (Linux /proc; empty elsewhere).
        "job_cores": [round(j, 2) for j, _ in cpu],
        "machine_cores_busy": [round(m, 2) for _, m in cpu],
        "restore_seconds": round(restore_seconds, 3),
        "restore_rows_per_s": round(rows / restore_seconds, 1),
        "verified_rows": rows - n_bad if n_restored == rows and stats["ids"] == rows else 0,
        "mismatched_rows": n_bad,
        "damaged_frame_error": damaged_error,
        "ok": n_bad == 0 and n_restored == rows and stats["ids"] == rows and damaged_ok,
        "spark": spark.version,
        "pyarrow": pa.__version__,
    }
    import tacc

    result["tacc"] = tacc.__version__
    spark.stop()
    out = json.dumps(result, indent=2)
    print(out)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            f.write(out + "\n")
    if not damaged_ok:
        print(f"compress_job: FAILED: the damaged frame of id {victim} gave {damaged_error!r}", file=sys.stderr)
    if not result["ok"]:
        print(f"compress_job: FAILED: {n_bad} rows differ or are missing (ids {examples}); "
              f"{n_restored} restored of {rows}; {stats['ids']} distinct ids", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
