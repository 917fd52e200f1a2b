/*
 * People and posts (issue #14): tiaokuai_model_holders_json, _posts_json and
 * _tenure_json at the model's date and at another, their errors, and
 * tiaokuai_model_redact_people (names gone, ids pseudonymous and stable per key).
 *
 * Usage: test_people (arguments ignored)
 */
#include <stdlib.h>

#include "check.h"

/* A street committee with two secretaries in turn, and a community worker who is also
 * the committee's deputy director. Read at 2024-06-30. */
static const char PEOPLE[] =
    "{\"format\": \"tiaokuai/1\", \"meta\": {\"as_of\": \"2024-06-30\"},"
    " \"units\": [{\"id\": \"gw\", \"name\": \"G\", \"kind\": \"party_working_committee\"},"
    "  {\"id\": \"rc\", \"name\": \"R\", \"kind\": \"residents_committee\"}],"
    " \"people\": [{\"id\": \"p1\", \"name\": \"张三\"}, {\"id\": \"p2\"}, {\"id\": \"p3\"}],"
    " \"links\": [{\"from\": \"p1\", \"to\": \"gw\", \"kind\": \"holds\", \"post\": \"secretary\","
    "   \"since\": \"2015-03-01\", \"until\": \"2020-02-29\"},"
    "  {\"from\": \"p2\", \"to\": \"gw\", \"kind\": \"holds\", \"post\": \"secretary\", \"since\": \"2020-03-01\"},"
    "  {\"from\": \"p3\", \"to\": \"rc\", \"kind\": \"holds\", \"post\": \"community_worker\", \"band\": \"other\","
    "   \"grade\": 3, \"since\": \"2019-01-01\"},"
    "  {\"from\": \"p3\", \"to\": \"rc\", \"kind\": \"holds\", \"post\": \"deputy_director\", \"since\": \"2021-01-01\"}]}";

/* The JSON of a call, or NULL (with the code checked) on failure. */
static char *holders(const struct tiaokuai_model *m, const char *unit, const char *date, enum tiaokuai_result want) {
  char *json = NULL;
  size_t len = 0;
  enum tiaokuai_result r = tiaokuai_model_holders_json(m, unit, strlen(unit), date, date ? strlen(date) : 0, &json,
                                                       &len, NULL);
  CHECK(r == want);
  CHECK((r == TIAOKUAI_RESULT_OK) == (json != NULL));
  if (json != NULL) {
    CHECK(strlen(json) == len);
  }
  return json;
}

static void test_holders(const struct tiaokuai_model *m) {
  char *now = holders(m, "gw", NULL, TIAOKUAI_RESULT_OK);
  CHECK(now && strstr(now, "\"person\": \"p2\"") && !strstr(now, "\"p1\""));
  tiaokuai_string_free(now);
  char *then = holders(m, "gw", "2018-06-01", TIAOKUAI_RESULT_OK);
  CHECK(then && strstr(then, "\"person\": \"p1\"") && strstr(then, "张三"));
  tiaokuai_string_free(then);
  char *before = holders(m, "gw", "2014", TIAOKUAI_RESULT_OK);
  CHECK(before && strcmp(before, "[]") == 0);
  tiaokuai_string_free(before);
  CHECK(holders(m, "gw", "2018-13", TIAOKUAI_RESULT_INVALID_DATE) == NULL);
  CHECK(holders(m, "nobody", NULL, TIAOKUAI_RESULT_UNKNOWN_ID) == NULL);
  CHECK(holders(m, "p1", NULL, TIAOKUAI_RESULT_WRONG_RECORD_TYPE) == NULL);
}

static void test_posts_and_tenure(const struct tiaokuai_model *m) {
  char *json = NULL;
  struct tiaokuai_error *err = NULL;
  /* Concurrent posts: community worker and deputy director. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_posts_json(m, S("p3"), NULL, 0, &json, NULL, &err), err);
  CHECK(json && strstr(json, "community_worker") && strstr(json, "deputy_director"));
  tiaokuai_string_free(json);
  json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_posts_json(m, S("p3"), S("2020"), &json, NULL, &err), err);
  CHECK(json && strstr(json, "community_worker") && !strstr(json, "deputy_director"));
  tiaokuai_string_free(json);
  json = NULL;
  CHECK(tiaokuai_model_posts_json(m, S("gw"), NULL, 0, &json, NULL, NULL) == TIAOKUAI_RESULT_WRONG_RECORD_TYPE);
  CHECK(json == NULL);
  /* p1: one term of 2015-03-01..2020-02-29, 1827 days. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_tenure_json(m, S("p1"), S("gw"), NULL, 0, &json, NULL, &err), err);
  CHECK(json && strstr(json, "\"terms\": 1") && strstr(json, "\"days\": 1827"));
  tiaokuai_string_free(json);
  json = NULL;
  /* Up to 2017-03-01, that day included: 732 days. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_tenure_json(m, S("p1"), NULL, 0, S("2017-03-01"), &json, NULL, &err),
               err);
  CHECK(json && strstr(json, "\"days\": 732"));
  tiaokuai_string_free(json);
  json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_tenure_json(m, NULL, 0, NULL, 0, NULL, 0, &json, NULL, &err), err);
  CHECK(json && strstr(json, "\"person\": \"p1\"") && strstr(json, "\"person\": \"p3\""));
  tiaokuai_string_free(json);
}

static void test_redaction(const struct tiaokuai_model *m) {
  struct tiaokuai_model *a = NULL, *b = NULL, *c = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_redact_people(m, S("secret"), &a, &err), err);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_redact_people(m, S("secret"), &b, &err), err);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_redact_people(m, S("other"), &c, &err), err);
  char *ja = NULL, *jb = NULL, *jc = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(a, &ja, NULL, &err), err);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(b, &jb, NULL, &err), err);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(c, &jc, NULL, &err), err);
  CHECK(ja && !strstr(ja, "张三") && !strstr(ja, "\"p1\"") && strstr(ja, "\"p-"));
  CHECK(ja && jb && strcmp(ja, jb) == 0);
  CHECK(ja && jc && strcmp(ja, jc) != 0);
  tiaokuai_string_free(ja);
  tiaokuai_string_free(jb);
  tiaokuai_string_free(jc);
  /* The redacted model still answers: its secretary has a pseudonym. */
  char *h = holders(a, "gw", NULL, TIAOKUAI_RESULT_OK);
  CHECK(h && strstr(h, "\"person\": \"p-"));
  tiaokuai_string_free(h);
  struct tiaokuai_model *none = NULL;
  CHECK(tiaokuai_model_redact_people(m, "", 0, &none, &err) == TIAOKUAI_RESULT_INVALID);
  CHECK(none == NULL && err != NULL);
  tiaokuai_error_free(err);
  tiaokuai_model_free(a);
  tiaokuai_model_free(b);
  tiaokuai_model_free(c);
}

int main(void) {
  struct tiaokuai_model *m = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(PEOPLE), &m, NULL), NULL);
  test_holders(m);
  test_posts_and_tenure(m);
  test_redaction(m);
  tiaokuai_model_free(m);
  return check_summary();
}
