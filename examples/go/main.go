package main

import (
	"flag"
	"log"
	"net/http"

	tacc "github.com/tacc-project/tacc/bindings/go"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	codec, err := tacc.NewCodec("cl100k_base")
	if err != nil {
		log.Fatal(err)
	}
	defer codec.Close()
	http.Handle("/completion", CompletionHandler(codec))
	log.Printf("serving tacc frames on http://%s/completion", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
