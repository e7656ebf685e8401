/* Adaptive sampling (issue 12.3), HOTPATH_ADAPTIVE=64: after its first 256
 * calls on the thread, a function whose median is below 3 calibrated probe
 * costs (tiny: a few multiplies) is timed on about 1 call in 64 and still
 * counted exactly; one that takes far longer (slow: ~20 µs) keeps timing
 * every call. */
// ENV: HOTPATH_ADAPTIVE=64
// EXPECT row c_adaptive::tiny calls=100000
// EXPECT row c_adaptive::tiny sample_period=64 timed_calls<10000 timed_calls>=256
// EXPECT row c_adaptive::slow calls=300 avg_ns>=5000
// EXPECT row c_adaptive::caller calls=1
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t sink;

static uint64_t chain(uint64_t x, int n) {
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t tiny(uint64_t x) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    return x * 6364136223846793005u + 1442695040888963407u;
}

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t slow(uint64_t x) { return chain(x, 20000); }

HOTPATH_MEASURE __attribute__((noinline)) static void caller(void) {
    uint64_t a = 1;
    for (int i = 0; i < 100000; i++) {
        a = tiny(a);
        if (i % 333 == 0 && i < 99900)
            a = slow(a);
    }
    sink = a;
}

int main(void) {
    caller();
    printf("%d\n", (int)(sink & 1));
    return 0;
}
