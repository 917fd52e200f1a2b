/*
 * Audit a governance model from C and print its findings.
 *
 *   make -C bindings-c example          # builds and runs this on the sample
 *   cc -std=c11 audit.c $(pkg-config --cflags --libs tiaokuai) -o audit   # after make install
 *   ./audit [MODEL.json | CSV-FOLDER] [CONFIG.json]
 *
 * Without arguments it reads data/samples/baoshan.json (run it from the
 * repository root). Prints one line per finding and a summary; exits 2 when
 * the model or the config cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiaokuai.h"

/* Reads a whole file into a new buffer; NULL on failure. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL) {
      *len = fread(buf, 1, (size_t)size, f);
    }
  }
  fclose(f);
  return buf;
}

static int fail(const char *what, struct tiaokuai_error *err) {
  fprintf(stderr, "%s: %s (%s)\n", what, tiaokuai_error_message(err, NULL),
          tiaokuai_result_name(tiaokuai_error_code(err)));
  tiaokuai_error_free(err);
  return 2;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "data/samples/baoshan.json";
  struct tiaokuai_error *err = NULL;
  struct tiaokuai_model *model = NULL;
  if (tiaokuai_model_load(path, strlen(path), &model, &err) != TIAOKUAI_RESULT_OK) {
    return fail(path, err);
  }

  char *config = NULL;
  size_t config_len = 0;
  if (argc > 2 && (config = read_file(argv[2], &config_len)) == NULL) {
    perror(argv[2]);
    tiaokuai_model_free(model);
    return 2;
  }
  struct tiaokuai_report *report = NULL;
  enum tiaokuai_result rc = tiaokuai_model_audit(model, config, config_len, &report, &err);
  free(config);
  if (rc != TIAOKUAI_RESULT_OK) {
    tiaokuai_model_free(model);
    return fail("audit", err);
  }

  struct tiaokuai_counts counts;
  tiaokuai_model_counts(model, &counts, NULL);
  printf("tiaokuai %s: %s: %zu territories, %zu units, %zu matters, %zu items, %zu links\n", tiaokuai_version(), path,
         counts.territories, counts.units, counts.matters, counts.items, counts.links);
  for (size_t i = 0; i < tiaokuai_report_len(report); i++) {
    const struct tiaokuai_finding *f = tiaokuai_report_finding(report, i);
    const char *territory = tiaokuai_finding_territory(f, NULL);
    printf("%-7s %s %-28s %-24s %-10s %s\n", tiaokuai_finding_severity(f, NULL), tiaokuai_finding_rule(f, NULL),
           tiaokuai_finding_name(f, NULL), tiaokuai_finding_subject(f, NULL), territory ? territory : "-",
           tiaokuai_finding_message(f, NULL));
  }
  struct tiaokuai_summary summary;
  tiaokuai_report_summary(report, &summary, NULL);
  printf("%zu findings: %zu errors, %zu warnings, %zu infos\n", tiaokuai_report_len(report), summary.errors,
         summary.warnings, summary.infos);

  tiaokuai_report_free(report);
  tiaokuai_model_free(model);
  return 0;
}
