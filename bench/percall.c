/*
 * percall.c — the per-call cost of a tool, for `make bench`
 * (scripts/bench.py). One empty noinline function, built once per tool
 * (plain, hotpath's plugins, -finstrument-functions, -pg, XRay) at -O2:
 *
 *   percall N            times N calls of the empty function (after N/10
 *                        calls of warm-up) and prints "ns_per_call X"
 *   percall --floor N    times N iterations of an empty loop and of a loop
 *                        of two bare rdtsc reads, and prints both: their
 *                        difference is the floor of every TSC-based tool
 *
 * callgrind counts the instructions of run_calls (--toggle-collect), so the
 * instructions a tool adds per call are (run_calls's count - the plain
 * build's) / N. Only the empty function is measured by hotpath (the
 * attribute); the other tools instrument every function, but only the
 * empty one runs N times inside the timed window.
 */
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define NI __attribute__((noinline, no_instrument_function))

static volatile uint64_t sink;

HOTPATH_MEASURE __attribute__((noinline)) void percall_empty(void) { __asm__ volatile(""); }

NI void run_calls(long n) {
    for (long i = 0; i < n; i++)
        percall_empty();
}

NI static void loop_empty(long n) {
    for (long i = 0; i < n; i++)
        __asm__ volatile("");
}

NI static void loop_rdtsc(long n) {
    for (long i = 0; i < n; i++) {
        uint64_t a = __rdtsc();
        uint64_t b = __rdtsc();
        sink += b - a;
    }
}

NI static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

NI static double per_iteration(void (*loop)(long), long n) {
    double t0 = now_ns();
    loop(n);
    return (now_ns() - t0) / (double)n;
}

NI int main(int argc, char **argv) {
    int floor = argc > 1 && strcmp(argv[1], "--floor") == 0;
    long n = argc > 1 + floor ? atol(argv[1 + floor]) : 1000000;
    if (floor) {
        loop_empty(n / 10);
        loop_rdtsc(n / 10);
        double e = per_iteration(loop_empty, n);
        double r = per_iteration(loop_rdtsc, n);
        printf("empty_loop %.3f\nrdtsc_loop %.3f\n", e, r);
        return 0;
    }
    run_calls(n / 10);
    printf("ns_per_call %.3f\n", per_iteration(run_calls, n));
    return 0;
}
