package tacc

/*
#include <stdlib.h>
#include "tacc.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// CodecSpec describes a codec by names, files and bytes: the C ABI's tacc_codec_spec, whose
// rules for combining the fields live in the library (the Rust core's CodecSpec::build), not
// here. Every field is optional:
//
//   - Tokenizer alone: that vocabulary, a built-in ("cl100k_base", ...) or an open model's
//     ("llama3", "llama4", "qwen", "qwen3_6", "tekken_240911": OpenVocabNames) for token IDs
//     only;
//   - TokenizerFile or TokenizerBytes (with Tokenizer, checked against it): the file's tokenizer
//     (a tiktoken rank file, Llama's tokenizer.model, Tekken JSON); an open model's file is
//     recognized by its token table and named, any other is custom, split by Pattern;
//   - PriorsFile or PriorsBytes alone: token IDs, with the vocabulary the priors name;
//   - nothing: cl100k_base.
//
// MappingFile/MappingBytes and PriorsFile/PriorsBytes then replace the defaults, PriorsDir is
// where an open vocabulary's priors are found by name (<dir>/<name>.tpf.zst), and Limits bounds
// every decode (the zero value: the defaults).
//
// An empty string or a nil slice is "not given"; a non-nil empty slice is an empty file. Give
// each file as a path or as bytes, not both (ErrInvalidArgument).
type CodecSpec struct {
	Tokenizer      string
	TokenizerFile  string
	TokenizerBytes []byte
	Pattern        string
	MappingFile    string
	MappingBytes   []byte
	PriorsFile     string
	PriorsBytes    []byte
	PriorsDir      string
	Limits         Limits
}

// emptyFile is the non-NULL pointer of a given but empty file (C memory, never freed).
var emptyFile = (*C.uint8_t)(C.malloc(1))

// NewCodecFromSpec builds a codec from spec (tacc_codec_new_from_spec): every file is read and
// checked now, so a bad file fails here and not at the first message. The bytes are lent to C
// for this call only (pinned, not copied by Go); the codec keeps no pointer to them.
//
//	codec, err := tacc.NewCodecFromSpec(tacc.CodecSpec{PriorsFile: "models/qwen.tpf.zst"})
func NewCodecFromSpec(spec CodecSpec) (*Codec, error) {
	var cs C.tacc_codec_spec
	C.tacc_codec_spec_init(&cs)
	var pin runtime.Pinner
	defer pin.Unpin()
	var cstrs []*C.char
	defer func() {
		for _, p := range cstrs {
			C.free(unsafe.Pointer(p))
		}
	}()
	str := func(s string) *C.char {
		if s == "" {
			return nil
		}
		p := C.CString(s)
		cstrs = append(cstrs, p)
		return p
	}
	// The C struct lives in Go memory and holds Go pointers: cgo allows that only when they
	// are pinned.
	lend := func(b []byte) (*C.uint8_t, C.size_t) {
		switch {
		case b == nil:
			return nil, 0
		case len(b) == 0:
			return emptyFile, 0
		}
		pin.Pin(&b[0])
		return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
	}
	cs.tokenizer = str(spec.Tokenizer)
	cs.tokenizer_file = str(spec.TokenizerFile)
	cs.tokenizer_bytes, cs.tokenizer_len = lend(spec.TokenizerBytes)
	cs.pattern = str(spec.Pattern)
	cs.mapping_file = str(spec.MappingFile)
	cs.mapping_bytes, cs.mapping_len = lend(spec.MappingBytes)
	cs.priors_file = str(spec.PriorsFile)
	cs.priors_bytes, cs.priors_len = lend(spec.PriorsBytes)
	cs.priors_dir = str(spec.PriorsDir)
	limits := spec.Limits.c()
	pin.Pin(&limits)
	cs.limits = &limits

	var ptr *C.tacc_codec
	var msg *C.char
	if st := C.tacc_codec_new_from_spec(&cs, &ptr, &msg); st != C.TACC_OK {
		return nil, newError(st, msg)
	}
	return wrapCodec(ptr), nil
}

// OpenVocabNames returns the names of the open models' vocabularies the library knows
// ("llama3", "llama4", "qwen", "qwen3_6", "tekken_240911"), in frame-ID order.
func OpenVocabNames() []string {
	var names []string
	for i := 0; ; i++ {
		p := C.tacc_open_vocab_name(C.size_t(i))
		if p == nil {
			return names
		}
		names = append(names, C.GoString(p))
	}
}
