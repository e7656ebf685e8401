/* A measured shared library linked with its own copy of the runtime
 * (libhotpath.a), with a version script that hides everything but
 * priv_lib_work, or without one (run_multi.py's "private" check). Its
 * copy must hand its sites to the program's runtime: one report. */
#include <hotpath/hotpath.h>
#include <stdlib.h>

HOTPATH_MEASURE static int priv_lib_inner(int i) { return i * 2; }

HOTPATH_MEASURE int priv_lib_work(int n) {
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += priv_lib_inner(i);
    char *p = malloc(100); /* through whichever copy's hooks: counted once at most */
    if (p)
        p[0] = (char)s;
    free(p);
    return s;
}
