/* hotpath::main(50, 95, 99) (or MAIN_PERCENTILES, with MAIN_FLAGS) and one
 * measured function, through the manual API: the program of the examples of
 * bad HOTPATH_* values in docs/reliability.md. */
#include <hotpath/hotpath.h>
#include <time.h>
#ifndef MAIN_PERCENTILES
#define MAIN_PERCENTILES "50,95,99"
#endif
#ifndef MAIN_FLAGS
#define MAIN_FLAGS 0
#endif
static struct hotpath_site main_site = {"demo::main", __FILE__,   __LINE__,        HOTPATH_KIND_MAIN,
                                        0,            MAIN_FLAGS, MAIN_PERCENTILES, {0, 0}};
static struct hotpath_site work_site = HOTPATH_SITE_INIT("demo::work", HOTPATH_KIND_FUNCTION);
static void work(void) {
    uint64_t t = hotpath_enter(&work_site);
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
    hotpath_exit(&work_site, t);
}
int main(void) {
    uint64_t t = hotpath_enter(&main_site);
    for (int i = 0; i < 3; i++)
        work();
    hotpath_exit(&main_site, t);
    return 0;
}
