/* Static inline functions from a header, inlined at -O2 and -O3, are still
 * measured and named after the header. */
// EXPECT row c_inline_util::helper calls=50
// EXPECT row c_inline::local_inline calls=50
// EXPECT rows 2
#include "c_inline_util.h"
#include <stdio.h>

HOTPATH_MEASURE static inline __attribute__((always_inline)) int local_inline(int x) {
    return x - 1;
}

int main(void) {
    int s = 0;
    for (int i = 0; i < 50; i++)
        s += helper(i) + local_inline(i);
    printf("%d\n", s);
    return 0;
}
