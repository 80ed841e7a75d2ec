//go:build !tacc_local && !tacc_static && !tacc_shared

package tacc

// Default build on linux/arm64: as link_prebuilt_linux_amd64.go, for lib/linux_arm64 (built
// with TACC_PLATFORM=linux-aarch64 tools/release/go.sh on such a machine; docs/PACKAGING.md).

// #cgo CFLAGS: -I${SRCDIR}/include -DTACC_STATIC
// #cgo LDFLAGS: ${SRCDIR}/lib/linux_arm64/libtacc.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
