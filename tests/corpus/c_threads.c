/* Measured functions called from several threads: every call counted once. */
// EXPECT row c_threads::hit calls=4000
// EXPECT row c_threads::worker calls=4
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>

static long totals[4];

HOTPATH_MEASURE static long hit(long x) { return x * 3 + 1; }

HOTPATH_MEASURE static void *worker(void *arg) {
    long id = (long)arg, s = 0;
    for (long i = 0; i < 1000; i++)
        s += hit(i + id);
    totals[id] = s;
    return NULL;
}

int main(void) {
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld %ld %ld\n", totals[0], totals[1], totals[2], totals[3]);
    return 0;
}
