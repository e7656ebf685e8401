/* 16 threads, each making 1,000,000 calls of a measured function that calls
 * another (issue 17's torture list): counts exact, Total >= Self, and the
 * callee's Total within its caller's. Under a sanitizer (run_corpus.py
 * --sanitizer) each thread makes C_THREADS_TORTURE_CALLS calls instead, as
 * the SANITIZER-ENV line says: 32 M measured calls take minutes there, and
 * 1.6 M check the same (16 threads at once on the same sites). The program
 * writes the expected count (threads x calls) to stderr as calls=N. */
// SANITIZER-ENV: C_THREADS_TORTURE_CALLS=50000 (16 x 1 M calls of two measured functions take minutes under ASan or TSan; 16 x 50,000 check the same)
// EXPECT row c_threads_torture::outer calls=$stderr.calls self_ns<=c_threads_torture::outer.total_ns
// EXPECT row c_threads_torture::inner calls=$stderr.calls self_ns<=c_threads_torture::inner.total_ns
// EXPECT row c_threads_torture::inner total_ns<=c_threads_torture::outer.total_ns
// EXPECT row c_threads_torture::outer self_ns<=c_threads_torture::outer.total_ns
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 16

static long calls = 1000000;

HOTPATH_MEASURE __attribute__((noinline)) static long inner(long i) { return i * 7; }

HOTPATH_MEASURE __attribute__((noinline)) static long outer(long i) { return inner(i) + 1; }

static void *run(void *arg) {
    long s = 0;
    for (long i = 0; i < calls; i++)
        s += outer(i);
    *(long *)arg = s;
    return NULL;
}

int main(void) {
    const char *env = getenv("C_THREADS_TORTURE_CALLS");
    if (env && atol(env) > 0)
        calls = atol(env);
    fprintf(stderr, "calls=%ld\n", THREADS * calls);
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
