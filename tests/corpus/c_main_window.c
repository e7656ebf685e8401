/* The hotpath::main window counts only what happens in it (issue 17.7):
 * 100 calls on the main thread and 50 on a thread that has ended before
 * the window opens, then 10 calls inside the window and 5 after it closed
 * (the report is made when the window closes). */
// EXPECT main c_main_window::run
// EXPECT row c_main_window::f calls=10 total_ns<=$window percent_total<=100
// EXPECT row c_main_window::g calls=1 total_ns<=$window
// EXPECT rows 2
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>

static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void f(int i) {
    for (volatile int j = 0; j < 1000; j++)
        sink += i;
}

/* open while the window opens: begun before it, so not the window's */
HOTPATH_MEASURE __attribute__((noinline)) static void outer(void (*fn)(void)) { fn(); }

HOTPATH_MEASURE __attribute__((noinline)) static void g(void) { sink++; }

static void *before(void *arg) {
    (void)arg;
    for (int i = 0; i < 50; i++)
        f(i);
    return NULL;
}

HOTPATH_MAIN() __attribute__((noinline)) static void run(void) {
    for (int i = 0; i < 10; i++)
        f(i);
    g();
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, before, NULL);
    pthread_join(t, NULL);
    for (int i = 0; i < 100; i++)
        f(i);
    outer(run);
    for (int i = 0; i < 5; i++)
        f(i);
    printf("%ld\n", sink > 0 ? 1L : 0L);
    return 0;
}
