/* A measured shared library that the program of dl_main.c loads with
 * dlopen, calls and unloads with dlclose, twice. */
#include <hotpath/hotpath.h>

HOTPATH_MEASURE int dl_lib_work(int n) {
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i;
    HOTPATH_BLOCK("dl_lib_block") { s += 1; }
    return s;
}
