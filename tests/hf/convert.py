"""Converts real vocabularies to Hugging Face tokenizer.json files with transformers' own
converters (run by tools/hf-reference.sh in its venv):
    python tests/hf/convert.py VOCAB_DIR MISTRAL_V1_MODEL OUT_DIR [R50K_TIKTOKEN [CHAT_TRAIN.jsonl.gz]]
Writes OUT_DIR/{llama3,mistral_v1,mistral_v1_metaspace,r50k,trained_bytelevel}/tokenizer.json:
- llama3: Llama 3's tiktoken file through transformers' TikTokenConverter (byte-level BPE, Llama 3's
  split pattern and its 256 special tokens as added tokens), as transformers converts Llama 3;
- mistral_v1: Mistral's SentencePiece model (mistral-common, Apache-2.0) through
  SpmConverter.build_tokenizer_from_spm_proto, in the classic Llama/Mistral 7B v0.1 layout
  (normalizer Prepend("▁") + Replace(" ", "▁"); SentencePiece-style BPE, byte fallback);
- mistral_v1_metaspace: the same model as transformers 5 lays it out (Metaspace pre-tokenizer);
- r50k: GPT-2's vocabulary (tiktoken's r50k_base, from the tiktoken-rs crate's copy when present)
  through TikTokenConverter with GPT-2's pattern (byte-level BPE, `<|endoftext|>` added);
- trained_bytelevel: a GPT-2-style byte-level BPE trained on chat-train (see below).
"""

import sys
from pathlib import Path

from transformers.convert_slow_tokenizer import TikTokenConverter

LLAMA3_PATTERN = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def llama3_specials():
    named = [
        "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
        "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|step_id|>",
        "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>",
        "<|python_tag|>", "<|image|>",
    ]
    return named + [f"<|reserved_special_token_{2 + i}|>" for i in range(256 - len(named))]


def main():
    vocab_dir, mistral, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    for name in ("llama3", "mistral_v1", "mistral_v1_metaspace", "r50k"):
        (out / name).mkdir(parents=True, exist_ok=True)

    t = TikTokenConverter(
        vocab_file=str(vocab_dir / "llama3" / "tokenizer.model"),
        pattern=LLAMA3_PATTERN,
        extra_special_tokens=llama3_specials(),
    ).converted()
    t.save(str(out / "llama3" / "tokenizer.json"))

    # SentencePiece BPE: transformers 5's SpmConverter.build_tokenizer_from_spm_proto (normalizer
    # Replace(" ", "▁") + Replace(^▁, ▁▁), Metaspace pre-tokenizer with prepend_scheme "always",
    # merges ranked by piece score, byte fallback), and the same model with the classic Llama/Mistral
    # 7B v0.1 layout (normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer).
    from tokenizers import normalizers
    from transformers.convert_slow_tokenizer import SpmConverter, import_protobuf

    proto = import_protobuf().ModelProto()
    proto.ParseFromString(mistral.read_bytes())
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    t = SpmConverter.build_tokenizer_from_spm_proto(proto, vocab)
    t.add_special_tokens(["<unk>", "<s>", "</s>"])
    t.save(str(out / "mistral_v1_metaspace" / "tokenizer.json"))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    t.pre_tokenizer = None
    t.save(str(out / "mistral_v1" / "tokenizer.json"))

    r50k = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    if r50k and r50k.exists():
        t = TikTokenConverter(
            vocab_file=str(r50k), pattern=GPT2_PATTERN, extra_special_tokens=["<|endoftext|>"]
        ).converted()
        t.save(str(out / "r50k" / "tokenizer.json"))


    # A GPT-2-style byte-level BPE (ByteLevel pre-tokenizer with its built-in regex) trained with
    # the tokenizers package on chat-train: merges that are not tiktoken-style (not every split of a
    # token is a merge), so it takes the merge-priority reader.
    corpus = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    if corpus and corpus.exists():
        import gzip
        import json

        from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

        texts = [json.loads(line)["text"] for line in gzip.open(corpus, "rt")][:3000]
        t = Tokenizer(models.BPE())
        t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        t.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=8192,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            special_tokens=["<|endoftext|>"],
            show_progress=False,
        )
        t.train_from_iterator(texts, trainer)
        (out / "trained_bytelevel").mkdir(parents=True, exist_ok=True)
        t.save(str(out / "trained_bytelevel" / "tokenizer.json"))


main()
