/*
 * Views at a date (issue #12): tiaokuai_model_at, _whole, _snapshot, _date, _as_of;
 * TIAOKUAI_RESULT_INVALID_DATE and TIAOKUAI_RESULT_NOT_IN_FORCE; "uncertain" in the JSON
 * answers; and the differential check that a query at a date equals the query on the
 * snapshot of that date; tiaokuai_model_timeline_json on the sample against the table of
 * data/samples/README.md.
 *
 * Usage: test_time (arguments ignored)
 */
#include <stdlib.h>

#include "check.h"

/* old leads b until 2020-05-31, new from 2020-06-01; top leads new from some day of 2020. */
static const char DATED[] =
    "{\"format\": \"tiaokuai/1\","
    " \"units\": [{\"id\": \"top\", \"name\": \"T\", \"kind\": \"party_committee\"},"
    "  {\"id\": \"old\", \"name\": \"O\", \"kind\": \"party_working_committee\", \"until\": \"2020-05-31\"},"
    "  {\"id\": \"new\", \"name\": \"N\", \"kind\": \"party_working_committee\", \"since\": \"2020-06-01\"},"
    "  {\"id\": \"b\", \"name\": \"B\", \"kind\": \"party_branch\"}],"
    " \"links\": [{\"from\": \"top\", \"to\": \"old\", \"kind\": \"leads\"},"
    "  {\"from\": \"top\", \"to\": \"new\", \"kind\": \"leads\", \"since\": \"2020\"},"
    "  {\"from\": \"old\", \"to\": \"b\", \"kind\": \"leads\", \"until\": \"2020-05-31\"},"
    "  {\"from\": \"new\", \"to\": \"b\", \"kind\": \"leads\", \"since\": \"2020-06-01\"}]}";

static struct tiaokuai_model *at(const struct tiaokuai_model *m, const char *date) {
  struct tiaokuai_model *view = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_at(m, date, strlen(date), &view, &err), err);
  return view;
}

/* The chain of b as "b>old>top" (written into buf), or the result code's name on failure. */
static void chain_of(const struct tiaokuai_model *m, const char *unit, char *buf, size_t cap) {
  struct tiaokuai_answer *a = NULL;
  enum tiaokuai_result r = tiaokuai_model_chain(m, unit, strlen(unit), TIAOKUAI_LINE_LEADERSHIP, &a, NULL);
  buf[0] = '\0';
  if (r != TIAOKUAI_RESULT_OK) {
    snprintf(buf, cap, "%s", tiaokuai_result_name(r));
    return;
  }
  for (size_t i = 0; i < tiaokuai_answer_len(a); i++) {
    size_t len = 0;
    const char *id = tiaokuai_step_unit(tiaokuai_answer_step(a, i), &len);
    strncat(buf, i ? ">" : "", cap - strlen(buf) - 1);
    strncat(buf, id, cap - strlen(buf) - 1);
  }
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, NULL, NULL), NULL);
  if (strstr(json, "\"uncertain\"") != NULL) {
    strncat(buf, " (uncertain)", cap - strlen(buf) - 1);
  }
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);
}

static void test_views(struct tiaokuai_model *m) {
  char *date = NULL;
  size_t len = 99;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_date(m, &date, &len, NULL), NULL);
  CHECK(date == NULL && len == 0);

  struct tiaokuai_model *v2019 = at(m, "2019-05-03");
  struct tiaokuai_model *v2020 = at(m, "2020-08");
  struct tiaokuai_model *v2021 = at(m, "2021");
  tiaokuai_model_free(m); /* the views keep the document alive */

  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_date(v2020, &date, &len, NULL), NULL);
  CHECK_STR("2020-08", date);
  CHECK(len == 7);
  tiaokuai_string_free(date);

  struct tiaokuai_counts c;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(v2019, &c, NULL), NULL);
  CHECK(c.units == 3 && c.links == 2);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(v2021, &c, NULL), NULL);
  CHECK(c.units == 3 && c.links == 2);

  char buf[256];
  chain_of(v2019, "b", buf, sizeof buf);
  CHECK_STR("b>old>top", buf);
  chain_of(v2020, "b", buf, sizeof buf);
  CHECK_STR("b>new>top (uncertain)", buf);
  chain_of(v2021, "b", buf, sizeof buf);
  CHECK_STR("b>new>top", buf);

  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_NOT_IN_FORCE,
               tiaokuai_model_chain(v2019, S("new"), TIAOKUAI_LINE_LEADERSHIP, &a, &err), err);
  CHECK(a == NULL && err != NULL);
  CHECK_STR("new", tiaokuai_error_id(err, NULL));
  CHECK(strstr(tiaokuai_error_message(err, NULL), "not in force at 2019-05-03") != NULL);
  CHECK_STR("not_in_force", tiaokuai_result_name(TIAOKUAI_RESULT_NOT_IN_FORCE));
  tiaokuai_error_free(err);

  struct tiaokuai_model *whole = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_whole(v2019, &whole, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(whole, &c, NULL), NULL);
  CHECK(c.units == 4 && c.links == 4);
  tiaokuai_model_free(whole);

  tiaokuai_model_free(v2019);
  tiaokuai_model_free(v2020);
  tiaokuai_model_free(v2021);
}

static void test_bad_dates(const struct tiaokuai_model *m) {
  const char *bad[] = {"2019-13", "20190101", "2019-02-30", "", "2019-1-1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct tiaokuai_model *view = NULL;
    struct tiaokuai_error *err = NULL;
    CHECK_RESULT(TIAOKUAI_RESULT_INVALID_DATE, tiaokuai_model_at(m, bad[i], strlen(bad[i]), &view, &err), err);
    CHECK(view == NULL && err != NULL);
    CHECK(strstr(tiaokuai_error_message(err, NULL), "YYYY, YYYY-MM or YYYY-MM-DD") != NULL);
    tiaokuai_error_free(err);
  }
  CHECK_STR("invalid_date", tiaokuai_result_name(TIAOKUAI_RESULT_INVALID_DATE));
}

/* Differential: the chain of every unit at a date equals its chain on the snapshot of that date. */
static void test_view_equals_snapshot(const struct tiaokuai_model *m) {
  const char *dates[] = {"2014", "2019-05-03", "2020", "2020-05-31", "2020-06-01", "2020-08", "2021", "2030"};
  const char *units[] = {"top", "old", "new", "b"};
  for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
    struct tiaokuai_model *view = at(m, dates[d]);
    struct tiaokuai_model *snap = NULL;
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_snapshot(view, &snap, NULL), NULL);
    char *as_of = NULL;
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_as_of(snap, &as_of, NULL, NULL), NULL);
    CHECK_STR(dates[d], as_of);
    tiaokuai_string_free(as_of);
    struct tiaokuai_counts cv, cs;
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(view, &cv, NULL), NULL);
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(snap, &cs, NULL), NULL);
    CHECK(cv.units == cs.units && cv.links == cs.links);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
      char a[256], b[256];
      chain_of(view, units[u], a, sizeof a);
      chain_of(snap, units[u], b, sizeof b);
      if (strcmp(a, "not_in_force") == 0) {
        CHECK_STR("unknown_id", b); /* the snapshot does not hold it at all */
      } else {
        CHECK_STR(a, b);
      }
    }
    tiaokuai_model_free(snap);
    tiaokuai_model_free(view);
  }
}

/* The number after "\"<key>\": " in the timeline row of `date`, or -1 when absent. */
static long row_value(const char *json, const char *date, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"date\": \"%s\"", date);
  const char *row = strstr(json, pat);
  if (row == NULL) {
    return -1;
  }
  const char *next = strstr(row + 1, "\"date\": ");
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *at = strstr(row, pat);
  if (at == NULL || (next != NULL && at > next)) {
    return -1;
  }
  return strtol(at + strlen(pat), NULL, 10);
}

/* The number of rows: occurrences of "\"date\": ". */
static int row_count(const char *json) {
  int n = 0;
  for (const char *p = strstr(json, "\"date\": "); p != NULL; p = strstr(p + 1, "\"date\": ")) {
    n++;
  }
  return n;
}

static char *timeline(const struct tiaokuai_model *m, const char *options, enum tiaokuai_result expected) {
  char *json = NULL;
  size_t len = 0;
  struct tiaokuai_error *err = NULL;
  enum tiaokuai_result r =
      tiaokuai_model_timeline_json(m, options, options ? strlen(options) : 0, &json, &len, &err);
  CHECK_RESULT(expected, r, err);
  if (r == TIAOKUAI_RESULT_OK) {
    CHECK(json != NULL && len == strlen(json));
  } else {
    CHECK(json == NULL && err != NULL);
  }
  tiaokuai_error_free(err);
  return json;
}

static void test_timeline(void) {
  struct tiaokuai_model *sample = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&sample, NULL), NULL);
  /* The sample's findings at each year end (data/samples/README.md, "The sample in time"). */
  char *json = timeline(sample, "{\"from\": \"2013\", \"to\": \"2023\", \"every\": \"year\"}", TIAOKUAI_RESULT_OK);
  CHECK(row_count(json) == 11);
  CHECK(row_value(json, "2013", "C001") == 28);
  CHECK(row_value(json, "2013", "C002") == 58);
  CHECK(row_value(json, "2013", "S004") == 3);
  CHECK(row_value(json, "2015", "A004") == 1);
  CHECK(row_value(json, "2017", "C002") == 45);
  CHECK(row_value(json, "2022", "C003") == 4);
  CHECK(row_value(json, "2023", "C001") == 3);
  long total2013 = row_value(json, "2013", "errors") + row_value(json, "2013", "warnings") +
                   row_value(json, "2013", "infos");
  long total2023 = row_value(json, "2023", "errors") + row_value(json, "2023", "warnings") +
                   row_value(json, "2023", "infos");
  CHECK(total2013 == 154);
  CHECK(total2023 == 38);
  tiaokuai_string_free(json);

  /* The config switches a rule off; without "every" the rows are the days something changes. */
  json = timeline(sample,
                  "{\"from\": \"2013\", \"to\": \"2013\", \"every\": \"year\","
                  " \"config\": {\"rules\": {\"C001\": {\"enabled\": false}}}}",
                  TIAOKUAI_RESULT_OK);
  CHECK(row_count(json) == 1 && row_value(json, "2013", "C001") == -1 && row_value(json, "2013", "C002") == 58);
  tiaokuai_string_free(json);
  json = timeline(sample, "{\"from\": \"2017-01-01\", \"to\": \"2017-12-31\"}", TIAOKUAI_RESULT_OK);
  /* Branches founded "2017" are only possibly in force on 2017-01-01 (C002 58 at the end of 2016);
     the ten rows are the days a branch is founded or a post changes hands in 2017. */
  CHECK(row_count(json) == 10 && row_value(json, "2017-01-01", "C002") == 54);
  CHECK(row_value(json, "2017-12-31", "C002") == 45);
  tiaokuai_string_free(json);
  struct tiaokuai_model *dated = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(DATED), &dated, NULL), NULL);
  json = timeline(dated, NULL, TIAOKUAI_RESULT_OK); /* NULL options: every day something changes */
  CHECK(row_count(json) >= 2 && strstr(json, "\"date\": \"2020-06-01\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_model_free(dated);

  /* The dates shared out between threads: the same rows, byte for byte. */
  char *one = timeline(sample, "{\"from\": \"2013\", \"to\": \"2023\", \"every\": \"year\", \"threads\": 1}",
                       TIAOKUAI_RESULT_OK);
  char *four = timeline(sample, "{\"from\": \"2013\", \"to\": \"2023\", \"every\": \"year\", \"threads\": 4}",
                        TIAOKUAI_RESULT_OK);
  CHECK(one != NULL && four != NULL && strcmp(one, four) == 0 && row_count(four) == 11);
  tiaokuai_string_free(one);
  tiaokuai_string_free(four);
  CHECK(timeline(sample, "{\"threads\": -1}", TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);
  CHECK(timeline(sample, "{\"threads\": 1.5}", TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);
  CHECK(timeline(sample, "{\"threads\": \"2\"}", TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);

  /* Bad options: each a clear error, no string. */
  CHECK(timeline(sample, "{\"from\": \"2019-13\"}", TIAOKUAI_RESULT_INVALID_DATE) == NULL);
  CHECK(timeline(sample, "{\"every\": \"week\", \"from\": \"2013\", \"to\": \"2014\"}",
                 TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);
  CHECK(timeline(sample, "{\"since\": \"2013\"}", TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);
  CHECK(timeline(sample, "[1]", TIAOKUAI_RESULT_INVALID_ARGUMENT) == NULL);
  CHECK(timeline(sample, "{\"every\": \"year\"}", TIAOKUAI_RESULT_INVALID) == NULL);
  CHECK(timeline(sample, "{\"from\": \"2020\", \"to\": \"2019\"}", TIAOKUAI_RESULT_INVALID) == NULL);
  char *out = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, tiaokuai_model_timeline_json(NULL, NULL, 0, &out, NULL, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, tiaokuai_model_timeline_json(sample, NULL, 0, NULL, NULL, NULL),
               NULL);
  CHECK(out == NULL);
  tiaokuai_model_free(sample);
}

int main(void) {
  struct tiaokuai_model *m = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(DATED), &m, NULL), NULL);
  test_bad_dates(m);
  test_view_equals_snapshot(m);
  test_views(m); /* frees m */
  test_timeline();
  return check_summary();
}
