/* quick_exit runs the at_quick_exit handlers, not the atexit ones, and
 * ends by the C library's own _exit: the runtime's at_quick_exit handler
 * writes the report. */
// EXPECT row c_exit_quick::tick calls=7
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void tick(int i) { sink += i; }

int main(void) {
    for (int i = 0; i < 7; i++)
        tick(i);
    printf("%ld\n", (long)sink);
    fflush(stdout);
    quick_exit(2);
}
