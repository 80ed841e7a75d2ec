#!/usr/bin/env python3
"""Generate golden vectors from the real tacc 0.1.0 and LoPace 0.1.5 packages.

Writes tests/golden/tacc_0.1.0.json and tests/golden/lopace_0.1.5.json from
the texts in tests/data/golden_texts.json. Our Rust crate must reproduce the
payloads (byte-identity) and decode them back (compatibility).

Run with the peers venv (tools/peers/setup.sh), TIKTOKEN_CACHE_DIR set:
    python tools/peers/make_golden.py
Output is deterministic for fixed package versions (recorded in "versions").
"""

import gzip as gzip_mod
import json
import os
import sys
import zlib
from importlib import metadata

import tacc
import tiktoken
import zstandard
from lopace import CompressionMethod, PromptCompressor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEXTS_PATH = os.path.join(ROOT, "tests", "data", "golden_texts.json")
OUT_DIR = os.path.join(ROOT, "tests", "golden")

TACC_TOKENIZERS = [
    "cl100k_base",
    "gpt2",
    "o200k_base",
    "o200k_harmony",
    "p50k_base",
    "p50k_edit",
    "r50k_base",
]
LOPACE_MODELS = ["cl100k_base", "gpt2", "o200k_base", "p50k_base", "r50k_base"]
LOPACE_METHODS = ["zstd", "token", "hybrid"]
LOPACE_DEFAULT_LEVEL = 15
LOPACE_EXTRA_LEVELS = [1, 3, 19, 22]
LOPACE_EXTRA_TEXTS = ["short_english", "long_markdown"]
GZIP_HEADER = bytes.fromhex("1f8b08000000000000ff")


def versions():
    v = {p: metadata.version(p) for p in ("tacc", "lopace", "tiktoken", "zstandard")}
    v["libzstd"] = ".".join(map(str, zstandard.ZSTD_VERSION))
    return v


def error_of(exc):
    # KeyError's str() adds quotes; args[0] is the message the Rust side built.
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        msg = exc.args[0]
    else:
        msg = str(exc)
    return {"type": type(exc).__name__, "message": msg}


def attempt(fn):
    """('result', value) or ('error', {type, message}); panics included."""
    try:
        return "result", fn()
    except BaseException as e:  # tacc panics surface as pyo3 PanicException
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return "error", error_of(e)


def load_encoding(name):
    """tiktoken encoding for name; gpt2 falls back to r50k_base (same ranks)."""
    try:
        return name, tiktoken.get_encoding(name)
    except Exception as e:  # noqa: BLE001
        if name == "gpt2":
            print(f"NOTE: tiktoken gpt2 unavailable ({e}); using r50k_base IDs", file=sys.stderr)
            return "r50k_base", tiktoken.get_encoding("r50k_base")
        raise


def write_json(path, obj):
    """Sorted keys; top-level lists get one element per line for readable diffs."""
    lines = ["{"]
    keys = sorted(obj)
    for i, k in enumerate(keys):
        v = obj[k]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(v, list) and v:
            lines.append(f" {json.dumps(k)}: [")
            for j, item in enumerate(v):
                c = "," if j < len(v) - 1 else ""
                lines.append("  " + json.dumps(item, sort_keys=True) + c)
            lines.append(" ]" + comma)
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)}{comma}")
    lines.append("}")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------- tacc


def tacc_case(codec, tokenizer, label, call, gzip, token_ids=None, mapped_ids=None):
    """One golden case; payload round-trips through tacc before it is kept."""
    if call == "encode_mapped_ids":
        payload = codec.encode_mapped_ids(mapped_ids, gzip=gzip)
        values = list(mapped_ids)
        kind, tids = attempt(lambda: codec.mapped_id_to_token_id(mapped_ids))
        token_ids = tids if kind == "result" else None
    else:
        payload = getattr(codec, call)(token_ids, gzip=gzip)
        kind, mids = attempt(lambda: codec.token_id_to_mapped_id(token_ids))
        mapped_ids = mids if kind == "result" else None
        if call == "encode_token_ids":
            values = mapped_ids
        else:  # encode_raw_token_ids: u32 token IDs reinterpreted as i32
            values = [t - 2**32 if t >= 2**31 else t for t in token_ids]

    assert codec.decode_mapped_ids(payload, gzip=gzip) == values, (tokenizer, label, call)
    if call != "encode_raw_token_ids" and token_ids is not None:
        assert codec.decode_token_ids(payload, gzip=gzip) == token_ids, (tokenizer, label)
    return {
        "tokenizer": tokenizer,
        "label": label,
        "call": call,
        "gzip": gzip,
        "token_ids": token_ids,
        "mapped_ids": mapped_ids,
        "payload_values": values,
        "payload_hex": payload.hex(),
    }


def synthetic_ids(n_vocab, length):
    # Spread over the whole table so mapped IDs need 1-3 byte varints.
    return [(i * 7919 + 13) % n_vocab for i in range(length)]


def tacc_golden(texts):
    cases, error_cases, decode_tokens_cases, encode_tokens_cases = [], [], [], []
    token_ids_from = {}
    codecs = {name: tacc.Codec(name) for name in TACC_TOKENIZERS}
    encoded = {}  # (tokenizer, label) -> token ids

    for name in TACC_TOKENIZERS:
        used, enc = load_encoding(name)
        token_ids_from[name] = f"tiktoken {used} encode_ordinary"
        for t in texts:
            ids = enc.encode_ordinary(t["text"])
            encoded[(name, t["label"])] = ids
            for gz in (False, True):
                cases.append(tacc_case(codecs[name], name, t["label"], "encode_token_ids", gz, ids))

    # List-header boundaries: short form < 15 elements, long form >= 15,
    # multi-byte size varint >= 128.
    for name in ("cl100k_base", "o200k_harmony"):
        n_vocab = table_size(codecs[name])
        for length in (14, 15, 16, 127, 128, 129, 300):
            ids = synthetic_ids(n_vocab, length)
            cases.append(tacc_case(codecs[name], name, f"synthetic_len_{length}",
                                   "encode_token_ids", False, ids))
        ids = synthetic_ids(n_vocab, 300)
        cases.append(tacc_case(codecs[name], name, "synthetic_len_300", "encode_token_ids", True, ids))

    # IDs tacc maps although tiktoken has no token for them, plus table ends.
    tacc_only = {
        "cl100k_base": [0, 100256, 100257, 100261, 100275, 100276],
        "o200k_base": [0, 199998, 199999, 200000, 200017, 200018],
        "o200k_harmony": [0, 199998, 200000, 200012, 201087],
        "p50k_edit": [0, 50256, 50280, 50281, 50282, 50283],
        "gpt2": [0, 50255, 50256],
    }
    for name, ids in sorted(tacc_only.items()):
        cases.append(tacc_case(codecs[name], name, "table_edges", "encode_token_ids", False, ids))

    # Raw (unmapped) token IDs; the last case shows u32 -> i32 wrapping.
    for name, label in (("cl100k_base", "short_english"), ("cl100k_base", "non_ascii"),
                        ("o200k_harmony", "long_markdown")):
        for gz in (False, True):
            cases.append(tacc_case(codecs[name], name, label, "encode_raw_token_ids", gz,
                                   encoded[(name, label)]))
    cases.append(tacc_case(codecs["o200k_harmony"], "o200k_harmony", "raw_large_ids",
                           "encode_raw_token_ids", False, [201087, 200000, 65535, 65536, 0]))
    cases.append(tacc_case(codecs["cl100k_base"], "cl100k_base", "raw_u32_wrap",
                           "encode_raw_token_ids", False, [0, 2**31 - 1, 2**31, 2**32 - 1]))

    # Mapped IDs directly: zigzag/varint boundaries and i32 extremes.
    boundaries = [0, 1, -1, 2, -2, 63, -64, 64, -65, 8191, -8192, 8192, -8193, 50138, -50138]
    for gz in (False, True):
        cases.append(tacc_case(codecs["cl100k_base"], "cl100k_base", "varint_boundaries",
                               "encode_mapped_ids", gz, mapped_ids=boundaries))
    cases.append(tacc_case(codecs["cl100k_base"], "cl100k_base", "i32_extremes_unmapped",
                           "encode_mapped_ids", False,
                           mapped_ids=[2**31 - 1, -(2**31), 1000000, -1000000]))
    cases.append(tacc_case(codecs["o200k_harmony"], "o200k_harmony", "zero_centred_first_20",
                           "encode_mapped_ids", False,
                           mapped_ids=[(j + 1) // 2 if j % 2 else -(j // 2) for j in range(20)]))

    # Payloads tacc rejects, or oddly accepts; decoded with cl100k_base.
    c = codecs["cl100k_base"]
    good = c.encode_token_ids([9906, 1917, 0])
    good_gz = c.encode_token_ids([9906, 1917, 0], gzip=True)
    bad = [
        ("empty", "decode_token_ids", False, b""),
        ("truncated_list", "decode_token_ids", False, good[:-2]),
        ("truncated_stop", "decode_token_ids", False, good[:-1]),
        ("header_only", "decode_token_ids", False, good[:1]),
        ("garbage_ff", "decode_token_ids", False, b"\xff\xff\xff\xff"),
        ("garbage_ascii", "decode_token_ids", False, b"hello world"),
        ("trailing_bytes_ignored", "decode_token_ids", False, good + b"garbage"),
        ("stop_only", "decode_token_ids", False, b"\x00"),
        ("field_id_2", "decode_token_ids", False, bytes.fromhex("290500")),
        ("field_i32_not_list", "decode_token_ids", False, bytes.fromhex("150200")),
        ("list_of_i64", "decode_token_ids", False, bytes.fromhex("19160200")),
        ("list_of_bool", "decode_token_ids", False, bytes.fromhex("190100")),
        ("list_elem_type_13", "decode_token_ids", False, bytes.fromhex("190d00")),
        ("extra_field", "decode_token_ids", False, bytes.fromhex("190515020200")),
        ("long_form_small_list", "decode_mapped_ids", False, bytes.fromhex("19f5020204" "00")),
        ("list_size_exceeds_data", "decode_token_ids", False, bytes.fromhex("19f5ffffffff07")),
        ("list_size_negative_panics", "decode_token_ids", False, bytes.fromhex("19f5ffffffff0f")),
        ("varint_overlong", "decode_mapped_ids", False, bytes.fromhex("191580808080800100")),
        ("unknown_mapped_id", "decode_token_ids", False, c.encode_mapped_ids([1000000])),
        ("unknown_mapped_id", "decode_mapped_ids", False, c.encode_mapped_ids([1000000])),
        ("unknown_mapped_id", "decode_tokens", False, c.encode_mapped_ids([1000000])),
        ("plain_payload_gzip_flag", "decode_token_ids", True, good),
        ("gzip_payload_no_flag", "decode_token_ids", False, good_gz),
        ("gzip_truncated", "decode_token_ids", True, good_gz[:-4]),
        ("gzip_bad_crc", "decode_token_ids", True, good_gz[:-8] + b"\0\0\0\0" + good_gz[-4:]),
        ("gzip_trailing_bytes_ignored", "decode_token_ids", True, good_gz + b"\x00\x01"),
        ("gzip_second_member_ignored", "decode_token_ids", True,
         good_gz + c.encode_token_ids([11], gzip=True)),
        ("gzip_python_zlib_accepted", "decode_token_ids", True,
         gzip_mod.compress(good, mtime=0)),
    ]
    for label, call, gz, payload in bad:
        kind, value = attempt(lambda: getattr(c, call)(payload, gzip=gz))
        error_cases.append({"tokenizer": "cl100k_base", "label": label, "call": call,
                            "gzip": gz, "payload_hex": payload.hex(), kind: value})
    for label, call, arg in [
        ("unknown_token_id", "encode_token_ids", [100277]),
        ("negative_token_id", "encode_token_ids", [-1]),
        ("token_id_over_u32", "encode_raw_token_ids", [2**32]),
        ("mapped_id_over_i32", "encode_mapped_ids", [2**31]),
        ("unknown_token_id", "token_id_to_mapped_id", [100277]),
        ("unknown_mapped_id", "mapped_id_to_token_id", [50139]),
    ]:
        kind, value = attempt(lambda: getattr(c, call)(arg))
        if kind == "result" and isinstance(value, bytes):
            value = value.hex()
        error_cases.append({"tokenizer": "cl100k_base", "label": label, "call": call,
                            "input": arg, kind: value})
    kind, value = attempt(lambda: tacc.Codec("nope"))
    error_cases.append({"tokenizer": "nope", "label": "unknown_tokenizer", "call": "Codec",
                        kind: value if kind == "error" else repr(value)})

    # decode_tokens returns tacc's stored token strings: lossy UTF-8, so a
    # token holding part of a multi-byte character comes back as U+FFFD.
    for name, label, ids in [
        ("cl100k_base", "short_english", encoded[("cl100k_base", "short_english")]),
        ("cl100k_base", "emoji_partial_bytes", encoded[("cl100k_base", "non_ascii")][-12:]),
        ("cl100k_base", "special_and_reserved", [100256, 100257, 100258, 100276]),
        ("o200k_base", "non_ascii", encoded[("o200k_base", "non_ascii")]),
        ("gpt2", "whitespace", encoded[("gpt2", "whitespace")]),
    ]:
        codec = codecs[name]
        payload = codec.encode_token_ids(ids)
        enc = load_encoding(name)[1]
        decode_tokens_cases.append({
            "tokenizer": name, "label": label, "gzip": False, "token_ids": ids,
            "payload_hex": payload.hex(), "tokens": codec.decode_tokens(payload),
            "token_bytes_hex": [tok_bytes_hex(enc, i) for i in ids],
        })

    # encode_tokens keys on those lossy strings; duplicates resolve to the
    # entry loaded last (highest |mapped ID|).
    for name, toks in [("cl100k_base", ["\ufffd", " \ufffd", " the", "<|endoftext|>"]),
                       ("gpt2", ["\ufffd", "hello"])]:
        kind, value = attempt(lambda: codecs[name].encode_tokens(toks))
        entry = {"tokenizer": name, "tokens": toks}
        if kind == "result":
            entry["payload_hex"] = value.hex()
            entry["mapped_ids"] = codecs[name].decode_mapped_ids(value)
        else:
            entry["error"] = value
        encode_tokens_cases.append(entry)

    gz_payloads = [bytes.fromhex(k["payload_hex"]) for k in cases if k["gzip"]]
    same_as_zlib = sum(1 for p in gz_payloads if raw_deflate(p[10:-8], 6) == p[10:-8])
    facts = {
        "gzip_header_hex": GZIP_HEADER.hex(),
        "gzip_header_all_cases_identical": all(p[:10] == GZIP_HEADER for p in gz_payloads),
        "gzip_cases": len(gz_payloads),
        "gzip_deflate_equal_to_python_zlib_level6": same_as_zlib,
        "python_zlib_version": zlib.ZLIB_RUNTIME_VERSION,
    }
    return {
        "generator": "tacc 0.1.0 via tools/peers/make_golden.py",
        "versions": versions(),
        "texts_file": "tests/data/golden_texts.json",
        "token_ids_from": token_ids_from,
        "notes": [
            "payload_values: the i32 list inside the Thrift payload "
            "(decode_mapped_ids); for encode_raw_token_ids it is the token IDs cast u32->i32.",
            "mapped_ids: token_id_to_mapped_id(token_ids), null if tacc lacks an ID; "
            "token_ids of encode_mapped_ids cases: mapped_id_to_token_id, null if unmapped.",
            "Payload: Thrift compact struct {1: list<i32>} = 0x19, list header "
            "(size<<4|5, or 0xf5 + varint size when size >= 15), zigzag varints, 0x00 stop.",
            "gzip=true: flate2 GzEncoder (zlib-rs backend, Compression::default()=6), "
            "header 1f8b08 00 00000000 00 ff (no name, mtime 0, xfl 0, OS 255).",
        ],
        "facts": facts,
        "cases": cases,
        "error_cases": error_cases,
        "decode_tokens": decode_tokens_cases,
        "encode_tokens": encode_tokens_cases,
    }


def table_size(codec):
    # Every tacc table is contiguous from 0 (see make_mappings.py); find its end.
    lo, hi = 0, 1 << 20
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        kind, _ = attempt(lambda: codec.token_id_to_mapped_id([mid]))
        lo, hi = (mid, hi) if kind == "result" else (lo, mid)
    return lo + 1


def tok_bytes_hex(enc, i):
    try:
        return enc.decode_single_token_bytes(i).hex()
    except KeyError:
        return None


def raw_deflate(data, level):
    co = zlib.compressobj(level, zlib.DEFLATED, -15)
    return co.compress(zlib.decompress(data, -15)) + co.flush()


# ------------------------------------------------------------------- LoPace


def lopace_golden(texts):
    by_label = {t["label"]: t["text"] for t in texts}
    cases, errors, decode_cases, stats = [], [], [], []
    skipped = {}
    compressors = {}

    def compressor(model, level):
        if (model, level) not in compressors:
            compressors[(model, level)] = PromptCompressor(model=model, zstd_level=level)
        return compressors[(model, level)]

    def run(model, level, label, method):
        text = by_label[label]
        pc = compressor(model, level)
        kind, value = attempt(lambda: pc.compress(text, CompressionMethod(method)))
        if kind == "error":
            errors.append({"model": model, "label": label, "method": method, "zstd_level": level,
                           "op": "compress", "error": value})
            return
        assert pc.decompress(value, CompressionMethod(method)) == text
        cases.append({"model": model, "label": label, "method": method, "zstd_level": level,
                      "text": text, "payload_hex": value.hex()})

    models = []
    for model in LOPACE_MODELS:
        kind, value = attempt(lambda: compressor(model, LOPACE_DEFAULT_LEVEL))
        if kind == "error":
            skipped[model] = value
        else:
            models.append(model)
    for model in models:
        for t in texts:
            for method in LOPACE_METHODS:
                run(model, LOPACE_DEFAULT_LEVEL, t["label"], method)
    for level in LOPACE_EXTRA_LEVELS:
        for label in LOPACE_EXTRA_TEXTS:
            for method in ("zstd", "hybrid"):
                run("cl100k_base", level, label, method)
    for level in (0, 23):
        kind, value = attempt(lambda: PromptCompressor(model="cl100k_base", zstd_level=level))
        errors.append({"model": "cl100k_base", "label": None, "method": None, "zstd_level": level,
                       "op": "PromptCompressor", kind: value if kind == "error" else "ok"})

    # Decoder leniency: format byte other than 1 means uint16; tiktoken's
    # decode replaces invalid UTF-8 with U+FFFD.
    pc = compressor("cl100k_base", LOPACE_DEFAULT_LEVEL)
    z = lambda b: zstandard.ZstdCompressor(level=3).compress(b)  # noqa: E731
    for label, method, payload in [
        ("empty_payload", "token", b""),
        ("uint16_odd_length", "token", bytes.fromhex("0001")),
        ("uint32_bad_length", "token", bytes.fromhex("01000000")),
        ("format_byte_2_is_uint16", "token", bytes.fromhex("020000")),
        ("format_byte_0_empty", "token", bytes.fromhex("00")),
        ("format_byte_1_empty", "token", bytes.fromhex("01")),
        ("uint32_format_small_ids", "token", bytes.fromhex("01" "00000000" "01000000")),
        ("partial_utf8_token", "token", bytes.fromhex("00") + (9468).to_bytes(2, "little")),
        ("unknown_token_id", "token", bytes.fromhex("01") + (100277).to_bytes(4, "little")),
        ("special_token_id", "token", bytes.fromhex("01") + (100257).to_bytes(4, "little")),
        ("garbage", "zstd", b"garbage"),
        ("invalid_utf8", "zstd", z(b"\xff\xfe")),
        ("empty_frame", "hybrid", z(b"")),
        ("streamed_frame_no_content_size", "zstd", stream_frame(b"hello")),
        ("two_frames", "zstd", z(b"hello") + z(b" world")),
    ]:
        kind, value = attempt(lambda: pc.decompress(payload, CompressionMethod(method)))
        decode_cases.append({"model": "cl100k_base", "label": label, "method": method,
                             "payload_hex": payload.hex(), kind: value})

    # Statistics, so our stats API can be checked figure for figure.
    for model, label in [("cl100k_base", "empty"), ("cl100k_base", "short_english"),
                         ("cl100k_base", "long_markdown"), ("cl100k_base", "non_ascii"),
                         ("o200k_base", "long_markdown"), ("cl100k_base", "special_tokens")]:
        pc = compressor(model, LOPACE_DEFAULT_LEVEL)
        text = by_label[label]
        kind, value = attempt(lambda: pc.get_compression_stats(text))
        stats.append({"model": model, "label": label, "call": "get_compression_stats",
                      "unit": None, kind: value})
        if label in ("special_tokens", "long_markdown") and model != "cl100k_base":
            continue
        for unit in ("character", "byte"):
            for call in ("calculate_shannon_entropy", "get_theoretical_compression_limit"):
                kind, value = attempt(lambda: getattr(pc, call)(text, unit))
                stats.append({"model": model, "label": label, "call": call, "unit": unit,
                              kind: value})

    return {
        "generator": "lopace 0.1.5 via tools/peers/make_golden.py",
        "versions": versions(),
        "texts_file": "tests/data/golden_texts.json",
        "skipped_models": skipped,
        "notes": [
            "zstd: zstandard.compress(text.encode('utf-8'), level) = one frame with "
            "content size, no checksum, no dictionary.",
            "token: 1 format byte (0: uint16, 1: uint32 when any id > 65535) then ids "
            "little-endian (struct native order on x86), from tokenizer.encode(text) "
            "which raises on special-token text; empty text -> b'\\x00'.",
            "hybrid: zstd of the token payload (empty text -> zstd(b'\\x00')).",
            "Floats are Python repr; entropy sums in order of first occurrence.",
        ],
        "cases": cases,
        "errors": errors,
        "decode_cases": decode_cases,
        "stats": stats,
    }


def stream_frame(data):
    # A frame without a content-size field, like a streaming encoder writes.
    return zstandard.ZstdCompressor(level=3, write_content_size=False).compress(data)


def main():
    # One error case makes tacc panic; keep its report to the message line.
    os.environ["RUST_BACKTRACE"] = "0"
    with open(TEXTS_PATH, encoding="utf-8") as f:
        texts = json.load(f)
    os.makedirs(OUT_DIR, exist_ok=True)
    write_json(os.path.join(OUT_DIR, "tacc_0.1.0.json"), tacc_golden(texts))
    write_json(os.path.join(OUT_DIR, "lopace_0.1.5.json"), lopace_golden(texts))
    print("wrote tests/golden/tacc_0.1.0.json, tests/golden/lopace_0.1.5.json")


if __name__ == "__main__":
    main()
