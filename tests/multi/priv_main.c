/* The program of run_multi.py's "private" check: measured itself, calling
 * a library that carries a private copy of the runtime (priv_lib.c). */
#include <hotpath/hotpath.h>
#include <stdio.h>

int priv_lib_work(int n);

HOTPATH_MEASURE static int priv_main_work(int i) { return priv_lib_work(10) + i; }

int main(void) {
    int s = 0;
    for (int i = 0; i < 5; i++)
        s += priv_main_work(i);
    printf("%d\n", s);
    return 0;
}
