/* Call counts, names, labels, the annotate spelling of hotpath::main with
 * percentiles, a 1 ms function, and annotate strings that are not ours. */
// EXPECT main c_basic::main
// EXPECT percentiles 50,95,99.9
// EXPECT row c_basic::add calls=100
// EXPECT row c_basic::sleep_1ms calls=4 avg_ns>=1000000 total_ns>=4000000 min_ns>=1000000
// EXPECT row c_basic::sleep_1ms total_ns<=$window
// EXPECT row c_basic::twice calls=7 total_ns>=15000000
// EXPECT row database_query calls=5
// EXPECT row c_basic::declared_then_defined calls=2
// EXPECT norow c_basic::query
// EXPECT norow c_basic::untagged
// EXPECT norow c_basic::other_annotation
// EXPECT norow c_basic::main
// EXPECT rows 5
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <time.h>

static void nap(long ns) {
    struct timespec ts = {0, ns};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

__attribute__((annotate("hotpath"))) static int add(int a, int b) { return a + b; }

HOTPATH_MEASURE static void sleep_1ms(void) { nap(1000000); }

/* two measured sleeps of its own, sometimes a measured callee */
HOTPATH_MEASURE static void twice(int i) {
    nap(1000000);
    if (i == 3)
        sleep_1ms();
    nap(1000000);
}

__attribute__((annotate("hotpath", "database_query"))) static int query(int k) { return k * 3; }

/* accepted and ignored, as Clang does */
__attribute__((annotate("some other tool"))) static int other_annotation(int x) { return x - 1; }

static int untagged(int x) { return x + 2; }

/* the tag on the declaration only */
__attribute__((annotate("hotpath"))) int declared_then_defined(int x);
int declared_then_defined(int x) { return x * x; }

HOTPATH_MAIN(50, 95, 99.9)
int main(void) {
    long sum = 0;
    for (int i = 0; i < 100; i++)
        sum += add(i, 1);
    for (int i = 0; i < 3; i++)
        sleep_1ms();
    for (int i = 0; i < 7; i++)
        twice(i % 4);
    for (int i = 0; i < 5; i++)
        sum += query(i) + other_annotation(i) + untagged(i);
    sum += declared_then_defined(3) + declared_then_defined(4);
    printf("sum=%ld\n", sum);
    return 0;
}
