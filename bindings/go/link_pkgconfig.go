//go:build !tacc_static && !tacc_local

package tacc

// Default: the installed package, shared library, found by pkg-config
// (PKG_CONFIG_PATH=<prefix>/lib/pkgconfig; at run time the loader must find libtacc.so:
// LD_LIBRARY_PATH=<prefix>/lib, or link with CGO_LDFLAGS=-Wl,-rpath,<prefix>/lib).

// #cgo pkg-config: tacc
import "C"
