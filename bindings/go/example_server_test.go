package tacc_test

import (
	"fmt"
	"log"
	"slices"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

// An Ollama-style server compresses the token IDs it generates for a Qwen model, and the other
// side (a client, a log reader) restores them. No tokenizer file is needed: the priors file
// names the vocabulary (models/qwen.tpf.zst, in the tacc repository).
func Example_ollamaServer() {
	priors := "../../models/qwen.tpf.zst"

	// Once, at start-up, on each side: a token-ID codec for Qwen. Safe for concurrent use.
	server, err := tacc.NewCodecFromSpec(tacc.CodecSpec{PriorsFile: priors})
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := tacc.NewCodecFromSpec(tacc.CodecSpec{PriorsFile: priors})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// What the model generated, one completion at a time.
	completions := [][]uint32{
		{785, 6722, 315, 9625, 374, 12095, 13, 1084, 374, 3881, 369, 279, 468, 3092, 301, 21938,
			11, 279, 9729, 48506, 323, 1181, 29103, 5397, 13},
		{29187, 62969, 71816, 3643, 279, 12884, 6303, 25, 23327, 92859, 44477, 803, 1091, 5021,
			6174, 13},
	}
	for _, ids := range completions {
		frame, err := server.CompressTokenIDs(ids) // send or store this
		if err != nil {
			log.Fatal(err)
		}
		back, err := client.DecompressTokenIDs(frame)
		if err != nil || !slices.Equal(back, ids) {
			log.Fatalf("restored %v: %v", back, err)
		}
		fmt.Printf("%d tokens -> %d bytes (%d as 4-byte IDs), restored ok\n", len(ids), len(frame), 4*len(ids))
	}
	fmt.Println(server.Tokenizer())
	// Output:
	// 25 tokens -> 29 bytes (100 as 4-byte IDs), restored ok
	// 16 tokens -> 25 bytes (64 as 4-byte IDs), restored ok
	// qwen
}
