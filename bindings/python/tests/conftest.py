"""Shared fixtures: repository paths, golden vectors, and the real tacc 0.1.0 / LoPace 0.1.5.

The published packages run in their own virtual environment (the published tacc also imports as
`tacc`), reached through `peer_helper.py` in a subprocess. Found through TACC_PEERS_PYTHON, else
<repo>/target/peers-venv (tools/peers/setup.sh), else /work/peers/venv. Without them the
compatibility tests are skipped, unless TACC_REQUIRE_PEERS=1 (CI), where they fail.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
GOLDEN = os.path.join(ROOT, "tests", "golden")
TEXTS_FILE = os.path.join(ROOT, "tests", "data", "golden_texts.json")

TOKENIZERS = ["cl100k_base", "gpt2", "o200k_base", "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base"]


def load_json(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as f:
        return json.load(f)


def golden_texts():
    with open(TEXTS_FILE, encoding="utf-8") as f:
        return {t["label"]: t["text"] for t in json.load(f)}


def _peers_python():
    cands = [os.environ.get("TACC_PEERS_PYTHON"), os.path.join(ROOT, "target", "peers-venv", "bin", "python"),
             "/work/peers/venv/bin/python"]
    for c in cands:
        if c and os.path.exists(c):
            return c
    return None


def _tiktoken_cache():
    cands = [os.environ.get("TIKTOKEN_CACHE_DIR"), os.path.join(ROOT, "target", "tiktoken-cache"),
             "/work/peers/tiktoken_cache"]
    for c in cands:
        if c and os.path.isdir(c) and os.listdir(c):
            return c
    return None


class Peers:
    """Runs batches of operations with the real tacc 0.1.0 and LoPace 0.1.5."""

    def __init__(self, python, cache):
        self.python = python
        self.cache = cache

    def run(self, ops):
        env = dict(os.environ, TIKTOKEN_CACHE_DIR=self.cache)
        env.pop("PYTHONPATH", None)
        p = subprocess.run([self.python, os.path.join(HERE, "peer_helper.py")], input=json.dumps(ops),
                           capture_output=True, text=True, env=env, cwd="/", timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"peer helper failed ({p.returncode}): {p.stderr[-2000:]}")
        return json.loads(p.stdout)


@pytest.fixture(scope="session")
def peers():
    py, cache = _peers_python(), _tiktoken_cache()
    if py is None or cache is None:
        msg = "real tacc/lopace not set up (run tools/peers/setup.sh)"
        if os.environ.get("TACC_REQUIRE_PEERS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return Peers(py, cache)


@pytest.fixture(scope="session")
def texts():
    return golden_texts()
