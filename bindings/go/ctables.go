package tacc

/*
#include "tacc.h"
*/
import "C"

// The C header's constants beside the generated Go ones (tables_gen.go), for
// TestGeneratedTables: cgo is not allowed in _test.go files. A kind or method without a C
// constant here is still checked through the library (tacc_status_name, tacc_method_name).
var (
	cStatuses = [][2]Status{
		{StatusInvalidArgument, C.TACC_ERR_INVALID_ARGUMENT},
		{StatusNullArgument, C.TACC_ERR_NULL_ARGUMENT},
		{StatusUnknownTokenizer, C.TACC_ERR_UNKNOWN_TOKENIZER},
		{StatusUnknownID, C.TACC_ERR_UNKNOWN_TOKEN},
		{StatusCorrupt, C.TACC_ERR_CORRUPT},
		{StatusChecksumMismatch, C.TACC_ERR_CHECKSUM},
		{StatusTooLarge, C.TACC_ERR_TOO_LARGE},
		{StatusInvalidUTF8, C.TACC_ERR_INVALID_UTF8},
		{StatusMismatch, C.TACC_ERR_MISMATCH},
		{StatusIO, C.TACC_ERR_IO},
		{StatusInternal, C.TACC_ERR_PANIC},
	}
	cMethods = [][2]Method{
		{Stored, C.TACC_METHOD_STORED},
		{Zstd, C.TACC_METHOD_ZSTD},
		{Gzip, C.TACC_METHOD_GZIP},
		{LopaceToken, C.TACC_METHOD_LOPACE_TOKEN},
		{LopaceHybrid, C.TACC_METHOD_LOPACE_HYBRID},
		{Tacc, C.TACC_METHOD_TACC},
		{TaccGzip, C.TACC_METHOD_TACC_GZIP},
		{ModelV1, C.TACC_METHOD_MODEL_V1},
		{Model, C.TACC_METHOD_MODEL},
	}
)
