/* exit() from a second thread, inside nested measured functions, while four
 * other threads are inside measured functions (issue 17): no crash or hang,
 * one valid report holding what the threads did up to the exit. */
// EXPECT row c_exit_thread::step calls>=400
// EXPECT norow c_exit_thread::quit
// EXPECT norow c_exit_thread::quit_outer
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_long steps;
static _Thread_local volatile long sink; /* per thread: no data race (ThreadSanitizer) */

HOTPATH_MEASURE __attribute__((noinline)) static void step(void) {
    for (volatile int j = 0; j < 100; j++)
        sink++;
    atomic_fetch_add(&steps, 1);
}

HOTPATH_MEASURE __attribute__((noinline)) static void loop_forever(void) {
    for (;;)
        step();
}

HOTPATH_MEASURE __attribute__((noinline)) static void quit(void) {
    fflush(stdout);
    exit(0);
}

HOTPATH_MEASURE __attribute__((noinline)) static void quit_outer(void) { quit(); }

static void *spinner(void *arg) {
    (void)arg;
    loop_forever();
    return NULL;
}

static void *quitter(void *arg) {
    (void)arg;
    while (atomic_load(&steps) < 400)
        ;
    quit_outer();
    return NULL;
}

int main(void) {
    printf("started\n");
    pthread_t t[5];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, spinner, NULL);
    pthread_create(&t[4], NULL, quitter, NULL);
    pthread_join(t[4], NULL); /* never returns: the quitter exits */
    return 1;
}
