/* include=.* measures every function written in the program (min-size=0:
 * even the tiny leaves, which include= otherwise skips), never the
 * runtime's own (hotpath.h's block helpers) nor libc's. */
// PLUGIN-ARGS: include=.* min-size=0
// EXPECT row c_include_all::main calls=1
// EXPECT row c_include_all::square calls=4
// EXPECT row c_include_all::cmp calls>=1
// EXPECT row in_block calls=4
// EXPECT rows 4
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>

static int square(int x) { return x * x; }

static int cmp(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }

int main(void) {
    int v[4];
    for (int i = 0; i < 4; i++) {
        HOTPATH_BLOCK("in_block") { v[i] = square(i + 1); }
    }
    qsort(v, 4, sizeof v[0], cmp);
    printf("%d %d %d %d\n", v[0], v[1], v[2], v[3]);
    return 0;
}
