/* Overhead compensation (issue 12.1): a caller makes 200,000 calls of a
 * function of a few multiplies. Raw, each call's window holds the probe's
 * own part (about one clock read); compensated, the median call of tiny
 * is below that part, every figure stays at or above zero, and the
 * report states what it took out. */
// ENV: HOTPATH_COMPENSATE=1 HOTPATH_PERCENTILES=50
// EXPECT report compensation.on=1 compensation.probe_in_window_ns>0 compensation.calls=200001
// EXPECT report compensation.overhead_ns>0 compensation.overhead_ns<=$window
// EXPECT row c_compensate::tiny calls=200000 total_ns>=0 self_ns<=c_compensate::tiny.total_ns
// EXPECT row c_compensate::tiny percentiles_ns.50<$report.compensation.probe_in_window_ns
// EXPECT row c_compensate::caller calls=1 self_ns>=0
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
    for (int i = 0; i < 200000; i++)
        a = tiny(a);
    sink = a;
}

int main(void) {
    caller();
    printf("%d\n", (int)(sink & 1));
    return 0;
}
