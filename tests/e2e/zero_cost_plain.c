/* The untagged twin of zero_cost_tagged.c: compiled without the plugin,
 * both must give the same machine code (zero_cost.py compares them). */
#include <hotpath/hotpath.h>
#include <stdio.h>

static int square(int x) { return x * x; }

int sum_squares(int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += square(i);
    return s;
}

int scan(const int *v, int n) {
    int best = 0;
    for (int i = 0; i < n; i++) {
        {
            if (v[i] > best)
                best = v[i];
        }
    }
    return best;
}

int main(void) {
    int v[4] = {3, 9, 2, 7};
    printf("%d %d\n", sum_squares(10), scan(v, 4));
    return 0;
}
