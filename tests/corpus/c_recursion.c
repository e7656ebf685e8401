/* Recursion: calls counts every activation, total only the outermost one,
 * self time leaves out measured callees. */
// EXPECT row c_recursion::fib calls=1973
// EXPECT row c_recursion::fib self_ns<=c_recursion::fib.total_ns
// EXPECT row c_recursion::descend calls=5 total_ns>=5000000
// EXPECT row c_recursion::descend total_ns<5*c_recursion::descend.avg_ns
// EXPECT row c_recursion::parent calls=2 total_ns>=c_recursion::child.total_ns
// EXPECT row c_recursion::parent self_ns<c_recursion::child.total_ns
// EXPECT row c_recursion::child calls=6 avg_ns>=1000000
// EXPECT row c_recursion::even calls=11
// EXPECT row c_recursion::odd calls=10
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <time.h>

static void nap(long ns) {
    struct timespec ts = {0, ns};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

HOTPATH_MEASURE static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

/* each level sleeps 1 ms after its callee: 5 ms in all, 3 ms on average;
 * Total counts the outermost call only, less than the sum over the 5
 * activations (5 * Avg) by the 4 inner ones, however long a sleep takes */
HOTPATH_MEASURE static void descend(int depth) {
    if (depth > 1)
        descend(depth - 1);
    nap(1000000);
}

HOTPATH_MEASURE static void child(void) { nap(1000000); }
HOTPATH_MEASURE static void parent(int n) {
    for (int i = 0; i < n; i++)
        child();
}

static int odd(int n);
HOTPATH_MEASURE static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
HOTPATH_MEASURE static int odd(int n) { return n == 0 ? 0 : even(n - 1); }

int main(void) {
    int f = fib(15);
    descend(5);
    parent(2);
    parent(4);
    printf("fib=%d even=%d\n", f, even(20));
    return 0;
}
