#!/usr/bin/env python3
"""Extract tacc 0.1.0's token-ID -> mapped-ID tables into mappings/*.tmap.zst.

tacc ships its tables only inside its compiled extension, so we read them
back through the public API (Codec.token_id_to_mapped_id), one token ID at a
time, and write them in our own simple format (see mappings/README.md):

    zstd( b"TACCMAP1" | u32le n | n x i32le mapped_id )

entry k = mapped ID of token ID k; i32::MIN marks an ID tacc does not map.

Run with the peers venv (tools/peers/setup.sh), TIKTOKEN_CACHE_DIR set:
    python tools/peers/make_mappings.py [--out-dir mappings]
Also prints facts about the tables (ranges, holes, bijectivity, overlaps).
"""

import argparse
import os
import struct
import sys
from array import array
from importlib import metadata

import tacc
import zstandard

MAGIC = b"TACCMAP1"
HOLE = -(2**31)
ZSTD_LEVEL = 19
# Dense scan bound; far above the largest vocab (o200k_harmony: 201088).
SCAN_LIMIT = 1 << 20
TOKENIZERS = [
    "cl100k_base",
    "gpt2",
    "o200k_base",
    "o200k_harmony",
    "p50k_base",
    "p50k_edit",
    "r50k_base",
]


def lookup(codec, token_id):
    """Mapped ID for token_id, or None if tacc has no entry for it."""
    try:
        return codec.token_id_to_mapped_id([token_id])[0]
    except KeyError:
        return None
    except OverflowError:  # tacc's token IDs are u32
        return None


def scan(codec):
    """Dict token_id -> mapped_id for every ID tacc knows."""
    found = {}
    chunk = 4096
    for start in range(0, SCAN_LIMIT, chunk):
        ids = list(range(start, start + chunk))
        try:
            # One call per chunk is fast; fall back to single IDs only when
            # the chunk contains an ID tacc lacks.
            found.update(zip(ids, codec.token_id_to_mapped_id(ids)))
        except KeyError:
            for i in ids:
                m = lookup(codec, i)
                if m is not None:
                    found[i] = m
    # Sparse probes above the dense range, in case of far-off special IDs.
    for k in range(20, 33):
        for i in (2**k - 1, 2**k, 2**k + 1):
            if i >= SCAN_LIMIT and i < 2**32:
                m = lookup(codec, i)
                if m is not None:
                    found[i] = m
    return found


def zero_centred(n):
    """The first n values of 0, 1, -1, 2, -2, ..."""
    return [(j + 1) // 2 if j % 2 else -(j // 2) for j in range(n)]


def build(name):
    codec = tacc.Codec(name)
    found = scan(codec)
    n = max(found) + 1
    table = [found.get(i, HOLE) for i in range(n)]
    holes = [i for i in range(n) if i not in found]

    # The reverse direction must agree, or the table is not what tacc decodes.
    present = [i for i in range(n) if i in found]
    back = codec.mapped_id_to_token_id([found[i] for i in present])
    if back != present:
        sys.exit(f"{name}: mapped_id_to_token_id does not invert the table")
    return table, holes


def encode(table):
    raw = MAGIC + struct.pack("<I", len(table))
    arr = array("i", table)
    if sys.byteorder != "little":
        arr.byteswap()
    raw += arr.tobytes()
    return raw, zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(raw)


def tiktoken_undefined(name, n):
    """IDs below n that tiktoken's encoding has no bytes for."""
    try:
        import tiktoken

        enc = tiktoken.get_encoding(name)
    except Exception as e:  # noqa: BLE001 - report, don't fail
        return f"tiktoken unavailable: {type(e).__name__}: {e}"
    missing = []
    for i in range(n):
        try:
            enc.decode_single_token_bytes(i)
        except KeyError:
            missing.append(i)
    return missing


def matches_jsonl(directory, name, table):
    import json

    src = [HOLE] * len(table)
    with open(os.path.join(directory, f"{name}.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if row["token_id"] >= len(src):
                    return False
                src[row["token_id"]] = row["mapped_id"]
    return src == table


def ranges(ids):
    """Compact text form of a sorted int list: 1-3,7."""
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else f"{ids[i]}-{ids[j]}")
        i = j + 1
    return ",".join(out) or "none"


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=os.path.join(root, "mappings"))
    ap.add_argument("--check-jsonl", metavar="DIR",
                    help="also compare with tacc's source tables: DIR holds <name>.jsonl "
                         "(src/data/ of the tacc-0.1.0 sdist, from "
                         "`pip download --no-deps --no-binary :all: tacc==0.1.0`)")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    print(f"tacc {metadata.version('tacc')}, zstandard {zstandard.__version__} "
          f"(libzstd {zstandard.ZSTD_VERSION}), level {ZSTD_LEVEL}")
    if sorted(tacc.list_available_tokenizers()) != TOKENIZERS:
        print(f"NOTE: tacc lists {tacc.list_available_tokenizers()}")

    tables = {}
    total = 0
    for name in TOKENIZERS:
        table, holes = build(name)
        tables[name] = table
        raw, comp = encode(table)
        path = os.path.join(args.out_dir, f"{name}.tmap.zst")
        with open(path, "wb") as f:
            f.write(comp)
        total += len(comp)

        values = [v for v in table if v != HOLE]
        bij = sorted(values) == sorted(zero_centred(len(values)))
        undefined = tiktoken_undefined(name, len(table))
        if isinstance(undefined, list):
            undefined = ranges(undefined)
        print(f"{name}: ids 0..{len(table) - 1} (n={len(table)}), holes: {ranges(holes)}, "
              f"mapped range [{min(values)}, {max(values)}], "
              f"bijection onto zero-centred set: {bij}")
        print(f"  tiktoken has no token for: {undefined}")
        print(f"  top token IDs (mapped 0,1,-1,2,-2): "
              f"{[table.index(m) for m in zero_centred(5)]}")
        print(f"  wrote {os.path.relpath(path, root)}: {len(comp)} bytes ({len(raw)} raw)")
        if args.check_jsonl:
            print(f"  matches {name}.jsonl: {matches_jsonl(args.check_jsonl, name, table)}")
    print(f"total mapping size: {total} bytes")

    # Relationships between tables; they decide which files could be shared.
    def prefix_rel(a, b):
        ta, tb = tables[a], tables[b]
        k = min(len(ta), len(tb))
        same_prefix = sum(1 for i in range(k) if ta[i] == tb[i])
        if ta == tb:
            return f"{a} and {b} are identical"
        return (f"{a} (n={len(ta)}) vs {b} (n={len(tb)}): {same_prefix}/{k} "
                f"shared-range entries equal")

    print(prefix_rel("gpt2", "r50k_base"))
    print(prefix_rel("p50k_base", "p50k_edit"))
    print(prefix_rel("o200k_base", "o200k_harmony"))
    print(prefix_rel("r50k_base", "p50k_base"))


if __name__ == "__main__":
    main()
