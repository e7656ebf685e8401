/* vfork from inside a measured function (issue 17): the child runs on the
 * parent's memory until it execs or _exits, so it must leave the runtime's
 * state as it found it; the parent's figures are exact. */
// EXPECT row c_vfork::spawn calls=20 self_ns<=c_vfork::spawn.total_ns
// EXPECT row c_vfork::after calls=20
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void after(int i) { sink += i; }

HOTPATH_MEASURE __attribute__((noinline)) static int spawn(int i) {
    pid_t pid = vfork();
    if (pid == 0) {
        if (i % 2)
            _exit(3);
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void) {
    int s = 0;
    for (int i = 0; i < 20; i++) {
        s += spawn(i);
        after(i);
    }
    printf("%d\n", s);
    return 0;
}
