/* Uses the installed tacc: compress and restore a prompt with the one-call entry points. */
#include <stdio.h>
#include <string.h>

#include <tacc.h>

int main(void) {
  const char *prompt = "Explain, in one paragraph, why token-aware compression helps LLM gateways.";
  tacc_codec *codec = NULL;
  uint8_t *frame = NULL;
  void *back = NULL;
  size_t frame_len = 0, back_len = 0;
  char *err = NULL;
  int ok = tacc_codec_new("cl100k_base", &codec, &err) == TACC_OK &&
           tacc_encode(codec, TACC_CONTENT_TEXT, prompt, strlen(prompt), NULL, &frame, &frame_len, &err) == TACC_OK &&
           tacc_decode(codec, frame, frame_len, TACC_CONTENT_TEXT, NULL, &back, &back_len, &err) == TACC_OK &&
           back_len == strlen(prompt) && memcmp(back, prompt, back_len) == 0 &&
           tacc_version() == TACC_VERSION_NUMBER;
  printf("consumer (tacc %s): %zu -> %zu bytes: %s\n", tacc_version_string(), strlen(prompt), frame_len,
         ok ? "ok" : (err ? err : "FAILED"));
  tacc_free(err);
  tacc_free(back);
  tacc_free(frame);
  tacc_codec_free(codec);
  return ok ? 0 : 1;
}
