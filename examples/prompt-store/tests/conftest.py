"""Fixtures: a store on a real SQLite file and one on a real PostgreSQL server.

PostgreSQL comes from TACC_PG_URL. Without it (or when it is unreachable) the PostgreSQL cases
are skipped, unless TACC_REQUIRE_PG=1 (as in .ci/prompt-store.sh), where they fail.
"""

import gzip
import json
import os
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
ROOT = EXAMPLE.parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(EXAMPLE))

from prompt_store import PromptStore  # noqa: E402

PG_URL = os.environ.get("TACC_PG_URL", "")
REQUIRE_PG = os.environ.get("TACC_REQUIRE_PG") == "1"


def load_corpus(name, every=1):
    """The "text" of every ``every``-th record of ../shared/corpus/NAME.jsonl.gz."""
    with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for i, line in enumerate(f) if i % every == 0]


def _no_pg(reason):
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL required (TACC_REQUIRE_PG=1): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (set TACC_PG_URL)")


@pytest.fixture(scope="session")
def pg_url():
    if not PG_URL:
        _no_pg("TACC_PG_URL is not set")
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as e:  # ImportError, OperationalError...: both mean "no PostgreSQL here"
        _no_pg(f"cannot connect to {PG_URL}: {type(e).__name__}: {e}")
    return PG_URL


class Backend:
    """Opens stores on one database, each test's tables under their own prefix; cleans up."""

    def __init__(self, name, target, prefix):
        self.name, self.target, self.prefix = name, target, prefix
        self.stores = []
        self._raw = None

    def open(self, **kw):
        store = PromptStore(self.target, table_prefix=self.prefix, **kw)
        self.stores.append(store)
        return store

    def raw(self, sql, params=()):
        """Runs SQL past the store (placeholders: ``?``), as an outside tool or a bad disk would."""
        if self._raw is None:
            if self.name == "postgres":
                import psycopg

                self._raw = psycopg.connect(self.target, autocommit=True)
            else:
                self._raw = sqlite3.connect(self.target, isolation_level=None)
        cur = self._raw.execute(sql.replace("?", "%s") if self.name == "postgres" else sql, params)
        return cur.fetchall() if cur.description else None

    def close(self):
        for s in self.stores:
            s.close()
        if self.name == "postgres":
            self.raw(f"DROP TABLE IF EXISTS {self.prefix}prompts, {self.prefix}messages")
        if self._raw is not None:
            self._raw.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        b = Backend("sqlite", str(tmp_path / "store.sqlite"), "")
    else:
        b = Backend("postgres", request.getfixturevalue("pg_url"), f"t{uuid.uuid4().hex[:12]}_")
    yield b
    b.close()


@pytest.fixture
def store(backend):
    return backend.open()
