/* A process ended by SIGTERM, by SIGINT, by SIGPIPE (a write to a pipe
 * nobody reads, as `prog | head` ends prog), and by `timeout -s TERM`
 * while it loops forever: each writes its report, then ends by the signal
 * as it would have (its parent sees WIFSIGNALED with the same signal).
 *
 * The parent runs itself again (exec, so that every child starts with the
 * default actions whatever the test runner ignores) in four ways; each
 * child makes 7 measured calls and then is ended by its signal. The
 * parent's saw_signal counts the children whose status was right. */
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (a terminating signal in a process with one measuring thread is reported by a child the handler forks, signals.c report_in_child; the child of a threaded process may call only async-signal-safe functions, and ThreadSanitizer kills one that does more)
// EXPECT children 4
// EXPECT child row c_signal_exit::work calls=7
// EXPECT row c_signal_exit::saw_signal calls=4
// EXPECT norow c_signal_exit::work
// SANITIZER-ENV: C_SIGNAL_EXIT_TIMEOUT=3 (a sanitized child can take more than 0.3 s to start and install the runtime's SIGTERM handler: 0.6 s seen under ASan on a loaded machine)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c_selfexec.h"

static volatile unsigned long sink;

__attribute__((annotate("hotpath"))) static void work(void) { sink++; }

__attribute__((annotate("hotpath"))) static void spin(void) {
    for (int i = 0; i < 1000; i++)
        sink++;
}

__attribute__((annotate("hotpath"))) static void saw_signal(void) { sink++; }

static int child(const char *how) {
    for (int i = 0; i < 7; i++)
        work();
    if (strcmp(how, "TERM") == 0)
        raise(SIGTERM);
    else if (strcmp(how, "INT") == 0)
        raise(SIGINT);
    else if (strcmp(how, "PIPE") == 0) {
        int fd[2];
        if (pipe(fd) != 0)
            return 1;
        close(fd[0]);
        (void)!write(fd[1], "x", 1); /* SIGPIPE, its default action: the end */
        return 2;
    }
    for (;;) /* "loop": until timeout's SIGTERM */
        spin();
}

static void expect_signal(const char *what, int status, int sig) {
    if (WIFSIGNALED(status) && WTERMSIG(status) == sig)
        saw_signal();
    printf("%s: %s %d\n", what, WIFSIGNALED(status) ? "signal" : "exit",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

int main(int argc, char **argv) {
    if (argc == 2)
        return child(argv[1]);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    char *self = (char *)self_path();
    if (!self)
        return 1;
    expect_signal("TERM", run((char *[]){self, "TERM", NULL}), SIGTERM);
    expect_signal("INT", run((char *[]){self, "INT", NULL}), SIGINT);
    expect_signal("PIPE", run((char *[]){self, "PIPE", NULL}), SIGPIPE);
    /* timeout(1) returns 124 when it had to send the signal; with
     * --preserve-status, 128 + the signal: the child died of it. */
    const char *after = getenv("C_SIGNAL_EXIT_TIMEOUT"); /* seconds; 0.3 unless set */
    char *secs = (char *)(after ? after : "0.3");
    int st = run((char *[]){"/usr/bin/timeout", "--preserve-status", "-s", "TERM", secs, self,
                            "loop", NULL});
    if (WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM)
        saw_signal();
    printf("timeout: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
