/*
 * Change sets (issue #13): tiaokuai_model_apply, tiaokuai_diff_json and
 * TIAOKUAI_RESULT_REJECTED on the shared fixture.
 *
 *  - applying a change set gives a new model with the change, the old one untouched;
 *  - a change set that does not apply is refused with TIAOKUAI_RESULT_REJECTED, every
 *    problem named in the message, nothing written to *out_model;
 *  - the diff of two models, applied to the first, gives the second (same JSON).
 *
 * Usage: test_change (arguments ignored)
 */
#include <stdlib.h>

#include "check.h"
#include "fixture.h"

/* Renames the street's working committee and adds a street office it leads. */
static const char CHANGE[] =
    "{\"format\": \"tiaokuai-change/1\","
    " \"add\": {\"units\": [{\"id\": \"jb\", \"name\": \"友谊路街道办事处\", \"kind\": \"dispatched_agency\","
    "                      \"sector\": \"government\"}],"
    "         \"links\": [{\"from\": \"gw\", \"to\": \"jb\", \"kind\": \"leads\"}]},"
    " \"update\": [{\"id\": \"gw\", \"set\": {\"name\": \"友谊路街道党工委(新)\"}}]}";

/* Two problems: an update of an id that is not there, a removal of another. */
static const char BAD[] =
    "{\"format\": \"tiaokuai-change/1\","
    " \"update\": [{\"id\": \"no-such-unit\", \"set\": {\"name\": \"x\"}}],"
    " \"remove\": [{\"id\": \"no-such-matter\"}]}";

static char *name_of(const struct tiaokuai_model *m, const char *id, enum tiaokuai_result *r) {
  char *name = NULL;
  *r = tiaokuai_model_record_name(m, id, strlen(id), &name, NULL, NULL);
  return name;
}

static char *to_json(const struct tiaokuai_model *m) {
  char *json = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(m, &json, NULL, &err), err);
  return json;
}

int main(void) {
  struct tiaokuai_error *err = NULL;
  struct tiaokuai_model *before = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &before, &err), err);

  /* apply: the new model has the change, the old one does not. */
  struct tiaokuai_model *after = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_apply(before, S(CHANGE), &after, &err), err);
  CHECK(after != NULL && after != before);
  enum tiaokuai_result r;
  char *name = name_of(after, "jb", &r);
  CHECK(r == TIAOKUAI_RESULT_OK);
  CHECK_STR("友谊路街道办事处", name);
  tiaokuai_string_free(name);
  name = name_of(after, "gw", &r);
  CHECK_STR("友谊路街道党工委(新)", name);
  tiaokuai_string_free(name);
  name = name_of(before, "gw", &r);
  CHECK_STR("友谊路街道党工委", name);
  tiaokuai_string_free(name);
  name = name_of(before, "jb", &r);
  CHECK(r == TIAOKUAI_RESULT_UNKNOWN_ID && name == NULL);

  /* diff: from before to after; applied to before it gives after. Diff of a model with
   * itself applies as a no-op. */
  char *diff = NULL;
  size_t diff_len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_diff_json(before, after, &diff, &diff_len, &err), err);
  CHECK(diff != NULL && diff_len == strlen(diff));
  CHECK(strstr(diff, "\"tiaokuai-change/1\"") != NULL);
  CHECK(strstr(diff, "\"jb\"") != NULL);
  CHECK(strstr(diff, "友谊路街道党工委(新)") != NULL);
  struct tiaokuai_model *again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_apply(before, diff, diff_len, &again, &err), err);
  char *want = to_json(after);
  char *got = to_json(again);
  CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
  tiaokuai_string_free(want);
  tiaokuai_string_free(got);
  tiaokuai_model_free(again);
  tiaokuai_string_free(diff);
  diff = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_diff_json(before, before, &diff, NULL, &err), err);
  CHECK(diff != NULL && strstr(diff, "\"jb\"") == NULL && strstr(diff, "(新)") == NULL);
  tiaokuai_string_free(diff);

  /* A change set that does not apply: rejected, both problems named, nothing written. */
  struct tiaokuai_model *untouched = NULL;
  r = tiaokuai_model_apply(before, S(BAD), &untouched, &err);
  CHECK(r == TIAOKUAI_RESULT_REJECTED);
  CHECK(untouched == NULL);
  CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_REJECTED);
  const char *message = tiaokuai_error_message(err, NULL);
  CHECK(message != NULL && strstr(message, "no-such-unit") != NULL && strstr(message, "no-such-matter") != NULL);
  tiaokuai_error_free(err);
  err = NULL;
  CHECK(TIAOKUAI_RESULT_REJECTED == 117);
  CHECK_STR("rejected", tiaokuai_result_name(TIAOKUAI_RESULT_REJECTED));

  /* A change set that is not JSON: the parse error, not a rejection. */
  r = tiaokuai_model_apply(before, S("{"), &untouched, &err);
  CHECK(r == TIAOKUAI_RESULT_SYNTAX && untouched == NULL);
  tiaokuai_error_free(err);

  tiaokuai_model_free(after);
  tiaokuai_model_free(before);
  return check_summary();
}
