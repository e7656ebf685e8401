/* Compiled by GCC with its plugin. */
#include <stdio.h>
#include "mixed_util.h"

int clang_work(int);
int clang_accumulate(int);

HOTPATH_MEASURE static int gcc_work(int x) { return helper(x) + 1; }

HOTPATH_MAIN(50, 95)
int main(void) {
    long s = 0;
    for (int i = 0; i < 5; i++)
        s += gcc_work(i);
    for (int i = 0; i < 7; i++)
        s += clang_work(i);
    s += clang_accumulate(3);
    printf("%ld\n", s);
    return 0;
}
