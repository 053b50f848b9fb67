/* harness.h — the unit tests' whole framework: T_CHECK counts and reports, T_DONE prints the
 * closing line "N passed, N failed" and returns the exit status. */
#ifndef TS_TEST_HARNESS_H
#define TS_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define T_CHECK(expr)                                                              \
    do {                                                                           \
        if (expr) {                                                                \
            t_passed++;                                                            \
        } else {                                                                   \
            t_failed++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
        }                                                                          \
    } while (0)

#define T_CHECK_STR(a, b)                                                                      \
    do {                                                                                       \
        const char *t_a = (a), *t_b = (b);                                                     \
        if (t_a && t_b && strcmp(t_a, t_b) == 0) {                                             \
            t_passed++;                                                                        \
        } else {                                                                               \
            t_failed++;                                                                        \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, t_a ? t_a : "(null)", \
                    t_b ? t_b : "(null)");                                                     \
        }                                                                                      \
    } while (0)

#define T_DONE()                                                 \
    do {                                                         \
        printf("%d passed, %d failed\n", t_passed, t_failed);    \
        return t_failed ? 1 : 0;                                 \
    } while (0)

#endif
