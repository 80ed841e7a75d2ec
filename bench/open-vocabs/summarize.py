#!/usr/bin/env python3
"""Tables of docs/OPEN-VOCABS-RESULTS.md from bench/open-vocabs/results/*.json (run.sh's output).

    python3 bench/open-vocabs/summarize.py > /tmp/tables.md
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "results")
VOCABS = ["cl100k_base", "o200k_base", "llama3", "llama4", "qwen", "qwen3_6", "tekken_240911"]
SETS = ["chat-dev", "prompts-dev", "code", "json", "multilingual", "made-turn", "made-tool",
        "made-transcript"]
# Rows that never look at tokens: the same bytes for every vocabulary (run for cl100k_base only).
BYTE_ROWS = {"frame gzip-9", "frame zstd-19", "raw brotli-11", "raw zstd-15"}


def load(vocab, s):
    p = os.path.join(RES, f"{vocab}.{s}.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def row(doc, method):
    if doc is None:
        return None
    for r in doc["results"]:
        if r["method"] == method:
            return r
    return None


def main():
    vocabs = [v for v in VOCABS if load(v, "chat-dev")]
    out = []
    # 1. The model method (frame) per set, and as % of cl100k_base.
    out.append("### `frame model` ratio per set (original UTF-8 bytes / frame bytes, all records)\n")
    out.append("| set | records | " + " | ".join(vocabs) + " |")
    out.append("|---|--:|" + "--:|" * len(vocabs))
    for s in SETS:
        base = row(load("cl100k_base", s), "frame model")
        docs = [load(v, s) for v in vocabs]
        n = next((d["records"] for d in docs if d), "")
        cells = []
        for v, d in zip(vocabs, docs):
            r = row(d, "frame model")
            if r is None:
                cells.append("-")
            elif v == "cl100k_base" or base is None:
                cells.append(f"{r['ratio']:.3f}")
            else:
                cells.append(f"{r['ratio']:.3f} ({100 * r['ratio'] / base['ratio']:.1f}%)")
        out.append(f"| {s} | {n} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("(%: of cl100k_base's ratio on the same set.)\n")

    # 2. Every method on chat-dev.
    base_doc = load("cl100k_base", "chat-dev")
    methods = [r["method"] for r in base_doc["results"]]
    out.append("### Every method on chat-dev (ratio; 4,025 records, each compressed on its own)\n")
    out.append("| method | " + " | ".join(vocabs) + " |")
    out.append("|---|" + "--:|" * len(vocabs))
    for m in methods:
        cells = []
        for v in vocabs:
            r = row(load(v, "chat-dev"), m)
            if r is None and m in BYTE_ROWS:
                cells.append("=")
            elif r is None and "model-v1" in m and v not in ("cl100k_base", "o200k_base"):
                cells.append("n/a")
            elif r is None:
                cells.append("·")
            else:
                cells.append(f"{r['ratio']:.3f}")
        out.append(f"| {m} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("`=`: a row that never looks at tokens (same bytes as cl100k_base's column); "
               "`n/a`: the row cannot run for this vocabulary (model-v1 has priors for the "
               "built-ins only); `·`: not run (same bytes as another row, see run.sh).\n")

    # 2b. What the frame adds to tacc's raw payload, per record.
    out.append("### `frame tacc` minus `raw tacc`, bytes per record (chat-dev)\n")
    out.append("| vocab | " + " | ".join(vocabs) + " |")
    out.append("|---|" + "--:|" * len(vocabs))
    cells = []
    for v in vocabs:
        d = load(v, "chat-dev")
        f, r = row(d, "frame tacc"), row(d, "raw tacc")
        cells.append(f"{(f['bytes'] - r['bytes']) / d['records']:.1f}" if f and r else "-")
    out.append("| bytes | " + " | ".join(cells) + " |\n")

    # 3. Tokens and tokenizer speed (the parent process of the chat-dev run).
    out.append("### Tokens and tokenizer speed (chat-dev, 7.1 MB; `tokenize:` line of the same runs)\n")
    out.append("| vocab | tokens | bytes/token | tokenize MB/s | M tokens/s |")
    out.append("|---|--:|--:|--:|--:|")
    for v in vocabs:
        d = load(v, "chat-dev")
        t = d["tokenize_seconds"]
        out.append(f"| {v} | {d['tokens']} | {d['bytes'] / d['tokens']:.3f} | "
                   f"{d['bytes'] / t / 1e6:.1f} | {d['tokens'] / t / 1e6:.2f} |")
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
