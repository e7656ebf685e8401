/* clock.c — choosing and calibrating the time source. */
#include "clock.h"

#include "internal.h"

#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#ifdef HP_HAVE_RDTSC
#include <cpuid.h>
#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#endif
#if defined(CPU_FEATURE_PRESENT)
#define HP_HAVE_GLIBC_CPU_FEATURES 1
#else
#define HP_HAVE_GLIBC_CPU_FEATURES 0
#endif
#endif

int hp_clock_source = HP_CLOCK_MONOTONIC;

uint64_t hp_monotonic_ns_cold(void) { return hp_monotonic_ns(); }

/*
 * Calibration: ticks per nanosecond from two (tsc, CLOCK_MONOTONIC) pairs,
 * one taken at start-up, the other when a conversion is first needed and
 * again whenever the process has run twice as long as the interval the
 * calibration was taken over. No wait: a process that reports 1 ms after
 * its start is calibrated over that 1 ms.
 *
 * Error bound: each pair is known to within e = half the narrowest
 * tsc-clock-tsc sandwich (plus 1 ns of clock resolution), so ns_per_tick
 * is off by at most (e0 + e1) / T relative, T the calibration interval.
 * Every duration the report converts was measured inside the process's
 * life so far, which is at most 2T: its absolute error is at most
 * 2 (e0 + e1), a few us with the system call of pair_clock_ns
 * (hp_clock_error_bound_ns), whatever the
 * process's length; its relative error shrinks as T grows.
 */
static struct {
    uint64_t tsc0, ns0, e0;
    _Atomic uint64_t tsc1, ns1, e1; /* the latest second pair */
    _Atomic double ns_per_tick;
    pthread_mutex_t lock;
} cal = {.lock = PTHREAD_MUTEX_INITIALIZER};

/*
 * CPUID traps to the hypervisor in a virtual machine (17-75 us per
 * instruction measured on a bhyve guest): glibc's copy of the CPUID
 * leaves, read once by the dynamic linker, is used where glibc has one
 * (2.33 and later), so that start-up runs no CPUID at all.
 */
bool hp_cpu_has_invariant_tsc(void) {
#if defined(HP_HAVE_RDTSC) && HP_HAVE_GLIBC_CPU_FEATURES
    return CPU_FEATURE_PRESENT(INVARIANT_TSC);
#elif defined(HP_HAVE_RDTSC)
    static int cached = -1; /* a benign race: every thread computes the same */
    if (cached < 0) {
        unsigned a, b, c, d;
        if (__get_cpuid_max(0x80000000u, NULL) < 0x80000007u)
            cached = 0;
        else {
            __cpuid(0x80000007u, a, b, c, d);
            cached = (d >> 8) & 1u;
        }
    }
    return cached;
#else
    return false;
#endif
}

/* CLOCK_MONOTONIC for the calibration pairs: by the system call itself,
 * not the vDSO. A short process would otherwise touch the vDSO's data and
 * code pages and libc's clock_gettime for these few readings only: 3 page
 * faults, 28 us of a 2.3 ms process on this project's VM (docs/benchmarks.md,
 * "Short processes"), against 1.4 us a system call. The sandwich is then
 * about a system call wide: the bound below grows to a few us for a
 * duration as long as the process, and stays (e0 + e1) / T relative. A
 * filter that refuses the call (seccomp) gets the vDSO's reading. */
static uint64_t pair_clock_ns(void) {
    struct timespec ts;
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"((long)SYS_clock_gettime), "D"((long)CLOCK_MONOTONIC), "S"(&ts)
                     : "rcx", "r11", "memory");
#else
    int ret = clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    if (ret != 0)
        return hp_monotonic_ns();
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A (tsc, ns) pair read as close together as the machine allows: the
 * narrowest of a few tsc-clock-tsc sandwiches, the tsc taken at its middle;
 * *width is that sandwich's width in ticks. */
static void read_pair(uint64_t *tsc, uint64_t *ns, uint64_t *width) {
#ifdef HP_HAVE_RDTSC
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 3; i++) {
        uint64_t a = __rdtsc();
        uint64_t t = pair_clock_ns();
        uint64_t b = __rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ns = t;
        }
    }
    *width = best;
#else
    *tsc = *ns = pair_clock_ns();
    *width = 0;
#endif
}

void hp_clock_init(const char *want) {
    bool tsc = hp_cpu_has_invariant_tsc();
    if (want && strcmp(want, "monotonic") == 0)
        tsc = false;
    hp_clock_source = tsc ? HP_CLOCK_TSC : HP_CLOCK_MONOTONIC;
    hp_update_fast();
    read_pair(&cal.tsc0, &cal.ns0, &cal.e0);
    HP_STORE(cal.tsc1, 0);
    HP_STORE(cal.ns_per_tick, 0.0);
}

/* Takes the second pair now, if the calibration is missing or the process
 * has run twice as long as its interval. */
static void calibrate(uint64_t now) {
    pthread_mutex_lock(&cal.lock);
    uint64_t t1 = HP_LOAD(cal.tsc1);
    if (t1 == 0 || now - cal.tsc0 >= 2 * (t1 - cal.tsc0)) {
        uint64_t tsc1, ns1, e1;
        read_pair(&tsc1, &ns1, &e1);
        if (tsc1 > cal.tsc0 && ns1 > cal.ns0) {
            HP_STORE(cal.ns1, ns1);
            HP_STORE(cal.e1, e1);
            HP_STORE(cal.ns_per_tick, (double)(ns1 - cal.ns0) / (double)(tsc1 - cal.tsc0));
            atomic_store_explicit(&cal.tsc1, tsc1, memory_order_release); /* after the rate */
        }
    }
    pthread_mutex_unlock(&cal.lock);
}

double hp_ns_per_tick(void) {
    if (hp_clock_source != HP_CLOCK_TSC)
        return 1.0;
#ifdef HP_HAVE_RDTSC
    uint64_t now = __rdtsc(), t1 = atomic_load_explicit(&cal.tsc1, memory_order_acquire);
    if (t1 == 0 || now - cal.tsc0 >= 2 * (t1 - cal.tsc0))
        calibrate(now);
    double k = HP_LOAD(cal.ns_per_tick);
    return k > 0 ? k : 1.0;
#else
    return 1.0;
#endif
}

uint64_t hp_clock_error_bound_ns(void) {
    if (hp_clock_source != HP_CLOCK_TSC)
        return 0;
    double k = hp_ns_per_tick();
    /* half of each sandwich, 1 ns of clock resolution each, twice (2T) */
    return (uint64_t)(2.0 * ((double)(cal.e0 + HP_LOAD(cal.e1)) * k / 2.0 + 2.0) + 0.999);
}

const char *hp_clock_name(void) {
    return hp_clock_source == HP_CLOCK_TSC ? "tsc" : "monotonic";
}
