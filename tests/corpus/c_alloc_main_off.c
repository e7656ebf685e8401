/* HOTPATH_ALLOC=0 in the environment wins over hotpath::main's "alloc": no
 * allocation tracking, the timings as usual. */
// ENV: HOTPATH_ALLOC=0
// EXPECT main c_alloc_main_off::main
// EXPECT alloc_mode off
// EXPECT row c_alloc_main_off::thousand calls=3
#include <stdio.h>
#include <stdlib.h>

static void *volatile sink;

__attribute__((annotate("hotpath"))) static void thousand(void) {
    sink = malloc(1000);
    free(sink);
}

__attribute__((annotate("hotpath::main", 95, "alloc"))) int main(void) {
    for (int i = 0; i < 3; i++)
        thousand();
    printf("done\n");
    return 0;
}
