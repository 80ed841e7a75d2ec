"""Token IDs from the `tokenizers` package for every tokenizer.json under HF_DIR, for
tests/hf_tokenizer.rs (run by tools/hf-reference.sh in its venv):
    python tests/hf/reference.py HF_DIR OUT.jsonl CORPUS.jsonl.gz [...]
One JSON line per (tokenizer, text): {"tokenizer", "source", "index", "text", "ids", "shipped"?}.

The rule compared, tacc's (lossless, as tiktoken's encode_ordinary):
- added/special tokens are ordinary text: `encode_special_tokens = True`, `add_special_tokens=False`;
- SentencePiece-style files (Metaspace / Prepend("▁")): the dummy "▁" a tokenizer.json prepends
  to the text is not added (decoding could not tell it from a space in the text), so the IDs
  compared come from the same model with the normalizer Replace(" ", "▁") alone (prepend scheme
  "never"); "shipped" holds the file's own IDs where they differ (the first token or two);
- text holding "▁" (U+2581) itself, which such a file cannot round-trip, is encoded by tacc as
  byte-fallback tokens: marked "metaspace_char" and its IDs not compared.
"""

import gzip
import json
import sys
from pathlib import Path

from tokenizers import Tokenizer, normalizers

EDGES = [
    "", " ", "  ", "a", " a", "  two leading", "trailing  ", "\n", "\n\n\n", "\r\n", "\t tab",
    "<|begin_of_text|>", "<|endoftext|>", "<s>hello</s>", "<unk>", "<|eot_id|>x<|eot_id|>",
    "é", "e\u0301", "Å", "ﬁ", "日本語のテキスト", "🦀 crab 🦀🦀", "\u0000\u0001", "\ufeffBOM",
    "aaaa" * 300, "1234567890 3.14159", "don't I'LL we've", "x" * 5000, " " * 100 + "y",
    "mixed ▁ metaspace", "▁leading", "\u00a0nbsp\u2003em",
]


def sentencepiece(j):
    pre = j.get("pre_tokenizer") or {}
    pres = pre.get("pretokenizers", [pre])
    norm = j.get("normalizer") or {}
    norms = norm.get("normalizers", [norm])
    return any(p.get("type") == "Metaspace" for p in pres) or any(n.get("type") == "Prepend" for n in norms)


def main():
    hf_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    texts = [("edge", i, s) for i, s in enumerate(EDGES)]
    for f in sys.argv[3:]:
        src = Path(f).name.split(".")[0]
        texts += [(src, i, json.loads(line)["text"]) for i, line in enumerate(gzip.open(f, "rt"))]
    with open(out, "w") as o:
        for path in sorted(hf_dir.glob("*/tokenizer.json")):
            name = path.parent.name
            j = json.loads(path.read_text())
            shipped = Tokenizer.from_file(str(path))
            shipped.encode_special_tokens = True
            compared = shipped
            sp = sentencepiece(j)
            if sp:
                compared = Tokenizer.from_file(str(path))
                compared.normalizer = normalizers.Replace(" ", "▁")
                compared.pre_tokenizer = None
                compared.encode_special_tokens = True
            for src, i, s in texts:
                row = {"tokenizer": name, "source": src, "index": i, "text": s}
                ids = compared.encode(s, add_special_tokens=False).ids
                row["ids"] = ids
                if sp:
                    mine = shipped.encode(s, add_special_tokens=False).ids
                    if mine != ids:
                        row["shipped"] = mine
                    if "\u2581" in s:
                        row["metaspace_char"] = True
                o.write(json.dumps(row, ensure_ascii=False) + "\n")


main()
