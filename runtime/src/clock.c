/* clock.c — choosing and calibrating the time source. */
#include "clock.h"

#include "internal.h"

#include <pthread.h>
#include <string.h>
#ifdef HP_HAVE_RDTSC
#include <cpuid.h>
#endif

int hp_clock_source = HP_CLOCK_MONOTONIC;

uint64_t hp_monotonic_ns_cold(void) { return hp_monotonic_ns(); }

static struct {
    uint64_t tsc0, ns0;
    double ns_per_tick;
    pthread_once_t once;
} cal = {.once = PTHREAD_ONCE_INIT};

#define HP_CALIBRATION_MIN_NS 20000000u

bool hp_cpu_has_invariant_tsc(void) {
#ifdef HP_HAVE_RDTSC
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
        return false;
    if (!__get_cpuid(0x80000007u, &a, &b, &c, &d))
        return false;
    return (d >> 8) & 1u;
#else
    return false;
#endif
}

/* A (tsc, ns) pair read as close together as the machine allows: the
 * narrowest of a few tsc-clock-tsc sandwiches, the tsc taken at its middle. */
static void read_pair(uint64_t *tsc, uint64_t *ns) {
#ifdef HP_HAVE_RDTSC
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 7; i++) {
        uint64_t a = __rdtsc();
        uint64_t t = hp_monotonic_ns();
        uint64_t b = __rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ns = t;
        }
    }
#else
    *tsc = *ns = hp_monotonic_ns();
#endif
}

void hp_clock_init(const char *want) {
    bool tsc = hp_cpu_has_invariant_tsc();
    if (want && strcmp(want, "monotonic") == 0)
        tsc = false;
    hp_clock_source = tsc ? HP_CLOCK_TSC : HP_CLOCK_MONOTONIC;
    hp_update_fast();
    read_pair(&cal.tsc0, &cal.ns0);
}

static void finish_calibration(void) {
    if (hp_clock_source != HP_CLOCK_TSC) {
        cal.ns_per_tick = 1.0;
        return;
    }
    uint64_t tsc1, ns1;
    read_pair(&tsc1, &ns1);
    if (ns1 - cal.ns0 < HP_CALIBRATION_MIN_NS) {
        uint64_t left = HP_CALIBRATION_MIN_NS - (ns1 - cal.ns0);
        struct timespec ts = {0, (long)left};
        while (nanosleep(&ts, &ts) != 0) {
        }
        read_pair(&tsc1, &ns1);
    }
    cal.ns_per_tick = (double)(ns1 - cal.ns0) / (double)(tsc1 - cal.tsc0);
}

double hp_ns_per_tick(void) {
    pthread_once(&cal.once, finish_calibration);
    return cal.ns_per_tick;
}

const char *hp_clock_name(void) {
    return hp_clock_source == HP_CLOCK_TSC ? "tsc" : "monotonic";
}
