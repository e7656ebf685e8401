/* A terminating signal's report in both of the runtime's ways (signals.c):
 * "two": a second thread has measured, so the report thread writes the
 * report; "one": only the main thread measures (another thread runs, and
 * measures nothing), so the handler forks and the child writes it. Each
 * child makes 12 measured calls of work (7 on main, 5 on the other thread
 * in "two"; 12 on main in "one") and then raises SIGTERM; the parent sees
 * each end by SIGTERM (saw_signal) and each child's report has the calls
 * and its own pid (the forked writer reports under its parent's). */
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (the report of a terminating signal is written by a forked child in a process with one measuring thread, signals.c)
// EXPECT children 2
// EXPECT child row c_signal_exit_threads::work calls=12
// EXPECT row c_signal_exit_threads::saw_signal calls=2
// EXPECT norow c_signal_exit_threads::work
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "c_selfexec.h"

static volatile unsigned long sink;
static volatile int stop;

__attribute__((annotate("hotpath"))) static void work(void) { sink++; }

__attribute__((annotate("hotpath"))) static void saw_signal(void) { sink++; }

static void *five(void *arg) {
    (void)arg;
    for (int i = 0; i < 5; i++)
        work();
    return NULL;
}

static void *idle(void *arg) { /* measures nothing */
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (!stop)
        nanosleep(&ms, NULL);
    return NULL;
}

static int child(const char *how) {
    pthread_t t;
    int two = strcmp(how, "two") == 0;
    if (pthread_create(&t, NULL, two ? five : idle, NULL) != 0)
        return 1;
    if (two)
        pthread_join(t, NULL);
    for (int i = 0; i < (two ? 7 : 12); i++)
        work();
    raise(SIGTERM);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2)
        return child(argv[1]);
    signal(SIGTERM, SIG_DFL);
    const char *hows[] = {"two", "one"};
    return run_children(hows, 2, SIGTERM, saw_signal);
}
