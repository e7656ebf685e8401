/*
 * basic.c — the first example: measure two functions and a block.
 *
 * Build with the GCC plugin (or the Clang one) and the runtime:
 *   gcc -O2 -fplugin=build/plugin-gcc/hotpath.so -Iruntime/include \
 *       examples/basic.c build/runtime/libhotpath.a -lpthread -lm -o basic
 *   ./basic
 * The report is printed to stderr when main returns. Without the plugin the
 * tags expand to nothing and the program runs unmeasured.
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void sleep_ns(long ns) {
    struct timespec ts = {0, ns};
    nanosleep(&ts, NULL);
}

/* Sleeps a little longer each call. */
HOTPATH_MEASURE static void sync_function(int i) {
    char *buf = malloc(64);
    snprintf(buf, 64, "call %d", i);
    sleep_ns(1000L * i);
    free(buf);
}

/* Sums the digits of a number, the slow way. */
HOTPATH_MEASURE static long digit_sum(const char *s) {
    long sum = 0;
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            sum += *s - '0';
    return sum;
}

HOTPATH_MEASURE_AS("checksum") static unsigned checksum(const unsigned char *p, size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

HOTPATH_MAIN(50, 95, 99) int main(void) {
    long total = 0;
    for (int i = 0; i < 100; i++) {
        sync_function(i);
        char text[32];
        snprintf(text, sizeof text, "%d", i * 7919);
        total += digit_sum(text);
        HOTPATH_BLOCK("custom_block") {
            unsigned char data[4096];
            memset(data, i, sizeof data);
            total += checksum(data, sizeof data) & 1;
        }
    }
    printf("digit sums and parities: %ld\n", total);
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py): */
// EXPECT main basic::main
// EXPECT percentiles 50,95,99
// EXPECT rows 4
// EXPECT row basic::sync_function calls=100
// EXPECT row basic::digit_sum calls=100
// EXPECT row checksum calls=100
// EXPECT row custom_block calls=100
