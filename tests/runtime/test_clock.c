/* The time source: CPUID detection, calibration error, the fallback. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testing.h"

TestSuite(clock);

static bool cpuinfo_has_flag(const char *flag) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    bool found = false;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n"))
                if (strcmp(t, flag) == 0)
                    found = true;
            break;
        }
    if (f)
        fclose(f);
    return found;
}

/* Linux sets nonstop_tsc from the same CPUID bit (0x80000007 EDX[8]). */
Test(clock, invariant_tsc_detection_agrees_with_the_kernel) {
    cr_assert_eq(hp_cpu_has_invariant_tsc(), cpuinfo_has_flag("nonstop_tsc"));
}

Test(clock, auto_picks_the_tsc_exactly_when_it_is_invariant) {
    hp_clock_init("auto");
    cr_assert_str_eq(hp_clock_name(), hp_cpu_has_invariant_tsc() ? "tsc" : "monotonic");
}

/* Over a known 250 ms interval, ticks converted with the calibration (taken
 * when the report converts, after the interval) agree with CLOCK_MONOTONIC
 * to within 0.05%. */
Test(clock, calibration_error_against_monotonic_is_small) {
    hp_clock_init("auto");
    uint64_t t0 = hp_now(), m0 = hp_monotonic_ns();
    usleep(250000);
    uint64_t t1 = hp_now(), m1 = hp_monotonic_ns();
    double k = hp_ns_per_tick();
    double by_ticks = (double)(t1 - t0) * k, by_clock = (double)(m1 - m0);
    double err = fabs(by_ticks - by_clock) / by_clock;
    cr_log_info("clock %s: %.6f ns/tick; interval %.0f ns by ticks, %.0f ns by CLOCK_MONOTONIC; "
                "error %.5f%%",
                hp_clock_name(), k, by_ticks, by_clock, err * 100);
    cr_assert_leq(err, 0.0005, "calibration error %.5f%%", err * 100);
}

/* A (tick, ns) pair as close together as the test can take it, and the
 * uncertainty of the pairing in ns. */
static void pair(uint64_t *t, uint64_t *ns, double *width_ns) {
    *width_ns = 1e18;
    for (int i = 0; i < 7; i++) {
        uint64_t a = hp_now(), m = hp_monotonic_ns(), b = hp_now();
        if ((double)(b - a) < *width_ns) {
            *t = a + (b - a) / 2;
            *ns = m;
            *width_ns = (double)(b - a);
        }
    }
}

/* A process that reports 2 ms after start-up: the conversion costs no wait
 * (there used to be a sleep up to 20 ms), and a duration measured inside
 * that life is within hp_clock_error_bound_ns of CLOCK_MONOTONIC's. */
Test(clock, short_process_converts_at_once_within_the_bound) {
    hp_clock_init("auto");
    uint64_t t0, m0, t1, m1;
    double w0, w1;
    pair(&t0, &m0, &w0);
    usleep(2000);
    pair(&t1, &m1, &w1);
    uint64_t before = hp_monotonic_ns();
    double k = hp_ns_per_tick();
    uint64_t took = hp_monotonic_ns() - before;
    cr_assert_lt(took, 1000000u, "the first conversion took %llu ns", (unsigned long long)took);
    double by_ticks = (double)(t1 - t0) * k, by_clock = (double)(m1 - m0);
    double bound = (double)hp_clock_error_bound_ns() + (w0 + w1) * k / 2 + 2 + 2e-5 * by_clock; /* + 20 ppm: the two clocks' rates drift apart (NTP) */
    cr_log_info("clock %s: 2 ms interval off by %.1f ns, bound %.1f ns (%llu of the runtime's)",
                hp_clock_name(), fabs(by_ticks - by_clock), bound,
                (unsigned long long)hp_clock_error_bound_ns());
    cr_assert_leq(fabs(by_ticks - by_clock), bound, "off by %.1f ns, bound %.1f ns",
                  fabs(by_ticks - by_clock), bound);
    /* each pair is a system call wide (clock.c, pair_clock_ns): 1.4 us
     * here, several under a sanitizer; the bound of a 2 ms process stays
     * below 1% of it */
    if (strcmp(hp_clock_name(), "tsc") == 0)
        cr_assert_leq(hp_clock_error_bound_ns(), 20000u, "a bound of %llu ns",
                      (unsigned long long)hp_clock_error_bound_ns());
}

Test(clock, monotonic_fallback_counts_nanoseconds) {
    hp_clock_init("monotonic");
    cr_assert_str_eq(hp_clock_name(), "monotonic");
    cr_assert_eq(hp_ns_per_tick(), 1.0);
    uint64_t a = hp_now();
    usleep(10000);
    uint64_t b = hp_now();
    cr_assert_geq(b - a, 10000000u);
    cr_assert_lt(b - a, 2000000000u);
}
