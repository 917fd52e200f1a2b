/*
 * Case logs against the model (issue #15): tiaokuai_cases_json on the shared fixture
 * in tests/cases/ (each case's class as tests/cases/expected.csv lists it, the problem
 * rows of tests/cases/problems.csv), options, and the error paths; tiaokuai_generate_cases
 * on the sample, its log judged as its answer key says; the sample's meetings (三会) and
 * their table per community or street per year.
 *
 * Usage: test_cases SAMPLE_JSON_PATH SCENARIO_FOLDER [HEADER] (the fixture is
 * SCENARIO_FOLDER/../cases)
 */
#define _DEFAULT_SOURCE /* strsep */
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

/* Whether the JSON text of `value` (a CSV cell: a number, true or false as they are, else a
 * string) follows "name": somewhere in [row, end). */
static int has_field(const char *row, const char *end, const char *name, const char *value) {
  char want[256];
  int bare = strcmp(value, "true") == 0 || strcmp(value, "false") == 0 ||
             (value[0] != '\0' && strspn(value, "0123456789") == strlen(value));
  snprintf(want, sizeof want, bare ? "\"%s\": %s" : "\"%s\": \"%s\"", name, value);
  const char *at = strstr(row, want);
  /* A bare value ends there: "returns": 1 is not the start of "returns": 10. */
  return at != NULL && at < end && strchr(",\n}", at[strlen(want)]) != NULL;
}

/* Every line of a CSV of cases after its header (tests/cases/expected.csv: case, class,
 * returns, cycle, closed; a generated log's key: case, class, leads, unit, returns, cycle,
 * closed) is a row of the "cases" table of `json`: the row of "case": "<id>" has each other
 * column's value under the column's name. No cell holds a comma or a quote. Returns the number
 * of lines checked. */
static int rows_as_listed(const char *json, const char *csv) {
  const char *table = strstr(json, "\"cases\": [");
  CHECK(table != NULL);
  FILE *f = fopen(csv, "r");
  CHECK(f != NULL);
  char header[256], line[1024];
  char *names[16];
  int columns = 0, rows = 0;
  CHECK(f && fgets(header, sizeof header, f) != NULL);
  header[strcspn(header, "\r\n")] = '\0';
  for (char *name = strtok(header, ","); name && columns < 16; name = strtok(NULL, ",")) {
    names[columns++] = name;
  }
  CHECK(columns >= 2 && strcmp(names[0], "case") == 0);
  while (f && table && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *cells[16];
    int n = 0;
    /* strsep keeps empty cells (a case with no lead). */
    for (char *rest = line, *cell; n < 16 && (cell = strsep(&rest, ",")) != NULL;) {
      cells[n++] = cell;
    }
    CHECK(n == columns);
    char want_case[64];
    snprintf(want_case, sizeof want_case, "\"case\": \"%s\"", cells[0]);
    const char *row = strstr(table, want_case);
    const char *end = row ? strchr(row, '}') : NULL;
    CHECK(row != NULL && end != NULL);
    for (int i = 1; row && end && i < n && i < columns; i++) {
      if (!has_field(row, end, names[i], cells[i])) {
        fprintf(stderr, "case %s: %s is not %s\n", cells[0], names[i], cells[i]);
        CHECK(0);
      }
    }
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
  CHECK(rows_as_listed(json, path("expected.csv")) == 12);
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
 * ("C00000009,misrouted,lj-gov,dc-c05-vc,0,false,true") is a row of the replay's cases table
 * with those class, leads, final unit, returns, cycle and closure. */
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
  CHECK(rows_as_listed(json, key) == 300);
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

static int occurrences(const char *text, const char *what) {
  int n = 0;
  for (const char *at = strstr(text, what); at; at = strstr(at + 1, what)) {
    n++;
  }
  return n;
}

/* The sample's meetings (三会): the records, and the table per community or street per year. */
static void test_meetings(const char *sample) {
  struct tiaokuai_model *m = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(sample, strlen(sample), &m, &err), err);
  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_meetings_json(m, &json, &len, &err), err);
  CHECK(json && len == strlen(json) && json[0] == '[');
  /* 191 meetings in the sample, the first its district's hearing on its jobs project. */
  CHECK(json && occurrences(json, "\"kind\":") == 191);
  CHECK(json && strncmp(json, "[{\"id\":\"m-bs-2022-jobs\",\"kind\":\"hearing\"", 40) == 0);
  tiaokuai_string_free(json);
  /* Per community (the default), every year: a row per community and year with meetings. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_meetings_table_json(m, NULL, 0, 0, &json, NULL, &err), err);
  CHECK(json && occurrences(json, "\"territory_name\":") == 124);
  tiaokuai_string_free(json);
  /* Per street in 2023: 13 streets and towns, the first holding 18 meetings. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_meetings_table_json(m, S("street"), 2023, &json, NULL, &err), err);
  CHECK(json && occurrences(json, "\"territory_name\":") == 13);
  CHECK(json && occurrences(json, "\"year\": 2023") == 13);
  CHECK(json && strstr(json, "\"territory\": \"310113003\"") != NULL && strstr(json, "\"meetings\": 18") != NULL);
  tiaokuai_string_free(json);
  /* A year without meetings: no rows. An unknown level: an error naming it. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_meetings_table_json(m, S("street"), 1990, &json, NULL, &err), err);
  CHECK(json && strcmp(json, "[]") == 0);
  tiaokuai_string_free(json);
  json = (char *)"untouched";
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_meetings_table_json(m, S("grid"), 0, &json, NULL, &err), NULL);
  CHECK(err != NULL && strstr(tiaokuai_error_message(err, NULL), "grid") != NULL);
  CHECK(strcmp(json, "untouched") == 0);
  tiaokuai_error_free(err);
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
  test_meetings(argv[1]);
  return check_summary();
}
