/* The C2x spellings: [[hotpath::measure]], a label, [[hotpath::main(...)]]. */
// ARGS: -std=gnu2x
// EXPECT main c_c2x::main
// EXPECT percentiles 50,99
// EXPECT row c_c2x::square calls=20
// EXPECT row labelled_cube calls=10
// EXPECT row c_c2x::prototype_only calls=3
#include <stdio.h>

[[hotpath::measure]] static int square(int x) { return x * x; }

[[hotpath::measure("labelled_cube")]] static int cube(int x) { return x * x * x; }

[[hotpath::measure]] int prototype_only(int x);
int prototype_only(int x) { return x + 1; }

[[hotpath::main(50, 99)]] int main(void) {
    long s = 0;
    for (int i = 0; i < 20; i++)
        s += square(i);
    for (int i = 0; i < 10; i++)
        s += cube(i);
    for (int i = 0; i < 3; i++)
        s += prototype_only(i);
    printf("%ld\n", s);
    return 0;
}
