// Package consumer tests the released Go module from outside the repository: built from the
// module's own prebuilt library, no Rust, no installed C package, no LD_LIBRARY_PATH.
package consumer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

const text = "Consumers get the module with `go get`: déjà vu, 日本語, 🦊 — and nothing else."

func codec(t *testing.T) *tacc.Codec {
	t.Helper()
	c, err := tacc.NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVersion(t *testing.T) {
	if want := os.Getenv("TACC_VERSION"); want != "" && tacc.Version() != want {
		t.Fatalf("library %s, release %s", tacc.Version(), want)
	}
	if tacc.VersionNumber() != tacc.HeaderVersionNumber {
		t.Fatalf("library %#x, header %#x", tacc.VersionNumber(), tacc.HeaderVersionNumber)
	}
	t.Logf("tacc %s", tacc.Version())
}

func TestRoundTrip(t *testing.T) {
	c := codec(t)
	frame, err := c.CompressText(text)
	if err != nil {
		t.Fatal(err)
	}
	back, err := c.DecompressText(frame)
	if err != nil || back != text {
		t.Fatalf("text: %q %v", back, err)
	}
	ids, err := c.Tokenize(text)
	if err != nil {
		t.Fatal(err)
	}
	frame, err = c.CompressTokenIDs(ids)
	if err != nil {
		t.Fatal(err)
	}
	gotIDs, err := c.DecompressTokenIDs(frame)
	if err != nil || len(gotIDs) != len(ids) {
		t.Fatalf("token IDs: %v %v", gotIDs, err)
	}
	for i := range ids {
		if gotIDs[i] != ids[i] {
			t.Fatalf("token %d: %d, want %d", i, gotIDs[i], ids[i])
		}
	}
	t.Logf("%d bytes of text, %d tokens: a frame of %d bytes", len(text), len(ids), len(frame))
}

func TestEncodeAllDecodeAllAppend(t *testing.T) {
	c := codec(t)
	dst := append(make([]byte, 0, 1024), "frames:"...)
	out, err := c.EncodeAll([]byte(text), dst)
	if err != nil {
		t.Fatal(err)
	}
	if &out[0] != &dst[:1][0] || !bytes.HasPrefix(out, []byte("frames:")) {
		t.Fatal("EncodeAll did not append to dst in place")
	}
	out, err = c.EncodeAll([]byte{0xff, 0x00, 0xfe}, out, tacc.WithMethod(tacc.Zstd)) // a second frame, not UTF-8
	if err != nil {
		t.Fatal(err)
	}
	first := out[len("frames:"):]
	n1, _ := c.EncodeAll([]byte(text), nil)
	if !bytes.Equal(first[:len(n1)], n1) {
		t.Fatal("the first frame changed when the second was appended")
	}
	dec, err := c.DecodeAll(first[:len(n1)], []byte("> "))
	if err != nil || string(dec) != "> "+text {
		t.Fatalf("DecodeAll: %q %v", dec, err)
	}
	dec, err = c.DecodeAll(first[len(n1):], dec)
	if err != nil || string(dec) != "> "+text+"\xff\x00\xfe" {
		t.Fatalf("DecodeAll of the second frame: %q %v", dec, err)
	}
}

func TestWriterReaderOverAPipe(t *testing.T) {
	c := codec(t)
	pr, pw := io.Pipe()
	long := strings.Repeat(text+"\n", 200)
	go func() {
		w, err := c.NewWriter(pw, tacc.WithChunkSize(1000))
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		_, err = io.Copy(w, strings.NewReader(long)) // io.Copy's 32 KiB writes split characters
		if err == nil {
			err = w.Close() // ends the stream: last chunk, CRC-32
		}
		pw.CloseWithError(err)
	}()
	r, err := tacc.NewReader(pr)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got strings.Builder
	if _, err := io.Copy(&got, r); err != nil {
		t.Fatal(err)
	}
	if got.String() != long {
		t.Fatalf("%d bytes back, want %d", got.Len(), len(long))
	}
}

func TestWriterFlushAndTruncation(t *testing.T) {
	c := codec(t)
	var wire bytes.Buffer
	w, _ := c.NewWriter(&wire)
	w.Write([]byte("first part, "))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r, _ := tacc.NewReader(bytes.NewReader(wire.Bytes()))
	got, err := io.ReadAll(r)
	if string(got) != "first part, " || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("flushed but not closed: %q %v", got, err)
	}
	w.Write([]byte("second part."))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, _ = tacc.NewReader(bytes.NewReader(wire.Bytes()))
	if got, err := io.ReadAll(r); string(got) != "first part, second part." || err != nil {
		t.Fatalf("closed: %q %v", got, err)
	}
}

func TestCorruptFrameError(t *testing.T) {
	c := codec(t)
	frame, _ := c.CompressText(text)
	frame[len(frame)/2] ^= 0x40
	_, err := c.DecompressText(frame)
	var te *tacc.Error
	if !errors.As(err, &te) || !(errors.Is(err, tacc.ErrCorrupt) || errors.Is(err, tacc.ErrChecksumMismatch)) {
		t.Fatalf("corrupt frame: %v", err)
	}
	t.Logf("corrupt frame: %v (kind %s)", err, te.Kind())
	if _, err := c.DecodeAll([]byte("not a frame"), nil); !errors.Is(err, tacc.ErrCorrupt) {
		t.Fatalf("not a frame: %v", err)
	}
	var wire bytes.Buffer
	w, _ := c.NewWriter(&wire)
	w.Write([]byte(text))
	w.Close()
	bad := wire.Bytes()
	bad[len(bad)-1] ^= 0x01
	r, _ := tacc.NewReader(bytes.NewReader(bad))
	if _, err := io.ReadAll(r); !errors.As(err, &te) {
		t.Fatalf("corrupt stream: %v", err)
	}
}
