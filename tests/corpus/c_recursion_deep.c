/* Recursion 100,000 deep (100,001 activations) on a thread with a 64 MiB
 * stack: no crash; the 4096 outermost activations (HP_MAX_DEPTH open
 * measurements per thread) are measured, the 95,905 deeper ones are counted as dropped in the
 * report, and Total is the outermost call's only. */
// EXPECT row c_recursion_deep::rec calls=4096 total_ns<=$window self_ns<=c_recursion_deep::rec.total_ns
// EXPECT dropped 95905
// EXPECT row c_recursion_deep::after calls=1
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>

HOTPATH_MEASURE __attribute__((noinline)) static long rec(long n) {
    volatile long x = n;
    return n == 0 ? 0 : rec(n - 1) + (x & 1);
}

HOTPATH_MEASURE __attribute__((noinline)) static long after(long n) { return n + 1; }

static void *deep(void *arg) {
    *(long *)arg = after(rec(100000));
    return NULL;
}

int main(void) {
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
