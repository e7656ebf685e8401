/* Signal handlers while the runtime does its slow work (issue 17.2): a
 * 20 µs SIGALRM timer runs from the start, so handlers land while sites
 * register, while threads create their state and while a site's first
 * call on a thread creates its statistics; the handler's measured
 * function has its first call in a handler, on threads that may have no
 * state yet. No crash, no hang (the runtime never calls malloc there, nor
 * waits for a lock its thread holds: such a handler call is dropped and
 * counted), and the interrupted functions' counts are exact. */
// EXPECT row c_signal_first::f0 calls=500
// EXPECT row c_signal_first::f31 calls=500
// EXPECT row c_signal_first::f63 calls=500
// EXPECT row c_signal_first::on_alarm calls<=$stderr.alarms self_ns<=c_signal_first::on_alarm.total_ns
// EXPECT row c_signal_first::on_alarm calls>0
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static _Atomic int alarms; /* the handler runs on any thread: atomic (ThreadSanitizer) */
static _Thread_local volatile long sink; /* per thread: no data race (ThreadSanitizer) */

HOTPATH_MEASURE __attribute__((noinline)) static void on_alarm(void) { sink++; }

static void handler(int sig) {
    (void)sig;
    on_alarm();
    alarms++;
}

#define F(n) HOTPATH_MEASURE __attribute__((noinline)) static void f##n(void) { sink += n; }
#define F8(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7)
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7)
#define C(n) f##n,
#define C8(n) C(n##0) C(n##1) C(n##2) C(n##3) C(n##4) C(n##5) C(n##6) C(n##7)
static void (*const fns[64])(void) = {C(0) C(1) C(2) C(3) C(4) C(5) C(6) C(7) C8(1) C8(2)
                                          C8(3) C8(4) C8(5) C8(6) C8(7)};

static void *calls(void *arg) {
    (void)arg;
    for (int k = 0; k < 100; k++)
        for (int i = 0; i < 64; i++)
            fns[i]();
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 20}, {0, 20}};
    setitimer(ITIMER_REAL, &it, NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, calls, NULL);
    calls(NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    fprintf(stderr, "alarms=%d\n", (int)alarms);
    printf("done\n");
    return 0;
}
