/*
 * Scenarios: the shared tests/scenarios/ files (*.json) must all pass through the C
 * API, and the runner's own behaviour (passing, failing, model_file, errors).
 *
 * Usage: test_scenarios SAMPLE_JSON_PATH SCENARIO_FOLDER
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdlib.h>

#include "check.h"

static const char PASSING[] =
    "{\"name\": \"a firm with 4 members and no branch\",\n"
    " \"model\": {\"format\": \"tiaokuai/1\",\n"
    "           \"units\": [{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"enterprise\", \"sector\": \"private\",\n"
    "                      \"members\": 4}]},\n"
    " \"expect\": {\"findings\": [{\"rule\": \"C001\", \"subject\": \"acme\"}], \"absent\": [{\"rule\": \"C004\"}]}}";

static const char FAILING[] =
    "{\"name\": \"expects a finding that is not there\",\n"
    " \"model\": {\"format\": \"tiaokuai/1\",\n"
    "           \"units\": [{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"enterprise\", \"members\": 1}]},\n"
    " \"expect\": {\"findings\": [{\"rule\": \"C001\", \"subject\": \"acme\"}]}}";

static void test_inline(void) {
  struct tiaokuai_scenario *s = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(S(PASSING), NULL, 0, &s, &err), err);
  CHECK(err == NULL);
  CHECK(tiaokuai_scenario_passed(s));
  size_t len = 0;
  CHECK_STR("a firm with 4 members and no branch", tiaokuai_scenario_name(s, &len));
  CHECK(len == strlen("a firm with 4 members and no branch"));
  CHECK(tiaokuai_scenario_len(s) == 2);
  for (size_t i = 0; i < tiaokuai_scenario_len(s); i++) {
    const struct tiaokuai_check *c = tiaokuai_scenario_check(s, i);
    CHECK(c != NULL && tiaokuai_check_passed(c));
    CHECK(tiaokuai_check_what(c, &len) != NULL && len > 0);
    CHECK(tiaokuai_check_expected(c, NULL) != NULL && tiaokuai_check_actual(c, NULL) != NULL);
  }
  CHECK(tiaokuai_scenario_check(s, 2) == NULL);
  CHECK(strncmp(tiaokuai_scenario_report(s, NULL), "ok", 2) == 0);
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_to_json(s, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json) && strstr(json, "\"checks\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_scenario_free(s);

  /* A failing expectation is an outcome, not an error. */
  s = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(S(FAILING), NULL, 0, &s, &err), err);
  CHECK(!tiaokuai_scenario_passed(s));
  CHECK(tiaokuai_scenario_len(s) == 1);
  const struct tiaokuai_check *c = tiaokuai_scenario_check(s, 0);
  CHECK(!tiaokuai_check_passed(c));
  CHECK(strstr(tiaokuai_check_what(c, NULL), "C001") != NULL);
  CHECK(strncmp(tiaokuai_scenario_report(s, NULL), "FAIL", 4) == 0);
  CHECK(strstr(tiaokuai_scenario_report(s, NULL), "expected") != NULL);
  tiaokuai_scenario_free(s);
}

static void test_model_file(const char *sample) {
  /* "model_file" is resolved against base_dir: the sample's folder. */
  char dir[512];
  snprintf(dir, sizeof dir, "%s", sample);
  char *slash = strrchr(dir, '/');
  const char *file = sample;
  if (slash != NULL) {
    *slash = '\0';
    file = slash + 1;
  } else {
    snprintf(dir, sizeof dir, ".");
  }
  char json[1024];
  snprintf(json, sizeof json,
           "{\"name\": \"the sample\", \"model_file\": \"%s\", "
           "\"expect\": {\"responsible\": [{\"territory\": \"310113\", \"holders\": []}]}}",
           file);
  struct tiaokuai_scenario *s = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(json, strlen(json), dir, strlen(dir), &s, &err), err);
  /* The district is held by somebody, so "holders": [] fails, and says what was found. */
  CHECK(!tiaokuai_scenario_passed(s));
  CHECK(strstr(tiaokuai_check_actual(tiaokuai_scenario_check(s, 0), NULL), "\"holders\"") != NULL);
  tiaokuai_scenario_free(s);

  /* Without base_dir the path is relative to the working directory: not found. */
  s = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_scenario_run_json(S("{\"model_file\": \"no/such/model.json\"}"), NULL, 0, &s, &err),
               err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "no/such/model.json") != NULL);
  tiaokuai_error_free(err);
  CHECK(s == NULL);
}

static void test_errors(void) {
  struct tiaokuai_scenario *s = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_scenario_run_json(S("{\"name\": "), NULL, 0, &s, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "scenario") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_scenario_run_json(S("{\"modle\": {}}"), NULL, 0, &s, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "unknown key \"modle\"") != NULL);
  tiaokuai_error_free(err);
  /* The model's own errors come through with their codes. */
  CHECK_RESULT(TIAOKUAI_RESULT_DANGLING_REFERENCE,
               tiaokuai_scenario_run_json(S("{\"model\": {\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"t\", "
                                            "\"name\": \"T\", \"kind\": \"street\", \"parent\": \"ghost\"}]}}"),
                                          NULL, 0, &s, &err),
               err);
  CHECK_STR("ghost", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  /* An expectation naming an unknown unit cannot be checked. */
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID,
               tiaokuai_scenario_run_json(S("{\"model\": {\"format\": \"tiaokuai/1\"}, \"expect\": {\"chains\": "
                                            "[{\"unit\": \"nobody\", \"steps\": []}]}}"),
                                          NULL, 0, &s, &err),
               err);
  CHECK_STR("nobody", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_scenario_run_file(S("/nonexistent/scenario.json"), &s, &err), err);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_scenario_run_json(S("{\"name\": \"\xff\"}"), NULL, 0, &s, NULL),
               NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_scenario_run_json(S(PASSING), S("\xff"), &s, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_scenario_run_file(S("/tmp/\xff.json"), &s, NULL), NULL);
  CHECK(s == NULL);

#define CHECK_NULL(call)                                               \
  do {                                                                 \
    err = NULL;                                                        \
    CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, (call), err);         \
    CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_NULL_PARAMETER); \
    tiaokuai_error_free(err);                                          \
  } while (0)
  char *json = NULL;
  size_t len = 0;
  CHECK_NULL(tiaokuai_scenario_run_file(NULL, 3, &s, &err));
  CHECK_NULL(tiaokuai_scenario_run_file(S("x.json"), NULL, &err));
  CHECK_NULL(tiaokuai_scenario_run_json(NULL, 3, NULL, 0, &s, &err));
  CHECK_NULL(tiaokuai_scenario_run_json(S(PASSING), NULL, 3, &s, &err));
  CHECK_NULL(tiaokuai_scenario_run_json(S(PASSING), NULL, 0, NULL, &err));
  CHECK_NULL(tiaokuai_scenario_to_json(NULL, &json, &len, &err));
  CHECK(s == NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(S(PASSING), NULL, 0, &s, NULL), NULL);
  CHECK_NULL(tiaokuai_scenario_to_json(s, NULL, &len, &err));
  tiaokuai_scenario_free(s);
#undef CHECK_NULL
  CHECK(!tiaokuai_scenario_passed(NULL));
  CHECK(tiaokuai_scenario_name(NULL, &len) == NULL);
  CHECK(tiaokuai_scenario_report(NULL, &len) == NULL);
  CHECK(tiaokuai_scenario_len(NULL) == 0);
  CHECK(tiaokuai_scenario_check(NULL, 0) == NULL);
  CHECK(!tiaokuai_check_passed(NULL));
  CHECK(tiaokuai_check_what(NULL, &len) == NULL);
  CHECK(tiaokuai_check_expected(NULL, &len) == NULL);
  CHECK(tiaokuai_check_actual(NULL, &len) == NULL);
  tiaokuai_scenario_free(NULL);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .json file of tests/scenarios, in name order, must run and pass. */
static void test_shared(const char *folder) {
  DIR *d = opendir(folder);
  if (d == NULL) {
    /* An empty folder is not kept by git: no folder, no scenarios. */
    printf("scenarios: none (%s not found)\n", folder);
    return;
  }
  char *names[512];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 512) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
      names[n] = malloc(len + 1);
      memcpy(names[n++], e->d_name, len + 1);
    }
  }
  closedir(d);
  qsort(names, n, sizeof names[0], by_name);
  size_t passed = 0;
  for (size_t i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", folder, names[i]);
    struct tiaokuai_scenario *s = NULL;
    struct tiaokuai_error *err = NULL;
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_file(path, strlen(path), &s, &err), err);
    if (err != NULL) {
      fprintf(stderr, "  in %s\n", path);
      tiaokuai_error_free(err);
    }
    CHECK(s == NULL || tiaokuai_scenario_len(s) > 0);
    if (s != NULL && tiaokuai_scenario_passed(s)) {
      passed++;
    } else if (s != NULL) {
      fprintf(stderr, "%s: %s", names[i], tiaokuai_scenario_report(s, NULL));
    }
    CHECK(tiaokuai_scenario_passed(s));
    tiaokuai_scenario_free(s);
    free(names[i]);
  }
  printf("scenarios: %zu of %zu in %s passed\n", passed, n, folder);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SAMPLE_JSON_PATH SCENARIO_FOLDER\n", argv[0]);
    return 2;
  }
  test_inline();
  test_model_file(argv[1]);
  test_errors();
  test_shared(argv[2]);
  return check_summary();
}
