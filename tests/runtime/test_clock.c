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

/* Over a known 250 ms interval, ticks converted with the calibration agree
 * with CLOCK_MONOTONIC to within 0.05%. */
Test(clock, calibration_error_against_monotonic_is_small) {
    hp_clock_init("auto");
    double k = hp_ns_per_tick(); /* fixes the calibration (>= 20 ms) */
    uint64_t t0 = hp_now(), m0 = hp_monotonic_ns();
    usleep(250000);
    uint64_t t1 = hp_now(), m1 = hp_monotonic_ns();
    double by_ticks = (double)(t1 - t0) * k, by_clock = (double)(m1 - m0);
    double err = fabs(by_ticks - by_clock) / by_clock;
    cr_log_info("clock %s: %.6f ns/tick; interval %.0f ns by ticks, %.0f ns by CLOCK_MONOTONIC; "
                "error %.5f%%",
                hp_clock_name(), k, by_ticks, by_clock, err * 100);
    cr_assert_leq(err, 0.0005, "calibration error %.5f%%", err * 100);
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
