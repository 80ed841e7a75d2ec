/* Uses the installed tacc: compress and restore a prompt. */
#include <stdio.h>
#include <string.h>

#include <tacc.h>

int main(void) {
  const char *prompt = "Explain, in one paragraph, why token-aware compression helps LLM gateways.";
  tacc_codec *codec = NULL;
  tacc_buf frame = {NULL, 0}, back = {NULL, 0};
  char *err = NULL;
  int ok = tacc_codec_new("cl100k_base", &codec, &err) == TACC_OK &&
           tacc_compress_text(codec, prompt, strlen(prompt), NULL, &frame, &err) == TACC_OK &&
           tacc_decompress_text(codec, frame.data, frame.len, NULL, &back, &err) == TACC_OK &&
           back.len == strlen(prompt) && memcmp(back.data, prompt, back.len) == 0 &&
           tacc_version() == TACC_VERSION_NUMBER;
  printf("consumer (tacc %s): %zu -> %zu bytes: %s\n", tacc_version_string(), strlen(prompt), frame.len,
         ok ? "ok" : (err ? err : "FAILED"));
  tacc_str_free(err);
  tacc_buf_free(&back);
  tacc_buf_free(&frame);
  tacc_codec_free(codec);
  return ok ? 0 : 1;
}
