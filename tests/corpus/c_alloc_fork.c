/* fork in a program with allocation tracking: parent and child both finish
 * (no deadlock: a hang fails the run after its timeout), the child reports
 * only its own figures (after the fork) at its normal exit, the parent's
 * leave out the child's. */
// ENV: HOTPATH_ALLOC=1
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (the child starts its own report thread at its first measured call, signals.c hp_signals_start; the parent has one, so the child is the child of a threaded process, where ThreadSanitizer refuses any new thread: without this line the child dies with status 66, re-checked after the start moved out of the atfork handler)
// EXPECT children 1
// EXPECT alloc c_alloc_fork::thousand calls=2 bytes_total=2000 allocs=2 peak_live_bytes=1000
// EXPECT norow c_alloc_fork::in_child
// EXPECT child alloc c_alloc_fork::in_child calls=1 bytes_total=2008 allocs=1 peak_live_bytes=2008 peak_allocs=1
// EXPECT child norow c_alloc_fork::thousand
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;

__attribute__((annotate("hotpath"))) static void thousand(void) {
    sink = malloc(1000);
    free(sink);
}

__attribute__((annotate("hotpath"))) static void in_child(void) {
    sink = malloc(2008);
    free(sink);
}

int main(void) {
    thousand();
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        in_child();
        exit(0); /* a normal exit: the child's report */
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    thousand();
    return 0;
}
