package tacc

import (
	"strings"
	"syscall"
	"testing"
)

// cpuNanos is the CPU time of the whole process (every thread, the GC's included): on a
// shared, loaded machine it moves far less than wall time. Reported as cpu-ns/op.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func reportCPU(b *testing.B, start int64) {
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
}

// benchText is the text the Rust timing helper (examples/ffi_timing.rs) uses too: the first
// 1,000 cl100k_base tokens of it make the benchmark message.
const benchText = "The assistant answered the question about distributed systems in detail. " +
	"Consensus protocols such as Raft elect a leader, replicate a log, and commit entries once a " +
	"majority acknowledges them; followers that fall behind catch up from snapshots. In practice, " +
	"latency depends on the slowest member of the quorum, so deployments spread replicas across " +
	"zones while keeping round trips short. 1234567890 numbers, code like fn main() { println!(\"hi\"); } " +
	"and punctuation -- all appear in completions. "

func benchIDs(b *testing.B, c *Codec) []uint32 {
	ids, err := c.Tokenize(strings.Repeat(benchText, 40))
	if err != nil || len(ids) < 1000 {
		b.Fatalf("%d tokens, %v", len(ids), err)
	}
	return ids[:1000]
}

func BenchmarkCompressTokenIDs1000(b *testing.B) {
	c := newCodec(b)
	ids := benchIDs(b, c)
	b.SetBytes(int64(len(ids) * 4))
	b.ReportAllocs()
	cpu := cpuNanos()
	for b.Loop() {
		if _, err := c.CompressTokenIDs(ids); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(b.N*len(ids))/b.Elapsed().Seconds()/1e6, "Mtokens/s")
}

func BenchmarkDecompressTokenIDs1000(b *testing.B) {
	c := newCodec(b)
	frame, err := c.CompressTokenIDs(benchIDs(b, c))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(4000)
	b.ReportAllocs()
	cpu := cpuNanos()
	for b.Loop() {
		if _, err := c.DecompressTokenIDs(frame); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds()/1e6, "Mtokens/s")
}

// The same decode into a reused slice: no Go allocation per call.
func BenchmarkAppendDecompressedTokenIDs1000(b *testing.B) {
	c := newCodec(b)
	frame, err := c.CompressTokenIDs(benchIDs(b, c))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(4000)
	b.ReportAllocs()
	dst := make([]uint32, 0, 1000)
	cpu := cpuNanos()
	for b.Loop() {
		if dst, err = c.AppendDecompressedTokenIDs(dst[:0], frame); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds()/1e6, "Mtokens/s")
}

func BenchmarkCompressText1000(b *testing.B) {
	c := newCodec(b)
	text, err := c.Detokenize(benchIDs(b, c))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := c.CompressText(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecompressText1000(b *testing.B) {
	c := newCodec(b)
	text, _ := c.Detokenize(benchIDs(b, c))
	frame, err := c.CompressText(text)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := c.DecompressText(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// The cost of one cgo round trip with nothing behind it, for scale.
func BenchmarkCgoCallFloor(b *testing.B) {
	for b.Loop() {
		_ = VersionNumber()
	}
}
