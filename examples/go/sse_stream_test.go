package main

import (
	"bufio"
	"encoding/base64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

// TestSSEStream starts the Rust example server (examples/stream_sse_server.rs) on loopback,
// reads its SSE stream of compressed chunks and restores the completion live.
// The server binary: $TACC_SSE_SERVER, else target/release/examples/stream_sse_server (built
// with `cargo build --release --example stream_sse_server` when cargo is available).
func TestSSEStream(t *testing.T) {
	root, _ := filepath.Abs("../..")
	bin := os.Getenv("TACC_SSE_SERVER")
	if bin == "" {
		bin = filepath.Join(root, "target/release/examples/stream_sse_server")
		if _, err := exec.LookPath("cargo"); err == nil {
			build := exec.Command("cargo", "build", "--release", "--example", "stream_sse_server")
			build.Dir = root
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("building the server: %v\n%s", err, out)
			}
		}
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no server binary (%v)", err)
	}
	original := "Streamed live: 😀🎉🦀 中文字符 ありがとう déjà vu.\nSecond line, with `code` and more words to carry over several chunks."
	textFile := filepath.Join(t.TempDir(), "completion.txt")
	if err := os.WriteFile(textFile, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	server := exec.Command(bin, textFile)
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	server.Stderr = os.Stderr
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Process.Kill(); server.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))

	for _, flush := range []string{"1", "3", "16"} {
		client := &http.Client{Timeout: 10 * time.Second}
		resp, err := client.Get(base + "/completion?flush=" + flush)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := tacc.NewStreamDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var restored strings.Builder
		finished, events, wire := false, 0, 0
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			chunk, err := base64.StdEncoding.DecodeString(data)
			if err != nil {
				t.Fatal(err)
			}
			_, text, fin, err := dec.Push(chunk)
			if err != nil {
				t.Fatalf("flush=%s event %d: %v", flush, events, err)
			}
			restored.WriteString(text) // shown to the user as it arrives
			events++
			wire += len(chunk)
			finished = fin
		}
		resp.Body.Close()
		dec.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if !finished || restored.String() != original {
			t.Fatalf("flush=%s: finished=%v, restored %q", flush, finished, restored.String())
		}
		t.Logf("flush=%s: %d events, %d chunk bytes for %d text bytes", flush, events, wire, len(original))
	}
}
