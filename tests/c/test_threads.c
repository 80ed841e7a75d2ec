/* One codec used by several threads at once (the codec's thread rule: share it freely). */
#define _POSIX_C_SOURCE 200809L
#include "tacc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

enum { THREADS = 8, ROUNDS = 40 };

typedef struct {
  const tacc_codec *codec;
  int index;
  int failures;
} job;

static void *worker(void *arg) {
  job *j = (job *)arg;
  char text[256];
  for (int r = 0; r < ROUNDS; r++) {
    int len = snprintf(text, sizeof text, "thread %d round %d: the quick brown fox jumps over the lazy dog", j->index, r);
    tacc_options o;
    tacc_options_init(&o);
    o.method = (uint32_t)((j->index + r) % 7);
    tacc_buf frame = {NULL, 0}, back = {NULL, 0};
    tacc_ids ids = {NULL, 0};
    if (tacc_compress_text(j->codec, text, (size_t)len, &o, &frame, NULL) != TACC_OK ||
        tacc_decompress_text(j->codec, frame.data, frame.len, NULL, &back, NULL) != TACC_OK ||
        back.len != (size_t)len || memcmp(back.data, text, back.len) != 0) {
      j->failures++;
    }
    if (tacc_tokenize(j->codec, text, (size_t)len, &ids, NULL) != TACC_OK || ids.len == 0) j->failures++;
    tacc_ids_free(&ids);
    tacc_buf_free(&back);
    tacc_buf_free(&frame);
  }
  return NULL;
}

int main(void) {
  tacc_codec *codec = NULL;
  CHECK_STATUS(tacc_codec_new("o200k_base", &codec, NULL), TACC_OK);
  if (codec == NULL) return 1;
  pthread_t threads[THREADS];
  job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i].codec = codec;
    jobs[i].index = i;
    jobs[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, worker, &jobs[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(jobs[i].failures == 0);
  }
  tacc_codec_free(codec);
  return check_summary("test_threads");
}
