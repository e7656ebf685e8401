/* fork: the child's report holds only what happened in the child after
 * the fork, the parent's everything of its own. tick is called 11 times
 * before the fork (only in the parent's report) and 3 times in the child.
 * around_fork is open across the fork: in the child it counts from the
 * fork (its 30 ms before it are the parent's: its Total is in_child's and
 * little more, under 2 x in_child's at least 5 ms), in the parent from its
 * start to its end. */
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (the child starts its own report thread at its first measured call, signals.c hp_signals_start; the parent has one, so the child is the child of a threaded process, where ThreadSanitizer refuses any new thread: without this line the child dies with status 66, re-checked after the start moved out of the atfork handler)
// EXPECT children 1
// EXPECT row c_fork_timing::tick calls=11
// EXPECT row c_fork_timing::around_fork calls=1 total_ns>=30000000
// EXPECT row c_fork_timing::nap calls=1
// EXPECT norow c_fork_timing::in_child
// EXPECT child row c_fork_timing::tick calls=3
// EXPECT child row c_fork_timing::in_child calls=1
// EXPECT child row c_fork_timing::around_fork calls=1 total_ns>=5000000
// EXPECT-UNLESS-SANITIZER: thread,address child row c_fork_timing::around_fork total_ns<=2*c_fork_timing::in_child.total_ns
// Under TSan its fork interceptor adds ~10 ms to the child's side (16.5 ms against in_child's
// 6.6 ms seen), under ASan a few ms (10.76 ms against 5.3 ms, clang-19 -O2); with the
// parent's 30 ms nap in it, the child's figure would be 35 ms or more.
// EXPECT-IF-SANITIZER: thread,address child row c_fork_timing::around_fork total_ns<=29000000
// EXPECT child row c_fork_timing::around_fork total_ns<=$window self_ns<=c_fork_timing::around_fork.total_ns
// EXPECT child norow c_fork_timing::nap
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int sink;

static void sleep_ms(long ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

__attribute__((annotate("hotpath"))) static void tick(void) { sink++; }

__attribute__((annotate("hotpath"))) static void nap(long ms) { sleep_ms(ms); }

__attribute__((annotate("hotpath"))) static void in_child(void) {
    for (int i = 0; i < 3; i++)
        tick();
    sleep_ms(5);
}

__attribute__((annotate("hotpath"))) static pid_t around_fork(void) {
    nap(30); /* before the fork: the parent's time only */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        in_child();
    return pid;
}

int main(void) {
    for (int i = 0; i < 11; i++)
        tick();
    pid_t pid = around_fork();
    if (pid < 0)
        return 1;
    if (pid == 0)
        exit(0); /* a normal exit: the child's report */
    int status;
    waitpid(pid, &status, 0);
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
