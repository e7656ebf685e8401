/* Adaptive sampling decides on the median of the warm-up, not its mean: a
 * tiny function one of whose first 256 calls is held up for 5 ms (what a
 * preemption does on a loaded machine: 19.5 us added to the mean) is still
 * sampled. With the mean it stayed timed on every call (c_adaptive.c failed
 * so once in a run of the suite). */
// ENV: HOTPATH_ADAPTIVE=64
// EXPECT row c_adaptive_spike::tiny calls=100000 sample_period=64 timed_calls<10000 timed_calls>=256
// EXPECT row c_adaptive_spike::tiny max_ns>=5000000
// EXPECT row c_adaptive_spike::caller calls=1
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static volatile uint64_t sink;

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t tiny(uint64_t x, int hold) {
    if (hold) { /* one call held up, as a preemption would */
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    return x * 6364136223846793005u + 1442695040888963407u;
}

HOTPATH_MEASURE __attribute__((noinline)) static void caller(void) {
    uint64_t a = 1;
    for (int i = 0; i < 100000; i++)
        a = tiny(a, i == 100);
    sink = a;
}

int main(void) {
    caller();
    printf("%d\n", (int)(sink & 1));
    return 0;
}
