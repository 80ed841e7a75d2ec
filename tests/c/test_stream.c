/* The stream calls of the C API: flush patterns, a character split across chunks, reordering,
 * truncation, the failed state, NULL arguments, ownership. */
#include "tacc.h" /* first: the header must be self-contained */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* "Stream: " + U+1F980 (crab) + U+1F389 + " " + CJK + " done." */
static const char TEXT[] =
    "Stream: \xf0\x9f\xa6\x80\xf0\x9f\x8e\x89 \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 done.";

#define MAX_CHUNKS 256

typedef struct {
  tacc_buf chunks[MAX_CHUNKS];
  size_t n;
} chunk_list;

/* Encodes TEXT's tokens, flushing after every `every` tokens. */
static void encode(tacc_codec *codec, size_t every, chunk_list *out) {
  tacc_ids ids = {NULL, 0};
  tacc_stream_encoder *enc = NULL;
  size_t i;
  out->n = 0;
  CHECK_STATUS(tacc_tokenize(codec, TEXT, strlen(TEXT), &ids, NULL), TACC_OK);
  CHECK_STATUS(tacc_stream_encoder_new(codec, &enc, NULL), TACC_OK);
  for (i = 0; i < ids.len; i++) {
    CHECK_STATUS(tacc_stream_encoder_push(enc, &ids.data[i], 1, NULL), TACC_OK);
    if ((i + 1) % every == 0 && out->n < MAX_CHUNKS - 1) {
      CHECK_STATUS(tacc_stream_encoder_flush(enc, &out->chunks[out->n++], NULL), TACC_OK);
    }
  }
  CHECK_STATUS(tacc_stream_encoder_finish(enc, &out->chunks[out->n++], NULL), TACC_OK);
  tacc_stream_encoder_free(enc);
  tacc_ids_free(&ids);
}

/* Decodes chunks in the given order; returns the status of the first failure (or TACC_OK),
 * the restored text in `text` (NUL-terminated) and whether the stream finished. */
static tacc_status decode(const chunk_list *cl, const size_t *order, size_t n, char *text,
                          size_t cap, bool *finished, int *held_back) {
  tacc_stream_decoder *dec = NULL;
  tacc_status st = tacc_stream_decoder_new(NULL, &dec, NULL);
  size_t len = 0, k;
  *finished = false;
  *held_back = 0;
  for (k = 0; st == TACC_OK && k < n; k++) {
    const tacc_buf *c = &cl->chunks[order ? order[k] : k];
    tacc_ids ids = {NULL, 0};
    tacc_buf t = {NULL, 0};
    bool fin = false;
    st = tacc_stream_decoder_push(dec, c->data, c->len, &ids, &t, &fin, NULL);
    if (st != TACC_OK) break;
    if (ids.len > 0 && t.len == 0) (*held_back)++;
    if (len + t.len < cap) {
      if (t.len) memcpy(text + len, t.data, t.len);
      len += t.len;
    }
    *finished = fin;
    tacc_ids_free(&ids);
    tacc_buf_free(&t);
  }
  text[len < cap ? len : cap - 1] = 0;
  if (st == TACC_OK) CHECK(tacc_stream_decoder_finished(dec) == *finished);
  tacc_stream_decoder_free(dec);
  return st;
}

static void free_chunks(chunk_list *cl) {
  size_t i;
  for (i = 0; i < cl->n; i++) tacc_buf_free(&cl->chunks[i]);
}

int main(void) {
  tacc_codec *codec = NULL;
  chunk_list cl;
  char text[512];
  bool fin = false;
  int held = 0;
  size_t every, order[MAX_CHUNKS], i;
  CHECK_STATUS(tacc_codec_new("cl100k_base", &codec, NULL), TACC_OK);

  for (every = 1; every <= 16; every *= 4) {
    encode(codec, every, &cl);
    CHECK_STATUS(decode(&cl, NULL, cl.n, text, sizeof text, &fin, &held), TACC_OK);
    CHECK(fin);
    CHECK(strcmp(text, TEXT) == 0);
    if (every == 1) CHECK(held > 0); /* the emoji's bytes were held back until complete */
    free_chunks(&cl);
  }

  encode(codec, 1, &cl);
  CHECK(cl.n > 4);
  /* Truncated: no end chunk. */
  CHECK_STATUS(decode(&cl, NULL, cl.n - 1, text, sizeof text, &fin, &held), TACC_OK);
  CHECK(!fin);
  /* Reordered and duplicated. */
  for (i = 0; i < cl.n; i++) order[i] = i;
  order[1] = 2;
  order[2] = 1;
  CHECK_STATUS(decode(&cl, order, cl.n, text, sizeof text, &fin, &held), TACC_ERR_CORRUPT);
  order[1] = 1;
  order[2] = 1;
  CHECK_STATUS(decode(&cl, order, cl.n, text, sizeof text, &fin, &held), TACC_ERR_CORRUPT);
  CHECK(!fin);

  /* NULL arguments, and the failed state. */
  {
    tacc_stream_decoder *dec = NULL;
    tacc_ids ids = {NULL, 0};
    tacc_buf t = {NULL, 0};
    char *msg = NULL;
    CHECK_STATUS(tacc_stream_decoder_new(codec, NULL, NULL), TACC_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tacc_stream_decoder_new(codec, &dec, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_decoder_push(dec, cl.chunks[0].data, cl.chunks[0].len, NULL, &t, &fin, NULL),
                 TACC_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tacc_stream_decoder_push(dec, cl.chunks[1].data, cl.chunks[1].len, &ids, &t, &fin, &msg),
                 TACC_ERR_CORRUPT);
    CHECK(msg != NULL);
    tacc_str_free(msg);
    CHECK(ids.data == NULL && t.data == NULL);
    CHECK(tacc_stream_decoder_push(dec, cl.chunks[0].data, cl.chunks[0].len, &ids, &t, &fin, NULL) != TACC_OK);
    tacc_stream_decoder_free(dec);
    tacc_stream_decoder_free(NULL);
    tacc_stream_encoder_free(NULL);
    CHECK(!tacc_stream_decoder_finished(NULL));
    CHECK_STATUS(tacc_stream_encoder_new(NULL, NULL, NULL), TACC_ERR_NULL_ARGUMENT);
    CHECK_STATUS(tacc_stream_encoder_push(NULL, NULL, 0, NULL), TACC_ERR_NULL_ARGUMENT);
  }
  /* Text pushed in pieces. */
  {
    tacc_stream_encoder *enc = NULL;
    chunk_list tl;
    tl.n = 0;
    CHECK_STATUS(tacc_stream_encoder_new(codec, &enc, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_push_text(enc, TEXT, 8, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_flush(enc, &tl.chunks[tl.n++], NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_push_text(enc, TEXT + 8, strlen(TEXT) - 8, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_finish(enc, &tl.chunks[tl.n++], NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_flush(enc, &tl.chunks[tl.n], NULL), TACC_ERR_INVALID_ARGUMENT);
    tacc_stream_encoder_free(enc);
    CHECK_STATUS(decode(&tl, NULL, tl.n, text, sizeof text, &fin, &held), TACC_OK);
    CHECK(fin && strcmp(text, TEXT) == 0);
    free_chunks(&tl);
  }
  /* Limits: a decoder from a limited codec (or from tacc_codec_with_limits(NULL, ...)) refuses a
   * chunk whose text would pass max_output_bytes, and stays failed. */
  {
    char big[4001];
    tacc_stream_encoder *enc = NULL;
    tacc_buf chunk = {NULL, 0}, t = {NULL, 0};
    tacc_ids ids = {NULL, 0};
    tacc_limits l;
    tacc_codec *limited[2] = {NULL, NULL};
    memset(big, 'y', 4000);
    big[4000] = 0;
    CHECK_STATUS(tacc_stream_encoder_new(codec, &enc, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_push_text(enc, big, 4000, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_finish(enc, &chunk, NULL), TACC_OK);
    tacc_stream_encoder_free(enc);
    tacc_limits_init(&l);
    l.max_output_bytes = 1000;
    CHECK_STATUS(tacc_codec_with_limits(codec, &l, &limited[0], NULL), TACC_OK);
    CHECK_STATUS(tacc_codec_with_limits(NULL, &l, &limited[1], NULL), TACC_OK);
    for (i = 0; i < 2; i++) {
      tacc_stream_decoder *dec = NULL;
      CHECK_STATUS(tacc_stream_decoder_new(limited[i], &dec, NULL), TACC_OK);
      tacc_codec_free(limited[i]); /* the decoder keeps what it needs */
      CHECK_STATUS(tacc_stream_decoder_push(dec, chunk.data, chunk.len, &ids, &t, &fin, NULL), TACC_ERR_TOO_LARGE);
      CHECK(ids.data == NULL && t.data == NULL);
      tacc_ids_free(&ids);
      tacc_buf_free(&t);
      tacc_stream_decoder_free(dec);
    }
    tacc_buf_free(&chunk);
  }
  free_chunks(&cl);
  tacc_codec_free(codec);
  return check_summary("test_stream");
}
