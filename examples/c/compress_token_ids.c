/* An inference server's view: the model produced token IDs; compress them before sending
 * them over the wire, and show what the receiver gets back. The design card's calls:
 * tacc_codec_new, tacc_encode, tacc_decode, tacc_free. */
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
    tacc_free(err);
    return 1;
  }

  /* Sender: a self-describing frame (NULL options: the default method, the context model). */
  uint8_t *frame = NULL;
  size_t frame_len = 0;
  st = tacc_encode(codec, TACC_CONTENT_TOKEN_IDS, ids, n_ids, NULL, &frame, &frame_len, &err);
  if (st != TACC_OK) {
    fprintf(stderr, "tacc_encode: %s (%s)\n", err, tacc_status_name(st));
    tacc_free(err);
    tacc_codec_free(codec);
    return 1;
  }
  printf("%zu token IDs (%zu bytes as uint32) -> %zu-byte frame\n", n_ids, n_ids * 4, frame_len);

  /* Receiver: the frame names its tokenizer, so no codec is needed to restore the IDs. */
  void *back = NULL;
  size_t n_back = 0;
  st = tacc_decode(NULL, frame, frame_len, TACC_CONTENT_TOKEN_IDS, NULL, &back, &n_back, &err);
  int ok = st == TACC_OK && n_back == n_ids && memcmp(back, ids, sizeof ids) == 0;
  if (st != TACC_OK) {
    fprintf(stderr, "tacc_decode: %s (%s)\n", err, tacc_status_name(st));
    tacc_free(err);
  }
  printf("restored: %s\n", ok ? "identical" : "MISMATCH");

  /* One release call for everything the library returned. */
  tacc_free(back);
  tacc_free(frame);
  tacc_codec_free(codec);
  return ok ? 0 : 1;
}
