/* exit() from inside a recursion, as m4 ends on m4exit from nested macro
 * expansions: the outermost activation never returns, the inner ones do.
 * Their calls and Self are counted; their time must be in Total too (the
 * time covered by completed activations), or Self exceeds Total: m4 1.4.19's
 * checks showed macro::expand_token Self 82.5 us over Total 17.8 us.
 * rec(10) calls rec(9), which returns after 9 nested calls and 20 us at the
 * bottom, then exits. */
// EXPECT row c_recursion_exit::rec calls=10 self_ns<=c_recursion_exit::rec.total_ns total_ns>=20000
// EXPECT row c_recursion_exit::bottom calls=1 total_ns<=c_recursion_exit::rec.total_ns
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

static unsigned long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

__attribute__((annotate("hotpath"), noinline)) static void bottom(void) {
    unsigned long long t = now_ns();
    while (now_ns() - t < 20000)
        sink++;
}

__attribute__((annotate("hotpath"), noinline)) static void rec(int n, int stop) {
    if (n == 0) {
        bottom();
        return;
    }
    rec(n - 1, 0);
    sink++;
    if (stop) {
        printf("exiting inside rec\n");
        exit(0);
    }
}

int main(void) {
    rec(10, 1);
    return 1;
}
