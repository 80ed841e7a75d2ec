package tacc

/*
#include <stdlib.h>
#include "tacc.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// The batch calls: many items in one cgo call, compressed or restored on several threads by
// the library (tacc_encode_batch / tacc_decode_batch), results in input order. threads is the
// number of threads, 0 meaning one per core; the bytes are the same at any count. One bad item
// fails alone: its result is nil and the returned *BatchError holds its error at its index.

// BatchError reports the items of a batch call that failed. Errs has one entry per input item,
// nil where the item succeeded. errors.Is and errors.As look through every item's error.
type BatchError struct {
	Errs []error
}

// Failed is the number of items that failed.
func (e *BatchError) Failed() int {
	n := 0
	for _, err := range e.Errs {
		if err != nil {
			n++
		}
	}
	return n
}

func (e *BatchError) Error() string {
	for i, err := range e.Errs {
		if err != nil {
			return fmt.Sprintf("tacc: %d of %d items failed; first, item %d: %v", e.Failed(), len(e.Errs), i, err)
		}
	}
	return "tacc: no item failed"
}

// Unwrap returns the failed items' errors, for errors.Is and errors.As.
func (e *BatchError) Unwrap() []error {
	var out []error
	for _, err := range e.Errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// CompressBatch compresses every item as EncodeAll would (text when UTF-8, else a byte
// method), on threads threads (0: one per core). frames[i] is item i's frame, nil if it failed.
func (c *Codec) CompressBatch(items [][]byte, threads int, opts ...Option) ([][]byte, error) {
	o := DefaultOptions()
	for _, set := range opts {
		set(&o)
	}
	o.Layout = LayoutFrame
	co := o.c()
	out := make([][]byte, len(items))
	err := c.runBatch(true, C.TACC_CONTENT_BYTES, len(items), func(i int) (unsafe.Pointer, int) {
		return sliceData(items[i]), len(items[i])
	}, &co, threads, func(i int, r *C.tacc_item_result) {
		out[i] = C.GoBytes(r.data, C.int(r.len))
	})
	return out, err
}

// CompressTokenIDsBatch compresses every token-ID sequence into a frame, as CompressTokenIDs
// would, on threads threads (0: one per core).
func (c *Codec) CompressTokenIDsBatch(items [][]uint32, threads int, opts ...Option) ([][]byte, error) {
	o := DefaultOptions()
	for _, set := range opts {
		set(&o)
	}
	o.Layout = LayoutFrame
	co := o.c()
	out := make([][]byte, len(items))
	err := c.runBatch(true, C.TACC_CONTENT_TOKEN_IDS, len(items), func(i int) (unsafe.Pointer, int) {
		return sliceData(items[i]), len(items[i])
	}, &co, threads, func(i int, r *C.tacc_item_result) {
		out[i] = C.GoBytes(r.data, C.int(r.len))
	})
	return out, err
}

// DecompressBatch restores every frame of text or bytes as DecodeAll would, each within the
// codec's Limits, on threads threads (0: one per core).
func (c *Codec) DecompressBatch(frames [][]byte, threads int) ([][]byte, error) {
	out := make([][]byte, len(frames))
	err := c.runBatch(false, C.TACC_CONTENT_BYTES, len(frames), func(i int) (unsafe.Pointer, int) {
		return sliceData(frames[i]), len(frames[i])
	}, nil, threads, func(i int, r *C.tacc_item_result) {
		out[i] = C.GoBytes(r.data, C.int(r.len))
		if out[i] == nil {
			out[i] = []byte{}
		}
	})
	return out, err
}

// DecompressTokenIDsBatch restores every frame of token IDs, each within the codec's Limits,
// on threads threads (0: one per core).
func (c *Codec) DecompressTokenIDsBatch(frames [][]byte, threads int) ([][]uint32, error) {
	out := make([][]uint32, len(frames))
	err := c.runBatch(false, C.TACC_CONTENT_TOKEN_IDS, len(frames), func(i int) (unsafe.Pointer, int) {
		return sliceData(frames[i]), len(frames[i])
	}, nil, threads, func(i int, r *C.tacc_item_result) {
		ids := make([]uint32, int(r.len))
		if r.len > 0 {
			copy(ids, unsafe.Slice((*uint32)(r.data), int(r.len)))
		}
		out[i] = ids
	})
	return out, err
}

// sliceData is the first element's address, or nil for an empty slice.
func sliceData[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}

// notWritten marks a result the library has not written (no status has this value).
const notWritten = -1

// runBatch makes one batch call over n items (at gives item i's address and length) and hands
// each successful result to take; failed items become a *BatchError. The item array lives in C
// memory and holds pointers to Go memory, so those are pinned for the call (cgo's rules).
func (c *Codec) runBatch(encode bool, kind C.uint32_t, n int, at func(int) (unsafe.Pointer, int),
	opts *C.tacc_options, threads int, take func(int, *C.tacc_item_result)) error {
	if threads < 0 || int64(threads) > int64(^uint32(0)) {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("threads %d: 0 (one per core) or a positive count", threads)}
	}
	if n == 0 {
		return nil
	}
	items := unsafe.Slice((*C.tacc_item)(C.malloc(C.size_t(n)*C.sizeof_tacc_item)), n)
	defer C.free(unsafe.Pointer(&items[0]))
	results := unsafe.Slice((*C.tacc_item_result)(C.malloc(C.size_t(n)*C.sizeof_tacc_item_result)), n)
	defer C.free(unsafe.Pointer(&results[0]))
	var pinner runtime.Pinner
	defer pinner.Unpin()
	for i := range items {
		p, l := at(i)
		if p != nil {
			pinner.Pin(p)
		}
		items[i].data = p
		items[i].len = C.size_t(l)
		results[i] = C.tacc_item_result{status: notWritten}
	}
	var callErr error
	err := c.with(func(p *C.tacc_codec) error {
		var msg *C.char
		var st C.tacc_status
		if encode {
			st = C.tacc_encode_batch(p, kind, &items[0], C.size_t(n), opts, C.uint32_t(threads), &results[0], &msg)
		} else {
			st = C.tacc_decode_batch(p, &items[0], C.size_t(n), kind, opts, C.uint32_t(threads), &results[0], &msg)
		}
		if st != C.TACC_OK && results[0].status == notWritten {
			// The call itself was refused (arguments): no item was done.
			return newError(st, msg)
		}
		if msg != nil {
			C.tacc_str_free(msg)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for i := range results {
		r := &results[i]
		if r.status == C.TACC_OK {
			take(i, r)
			C.tacc_free(r.data)
			continue
		}
		if errs == nil {
			errs = make([]error, n)
		}
		errs[i] = newError(r.status, r.err_msg) // frees the message
	}
	if errs != nil {
		callErr = &BatchError{Errs: errs}
	}
	return callErr
}
