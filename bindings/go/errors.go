package tacc

/*
#include "tacc.h"
*/
import "C"

import (
	"errors"
	"fmt"
)

// Status is the library's status code (tacc_status): the code of the core's error kind
// (tacc::ErrorKind). Codes are never renumbered.
type Status int32

// The Status constants (StatusCorrupt, ...) are generated: tables_gen.go.

// String returns the library's description of the status ("corrupt input", ...).
func (s Status) String() string { return C.GoString(C.tacc_status_str(C.int32_t(s))) }

// Name returns the stable name of the status's error kind ("Corrupt", "TooLarge", ...), the
// name every binding uses; "" for a code the library does not know.
func (s Status) Name() string { return statusName(s) }

// statusName asks the library (tacc_status_name): the core's ErrorKind names each status.
func statusName(s Status) string {
	if p := C.tacc_status_name(C.int32_t(s)); p != nil {
		return C.GoString(p)
	}
	return ""
}

// Error is a failed library call: its status and the library's message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "tacc: " + e.Status.String()
	}
	return "tacc: " + e.Message
}

// Kind is the stable name of the error's kind ("Corrupt", ...): see Status.Name.
func (e *Error) Kind() string {
	if n := e.Status.Name(); n != "" {
		return n
	}
	return fmt.Sprintf("Status(%d)", int32(e.Status))
}

// Is makes errors.Is(err, tacc.ErrCorrupt) and the like match on the status.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Status == e.Status
}

// The sentinels (ErrCorrupt, ...) are generated: tables_gen.go.

// ErrClosed is returned by calls on a closed Codec.
var ErrClosed = errors.New("tacc: codec is closed")

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
