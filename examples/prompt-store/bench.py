"""Benchmark: the corpus stored as rows, plain text vs tacc frames, in SQLite and PostgreSQL.

For each data set (prompts-dev: long system prompts, one row each via put_prompt; chat-dev: chat
completions, appended to conversations of 8 messages), backend and storage mode it reports the
table's size on disk, and per-row insert latency (compress + INSERT + COMMIT) and read latency
(SELECT + decompress) at p50 and p99. Every row read is checked against the text written.

Sizes: SQLite, the table's pages plus its indexes' (dbstat) after VACUUM; PostgreSQL,
pg_total_relation_size (heap, TOAST, indexes) after VACUUM. PostgreSQL compresses text values
over ~2 KB itself (TOAST, pglz), so its plain-text baseline is already compressed; the "values"
column shows the bytes the values take after that (pg_column_size).

    python bench.py [--limit N] [--pg-url postgresql://...] [--json out.json]
"""

import argparse
import gzip
import json
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

import tacc

from prompt_store import PromptStore

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1].parent / "shared" / "corpus"
CONVERSATION_LEN = 8


def load(name, limit):
    texts = []
    with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(texts) >= limit:
                break
            texts.append(json.loads(line)["text"])
    return texts


def pct(values, p):
    """Nearest-rank percentile, in milliseconds."""
    s = sorted(values)
    return 1000 * s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def open_store(backend, target, dataset, compress, workdir):
    mode = "tacc" if compress else "text"
    if backend == "sqlite":
        path = workdir / f"{dataset}-{mode}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return PromptStore(path, compress=compress)
    # One pair of tables per configuration, so the user's own tables are never touched.
    prefix = f"bench_{dataset.replace('-', '_')}_{mode}_"
    import psycopg

    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {prefix}prompts, {prefix}messages")
    return PromptStore(target, compress=compress, table_prefix=prefix)


def table_size(store, table):
    """(bytes on disk of the table with its indexes, bytes of the stored values)."""
    if store.is_postgres:
        import psycopg

        with psycopg.connect(store.target, autocommit=True) as conn:
            conn.execute(f"VACUUM {table}")
            return conn.execute(
                f"SELECT pg_total_relation_size('{table}'), SUM(COALESCE(pg_column_size(frame), pg_column_size(body))) "
                f"FROM {table}").fetchone()
    conn = sqlite3.connect(store.target, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        (disk,) = conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name = ?1 OR name IN "
            "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1)", (table,)).fetchone()
        (values,) = conn.execute(f"SELECT SUM(length(COALESCE(frame, CAST(body AS BLOB)))) FROM {table}").fetchone()
        return disk, values
    finally:
        conn.close()


def run(backend, target, dataset, texts, compress, workdir):
    store = open_store(backend, target, dataset, compress, workdir)
    try:
        if dataset == "prompts-dev":
            put = lambda i, t: store.put_prompt(f"prompt-{i}", t)  # noqa: E731
            get = store.get_prompt
            table = store.prompts_table
        else:
            put = lambda i, t: store.append_message(f"conv-{i // CONVERSATION_LEN}", "assistant", t)  # noqa: E731
            get = lambda row_id: store.get_message(row_id)[1]  # noqa: E731
            table = store.messages_table
        ids, ins, rd = [], [], []
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            ids.append(put(i, text))
            ins.append(time.perf_counter() - t0)
        for row_id, text in zip(ids, texts):
            t0 = time.perf_counter()
            back = get(row_id)
            rd.append(time.perf_counter() - t0)
            if back != text:
                raise SystemExit(f"bench: {backend} {dataset} row {row_id} read back different text")
        disk, values = table_size(store, table)
    finally:
        store.close()
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    return {
        "dataset": dataset, "backend": backend, "storage": "tacc frame" if compress else "text",
        "rows": len(texts), "text_bytes": text_bytes, "table_bytes": disk, "value_bytes": values,
        "insert_ms_p50": pct(ins, 50), "insert_ms_p99": pct(ins, 99),
        "read_ms_p50": pct(rd, 50), "read_ms_p99": pct(rd, 99),
    }


def markdown(results):
    mb = lambda n: f"{n / 1e6:.2f}"  # noqa: E731
    lines = [
        "| data | backend | stored as | rows | text MB | table on disk MB | text / table | values MB "
        "| insert ms p50 / p99 | read ms p50 / p99 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        stored = r["storage"]
        if r["backend"] == "postgres" and stored == "text":
            stored = "text (TOAST pglz)"
        lines.append(
            f"| {r['dataset']} | {r['backend']} | {stored} | {r['rows']:,} | {mb(r['text_bytes'])} "
            f"| {mb(r['table_bytes'])} | {r['text_bytes'] / r['table_bytes']:.2f} | {mb(r['value_bytes'])} "
            f"| {r['insert_ms_p50']:.2f} / {r['insert_ms_p99']:.2f} | {r['read_ms_p50']:.2f} / {r['read_ms_p99']:.2f} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit", type=int, help="first N records of each file (default: all)")
    p.add_argument("--pg-url", default=os.environ.get("TACC_PG_URL"),
                   help="PostgreSQL URL (default $TACC_PG_URL); tables bench_* there are dropped and recreated")
    p.add_argument("--workdir", default="prompt-store-bench", help="directory for the SQLite files")
    p.add_argument("--json", help="write the results here")
    a = p.parse_args()
    workdir = Path(a.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    backends = [("sqlite", None)] + ([("postgres", a.pg_url)] if a.pg_url else [])
    if not a.pg_url:
        print("bench: no --pg-url / TACC_PG_URL: SQLite only", file=sys.stderr)

    start = time.perf_counter()
    results = []
    for dataset in ("prompts-dev", "chat-dev"):
        texts = load(dataset, a.limit)
        for backend, target in backends:
            for compress in (False, True):
                r = run(backend, target, dataset, texts, compress, workdir)
                print(f"  {dataset} {backend} {r['storage']}: done", file=sys.stderr)
                results.append(r)
    elapsed = time.perf_counter() - start

    print(markdown(results))
    print(f"\n{elapsed:.1f} s; tacc {tacc.__version__}, SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")
    if a.json:
        versions = {"tacc": tacc.__version__, "sqlite": sqlite3.sqlite_version, "python": platform.python_version()}
        if a.pg_url:
            import psycopg

            with psycopg.connect(a.pg_url) as conn:
                versions["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
            versions["psycopg"] = psycopg.__version__
        with open(a.json, "w") as f:
            json.dump({"limit": a.limit, "seconds": elapsed, "cpus": os.cpu_count(), "versions": versions,
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
