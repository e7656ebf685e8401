/*
 * hot_sites.c — memory and cost per call with many sites (issue 16): 10
 * sites and 100,000 sites called round-robin through the manual API, in one
 * process, rounds interleaved, best round of each; the RSS added by the
 * 100,000 sites' first calls (the runtime's records, chunks and registry,
 * and this program's own site structs). See docs/benchmarks.md.
 *   cc -O2 -Iruntime/include bench/hot_sites.c build/runtime/libhotpath.a \
 *      -lpthread -ldl -o hot_sites && HOTPATH_OUTPUT_FORMAT=none ./hot_sites
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long rss_kb(void) { FILE *f = fopen("/proc/self/statm", "r"); long a, b; if (fscanf(f, "%ld %ld", &a, &b) != 2) b = 0; fclose(f); return b * 4; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
#define BIG 100000
static __attribute__((noinline)) void run(struct hotpath_site *s, long n, long calls) {
    for (long k = 0, i = 0; k < calls; k++) { hotpath_exit(&s[i], hotpath_enter(&s[i])); if (++i == n) i = 0; }
}
int main(void) {
    struct hotpath_site *s = calloc(BIG + 10, sizeof *s);
    for (long i = 0; i < BIG + 10; i++) { s[i].name = "f"; s[i].file = "sites.c"; s[i].line = (uint32_t)i + 1; s[i].kind = HOTPATH_KIND_FUNCTION; }
    run(s + BIG, 10, 1000);
    long r0 = rss_kb();
    run(s, BIG, BIG);
    run(s, BIG, BIG);
    long r1 = rss_kb();
    double b10 = 1e9, b100k = 1e9;
    for (int r = 0; r < 7; r++) {
        double t0 = now(); run(s + BIG, 10, 1000000); double p = (now() - t0) / 1e6; if (p < b10) b10 = p;
        t0 = now(); run(s, BIG, 1000000); p = (now() - t0) / 1e6; if (p < b100k) b100k = p;
    }
    printf("10 sites %.2f ns/call, 100k sites %.2f ns/call (%.2fx); 100k sites RSS +%ld KiB (%.0f B/site)\n", b10, b100k, b100k / b10, r1 - r0, (r1 - r0) * 1024.0 / BIG);
    return 0;
}
