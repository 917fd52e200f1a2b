/*
 * One size limit for every input (issue #20): a tiaokuai_load_options object
 * bounds models, audit configs, scenario files and the model files scenarios
 * name; an endless device is refused at the limit. And the one strict JSON
 * reader: configs and scenarios refuse a key given twice.
 *
 * Usage: test_limits SAMPLE_JSON_PATH SCENARIO_FOLDER
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fixture.h"

/* The error's message contains `fragment`. */
static void check_message(struct tiaokuai_error *err, const char *fragment) {
  const char *m = tiaokuai_error_message(err, NULL);
  CHECK(m != NULL && strstr(m, fragment) != NULL);
  if (m == NULL || strstr(m, fragment) == NULL) {
    fprintf(stderr, "  message: %s\n  wanted:  %s\n", m ? m : "(none)", fragment);
  }
}

static struct tiaokuai_load_options *options_of(uint64_t max_bytes) {
  struct tiaokuai_load_options *o = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_new(&o, NULL), NULL);
  CHECK(tiaokuai_load_options_max_bytes(o) == (uint64_t)4 << 30);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_max_bytes(o, max_bytes, NULL), NULL);
  CHECK(tiaokuai_load_options_max_bytes(o) == max_bytes);
  return o;
}

static void test_models(const char *sample) {
  struct tiaokuai_load_options *tiny = options_of(100);
  struct tiaokuai_model *m = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_model_from_json_with_options(S(FIXTURE), tiny, &m, &err), err);
  check_message(err, "larger than the limit of 100 bytes");
  tiaokuai_error_free(err);
  CHECK(m == NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_model_load_with_options(sample, strlen(sample), tiny, &m, NULL),
               NULL);
  CHECK(m == NULL);
  /* NULL options: the defaults. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load_with_options(sample, strlen(sample), NULL, &m, &err), err);
  tiaokuai_model_free(m);
  tiaokuai_load_options_free(tiny);
}

static void test_configs(void) {
  struct tiaokuai_model *m = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &m, NULL), NULL);
  struct tiaokuai_load_options *small = options_of(10);
  struct tiaokuai_report *r = NULL;
  struct tiaokuai_error *err = NULL;
  static const char CONFIG[] = "{\"rules\": {\"C003\": \"off\"}}";
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_model_audit_with_options(m, S(CONFIG), small, &r, &err), err);
  check_message(err, "input of 26 bytes is larger than the limit of 10 bytes");
  tiaokuai_error_free(err);
  CHECK(r == NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit_with_options(m, S(CONFIG), NULL, &r, NULL), NULL);
  tiaokuai_report_free(r);
  r = NULL;
  /* A key given twice: an error naming it, through the old function too. */
  static const char DUPLICATE[] = "{\"rules\": {\"C003\": \"off\", \"C003\": \"on\"}}";
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_audit_with_options(m, S(DUPLICATE), NULL, &r, &err), err);
  check_message(err, "duplicate key \"C003\" in rules at line 1 column 27");
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_audit(m, S(DUPLICATE), &r, &err), err);
  tiaokuai_error_free(err);
  CHECK(r == NULL);
  tiaokuai_load_options_free(small);
  tiaokuai_model_free(m);
}

static void test_scenarios(void) {
  struct tiaokuai_load_options *mib = options_of(1 << 20);
  struct tiaokuai_scenario *s = NULL;
  struct tiaokuai_error *err = NULL;
  if (access("/dev/zero", R_OK) == 0) {
    /* An endless scenario file, and an endless model file named by a scenario: both stop at the limit. */
    CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_scenario_run_file_with_options(S("/dev/zero"), mib, &s, &err),
                 err);
    check_message(err, "input of 1048577 bytes is larger than the limit of 1048576 bytes");
    tiaokuai_error_free(err);
    static const char ZERO[] = "{\"name\": \"zero\", \"model_file\": \"/dev/zero\"}";
    CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE,
                 tiaokuai_scenario_run_json_with_options(S(ZERO), NULL, 0, mib, &s, &err), err);
    tiaokuai_error_free(err);
    CHECK(s == NULL);
  }
  struct tiaokuai_load_options *tiny = options_of(8);
  static const char SCENARIO[] = "{\"name\": \"s\", \"model\": {\"format\": \"tiaokuai/1\"}}";
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE,
               tiaokuai_scenario_run_json_with_options(S(SCENARIO), NULL, 0, tiny, &s, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json_with_options(S(SCENARIO), NULL, 0, mib, &s, NULL),
               NULL);
  CHECK(tiaokuai_scenario_passed(s));
  tiaokuai_scenario_free(s);
  s = NULL;
  /* A key given twice in a scenario, and in its inline model (the model reader's own message). */
  static const char DUPLICATE[] = "{\"name\": \"a\", \"name\": \"b\", \"model\": {\"format\": \"tiaokuai/1\"}}";
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_scenario_run_json(S(DUPLICATE), NULL, 0, &s, &err), err);
  check_message(err, "duplicate key \"name\" at line 1 column 15");
  tiaokuai_error_free(err);
  static const char INLINE[] =
      "{\"model\": {\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": "
      "\"enterprise\", \"members\": -1, \"members\": 3}]}}";
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_FIELD, tiaokuai_scenario_run_json(S(INLINE), NULL, 0, &s, &err), err);
  check_message(err, "duplicate field `members`");
  tiaokuai_error_free(err);
  CHECK(s == NULL);
  tiaokuai_load_options_free(tiny);
  tiaokuai_load_options_free(mib);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SAMPLE_JSON_PATH SCENARIO_FOLDER\n", argv[0]);
    return 2;
  }
  test_models(argv[1]);
  test_configs();
  test_scenarios();
  return check_summary();
}
