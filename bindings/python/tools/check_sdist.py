"""Checks that an sdist of tacc-rs can build the extension: it must hold every file of the repository
that the wheel's cargo build read (cargo's dep-info: the Rust sources of both crates and every table
they include_bytes!: models/, mappings/, vocab/), the Cargo files and the Python package. Cheap (a
listing); building the sdist (`pip wheel dist/python/tacc_rs-*.tar.gz`) takes minutes: by hand.

    python3 bindings/python/tools/check_sdist.py dist/python/tacc_rs-<version>.tar.gz [DEP_INFO]

DEP_INFO defaults to target/release/libtacc_python.d, written by the wheel's build (maturin). Without
it (a clean target/) only the fixed list below is checked. Exit status 1 on a missing file."""

import os
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
# Needed whatever cargo's dep-info says: the build's configuration (maturin puts pyproject.toml at the
# top, its manifest-path pointing at bindings/python/Cargo.toml).
ALWAYS = ["pyproject.toml", "PKG-INFO", "Cargo.toml", "Cargo.lock", "bindings/python/Cargo.toml"]
# The Python package: every file of bindings/python/python/, at python/ in the sdist.
PY_SOURCE = os.path.join(ROOT, "bindings", "python", "python")


def python_files():
    out = []
    for d, _, files in os.walk(PY_SOURCE):
        for f in files:
            if f.endswith((".py", ".pyi", ".typed")):
                out.append("python/" + os.path.relpath(os.path.join(d, f), PY_SOURCE).replace(os.sep, "/"))
    return out


def dep_info_files(path):
    """Repository files (relative paths) a cargo dep-info file lists as inputs of its first target."""
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    _, _, deps = first.partition(": ")
    # Paths are separated by spaces; a space inside a path is escaped as "\ ".
    parts = deps.replace("\\ ", "\0").split()
    out = []
    for p in (x.replace("\0", " ") for x in parts):
        p = os.path.realpath(p)
        rel = os.path.relpath(p, ROOT)
        if not rel.startswith("..") and not rel.startswith("target" + os.sep):
            out.append(rel)
    return out


def main():
    sdist = sys.argv[1]
    dep_info = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "release", "libtacc_python.d")
    with tarfile.open(sdist) as t:
        names = {m.name for m in t.getmembers() if m.isfile()}
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) != 1:
        print(f"check_sdist: expected one top directory, found {sorted(tops)}", file=sys.stderr)
        return 1
    top = tops.pop()
    members = {n.split("/", 1)[1] for n in names if "/" in n}
    wanted = ALWAYS + python_files()
    source = "fixed list only (no dep-info)"
    if os.path.exists(dep_info):
        deps = dep_info_files(dep_info)
        wanted += deps
        source = f"{len(deps)} files from {os.path.relpath(dep_info, ROOT)}"
    missing = sorted(set(w for w in wanted if w not in members))
    size = os.path.getsize(sdist)
    print(f"check_sdist: {os.path.basename(sdist)}: {len(members)} files, {size} bytes, top {top}/; checked {source}")
    for m in missing:
        print(f"check_sdist: missing {m}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
