/* The shared test vectors every language reads (tests/vectors/, issue 13), through the C API:
 *  - frames.json: every frame decodes to its content, with tacc_decode (the caller's codec and a
 *    NULL codec) and with the typed tacc_decompress_* call of its kind; every stream's chunks,
 *    pushed in order, give its token IDs;
 *  - errors.json: every kind's code has tacc_status_str == its description and
 *    tacc_status_name == its name; every case, run through the C API, fails with that code.
 */
#include "tacc.h" /* first: the header must be self-contained */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_mini.h"

#ifndef TACC_VECTORS_DIR
#define TACC_VECTORS_DIR "tests/vectors"
#endif

typedef struct {
  uint8_t *data;
  size_t len;
} bytes;

static int load(const char *name, jv *out) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", TACC_VECTORS_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return 0;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = (char *)malloc((size_t)n + 1);
  size_t got = fread(text, 1, (size_t)n, f);
  fclose(f);
  text[got] = 0;
  jparser j = {text, text + got, 0};
  memset(out, 0, sizeof *out);
  int ok = j_value(&j, out) == 0 && !j.err;
  free(text);
  if (!ok) fprintf(stderr, "cannot parse %s\n", path);
  return ok;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Hex to bytes (malloc'd, at least 1 byte so that data is never NULL). */
static bytes unhex(const char *hex) {
  size_t n = strlen(hex) / 2;
  bytes b = {(uint8_t *)malloc(n + 1), n};
  for (size_t i = 0; i < n; i++) b.data[i] = (uint8_t)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
  return b;
}

/* A JSON array of numbers as uint32_t (malloc'd, never NULL). */
static uint32_t *u32s(const jv *arr, size_t *n) {
  *n = arr && arr->t == J_ARR ? arr->n : 0;
  uint32_t *v = (uint32_t *)malloc((*n + 1) * sizeof *v);
  for (size_t i = 0; i < *n; i++) v[i] = (uint32_t)arr->items[i].num;
  return v;
}

static uint32_t kind_of(const char *kind) {
  if (strcmp(kind, "token_ids") == 0) return TACC_CONTENT_TOKEN_IDS;
  if (strcmp(kind, "bytes") == 0) return TACC_CONTENT_BYTES;
  return TACC_CONTENT_TEXT;
}

/* ---- frames.json ---------------------------------------------------------------------------- */

static void frame_case(const jv *c) {
  const char *label = j_str(c, "label", "?");
  const char *method = j_str(c, "method", "?");
  /* A custom tacc mapping travels in a codec spec's bytes (tacc_codec_new_from_spec). */
  const int custom = j_get(c, "mapping_hex") != NULL;
  tacc_codec *codec = NULL;
  if (custom) {
    bytes mapping = unhex(j_str(c, "mapping_hex", ""));
    tacc_codec_spec spec;
    tacc_codec_spec_init(&spec);
    spec.tokenizer = j_str(c, "tokenizer", "");
    spec.mapping_bytes = mapping.data;
    spec.mapping_len = mapping.len;
    CHECK_STATUS(tacc_codec_new_from_spec(&spec, &codec, NULL), TACC_OK);
    free(mapping.data);
  } else {
    CHECK_STATUS(tacc_codec_new(j_str(c, "tokenizer", ""), &codec, NULL), TACC_OK);
  }
  if (!codec) return;
  uint32_t kind = kind_of(j_str(c, "kind", "text"));
  bytes frame = unhex(j_str(c, "frame_hex", ""));
  bytes want;
  if (kind == TACC_CONTENT_TEXT) {
    const char *t = j_str(c, "text", "");
    want.len = strlen(t);
    want.data = (uint8_t *)malloc(want.len + 1);
    memcpy(want.data, t, want.len);
  } else if (kind == TACC_CONTENT_BYTES) {
    want = unhex(j_str(c, "bytes_hex", ""));
  } else {
    size_t n;
    uint32_t *ids = u32s(j_get(c, "token_ids"), &n);
    want.data = (uint8_t *)ids;
    want.len = n * 4;
  }
  size_t unit = kind == TACC_CONTENT_TOKEN_IDS ? 4 : 1;

  /* tacc_decode, with this codec and with none (built-in tokenizers; a frame made with a
   * custom mapping needs that mapping: TACC_ERR_MISMATCH without it). */
  const tacc_codec *codecs[2] = {codec, NULL};
  if (custom) {
    void *out = NULL;
    size_t n = 0;
    CHECK_STATUS(tacc_decode(NULL, frame.data, frame.len, kind, NULL, &out, &n, NULL), TACC_ERR_MISMATCH);
    CHECK(out == NULL);
  }
  for (int k = 0; k < 2 - custom; k++) {
    void *out = NULL;
    size_t n = 0;
    char *err = NULL;
    tacc_status st = tacc_decode(codecs[k], frame.data, frame.len, kind, NULL, &out, &n, &err);
    CHECK(st == TACC_OK);
    CHECK(n * unit == want.len && (n == 0 ? out == NULL : memcmp(out, want.data, want.len) == 0));
    if (st != TACC_OK || n * unit != want.len)
      fprintf(stderr, "  frame %s/%s (%s codec): %s\n", label, method, k ? "NULL" : "its", err ? err : "wrong content");
    tacc_free(err);
    tacc_free(out);
  }
  /* The typed call of its kind. */
  tacc_buf b = {NULL, 0};
  tacc_ids ids = {NULL, 0};
  if (kind == TACC_CONTENT_TOKEN_IDS) {
    CHECK_STATUS(tacc_decompress_token_ids(codec, frame.data, frame.len, NULL, &ids, NULL), TACC_OK);
    CHECK(ids.len * 4 == want.len && (ids.len == 0 || memcmp(ids.data, want.data, want.len) == 0));
  } else if (kind == TACC_CONTENT_TEXT) {
    CHECK_STATUS(tacc_decompress_text(codec, frame.data, frame.len, NULL, &b, NULL), TACC_OK);
    CHECK(b.len == want.len && (b.len == 0 || memcmp(b.data, want.data, want.len) == 0));
  } else {
    CHECK_STATUS(tacc_decompress_bytes(codec, frame.data, frame.len, &b, NULL), TACC_OK);
    CHECK(b.len == want.len && (b.len == 0 || memcmp(b.data, want.data, want.len) == 0));
  }
  tacc_buf_free(&b);
  tacc_ids_free(&ids);
  /* The header agrees. */
  tacc_frame_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_STATUS(tacc_frame_inspect(frame.data, frame.len, &info, NULL), TACC_OK);
  CHECK(info.content_kind == kind);
  CHECK(strcmp(tacc_method_name(info.method) ? tacc_method_name(info.method) : "", method) == 0);
  CHECK(info.has_checksum == (j_num(c, "checksum", 0) != 0));
  free(frame.data);
  free(want.data);
  tacc_codec_free(codec);
}

static void stream_case(const jv *s) {
  tacc_codec *codec = NULL;
  CHECK_STATUS(tacc_codec_new(j_str(s, "tokenizer", ""), &codec, NULL), TACC_OK);
  size_t n_want;
  uint32_t *want = u32s(j_get(s, "token_ids"), &n_want);
  uint32_t *got = (uint32_t *)malloc((n_want + 1) * sizeof *got);
  size_t n_got = 0;
  int overflow = 0;
  bool fin = false;
  tacc_stream_decoder *dec = NULL;
  CHECK_STATUS(tacc_stream_decoder_new(codec, &dec, NULL), TACC_OK);
  const jv *chunks = j_get(s, "chunks_hex");
  for (size_t i = 0; dec && chunks && i < chunks->n; i++) {
    bytes ch = unhex(chunks->items[i].str);
    tacc_ids ids = {NULL, 0};
    tacc_buf text = {NULL, 0};
    CHECK_STATUS(tacc_stream_decoder_push(dec, ch.data, ch.len, &ids, &text, &fin, NULL), TACC_OK);
    for (size_t k = 0; k < ids.len; k++) {
      if (n_got < n_want) got[n_got] = ids.data[k];
      else overflow = 1;
      n_got++;
    }
    tacc_ids_free(&ids);
    tacc_buf_free(&text);
    free(ch.data);
  }
  CHECK(fin);
  CHECK(!overflow && n_got == n_want && memcmp(got, want, n_want * 4) == 0);
  tacc_stream_decoder_free(dec);
  tacc_codec_free(codec);
  free(got);
  free(want);
}

static void frames(void) {
  jv root;
  if (!load("frames.json", &root)) {
    CHECK(!"frames.json loads");
    return;
  }
  const jv *cases = j_get(&root, "cases");
  const jv *streams = j_get(&root, "streams");
  CHECK(cases && cases->n > 0 && streams && streams->n > 0);
  size_t custom = 0;
  for (size_t i = 0; cases && i < cases->n; i++) {
    if (j_get(&cases->items[i], "mapping_hex")) custom++;
    frame_case(&cases->items[i]);
  }
  for (size_t i = 0; streams && i < streams->n; i++) stream_case(&streams->items[i]);
  printf("frames.json: %zu frames (%zu with a custom mapping, from a codec spec), %zu streams\n",
         cases ? cases->n : 0, custom, streams ? streams->n : 0);
  j_free(&root);
}

/* ---- errors.json ---------------------------------------------------------------------------- */

/* Runs one case's `call` through the C API; returns its status. */
static tacc_status run_error_case(const jv *c) {
  const char *call = j_str(c, "call", "");
  tacc_codec *base = NULL, *codec = NULL;
  tacc_status st = tacc_codec_new(j_str(c, "tokenizer", ""), &base, NULL);
  if (strcmp(call, "new_codec") == 0 || st != TACC_OK) {
    tacc_codec_free(base);
    return st;
  }
  tacc_limits limits;
  tacc_limits_init(&limits);
  limits.max_output_bytes = (uint64_t)j_num(c, "max_output_bytes", 0);
  limits.max_tokens = (uint64_t)j_num(c, "max_tokens", 0);
  st = tacc_codec_with_limits(base, &limits, &codec, NULL);
  tacc_codec_free(base);
  if (st != TACC_OK) return st;
  bytes data = unhex(j_str(c, "data_hex", ""));
  tacc_buf b = {NULL, 0};
  tacc_ids ids = {NULL, 0};
  if (strcmp(call, "decompress") == 0) {
    /* Any content: the kind the frame's header names (a header that does not parse fails here,
     * as it does in the decoder). */
    tacc_frame_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    st = tacc_frame_inspect(data.data, data.len, &info, NULL);
    if (st == TACC_OK) {
      void *out = NULL;
      size_t n = 0;
      st = tacc_decode(codec, data.data, data.len, info.content_kind, NULL, &out, &n, NULL);
      tacc_free(out);
    }
  } else if (strcmp(call, "decompress_text") == 0) {
    st = tacc_decompress_text(codec, data.data, data.len, NULL, &b, NULL);
  } else if (strcmp(call, "decompress_token_ids") == 0) {
    st = tacc_decompress_token_ids(codec, data.data, data.len, NULL, &ids, NULL);
  } else if (strcmp(call, "detokenize") == 0) {
    size_t n;
    uint32_t *v = u32s(j_get(c, "token_ids"), &n);
    st = tacc_detokenize(codec, v, n, &b, NULL);
    free(v);
  } else if (strcmp(call, "compress_bytes") == 0) {
    tacc_options o;
    tacc_options_init(&o);
    st = tacc_method_from_name(j_str(c, "method", ""), &o.method, NULL);
    if (st == TACC_OK) st = tacc_compress_bytes(codec, data.data, data.len, &o, &b, NULL);
  } else {
    fprintf(stderr, "errors.json: unknown call '%s'\n", call);
    st = (tacc_status)-1;
  }
  tacc_buf_free(&b);
  tacc_ids_free(&ids);
  free(data.data);
  tacc_codec_free(codec);
  return st;
}

static void errors(void) {
  jv root;
  if (!load("errors.json", &root)) {
    CHECK(!"errors.json loads");
    return;
  }
  const jv *kinds = j_get(&root, "kinds");
  const jv *cases = j_get(&root, "cases");
  CHECK(kinds && kinds->n > 0 && cases && cases->n > 0);
  /* (1) every kind is a status with that code, description and name. */
  for (size_t i = 0; kinds && i < kinds->n; i++) {
    const jv *k = &kinds->items[i];
    int32_t code = (int32_t)j_num(k, "code", -1);
    const char *name = tacc_status_name(code);
    CHECK(strcmp(tacc_status_str(code), j_str(k, "description", "")) == 0);
    CHECK(name != NULL && strcmp(name, j_str(k, "name", "")) == 0);
  }
  /* (2) every case fails with exactly its kind's code. */
  for (size_t i = 0; cases && i < cases->n; i++) {
    const jv *c = &cases->items[i];
    const char *kind = j_str(c, "kind", "");
    int32_t want = -1;
    for (size_t k = 0; kinds && k < kinds->n; k++)
      if (strcmp(j_str(&kinds->items[k], "name", ""), kind) == 0) want = (int32_t)j_num(&kinds->items[k], "code", -1);
    tacc_status st = run_error_case(c);
    CHECK((int32_t)st == want);
    if ((int32_t)st != want)
      fprintf(stderr, "  errors.json '%s': got %d (%s), want %d (%s)\n", j_str(c, "label", "?"), (int)st,
              tacc_status_name(st) ? tacc_status_name(st) : "?", (int)want, kind);
  }
  printf("errors.json: %zu kinds, %zu cases\n", kinds ? kinds->n : 0, cases ? cases->n : 0);
  j_free(&root);
}

int main(void) {
  frames();
  errors();
  return check_summary("test_vectors");
}
