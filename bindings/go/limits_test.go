package tacc

import (
	"errors"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	c := newCodec(t)
	if l, err := c.Limits(); err != nil || l != (Limits{DefaultMaxOutputBytes, DefaultMaxTokens}) {
		t.Fatalf("defaults: %+v %v", l, err)
	}
	for _, tc := range []struct{ asked, got Limits }{
		{Limits{}, Limits{DefaultMaxOutputBytes, DefaultMaxTokens}},
		{Limits{MaxOutputBytes: 1000}, Limits{1000, DefaultMaxTokens}},
		{Limits{^uint64(0), ^uint64(0)}, Limits{MaxOutputBytesCap, MaxTokensCap}},
	} {
		l2, err := c.WithLimits(tc.asked)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := l2.Limits(); err != nil || got != tc.got || l2.Tokenizer() != "cl100k_base" {
			t.Fatalf("%+v: %+v %v", tc.asked, got, err)
		}
		l2.Close()
	}

	text := strings.Repeat("limits ", 2000) // 14,000 bytes
	small, err := c.WithLimits(Limits{MaxOutputBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	roomy, err := NewBuiltinDecoder(Limits{MaxOutputBytes: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	defer roomy.Close()
	for _, m := range []Method{Stored, Zstd, Gzip, LopaceHybrid, TaccGzip, Model} {
		frame, err := c.CompressTextWith(text, Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := small.DecompressText(frame); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "max_") {
			t.Errorf("%v: %v, want ErrTooLarge naming the limit", m, err)
		}
		if back, err := roomy.DecompressText(frame); err != nil || back != text {
			t.Errorf("%v: within the limits: %v", m, err)
		}
	}
	for _, m := range []Method{TaccGzip, LopaceHybrid} {
		o := Options{Method: m, Layout: LayoutRaw}
		raw, err := c.CompressTextWith(text, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := small.DecompressTextWith(raw, o); !errors.Is(err, ErrTooLarge) {
			t.Errorf("raw %v: %v, want ErrTooLarge", m, err)
		}
	}
	ids := make([]uint32, 3000)
	for i := range ids {
		ids[i] = uint32(1000 + i%50)
	}
	frame, err := c.CompressTokenIDs(ids)
	if err != nil {
		t.Fatal(err)
	}
	few, err := c.WithLimits(Limits{MaxTokens: 2999})
	if err != nil {
		t.Fatal(err)
	}
	defer few.Close()
	for _, d := range []*Codec{small, few} {
		if _, err := d.DecompressTokenIDs(frame); !errors.Is(err, ErrTooLarge) {
			t.Errorf("token IDs: %v, want ErrTooLarge", err)
		}
	}
	if back, err := roomy.DecompressTokenIDs(frame); err != nil || len(back) != len(ids) {
		t.Errorf("token IDs within the limits: %v", err)
	}
	tiny, err := c.WithLimits(Limits{MaxOutputBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer tiny.Close()
	if _, err := tiny.Detokenize(ids); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Detokenize: %v, want ErrTooLarge", err)
	}

	// Stream decoders keep the limits of what made them.
	enc, err := c.NewStreamEncoder()
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if err := enc.PushText(text); err != nil {
		t.Fatal(err)
	}
	chunk, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	for name, mk := range map[string]func() (*StreamDecoder, error){
		"codec":   small.NewStreamDecoder,
		"builtin": func() (*StreamDecoder, error) { return NewStreamDecoderWithLimits(Limits{MaxOutputBytes: 10_000}) },
	} {
		d, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := d.Push(chunk); !errors.Is(err, ErrTooLarge) {
			t.Errorf("stream decoder (%s): %v, want ErrTooLarge", name, err)
		}
		d.Close()
	}
	d, err := NewStreamDecoderWithLimits(Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, got, fin, err := d.Push(chunk); err != nil || !fin || !strings.HasPrefix(got, text) {
		t.Errorf("stream within the limits: %v %v", fin, err)
	}
}
