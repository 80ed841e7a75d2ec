package tacc

// The shared test vectors every language reads: tests/vectors/frames.json (frames and streams
// to decode) and tests/vectors/errors.json (the error kinds, and calls that must fail with
// each). TACC_VECTORS_DIR overrides the directory.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func sentinelOf(code int32) *Error {
	for _, e := range sentinels {
		if int32(e.Status) == code {
			return e
		}
	}
	return nil
}

func readVectors(t *testing.T, name string, v any) {
	t.Helper()
	dir := os.Getenv("TACC_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "tests", "vectors")
	}
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// codecs opens one codec per tokenizer for the length of a test.
func codecs(t *testing.T) func(string) *Codec {
	open := map[string]*Codec{}
	t.Cleanup(func() {
		for _, c := range open {
			c.Close()
		}
	})
	return func(name string) *Codec {
		t.Helper()
		if c := open[name]; c != nil {
			return c
		}
		c, err := NewCodec(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		open[name] = c
		return c
	}
}

func TestFrameVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Label, Tokenizer, Method, Kind string
			Checksum                       bool
			Text                           *string
			TokenIDs                       []uint32 `json:"token_ids"`
			BytesHex                       string   `json:"bytes_hex"`
			MappingHex                     string   `json:"mapping_hex"`
			FrameHex                       string   `json:"frame_hex"`
		}
		Streams []struct {
			Tokenizer string
			ChunksHex []string `json:"chunks_hex"`
			TokenIDs  []uint32 `json:"token_ids"`
		}
	}
	readVectors(t, "frames.json", &v)
	if len(v.Cases) == 0 || len(v.Streams) == 0 {
		t.Fatalf("%d cases, %d streams", len(v.Cases), len(v.Streams))
	}
	codec := codecs(t)
	decoded := 0
	for i, vc := range v.Cases {
		c := codec(vc.Tokenizer)
		frame := unhex(t, vc.FrameHex)
		// A custom tacc mapping travels in a CodecSpec's bytes; without it the frame is a
		// Mismatch.
		if vc.MappingHex != "" {
			if _, err := c.Decompress(frame); !errors.Is(err, ErrMismatch) {
				t.Errorf("case %d (%s %s): without its mapping: %v, want ErrMismatch", i, vc.Label, vc.Method, err)
			}
			mc, err := NewCodecFromSpec(CodecSpec{Tokenizer: vc.Tokenizer, MappingBytes: unhex(t, vc.MappingHex)})
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			defer mc.Close()
			c = mc
		}
		m, err := ParseMethod(vc.Method)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		info, err := Inspect(frame)
		if err != nil || info.Method != m || info.HasChecksum != vc.Checksum {
			t.Errorf("case %d (%s %s): inspect %+v %v", i, vc.Label, vc.Method, info, err)
		}
		got, err := c.Decompress(frame)
		if err != nil {
			t.Errorf("case %d (%s %s %s): %v", i, vc.Label, vc.Method, vc.Kind, err)
			continue
		}
		want := Content{}
		switch vc.Kind {
		case "text":
			want = Content{Kind: ContentText, Text: *vc.Text}
			if s, err := c.DecompressText(frame); err != nil || s != want.Text {
				t.Errorf("case %d: DecompressText %v", i, err)
			}
		case "token_ids":
			want = Content{Kind: ContentTokenIDs, TokenIDs: vc.TokenIDs}
			if ids, err := c.DecompressTokenIDs(frame); err != nil || !slices.Equal(ids, want.TokenIDs) {
				t.Errorf("case %d: DecompressTokenIDs %v", i, err)
			}
		case "bytes":
			want = Content{Kind: ContentBytes, Bytes: unhex(t, vc.BytesHex)}
			if b, err := c.DecompressBytes(frame); err != nil || !bytes.Equal(b, want.Bytes) {
				t.Errorf("case %d: DecompressBytes %v", i, err)
			}
		default:
			t.Fatalf("case %d: unknown kind %q", i, vc.Kind)
		}
		if got.Kind != want.Kind || got.Text != want.Text || !slices.Equal(got.TokenIDs, want.TokenIDs) || !bytes.Equal(got.Bytes, want.Bytes) {
			t.Errorf("case %d (%s %s %s): Decompress gave kind %d, want %d", i, vc.Label, vc.Method, vc.Kind, got.Kind, want.Kind)
		}
		// Compressing the content again with the same options gives the same bytes.
		opts := Options{Method: m, Layout: LayoutFrame, NoChecksum: !vc.Checksum}
		var again []byte
		switch want.Kind {
		case ContentText:
			again, err = c.CompressTextWith(want.Text, opts)
		case ContentTokenIDs:
			again, err = c.CompressTokenIDsWith(want.TokenIDs, opts)
		case ContentBytes:
			again, err = c.CompressBytesWith(want.Bytes, opts)
		}
		if err != nil || !bytes.Equal(again, frame) {
			t.Errorf("case %d (%s %s %s): compressed again to %x (%v), want %s", i, vc.Label, vc.Method, vc.Kind, again, err, vc.FrameHex)
		}
		decoded++
	}
	for i, vs := range v.Streams {
		d, err := codec(vs.Tokenizer).NewStreamDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint32
		finished := false
		for j, h := range vs.ChunksHex {
			got, _, fin, err := d.Push(unhex(t, h))
			if err != nil {
				t.Fatalf("stream %d chunk %d: %v", i, j, err)
			}
			ids, finished = append(ids, got...), fin
		}
		d.Close()
		if !slices.Equal(ids, vs.TokenIDs) || !finished {
			t.Errorf("stream %d: %v (finished %v), want %v", i, ids, finished, vs.TokenIDs)
		}
	}
	t.Logf("%d of %d frames decoded, %d streams", decoded, len(v.Cases), len(v.Streams))
}

// The cross-binding error test: every kind of the library has a sentinel carrying its code and
// name, and every case, run through this package's API, fails with exactly its kind.
func TestErrorVectors(t *testing.T) {
	var v struct {
		Kinds []struct {
			Name        string
			Code        int32
			Description string
		}
		Cases []struct {
			Label, Kind, Call, Tokenizer, Method string
			DataHex                              string   `json:"data_hex"`
			TokenIDs                             []uint32 `json:"token_ids"`
			MaxOutputBytes                       uint64   `json:"max_output_bytes"`
			MaxTokens                            uint64   `json:"max_tokens"`
		}
	}
	readVectors(t, "errors.json", &v)
	if len(v.Kinds) == 0 || len(v.Cases) == 0 {
		t.Fatalf("%d kinds, %d cases", len(v.Kinds), len(v.Cases))
	}
	byName := map[string]*Error{}
	for _, k := range v.Kinds {
		e := sentinelOf(k.Code)
		if e == nil {
			t.Errorf("kind %s (%d): no sentinel with that status: add Err%s", k.Name, k.Code, k.Name)
			continue
		}
		if e.Kind() != k.Name || Status(k.Code).Name() != k.Name || Status(k.Code).String() != k.Description {
			t.Errorf("kind %s (%d): sentinel Kind() %q, Status.String() %q", k.Name, k.Code, e.Kind(), Status(k.Code).String())
		}
		byName[k.Name] = e
	}
	if len(sentinels) != len(v.Kinds) {
		t.Errorf("%d sentinels, %d kinds", len(sentinels), len(v.Kinds))
	}
	codec := codecs(t)
	for i, vc := range v.Cases {
		want := byName[vc.Kind]
		if want == nil {
			t.Errorf("case %d (%s): kind %q is not in kinds", i, vc.Label, vc.Kind)
			continue
		}
		var data []byte
		if vc.DataHex != "" {
			data = unhex(t, vc.DataHex)
		}
		err := runErrorCase(t, codec, vc.Call, vc.Tokenizer, vc.Method, data, vc.TokenIDs, Limits{vc.MaxOutputBytes, vc.MaxTokens})
		var te *Error
		if !errors.Is(err, want) || !errors.As(err, &te) || te.Kind() != vc.Kind {
			t.Errorf("case %d (%s, %s): got %v, want %s", i, vc.Label, vc.Call, err, vc.Kind)
		}
	}
}

// runErrorCase makes one call of errors.json through the public API and returns its error.
func runErrorCase(t *testing.T, codec func(string) *Codec, call, tokenizer, method string, data []byte, ids []uint32, l Limits) error {
	t.Helper()
	if call == "new_codec" {
		c, err := NewCodec(tokenizer)
		if err == nil {
			c.Close()
		}
		return err
	}
	c := codec(tokenizer)
	if l != (Limits{}) {
		limited, err := c.WithLimits(l)
		if err != nil {
			return err
		}
		defer limited.Close()
		c = limited
	}
	var err error
	switch call {
	case "decompress":
		_, err = c.Decompress(data)
	case "decompress_text":
		_, err = c.DecompressText(data)
	case "decompress_token_ids":
		_, err = c.DecompressTokenIDs(data)
	case "detokenize":
		_, err = c.Detokenize(ids)
	case "compress_bytes":
		var m Method
		if m, err = ParseMethod(method); err == nil {
			_, err = c.CompressBytesWith(data, Options{Method: m})
		}
	default:
		t.Fatalf("unknown call %q", call)
	}
	return err
}

func TestSentinels(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range sentinels {
		k := e.Kind()
		if e.Status.Name() == "" || seen[k] || e.Status.String() == "" {
			t.Errorf("status %d: name %q (seen %v), description %q", e.Status, k, seen[k], e.Status.String())
		}
		seen[k] = true
		wrapped := &Error{Status: e.Status, Message: "some message"}
		for _, other := range sentinels {
			if errors.Is(wrapped, other) != (other == e) {
				t.Errorf("%s: errors.Is(%s) = %v", k, other.Kind(), !(other == e))
			}
		}
	}
	if k := (&Error{Status: 77}).Kind(); k != "Status(77)" {
		t.Errorf("unknown status: %q", k)
	}
}
