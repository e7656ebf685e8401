/* fork.h — resetting the figures in a forked child (private). */
#ifndef HOTPATH_FORK_H
#define HOTPATH_FORK_H

#include <stdbool.h>

/* In the child of fork (pthread_atfork child handler, with hp_lock
 * re-initialised): zeroes every figure and moves the open frames of the
 * forking thread to start at the fork. */
void hp_fork_child_reset(void);

/* Set in a forked child (hp_fork_child_reset): a child that measured
 * nothing since the fork writes no report, even one asked for (report.c):
 * its parent's report holds everything, and every fork-exec-fail-_exit
 * child would otherwise leave a "nothing was measured" file. */
extern bool hp_forked_child;

#endif
