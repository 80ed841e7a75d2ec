#!/usr/bin/env python3
"""Cold start of the `tacc` CLI: a new process per run, the model harness beside the stored one.

For each tokenizer family it picks one prompts-dev record (a system prompt) whose model frame is about 2 KB, writes
the model and stored frames with the binary under test, then runs, interleaved, N times each:

  decode: `tacc decompress -c FRAME`         (model frame vs stored frame)
  encode: `tacc compress TEXT -m model`      (vs `-m stored`)

Wall time and peak RSS come from os.wait4 (the child's own getrusage), so nothing else in this
process is counted. Medians are printed, and the ratio model/stored per row: the figures the
issue's targets are written in. The machine is shared and noisy: compare within one run.

Usage: bench/coldstart.py [--tacc target/release/tacc] [--runs 15] [--json OUT]
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "prompts-dev.jsonl.gz")


def run_once(argv):
    """Runs argv with stdout to /dev/null; returns (wall seconds, peak RSS bytes)."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss * 1024


def pick_text(tacc, tokenizer, workdir, target=2048):
    """The first prompts-dev record whose model frame is within 25% of `target` bytes."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if not 6000 <= len(text.encode()) <= 16000:
                continue
            path = os.path.join(workdir, f"{tokenizer}.txt")
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            frame = os.path.join(workdir, f"{tokenizer}.model.tacc")
            subprocess.run([tacc, "compress", "-f", path, "-t", tokenizer, "-o", frame], check=True)
            if abs(os.path.getsize(frame) - target) <= target * 0.25:
                return path, frame
    raise SystemExit("no prompts-dev record gives a ~2 KB model frame")


def measure(pairs, runs):
    """pairs: {name: argv}; interleaved runs; returns {name: (median wall, median rss)}."""
    samples = {name: [] for name in pairs}
    for name, argv in pairs.items():  # warm the page cache once
        run_once(argv)
    for _ in range(runs):
        for name, argv in pairs.items():
            samples[name].append(run_once(argv))
    return {
        name: (
            statistics.median(w for w, _ in s),
            statistics.median(r for _, r in s),
        )
        for name, s in samples.items()
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tacc", default=os.path.join(ROOT, "target", "release", "tacc"))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--tokenizers", default="cl100k_base,o200k_base")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    tacc = os.path.abspath(args.tacc)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for tok in args.tokenizers.split(","):
            text, model = pick_text(tacc, tok, work)
            stored = os.path.join(work, f"{tok}.stored.tacc")
            subprocess.run([tacc, "compress", "-f", text, "-t", tok, "-m", "stored", "-o", stored], check=True)
            out = os.path.join(work, "out.tacc")
            res = measure(
                {
                    "decode model": [tacc, "decompress", "-c", model],
                    "decode stored": [tacc, "decompress", "-c", stored],
                    "encode model": [tacc, "compress", "-f", text, "-t", tok, "-o", out],
                    "encode stored": [tacc, "compress", "-f", text, "-t", tok, "-m", "stored", "-o", out],
                },
                args.runs,
            )
            for op in ("decode", "encode"):
                (mw, mr), (sw, sr) = res[f"{op} model"], res[f"{op} stored"]
                rows.append(
                    {
                        "tokenizer": tok,
                        "operation": op,
                        "text_bytes": os.path.getsize(text),
                        "model_frame_bytes": os.path.getsize(model),
                        "model_ms": mw * 1e3,
                        "stored_ms": sw * 1e3,
                        "ratio": mw / sw,
                        "model_peak_rss_mib": mr / 2**20,
                        "stored_peak_rss_mib": sr / 2**20,
                    }
                )
    print(f"cold start, new process per run, median of {args.runs} (binary: {tacc})")
    print(f"{'tokenizer':<13} {'op':<7} {'frame':>6} {'model ms':>9} {'stored ms':>10} {'ratio':>6} {'model RSS MiB':>14} {'stored RSS MiB':>15}")
    for r in rows:
        print(
            f"{r['tokenizer']:<13} {r['operation']:<7} {r['model_frame_bytes']:>6} {r['model_ms']:>9.1f} "
            f"{r['stored_ms']:>10.1f} {r['ratio']:>6.1f} {r['model_peak_rss_mib']:>14.1f} {r['stored_peak_rss_mib']:>15.1f}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": os.uname().nodename, "cpus": os.cpu_count(), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
