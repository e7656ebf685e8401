/* fork after 256 sites have run: the child zeroes their blocks (pages the
 * fork shares with the parent, so each first write copies one) before its
 * figures start. That work is the runtime's: it must not land in the
 * functions open across the fork. around_fork's Total in the child is
 * in_child's (a few us) plus the rest of fork's return; it was 1.0-1.9 ms
 * when the child's time started before the zeroing (one per site of 2,496
 * bucket checks, then the copies). */
// EXPECT children 1
// EXPECT child row c_fork_sites::in_child calls=1
// EXPECT child row c_fork_sites::around_fork calls=1
// EXPECT-UNLESS-SANITIZER: thread,address child row c_fork_sites::around_fork total_ns<=400000
// EXPECT child norow c_fork_sites::f100
// EXPECT row c_fork_sites::f477 calls=1
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (as c_fork_timing: the child of a process with a report thread)
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long sink;

#define F(n) HOTPATH_MEASURE __attribute__((noinline)) static void f##n(void) { sink += n; }
#define F8(a) F(a##0) F(a##1) F(a##2) F(a##3) F(a##4) F(a##5) F(a##6) F(a##7)
#define F64(b) F8(b##0) F8(b##1) F8(b##2) F8(b##3) F8(b##4) F8(b##5) F8(b##6) F8(b##7)
F64(1) F64(2) F64(3) F64(4)
#define C(n) f##n();
#define C8(a) C(a##0) C(a##1) C(a##2) C(a##3) C(a##4) C(a##5) C(a##6) C(a##7)
#define C64(b) C8(b##0) C8(b##1) C8(b##2) C8(b##3) C8(b##4) C8(b##5) C8(b##6) C8(b##7)

HOTPATH_MEASURE __attribute__((noinline)) static void in_child(void) {
    for (int i = 0; i < 1000; i++)
        sink += i;
}

HOTPATH_MEASURE __attribute__((noinline)) static pid_t around_fork(void) {
    pid_t pid = fork();
    if (pid == 0)
        in_child();
    return pid;
}

int main(void) {
    C64(1) C64(2) C64(3) C64(4)
    fflush(stdout);
    pid_t pid = around_fork();
    if (pid < 0)
        return 1;
    if (pid == 0)
        exit(0);
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
