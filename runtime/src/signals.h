/* signals.h — reports on SIGTERM/SIGINT/SIGHUP/SIGPIPE, _exit and HOTPATH_SIGNAL (private). */
#ifndef HOTPATH_SIGNALS_H
#define HOTPATH_SIGNALS_H

#include <stdbool.h>

/* Finds the C library's sigaction (start-up, every copy of the runtime). */
void hp_signals_resolve(void);

/* Installs the handlers (the terminating signals whose action is the
 * default, and hp_config.signal). Once, from runtime_init. */
void hp_signals_init(void);

/* Starts the reporter thread if a handler was installed, it is not
 * running yet and it is needed (HOTPATH_SIGNAL, or a second thread that
 * measures). Called when a thread starts measuring; not from a signal
 * handler. */
void hp_signals_start(void);

/* Starts a detached thread of the runtime (reporter, live, metrics) from a
 * thread hp_signals_start found blocking no signal: a 256 KiB stack, every
 * signal blocked in it (none is delivered to it), its stack and TLS not
 * counted as the program's allocations. Returns pthread_create's result. */
int hp_runtime_thread(void *(*fn)(void *));

/* The process's pid as the runtime knows it (set at start-up and in a
 * forked child): another pid is a child it did not see forked. */
extern long hp_own_pid;

/* _exit, _Exit and quick_exit, before the process ends: writes the final
 * report (`final`, at_exit's work, where no handler may be running; else
 * as a terminating signal does) unless this is a child the runtime did
 * not see forked, the runtime is busy on this thread or the report is
 * written already. */
void hp_signals_before_exit(void (*final)(void));

/* glibc's _exit, past the runtime's (which would report first). */
__attribute__((noreturn)) void hp_real_exit(int status);

/* At exit, before the report: lets the reporter thread end. */
void hp_signals_exit(void);

/* In a forked child (pthread_atfork): forgets the parent's reporter; if
 * the parent had one, sets hp_signals_pending, which keeps the child's
 * measured calls on the slow path until one of them has started the
 * child's own (hp_signals_start). */
void hp_signals_fork_child(void);
/* Atomic: set and cleared by whichever thread makes the deciding call and
 * read by every measured call of the others (a data race under
 * ThreadSanitizer as a plain bool, c_signal.c). Its reads are plain loads on
 * x86-64. */
extern _Atomic bool hp_signals_pending;

#endif
