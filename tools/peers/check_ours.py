#!/usr/bin/env python3
"""Decode OUR payloads with the real tacc 0.1.0 and LoPace 0.1.5 packages.

Usage: python tools/peers/check_ours.py IN.json

IN.json (written by our Rust tests) holds
    {"tacc_cases":   [tacc-schema cases, as in tests/golden/tacc_0.1.0.json],
     "lopace_cases": [LoPace-schema cases, as in tests/golden/lopace_0.1.5.json]}
with payload_hex being the payload OUR code produced. Each is decoded with
the reference package and compared with the expected token IDs / text.

Prints one line per failure, then exactly `peers-decode: N passed, N failed`;
exit status 1 if anything failed. Run with the peers venv
(tools/peers/setup.sh); TIKTOKEN_CACHE_DIR defaults to <repo>/target/tiktoken-cache
when that exists and the variable is unset.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_default_cache = os.path.join(ROOT, "target", "tiktoken-cache")
if "TIKTOKEN_CACHE_DIR" not in os.environ and os.path.isdir(_default_cache):
    os.environ["TIKTOKEN_CACHE_DIR"] = _default_cache

import tacc  # noqa: E402
from lopace import CompressionMethod, PromptCompressor  # noqa: E402


def _i32(values):
    # encode_raw_token_ids writes u32 token IDs as i32.
    return [v - 2**32 if v >= 2**31 else v for v in values]


class Checker:
    def __init__(self):
        self._codecs = {}
        self._compressors = {}
        self.passed = 0
        self.failures = []

    def codec(self, name):
        if name not in self._codecs:
            self._codecs[name] = tacc.Codec(name)
        return self._codecs[name]

    def compressor(self, model, level):
        if (model, level) not in self._compressors:
            self._compressors[(model, level)] = PromptCompressor(model=model, zstd_level=level)
        return self._compressors[(model, level)]

    def _run(self, what, fn):
        try:
            problem = fn()
        except Exception as e:  # noqa: BLE001 - any exception is a failed decode
            problem = f"{type(e).__name__}: {e}"
        except BaseException as e:  # tacc panics (pyo3 PanicException)
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            problem = f"{type(e).__name__}: {e}"
        if problem:
            self.failures.append(f"FAIL {what}: {problem}")
        else:
            self.passed += 1

    def tacc_case(self, i, case):
        what = (f"tacc[{i}] {case.get('tokenizer')} {case.get('label')} "
                f"{case.get('call')} gzip={case.get('gzip', False)}")

        def check():
            codec = self.codec(case["tokenizer"])
            payload = bytes.fromhex(case["payload_hex"])
            gz = bool(case.get("gzip", False))
            call = case["call"]
            token_ids = case.get("token_ids")
            mapped_ids = case.get("mapped_ids")
            got_values = codec.decode_mapped_ids(payload, gzip=gz)

            if call == "encode_token_ids":
                got = codec.decode_token_ids(payload, gzip=gz)
                if got != token_ids:
                    return f"decode_token_ids gave {_short(got)}, expected {_short(token_ids)}"
                if mapped_ids is not None and got_values != mapped_ids:
                    return f"decode_mapped_ids gave {_short(got_values)}, expected {_short(mapped_ids)}"
            elif call == "encode_mapped_ids":
                if got_values != mapped_ids:
                    return f"decode_mapped_ids gave {_short(got_values)}, expected {_short(mapped_ids)}"
                if token_ids is not None:
                    got = codec.decode_token_ids(payload, gzip=gz)
                    if got != token_ids:
                        return f"decode_token_ids gave {_short(got)}, expected {_short(token_ids)}"
            elif call == "encode_raw_token_ids":
                if got_values != _i32(token_ids):
                    return f"decode_mapped_ids gave {_short(got_values)}, expected raw {_short(token_ids)}"
            else:
                return f"unknown call {call!r}"
            if "payload_values" in case and got_values != case["payload_values"]:
                return f"payload carries {_short(got_values)}, expected {_short(case['payload_values'])}"
            return None

        self._run(what, check)

    def lopace_case(self, i, case):
        what = (f"lopace[{i}] {case.get('model')} {case.get('label')} "
                f"{case.get('method')} level={case.get('zstd_level')}")

        def check():
            pc = self.compressor(case["model"], int(case.get("zstd_level", 15)))
            text = pc.decompress(bytes.fromhex(case["payload_hex"]),
                                 CompressionMethod(case["method"]))
            if text != case["text"]:
                return f"decompressed {_short(text)}, expected {_short(case['text'])}"
            return None

        self._run(what, check)


def _short(v, limit=120):
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + f"... ({len(v)} items)"


def check(data):
    """Check a parsed IN.json; returns (passed, failure lines)."""
    c = Checker()
    for i, case in enumerate(data.get("tacc_cases", [])):
        c.tacc_case(i, case)
    for i, case in enumerate(data.get("lopace_cases", [])):
        c.lopace_case(i, case)
    return c.passed, c.failures


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        data = json.load(f)
    passed, failures = check(data)
    for line in failures:
        print(line)
    if passed + len(failures) == 0:
        print("warning: no tacc_cases or lopace_cases in input", file=sys.stderr)
    print(f"peers-decode: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
