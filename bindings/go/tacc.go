// Package tacc is the Go binding of tacc, token-aware compression for LLM text and token
// streams, over its C API (cgo).
//
//	codec, err := tacc.NewCodec("cl100k_base")
//	if err != nil { ... }
//	defer codec.Close()
//	frame, err := codec.CompressTokenIDs(ids)      // a self-describing frame, DefaultOptions()
//	back, err := codec.DecompressTokenIDs(frame)
//	content, err := codec.Decompress(frame)        // any frame: text, token IDs or bytes
//
// Names: CompressText/CompressTokenIDs/CompressBytes write frames and the Decompress calls
// read them; with Options{Layout: LayoutRaw, Method: ...} the ...With calls write and read a
// peer's raw payload instead (tacc 0.1.0 or LoPace 0.1.5, byte for byte).
//
// A Codec is immutable and safe for concurrent use by many goroutines. Close releases it;
// a cleanup registered with runtime.AddCleanup frees a Codec that was never closed.
//
// Errors are *Error values carrying the library's Status; errors.Is(err, tacc.ErrCorrupt) and
// the other sentinels match on it, and (*Error).Kind() is the kind's stable name ("Corrupt").
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
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Method is a frame method; the values are the IDs written in frames.
type Method uint32

// The methods (Stored, Zstd, ..., Model) are generated: tables_gen.go.

// Auto tries every method that fits the content and keeps the smallest frame.
const Auto Method = C.TACC_METHOD_AUTO

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

// Layout says what the compress calls write and the decompress calls read.
type Layout uint32

const (
	// LayoutFrame is tacc's self-describing frame: decoders need no options.
	LayoutFrame Layout = C.TACC_LAYOUT_FRAME
	// LayoutRaw is the method's payload alone, byte-identical to tacc 0.1.0 (Tacc, TaccGzip)
	// or LoPace 0.1.5 (Zstd, LopaceToken, LopaceHybrid); the decoder must be given the same
	// method.
	LayoutRaw Layout = C.TACC_LAYOUT_RAW
)

// Options of the compress and decompress calls. The zero value is not the default (its
// Method is Stored): start from DefaultOptions().
type Options struct {
	Method     Method
	Layout     Layout
	ZstdLevel  int // 1-22; 0 means the library's default
	GzipLevel  int // 1-12; 0 means the library's default
	NoChecksum bool
}

// defaultOptions is what tacc_options_init sets, read once: the library owns the defaults.
var defaultOptions = func() Options {
	var co C.tacc_options
	C.tacc_options_init(&co)
	return Options{
		Method:     Method(co.method),
		Layout:     Layout(co.layout),
		ZstdLevel:  int(co.zstd_level),
		GzipLevel:  int(co.gzip_level),
		NoChecksum: co.flags&C.TACC_FLAG_NO_CHECKSUM != 0,
	}
}()

// DefaultOptions returns the library's defaults (tacc_options_init): a frame made with the
// default method, checksum on.
func DefaultOptions() Options { return defaultOptions }

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

// defaultsMatchLibrary reports whether DefaultOptions() converts back to exactly what
// tacc_options_init() sets (no field lost on the way through Go).
func defaultsMatchLibrary() bool {
	var lib C.tacc_options
	C.tacc_options_init(&lib)
	d := DefaultOptions()
	return lib == d.c()
}

// ContentKind is what a frame holds (tacc_content_kind).
type ContentKind uint32

// The content kinds.
const (
	ContentText     ContentKind = C.TACC_CONTENT_TEXT      // UTF-8 text
	ContentTokenIDs ContentKind = C.TACC_CONTENT_TOKEN_IDS // token IDs
	ContentBytes    ContentKind = C.TACC_CONTENT_BYTES     // bytes that are not UTF-8
)

// Content is a decompressed frame: Kind says which field holds it.
type Content struct {
	Kind     ContentKind
	Text     string   // ContentText
	TokenIDs []uint32 // ContentTokenIDs
	Bytes    []byte   // ContentBytes
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
// it (the Decompress calls, raw payloads included, and Detokenize) and every StreamDecoder made
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

// CompressText compresses text into a frame with DefaultOptions().
func (c *Codec) CompressText(text string) ([]byte, error) {
	return c.CompressTextWith(text, DefaultOptions())
}

// CompressTextWith compresses text with explicit options: a frame, or with LayoutRaw the
// method's peer payload.
func (c *Codec) CompressTextWith(text string, opts Options) ([]byte, error) {
	return c.compress(opts, func(p *C.tacc_codec, co *C.tacc_options, buf *C.tacc_buf, msg **C.char) C.tacc_status {
		return C.tacc_compress_text(p, textPtr(text), C.size_t(len(text)), co, buf, msg)
	})
}

// CompressTokenIDs compresses token IDs into a frame with DefaultOptions().
func (c *Codec) CompressTokenIDs(ids []uint32) ([]byte, error) {
	return c.CompressTokenIDsWith(ids, DefaultOptions())
}

// CompressTokenIDsWith compresses token IDs with explicit options: a frame, or with LayoutRaw
// the method's peer payload.
func (c *Codec) CompressTokenIDsWith(ids []uint32, opts Options) ([]byte, error) {
	return c.compress(opts, func(p *C.tacc_codec, co *C.tacc_options, buf *C.tacc_buf, msg **C.char) C.tacc_status {
		return C.tacc_compress_token_ids(p, idsPtr(ids), C.size_t(len(ids)), co, buf, msg)
	})
}

// CompressBytes compresses arbitrary bytes into a frame with DefaultOptions(): as text when
// they are UTF-8, else with a byte method (the default method falls back to one).
func (c *Codec) CompressBytes(data []byte) ([]byte, error) {
	return c.CompressBytesWith(data, DefaultOptions())
}

// CompressBytesWith compresses bytes with explicit options (frame layout only; token methods
// are refused for bytes that are not UTF-8).
func (c *Codec) CompressBytesWith(data []byte, opts Options) ([]byte, error) {
	return c.compress(opts, func(p *C.tacc_codec, co *C.tacc_options, buf *C.tacc_buf, msg **C.char) C.tacc_status {
		return C.tacc_compress_bytes(p, bytesPtr(data), C.size_t(len(data)), co, buf, msg)
	})
}

// compress runs one tacc_compress_* call and copies its output into Go memory.
func (c *Codec) compress(opts Options, call func(*C.tacc_codec, *C.tacc_options, *C.tacc_buf, **C.char) C.tacc_status) ([]byte, error) {
	var out []byte
	err := c.with(func(p *C.tacc_codec) error {
		co := opts.c()
		var buf C.tacc_buf
		var msg *C.char
		if st := call(p, &co, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// DecompressText restores the text of a frame.
func (c *Codec) DecompressText(data []byte) (string, error) {
	return c.decompressText(data, nil)
}

// DecompressTextWith restores text; opts matter for LayoutRaw.
func (c *Codec) DecompressTextWith(data []byte, opts Options) (string, error) {
	co := opts.c()
	return c.decompressText(data, &co)
}

func (c *Codec) decompressText(data []byte, co *C.tacc_options) (string, error) {
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

// DecompressTokenIDs restores the token IDs of a frame.
func (c *Codec) DecompressTokenIDs(data []byte) ([]uint32, error) {
	return c.AppendDecompressedTokenIDsWith(make([]uint32, 0), data, nil)
}

// DecompressTokenIDsWith restores token IDs; opts matter for LayoutRaw.
func (c *Codec) DecompressTokenIDsWith(data []byte, opts Options) ([]uint32, error) {
	return c.AppendDecompressedTokenIDsWith(make([]uint32, 0), data, &opts)
}

// AppendDecompressedTokenIDs appends the token IDs of a frame to dst and returns the extended
// slice, like strconv.Append*: reusing dst saves an allocation per call in a hot loop.
func (c *Codec) AppendDecompressedTokenIDs(dst []uint32, data []byte) ([]uint32, error) {
	return c.AppendDecompressedTokenIDsWith(dst, data, nil)
}

// AppendDecompressedTokenIDsWith is AppendDecompressedTokenIDs with options (nil: a frame;
// they matter for LayoutRaw).
func (c *Codec) AppendDecompressedTokenIDsWith(dst []uint32, data []byte, opts *Options) ([]uint32, error) {
	err := c.with(func(p *C.tacc_codec) error {
		var co *C.tacc_options
		if opts != nil {
			o := opts.c()
			co = &o
		}
		var ids C.tacc_ids
		var msg *C.char
		if st := C.tacc_decompress_token_ids(p, bytesPtr(data), C.size_t(len(data)), co, &ids, &msg); st != C.TACC_OK {
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

// DecompressBytes restores the bytes of a frame holding bytes or text (what CompressBytes
// made; frames only, so there is no ...With form).
func (c *Codec) DecompressBytes(data []byte) ([]byte, error) {
	var out []byte
	err := c.with(func(p *C.tacc_codec) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_decompress_bytes(p, bytesPtr(data), C.size_t(len(data)), &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// Decompress restores any frame to its content, of the kind its header names.
func (c *Codec) Decompress(data []byte) (Content, error) {
	info, err := Inspect(data)
	if err != nil {
		return Content{}, err
	}
	out := Content{Kind: info.Kind}
	switch info.Kind {
	case ContentTokenIDs:
		out.TokenIDs, err = c.DecompressTokenIDs(data)
	case ContentBytes:
		out.Bytes, err = c.DecompressBytes(data)
	default:
		out.Text, err = c.DecompressText(data)
	}
	if err != nil {
		return Content{}, err
	}
	return out, nil
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
	Method      Method
	Kind        ContentKind // text, token IDs or (non-UTF-8) bytes
	ContentLen  uint64      // v1 frames: bytes of text, or number of token IDs; v2 frames store none: math.MaxUint64
	TokenizerID uint32      // built-in tokenizer (1 cl100k_base ... 7 r50k_base), 0 for none
	HasChecksum bool
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
		Method:      Method(info.method),
		Kind:        ContentKind(info.content_kind),
		ContentLen:  uint64(info.content_len),
		TokenizerID: uint32(info.tokenizer_id),
		HasChecksum: info.has_checksum != 0,
	}, nil
}
