//go:build !tacc_local && !tacc_static && !tacc_shared

package tacc

// Default build on darwin/amd64: as link_prebuilt_linux_amd64.go, for lib/darwin_amd64 (built on a
// Mac; docs/PACKAGING.md). Not built or run here: the system libraries are what
// `--print native-static-libs` gives for Rust's std on macOS; check them on the release Mac.

// #cgo CFLAGS: -I${SRCDIR}/include -DTACC_STATIC
// #cgo LDFLAGS: ${SRCDIR}/lib/darwin_amd64/libtacc.a -lSystem -lc -lm
import "C"
