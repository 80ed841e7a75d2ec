"""Streams (docs/STREAM.md): Codec.stream_encoder / stream_decoder, tacc.StreamDecoder and tacc.iter_decode."""

import gzip
import json
import os

import pytest

import tacc
from conftest import ROOT

CHAT_DEV = "/work/shared/corpus/chat-dev.jsonl.gz"
EMOJI = "Family: 👨‍👩‍👧‍👦, flags 🇯🇵🇫🇷, skin tones 👋🏽👍🏿, 🧑‍💻 coding; 中文文本，日本語のテキスト、한국어 텍스트. ✓ done"


@pytest.fixture(scope="module")
def codec():
    return tacc.Codec("cl100k_base")


def chat_records(n=4):
    """A few chat-dev records when the corpus is present, else texts from the repository."""
    if os.path.exists(CHAT_DEV):
        out = []
        with gzip.open(CHAT_DEV, "rt", encoding="utf-8") as f:
            for line in f:
                t = json.loads(line).get("text") or ""
                if t:
                    out.append(t)
                if len(out) == n:
                    break
        return out
    with open(os.path.join(ROOT, "tests", "data", "golden_texts.json"), encoding="utf-8") as f:
        return [t["text"] for t in json.load(f) if t["text"]][:n]


def encode(codec, ids, every):
    """Chunks of a stream of `ids`, flushed every `every` tokens, then finished."""
    enc = codec.stream_encoder()
    chunks = []
    for i in range(0, len(ids), every):
        enc.push_token_ids(ids[i:i + every])
        assert enc.pending_tokens == len(ids[i:i + every])
        chunks.append(enc.flush())
    chunks.append(enc.finish())
    assert enc.is_finished
    return chunks


def test_exports():
    assert {"StreamEncoder", "StreamDecoder", "StreamUpdate", "iter_decode"} <= set(tacc.__all__)
    assert isinstance(tacc.Codec("gpt2").stream_encoder(), tacc.StreamEncoder)
    assert isinstance(tacc.Codec("gpt2").stream_decoder(), tacc.StreamDecoder)


@pytest.mark.parametrize("every", [1, 16])
def test_chat_records_round_trip(codec, every):
    records = chat_records()
    assert records
    for text in records:
        ids = codec.tokenize(text)
        chunks = encode(codec, ids, every)
        assert all(isinstance(c, bytes) for c in chunks)
        for dec in [tacc.StreamDecoder(), codec.stream_decoder()]:
            got_ids, got_text = [], []
            for i, c in enumerate(chunks):
                u = dec.push(c)
                assert isinstance(u, tacc.StreamUpdate)
                assert u.finished == (i == len(chunks) - 1) == dec.is_finished
                got_ids += u.token_ids
                got_text.append(u.text)
            assert got_ids == ids
            assert "".join(got_text) == text
            assert dec.token_count == len(ids) and not dec.is_failed
        assert "".join(tacc.iter_decode(chunks)) == text
        assert "".join(tacc.iter_decode(iter(chunks), codec=codec)) == text


def test_update_unpacks_as_tuple(codec):
    enc = codec.stream_encoder()
    enc.push_text("Hello, world!")
    first = enc.flush()
    last = enc.finish()
    dec = tacc.StreamDecoder()
    ids, text, finished = dec.push(first)
    assert (ids, text, finished) == (codec.tokenize("Hello, world!"), "Hello, world!", False)
    assert tuple(dec.push(last)) == ([], "", True)
    assert repr(tacc.StreamDecoder().push(first)).startswith("StreamUpdate(token_ids=[")


def test_buffers_are_accepted(codec):
    enc = codec.stream_encoder()
    enc.push_text("buffers")
    chunks = [enc.flush(), enc.finish()]
    dec = tacc.StreamDecoder()
    assert dec.push(bytearray(chunks[0])).text == "buffers"
    assert dec.push(memoryview(chunks[1])).finished


@pytest.mark.parametrize("text", [EMOJI, "中文文本，龘齉爨麤。" * 20, "👨‍👩‍👧‍👦" * 10])
def test_multibyte_text_every_token(codec, text):
    """Every piece is a valid str (whole characters); split characters are held back, never broken."""
    ids = codec.tokenize(text)
    chunks = encode(codec, ids, 1)
    pieces = list(tacc.iter_decode(chunks))
    assert len(pieces) == len(chunks)
    assert all(isinstance(p, str) for p in pieces)
    for p in pieces:
        p.encode("utf-8")  # no lone surrogates, no broken characters
    assert "".join(pieces) == text
    assert "\ufffd" not in "".join(pieces)
    # Some tokens carry only part of a character (their bytes alone are not UTF-8): the text is
    # held back until the token that completes it, so some chunk yields nothing yet.
    def whole(i):
        try:
            codec.detokenize([i])
            return True
        except ValueError:
            return False

    assert not all(whole(i) for i in ids)
    assert "" in pieces[:-1]


def test_push_text_pieces(codec):
    """Text pushed in small pieces (every character, mid grapheme) comes back exactly."""
    enc = codec.stream_encoder()
    dec = codec.stream_decoder()
    out = []
    for ch in EMOJI:
        enc.push_text(ch)
        out.append(dec.push(enc.flush()).text)
    u = dec.push(enc.finish())
    out.append(u.text)
    assert u.finished and "".join(out) == EMOJI


def test_reordered_chunk_is_value_error(codec):
    chunks = encode(codec, codec.tokenize("one two three four five"), 1)
    dec = tacc.StreamDecoder()
    dec.push(chunks[0])
    with pytest.raises(ValueError) as e:
        dec.push(chunks[2])
    assert isinstance(e.value, tacc.CorruptPayloadError) and e.value.kind == "Corrupt"
    assert dec.is_failed and not dec.is_finished
    with pytest.raises(ValueError):  # failed for good
        dec.push(chunks[1])
    with pytest.raises(ValueError):
        list(tacc.iter_decode([chunks[0], chunks[2], chunks[1]]))


def test_duplicated_chunk_is_value_error(codec):
    chunks = encode(codec, codec.tokenize("one two three four five"), 1)
    dec = tacc.StreamDecoder()
    dec.push(chunks[0])
    dec.push(chunks[1])
    with pytest.raises(ValueError):
        dec.push(chunks[1])
    with pytest.raises(ValueError):
        list(tacc.iter_decode(chunks[:2] + chunks[1:]))


def test_first_chunk_must_have_header(codec):
    chunks = encode(codec, codec.tokenize("header first"), 1)
    with pytest.raises(ValueError):
        tacc.StreamDecoder().push(chunks[1])
    with pytest.raises(ValueError):
        tacc.StreamDecoder().push(codec.compress_text("a frame, not a stream"))


def test_truncated_stream_is_not_finished(codec):
    text = "A stream that is cut short before its last chunk."
    chunks = encode(codec, codec.tokenize(text), 4)
    dec = tacc.StreamDecoder()
    got = "".join(dec.push(c).text for c in chunks[:-1])
    assert not dec.is_finished and not dec.is_failed
    assert text.startswith(got)
    with pytest.raises(tacc.CorruptPayloadError):
        list(tacc.iter_decode(chunks[:-1]))
    assert "".join(tacc.iter_decode(chunks[:-1], require_end=False)) == got
    # A chunk after the end is refused.
    dec = tacc.StreamDecoder()
    for c in chunks:
        dec.push(c)
    assert dec.is_finished
    with pytest.raises(ValueError):
        dec.push(chunks[-1])


def test_encoder_errors(codec):
    enc = codec.stream_encoder()
    with pytest.raises(KeyError):
        enc.push_token_ids([codec.vocab_size + 10])
    assert enc.pending_tokens == 0  # nothing added
    with pytest.raises(TypeError):
        enc.push_token_ids("not ids")
    enc.push_token_ids([9906])
    last = enc.finish()
    assert enc.is_finished
    for call in [lambda: enc.push_text("x"), enc.flush, enc.finish, lambda: enc.push_token_ids([1])]:
        with pytest.raises(tacc.InvalidArgumentError):
            call()
    dec = tacc.StreamDecoder()
    u = dec.push(last)
    assert u.token_ids == [9906] and u.finished


def test_empty_stream(codec):
    enc = codec.stream_encoder()
    chunks = [enc.flush(), enc.flush(), enc.finish()]
    assert list(tacc.iter_decode(chunks)) == ["", "", ""]


def test_other_tokenizer_from_header():
    c = tacc.Codec("o200k_base")
    text = "o200k stream ✓ 🙂"
    ids = c.tokenize(text)
    chunks = encode(c, ids, 3)
    assert "".join(tacc.iter_decode(chunks)) == text


def test_chunk_check_refuses_a_corrupt_chunk_at_that_chunk(codec):
    ids = codec.tokenize("Every chunk of this stream carries its own check, so a flipped bit is caught where it is.")
    enc = codec.stream_encoder(chunk_check=True)
    chunks = []
    for i in range(0, len(ids), 2):
        enc.push_token_ids(ids[i : i + 2])
        chunks.append(enc.flush())
    chunks.append(enc.finish())
    plain = codec.stream_encoder()
    plain.push_token_ids(ids)
    assert len(b"".join(chunks)) > len(plain.finish())  # the checks cost bytes
    assert "".join(tacc.iter_decode(chunks)) == codec.detokenize(ids)
    # Flip each bit of a middle chunk: the push of that very chunk fails (never wrong IDs).
    k = len(chunks) // 2
    for bit in range(len(chunks[k]) * 8):
        dec = tacc.StreamDecoder()
        for c in chunks[:k]:
            dec.push(c)
        bad = bytearray(chunks[k])
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(tacc.TaccError):
            dec.push(bytes(bad))
