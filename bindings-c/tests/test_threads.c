/*
 * One model, eight threads, no locks: every thread asks the same questions of
 * the embedded sample (chains on every line, block chains, dispatch, the
 * audit, lookups) and checks each answer against the one computed beforehand
 * on the main thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 3
#define MAX_QUERIES 48

enum kind { CHAIN, RESPONSIBLE, DISPATCH, NAME };

struct query {
  enum kind kind;
  char id[64];
  int line;
  char *expected; /* the answer's JSON (or the name), computed on the main thread */
};

static struct tiaokuai_model *model;
static struct query queries[MAX_QUERIES];
static size_t query_count;
static char *expected_report;
static const char STREET[] = "310113003";

/* Runs one query; returns a new string (the answer's JSON) or NULL on failure. */
static char *ask(const struct query *q) {
  struct tiaokuai_answer *a = NULL;
  enum tiaokuai_result rc = TIAOKUAI_RESULT_OK;
  char *out = NULL;
  switch (q->kind) {
    case CHAIN:
      rc = tiaokuai_model_chain(model, q->id, strlen(q->id), q->line, &a, NULL);
      break;
    case RESPONSIBLE:
      rc = tiaokuai_model_responsible_for(model, q->id, strlen(q->id), &a, NULL);
      break;
    case DISPATCH:
      rc = tiaokuai_model_dispatch(model, q->id, strlen(q->id), S(STREET), &a, NULL);
      break;
    case NAME:
      rc = tiaokuai_model_record_name(model, q->id, strlen(q->id), &out, NULL, NULL);
      return rc == TIAOKUAI_RESULT_OK ? out : NULL;
  }
  if (rc != TIAOKUAI_RESULT_OK) {
    return NULL;
  }
  /* Walk the steps too, as a C program would. */
  for (size_t i = 0; i < tiaokuai_answer_len(a); i++) {
    const struct tiaokuai_step *s = tiaokuai_answer_step(a, i);
    if (s == NULL || (tiaokuai_step_unit(s, NULL) == NULL && tiaokuai_step_territory(s, NULL) == NULL)) {
      tiaokuai_answer_free(a);
      return NULL;
    }
  }
  rc = tiaokuai_answer_to_json(a, &out, NULL, NULL);
  tiaokuai_answer_free(a);
  return rc == TIAOKUAI_RESULT_OK ? out : NULL;
}

static char *audit_json(void) {
  struct tiaokuai_report *r = NULL;
  char *json = NULL;
  if (tiaokuai_model_audit(model, NULL, 0, &r, NULL) != TIAOKUAI_RESULT_OK) {
    return NULL;
  }
  tiaokuai_report_to_json(r, &json, NULL, NULL);
  tiaokuai_report_free(r);
  return json;
}

static void add(enum kind kind, const char *id, int line) {
  if (query_count == MAX_QUERIES) {
    return;
  }
  struct query *q = &queries[query_count];
  q->kind = kind;
  snprintf(q->id, sizeof q->id, "%s", id);
  q->line = line;
  q->expected = ask(q);
  CHECK(q->expected != NULL);
  query_count++;
}

/* Picks the questions: the subjects of the sample's findings, by record type. */
static void plan(void) {
  struct tiaokuai_report *r = NULL;
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_audit(model, NULL, 0, &r, NULL), NULL);
  size_t units = 0, territories = 0, matters = 0;
  add(RESPONSIBLE, STREET, 0);
  for (size_t i = 0; i < tiaokuai_report_len(r); i++) {
    const char *subject = tiaokuai_finding_subject(tiaokuai_report_finding(r, i), NULL);
    enum tiaokuai_record_type type;
    if (tiaokuai_model_record_type(model, subject, strlen(subject), &type, NULL) != TIAOKUAI_RESULT_OK) {
      continue;
    }
    if (type == TIAOKUAI_RECORD_TYPE_UNIT && units < 8) {
      units++;
      add(CHAIN, subject, TIAOKUAI_LINE_LEADERSHIP);
      add(CHAIN, subject, TIAOKUAI_LINE_STRIP);
      add(CHAIN, subject, TIAOKUAI_LINE_ALL);
      add(NAME, subject, 0);
    } else if (type == TIAOKUAI_RECORD_TYPE_TERRITORY && territories < 6) {
      territories++;
      add(RESPONSIBLE, subject, 0);
    } else if (type == TIAOKUAI_RECORD_TYPE_MATTER && matters < 6) {
      matters++;
      add(DISPATCH, subject, 0);
    }
  }
  CHECK(units > 0 && territories > 0 && matters > 0);
  tiaokuai_report_free(r);
}

struct outcome {
  int asked;
  int wrong;
};

static void *worker(void *arg) {
  struct outcome *o = arg;
  for (int round = 0; round < ROUNDS; round++) {
    for (size_t i = 0; i < query_count; i++) {
      const struct query *q = &queries[(i + (size_t)round) % query_count];
      char *got = ask(q);
      o->asked++;
      if (got == NULL || strcmp(got, q->expected) != 0) {
        o->wrong++;
      }
      tiaokuai_string_free(got);
    }
  }
  char *report = audit_json();
  o->asked++;
  if (report == NULL || strcmp(report, expected_report) != 0) {
    o->wrong++;
  }
  tiaokuai_string_free(report);
  return NULL;
}

int main(void) {
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  plan();
  expected_report = audit_json();
  CHECK(expected_report != NULL);

  pthread_t threads[THREADS];
  struct outcome outcomes[THREADS];
  memset(outcomes, 0, sizeof outcomes);
  for (int t = 0; t < THREADS; t++) {
    CHECK(pthread_create(&threads[t], NULL, worker, &outcomes[t]) == 0);
  }
  for (int t = 0; t < THREADS; t++) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(outcomes[t].asked == ROUNDS * (int)query_count + 1);
    CHECK(outcomes[t].wrong == 0);
  }

  for (size_t i = 0; i < query_count; i++) {
    tiaokuai_string_free(queries[i].expected);
  }
  tiaokuai_string_free(expected_report);
  tiaokuai_model_free(model);
  return check_summary();
}
