package tacc

import (
	"errors"
	"testing"
)

const streamSample = "Streams: 😀🎉 中文字符 héllo 🦀🦀 — done."

func encodeStream(t *testing.T, c *Codec, ids []uint32, flushAfter func(int) bool) [][]byte {
	t.Helper()
	enc, err := c.NewStreamEncoder()
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	var chunks [][]byte
	for i, id := range ids {
		if err := enc.Push([]uint32{id}); err != nil {
			t.Fatal(err)
		}
		if flushAfter(i) {
			ch, err := enc.Flush()
			if err != nil {
				t.Fatal(err)
			}
			chunks = append(chunks, ch)
		}
	}
	last, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Flush(); err == nil {
		t.Fatal("flush after finish succeeded")
	}
	return append(chunks, last)
}

func decodeStream(chunks [][]byte) ([]uint32, string, bool, error) {
	dec, err := NewStreamDecoder()
	if err != nil {
		return nil, "", false, err
	}
	defer dec.Close()
	var all []uint32
	text := ""
	for _, ch := range chunks {
		ids, t, _, err := dec.Push(ch)
		if err != nil {
			return nil, "", false, err
		}
		all = append(all, ids...)
		text += t
	}
	return all, text, dec.Finished(), nil
}

func TestStreamFlushPatterns(t *testing.T) {
	c := newCodec(t)
	ids, err := c.Tokenize(streamSample)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(int) bool{
		"every":   func(int) bool { return true },
		"every16": func(i int) bool { return i%16 == 15 },
		"never":   func(int) bool { return false },
		"odd":     func(i int) bool { return i%3 == 1 },
	} {
		got, text, fin, err := decodeStream(encodeStream(t, c, ids, f))
		if err != nil || !fin || text != streamSample || len(got) != len(ids) {
			t.Fatalf("%s: %v %v %q %d", name, err, fin, text, len(got))
		}
	}
}

func TestStreamSplitCharactersHeldBack(t *testing.T) {
	c := newCodec(t)
	ids, _ := c.Tokenize("🦀🎉")
	chunks := encodeStream(t, c, ids, func(int) bool { return true })
	dec, _ := NewStreamDecoder()
	defer dec.Close()
	empty := 0
	text := ""
	for _, ch := range chunks {
		_, s, _, err := dec.Push(ch)
		if err != nil {
			t.Fatal(err)
		}
		if s == "" {
			empty++
		}
		text += s
	}
	if text != "🦀🎉" || empty == 0 {
		t.Fatalf("%q, %d chunks held back", text, empty)
	}
}

func TestStreamPushTextAndErrors(t *testing.T) {
	c := newCodec(t)
	enc, _ := c.NewStreamEncoder()
	defer enc.Close()
	var chunks [][]byte
	for _, p := range []string{"Hello ", "wor", "ld 😀"} {
		if err := enc.PushText(p); err != nil {
			t.Fatal(err)
		}
		ch, _ := enc.Flush()
		chunks = append(chunks, ch)
	}
	last, _ := enc.Finish()
	chunks = append(chunks, last)
	if _, text, fin, err := decodeStream(chunks); err != nil || !fin || text != "Hello world 😀" {
		t.Fatalf("%v %v %q", err, fin, text)
	}
	// Truncated: no end marker.
	if _, _, fin, err := decodeStream(chunks[:3]); err != nil || fin {
		t.Fatalf("truncated: %v %v", err, fin)
	}
	// Reordered and duplicated.
	if _, _, _, err := decodeStream([][]byte{chunks[0], chunks[2], chunks[1], chunks[3]}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("reordered: %v", err)
	}
	if _, _, _, err := decodeStream([][]byte{chunks[0], chunks[1], chunks[1]}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("duplicated: %v", err)
	}
	// A truncated last chunk.
	if _, _, _, err := decodeStream([][]byte{chunks[0], chunks[1], chunks[2], last[:2]}); err == nil {
		t.Fatal("truncated chunk accepted")
	}
	if err := enc.Push([]uint32{1 << 30}); err == nil {
		t.Fatal("push after finish")
	}
	enc2, _ := c.NewStreamEncoder()
	if err := enc2.Push([]uint32{1 << 30}); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("bad id: %v", err)
	}
	enc2.Close()
	enc2.Close()
	if _, err := enc2.Flush(); err != ErrStreamClosed {
		t.Fatal(err)
	}
	d, err := c.NewStreamDecoder()
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, _, _, err := d.Push(chunks[0]); err != ErrStreamClosed {
		t.Fatal(err)
	}
}

// With ChunkCheck every chunk carries its own check: a flipped bit is refused at that chunk.
func TestStreamChunkCheck(t *testing.T) {
	c := newCodec(t)
	ids, err := c.Tokenize(streamSample)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := c.NewStreamEncoderWith(StreamOptions{ChunkCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	var chunks [][]byte
	for i := 0; i < len(ids); i += 2 {
		if err := enc.Push(ids[i:min(i+2, len(ids))]); err != nil {
			t.Fatal(err)
		}
		ch, err := enc.Flush()
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, ch)
	}
	last, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	chunks = append(chunks, last)
	_, text, fin, err := decodeStream(chunks)
	if err != nil || !fin || text != streamSample {
		t.Fatalf("round trip: %v %v %q", err, fin, text)
	}
	k := len(chunks) / 2
	for bit := 0; bit < len(chunks[k])*8; bit++ {
		dec, err := NewStreamDecoder()
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chunks[:k] {
			if _, _, _, err := dec.Push(ch); err != nil {
				t.Fatal(err)
			}
		}
		bad := append([]byte{}, chunks[k]...)
		bad[bit/8] ^= 1 << (bit % 8)
		if _, _, _, err := dec.Push(bad); err == nil {
			t.Fatalf("bit %d of chunk %d: accepted", bit, k)
		}
	}
}
