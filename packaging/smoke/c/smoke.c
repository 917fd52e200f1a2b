/* Smoke test of an installed tiaokuai C library (packaging/dist.sh builds it through
 * pkg-config and through CMake): the header's version is the library's, and the
 * embedded sample loads and audits. */
#include <stdio.h>
#include <string.h>

#include <tiaokuai.h>

#if !defined(TIAOKUAI_VERSION_MAJOR) || !defined(TIAOKUAI_VERSION_NUMBER)
#error "tiaokuai.h has no version macros"
#endif
#if TIAOKUAI_VERSION_NUMBER < TIAOKUAI_MAKE_VERSION(0, 1, 0)
#error "TIAOKUAI_VERSION_NUMBER is older than the first release"
#endif

int main(void) {
    if (strcmp(tiaokuai_version(), TIAOKUAI_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, header %s\n", tiaokuai_version(), TIAOKUAI_VERSION_STRING);
        return 1;
    }
    struct tiaokuai_model *model = NULL;
    struct tiaokuai_error *error = NULL;
    if (tiaokuai_model_sample(&model, &error) != TIAOKUAI_RESULT_OK) {
        fprintf(stderr, "sample: %s\n", tiaokuai_error_message(error, NULL));
        tiaokuai_error_free(error);
        return 1;
    }
    struct tiaokuai_report *report = NULL;
    if (tiaokuai_model_audit(model, NULL, 0, &report, &error) != TIAOKUAI_RESULT_OK) {
        fprintf(stderr, "audit: %s\n", tiaokuai_error_message(error, NULL));
        tiaokuai_error_free(error);
        tiaokuai_model_free(model);
        return 1;
    }
    size_t n = tiaokuai_report_len(report);
    printf("tiaokuai %s (%s): %zu findings on the sample\n", tiaokuai_version(), TIAOKUAI_SONAME, n);
    tiaokuai_report_free(report);
    tiaokuai_model_free(model);
    return n > 0 ? 0 : 1;
}
