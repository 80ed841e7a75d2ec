//go:build tacc_local

package tacc

// -tags tacc_local: the repository's own build (`cargo build --release` at the repository
// root), linked statically; no install or pkg-config needed.

// #cgo CFLAGS: -I${SRCDIR}/../../include -DTACC_STATIC
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libtacc.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
