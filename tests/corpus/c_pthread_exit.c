/* pthread_exit from inside a measured function, and pthread_cancel of a
 * thread blocked inside one (issue 17): their measurements are left open
 * and go with the thread; the calls other threads make afterwards are
 * exact. */
// EXPECT row c_pthread_exit::later calls=4000 self_ns<=c_pthread_exit::later.total_ns
// EXPECT row c_pthread_exit::before_exit calls=1
// EXPECT norow c_pthread_exit::leaves
// EXPECT norow c_pthread_exit::blocks
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile long sink;
static _Atomic int blocked; /* set by the blocked thread, read by main: atomic (ThreadSanitizer) */

HOTPATH_MEASURE __attribute__((noinline)) static void before_exit(void) { sink++; }

HOTPATH_MEASURE __attribute__((noinline)) static void leaves(void) {
    before_exit();
    pthread_exit(NULL);
}

HOTPATH_MEASURE __attribute__((noinline)) static void blocks(void) {
    blocked = 1;
    for (;;)
        pause(); /* a cancellation point */
}

/* atomic: four threads add at once, and the sum printed must not depend
 * on their interleaving (stdout is compared with the plain build's) */
HOTPATH_MEASURE __attribute__((noinline)) static void later(int i) {
    __atomic_fetch_add(&sink, i, __ATOMIC_RELAXED);
}

static void *exiting(void *arg) {
    (void)arg;
    leaves();
    return NULL;
}

static void *blocking(void *arg) {
    (void)arg;
    blocks();
    return NULL;
}

static void *calling(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++)
        later(i);
    return NULL;
}

int main(void) {
    pthread_t a, b, c[4];
    pthread_create(&a, NULL, exiting, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, blocking, NULL);
    while (!blocked)
        usleep(100);
    pthread_cancel(b);
    pthread_join(b, NULL);
    for (int i = 0; i < 4; i++)
        pthread_create(&c[i], NULL, calling, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(c[i], NULL);
    printf("%ld\n", sink);
    return 0;
}
