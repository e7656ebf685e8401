/* Measured functions called from signal handlers (issue 17.2). The main
 * thread calls measured work (and its measured callee) in a loop while a
 * 50 µs SIGALRM timer interrupts it anywhere, inside the runtime too; the
 * handler calls measured on_alarm, whose first call is in a handler. A
 * worker thread on an alternate signal stack (sigaltstack, SA_ONSTACK)
 * gets SIGUSR1 from the main thread while it loops over work2; its handler
 * calls on_usr1. Nothing may crash or hang; the interrupted functions'
 * counts are exact, every handler's call is counted or, when the signal
 * lands in one of the runtime's short busy sections on that thread (its
 * lock held: a site's registration, a new histogram chunk, a counter's
 * fold), counted as dropped, and Total >= Self everywhere. Such landings
 * are rare but not impossible with a 50 us timer: once, 1 of 816 SIGALRMs
 * under ASan through clang-19 at -O0 (a fresh-clone CI run, session 6),
 * where the sections are slower; ThreadSanitizer makes them common. */
// EXPECT row c_signal::work calls=200000 self_ns<=c_signal::work.total_ns
// EXPECT row c_signal::inner calls=200000 self_ns<=c_signal::inner.total_ns
// EXPECT row c_signal::work2 calls=$stderr.work2 self_ns<=c_signal::work2.total_ns
// EXPECT row c_signal::on_alarm self_ns<=c_signal::on_alarm.total_ns
// EXPECT row c_signal::on_usr1 self_ns<=c_signal::on_usr1.total_ns
// A handler's measured call inside a busy section is not measured but
// counted as dropped (core.c enter_open): every handler call is either
// counted or dropped, and drops are few (none in most runs) but under
// ThreadSanitizer, which delivers a signal when the interrupted code
// leaves an intercepted libc call, such as the runtime's own
// pthread_mutex_lock while it registers a site: inside a busy section.
// EXPECT row c_signal::on_alarm calls<=$stderr.alarms calls>=$stderr.alarms-$report.dropped
// EXPECT row c_signal::on_usr1 calls<=$stderr.usr1 calls>=$stderr.usr1-$report.dropped
// EXPECT-UNLESS-SANITIZER: thread report dropped<=3
// EXPECT row c_signal::on_alarm calls>0
// EXPECT row c_signal::on_usr1 calls>0
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

static _Atomic int alarms, usr1s, stop, ready; /* shared by threads and handlers: lock-free atomics (ThreadSanitizer) */
static _Thread_local volatile long sink; /* per thread: no data race (ThreadSanitizer) */

HOTPATH_MEASURE __attribute__((noinline)) static void on_alarm(void) { sink++; }
HOTPATH_MEASURE __attribute__((noinline)) static void on_usr1(void) { sink++; }

static void alarm_handler(int sig) {
    (void)sig;
    on_alarm();
    alarms++;
}

static void usr1_handler(int sig) {
    (void)sig;
    on_usr1();
    usr1s++;
}

HOTPATH_MEASURE __attribute__((noinline)) static long inner(long i) { return i ^ sink; }

HOTPATH_MEASURE __attribute__((noinline)) static long work(long i) { return inner(i) + 1; }

HOTPATH_MEASURE __attribute__((noinline)) static long work2(long i) { return i * 3; }

static void *worker(void *arg) {
    long *calls = arg;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM); /* the timer's signals go to the main thread */
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    stack_t ss = {.ss_size = 1 << 16};
    ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sigaltstack(&ss, NULL);
    long n = 0, s = 0;
    s += work2(n++); /* warm-up: the thread's state and work2's stats exist */
    ready = 1;
    while (!stop)
        s += work2(n++);
    sink += s;
    *calls = n;
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = usr1_handler;
    sa.sa_flags = SA_ONSTACK | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = alarm_handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);

    long calls2 = 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, &calls2);

    work(0); /* warm-up: the thread's first calls happen before any signal */
    struct itimerval it = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &it, NULL);
    long s = 0;
    for (long i = 1; i < 200000; i++)
        s += work(i);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);

    while (!ready)
        ;
    for (int i = 0; i < 3000; i++) {
        pthread_kill(t, SIGUSR1);
        for (volatile int j = 0; j < 2000; j++)
            ;
    }
    stop = 1;
    pthread_join(t, NULL);
    sink += s;
    fprintf(stderr, "alarms=%d\nusr1=%d\nwork2=%ld\n", (int)alarms, (int)usr1s, calls2);
    printf("done\n");
    return 0;
}
