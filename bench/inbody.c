/*
 * inbody.c — what a measured call's window holds when the body is a few
 * nanoseconds of dependent work (docs/benchmarks.md, session 4 of issue
 * 12): for k = 0, 1, 2, 4, 8, 16, 32 dependent multiply-adds, a loop of
 * N dependent calls of the function unmeasured, then of the same body
 * between hotpath_enter and hotpath_exit (the manual API, so no plugin is
 * needed). It prints each loop's time per call; the report gives each
 * site's mean window (Total / calls).
 *
 *   cc -O2 -Iruntime/include bench/inbody.c build/runtime/libhotpath.a \
 *      -lpthread -ldl -lm -o inbody
 *   HOTPATH_COMPENSATE=0 HOTPATH_OUTPUT_FORMAT=json chrt -f 50 ./inbody
 */
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static volatile uint64_t sink;

#define CHAIN(x, n)                                                                                \
    for (int i_ = 0; i_ < (n); i_++) {                                                             \
        x = x * 6364136223846793005u + 1442695040888963407u;                                       \
        __asm__ volatile("" : "+r"(x));                                                            \
    }

#define DEF(k)                                                                                     \
    static struct hotpath_site site##k = HOTPATH_SITE_INIT("inbody::k" #k, HOTPATH_KIND_FUNCTION); \
    __attribute__((noinline)) static uint64_t measured##k(uint64_t x) {                           \
        uint64_t t = hotpath_enter(&site##k);                                                      \
        CHAIN(x, k);                                                                               \
        hotpath_exit(&site##k, t);                                                                 \
        return x;                                                                                  \
    }                                                                                              \
    __attribute__((noinline)) static uint64_t plain##k(uint64_t x) {                              \
        CHAIN(x, k);                                                                               \
        __asm__ volatile("" ::: "memory");                                                         \
        return x;                                                                                  \
    }
DEF(0) DEF(1) DEF(2) DEF(4) DEF(8) DEF(16) DEF(32)

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define N 2000000
#define RUN(k)                                                                                     \
    do {                                                                                           \
        uint64_t x = 1, t0 = now_ns();                                                             \
        for (int i = 0; i < N; i++)                                                                \
            x = plain##k(x);                                                                       \
        uint64_t t1 = now_ns();                                                                    \
        for (int i = 0; i < N; i++)                                                                \
            x = measured##k(x);                                                                    \
        uint64_t t2 = now_ns();                                                                    \
        sink = x;                                                                                  \
        printf("k=%2d plain %.2f ns/call, measured loop %.2f ns/call\n", k,                        \
               (double)(t1 - t0) / N, (double)(t2 - t1) / N);                                      \
    } while (0)

int main(void) {
    RUN(0);
    RUN(1);
    RUN(2);
    RUN(4);
    RUN(8);
    RUN(16);
    RUN(32);
    return 0;
}
