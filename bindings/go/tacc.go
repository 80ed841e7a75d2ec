// Package tacc is the Go binding of tacc, token-aware compression for LLM text and token
// streams, over its C API (cgo).
//
//	codec, err := tacc.NewCodec("cl100k_base")
//	if err != nil { ... }
//	defer codec.Close()
//	frame, err := codec.EncodeTokenIDs(ids)        // a self-describing frame (tacc-gzip)
//	back, err := codec.DecodeTokenIDs(frame)
//
// A Codec is immutable and safe for concurrent use by many goroutines. Close releases it;
// a cleanup registered with runtime.AddCleanup frees a Codec that was never closed.
//
// Decoding hostile input: every decode call works within the codec's Limits (by default 64 MiB
// of output and 16 Mi tokens per call); codec.WithLimits(tacc.Limits{...}) sets others, and a
// payload that would pass them fails with ErrTooLarge before the memory is allocated.
//
// Memory: Go memory is lent to C for the duration of one call only; every result the library
// allocates is copied into Go memory and released with the library's own free function.
package tacc

/*
#include <stdlib.h>
#include "tacc.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Method is a frame method; the values are the IDs written in frames.
type Method uint32

// The methods. Auto tries every method that fits the content and keeps the smallest frame.
const (
	Stored       Method = C.TACC_METHOD_STORED
	Zstd         Method = C.TACC_METHOD_ZSTD
	Gzip         Method = C.TACC_METHOD_GZIP
	LopaceToken  Method = C.TACC_METHOD_LOPACE_TOKEN
	LopaceHybrid Method = C.TACC_METHOD_LOPACE_HYBRID
	Tacc         Method = C.TACC_METHOD_TACC
	TaccGzip     Method = C.TACC_METHOD_TACC_GZIP
	Model        Method = C.TACC_METHOD_MODEL
	ModelV1      Method = C.TACC_METHOD_MODEL_V1
	Auto         Method = C.TACC_METHOD_AUTO
)

// String returns the method's name ("tacc-gzip", ...).
func (m Method) String() string {
	if p := C.tacc_method_name(C.uint32_t(m)); p != nil {
		return C.GoString(p)
	}
	return fmt.Sprintf("Method(%d)", uint32(m))
}

// ParseMethod returns the method named name ("tacc-gzip", "lopace-hybrid", "auto", ...).
func ParseMethod(name string) (Method, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var m C.uint32_t
	var msg *C.char
	if st := C.tacc_method_from_name(cs, &m, &msg); st != C.TACC_OK {
		return 0, newError(st, msg)
	}
	return Method(m), nil
}

// Layout says what the encode calls write and the decode calls read.
type Layout uint32

const (
	// Frame is tacc's self-describing frame: decoders need no options.
	Frame Layout = C.TACC_LAYOUT_FRAME
	// Raw is the method's payload alone, byte-identical to tacc 0.1.0 (Tacc, TaccGzip) or
	// LoPace 0.1.5 (Zstd, LopaceToken, LopaceHybrid); the decoder must be given the same method.
	Raw Layout = C.TACC_LAYOUT_RAW
)

// Options of the encode and decode calls. The zero value is not the default: start from
// DefaultOptions().
type Options struct {
	Method     Method
	Layout     Layout
	ZstdLevel  int // 1-22, 0 for the default (15)
	GzipLevel  int // 1-12, 0 for the default (9)
	NoChecksum bool
}

// DefaultOptions returns the library's defaults: a frame made with Model (the context model), checksum on.
// (Built in Go rather than by tacc_options_init: one cgo call less per operation; a test
// checks both agree.)
func DefaultOptions() Options {
	return Options{Method: Model, Layout: Frame}
}

func (o *Options) c() C.tacc_options {
	var co C.tacc_options
	co.struct_size = C.size_t(unsafe.Sizeof(co))
	co.method = C.uint32_t(o.Method)
	co.layout = C.uint32_t(o.Layout)
	co.zstd_level = C.int32_t(o.ZstdLevel)
	co.gzip_level = C.int32_t(o.GzipLevel)
	if o.NoChecksum {
		co.flags |= C.TACC_FLAG_NO_CHECKSUM
	}
	return co
}

// defaultsMatchLibrary reports whether DefaultOptions() is what tacc_options_init() sets.
func defaultsMatchLibrary() bool {
	var lib C.tacc_options
	C.tacc_options_init(&lib)
	d := DefaultOptions()
	return lib == d.c()
}

// Status is the library's status code (tacc_status).
type Status int32

// Status codes (never renumbered).
const (
	StatusInvalidArgument  Status = C.TACC_ERR_INVALID_ARGUMENT
	StatusNullArgument     Status = C.TACC_ERR_NULL_ARGUMENT
	StatusUnknownTokenizer Status = C.TACC_ERR_UNKNOWN_TOKENIZER
	StatusUnknownToken     Status = C.TACC_ERR_UNKNOWN_TOKEN
	StatusCorrupt          Status = C.TACC_ERR_CORRUPT
	StatusChecksum         Status = C.TACC_ERR_CHECKSUM
	StatusTooLarge         Status = C.TACC_ERR_TOO_LARGE
	StatusInvalidUTF8      Status = C.TACC_ERR_INVALID_UTF8
	StatusMismatch         Status = C.TACC_ERR_MISMATCH
	StatusIO               Status = C.TACC_ERR_IO
	StatusPanic            Status = C.TACC_ERR_PANIC
)

// String returns the library's static description of the status.
func (s Status) String() string { return C.GoString(C.tacc_status_str(C.int32_t(s))) }

// Error is a failed call: the status and the library's message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string { return "tacc: " + e.Message }

// Is makes errors.Is(err, tacc.ErrCorrupt) and the like match on the status.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Message == "" && t.Status == e.Status
}

// Sentinels for errors.Is.
var (
	ErrInvalidArgument  = &Error{Status: StatusInvalidArgument}
	ErrUnknownTokenizer = &Error{Status: StatusUnknownTokenizer}
	ErrUnknownToken     = &Error{Status: StatusUnknownToken}
	ErrCorrupt          = &Error{Status: StatusCorrupt}
	ErrChecksum         = &Error{Status: StatusChecksum}
	ErrTooLarge         = &Error{Status: StatusTooLarge}
	ErrInvalidUTF8      = &Error{Status: StatusInvalidUTF8}
	ErrMismatch         = &Error{Status: StatusMismatch}
	// ErrClosed is returned by calls on a closed Codec.
	ErrClosed = errors.New("tacc: codec is closed")
)

func newError(st C.tacc_status, msg *C.char) error {
	e := &Error{Status: Status(st)}
	if msg != nil {
		e.Message = C.GoString(msg)
		C.tacc_str_free(msg)
	} else {
		e.Message = e.Status.String()
	}
	return e
}

// Version is the loaded library's version ("0.1.0").
func Version() string { return C.GoString(C.tacc_version_string()) }

// VersionNumber is the loaded library's version packed as (major<<16)|(minor<<8)|patch.
func VersionNumber() uint32 { return uint32(C.tacc_version()) }

// HeaderVersionNumber is the version of the header this package was compiled against.
const HeaderVersionNumber = uint32(C.TACC_VERSION_NUMBER)

// Codec is a tokenizer plus its tacc mapping. Safe for concurrent use.
type Codec struct {
	mu      sync.RWMutex // read-held by every call, write-held by Close: no use after free
	ptr     *C.tacc_codec
	name    string
	cleanup runtime.Cleanup
}

// NewCodec returns a codec for a built-in tokenizer: cl100k_base, gpt2, o200k_base,
// o200k_harmony, p50k_base, p50k_edit, r50k_base. Vocabularies load once per process.
func NewCodec(tokenizer string) (*Codec, error) {
	cs := C.CString(tokenizer)
	defer C.free(unsafe.Pointer(cs))
	var ptr *C.tacc_codec
	var msg *C.char
	if st := C.tacc_codec_new(cs, &ptr, &msg); st != C.TACC_OK {
		return nil, newError(st, msg)
	}
	return wrapCodec(ptr), nil
}

func wrapCodec(ptr *C.tacc_codec) *Codec {
	c := &Codec{ptr: ptr, name: C.GoString(C.tacc_codec_tokenizer(ptr))}
	// Safety net only: frees a codec that became unreachable without Close.
	c.cleanup = runtime.AddCleanup(c, func(p *C.tacc_codec) { C.tacc_codec_free(p) }, ptr)
	return c
}

// Limits bounds what one decode call may produce: payloads come from the network, so a
// decode that would pass a limit fails with ErrTooLarge (the message names the limit) before
// the memory is allocated or the work done. The zero value means the defaults; a field of 0
// means its default; values above the hard caps (MaxOutputBytesCap, MaxTokensCap) are lowered
// to them.
type Limits struct {
	// MaxOutputBytes is the largest output of one call: text or bytes, or token IDs × 4
	// (a stream decoder: of one pushed chunk). Default DefaultMaxOutputBytes (64 MiB).
	MaxOutputBytes uint64
	// MaxTokens is the largest number of token IDs one call decodes (a stream decoder: in the
	// whole stream). Default DefaultMaxTokens (16 Mi).
	MaxTokens uint64
}

// The defaults and hard caps of Limits.
const (
	DefaultMaxOutputBytes uint64 = C.TACC_DEFAULT_MAX_OUTPUT_BYTES
	DefaultMaxTokens      uint64 = C.TACC_DEFAULT_MAX_TOKENS
	MaxOutputBytesCap     uint64 = C.TACC_MAX_OUTPUT_BYTES
	MaxTokensCap          uint64 = C.TACC_MAX_TOKENS
)

func (l Limits) c() C.tacc_limits {
	var cl C.tacc_limits
	cl.struct_size = C.size_t(unsafe.Sizeof(cl))
	cl.max_output_bytes = C.uint64_t(l.MaxOutputBytes)
	cl.max_tokens = C.uint64_t(l.MaxTokens)
	return cl
}

func newCodecWithLimits(base *C.tacc_codec, l Limits) (*Codec, error) {
	cl := l.c()
	var ptr *C.tacc_codec
	var msg *C.char
	if st := C.tacc_codec_with_limits(base, &cl, &ptr, &msg); st != C.TACC_OK {
		return nil, newError(st, msg)
	}
	return wrapCodec(ptr), nil
}

// WithLimits returns a new codec, the same as c but decoding within l: every decode call on
// it (DecompressText, DecodeTokenIDs, the raw layouts, Detokenize) and every StreamDecoder made
// from it honours l. Cheap: the tables are shared. The two codecs are closed independently.
//
//	limited, err := codec.WithLimits(tacc.Limits{MaxOutputBytes: 1 << 20})
func (c *Codec) WithLimits(l Limits) (*Codec, error) {
	var out *Codec
	err := c.with(func(p *C.tacc_codec) error {
		var err error
		out, err = newCodecWithLimits(p, l)
		return err
	})
	return out, err
}

// NewBuiltinDecoder returns a codec for frames and streams made with any built-in tokenizer
// (the header names it), decoding within l. It is a codec over the first built-in tokenizer
// of the library (Tokenizer names it).
func NewBuiltinDecoder(l Limits) (*Codec, error) {
	return newCodecWithLimits(nil, l)
}

// Limits returns the limits c decodes within, defaults filled in and caps applied
// (a codec from NewCodec has the defaults).
func (c *Codec) Limits() (Limits, error) {
	var out Limits
	err := c.with(func(p *C.tacc_codec) error {
		var cl C.tacc_limits
		C.tacc_limits_init(&cl)
		var msg *C.char
		if st := C.tacc_codec_limits(p, &cl, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = Limits{MaxOutputBytes: uint64(cl.max_output_bytes), MaxTokens: uint64(cl.max_tokens)}
		return nil
	})
	return out, err
}

// Close releases the codec. It waits for calls in progress, is idempotent, and later calls
// return ErrClosed.
func (c *Codec) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		c.cleanup.Stop()
		C.tacc_codec_free(c.ptr)
		c.ptr = nil
	}
	return nil
}

// Tokenizer is the codec's tokenizer name.
func (c *Codec) Tokenizer() string { return c.name }

// with runs f with the live C handle, holding the read lock.
func (c *Codec) with(f func(p *C.tacc_codec) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}
	err := f(c.ptr)
	runtime.KeepAlive(c)
	return err
}

func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

func textPtr(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

func idsPtr(ids []uint32) *C.uint32_t {
	if len(ids) == 0 {
		return nil
	}
	return (*C.uint32_t)(unsafe.Pointer(&ids[0]))
}

// takeBytes copies a library buffer into Go memory and releases it.
func takeBytes(b *C.tacc_buf) []byte {
	out := make([]byte, int(b.len))
	if b.len > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(b.data)), int(b.len)))
	}
	C.tacc_buf_free(b)
	return out
}

func takeString(b *C.tacc_buf) string {
	s := ""
	if b.len > 0 {
		s = string(unsafe.Slice((*byte)(unsafe.Pointer(b.data)), int(b.len)))
	}
	C.tacc_buf_free(b)
	return s
}

func takeIDs(b *C.tacc_ids) []uint32 {
	out := make([]uint32, int(b.len))
	if b.len > 0 {
		copy(out, unsafe.Slice((*uint32)(unsafe.Pointer(b.data)), int(b.len)))
	}
	C.tacc_ids_free(b)
	return out
}

// EncodeTokenIDs compresses token IDs into a frame with the default method (model).
func (c *Codec) EncodeTokenIDs(ids []uint32) ([]byte, error) {
	return c.EncodeTokenIDsWith(ids, DefaultOptions())
}

// EncodeTokenIDsWith compresses token IDs with explicit options (method, layout, levels).
func (c *Codec) EncodeTokenIDsWith(ids []uint32, opts Options) ([]byte, error) {
	var out []byte
	err := c.with(func(p *C.tacc_codec) error {
		co := opts.c()
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_compress_token_ids(p, idsPtr(ids), C.size_t(len(ids)), &co, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// DecodeTokenIDs restores the token IDs of a frame.
func (c *Codec) DecodeTokenIDs(data []byte) ([]uint32, error) {
	return c.decodeIDs(data, nil)
}

// DecodeTokenIDsWith restores token IDs; opts matter for the raw layout.
func (c *Codec) DecodeTokenIDsWith(data []byte, opts Options) ([]uint32, error) {
	co := opts.c()
	return c.decodeIDs(data, &co)
}

// AppendDecodedTokenIDs appends the token IDs of a frame to dst and returns the extended
// slice, like strconv.Append*: reusing dst saves an allocation per call in a hot loop.
func (c *Codec) AppendDecodedTokenIDs(dst []uint32, data []byte) ([]uint32, error) {
	err := c.with(func(p *C.tacc_codec) error {
		var ids C.tacc_ids
		var msg *C.char
		if st := C.tacc_decompress_token_ids(p, bytesPtr(data), C.size_t(len(data)), nil, &ids, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		if ids.len > 0 {
			dst = append(dst, unsafe.Slice((*uint32)(unsafe.Pointer(ids.data)), int(ids.len))...)
		}
		C.tacc_ids_free(&ids)
		return nil
	})
	return dst, err
}

func (c *Codec) decodeIDs(data []byte, co *C.tacc_options) ([]uint32, error) {
	var out []uint32
	err := c.with(func(p *C.tacc_codec) error {
		var ids C.tacc_ids
		var msg *C.char
		if st := C.tacc_decompress_token_ids(p, bytesPtr(data), C.size_t(len(data)), co, &ids, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeIDs(&ids)
		return nil
	})
	return out, err
}

// CompressText compresses text into a frame with the default method (model).
func (c *Codec) CompressText(text string) ([]byte, error) {
	return c.CompressTextWith(text, DefaultOptions())
}

// CompressTextWith compresses text with explicit options (method, layout, levels).
func (c *Codec) CompressTextWith(text string, opts Options) ([]byte, error) {
	var out []byte
	err := c.with(func(p *C.tacc_codec) error {
		co := opts.c()
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_compress_text(p, textPtr(text), C.size_t(len(text)), &co, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// DecompressText restores the text of a frame.
func (c *Codec) DecompressText(data []byte) (string, error) {
	return c.decodeText(data, nil)
}

// DecompressTextWith restores text; opts matter for the raw layout.
func (c *Codec) DecompressTextWith(data []byte, opts Options) (string, error) {
	co := opts.c()
	return c.decodeText(data, &co)
}

func (c *Codec) decodeText(data []byte, co *C.tacc_options) (string, error) {
	var out string
	err := c.with(func(p *C.tacc_codec) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_decompress_text(p, bytesPtr(data), C.size_t(len(data)), co, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeString(&buf)
		return nil
	})
	return out, err
}

// Tokenize returns the token IDs of text.
func (c *Codec) Tokenize(text string) ([]uint32, error) {
	var out []uint32
	err := c.with(func(p *C.tacc_codec) error {
		var ids C.tacc_ids
		var msg *C.char
		if st := C.tacc_tokenize(p, textPtr(text), C.size_t(len(text)), &ids, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeIDs(&ids)
		return nil
	})
	return out, err
}

// Detokenize returns the text of token IDs.
func (c *Codec) Detokenize(ids []uint32) (string, error) {
	var out string
	err := c.with(func(p *C.tacc_codec) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_detokenize(p, idsPtr(ids), C.size_t(len(ids)), &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeString(&buf)
		return nil
	})
	return out, err
}

// FrameInfo is what a frame's header says.
type FrameInfo struct {
	Method       Method
	TokenIDs     bool   // the frame holds token IDs (else text or bytes)
	ContentLen   uint64 // v1 frames: bytes of text, or number of token IDs; v2 frames store none: math.MaxUint64
	TokenizerID  uint32 // built-in tokenizer (1 cl100k_base ... 7 r50k_base), 0 for none
	HasChecksum  bool
	ContentIsRaw bool // non-UTF-8 bytes
}

// Inspect reads a frame's header without decoding the payload.
func Inspect(frame []byte) (FrameInfo, error) {
	var info C.tacc_frame_info
	info.struct_size = C.size_t(unsafe.Sizeof(info))
	var msg *C.char
	if st := C.tacc_frame_inspect(bytesPtr(frame), C.size_t(len(frame)), &info, &msg); st != C.TACC_OK {
		return FrameInfo{}, newError(st, msg)
	}
	return FrameInfo{
		Method:       Method(info.method),
		TokenIDs:     info.content_kind == C.TACC_CONTENT_TOKEN_IDS,
		ContentLen:   uint64(info.content_len),
		TokenizerID:  uint32(info.tokenizer_id),
		HasChecksum:  info.has_checksum != 0,
		ContentIsRaw: info.content_kind == C.TACC_CONTENT_BYTES,
	}, nil
}
