/* N distinct measured sites (argv[1], default 100000), each entered once,
 * through the manual API: an array of struct hotpath_site with generated
 * names, as a program with that many instrumented functions would have.
 * Prints how long hotpath_report() took to build and write the report:
 * report_ms=... (wall clock) and report_cpu_ms=... (the process's CPU time,
 * which the load of other processes on a shared machine does not inflate). */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct hotpath_site *sites;
static char *names;

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    /* Kept in globals: the report at exit reads them (never freed, and
     * reachable, so LeakSanitizer does not report them). */
    sites = calloc((size_t)n, sizeof *sites);
    names = malloc((size_t)n * 24);
    if (!sites || !names)
        return 2;
    for (long i = 0; i < n; i++) {
        char *name = names + i * 24;
        snprintf(name, 24, "gen::f%06ld", i);
        struct hotpath_site s = HOTPATH_SITE_INIT(name, HOTPATH_KIND_FUNCTION);
        s.line = (uint32_t)i + 1;
        sites[i] = s;
    }
    for (long i = 0; i < n; i++)
        hotpath_exit(&sites[i], hotpath_enter(&sites[i]));
    printf("reporting\n"); /* the kill test waits for this line */
    fflush(stdout);
    double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    int rc = hotpath_report();
    double t1 = now_ms(CLOCK_MONOTONIC), c1 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("report_ms=%.1f report_cpu_ms=%.1f\n", t1 - t0, c1 - c0);
    return rc == 0 ? 0 : 1;
}
