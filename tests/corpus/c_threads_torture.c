/* 16 threads, each making 1,000,000 calls of a measured function that calls
 * another (issue 17's torture list): counts exact, Total >= Self, and the
 * callee's Total within its caller's. */
// EXPECT row c_threads_torture::outer calls=16000000 self_ns<=c_threads_torture::outer.total_ns
// EXPECT row c_threads_torture::inner calls=16000000 self_ns<=c_threads_torture::inner.total_ns
// EXPECT row c_threads_torture::inner total_ns<=c_threads_torture::outer.total_ns
// EXPECT row c_threads_torture::outer self_ns<=c_threads_torture::outer.total_ns
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>

#define THREADS 16
#define CALLS 1000000

HOTPATH_MEASURE __attribute__((noinline)) static long inner(long i) { return i * 7; }

HOTPATH_MEASURE __attribute__((noinline)) static long outer(long i) { return inner(i) + 1; }

static void *run(void *arg) {
    long s = 0;
    for (long i = 0; i < CALLS; i++)
        s += outer(i);
    *(long *)arg = s;
    return NULL;
}

int main(void) {
    pthread_t t[THREADS];
    long sums[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, run, &sums[i]);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        total += sums[i];
    }
    printf("%ld\n", total);
    return 0;
}
