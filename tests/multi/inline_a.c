/* Unit A of the header-inline program (tests/multi/run_multi.py): main,
 * and a copy of helper that calls unit B's. */
#define OTHER inline_b_entry
#include "multi_util.h"
#include <stdio.h>

__attribute__((noinline)) int inline_a_entry(int n) { return helper(n); }

HOTPATH_MAIN() int main(void) {
    int s = 0;
    for (int i = 0; i < 10; i++)
        s += inline_a_entry(9); /* 10 calls of helper, alternating copies */
    printf("%d\n", s);
    return 0;
}
