//go:build tacc_local

package tacc

// -tags tacc_local: this repository's own build (`cargo build --release` at the repository
// root), linked statically; for developing the binding in a checkout, nothing installed.

// #cgo CFLAGS: -I${SRCDIR}/../../include -DTACC_STATIC
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libtacc.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
