/*
 * benchmark.c — what a measured call costs: 1,000,000 calls of an empty
 * noinline function, unmeasured, measured by hand (manual API) and measured
 * through the compiler plugin, all in one process, beside the cost of two
 * bare rdtsc reads (the floor of any TSC-based profiler).
 *
 *   benchmark            timing table (rounds interleaved, best round kept)
 *   benchmark --only=X   run only variant X (bare, manual, plugin, rdtsc)
 *                        N times, for instruction counts under callgrind
 * `make bench` runs both and prints the comparison (scripts/bench.sh).
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define CALLS 1000000
#define ROUNDS 15

static volatile unsigned long long sink;

__attribute__((noinline)) static void empty_bare(void) { __asm__ volatile(""); }

__attribute__((noinline)) static void empty_manual(void) {
    static struct hotpath_site site = HOTPATH_SITE_INIT("benchmark::empty_manual",
                                                        HOTPATH_KIND_FUNCTION);
    uint64_t token = hotpath_enter(&site);
    __asm__ volatile("");
    hotpath_exit(&site, token);
}

#ifdef __HOTPATH__
HOTPATH_MEASURE __attribute__((noinline)) static void empty_plugin(void) { __asm__ volatile(""); }
#endif

__attribute__((noinline)) static void loop_bare(long n) {
    for (long i = 0; i < n; i++)
        empty_bare();
}
__attribute__((noinline)) static void loop_manual(long n) {
    for (long i = 0; i < n; i++)
        empty_manual();
}
__attribute__((noinline)) static void loop_plugin(long n) {
#ifdef __HOTPATH__
    for (long i = 0; i < n; i++)
        empty_plugin();
#else
    (void)n;
#endif
}
/* The loop alone, and the loop with two rdtsc: their difference is the
 * cost of the two reads. */
__attribute__((noinline)) static void loop_empty(long n) {
    for (long i = 0; i < n; i++)
        __asm__ volatile("");
}
__attribute__((noinline)) static void loop_rdtsc(long n) {
    for (long i = 0; i < n; i++) {
        unsigned long long a = __rdtsc();
        unsigned long long b = __rdtsc();
        sink += b - a;
    }
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct variant {
    const char *name;
    void (*loop)(long);
    double best; /* ns per iteration, best round */
};

int main(int argc, char **argv) {
    struct variant v[] = {
        {"bare", loop_bare, 1e9},     {"manual", loop_manual, 1e9}, {"plugin", loop_plugin, 1e9},
        {"empty", loop_empty, 1e9},   {"rdtsc", loop_rdtsc, 1e9},
    };
    int nv = sizeof v / sizeof *v;
    if (argc > 1 && strncmp(argv[1], "--only=", 7) == 0) {
        long n = argc > 2 ? atol(argv[2]) : CALLS;
        for (int i = 0; i < nv; i++)
            if (strcmp(argv[1] + 7, v[i].name) == 0) {
                v[i].loop(n);
                return 0;
            }
        fprintf(stderr, "benchmark: unknown variant '%s' (bare, manual, plugin, empty, rdtsc)\n",
                argv[1] + 7);
        return 2;
    }
    for (int i = 0; i < nv; i++)
        v[i].loop(CALLS / 10); /* warm-up: first calls register sites */
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < nv; i++) {
            double t0 = now_ns();
            v[i].loop(CALLS);
            double per = (now_ns() - t0) / CALLS;
            if (per < v[i].best)
                v[i].best = per;
        }
    double bare = v[0].best, rdtsc2 = v[4].best - v[3].best;
    printf("%d calls, best of %d rounds, ns per call:\n", CALLS, ROUNDS);
    printf("  unmeasured call             %7.2f\n", bare);
    printf("  two bare rdtsc reads        %7.2f\n", rdtsc2);
    printf("  measured, manual API        %7.2f  (+%.2f ns, %.2f x two rdtsc)\n", v[1].best,
           v[1].best - bare, (v[1].best - bare) / rdtsc2);
#ifdef __HOTPATH__
    printf("  measured, compiler plugin   %7.2f  (+%.2f ns, %.2f x two rdtsc)\n", v[2].best,
           v[2].best - bare, (v[2].best - bare) / rdtsc2);
#else
    printf("  measured, compiler plugin   (not built with a plugin)\n");
#endif
    printf("target: added cost <= two rdtsc + 3 ns, i.e. ratio <= 1.3\n");
    return 0;
}
