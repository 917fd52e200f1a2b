/*
 * Who is accountable: tiaokuai_model_chain, _responsible_for and _dispatch,
 * their steps, problems and JSON, and their error paths.
 */
#include <stdlib.h>

#include "check.h"
#include "fixture.h"

/* The fixture plus a community nobody holds jurisdiction over, a dual-led unit
 * and a matter with two leads. */
static const char GAPS[] =
    "{\"format\": \"tiaokuai/1\",\n"
    " \"territories\": [{\"id\": \"c\", \"name\": \"City\", \"kind\": \"city\"},\n"
    "                 {\"id\": \"s\", \"name\": \"Street\", \"kind\": \"street\", \"parent\": \"c\"},\n"
    "                 {\"id\": \"k\", \"name\": \"Community\", \"kind\": \"community\", \"parent\": \"s\"}],\n"
    " \"units\": [{\"id\": \"sw\", \"name\": \"City committee\", \"kind\": \"party_committee\"},\n"
    "           {\"id\": \"gw\", \"name\": \"Street committee\", \"kind\": \"party_working_committee\"},\n"
    "           {\"id\": \"zf\", \"name\": \"Street office\", \"kind\": \"government\"},\n"
    "           {\"id\": \"br\", \"name\": \"Branch\", \"kind\": \"party_branch\"}],\n"
    " \"matters\": [{\"id\": \"m2\", \"name\": \"Two leads\", \"list\": \"basic\"}],\n"
    " \"links\": [{\"from\": \"sw\", \"to\": \"c\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"gw\", \"to\": \"s\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"zf\", \"to\": \"s\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"sw\", \"to\": \"gw\", \"kind\": \"leads\"},\n"
    "           {\"from\": \"gw\", \"to\": \"br\", \"kind\": \"leads\"},\n"
    "           {\"from\": \"zf\", \"to\": \"br\", \"kind\": \"leads\"},\n"
    "           {\"from\": \"gw\", \"to\": \"m2\", \"kind\": \"responsible\", \"role\": \"lead\"},\n"
    "           {\"from\": \"zf\", \"to\": \"m2\", \"kind\": \"responsible\", \"role\": \"lead\"}]}\n";

static struct tiaokuai_model *load(const char *json) {
  struct tiaokuai_model *model = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(json, strlen(json), &model, &err), err);
  return model;
}

/* Checks one step's fields; NULL means "absent". `link` < 0 means no link. */
static void check_step(const struct tiaokuai_answer *a, size_t i, const char *unit, const char *via,
                       const char *territory, const char *level, const char *grade, long link) {
  const struct tiaokuai_step *s = tiaokuai_answer_step(a, i);
  CHECK(s != NULL);
  size_t len = 99;
  CHECK_STR(unit, tiaokuai_step_unit(s, &len));
  if (unit) {
    CHECK(len == strlen(unit));
  }
  CHECK_STR(via, tiaokuai_step_via(s, NULL));
  CHECK_STR(territory, tiaokuai_step_territory(s, NULL));
  CHECK_STR(level, tiaokuai_step_level(s, NULL));
  CHECK_STR(grade, tiaokuai_step_grade(s, NULL));
  size_t index = 12345;
  CHECK(tiaokuai_step_link(s, &index) == (link >= 0));
  CHECK(index == (link >= 0 ? (size_t)link : 12345));
}

static void test_chain(void) {
  struct tiaokuai_model *model = load(FIXTURE);
  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("gw"), TIAOKUAI_LINE_LEADERSHIP, &a, &err), err);
  CHECK(err == NULL);
  CHECK(tiaokuai_answer_len(a) == 3);
  check_step(a, 0, "gw", NULL, NULL, "street", "direct", -1);
  check_step(a, 1, "qw", "leads", NULL, "district", "first", 4);
  check_step(a, 2, "sw", "leads", NULL, "city", "overall", 3);
  CHECK_STR("中共宝山区委", tiaokuai_step_name(tiaokuai_answer_step(a, 1), NULL));
  CHECK_STR("party_committee", tiaokuai_step_kind(tiaokuai_answer_step(a, 2), NULL));
  CHECK(tiaokuai_answer_step(a, 3) == NULL);
  CHECK(tiaokuai_answer_step(a, (size_t)-1) == NULL);
  CHECK(tiaokuai_answer_problem(a, NULL) == NULL);

  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json));
  CHECK(strstr(json, "\"unit\": \"gw\"") != NULL);
  CHECK(strstr(json, "\"line\": \"leadership\"") != NULL);
  CHECK(strstr(json, "\"evidence\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);

  /* Every line is accepted; a top unit's chain is itself. */
  for (int line = TIAOKUAI_LINE_LEADERSHIP; line <= TIAOKUAI_LINE_ALL; line++) {
    a = NULL;
    CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("sw"), line, &a, &err), err);
    CHECK(tiaokuai_answer_len(a) == 1);
    tiaokuai_answer_free(a);
  }

  /* Errors: unknown line, unknown id, wrong record type, bad UTF-8. */
  a = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_ARGUMENT, tiaokuai_model_chain(model, S("gw"), 3, &a, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "line: 3") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_ARGUMENT, tiaokuai_model_chain(model, S("gw"), -1, &a, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_chain(model, S("ghost"), 0, &a, &err), err);
  CHECK_STR("ghost", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_WRONG_RECORD_TYPE, tiaokuai_model_chain(model, S("s"), 0, &a, &err), err);
  CHECK_STR("s", tiaokuai_error_id(err, NULL));
  CHECK_STR("\"s\" is a territory, but chain needs a unit", tiaokuai_error_message(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_chain(model, S("g\xfe"), 0, &a, NULL), NULL);
  CHECK(a == NULL);
  tiaokuai_model_free(model);
}

static void test_chain_branch(void) {
  /* br has two leaders, none primary: the chain follows the first and the JSON reports the rest. */
  struct tiaokuai_model *model = load(GAPS);
  struct tiaokuai_answer *a = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("br"), TIAOKUAI_LINE_LEADERSHIP, &a, NULL), NULL);
  CHECK(tiaokuai_answer_len(a) == 3);
  check_step(a, 0, "br", NULL, NULL, NULL, NULL, -1);
  check_step(a, 1, "gw", "leads", NULL, "street", "direct", 4);
  check_step(a, 2, "sw", "leads", NULL, "city", "overall", 3);
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, NULL, NULL), NULL);
  CHECK(strstr(json, "\"leader\": \"zf\"") != NULL);
  CHECK(strstr(json, "\"ambiguous\": [\n    \"br\"\n  ]") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);
  tiaokuai_model_free(model);
}

static void test_responsible_for(void) {
  struct tiaokuai_model *model = load(FIXTURE);
  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_responsible_for(model, S("s"), &a, &err), err);
  CHECK(tiaokuai_answer_len(a) == 3);
  check_step(a, 0, "gw", "jurisdiction", "s", "street", "direct", 2);
  check_step(a, 1, "qw", "jurisdiction", "d", "district", "first", 1);
  check_step(a, 2, "sw", "jurisdiction", "c", "city", "overall", 0);
  tiaokuai_answer_free(a);

  CHECK_RESULT(TIAOKUAI_RESULT_WRONG_RECORD_TYPE, tiaokuai_model_responsible_for(model, S("gw"), &a, &err), err);
  CHECK_STR("\"gw\" is a unit, but responsible_for needs a territory", tiaokuai_error_message(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_responsible_for(model, S("ghost"), &a, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_responsible_for(model, S("\x80"), &a, NULL), NULL);
  tiaokuai_model_free(model);

  /* Nobody holds the community: one step without a unit; two hold the street. */
  model = load(GAPS);
  a = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_responsible_for(model, S("k"), &a, &err), err);
  CHECK(tiaokuai_answer_len(a) == 4);
  check_step(a, 0, NULL, NULL, "k", "community", "specific", -1);
  CHECK(tiaokuai_step_name(tiaokuai_answer_step(a, 0), NULL) == NULL);
  CHECK(tiaokuai_step_kind(tiaokuai_answer_step(a, 0), NULL) == NULL);
  check_step(a, 1, "gw", "jurisdiction", "s", "street", "direct", 1);
  check_step(a, 2, "zf", "jurisdiction", "s", "street", "direct", 2);
  check_step(a, 3, "sw", "jurisdiction", "c", "city", "overall", 0);
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, NULL, NULL), NULL);
  CHECK(strstr(json, "\"missing\": \"jurisdiction\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);
  tiaokuai_model_free(model);
}

static void test_dispatch(void) {
  struct tiaokuai_model *model = load(FIXTURE);
  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_dispatch(model, S("m"), S("s"), &a, &err), err);
  CHECK(tiaokuai_answer_len(a) == 1);
  check_step(a, 0, "gw", "lead", "s", "street", "direct", 5);
  CHECK(tiaokuai_answer_problem(a, NULL) == NULL);
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, NULL, &err), err);
  CHECK(strstr(json, "\"resolved_at\": \"s\"") != NULL);
  CHECK(strstr(json, "\"chains\"") != NULL && strstr(json, "\"block\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);

  /* Above the street nobody leads the matter: an answer with a problem, not an error. */
  a = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_dispatch(model, S("m"), S("d"), &a, &err), err);
  CHECK(tiaokuai_answer_len(a) == 0);
  CHECK(tiaokuai_answer_step(a, 0) == NULL);
  size_t len = 0;
  CHECK_STR("no_lead", tiaokuai_answer_problem(a, &len));
  CHECK(len == 7);
  tiaokuai_answer_free(a);
  a = NULL;

  /* Errors name the id and what was needed. */
  CHECK_RESULT(TIAOKUAI_RESULT_WRONG_RECORD_TYPE, tiaokuai_model_dispatch(model, S("s"), S("s"), &a, &err), err);
  CHECK_STR("s", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_WRONG_RECORD_TYPE, tiaokuai_model_dispatch(model, S("m"), S("m"), &a, &err), err);
  CHECK_STR("m", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_dispatch(model, S("ghost"), S("s"), &a, &err), err);
  CHECK_STR("ghost", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_dispatch(model, S("m"), S("nowhere"), &a, &err), err);
  CHECK_STR("nowhere", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_dispatch(model, S("\xff"), S("s"), &a, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_dispatch(model, S("m"), S("\xff"), &a, NULL), NULL);
  CHECK(a == NULL);
  tiaokuai_model_free(model);

  /* Two leads at the same level. */
  model = load(GAPS);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_dispatch(model, S("m2"), S("k"), &a, &err), err);
  CHECK(tiaokuai_answer_len(a) == 2);
  check_step(a, 0, "gw", "lead", "s", "street", "direct", 6);
  check_step(a, 1, "zf", "lead", "s", "street", "direct", 7);
  CHECK_STR("several_leads", tiaokuai_answer_problem(a, NULL));
  tiaokuai_answer_free(a);
  tiaokuai_model_free(model);
}

static void test_null_parameters(void) {
  struct tiaokuai_model *model = load(FIXTURE);
  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  char *json = NULL;
  size_t len = 0;
#define CHECK_NULL(call)                                               \
  do {                                                                 \
    err = NULL;                                                        \
    CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, (call), err);         \
    CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_NULL_PARAMETER); \
    tiaokuai_error_free(err);                                          \
  } while (0)
  CHECK_NULL(tiaokuai_model_chain(NULL, S("gw"), 0, &a, &err));
  CHECK_NULL(tiaokuai_model_chain(model, NULL, 2, 0, &a, &err));
  CHECK_NULL(tiaokuai_model_chain(model, S("gw"), 0, NULL, &err));
  CHECK_NULL(tiaokuai_model_responsible_for(NULL, S("s"), &a, &err));
  CHECK_NULL(tiaokuai_model_responsible_for(model, NULL, 1, &a, &err));
  CHECK_NULL(tiaokuai_model_responsible_for(model, S("s"), NULL, &err));
  CHECK_NULL(tiaokuai_model_dispatch(NULL, S("m"), S("s"), &a, &err));
  CHECK_NULL(tiaokuai_model_dispatch(model, NULL, 1, S("s"), &a, &err));
  CHECK_NULL(tiaokuai_model_dispatch(model, S("m"), NULL, 1, &a, &err));
  CHECK_NULL(tiaokuai_model_dispatch(model, S("m"), S("s"), NULL, &err));
  CHECK_NULL(tiaokuai_answer_to_json(NULL, &json, &len, &err));
  CHECK(a == NULL);

  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("gw"), 0, &a, NULL), NULL);
  CHECK_NULL(tiaokuai_answer_to_json(a, NULL, &len, &err));
  /* out_len is optional. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(a, &json, NULL, NULL), NULL);
  tiaokuai_string_free(json);
  CHECK(tiaokuai_step_link(tiaokuai_answer_step(a, 1), NULL) == false);
  tiaokuai_answer_free(a);

  CHECK(tiaokuai_answer_len(NULL) == 0);
  CHECK(tiaokuai_answer_step(NULL, 0) == NULL);
  CHECK(tiaokuai_answer_problem(NULL, &len) == NULL);
  CHECK(tiaokuai_step_unit(NULL, &len) == NULL);
  CHECK(tiaokuai_step_name(NULL, &len) == NULL);
  CHECK(tiaokuai_step_kind(NULL, &len) == NULL);
  CHECK(tiaokuai_step_via(NULL, &len) == NULL);
  CHECK(tiaokuai_step_territory(NULL, &len) == NULL);
  CHECK(tiaokuai_step_level(NULL, &len) == NULL);
  CHECK(tiaokuai_step_grade(NULL, &len) == NULL);
  size_t index = 7;
  CHECK(tiaokuai_step_link(NULL, &index) == false && index == 7);
  tiaokuai_answer_free(NULL);
  tiaokuai_model_free(model);
#undef CHECK_NULL
}

int main(void) {
  test_chain();
  test_chain_branch();
  test_responsible_for();
  test_dispatch();
  test_null_parameters();
  return check_summary();
}
