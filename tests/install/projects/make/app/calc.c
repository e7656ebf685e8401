/* The sample program: 10 squares, 10 cubes, 3 reversed words. */
#include <stdio.h>

long run_all(void);

int main(void) {
    long sum = run_all();
    printf("%ld\n", sum);
    return sum == 2310 ? 0 : 1;
}
