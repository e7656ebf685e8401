/* siglongjmp out of a signal handler (issue 17): a measured chain raises
 * SIGUSR1; the handler, on an alternate signal stack, calls a measured
 * function that jumps back to the measured function that called
 * sigsetjmp, 2000 times. The frames left (the chain's, and the handler's
 * on the other stack) are dropped at the jump: later figures are exact. */
// EXPECT row c_siglongjmp::guarded calls=2000 self_ns<=c_siglongjmp::guarded.total_ns
// EXPECT row c_siglongjmp::after calls=2000 self_ns<=c_siglongjmp::after.total_ns
// EXPECT norow c_siglongjmp::raise_it
// EXPECT norow c_siglongjmp::jump_back
// EXPECT row c_siglongjmp::tail calls=1000 total_ns>0 self_ns<=c_siglongjmp::tail.total_ns
// EXPECT row c_siglongjmp::raise_it_ok calls=10 total_ns>0 self_ns<=c_siglongjmp::raise_it_ok.total_ns
// ENV: HOTPATH_COMPENSATE=0
// (raw figures: total_ns>0 checks that every call was timed, and these
// functions take about as long as the probe, which compensation takes out)
#include <hotpath/hotpath.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;
static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void jump_back(void) { siglongjmp(env, 1); }

static void handler(int sig) {
    (void)sig;
    jump_back();
}

HOTPATH_MEASURE __attribute__((noinline)) static void raise_it(int i) {
    sink += i;
    raise(SIGUSR1);
    sink++;
}

HOTPATH_MEASURE __attribute__((noinline)) static void after(int i) { sink += i; }

HOTPATH_MEASURE __attribute__((noinline)) static void guarded(int i) {
    if (sigsetjmp(env, 1) == 0)
        raise_it(i);
    after(i);
}

HOTPATH_MEASURE __attribute__((noinline)) static void tail(int i) { sink += i; }

HOTPATH_MEASURE __attribute__((noinline)) static void raise_it_ok(int i) { sink += i; }

int main(void) {
    static char altstack[1 << 16]; /* for the whole run: not a leak (LeakSanitizer) */
    stack_t ss = {.ss_size = sizeof altstack, .ss_sp = altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < 2000; i++)
        guarded(i);
    for (int i = 0; i < 1000; i++)
        tail(i);
    for (int i = 0; i < 10; i++)
        raise_it_ok(i);
    printf("%d\n", sink != 0);
    return 0;
}
