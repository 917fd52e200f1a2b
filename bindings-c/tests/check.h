/*
 * A minimal test harness for the C tests: CHECK counts, reports the failing
 * expression with its line, and the summary line reads
 * "C tests: N passed, M failed" (the Makefile names the binary before it runs).
 */
#ifndef TIAOKUAI_CHECK_H
#define TIAOKUAI_CHECK_H

#include <stdio.h>
#include <string.h>

#include "tiaokuai.h"

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(cond)                                                               \
  do {                                                                            \
    if (cond) {                                                                   \
      check_passed++;                                                             \
    } else {                                                                      \
      check_failed++;                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
    }                                                                             \
  } while (0)

/* A call's result is `expected`; on a mismatch the error message is printed. */
#define CHECK_RESULT(expected, call_result, err)                                  \
  do {                                                                            \
    enum tiaokuai_result got_ = (call_result);                                    \
    if (got_ == (expected)) {                                                     \
      check_passed++;                                                             \
    } else {                                                                      \
      check_failed++;                                                             \
      fprintf(stderr, "%s:%d: expected %s, got %s: %s\n", __FILE__, __LINE__,     \
              tiaokuai_result_name(expected), tiaokuai_result_name(got_),         \
              (err) ? tiaokuai_error_message((err), NULL) : "(no error object)"); \
    }                                                                             \
  } while (0)

/* Two NUL-terminated strings are equal (NULL only equals NULL). */
#define CHECK_STR(expected, actual)                                               \
  do {                                                                            \
    const char *e_ = (expected), *a_ = (actual);                                  \
    if ((e_ == NULL && a_ == NULL) || (e_ && a_ && strcmp(e_, a_) == 0)) {        \
      check_passed++;                                                             \
    } else {                                                                      \
      check_failed++;                                                             \
      fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
              e_ ? e_ : "(null)", a_ ? a_ : "(null)");                            \
    }                                                                             \
  } while (0)

/* A string literal as the (pointer, length) pair the API takes. */
#define S(literal) (literal), (sizeof(literal) - 1)

static int check_summary(void) {
  printf("C tests: %d passed, %d failed\n", check_passed, check_failed);
  return check_failed == 0 ? 0 : 1;
}

#endif
