//go:build tacc_static && !tacc_local

package tacc

// -tags tacc_static: an installed C package's static library (tacc-static.pc), so the Go binary
// needs no libtacc.so at run time. One Rust staticlib per binary (docs/GO.md).

// #cgo pkg-config: tacc-static
import "C"
