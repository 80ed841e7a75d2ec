"""The Spark example's input: chat-dev.jsonl.gz as a Parquet dataset (id, source, text), split into
files of about equal text bytes; each file is a task of its own, so local[N] keeps N cores busy.

    python examples/spark/make_dataset.py [--corpus ../shared/corpus/chat-dev.jsonl.gz]
                                          [-o target/spark/chat-dev.parquet] [--files 8] [--repeat 1] [-f]

8 files by default: on chat-dev (7.1 MB of text) Spark's own cost per task (scheduling, the Arrow
hand-over to the Python worker, one Parquet file and its commit per task) is ~0.1 s; with 32 files it
was 3.4 s of a 4.9 s compression at local[1], with 8 files 1.1-2.5 s (examples/spark/README.md).
``--repeat K`` writes the corpus K times (ids stay distinct) for a run where compression dominates.

Needs pyarrow only (no Spark): the dataset is a directory of part-NNNNN.parquet files, which Spark,
pyarrow and DuckDB all read as one table. Rows keep the corpus order; ids are 0..n-1.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "chat-dev.jsonl.gz")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("-o", "--output", default=os.path.join(ROOT, "target", "spark", "chat-dev.parquet"))
    p.add_argument("--files", type=int, default=8, help="part files (Spark tasks); default 8")
    p.add_argument("--repeat", type=int, default=1, help="write the corpus this many times (default 1)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing output directory")
    a = p.parse_args()
    if a.files < 1 or a.repeat < 1:
        p.error("--files and --repeat must be at least 1")
    if os.path.exists(a.output):
        if not a.force:
            print(f"make_dataset: {a.output} exists (use -f to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(a.output)

    sources, texts = [], []
    with gzip.open(a.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            sources.append(r["source"])
            texts.append(r["text"])
    sources, texts = sources * a.repeat, texts * a.repeat
    n = len(texts)
    table = pa.table({"id": pa.array(range(n), type=pa.int64()), "source": pa.array(sources, type=pa.string()),
                      "text": pa.array(texts, type=pa.string())})

    # Parts of about equal text bytes (records differ 100-fold in length), so no task is a straggler.
    tmp = a.output + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    sizes = [len(t.encode("utf-8")) for t in texts]
    total, target, start, acc, part = sum(sizes), sum(sizes) / a.files, 0, 0, 0
    for i, s in enumerate(sizes):
        acc += s
        if acc >= target * (part + 1) or i == n - 1:
            pq.write_table(table.slice(start, i + 1 - start), os.path.join(tmp, f"part-{part:05d}.parquet"))
            part, start = part + 1, i + 1
    os.rename(tmp, a.output)
    print(f"make_dataset: {n} records, {total} text bytes, {part} files: {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
