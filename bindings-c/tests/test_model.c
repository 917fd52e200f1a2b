/*
 * The model-level C API: version, result names, loading from a buffer, a file
 * and a CSV folder, writing back, counts, record lookup, the error object, and
 * every error path (NULL in each pointer position, bad JSON, unknown ids,
 * invalid UTF-8, unreadable and unwritable paths).
 *
 * Usage: test_model SAMPLE_JSON_PATH
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fixture.h"

static char scratch[64];

/* Removes the scratch folder and the files and folders one level inside it. */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    return;
  }
  struct dirent *e;
  char path[512];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      continue;
    }
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) != 0) {
      remove_tree(path);
    }
  }
  closedir(d);
  rmdir(dir);
}

static struct tiaokuai_model *load_fixture(void) {
  struct tiaokuai_model *model = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(S(FIXTURE), &model, &err), err);
  CHECK(model != NULL);
  CHECK(err == NULL);
  return model;
}

static void test_version_and_names(void) {
  const char *v = tiaokuai_version();
  CHECK(v != NULL && strlen(v) >= 5 && v[0] >= '0' && v[0] <= '9');
  /* The header's compile-time version is the library's, and its parts make up the string. */
  CHECK_STR(TIAOKUAI_VERSION_STRING, v);
  {
    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", TIAOKUAI_VERSION_MAJOR, TIAOKUAI_VERSION_MINOR, TIAOKUAI_VERSION_PATCH);
    CHECK_STR(TIAOKUAI_VERSION_STRING, parts);
  }
  CHECK(TIAOKUAI_VERSION_NUMBER == TIAOKUAI_MAKE_VERSION(TIAOKUAI_VERSION_MAJOR, TIAOKUAI_VERSION_MINOR,
                                                         TIAOKUAI_VERSION_PATCH));
  CHECK(TIAOKUAI_MAKE_VERSION(0, 2, 0) > TIAOKUAI_MAKE_VERSION(0, 1, 99));
  CHECK(strncmp(TIAOKUAI_SONAME, "libtiaokuai.so.", 15) == 0);
  CHECK_STR("ok", tiaokuai_result_name(TIAOKUAI_RESULT_OK));
  CHECK_STR("null_parameter", tiaokuai_result_name(TIAOKUAI_RESULT_NULL_PARAMETER));
  CHECK_STR("panic", tiaokuai_result_name(TIAOKUAI_RESULT_PANIC));
  CHECK_STR("invalid_utf8", tiaokuai_result_name(TIAOKUAI_RESULT_INVALID_UTF8));
  CHECK_STR("dangling_reference", tiaokuai_result_name(TIAOKUAI_RESULT_DANGLING_REFERENCE));
  CHECK_STR("unknown_id", tiaokuai_result_name(TIAOKUAI_RESULT_UNKNOWN_ID));
  CHECK_STR("other_error", tiaokuai_result_name(TIAOKUAI_RESULT_OTHER_ERROR));
  CHECK_STR("unknown", tiaokuai_result_name(-1));
  CHECK_STR("unknown", tiaokuai_result_name(6));
  CHECK_STR("unknown", tiaokuai_result_name(100000));
  /* The numbers are part of the ABI. */
  CHECK(TIAOKUAI_RESULT_OK == 0 && TIAOKUAI_RESULT_NULL_PARAMETER == 1 && TIAOKUAI_RESULT_PANIC == 2);
  CHECK(TIAOKUAI_RESULT_INVALID_UTF8 == 3 && TIAOKUAI_RESULT_SYNTAX == 100 && TIAOKUAI_RESULT_INVALID == 114);
  CHECK(TIAOKUAI_RESULT_INVALID_DATE == 5 && TIAOKUAI_RESULT_NOT_IN_FORCE == 116);
}

static void test_load_and_count(void) {
  struct tiaokuai_model *model = load_fixture();
  struct tiaokuai_counts counts;
  struct tiaokuai_error *err = (struct tiaokuai_error *)1; /* overwritten with NULL on success */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(model, &counts, &err), NULL);
  CHECK(err == NULL);
  CHECK(counts.territories == 3 && counts.units == 3 && counts.matters == 1 && counts.items == 1);
  CHECK(counts.links == 7);
  /* out_error may be NULL. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(model, &counts, NULL), NULL);
  tiaokuai_model_free(model);

  /* A byte-order mark is allowed; the buffer needs no NUL (the length counts). */
  char with_bom[sizeof FIXTURE + 3] = "\xEF\xBB\xBF";
  memcpy(with_bom + 3, FIXTURE, sizeof FIXTURE - 1);
  model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(with_bom, sizeof FIXTURE + 2, &model, NULL), NULL);
  tiaokuai_model_free(model);

  /* The embedded sample. */
  model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(model, &counts, NULL), NULL);
  CHECK(counts.territories > 10 && counts.units > 10 && counts.links > 10);
  tiaokuai_model_free(model);
}

static void test_lookup(void) {
  struct tiaokuai_model *model = load_fixture();
  struct tiaokuai_error *err = NULL;
  char *name = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_name(model, S("qw"), &name, &len, &err), err);
  CHECK_STR("中共宝山区委", name);
  CHECK(len == strlen("中共宝山区委"));
  tiaokuai_string_free(name);
  name = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_name(model, S("s"), &name, NULL, NULL), NULL);
  CHECK_STR("友谊路街道", name);
  tiaokuai_string_free(name);

  char *kind = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_kind(model, S("gw"), &kind, &len, NULL), NULL);
  CHECK_STR("party_working_committee", kind);
  CHECK(len == strlen("party_working_committee"));
  tiaokuai_string_free(kind);
  kind = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_kind(model, S("m"), &kind, NULL, NULL), NULL);
  CHECK_STR("basic", kind);
  tiaokuai_string_free(kind);

  enum tiaokuai_record_type type = TIAOKUAI_RECORD_TYPE_ITEM;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_type(model, S("d"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_TERRITORY);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_type(model, S("sw"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_UNIT);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_type(model, S("m"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_MATTER);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_type(model, S("n"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_ITEM);

  /* Ids are compared as whole buffers: "qwx" with length 2 is "qw". */
  name = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_name(model, "qwx", 2, &name, NULL, NULL), NULL);
  CHECK_STR("中共宝山区委", name);
  tiaokuai_string_free(name);

  /* Unknown ids: the error names the id; outputs stay untouched. */
  name = (char *)"untouched";
  len = 42;
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_record_name(model, S("ghost"), &name, &len, &err), err);
  CHECK_STR("untouched", name);
  CHECK(len == 42);
  CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_UNKNOWN_ID);
  CHECK_STR("ghost", tiaokuai_error_id(err, &len));
  CHECK(len == 5);
  CHECK_STR("no record with id \"ghost\"", tiaokuai_error_message(err, NULL));
  CHECK(tiaokuai_error_record(err, NULL) == NULL);
  CHECK(tiaokuai_error_field(err, NULL) == NULL);
  tiaokuai_error_free(err);
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_record_kind(model, S(""), &kind, NULL, &err), err);
  CHECK_STR("", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);
  type = TIAOKUAI_RECORD_TYPE_ITEM;
  CHECK_RESULT(TIAOKUAI_RESULT_UNKNOWN_ID, tiaokuai_model_record_type(model, S("ghost"), &type, NULL), NULL);
  CHECK(type == TIAOKUAI_RECORD_TYPE_ITEM);

  /* Invalid UTF-8 in an id. */
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_record_name(model, S("q\xffw"), &name, NULL, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "id is not valid UTF-8 (at byte 1)") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_record_kind(model, S("\xc3"), &kind, NULL, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_record_type(model, S("\xed\xa0\x80"), &type, NULL), NULL);
  tiaokuai_model_free(model);
}

static void test_write_and_read_back(const char *sample_path) {
  struct tiaokuai_model *model = load_fixture();
  struct tiaokuai_error *err = NULL;
  char *json = NULL;
  size_t len = 0;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(model, &json, &len, &err), err);
  CHECK(json != NULL && len == strlen(json));
  CHECK(strstr(json, "\"format\": \"tiaokuai/1\"") != NULL || strstr(json, "\"format\":\"tiaokuai/1\"") != NULL);
  CHECK(strstr(json, "友谊路街道党工委") != NULL);

  /* What was written reads back into the same counts and the same text. */
  struct tiaokuai_model *again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(json, len, &again, &err), err);
  char *json2 = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(again, &json2, NULL, NULL), NULL);
  CHECK_STR(json, json2);
  tiaokuai_string_free(json2);
  tiaokuai_model_free(again);

  /* Save as a JSON file, load it back by path. */
  char path[128];
  snprintf(path, sizeof path, "%s/model.json", scratch);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_save(model, path, strlen(path), &err), err);
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(path, strlen(path), &again, &err), err);
  json2 = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(again, &json2, NULL, NULL), NULL);
  CHECK_STR(json, json2);
  tiaokuai_string_free(json2);
  tiaokuai_model_free(again);

  /* Save as a CSV bundle (a path ending with '/'), load it back both ways. */
  snprintf(path, sizeof path, "%s/bundle/", scratch);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_save(model, path, strlen(path), &err), err);
  struct tiaokuai_counts counts;
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_csv_dir(path, strlen(path), &again, &err), err);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(again, &counts, NULL), NULL);
  CHECK(counts.territories == 3 && counts.units == 3 && counts.matters == 1 && counts.items == 1);
  CHECK(counts.links == 7);
  tiaokuai_model_free(again);
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(path, strlen(path) - 1, &again, &err), err);
  CHECK(again != NULL);
  tiaokuai_model_free(again);
  tiaokuai_string_free(json);

  /* The sample file on disk is the embedded sample. */
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(sample_path, strlen(sample_path), &again, &err), err);
  struct tiaokuai_model *sample = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&sample, NULL), NULL);
  char *a = NULL, *b = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(again, &a, NULL, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(sample, &b, NULL, NULL), NULL);
  CHECK_STR(a, b);
  tiaokuai_string_free(a);
  tiaokuai_string_free(b);
  tiaokuai_model_free(sample);
  tiaokuai_model_free(again);

  /* Unreadable and unwritable paths. */
  err = NULL;
  again = (struct tiaokuai_model *)1;
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_load(S("/nonexistent/tiaokuai.json"), &again, &err), err);
  CHECK(again == (struct tiaokuai_model *)1);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "/nonexistent/tiaokuai.json") != NULL);
  tiaokuai_error_free(err);
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_from_csv_dir(S("/nonexistent/bundle"), &again, &err), err);
  tiaokuai_error_free(err);
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_save(model, S("/nonexistent/dir/model.json"), &err), err);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_save(model, S("/tmp/\xff.json"), NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_load(S("/tmp/\xff.json"), &again, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_from_csv_dir(S("/tmp/\xff"), &again, NULL), NULL);
  CHECK(again == (struct tiaokuai_model *)1);
  tiaokuai_model_free(model);
}

/* Loads `json` expecting `code`; returns the error object (to be freed). */
static struct tiaokuai_error *load_error(const char *json, enum tiaokuai_result code) {
  struct tiaokuai_model *model = (struct tiaokuai_model *)1;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(code, tiaokuai_model_from_json(json, strlen(json), &model, &err), err);
  CHECK(model == (struct tiaokuai_model *)1);
  CHECK(err != NULL && tiaokuai_error_code(err) == code);
  return err;
}

static void test_bad_json(void) {
  struct tiaokuai_error *err = load_error("{\"format\": \"tiaokuai/1\",", TIAOKUAI_RESULT_SYNTAX);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "malformed JSON at line 1") != NULL);
  tiaokuai_error_free(err);
  tiaokuai_error_free(load_error("", TIAOKUAI_RESULT_SYNTAX));

  err = load_error("{\"units\": []}", TIAOKUAI_RESULT_FORMAT);
  CHECK_STR("format", tiaokuai_error_field(err, NULL));
  tiaokuai_error_free(err);
  tiaokuai_error_free(load_error("{\"format\": \"tiaokuai/9\"}", TIAOKUAI_RESULT_FORMAT));

  err = load_error("{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"s\", \"name\": \"S\", \"kind\": \"street\", "
                   "\"parent\": \"ghost\"}]}",
                   TIAOKUAI_RESULT_DANGLING_REFERENCE);
  size_t len = 0;
  CHECK_STR("territories[0] (id \"s\")", tiaokuai_error_record(err, &len));
  CHECK(len == strlen("territories[0] (id \"s\")"));
  CHECK_STR("parent", tiaokuai_error_field(err, &len));
  CHECK(len == 6);
  CHECK_STR("ghost", tiaokuai_error_id(err, NULL));
  CHECK_STR("territories[0] (id \"s\"): \"parent\" names \"ghost\" which does not exist", tiaokuai_error_message(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\"},"
                   " {\"id\": \"a\", \"name\": \"B\", \"kind\": \"enterprise\"}]}",
                   TIAOKUAI_RESULT_DUPLICATE_ID);
  CHECK_STR("a", tiaokuai_error_id(err, NULL));
  CHECK_STR("id", tiaokuai_error_field(err, NULL));
  CHECK_STR("units[1] (id \"a\")", tiaokuai_error_record(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\", "
                   "\"members\": -1}]}",
                   TIAOKUAI_RESULT_INVALID_COUNT);
  CHECK_STR("members", tiaokuai_error_field(err, NULL));
  CHECK_STR("a", tiaokuai_error_id(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"spaceship\"}]}",
                   TIAOKUAI_RESULT_UNKNOWN_WORD);
  CHECK_STR("kind", tiaokuai_error_field(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"kind\": \"enterprise\"}]}",
                   TIAOKUAI_RESULT_INVALID_FIELD);
  CHECK_STR("units[0] (id \"a\")", tiaokuai_error_record(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"street\", "
                   "\"parent\": \"b\"}, {\"id\": \"b\", \"name\": \"B\", \"kind\": \"street\", \"parent\": \"a\"}]}",
                   TIAOKUAI_RESULT_TERRITORY_CYCLE);
  CHECK_STR("parent", tiaokuai_error_field(err, NULL));
  tiaokuai_error_free(err);

  err = load_error("{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"t\", \"name\": \"T\", \"kind\": \"street\"}],"
                   " \"units\": [{\"id\": \"u\", \"name\": \"U\", \"kind\": \"enterprise\"}],"
                   " \"links\": [{\"from\": \"t\", \"to\": \"u\", \"kind\": \"jurisdiction\"}]}",
                   TIAOKUAI_RESULT_WRONG_ENDPOINT);
  CHECK_STR("t", tiaokuai_error_id(err, NULL));
  CHECK_STR("links[0] (from \"t\")", tiaokuai_error_record(err, NULL));
  tiaokuai_error_free(err);

  /* Invalid UTF-8 in the document. */
  err = NULL;
  struct tiaokuai_model *model = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_from_json(S("{\"format\": \"\xff\"}"), &model, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "json is not valid UTF-8 (at byte 12)") != NULL);
  CHECK(model == NULL);
  tiaokuai_error_free(err);

  /* A length past the NUL still reads only what it is told: here a truncated document. */
  CHECK_RESULT(TIAOKUAI_RESULT_SYNTAX, tiaokuai_model_from_json(FIXTURE, 40, &model, NULL), NULL);
  CHECK(model == NULL);
}

static void test_null_parameters(void) {
  struct tiaokuai_model *model = load_fixture();
  struct tiaokuai_model *out = NULL;
  struct tiaokuai_error *err = NULL;
  struct tiaokuai_counts counts;
  enum tiaokuai_record_type type;
  char *s = NULL;
  size_t len = 0;

#define CHECK_NULL(call)                                                  \
  do {                                                                    \
    err = NULL;                                                           \
    CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, (call), err);            \
    CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_NULL_PARAMETER);    \
    CHECK(strstr(tiaokuai_error_message(err, NULL), "is NULL") != NULL); \
    tiaokuai_error_free(err);                                             \
  } while (0)

  CHECK_NULL(tiaokuai_model_from_json(NULL, 3, &out, &err));
  CHECK_NULL(tiaokuai_model_from_json(NULL, 0, &out, &err));
  CHECK_NULL(tiaokuai_model_from_json(S(FIXTURE), NULL, &err));
  CHECK_NULL(tiaokuai_model_load(NULL, 3, &out, &err));
  CHECK_NULL(tiaokuai_model_load(S("x.json"), NULL, &err));
  CHECK_NULL(tiaokuai_model_from_csv_dir(NULL, 3, &out, &err));
  CHECK_NULL(tiaokuai_model_from_csv_dir(S("x"), NULL, &err));
  CHECK_NULL(tiaokuai_model_sample(NULL, &err));
  CHECK_NULL(tiaokuai_model_to_json(NULL, &s, &len, &err));
  CHECK_NULL(tiaokuai_model_to_json(model, NULL, &len, &err));
  CHECK_NULL(tiaokuai_model_save(NULL, S("x.json"), &err));
  CHECK_NULL(tiaokuai_model_save(model, NULL, 3, &err));
  CHECK_NULL(tiaokuai_model_counts(NULL, &counts, &err));
  CHECK_NULL(tiaokuai_model_counts(model, NULL, &err));
  CHECK_NULL(tiaokuai_model_record_type(NULL, S("qw"), &type, &err));
  CHECK_NULL(tiaokuai_model_record_type(model, NULL, 2, &type, &err));
  CHECK_NULL(tiaokuai_model_record_type(model, S("qw"), NULL, &err));
  CHECK_NULL(tiaokuai_model_record_name(NULL, S("qw"), &s, &len, &err));
  CHECK_NULL(tiaokuai_model_record_name(model, NULL, 2, &s, &len, &err));
  CHECK_NULL(tiaokuai_model_record_name(model, S("qw"), NULL, &len, &err));
  CHECK_NULL(tiaokuai_model_record_kind(NULL, S("qw"), &s, &len, &err));
  CHECK_NULL(tiaokuai_model_record_kind(model, NULL, 2, &s, &len, &err));
  CHECK_NULL(tiaokuai_model_record_kind(model, S("qw"), NULL, &len, &err));
  CHECK(out == NULL && s == NULL);

  /* Without an error object the code alone tells. */
  CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, tiaokuai_model_counts(NULL, &counts, NULL), NULL);

  /* Getters and _free accept NULL. */
  CHECK(tiaokuai_error_code(NULL) == TIAOKUAI_RESULT_NULL_PARAMETER);
  CHECK(tiaokuai_error_message(NULL, &len) == NULL);
  CHECK(tiaokuai_error_record(NULL, &len) == NULL);
  CHECK(tiaokuai_error_field(NULL, &len) == NULL);
  CHECK(tiaokuai_error_id(NULL, &len) == NULL);
  tiaokuai_error_free(NULL);
  tiaokuai_model_free(NULL);
  tiaokuai_string_free(NULL);
  tiaokuai_model_free(model);
#undef CHECK_NULL
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SAMPLE_JSON_PATH\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "/tmp/tiaokuai-c-test-XXXXXX");
  if (mkdtemp(scratch) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_version_and_names();
  test_load_and_count();
  test_lookup();
  test_write_and_read_back(argv[1]);
  test_bad_json();
  test_null_parameters();
  remove_tree(scratch);
  return check_summary();
}
