/*
 * workload.c — a realistic workload for `make bench` (scripts/bench.py):
 * each step (measured) makes 100 calls of a ~50 ns function and one of a
 * ~50 us function (both measured), about 1,800 measured calls per ms;
 * 18,000 steps take about 1 s uninstrumented. Built once per tool.
 *
 *   workload [STEPS]           runs the steps, prints "work_ns X" (the
 *                              steps' wall time, read in the process)
 *   workload --truth [STEPS]   the same, then times each measured callee
 *                              alone in a loop of its own and prints the
 *                              Total each function would have if measuring
 *                              cost nothing, as JSON (the plain build only)
 * -DBENCH_XRAY_FLUSH (the XRay builds): finalizes and flushes XRay's log at
 * the end of main, which FDR mode needs to write one.
 */
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef BENCH_XRAY_FLUSH
/* from compiler-rt's xray/xray_log_interface.h (a C++ header): */
int __xray_log_finalize(void);
int __xray_log_flushLog(void);
#endif

#define SHORT_PER_STEP 100
#define NI __attribute__((noinline, no_instrument_function))

static volatile uint64_t sink;

/* A dependent chain of n multiply-adds: latency-bound, about 1 ns each. */
static inline __attribute__((always_inline)) uint64_t chain(uint64_t x, int n) {
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}

HOTPATH_MEASURE __attribute__((noinline)) uint64_t workload_short(uint64_t x) {
    return chain(x, 40);
}

HOTPATH_MEASURE __attribute__((noinline)) uint64_t workload_long(uint64_t x) {
    return chain(x, 40000);
}

HOTPATH_MEASURE __attribute__((noinline)) uint64_t workload_step(uint64_t x) {
    for (int i = 0; i < SHORT_PER_STEP; i++)
        x = workload_short(x);
    return workload_long(x);
}

NI static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NI static double per_call(uint64_t (*f)(uint64_t), long n) {
    uint64_t a = 7, t0 = now_ns();
    for (long i = 0; i < n; i++)
        a = f(a);
    sink = a;
    return (double)(now_ns() - t0) / (double)n;
}

NI int main(int argc, char **argv) {
    int truth = argc > 1 && strcmp(argv[1], "--truth") == 0;
    long steps = argc > 1 + truth ? atol(argv[1 + truth]) : 18000;
    uint64_t a = 3, t0 = now_ns();
    for (long i = 0; i < steps; i++)
        a = workload_step(a);
    uint64_t work = now_ns() - t0;
    sink = a;
    printf("work_ns %llu\n", (unsigned long long)work);
#ifdef BENCH_XRAY_FLUSH
    /* FDR mode writes its log only when asked to (basic mode at exit) */
    __xray_log_finalize();
    __xray_log_flushLog();
#endif
    if (truth) {
        double s = per_call(workload_short, 20 * steps), l = per_call(workload_long, steps / 10 + 1);
        double ns = (double)steps * SHORT_PER_STEP, nl = (double)steps;
        printf("{\"work_ns\": %llu, \"functions\": {"
               "\"workload_step\": {\"calls\": %ld, \"total_ns\": %llu}, "
               "\"workload_short\": {\"calls\": %.0f, \"total_ns\": %.0f}, "
               "\"workload_long\": {\"calls\": %.0f, \"total_ns\": %.0f}}}\n",
               (unsigned long long)work, steps, (unsigned long long)work, ns, ns * s, nl, nl * l);
    }
    return 0;
}
