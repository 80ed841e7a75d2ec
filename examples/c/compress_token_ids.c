/* An inference server's view: the model produced token IDs; compress them before sending
 * them over the wire, and show what the receiver gets back. */
#include <stdio.h>
#include <string.h>

#include "tacc.h"

int main(void) {
  /* Token IDs of a completion (cl100k_base), as a generation loop would collect them. */
  const uint32_t ids[] = {9906, 11, 1917, 0, 5810, 374, 264, 2875, 4320, 505, 279, 1646, 13,
                          578, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13};
  const size_t n_ids = sizeof ids / sizeof ids[0];
  tacc_codec *codec = NULL;
  char *err = NULL;
  tacc_status st = tacc_codec_new("cl100k_base", &codec, &err);
  if (st != TACC_OK) {
    fprintf(stderr, "tacc_codec_new: %s\n", err ? err : tacc_status_str(st));
    tacc_str_free(err);
    return 1;
  }

  /* Sender: a self-describing frame (method tacc-gzip by default). */
  tacc_buf frame = {NULL, 0};
  st = tacc_compress_token_ids(codec, ids, n_ids, NULL, &frame, &err);
  if (st != TACC_OK) {
    fprintf(stderr, "encode: %s\n", err);
    tacc_str_free(err);
    tacc_codec_free(codec);
    return 1;
  }
  printf("%zu token IDs (%zu bytes as uint32) -> %zu-byte frame\n", n_ids, n_ids * 4, frame.len);

  /* Receiver: the frame names its tokenizer, so no codec is needed to restore the IDs. */
  tacc_ids back = {NULL, 0};
  st = tacc_decompress_token_ids(NULL, frame.data, frame.len, NULL, &back, &err);
  int ok = st == TACC_OK && back.len == n_ids && memcmp(back.data, ids, sizeof ids) == 0;
  if (st != TACC_OK) {
    fprintf(stderr, "decode: %s\n", err);
    tacc_str_free(err);
  }
  printf("restored: %s\n", ok ? "identical" : "MISMATCH");

  tacc_ids_free(&back);
  tacc_buf_free(&frame);
  tacc_codec_free(codec);
  return ok ? 0 : 1;
}
