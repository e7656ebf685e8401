/* _exit from a signal handler, the async-signal-safe way out that
 * programs use on a timeout: the handler may have interrupted anything,
 * so the report is not built there but as for a terminating signal (a
 * forked copy writes it, under the process's pid, the wait bounded); the
 * exit status is the handler's. quick_exit likewise runs no atexit
 * handler: the runtime registers an at_quick_exit one (c_exit_quick.c). */
// EXPECT row c_exit_in_handler::tick calls=100
// EXPECT norow c_exit_in_handler::spin
#include <hotpath/hotpath.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void tick(int i) { sink += i; }

static void on_alarm(int signo) {
    (void)signo;
    _exit(5);
}

/* open when the alarm comes: not counted */
HOTPATH_MEASURE __attribute__((noinline)) static void spin(void) {
    for (;;)
        sink++;
}

int main(void) {
    for (int i = 0; i < 100; i++)
        tick(i);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    printf("ticks done\n");
    fflush(stdout);
    alarm(1);
    spin();
}
