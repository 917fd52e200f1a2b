/*
 * One model, eight threads, no locks: every thread asks 10,000 questions of
 * the embedded sample (chains on every line for every unit, the block chain of
 * every territory, the dispatch of every matter in every street/town and
 * more, and some that must fail) and checks each answer — its steps read
 * through the getters, its problem and its JSON, or its error code and
 * message — against the one computed beforehand on the main thread. The
 * threads start at different places in the list, so they ask different
 * questions at the same moment. Each thread ends with a whole audit.
 *
 * TIAOKUAI_THREAD_QUERIES=N sets the questions per thread (the Makefile
 * lowers it under valgrind, which runs one thread at a time).
 *
 * Usage: test_threads (arguments ignored)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define THREADS 8
#define QUERIES_PER_THREAD 10000
#define MAX_IDS 4096

enum kind { CHAIN, RESPONSIBLE, DISPATCH };

struct query {
  enum kind kind;
  const char *id;
  const char *territory; /* DISPATCH */
  int line;              /* CHAIN */
  char *expected;        /* the answer as text (see ask), computed on the main thread */
};

static struct tiaokuai_model *model;
static struct query *queries;
static size_t query_count;
static char *expected_report;

/* A growable text buffer. */
struct text {
  char *s;
  size_t len, cap;
};

static void put(struct text *t, const char *s) {
  size_t n = strlen(s);
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    if (t->s == NULL) {
      abort();
    }
  }
  memcpy(t->s + t->len, s, n + 1);
  t->len += n;
}

static void put_field(struct text *t, const char *s) {
  put(t, s ? s : "-");
  put(t, "|");
}

/* Runs one query; returns a new string holding the whole outcome: for an answer, every
 * step's fields read through the getters, the problem and the JSON; for an error, its code
 * and message. */
static char *ask(const struct query *q) {
  struct tiaokuai_answer *a = NULL;
  struct tiaokuai_error *err = NULL;
  enum tiaokuai_result rc = TIAOKUAI_RESULT_OK;
  switch (q->kind) {
    case CHAIN:
      rc = tiaokuai_model_chain(model, q->id, strlen(q->id), q->line, &a, &err);
      break;
    case RESPONSIBLE:
      rc = tiaokuai_model_responsible_for(model, q->id, strlen(q->id), &a, &err);
      break;
    case DISPATCH:
      rc = tiaokuai_model_dispatch(model, q->id, strlen(q->id), q->territory, strlen(q->territory), &a, &err);
      break;
  }
  struct text t = {NULL, 0, 0};
  if (rc != TIAOKUAI_RESULT_OK) {
    put(&t, "error ");
    put(&t, tiaokuai_result_name(rc));
    put(&t, ": ");
    put(&t, err ? tiaokuai_error_message(err, NULL) : "(no error object)");
    tiaokuai_error_free(err);
    return t.s;
  }
  char number[32];
  snprintf(number, sizeof number, "%zu steps\n", tiaokuai_answer_len(a));
  put(&t, number);
  for (size_t i = 0; i < tiaokuai_answer_len(a); i++) {
    const struct tiaokuai_step *s = tiaokuai_answer_step(a, i);
    put_field(&t, tiaokuai_step_unit(s, NULL));
    put_field(&t, tiaokuai_step_name(s, NULL));
    put_field(&t, tiaokuai_step_kind(s, NULL));
    put_field(&t, tiaokuai_step_via(s, NULL));
    put_field(&t, tiaokuai_step_territory(s, NULL));
    put_field(&t, tiaokuai_step_level(s, NULL));
    put_field(&t, tiaokuai_step_grade(s, NULL));
    size_t link = 0;
    if (tiaokuai_step_link(s, &link)) {
      snprintf(number, sizeof number, "%zu", link);
      put(&t, number);
    }
    put(&t, "\n");
  }
  put_field(&t, tiaokuai_answer_problem(a, NULL));
  put(&t, "\n");
  char *json = NULL;
  if (tiaokuai_answer_to_json(a, &json, NULL, NULL) == TIAOKUAI_RESULT_OK) {
    put(&t, json);
  } else {
    put(&t, "(no JSON)");
  }
  tiaokuai_string_free(json);
  tiaokuai_answer_free(a);
  return t.s;
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

/* The ids of the model by record type, read from its JSON (every "id" value that names a record). */
/* One list per record type, people included (TIAOKUAI_RECORD_TYPE_PERSON is the last). */
static char *ids[TIAOKUAI_RECORD_TYPE_PERSON + 1][MAX_IDS];
static size_t id_count[TIAOKUAI_RECORD_TYPE_PERSON + 1];
static char *model_json;

static void collect_ids(void) {
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_to_json(model, &model_json, NULL, NULL), NULL);
  const char *key = "\"id\":";
  for (char *p = strstr(model_json, key); p != NULL; p = strstr(p, key)) {
    p += strlen(key);
    while (*p == ' ') {
      p++;
    }
    if (*p++ != '"') {
      continue;
    }
    char *end = strchr(p, '"');
    if (end == NULL) {
      break;
    }
    *end = '\0';
    enum tiaokuai_record_type type;
    if (tiaokuai_model_record_type(model, p, strlen(p), &type, NULL) == TIAOKUAI_RESULT_OK &&
        id_count[type] < MAX_IDS) {
      ids[type][id_count[type]++] = p;
    }
    p = end + 1;
  }
}

static void add(enum kind kind, const char *id, const char *territory, int line) {
  queries = realloc(queries, (query_count + 1) * sizeof *queries);
  if (queries == NULL) {
    abort();
  }
  struct query *q = &queries[query_count++];
  q->kind = kind;
  q->id = id;
  q->territory = territory;
  q->line = line;
  q->expected = ask(q);
}

/* Every question worth asking of the sample, in an order that mixes the kinds. */
static void plan(void) {
  collect_ids();
  size_t units = id_count[TIAOKUAI_RECORD_TYPE_UNIT];
  size_t territories = id_count[TIAOKUAI_RECORD_TYPE_TERRITORY];
  size_t matters = id_count[TIAOKUAI_RECORD_TYPE_MATTER];
  CHECK(units > 100 && territories > 100 && matters > 5);
  /* Round-robin over the kinds until each list is exhausted. */
  size_t most = units > territories ? units : territories;
  for (size_t i = 0; i < most; i++) {
    if (i < units) {
      for (int line = TIAOKUAI_LINE_LEADERSHIP; line <= TIAOKUAI_LINE_ALL; line++) {
        add(CHAIN, ids[TIAOKUAI_RECORD_TYPE_UNIT][i], NULL, line);
      }
    }
    if (i < territories) {
      add(RESPONSIBLE, ids[TIAOKUAI_RECORD_TYPE_TERRITORY][i], NULL, 0);
      add(DISPATCH, ids[TIAOKUAI_RECORD_TYPE_MATTER][i % matters], ids[TIAOKUAI_RECORD_TYPE_TERRITORY][i], 0);
      add(DISPATCH, ids[TIAOKUAI_RECORD_TYPE_MATTER][(i + 1) % matters], ids[TIAOKUAI_RECORD_TYPE_TERRITORY][i], 0);
    }
    /* Some that must fail: unknown ids, the wrong record type. */
    if (i % 25 == 0) {
      add(CHAIN, "no-such-unit", NULL, TIAOKUAI_LINE_ALL);
      add(CHAIN, ids[TIAOKUAI_RECORD_TYPE_TERRITORY][i % territories], NULL, TIAOKUAI_LINE_LEADERSHIP);
      add(RESPONSIBLE, ids[TIAOKUAI_RECORD_TYPE_UNIT][i % units], NULL, 0);
      add(DISPATCH, ids[TIAOKUAI_RECORD_TYPE_MATTER][i % matters], "no-such-place", 0);
    }
  }
  size_t failing = 0, missing = 0;
  for (size_t i = 0; i < query_count; i++) {
    missing += queries[i].expected == NULL;
    failing += queries[i].expected != NULL && strncmp(queries[i].expected, "error ", 6) == 0;
  }
  CHECK(missing == 0);
  /* Exactly the ones planned to fail do. */
  CHECK(failing == 4 * ((most + 24) / 25));
  printf("threads: %zu distinct questions (%zu units x 3 lines, %zu territories, %zu matters; %zu failing)\n",
         query_count, units, territories, matters, failing);
}

struct outcome {
  size_t first; /* where in the list the thread starts */
  size_t asked;
  size_t wrong;
  int audit_ok;
};

static size_t per_thread = QUERIES_PER_THREAD;

static void *worker(void *arg) {
  struct outcome *o = arg;
  for (size_t i = 0; i < per_thread; i++) {
    const struct query *q = &queries[(o->first + i) % query_count];
    char *got = ask(q);
    o->asked++;
    if (got == NULL || strcmp(got, q->expected) != 0) {
      if (o->wrong++ == 0) {
        fprintf(stderr, "thread answer differs for %s (kind %d): got\n%.300s\nexpected\n%.300s\n", q->id, q->kind,
                got ? got : "(null)", q->expected);
      }
    }
    free(got);
  }
  char *report = audit_json();
  o->audit_ok = report != NULL && strcmp(report, expected_report) == 0;
  tiaokuai_string_free(report);
  return NULL;
}

int main(void) {
  const char *n = getenv("TIAOKUAI_THREAD_QUERIES");
  if (n != NULL && atol(n) > 0) {
    per_thread = (size_t)atol(n);
  }
  CHECK_RESULT(TIAOKUAI_RESULT_OK, tiaokuai_model_sample(&model, NULL), NULL);
  plan();
  expected_report = audit_json();
  CHECK(expected_report != NULL);

  pthread_t threads[THREADS];
  struct outcome outcomes[THREADS];
  memset(outcomes, 0, sizeof outcomes);
  for (int t = 0; t < THREADS; t++) {
    outcomes[t].first = (size_t)t * query_count / THREADS;
    CHECK(pthread_create(&threads[t], NULL, worker, &outcomes[t]) == 0);
  }
  size_t asked = 0, wrong = 0;
  for (int t = 0; t < THREADS; t++) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(outcomes[t].asked == per_thread);
    CHECK(outcomes[t].wrong == 0);
    CHECK(outcomes[t].audit_ok);
    asked += outcomes[t].asked;
    wrong += outcomes[t].wrong;
  }
  printf("threads: %d threads x %zu questions = %zu answers compared, %zu differed\n", THREADS, per_thread, asked,
         wrong);

  for (size_t i = 0; i < query_count; i++) {
    free(queries[i].expected);
  }
  free(queries);
  tiaokuai_string_free(model_json);
  tiaokuai_string_free(expected_report);
  tiaokuai_model_free(model);
  return check_summary();
}
