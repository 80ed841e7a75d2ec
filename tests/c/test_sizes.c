/* Extensible structs (docs/ABI.md, "Extensible structs"): every function that takes one is
 * called as a program built against the 0.1 header would call it, with the struct declared
 * here with only its 0.1 fields and struct_size = that size (libdeflate's sizeof_options is the
 * model). Checks: the call works and reads/writes what it should; no byte past the truncated
 * size is written (canary bytes; under ASan the structs are heap blocks of exactly that size, so
 * a read past them is caught too); a struct_size below the 0.1 size is
 * TACC_ERR_INVALID_ARGUMENT and writes nothing; a larger struct_size (a newer header) works.
 *
 * The *_init functions are not here: they take no size and fill this library's whole struct.
 */
#include "tacc.h" /* first: the header must be self-contained */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- The 0.1 structs, frozen: never edit these (a new field goes in tacc.h only). ---- */
typedef struct {
  size_t struct_size;
  uint32_t method, layout;
  int32_t zstd_level, gzip_level;
  uint32_t flags;
} options_0_1;

typedef struct {
  size_t struct_size;
  uint64_t max_output_bytes, max_tokens;
} limits_0_1;

typedef struct {
  size_t struct_size;
  uint32_t flags;
} stream_options_0_1;

typedef struct {
  size_t struct_size;
  uint32_t method, content_kind;
  uint64_t content_len;
  uint32_t tokenizer_id, has_checksum;
} frame_info_0_1;

typedef struct {
  size_t struct_size;
  uint32_t method;
  uint64_t compressed_bytes;
  double ratio, size_fraction, space_saved_percent;
  int64_t bytes_saved;
  double encode_seconds, decode_seconds;
} method_stats_0_1;

/* tacc_codec_spec came later (issue 14): its first layout, frozen likewise. */
typedef struct {
  size_t struct_size;
  const char *tokenizer, *tokenizer_file;
  const uint8_t *tokenizer_bytes;
  size_t tokenizer_len;
  const char *pattern, *mapping_file;
  const uint8_t *mapping_bytes;
  size_t mapping_len;
  const char *priors_file;
  const uint8_t *priors_bytes;
  size_t priors_len;
  const char *priors_dir;
  const tacc_limits *limits;
} codec_spec_first;

/* The 0.1 sizes on 64-bit targets (what src/ffi freezes); today's structs are at least that. */
#if SIZE_MAX > 0xffffffffu
typedef char options_is_32[sizeof(options_0_1) == 32 ? 1 : -1];
typedef char limits_is_24[sizeof(limits_0_1) == 24 ? 1 : -1];
typedef char stream_options_is_16[sizeof(stream_options_0_1) == 16 ? 1 : -1];
typedef char frame_info_is_32[sizeof(frame_info_0_1) == 32 ? 1 : -1];
typedef char method_stats_is_72[sizeof(method_stats_0_1) == 72 ? 1 : -1];
typedef char codec_spec_is_112[sizeof(codec_spec_first) == 112 ? 1 : -1];
#endif
typedef char options_grows[sizeof(tacc_options) >= sizeof(options_0_1) ? 1 : -1];
typedef char limits_grows[sizeof(tacc_limits) >= sizeof(limits_0_1) ? 1 : -1];
typedef char stream_options_grows[sizeof(tacc_stream_options) >= sizeof(stream_options_0_1) ? 1 : -1];
typedef char frame_info_grows[sizeof(tacc_frame_info) >= sizeof(frame_info_0_1) ? 1 : -1];
typedef char codec_spec_grows[sizeof(tacc_codec_spec) >= sizeof(codec_spec_first) ? 1 : -1];
typedef char method_stats_grows[sizeof(tacc_method_stats) >= sizeof(method_stats_0_1) ? 1 : -1];

#define CANARY 0xA5
#define SLACK 64

/* A heap block of `size` bytes followed by SLACK canary bytes. */
static unsigned char *block(size_t size) {
  unsigned char *p = (unsigned char *)malloc(size + SLACK);
  if (!p) abort();
  memset(p, 0, size);
  memset(p + size, CANARY, SLACK);
  return p;
}

/* A heap block of exactly `size` bytes holding `v` (reads past it are caught by ASan). */
static void *exact(const void *v, size_t size) {
  void *p = malloc(size);
  if (!p) abort();
  memcpy(p, v, size);
  return p;
}

static int canary_intact(const unsigned char *p, size_t size) {
  for (size_t i = 0; i < SLACK; i++)
    if (p[size + i] != CANARY) return 0;
  return 1;
}

static int bytes_are(const unsigned char *p, size_t from, size_t to, unsigned char v) {
  for (size_t i = from; i < to; i++)
    if (p[i] != v) return 0;
  return 1;
}

static const char TEXT[] = "The truncated-struct test: a caller built against tacc 0.1.";

static void reads_options(tacc_codec *codec) {
  options_0_1 o0;
  tacc_options full;
  tacc_options_init(&full);
  memset(&o0, 0, sizeof o0);
  o0.struct_size = sizeof o0;
  o0.method = TACC_METHOD_ZSTD;
  o0.layout = TACC_LAYOUT_FRAME;
  o0.zstd_level = 3;
  options_0_1 *o = (options_0_1 *)exact(&o0, sizeof o0);
  const tacc_options *opts = (const tacc_options *)(const void *)o;

  /* tacc_compress_text with 0.1 options: the method is the one asked for. */
  tacc_buf frame = {NULL, 0};
  CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), opts, &frame, NULL), TACC_OK);
  tacc_frame_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, &info, NULL), TACC_OK);
  CHECK(info.method == TACC_METHOD_ZSTD);

  /* Every other call that reads tacc_options. */
  tacc_buf b = {NULL, 0};
  tacc_ids ids = {NULL, 0};
  uint32_t some_ids[3] = {1, 2, 3};
  CHECK_STATUS(tacc_compress_token_ids(codec, some_ids, 3, opts, &b, NULL), TACC_ERR_INVALID_ARGUMENT);
  o->method = TACC_METHOD_STORED;
  CHECK_STATUS(tacc_compress_token_ids(codec, some_ids, 3, opts, &b, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_token_ids(codec, b.data, b.len, opts, &ids, NULL), TACC_OK);
  CHECK(ids.len == 3 && ids.data[2] == 3);
  tacc_ids_free(&ids);
  tacc_buf_free(&b);
  CHECK_STATUS(tacc_compress_bytes(codec, (const uint8_t *)"\xff\x00", 2, opts, &b, NULL), TACC_OK);
  tacc_buf_free(&b);
  CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, opts, &b, NULL), TACC_OK);
  CHECK(b.len == strlen(TEXT) && memcmp(b.data, TEXT, b.len) == 0);
  tacc_buf_free(&b);
  uint8_t *enc = NULL;
  void *dec = NULL;
  size_t n = 0, m = 0;
  CHECK_STATUS(tacc_encode(codec, TACC_CONTENT_TEXT, TEXT, strlen(TEXT), opts, &enc, &n, NULL), TACC_OK);
  CHECK_STATUS(tacc_decode(codec, enc, n, TACC_CONTENT_TEXT, opts, &dec, &m, NULL), TACC_OK);
  CHECK(m == strlen(TEXT) && memcmp(dec, TEXT, m) == 0);
  tacc_free(dec);
  tacc_free(enc);
  tacc_stats *stats = NULL;
  CHECK_STATUS(tacc_codec_stats(codec, TEXT, strlen(TEXT), opts, &stats, NULL), TACC_OK);
  CHECK(tacc_stats_method_count(stats) > 0);

  /* 0.1 method stats: the fields are written, the canary after them is not. */
  unsigned char *ms = block(sizeof(method_stats_0_1));
  ((method_stats_0_1 *)(void *)ms)->struct_size = sizeof(method_stats_0_1);
  CHECK_STATUS(tacc_stats_method(stats, 0, (tacc_method_stats *)(void *)ms, NULL), TACC_OK);
  CHECK(((method_stats_0_1 *)(void *)ms)->struct_size == sizeof(method_stats_0_1));
  CHECK(((method_stats_0_1 *)(void *)ms)->compressed_bytes > 0);
  CHECK(((method_stats_0_1 *)(void *)ms)->ratio > 0.0);
  CHECK(canary_intact(ms, sizeof(method_stats_0_1)));
  /* Smaller than 0.1: refused, nothing written. */
  memset(ms, 0, sizeof(method_stats_0_1));
  ((method_stats_0_1 *)(void *)ms)->struct_size = sizeof(method_stats_0_1) - 8;
  CHECK_STATUS(tacc_stats_method(stats, 0, (tacc_method_stats *)(void *)ms, NULL), TACC_ERR_INVALID_ARGUMENT);
  CHECK(bytes_are(ms, sizeof(size_t), sizeof(method_stats_0_1), 0));
  CHECK(canary_intact(ms, sizeof(method_stats_0_1)));
  free(ms);
  tacc_stats_free(stats);

  /* struct_size below the 0.1 size: every reader refuses it. */
  size_t small[] = {0, sizeof(size_t), sizeof o0 - 1};
  for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
    char *err = NULL;
    o->struct_size = small[i];
    o->method = TACC_METHOD_ZSTD;
    CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), opts, &b, &err), TACC_ERR_INVALID_ARGUMENT);
    CHECK(err != NULL && strstr(err, "struct_size") != NULL);
    tacc_free(err);
    CHECK_STATUS(tacc_compress_token_ids(codec, some_ids, 3, opts, &b, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_compress_bytes(codec, (const uint8_t *)"x", 1, opts, &b, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, opts, &b, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_decompress_token_ids(codec, frame.data, frame.len, opts, &ids, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_encode(codec, TACC_CONTENT_TEXT, TEXT, 4, opts, &enc, &n, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_decode(codec, frame.data, frame.len, TACC_CONTENT_TEXT, opts, &dec, &m, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(tacc_codec_stats(codec, TEXT, 4, opts, &stats, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(b.data == NULL && ids.data == NULL);
  }
  free(o);

  /* A newer, larger struct: its unknown tail is not read. */
  unsigned char *big = block(sizeof(tacc_options) + 16);
  full.method = TACC_METHOD_GZIP;
  memcpy(big, &full, sizeof full);
  ((tacc_options *)(void *)big)->struct_size = sizeof(tacc_options) + 16;
  memset(big + sizeof full, 0xEE, 16);
  CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), (const tacc_options *)(void *)big, &b, NULL), TACC_OK);
  CHECK_STATUS(tacc_frame_inspect(b.data, b.len, &info, NULL), TACC_OK);
  CHECK(info.method == TACC_METHOD_GZIP);
  tacc_buf_free(&b);
  free(big);
  tacc_buf_free(&frame);
}

static void limits(tacc_codec *codec) {
  limits_0_1 l0;
  memset(&l0, 0, sizeof l0);
  l0.struct_size = sizeof l0;
  l0.max_output_bytes = 10;
  limits_0_1 *l = (limits_0_1 *)exact(&l0, sizeof l0);
  tacc_codec *small = NULL;
  CHECK_STATUS(tacc_codec_with_limits(codec, (const tacc_limits *)(void *)l, &small, NULL), TACC_OK);
  tacc_buf frame = {NULL, 0}, text = {NULL, 0};
  CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), NULL, &frame, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_text(small, frame.data, frame.len, NULL, &text, NULL), TACC_ERR_TOO_LARGE);

  /* tacc_codec_limits into a 0.1 struct: written, canary intact. */
  unsigned char *out = block(sizeof(limits_0_1));
  ((limits_0_1 *)(void *)out)->struct_size = sizeof(limits_0_1);
  CHECK_STATUS(tacc_codec_limits(small, (tacc_limits *)(void *)out, NULL), TACC_OK);
  CHECK(((limits_0_1 *)(void *)out)->max_output_bytes == 10);
  CHECK(((limits_0_1 *)(void *)out)->max_tokens == TACC_DEFAULT_MAX_TOKENS);
  CHECK(((limits_0_1 *)(void *)out)->struct_size == sizeof(limits_0_1));
  CHECK(canary_intact(out, sizeof(limits_0_1)));

  /* Below 0.1: refused, nothing written. */
  size_t smalls[] = {0, sizeof(size_t), sizeof l0 - 1};
  for (size_t i = 0; i < sizeof smalls / sizeof smalls[0]; i++) {
    tacc_codec *c2 = NULL;
    l->struct_size = smalls[i];
    CHECK_STATUS(tacc_codec_with_limits(codec, (const tacc_limits *)(void *)l, &c2, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(c2 == NULL);
    memset(out, 0, sizeof(limits_0_1));
    ((limits_0_1 *)(void *)out)->struct_size = smalls[i];
    CHECK_STATUS(tacc_codec_limits(small, (tacc_limits *)(void *)out, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(bytes_are(out, sizeof(size_t), sizeof(limits_0_1), 0));
    CHECK(canary_intact(out, sizeof(limits_0_1)));
  }
  free(out);
  free(l);
  tacc_codec_free(small);
  tacc_buf_free(&frame);
}

static void stream_options(tacc_codec *codec) {
  stream_options_0_1 s0;
  memset(&s0, 0, sizeof s0);
  s0.struct_size = sizeof s0;
  s0.flags = TACC_STREAM_CHUNK_CHECK;
  stream_options_0_1 *s = (stream_options_0_1 *)exact(&s0, sizeof s0);
  tacc_stream_encoder *enc = NULL;
  CHECK_STATUS(tacc_stream_encoder_new_with(codec, (const tacc_stream_options *)(void *)s, &enc, NULL), TACC_OK);
  CHECK_STATUS(tacc_stream_encoder_push_text(enc, TEXT, strlen(TEXT), NULL), TACC_OK);
  tacc_buf chunk = {NULL, 0};
  CHECK_STATUS(tacc_stream_encoder_finish(enc, &chunk, NULL), TACC_OK);
  tacc_stream_encoder_free(enc);
  tacc_stream_decoder *dec = NULL;
  CHECK_STATUS(tacc_stream_decoder_new(codec, &dec, NULL), TACC_OK);
  tacc_ids ids = {NULL, 0};
  tacc_buf text = {NULL, 0};
  bool fin = false;
  CHECK_STATUS(tacc_stream_decoder_push(dec, chunk.data, chunk.len, &ids, &text, &fin, NULL), TACC_OK);
  CHECK(fin && text.len == strlen(TEXT) && memcmp(text.data, TEXT, text.len) == 0);
  tacc_ids_free(&ids);
  tacc_buf_free(&text);
  tacc_buf_free(&chunk);
  tacc_stream_decoder_free(dec);

  size_t smalls[] = {0, sizeof s0 - 1};
  for (size_t i = 0; i < sizeof smalls / sizeof smalls[0]; i++) {
    s->struct_size = smalls[i];
    enc = NULL;
    CHECK_STATUS(tacc_stream_encoder_new_with(codec, (const tacc_stream_options *)(void *)s, &enc, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(enc == NULL);
  }
  free(s);
}

static void frame_info(tacc_codec *codec) {
  tacc_buf frame = {NULL, 0};
  CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), NULL, &frame, NULL), TACC_OK);
  unsigned char *fi = block(sizeof(frame_info_0_1));
  frame_info_0_1 *f = (frame_info_0_1 *)(void *)fi;
  f->struct_size = sizeof(frame_info_0_1);
  CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, (tacc_frame_info *)(void *)fi, NULL), TACC_OK);
  CHECK(f->struct_size == sizeof(frame_info_0_1));
  CHECK(f->method == TACC_METHOD_MODEL);
  CHECK(f->content_kind == TACC_CONTENT_TEXT);
  CHECK(f->tokenizer_id == 1);
  CHECK(f->has_checksum == 1);
  CHECK(canary_intact(fi, sizeof(frame_info_0_1)));
  size_t smalls[] = {0, sizeof(size_t), sizeof(frame_info_0_1) - 1};
  for (size_t i = 0; i < sizeof smalls / sizeof smalls[0]; i++) {
    memset(fi, 0, sizeof(frame_info_0_1));
    f->struct_size = smalls[i];
    CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, (tacc_frame_info *)(void *)fi, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(bytes_are(fi, sizeof(size_t), sizeof(frame_info_0_1), 0));
    CHECK(canary_intact(fi, sizeof(frame_info_0_1)));
  }
  free(fi);
  /* A newer, larger struct: the bytes past ours are not touched. */
  unsigned char *big = block(sizeof(tacc_frame_info) + 16);
  memset(big + sizeof(tacc_frame_info), 0xEE, 16);
  ((tacc_frame_info *)(void *)big)->struct_size = sizeof(tacc_frame_info) + 16;
  CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, (tacc_frame_info *)(void *)big, NULL), TACC_OK);
  CHECK(((tacc_frame_info *)(void *)big)->struct_size == sizeof(tacc_frame_info) + 16);
  CHECK(bytes_are(big, sizeof(tacc_frame_info), sizeof(tacc_frame_info) + 16, 0xEE));
  CHECK(canary_intact(big, sizeof(tacc_frame_info) + 16));
  free(big);
  tacc_buf_free(&frame);
}

static void codec_spec(void) {
  /* Its first layout, in a heap block of exactly that size: read, and no further. */
  codec_spec_first s0;
  memset(&s0, 0, sizeof s0);
  s0.struct_size = sizeof s0;
  s0.tokenizer = "o200k_base";
  tacc_limits lim;
  tacc_limits_init(&lim);
  lim.max_tokens = 5;
  s0.limits = &lim;
  codec_spec_first *s = (codec_spec_first *)exact(&s0, sizeof s0);
  tacc_codec *c = NULL;
  CHECK_STATUS(tacc_codec_new_from_spec((const tacc_codec_spec *)(void *)s, &c, NULL), TACC_OK);
  CHECK(c && strcmp(tacc_codec_tokenizer(c), "o200k_base") == 0);
  if (c) {
    tacc_limits got;
    tacc_limits_init(&got);
    CHECK_STATUS(tacc_codec_limits(c, &got, NULL), TACC_OK);
    CHECK(got.max_tokens == 5);
  }
  tacc_codec_free(c);
  /* Smaller than its first size: refused, nothing made. */
  size_t smalls[] = {0, sizeof(size_t), sizeof s0 - 1};
  for (size_t i = 0; i < sizeof smalls / sizeof smalls[0]; i++) {
    c = NULL;
    s->struct_size = smalls[i];
    CHECK_STATUS(tacc_codec_new_from_spec((const tacc_codec_spec *)(void *)s, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);
  }
  free(s);
  /* A newer, larger struct: its unknown tail is not read. */
  unsigned char *big = block(sizeof(tacc_codec_spec) + 16);
  tacc_codec_spec full;
  tacc_codec_spec_init(&full);
  CHECK(full.struct_size == sizeof(tacc_codec_spec) && full.tokenizer == NULL && full.limits == NULL);
  full.tokenizer = "p50k_base";
  memcpy(big, &full, sizeof full);
  ((tacc_codec_spec *)(void *)big)->struct_size = sizeof(tacc_codec_spec) + 16;
  memset(big + sizeof full, 0xEE, 16);
  c = NULL;
  CHECK_STATUS(tacc_codec_new_from_spec((const tacc_codec_spec *)(void *)big, &c, NULL), TACC_OK);
  CHECK(c && strcmp(tacc_codec_tokenizer(c), "p50k_base") == 0);
  tacc_codec_free(c);
  free(big);
}

int main(void) {
  tacc_codec *codec = NULL;
  CHECK_STATUS(tacc_codec_new("cl100k_base", &codec, NULL), TACC_OK);
  if (!codec) return 1;
  reads_options(codec);
  limits(codec);
  stream_options(codec);
  frame_info(codec);
  codec_spec();
  tacc_codec_free(codec);
  return check_summary("test_sizes");
}
