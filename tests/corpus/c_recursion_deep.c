/* Recursion 100,000 deep (100,001 activations) on a thread with a 64 MiB
 * stack: no crash; the 4096 outermost activations (HP_MAX_DEPTH open
 * measurements per thread) are measured, the 95,905 deeper ones are counted as dropped in the
 * report, and Total is the outermost call's only. Under a sanitizer
 * (run_corpus.py --sanitizer) the depth is C_RECURSION_DEEP_DEPTH, as the
 * SANITIZER-ENV line says, still well past HP_MAX_DEPTH. The program
 * writes the expected drop count (depth + 1 - 4096) to stderr as dropped=N. */
// SANITIZER-ENV: C_RECURSION_DEEP_DEPTH=20000 (100,000 frames under TSan outgrew its limit of 360 s, and the reference build died with SIGILL; 20,000 still go 15,905 past the per-thread depth)
// EXPECT row c_recursion_deep::rec calls=4096 total_ns<=$window self_ns<=c_recursion_deep::rec.total_ns
// EXPECT report dropped=$stderr.dropped
// EXPECT row c_recursion_deep::after calls=1
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

HOTPATH_MEASURE __attribute__((noinline)) static long rec(long n) {
    volatile long x = n;
    return n == 0 ? 0 : rec(n - 1) + (x & 1);
}

HOTPATH_MEASURE __attribute__((noinline)) static long after(long n) { return n + 1; }

static long depth = 100000;

static void *deep(void *arg) {
    *(long *)arg = after(rec(depth));
    return NULL;
}

int main(void) {
    const char *env = getenv("C_RECURSION_DEEP_DEPTH");
    if (env && atol(env) > 4096)
        depth = atol(env);
    fprintf(stderr, "dropped=%ld\n", depth + 1 - 4096);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64u << 20);
    pthread_t t;
    long r = 0;
    pthread_create(&t, &attr, deep, &r);
    pthread_join(t, NULL);
    printf("%ld\n", r);
    return 0;
}
