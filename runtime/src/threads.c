/*
 * threads.c — what each thread measured, kept past its exit for the
 * report's Threads section (internal.h, "per-thread records").
 *
 * Nothing here is on the hot path: a thread's identity is read at its
 * first measured call (thread_init in core.c), its figures are copied into
 * a record by its TLS destructor (thread_exit in core.c), under hp_lock,
 * from the same stats blocks that go into the merged aggregates, so that
 * the records of exited threads add up to the merged figures exactly.
 *
 * Memory: at most HP_TREC_MAX records (64 threads of their own, then 64
 * names, then "other threads"), each a 128-byte header and 48 bytes per
 * site its threads called, from hp_mem_alloc; hp_trecs.bytes counts them.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "report.h" /* hp_copy_str */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct hp_trecs hp_trecs;

_Static_assert(sizeof(struct hp_trec_site) == 48, "the documented bound counts 48 bytes a site");
_Static_assert(sizeof(struct hp_trec) <= 128, "the documented bound counts 128 bytes a record");

static void read_name(struct hp_thread *t) {
    if (t->tid == (long)getpid()) /* the main thread: the program's name */
        hp_copy_str(t->name, sizeof t->name, program_invocation_short_name);
    else if (pthread_getname_np(t->self, t->name, sizeof t->name) != 0)
        t->name[0] = '\0';
}

void hp_thread_identify(struct hp_thread *t) {
    t->self = pthread_self();
    t->tid = (long)syscall(SYS_gettid);
    read_name(t);
}

/* pop() adds every depth-0 call's duration to the spare frame -1's child,
 * with a plain add (the hot path's, not to be slowed for this): another
 * thread's is read while it may run. One aligned 8-byte load, which x86-64
 * and AArch64 never tear: at worst a figure one call old. Left out of
 * ThreadSanitizer's view for that reason (tests/sanitize/stress.c gathers
 * reports while threads measure). */
__attribute__((no_sanitize("thread"), noinline)) uint64_t
hp_thread_measured(const struct hp_thread *t) {
    uint64_t m = *(const volatile uint64_t *)&t->stack[-1].child;
    return m > t->measured0 ? m - t->measured0 : 0;
}

__attribute__((no_sanitize("thread"), noinline)) void
hp_thread_measured_restart(struct hp_thread *t) {
    t->measured0 = *(const volatile uint64_t *)&t->stack[-1].child; /* as above */
}

/* What hp_mem_alloc takes for n bytes (64-byte blocks). */
static uint64_t held(size_t n) { return n ? (n + 63) / 64 * 64 : 0; }

/* The record's entry for site id, inserted (zero) if absent; NULL on OOM. */
static struct hp_trec_site *site_entry(struct hp_trec *r, uint32_t id) {
    uint32_t lo = hp_trec_find(r, id);
    if (lo < r->nsites && r->sites[lo].id == id)
        return &r->sites[lo];
    if (r->nsites == r->cap) {
        uint32_t cap = r->cap ? 2 * r->cap : 4;
        struct hp_trec_site *s = hp_mem_alloc(cap * sizeof *s);
        if (!s)
            return NULL;
        if (r->nsites)
            memcpy(s, r->sites, r->nsites * sizeof *s);
        hp_mem_free(r->sites, r->cap * sizeof *s);
        hp_trecs.bytes += held(cap * sizeof *s) - held(r->cap * sizeof *s);
        r->sites = s;
        r->cap = cap;
    }
    memmove(&r->sites[lo + 1], &r->sites[lo], (r->nsites - lo) * sizeof *r->sites);
    r->nsites++;
    memset(&r->sites[lo], 0, sizeof r->sites[lo]);
    r->sites[lo].id = id;
    return &r->sites[lo];
}

static struct hp_trec *record_new(const struct hp_thread *t, bool group, bool other) {
    struct hp_trec *r = hp_mem_alloc(sizeof *r);
    if (!r)
        return NULL;
    hp_trecs.bytes += held(sizeof *r);
    r->tid = t->tid;
    memcpy(r->name, t->name, sizeof r->name);
    r->group = group;
    r->other = other;
    if (hp_trecs.tail)
        hp_trecs.tail->next = r;
    else
        hp_trecs.head = r;
    hp_trecs.tail = r;
    return r;
}

/* Where an exiting thread goes: a record of its own, its name's, or the
 * last one. */
static struct hp_trec *record_for(const struct hp_thread *t) {
    if (hp_trecs.nsingle < HP_TREC_SINGLE) {
        struct hp_trec *r = record_new(t, false, false);
        hp_trecs.nsingle += r != NULL;
        return r;
    }
    for (struct hp_trec *r = hp_trecs.head; r; r = r->next)
        if (r->group && strcmp(r->name, t->name) == 0)
            return r;
    if (hp_trecs.ngroups < HP_TREC_GROUPS) {
        struct hp_trec *r = record_new(t, true, false);
        hp_trecs.ngroups += r != NULL;
        return r;
    }
    if (!hp_trecs.other)
        hp_trecs.other = record_new(t, true, true);
    return hp_trecs.other;
}

void hp_trec_thread_exit(struct hp_thread *t) {
    bool any = false;
    for (struct hp_site_stats *s = HP_LOAD(t->stats); s && !any; s = HP_LOAD(s->next))
        any = !s->before_window && hp_stats_calls(s) > 0;
    if (!any)
        return; /* measured nothing in the window: no row */
    read_name(t); /* the name it has now (set after its first measured call) */
    struct hp_trec *r = record_for(t);
    if (!r) {
        hp_trecs.lost++;
        return;
    }
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        r->cpu_ns += (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    r->measured += hp_thread_measured(t);
    r->nthreads++;
    for (struct hp_site_stats *s = HP_LOAD(t->stats); s; s = HP_LOAD(s->next)) {
        if (s->before_window)
            continue;
        struct hp_trec_site *e = site_entry(r, s->site->id);
        if (!e) {
            hp_trecs.lost++;
            continue;
        }
        /* the figures hp_agg_add_stats adds to the merged aggregate */
        e->calls += hp_stats_calls(s);
        e->timed += HP_LOAD(s->calls);
        e->total += HP_LOAD(s->total);
        e->sum += HP_LOAD(s->sum);
        e->self += (int64_t)HP_LOAD(s->self);
    }
}

void hp_trec_reset(void) {
    for (struct hp_trec *r = hp_trecs.head, *n; r; r = n) {
        n = r->next;
        hp_mem_free(r->sites, r->cap * sizeof *r->sites);
        hp_mem_free(r, sizeof *r);
    }
    memset(&hp_trecs, 0, sizeof hp_trecs);
}

void hp_thread_now(const struct hp_thread *t, char name[16], uint64_t *cpu_ns) {
    struct timespec ts;
    clockid_t clock;
    memcpy(name, t->name, 16);
    if (t == hp_tls.thread) {
        clock = CLOCK_THREAD_CPUTIME_ID;
        if (t->tid != (long)getpid() && pthread_getname_np(pthread_self(), name, 16) != 0)
            memcpy(name, t->name, 16);
    } else {
        /* By tid, not pthread_t: a state whose thread is gone (one left
         * behind by a TLS destructor's late measured call) reads as an
         * error here, where pthread_getcpuclockid would read freed memory.
         * The kernel's clock id of a thread: CPUCLOCK_PERTHREAD | SCHED. */
        clock = (clockid_t)((~(unsigned)t->tid << 3) | 6);
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%ld/comm", t->tid);
        int fd = t->tid == (long)getpid() ? -1 : open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, name, 15);
            if (n > 0) {
                name[n] = '\0';
                name[strcspn(name, "\n")] = '\0';
            } else
                memcpy(name, t->name, 16);
            close(fd);
        }
    }
    *cpu_ns = clock_gettime(clock, &ts) == 0
                  ? (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec
                  : 0;
}
