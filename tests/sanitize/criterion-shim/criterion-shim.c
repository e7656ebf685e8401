/* criterion-shim.c — the runner of criterion/criterion.h (see there why the
 * threaded unit tests do not use libcriterion under ThreadSanitizer).
 *
 * `prog [--jobs N] [--filter SUITE/NAME]` runs every registered test that
 * is not disabled, in registration order, each in a fresh process: the
 * program executes itself as `prog --hp-shim-run SUITE/NAME`, which runs the
 * suite's .init, the test's .init, the test, the test's .fini and the
 * suite's .fini, then exits 0. A test passes when its process ends as the
 * test expects (exit status .exit_code, or signal .signal), within .timeout
 * seconds when one is set. Prints one line per test and Criterion's
 * synthesis line; exits 1 when a test failed. --jobs is accepted and
 * ignored (one test at a time, as ctest runs them with --jobs 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criterion/criterion.h"

static struct hp_shim_test *tests, **tests_tail = &tests;
static struct hp_shim_suite *suites;

void hp_shim_register(struct hp_shim_test *t) {
    t->next = NULL;
    *tests_tail = t;
    tests_tail = &t->next;
}

void hp_shim_register_suite(struct hp_shim_suite *s) {
    s->next = suites;
    suites = s;
}

static const struct hp_shim_test *current;

_Noreturn void hp_shim_fail(const char *file, int line, const char *expr, const char *fmt, ...) {
    fprintf(stderr, "[FAIL] %s::%s: %s:%d: assertion failed: %s", current ? current->suite_name : "?",
            current ? current->name : "?", file, line, expr);
    if (fmt && *fmt) {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
    fflush(NULL);
    _exit(1); /* the test's other threads may still run: no atexit handlers */
}

static const struct hp_shim_suite *suite_of(const struct hp_shim_test *t) {
    for (const struct hp_shim_suite *s = suites; s; s = s->next)
        if (strcmp(s->name, t->suite_name) == 0)
            return s;
    return NULL;
}

static void full_name(const struct hp_shim_test *t, char *buf, size_t n) {
    snprintf(buf, n, "%s/%s", t->suite_name, t->name);
}

static int run_one(const char *which) {
    char name[512];
    for (const struct hp_shim_test *t = tests; t; t = t->next) {
        full_name(t, name, sizeof name);
        if (strcmp(name, which) != 0)
            continue;
        const struct hp_shim_suite *s = suite_of(t);
        current = t;
        if (s && s->init)
            s->init();
        if (t->init)
            t->init();
        t->fn();
        if (t->fini)
            t->fini();
        if (s && s->fini)
            s->fini();
        fflush(NULL);
        return 0;
    }
    fprintf(stderr, "criterion-shim: no test named %s\n", which);
    return 2;
}

/* Runs the test in a child process; 1 when it ended as expected. */
static int spawn(const char *self, const struct hp_shim_test *t, double timeout) {
    char name[512];
    full_name(t, name, sizeof name);
    pid_t pid = fork();
    if (pid < 0) {
        perror("criterion-shim: fork");
        return 0;
    }
    if (pid == 0) {
        if (timeout > 0)
            alarm((unsigned)(timeout + 0.999));
        execl(self, self, "--hp-shim-run", name, (char *)NULL);
        perror("criterion-shim: exec");
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            perror("criterion-shim: waitpid");
            return 0;
        }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == t->signal && sig != 0)
            return 1;
        fprintf(stderr, "[FAIL] %s::%s: %s (signal %d)\n", t->suite_name, t->name,
                sig == SIGALRM && timeout > 0 ? "timed out" : "crashed", sig);
        return 0;
    }
    int code = WEXITSTATUS(status);
    if (t->signal == 0 && code == t->exit_code)
        return 1;
    if (code != 1) /* 1: the failed assertion said so already */
        fprintf(stderr, "[FAIL] %s::%s: exit status %d, expected %d\n", t->suite_name, t->name,
                code, t->exit_code);
    return 0;
}

int main(int argc, char **argv) {
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--hp-shim-run") == 0 && i + 1 < argc)
            return run_one(argv[i + 1]);
        if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            filter = argv[++i];
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            i++;
        else if (strncmp(argv[i], "--jobs=", 7) != 0 && strncmp(argv[i], "-j", 2) != 0) {
            fprintf(stderr, "criterion-shim: unknown argument '%s' (accepted: --jobs N, --filter SUITE/NAME)\n",
                    argv[i]);
            return 2;
        }
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("criterion-shim: /proc/self/exe");
        return 2;
    }
    self[n] = '\0';
    int tested = 0, passing = 0, skipped = 0;
    char name[512];
    for (const struct hp_shim_test *t = tests; t; t = t->next) {
        full_name(t, name, sizeof name);
        if (filter && strcmp(filter, name) != 0)
            continue;
        const struct hp_shim_suite *s = suite_of(t);
        if (t->disabled || (s && s->disabled)) {
            skipped++;
            printf("[SKIP] %s::%s: %s\n", t->suite_name, t->name,
                   t->description ? t->description : "disabled");
            continue;
        }
        double timeout = t->timeout > 0 ? t->timeout : s ? s->timeout : 0;
        fflush(stdout);
        tested++;
        if (spawn(self, t, timeout)) {
            passing++;
            printf("[PASS] %s::%s\n", t->suite_name, t->name);
        }
    }
    printf("[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Skipped: %d (criterion-shim)\n",
           tested, passing, tested - passing, skipped);
    return tested > 0 && passing == tested ? 0 : 1;
}
