"""Hostile payloads (issue 12): every decode fails with the expected error, without an abort, a
PanicException or a line in stderr, within stated bounds of memory and CPU.

Each case runs in a child process of its own (``CHILD`` below), which reads its input, then measures
the decode call alone with ``resource.getrusage(RUSAGE_SELF)``: the peak RSS (``ru_maxrss``) after
the call minus the peak before it, and user + system CPU seconds. A native abort kills only the
child (the test reports it), and the child's address space is capped (``RLIMIT_AS``) so that a
regression cannot take the machine's memory.

Bounds (generous: machines are noisy): peak memory below the case's output limit plus
``MEMORY_SLACK`` (64 MiB), CPU below ``CPU_BOUND`` seconds.

Inputs: the committed small files in tests/hostile/ (listed in its manifest.json), and the large
ones, made here with the library itself (``generated`` below).
"""

import array
import json
import os
import subprocess
import sys

import pytest

import tacc
from conftest import ROOT

MIB = 1 << 20
MEMORY_SLACK = 64 * MIB
CPU_BOUND = 10.0
ADDRESS_SPACE = 4 << 30
SPACES_128 = 58040  # cl100k_base: 128 spaces
HOSTILE = os.path.join(ROOT, "tests", "hostile")

# The child: argv[1] = JSON case {files, api, tokenizer, limits, args}; prints the measured result.
CHILD = r"""
import json, resource, sys
case = json.loads(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (case["address_space"], case["address_space"]))
import tacc
from tacc.lopace import CompressionMethod, PromptCompressor

datas = []
for name in case["files"]:
    with open(name, "rb") as f:
        datas.append(f.read())
data = datas[0]
limits = case.get("limits") or {}
api, a = case["api"], case.get("args") or {}
tok = case.get("tokenizer") or "cl100k_base"

def size(out):
    if isinstance(out, str):
        return len(out.encode())
    if isinstance(out, list):
        return 4 * len(out)
    return len(out)

def make():
    if api == "decompress":
        return lambda: size(tacc.decompress(data, **limits))
    if api == "decompress_token_ids":
        return lambda: size(tacc.decompress_token_ids(data, tokenizer=tok, gzip=a.get("gzip", False), **limits))
    if api == "lopace":
        pc = PromptCompressor(tok, **limits)
        return lambda: size(pc.decompress(data, CompressionMethod(a.get("method", "hybrid"))))
    if api in ("stream", "codec.stream_decoder", "iter_decode"):
        if api == "iter_decode":
            return lambda: sum(size(t) for t in tacc.iter_decode(datas, require_end=False, **limits))
        d = tacc.StreamDecoder(**limits) if api == "stream" else tacc.Codec(tok).stream_decoder(**limits)
        return lambda: sum(size(d.push(chunk).text) for chunk in datas)
    c = tacc.Codec(tok, **limits)
    if api in ("decode_token_ids", "decode_mapped_ids", "decode_raw_token_ids", "decode_tokens"):
        return lambda: size(getattr(c, api)(data, gzip=a.get("gzip", False)))
    if api == "lopace_decompress":
        return lambda: size(c.lopace_decompress(data, a.get("method", "hybrid")))
    if api in ("codec.decompress", "decompress_text", "codec.decompress_token_ids"):
        return lambda: size(getattr(c, api.split(".")[-1])(data))
    raise SystemExit(f"unknown api {api}")

call = make()
r0 = resource.getrusage(resource.RUSAGE_SELF)
output = None
try:
    output = call()
    error = None
except BaseException as e:  # noqa: BLE001 - the test: what was raised
    error = {"class": type(e).__name__, "kind": getattr(e, "kind", None), "tacc": isinstance(e, tacc.TaccError),
             "exception": isinstance(e, Exception), "message": str(e)[:300]}
r1 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"error": error, "output": output, "peak_before": r0.ru_maxrss * 1024,
                  "peak_after": r1.ru_maxrss * 1024, "cpu": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime}))
"""


def run_case(case):
    """Runs one decode in a child; returns its measured result (or fails on an abort / a crash)."""
    case = dict(case, address_space=ADDRESS_SPACE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(case)], capture_output=True, text=True, env=env,
                       cwd="/", timeout=600)
    assert p.returncode == 0, f"child died (status {p.returncode}: an abort is -6): {p.stderr[-1500:]}"
    assert p.stderr == "", f"the library printed to stderr: {p.stderr[-1500:]}"
    return json.loads(p.stdout.strip().splitlines()[-1])


def measured(case, r):
    e = r["error"]
    peak = max(0, r["peak_after"] - r["peak_before"])
    label = f"{case['label']}: peak +{peak / MIB:.1f} MiB, cpu {r['cpu']:.2f} s, error {e}"
    print(label)
    return peak, label


def check(case, expect_kinds, output_limit):
    """The case fails with one of `expect_kinds`, as a TaccError, within the bounds."""
    r = run_case(case)
    e = r["error"]
    peak, label = measured(case, r)
    assert e is not None, f"decoded without error ({r['output']} bytes): {label}"
    assert e["tacc"] and e["exception"], f"not a TaccError: {label}"
    assert e["kind"] in expect_kinds, label
    assert peak < output_limit + MEMORY_SLACK, label
    assert r["cpu"] < CPU_BOUND, label


def effective_output_limit(limits):
    return min((limits or {}).get("max_output") or tacc.DEFAULT_MAX_OUTPUT, tacc.MAX_OUTPUT_CAP)


# ---- the committed hostile inputs (tests/hostile/manifest.json; fields: tests/hostile.rs) --------------

def manifest():
    path = os.path.join(HOSTILE, "manifest.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return json.load(f)["cases"]


def py_limits(v):
    """Manifest limits (null, or {max_output_bytes, max_tokens}) as this package's keyword arguments."""
    if not v:
        return {}
    return {"max_output": v["max_output_bytes"] or None, "max_tokens": v["max_tokens"] or None}


# Each manifest `decode` through every Python call that decodes it: (api, args).
PY_CALLS = {
    "frame": [("codec.decompress", None), ("decompress", None)],
    "stream": [("stream", None), ("codec.stream_decoder", None), ("iter_decode", None)],
    "raw-tacc": [("decode_token_ids", {"gzip": False}), ("decompress_token_ids", {"gzip": False})],
    "raw-tacc-gzip": [("decode_token_ids", {"gzip": True}), ("decompress_token_ids", {"gzip": True})],
    **{f"raw-lopace-{m}": [("lopace_decompress", {"method": m}), ("lopace", {"method": m})]
       for m in ("zstd", "token", "hybrid")},
}


def manifest_cases():
    out = []
    for e in manifest():
        for api, args in PY_CALLS.get(e["decode"], [(e["decode"], None)]):
            out.append(pytest.param(e, api, args, id=f"{e['name']}-{api}"))
    return out


def case_of(entry, api, args, limits):
    files = entry.get("chunks") or [entry["file"]]
    return {"files": [os.path.join(HOSTILE, f) for f in files], "api": api, "tokenizer": entry.get("tokenizer"),
            "limits": limits, "args": args, "label": f"{entry['name']} via {api}"}


@pytest.mark.parametrize("entry,api,args", manifest_cases())
def test_committed_hostile_input(entry, api, args):
    limits = py_limits(entry.get("limits"))
    expect = entry["expect"] if isinstance(entry["expect"], list) else [entry["expect"]]
    check(case_of(entry, api, args, limits), expect, effective_output_limit(limits))


@pytest.mark.parametrize("entry", [e for e in manifest() if e.get("ok_within")], ids=lambda e: e["name"])
def test_committed_big_input_decodes_within_larger_limits(entry):
    """The legal-but-big inputs decode within their `ok_within` limits: the errors above come from the limit."""
    api, args = PY_CALLS[entry["decode"]][0]
    case = case_of(entry, api, args, py_limits(entry["ok_within"]))
    r = run_case(case)
    peak, label = measured(case, r)
    assert r["error"] is None and r["output"] == entry["output_bytes"], label
    # The output, and Python's str of it (one copy), at most.
    assert peak < 2 * entry["output_bytes"] + MEMORY_SLACK, label


def test_manifest_present():
    """The committed inputs are on main from issue 12 on; fail if they went missing."""
    assert {e["decode"] for e in manifest()} >= {"frame", "stream", "raw-tacc-gzip", "raw-lopace-hybrid"}


# ---- large hostile inputs, made with the library -----------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    c = tacc.Codec("cl100k_base")
    files = {}

    def save(name, data):
        files[name] = str(d / name)
        with open(files[name], "wb") as f:
            f.write(data)

    # A valid zstd frame of 80 MiB (2.6 KB): more than the default output limit.
    save("zstd_80mib.frame", c.compress_bytes(b" " * (80 * MIB), method="zstd"))
    ids = array.array("I", [SPACES_128]) * (17 << 20)  # 17 Mi IDs, past the default 16 Mi
    save("ids_17mi_hybrid.frame", c.compress_token_ids(ids, method="lopace-hybrid"))
    save("ids_17mi.tacc-gzip", c.encode_token_ids(ids, gzip=True))
    del ids
    enc = c.stream_encoder()
    enc.push_token_ids(array.array("I", [SPACES_128]) * (1 << 20))  # 128 MiB of text in one chunk
    save("stream_128mib.chunk", enc.flush())
    text = "Hostile payloads come from the network. " * 60_000  # 2.4 MB of text
    save("text_2mib_model.frame", c.compress_text(text, method="model"))
    save("text_2mib.lopace-hybrid", c.lopace_compress(text, "hybrid"))
    save("text_2mib.lopace-token", c.lopace_compress(text, "token"))
    return files


GENERATED = [
    # (label, file, api, limits, args)
    ("zstd frame, 80 MiB, defaults", "zstd_80mib.frame", "decompress", {}, None),
    ("zstd frame, 80 MiB, 1 MiB", "zstd_80mib.frame", "decompress", {"max_output": MIB}, None),
    ("zstd frame, 80 MiB, codec 1 MiB", "zstd_80mib.frame", "codec.decompress", {"max_output": MIB}, None),
    ("17 Mi IDs lopace-hybrid frame, defaults", "ids_17mi_hybrid.frame", "decompress", {}, None),
    ("17 Mi IDs lopace-hybrid frame, 1000 tokens", "ids_17mi_hybrid.frame", "codec.decompress_token_ids",
     {"max_tokens": 1000}, None),
    ("17 Mi IDs tacc-gzip, defaults", "ids_17mi.tacc-gzip", "decompress_token_ids", {}, {"gzip": True}),
    ("17 Mi IDs tacc-gzip, 1000 tokens", "ids_17mi.tacc-gzip", "decode_token_ids", {"max_tokens": 1000},
     {"gzip": True}),
    ("17 Mi IDs tacc-gzip mapped, 1000 tokens", "ids_17mi.tacc-gzip", "decode_mapped_ids", {"max_tokens": 1000},
     {"gzip": True}),
    ("stream chunk, 128 MiB, defaults", "stream_128mib.chunk", "stream", {}, None),
    ("stream chunk, 128 MiB, 1 MiB", "stream_128mib.chunk", "stream", {"max_output": MIB}, None),
    ("model text frame, 2.4 MB, 1 MiB", "text_2mib_model.frame", "decompress_text", {"max_output": MIB}, None),
    ("LoPace hybrid, 2.4 MB, 1 MiB", "text_2mib.lopace-hybrid", "lopace", {"max_output": MIB}, {"method": "hybrid"}),
    ("LoPace token, 2.4 MB, 1 MiB", "text_2mib.lopace-token", "lopace_decompress", {"max_output": MIB},
     {"method": "token"}),
]


@pytest.mark.parametrize("label,name,api,limits,args", GENERATED, ids=[g[0] for g in GENERATED])
def test_generated_hostile_input(generated, label, name, api, limits, args):
    case = {"files": [generated[name]], "api": api, "limits": limits, "args": args, "label": label}
    check(case, ["TooLarge"], effective_output_limit(limits))
