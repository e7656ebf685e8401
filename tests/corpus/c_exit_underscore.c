/* _exit and _Exit end a process without its atexit handlers (shells such
 * as dash end every process so, subshells included; so do forked workers):
 * the runtime defines both and writes the report first. The parent ends by
 * _exit, its forked child by _Exit after calls of its own; a vfork child
 * that _exits (on the parent's memory, a pid the runtime did not see
 * forked) writes nothing and leaves the parent's figures alone. So does a
 * forked child that measured nothing (the fork-exec-fail-_exit pattern):
 * ThreadSanitizer turns vfork into fork, and its two vfork children then
 * wrote two "nothing was measured" reports. */
// EXPECT children 1
// EXPECT row c_exit_underscore::work calls=5
// EXPECT row c_exit_underscore::spawn calls=2
// EXPECT norow c_exit_underscore::child_work
// EXPECT child row c_exit_underscore::child_work calls=3
// EXPECT child norow c_exit_underscore::work
// EXPECT child norow c_exit_underscore::spawn
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (as c_fork_timing: the child of a process with a report thread)
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void work(int i) { sink += i; }
HOTPATH_MEASURE __attribute__((noinline)) static void child_work(int i) { sink -= i; }

/* the vfork child _exits: no report, the parent's figures exact */
HOTPATH_MEASURE __attribute__((noinline)) static int spawn(int code) {
    pid_t pid = vfork();
    if (pid == 0)
        _exit(code);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void) {
    for (int i = 0; i < 5; i++)
        work(i);
    int s = spawn(3) + spawn(4);
    fflush(stdout);
    pid_t quiet = fork(); /* measures nothing: no report */
    if (quiet == 0)
        _exit(0);
    waitpid(quiet, NULL, 0);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++)
            child_work(i);
        _Exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("vfork children %d, child exited %d\n", s, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);
    _exit(0);
}
