/* The C API end to end: versions, round trips for every method and layout, error paths,
 * NULL arguments, ownership. Built twice: against libtacc.so and libtacc.a. */
#include "tacc.h" /* first: the header must be self-contained */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef TACC_EXPECTED_VERSION
#error "TACC_EXPECTED_VERSION (Cargo.toml's version) must be defined by the build"
#endif

static const char TEXT[] =
    "Compression of LLM traffic: prompts, completions and token streams. "
    "Unicode too: d\xc3\xa9j\xc3\xa0 vu, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e, \xf0\x9f\xa6\x8a.";

static tacc_options opts_for(uint32_t method, uint32_t layout) {
  tacc_options o;
  tacc_options_init(&o);
  o.method = method;
  o.layout = layout;
  return o;
}

static void test_version(void) {
  unsigned maj = 99, min = 99, pat = 99;
  CHECK(sscanf(TACC_EXPECTED_VERSION, "%u.%u.%u", &maj, &min, &pat) == 3);
  CHECK(TACC_VERSION_MAJOR == maj);
  CHECK(TACC_VERSION_MINOR == min);
  CHECK(TACC_VERSION_PATCH == pat);
  CHECK(TACC_VERSION_NUMBER == ((maj << 16) | (min << 8) | pat));
  CHECK(tacc_version() == TACC_VERSION_NUMBER);
  CHECK(strcmp(TACC_VERSION_STRING, TACC_EXPECTED_VERSION) == 0);
  CHECK(strcmp(tacc_version_string(), TACC_EXPECTED_VERSION) == 0);
  CHECK(tacc_format_version() == TACC_FORMAT_VERSION);
  /* The tests link the default build: both directions, v1 and every vocabulary family. */
  CHECK(tacc_features() == (TACC_FEATURE_ENCODE | TACC_FEATURE_DECODE | TACC_FEATURE_V1 |
                            TACC_FEATURE_CL100K | TACC_FEATURE_O200K | TACC_FEATURE_P50K |
                            TACC_FEATURE_R50K));
  CHECK(strcmp(tacc_status_str(TACC_OK), "ok") == 0);
  CHECK(strcmp(tacc_status_str(12345), "unknown status code") == 0);
  /* Status codes are part of the ABI: never renumbered. */
  CHECK(TACC_ERR_INVALID_ARGUMENT == 1 && TACC_ERR_NULL_ARGUMENT == 2 && TACC_ERR_UNKNOWN_TOKENIZER == 3);
  CHECK(TACC_ERR_CORRUPT == 5 && TACC_ERR_CHECKSUM == 6 && TACC_ERR_PANIC == 100);
  CHECK(TACC_METHOD_STORED == 0 && TACC_METHOD_TACC_GZIP == 6 && TACC_METHOD_AUTO == 255);
}

static void test_names(void) {
  uint32_t m = 0;
  CHECK(strcmp(tacc_method_name(TACC_METHOD_TACC_GZIP), "tacc-gzip") == 0);
  CHECK(tacc_method_name(77) == NULL);
  CHECK_STATUS(tacc_method_from_name("lopace-hybrid", &m, NULL), TACC_OK);
  CHECK(m == TACC_METHOD_LOPACE_HYBRID);
  CHECK_STATUS(tacc_method_from_name("nope", &m, NULL), TACC_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(tacc_method_from_name(NULL, &m, NULL), TACC_ERR_NULL_ARGUMENT);
}

static void test_text_round_trips(const tacc_codec *codec) {
  const uint32_t methods[] = {0, 1, 2, 3, 4, 5, 6, TACC_METHOD_MODEL_V1, TACC_METHOD_MODEL, TACC_METHOD_AUTO};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    tacc_options o = opts_for(methods[i], TACC_LAYOUT_FRAME);
    tacc_buf frame = {NULL, 0}, back = {NULL, 0};
    char *err = NULL;
    CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), &o, &frame, &err), TACC_OK);
    CHECK(err == NULL);
    tacc_frame_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, &info, NULL), TACC_OK);
    /* Format v2 frames store no content length. */
    CHECK(info.content_kind == TACC_CONTENT_TEXT && info.content_len == UINT64_MAX);
    CHECK(methods[i] == TACC_METHOD_AUTO || info.method == methods[i]);
    /* With the codec, and without one (the frame names its built-in tokenizer). */
    CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, NULL, &back, NULL), TACC_OK);
    CHECK(back.len == strlen(TEXT) && memcmp(back.data, TEXT, back.len) == 0);
    tacc_buf_free(&back);
    CHECK(back.data == NULL && back.len == 0);
    CHECK_STATUS(tacc_decompress_text(NULL, frame.data, frame.len, NULL, &back, NULL), TACC_OK);
    CHECK(back.len == strlen(TEXT) && memcmp(back.data, TEXT, back.len) == 0);
    tacc_buf_free(&back);
    tacc_buf_free(&frame);
    tacc_buf_free(&frame); /* a released buffer is {NULL, 0}: freeing it again does nothing */
  }
  /* Raw payloads of the peer formats (tacc 0.1.0, LoPace 0.1.5). */
  const uint32_t raw[] = {TACC_METHOD_ZSTD, TACC_METHOD_LOPACE_TOKEN, TACC_METHOD_LOPACE_HYBRID, TACC_METHOD_TACC,
                          TACC_METHOD_TACC_GZIP};
  for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
    tacc_options o = opts_for(raw[i], TACC_LAYOUT_RAW);
    tacc_buf payload = {NULL, 0}, back = {NULL, 0};
    CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), &o, &payload, NULL), TACC_OK);
    CHECK_STATUS(tacc_decompress_text(codec, payload.data, payload.len, &o, &back, NULL), TACC_OK);
    CHECK(back.len == strlen(TEXT) && memcmp(back.data, TEXT, back.len) == 0);
    tacc_buf_free(&back);
    tacc_buf_free(&payload);
  }
  /* Empty text. */
  tacc_buf frame = {NULL, 0}, back = {NULL, 0};
  CHECK_STATUS(tacc_compress_text(codec, NULL, 0, NULL, &frame, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, NULL, &back, NULL), TACC_OK);
  CHECK(back.len == 0 && back.data == NULL);
  tacc_buf_free(&frame);
}

static void test_token_id_round_trips(const tacc_codec *codec) {
  enum { N = 1000 };
  static uint32_t ids[N];
  for (uint32_t i = 0; i < N; i++) ids[i] = (i * 7919u) % 100000u;
  const uint32_t methods[] = {0, 3, 4, 5, 6, TACC_METHOD_MODEL_V1, TACC_METHOD_MODEL, TACC_METHOD_AUTO};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    tacc_options o = opts_for(methods[i], TACC_LAYOUT_FRAME);
    tacc_buf frame = {NULL, 0};
    tacc_ids back = {NULL, 0};
    CHECK_STATUS(tacc_compress_token_ids(codec, ids, N, &o, &frame, NULL), TACC_OK);
    CHECK_STATUS(tacc_decompress_token_ids(NULL, frame.data, frame.len, NULL, &back, NULL), TACC_OK);
    CHECK(back.len == N && memcmp(back.data, ids, sizeof ids) == 0);
    tacc_ids_free(&back);
    tacc_buf_free(&frame);
  }
  /* Raw tacc 0.1.0 payload of token IDs. */
  tacc_options o = opts_for(TACC_METHOD_TACC_GZIP, TACC_LAYOUT_RAW);
  tacc_buf payload = {NULL, 0};
  tacc_ids back = {NULL, 0};
  CHECK_STATUS(tacc_compress_token_ids(codec, ids, N, &o, &payload, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_token_ids(codec, payload.data, payload.len, &o, &back, NULL), TACC_OK);
  CHECK(back.len == N && memcmp(back.data, ids, sizeof ids) == 0);
  tacc_ids_free(&back);
  tacc_buf_free(&payload);
  /* Byte methods cannot hold token IDs. */
  o = opts_for(TACC_METHOD_ZSTD, TACC_LAYOUT_FRAME);
  CHECK_STATUS(tacc_compress_token_ids(codec, ids, N, &o, &payload, NULL), TACC_ERR_INVALID_ARGUMENT);
  /* Tokenize / detokenize. */
  tacc_ids toks = {NULL, 0};
  tacc_buf text = {NULL, 0};
  CHECK_STATUS(tacc_tokenize(codec, TEXT, strlen(TEXT), &toks, NULL), TACC_OK);
  CHECK(toks.len > 10);
  CHECK_STATUS(tacc_detokenize(codec, toks.data, toks.len, &text, NULL), TACC_OK);
  CHECK(text.len == strlen(TEXT) && memcmp(text.data, TEXT, text.len) == 0);
  tacc_buf_free(&text);
  tacc_ids_free(&toks);
}

static void test_bytes(const tacc_codec *codec) {
  const uint8_t bin[] = {0xff, 0x00, 0xfe, 0x80, 1, 2, 3};
  tacc_buf frame = {NULL, 0}, back = {NULL, 0};
  CHECK_STATUS(tacc_compress_bytes(codec, bin, sizeof bin, NULL, &frame, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_bytes(NULL, frame.data, frame.len, &back, NULL), TACC_OK);
  CHECK(back.len == sizeof bin && memcmp(back.data, bin, sizeof bin) == 0);
  tacc_buf_free(&back);
  tacc_buf_free(&frame);
}

static void test_errors(const tacc_codec *codec) {
  tacc_codec *c2 = NULL;
  char *err = NULL;
  CHECK_STATUS(tacc_codec_new("no_such_tokenizer", &c2, &err), TACC_ERR_UNKNOWN_TOKENIZER);
  CHECK(c2 == NULL);
  CHECK(err != NULL && strstr(err, "no_such_tokenizer") != NULL);
  tacc_str_free(err);
  err = NULL;

  /* Corrupt payloads: garbage, truncation, a flipped checksum bit. */
  tacc_buf frame = {NULL, 0}, out = {NULL, 0};
  const uint8_t garbage[] = "definitely not a frame";
  CHECK_STATUS(tacc_decompress_text(codec, garbage, sizeof garbage, NULL, &out, &err), TACC_ERR_CORRUPT);
  CHECK(err != NULL);
  tacc_str_free(err);
  err = NULL;
  CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), NULL, &frame, NULL), TACC_OK);
  for (size_t cut = 0; cut < frame.len; cut++) {
    tacc_status st = tacc_decompress_text(codec, frame.data, cut, NULL, &out, NULL);
    CHECK(st != TACC_OK && st != TACC_ERR_PANIC);
  }
  frame.data[frame.len - 1] ^= 1;
  CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, NULL, &out, NULL), TACC_ERR_CHECKSUM);
  CHECK(out.data == NULL); /* outputs are written only on success */
  tacc_buf_free(&frame);
  tacc_options o = opts_for(TACC_METHOD_TACC, TACC_LAYOUT_RAW);
  tacc_ids ids = {NULL, 0};
  CHECK_STATUS(tacc_decompress_token_ids(codec, garbage, sizeof garbage, &o, &ids, NULL), TACC_ERR_CORRUPT);

  /* Unknown token IDs, invalid UTF-8, bad options. */
  const uint32_t bad_ids[] = {4000000000u};
  CHECK_STATUS(tacc_detokenize(codec, bad_ids, 1, &out, NULL), TACC_ERR_UNKNOWN_TOKEN);
  CHECK_STATUS(tacc_compress_text(codec, "\xff\xfe", 2, NULL, &out, NULL), TACC_ERR_INVALID_UTF8);
  o = opts_for(TACC_METHOD_TACC, TACC_LAYOUT_FRAME);
  o.struct_size = 3;
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, &o, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  o = opts_for(42, TACC_LAYOUT_FRAME);
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, &o, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  o = opts_for(TACC_METHOD_ZSTD, TACC_LAYOUT_FRAME);
  o.zstd_level = 40;
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, &o, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  o = opts_for(TACC_METHOD_STORED, TACC_LAYOUT_RAW);
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, &o, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  o = opts_for(TACC_METHOD_TACC, 7);
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, &o, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  /* Lengths no buffer can have are refused, not trusted. */
  CHECK_STATUS(tacc_compress_token_ids(codec, bad_ids, SIZE_MAX / 2, NULL, &out, NULL), TACC_ERR_INVALID_ARGUMENT);
  CHECK(out.data == NULL);
}

static void test_null_arguments(const tacc_codec *codec) {
  tacc_buf out = {NULL, 0};
  tacc_ids ids = {NULL, 0};
  tacc_codec *c = NULL;
  const uint32_t one[] = {1};
  const tacc_status N = TACC_ERR_NULL_ARGUMENT;
  CHECK_STATUS(tacc_codec_new(NULL, &c, NULL), N);
  CHECK_STATUS(tacc_codec_new("gpt2", NULL, NULL), N);
  CHECK_STATUS(tacc_compress_text(NULL, TEXT, 4, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_compress_text(codec, NULL, 4, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_compress_text(codec, TEXT, 4, NULL, NULL, NULL), N);
  CHECK_STATUS(tacc_compress_token_ids(NULL, one, 1, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_compress_token_ids(codec, NULL, 1, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_compress_bytes(codec, NULL, 3, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_decompress_text(codec, NULL, 3, NULL, &out, NULL), N);
  CHECK_STATUS(tacc_decompress_token_ids(codec, NULL, 3, NULL, &ids, NULL), N);
  CHECK_STATUS(tacc_decompress_token_ids(codec, (const uint8_t *)"x", 1, NULL, NULL, NULL), N);
  CHECK_STATUS(tacc_decompress_bytes(codec, NULL, 3, &out, NULL), N);
  CHECK_STATUS(tacc_tokenize(NULL, TEXT, 3, &ids, NULL), N);
  CHECK_STATUS(tacc_detokenize(codec, NULL, 3, &out, NULL), N);
  CHECK_STATUS(tacc_frame_inspect((const uint8_t *)"x", 1, NULL, NULL), N);
  CHECK_STATUS(tacc_codec_stats(NULL, TEXT, 3, NULL, NULL, NULL), N);
  CHECK_STATUS(tacc_stats_method(NULL, 0, NULL, NULL), N);
  tacc_options o = opts_for(TACC_METHOD_TACC, TACC_LAYOUT_RAW);
  CHECK_STATUS(tacc_decompress_text(NULL, (const uint8_t *)"x", 1, &o, &out, NULL), N);
  /* Freeing NULL does nothing. */
  tacc_codec_free(NULL);
  tacc_buf_free(NULL);
  tacc_ids_free(NULL);
  tacc_str_free(NULL);
  tacc_stats_free(NULL);
  tacc_options_init(NULL);
  CHECK(tacc_codec_tokenizer(NULL) == NULL);
  CHECK(out.data == NULL && ids.data == NULL && c == NULL);
}

static void test_stats(const tacc_codec *codec) {
  tacc_stats *s = NULL;
  CHECK_STATUS(tacc_codec_stats(codec, TEXT, strlen(TEXT), NULL, &s, NULL), TACC_OK);
  CHECK(tacc_stats_original_bytes(s) == strlen(TEXT));
  CHECK(tacc_stats_original_tokens(s) > 0);
  size_t n = tacc_stats_method_count(s);
  CHECK(n == 9); /* every method, in wire-ID order (8 is the stream header's) */
  for (size_t i = 0; i < n; i++) {
    tacc_method_stats m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    CHECK_STATUS(tacc_stats_method(s, i, &m, NULL), TACC_OK);
    CHECK(m.method == (i < 8 ? i : TACC_METHOD_MODEL) && m.compressed_bytes > 0 && m.ratio > 0.0);
  }
  tacc_method_stats m;
  m.struct_size = sizeof m;
  CHECK_STATUS(tacc_stats_method(s, n, &m, NULL), TACC_ERR_INVALID_ARGUMENT);
  tacc_stats_free(s);
}

/* tacc_limits: read like tacc_options (struct_size), reported, and honoured by every decode call. */
static void test_limits(const tacc_codec *codec) {
  tacc_limits l, got;
  tacc_limits_init(NULL);
  tacc_limits_init(&l);
  CHECK(l.struct_size == sizeof l && l.max_output_bytes == TACC_DEFAULT_MAX_OUTPUT_BYTES &&
        l.max_tokens == TACC_DEFAULT_MAX_TOKENS);
  tacc_limits_init(&got);
  CHECK_STATUS(tacc_codec_limits(codec, &got, NULL), TACC_OK);
  CHECK(got.max_output_bytes == TACC_DEFAULT_MAX_OUTPUT_BYTES && got.max_tokens == TACC_DEFAULT_MAX_TOKENS);

  tacc_codec *small = NULL, *any = NULL;
  l.max_output_bytes = 1000;
  l.max_tokens = 0; /* the default */
  CHECK_STATUS(tacc_codec_with_limits(codec, &l, &small, NULL), TACC_OK);
  CHECK_STATUS(tacc_codec_limits(small, &got, NULL), TACC_OK);
  CHECK(got.max_output_bytes == 1000 && got.max_tokens == TACC_DEFAULT_MAX_TOKENS);
  CHECK(strcmp(tacc_codec_tokenizer(small), "cl100k_base") == 0);
  l.max_output_bytes = UINT64_MAX; /* lowered to the hard cap */
  CHECK_STATUS(tacc_codec_with_limits(NULL, &l, &any, NULL), TACC_OK);
  CHECK_STATUS(tacc_codec_limits(any, &got, NULL), TACC_OK);
  CHECK(got.max_output_bytes == TACC_MAX_OUTPUT_BYTES);

  /* struct_size smaller than 0.1's is refused; NULLs too. */
  tacc_codec *none = NULL;
  tacc_limits bad = l;
  bad.struct_size = 8;
  CHECK_STATUS(tacc_codec_with_limits(codec, &bad, &none, NULL), TACC_ERR_INVALID_ARGUMENT);
  CHECK(none == NULL);
  CHECK_STATUS(tacc_codec_with_limits(codec, NULL, &none, NULL), TACC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(tacc_codec_with_limits(codec, &l, NULL, NULL), TACC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(tacc_codec_limits(NULL, &got, NULL), TACC_ERR_NULL_ARGUMENT);

  /* 4000 bytes of text: over 1000, within the defaults. */
  char text[4001];
  memset(text, 'x', 4000);
  text[4000] = 0;
  const uint32_t methods[] = {TACC_METHOD_STORED, TACC_METHOD_ZSTD, TACC_METHOD_GZIP, TACC_METHOD_LOPACE_HYBRID,
                              TACC_METHOD_TACC_GZIP, TACC_METHOD_MODEL};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    tacc_options o = opts_for(methods[i], TACC_LAYOUT_FRAME);
    tacc_buf frame = {NULL, 0}, out = {NULL, 0};
    char *err = NULL;
    CHECK_STATUS(tacc_compress_text(codec, text, 4000, &o, &frame, NULL), TACC_OK);
    CHECK_STATUS(tacc_decompress_text(small, frame.data, frame.len, NULL, &out, &err), TACC_ERR_TOO_LARGE);
    CHECK(out.data == NULL && err != NULL && strstr(err, "max_") != NULL);
    tacc_str_free(err);
    CHECK_STATUS(tacc_decompress_bytes(small, frame.data, frame.len, &out, NULL), TACC_ERR_TOO_LARGE);
    CHECK_STATUS(tacc_decompress_text(any, frame.data, frame.len, NULL, &out, NULL), TACC_OK);
    CHECK(out.len == 4000);
    tacc_buf_free(&out);
    tacc_buf_free(&frame);
  }
  /* Raw layouts and tacc_detokenize go through the same codec. */
  tacc_options raw = opts_for(TACC_METHOD_TACC_GZIP, TACC_LAYOUT_RAW);
  tacc_buf payload = {NULL, 0}, out = {NULL, 0};
  CHECK_STATUS(tacc_compress_text(codec, text, 4000, &raw, &payload, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_text(small, payload.data, payload.len, &raw, &out, NULL), TACC_ERR_TOO_LARGE);
  tacc_buf_free(&payload);
  tacc_ids ids = {NULL, 0};
  CHECK_STATUS(tacc_tokenize(codec, text, 4000, &ids, NULL), TACC_OK);
  CHECK_STATUS(tacc_detokenize(small, ids.data, ids.len, &out, NULL), TACC_ERR_TOO_LARGE);
  CHECK_STATUS(tacc_detokenize(any, ids.data, ids.len, &out, NULL), TACC_OK);
  tacc_buf_free(&out);
  tacc_ids_free(&ids);
  /* Token IDs: 4 bytes each against max_output_bytes (1000 / 4 = 250 IDs here). */
  uint32_t many[300];
  for (int i = 0; i < 300; i++) many[i] = 1000u + (uint32_t)(i % 7);
  tacc_buf frame = {NULL, 0};
  CHECK_STATUS(tacc_compress_token_ids(codec, many, 300, NULL, &frame, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_token_ids(small, frame.data, frame.len, NULL, &ids, NULL),
               TACC_ERR_TOO_LARGE);
  tacc_buf_free(&frame);
  tacc_ids_free(&ids);
  tacc_codec_free(small);
  tacc_codec_free(any);
}

int main(void) {
  tacc_codec *codec = NULL;
  char *err = NULL;
  CHECK_STATUS(tacc_codec_new("cl100k_base", &codec, &err), TACC_OK);
  if (codec == NULL) {
    fprintf(stderr, "cannot create a codec: %s\n", err ? err : "?");
    tacc_str_free(err);
    return 1;
  }
  CHECK(strcmp(tacc_codec_tokenizer(codec), "cl100k_base") == 0);
  test_version();
  test_names();
  test_text_round_trips(codec);
  test_token_id_round_trips(codec);
  test_bytes(codec);
  test_errors(codec);
  test_null_arguments(codec);
  test_stats(codec);
  test_limits(codec);
  tacc_codec_free(codec);
  return check_summary("test_api");
}
