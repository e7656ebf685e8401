/*
 * manual.c — the runtime without a compiler plugin: a static site per
 * measured function, hotpath_enter/hotpath_exit by hand, and a main window
 * whose end prints the report.
 *
 *   gcc -O2 -Iruntime/include examples/manual.c build/runtime/libhotpath.a \
 *       -lpthread -lm -o manual && ./manual
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <time.h>

static unsigned long fib(unsigned n) {
    static struct hotpath_site site = HOTPATH_SITE_INIT("manual::fib", HOTPATH_KIND_FUNCTION);
    uint64_t token = hotpath_enter(&site);
    unsigned long r = n < 2 ? n : fib(n - 1) + fib(n - 2);
    hotpath_exit(&site, token); /* on every way out of the function */
    return r;
}

static void pause_a_little(void) {
    static struct hotpath_site site = HOTPATH_SITE_INIT("manual::pause", HOTPATH_KIND_FUNCTION);
    uint64_t token = hotpath_enter(&site);
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
    hotpath_exit(&site, token);
}

int main(void) {
    static struct hotpath_site window = HOTPATH_MAIN_SITE_INIT("manual::main", "50,99");
    uint64_t token = hotpath_enter(&window); /* opens the window */
    unsigned long sum = 0;
    for (int i = 0; i < 20; i++) {
        sum += fib(15);
        pause_a_little();
    }
    printf("sum %lu\n", sum);
    hotpath_exit(&window, token); /* closes it and prints the report */
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py): fib(15)
 * makes 1973 calls of fib (2 * fib(16) - 1), 20 times over. */
// EXPECT main manual::main
// EXPECT percentiles 50,99
// EXPECT rows 2
// EXPECT row manual::fib calls=39460
// EXPECT row manual::pause calls=20
