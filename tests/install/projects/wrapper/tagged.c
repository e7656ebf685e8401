/* One tagged function, called 7 times. */
#include <hotpath/hotpath.h>
#include <stdio.h>

#ifdef __HOTPATH__
int hotpath_is_on; /* seen in -E output when the plugin is loaded */
#endif

HOTPATH_MEASURE static int work(int x) { return x * 3 + 1; }

int main(void) {
    int s = 0;
    for (int i = 0; i < 7; i++)
        s += work(i);
    printf("%d\n", s);
    return s == 70 ? 0 : 1;
}
