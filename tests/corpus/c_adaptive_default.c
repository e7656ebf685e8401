/* Adaptive sampling is on by default for what include= selects (issue
 * 12.3), HOTPATH_ADAPTIVE unset: `tiny`, selected by include= and below 3
 * probe costs, is timed on about 1 call in 64 after its first 256 calls
 * and counted exactly; `tagged_tiny`, the same body tagged in the source,
 * keeps being timed on every call (no sample_period in its row).
 * `spin` asks for sample=64 itself and its caller `spin_caller` does
 * nothing but call it: that the caller's Self loses the untimed calls'
 * estimated time is checked exactly in tests/runtime/test_sampling.c.
 * Here, by timing, it would depend on the machine: time taken away inside
 * an untimed call (a preemption, an interrupt) stays in the caller's Self,
 * and a loaded run gave the caller 52% of its Total as Self where 12
 * quiet runs gave 0-26%. */
// ARGS: -std=gnu2x
// PLUGIN-ARGS: include=^c_adaptive_default::tiny$ min-size=0
// EXPECT row c_adaptive_default::tiny calls=100000 sample_period=64
// EXPECT row c_adaptive_default::tiny timed_calls<10000 timed_calls>=256
// EXPECT row c_adaptive_default::tagged_tiny calls=100000 !sample_period
// EXPECT row c_adaptive_default::spin calls=2000 sample_period=64
// EXPECT row c_adaptive_default::spin_caller calls=1
// EXPECT row c_adaptive_default::spin_caller self_ns<=c_adaptive_default::spin_caller.total_ns
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t tiny(uint64_t x) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    return x * 6364136223846793005u + 1442695040888963407u;
}

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t tagged_tiny(uint64_t x) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    return x * 6364136223846793005u + 1442695040888963407u;
}

[[hotpath::measure("sample=64")]] __attribute__((noinline)) static uint64_t spin(uint64_t x) {
    for (int i = 0; i < 2000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}

HOTPATH_MEASURE __attribute__((noinline)) static uint64_t spin_caller(uint64_t x) {
    for (int i = 0; i < 2000; i++)
        x = spin(x);
    return x;
}

int main(void) {
    uint64_t x = 1;
    for (int i = 0; i < 100000; i++)
        x = tiny(x) ^ tagged_tiny(x);
    x = spin_caller(x);
    sink = x;
    printf("done\n");
    return 0;
}
