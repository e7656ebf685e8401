/* GNU C nested functions (a GCC extension; Clang has none). */
// SKIP-IF-CC: clang
// EXPECT row c_nested::outer calls=4
// EXPECT row c_nested::outer::inner calls=12
// EXPECT row c_nested::outer::inner::innermost calls=12
#include <hotpath/hotpath.h>
#include <stdio.h>

HOTPATH_MEASURE static int outer(int base) {
    int acc = 0;
    HOTPATH_MEASURE int inner(int k) {
        HOTPATH_MEASURE int innermost(int j) { return j + base; }
        acc += innermost(k);
        return acc;
    }
    for (int i = 0; i < 3; i++)
        inner(i);
    return acc;
}

int main(void) {
    int s = 0;
    for (int i = 0; i < 4; i++)
        s += outer(i);
    printf("%d\n", s);
    return 0;
}
