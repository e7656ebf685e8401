/* HOTPATH_SAMPLE=8 samples every function the plugin measures (their
 * sites ask for nothing): calls exact, about 1 in 8 timed; a main window
 * is never sampled. */
// ENV: HOTPATH_SAMPLE=8
// EXPECT row c_sample_env::leaf calls=16000
// EXPECT row c_sample_env::leaf sample_period=8
// EXPECT row c_sample_env::leaf timed_calls>=1500
// EXPECT row c_sample_env::leaf timed_calls<=2500
// EXPECT row c_sample_env::mid calls=160
// EXPECT row c_sample_env::mid sample_period=8
// EXPECT main c_sample_env::main
#include <hotpath/hotpath.h>
#include <stdio.h>

static volatile unsigned sink;

HOTPATH_MEASURE __attribute__((noinline)) static void leaf(unsigned i) { sink += i; }

HOTPATH_MEASURE __attribute__((noinline)) static void mid(unsigned k) {
    for (unsigned i = 0; i < 100; i++)
        leaf(i + k);
}

HOTPATH_MAIN() int main(void) {
    for (unsigned k = 0; k < 160; k++)
        mid(k);
    printf("%u\n", sink);
    return 0;
}
