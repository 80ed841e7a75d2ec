#!/usr/bin/env python3
"""Writes bench/data/code.jsonl and json.jsonl: out-of-domain sets for `tacc bench`.

code: this repository's own source files, one record each. json: JSON tool-output records
built from the golden-vector files. Deterministic: sorted paths, fixed slices.
"""
import glob
import json
import os

os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

files = sorted(glob.glob("src/**/*.rs", recursive=True) + glob.glob("bindings/go/*.go")
               + glob.glob("tools/peers/*.py") + glob.glob("include/*.h*"))
with open("bench/data/code.jsonl", "w") as f:
    for p in files:
        t = open(p, encoding="utf-8").read()
        if 200 < len(t) < 40000:
            f.write(json.dumps({"source": p, "text": t}, ensure_ascii=False) + "\n")

t = json.load(open("tests/golden/tacc_0.1.0.json"))
lp = json.load(open("tests/golden/lopace_0.1.5.json"))
recs = []
for c in t["cases"][:40:2]:
    recs.append(json.dumps({"tool": "tokenize", "result": {"tokenizer": c["tokenizer"], "label": c["label"],
                "token_ids": c["token_ids"][:200], "mapped_ids": c["mapped_ids"][:200]}}, indent=2))
for c in lp["stats"][:30]:
    recs.append(json.dumps({"tool": "compression_stats", "model": c["model"], "text_label": c["label"],
                            "unit": c.get("unit"), "result": c.get("result")}, indent=2))
with open("bench/data/json.jsonl", "w") as f:
    for i, r in enumerate(recs):
        f.write(json.dumps({"source": f"tool-output-{i}", "text": r}) + "\n")
