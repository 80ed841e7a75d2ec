//go:build !tacc_local && !tacc_static && !tacc_shared && !(linux && (amd64 || arm64)) && !(darwin && (amd64 || arm64))

package tacc

// No library is shipped for this GOOS/GOARCH: fail the build with a message rather than with
// undefined C symbols. Install the C package and build with -tags tacc_shared or tacc_static.
var _ = no_prebuilt_libtacc_for_this_platform__build_with_tags_tacc_shared_or_tacc_static
