/*
 * NULL in every pointer position of every function of the header, one at a
 * time, with the documented outcome checked:
 *
 *  - fallible calls give TIAOKUAI_RESULT_NULL_PARAMETER and an error object
 *    whose message is "<parameter> is NULL" (and the same code when out_error
 *    is NULL too), leaving their outputs untouched;
 *  - optional pointers (out_len, out_error, a config or base folder with
 *    length 0) are accepted: the call succeeds;
 *  - getters give NULL, 0 or false and leave *out_len alone; _free is a no-op.
 *
 * The table at the end names the function each test covers, and the test
 * reads include/tiaokuai.h: a function declared there without an entry here
 * (a new export without its NULL test) fails the suite, and so does an entry
 * for a function the header no longer declares.
 *
 * Usage: test_null SAMPLE_JSON_PATH SCENARIO_FOLDER HEADER_PATH
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>

#include "check.h"
#include "fixture.h"

/* The error object fallible calls write through `errp`: NULL_PARAM runs each call twice,
 * with errp = &err and with errp = NULL. */
static struct tiaokuai_error *err;
static struct tiaokuai_error **errp;

/* A value no call may write: outputs start as it and must still be it after a failure. */
static char untouched_target;
#define UNTOUCHED ((void *)&untouched_target)
#define LEN_UNTOUCHED ((size_t)0x5eed)

static void null_param_checked(int line, const char *param, enum tiaokuai_result with_error,
                               enum tiaokuai_result without_error) {
  char want[128];
  snprintf(want, sizeof want, "%s is NULL", param);
  const char *message = tiaokuai_error_message(err, NULL);
  if (with_error == TIAOKUAI_RESULT_NULL_PARAMETER && without_error == TIAOKUAI_RESULT_NULL_PARAMETER &&
      tiaokuai_error_code(err) == TIAOKUAI_RESULT_NULL_PARAMETER && message != NULL && strcmp(message, want) == 0) {
    check_passed++;
  } else {
    check_failed++;
    fprintf(stderr, "%s:%d: NULL %s: expected null_parameter and \"%s\", got %s / %s and \"%s\"\n", __FILE__, line,
            param, want, tiaokuai_result_name(with_error), tiaokuai_result_name(without_error),
            message ? message : "(no error object)");
  }
  tiaokuai_error_free(err);
  err = NULL;
}

/* `call` (whose last argument is `errp`) fails because `param` is NULL. */
#define NULL_PARAM(param, call)                             \
  do {                                                      \
    err = NULL;                                             \
    errp = &err;                                            \
    enum tiaokuai_result with_ = (call);                    \
    errp = NULL;                                            \
    enum tiaokuai_result without_ = (call);                 \
    null_param_checked(__LINE__, (param), with_, without_); \
  } while (0)

/* A getter of text borrowed from `object`: NULL gives NULL and leaves *out_len alone;
 * a NULL out_len still gives the same text. When `required`, the text is not NULL. */
#define TEXT_GETTER(getter, object, required)                     \
  do {                                                            \
    size_t len_ = LEN_UNTOUCHED;                                  \
    CHECK(getter(NULL, &len_) == NULL);                           \
    CHECK(len_ == LEN_UNTOUCHED);                                 \
    CHECK(getter(NULL, NULL) == NULL);                            \
    const char *with_len_ = getter((object), &len_);              \
    const char *without_len_ = getter((object), NULL);            \
    CHECK(with_len_ == without_len_);                             \
    if (required) {                                               \
      CHECK(without_len_ != NULL && strlen(without_len_) == len_); \
    }                                                             \
  } while (0)

/* The objects the tests need, made once. */
static struct tiaokuai_model *model;      /* the fixture */
static struct tiaokuai_model *sample;     /* the embedded sample: its audit has findings */
static struct tiaokuai_answer *chain;     /* gw -> qw -> sw: step 1 has link 4 */
static struct tiaokuai_answer *no_lead;   /* dispatch of m in the city: no lead */
static struct tiaokuai_report *report;    /* the sample's audit */
static struct tiaokuai_scenario *scenario; /* a passing inline scenario with 2 checks */
static struct tiaokuai_error *dangling;   /* a loading error with record, field and id */

static const char SCENARIO[] =
    "{\"name\": \"a firm with 4 members and no branch\",\n"
    " \"model\": {\"format\": \"tiaokuai/1\",\n"
    "           \"units\": [{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"enterprise\", \"sector\": \"private\",\n"
    "                      \"members\": 4}]},\n"
    " \"expect\": {\"findings\": [{\"rule\": \"C001\", \"subject\": \"acme\"}], \"absent\": [{\"rule\": \"C004\"}]}}";

static const char DANGLING[] =
    "{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"s\", \"name\": \"S\", \"kind\": \"street\", "
    "\"parent\": \"ghost\"}]}";

static void setup(void) {
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &model, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&sample, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_chain(model, S("gw"), TIAOKUAI_LINE_LEADERSHIP, &chain, NULL), NULL);
  CHECK(tiaokuai_answer_len(chain) == 3);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_dispatch(model, S("m"), S("c"), &no_lead, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(sample, NULL, 0, &report, NULL), NULL);
  CHECK(tiaokuai_report_len(report) > 0);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(S(SCENARIO), NULL, 0, &scenario, NULL), NULL);
  CHECK(tiaokuai_scenario_len(scenario) == 2);
  struct tiaokuai_model *none = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_DANGLING_REFERENCE, tiaokuai_model_from_json(S(DANGLING), &none, &dangling), dangling);
}

static void teardown(void) {
  tiaokuai_error_free(dangling);
  tiaokuai_scenario_free(scenario);
  tiaokuai_report_free(report);
  tiaokuai_answer_free(no_lead);
  tiaokuai_answer_free(chain);
  tiaokuai_model_free(sample);
  tiaokuai_model_free(model);
}

/* ---- lib.rs, error.rs */

static void t_version(void) {
  /* No pointer argument: never NULL. */
  CHECK(tiaokuai_version() != NULL);
}

static void t_string_free(void) {
  tiaokuai_string_free(NULL);
  /* And a real string after it, so the NULL call is seen to leave the allocator sound. */
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(model, &json, NULL, NULL), NULL);
  tiaokuai_string_free(json);
}

static void t_bytes_free(void) {
  tiaokuai_bytes_free(NULL);
  /* And a real buffer after it, so the NULL call is seen to leave the allocator sound. */
  uint8_t *image = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_image(model, &image, &len, NULL), NULL);
  tiaokuai_bytes_free(image);
}

static void t_result_name(void) {
  /* No pointer argument: never NULL, even for a number that is not a code. */
  CHECK_STR("null_parameter", tiaokuai_result_name(TIAOKUAI_RESULT_NULL_PARAMETER));
  CHECK_STR("unknown", tiaokuai_result_name(-7));
}

static void t_error_code(void) {
  CHECK(tiaokuai_error_code(NULL) == TIAOKUAI_RESULT_NULL_PARAMETER);
  CHECK(tiaokuai_error_code(dangling) == TIAOKUAI_RESULT_DANGLING_REFERENCE);
}

static void t_error_message(void) { TEXT_GETTER(tiaokuai_error_message, dangling, 1); }
static void t_error_record(void) { TEXT_GETTER(tiaokuai_error_record, dangling, 1); }
static void t_error_field(void) { TEXT_GETTER(tiaokuai_error_field, dangling, 1); }
static void t_error_id(void) { TEXT_GETTER(tiaokuai_error_id, dangling, 1); }
static void t_error_free(void) { tiaokuai_error_free(NULL); }

/* ---- model.rs */

static void t_model_from_json(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("json", tiaokuai_model_from_json(NULL, 3, &out, errp));
  NULL_PARAM("json", tiaokuai_model_from_json(NULL, 0, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_from_json(S(FIXTURE), NULL, errp));
  CHECK(out == UNTOUCHED);
  /* out_error is optional, on success and on failure. */
  CHECK_RESULT(TIAOKUAI_RESULT_SYNTAX, tiaokuai_model_from_json(S("{"), &out, NULL), NULL);
  CHECK(out == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_model_free(out);
}

static void t_model_load(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_model_load(NULL, 3, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_load(S("x.json"), NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_load(S("/nonexistent/x.json"), &out, NULL), NULL);
  CHECK(out == UNTOUCHED);
}

static void t_model_open(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_model_open(NULL, 3, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_open(S("x.tkz"), NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_open(S("/nonexistent/x.tkz"), &out, NULL), NULL);
  CHECK(out == UNTOUCHED);
}

static void t_model_from_image(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("image", tiaokuai_model_from_image(NULL, 3, &out, errp));
  NULL_PARAM("image", tiaokuai_model_from_image(NULL, 0, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_from_image((const uint8_t *)"x", 1, NULL, errp));
  CHECK(out == UNTOUCHED);
  /* out_error is optional, on success and on failure. */
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_from_image((const uint8_t *)"x", 1, &out, NULL), NULL);
  CHECK(out == UNTOUCHED);
  uint8_t *image = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_image(model, &image, &len, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image(image, len, &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_model_free(out);
  tiaokuai_bytes_free(image);
}

static void t_model_from_csv_dir(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_model_from_csv_dir(NULL, 3, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_from_csv_dir(S("x"), NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_from_csv_dir(S("/nonexistent/x"), &out, NULL), NULL);
  CHECK(out == UNTOUCHED);
}

static void t_model_sample(void) {
  NULL_PARAM("out_model", tiaokuai_model_sample(NULL, errp));
  struct tiaokuai_model *out = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&out, NULL), NULL);
  CHECK(out != NULL);
  tiaokuai_model_free(out);
}

static void t_model_free(void) { tiaokuai_model_free(NULL); }

static void t_model_to_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_to_json(NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_to_json(model, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(model, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strstr(json, "tiaokuai/1") != NULL);
  tiaokuai_string_free(json);
}

static void t_model_to_image(void) {
  uint8_t *image = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_to_image(NULL, &image, &len, errp));
  NULL_PARAM("out_image", tiaokuai_model_to_image(model, NULL, &len, errp));
  /* Unlike a string's, a buffer's length is required: it holds NUL bytes. */
  NULL_PARAM("out_len", tiaokuai_model_to_image(model, &image, NULL, errp));
  CHECK(image == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_image(model, &image, &len, NULL), NULL);
  CHECK(image != UNTOUCHED && len > 8 && len != LEN_UNTOUCHED && memcmp(image, "\x89TKZ", 4) == 0);
  tiaokuai_bytes_free(image);
}

static void t_model_save(void) {
  NULL_PARAM("model", tiaokuai_model_save(NULL, S("/tmp/x.json"), errp));
  NULL_PARAM("path", tiaokuai_model_save(model, NULL, 3, errp));
  NULL_PARAM("path", tiaokuai_model_save(model, NULL, 0, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_save(model, S("/nonexistent/dir/x.json"), NULL), NULL);
}

static void t_model_counts(void) {
  struct tiaokuai_counts counts = {LEN_UNTOUCHED, 0, 0, 0, 0};
  NULL_PARAM("model", tiaokuai_model_counts(NULL, &counts, errp));
  NULL_PARAM("out_counts", tiaokuai_model_counts(model, NULL, errp));
  CHECK(counts.territories == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(model, &counts, NULL), NULL);
  CHECK(counts.territories == 3 && counts.links == 7);
}

static void t_model_at(void) {
  struct tiaokuai_model *view = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_at(NULL, S("2019"), &view, errp));
  NULL_PARAM("date", tiaokuai_model_at(model, NULL, 4, &view, errp));
  NULL_PARAM("out_model", tiaokuai_model_at(model, S("2019"), NULL, errp));
  CHECK(view == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_DATE, tiaokuai_model_at(model, S("2019-13"), &view, NULL), NULL);
  CHECK(view == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_at(model, S("2019"), &view, NULL), NULL);
  CHECK(view != UNTOUCHED);
  tiaokuai_model_free(view);
}

static void t_model_whole(void) {
  struct tiaokuai_model *view = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_whole(NULL, &view, errp));
  NULL_PARAM("out_model", tiaokuai_model_whole(model, NULL, errp));
  CHECK(view == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_whole(model, &view, NULL), NULL);
  tiaokuai_model_free(view);
}

static void t_model_snapshot(void) {
  struct tiaokuai_model *view = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_snapshot(NULL, &view, errp));
  NULL_PARAM("out_model", tiaokuai_model_snapshot(model, NULL, errp));
  CHECK(view == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_snapshot(model, &view, NULL), NULL);
  tiaokuai_model_free(view);
}

static void t_model_date(void) {
  char *date = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_date(NULL, &date, &len, errp));
  NULL_PARAM("out_date", tiaokuai_model_date(model, NULL, &len, errp));
  CHECK(date == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_date(model, &date, &len, NULL), NULL);
  CHECK(date == NULL && len == 0);
}

static void t_model_as_of(void) {
  char *date = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_as_of(NULL, &date, &len, errp));
  NULL_PARAM("out_date", tiaokuai_model_as_of(model, NULL, &len, errp));
  CHECK(date == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_as_of(model, &date, NULL, NULL), NULL);
  CHECK(date == NULL);
}

static void t_model_record_type(void) {
  enum tiaokuai_record_type type = TIAOKUAI_RECORD_TYPE_ITEM;
  NULL_PARAM("model", tiaokuai_model_record_type(NULL, S("qw"), &type, errp));
  NULL_PARAM("id", tiaokuai_model_record_type(model, NULL, 2, &type, errp));
  NULL_PARAM("out_type", tiaokuai_model_record_type(model, S("qw"), NULL, errp));
  CHECK(type == TIAOKUAI_RECORD_TYPE_ITEM);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_type(model, S("qw"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_UNIT);
}

static void t_model_record_name(void) {
  char *name = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_record_name(NULL, S("qw"), &name, &len, errp));
  NULL_PARAM("id", tiaokuai_model_record_name(model, NULL, 2, &name, &len, errp));
  NULL_PARAM("out_name", tiaokuai_model_record_name(model, S("qw"), NULL, &len, errp));
  CHECK(name == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_name(model, S("qw"), &name, NULL, NULL), NULL);
  CHECK_STR("中共宝山区委", name);
  tiaokuai_string_free(name);
}

static void t_model_record_kind(void) {
  char *kind = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_record_kind(NULL, S("qw"), &kind, &len, errp));
  NULL_PARAM("id", tiaokuai_model_record_kind(model, NULL, 2, &kind, &len, errp));
  NULL_PARAM("out_kind", tiaokuai_model_record_kind(model, S("qw"), NULL, &len, errp));
  CHECK(kind == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_kind(model, S("qw"), &kind, NULL, NULL), NULL);
  CHECK_STR("party_committee", kind);
  tiaokuai_string_free(kind);
}

/* ---- query.rs */

static void t_model_chain(void) {
  struct tiaokuai_answer *a = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_chain(NULL, S("gw"), 0, &a, errp));
  NULL_PARAM("unit_id", tiaokuai_model_chain(model, NULL, 2, 0, &a, errp));
  NULL_PARAM("out_answer", tiaokuai_model_chain(model, S("gw"), 0, NULL, errp));
  CHECK(a == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_chain(model, S("ghost"), 0, &a, NULL), NULL);
  CHECK(a == UNTOUCHED);
}

static void t_model_responsible_for(void) {
  struct tiaokuai_answer *a = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_responsible_for(NULL, S("s"), &a, errp));
  NULL_PARAM("territory_id", tiaokuai_model_responsible_for(model, NULL, 1, &a, errp));
  NULL_PARAM("out_answer", tiaokuai_model_responsible_for(model, S("s"), NULL, errp));
  CHECK(a == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_responsible_for(model, S("s"), &a, NULL), NULL);
  CHECK(a != UNTOUCHED && tiaokuai_answer_len(a) == 3);
  tiaokuai_answer_free(a);
}

static void t_model_dispatch(void) {
  struct tiaokuai_answer *a = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_dispatch(NULL, S("m"), S("s"), &a, errp));
  NULL_PARAM("matter_id", tiaokuai_model_dispatch(model, NULL, 1, S("s"), &a, errp));
  NULL_PARAM("territory_id", tiaokuai_model_dispatch(model, S("m"), NULL, 1, &a, errp));
  NULL_PARAM("out_answer", tiaokuai_model_dispatch(model, S("m"), S("s"), NULL, errp));
  CHECK(a == UNTOUCHED);
}

static void t_answer_len(void) {
  CHECK(tiaokuai_answer_len(NULL) == 0);
  CHECK(tiaokuai_answer_len(chain) == 3);
}

static void t_answer_step(void) {
  CHECK(tiaokuai_answer_step(NULL, 0) == NULL);
  CHECK(tiaokuai_answer_step(chain, 0) != NULL);
}

static void t_answer_problem(void) {
  TEXT_GETTER(tiaokuai_answer_problem, no_lead, 1);
  CHECK_STR("no_lead", tiaokuai_answer_problem(no_lead, NULL));
  CHECK(tiaokuai_answer_problem(chain, NULL) == NULL);
}

static void t_answer_to_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("answer", tiaokuai_answer_to_json(NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_answer_to_json(chain, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_answer_to_json(chain, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strstr(json, "\"gw\"") != NULL);
  tiaokuai_string_free(json);
}

static void t_answer_free(void) { tiaokuai_answer_free(NULL); }

#define STEP(i) tiaokuai_answer_step(chain, (i))
static void t_step_unit(void) { TEXT_GETTER(tiaokuai_step_unit, STEP(1), 1); }
static void t_step_name(void) { TEXT_GETTER(tiaokuai_step_name, STEP(1), 1); }
static void t_step_kind(void) { TEXT_GETTER(tiaokuai_step_kind, STEP(1), 1); }
static void t_step_via(void) { TEXT_GETTER(tiaokuai_step_via, STEP(1), 1); }
static void t_step_territory(void) { TEXT_GETTER(tiaokuai_step_territory, STEP(1), 0); }
static void t_step_level(void) { TEXT_GETTER(tiaokuai_step_level, STEP(1), 1); }
static void t_step_grade(void) { TEXT_GETTER(tiaokuai_step_grade, STEP(1), 1); }

static void t_step_link(void) {
  size_t index = LEN_UNTOUCHED;
  CHECK(!tiaokuai_step_link(NULL, &index));
  CHECK(!tiaokuai_step_link(STEP(1), NULL));
  CHECK(!tiaokuai_step_link(NULL, NULL));
  CHECK(index == LEN_UNTOUCHED);
  CHECK(tiaokuai_step_link(STEP(1), &index) && index == 4);
}
#undef STEP

/* ---- audit.rs */

static void t_model_audit(void) {
  struct tiaokuai_report *r = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_audit(NULL, NULL, 0, &r, errp));
  NULL_PARAM("out_report", tiaokuai_model_audit(model, NULL, 0, NULL, errp));
  NULL_PARAM("config_json", tiaokuai_model_audit(model, NULL, 2, &r, errp));
  CHECK(r == UNTOUCHED);
  /* NULL with length 0 is the default config. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  CHECK(r != UNTOUCHED && r != NULL);
  tiaokuai_report_free(r);
}

static void t_model_metrics_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_metrics_json(NULL, NULL, 0, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_metrics_json(model, NULL, 0, NULL, &len, errp));
  NULL_PARAM("config_json", tiaokuai_model_metrics_json(model, NULL, 2, &json, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_metrics_json(model, NULL, 0, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && json[0] == '{');
  tiaokuai_string_free(json);
}

static void t_model_timeline_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_timeline_json(NULL, NULL, 0, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_timeline_json(model, NULL, 0, NULL, &len, errp));
  NULL_PARAM("options_json", tiaokuai_model_timeline_json(model, NULL, 2, &json, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK,
               tiaokuai_model_timeline_json(model, S("{\"from\": \"2020\", \"to\": \"2020\", \"every\": \"year\"}"),
                                            &json, NULL, NULL),
               NULL);
  CHECK(json != UNTOUCHED && json[0] == '{');
  tiaokuai_string_free(json);
}

static void t_cases_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  const char *log = "no-such.csv";
  NULL_PARAM("model", tiaokuai_cases_json(NULL, log, 11, NULL, 0, &json, &len, errp));
  NULL_PARAM("log_path", tiaokuai_cases_json(model, NULL, 11, NULL, 0, &json, &len, errp));
  NULL_PARAM("options_json", tiaokuai_cases_json(model, log, 11, NULL, 2, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_cases_json(model, log, 11, NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
}

static void t_generate_cases(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  /* Never written: every call fails on its NULL before writing anything. */
  const char *log = "/nonexistent-dir/log.csv";
  size_t n = strlen(log);
  NULL_PARAM("model", tiaokuai_generate_cases(NULL, log, n, NULL, 0, 10, NULL, 0, &json, &len, errp));
  NULL_PARAM("log_path", tiaokuai_generate_cases(model, NULL, n, NULL, 0, 10, NULL, 0, &json, &len, errp));
  NULL_PARAM("key_path", tiaokuai_generate_cases(model, log, n, NULL, 3, 10, NULL, 0, &json, &len, errp));
  NULL_PARAM("options_json", tiaokuai_generate_cases(model, log, n, NULL, 0, 10, NULL, 2, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_generate_cases(model, log, n, NULL, 0, 10, NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
}

static void t_model_meetings_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_meetings_json(NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_meetings_json(model, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
}

static void t_model_meetings_table_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_meetings_table_json(NULL, NULL, 0, 0, &json, &len, errp));
  NULL_PARAM("by", tiaokuai_model_meetings_table_json(model, NULL, 6, 0, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_meetings_table_json(model, NULL, 0, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
}

/* An empty change set (no changes): applies to any model. */
#define EMPTY_CHANGE "{\"format\": \"tiaokuai-change/1\"}"

static void t_model_apply(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_apply(NULL, S(EMPTY_CHANGE), &out, errp));
  NULL_PARAM("change_json", tiaokuai_model_apply(model, NULL, 5, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_apply(model, S(EMPTY_CHANGE), NULL, errp));
  CHECK(out == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_apply(model, S(EMPTY_CHANGE), &out, NULL), NULL);
  CHECK(out != UNTOUCHED);
  tiaokuai_model_free(out);
}

static void t_diff_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("a", tiaokuai_diff_json(NULL, model, &json, &len, errp));
  NULL_PARAM("b", tiaokuai_diff_json(model, NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_diff_json(model, model, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_diff_json(model, model, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && json != NULL);
  tiaokuai_string_free(json);
}

static void t_whatif_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_whatif_json(NULL, S(EMPTY_CHANGE), NULL, 0, &json, &len, errp));
  NULL_PARAM("change_json", tiaokuai_whatif_json(model, NULL, 5, NULL, 0, &json, &len, errp));
  NULL_PARAM("config_json", tiaokuai_whatif_json(model, S(EMPTY_CHANGE), NULL, 2, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_whatif_json(model, S(EMPTY_CHANGE), NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_whatif_json(model, S(EMPTY_CHANGE), NULL, 0, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && json != NULL);
  tiaokuai_string_free(json);
}

static void t_report_len(void) {
  CHECK(tiaokuai_report_len(NULL) == 0);
  CHECK(tiaokuai_report_len(report) > 0);
}

static void t_report_finding(void) {
  CHECK(tiaokuai_report_finding(NULL, 0) == NULL);
  CHECK(tiaokuai_report_finding(report, 0) != NULL);
}

static void t_report_summary(void) {
  struct tiaokuai_summary summary = {LEN_UNTOUCHED, 0, 0};
  NULL_PARAM("report", tiaokuai_report_summary(NULL, &summary, errp));
  NULL_PARAM("out_summary", tiaokuai_report_summary(report, NULL, errp));
  CHECK(summary.errors == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_summary(report, &summary, NULL), NULL);
  CHECK(summary.errors + summary.warnings + summary.infos == tiaokuai_report_len(report));
}

static void t_report_to_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("report", tiaokuai_report_to_json(NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_report_to_json(report, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_to_json(report, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strstr(json, "\"findings\"") != NULL);
  tiaokuai_string_free(json);
}

static void t_report_free(void) { tiaokuai_report_free(NULL); }

/* The first finding that names a street/town, so the territory getter has text to give. */
static const struct tiaokuai_finding *finding_with_territory(void) {
  for (size_t i = 0; i < tiaokuai_report_len(report); i++) {
    const struct tiaokuai_finding *f = tiaokuai_report_finding(report, i);
    if (tiaokuai_finding_territory(f, NULL) != NULL) {
      return f;
    }
  }
  return NULL;
}

#define FINDING finding_with_territory()
static void t_finding_rule(void) { TEXT_GETTER(tiaokuai_finding_rule, FINDING, 1); }
static void t_finding_name(void) { TEXT_GETTER(tiaokuai_finding_name, FINDING, 1); }
static void t_finding_severity(void) { TEXT_GETTER(tiaokuai_finding_severity, FINDING, 1); }
static void t_finding_subject(void) { TEXT_GETTER(tiaokuai_finding_subject, FINDING, 1); }
static void t_finding_territory(void) { TEXT_GETTER(tiaokuai_finding_territory, FINDING, 1); }
static void t_finding_message(void) { TEXT_GETTER(tiaokuai_finding_message, FINDING, 1); }
#undef FINDING

/* ---- scenario.rs */

static void t_scenario_run_file(void) {
  struct tiaokuai_scenario *s = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_scenario_run_file(NULL, 3, &s, errp));
  NULL_PARAM("out_scenario", tiaokuai_scenario_run_file(S("x.json"), NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_scenario_run_file(S("/nonexistent/x.json"), &s, NULL), NULL);
  CHECK(s == UNTOUCHED);
}

static void t_scenario_run_json(void) {
  struct tiaokuai_scenario *s = UNTOUCHED;
  NULL_PARAM("json", tiaokuai_scenario_run_json(NULL, 3, NULL, 0, &s, errp));
  NULL_PARAM("base_dir", tiaokuai_scenario_run_json(S(SCENARIO), NULL, 4, &s, errp));
  NULL_PARAM("out_scenario", tiaokuai_scenario_run_json(S(SCENARIO), NULL, 0, NULL, errp));
  CHECK(s == UNTOUCHED);
  /* base_dir NULL with length 0 is the working directory. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json(S(SCENARIO), NULL, 0, &s, NULL), NULL);
  CHECK(s != UNTOUCHED && tiaokuai_scenario_passed(s));
  tiaokuai_scenario_free(s);
}

static void t_scenario_passed(void) {
  CHECK(!tiaokuai_scenario_passed(NULL));
  CHECK(tiaokuai_scenario_passed(scenario));
}

static void t_scenario_name(void) { TEXT_GETTER(tiaokuai_scenario_name, scenario, 1); }
static void t_scenario_report(void) { TEXT_GETTER(tiaokuai_scenario_report, scenario, 1); }

static void t_scenario_len(void) {
  CHECK(tiaokuai_scenario_len(NULL) == 0);
  CHECK(tiaokuai_scenario_len(scenario) == 2);
}

static void t_scenario_check(void) {
  CHECK(tiaokuai_scenario_check(NULL, 0) == NULL);
  CHECK(tiaokuai_scenario_check(scenario, 0) != NULL);
}

static void t_scenario_to_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("scenario", tiaokuai_scenario_to_json(NULL, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_scenario_to_json(scenario, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_to_json(scenario, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strstr(json, "\"checks\"") != NULL);
  tiaokuai_string_free(json);
}

static void t_scenario_free(void) { tiaokuai_scenario_free(NULL); }

#define CHECK0 tiaokuai_scenario_check(scenario, 0)
static void t_check_what(void) { TEXT_GETTER(tiaokuai_check_what, CHECK0, 1); }
static void t_check_expected(void) { TEXT_GETTER(tiaokuai_check_expected, CHECK0, 1); }
static void t_check_actual(void) { TEXT_GETTER(tiaokuai_check_actual, CHECK0, 1); }

static void t_check_passed(void) {
  CHECK(!tiaokuai_check_passed(NULL));
  CHECK(tiaokuai_check_passed(CHECK0));
}
#undef CHECK0

/* ---- every function of the header, and its test */

struct covered {
  const char *function;
  void (*test)(void);
};

static void t_load_options_new(void) {
  NULL_PARAM("out_options", tiaokuai_load_options_new(NULL, errp));
  struct tiaokuai_load_options *o = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_new(&o, NULL), NULL);
  CHECK(o != NULL);
  tiaokuai_load_options_free(o);
}

static void t_load_options_set_max_bytes(void) {
  NULL_PARAM("options", tiaokuai_load_options_set_max_bytes(NULL, 10, errp));
}

static void t_load_options_max_bytes(void) { CHECK(tiaokuai_load_options_max_bytes(NULL) == 0); }

static void t_load_options_set_threads(void) {
  NULL_PARAM("options", tiaokuai_load_options_set_threads(NULL, 2, errp));
}

static void t_load_options_threads(void) { CHECK(tiaokuai_load_options_threads(NULL) == 0); }

static void t_load_options_set_map(void) {
  NULL_PARAM("options", tiaokuai_load_options_set_map(NULL, false, errp));
}

static void t_load_options_map(void) { CHECK(tiaokuai_load_options_map(NULL)); }

static void t_model_mapped_bytes(void) { CHECK(tiaokuai_model_mapped_bytes(NULL) == 0); }

static void t_load_options_free(void) { tiaokuai_load_options_free(NULL); }

/* In every _with_options function, options NULL means the defaults. */
static void t_model_from_json_with_options(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("json", tiaokuai_model_from_json_with_options(NULL, 3, NULL, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_from_json_with_options(S(FIXTURE), NULL, NULL, errp));
  CHECK(out == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json_with_options(S(FIXTURE), NULL, &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_model_free(out);
}

static void t_model_load_with_options(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_model_load_with_options(NULL, 3, NULL, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_load_with_options(S("x.json"), NULL, NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_load_with_options(S("/nonexistent/x.json"), NULL, &out, NULL),
               NULL);
  CHECK(out == UNTOUCHED);
}

static void t_model_open_with_options(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_model_open_with_options(NULL, 3, NULL, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_open_with_options(S("x.tkz"), NULL, NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_open_with_options(S("/nonexistent/x.tkz"), NULL, &out, NULL),
               NULL);
  CHECK(out == UNTOUCHED);
}

static void t_model_from_image_with_options(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("image", tiaokuai_model_from_image_with_options(NULL, 3, NULL, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_from_image_with_options((const uint8_t *)"x", 1, NULL, NULL, errp));
  CHECK(out == UNTOUCHED);
  uint8_t *image = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_image(model, &image, &len, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image_with_options(image, len, NULL, &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_model_free(out);
  tiaokuai_bytes_free(image);
}

static void t_model_audit_with_options(void) {
  struct tiaokuai_report *out = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_audit_with_options(NULL, NULL, 0, NULL, &out, errp));
  NULL_PARAM("config_json", tiaokuai_model_audit_with_options(model, NULL, 4, NULL, &out, errp));
  NULL_PARAM("out_report", tiaokuai_model_audit_with_options(model, NULL, 0, NULL, NULL, errp));
  CHECK(out == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit_with_options(model, NULL, 0, NULL, &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_report_free(out);
}

static void t_scenario_run_file_with_options(void) {
  struct tiaokuai_scenario *s = UNTOUCHED;
  NULL_PARAM("path", tiaokuai_scenario_run_file_with_options(NULL, 3, NULL, &s, errp));
  NULL_PARAM("out_scenario", tiaokuai_scenario_run_file_with_options(S("x.json"), NULL, NULL, errp));
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_scenario_run_file_with_options(S("/nonexistent/x.json"), NULL, &s, NULL),
               NULL);
  CHECK(s == UNTOUCHED);
}

/* A person holding a post, for the people functions (the fixture has none). */
static const char PEOPLE[] = "{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"u\", \"name\": \"U\", \"kind\": "
                             "\"government\"}], \"people\": [{\"id\": \"p\"}], \"links\": [{\"from\": \"p\", \"to\": "
                             "\"u\", \"kind\": \"holds\", \"post\": \"head\"}]}";

static void t_model_holders_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_holders_json(NULL, S("gw"), NULL, 0, &json, &len, errp));
  NULL_PARAM("unit", tiaokuai_model_holders_json(model, NULL, 2, NULL, 0, &json, &len, errp));
  NULL_PARAM("date", tiaokuai_model_holders_json(model, S("gw"), NULL, 4, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_holders_json(model, S("gw"), NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  /* NULL date with 0 is the model's date; out_len and out_error are optional. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_holders_json(model, S("gw"), NULL, 0, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strcmp(json, "[]") == 0);
  tiaokuai_string_free(json);
}

static void t_model_posts_json(void) {
  struct tiaokuai_model *people = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(PEOPLE), &people, NULL), NULL);
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_posts_json(NULL, S("p"), NULL, 0, &json, &len, errp));
  NULL_PARAM("person", tiaokuai_model_posts_json(people, NULL, 1, NULL, 0, &json, &len, errp));
  NULL_PARAM("date", tiaokuai_model_posts_json(people, S("p"), NULL, 4, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_posts_json(people, S("p"), NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_posts_json(people, S("p"), NULL, 0, &json, NULL, NULL), NULL);
  CHECK(json != UNTOUCHED && strstr(json, "\"post\": \"head\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_model_free(people);
}

static void t_model_tenure_json(void) {
  char *json = UNTOUCHED;
  size_t len = LEN_UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_tenure_json(NULL, NULL, 0, NULL, 0, NULL, 0, &json, &len, errp));
  NULL_PARAM("person", tiaokuai_model_tenure_json(model, NULL, 1, NULL, 0, NULL, 0, &json, &len, errp));
  NULL_PARAM("unit", tiaokuai_model_tenure_json(model, NULL, 0, NULL, 2, NULL, 0, &json, &len, errp));
  NULL_PARAM("date", tiaokuai_model_tenure_json(model, NULL, 0, NULL, 0, NULL, 4, &json, &len, errp));
  NULL_PARAM("out_json", tiaokuai_model_tenure_json(model, NULL, 0, NULL, 0, NULL, 0, NULL, &len, errp));
  CHECK(json == UNTOUCHED && len == LEN_UNTOUCHED);
  /* NULL person, unit and date with 0: every term at the model's date (none in the fixture). */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_tenure_json(model, NULL, 0, NULL, 0, NULL, 0, &json, NULL, NULL),
               NULL);
  CHECK(json != UNTOUCHED && strcmp(json, "[]") == 0);
  tiaokuai_string_free(json);
}

static void t_model_redact_people(void) {
  struct tiaokuai_model *out = UNTOUCHED;
  NULL_PARAM("model", tiaokuai_model_redact_people(NULL, S("k"), &out, errp));
  NULL_PARAM("key", tiaokuai_model_redact_people(model, NULL, 1, &out, errp));
  NULL_PARAM("out_model", tiaokuai_model_redact_people(model, S("k"), NULL, errp));
  CHECK(out == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_redact_people(model, S("k"), &out, NULL), NULL);
  CHECK(out != UNTOUCHED && out != NULL);
  tiaokuai_model_free(out);
}

static void t_scenario_run_json_with_options(void) {
  struct tiaokuai_scenario *s = UNTOUCHED;
  NULL_PARAM("json", tiaokuai_scenario_run_json_with_options(NULL, 3, NULL, 0, NULL, &s, errp));
  NULL_PARAM("base_dir", tiaokuai_scenario_run_json_with_options(S(SCENARIO), NULL, 4, NULL, &s, errp));
  NULL_PARAM("out_scenario", tiaokuai_scenario_run_json_with_options(S(SCENARIO), NULL, 0, NULL, NULL, errp));
  CHECK(s == UNTOUCHED);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_scenario_run_json_with_options(S(SCENARIO), NULL, 0, NULL, &s, NULL),
               NULL);
  CHECK(s != UNTOUCHED && tiaokuai_scenario_passed(s));
  tiaokuai_scenario_free(s);
}

static const struct covered COVERED[] = {
    {"tiaokuai_version", t_version},
    {"tiaokuai_string_free", t_string_free},
    {"tiaokuai_bytes_free", t_bytes_free},
    {"tiaokuai_result_name", t_result_name},
    {"tiaokuai_error_code", t_error_code},
    {"tiaokuai_error_message", t_error_message},
    {"tiaokuai_error_record", t_error_record},
    {"tiaokuai_error_field", t_error_field},
    {"tiaokuai_error_id", t_error_id},
    {"tiaokuai_error_free", t_error_free},
    {"tiaokuai_model_from_json", t_model_from_json},
    {"tiaokuai_model_load", t_model_load},
    {"tiaokuai_model_open", t_model_open},
    {"tiaokuai_model_from_image", t_model_from_image},
    {"tiaokuai_model_from_csv_dir", t_model_from_csv_dir},
    {"tiaokuai_model_sample", t_model_sample},
    {"tiaokuai_model_free", t_model_free},
    {"tiaokuai_model_to_json", t_model_to_json},
    {"tiaokuai_model_to_image", t_model_to_image},
    {"tiaokuai_model_save", t_model_save},
    {"tiaokuai_model_counts", t_model_counts},
    {"tiaokuai_model_at", t_model_at},
    {"tiaokuai_model_whole", t_model_whole},
    {"tiaokuai_model_snapshot", t_model_snapshot},
    {"tiaokuai_model_date", t_model_date},
    {"tiaokuai_model_as_of", t_model_as_of},
    {"tiaokuai_model_record_type", t_model_record_type},
    {"tiaokuai_model_record_name", t_model_record_name},
    {"tiaokuai_model_record_kind", t_model_record_kind},
    {"tiaokuai_model_chain", t_model_chain},
    {"tiaokuai_model_responsible_for", t_model_responsible_for},
    {"tiaokuai_model_dispatch", t_model_dispatch},
    {"tiaokuai_answer_len", t_answer_len},
    {"tiaokuai_answer_step", t_answer_step},
    {"tiaokuai_answer_problem", t_answer_problem},
    {"tiaokuai_answer_to_json", t_answer_to_json},
    {"tiaokuai_answer_free", t_answer_free},
    {"tiaokuai_step_unit", t_step_unit},
    {"tiaokuai_step_name", t_step_name},
    {"tiaokuai_step_kind", t_step_kind},
    {"tiaokuai_step_via", t_step_via},
    {"tiaokuai_step_territory", t_step_territory},
    {"tiaokuai_step_level", t_step_level},
    {"tiaokuai_step_grade", t_step_grade},
    {"tiaokuai_step_link", t_step_link},
    {"tiaokuai_model_audit", t_model_audit},
    {"tiaokuai_model_metrics_json", t_model_metrics_json},
    {"tiaokuai_model_timeline_json", t_model_timeline_json},
    {"tiaokuai_cases_json", t_cases_json},
    {"tiaokuai_generate_cases", t_generate_cases},
    {"tiaokuai_model_meetings_json", t_model_meetings_json},
    {"tiaokuai_model_meetings_table_json", t_model_meetings_table_json},
    {"tiaokuai_model_apply", t_model_apply},
    {"tiaokuai_diff_json", t_diff_json},
    {"tiaokuai_whatif_json", t_whatif_json},
    {"tiaokuai_report_len", t_report_len},
    {"tiaokuai_report_finding", t_report_finding},
    {"tiaokuai_report_summary", t_report_summary},
    {"tiaokuai_report_to_json", t_report_to_json},
    {"tiaokuai_report_free", t_report_free},
    {"tiaokuai_finding_rule", t_finding_rule},
    {"tiaokuai_finding_name", t_finding_name},
    {"tiaokuai_finding_severity", t_finding_severity},
    {"tiaokuai_finding_subject", t_finding_subject},
    {"tiaokuai_finding_territory", t_finding_territory},
    {"tiaokuai_finding_message", t_finding_message},
    {"tiaokuai_scenario_run_file", t_scenario_run_file},
    {"tiaokuai_scenario_run_json", t_scenario_run_json},
    {"tiaokuai_scenario_passed", t_scenario_passed},
    {"tiaokuai_scenario_name", t_scenario_name},
    {"tiaokuai_scenario_report", t_scenario_report},
    {"tiaokuai_scenario_len", t_scenario_len},
    {"tiaokuai_scenario_check", t_scenario_check},
    {"tiaokuai_scenario_to_json", t_scenario_to_json},
    {"tiaokuai_scenario_free", t_scenario_free},
    {"tiaokuai_check_what", t_check_what},
    {"tiaokuai_check_passed", t_check_passed},
    {"tiaokuai_check_expected", t_check_expected},
    {"tiaokuai_check_actual", t_check_actual},
    {"tiaokuai_load_options_new", t_load_options_new},
    {"tiaokuai_load_options_set_max_bytes", t_load_options_set_max_bytes},
    {"tiaokuai_load_options_max_bytes", t_load_options_max_bytes},
    {"tiaokuai_load_options_set_threads", t_load_options_set_threads},
    {"tiaokuai_load_options_threads", t_load_options_threads},
    {"tiaokuai_load_options_set_map", t_load_options_set_map},
    {"tiaokuai_load_options_map", t_load_options_map},
    {"tiaokuai_model_mapped_bytes", t_model_mapped_bytes},
    {"tiaokuai_load_options_free", t_load_options_free},
    {"tiaokuai_model_from_json_with_options", t_model_from_json_with_options},
    {"tiaokuai_model_load_with_options", t_model_load_with_options},
    {"tiaokuai_model_open_with_options", t_model_open_with_options},
    {"tiaokuai_model_from_image_with_options", t_model_from_image_with_options},
    {"tiaokuai_model_audit_with_options", t_model_audit_with_options},
    {"tiaokuai_scenario_run_file_with_options", t_scenario_run_file_with_options},
    {"tiaokuai_scenario_run_json_with_options", t_scenario_run_json_with_options},
    {"tiaokuai_model_holders_json", t_model_holders_json},
    {"tiaokuai_model_posts_json", t_model_posts_json},
    {"tiaokuai_model_tenure_json", t_model_tenure_json},
    {"tiaokuai_model_redact_people", t_model_redact_people},
};
#define COVERED_LEN (sizeof COVERED / sizeof COVERED[0])

#define MAX_DECLARED 256

/* Reads the header and collects the names of the functions it declares: every identifier
 * starting with "tiaokuai_" followed by "(" outside comments. Returns how many, or -1. */
static int declared_functions(const char *path, char names[][64], int max) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return -1;
  }
  static char text[1 << 20];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  /* Blank out comments so their prose ("see tiaokuai_model_chain(...)") is not read. */
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '/' && text[i + 1] == '*') {
      size_t j = i;
      while (j < n && !(text[j] == '*' && text[j + 1] == '/')) {
        text[j++] = ' ';
      }
      if (j < n) {
        text[j] = text[j + 1] = ' ';
      }
    } else if (text[i] == '/' && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') {
        text[i++] = ' ';
      }
    }
  }
  int count = 0;
  const char *p = text;
  while ((p = strstr(p, "tiaokuai_")) != NULL) {
    const char *start = p;
    if (start > text && (isalnum((unsigned char)start[-1]) || start[-1] == '_')) {
      p++;
      continue;
    }
    while (isalnum((unsigned char)*p) || *p == '_') {
      p++;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t') {
      p++;
    }
    if (*p == '(' && count < max && (size_t)(end - start) < 64) {
      memcpy(names[count], start, (size_t)(end - start));
      names[count][end - start] = '\0';
      count++;
    }
  }
  return count;
}

static void test_the_table_covers_the_header(const char *header) {
  static char names[MAX_DECLARED][64];
  int declared = declared_functions(header, names, MAX_DECLARED);
  CHECK(declared > 0);
  for (int i = 0; i < declared; i++) {
    size_t j = 0;
    while (j < COVERED_LEN && strcmp(COVERED[j].function, names[i]) != 0) {
      j++;
    }
    if (j == COVERED_LEN) {
      check_failed++;
      fprintf(stderr, "%s: %s is declared in the header but has no NULL test in test_null.c\n", __FILE__, names[i]);
    } else {
      check_passed++;
    }
  }
  for (size_t j = 0; j < COVERED_LEN; j++) {
    int i = 0;
    while (i < declared && strcmp(COVERED[j].function, names[i]) != 0) {
      i++;
    }
    if (i == declared) {
      check_failed++;
      fprintf(stderr, "%s: %s has a NULL test but the header does not declare it\n", __FILE__, COVERED[j].function);
    }
  }
  /* Each function once in the table. */
  int duplicates = 0;
  for (size_t j = 0; j < COVERED_LEN; j++) {
    for (size_t k = j + 1; k < COVERED_LEN; k++) {
      if (strcmp(COVERED[j].function, COVERED[k].function) == 0) {
        fprintf(stderr, "%s: %s is twice in the table\n", __FILE__, COVERED[j].function);
        duplicates++;
      }
    }
  }
  CHECK(duplicates == 0);
  printf("header: %d functions declared, %zu with a NULL test\n", declared, COVERED_LEN);
  CHECK((size_t)declared == COVERED_LEN);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s SAMPLE_JSON_PATH SCENARIO_FOLDER HEADER_PATH\n", argv[0]);
    return 2;
  }
  setup();
  for (size_t i = 0; i < COVERED_LEN; i++) {
    int failed_before = check_failed;
    COVERED[i].test();
    if (check_failed != failed_before) {
      fprintf(stderr, "  in the NULL test of %s\n", COVERED[i].function);
    }
  }
  teardown();
  test_the_table_covers_the_header(argv[3]);
  return check_summary();
}
