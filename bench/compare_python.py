#!/usr/bin/env python3
"""Side-by-side Python benchmark: our `tacc` package vs tacc 0.1.0 and lopace 0.1.5, per record.

    target/py-venv/bin/python bench/compare_python.py [--limit N] [--repeat R] [--rounds N]

Runs the same worker code on both sides, each in its own virtual environment (the published tacc also imports
as `tacc`, so the two never share one): once with our package (`import tacc`, `tacc.lopace`), once
with the peers (`import tacc` = tacc 0.1.0, `import lopace`). Each worker times itself on the same
records (chat-dev.jsonl.gz and prompts-dev.jsonl.gz from ../shared/corpus), one call per record, best
of R passes in each of N rounds per side, the sides alternating; tokenization is done before timing for
the tacc calls, which take token IDs.
Prints one table: throughput in MB of UTF-8 text per second, total output bytes, and our speedup.

Venvs: ours = this interpreter if it imports our tacc, else target/py-venv; peers = TACC_PEERS_PYTHON,
target/peers-venv (tools/peers/setup.sh) or /work/peers/venv. TIKTOKEN_CACHE_DIR is set for the peers
(tiktoken cannot download its BPE files here).
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = ["chat-dev.jsonl.gz", "prompts-dev.jsonl.gz"]


# ---- worker (runs inside one venv) ------------------------------------------------------------------

def worker(records_path, repeat, side):
    with open(records_path, encoding="utf-8") as f:
        corpora = json.load(f)
    import tacc

    if side == "ours":
        from tacc.lopace import CompressionMethod, PromptCompressor
        tokenize = tacc.Codec("cl100k_base").tokenize
    else:
        from lopace import CompressionMethod, PromptCompressor
        import tiktoken
        tokenize = tiktoken.get_encoding("cl100k_base").encode_ordinary
    codec = tacc.Codec("cl100k_base")
    pc = PromptCompressor(model="cl100k_base", zstd_level=15)
    out = {}
    for name, texts in corpora.items():
        ids = [tokenize(t) for t in texts]
        nbytes = sum(len(t.encode("utf-8")) for t in texts)
        ops = {}
        for gz in (False, True):
            payloads = [codec.encode_token_ids(x, gzip=gz) for x in ids]
            ops[f"tacc encode_token_ids gzip={gz}"] = (lambda gz=gz: [codec.encode_token_ids(x, gzip=gz) for x in ids])
            ops[f"tacc decode_token_ids gzip={gz}"] = (
                lambda gz=gz, payloads=payloads: [codec.decode_token_ids(p, gzip=gz) for p in payloads])
        for m in CompressionMethod:
            blobs = [pc.compress(t, m) for t in texts]
            ops[f"lopace compress {m.value}"] = (lambda m=m: [pc.compress(t, m) for t in texts])
            ops[f"lopace decompress {m.value}"] = (lambda m=m, blobs=blobs: [pc.decompress(b, m) for b in blobs])
        if side == "ours":
            frames = [codec.compress_text(t, method="tacc-gzip") for t in texts]
            ops["frame compress_text tacc-gzip"] = lambda: [codec.compress_text(t, method="tacc-gzip") for t in texts]
            ops["frame decompress_text tacc-gzip"] = lambda: [codec.decompress_text(f) for f in frames]
        res = {}
        for op, fn in ops.items():
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = fn()
                best = min(best, time.perf_counter() - t0)
            outb = sum(len(r) for r in result if isinstance(r, (bytes, bytearray)))
            check = None
            if "decode" in op or "decompress" in op:
                check = result == (ids if op.startswith("tacc") else texts)
            res[op] = {"seconds": best, "out_bytes": outb, "ok": check}
        out[name] = {"records": len(texts), "bytes": nbytes, "tokens": sum(map(len, ids)), "ops": res}
    json.dump(out, sys.stdout)


# ---- orchestrator -------------------------------------------------------------------------------------

def _find(cands):
    for c in cands:
        if c and os.path.exists(c):
            return c
    return None


def _corpus_dir():
    return _find([os.environ.get("TACC_CORPUS_DIR"), os.path.join(ROOT, "..", "shared", "corpus"),
                  "/work/shared/corpus"])


def _run(python, records, repeat, side, env=None):
    p = subprocess.run([python, os.path.abspath(__file__), "--worker", side, "--records", records,
                        "--repeat", str(repeat)], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    if p.returncode != 0:
        sys.exit(f"{side} worker failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


def _best(acc, new):
    if acc is None:
        return new
    for name, corpus in new.items():
        for op, r in corpus["ops"].items():
            if r["seconds"] < acc[name]["ops"][op]["seconds"]:
                acc[name]["ops"][op] = r
    return acc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="records per corpus (0: all)")
    ap.add_argument("--repeat", type=int, default=3, help="passes per operation in one worker run")
    ap.add_argument("--rounds", type=int, default=2, help="worker runs per side, alternated; best kept")
    ap.add_argument("--worker", choices=["ours", "peers"], help=argparse.SUPPRESS)
    ap.add_argument("--records", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        return worker(a.records, a.repeat, a.worker)

    corpus = _corpus_dir()
    if corpus is None:
        sys.exit("corpus not found (set TACC_CORPUS_DIR)")
    corpora = {}
    for name in CORPORA:
        with gzip.open(os.path.join(corpus, name), "rt", encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f]
        corpora[name.split(".")[0]] = texts[: a.limit] if a.limit else texts
    ours_py = _find([os.environ.get("TACC_OURS_PYTHON"), os.path.join(ROOT, "target", "py-venv", "bin", "python")])
    peers_py = _find([os.environ.get("TACC_PEERS_PYTHON"), os.path.join(ROOT, "target", "peers-venv", "bin", "python"),
                      "/work/peers/venv/bin/python"])
    cache = _find([os.environ.get("TIKTOKEN_CACHE_DIR"), os.path.join(ROOT, "target", "tiktoken-cache"),
                   "/work/peers/tiktoken_cache"])
    if not ours_py or not peers_py or not cache:
        sys.exit("need target/py-venv (pip install ./bindings/python) and the peers venv (tools/peers/setup.sh)")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(corpora, f)
        records = f.name
    try:
        # Alternate the two sides for several rounds and keep each operation's best time, so a burst of
        # load from other processes on a shared machine does not land on one side only.
        ours = peers = None
        for _ in range(a.rounds):
            ours = _best(ours, _run(ours_py, records, a.repeat, "ours"))
            peers = _best(peers, _run(peers_py, records, a.repeat, "peers", dict(os.environ, TIKTOKEN_CACHE_DIR=cache)))
    finally:
        os.unlink(records)

    print(f"tacc (ours, PyO3) vs tacc 0.1.0 / lopace 0.1.5, cl100k_base, zstd level 15, one call per record, "
          f"best of {a.repeat} x {a.rounds} rounds")
    hdr = f"{'corpus':<12} {'operation':<34} {'ours MB/s':>10} {'peer MB/s':>10} {'speedup':>8} {'ours bytes':>11} {'peer bytes':>11}"
    print(hdr)
    print("-" * len(hdr))
    for name, o in ours.items():
        p = peers[name]
        mb = o["bytes"] / 1e6
        for op, r in o["ops"].items():
            pr = p["ops"].get(op)
            ours_rate = mb / r["seconds"]
            bad = "" if r["ok"] in (None, True) and (pr is None or pr["ok"] in (None, True)) else "  MISMATCH"
            if pr is None:
                print(f"{name:<12} {op:<34} {ours_rate:>10.1f} {'-':>10} {'-':>8} {r['out_bytes']:>11} {'-':>11}{bad}")
                continue
            peer_rate = mb / pr["seconds"]
            print(f"{name:<12} {op:<34} {ours_rate:>10.1f} {peer_rate:>10.1f} {pr['seconds'] / r['seconds']:>7.1f}x "
                  f"{r['out_bytes'] or '':>11} {pr['out_bytes'] or '':>11}{bad}")
        print(f"{name:<12} ({o['records']} records, {o['bytes'] / 1e6:.2f} MB, {o['tokens']} tokens; peers {p['tokens']} tokens)")


if __name__ == "__main__":
    main()
