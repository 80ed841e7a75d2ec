package tacc

// Hostile payloads (issue 12): every decode ends in an error value (never an abort or a
// panic), ErrTooLarge when a payload would pass the codec's Limits, and costs at most the
// output limit in memory (plus a constant) and a bounded CPU time.
//
// TestHostile builds the inputs (small: hand-made zstd and gzip streams whose declared or
// expanded size is huge, plus the files of tests/hostile/manifest.json), writes each to a
// temporary file and runs the case in a child process (this test binary, TestHostileChild),
// which measures its own peak RSS (getrusage ru_maxrss) and CPU time around the one call: the
// bounds are "RSS before the call + the output limit + 64 MiB" and 5 s of CPU. Outside the
// race detector the child also sets RLIMIT_AS, so a decode that tries to allocate gigabytes
// fails fast instead of taking the machine's memory.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

const (
	hostileSlack  = 64 << 20 // bytes allowed over the output limit
	hostileCPU    = 5.0      // seconds of CPU (user + system) per case
	hostileCaseEV = "TACC_HOSTILE_CASE"
)

type hostileCall string

const (
	callText   hostileCall = "text"
	callIDs    hostileCall = "token_ids"
	callBytes  hostileCall = "bytes"
	callStream hostileCall = "stream"
	callEncode hostileCall = "encode_spaces" // CompressText + Tokenize of len(input) spaces
)

// hostileCase is one call on one input; it travels to the child as JSON.
type hostileCase struct {
	Name      string
	Call      hostileCall
	Tokenizer string
	RawMethod Method // Raw layout with this method when Raw
	Raw       bool
	Limits    Limits
	Builtin   bool   // decode with NewBuiltinDecoder(Limits) (what C does with a NULL codec)
	Want      string // "too_large", "error" (any but panic and success), "any" (any but panic), or a Status name
	Input     string // file
	InputLen  int
	Kinds     []string // manifest cases: the acceptable error kinds
	Chunks    []string // manifest streams: chunk files pushed in order
	Frame     bool     // manifest frames: the call that fits the frame's content kind
}

// kindErrors: the manifest's error kinds as this package's sentinels: the kinds' stable names
// (Error.Kind), plus the tacc::Error variant names the manifest may still use for UnknownId.
var kindErrors = func() map[string]error {
	m := map[string]error{"UnknownTokenId": ErrUnknownID, "UnknownMappedId": ErrUnknownID, "UnknownToken": ErrUnknownID}
	for _, e := range sentinels {
		m[e.Kind()] = e
	}
	return m
}()

// ---- Generators ------------------------------------------------------------------------------

// zstdRun is a zstd frame of raw and RLE blocks: head, then n copies of b (2^29 bytes: 16 KB).
func zstdRun(head []byte, b byte, n uint64) []byte {
	out := []byte{0x28, 0xB5, 0x2F, 0xFD, 0xC0, 10 << 3}
	out = binary.LittleEndian.AppendUint64(out, uint64(len(head))+n)
	le3 := func(v uint32) { out = append(out, byte(v), byte(v>>8), byte(v>>16)) }
	if len(head) > 0 {
		last := uint32(0)
		if n == 0 {
			last = 1
		}
		le3(uint32(len(head))<<3 | last)
		out = append(out, head...)
	}
	for n > 0 {
		k := min(n, 128<<10)
		n -= k
		last := uint32(0)
		if n == 0 {
			last = 1
		}
		le3(uint32(k)<<3 | 1<<1 | last)
		out = append(out, b)
	}
	return out
}

type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint32, n uint) {
	w.acc |= uint64(v) << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

func (w *bitWriter) huff(code uint32, n uint) {
	var r uint32
	for i := uint(0); i < n; i++ {
		r |= (code >> i & 1) << (n - 1 - i)
	}
	w.bits(r, n)
}

func (w *bitWriter) lit(v byte) {
	if v < 144 {
		w.huff(0x30+uint32(v), 8)
	} else {
		w.huff(0x190+uint32(v)-144, 9)
	}
}

// gzipRun is a gzip member (one fixed-Huffman block) of head, n copies of b, then tail:
// 10^9 bytes take 6 MB.
func gzipRun(head []byte, b byte, n uint64, tail []byte) []byte {
	w := &bitWriter{out: []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}}
	w.bits(1, 1)
	w.bits(1, 2)
	for _, c := range head {
		w.lit(c)
	}
	left := n
	if left > 0 {
		w.lit(b)
		left--
	}
	for ; left >= 258; left -= 258 {
		w.huff(0xC0+285-280, 8) // length 258
		w.huff(0, 5)            // distance 1
	}
	for ; left > 0; left-- {
		w.lit(b)
	}
	for _, c := range tail {
		w.lit(c)
	}
	w.huff(0, 7)
	if w.nbits > 0 {
		w.bits(0, 8-w.nbits)
	}
	h := crc32.NewIEEE()
	h.Write(head)
	block := bytes.Repeat([]byte{b}, 1<<20)
	for r := n; r > 0; {
		k := min(r, uint64(len(block)))
		h.Write(block[:k])
		r -= k
	}
	h.Write(tail)
	w.out = binary.LittleEndian.AppendUint32(w.out, h.Sum32())
	return binary.LittleEndian.AppendUint32(w.out, uint32(uint64(len(head))+n+uint64(len(tail))))
}

// taccGzipIDs is tacc 0.1.0's gzip payload declaring n IDs, each the mapped ID 0.
func taccGzipIDs(n uint64) []byte {
	head := binary.AppendUvarint([]byte{0x19, 0xF5}, n)
	return gzipRun(head, 0, n, []byte{0})
}

func noise(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// frameHeader is the header of a text frame without checksum for method (a frame of a short
// text minus the raw layout's bytes).
func frameHeader(t *testing.T, c *Codec, m Method) []byte {
	t.Helper()
	o := Options{Method: m, NoChecksum: true}
	f, err := c.CompressTextWith("header", o)
	if err != nil {
		t.Fatal(err)
	}
	o.Layout = LayoutRaw
	r, err := c.CompressTextWith("header", o)
	// A frame without checksum ends with a 2-byte length check after the payload.
	if err != nil || len(f) <= len(r)+2 || !bytes.HasSuffix(f[:len(f)-2], r) {
		t.Fatalf("%v: frame %x, raw %x, %v", m, f, r, err)
	}
	return f[:len(f)-len(r)-2]
}

// framed is a text frame without checksum: header, payload, the payload's length mod 65536.
func framed(header, payload []byte) []byte {
	f := append(append([]byte{}, header...), payload...)
	return append(f, byte(len(payload)), byte(len(payload)>>8))
}

func TestHostileGenerators(t *testing.T) {
	c := newCodec(t)
	text, err := c.DecompressTextWith(zstdRun([]byte{0}, 0x20, 2000), Options{Method: LopaceHybrid, Layout: LayoutRaw})
	one, err2 := c.Detokenize([]uint32{0x2020})
	if err != nil || err2 != nil || len(one) == 0 || text != strings.Repeat(one, 1000) {
		t.Fatalf("zstd generator: %v %v %d", err, err2, len(text))
	}
	ids, err := c.DecompressTokenIDsWith(taccGzipIDs(1000), Options{Method: TaccGzip, Layout: LayoutRaw})
	if err != nil || len(ids) != 1000 {
		t.Fatalf("gzip generator: %v %d", err, len(ids))
	}
}

// ---- Cases ------------------------------------------------------------------------------------

func hostileCases(t *testing.T, dir string) []hostileCase {
	c := newCodec(t)
	var cases []hostileCase
	write := func(data []byte) (string, int) {
		f, err := os.CreateTemp(dir, "in")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write(data); err != nil {
			t.Fatal(err)
		}
		return f.Name(), len(data)
	}
	add := func(hc hostileCase, data []byte) {
		if hc.Tokenizer == "" {
			hc.Tokenizer = "cl100k_base"
		}
		if hc.Want == "" {
			hc.Want = "too_large"
		}
		hc.Input, hc.InputLen = write(data)
		cases = append(cases, hc)
	}
	rawHybrid := hostileCase{Raw: true, RawMethod: LopaceHybrid}
	with := func(hc hostileCase, f func(*hostileCase)) hostileCase { f(&hc); return hc }

	huge := zstdRun([]byte{0}, 0x20, 2*(1<<28-1))
	hybHdr := frameHeader(t, c, LopaceHybrid)
	hugeFrame := framed(hybHdr, huge)
	add(with(rawHybrid, func(h *hostileCase) { h.Name = "lopace-hybrid raw, 2^28-1 IDs"; h.Call = callText }), huge)
	add(with(rawHybrid, func(h *hostileCase) {
		h.Name = "lopace-hybrid raw, 2^28-1 IDs, 1 MiB limit"
		h.Call = callText
		h.Limits.MaxOutputBytes = 1 << 20
	}), huge)
	add(hostileCase{Name: "lopace-hybrid text frame, 2^28-1 IDs", Call: callText}, hugeFrame)
	add(hostileCase{Name: "lopace-hybrid text frame, 2^28-1 IDs, builtin decoder", Call: callText, Builtin: true}, hugeFrame)
	add(hostileCase{Name: "lopace-hybrid text frame, 2^28-1 IDs, token IDs", Call: callIDs, Want: "error"}, hugeFrame)

	mid := zstdRun([]byte{0}, 0x20, 2*(16<<20-1))
	// Just within the token limit: the text is within 64 MiB (decodes) if the token is at most
	// 4 bytes long, else over it.
	one, err := c.Detokenize([]uint32{0x2020})
	if err != nil {
		t.Fatal(err)
	}
	midWant := "too_large"
	if uint64(len(one))*(16<<20-1) <= DefaultMaxOutputBytes {
		midWant = "ok"
	}
	add(with(rawHybrid, func(h *hostileCase) {
		h.Name = "lopace-hybrid raw, 16Mi-1 IDs (at the token limit)"
		h.Call = callText
		h.Want = midWant
	}), mid)
	add(with(rawHybrid, func(h *hostileCase) {
		h.Name = "lopace-hybrid raw, 16Mi-1 IDs, 4 MiB limit"
		h.Call = callText
		h.Limits.MaxOutputBytes = 4 << 20
	}), mid)

	zt := zstdRun(nil, 'a', 1<<29)
	add(hostileCase{Name: "zstd raw, 512 MiB of text", Call: callText, Raw: true, RawMethod: Zstd}, zt)
	zFrame := framed(frameHeader(t, c, Zstd), zt)
	add(hostileCase{Name: "zstd text frame, 512 MiB", Call: callText}, zFrame)
	add(hostileCase{Name: "zstd text frame, 512 MiB, 1 MiB limit", Call: callText, Limits: Limits{MaxOutputBytes: 1 << 20}}, zFrame)

	g300 := taccGzipIDs(300_000_000)
	add(hostileCase{Name: "tacc-gzip raw, 300M IDs, token IDs", Call: callIDs, Raw: true, RawMethod: TaccGzip}, g300)
	add(hostileCase{Name: "tacc-gzip raw, 300M IDs, text", Call: callText, Raw: true, RawMethod: TaccGzip}, g300)
	add(hostileCase{Name: "tacc-gzip raw, 10^9 IDs, token IDs", Call: callIDs, Raw: true, RawMethod: TaccGzip}, taccGzipIDs(1_000_000_000))
	g20 := taccGzipIDs(20_000_000)
	add(hostileCase{Name: "tacc-gzip raw, 20M IDs, token IDs", Call: callIDs, Raw: true, RawMethod: TaccGzip}, g20)
	add(hostileCase{Name: "tacc-gzip raw, 20M IDs, max_tokens 1000", Call: callIDs, Raw: true, RawMethod: TaccGzip,
		Limits: Limits{MaxTokens: 1000}}, g20)

	o := DefaultOptions()
	o.NoChecksum = true
	mf, err := c.CompressTextWith("A valid start of a model frame, then noise.", o)
	if err != nil {
		t.Fatal(err)
	}
	model := append(mf[:min(8, len(mf))], noise(1, 11500)...)
	add(hostileCase{Name: "model frame, 11.5 KB of noise", Call: callText, Want: "any"}, model)
	add(hostileCase{Name: "model frame, 11.5 KB of noise, token IDs", Call: callIDs, Want: "any"}, model)
	add(hostileCase{Name: "model frame, 11.5 KB of noise, 1 MiB / 1000 tokens", Call: callText, Want: "any",
		Limits: Limits{MaxOutputBytes: 1 << 20, MaxTokens: 1000}}, model)

	enc, err := c.NewStreamEncoder()
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.PushText("stream"); err != nil {
		t.Fatal(err)
	}
	first, err := enc.Flush()
	enc.Close()
	if err != nil {
		t.Fatal(err)
	}
	chunk := append(first[:max(0, len(first)-2)], noise(2, 15000)...)
	add(hostileCase{Name: "stream chunk, 15 KB of noise", Call: callStream, Want: "any"}, chunk)
	add(hostileCase{Name: "stream chunk, 15 KB of noise, 64 KiB / 1000 tokens", Call: callStream, Want: "any",
		Limits: Limits{MaxOutputBytes: 64 << 10, MaxTokens: 1000}}, chunk)
	add(hostileCase{Name: "stream chunk, 15 KB of noise, builtin decoder", Call: callStream, Want: "any", Builtin: true}, chunk)

	for _, tok := range []string{"gpt2", "r50k_base", "p50k_base"} {
		add(hostileCase{Name: tok + " compress + tokenize of 1 M spaces", Call: callEncode, Tokenizer: tok, Want: "any"},
			make([]byte, 1_000_000))
	}
	return append(cases, manifestCases(t, dir, write)...)
}

// ---- tests/hostile/manifest.json --------------------------------------------------------------

// manifestCases reads tests/hostile/manifest.json (see tests/hostile.rs): each case with its
// own limits and acceptable error kinds.
func manifestCases(t *testing.T, _ string, write func([]byte) (string, int)) []hostileCase {
	dir := os.Getenv("TACC_HOSTILE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "tests", "hostile")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Logf("no %s/manifest.json: the committed inputs are skipped", dir)
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []struct {
			Name, Decode, File, Tokenizer string
			Limits                        *struct {
				MaxOutputBytes uint64 `json:"max_output_bytes"`
				MaxTokens      uint64 `json:"max_tokens"`
			}
			Expect json.RawMessage
			Chunks []string
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil || len(m.Cases) == 0 {
		t.Fatalf("manifest: %v (%d cases)", err, len(m.Cases))
	}
	rawMethods := map[string]struct {
		m   Method
		ids bool
	}{
		"raw-lopace-hybrid": {LopaceHybrid, false},
		"raw-lopace-token":  {LopaceToken, false},
		"raw-zstd":          {Zstd, false},
		"raw-tacc":          {Tacc, true},
		"raw-tacc-gzip":     {TaccGzip, true},
	}
	var cases []hostileCase
	for _, mc := range m.Cases {
		hc := hostileCase{Name: "manifest " + mc.Name, Tokenizer: mc.Tokenizer}
		if mc.Limits != nil {
			hc.Limits = Limits{MaxOutputBytes: mc.Limits.MaxOutputBytes, MaxTokens: mc.Limits.MaxTokens}
		}
		var one string
		if json.Unmarshal(mc.Expect, &one) == nil {
			hc.Kinds = []string{one}
		} else if err := json.Unmarshal(mc.Expect, &hc.Kinds); err != nil {
			t.Fatalf("%s: expect %s", mc.Name, mc.Expect)
		}
		for _, k := range hc.Kinds {
			if kindErrors[k] == nil {
				t.Fatalf("%s: unknown error kind %s", mc.Name, k)
			}
		}
		var data []byte
		switch r, isRaw := rawMethods[mc.Decode]; {
		case mc.Decode == "stream":
			hc.Call = callStream
			for _, f := range mc.Chunks {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				name, n := write(b)
				hc.Chunks = append(hc.Chunks, name)
				hc.InputLen += n
			}
		case mc.Decode == "frame":
			hc.Call, hc.Frame = callText, true
		case isRaw:
			hc.Call, hc.Raw, hc.RawMethod = callText, true, r.m
			if r.ids {
				hc.Call = callIDs
			}
		default:
			t.Fatalf("%s: unknown decode %s", mc.Name, mc.Decode)
		}
		if mc.Decode != "stream" {
			if data, err = os.ReadFile(filepath.Join(dir, mc.File)); err != nil {
				t.Fatal(err)
			}
			hc.Input, hc.InputLen = write(data)
		}
		cases = append(cases, hc)
	}
	return cases
}

// ---- Parent and child -----------------------------------------------------------------------

func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if raceEnabled {
		t.Skip("the library's limits are checked without -race (the race detector's memory use blurs the bounds)")
	}
	dir := t.TempDir()
	cases := hostileCases(t, dir)
	filter := os.Getenv("TACC_HOSTILE_FILTER")
	for _, hc := range cases {
		if filter != "" && !strings.Contains(hc.Name, filter) {
			continue
		}
		t.Run(hc.Name, func(t *testing.T) {
			spec, _ := json.Marshal(hc)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.v")
			cmd.Env = append(os.Environ(), hostileCaseEV+"="+string(spec))
			out, err := cmd.CombinedOutput()
			report := ""
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "HOSTILE ") {
					report = strings.TrimPrefix(line, "HOSTILE ")
				}
			}
			childPeak := ""
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				childPeak = fmt.Sprintf(" (process peak %.1f MiB)", float64(ru.Maxrss)/(1<<10))
			}
			t.Logf("%d B in: %s%s", hc.InputLen, report, childPeak)
			if err != nil || !strings.Contains(string(out), "HOSTILE ok") {
				t.Fatalf("child failed (%v):\n%s", err, tail(string(out), 3000))
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// statusKiB reads a "Key: N kB" line of /proc/self/status.
func statusKiB(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == key {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			return v
		}
	}
	return 0
}

func vmBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	pages, _ := strconv.ParseUint(strings.Fields(string(b))[0], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func cpuSeconds(ru *syscall.Rusage) float64 {
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// TestHostileChild runs one case in this process (started by TestHostile).
func TestHostileChild(t *testing.T) {
	spec := os.Getenv(hostileCaseEV)
	if spec == "" {
		t.Skip("run by TestHostile")
	}
	var hc hostileCase
	if err := json.Unmarshal([]byte(spec), &hc); err != nil {
		t.Fatal(err)
	}
	var data []byte
	var err error
	if hc.Input != "" {
		if data, err = os.ReadFile(hc.Input); err != nil {
			t.Fatal(err)
		}
	}
	var chunks [][]byte
	for _, f := range hc.Chunks {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, b)
	}
	if hc.Frame {
		if info, err := Inspect(data); err == nil && info.Kind == ContentTokenIDs {
			hc.Call = callIDs
		}
	}
	base, err := NewCodec(hc.Tokenizer)
	if err != nil {
		t.Fatal(err)
	}
	var c *Codec
	if hc.Builtin {
		c, err = NewBuiltinDecoder(hc.Limits)
	} else {
		c, err = base.WithLimits(hc.Limits)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.Tokenize("warm up"); err != nil { // load the vocabulary before measuring
		t.Fatal(err)
	}
	limit := hc.Limits.MaxOutputBytes
	if limit == 0 {
		limit = DefaultMaxOutputBytes
	}
	if !raceEnabled {
		rl := syscall.Rlimit{Cur: vmBytes() + 2*limit + 1<<30, Max: vmBytes() + 2*limit + 1<<30}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &rl); err != nil {
			t.Log("RLIMIT_AS:", err)
		}
	}
	opts := Options{Method: hc.RawMethod, Layout: LayoutRaw}
	var spaces string
	if hc.Call == callEncode {
		// Between two letters: the lookahead of `\s+(?!\S)` then backtracks over the whole run.
		spaces = "x" + strings.Repeat(" ", hc.InputLen-2) + "x"
	}
	var before, after syscall.Rusage
	// The peak of this call alone: reset the process's high-water mark to its current RSS
	// (Linux >= 4.0), then read it back after the call. Without the reset, ru_maxrss (which
	// also holds the peak of what ran before, the parent's included across exec) bounds it.
	hwmReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	rss0 := rssBytes()
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	switch hc.Call {
	case callText:
		if hc.Raw {
			_, err = c.DecompressTextWith(data, opts)
		} else {
			_, err = c.DecompressText(data)
		}
	case callIDs:
		if hc.Raw {
			_, err = c.DecompressTokenIDsWith(data, opts)
		} else {
			_, err = c.DecompressTokenIDs(data)
		}
	case callBytes:
		_, err = c.DecompressBytes(data)
	case callStream:
		var d *StreamDecoder
		d, err = c.NewStreamDecoder()
		if err == nil {
			if chunks == nil {
				chunks = [][]byte{data}
			}
			for _, ch := range chunks {
				if _, _, _, err = d.Push(ch); err != nil {
					break
				}
			}
			d.Close()
		}
	case callEncode:
		_, err = c.CompressText(spaces)
		if err == nil {
			_, err = c.Tokenize(spaces)
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	peak := after.Maxrss * 1024
	if hwm := statusKiB("VmHWM:"); hwmReset && hwm > 0 {
		peak = hwm * 1024
	}
	grew := peak - rss0
	cpu := cpuSeconds(&after) - cpuSeconds(&before)
	bound := int64(limit) + hostileSlack
	if hc.Want == "ok" {
		bound += int64(limit) // a result is copied into Go memory
	}
	var te *Error
	panicked := errors.As(err, &te) && te.Status == StatusInternal
	statusOK := !panicked
	switch {
	case len(hc.Kinds) > 0:
		statusOK = false
		for _, k := range hc.Kinds {
			statusOK = statusOK || errors.Is(err, kindErrors[k])
		}
	case hc.Want == "too_large":
		statusOK = errors.Is(err, ErrTooLarge)
	case hc.Want == "error":
		statusOK = err != nil && !panicked
	case hc.Want == "ok":
		statusOK = err == nil
	}
	verdict := "ok"
	if !statusOK || grew > bound || cpu > hostileCPU {
		verdict = "FAIL"
	}
	fmt.Printf("HOSTILE %s: err %v; peak over the RSS before the call %.1f MiB (bound %.1f), cpu %.2f s (bound %.0f)\n",
		verdict, err, float64(grew)/(1<<20), float64(bound)/(1<<20), cpu, hostileCPU)
	if verdict != "ok" {
		t.Fail()
	}
}
