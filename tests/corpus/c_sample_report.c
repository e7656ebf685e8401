/* The period a tag asks for, end to end: "sample=N" in the source, through
 * the plugin into the site's flags, read by the runtime, which counts every
 * call and times about 1 in N ("sample_period" and "timed_calls" in the
 * JSON); the plugin argument sample=N for the tagged function without its
 * own; a function with "sample=1" and the main window are timed on every
 * call (no "sample_period"). */
// ARGS: -std=gnu2x
// PLUGIN-ARGS: sample=32
// EXPECT main c_sample_report::main
// EXPECT row c_sample_report::leaf64 calls=100000 sample_period=64 timed_calls>=500 timed_calls<=5000
// EXPECT row db_lookup calls=20000 sample_period=8 timed_calls>=1000 timed_calls<=6000
// EXPECT row c_sample_report::from_argument calls=20000 sample_period=32 timed_calls>=200 timed_calls<=2000
// EXPECT row c_sample_report::every calls=1000
#include <hotpath/hotpath.h>
#include <stdio.h>

[[hotpath::measure("sample=64")]] __attribute__((noinline)) static int leaf64(int x) { return x * 3 + 1; }
HOTPATH_MEASURE_AS_SAMPLED("db_lookup", 8) __attribute__((noinline)) static int lookup(int x) { return x ^ 0x55; }
HOTPATH_MEASURE __attribute__((noinline)) static int from_argument(int x) { return x - 7; }
__attribute__((annotate("hotpath", "sample=1"))) __attribute__((noinline)) static int every(int x) { return x | 8; }

[[hotpath::main]] int main(void) {
    volatile unsigned sum = 0; /* unsigned: it wraps (an int sum overflowed, undefined: UBSan) */
    for (int i = 0; i < 100000; i++)
        sum += leaf64(i);
    for (int i = 0; i < 20000; i++)
        sum += lookup(i) + from_argument(i);
    for (int i = 0; i < 1000; i++)
        sum += every(i);
    printf("%u\n", sum);
    return 0;
}
