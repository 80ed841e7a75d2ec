//go:build tacc_shared && !tacc_static && !tacc_local

package tacc

// -tags tacc_shared: an installed C package's shared library, found by pkg-config
// (PKG_CONFIG_PATH=<prefix>/lib/pkgconfig; at run time the loader must find libtacc.so.0:
// LD_LIBRARY_PATH=<prefix>/lib, or link with CGO_LDFLAGS=-Wl,-rpath,<prefix>/lib). The build
// for programs that link another Rust static library too (docs/GO.md).

// #cgo pkg-config: tacc
import "C"
