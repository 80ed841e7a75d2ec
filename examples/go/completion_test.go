package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

// The server and the client talk over loopback (127.0.0.1) only.
func TestServerAndClientOnLoopback(t *testing.T) {
	codec, err := tacc.NewCodec("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	defer codec.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Listener.Close()
	srv.Listener = ln
	mux := http.NewServeMux()
	mux.Handle("/completion", CompletionHandler(codec))
	srv.Config.Handler = mux
	srv.Start()
	defer srv.Close()

	for _, asText := range []bool{false, true} {
		text, wire, err := FetchCompletion(srv.Client(), codec, srv.URL, "what is tacc", asText)
		if err != nil {
			t.Fatal(err)
		}
		ids, _ := generate(codec, "what is tacc")
		want, _ := codec.Detokenize(ids)
		if text != want {
			t.Fatalf("restored %q, want %q", text, want)
		}
		if !strings.HasPrefix(text, "Here is a short answer") || wire >= len(want) {
			t.Fatalf("as text=%v: %d bytes on the wire for %d bytes of text", asText, wire, len(want))
		}
		t.Logf("as text=%v: %d bytes of completion sent as %d bytes", asText, len(want), wire)
	}
}
