package tacc

/*
#include "tacc.h"
*/
import "C"

import "unsafe"

// Option sets one field of the options of EncodeAll, started from DefaultOptions(): no
// option, or an option given its zero value, keeps the library's default (klauspost/compress's
// EOption shape).
type Option func(*Options)

// WithMethod picks the frame's method (Auto tries every method that fits and keeps the
// smallest). Without it, the default method.
func WithMethod(m Method) Option { return func(o *Options) { o.Method = m } }

// WithZstdLevel sets the zstd level (1-22) of the methods that use zstd; 0 means the default.
func WithZstdLevel(level int) Option { return func(o *Options) { o.ZstdLevel = level } }

// WithGzipLevel sets the gzip level (1-12) of the methods that use gzip; 0 means the default.
func WithGzipLevel(level int) Option { return func(o *Options) { o.GzipLevel = level } }

// WithChecksum(false) leaves the frame's checksum out (4 bytes less; corruption is then found
// only when it breaks the decoding). The default, and WithChecksum(true), keep it.
func WithChecksum(on bool) Option { return func(o *Options) { o.NoChecksum = !on } }

// EncodeAll appends a frame of src to dst and returns the extended slice, like
// klauspost/compress's zstd (*Encoder).EncodeAll: src is coded as text when it is UTF-8, with
// a byte method otherwise (CompressBytes), and no allocation is made in Go when dst has room.
// Unlike zstd's, it returns an error: a closed codec, or a library failure.
func (c *Codec) EncodeAll(src, dst []byte, opts ...Option) ([]byte, error) {
	o := DefaultOptions()
	for _, set := range opts {
		set(&o)
	}
	// Frames only: a raw payload has no header for DecodeAll to read.
	o.Layout = LayoutFrame
	err := c.with(func(p *C.tacc_codec) error {
		co := o.c()
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_compress_bytes(p, bytesPtr(src), C.size_t(len(src)), &co, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		dst = appendBuf(dst, &buf)
		return nil
	})
	return dst, err
}

// DecodeAll appends the content of a frame of text or bytes (what EncodeAll, CompressText or
// CompressBytes made) to dst and returns the extended slice, within the codec's Limits. On an
// error dst is returned unchanged. Frames of token IDs: AppendDecompressedTokenIDs.
func (c *Codec) DecodeAll(frame, dst []byte) ([]byte, error) {
	err := c.with(func(p *C.tacc_codec) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_decompress_bytes(p, bytesPtr(frame), C.size_t(len(frame)), &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		dst = appendBuf(dst, &buf)
		return nil
	})
	return dst, err
}

// appendBuf appends a library buffer to dst and releases it.
func appendBuf(dst []byte, b *C.tacc_buf) []byte {
	if b.len > 0 {
		dst = append(dst, unsafe.Slice((*byte)(unsafe.Pointer(b.data)), int(b.len))...)
	}
	C.tacc_buf_free(b)
	return dst
}
