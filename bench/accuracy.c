/*
 * accuracy.c — workloads with a known truth, for `make accuracy`
 * (scripts/accuracy.py).
 *
 * The same source is built twice:
 *   - without the plugin it measures its own truth: each phase timed as a
 *     whole with clock_gettime, each measured callee's cost per call timed
 *     apart in a loop of its own, and prints, as JSON on stdout, the Total
 *     and Self every function would have if measuring cost nothing;
 *   - with the plugin it runs the same phases and hotpath reports what it
 *     measured (HOTPATH_OUTPUT_FORMAT=json).
 * scripts/accuracy.py compares the two.
 *
 * The phases:
 *   caller_many   1,000,000 calls of a tiny measured function (tiny), and a
 *                 little work of its own between them;
 *   mix           short (~50 ns) and long (~50 us) measured functions;
 *   rec           a recursion 20 deep with work at every level.
 */
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 5
#define MANY 1000000
#define SHORT_CALLS 20000
#define LONG_EVERY 100
#define REC_DEPTH 20
#define REC_CALLS 2000

#define NOINLINE __attribute__((noinline))

static volatile uint64_t sink;

/* A dependent chain of n multiply-adds: latency-bound, about 1 ns each. */
static inline uint64_t chain(uint64_t x, int n) {
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}

HOTPATH_MEASURE NOINLINE static uint64_t tiny(uint64_t x) { return chain(x, 2); }

HOTPATH_MEASURE NOINLINE static uint64_t short_fn(uint64_t x) { return chain(x, 16); }

HOTPATH_MEASURE NOINLINE static uint64_t long_fn(uint64_t x) { return chain(x, 16000); }

HOTPATH_MEASURE NOINLINE static void caller_many(void) {
    uint64_t a = 1;
    for (int i = 0; i < MANY; i++) {
        a = tiny(a);
        a = chain(a, 8); /* the caller's own work */
    }
    sink = a;
}

HOTPATH_MEASURE NOINLINE static void mix(void) {
    uint64_t a = 3;
    for (int i = 0; i < SHORT_CALLS; i++) {
        a = short_fn(a);
        if (i % LONG_EVERY == 0)
            a = long_fn(a);
    }
    sink = a;
}

HOTPATH_MEASURE NOINLINE static uint64_t rec(int n, uint64_t x) {
    x = chain(x, 40);
    if (n > 0)
        x = rec(n - 1, x);
    return chain(x, 40);
}

NOINLINE static void recursion(void) {
    uint64_t a = 5;
    for (int i = 0; i < REC_CALLS; i++)
        a = rec(REC_DEPTH - 1, a);
    sink = a;
}

#ifndef __HOTPATH__
static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds per call of f, from a loop of n dependent calls. */
#define PER_CALL(f, n)                                                                             \
    ({                                                                                             \
        uint64_t a_ = 7, t0_ = now_ns();                                                           \
        for (long i_ = 0; i_ < (n); i_++)                                                          \
            a_ = f(a_);                                                                            \
        sink = a_;                                                                                 \
        (double)(now_ns() - t0_) / (double)(n);                                                    \
    })

/* Nanoseconds of a call of phase(): the whole. */
static double timed(void (*phase)(void)) {
    uint64_t t0 = now_ns();
    phase();
    return (double)(now_ns() - t0);
}

static void emit(const char *name, double calls, double total, double self, int *first) {
    printf("%s\n    \"accuracy::%s\": {\"calls\": %.0f, \"total_ns\": %.0f, \"self_ns\": %.0f}",
           *first ? "" : ",", name, calls, total, self < 0 ? 0 : self);
    *first = 0;
}
#endif

HOTPATH_MAIN() int main(void) {
#ifdef __HOTPATH__
    for (int r = 0; r < REPS; r++) {
        caller_many();
        mix();
        recursion();
    }
#else
    double t_caller = 0, t_mix = 0, t_rec = 0;
    for (int r = 0; r < REPS; r++) {
        t_caller += timed(caller_many);
        t_mix += timed(mix);
        t_rec += timed(recursion);
    }
    double tiny_ns = PER_CALL(tiny, 10 * MANY);
    double short_ns = PER_CALL(short_fn, 10 * SHORT_CALLS);
    double long_ns = PER_CALL(long_fn, 2000);
    double n_tiny = (double)REPS * MANY, n_short = (double)REPS * SHORT_CALLS,
           n_long = (double)REPS * (SHORT_CALLS / LONG_EVERY);
    int first = 1;
    printf("{\n  \"run_ns\": %.0f,\n  \"functions\": {", t_caller + t_mix + t_rec);
    emit("tiny", n_tiny, n_tiny * tiny_ns, n_tiny * tiny_ns, &first);
    emit("caller_many", REPS, t_caller, t_caller - n_tiny * tiny_ns, &first);
    emit("short_fn", n_short, n_short * short_ns, n_short * short_ns, &first);
    emit("long_fn", n_long, n_long * long_ns, n_long * long_ns, &first);
    emit("mix", REPS, t_mix, t_mix - n_short * short_ns - n_long * long_ns, &first);
    /* every level of rec is rec: its Self is the whole recursion's time */
    emit("rec", (double)REPS * REC_CALLS * REC_DEPTH, t_rec, t_rec, &first);
    printf("\n  }\n}\n");
#endif
    return 0;
}
