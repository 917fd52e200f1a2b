/*
 * The panic boundary: a panic inside the library becomes TIAOKUAI_RESULT_PANIC
 * (or a getter's fallback value) with an error object saying so, never an
 * abort or an unwind into C, and the library keeps working afterwards, on
 * this thread and on others.
 *
 * The panics come from test-only exports of the cargo feature `test-hooks`
 * (bindings-c/src/test_hooks.rs), which the Makefile builds the test library
 * with. They are not in the header, so they are declared here.
 *
 * Usage: test_panic (arguments ignored)
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "check.h"
#include "fixture.h"

enum tiaokuai_result tiaokuai_test_panic(int how, struct tiaokuai_error **out_error);
size_t tiaokuai_test_panic_getter(int how, size_t fallback);

#define PREFIX "internal error (please report it): "

static int quiet_begin(void);
static void quiet_end(int saved);

/* Runs one panic of kind `how`; checks the code and that the message is `expected`
 * (after the prefix), or contains it when `contains` is set. */
static void panic_once(int how, const char *expected, int contains) {
  struct tiaokuai_error *err = NULL;
  int saved = quiet_begin();
  enum tiaokuai_result rc = tiaokuai_test_panic(how, &err);
  quiet_end(saved);
  CHECK_RESULT(TIAOKUAI_RESULT_PANIC, rc, err);
  CHECK(err != NULL);
  CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_PANIC);
  const char *message = tiaokuai_error_message(err, NULL);
  CHECK(message != NULL && strncmp(message, PREFIX, strlen(PREFIX)) == 0);
  if (message != NULL && strlen(message) >= strlen(PREFIX)) {
    const char *rest = message + strlen(PREFIX);
    if (contains) {
      CHECK(strstr(rest, expected) != NULL);
    } else {
      CHECK_STR(expected, rest);
    }
  }
  CHECK(tiaokuai_error_record(err, NULL) == NULL);
  CHECK(tiaokuai_error_field(err, NULL) == NULL);
  CHECK(tiaokuai_error_id(err, NULL) == NULL);
  tiaokuai_error_free(err);
}

/* The library still answers a real question correctly. */
static void library_still_works(void) {
  struct tiaokuai_model *model = NULL;
  struct tiaokuai_answer *a = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &model, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("gw"), TIAOKUAI_LINE_LEADERSHIP, &a, NULL), NULL);
  CHECK(tiaokuai_answer_len(a) == 3);
  CHECK_STR("sw", tiaokuai_step_unit(tiaokuai_answer_step(a, 2), NULL));
  tiaokuai_answer_free(a);
  tiaokuai_model_free(model);
}

/* Sends the library's panic messages (the default panic hook writes each panic, and its
 * backtrace when RUST_BACKTRACE is set, to stderr) to /dev/null until quiet_end; the checks
 * run after it, so their failures are seen. Returns the saved stderr. */
static int quiet_begin(void) {
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  int null = open("/dev/null", O_WRONLY);
  if (null >= 0) {
    dup2(null, STDERR_FILENO);
    close(null);
  }
  return saved;
}

static void quiet_end(int saved) {
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
}

static void test_each_kind_of_panic(void) {
  panic_once(0, "tiaokuai_test_panic: on purpose", 0);
  panic_once(1, "tiaokuai_test_panic: on purpose, 1", 0);
  panic_once(2, "unknown panic", 0);
  panic_once(3, "index out of bounds", 1);
  CHECK_STR("panic", tiaokuai_result_name(TIAOKUAI_RESULT_PANIC));
}

static void test_without_an_error_object_and_without_a_panic(void) {
  int saved = quiet_begin();
  enum tiaokuai_result rc = tiaokuai_test_panic(0, NULL);
  quiet_end(saved);
  CHECK_RESULT(TIAOKUAI_RESULT_PANIC, rc, NULL);

  /* No panic: OK, and the error object is set to NULL. */
  struct tiaokuai_error *err = (struct tiaokuai_error *)1;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_test_panic(-1, &err), NULL);
  CHECK(err == NULL);

  /* A getter cannot report an error: it gives its fallback. */
  saved = quiet_begin();
  size_t got[4];
  for (int how = 0; how < 4; how++) {
    got[how] = tiaokuai_test_panic_getter(how, 77);
  }
  quiet_end(saved);
  for (int how = 0; how < 4; how++) {
    CHECK(got[how] == 77);
  }
  CHECK(tiaokuai_test_panic_getter(-1, 77) == 78);
}

static void test_many_panics_leave_the_library_working(void) {
  library_still_works();
  int saved = quiet_begin();
  int wrong = 0;
  for (int i = 0; i < 200; i++) {
    struct tiaokuai_error *err = NULL;
    if (tiaokuai_test_panic(i % 4, (i % 2) ? &err : NULL) != TIAOKUAI_RESULT_PANIC) {
      wrong++;
    }
    if ((i % 2) && tiaokuai_error_code(err) != TIAOKUAI_RESULT_PANIC) {
      wrong++;
    }
    tiaokuai_error_free(err);
  }
  quiet_end(saved);
  CHECK(wrong == 0);
  library_still_works();
}

#define THREADS 8
#define PANICS_PER_THREAD 50

struct work {
  const struct tiaokuai_model *model;
  int wrong;
};

/* Panics and real queries interleaved, on several threads at once. */
static void *worker(void *arg) {
  struct work *w = arg;
  for (int i = 0; i < PANICS_PER_THREAD; i++) {
    struct tiaokuai_error *err = NULL;
    if (tiaokuai_test_panic(i % 4, &err) != TIAOKUAI_RESULT_PANIC || tiaokuai_error_code(err) != TIAOKUAI_RESULT_PANIC) {
      w->wrong++;
    }
    tiaokuai_error_free(err);
    struct tiaokuai_answer *a = NULL;
    if (tiaokuai_model_chain(w->model, S("gw"), TIAOKUAI_LINE_LEADERSHIP, &a, NULL) != TIAOKUAI_RESULT_OK ||
        tiaokuai_answer_len(a) != 3 || strcmp(tiaokuai_step_unit(tiaokuai_answer_step(a, 1), NULL), "qw") != 0) {
      w->wrong++;
    }
    tiaokuai_answer_free(a);
  }
  return NULL;
}

static void test_panics_on_several_threads(void) {
  struct tiaokuai_model *model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &model, NULL), NULL);
  pthread_t threads[THREADS];
  struct work work[THREADS];
  int saved = quiet_begin();
  for (int t = 0; t < THREADS; t++) {
    work[t].model = model;
    work[t].wrong = 0;
    if (pthread_create(&threads[t], NULL, worker, &work[t]) != 0) {
      work[t].wrong = -1;
    }
  }
  for (int t = 0; t < THREADS; t++) {
    if (work[t].wrong != -1) {
      pthread_join(threads[t], NULL);
    }
  }
  quiet_end(saved);
  for (int t = 0; t < THREADS; t++) {
    CHECK(work[t].wrong == 0);
  }
  tiaokuai_model_free(model);
  library_still_works();
}

int main(void) {
  test_each_kind_of_panic();
  test_without_an_error_object_and_without_a_panic();
  test_many_panics_leave_the_library_working();
  test_panics_on_several_threads();
  return check_summary();
}
