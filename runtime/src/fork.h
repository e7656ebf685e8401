/* fork.h — resetting the figures in a forked child (private). */
#ifndef HOTPATH_FORK_H
#define HOTPATH_FORK_H

/* In the child of fork (pthread_atfork child handler, with hp_lock
 * re-initialised): zeroes every figure and moves the open frames of the
 * forking thread to start at the fork. */
void hp_fork_child_reset(void);

#endif
