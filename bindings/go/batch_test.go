package tacc

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestBatchKeepsOrderAndFailsAlone(t *testing.T) {
	c, err := NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var items [][]byte
	for i := 0; i < 50; i++ {
		items = append(items, []byte(fmt.Sprintf("record %d: the quick brown fox jumps over the lazy dog %d", i, i*i)))
	}
	items[3] = []byte{} // empty is fine
	one, err := c.CompressBatch(items, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{2, 0} {
		many, err := c.CompressBatch(items, threads)
		if err != nil {
			t.Fatal(err)
		}
		for i := range one {
			if !bytes.Equal(one[i], many[i]) {
				t.Fatalf("threads=%d item %d differs from threads=1", threads, i)
			}
		}
	}
	// Each frame is what the one-item call makes.
	for i := range items {
		f, err := c.EncodeAll(items[i], nil)
		if err != nil || !bytes.Equal(f, one[i]) {
			t.Fatalf("item %d: not EncodeAll's frame (%v)", i, err)
		}
	}
	// One corrupt frame fails alone, at its index.
	frames := append([][]byte(nil), one...)
	frames[7] = append([]byte(nil), frames[7]...)
	frames[7][len(frames[7])-1] ^= 0x10
	back, err := c.DecompressBatch(frames, 0)
	var be *BatchError
	if !errors.As(err, &be) || be.Failed() != 1 || be.Errs[7] == nil {
		t.Fatalf("want a BatchError at item 7, got %v", err)
	}
	if !errors.Is(err, ErrChecksumMismatch) && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("the item's error kind is reachable with errors.Is: %v", err)
	}
	for i := range items {
		if i == 7 {
			if back[i] != nil {
				t.Fatal("a failed item has no output")
			}
			continue
		}
		if !bytes.Equal(back[i], items[i]) {
			t.Fatalf("item %d: %q != %q", i, back[i], items[i])
		}
	}
}

func TestTokenIDBatch(t *testing.T) {
	c, err := NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	seqs := [][]uint32{{9906, 11, 1917, 0}, {}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}
	frames, err := c.CompressTokenIDsBatch(seqs, 0)
	if err != nil {
		t.Fatal(err)
	}
	back, err := c.DecompressTokenIDsBatch(frames, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range seqs {
		if fmt.Sprint(back[i]) != fmt.Sprint(seqs[i]) {
			t.Fatalf("item %d: %v != %v", i, back[i], seqs[i])
		}
	}
	if _, err := c.CompressBatch([][]byte{[]byte("x")}, -1); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("negative threads: %v", err)
	}
}
