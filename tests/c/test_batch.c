/* The batch calls from C: many items on several threads, results in input order, the same
 * frames at any thread count, one bad item reported at its index while the others succeed. */
#include "tacc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { N = 64 };

static void free_results(tacc_item_result *r, size_t n) {
  for (size_t i = 0; i < n; i++) {
    tacc_free(r[i].data);
    tacc_free(r[i].err_msg);
  }
}

int main(void) {
  tacc_codec *codec = NULL;
  CHECK_STATUS(tacc_codec_new("cl100k_base", &codec, NULL), TACC_OK);
  static char texts[N][128];
  tacc_item items[N];
  for (int i = 0; i < N; i++) {
    int len = snprintf(texts[i], sizeof texts[i], "record %d: the quick brown fox jumps over the lazy dog %d", i, i * i);
    items[i].data = texts[i];
    items[i].len = (size_t)len;
  }
  static const char bad[] = {(char)0xC3, (char)0x28, 0}; /* not UTF-8 */
  items[7].data = bad;
  items[7].len = 2;

  tacc_item_result one[N], many[N];
  char *msg = NULL;
  CHECK_STATUS(tacc_encode_batch(codec, TACC_CONTENT_TEXT, items, N, NULL, 1, one, &msg), TACC_ERR_INVALID_UTF8);
  CHECK(msg != NULL && strncmp(msg, "item 7 ", 7) == 0);
  tacc_free(msg);
  CHECK_STATUS(tacc_encode_batch(codec, TACC_CONTENT_TEXT, items, N, NULL, 0, many, NULL), TACC_ERR_INVALID_UTF8);
  for (int i = 0; i < N; i++) {
    if (i == 7) {
      CHECK(one[i].status == TACC_ERR_INVALID_UTF8 && one[i].data == NULL && one[i].err_msg != NULL);
      continue;
    }
    CHECK(one[i].status == TACC_OK && many[i].status == TACC_OK);
    CHECK(one[i].len == many[i].len && memcmp(one[i].data, many[i].data, one[i].len) == 0);
  }

  /* Restore every frame (item 7 replaced by item 8's frame), one of them corrupted. */
  tacc_item frames[N];
  for (int i = 0; i < N; i++) {
    int from = i == 7 ? 8 : i;
    frames[i].data = one[from].data;
    frames[i].len = one[from].len;
  }
  unsigned char *broken = malloc(one[20].len);
  memcpy(broken, one[20].data, one[20].len);
  broken[one[20].len - 1] ^= 0x21;
  frames[20].data = broken;
  tacc_item_result back[N];
  tacc_status st = tacc_decode_batch(codec, frames, N, TACC_CONTENT_TEXT, NULL, 2, back, NULL);
  CHECK(st != TACC_OK);
  for (int i = 0; i < N; i++) {
    if (i == 20) {
      CHECK(back[i].status != TACC_OK && back[i].data == NULL);
      continue;
    }
    const char *want = texts[i == 7 ? 8 : i];
    CHECK(back[i].status == TACC_OK && back[i].len == strlen(want) && memcmp(back[i].data, want, back[i].len) == 0);
  }
  free(broken);
  free_results(back, N);
  free_results(one, N);
  free_results(many, N);

  /* An argument error fails the call and writes no result. */
  tacc_item_result untouched = {TACC_ERR_PANIC, NULL, 0, NULL};
  CHECK_STATUS(tacc_encode_batch(NULL, TACC_CONTENT_TEXT, items, 1, NULL, 0, &untouched, NULL), TACC_ERR_NULL_ARGUMENT);
  CHECK(untouched.status == TACC_ERR_PANIC);
  tacc_codec_free(codec);
  return check_summary("test_batch");
}
