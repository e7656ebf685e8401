/*
 * core.c — hotpath_enter / hotpath_exit, per-thread state, the site
 * registry and the merging of per-thread statistics.
 *
 * The hot path (enter and exit when the site is known to the thread) reads
 * its thread's state from initial-exec TLS, indexes it by the site's id and
 * touches only that thread's memory: no lock, no malloc, no lookup by name.
 * Everything else (a site's first call, a thread's first call, longjmp
 * recovery, the main window) is in the *_slow functions.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "config.h"
#include "report.h"

__thread struct hp_tls hp_tls __attribute__((tls_model("initial-exec")));

pthread_mutex_t hp_lock = PTHREAD_MUTEX_INITIALIZER;
struct hp_registry hp_reg;
struct hp_window hp_window;
uint64_t hp_process_start;

static pthread_key_t thread_key;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

bool hp_fast;

void hp_update_fast(void) { hp_fast = hp_clock_source == HP_CLOCK_TSC && !hp_alloc_on; }

/* ======================================================================== */
/* Start-up and exit                                                        */
/* ======================================================================== */

static void thread_exit(void *arg);

static void at_exit(void) { hp_report_once(); }

static void fork_prepare(void) { pthread_mutex_lock(&hp_lock); }
static void fork_parent(void) { pthread_mutex_unlock(&hp_lock); }
static void fork_child(void) {
    /* Only the forking thread lives on in the child: the others' states
     * stay on the list (their figures up to the fork are the child's too). */
    pthread_mutex_init(&hp_lock, NULL);
}

static void runtime_init(void) {
    hp_busy_enter();
    hp_config_load(stderr);
    hp_clock_init(hp_config.clock);
    hp_alloc_init();
    hp_alloc_cumulative = hp_config.alloc_cumulative;
    hp_alloc_enable(hp_config.alloc);
    hp_process_start = hp_now();
    pthread_key_create(&thread_key, thread_exit);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    atexit(at_exit);
    hp_busy_leave();
}

void hp_runtime_init(void) { pthread_once(&init_once, runtime_init); }

__attribute__((constructor(101))) static void hp_constructor(void) { hp_runtime_init(); }

/* ======================================================================== */
/* Aggregates                                                               */
/* ======================================================================== */

void hp_agg_init(struct hp_site_agg *agg) {
    memset(agg, 0, sizeof *agg);
    agg->min = UINT64_MAX;
    agg->alloc.min_bytes = UINT64_MAX;
}

struct hp_site_agg *hp_agg_for(uint32_t id) {
    if (!hp_reg.agg[id]) {
        hp_reg.agg[id] = hp_calloc(1, sizeof(struct hp_site_agg));
        if (hp_reg.agg[id])
            hp_agg_init(hp_reg.agg[id]);
    }
    return hp_reg.agg[id];
}

void hp_agg_add_stats(struct hp_site_agg *agg, const struct hp_site_stats *st) {
    struct hp_site_stats *s = (struct hp_site_stats *)st; /* atomics need non-const */
    agg->calls += HP_LOAD(s->calls);
    agg->total += HP_LOAD(s->total);
    agg->sum += HP_LOAD(s->sum);
    agg->self += HP_LOAD(s->self);
    uint64_t mn = HP_LOAD(s->min), mx = HP_LOAD(s->max);
    if (mn < agg->min)
        agg->min = mn;
    if (mx > agg->max)
        agg->max = mx;
    /* only the buckets of min..max can hold counts: the report reads 100,000
     * sites' blocks in milliseconds, not one 10 KiB scan each */
    uint32_t lo = mn <= mx ? hp_hist_index(mn) : 1, hi = mn <= mx ? hp_hist_index(mx) : 0;
    for (uint32_t i = lo; i <= hi; i++)
        agg->hist[i] += HP_LOAD(s->hist[i]);
    uint32_t p = HP_LOAD(s->pending);
    if (p < HP_HIST_BUCKETS)
        agg->hist[p]++;
    struct hp_alloc_stats *a = atomic_load_explicit(&s->alloc, memory_order_acquire);
    if (a)
        hp_alloc_agg_add(&agg->alloc, a);
}

void hp_agg_merge(struct hp_site_agg *agg, const struct hp_site_agg *m) {
    agg->calls += m->calls;
    agg->total += m->total;
    agg->sum += m->sum;
    agg->self += m->self;
    if (m->min < agg->min)
        agg->min = m->min;
    if (m->max > agg->max)
        agg->max = m->max;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        agg->hist[i] += m->hist[i];
    hp_alloc_agg_merge(&agg->alloc, &m->alloc);
}

/* Moves a thread's histogram into the global aggregate before a 32-bit
 * counter could wrap: once per 2^32 - 1 calls of one site on one thread. */
static __attribute__((noinline, cold)) void fold_histogram(struct hp_site_stats *st) {
    pthread_mutex_lock(&hp_lock);
    struct hp_site_agg *agg = hp_agg_for(st->site->id);
    struct hp_alloc_stats *a = HP_LOAD(st->alloc);
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++) {
        if (agg)
            agg->hist[i] += HP_LOAD(st->hist[i]);
        HP_STORE(st->hist[i], 0);
        if (a && agg)
            agg->alloc.hist[i] += HP_LOAD(a->hist[i]);
        if (a)
            HP_STORE(a->hist[i], 0);
    }
    pthread_mutex_unlock(&hp_lock);
}

/* ======================================================================== */
/* Registry and per-thread state                                            */
/* ======================================================================== */

/* Gives the site its id (0 on failure: the site is then not measured). */
static uint32_t register_site(struct hotpath_site *site) {
    pthread_mutex_lock(&hp_lock);
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    if (id == 0) {
        if (hp_reg.count == 0)
            hp_reg.count = 1;
        if (hp_reg.count >= hp_reg.cap) {
            uint32_t cap = hp_reg.cap ? hp_reg.cap * 2 : 64;
            struct hotpath_site **s = hp_realloc(hp_reg.sites, cap * sizeof *s);
            if (s)
                hp_reg.sites = s;
            struct hp_site_agg **a = hp_realloc(hp_reg.agg, cap * sizeof *a);
            if (a)
                hp_reg.agg = a;
            if (s && a) {
                memset(s + hp_reg.cap, 0, (cap - hp_reg.cap) * sizeof *s);
                memset(a + hp_reg.cap, 0, (cap - hp_reg.cap) * sizeof *a);
                hp_reg.cap = cap;
            }
        }
        if (hp_reg.count < hp_reg.cap) {
            id = hp_reg.count++;
            hp_reg.sites[id] = site;
            __atomic_store_n(&site->id, id, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&hp_lock);
    return id;
}

static struct hp_thread *thread_init(void) {
    hp_runtime_init();
    struct hp_thread *t = hp_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    hp_busy_enter(); /* what libc allocates for us here is not the program's */
    /* The frame stack is reserved, not touched: pages appear as depth grows. */
    void *stack = mmap(NULL, HP_MAX_DEPTH * sizeof(struct hp_frame), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED) {
        hp_free(t);
        hp_busy_leave();
        return NULL;
    }
    t->stack = stack;
    t->alloc = &hp_tls.alloc;
    pthread_mutex_lock(&hp_lock);
    t->next = hp_reg.threads;
    if (t->next)
        t->next->prev = t;
    hp_reg.threads = t;
    pthread_mutex_unlock(&hp_lock);
    pthread_setspecific(thread_key, t);
    hp_tls.thread = t;
    hp_tls.stack = t->stack;
    hp_tls.depth = 0;
    hp_busy_leave();
    return t;
}

struct hp_thread *hp_thread_get(void) {
    return hp_tls.thread ? hp_tls.thread : hp_tls.busy ? NULL : thread_init();
}

/* The stats block of `site` for thread t, created on the thread's first
 * call of the site. Kept out of by_id for main sites, so that their enter
 * always takes the slow path. */
static struct hp_site_stats *thread_stats(struct hp_thread *t, struct hotpath_site *site,
                                          uint32_t id) {
    if (id < t->nids && t->by_id[id])
        return t->by_id[id];
    if (site->kind == HOTPATH_KIND_MAIN)
        for (struct hp_site_stats *s = HP_LOAD(t->stats); s; s = HP_LOAD(s->next))
            if (s->site == site)
                return s;
    struct hp_site_stats *st = hp_calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->site = site;
    HP_STORE(st->min, UINT64_MAX);
    HP_STORE(st->pending, HP_HIST_BUCKETS);
    if (site->kind != HOTPATH_KIND_MAIN) {
        if (id >= t->nids) {
            uint32_t n = t->nids ? t->nids : 64;
            while (n <= id)
                n *= 2;
            struct hp_site_stats **b = hp_realloc(t->by_id, n * sizeof *b);
            if (!b) {
                hp_free(st);
                return NULL;
            }
            memset(b + t->nids, 0, (n - t->nids) * sizeof *b);
            t->by_id = b;
            t->nids = n;
            hp_tls.by_id = b;
            hp_tls.nids = n;
        }
        t->by_id[id] = st;
    }
    HP_STORE(st->next, HP_LOAD(t->stats));
    atomic_store_explicit(&t->stats, st, memory_order_release);
    return st;
}

/* Merges an exiting thread into the aggregates; runs as its TLS destructor. */
static void thread_exit(void *arg) {
    struct hp_thread *t = arg;
    hp_busy_enter();
    pthread_mutex_lock(&hp_lock);
    for (struct hp_site_stats *s = HP_LOAD(t->stats); s; s = HP_LOAD(s->next)) {
        struct hp_site_agg *agg = hp_agg_for(s->site->id);
        if (agg)
            hp_agg_add_stats(agg, s);
    }
    hp_reg.dropped += t->dropped;
    /* Counted now: a fresh state starts again from 0 (live bytes are kept
     * apart, in the slack and the peak). */
    hp_reg.alloc_bytes += HP_LOAD(t->alloc->bytes);
    HP_STORE(t->alloc->bytes, 0);
    if (t->prev)
        t->prev->next = t->next;
    else
        hp_reg.threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    pthread_mutex_unlock(&hp_lock);

    for (struct hp_site_stats *s = HP_LOAD(t->stats), *n; s; s = n) {
        n = HP_LOAD(s->next);
        hp_free(HP_LOAD(s->alloc));
        hp_free(s);
    }
    munmap(t->stack, HP_MAX_DEPTH * sizeof(struct hp_frame));
    hp_alloc_thread_exit(t);
    hp_free(t->by_id);
    hp_free(t);
    /* A measured function running after this (another TLS destructor)
     * starts a fresh state, merged again when the thread ends. */
    hp_tls.thread = NULL;
    hp_tls.stack = NULL;
    hp_tls.by_id = NULL;
    hp_tls.nids = 0;
    hp_tls.depth = 0;
    hp_busy_leave();
}

/* ======================================================================== */
/* Recording                                                                */
/* ======================================================================== */

static inline uintptr_t current_sp(void) {
#if defined(__x86_64__)
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
#else
    return (uintptr_t)__builtin_frame_address(0);
#endif
}

static inline __attribute__((always_inline)) void record(struct hp_site_stats *st, uint64_t dur,
                                                        uint64_t child) {
    HP_ADD(st->calls, 1);
    HP_ADD(st->hist[HP_LOAD(st->pending)], 1);
    HP_STORE(st->pending, hp_hist_index(dur));
    HP_ADD(st->sum, dur);
    HP_ADD(st->self, dur - child);
    /* Unconditional stores: no branch waits for the clock reading. */
    uint64_t mn = HP_LOAD(st->min), mx = HP_LOAD(st->max);
    HP_STORE(st->min, dur < mn ? dur : mn);
    HP_STORE(st->max, dur > mx ? dur : mx);
    if (--st->active == 0)
        HP_ADD(st->total, dur);
}

/* A bucket holds at most the calls since the last fold: the fold must come
 * before the 2^32nd, so that no 32-bit counter wraps. */
static inline bool needs_fold(struct hp_site_stats *st) {
    return (uint32_t)HP_LOAD(st->calls) == UINT32_MAX;
}

/* The clock read inline on the hot path: the TSC when it is the source
 * (checked by the caller), the general one elsewhere. */
static inline __attribute__((always_inline)) uint64_t read_clock(bool tsc) {
#ifdef HP_HAVE_RDTSC
    if (tsc)
        return __rdtsc();
#endif
    (void)tsc;
    return hp_now();
}

/* Pushes a frame; the caller has checked depth < HP_MAX_DEPTH. */
static inline __attribute__((always_inline)) uint64_t push(struct hp_site_stats *st,
                                                           struct hotpath_site *site,
                                                           uintptr_t sp, const void *ra,
                                                           bool tsc) {
    uint32_t d = hp_tls.depth;
    struct hp_frame *f = &hp_tls.stack[d];
    f->site = site;
    f->st = st;
    f->child = 0;
    f->sp = sp;
    f->ra = ra;
    st->active++;
    hp_tls.depth = d + 1;
    f->start = read_clock(tsc);
    return d + 1;
}

/* Forgets frames at depth >= d: measurements whose function was left by
 * longjmp (or an exception through a unit built without unwind tables). */
static void drop_frames_from(uint32_t d) {
    while (hp_tls.depth > d) {
        struct hp_frame *f = &hp_tls.stack[--hp_tls.depth];
        f->st->active--;
        if (hp_alloc_on)
            hp_alloc_frame_drop(hp_tls.depth);
    }
}

/* Pops the top frame, recording it as ending at `now`. */
static inline __attribute__((always_inline)) void pop(uint64_t now) {
    uint32_t d = hp_tls.depth - 1;
    struct hp_frame *f = &hp_tls.stack[d];
    uint64_t dur = now - f->start;
    record(f->st, dur, f->child);
    hp_tls.depth = d;
    if (d > 0)
        hp_tls.stack[d - 1].child += dur;
}

/*
 * Whether frame f was left without its exit (longjmp), judged from where
 * the new enter is called: a frame opened deeper in the stack than the new
 * caller, or at the same stack level from the same call instruction (the
 * same code re-entered, so the old activation is gone). Frames opened at
 * the same level from other instructions are inlined callees, still open.
 */
static inline bool frame_is_stale(const struct hp_frame *f, uintptr_t sp, const void *ra) {
    return f->sp < sp || (f->sp == sp && f->ra == ra);
}

/* What a main site asks for, unless the environment said otherwise. */
static void apply_main_flags(uint32_t flags) {
    if (!(flags & HOTPATH_FLAG_ALLOC) || (hp_config.from_env & (1u << HP_OPT_alloc)))
        return;
    if (!(hp_config.from_env & (1u << HP_OPT_alloc_cumulative)))
        hp_alloc_cumulative = flags & HOTPATH_FLAG_ALLOC_CUMULATIVE;
    hp_alloc_enable(true);
}

static __attribute__((noinline)) uint64_t enter_slow(struct hotpath_site *site, uintptr_t sp,
                                                     const void *ra) {
    if (hp_tls.busy)
        return 0;
    struct hp_thread *t = hp_tls.thread;
    if (!t && !(t = thread_init()))
        return 0;
    while (hp_tls.depth > 0 && frame_is_stale(&hp_tls.stack[hp_tls.depth - 1], sp, ra))
        drop_frames_from(hp_tls.depth - 1);
    if (hp_tls.depth >= HP_MAX_DEPTH) {
        t->dropped++;
        return 0;
    }
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    if (id == 0 && (id = register_site(site)) == 0)
        return 0;
    struct hp_site_stats *st = thread_stats(t, site, id);
    if (!st)
        return 0;
    bool first = false;
    if (site->kind == HOTPATH_KIND_MAIN) {
        pthread_mutex_lock(&hp_lock);
        first = hp_window.name == NULL && !hp_report_done();
        if (first) {
            hp_window.name = site->name;
            hp_window.percentiles = site->percentiles;
            hp_window.alloc_bytes0 = hp_alloc_bytes_locked();
        }
        pthread_mutex_unlock(&hp_lock);
        if (first) {
            apply_main_flags(site->flags);
            /* bad HOTPATH_* values whose fallback is this main's: say so now */
            hp_busy_enter();
            hp_config_settle(stderr, &(struct hp_main_request){site->name, site->percentiles,
                                                                site->flags});
            hp_busy_leave();
        }
    }
    if (hp_alloc_on)
        hp_alloc_frame_begin(hp_tls.depth);
    if (site->kind != HOTPATH_KIND_MAIN)
        return push(st, site, sp, ra, false);
    uint64_t token = push(st, site, sp, ra, false);
    if (first)
        hp_window.start = hp_tls.stack[token - 1].start;
    return token | (first ? HP_TOKEN_MAIN : 0);
}

HP_API uint64_t hotpath_enter(struct hotpath_site *site) {
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    uint32_t d = hp_tls.depth;
    uintptr_t sp = current_sp();
    const void *ra = __builtin_return_address(0);
    struct hp_site_stats *st;
    if (HP_UNLIKELY(id >= hp_tls.nids || !(st = hp_tls.by_id[id]) || d >= HP_MAX_DEPTH ||
                    (d > 0 && frame_is_stale(&hp_tls.stack[d - 1], sp, ra)) || !hp_fast))
        return enter_slow(site, sp, ra);
    return push(st, site, sp, ra, true);
}

static __attribute__((noinline)) void exit_slow(struct hotpath_site *site, uint64_t token,
                                                uint64_t now) {
    bool main_window = token & HP_TOKEN_MAIN;
    uint32_t d = (uint32_t)(token & ~HP_TOKEN_MAIN);
    if (d == 0 || d > hp_tls.depth || hp_tls.stack[d - 1].site != site)
        return; /* not measured, or already dropped */
    drop_frames_from(d); /* frames above ours were skipped by longjmp */
    struct hp_frame *f = &hp_tls.stack[d - 1];
    if (needs_fold(f->st))
        fold_histogram(f->st);
    if (hp_alloc_on)
        hp_alloc_frame_end(d - 1, f->st, f->st->active == 1);
    pop(now);
    if (main_window) {
        hp_window.end = now;
        hp_report_once();
    }
}

/* Everything but the common case goes to exit_slow, by a tail call, so
 * that this is a leaf function that saves no registers. */
HP_API void hotpath_exit(struct hotpath_site *site, uint64_t token) {
    if (HP_UNLIKELY(!hp_fast)) {
        exit_slow(site, token, hp_now());
        return;
    }
    uint64_t now = read_clock(true);
    uint32_t d = hp_tls.depth;
    if (HP_UNLIKELY(token != d || d == 0 || hp_tls.stack[d - 1].site != site ||
                    needs_fold(hp_tls.stack[d - 1].st))) {
        exit_slow(site, token, now);
        return;
    }
    pop(now);
}

uint64_t hp_alloc_bytes_locked(void) {
    uint64_t sum = hp_reg.alloc_bytes;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        sum += HP_LOAD(t->alloc->bytes);
    return sum;
}

HP_API int hotpath_report(void) {
    return hp_report_once() ? 0 : -1;
}
