package tacc

/*
#include <stdlib.h>
#include "tacc.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"unsafe"
)

// ErrStreamClosed is returned by calls on a closed StreamEncoder or StreamDecoder.
var ErrStreamClosed = errors.New("tacc: stream is closed")

// StreamEncoder codes token IDs (or text) as they come into chunks, one per Flush; the context
// model's state carries across chunks (docs/STREAM.md). Safe for concurrent use (calls are
// serialized), though a stream is naturally written by one goroutine.
type StreamEncoder struct {
	mu      sync.Mutex
	ptr     *C.tacc_stream_encoder
	cleanup runtime.Cleanup
}

// NewStreamEncoder starts a stream over the codec's tokenizer and model priors. The encoder
// does not need the codec afterwards.
func (c *Codec) NewStreamEncoder() (*StreamEncoder, error) {
	return c.NewStreamEncoderWith(StreamOptions{})
}

// StreamOptions choose how a stream is coded; the zero value is the default stream.
type StreamOptions struct {
	// ChunkCheck adds a 16-bit check to every chunk, so a corrupt chunk is refused at that
	// chunk: for transports without integrity of their own (2 bytes a chunk, docs/STREAM.md).
	ChunkCheck bool
}

// NewStreamEncoderWith starts a stream with the given options.
func (c *Codec) NewStreamEncoderWith(o StreamOptions) (*StreamEncoder, error) {
	var ptr *C.tacc_stream_encoder
	err := c.with(func(p *C.tacc_codec) error {
		var msg *C.char
		var opts C.tacc_stream_options
		C.tacc_stream_options_init(&opts)
		if o.ChunkCheck {
			opts.flags |= C.TACC_STREAM_CHUNK_CHECK
		}
		if st := C.tacc_stream_encoder_new_with(p, &opts, &ptr, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e := &StreamEncoder{ptr: ptr}
	e.cleanup = runtime.AddCleanup(e, func(p *C.tacc_stream_encoder) { C.tacc_stream_encoder_free(p) }, ptr)
	return e, nil
}

func (e *StreamEncoder) with(f func(p *C.tacc_stream_encoder) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr == nil {
		return ErrStreamClosed
	}
	err := f(e.ptr)
	runtime.KeepAlive(e)
	return err
}

// Push adds token IDs to the current chunk (all or none: an unknown ID is an error).
func (e *StreamEncoder) Push(ids []uint32) error {
	return e.with(func(p *C.tacc_stream_encoder) error {
		var msg *C.char
		if st := C.tacc_stream_encoder_push(p, idsPtr(ids), C.size_t(len(ids)), &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		return nil
	})
}

// PushText tokenizes text and adds its tokens to the current chunk.
func (e *StreamEncoder) PushText(text string) error {
	return e.with(func(p *C.tacc_stream_encoder) error {
		var msg *C.char
		if st := C.tacc_stream_encoder_push_text(p, textPtr(text), C.size_t(len(text)), &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		return nil
	})
}

// pushUTF8 is PushText for bytes the caller has checked end on a character boundary: no
// string copy (the bytes are lent to C for the call).
func (e *StreamEncoder) pushUTF8(text []byte) error {
	return e.with(func(p *C.tacc_stream_encoder) error {
		var msg *C.char
		ptr := (*C.char)(unsafe.Pointer(bytesPtr(text)))
		if st := C.tacc_stream_encoder_push_text(p, ptr, C.size_t(len(text)), &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		return nil
	})
}

// Flush ends the current chunk and returns it; send it as one message.
func (e *StreamEncoder) Flush() ([]byte, error) {
	var out []byte
	err := e.with(func(p *C.tacc_stream_encoder) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_stream_encoder_flush(p, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// Finish ends the stream and returns the last chunk (end marker, CRC-32). Later calls
// other than Close fail.
func (e *StreamEncoder) Finish() ([]byte, error) {
	var out []byte
	err := e.with(func(p *C.tacc_stream_encoder) error {
		var buf C.tacc_buf
		var msg *C.char
		if st := C.tacc_stream_encoder_finish(p, &buf, &msg); st != C.TACC_OK {
			return newError(st, msg)
		}
		out = takeBytes(&buf)
		return nil
	})
	return out, err
}

// Close releases the encoder; idempotent.
func (e *StreamEncoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr != nil {
		e.cleanup.Stop()
		C.tacc_stream_encoder_free(e.ptr)
		e.ptr = nil
	}
	return nil
}

// StreamDecoder restores a stream chunk by chunk, in order. After an error every later Push
// fails. Safe for concurrent use (calls are serialized).
type StreamDecoder struct {
	mu      sync.Mutex
	ptr     *C.tacc_stream_decoder
	cleanup runtime.Cleanup
}

// NewStreamDecoder decodes streams made with a built-in tokenizer (the stream header names it),
// within the default Limits.
func NewStreamDecoder() (*StreamDecoder, error) {
	return newStreamDecoder(nil)
}

// NewStreamDecoderWithLimits is NewStreamDecoder within l: a chunk whose output would pass
// l.MaxOutputBytes, or a stream past l.MaxTokens, fails with ErrTooLarge (and the decoder stays
// failed).
func NewStreamDecoderWithLimits(l Limits) (*StreamDecoder, error) {
	c, err := NewBuiltinDecoder(l)
	if err != nil {
		return nil, err
	}
	defer c.Close() // the decoder keeps what it needs
	return c.NewStreamDecoder()
}

// NewStreamDecoder decodes streams made with this codec (needed for custom tokenizers or
// priors) or with a built-in tokenizer, within the codec's Limits (see Codec.WithLimits).
func (c *Codec) NewStreamDecoder() (*StreamDecoder, error) {
	var d *StreamDecoder
	err := c.with(func(p *C.tacc_codec) error {
		var err error
		d, err = newStreamDecoder(p)
		return err
	})
	return d, err
}

func newStreamDecoder(codec *C.tacc_codec) (*StreamDecoder, error) {
	var ptr *C.tacc_stream_decoder
	var msg *C.char
	if st := C.tacc_stream_decoder_new(codec, &ptr, &msg); st != C.TACC_OK {
		return nil, newError(st, msg)
	}
	d := &StreamDecoder{ptr: ptr}
	d.cleanup = runtime.AddCleanup(d, func(p *C.tacc_stream_decoder) { C.tacc_stream_decoder_free(p) }, ptr)
	return d, nil
}

// Push decodes the next chunk: its token IDs, the newly complete text (always valid UTF-8; a
// character split across chunks comes out with the chunk that completes it) and whether the
// chunk ended the stream with a matching CRC-32.
func (d *StreamDecoder) Push(chunk []byte) (ids []uint32, text string, finished bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ptr == nil {
		return nil, "", false, ErrStreamClosed
	}
	var cids C.tacc_ids
	var buf C.tacc_buf
	var fin C.bool
	var msg *C.char
	st := C.tacc_stream_decoder_push(d.ptr, bytesPtr(chunk), C.size_t(len(chunk)), &cids, &buf, &fin, &msg)
	runtime.KeepAlive(d)
	if st != C.TACC_OK {
		return nil, "", false, newError(st, msg)
	}
	return takeIDs(&cids), takeString(&buf), bool(fin), nil
}

// appendText is Push for readers of text: the chunk's new text is appended to dst, its IDs
// are dropped without a copy into Go.
func (d *StreamDecoder) appendText(dst, chunk []byte) ([]byte, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ptr == nil {
		return dst, false, ErrStreamClosed
	}
	var cids C.tacc_ids
	var buf C.tacc_buf
	var fin C.bool
	var msg *C.char
	st := C.tacc_stream_decoder_push(d.ptr, bytesPtr(chunk), C.size_t(len(chunk)), &cids, &buf, &fin, &msg)
	runtime.KeepAlive(d)
	if st != C.TACC_OK {
		return dst, false, newError(st, msg)
	}
	C.tacc_ids_free(&cids)
	return appendBuf(dst, &buf), bool(fin), nil
}

// Finished reports whether the end of the stream arrived (false for a truncated stream).
func (d *StreamDecoder) Finished() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ptr == nil {
		return false
	}
	f := bool(C.tacc_stream_decoder_finished(d.ptr))
	runtime.KeepAlive(d)
	return f
}

// Close releases the decoder; idempotent.
func (d *StreamDecoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ptr != nil {
		d.cleanup.Stop()
		C.tacc_stream_decoder_free(d.ptr)
		d.ptr = nil
	}
	return nil
}
