/* HOTPATH_MAIN passes its options on (to annotate("hotpath::main", ...)):
 * "alloc-cumulative" turns allocation tracking on; HOTPATH_ALLOC_CUMULATIVE=0
 * in the environment wins over its cumulative part (exclusive figures). */
// ENV: HOTPATH_ALLOC_CUMULATIVE=0
// EXPECT main c_alloc_main_macro::main
// EXPECT percentiles 99
// EXPECT alloc_mode exclusive
// EXPECT alloc c_alloc_main_macro::outer calls=1 bytes_total=1000 allocs=1 peak_live_bytes=1000
// EXPECT alloc c_alloc_main_macro::inner calls=1 bytes_total=2008 allocs=1 peak_live_bytes=2008
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>

static void *volatile sink;

HOTPATH_MEASURE static void inner(void) {
    sink = malloc(2008);
    free(sink);
}

HOTPATH_MEASURE static void outer(void) {
    void *a = malloc(1000);
    sink = a;
    inner();
    free(a);
}

HOTPATH_MAIN("alloc-cumulative", 99) int main(void) {
    outer();
    printf("done\n");
    return 0;
}
