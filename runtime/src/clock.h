/*
 * clock.h — the time source of the hot path (private).
 *
 * The invariant TSC when CPUID says the CPU has one (leaf 0x80000007, EDX
 * bit 8): one rdtsc per reading, converted to nanoseconds only when the
 * report is made. Otherwise CLOCK_MONOTONIC, whose ticks are nanoseconds.
 */
#ifndef HOTPATH_CLOCK_H
#define HOTPATH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HP_HAVE_RDTSC 1
#endif

enum hp_clock_source { HP_CLOCK_TSC = 0, HP_CLOCK_MONOTONIC = 1 };
extern int hp_clock_source;

static inline uint64_t hp_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The fallback, out of line so that the hot path stays a leaf. */
uint64_t hp_monotonic_ns_cold(void) __attribute__((noinline, cold));

static inline uint64_t hp_now(void) {
#ifdef HP_HAVE_RDTSC
    if (__builtin_expect(hp_clock_source == HP_CLOCK_TSC, 1))
        return __rdtsc();
#endif
    return hp_monotonic_ns_cold();
}

/*
 * The hot path's two reads of the TSC, at a window's start (enter) and at
 * its end (exit). rdtsc alone is not ordered with the instructions around
 * it: the exit's read may run before the body's last results are ready (a
 * latency-bound body then escapes its window), and the body may start
 * before the enter's read. HP_TSC_ORDER picks the ordering (measured in
 * docs/benchmarks.md, "Ordered clock reads"):
 *   0  rdtsc                 | rdtsc                 (none)
 *   1  rdtsc                 | lfence; rdtsc
 *   2  rdtsc; lfence         | lfence; rdtsc
 *   3  lfence; rdtsc; lfence | lfence; rdtsc; lfence
 *   4  rdtsc                 | rdtscp
 *   5  rdtsc; lfence         | rdtscp
 *   6  lfence; rdtsc         | rdtscp; lfence
 */
#ifndef HP_TSC_ORDER
#define HP_TSC_ORDER 0
#endif
#ifdef HP_HAVE_RDTSC
static inline __attribute__((always_inline)) uint64_t hp_tsc_enter(void) {
#if HP_TSC_ORDER == 3 || HP_TSC_ORDER == 6
    _mm_lfence();
#endif
    uint64_t t = __rdtsc();
#if HP_TSC_ORDER == 2 || HP_TSC_ORDER == 3 || HP_TSC_ORDER == 5
    _mm_lfence();
#endif
    return t;
}

static inline __attribute__((always_inline)) uint64_t hp_tsc_exit(void) {
#if HP_TSC_ORDER >= 4
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
#if HP_TSC_ORDER == 6
    _mm_lfence();
#endif
#else
#if HP_TSC_ORDER >= 1
    _mm_lfence();
#endif
    uint64_t t = __rdtsc();
#if HP_TSC_ORDER == 3
    _mm_lfence();
#endif
#endif
    return t;
}
#endif

/* Whether CPUID reports an invariant TSC. */
bool hp_cpu_has_invariant_tsc(void);

/* Picks the source (want: "auto", "tsc" or "monotonic") and takes the first
 * calibration point. Called once, at start-up. */
void hp_clock_init(const char *want);

/* Nanoseconds per tick. With the TSC, calibrated against CLOCK_MONOTONIC
 * from start-up to the first call, and again whenever the process has run
 * twice as long as the last calibration interval (see clock.c). No wait.
 * Thread-safe; not async-signal-safe. */
double hp_ns_per_tick(void);

/* The largest error, in ns, of a duration measured since start-up and
 * converted now (0 with CLOCK_MONOTONIC). */
uint64_t hp_clock_error_bound_ns(void);

static inline uint64_t hp_ticks_to_ns(uint64_t ticks) {
    return (uint64_t)((double)ticks * hp_ns_per_tick() + 0.5);
}

const char *hp_clock_name(void);

#endif
