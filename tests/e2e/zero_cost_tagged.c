/* Zero cost when off: this file, compiled without the plugin, must give the
 * same machine code as zero_cost_plain.c (the same program, untagged).
 * zero_cost.py compares them. */
#include <hotpath/hotpath.h>
#include <stdio.h>

HOTPATH_MEASURE static int square(int x) { return x * x; }

HOTPATH_MEASURE_AS("sum of squares") int sum_squares(int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += square(i);
    return s;
}

HOTPATH_MEASURE int scan(const int *v, int n) {
    int best = 0;
    for (int i = 0; i < n; i++) {
        HOTPATH_BLOCK("scan step") {
            if (v[i] > best)
                best = v[i];
        }
    }
    return best;
}

HOTPATH_MAIN(50, 95, 99.9)
int main(void) {
    int v[4] = {3, 9, 2, 7};
    printf("%d %d\n", sum_squares(10), scan(v, 4));
    return 0;
}
