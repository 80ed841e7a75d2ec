// Package main is a small example: an HTTP handler that returns a model completion as a tacc
// frame, and a client that restores it.
//
//	go run -tags tacc_local . -addr 127.0.0.1:8080   # in a checkout; serves /completion
//	curl -s 127.0.0.1:8080/completion?prompt=hi | wc -c
package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

// ContentType marks a body that is a tacc frame.
const ContentType = "application/x-tacc-frame"

// generate stands in for a model: it returns the token IDs of a completion.
func generate(codec *tacc.Codec, prompt string) ([]uint32, error) {
	answer := "Here is a short answer to \"" + prompt + "\": token-aware compression maps each token " +
		"to a small integer by frequency and packs the list, so completions travel in a fraction of their size."
	return codec.Tokenize(strings.Repeat(answer+" ", 3))
}

// CompletionHandler serves the completion of ?prompt= as a frame of token IDs (what an
// inference server has in hand), or of text with ?as=text.
func CompletionHandler(codec *tacc.Codec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ids, err := generate(codec, r.URL.Query().Get("prompt"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var frame []byte
		if r.URL.Query().Get("as") == "text" {
			var text string
			if text, err = codec.Detokenize(ids); err == nil {
				frame, err = codec.CompressText(text)
			}
		} else {
			frame, err = codec.CompressTokenIDs(ids)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("X-Tacc-Tokenizer", codec.Tokenizer())
		_, _ = w.Write(frame)
	})
}

// FetchCompletion asks the server at baseURL for a completion and restores its text.
// Returns the text and the number of bytes that crossed the wire.
func FetchCompletion(client *http.Client, codec *tacc.Codec, baseURL, prompt string, asText bool) (string, int, error) {
	url := baseURL + "/completion?prompt=" + strings.ReplaceAll(prompt, " ", "+")
	if asText {
		url += "&as=text"
	}
	resp, err := client.Get(url)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", 0, err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ContentType {
		return "", len(body), fmt.Errorf("server said %s: %s", resp.Status, body)
	}
	content, err := codec.Decompress(body) // a frame of token IDs or of text: its header says
	if err != nil {
		return "", len(body), err
	}
	if content.Kind == tacc.ContentTokenIDs {
		text, err := codec.Detokenize(content.TokenIDs)
		return text, len(body), err
	}
	return content.Text, len(body), nil
}
