/*
 * Model images (.tkz) through the C API: to_image / from_image round trips (the
 * same JSON, byte for byte), saving to a .tkz path and opening it (open and
 * load), the bytes a file holds being the bytes to_image gives, damaged,
 * truncated and foreign input giving TIAOKUAI_RESULT_IMAGE with the outputs
 * untouched, and the size limit of the _with_options functions.
 *
 * Usage: test_image SAMPLE_JSON_PATH
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fixture.h"

static char scratch[64];

/* The first eight bytes of every image. */
static const uint8_t MAGIC[8] = {0x89, 'T', 'K', 'Z', '\r', '\n', 0x1a, '\n'};

static struct tiaokuai_model *from_json(const char *json, size_t len) {
  struct tiaokuai_model *model = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_json(json, len, &model, &err), err);
  tiaokuai_error_free(err);
  return model;
}

/* The model's JSON text (free it with tiaokuai_string_free). */
static char *json_of(const struct tiaokuai_model *model, size_t *len) {
  char *json = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(model, &json, len, NULL), NULL);
  return json;
}

/* The model's image (free it with tiaokuai_bytes_free). */
static uint8_t *image_of(const struct tiaokuai_model *model, size_t *len) {
  uint8_t *image = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_image(model, &image, len, &err), err);
  CHECK(err == NULL);
  CHECK(image != NULL && *len > sizeof MAGIC && memcmp(image, MAGIC, sizeof MAGIC) == 0);
  return image;
}

/* Two models write the same JSON, byte for byte (the text may hold NULs: compare by length). */
static void check_same_json(const struct tiaokuai_model *a, const struct tiaokuai_model *b) {
  size_t la = 0, lb = 0;
  char *ja = json_of(a, &la);
  char *jb = json_of(b, &lb);
  CHECK(ja != NULL && jb != NULL && la == lb && memcmp(ja, jb, la) == 0);
  tiaokuai_string_free(ja);
  tiaokuai_string_free(jb);
}

/* `image` (len bytes) is refused with TIAOKUAI_RESULT_IMAGE, its message holding `says`;
 * the output is left alone. */
static void check_refused(const uint8_t *image, size_t len, const char *says) {
  struct tiaokuai_model *out = (struct tiaokuai_model *)1;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_from_image(image, len, &out, &err), err);
  CHECK(out == (struct tiaokuai_model *)1);
  CHECK(tiaokuai_error_code(err) == TIAOKUAI_RESULT_IMAGE);
  const char *message = tiaokuai_error_message(err, NULL);
  CHECK(message != NULL && strncmp(message, "model image: ", 13) == 0);
  if (message == NULL || strstr(message, says) == NULL) {
    check_failed++;
    fprintf(stderr, "%s:%d: expected a message with \"%s\", got \"%s\"\n", __FILE__, __LINE__, says,
            message ? message : "(null)");
  }
  tiaokuai_error_free(err);
  /* The code alone without an error object. */
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_from_image(image, len, &out, NULL), NULL);
  CHECK(out == (struct tiaokuai_model *)1);
}

static void test_code(void) {
  /* Part of the ABI: appended after rejected, before other_error. */
  CHECK(TIAOKUAI_RESULT_IMAGE == 118);
  CHECK_STR("image", tiaokuai_result_name(TIAOKUAI_RESULT_IMAGE));
  CHECK_STR("rejected", tiaokuai_result_name(117));
  CHECK_STR("unknown", tiaokuai_result_name(119));
}

static void test_round_trip(const char *sample_path) {
  /* The fixture, in memory. */
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  size_t len = 0;
  uint8_t *image = image_of(model, &len);
  struct tiaokuai_model *again = NULL;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image(image, len, &again, &err), err);
  CHECK(err == NULL && again != NULL);
  struct tiaokuai_counts counts;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_counts(again, &counts, NULL), NULL);
  CHECK(counts.territories == 3 && counts.units == 3 && counts.matters == 1 && counts.items == 1);
  CHECK(counts.links == 7);
  check_same_json(model, again);
  /* Queries answer on the model read from the image. */
  char *name = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_record_name(again, S("gw"), &name, NULL, NULL), NULL);
  CHECK_STR("友谊路街道党工委", name);
  tiaokuai_string_free(name);
  /* The image of the model read back is the same bytes. */
  size_t len2 = 0;
  uint8_t *image2 = image_of(again, &len2);
  CHECK(len2 == len && memcmp(image, image2, len) == 0);
  tiaokuai_bytes_free(image2);
  tiaokuai_model_free(again);
  tiaokuai_bytes_free(image);
  tiaokuai_model_free(model);

  /* The sample (history, meetings, people and attrs included). */
  struct tiaokuai_model *sample = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&sample, NULL), NULL);
  image = image_of(sample, &len);
  /* Binary: the length, not a NUL, says where it ends. */
  CHECK(memchr(image, 0, len) != NULL);
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image(image, len, &again, &err), err);
  check_same_json(sample, again);
  tiaokuai_model_free(again);
  tiaokuai_bytes_free(image);

  /* The sample file on disk, loaded as JSON, gives the same image. */
  struct tiaokuai_model *loaded = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(sample_path, strlen(sample_path), &loaded, &err), err);
  check_same_json(sample, loaded);
  tiaokuai_model_free(loaded);
  tiaokuai_model_free(sample);
}

/* Reads a whole file into a malloc'd buffer. */
static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
  *len = data ? fread(data, 1, (size_t)size, f) : 0;
  fclose(f);
  return data;
}

static void test_files(void) {
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  struct tiaokuai_error *err = NULL;
  char tkz[128], json[128];
  snprintf(tkz, sizeof tkz, "%s/model.tkz", scratch);
  snprintf(json, sizeof json, "%s/model.json", scratch);

  /* save to a .tkz path writes an image: the bytes to_image gives. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_save(model, tkz, strlen(tkz), &err), err);
  size_t file_len = 0, len = 0;
  uint8_t *file = read_file(tkz, &file_len);
  uint8_t *image = image_of(model, &len);
  CHECK(file != NULL && file_len == len && memcmp(file, image, len) == 0);
  free(file);
  tiaokuai_bytes_free(image);

  /* open reads it; load knows it by its first bytes; both give the same model. */
  struct tiaokuai_model *opened = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_open(tkz, strlen(tkz), &opened, &err), err);
  check_same_json(model, opened);
  /* Mapped: its tables point into the file's pages, shared between processes. */
  CHECK(tiaokuai_model_mapped_bytes(opened) > 0);
  CHECK(tiaokuai_model_mapped_bytes(model) == 0 && tiaokuai_model_mapped_bytes(NULL) == 0);
  tiaokuai_model_free(opened);
  /* With mapping off: read into memory, the same model. */
  struct tiaokuai_load_options *no_map = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_new(&no_map, &err), err);
  CHECK(tiaokuai_load_options_map(no_map) && tiaokuai_load_options_map(NULL));
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_map(no_map, false, &err), err);
  CHECK(!tiaokuai_load_options_map(no_map));
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_open_with_options(tkz, strlen(tkz), no_map, &opened, &err), err);
  check_same_json(model, opened);
  CHECK(tiaokuai_model_mapped_bytes(opened) == 0);
  tiaokuai_model_free(opened);
  tiaokuai_load_options_free(no_map);
  struct tiaokuai_model *loaded = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_load(tkz, strlen(tkz), &loaded, &err), err);
  check_same_json(model, loaded);
  tiaokuai_model_free(loaded);

  /* open refuses a JSON model (load reads it). */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_save(model, json, strlen(json), &err), err);
  struct tiaokuai_model *out = (struct tiaokuai_model *)1;
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_open(json, strlen(json), &out, &err), err);
  CHECK(out == (struct tiaokuai_model *)1);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "is not a model image") != NULL);
  tiaokuai_error_free(err);
  err = NULL;

  /* A missing file is an I/O error; a path that is not UTF-8 is refused before anything is read. */
  CHECK_RESULT(TIAOKUAI_RESULT_IO, tiaokuai_model_open(S("/nonexistent/model.tkz"), &out, &err), err);
  CHECK(strstr(tiaokuai_error_message(err, NULL), "/nonexistent/model.tkz") != NULL);
  tiaokuai_error_free(err);
  CHECK_RESULT(TIAOKUAI_RESULT_INVALID_UTF8, tiaokuai_model_open(S("/tmp/\xff.tkz"), &out, NULL), NULL);
  CHECK(out == (struct tiaokuai_model *)1);

  /* A truncated file on disk: open and load both refuse it. */
  image = image_of(model, &len);
  FILE *f = fopen(tkz, "wb");
  CHECK(f != NULL);
  if (f != NULL) {
    fwrite(image, 1, len - 1, f);
    fclose(f);
  }
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_open(tkz, strlen(tkz), &out, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_IMAGE, tiaokuai_model_load(tkz, strlen(tkz), &out, NULL), NULL);
  CHECK(out == (struct tiaokuai_model *)1);
  tiaokuai_bytes_free(image);
  unlink(tkz);
  unlink(json);
  tiaokuai_model_free(model);
}

static void test_damaged(void) {
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  size_t len = 0;
  uint8_t *image = image_of(model, &len);
  uint8_t *copy = malloc(len);
  CHECK(copy != NULL);
  if (copy == NULL) {
    return;
  }

  /* Truncated: one byte short, and only the header. */
  check_refused(image, len - 1, "truncated");
  check_refused(image, 32, "truncated");
  /* Not an image at all: JSON, nothing (a non-NULL pointer with length 0), a wrong magic. */
  check_refused((const uint8_t *)FIXTURE, sizeof FIXTURE - 1, "not a model image");
  check_refused(image, 0, "not a model image");
  memcpy(copy, image, len);
  copy[1] = 'X';
  check_refused(copy, len, "not a model image");
  /* One byte of the body flipped: the checksum catches it, nothing is decoded. */
  memcpy(copy, image, len);
  copy[len / 2] ^= 0x01;
  check_refused(copy, len, "checksum");
  /* Another layout: refused by name. */
  memcpy(copy, image, len);
  copy[8] = 99;
  check_refused(copy, len, "layout 99");

  /* The length is what counts: the same pointer with the right length still reads. */
  struct tiaokuai_model *again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image(image, len, &again, NULL), NULL);
  check_same_json(model, again);
  tiaokuai_model_free(again);
  free(copy);
  tiaokuai_bytes_free(image);
  tiaokuai_model_free(model);
}

static void test_options(void) {
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  size_t len = 0;
  uint8_t *image = image_of(model, &len);
  char tkz[128];
  snprintf(tkz, sizeof tkz, "%s/limited.tkz", scratch);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_save(model, tkz, strlen(tkz), NULL), NULL);

  struct tiaokuai_load_options *options = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_new(&options, NULL), NULL);
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_threads(options, 1, NULL), NULL);
  /* Within the limit (exactly the image's size). */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_max_bytes(options, len, NULL), NULL);
  struct tiaokuai_model *again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image_with_options(image, len, options, &again, NULL), NULL);
  check_same_json(model, again);
  tiaokuai_model_free(again);
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_open_with_options(tkz, strlen(tkz), options, &again, NULL), NULL);
  check_same_json(model, again);
  tiaokuai_model_free(again);

  /* One byte over it. */
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_load_options_set_max_bytes(options, len - 1, NULL), NULL);
  struct tiaokuai_model *out = (struct tiaokuai_model *)1;
  struct tiaokuai_error *err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_model_from_image_with_options(image, len, options, &out, &err),
               err);
  tiaokuai_error_free(err);
  err = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_TOO_LARGE, tiaokuai_model_open_with_options(tkz, strlen(tkz), options, &out, &err),
               err);
  tiaokuai_error_free(err);
  CHECK(out == (struct tiaokuai_model *)1);

  /* NULL options are the defaults. */
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image_with_options(image, len, NULL, &again, NULL), NULL);
  tiaokuai_model_free(again);
  again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_open_with_options(tkz, strlen(tkz), NULL, &again, NULL), NULL);
  tiaokuai_model_free(again);

  tiaokuai_load_options_free(options);
  unlink(tkz);
  tiaokuai_bytes_free(image);
  tiaokuai_model_free(model);
}

static void test_views(void) {
  /* A view at a date writes the whole document: its image reads back into the whole model,
   * read at the document's own date (here none), as its JSON would. */
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  struct tiaokuai_model *view = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_at(model, S("2017"), &view, NULL), NULL);
  size_t len = 0;
  uint8_t *image = image_of(view, &len);
  struct tiaokuai_model *again = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_from_image(image, len, &again, NULL), NULL);
  check_same_json(view, again);
  char *date = (char *)"untouched";
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_date(again, &date, NULL, NULL), NULL);
  CHECK(date == NULL);
  tiaokuai_model_free(again);
  tiaokuai_bytes_free(image);
  tiaokuai_model_free(view);
  tiaokuai_model_free(model);
}

static void test_null_parameters(void) {
  struct tiaokuai_model *model = from_json(S(FIXTURE));
  struct tiaokuai_model *out = NULL;
  uint8_t *image = NULL;
  size_t len = 0;
  struct tiaokuai_error *err = NULL;
#define CHECK_NULL(name, call)                                       \
  do {                                                               \
    err = NULL;                                                      \
    CHECK_RESULT(TIAOKUAI_RESULT_NULL_PARAMETER, (call), err);       \
    CHECK_STR(name " is NULL", tiaokuai_error_message(err, NULL));   \
    tiaokuai_error_free(err);                                        \
  } while (0)
  CHECK_NULL("image", tiaokuai_model_from_image(NULL, 3, &out, &err));
  CHECK_NULL("image", tiaokuai_model_from_image(NULL, 0, &out, &err));
  CHECK_NULL("out_model", tiaokuai_model_from_image(MAGIC, sizeof MAGIC, NULL, &err));
  CHECK_NULL("path", tiaokuai_model_open(NULL, 3, &out, &err));
  CHECK_NULL("out_model", tiaokuai_model_open(S("x.tkz"), NULL, &err));
  CHECK_NULL("model", tiaokuai_model_to_image(NULL, &image, &len, &err));
  CHECK_NULL("out_image", tiaokuai_model_to_image(model, NULL, &len, &err));
  /* The length of a binary buffer is not optional. */
  CHECK_NULL("out_len", tiaokuai_model_to_image(model, &image, NULL, &err));
  CHECK(out == NULL && image == NULL && len == 0);
  tiaokuai_bytes_free(NULL);
  tiaokuai_model_free(model);
#undef CHECK_NULL
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SAMPLE_JSON_PATH\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "/tmp/tiaokuai-c-image-XXXXXX");
  if (mkdtemp(scratch) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_code();
  test_round_trip(argv[1]);
  test_files();
  test_damaged();
  test_options();
  test_views();
  test_null_parameters();
  rmdir(scratch);
  return check_summary();
}
