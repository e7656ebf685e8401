/* Allocation tracking turned on by hotpath::main's "alloc" option alone (no
 * HOTPATH_ALLOC in the environment), the option among the percentiles:
 * exclusive figures. Sizes are ones glibc serves exactly. */
// ARGS: -std=gnu2x
// EXPECT main c_alloc_main::main
// EXPECT percentiles 50,95
// EXPECT alloc_mode exclusive
// EXPECT alloc c_alloc_main::thousand calls=4 bytes_total=4000 bytes_avg=1000 peak_live_bytes=1000 allocs=4 peak_allocs=1
// EXPECT alloc c_alloc_main::outer calls=1 bytes_total=1000 allocs=1 peak_live_bytes=1000 peak_allocs=1
// EXPECT alloc c_alloc_main::inner calls=1 bytes_total=2008 allocs=1 peak_live_bytes=2008 peak_allocs=1
// EXPECT alloc c_alloc_main::recurse calls=5 bytes_total=200 bytes_avg=40 allocs=5 peak_live_bytes=40 peak_allocs=1
// EXPECT row c_alloc_main::thousand calls=4
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink; /* pointers stored here escape: no call is elided */

[[hotpath::measure]] static void thousand(void) {
    sink = malloc(1000);
    memset(sink, 1, 1000);
    free(sink);
}

[[hotpath::measure]] static void inner(void) {
    sink = malloc(2008);
    free(sink);
}

[[hotpath::measure]] static void outer(void) {
    void *a = malloc(1000);
    sink = a;
    inner(); /* exclusive: not outer's */
    free(a);
}

[[hotpath::measure]] static void recurse(int n) {
    void *p = malloc(40);
    sink = p;
    if (n > 0)
        recurse(n - 1);
    free(p);
}

[[hotpath::main(50, "alloc", 95)]] int main(void) {
    for (int i = 0; i < 4; i++)
        thousand();
    outer();
    recurse(4);
    printf("done\n");
    return 0;
}
