//go:build !tacc_local && !tacc_static && !tacc_shared

package tacc

// Default build, what `go get` users get: the stripped static library shipped inside the
// module (lib/linux_amd64/libtacc.a) and the header beside it (include/tacc.h), both added by
// tools/release/go.sh to the tagged release; a checkout of the repository has neither (use
// -tags tacc_local there). The system libraries are `cargo rustc --print native-static-libs`'
// (.ci/go.sh checks them against the C package's tacc-static.pc).

// #cgo CFLAGS: -I${SRCDIR}/include -DTACC_STATIC
// #cgo LDFLAGS: ${SRCDIR}/lib/linux_amd64/libtacc.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
