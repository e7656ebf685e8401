/* Programs that handle SIGTERM themselves and then die of it with its
 * default action, after cleaning up: the report is written all the same.
 *   "flag": as xz, the handler only sets a flag; the main loop sees it,
 *           restores SIG_DFL with sigaction and raises the signal again.
 *   "inside": as gzip, the handler (installed by signal) cleans up, calls
 *           signal(sig, SIG_DFL) and raise; the signal, blocked while its
 *           handler runs, ends the process once the handler returns.
 * The runtime's handler stands in for a default the program sets; what
 * the program reads back is SIG_DFL (printed: the same in the plain
 * build). Each child makes 7 measured calls and a cleanup; the parent
 * (exec'ing itself, so each child starts with the default actions) counts
 * the children that ended by SIGTERM. */
// SANITIZER-ENV: TSAN_OPTIONS=die_after_fork=0 (as c_signal_exit: the report of a one-thread process ended by a signal is written by a forked child)
// EXPECT children 2
// EXPECT child row c_signal_reset::work calls=7
// EXPECT child row c_signal_reset::cleanup calls=1
// EXPECT row c_signal_reset::saw_signal calls=2
// EXPECT norow c_signal_reset::work
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c_selfexec.h"

static volatile unsigned long sink;
static volatile sig_atomic_t caught;

__attribute__((annotate("hotpath"))) static void work(void) { sink++; }
__attribute__((annotate("hotpath"))) static void cleanup(void) { sink += 2; }
__attribute__((annotate("hotpath"))) static void saw_signal(void) { sink++; }

static void set_flag(int signo) { caught = signo; }

static void clean_and_die(int signo) {
    cleanup();
    signal(signo, SIG_DFL);
    raise(signo);
}

static const char *seen(int signo) {
    struct sigaction old;
    if (sigaction(signo, NULL, &old) != 0)
        return "error";
    if (old.sa_flags & SA_SIGINFO)
        return "siginfo handler";
    return old.sa_handler == SIG_DFL ? "default" : old.sa_handler == SIG_IGN ? "ignored" : "handler";
}

static int child(const char *how) {
    printf("%s: SIGTERM %s at start\n", how, seen(SIGTERM));
    fflush(stdout);
    for (int i = 0; i < 7; i++)
        work();
    if (strcmp(how, "flag") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = set_flag;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        raise(SIGTERM);
        while (!caught) {
        }
        cleanup();
        sa.sa_handler = SIG_DFL;
        sigaction(SIGTERM, &sa, NULL);
        raise(caught);
    } else {
        if (signal(SIGTERM, clean_and_die) != SIG_DFL)
            return 3;
        raise(SIGTERM);
    }
    return 2; /* not reached: the signal ends the process */
}

int main(int argc, char **argv) {
    if (argc == 2)
        return child(argv[1]);
    signal(SIGTERM, SIG_DFL);
    const char *hows[] = {"flag", "inside"};
    return run_children(hows, 2, SIGTERM, saw_signal);
}
