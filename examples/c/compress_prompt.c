/* Compress a prompt with a few methods (tacc_encode with options), then restore it (tacc_decode);
 * then decode within limits with the typed call tacc_decompress_text. */
#include <stdio.h>
#include <string.h>

#include "tacc.h"

static const char PROMPT[] =
    "You are a helpful assistant. Summarize the following meeting notes in three bullet points, "
    "keeping every decision and owner. Notes: the team agreed to ship the C API first; Go follows "
    "next week; Dana owns the CMake package and Lee owns the documentation.";

int main(void) {
  tacc_codec *codec = NULL;
  char *err = NULL;
  if (tacc_codec_new("cl100k_base", &codec, &err) != TACC_OK) {
    fprintf(stderr, "tacc_codec_new: %s\n", err);
    tacc_free(err);
    return 1;
  }
  printf("tacc %s (header %s), prompt of %zu bytes\n", tacc_version_string(), TACC_VERSION_STRING,
         strlen(PROMPT));

  const uint32_t methods[] = {TACC_METHOD_TACC_GZIP, TACC_METHOD_LOPACE_HYBRID, TACC_METHOD_ZSTD, TACC_METHOD_AUTO};
  int failures = 0;
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    tacc_options opts;
    tacc_options_init(&opts);
    opts.method = methods[i];

    uint8_t *frame = NULL;
    void *text = NULL;
    size_t frame_len = 0, text_len = 0;
    tacc_status st = tacc_encode(codec, TACC_CONTENT_TEXT, PROMPT, strlen(PROMPT), &opts, &frame, &frame_len, &err);
    if (st == TACC_OK) st = tacc_decode(codec, frame, frame_len, TACC_CONTENT_TEXT, NULL, &text, &text_len, &err);
    if (st != TACC_OK) {
      fprintf(stderr, "%s: %s (%s)\n", tacc_method_name(methods[i]), err ? err : tacc_status_str(st), tacc_status_name(st));
      tacc_free(err);
      err = NULL;
      failures++;
    } else {
      int same = text_len == strlen(PROMPT) && memcmp(text, PROMPT, text_len) == 0;
      printf("%-14s %4zu bytes  restored %s\n", tacc_method_name(methods[i]), frame_len, same ? "ok" : "MISMATCH");
      failures += !same;
    }
    tacc_free(text);
    tacc_free(frame);
  }

  /* Payloads from the network: decode within limits (here 1 KiB of text per call). Past them a
   * decode fails with TACC_ERR_TOO_LARGE before the memory is allocated. */
  tacc_limits limits;
  tacc_limits_init(&limits);
  limits.max_output_bytes = 1024;
  tacc_codec *limited = NULL;
  tacc_buf frame = {NULL, 0}, text = {NULL, 0};
  if (tacc_codec_with_limits(codec, &limits, &limited, &err) != TACC_OK ||
      tacc_compress_text(codec, PROMPT, strlen(PROMPT), NULL, &frame, &err) != TACC_OK) {
    fprintf(stderr, "limits: %s\n", err);
    tacc_free(err);
    err = NULL;
    failures++;
  } else {
    tacc_status st = tacc_decompress_text(limited, frame.data, frame.len, NULL, &text, &err);
    printf("decoded within a %llu-byte limit: %s\n", (unsigned long long)limits.max_output_bytes,
           st == TACC_OK ? "ok" : err);
    failures += st != TACC_OK;
    tacc_free(err);
    err = NULL;
  }
  tacc_buf_free(&text);
  tacc_buf_free(&frame);
  tacc_codec_free(limited);
  tacc_codec_free(codec);
  return failures == 0 ? 0 : 1;
}
