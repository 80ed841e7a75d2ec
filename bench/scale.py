#!/usr/bin/env python3
"""Issue 16's scale figures, ours only, every row in one run on this machine:

  batch   Codec.compress_text_batch / decompress_text_batch (the Python package over the core's
          batch calls) at threads=1 and threads=N, model method: chat-dev (4,025 records) and the
          out-of-domain bench/data sets (code, json, made, multilingual) joined into one set.
  files   `tacc compress -T1` and `-T0` over chat-dev written as one file per record (4,025 files),
          then `tacc decompress` of the .tacc files, each checked against its original.

Runs are interleaved (1, N, 1, N, ...) and medians printed, with the ratio; the machine is shared
and noisy, so compare within one run. Output: a Markdown table (and --json).

Usage: bench/scale.py [--tacc target/release/tacc] [--runs 5] [--threads 2] [--json OUT]
                      [--files-dir DIR ...]   (e.g. --files-dir /var/tmp --files-dir /dev/shm)
The `tacc` package must be importable (the wheel: `bash tools/release.sh python` then
bindings/python/tools/wheel-venv.sh target/py-venv, or PYTHONPATH at a built copy).
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHAT_DEV = os.path.join(ROOT, "..", "shared", "corpus", "chat-dev.jsonl.gz")
OOD = ["code.jsonl", "json.jsonl", "made.jsonl", "multilingual.jsonl"]


def texts_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


# Cores busy with other work during each timed run: a shared machine's load shows in the speedups
# (2 threads cannot beat 1 by much when another job holds a core), so it is printed beside them.
OTHERS = []


def machine_busy_seconds():
    """CPU seconds every process on the machine has used (/proc/stat), or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn):
    busy0, own0, t0 = machine_busy_seconds(), own_cpu_seconds(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    busy1, own1 = machine_busy_seconds(), own_cpu_seconds()
    if busy0 is not None and wall > 0.05:
        OTHERS.append(max(0.0, (busy1 - busy0) - (own1 - own0)) / wall)
    return wall


def interleaved(fns, runs):
    """Median seconds of each fn, run in turn `runs` times."""
    times = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            times[i].append(timed(fn))
    return [statistics.median(t) for t in times]


def batch_rows(sets, threads, runs):
    import tacc

    codec = tacc.Codec("cl100k_base")
    method = tacc.Method.MODEL
    rows = []
    for name, texts in sets.items():
        nbytes = sum(len(t.encode("utf-8")) for t in texts)
        frames = codec.compress_text_batch(texts, threads=1, method=method)
        for t in (threads, 0):
            assert codec.compress_text_batch(texts, threads=t, method=method) == frames, "bytes differ by thread count"
        assert codec.decompress_text_batch(frames, threads=threads) == texts, "round trip"
        c1, cn = interleaved(
            [lambda: codec.compress_text_batch(texts, threads=1, method=method),
             lambda: codec.compress_text_batch(texts, threads=threads, method=method)], runs)
        d1, dn = interleaved(
            [lambda: codec.decompress_text_batch(frames, threads=1),
             lambda: codec.decompress_text_batch(frames, threads=threads)], runs)
        out = sum(map(len, frames))
        for op, a, b in (("compress", c1, cn), ("decompress", d1, dn)):
            rows.append({"what": f"batch {op}, model, {name} ({len(texts)} records, ratio {nbytes / out:.2f})",
                         "one": nbytes / a / 1e6, "many": nbytes / b / 1e6, "speedup": a / b})
    return rows


def files_rows(tacc_bin, texts, runs, files_dir):
    work = tempfile.mkdtemp(prefix="tacc-scale-", dir=files_dir)
    try:
        src = os.path.join(work, "src")
        os.mkdir(src)
        for i, t in enumerate(texts):
            with open(os.path.join(src, f"{i:05d}.txt"), "w", encoding="utf-8") as f:
                f.write(t)
        nbytes = sum(len(t.encode("utf-8")) for t in texts)

        def compress(threads):
            out = os.path.join(work, f"c{threads}")
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(src, out)
            return timed(lambda: subprocess.run([tacc_bin, "compress", "-q", "-r", f"-T{threads}", out], check=True))

        def decompress(threads):
            d = os.path.join(work, f"c{threads}")
            # The .txt files are still there (compress keeps its inputs, as zstd): -f restores over them.
            return timed(lambda: subprocess.run([tacc_bin, "decompress", "-q", "-f", "-r", f"-T{threads}", d],
                                                check=True, stdout=subprocess.DEVNULL))

        c = {1: [], 0: []}
        d = {1: [], 0: []}
        for _ in range(runs):  # copying is outside the timed part; interleaved
            for t in (1, 0):
                c[t].append(compress(t))
            for t in (1, 0):
                d[t].append(decompress(t))
        for t in (1, 0):  # every file restored, byte for byte, from the frames alone
            for i in range(len(texts)):
                os.remove(os.path.join(work, f"c{t}", f"{i:05d}.txt"))
            decompress(t)
            for i, text in enumerate(texts):
                with open(os.path.join(work, f"c{t}", f"{i:05d}.txt"), encoding="utf-8") as f:
                    assert f.read() == text, f"file {i} at -T{t}"
        rows = []
        for op, m in (("compress", c), ("decompress", d)):
            a, b = statistics.median(m[1]), statistics.median(m[0])
            rows.append({"what": f"`tacc {op} -r`, {len(texts)} files (chat-dev) in {fs_of(work)}, -T1 vs -T0",
                         "one": nbytes / a / 1e6, "many": nbytes / b / 1e6, "speedup": a / b})
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fs_of(path):
    """The file system type holding path (from /proc/mounts), for the table."""
    try:
        with open("/proc/mounts") as f:
            mounts = [line.split()[1:3] for line in f]
    except OSError:
        return "?"
    best = max((m for m in mounts if path.startswith(m[0].rstrip("/") + "/") or path == m[0]),
               key=lambda m: len(m[0]), default=("?", "?"))
    return best[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tacc", default=os.path.join(ROOT, "target", "release", "tacc"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json")
    # Where the 4,025 files go (default: the temp dir). Creating a file is a serialized step of
    # the file system's (measured 0.8 ms each on this VM's ext4, 12 us on tmpfs): /dev/shm shows
    # the CLI's own scaling, a disk shows the disk's.
    ap.add_argument("--files-dir", action="append", help="repeat for several file systems")
    a = ap.parse_args()
    chat = texts_of(CHAT_DEV)
    ood = [t for n in OOD for t in texts_of(os.path.join(HERE, "data", n))]
    rows = batch_rows({"chat-dev": chat, "bench/data (out of domain)": ood}, a.threads, a.runs)
    for d in a.files_dir or [None]:
        rows += files_rows(a.tacc, chat, max(1, a.runs // 2), d)
    print(f"machine: {os.cpu_count()} cores; medians of {a.runs} interleaved runs; MB/s of input text")
    print(f"| | 1 thread | {a.threads} threads | speedup |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['what']} | {r['one']:.1f} | {r['many']:.1f} | {r['speedup']:.2f}x |")
    if OTHERS:
        print(f"other work on the machine during the timed runs: median {statistics.median(OTHERS):.2f} cores, "
              f"max {max(OTHERS):.2f} (/proc/stat less this benchmark's own CPU time)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
