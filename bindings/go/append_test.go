package tacc

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncodeAllDecodeAllAppend(t *testing.T) {
	c := newCodec(t)
	for _, src := range [][]byte{[]byte(sample), {0xff, 0xfe, 0, 1, 2}, nil} {
		prefix := []byte("prefix:")
		dst := append(make([]byte, 0, 4096), prefix...)
		out, err := c.EncodeAll(src, dst)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(out, prefix) || &out[0] != &dst[:1][0] {
			t.Fatalf("EncodeAll did not append in place: %q", out[:len(prefix)])
		}
		frame := out[len(prefix):]
		if want, _ := c.CompressBytes(src); !bytes.Equal(frame, want) {
			t.Fatalf("EncodeAll frame %x, CompressBytes %x", frame, want)
		}
		back, err := c.DecodeAll(frame, []byte("head:"))
		if err != nil || string(back) != "head:"+string(src) {
			t.Fatalf("DecodeAll: %q %v", back, err)
		}
	}
}

func TestEncodeAllOptions(t *testing.T) {
	c := newCodec(t)
	src := []byte(sample)
	none, _ := c.EncodeAll(src, nil)
	zero, _ := c.EncodeAll(src, nil, WithZstdLevel(0), WithGzipLevel(0), WithChecksum(true))
	if !bytes.Equal(none, zero) {
		t.Fatal("options given their zero values changed the frame")
	}
	if info, _ := Inspect(none); info.Method != DefaultOptions().Method || !info.HasChecksum {
		t.Fatalf("defaults: %+v", info)
	}
	stored, err := c.EncodeAll(src, nil, WithMethod(Stored), WithChecksum(false))
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := Inspect(stored); info.Method != Stored || info.HasChecksum {
		t.Fatalf("WithMethod(Stored), WithChecksum(false): %+v", info)
	}
	for _, m := range []Method{Zstd, Gzip, TaccGzip, Auto} {
		frame, err := c.EncodeAll(src, nil, WithMethod(m), WithZstdLevel(19), WithGzipLevel(9))
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if back, err := c.DecodeAll(frame, nil); err != nil || string(back) != sample {
			t.Fatalf("%v: %q %v", m, back, err)
		}
	}
}

func TestDecodeAllErrors(t *testing.T) {
	c := newCodec(t)
	frame, _ := c.EncodeAll([]byte(sample), nil)
	frame[len(frame)-1] ^= 1
	dst := []byte("kept")
	out, err := c.DecodeAll(frame, dst)
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrChecksumMismatch) {
		t.Fatalf("corrupt frame: %v", err)
	}
	if string(out) != "kept" {
		t.Fatalf("dst changed on error: %q", out)
	}
	if _, err := c.DecodeAll([]byte("not a frame"), nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("not a frame: %v", err)
	}
	small, _ := c.WithLimits(Limits{MaxOutputBytes: 8})
	defer small.Close()
	good, _ := c.EncodeAll([]byte(sample), nil)
	if _, err := small.DecodeAll(good, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limits: %v", err)
	}
	c.Close()
	if _, err := c.EncodeAll([]byte(sample), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
	if _, err := c.DecodeAll(good, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}
