"""PromptStore against a real SQLite file and a real PostgreSQL server (the ``backend`` fixture)."""

import os
import subprocess
import sys
import threading

import pytest

import tacc
from conftest import EXAMPLE, ROOT, load_corpus
from prompt_store import CorruptRowError, PromptStore, RowNotFoundError

SYSTEM_PROMPT = (ROOT / "examples" / "data" / "system-prompt.md").read_text(encoding="utf-8")
PROMPTS = load_corpus("prompts-dev", every=5)  # 41 published system prompts, 0.2-230 KB
CHAT = load_corpus("chat-dev", every=40)  # 101 chat completions
EDGE_TEXTS = [
    "",
    " ",
    "\n",
    "a",
    "👩‍👩‍👧‍👦 family, 🇳🇴 flag, 👍🏽 skin tone",
    "e\u0301 (combining) vs é; ﬁ ligature; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "中文、日本語、한국어 — and العربية مع עברית (right to left)",
    "line\r\nendings\rare\nkept\r\n",
    "<|endoftext|> <|im_start|>system\nspecial-token strings are plain text<|im_end|>",
    "\t\u00a0\u200b\ufeff invisible characters",
    "x" * 100_000 + "🙂",
]


def frame_column(backend, table, row_id):
    (frame,) = backend.raw(f"SELECT frame FROM {table} WHERE id = ?", (row_id,))[0]
    return bytes(frame)


@pytest.mark.parametrize("compress", [True, False], ids=["tacc", "plain"])
def test_real_prompts_round_trip(backend, compress):
    store = backend.open(compress=compress)
    texts = [SYSTEM_PROMPT] + PROMPTS
    ids = [store.put_prompt(f"prompt-{i}", t) for i, t in enumerate(texts)]
    assert len(set(ids)) == len(ids)
    assert [store.get_prompt(i) for i in ids] == texts
    # A new store (new connections) on the same database reads the same rows.
    again = backend.open()
    assert [again.get_prompt(i) for i in reversed(ids)] == texts[::-1]
    assert [(r[0], r[1], r[2]) for r in again.list_prompts()] == [
        (i, f"prompt-{n}", len(t.encode())) for n, (i, t) in enumerate(zip(ids, texts))]
    # The rows hold what the mode says: a checksummed cl100k frame, or the text itself.
    row = backend.raw(f"SELECT tokenizer, frame, body FROM {store.prompts_table} WHERE id = ?", (ids[0],))[0]
    if compress:
        assert row[0] == "cl100k_base" and row[2] is None
        assert bytes(row[1])[0] & 0xF0 == 0xB0  # a v2 frame with its CRC-32 (docs/FORMAT.md)
        assert tacc.decompress(bytes(row[1])) == SYSTEM_PROMPT  # a plain tacc frame, readable without the store
    else:
        assert row == (None, None, SYSTEM_PROMPT)


def test_compressed_rows_are_smaller(backend):
    store = backend.open()
    prompt_ids = [store.put_prompt("p", t) for t in PROMPTS]
    message_ids = [store.append_message("c", "assistant", t) for t in CHAT]
    for table, ids, texts, min_ratio in [(store.prompts_table, prompt_ids, PROMPTS, 4.0),
                                         (store.messages_table, message_ids, CHAT, 4.5)]:
        stored = [len(frame_column(backend, table, i)) for i in ids]
        text = [len(t.encode()) for t in texts]
        # Every row but the very short ones (a 12-byte frame header on an 8-byte message) shrinks...
        assert all(s < n for s, n in zip(stored, text) if n >= 64), table
        # ...and the table's text as a whole by the factor the README reports (4.8 and 5.5 on all rows).
        assert sum(text) / sum(stored) > min_ratio, (table, sum(text) / sum(stored))


@pytest.mark.parametrize("compress", [True, False], ids=["tacc", "plain"])
def test_unicode_emoji_empty(backend, compress):
    store = backend.open(compress=compress)
    ids = [store.put_prompt(f"edge-{i}", t) for i, t in enumerate(EDGE_TEXTS)]
    msgs = [store.append_message("edge", "user", t) for t in EDGE_TEXTS]
    assert [store.get_prompt(i) for i in ids] == EDGE_TEXTS
    assert [store.get_message(i) for i in msgs] == [("user", t) for t in EDGE_TEXTS]
    assert store.get_conversation("edge") == [("user", t) for t in EDGE_TEXTS]


def test_nul_characters(backend):
    """A frame holds any str; PostgreSQL's text type refuses NUL, so plain rows there cannot."""
    text = "before\x00after\x00"
    store = backend.open()
    assert store.get_prompt(store.put_prompt("nul", text)) == text
    plain = backend.open(compress=False)
    if backend.name == "postgres":
        import psycopg

        with pytest.raises(psycopg.DataError):
            plain.put_prompt("nul", text)
    else:
        assert plain.get_prompt(plain.put_prompt("nul", text)) == text


def test_bad_input_writes_nothing(backend):
    store = backend.open()
    with pytest.raises(UnicodeEncodeError):
        store.put_prompt("surrogate", "lone \ud800 surrogate")
    with pytest.raises(TypeError):
        store.append_message("c", "user", b"bytes are not text")
    assert backend.raw(f"SELECT COUNT(*) FROM {store.prompts_table}")[0][0] == 0
    assert backend.raw(f"SELECT COUNT(*) FROM {store.messages_table}")[0][0] == 0
    with pytest.raises(RowNotFoundError, match="no prompt with id 12345"):
        store.get_prompt(12345)
    with pytest.raises(KeyError):  # RowNotFoundError is a KeyError
        store.get_message(12345)
    with pytest.raises(tacc.UnknownTokenizerError):
        backend.open(tokenizer="cl200k_nope")
    with pytest.raises(ValueError, match="table_prefix"):
        PromptStore(backend.target, table_prefix="x; DROP TABLE prompts; --")


def test_rows_keep_their_tokenizer(backend):
    """Rows are read with the tokenizer they were written with, whatever the reading store's."""
    o200k = backend.open(tokenizer="o200k_base")
    row_id = o200k.put_prompt("o200k", SYSTEM_PROMPT)
    assert backend.raw(f"SELECT tokenizer FROM {o200k.prompts_table} WHERE id = ?", (row_id,)) == [("o200k_base",)]
    assert backend.open(tokenizer="gpt2").get_prompt(row_id) == SYSTEM_PROMPT


def test_conversations_keep_order(backend):
    store = backend.open()
    plain = backend.open(compress=False)  # both kinds of row in one conversation
    expected = {"a": [], "b": []}
    for i, text in enumerate(CHAT[:40]):
        conv = "ab"[i % 3 == 0]
        role = ["system", "user", "assistant"][i % 3]
        (store if i % 4 else plain).append_message(conv, role, text)
        expected[conv].append((role, text))
    assert store.get_conversation("a") == expected["a"]
    assert plain.get_conversation("b") == expected["b"]
    assert store.get_conversation("nobody") == []
    seqs = backend.raw(f"SELECT seq FROM {store.messages_table} WHERE conversation_id = 'a' ORDER BY id")
    assert [s for (s,) in seqs] == list(range(1, len(expected["a"]) + 1))


@pytest.mark.parametrize("threads, per_thread", [(8, 50)])
def test_concurrent_writers(backend, threads, per_thread):
    """8 threads x 50 prompts and 50 messages, all at once, one shared store; every row reads back
    exactly, and appends to one shared conversation neither collide nor lose messages."""
    store = backend.open()
    start = threading.Barrier(threads)
    written, errors = {}, []

    def writer(t):
        try:
            start.wait()
            for i in range(per_thread):
                text = f"{CHAT[(t * per_thread + i) % len(CHAT)]}\n[thread {t}, row {i}] ✓"
                pid = store.put_prompt(f"t{t}-{i}", text)
                assert store.get_prompt(pid) == text  # each thread reads its own writes
                store.append_message("shared", f"thread-{t}", text)
                written[pid] = text
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    workers = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors[:3]
    assert len(written) == threads * per_thread
    reader = backend.open()
    assert all(reader.get_prompt(pid) == text for pid, text in written.items())
    conversation = reader.get_conversation("shared")
    assert sorted(text for _, text in conversation) == sorted(written.values())
    for t in range(threads):  # each thread's messages, in the order it appended them
        mine = [text for role, text in conversation if role == f"thread-{t}"]
        assert [m.rsplit("row ", 1)[1] for m in mine] == [f"{i}] ✓" for i in range(per_thread)]
    seqs = backend.raw(f"SELECT seq FROM {store.messages_table} ORDER BY seq")
    assert [s for (s,) in seqs] == list(range(1, threads * per_thread + 1))


def flip_byte(backend, table, row_id, pos, mask):
    """XORs one byte of the stored frame with raw SQL, as a bad disk or a bad tool would."""
    if backend.name == "postgres":
        backend.raw(f"UPDATE {table} SET frame = set_byte(frame, ?, get_byte(frame, ?) # ?) WHERE id = ?",
                    (pos, pos, mask, row_id))
    else:  # SQLite has no byte functions: read, change, write back
        frame = bytearray(frame_column(backend, table, row_id))
        frame[pos] ^= mask
        backend.raw(f"UPDATE {table} SET frame = ? WHERE id = ?", (bytes(frame), row_id))


def test_corrupt_row_is_reported(backend):
    store = backend.open()
    text = SYSTEM_PROMPT[:600]
    pid = store.put_prompt("victim", text)
    store.append_message("conv", "user", "hello")
    mid = store.append_message("conv", "assistant", text)
    # A byte in the middle of the payload; each read path reports it.
    for table, row_id, read in [(store.prompts_table, pid, lambda: store.get_prompt(pid)),
                                (store.messages_table, mid, lambda: store.get_message(mid)[1]),
                                (store.messages_table, mid, lambda: store.get_conversation("conv")[1][1])]:
        n = len(frame_column(backend, table, row_id))
        flip_byte(backend, table, row_id, n // 2, 0x10)
        with pytest.raises(CorruptRowError, match=rf"table '{table}', id {row_id}:") as err:
            read()
        assert (err.value.table, err.value.row_id) == (table, row_id)
        assert isinstance(err.value.__cause__, tacc.TaccError)  # the frame's checksum or decoder said so
        flip_byte(backend, table, row_id, n // 2, 0x10)  # undone: the row reads again
        assert read() == text


def test_every_flipped_byte_is_caught(backend):
    """Flips each bit 0 and bit 7 of every byte of a frame: the store never returns wrong text.
    A few flips leave the text unchanged (slack bits at the end of the arithmetic coder's output):
    those read back the right text, which the CRC-32 over the text confirms."""
    store = backend.open()
    text = SYSTEM_PROMPT[:300]
    pid = store.put_prompt("victim", text)
    original = frame_column(backend, store.prompts_table, pid)
    outcomes = {"error": 0, "same text": 0}
    for pos in range(len(original)):
        for mask in (0x01, 0x80):
            flip_byte(backend, store.prompts_table, pid, pos, mask)
            try:
                assert store.get_prompt(pid) == text, f"wrong text after flipping byte {pos} with {mask:#x}"
                outcomes["same text"] += 1
                assert len(original) - 8 <= pos < len(original) - 4, f"flip at byte {pos} went unnoticed"
            except CorruptRowError as e:
                assert e.row_id == pid
                outcomes["error"] += 1
            flip_byte(backend, store.prompts_table, pid, pos, mask)
    assert frame_column(backend, store.prompts_table, pid) == original
    assert outcomes["error"] >= 2 * len(original) - 4, outcomes


def test_other_damage_is_reported(backend):
    store = backend.open()
    a = store.put_prompt("a", SYSTEM_PROMPT)
    b = store.put_prompt("b", "a different, shorter prompt")
    t = store.prompts_table
    frame_b = frame_column(backend, t, b)
    damage = [
        ("truncated frame", "UPDATE {t} SET frame = ? WHERE id = ?", (frame_b[:-1], b)),
        ("empty frame", "UPDATE {t} SET frame = ? WHERE id = ?", (b"", b)),
        ("not a frame", "UPDATE {t} SET frame = ? WHERE id = ?", (b"plain text in the frame column", b)),
        ("frame without its checksum (flag bits cleared, CRC cut)", "UPDATE {t} SET frame = ? WHERE id = ?",
         (bytes([frame_b[0] & ~0x30]) + frame_b[1:-4], b)),
        ("unknown tokenizer name", "UPDATE {t} SET tokenizer = 'cl100k_typo' WHERE id = ?", (b,)),
        ("another row's valid frame", "UPDATE {t} SET frame = ? WHERE id = ?", (frame_column(backend, t, a), b)),
    ]
    for what, sql, params in damage:
        backend.raw(sql.format(t=t), params)
        with pytest.raises(CorruptRowError, match=rf"id {b}:"):
            store.get_prompt(b)
        backend.raw(f"UPDATE {t} SET tokenizer = 'cl100k_base', frame = ? WHERE id = ?", (frame_b, b))
        assert store.get_prompt(b) == "a different, shorter prompt", what
    assert store.get_prompt(a) == SYSTEM_PROMPT


def test_cli(backend, tmp_path):
    src = tmp_path / "prompt.md"
    src.write_bytes(SYSTEM_PROMPT.encode())
    db = ["--db", backend.target, "--table-prefix", backend.prefix]

    def cli(*args, stdin=None, ok=True):
        r = subprocess.run([sys.executable, str(EXAMPLE / "prompt_store.py"), *db, *args], input=stdin,
                           capture_output=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "ascii"})
        assert (r.returncode == 0) == ok, r.stderr.decode()
        return r

    pid = int(cli("put", "system", str(src)).stdout)
    assert cli("get", str(pid)).stdout == SYSTEM_PROMPT.encode()  # exact bytes, even with an ASCII locale
    cli("append", "c1", "user", stdin="Hi 👋".encode())
    cli("--plain", "append", "c1", "assistant", stdin=b"Hello!")
    assert cli("show", "c1").stdout.decode() == "[user]\nHi 👋\n[assistant]\nHello!\n"
    (line,) = cli("ls").stdout.decode().splitlines()
    row_id, name, n, stored = line.split("\t")
    assert (int(row_id), name, int(n)) == (pid, "system", len(SYSTEM_PROMPT.encode())) and int(stored) < int(n)
    err = cli("get", "999", ok=False).stderr.decode()
    assert "no prompt with id 999" in err and "Traceback" not in err
    flip_byte(backend, backend.prefix + "prompts", pid, 20, 0x04)
    err = cli("get", str(pid), ok=False).stderr.decode()
    assert f"corrupt row: table '{backend.prefix}prompts', id {pid}" in err and "Traceback" not in err
