/* Programs for report_checks.py, through the manual API; argv[1] picks:
 *   none       measures nothing and has no hotpath::main
 *   main-only  opens hotpath::main, calls no measured function
 *   rows       four functions with different calls, self and total times
 *   chdir DIR  rows, after chdir(DIR) */
#include <hotpath/hotpath.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SITE(var, name) static struct hotpath_site var = HOTPATH_SITE_INIT(name, HOTPATH_KIND_FUNCTION)
SITE(s_outer, "modes::outer");   /* 1 call, total ~ all, self small */
SITE(s_sleepy, "modes::sleepy"); /* 3 calls of 10 ms: largest self */
SITE(s_many, "modes::many");     /* 200 short calls */
SITE(s_mid, "modes::mid");       /* 20 calls of 20 us */
static struct hotpath_site main_site = HOTPATH_MAIN_SITE_INIT("modes::main", NULL);

static void nap(long ns) {
    struct timespec ts = {0, ns};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

#define MEASURED(site, body)                                                                       \
    do {                                                                                           \
        uint64_t t_ = hotpath_enter(&site);                                                        \
        body;                                                                                      \
        hotpath_exit(&site, t_);                                                                   \
    } while (0)

static void rows(void) {
    MEASURED(s_outer, {
        for (int i = 0; i < 3; i++)
            MEASURED(s_sleepy, nap(10000000));
        for (int i = 0; i < 20; i++)
            MEASURED(s_mid, nap(20000));
    });
    for (int i = 0; i < 200; i++)
        MEASURED(s_many, {});
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "none";
    if (strcmp(mode, "main-only") == 0) {
        uint64_t t = hotpath_enter(&main_site);
        nap(1000000);
        hotpath_exit(&main_site, t);
    } else if (strcmp(mode, "rows") == 0)
        rows();
    else if (strcmp(mode, "chdir") == 0 && argc > 2) {
        if (chdir(argv[2]) != 0)
            return 2;
        rows();
    } else if (strcmp(mode, "none") != 0)
        return 2;
    return 0;
}
