/*
 * check.h: a minimal test harness for the C tests of iopkit.
 *
 * A test is a `static void name(void)` function. CHECK(expr) records a failure (file:line and
 * the expression) and carries on; REQUIRE(expr) also returns from the test. run_test() prints
 * `ok - name` or `not ok - name`; check_summary() prints `N passed, M failed`.
 *
 * The string helpers print the values they compare: never use them on tokens or secrets
 * (compare those with CHECK(strcmp(...) == 0), which prints only the expression).
 */
#ifndef IOP_C_CHECK_H
#define IOP_C_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_test_failed;
static int check_passed;
static int check_failed;

static void check_fail(const char *file, int line, const char *what) {
    printf("#   %s:%d: check failed: %s\n", file, line, what);
    fflush(stdout);
    check_test_failed = 1;
}

#define CHECK(expr) do { if (!(expr)) check_fail(__FILE__, __LINE__, #expr); } while (0)

#define REQUIRE(expr) do { if (!(expr)) { check_fail(__FILE__, __LINE__, #expr); return; } } while (0)

/* a and b are C strings or NULL; equal when both NULL or both equal. Prints both on failure. */
#define CHECK_STREQ(a, b) do { \
        const char *check_a_ = (a), *check_b_ = (b); \
        if (!((check_a_ == NULL && check_b_ == NULL) || \
              (check_a_ != NULL && check_b_ != NULL && strcmp(check_a_, check_b_) == 0))) { \
            check_fail(__FILE__, __LINE__, #a " == " #b); \
            printf("#     got      \"%s\"\n#     expected \"%s\"\n", \
                   check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
        } \
    } while (0)

/* hay (C string or NULL) contains needle. Prints both on failure. */
#define CHECK_CONTAINS(hay, needle) do { \
        const char *check_h_ = (hay), *check_n_ = (needle); \
        if (check_h_ == NULL || strstr(check_h_, check_n_) == NULL) { \
            check_fail(__FILE__, __LINE__, #hay " contains " #needle); \
            printf("#     in \"%s\"\n#     no \"%s\"\n", check_h_ ? check_h_ : "(null)", check_n_); \
        } \
    } while (0)

static void run_test(const char *name, void (*test)(void)) {
    check_test_failed = 0;
    test();
    if (check_test_failed) {
        check_failed++;
        printf("not ok - %s\n", name);
    } else {
        check_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    fflush(stdout);
    return check_failed == 0 ? 0 : 1;
}

#endif /* IOP_C_CHECK_H */
