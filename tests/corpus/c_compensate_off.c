/* HOTPATH_COMPENSATE=0 (issue 12.1): the raw figures. Nothing is taken
 * out, the report says so, and the median call of a function of a few
 * multiplies shows the probe's own part (a clock read's worth, above 0). */
// ENV: HOTPATH_COMPENSATE=0 HOTPATH_PERCENTILES=50
// EXPECT report compensation.on=0 compensation.probe_in_window_ns=0 compensation.overhead_ns=0
// EXPECT row c_compensate_off::tiny calls=200000 percentiles_ns.50>0
// EXPECT row c_compensate_off::caller calls=1 total_ns>=c_compensate_off::tiny.total_ns
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
