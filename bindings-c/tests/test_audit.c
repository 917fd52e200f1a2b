/*
 * Where is nobody: tiaokuai_model_audit with and without a config, walking the
 * findings, the summary, the report and metrics JSON, and the error paths.
 */
#include <stdlib.h>

#include "check.h"
#include "fixture.h"

/* A private enterprise with 5 Party members and no Party organisation, in a
 * street nobody holds: C001, C003 and C006. */
static const char ACME[] =
    "{\"format\": \"tiaokuai/1\",\n"
    " \"territories\": [{\"id\": \"s\", \"name\": \"Street\", \"kind\": \"street\"}],\n"
    " \"units\": [{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"enterprise\", \"sector\": \"private\",\n"
    "            \"members\": 5, \"located_in\": \"s\"}]}\n";

static struct tiaokuai_model *load(const char *json) {
  struct tiaokuai_model *model = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(json, strlen(json), &model, &err), err);
  return model;
}

static void check_finding(const struct tiaokuai_report *r, size_t i, const char *severity, const char *rule,
                          const char *name, const char *subject, const char *territory, const char *message_part) {
  const struct tiaokuai_finding *f = tiaokuai_report_finding(r, i);
  CHECK(f != NULL);
  size_t len = 0;
  CHECK_STR(severity, tiaokuai_finding_severity(f, &len));
  CHECK(len == strlen(severity));
  CHECK_STR(rule, tiaokuai_finding_rule(f, &len));
  CHECK(len == 4);
  CHECK_STR(name, tiaokuai_finding_name(f, NULL));
  CHECK_STR(subject, tiaokuai_finding_subject(f, NULL));
  CHECK_STR(territory, tiaokuai_finding_territory(f, NULL));
  const char *message = tiaokuai_finding_message(f, &len);
  CHECK(message != NULL && len == strlen(message) && strstr(message, message_part) != NULL);
}

static void test_default_config(void) {
  struct tiaokuai_model *model = load(ACME);
  struct tiaokuai_report *r = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, &err), err);
  CHECK(err == NULL);
  CHECK(tiaokuai_report_len(r) == 3);
  check_finding(r, 0, "warning", "C001", "no-party-org", "acme", "s", "has 5 full members but no Party organisation");
  check_finding(r, 1, "warning", "C003", "no-work-coverage", "acme", "s", "no work coverage");
  check_finding(r, 2, "warning", "C006", "territory-without-party-org", "s", "s", "no Party organisation holding");
  CHECK(tiaokuai_report_finding(r, 3) == NULL);
  CHECK(tiaokuai_report_finding(r, (size_t)-1) == NULL);

  struct tiaokuai_summary summary = {99, 99, 99};
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_summary(r, &summary, &err), err);
  CHECK(summary.errors == 0 && summary.warnings == 3 && summary.infos == 0);

  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_to_json(r, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json));
  CHECK(strstr(json, "\"summary\"") != NULL && strstr(json, "\"findings\"") != NULL);
  CHECK(strstr(json, "\"metrics\"") != NULL && strstr(json, "\"evidence\"") != NULL);
  CHECK(strstr(json, "\"rule\": \"C001\"") != NULL);
  tiaokuai_string_free(json);
  tiaokuai_report_free(r);

  /* The fixture: a street committee without "1+2" and an unmet need; info has no territory. */
  tiaokuai_model_free(model);
  model = load(FIXTURE);
  r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  CHECK(tiaokuai_report_len(r) == 2);
  check_finding(r, 0, "warning", "S004", "street-structure", "gw", "s", "\"1+2\"");
  check_finding(r, 1, "info", "L001", "unmet-need", "n", NULL, "fulfilled by no project");
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_summary(r, &summary, NULL), NULL);
  CHECK(summary.errors == 0 && summary.warnings == 1 && summary.infos == 1);
  tiaokuai_report_free(r);
  tiaokuai_model_free(model);
}

static void test_config(void) {
  struct tiaokuai_model *model = load(ACME);
  struct tiaokuai_report *r = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK,
               tiaokuai_model_audit(model, S("{\"rules\": {\"C001\": {\"severity\": \"error\"}, "
                                             "\"territory-without-party-org\": {\"enabled\": false}}}"),
                                    &r, &err),
               err);
  CHECK(tiaokuai_report_len(r) == 2);
  check_finding(r, 0, "error", "C001", "no-party-org", "acme", "s", "5 full members");
  check_finding(r, 1, "warning", "C003", "no-work-coverage", "acme", "s", "no work coverage");
  struct tiaokuai_summary summary;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_summary(r, &summary, NULL), NULL);
  CHECK(summary.errors == 1 && summary.warnings == 1 && summary.infos == 0);
  tiaokuai_report_free(r);

  /* A threshold: 6 members are needed now, so Acme's 5 make it a small unit in no joint branch. */
  r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK,
               tiaokuai_model_audit(model, S("{\"thresholds\": {\"min_members_for_org\": 6}}"), &r, &err), err);
  CHECK(tiaokuai_report_len(r) == 3);
  CHECK_STR("C002", tiaokuai_finding_rule(tiaokuai_report_finding(r, 0), NULL));
  CHECK_STR("C003", tiaokuai_finding_rule(tiaokuai_report_finding(r, 1), NULL));
  CHECK_STR("C006", tiaokuai_finding_rule(tiaokuai_report_finding(r, 2), NULL));
  tiaokuai_report_free(r);

  /* An empty config is the default. */
  r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, S("{}"), &r, &err), err);
  CHECK(tiaokuai_report_len(r) == 3);
  tiaokuai_report_free(r);

  /* Bad configs: the message names the key; nothing is written. */
  r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_audit(model, S("{\"rules\": {\"X\": 1}}"), &r, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "unknown rule \"X\"") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_audit(model, S("{\"rules\": "), &r, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "audit config: malformed JSON") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_audit(model, S("[]"), &r, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_audit(model, S("{\"\xff\": 1}"), &r, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "config_json is not valid UTF-8") != NULL);
  tiaokuai_error_free(err);
  /* NULL with a length is a NULL parameter, not "the default". */
  CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, tiaokuai_model_audit(model, NULL, 3, &r, NULL), NULL);
  CHECK(r == NULL);
  tiaokuai_model_free(model);
}

static void test_metrics(void) {
  struct tiaokuai_model *model = load(ACME);
  struct tiaokuai_error *err = NULL;
  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_metrics_json(model, NULL, 0, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json));
  CHECK(strstr(json, "\"townships\"") != NULL && strstr(json, "\"comparison\"") != NULL);
  CHECK(strstr(json, "\"s\"") != NULL);
  tiaokuai_string_free(json);
  json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_metrics_json(model, S("{}"), &json, NULL, &err), err);
  CHECK(json != NULL);
  tiaokuai_string_free(json);
  json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID, tiaokuai_model_metrics_json(model, S("{\"x\": 1}"), &json, &len, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "unknown key \"x\"") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_metrics_json(model, S("\xff"), &json, &len, NULL), NULL);
  CHECK(json == NULL);
  tiaokuai_model_free(model);
}

static void test_sample(void) {
  /* The sample's deliberate gaps: every rule family finds something, and the
   * iterator agrees with the summary. */
  struct tiaokuai_model *model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  struct tiaokuai_report *r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  struct tiaokuai_summary summary;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_summary(r, &summary, NULL), NULL);
  size_t n = tiaokuai_report_len(r), errors = 0, warnings = 0, infos = 0, c001 = 0;
  CHECK(n > 0);
  CHECK(n == summary.errors + summary.warnings + summary.infos);
  for (size_t i = 0; i < n; i++) {
    const struct tiaokuai_finding *f = tiaokuai_report_finding(r, i);
    const char *sev = tiaokuai_finding_severity(f, NULL);
    errors += strcmp(sev, "error") == 0;
    warnings += strcmp(sev, "warning") == 0;
    infos += strcmp(sev, "info") == 0;
    c001 += strcmp(tiaokuai_finding_rule(f, NULL), "C001") == 0;
    CHECK(tiaokuai_finding_subject(f, NULL) != NULL && tiaokuai_finding_message(f, NULL) != NULL);
  }
  CHECK(errors == summary.errors && warnings == summary.warnings && infos == summary.infos);
  CHECK(c001 > 0);
  tiaokuai_report_free(r);
  tiaokuai_model_free(model);
}

static void test_null_parameters(void) {
  struct tiaokuai_model *model = load(ACME);
  struct tiaokuai_report *r = NULL;
  struct tiaokuai_error *err = NULL;
  struct tiaokuai_summary summary;
  char *json = NULL;
  size_t len = 0;
#define CHECK_NULL(call)                                               \
  do {                                                                 \
    err = NULL;                                                        \
    CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, (call), err);         \
    CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_NULL_PARAMETER); \
    tiaokuai_error_free(err);                                          \
  } while (0)
  CHECK_NULL(tiaokuai_model_audit(NULL, NULL, 0, &r, &err));
  CHECK_NULL(tiaokuai_model_audit(model, NULL, 1, &r, &err));
  CHECK_NULL(tiaokuai_model_audit(model, NULL, 0, NULL, &err));
  CHECK_NULL(tiaokuai_model_metrics_json(NULL, NULL, 0, &json, &len, &err));
  CHECK_NULL(tiaokuai_model_metrics_json(model, NULL, 1, &json, &len, &err));
  CHECK_NULL(tiaokuai_model_metrics_json(model, NULL, 0, NULL, &len, &err));
  CHECK_NULL(tiaokuai_report_summary(NULL, &summary, &err));
  CHECK_NULL(tiaokuai_report_to_json(NULL, &json, &len, &err));
  CHECK(r == NULL && json == NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  CHECK_NULL(tiaokuai_report_summary(r, NULL, &err));
  CHECK_NULL(tiaokuai_report_to_json(r, NULL, &len, &err));
  tiaokuai_report_free(r);

  CHECK(tiaokuai_report_len(NULL) == 0);
  CHECK(tiaokuai_report_finding(NULL, 0) == NULL);
  CHECK(tiaokuai_finding_rule(NULL, &len) == NULL);
  CHECK(tiaokuai_finding_name(NULL, &len) == NULL);
  CHECK(tiaokuai_finding_severity(NULL, &len) == NULL);
  CHECK(tiaokuai_finding_subject(NULL, &len) == NULL);
  CHECK(tiaokuai_finding_territory(NULL, &len) == NULL);
  CHECK(tiaokuai_finding_message(NULL, &len) == NULL);
  tiaokuai_report_free(NULL);
  tiaokuai_model_free(model);
#undef CHECK_NULL
}

static void test_whatif(void) {
  /* The what-if of a change set on the sample: assigning the grid nobody held
   * resolves its C008 and names the change; the model is not changed. */
  struct tiaokuai_model *model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  const char *change =
      "{\"format\": \"tiaokuai-change/1\", \"add\": {\"links\": "
      "[{\"from\": \"yyl-c03-rc\", \"to\": \"yyl-c03-g2\", \"kind\": \"jurisdiction\"}]}}";
  struct tiaokuai_error *err = NULL;
  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_whatif_json(model, change, strlen(change), NULL, 0, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json));
  CHECK(strstr(json, "\"rule\": \"C008\"") != NULL);
  CHECK(strstr(json, "\"section\": \"add.links\"") != NULL);
  CHECK(strstr(json, "\"introduced\": []") != NULL);
  tiaokuai_string_free(json);
  json = NULL;
  /* A change set naming a record the model lacks: refused, nothing written. */
  const char *bad =
      "{\"format\": \"tiaokuai-change/1\", \"update\": [{\"id\": \"no-such-unit\", \"set\": {\"name\": \"x\"}}]}";
  tiaokuai_result r = tiaokuai_whatif_json(model, bad, strlen(bad), NULL, 0, &json, &len, &err);
  CHECK(r != TIAOKUAI_RESULT_OK);
  CHECK(json == NULL && err != NULL);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "no-such-unit") != NULL);
  tiaokuai_error_free(err);
  CHECK(tiaokuai_whatif_json(NULL, change, strlen(change), NULL, 0, &json, &len, NULL) == TIAOKUAI_RESULT_NULL_PARAMETER);
  tiaokuai_model_free(model);
}

/* The audit on 1, 2 and 4 threads (tiaokuai_load_options_set_threads): the same report,
 * finding for finding, as the default. */
static char *report_json_on(const struct tiaokuai_model *model, size_t threads) {
  struct tiaokuai_load_options *o = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_new(&o, NULL), NULL);
  CHECK(tiaokuai_load_options_threads(o) == 0);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_threads(o, threads, NULL), NULL);
  CHECK(tiaokuai_load_options_threads(o) == threads);
  struct tiaokuai_report *r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit_with_options(model, NULL, 0, o, &r, NULL), NULL);
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_to_json(r, &json, NULL, NULL), NULL);
  tiaokuai_report_free(r);
  tiaokuai_load_options_free(o);
  return json;
}

static void test_threads(void) {
  struct tiaokuai_model *model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  struct tiaokuai_report *r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  char *serial = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_report_to_json(r, &serial, NULL, NULL), NULL);
  CHECK(serial != NULL && strstr(serial, "\"C001\"") != NULL);
  tiaokuai_report_free(r);
  size_t counts[] = {1, 2, 4};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    char *json = report_json_on(model, counts[i]);
    CHECK(json != NULL && strcmp(json, serial) == 0);
    tiaokuai_string_free(json);
  }
  tiaokuai_string_free(serial);
  tiaokuai_model_free(model);
}

int main(void) {
  test_default_config();
  test_config();
  test_metrics();
  test_sample();
  test_null_parameters();
  test_whatif();
  test_threads();
  return check_summary();
}
