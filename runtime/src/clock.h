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
