/* criterion.h — the part of Criterion's API the threaded unit tests use
 * (Test, TestSuite, cr_assert*), for running them under ThreadSanitizer.
 *
 * Criterion cannot run under TSan on x86-64: at start-up it maps its
 * "inheritable arena" (BoxFort, BXF_ARENA_IDENTITY) with MAP_FIXED at a
 * random address between 0x2000'0000'0000 and 0x5500'0000'0000, which is
 * where TSan keeps its shadow memory. When its ten probes all land in the
 * reserved shadow it aborts ("Could not initialize inheritable arena:
 * Resource temporarily unavailable"); when one lands in a hole it maps over
 * TSan's memory and crashes inside libcriterion (SEGV in
 * criterion_run_all_tests). A one-test program built with
 * `cc -fsanitize=thread t.c -lcriterion` failed 7 times out of 8 so.
 *
 * This header keeps the tests' sources unchanged: tests/runtime/CMakeLists.txt
 * builds them against it (and criterion-shim.c, the runner) instead of
 * libcriterion in the -DHOTPATH_SANITIZE=thread tree. As with Criterion,
 * each test runs in a process of its own (the runner executes itself once
 * per test), the suite's and the test's .init/.fini run around it there, a
 * failed assertion fails that test only, and .disabled, .timeout,
 * .exit_code and .signal mean what they mean in Criterion. */
#ifndef HOTPATH_CRITERION_SHIM_H
#define HOTPATH_CRITERION_SHIM_H

#include <stdbool.h>
#include <stddef.h>

struct hp_shim_test {
    const char *suite_name;
    const char *name;
    void (*fn)(void);
    void (*init)(void);
    void (*fini)(void);
    bool disabled;
    const char *description;
    double timeout;
    int exit_code;
    int signal;
    struct hp_shim_test *next;
};

struct hp_shim_suite {
    const char *name;
    void (*init)(void);
    void (*fini)(void);
    bool disabled;
    const char *description;
    double timeout;
    struct hp_shim_suite *next;
};

void hp_shim_register(struct hp_shim_test *t);
void hp_shim_register_suite(struct hp_shim_suite *s);
_Noreturn void hp_shim_fail(const char *file, int line, const char *expr, const char *fmt, ...);

#define Test(Suite_, Name_, ...)                                                                   \
    static void hp_shim_fn_##Suite_##_##Name_(void);                                               \
    static struct hp_shim_test hp_shim_t_##Suite_##_##Name_ = {                                    \
        .suite_name = #Suite_, .name = #Name_, .fn = hp_shim_fn_##Suite_##_##Name_, __VA_ARGS__};  \
    __attribute__((constructor)) static void hp_shim_reg_##Suite_##_##Name_(void) {                \
        hp_shim_register(&hp_shim_t_##Suite_##_##Name_);                                           \
    }                                                                                              \
    static void hp_shim_fn_##Suite_##_##Name_(void)

#define TestSuite(Suite_, ...)                                                                     \
    static struct hp_shim_suite hp_shim_s_##Suite_ = {.name = #Suite_, __VA_ARGS__};               \
    __attribute__((constructor)) static void hp_shim_sreg_##Suite_(void) {                         \
        hp_shim_register_suite(&hp_shim_s_##Suite_);                                               \
    }

/* The optional message is a printf format and its arguments, as in Criterion. */
#define hp_shim_check_(cond, text, ...)                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            hp_shim_fail(__FILE__, __LINE__, text, "" __VA_ARGS__);                                \
    } while (0)

#define cr_assert(cond, ...) hp_shim_check_((cond), #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) hp_shim_check_(!(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_null(p, ...) hp_shim_check_((p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) hp_shim_check_((p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_eq(a, b, ...) hp_shim_check_((a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) hp_shim_check_((a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) hp_shim_check_((a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) hp_shim_check_((a) <= (b), #a " <= " #b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) hp_shim_check_((a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) hp_shim_check_((a) >= (b), #a " >= " #b, __VA_ARGS__)

#endif
