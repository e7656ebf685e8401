/* Overhead compensation is on by default (issue 12.1), and its calibration
 * runs again while the program measures (calibrate.c): 2,000,000 calls of
 * a function of a few multiplies wrap a histogram counter of one bucket
 * (65,536 calls) about 30 times over tens of milliseconds, and a rerun
 * starts at a wrap at least ~2 ms after the last, so there is more than
 * one. The counts stay exact and no figure goes below zero. */
// ENV: HOTPATH_PERCENTILES=50
// EXPECT report compensation.on=1 compensation.calibrations>1 compensation.calibration_ns>0
// EXPECT report compensation.probe_in_window_ns>0 compensation.calls=2000001
// EXPECT row c_recalibrate::tiny calls=2000000 total_ns>=0 self_ns<=c_recalibrate::tiny.total_ns
// EXPECT row c_recalibrate::caller calls=1 self_ns>=0 total_ns>=c_recalibrate::caller.self_ns
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t sink;

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t tiny(uint64_t x) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    return x * 6364136223846793005u + 1442695040888963407u;
}

HOTPATH_MEASURE __attribute__((noinline)) static void caller(void) {
    uint64_t a = 1;
    for (int i = 0; i < 2000000; i++)
        a = tiny(a);
    sink = a;
}

int main(void) {
    caller();
    printf("%d\n", (int)(sink & 1));
    return 0;
}
