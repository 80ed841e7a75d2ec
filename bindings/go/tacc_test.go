package tacc

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
)

const sample = "Token-aware compression for LLM traffic. Unicode: déjà vu, 日本語, 🦊."

func newCodec(t testing.TB) *Codec {
	t.Helper()
	c, err := NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVersion(t *testing.T) {
	if VersionNumber() != HeaderVersionNumber {
		t.Fatalf("library %#x, header %#x", VersionNumber(), HeaderVersionNumber)
	}
	v := VersionNumber()
	if got := fmt.Sprintf("%d.%d.%d", v>>16, (v>>8)&0xff, v&0xff); got != Version() {
		t.Fatalf("packed %s, string %s", got, Version())
	}
}

func TestDefaultOptionsMatchLibrary(t *testing.T) {
	if !defaultsMatchLibrary() {
		t.Fatal("DefaultOptions() differs from tacc_options_init()")
	}
}

func TestTextRoundTripEveryMethod(t *testing.T) {
	c := newCodec(t)
	if c.Tokenizer() != "cl100k_base" {
		t.Fatal(c.Tokenizer())
	}
	for _, m := range []Method{Stored, Zstd, Gzip, LopaceToken, LopaceHybrid, Tacc, TaccGzip, ModelV1, Model, Auto} {
		opts := DefaultOptions()
		opts.Method = m
		frame, err := c.CompressTextWith(sample, opts)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		info, err := Inspect(frame)
		// Format v2 frames store no content length: Inspect reports the maximum.
		if err != nil || info.ContentLen != math.MaxUint64 || info.Kind != ContentText {
			t.Fatalf("%v: inspect %+v %v", m, info, err)
		}
		back, err := c.DecompressText(frame)
		if err != nil || back != sample {
			t.Fatalf("%v: %q %v", m, back, err)
		}
	}
}

func TestRawLayouts(t *testing.T) {
	c := newCodec(t)
	for _, m := range []Method{Zstd, LopaceToken, LopaceHybrid, Tacc, TaccGzip} {
		opts := Options{Method: m, Layout: LayoutRaw}
		raw, err := c.CompressTextWith(sample, opts)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		back, err := c.DecompressTextWith(raw, opts)
		if err != nil || back != sample {
			t.Fatalf("%v: %q %v", m, back, err)
		}
	}
	if _, err := c.CompressTextWith(sample, Options{Method: Stored, Layout: LayoutRaw}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("raw stored: %v", err)
	}
}

func TestTokenIDs(t *testing.T) {
	c := newCodec(t)
	ids, err := c.Tokenize(strings.Repeat(sample, 20))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Method{Stored, LopaceToken, LopaceHybrid, Tacc, TaccGzip, Model, Auto} {
		frame, err := c.CompressTokenIDsWith(ids, Options{Method: m})
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		back, err := c.DecompressTokenIDs(frame)
		if err != nil || fmt.Sprint(back) != fmt.Sprint(ids) {
			t.Fatalf("%v: %v", m, err)
		}
	}
	frame, err := c.CompressTokenIDs(ids)
	if err != nil {
		t.Fatal(err)
	}
	dst := []uint32{7}
	if dst, err = c.AppendDecompressedTokenIDs(dst, frame); err != nil || len(dst) != len(ids)+1 || dst[0] != 7 || dst[1] != ids[0] {
		t.Fatalf("append: %v", err)
	}
	text, err := c.Detokenize(ids)
	if err != nil || text != strings.Repeat(sample, 20) {
		t.Fatal(err)
	}
	// Empty input round-trips to an empty, non-nil result.
	frame, err = c.CompressTokenIDs(nil)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := c.DecompressTokenIDs(frame); err != nil || len(back) != 0 {
		t.Fatal(back, err)
	}
}

func TestBytesAndDecompress(t *testing.T) {
	c := newCodec(t)
	for _, data := range [][]byte{{0xff, 0xfe, 0, 1, 2}, []byte(sample), nil} {
		for _, m := range []Method{Stored, Zstd, Gzip, Auto} {
			frame, err := c.CompressBytesWith(data, Options{Method: m})
			if err != nil {
				t.Fatalf("%v: %v", m, err)
			}
			back, err := c.DecompressBytes(frame)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("%v: %x %v", m, back, err)
			}
		}
		frame, err := c.CompressBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		content, err := c.Decompress(frame)
		utf8 := data == nil || data[0] != 0xff
		switch {
		case err != nil:
			t.Fatal(err)
		case utf8 && (content.Kind != ContentText || content.Text != string(data)):
			t.Fatalf("text: %+v", content)
		case !utf8 && (content.Kind != ContentBytes || !bytes.Equal(content.Bytes, data)):
			t.Fatalf("bytes: %+v", content)
		}
	}
	ids, _ := c.Tokenize(sample)
	frame, _ := c.CompressTokenIDs(ids)
	if content, err := c.Decompress(frame); err != nil || content.Kind != ContentTokenIDs || fmt.Sprint(content.TokenIDs) != fmt.Sprint(ids) {
		t.Fatalf("token IDs: %+v %v", content, err)
	}
	if _, err := c.Decompress([]byte("not a frame")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt: %v", err)
	}
}

func TestErrors(t *testing.T) {
	if _, err := NewCodec("no_such_tokenizer"); !errors.Is(err, ErrUnknownTokenizer) || !strings.Contains(err.Error(), "no_such_tokenizer") {
		t.Fatalf("unknown tokenizer: %v", err)
	}
	c := newCodec(t)
	_, err := c.DecompressText([]byte("not a frame"))
	var te *Error
	if !errors.As(err, &te) || te.Status != StatusCorrupt || te.Kind() != "Corrupt" || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt: %v", err)
	}
	frame, _ := c.CompressText(sample)
	frame[len(frame)-1] ^= 1
	if _, err := c.DecompressText(frame); !errors.Is(err, ErrChecksumMismatch) {
		t.Fatalf("checksum: %v", err)
	}
	if _, err := c.Detokenize([]uint32{4_000_000_000}); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("unknown token: %v", err)
	}
	if _, err := c.CompressText("\xff\xfe"); !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("utf8: %v", err)
	}
	if _, err := c.CompressTextWith(sample, Options{Method: 42}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("method: %v", err)
	}
	if m, err := ParseMethod("lopace-hybrid"); err != nil || m != LopaceHybrid || m.String() != "lopace-hybrid" {
		t.Fatal(m, err)
	}
	if _, err := ParseMethod("brotli"); err == nil {
		t.Fatal("brotli parsed")
	}
}

func TestClose(t *testing.T) {
	c, err := NewCodec("gpt2")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	if _, err := c.CompressText("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func TestManyGoroutinesShareOneCodec(t *testing.T) {
	c := newCodec(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				text := fmt.Sprintf("goroutine %d message %d: %s", g, i, sample)
				opts := DefaultOptions()
				opts.Method = Method((g + i) % 7)
				frame, err := c.CompressTextWith(text, opts)
				if err != nil {
					errs <- err
					return
				}
				back, err := c.DecompressText(frame)
				if err != nil || back != text {
					errs <- fmt.Errorf("g%d i%d: %q %v", g, i, back, err)
					return
				}
				ids, err := c.Tokenize(text)
				if err != nil {
					errs <- err
					return
				}
				f2, err := c.CompressTokenIDs(ids)
				if err != nil {
					errs <- err
					return
				}
				if back, err := c.DecompressTokenIDs(f2); err != nil || len(back) != len(ids) {
					errs <- fmt.Errorf("ids: %v", err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Close while other goroutines are calling: they either finish or get ErrClosed, never crash.
func TestCloseDuringUse(t *testing.T) {
	c, err := NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := c.CompressText(sample); err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					return
				}
			}
		}()
	}
	c.Close()
	wg.Wait()
}

func FuzzDecompress(f *testing.F) {
	c, err := NewCodec("cl100k_base")
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	for _, m := range []Method{Stored, Zstd, Gzip, LopaceToken, LopaceHybrid, Tacc, TaccGzip, Model} {
		frame, _ := c.CompressTextWith(sample, Options{Method: m})
		f.Add(frame)
	}
	ids, _ := c.Tokenize(sample)
	frame, _ := c.CompressTokenIDs(ids)
	f.Add(frame)
	f.Add([]byte{})
	f.Add([]byte{0xD7, 0xAC, 1, 6, 1, 1, 0xFF})
	f.Add([]byte{0xB9, 0x08, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Any input: an error or a result, never a crash; a decoded frame re-encodes to the same content.
		if text, err := c.DecompressText(data); err == nil {
			again, err := c.CompressText(text)
			if err != nil {
				t.Fatalf("decoded text does not re-encode: %v", err)
			}
			if back, err := c.DecompressText(again); err != nil || back != text {
				t.Fatalf("re-encoded text does not round-trip: %v", err)
			}
		}
		if ids, err := c.DecompressTokenIDs(data); err == nil {
			again, err := c.CompressTokenIDsWith(ids, Options{Method: Stored})
			if err != nil {
				t.Fatal(err)
			}
			back, _ := c.DecompressTokenIDs(again)
			if len(back) != len(ids) {
				t.Fatal("token IDs do not round-trip")
			}
		}
		for _, m := range []Method{Zstd, LopaceToken, LopaceHybrid, Tacc, TaccGzip} {
			_, _ = c.DecompressTextWith(data, Options{Method: m, Layout: LayoutRaw})
		}
		if content, err := c.Decompress(data); err == nil {
			if b, err := c.DecompressBytes(data); content.Kind != ContentTokenIDs && err != nil {
				t.Fatalf("a %d frame decompressed but not to bytes: %v", content.Kind, err)
			} else if content.Kind == ContentBytes && !bytes.Equal(b, content.Bytes) {
				t.Fatal("DecompressBytes and Decompress differ")
			}
		}
		_, _ = Inspect(data)
	})
}
