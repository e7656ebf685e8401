/* c_selfexec.h — for the corpus programs that run themselves again as
 * children and look at how each ended (c_signal_exit.c,
 * c_signal_exit_threads.c, c_signal_reset.c). exec, not a bare fork, so
 * that every child starts with the default signal actions whatever the
 * test runner ignores, and with a runtime of its own. */
#ifndef C_SELFEXEC_H
#define C_SELFEXEC_H

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv (this program again, or a program running it) and returns its
 * wait status. */
static int run(char *const argv[]) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

/* This program's path, for run(); NULL if /proc cannot tell. */
static const char *self_path(void) {
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return NULL;
    self[n] = '\0';
    return self;
}

/* Runs `self how` for each of the n words of hows, calls on_signal for
 * each child that ended by signo, and prints how each ended. Returns 1 if
 * the program's path is not found, else 0. */
static int run_children(const char *const *hows, int n, int signo, void (*on_signal)(void)) {
    const char *self = self_path();
    if (!self)
        return 1;
    for (int i = 0; i < n; i++) {
        int st = run((char *[]){(char *)self, (char *)hows[i], NULL});
        if (WIFSIGNALED(st) && WTERMSIG(st) == signo)
            on_signal();
        printf("%s: %s %d\n", hows[i], WIFSIGNALED(st) ? "signal" : "exit",
               WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    return 0;
}

#endif
