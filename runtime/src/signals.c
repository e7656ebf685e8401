/*
 * signals.c — the report of a process ended by SIGTERM, SIGINT, SIGHUP or
 * SIGPIPE, or by _exit,
 * and the on-demand report of HOTPATH_SIGNAL.
 *
 * A signal handler may run at any instruction of the program, inside
 * malloc or stdio, or while the runtime holds hp_lock: building a report
 * there could deadlock or corrupt the heap. So the handlers only do what
 * is async-signal-safe (an atomic store, sem_post, nanosleep, sigaction,
 * raise), and the report is written by a reporter thread they wake:
 *
 *   - on-demand (HOTPATH_SIGNAL): the handler counts the request, posts
 *     the semaphore and returns; the reporter writes the figures so far
 *     (completed calls) to HOTPATH_OUTPUT_PATH, %n numbering them.
 *   - termination: the handler posts the semaphore and waits (nanosleep,
 *     at most HP_TERM_WAIT_MS) until the reporter has written the final
 *     report, then restores the default action, unblocks the signal and
 *     raises it again: the process ends by that signal, as it would have,
 *     so its parent sees WIFSIGNALED with the same WTERMSIG. If the report
 *     cannot be written in time (the interrupted thread holds a lock the
 *     report needs), the process ends all the same, without it.
 *
 * Only signals whose action is the default when the runtime starts get a
 * handler; a program that installs its own handler later replaces ours
 * (its handler then decides: if it calls exit() or _exit(), the report is
 * written as usual), and one that sets SIG_DFL again gets ours back
 * (sigaction and signal, below). Ignored signals (nohup's SIGHUP) stay
 * ignored.
 *
 * The reporter thread is started only where it is needed: with
 * HOTPATH_SIGNAL (an on-demand report is written while the program goes
 * on), or once a second thread of the process starts measuring. Until
 * then (a single-threaded program, the common case, and every short
 * process) a terminating signal is reported without a thread: the handler
 * forks (_Fork, async-signal-safe), the child (a copy of the process at
 * the interrupted instruction, one thread, nothing of it shared) writes
 * the report under the parent's pid and _exits, and the handler waits for
 * it (at most HP_TERM_WAIT_MS; then kills it) before ending the process
 * by the signal. The child may deadlock where the reporter thread would
 * have (the interrupted code holds a lock the report needs: hp_lock,
 * malloc's in fopen): the wait bounds both the same way. What it costs:
 * nothing until a signal comes; then one fork of the process (its page
 * tables). What it gives up: a lock held at that instant by an unmeasured
 * thread of the program stays held in the child (the reporter would have
 * waited for its release), so there the report can be lost after the wait;
 * and a program's own SIGCHLD handler sees the child end (it may reap it:
 * the wait then ends at once). A process that ends normally never starts
 * the thread nor forks: in a short process the thread's creation,
 * scheduling and exit were a third of the wall time hotpath added
 * (docs/benchmarks.md, "Short processes").
 *
 * The reporter is started with every signal blocked so that none is
 * delivered to it. A forked child does not inherit it: when the parent
 * had one for HOTPATH_SIGNAL, the child starts its own at its first
 * measured call after the fork (not in the fork itself).
 */
#define _GNU_SOURCE
#include "signals.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "internal.h"
#include "live.h"
#include "metrics.h"
#include "report.h"

#define HP_TERM_WAIT_MS 5000 /* longest wait of a terminating handler for the report */
#define HP_TERM_EXIT (-1)     /* sig.term_sig when the final report is _exit's */

/* SIGPIPE: `prog | head` ends prog by it once head has read its lines. */
static const int term_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE};

static struct {
    sem_t wake;
    _Atomic int term_sig;      /* the first terminating signal, 0 while none */
    _Atomic bool term_done;    /* the reporter has written the final report */
    _Atomic unsigned demands;  /* on-demand reports asked for, not yet written */
    _Atomic bool up;           /* the reporter thread runs */
    _Atomic bool want;         /* some handler is installed: a reporter is needed */
    _Atomic bool quit;         /* the process is exiting: the reporter ends */
    _Atomic bool demand;       /* HOTPATH_SIGNAL's handler is installed: a reporter is needed */
    _Atomic(struct hp_thread *) first; /* the first thread that measured, NULL before */
    pthread_once_t start_once;
} sig = {.start_once = PTHREAD_ONCE_INIT};


/* ---- the handlers: async-signal-safe only ---- */

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The C library's sigaction (or a sanitizer's interceptor of it), past the
 * runtime's own (below): found at start-up, so that no handler needs dlsym;
 * before that (a library's constructor that runs before the runtime's),
 * found on first use. */
typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
typedef __sighandler_t (*signal_fn)(int, __sighandler_t);
static _Atomic(sigaction_fn) next_sigaction_fn;
static _Atomic(signal_fn) next_signal_fn;
extern int __sigaction(int, const struct sigaction *, struct sigaction *);
extern __sighandler_t bsd_signal(int, __sighandler_t);
/* A sanitizer's interceptors (alloc.c says why weak references): Clang
 * links its sanitizer runtime into the program, where the runtime's strong
 * sigaction takes the place of the sanitizer's weak one, and dlsym's next
 * sigaction is then the C library's: ThreadSanitizer, bypassed, had
 * handlers run inside its own code (c_signal_first: "nested bug in the
 * same thread"; c_signal: a hang). */
extern int __interceptor_sigaction(int, const struct sigaction *, struct sigaction *)
    __attribute__((weak));
extern int ___interceptor_sigaction(int, const struct sigaction *, struct sigaction *)
    __attribute__((weak));
extern __sighandler_t __interceptor_signal(int, __sighandler_t) __attribute__((weak));
extern __sighandler_t ___interceptor_signal(int, __sighandler_t) __attribute__((weak));

void hp_signals_resolve(void) {
    signal_fn g = __interceptor_signal ? __interceptor_signal : ___interceptor_signal;
    if (!g)
        g = (signal_fn)dlsym(RTLD_NEXT, "signal");
    atomic_store(&next_signal_fn, g ? g : bsd_signal);
    sigaction_fn f = __interceptor_sigaction ? __interceptor_sigaction : ___interceptor_sigaction;
    if (!f)
        f = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
    atomic_store(&next_sigaction_fn, f ? f : __sigaction);
}

/* Set while this thread is in the sanitizer's interceptor (or the next
 * sigaction) on the runtime's behalf. Where the sanitizer's library comes
 * before the runtime's (GCC's libasan.so, libhotpath.so), the interceptor's
 * own next sigaction is the runtime's: that second entry goes to the C
 * library, or the two would call each other for ever (multi_gcc under
 * ASan: SIGSEGV). */
static __thread int in_next __attribute__((tls_model("initial-exec")));

static int next_sigaction(int signo, const struct sigaction *act, struct sigaction *old) {
    if (in_next)
        return __sigaction(signo, act, old);
    if (!atomic_load(&next_sigaction_fn))
        hp_signals_resolve();
    in_next++;
    int rc = atomic_load(&next_sigaction_fn)(signo, act, old);
    in_next--;
    return rc;
}

static __sighandler_t next_signal(int signo, __sighandler_t handler) {
    if (in_next)
        return bsd_signal(signo, handler);
    if (!atomic_load(&next_signal_fn))
        hp_signals_resolve();
    in_next++;
    __sighandler_t r = atomic_load(&next_signal_fn)(signo, handler);
    in_next--;
    return r;
}

/* Ends the process by `signo`, with its default action. */
static void die_by(int signo) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    next_sigaction(signo, &dfl, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    raise(signo); /* pending: blocked while its handler runs */
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* The final report, written by a forked copy of the process (no reporter
 * thread): see the top of this file. */
static void report_in_child(void) {
    long parent = (long)getpid();
    pid_t child = _Fork();
    if (child == 0) {
        hp_report_pid = parent; /* %p and the report's pid: the process's own */
        hp_report_once();
        hp_real_exit(0); /* not the runtime's _exit: this copy reports nothing more */
    }
    if (child < 0)
        return;
    struct timespec step = {0, 100000}; /* 0.1 ms */
    for (long waited = 0; waited < HP_TERM_WAIT_MS * 10L; waited++) {
        pid_t w = waitpid(child, NULL, WNOHANG);
        if (w == child || (w < 0 && errno != EINTR))
            return; /* ended (or reaped by the program's SIGCHLD handler) */
        nanosleep(&step, NULL);
    }
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
    }
}

/* The final report, from where a signal handler may be running: by the
 * reporter thread if there is one, else by a forked copy, the wait bounded
 * either way. `why` is the terminating signal, or HP_TERM_EXIT for _exit. */
static void final_report_async(int why) {
    int none = 0;
    bool first = atomic_compare_exchange_strong(&sig.term_sig, &none, why);
    /* A report already begun (at exit, or by a hotpath::main that returned)
     * may be this very thread's: waiting for it would never end. */
    if (atomic_load(&sig.up) && !(first && hp_report_done())) {
        if (first)
            sem_post(&sig.wake);
        for (long waited = 0; !atomic_load(&sig.term_done) && waited < HP_TERM_WAIT_MS; waited++)
            sleep_ms(1);
    } else if (first && !atomic_load(&sig.up) && !atomic_load(&sig.quit) && !hp_report_done() &&
               atomic_load(&sig.first)) {
        report_in_child(); /* something was measured, and no reporter thread */
    }
    hp_live_unlink(); /* live.c: HOTPATH_LIVE's file (unlink is async-signal-safe) */
}

static void on_term(int signo) {
    int saved = errno;
    final_report_async(signo);
    errno = saved;
    die_by(signo);
}

static void on_demand(int signo) {
    (void)signo;
    int saved = errno;
    atomic_fetch_add(&sig.demands, 1);
    if (atomic_load(&sig.up))
        sem_post(&sig.wake);
    errno = saved;
}

/* ---- the reporter thread ---- */

static void *reporter(void *arg) {
    (void)arg;
    /* Named from inside: pthread_setname_np from outside writes to
     * /proc/self/task/N/comm, which costs 2.5 ms of CPU on a VM here. */
    prctl(PR_SET_NAME, "hotpath-report", 0, 0, 0);
    for (;;) {
        while (sem_wait(&sig.wake) != 0 && errno == EINTR) {
        }
        if (atomic_load(&sig.quit) && !atomic_load(&sig.term_sig))
            break;
        if (atomic_load(&sig.term_sig)) {
            hp_report_once();
            atomic_store(&sig.term_done, true);
            continue;
        }
        if (atomic_exchange(&sig.demands, 0) > 0)
            hp_report_snapshot();
    }
    return NULL;
}

int hp_runtime_thread(void *(*fn)(void *)) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the new thread */
    pthread_t t;
    hp_busy_enter(); /* its stack and TLS are not the program's allocations */
    int rc = pthread_create(&t, &attr, fn, NULL);
    hp_busy_leave();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return rc;
}

static void start_reporter(void) {
    if (!atomic_load(&sig.want) || sem_init(&sig.wake, 0, 0) != 0)
        return;
    if (hp_runtime_thread(reporter) == 0)
        atomic_store(&sig.up, true);
    /* Requests made before the thread ran: written now. */
    if (atomic_load(&sig.demands) || atomic_load(&sig.term_sig))
        sem_post(&sig.wake);
}

/* ---- set-up ---- */

static void our_action(struct sigaction *sa, void (*fn)(int)) {
    memset(sa, 0, sizeof *sa);
    sa->sa_handler = fn;
    sigemptyset(&sa->sa_mask);
    sa->sa_flags = SA_RESTART;
}

static bool install(int signo, void (*fn)(int), bool only_if_default) {
    struct sigaction sa, old;
    if (next_sigaction(signo, NULL, &old) != 0)
        return false;
    if (only_if_default && ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL))
        return false; /* the program's handler, or ignored: left alone */
    our_action(&sa, fn);
    return next_sigaction(signo, &sa, NULL) == 0;
}

/* The terminating signals the runtime watches (all of term_signals but
 * HOTPATH_SIGNAL's); set once by hp_signals_init. */
static _Atomic unsigned watched; /* bit i: term_signals[i] */

void hp_signals_init(void) {
    int demand = hp_config.signal;
    if (demand && install(demand, on_demand, false)) {
        atomic_store(&sig.want, true);
        atomic_store(&sig.demand, true);
    }
    unsigned w = 0;
    for (size_t i = 0; i < sizeof term_signals / sizeof *term_signals; i++)
        if (term_signals[i] != demand) {
            w |= 1u << i;
            if (install(term_signals[i], on_term, true))
                atomic_store(&sig.want, true);
        }
    atomic_store(&watched, w);
}

/*
 * sigaction and signal are the runtime's too, for the watched signals only
 * (everything else goes straight to the C library's): a program that sets
 * one back to SIG_DFL gets the runtime's handler in its place, which is the
 * default with the report first. Programs clean up that way before dying of
 * the signal: xz's handler sets a flag, and its main loop later restores
 * SIG_DFL and raises the signal; gzip's handler removes its output, then
 * calls signal(sig, SIG_DFL) and raise (the signal stays blocked until the
 * handler returns, then the runtime's handler runs). A handler or SIG_IGN
 * of the program's replaces the runtime's, as before. What the program
 * reads back (the old action, or a query) is SIG_DFL where the runtime's
 * handler stands in for it: the program sees the actions it set.
 * Not covered: a handler installed with SA_RESETHAND (the kernel, not
 * sigaction, restores the default on delivery).
 */
static int watched_index(int signo) {
    unsigned w = atomic_load(&watched);
    for (int i = 0; i < (int)(sizeof term_signals / sizeof *term_signals); i++)
        if (term_signals[i] == signo && (w & (1u << i)))
            return i;
    return -1;
}

static void as_program_sees(struct sigaction *old) {
    if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler == on_term) {
        memset(old, 0, sizeof *old);
        old->sa_handler = SIG_DFL;
        sigemptyset(&old->sa_mask);
    }
}

HP_API int sigaction(int signo, const struct sigaction *act, struct sigaction *old) {
    if (watched_index(signo) < 0)
        return next_sigaction(signo, act, old);
    struct sigaction ours;
    if (act && !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_DFL) {
        our_action(&ours, on_term);
        act = &ours;
        atomic_store(&sig.want, true);
    }
    int rc = next_sigaction(signo, act, old);
    if (rc == 0 && old)
        as_program_sees(old);
    return rc;
}

/* For a watched signal, glibc's signal through the sigaction above: BSD
 * semantics (the handler stays; interrupted system calls restart, the
 * signal is blocked while its handler runs; siginterrupt's setting is not
 * seen). Any other signal goes to the C library's. */
HP_API __sighandler_t signal(int signo, __sighandler_t handler) {
    if (watched_index(signo) < 0)
        return next_signal(signo, handler);
    struct sigaction act, old;
    if (handler == SIG_ERR) {
        errno = EINVAL;
        return SIG_ERR;
    }
    memset(&act, 0, sizeof act);
    act.sa_handler = handler;
    sigemptyset(&act.sa_mask);
    sigaddset(&act.sa_mask, signo);
    act.sa_flags = SA_RESTART;
    if (sigaction(signo, &act, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

_Atomic bool hp_signals_pending;
static _Atomic unsigned pending_tries;
#define HP_START_TRIES 1000 /* measured calls that may retry a deferred start */

static void set_pending(bool on) {
    if (atomic_load_explicit(&hp_signals_pending, memory_order_relaxed) != on) {
        atomic_store_explicit(&hp_signals_pending, on, memory_order_relaxed);
        hp_update_fast();
    }
}

/* True when no signal is blocked on this thread: then it is not running a
 * signal handler (a handler runs with its signal blocked, unless the
 * program asked for SA_NODEFER). */
static bool no_signal_blocked(void) {
    sigset_t cur;
    return pthread_sigmask(SIG_BLOCK, NULL, &cur) == 0 && sigisemptyset(&cur);
}

/*
 * _exit, _Exit and quick_exit (core.c interposes the first two and
 * registers at_quick_exit): the process ends without atexit handlers, so
 * without the report, unless it is written here. Shells (dash ends every
 * process, its subshells too, by _exit), forked workers and daemons end so.
 * Nothing is written by a child the runtime did not see forked (vfork,
 * _Fork, clone: the pid is not the one it knows), nor while the runtime is
 * at work on this thread (it may hold hp_lock), nor twice. _exit is
 * async-signal-safe, and programs call it from handlers: the report is
 * written here directly only on a thread that blocks no signal (so it is
 * not in a handler, see no_signal_blocked); elsewhere as for a terminating
 * signal, by the reporter thread or a forked copy, the wait bounded.
 */
long hp_own_pid;

void hp_signals_before_exit(void (*final)(void)) {
    if (!hp_own_pid || (long)getpid() != hp_own_pid || hp_tls.busy || hp_report_done())
        return;
    int saved = errno;
    if (no_signal_blocked())
        final(); /* as at exit: the reporter stops, the report is written */
    else
        final_report_async(HP_TERM_EXIT);
    errno = saved;
}

/*
 * pthread_create is not async-signal-safe: from a handler that interrupted
 * pthread_create or malloc on this thread it waits for a lock the
 * interrupted code holds, for ever (a measured function's first call in a
 * handler, c_signal_first). So the reporter is started only on a thread
 * that blocks no signal; elsewhere the start is deferred: hp_signals_pending
 * keeps measured calls on the slow path, whose next call on such a thread
 * starts it. After HP_START_TRIES deferred calls (threads that block
 * signals for good) it gives up: a terminating signal then ends the
 * process without a report, as it would have without hotpath.
 */
void hp_signals_start(void) {
    bool live = hp_live_wanted(); /* live.c: HOTPATH_LIVE's thread starts the same way */
    bool metrics = hp_metrics_wanted(); /* metrics.c: its thread starts the same way */
    bool reporter = !atomic_load(&sig.up) && atomic_load(&sig.want);
    /* Terminating signals only, and one thread measuring: no reporter
     * thread, the handler forks (see the top of this file). */
    struct hp_thread *none = NULL, *self = hp_tls.thread;
    if (reporter && !atomic_load(&sig.demand) &&
        (atomic_compare_exchange_strong(&sig.first, &none, self) || none == self))
        reporter = false;
    if (!reporter && !live && !metrics) {
        set_pending(false);
        return;
    }
    if (!no_signal_blocked()) {
        set_pending(atomic_fetch_add(&pending_tries, 1) + 1 < HP_START_TRIES);
        return;
    }
    if (reporter)
        pthread_once(&sig.start_once, start_reporter);
    if (live)
        hp_live_start();
    if (metrics)
        hp_metrics_start();
    set_pending(false);
}

/* At exit, before the final report: the reporter ends now, while the
 * report is written, so that the process's exit need not wait for the
 * kernel to stop it (a short process would pay for that in wall time). A
 * terminating signal from here on ends the process at once. */
void hp_signals_exit(void) {
    if (!atomic_load(&sig.up))
        return;
    atomic_store(&sig.quit, true);
    atomic_store(&sig.up, false);
    sem_post(&sig.wake);
}

void hp_signals_fork_child(void) {
    /* The reporter did not come along: the child starts its own if it
     * needs one (HOTPATH_SIGNAL; or a second thread measuring). */
    bool had = atomic_load(&sig.up) && atomic_load(&sig.demand);
    atomic_store(&sig.first, hp_tls.thread);
    atomic_store(&sig.up, false);
    atomic_store(&sig.term_sig, 0);
    atomic_store(&sig.term_done, false);
    atomic_store(&sig.demands, 0);
    atomic_store(&sig.quit, false);
    sig.start_once = (pthread_once_t)PTHREAD_ONCE_INIT;
    /* Not here: the child of a threaded parent may call only
     * async-signal-safe functions until it execs, and pthread_create is
     * not one. The child's next measured call starts it (hp_signals_pending
     * keeps that call off the fast path); a child that execs or measures
     * nothing never has one. ThreadSanitizer refuses that thread too (any
     * thread in the child of a threaded process: die_after_fork=0 lets it,
     * docs/reliability.md). */
    atomic_store(&pending_tries, 0);
    set_pending(had || hp_live_wanted());
}
