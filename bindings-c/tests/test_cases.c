/*
 * Case logs against the model (issue #15): tiaokuai_cases_json on the shared fixture
 * in tests/cases/ (each case's class as tests/cases/expected.csv lists it, the problem
 * rows of tests/cases/problems.csv), options, and the error paths; tiaokuai_generate_cases
 * on the sample, its log judged as its answer key says.
 *
 * Usage: test_cases SAMPLE_JSON_PATH SCENARIO_FOLDER [HEADER] (the fixture is
 * SCENARIO_FOLDER/../cases)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static char fixture[4096];

static const char *path(const char *name) {
  static char buf[4200];
  snprintf(buf, sizeof buf, "%s/%s", fixture, name);
  return buf;
}

static char *cases_json(const struct tiaokuai_model *m, const char *log, const char *options) {
  char *json = NULL;
  size_t len = 0;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK,
               tiaokuai_cases_json(m, log, strlen(log), options, options ? strlen(options) : 0, &json, &len, &err),
               err);
  CHECK(json != NULL && len == strlen(json));
  return json;
}

/* Every line of a CSV of cases after its header ("A1,right,..." in expected.csv or a generated
 * log's key) appears in the "cases" table of `json` as "case": "A1", then "class": "right" in
 * the same row object. Returns the number of lines checked. */
static int classes_as_listed(const char *json, const char *csv) {
  const char *table = strstr(json, "\"cases\": [");
  CHECK(table != NULL);
  FILE *f = fopen(csv, "r");
  CHECK(f != NULL);
  char line[1024];
  int rows = 0;
  CHECK(f && fgets(line, sizeof line, f) != NULL); /* the header */
  while (f && table && fgets(line, sizeof line, f)) {
    char *id = strtok(line, ",");
    char *class = strtok(NULL, ",");
    char want_case[64], want_class[64];
    snprintf(want_case, sizeof want_case, "\"case\": \"%s\"", id);
    snprintf(want_class, sizeof want_class, "\"class\": \"%s\"", class);
    const char *row = strstr(table, want_case);
    const char *end = row ? strchr(row, '}') : NULL;
    const char *cls = row ? strstr(row, want_class) : NULL;
    CHECK(row != NULL && cls != NULL && cls < end);
    rows++;
  }
  if (f) {
    fclose(f);
  }
  return rows;
}

static void test_fixture(const struct tiaokuai_model *m) {
  char *json = cases_json(m, path("log.csv"), "{\"keep_cases\": true}");
  CHECK(strstr(json, "\"cases\": 12") != NULL);
  CHECK(classes_as_listed(json, path("expected.csv")) == 12);
  /* The problems table names rows and kinds. */
  CHECK(strstr(json, "\"kind\": \"out_of_order\"") != NULL);
  CHECK(strstr(json, "\"row\": 42") != NULL);
  tiaokuai_string_free(json);

  /* Without keep_cases there is no per-case table; on_time moves the late case in. */
  json = cases_json(m, path("log.csv"), "{\"on_time\": 30}");
  CHECK(strstr(json, "\"cases\": [") == NULL);
  CHECK(strstr(json, "\"on_time_days\": 30.0") != NULL);
  tiaokuai_string_free(json);
  /* NULL options: the defaults. JSON Lines: the same cases. */
  json = cases_json(m, path("log.jsonl"), NULL);
  CHECK(strstr(json, "\"cases\": 12") != NULL);
  tiaokuai_string_free(json);
}

static void test_errors(const struct tiaokuai_model *m) {
  char *json = (char *)"untouched";
  struct tiaokuai_error *err = NULL;
  const char *missing = path("no-such-log.csv");
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_cases_json(m, missing, strlen(missing), NULL, 0, &json, NULL, &err), err);
  CHECK(err != NULL && strstr(tiaokuai_error_message(err, NULL), "no-such-log.csv") != NULL);
  tiaokuai_error_free(err);
  const char *log = path("log.csv");
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_cases_json(m, log, strlen(log), S("{\"x\": 1}"), &json, NULL, NULL),
               NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID,
               tiaokuai_cases_json(m, log, strlen(log), S("{\"on_time\": -1}"), &json, NULL, NULL), NULL);
  CHECK(strcmp(json, "untouched") == 0);
}

/* A generated log of the sample is judged as its answer key says: every line of the key
 * ("C00000007,misrouted,...") appears in the replay's cases table with that class. */
static void test_generated(const char *sample) {
  struct tiaokuai_model *m = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(sample, strlen(sample), &m, &err), err);
  char dir[64];
  snprintf(dir, sizeof dir, "/tmp/tiaokuai-c-cases-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  char log[128], key[128];
  snprintf(log, sizeof log, "%s/log.csv", dir);
  snprintf(key, sizeof key, "%s/key.csv", dir);
  char *counts = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK,
               tiaokuai_generate_cases(m, log, strlen(log), key, strlen(key), 300, S("{\"seed\": 4, \"days\": 90}"),
                                       &counts, NULL, &err),
               err);
  CHECK(counts != NULL && strstr(counts, "\"cases\":300") != NULL);
  char *json = cases_json(m, log, "{\"keep_cases\": true}");
  CHECK(strstr(json, "\"cases\": 300") != NULL);
  CHECK(classes_as_listed(json, key) == 300);
  tiaokuai_string_free(json);
  tiaokuai_string_free(counts);
  /* Bad options: an error, and no file written. */
  char other[128];
  snprintf(other, sizeof other, "%s/other.csv", dir);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID,
               tiaokuai_generate_cases(m, other, strlen(other), NULL, 0, 10, S("{\"days\": 0}"), &counts, NULL, NULL),
               NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID,
               tiaokuai_generate_cases(m, other, strlen(other), NULL, 0, 10, S("{\"speed\": 1}"), &counts, NULL, NULL),
               NULL);
  CHECK(fopen(other, "r") == NULL);
  remove(log);
  remove(key);
  rmdir(dir);
  tiaokuai_model_free(m);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_cases SAMPLE_JSON_PATH SCENARIO_FOLDER\n");
    return 2;
  }
  snprintf(fixture, sizeof fixture, "%s/../cases", argv[2]);
  struct tiaokuai_model *m = NULL;
  struct tiaokuai_error *err = NULL;
  const char *model = path("model.json");
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(model, strlen(model), &m, &err), err);
  test_fixture(m);
  test_errors(m);
  tiaokuai_model_free(m);
  test_generated(argv[1]);
  return check_summary();
}
