"""Runs in the peers' virtual environment (real tacc 0.1.0 + lopace 0.1.5), never beside ours.

stdin: a JSON list of operations; stdout: a JSON list of results, one per operation, each
{"result": ...} or {"error": {"type": ..., "message": ...}}. Bytes travel as hex.
"""

import json
import sys

import tacc
from lopace import CompressionMethod, PromptCompressor

_codecs = {}
_comps = {}


def codec(name):
    if name not in _codecs:
        _codecs[name] = tacc.Codec(name)
    return _codecs[name]


def comp(model, level):
    key = (model, level)
    if key not in _comps:
        _comps[key] = PromptCompressor(model=model, zstd_level=level)
    return _comps[key]


def run(op):
    kind = op["op"]
    if kind == "tacc_encode":
        return getattr(codec(op["tokenizer"]), op["call"])(op["input"], gzip=op["gzip"]).hex()
    if kind == "tacc_decode":
        return getattr(codec(op["tokenizer"]), op["call"])(bytes.fromhex(op["payload_hex"]), gzip=op["gzip"])
    if kind == "tacc_map":
        return getattr(codec(op["tokenizer"]), op["call"])(op["input"])
    if kind == "lopace_compress":
        c = comp(op["model"], op["zstd_level"])
        return c.compress(op["text"], CompressionMethod(op["method"])).hex()
    if kind == "lopace_decompress":
        c = comp(op["model"], op["zstd_level"])
        return c.decompress(bytes.fromhex(op["payload_hex"]), CompressionMethod(op["method"]))
    if kind == "lopace_call":
        c = comp(op["model"], op["zstd_level"])
        args = [op["text"]]
        if op.get("method") is not None:
            args.append(CompressionMethod(op["method"]))
        if op.get("unit") is not None:
            args.append(op["unit"])
        return getattr(c, op["call"])(*args)
    raise ValueError(f"unknown op {kind}")


def main():
    out = []
    for op in json.load(sys.stdin):
        try:
            out.append({"result": run(op)})
        except BaseException as e:  # noqa: BLE001 - tacc 0.1.0 can panic (PanicException)
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            out.append({"error": {"type": type(e).__name__, "message": str(e)}})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
