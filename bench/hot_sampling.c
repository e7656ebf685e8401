/*
 * hot_sampling.c — what a measured call and a sampled call cost (issue 16):
 * an empty noinline function unmeasured (bare), measured through the
 * manual API (period 1), measured with a site sampled at N = 64 (1 call in
 * 64 timed, the others only counted), beside two bare rdtsc; 15 rounds
 * interleaved, best kept, ratios in the run. --only=VARIANT N runs one
 * loop N times, for callgrind (instructions added = VARIANT - bare).
 *   cc -O2 -Iruntime/include bench/hot_sampling.c build/runtime/libhotpath.a \
 *      -lpthread -ldl -o hot_sampling && HOTPATH_OUTPUT_FORMAT=none ./hot_sampling
 *   valgrind --tool=callgrind ./hot_sampling --only=measured 1000000 (and bare, sampled)
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>
static volatile unsigned long long sink;
static struct hotpath_site s_m = HOTPATH_SITE_INIT("m", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_s = HOTPATH_SAMPLED_SITE_INIT("s", HOTPATH_KIND_FUNCTION, 64);
__attribute__((noinline)) static void f_bare(void) { __asm__ volatile(""); }
__attribute__((noinline)) static void f_m(void) { uint64_t t = hotpath_enter(&s_m); __asm__ volatile(""); hotpath_exit(&s_m, t); }
__attribute__((noinline)) static void f_s(void) { uint64_t t = hotpath_enter(&s_s); __asm__ volatile(""); hotpath_exit(&s_s, t); }
__attribute__((noinline)) static void l_bare(long n) { for (long i = 0; i < n; i++) f_bare(); }
__attribute__((noinline)) static void l_m(long n) { for (long i = 0; i < n; i++) f_m(); }
__attribute__((noinline)) static void l_s(long n) { for (long i = 0; i < n; i++) f_s(); }
__attribute__((noinline)) static void l_empty(long n) { for (long i = 0; i < n; i++) __asm__ volatile(""); }
__attribute__((noinline)) static void l_rdtsc(long n) { for (long i = 0; i < n; i++) { unsigned long long a = __rdtsc(), b = __rdtsc(); sink += b - a; } }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
struct v { const char *name; void (*f)(long); double best; } v[] = {{"bare", l_bare, 1e9}, {"measured", l_m, 1e9}, {"sampled", l_s, 1e9}, {"empty", l_empty, 1e9}, {"rdtsc", l_rdtsc, 1e9}};
int main(int argc, char **argv) {
    int nv = 5;
    if (argc > 1 && !strncmp(argv[1], "--only=", 7)) { for (int i = 0; i < nv; i++) if (!strcmp(argv[1] + 7, v[i].name)) v[i].f(atol(argv[2])); return 0; }
    for (int i = 0; i < nv; i++) v[i].f(100000);
    for (int r = 0; r < 15; r++) for (int i = 0; i < nv; i++) { double t0 = now(); v[i].f(1000000); double p = (now() - t0) / 1e6; if (p < v[i].best) v[i].best = p; }
    double rd = v[4].best - v[3].best;
    printf("bare %.2f ns; two rdtsc %.2f ns; measured +%.2f ns (%.2f x two rdtsc); sampled N=64 +%.2f ns (%.2f x)\n", v[0].best, rd, v[1].best - v[0].best, (v[1].best - v[0].best) / rd, v[2].best - v[0].best, (v[2].best - v[0].best) / rd);
    return 0;
}
