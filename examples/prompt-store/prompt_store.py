"""A prompt and conversation store that keeps text compressed with tacc.

Each row holds a tacc frame (the default method, the context model) and the tokenizer's name,
or, with ``compress=False``, the plain text (the baseline the benchmark compares against). SQLite
is the default (a file, no server); a ``postgresql://`` URL selects PostgreSQL through psycopg 3.

    store = PromptStore("prompts.sqlite")            # or PromptStore("postgresql://...")
    pid = store.put_prompt("support-bot", text)
    assert store.get_prompt(pid) == text
    store.append_message("conv-1", "user", "Hi!")
    store.get_conversation("conv-1")                 # [("user", "Hi!")]

A row whose bytes were changed in the database raises CorruptRowError naming the table and row,
never wrong text: tacc frames carry a CRC-32 of the text, the store only accepts frames that have
it, and the text's UTF-8 length is kept in its own column as a second check.

Thread safety: one PromptStore can be shared by threads. Each thread gets its own connection
(sqlite3 and psycopg connections must not be used by two threads at once); tacc.Codec is
immutable and releases the GIL while it compresses.

CLI: ``python prompt_store.py --help`` (see README.md).
"""

import argparse
import os
import re
import sqlite3
import sys
import threading

import tacc

__all__ = ["PromptStore", "PromptStoreError", "CorruptRowError", "RowNotFoundError"]

def _is_checksummed_frame(frame):
    """docs/FORMAT.md: a v2 frame's first byte is 10cc mmmm, cc = 11 when a CRC-32 ends it; a v1
    frame starts D7 AC 01 and has the CRC flag in bit 0 of its flags byte (offset 4)."""
    if len(frame) >= 6 and frame[0] & 0xF0 == 0xB0:
        return True
    return len(frame) >= 11 and frame[:3] == b"\xd7\xac\x01" and bool(frame[4] & 0x01)


class PromptStoreError(Exception):
    """Base class of the store's own errors."""


class CorruptRowError(PromptStoreError):
    """A stored row does not decode to the text that was written. ``table`` and ``row_id`` name it."""

    def __init__(self, table, row_id, detail):
        super().__init__(f"corrupt row: table {table!r}, id {row_id}: {detail}")
        self.table = table
        self.row_id = row_id


class RowNotFoundError(PromptStoreError, KeyError):
    def __str__(self):
        return str(self.args[0])


class PromptStore:
    """Prompts and conversations, compressed with tacc, in SQLite or PostgreSQL.

    ``target``: a SQLite file path, or a ``postgresql://`` / ``postgres://`` URL.
    ``compress``: False stores plain text (no checksum; the benchmark's baseline). Either kind of
    row is read back whatever ``compress`` is. ``tokenizer``: any of
    ``tacc.list_available_tokenizers()``. ``table_prefix`` lets several stores (tests, the
    benchmark) share one database.
    """

    def __init__(self, target, *, compress=True, tokenizer="cl100k_base", table_prefix=""):
        if not re.fullmatch(r"[A-Za-z0-9_]*", table_prefix):  # it goes into SQL as an identifier
            raise ValueError(f"table_prefix must be letters, digits and '_': {table_prefix!r}")
        self.target = os.fspath(target)
        self.is_postgres = self.target.startswith(("postgresql://", "postgres://"))
        self.compress = compress
        self.tokenizer = tokenizer
        self._codecs = {tokenizer: tacc.Codec(tokenizer)}  # fails early on an unknown tokenizer
        self._codecs_lock = threading.Lock()
        self.prompts_table = f"{table_prefix}prompts"
        self.messages_table = f"{table_prefix}messages"
        self._local = threading.local()
        self._all_conns = []
        self._conns_lock = threading.Lock()
        if self.is_postgres:
            import psycopg  # optional dependency: only PostgreSQL needs it

            self._psycopg = psycopg
        self._create_schema()

    # ---- connections ---------------------------------------------------------------------------

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.is_postgres:
                # autocommit: reads leave no transaction open; writes use conn.transaction().
                conn = self._psycopg.connect(self.target, autocommit=True)
            else:
                # timeout = busy timeout: a writer waits up to 30 s for another's write lock.
                # check_same_thread=False only so that close() may close it from another thread.
                conn = sqlite3.connect(self.target, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
                conn.execute("PRAGMA synchronous=NORMAL")  # WAL-safe; fsync at checkpoints, not per commit
            self._local.conn = conn
            with self._conns_lock:
                self._all_conns.append(conn)
        return conn

    def _sql(self, sql):
        return sql.replace("?", "%s") if self.is_postgres else sql

    def _execute(self, sql, params=()):
        return self._conn().execute(self._sql(sql), params)

    def _insert(self, sql, params, lock_key=None):
        """Runs an INSERT ... RETURNING id in its own transaction; returns the id. ``lock_key``
        serializes writers of one conversation (SQLite's BEGIN IMMEDIATE already serializes all)."""
        conn = self._conn()
        if self.is_postgres:
            with conn.transaction():
                if lock_key is not None:
                    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (lock_key,))
                return conn.execute(self._sql(sql), params).fetchone()[0]
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now, so the busy timeout applies
        try:
            row_id = conn.execute(sql, params).fetchone()[0]
            conn.execute("COMMIT")
            return row_id
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self):
        """Closes every thread's connection; call it once the threads are done with the store."""
        with self._conns_lock:
            for conn in self._all_conns:
                conn.close()
            self._all_conns.clear()
        self._local = threading.local()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _create_schema(self):
        blob, ident = ("BYTEA", "BIGINT GENERATED ALWAYS AS IDENTITY") if self.is_postgres else ("BLOB", "INTEGER")
        # Exactly one of frame (tacc frame) and body (plain text) is set. n_bytes: the text's UTF-8 length.
        columns = f"tokenizer TEXT, frame {blob}, body TEXT, n_bytes BIGINT NOT NULL, CHECK ((frame IS NULL) <> (body IS NULL))"
        tables = {
            self.prompts_table: f"id {ident} PRIMARY KEY, name TEXT NOT NULL, {columns}",
            self.messages_table: f"id {ident} PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,"
                                 f" role TEXT NOT NULL, {columns}, UNIQUE (conversation_id, seq)",
        }
        if not self.is_postgres:
            for t, cols in tables.items():
                self._execute(f"CREATE TABLE IF NOT EXISTS {t} ({cols})")
            return
        conn = self._conn()
        with conn.transaction():
            # Two stores creating the same tables at once would collide in the catalog.
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('tacc-prompt-store-schema', 0))")
            for t, cols in tables.items():
                if conn.execute("SELECT to_regclass(%s)", (t,)).fetchone()[0] is None:
                    conn.execute(f"CREATE TABLE {t} ({cols})")
                    # Frames are already compressed: EXTERNAL stops TOAST from trying pglz on them
                    # again. (ALTER TABLE locks the table, so only here, on a new table.)
                    conn.execute(f"ALTER TABLE {t} ALTER COLUMN frame SET STORAGE EXTERNAL")

    # ---- encoding ------------------------------------------------------------------------------

    def _codec(self, name):
        codec = self._codecs.get(name)
        if codec is None:
            codec = tacc.Codec(name)
            with self._codecs_lock:
                codec = self._codecs.setdefault(name, codec)
        return codec

    def _encode(self, text):
        """(tokenizer, frame, body, n_bytes) for a new row."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        n_bytes = len(text.encode("utf-8"))  # also rejects lone surrogates before anything is written
        if not self.compress:
            return None, None, text, n_bytes
        return self.tokenizer, self._codec(self.tokenizer).compress_text(text), None, n_bytes

    def _decode(self, table, row_id, tokenizer, frame, body, n_bytes):
        if frame is None:
            if body is None:
                raise CorruptRowError(table, row_id, "neither a frame nor a body")
            return body  # plain rows have no checksum: the baseline stores text as is
        frame = bytes(frame)
        # Frames without a checksum can decode to wrong text; this store never writes them.
        if not _is_checksummed_frame(frame):
            raise CorruptRowError(table, row_id, "not a checksummed tacc frame")
        try:
            text = self._codec(tokenizer).decompress_text(frame)
        except tacc.TaccError as e:  # checksum mismatch, corrupt payload, unknown tokenizer...
            raise CorruptRowError(table, row_id, f"{type(e).__name__}: {e}") from e
        if len(text.encode("utf-8")) != n_bytes:  # e.g. a valid frame copied from another row
            raise CorruptRowError(table, row_id, f"decoded {len(text.encode())} bytes, the row says {n_bytes}")
        return text

    # ---- prompts -------------------------------------------------------------------------------

    def put_prompt(self, name, text):
        """Stores a prompt; returns its id."""
        row = self._encode(text)  # compress outside the transaction: the write lock is held briefly
        return self._insert(
            f"INSERT INTO {self.prompts_table} (name, tokenizer, frame, body, n_bytes) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (name, *row))

    def get_prompt(self, prompt_id):
        row = self._execute(f"SELECT tokenizer, frame, body, n_bytes FROM {self.prompts_table} WHERE id = ?",
                            (prompt_id,)).fetchone()
        if row is None:
            raise RowNotFoundError(f"no prompt with id {prompt_id}")
        return self._decode(self.prompts_table, prompt_id, *row)

    def list_prompts(self):
        """[(id, name, text bytes, stored bytes)], oldest first, without decoding anything."""
        size = "octet_length" if self.is_postgres else "length"  # of a BLOB: bytes
        return [tuple(r) for r in self._execute(
            f"SELECT id, name, n_bytes, COALESCE({size}(frame), n_bytes) FROM {self.prompts_table} ORDER BY id")]

    # ---- conversations -------------------------------------------------------------------------

    def append_message(self, conversation_id, role, text):
        """Appends a message at the end of a conversation; returns the message's id."""
        row = self._encode(text)
        t = self.messages_table
        # seq = the conversation's last + 1, computed while holding the write lock.
        return self._insert(
            f"INSERT INTO {t} (conversation_id, seq, role, tokenizer, frame, body, n_bytes) "
            f"SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM {t} WHERE conversation_id = ? RETURNING id",
            (conversation_id, role, *row, conversation_id), lock_key=f"{t}:{conversation_id}")

    def get_message(self, message_id):
        """(role, text) of one message."""
        row = self._execute(f"SELECT role, tokenizer, frame, body, n_bytes FROM {self.messages_table} WHERE id = ?",
                            (message_id,)).fetchone()
        if row is None:
            raise RowNotFoundError(f"no message with id {message_id}")
        return row[0], self._decode(self.messages_table, message_id, *row[1:])

    def get_conversation(self, conversation_id):
        """[(role, text)] in the order they were appended; [] for an unknown conversation."""
        rows = self._execute(
            f"SELECT id, role, tokenizer, frame, body, n_bytes FROM {self.messages_table} "
            f"WHERE conversation_id = ? ORDER BY seq", (conversation_id,)).fetchall()
        return [(r[1], self._decode(self.messages_table, r[0], *r[2:])) for r in rows]


# ---- CLI ---------------------------------------------------------------------------------------


def _read_text(path):
    if path in (None, "-"):
        return sys.stdin.buffer.read().decode("utf-8")
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def main(argv=None):
    p = argparse.ArgumentParser(prog="prompt_store.py", description="Prompts and conversations stored compressed with tacc.")
    p.add_argument("--db", default=os.environ.get("PROMPT_STORE_DB", "prompts.sqlite"),
                   help="SQLite file or postgresql:// URL (default: $PROMPT_STORE_DB or prompts.sqlite)")
    p.add_argument("--plain", action="store_true", help="store new rows as plain text, not compressed")
    p.add_argument("--tokenizer", default="cl100k_base", help="for new rows (default cl100k_base)")
    p.add_argument("--table-prefix", default="", help="tables PREFIXprompts and PREFIXmessages")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("put", help="store a prompt from FILE (or stdin); prints its id")
    s.add_argument("name")
    s.add_argument("file", nargs="?")
    s = sub.add_parser("get", help="print a prompt")
    s.add_argument("id", type=int)
    sub.add_parser("ls", help="list prompts: id, name, text bytes, stored bytes")
    s = sub.add_parser("append", help="append a message from FILE (or stdin) to a conversation; prints its id")
    s.add_argument("conversation")
    s.add_argument("role")
    s.add_argument("file", nargs="?")
    s = sub.add_parser("show", help="print a conversation, one '[role]' header per message")
    s.add_argument("conversation")
    a = p.parse_args(argv)

    out = sys.stdout.buffer  # the text's exact UTF-8 bytes, whatever the locale
    db_errors = (sqlite3.Error,)
    if a.db.startswith(("postgresql://", "postgres://")):
        import psycopg

        db_errors = (psycopg.Error,)
    try:
        with PromptStore(a.db, compress=not a.plain, tokenizer=a.tokenizer, table_prefix=a.table_prefix) as store:
            if a.cmd == "put":
                print(store.put_prompt(a.name, _read_text(a.file)))
            elif a.cmd == "get":
                out.write(store.get_prompt(a.id).encode("utf-8"))
            elif a.cmd == "ls":
                for row_id, name, n, stored in store.list_prompts():
                    print(f"{row_id}\t{name}\t{n}\t{stored}")
            elif a.cmd == "append":
                print(store.append_message(a.conversation, a.role, _read_text(a.file)))
            elif a.cmd == "show":
                for role, text in store.get_conversation(a.conversation):
                    out.write(f"[{role}]\n{text}\n".encode("utf-8"))
    except (PromptStoreError, tacc.TaccError, UnicodeError, OSError, *db_errors) as e:
        print(f"prompt_store: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
