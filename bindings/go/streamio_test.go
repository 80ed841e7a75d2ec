package tacc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
)

// writeInPieces writes text through a Writer in random pieces (splitting characters), with a
// Flush now and then, and returns the byte stream.
func writeInPieces(t *testing.T, c *Codec, text string, seed int64, opts ...WriterOption) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := c.NewWriter(&out, opts...)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(seed))
	for b := []byte(text); len(b) > 0; {
		n := min(1+rng.Intn(9), len(b))
		if k, err := w.Write(b[:n]); err != nil || k != n {
			t.Fatalf("Write: %d %v", k, err)
		}
		b = b[n:]
		if rng.Intn(4) == 0 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrStreamClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	return out.Bytes()
}

func readAll(stream []byte, opts ...ReaderOption) (string, error) {
	r, err := NewReader(bytes.NewReader(stream), opts...)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func TestWriterReaderRoundTrip(t *testing.T) {
	c := newCodec(t)
	long := strings.Repeat(streamSample+" "+sample+"\n", 40)
	cases := []struct {
		name string
		opts []WriterOption
	}{
		{"defaults", nil},
		{"zero values", []WriterOption{WithChunkCheck(false), WithChunkSize(0)}},
		{"chunk check", []WriterOption{WithChunkCheck(true)}},
		{"chunks of 7 bytes", []WriterOption{WithChunkSize(7)}},
		{"chunks of 1 byte", []WriterOption{WithChunkSize(1)}},
		{"flush only", []WriterOption{WithChunkSize(-1)}},
	}
	for i, tc := range cases {
		stream := writeInPieces(t, c, long, int64(i), tc.opts...)
		got, err := readAll(stream)
		if err != nil || got != long {
			t.Fatalf("%s: %v, %d of %d bytes back", tc.name, err, len(got), len(long))
		}
		// A codec's own Reader reads it too.
		r, _ := c.NewReader(bytes.NewReader(stream))
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(b) != long {
			t.Fatalf("%s: codec.NewReader: %v", tc.name, err)
		}
	}
	if a, b := writeInPieces(t, c, long, 1), writeInPieces(t, c, long, 1, WithChunkSize(DefaultChunkSize)); !bytes.Equal(a, b) {
		t.Fatal("WithChunkSize(0) is not the default")
	}
}

func TestWriterChunkSizeBoundsChunks(t *testing.T) {
	c := newCodec(t)
	var out bytes.Buffer
	w, _ := c.NewWriter(&out, WithChunkSize(100))
	text := strings.Repeat("😀é", 1000) // 6,000 bytes in one Write
	if _, err := io.Copy(w, strings.NewReader(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Every chunk's text fits 100 bytes, so its output (IDs × 4 + text, at most 5 × 100
	// bytes) fits a Reader limited to 500 bytes a chunk.
	got, err := readAll(out.Bytes(), WithReaderLimits(Limits{MaxOutputBytes: 500}))
	if err != nil || got != text {
		t.Fatalf("%v, %d bytes", err, len(got))
	}
	w2, _ := c.NewWriter(&out, WithChunkSize(-1))
	out.Reset()
	w2.Write([]byte(text))
	w2.Close()
	if _, err := readAll(out.Bytes(), WithReaderLimits(Limits{MaxOutputBytes: 500})); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one 6,000-byte chunk within 500 bytes: %v", err)
	}
}

func TestWriterFlushMakesTextReadable(t *testing.T) {
	c := newCodec(t)
	var out bytes.Buffer
	w, _ := c.NewWriter(&out)
	w.Write([]byte("Hello, wor"))
	w.Write([]byte("ld \xf0\x9f")) // half of 🦊: held back
	if out.Len() != 0 {
		t.Fatal("a Write wrote a chunk before ChunkSize")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	n := out.Len()
	if err := w.Flush(); err != nil || out.Len() != n {
		t.Fatalf("empty Flush wrote %d bytes: %v", out.Len()-n, err)
	}
	// The stream so far: all the text flushed, then a truncated stream.
	r, _ := NewReader(bytes.NewReader(out.Bytes()))
	b, err := io.ReadAll(r)
	if string(b) != "Hello, world " || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("%q %v", b, err)
	}
	w.Write([]byte("\xa6\x8a!"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(out.Bytes()); err != nil || got != "Hello, world 🦊!" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestWriterTokenIDs(t *testing.T) {
	c := newCodec(t)
	ids, _ := c.Tokenize(streamSample)
	var out bytes.Buffer
	w, _ := c.NewWriter(&out)
	for i := range ids {
		if err := w.WriteTokenIDs(ids[i : i+1]); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			w.Flush()
		}
	}
	w.Write([]byte(" tail"))
	w.Close()
	if got, err := readAll(out.Bytes()); err != nil || got != streamSample+" tail" {
		t.Fatalf("%q %v", got, err)
	}
	// IDs count for Flush, not for the chunk size: text after many IDs still fills chunks.
	out.Reset()
	w, _ = c.NewWriter(&out, WithChunkSize(8))
	w.WriteTokenIDs(ids)
	if _, err := w.Write([]byte(sample)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got, err := readAll(out.Bytes()); err != nil || got != streamSample+sample {
		t.Fatalf("IDs then text: %q %v", got, err)
	}
	w, _ = c.NewWriter(&out)
	if err := w.WriteTokenIDs([]uint32{1 << 30}); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("unknown ID: %v", err)
	}
	if err := w.Flush(); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("error not sticky: %v", err)
	}
	w.Close()
}

func TestWriterInvalidUTF8(t *testing.T) {
	c := newCodec(t)
	var out bytes.Buffer
	w, _ := c.NewWriter(&out)
	if n, err := w.Write([]byte("ok \xff\xfe bad")); n != 0 || !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("invalid UTF-8: %d %v", n, err)
	}
	if _, err := w.Write([]byte("more")); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("error not sticky: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("Close after error: %v", err)
	}
	w, _ = c.NewWriter(&out)
	w.Write([]byte("cut \xe6\x97")) // 日 without its last byte
	if err := w.Close(); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("Close inside a character: %v", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriterUnderlyingError(t *testing.T) {
	c := newCodec(t)
	boom := errors.New("disk full")
	w, _ := c.NewWriter(failingWriter{boom})
	w.Write([]byte(sample))
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush: %v", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close: %v", err)
	}
}

func TestReaderDamagedStreams(t *testing.T) {
	c := newCodec(t)
	stream := writeInPieces(t, c, strings.Repeat(sample, 20), 7)
	for _, cut := range []int{0, 1, len(stream) / 2, len(stream) - 1} {
		if _, err := readAll(stream[:cut]); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("truncated at %d of %d: %v", cut, len(stream), err)
		}
	}
	// A flipped bit anywhere (lengths or chunks): an error, never a panic.
	for i := range stream {
		bad := bytes.Clone(stream)
		bad[i] ^= 0x10
		if got, err := readAll(bad); err == nil {
			t.Fatalf("byte %d of %d flipped: no error, %d bytes of text", i, len(stream), len(got))
		}
	}
	// A corrupt chunk is an *Error the caller can match.
	bad := bytes.Clone(stream)
	bad[len(bad)-2] ^= 0xff
	_, err := readAll(bad)
	var te *Error
	if !errors.As(err, &te) || (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrChecksumMismatch)) {
		t.Fatalf("corrupt last chunk: %v", err)
	}
	// A hostile length is refused before anything is allocated for it.
	huge := binary.AppendUvarint(nil, 1<<62)
	if _, err := readAll(append(huge, stream...)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge chunk length: %v", err)
	}
	over := bytes.Repeat([]byte{0xff}, 11)
	if _, err := readAll(over); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("length past 64 bits: %v", err)
	}
	// A length within the limit, with the bytes missing: a truncated stream, not an allocation.
	if _, err := readAll(binary.AppendUvarint(nil, 60<<20)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("missing chunk bytes: %v", err)
	}
}

func TestReaderAfterEndAndClose(t *testing.T) {
	c := newCodec(t)
	stream := writeInPieces(t, c, sample, 3)
	trailing := append(bytes.Clone(stream), "after"...)
	src := bytes.NewReader(trailing)
	r, _ := NewReader(src)
	b, err := io.ReadAll(r)
	if err != nil || string(b) != sample {
		t.Fatalf("%q %v", b, err)
	}
	if rest, _ := io.ReadAll(src); string(rest) != "after" {
		t.Fatalf("the Reader read past the stream from an io.ByteReader: %q left", rest)
	}
	if n, err := r.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("Read after the end: %d %v", n, err)
	}
	r.Close()
	r.Close()
	r, _ = NewReader(bytes.NewReader(stream))
	r.Close()
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, ErrStreamClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
}
