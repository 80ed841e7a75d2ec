/* A minimal check harness for the C tests: counts checks, prints failures, ends with a summary. */
#ifndef TACC_TEST_CHECK_H
#define TACC_TEST_CHECK_H
#include <stdio.h>

static int checks_passed = 0, checks_failed = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (cond) {                                                                  \
      checks_passed++;                                                           \
    } else {                                                                     \
      checks_failed++;                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
    }                                                                            \
  } while (0)

#define CHECK_STATUS(call, expected)                                                        \
  do {                                                                                      \
    tacc_status st_ = (call);                                                               \
    if (st_ == (expected)) {                                                                \
      checks_passed++;                                                                      \
    } else {                                                                                \
      checks_failed++;                                                                      \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d\n", __FILE__, __LINE__, #call, \
              (int)st_, tacc_status_str(st_), (int)(expected));                            \
    }                                                                                       \
  } while (0)

static int check_summary(const char *name) {
  printf("%s: %d checks passed, %d failed\n", name, checks_passed, checks_failed);
  return checks_failed == 0 ? 0 : 1;
}
#endif
