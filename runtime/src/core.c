/*
 * core.c — hotpath_enter / hotpath_exit, per-thread state, the site
 * registry and the merging of per-thread statistics.
 *
 * The hot path (enter and exit when the site is known to the thread) reads
 * its thread's state from initial-exec TLS, indexes it by the site's id and
 * touches only that thread's memory: no lock, no malloc, no lookup by name.
 * Everything else (a site's first call, a thread's first call, the main
 * window) is in the *_slow functions, which take their memory from
 * hp_mem_alloc (mmap, never malloc) and hp_lock only through hp_lock_enter,
 * so that a signal handler can reach every one of them (internal.h).
 * longjmp and its kin are interposed to drop the frames they jump over.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "copies.h"
#include "report.h"
#include "fork.h"
#include "live.h"
#include "metrics.h"
#include "signals.h"
#include "trace.h"

__thread struct hp_tls hp_tls __attribute__((tls_model("initial-exec")));

pthread_mutex_t hp_lock = PTHREAD_MUTEX_INITIALIZER;
struct hp_registry hp_reg;
struct hp_window hp_window;
uint64_t hp_process_start;

static pthread_key_t thread_key;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

_Atomic bool hp_fast;
_Atomic uint32_t hp_fast_depth;

void hp_update_fast(void) {
    bool fast = hp_clock_source == HP_CLOCK_TSC && !hp_alloc_on && !hp_is_secondary() && !hp_trace_on &&
                !hp_signals_pending;
    hp_fast = fast;
    HP_STORE(hp_fast_depth, fast ? HP_MAX_DEPTH : 0);
}

/* ======================================================================== */
/* Start-up and exit                                                        */
/* ======================================================================== */

static void thread_exit(void *arg);

static void at_exit(void) {
    hp_signals_exit(); /* signals.c */
    hp_live_exit();    /* live.c: HOTPATH_LIVE's thread stops, its file goes */
    hp_metrics_exit(); /* metrics.c */
    hp_report_once();
}

void hp_lock_enter(void) {
    hp_busy_enter();
    atomic_signal_fence(memory_order_seq_cst);
    pthread_mutex_lock(&hp_lock);
}

void hp_lock_leave(void) {
    pthread_mutex_unlock(&hp_lock);
    atomic_signal_fence(memory_order_seq_cst);
    hp_busy_leave();
}

static void fork_prepare(void) { hp_lock_enter(); }
static void fork_parent(void) { hp_lock_leave(); }
static void fork_child(void) {
    pthread_mutex_init(&hp_lock, NULL);
    hp_own_pid = (long)getpid(); /* signals.c: _exit's report is this child's */
    hp_live_fork_child();    /* live.c: before signals.c, which reads hp_live_wanted */
    hp_metrics_fork_child(); /* metrics.c: no endpoint in the child (before signals.c) */
    hp_signals_fork_child(); /* signals.c: the child's report thread */
    hp_fork_child_reset();   /* fork.c: the child's figures start here */
    hp_busy_leave();
}

static void resolve_longjmp(void);
static void resolve_exit(void);
static void at_quick_exit_report(void);
static void arena_init(void);

static void runtime_init(void) {
    hp_busy_enter();
    if (hp_copies_find_primary()) { /* copies.c: another copy is the process's runtime */
        resolve_longjmp();          /* should this copy's longjmp or _exit be the one called */
        resolve_exit();
        hp_signals_resolve();
        hp_busy_leave();
        return;
    }
    hp_config_load(stderr);
    hp_clock_init(hp_config.clock);
    hp_trace_init(); /* trace.c */
    hp_alloc_cumulative = hp_config.alloc_cumulative;
    hp_alloc_enable(hp_config.alloc);
    hp_process_start = hp_now();
    arena_init();
    resolve_longjmp();
    resolve_exit();
    hp_signals_resolve();
    hp_own_pid = (long)getpid();
    pthread_key_create(&thread_key, thread_exit);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    atexit(at_exit);
    at_quick_exit(at_quick_exit_report);
    hp_signals_init(); /* signals.c */
    hp_busy_leave();
}

void hp_runtime_init(void) { pthread_once(&init_once, runtime_init); }

__attribute__((constructor(101))) static void hp_constructor(void) { hp_runtime_init(); }

/* ======================================================================== */
/* The runtime's own memory                                                 */
/* ======================================================================== */

/* Blocks of 64-byte multiples cut from 1 MiB mappings (mmap'ed memory is
 * zero), larger ones mapped on their own; freed blocks wait, per size, for
 * the next request of that size (thread states, stats blocks and by_id
 * arrays come and go with threads). All under hp_lock. */
#define HP_CHUNK ((size_t)1 << 20)
#define HP_FREE_SIZES 16

struct free_block {
    struct free_block *next;
};
static struct {
    size_t size;
    struct free_block *head;
} free_lists[HP_FREE_SIZES];
static char *chunk_next, *chunk_end;
static char *str_next, *str_end; /* names and file names, byte-granular, in 1 KiB blocks */

static size_t round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

static void *map(size_t size) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *hp_mem_alloc(size_t size) {
    size = round_up(size ? size : 1, 64);
    for (int i = 0; i < HP_FREE_SIZES; i++)
        if (free_lists[i].size == size && free_lists[i].head) {
            struct free_block *b = free_lists[i].head;
            free_lists[i].head = b->next;
            memset(b, 0, size);
            return b;
        }
    if (size > HP_CHUNK / 4)
        return map(round_up(size, 4096));
    if ((size_t)(chunk_end - chunk_next) < size) {
        char *c = map(HP_CHUNK);
        if (!c)
            return NULL;
        chunk_next = c;
        chunk_end = c + HP_CHUNK;
    }
    void *p = chunk_next;
    chunk_next += size;
    return p;
}

void hp_mem_free(void *p, size_t size) {
    if (!p)
        return;
    size = round_up(size ? size : 1, 64);
    int slot = -1;
    for (int i = 0; i < HP_FREE_SIZES && slot < 0; i++)
        if (free_lists[i].size == size || free_lists[i].size == 0)
            slot = i;
    if (slot < 0) { /* more distinct sizes than lists: unmap or keep */
        if (size > HP_CHUNK / 4)
            munmap(p, round_up(size, 4096));
        return;
    }
    struct free_block *b = p;
    b->next = free_lists[slot].head;
    free_lists[slot].size = size;
    free_lists[slot].head = b;
}

/*
 * The histogram chunks (internal.h): one reserved mapping, whose pages
 * appear as chunks are handed out, so that the per-(site, thread) record
 * needs 32-bit chunk numbers only. Reserved at start-up, as large as the
 * system lets us (2^26 chunks, 8 GiB of address space, halved until a
 * mapping succeeds); when it is full, a call whose duration falls in a
 * range without a chunk is counted but not binned (its percentile rank
 * reads back as the observed maximum). Chunks 0 and 1 are never handed
 * out. Freed chunks (a thread's, when it ends) wait in a list threaded
 * through their first counter, pairs (groups 0 and 1) in one of their own.
 * All under hp_lock.
 */
_Atomic uint16_t *hp_hist_arena;
static uint32_t arena_cap, arena_next = 2, arena_free, arena_free_pair;
static uint16_t arena_trash[HP_HIST_TRASH]; /* chunks 0 and 1 if no mapping at all */

static void arena_init(void) {
    for (uint32_t cap = UINT32_C(1) << 26; cap >= (1u << 10); cap >>= 1) {
        void *p = mmap(NULL, (size_t)cap * HP_HIST_CHUNK * sizeof(uint16_t), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            hp_hist_arena = p;
            arena_cap = cap;
            return;
        }
    }
    hp_hist_arena = (_Atomic uint16_t *)arena_trash;
    arena_cap = 2;
}

uint32_t hp_hist_chunk_new(bool pair) {
    uint32_t *list = pair ? &arena_free_pair : &arena_free, c = *list, n = pair ? 2 : 1;
    if (c) {
        memcpy(list, (void *)&hp_hist_arena[(size_t)c * HP_HIST_CHUNK], sizeof *list);
        for (uint32_t i = 0; i < n * HP_HIST_CHUNK; i++)
            HP_STORE(hp_hist_arena[(size_t)c * HP_HIST_CHUNK + i], 0);
        return c;
    }
    if (arena_cap - arena_next < n)
        return 0;
    arena_next += n;
    return arena_next - n;
}

void hp_hist_chunk_free(uint32_t c, bool pair) {
    if (c == 0)
        return;
    uint32_t *list = pair ? &arena_free_pair : &arena_free;
    memcpy((void *)&hp_hist_arena[(size_t)c * HP_HIST_CHUNK], list, sizeof *list);
    *list = c;
}

/* A copy of s that lives as long as the process (NULL stays NULL). */
static const char *mem_strdup(const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    if ((size_t)(str_end - str_next) < n) {
        /* from the blocks' chunk, not a mapping of their own, and small:
         * a short process's few names, its thread state and its first
         * stats blocks then share the chunk's first page */
        size_t size = n > 1024 ? round_up(n, 64) : 1024;
        char *c = hp_mem_alloc(size);
        if (!c)
            return NULL;
        str_next = c;
        str_end = c + size;
    }
    char *c = str_next;
    memcpy(c, s, n);
    str_next += n;
    return c;
}

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
        /* zero from hp_mem_alloc: only the minimums to set, so that the
         * 40 KiB of buckets are faulted in only where counts fall */
        struct hp_site_agg *a = hp_mem_alloc(sizeof(struct hp_site_agg));
        if (a) {
            a->min = UINT64_MAX;
            a->alloc.min_bytes = UINT64_MAX;
        }
        hp_reg.agg[id] = a;
    }
    return hp_reg.agg[id];
}

void hp_agg_add_stats(struct hp_site_agg *agg, const struct hp_site_stats *st) {
    struct hp_site_stats *s = (struct hp_site_stats *)st; /* atomics need non-const */
    agg->calls += hp_stats_calls(s);
    agg->timed += HP_LOAD(s->calls);
    if (HP_LOAD(s->period) > agg->period)
        agg->period = HP_LOAD(s->period);
    agg->total += HP_LOAD(s->total);
    agg->sum += HP_LOAD(s->sum);
    agg->self += HP_LOAD(s->self);
    /* before the first randomly timed call, every timed call was certain */
    bool split = HP_LOAD(s->phase) == 2;
    agg->det_calls += HP_LOAD(*(split ? &s->det_calls : &s->calls));
    agg->det_total += HP_LOAD(*(split ? &s->det_total : &s->total));
    agg->det_sum += HP_LOAD(*(split ? &s->det_sum : &s->sum));
    agg->det_self += HP_LOAD(*(split ? &s->det_self : &s->self));
    uint64_t mn = HP_LOAD(s->min), mx = HP_LOAD(s->max);
    if (mn < agg->min)
        agg->min = mn;
    if (mx > agg->max)
        agg->max = mx;
    for (uint32_t g = 0; g < HP_HIST_GROUPS; g++)
        if (hp_stats_chunk(s, g))
            for (uint32_t i = g * HP_HIST_CHUNK; i < (g + 1) * HP_HIST_CHUNK && i < HP_HIST_BUCKETS;
                 i++)
                agg->hist[i] += HP_LOAD(*hp_hist_counter(s, i));
    uint32_t p = hp_hist_pending_bucket(s);
    if (p < HP_HIST_BUCKETS)
        agg->hist[p]++;
    struct hp_alloc_stats *a = atomic_load_explicit(&s->alloc, memory_order_acquire);
    if (a)
        hp_alloc_agg_add(&agg->alloc, a);
}

void hp_agg_merge(struct hp_site_agg *agg, const struct hp_site_agg *m) {
    agg->calls += m->calls;
    agg->timed += m->timed;
    if (m->period > agg->period)
        agg->period = m->period;
    agg->total += m->total;
    agg->sum += m->sum;
    agg->self += m->self;
    agg->det_calls += m->det_calls;
    agg->det_total += m->det_total;
    agg->det_sum += m->det_sum;
    agg->det_self += m->det_self;
    if (m->min < agg->min)
        agg->min = m->min;
    if (m->max > agg->max)
        agg->max = m->max;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        agg->hist[i] += m->hist[i];
    hp_alloc_agg_merge(&agg->alloc, &m->alloc);
}

/* Moves a thread's histogram of bytes per call into the global aggregate
 * before a 32-bit counter could wrap: once per 2^32 - 1 calls of one site
 * on one thread. */
static __attribute__((noinline, cold)) void fold_histogram(struct hp_site_stats *st) {
    struct hp_alloc_stats *a = HP_LOAD(st->alloc);
    if (hp_tls.busy || !a)
        return; /* busy: a signal handler while this thread may hold hp_lock: next time */
    hp_lock_enter();
    struct hp_site_agg *agg = hp_agg_for(st->site->id);
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++) {
        if (agg)
            agg->alloc.hist[i] += HP_LOAD(a->hist[i]);
        HP_STORE(a->hist[i], 0);
    }
    hp_lock_leave();
}

/* ======================================================================== */
/* Registry                                                                 */
/* ======================================================================== */

static bool same_str(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

static uint32_t hash_str(uint32_t h, const char *s) {
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u; /* FNV-1a */
    return (h ^ 0xff) * 16777619u;
}

/* A file is compared by its last component: compilers spell the path of
 * one header differently (GCC "util.h", Clang "./util.h" for the same
 * #include "util.h"). */
static const char *file_key(const char *file) {
    const char *slash = file ? strrchr(file, '/') : NULL;
    return slash ? slash + 1 : file;
}

static uint32_t site_hash(const struct hotpath_site *s) {
    uint32_t h = hash_str(hash_str(2166136261u, s->name), file_key(s->file));
    return (h ^ s->line ^ (s->kind << 24)) * 16777619u;
}

static bool same_function(const struct hotpath_site *a, const struct hotpath_site *b) {
    return a->line == b->line && a->kind == b->kind && same_str(a->name, b->name) &&
           same_str(file_key(a->file), file_key(b->file));
}

/* The slot of `site`'s entry in the hash table, or the empty slot where it
 * would go. */
static uint32_t *hash_slot(const struct hotpath_site *site) {
    uint32_t mask = hp_reg.hash_cap - 1;
    for (uint32_t i = site_hash(site) & mask;; i = (i + 1) & mask)
        if (hp_reg.hash[i] == 0 || same_function(hp_reg.sites[hp_reg.hash[i]], site))
            return &hp_reg.hash[i];
}

/* Room for one more entry: the arrays by id and the hash table (kept at
 * most half full). Caller holds hp_lock. */
static bool registry_reserve(void) {
    if (hp_reg.count == 0)
        hp_reg.count = 1;
    if (hp_reg.count >= hp_reg.cap) {
        /* small first: a short process's few sites, its thread state and
         * its first stats blocks then fit in one page */
        uint32_t cap = hp_reg.cap ? hp_reg.cap * 2 : 16;
        struct hotpath_site **s = hp_mem_alloc(cap * sizeof *s);
        struct hp_site_agg **a = hp_mem_alloc(cap * sizeof *a);
        if (!s || !a) {
            hp_mem_free(s, cap * sizeof *s);
            hp_mem_free(a, cap * sizeof *a);
            return false;
        }
        if (hp_reg.cap) {
            memcpy(s, hp_reg.sites, hp_reg.cap * sizeof *s);
            memcpy(a, hp_reg.agg, hp_reg.cap * sizeof *a);
        }
        hp_mem_free(hp_reg.sites, hp_reg.cap * sizeof *s);
        hp_mem_free(hp_reg.agg, hp_reg.cap * sizeof *a);
        hp_reg.sites = s;
        hp_reg.agg = a;
        hp_reg.cap = cap;
    }
    if ((uint64_t)hp_reg.count * 2 >= hp_reg.hash_cap) {
        uint32_t cap = hp_reg.hash_cap ? hp_reg.hash_cap * 2 : 32;
        uint32_t *h = hp_mem_alloc(cap * sizeof *h);
        if (!h)
            return false;
        hp_mem_free(hp_reg.hash, hp_reg.hash_cap * sizeof *h);
        hp_reg.hash = h;
        hp_reg.hash_cap = cap;
        for (uint32_t id = 1; id < hp_reg.count; id++)
            *hash_slot(hp_reg.sites[id]) = id;
    }
    return true;
}

/* The registry's copy of `site`, made on the first registration of its
 * function: what the report reads, whatever becomes of the program's. */
static uint32_t add_entry(const struct hotpath_site *site) {
    if (!registry_reserve())
        return 0;
    struct hotpath_site *e = hp_mem_alloc(sizeof *e);
    if (!e)
        return 0;
    e->name = mem_strdup(site->name);
    e->file = mem_strdup(site->file);
    e->percentiles = mem_strdup(site->percentiles);
    if ((site->name && !e->name) || (site->file && !e->file) ||
        (site->percentiles && !e->percentiles)) {
        hp_mem_free(e, sizeof *e); /* out of memory: the site is not measured */
        return 0;
    }
    e->line = site->line;
    e->kind = site->kind;
    e->flags = site->flags;
    e->id = hp_reg.count++;
    hp_reg.sites[e->id] = e;
    *hash_slot(e) = e->id;
    return e->id;
}

/* Gives the site its id (0 on failure: the site is then not measured): the
 * id of the entry of the same function if another unit's copy, or this
 * one in an earlier load of its library, registered first. */
static uint32_t register_site(struct hotpath_site *site) {
    hp_lock_enter();
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    if (id == 0) {
        uint32_t *slot = hp_reg.hash_cap ? hash_slot(site) : NULL;
        id = slot && *slot ? *slot : add_entry(site);
        if (id)
            __atomic_store_n(&site->id, id, __ATOMIC_RELEASE);
    }
    hp_lock_leave();
    return id;
}

/* ======================================================================== */
/* Per-thread state                                                         */
/* ======================================================================== */

static struct hp_thread *thread_init(void) {
    hp_runtime_init();
    hp_busy_enter(); /* what libc allocates for us here is not the program's */
    hp_lock_enter();
    struct hp_thread *t = hp_mem_alloc(sizeof *t);
    /* The frame stack is reserved, not touched: pages appear as depth grows. */
    /* Frame -1 is a spare: pop adds a depth-0 call's time to its child. */
    void *stack = t ? mmap(NULL, (HP_MAX_DEPTH + 1) * sizeof(struct hp_frame), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                    : MAP_FAILED;
    if (stack == MAP_FAILED) {
        hp_mem_free(t, sizeof *t);
        hp_lock_leave();
        hp_busy_leave();
        return NULL;
    }
    t->stack = (struct hp_frame *)stack + 1;
    t->alloc = &hp_tls.alloc;
    hp_thread_identify(t); /* threads.c */
    t->next = hp_reg.threads;
    if (t->next)
        t->next->prev = t;
    hp_reg.threads = t;
    hp_lock_leave();
    pthread_setspecific(thread_key, t);
    hp_tls.depth = 0;
    hp_tls.stack = t->stack;
    hp_tls.rng = ((uintptr_t)t * UINT64_C(0x9E3779B97F4A7C15)) ^ hp_now() ^ 1;
    atomic_signal_fence(memory_order_seq_cst);
    hp_tls.thread = t;
    hp_busy_leave();
    hp_signals_start(); /* signals.c: the reporter thread, once something is measured */
    return t;
}

struct hp_thread *hp_thread_get(void) {
    return hp_tls.thread ? hp_tls.thread : hp_tls.busy ? NULL : thread_init();
}

/* Makes room in t's by_id for `id`. The outgrown array stays readable until
 * the thread ends: code a signal handler interrupted may still index it,
 * with the count it read first (published last, below). Caller holds
 * hp_lock. */
static bool grow_by_id(struct hp_thread *t, uint32_t id) {
    uint32_t n = t->nids ? t->nids : 64;
    while (n <= id)
        n *= 2;
    if (t->by_id && t->nold == sizeof t->old_by_id / sizeof t->old_by_id[0])
        return false;
    struct hp_site_stats **b = hp_mem_alloc(n * sizeof *b);
    if (!b)
        return false;
    if (t->by_id) {
        memcpy(b, t->by_id, t->nids * sizeof *b);
        t->old_nids[t->nold] = t->nids;
        t->old_by_id[t->nold++] = t->by_id;
    }
    t->by_id = b;
    t->nids = n;
    hp_tls.by_id = b;
    atomic_signal_fence(memory_order_seq_cst);
    hp_tls.nids = n;
    return true;
}

/* The stats block of site `id` for thread t, created on the thread's first
 * call of the site. Kept out of by_id for main sites, so that their enter
 * always takes the slow path. */
static struct hp_site_stats *thread_stats(struct hp_thread *t, uint32_t id) {
    if (id < t->nids && t->by_id[id])
        return t->by_id[id];
    hp_lock_enter();
    struct hotpath_site *e = hp_reg.sites[id];
    struct hp_site_stats *st = NULL;
    if (e->kind == HOTPATH_KIND_MAIN)
        for (struct hp_site_stats *s = HP_LOAD(t->stats); s && !st; s = HP_LOAD(s->next))
            if (s->site == e && !s->before_window)
                st = s;
    if (!st && (st = hp_mem_alloc(sizeof *st))) {
        st->site = e;
        HP_STORE(st->min, UINT64_MAX);
        HP_STORE(st->period, 1);
        if (e->kind != HOTPATH_KIND_MAIN && e->kind != HP_KIND_CALIBRATION) {
            uint32_t n = HOTPATH_SITE_SAMPLE(e->flags);
            if (hp_config.from_env & (1u << HP_OPT_sample))
                n = (uint32_t)hp_config.sample;
            hp_stats_set_period(st, n);
        }
        if (e->kind != HOTPATH_KIND_MAIN && id >= t->nids && !grow_by_id(t, id)) {
            hp_mem_free(st, sizeof *st);
            st = NULL;
        } else {
            if (e->kind != HOTPATH_KIND_MAIN)
                t->by_id[id] = st;
            HP_STORE(st->next, HP_LOAD(t->stats));
            atomic_store_explicit(&t->stats, st, memory_order_release);
        }
    }
    hp_lock_leave();
    return st;
}

/* Merges an exiting thread into the aggregates; runs as its TLS destructor. */
static void thread_exit(void *arg) {
    struct hp_thread *t = arg;
    hp_busy_enter();
    hp_lock_enter();
    for (struct hp_site_stats *s = HP_LOAD(t->stats); s; s = HP_LOAD(s->next)) {
        struct hp_site_agg *agg = s->before_window ? NULL : hp_agg_for(s->site->id);
        if (agg)
            hp_agg_add_stats(agg, s);
    }
    hp_trec_thread_exit(t); /* threads.c: its row in the report's Threads section */
    hp_reg.dropped += atomic_load(&t->dropped);
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
    hp_lock_leave();

    /* A measured function running after this (another TLS destructor)
     * starts a fresh state, merged again when the thread ends. */
    hp_tls.thread = NULL;
    hp_tls.nids = 0;
    atomic_signal_fence(memory_order_seq_cst);
    hp_tls.by_id = NULL;
    hp_tls.depth = 0;
    hp_tls.stack = NULL;
    munmap(t->stack - 1, (HP_MAX_DEPTH + 1) * sizeof(struct hp_frame));
    hp_alloc_thread_exit(t);
    hp_lock_enter();
    for (struct hp_site_stats *s = HP_LOAD(t->stats), *n; s; s = n) {
        n = HP_LOAD(s->next);
        for (uint32_t g = 1; g < HP_HIST_GROUPS; g++) /* 0 and 1: one pair */
            hp_hist_chunk_free(hp_stats_chunk(s, g == 1 ? 0 : g), g == 1);
        hp_mem_free(HP_LOAD(s->alloc), sizeof(struct hp_alloc_stats));
        hp_mem_free(s, sizeof *s);
    }
    for (uint32_t i = 0; i < t->nold; i++)
        hp_mem_free(t->old_by_id[i], t->old_nids[i] * sizeof *t->by_id);
    hp_mem_free(t->by_id, t->nids * sizeof *t->by_id);
    hp_mem_free(t, sizeof *t);
    hp_lock_leave();
    hp_busy_leave();
}

/* ======================================================================== */
/* The main window                                                          */
/* ======================================================================== */

/*
 * What was recorded before the window opened is not the window's: every
 * stats block that exists now (every thread's) is set aside, out of the
 * report, and the thread's next call of the site starts a new one; the
 * merged figures of threads already gone are cleared. A call in flight
 * records into the block it entered with, so it is not counted: the window
 * holds the calls that begin after it opens. Caller holds hp_lock.
 */
static void window_open_locked(void) {
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next) {
        for (struct hp_site_stats *s = HP_LOAD(t->stats); s; s = HP_LOAD(s->next)) {
            uint32_t id = s->site->id;
            s->before_window = true;
            if (id < t->nids && t->by_id[id] == s)
                __atomic_store_n(&t->by_id[id], NULL, __ATOMIC_RELAXED);
        }
        atomic_store(&t->dropped, 0);
        hp_thread_measured_restart(t); /* threads.c */
    }
    for (uint32_t id = 1; id < hp_reg.count; id++)
        if (hp_reg.agg[id])
            hp_agg_init(hp_reg.agg[id]);
    hp_reg.dropped = 0;
    hp_trec_reset(); /* threads.c: exited threads' rows go with their figures */
}

/* What a main site asks for, unless the environment said otherwise. */
static void apply_main_flags(uint32_t flags) {
    if (!(flags & HOTPATH_FLAG_ALLOC) || (hp_config.from_env & (1u << HP_OPT_alloc)))
        return;
    if (!(hp_config.from_env & (1u << HP_OPT_alloc_cumulative)))
        hp_alloc_cumulative = flags & HOTPATH_FLAG_ALLOC_CUMULATIVE;
    hp_alloc_enable(true);
}

/* Opens the window if it is the first main site to be entered. */
static bool window_open(const struct hotpath_site *e) {
    hp_lock_enter();
    bool first = hp_window.name == NULL && !hp_report_done();
    if (first) {
        window_open_locked();
        hp_window.name = e->name;
        hp_window.percentiles = e->percentiles;
        hp_window.alloc_bytes0 = hp_alloc_bytes_locked();
    }
    hp_lock_leave();
    if (first) {
        apply_main_flags(e->flags);
        /* bad HOTPATH_* values whose fallback is this main's: say so now */
        hp_busy_enter();
        hp_config_settle(stderr, &(struct hp_main_request){e->name, e->percentiles, e->flags});
        hp_busy_leave();
    }
    return first;
}

/* ======================================================================== */
/* Recording                                                                */
/* ======================================================================== */

/* The caller's stack pointer at its call of the function this is inlined
 * into: what setjmp saves, so that longjmp can compare the two. */
#define CALLER_SP() ((uintptr_t)__builtin_dwarf_cfa())

/*
 * What record() leaves to a cold path, after the frame is released, for a
 * call that took `dur` and counted the previous call into arena counter
 * `old`: if that counter wrapped to 0, its 65,536 counts go to the site's
 * merged aggregate; if the call's bucket has no chunk yet (the first call
 * of the site on this thread in that power of two), it gets one and
 * becomes the pending bucket. Not from a signal handler that interrupted
 * the runtime, nor with the arena full: the call is then counted but not
 * binned, and its rank in a percentile reads as the observed maximum.
 */
static __attribute__((noinline, cold)) void record_slow(struct hp_site_stats *st, uint32_t old,
                                                       uint64_t dur) {
    if (HP_UNLIKELY(HP_LOAD(st->calls) == HP_LOAD(hp_adapt_at)))
        hp_adapt(st); /* calibrate.c */
    uint32_t wrapped = old >= HP_HIST_TRASH && HP_LOAD(hp_hist_arena[old]) == 0 ? old : 0;
    if (wrapped && hp_config.compensate && st->site->kind != HP_KIND_CALIBRATION)
        hp_recalibrate_maybe(); /* calibrate.c: every 65,536 calls of a bucket at most */
    uint32_t b = hp_hist_index(dur), c = hp_stats_chunk(st, b / HP_HIST_CHUNK);
    if (c) { /* the chunk is there: a wrap, or a duration past the last bucket */
        if (HP_LOAD(st->pending) < HP_HIST_TRASH) /* the latter: record() binned it in chunk 0 */
            HP_STORE(st->pending, c * HP_HIST_CHUNK + b % HP_HIST_CHUNK);
        b = HP_HIST_BUCKETS;
    }
    if (hp_tls.busy || (!wrapped && b == HP_HIST_BUCKETS))
        return;
    hp_lock_enter();
    if (wrapped && !st->before_window) {
        uint32_t wc = wrapped / HP_HIST_CHUNK;
        struct hp_site_agg *agg = hp_agg_for(st->site->id);
        for (uint32_t g = 0; agg && g < HP_HIST_GROUPS; g++)
            if (hp_stats_chunk(st, g) == wc)
                agg->hist[g * HP_HIST_CHUNK + wrapped % HP_HIST_CHUNK] += UINT64_C(1) << 16;
    }
    if (b < HP_HIST_BUCKETS) {
        uint32_t g = b / HP_HIST_CHUNK;
        c = hp_hist_chunk_new(g < 2);
        if (c) {
            hp_stats_set_chunk(st, g, c);
            HP_STORE(st->pending, (g == 1 ? c + 1 : c) * HP_HIST_CHUNK + b % HP_HIST_CHUNK);
        }
    }
    hp_lock_leave();
}

/* The arena index of the counter of a call that took `dur` ticks (in
 * chunk 0 or 1 when its group has no chunk; see hist_off in internal.h):
 * (dur >> s) + hist_off[s] for the shift s = max(log2(dur), 6) - 6. In
 * assembly on x86-64, 6 instructions where the compiler's took 9 (it does
 * not fold the table's offset into the address, nor bsr's 63 - clz). */
static inline __attribute__((always_inline)) uint32_t hist_slot(struct hp_site_stats *st,
                                                                uint64_t dur) {
#if defined(__x86_64__)
    uint64_t s, v = dur;
    __asm__("bsrq %[m], %[s]\n\t"
            "subl $%c[sub], %k[s]\n\t"
            "shrq %%cl, %[v]\n\t"
            "addl %c[off](%[st],%[s],4), %k[v]"
            : [s] "=&c"(s), [v] "+r"(v)
            : [m] "r"(dur | 64u), [st] "r"(st), "m"(st->hist_off),
              [off] "i"(offsetof(struct hp_site_stats, hist_off)), [sub] "i"(HP_HIST_SUB_BITS)
            : "cc");
    return (uint32_t)v;
#else
    uint32_t s = 63u - (uint32_t)__builtin_clzll(dur | 64u) - HP_HIST_SUB_BITS;
    return (uint32_t)(dur >> s) + HP_LOAD(st->hist_off[s]);
#endif
}

/* Records one call but for its activation (pop): .slow when record_slow
 * has something to do, with the previous pending counter in .old. Returned
 * by value, not through a pointer to a local of pop: under ASan that local
 * would be addressable, and hotpath_exit would take a fake stack frame a
 * call (clang's default detect_stack_use_after_return=1), which cost
 * ~500 ns a call and threw the calibration off by as much. */
struct hp_recorded {
    bool slow;
    uint32_t old;
};

static inline __attribute__((always_inline)) struct hp_recorded record(struct hp_site_stats *st,
                                                                       uint64_t dur,
                                                                       uint64_t child) {
    HP_ADD64(st->self, dur - child);
    HP_ADD64(st->calls, 1);
    HP_ADD64(st->sum, dur);
    uint32_t old = HP_LOAD(st->pending);
    _Atomic uint16_t *ctr = &hp_hist_arena[old];
    hp_hist_inc(ctr);
    /* hp_hist_index's shift, without its clamp: past the last bucket, the
     * groups have no chunk, and record_slow clamps (internal.h, hist_off) */
    uint32_t p = hist_slot(st, dur);
    HP_STORE(st->pending, p);
    /* Branches that a new extreme mispredicts: rare after the first calls,
     * and two instructions each where compare-and-store took four. */
    if (HP_UNLIKELY(hp_below(dur, &st->min)))
        HP_STORE(st->min, dur);
    if (HP_UNLIKELY(hp_above(dur, &st->max)))
        HP_STORE(st->max, dur);
    /* wrapped: read back (forwarded from the store) rather than kept in a
     * register across the rest, which cost two saved registers; the
     * adaptive mode's look at the warm-up's end likewise (hp_adapt_at is 0,
     * never met, unless HOTPATH_ADAPTIVE) */
    bool slow =
        p < HP_HIST_TRASH || !HP_LOAD(*ctr) || hp_equal(HP_LOAD(st->calls), &hp_adapt_at);
    return (struct hp_recorded){slow, old};
}

/* A bucket of bytes per call holds at most the calls since the last fold:
 * the fold must come before the 2^32nd, so that no 32-bit counter wraps. */
static inline bool needs_fold(struct hp_site_stats *st) {
    return (uint32_t)HP_LOAD(st->calls) == UINT32_MAX;
}

/* The clock read inline on the hot path: the TSC when it is the source
 * (checked by the caller), the general one elsewhere. */
static inline __attribute__((always_inline)) uint64_t read_clock(bool tsc, bool at_exit) {
#ifdef HP_HAVE_RDTSC
    if (tsc) /* ordered as clock.h says */
        return at_exit ? hp_tsc_exit() : hp_tsc_enter();
#endif
    (void)tsc;
    (void)at_exit;
    return hp_now();
}

/*
 * Pushes a frame; the caller has checked depth < HP_MAX_DEPTH. A signal
 * handler may run between any two steps, and its enter/exit pairs leave
 * depth and active as they found them: so the activation is counted before
 * the frame is reserved (a nested call of the same site then knows it is
 * not the outermost), and the frame is reserved (depth) before it is
 * filled (a nested push goes above it). The signal fences keep the
 * compiler from reordering these steps; they emit no instruction. d is
 * the depth the caller read: a handler since then has put it back.
 */
static inline __attribute__((always_inline)) uint64_t push(struct hp_site_stats *st,
                                                           const struct hotpath_site *site,
                                                           uint32_t d, uintptr_t sp, bool tsc) {
    struct hp_frame *f = &hp_tls.stack[d];
    st->active++;
    atomic_signal_fence(memory_order_seq_cst);
    hp_tls.depth = d + 1;
    atomic_signal_fence(memory_order_seq_cst);
    f->site = site;
    f->st = st;
    f->child = 0; /* ovh is 0 already: pop and drop_frames_from leave it so */
    f->sp = sp;
    f->total0 = HP_LOAD(st->total); /* see struct hp_frame */
    f->start = read_clock(tsc, false);
    return d + 1;
}

/* Forgets frames at depth >= d: measurements whose function was left by
 * longjmp (or an exception through a unit built without unwind tables).
 * Each frame is read before it is released, and released (depth) after
 * its activation is uncounted, for the same reason as in push. */
static void drop_frames_from(uint32_t d) {
    for (uint32_t i = hp_tls.depth; i > d; i--) {
        struct hp_site_stats *st = hp_tls.stack[i - 1].st;
        st->active--;
        hp_tls.stack[i - 1].ovh = 0;
        if (hp_alloc_on)
            hp_alloc_frame_drop(i - 1);
        atomic_signal_fence(memory_order_seq_cst);
        hp_tls.depth = i - 1;
    }
}

/* Pops the top frame f, at depth d, recording it as ending at `now`: the
 * frame is read before it is released (a handler's push after the release
 * reuses it), and its activation uncounted before (as in push); the rest
 * is recorded after the release, from registers and the site's record,
 * with the depth's register free (one saved register less). */
static inline __attribute__((always_inline)) void pop(struct hp_frame *f, uint32_t d,
                                                     uint64_t now, bool add_total) {
    /* Overhead compensation (calibrate.c), when HOTPATH_COMPENSATE asks
     * for it (fixed at start-up; on by default): the window loses this
     * call's own probe part and its measured callees' whole probe cost,
     * never going below zero; the caller's window is charged what was
     * taken out here plus this call's part outside its window. That costs
     * the exit about 10.5 instructions (callgrind, bench/hot_sampling.c;
     * 14 with a branch for the clamp instead of the cmov). Off, ovh stays
     * 0 and the duration is the raw one. The frame's ovh is left 0 for the
     * next push, which does not store it. */
    struct hp_site_stats *st = f->st;
    uint64_t raw = now - f->start, dur = raw, child = f->child;
    if (HP_UNLIKELY(hp_config.compensate)) {
        uint64_t cost = f->ovh + HP_LOAD(hp_comp.in);
        uint64_t taken = raw < cost ? raw : cost; /* a cmov: the duration stays >= 0 */
        dur = raw - taken;
        f[-1].ovh += taken + HP_LOAD(hp_comp.out);
        f->ovh = 0;
    }
    st->active--;
    if (add_total) /* a constant but in exit_slow: HP_TOKEN_NESTED */
        HP_STORE(st->total, f->total0 + dur);
    atomic_signal_fence(memory_order_seq_cst);
    hp_tls.depth = d;
    HP_ADD64(f[-1].child, dur); /* the stack's frame -1 is a spare, for d == 0 */
    struct hp_recorded r = record(st, dur, child);
    if (HP_UNLIKELY(r.slow))
        record_slow(st, r.old, dur);
}

static uint64_t enter_open(struct hotpath_site *site, uintptr_t sp) {
    struct hp_thread *t = hp_tls.thread;
    if (HP_UNLIKELY(!t)) { /* a copy that is not the process's runtime hands the call over */
        hp_runtime_init();
        if (HP_UNLIKELY(hp_is_secondary()))
            return hp_primary ? hp_primary->enter(site, sp) : 0;
    }
    if (hp_tls.busy) {
        /* The runtime is at work on this thread and may hold hp_lock: a
         * signal handler's call, not measured, counted as dropped. */
        if (t)
            atomic_fetch_add(&t->dropped, 1);
        return 0;
    }
    if (!t && !(t = thread_init()))
        return 0;
    if (HP_UNLIKELY(hp_signals_pending)) { /* a forked child's first measured call */
        /* The runtime's own time: out of the measurements open around it. */
        uint64_t t0 = hp_now();
        hp_signals_start();
        uint64_t dt = hp_now() - t0;
        for (uint32_t i = 0; i < hp_tls.depth; i++)
            hp_tls.stack[i].start += dt;
    }
    if (hp_tls.depth >= HP_MAX_DEPTH) {
        atomic_fetch_add(&t->dropped, 1);
        return 0;
    }
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    if (id == 0 && (id = register_site(site)) == 0)
        return 0;
    struct hp_site_stats *st = thread_stats(t, id);
    if (!st)
        return 0;
    /* Once per process, where measuring starts: the registry and this
     * thread's state are set up by now, so the calibration adds little
     * more than its own calls (calibrate.c). */
    static _Atomic bool calibrated; /* a plain load after the first: tracing and
                                     * allocation tracking come here every call */
    if (HP_UNLIKELY(!atomic_load_explicit(&calibrated, memory_order_relaxed)) &&
        !atomic_exchange_explicit(&calibrated, true, memory_order_relaxed))
        hp_calibrate();
    bool first = st->site->kind == HOTPATH_KIND_MAIN && window_open(st->site);
    if (first) /* the window set the thread's blocks aside: this one too */
        st = thread_stats(t, id);
    if (!st)
        return 0;
    if (hp_alloc_on)
        hp_alloc_frame_begin(hp_tls.depth);
    uint64_t token = push(st, site, hp_tls.depth, sp, false);
    if (first)
        hp_window.start = hp_tls.stack[token - 1].start;
    return token | (first ? HP_TOKEN_MAIN : 0);
}

static __attribute__((noinline)) uint64_t enter_slow(struct hotpath_site *site, uintptr_t sp) {
    return enter_open(site, sp) | HP_TOKEN_SLOW;
}

/*
 * Sampling: the timed call of a site whose period N on this thread is
 * above 1 draws how many of the following calls are only counted: the gap
 * to the next timed call is uniform on 1..2N-1 (mean N), from a per-thread
 * xorshift64* generator. A fixed gap of N would alias with a program that
 * alternates between kinds of call with a period dividing N (every timed
 * call the same kind); random gaps make every call equally likely to be
 * timed in the long run, whatever the program's rhythm, so calls / timed
 * calls scales the timed figures without bias. Drawn before the clock is
 * read: the draw is not in the call's time.
 */
static __attribute__((noinline)) uint64_t enter_sampled(struct hotpath_site *site,
                                                        struct hp_site_stats *st, uint32_t d,
                                                        uintptr_t sp) {
    uint32_t n = HP_LOAD(st->period);
    uint64_t x = hp_tls.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    hp_tls.rng = x;
    /* the calls to count before the next timed one: 0..2N-2 */
    uint32_t g = n > 1 ? (uint32_t)(((x * UINT64_C(0x2545F4914F6CDD1D)) >> 32) % (2u * n - 1)) : 0;
    HP_STORE(st->untimed, HP_LOAD(st->untimed) + HP_LOAD(st->gap) - HP_LOAD(st->skip));
    /* the untimed calls' estimate until the next timed one: the mean Self
     * so far (a signed sum, record(); none below zero) */
    uint64_t calls = HP_LOAD(st->calls);
    int64_t self = (int64_t)HP_LOAD(st->self);
    HP_STORE(st->est, calls && self > 0 ? (uint64_t)self / calls : 0);
    /* the first draw times this call for certain (the period was just
     * set); the call the next one times is the first random one: what
     * was recorded before it was timed for certain */
    uint8_t phase = HP_LOAD(st->phase);
    if (phase == 1) {
        HP_STORE(st->det_calls, calls);
        HP_STORE(st->det_total, HP_LOAD(st->total));
        HP_STORE(st->det_sum, HP_LOAD(st->sum));
        HP_STORE(st->det_self, HP_LOAD(st->self));
    }
    if (phase < 2)
        HP_STORE(st->phase, (uint8_t)(phase + 1));
    HP_STORE(st->gap, n > 1 ? g + 1 : 0);
    atomic_signal_fence(memory_order_seq_cst);
    HP_STORE(st->skip, n > 1 ? g + 1 : 0);
    uint64_t nested = st->active ? HP_TOKEN_NESTED | HP_TOKEN_SLOW : 0;
    return push(st, site, d, sp, true) | nested;
}

HP_API uint64_t hotpath_enter(struct hotpath_site *site) {
    uint32_t id = __atomic_load_n(&site->id, __ATOMIC_ACQUIRE);
    uint32_t nids = hp_tls.nids;
    /* by_id after nids: a handler's growth of by_id publishes them the
     * other way round (grow_by_id). */
    atomic_signal_fence(memory_order_seq_cst);
    uint32_t d = hp_tls.depth;
    struct hp_site_stats *st;
    if (HP_UNLIKELY(id >= nids || !(st = hp_tls.by_id[id]) || d >= HP_LOAD(hp_fast_depth)))
        return enter_slow(site, CALLER_SP());
    if (HP_UNLIKELY(!hp_zero32(&st->skip))) { /* sampled */
        uint32_t skip = HP_LOAD(st->skip);
        if (--skip) {
            /* counted, not timed: no frame, but an activation, so that a
             * timed call of the site inside it is not taken for the
             * outermost (recursion: Total counts outermost calls only);
             * its estimated Self goes to the enclosing frame's child time
             * (frame -1, the spare, at depth 0), one add to memory, which
             * a signal handler cannot split */
            HP_STORE(st->skip, skip);
            st->active++;
            HP_ADD64(hp_tls.stack[(int64_t)d - 1].child, HP_LOAD(st->est));
            return (uintptr_t)st | HP_TOKEN_UNTIMED;
        }
        return enter_sampled(site, st, d, CALLER_SP());
    }
    return push(st, site, d, CALLER_SP(), true);
}

static __attribute__((noinline)) void exit_slow(struct hotpath_site *site, uint64_t token,
                                                uint64_t now) {
    if (HP_UNLIKELY(hp_is_secondary())) {
        if (hp_primary)
            hp_primary->exit(site, token);
        return;
    }
    bool main_window = token & HP_TOKEN_MAIN;
    uint32_t d = (uint32_t)(token & ~(HP_TOKEN_MAIN | HP_TOKEN_SLOW | HP_TOKEN_NESTED));
    if (hp_clock_source != HP_CLOCK_TSC)
        now = hp_now(); /* the fast path read the TSC */
    if (d == 0 || d > hp_tls.depth || hp_tls.stack[d - 1].site != site)
        return; /* not measured, or already dropped */
    drop_frames_from(d); /* frames above ours were skipped by longjmp */
    struct hp_frame *f = &hp_tls.stack[d - 1];
    if (needs_fold(f->st))
        fold_histogram(f->st);
    if (hp_alloc_on)
        hp_alloc_frame_end(d - 1, f->st, f->st->active == 1);
    if (hp_trace_on && f->st->site->kind != HP_KIND_CALIBRATION) /* not the runtime's own */
        hp_trace_record(site->id, f->start, now); /* trace.c */
    pop(f, d - 1, now, !(token & HP_TOKEN_NESTED));
    if (main_window) {
        hp_window.end = now;
        hp_report_once();
    }
}

/* Everything but the common case goes to exit_slow, by a tail call, so
 * that this is a leaf function that saves no registers. A token from
 * enter_slow (HP_TOKEN_SLOW: allocation tracking, a clock other than the
 * TSC, the first call, a main, nothing opened) never equals the depth;
 * one from the fast enter is the depth, at least 1. */
HP_API void hotpath_exit(struct hotpath_site *site, uint64_t token) {
    if (HP_UNLIKELY((int64_t)token < 0)) { /* HP_TOKEN_UNTIMED: one test of the sign */
        ((struct hp_site_stats *)(uintptr_t)(token & ~HP_TOKEN_UNTIMED))->active--;
        return;
    }
    uint64_t now = read_clock(true, true);
    uint32_t d = hp_tls.depth;
    struct hp_frame *f = &hp_tls.stack[d - 1];
    if (HP_UNLIKELY(token != d || f->site != site)) {
        exit_slow(site, token, now);
        return;
    }
    pop(f, d - 1, now, true);
}

/* ======================================================================== */
/* longjmp                                                                  */
/* ======================================================================== */

/*
 * longjmp, _longjmp, siglongjmp and __longjmp_chk are interposed: before
 * jumping, the frames of the functions the jump leaves are dropped, those
 * whose caller's stack pointer is below the one setjmp saved (the stack
 * grows down). A jump from a signal handler on an alternate stack to the
 * thread's stack also drops the frames opened on the alternate stack. Then
 * glibc's own function (found by dlsym at start-up) jumps. On other
 * systems nothing is interposed: an enclosing exit drops the frames left
 * open (exit_slow).
 */
#if defined(__x86_64__) && defined(__GLIBC__)
typedef void (*longjmp_fn)(struct __jmp_buf_tag *, int) __attribute__((noreturn));
static longjmp_fn real_longjmp, real__longjmp, real_siglongjmp, real_longjmp_chk;

static void resolve_longjmp(void) {
    real_longjmp = (longjmp_fn)dlsym(RTLD_NEXT, "longjmp");
    real__longjmp = (longjmp_fn)dlsym(RTLD_NEXT, "_longjmp");
    real_siglongjmp = (longjmp_fn)dlsym(RTLD_NEXT, "siglongjmp");
    real_longjmp_chk = (longjmp_fn)dlsym(RTLD_NEXT, "__longjmp_chk");
}

/* The stack pointer setjmp saved, mangled by glibc (PTR_MANGLE: xor with
 * the pointer guard at %fs:0x30, then rotated left by 17 bits). */
static uintptr_t jmp_target_sp(const struct __jmp_buf_tag *env) {
    uintptr_t v = (uintptr_t)env->__jmpbuf[6], guard;
    __asm__("mov %%fs:0x30, %0" : "=r"(guard));
    return ((v >> 17) | (v << 47)) ^ guard;
}

static __attribute__((noinline)) void before_jump(const struct __jmp_buf_tag *env) {
    if (!hp_tls.thread || hp_tls.depth == 0)
        return;
    uintptr_t target = jmp_target_sp(env), here = (uintptr_t)__builtin_frame_address(0);
    uintptr_t alt_lo = 0, alt_hi = 0;
    stack_t ss;
    /* On one stack, a jump goes up (to higher addresses): one going down
     * leaves an alternate signal stack that lies above the thread's. */
    if (here > target && sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK)) {
        alt_lo = (uintptr_t)ss.ss_sp;
        alt_hi = alt_lo + ss.ss_size;
    }
    uint32_t d = hp_tls.depth;
    for (; d > 0; d--) {
        uintptr_t sp = hp_tls.stack[d - 1].sp;
        if (sp >= target && !(sp >= alt_lo && sp < alt_hi))
            break;
    }
    drop_frames_from(d);
}

static __attribute__((noreturn)) void jump(longjmp_fn *real, const char *name,
                                           struct __jmp_buf_tag *env, int val) {
    before_jump(env);
    if (!*real)
        *real = (longjmp_fn)dlsym(RTLD_NEXT, name);
    if (!*real) {
        fprintf(stderr, "[hotpath] cannot find %s in the C library\n", name);
        abort();
    }
    (*real)(env, val);
}

HP_API void longjmp(struct __jmp_buf_tag env[1], int val) {
    jump(&real_longjmp, "longjmp", env, val);
}
HP_API void _longjmp(struct __jmp_buf_tag env[1], int val) {
    jump(&real__longjmp, "_longjmp", env, val);
}
HP_API void siglongjmp(struct __jmp_buf_tag env[1], int val) {
    jump(&real_siglongjmp, "siglongjmp", env, val);
}
HP_API __attribute__((noreturn)) void __longjmp_chk(struct __jmp_buf_tag env[1], int val);
HP_API void __longjmp_chk(struct __jmp_buf_tag env[1], int val) {
    jump(&real_longjmp_chk, "__longjmp_chk", env, val);
}
#else
static void resolve_longjmp(void) {}
#endif

/* ======================================================================== */
/* _exit, _Exit, quick_exit                                                 */
/* ======================================================================== */

/*
 * A process that ends by _exit or _Exit runs no atexit handler, and one
 * that ends by quick_exit only its at_quick_exit ones: the runtime defines
 * _exit and _Exit, which write the report (signals.c says when and how)
 * and then call the next _exit: a sanitizer's interceptor linked into the
 * program (weak reference), else dlsym's next, so that a sanitizer's
 * interceptor of _exit still runs (resolve_exit), and registers an
 * at_quick_exit handler. The C library's own calls of _exit (from exit(),
 * after the atexit handlers) do not come here.
 */
typedef void (*exit_fn)(int) __attribute__((noreturn));
static exit_fn real_exit, libc_exit; /* libc_exit: dlsym's next, for a second entry */
/* A sanitizer's _exit, where its runtime is linked into the program (as
 * for sigaction in signals.c). */
extern void __interceptor__exit(int) __attribute__((weak, noreturn));
extern void ___interceptor__exit(int) __attribute__((weak, noreturn));

static void resolve_exit(void) {
    libc_exit = (exit_fn)dlsym(RTLD_NEXT, "_exit");
    real_exit = __interceptor__exit ? __interceptor__exit : ___interceptor__exit;
    if (!real_exit)
        real_exit = libc_exit;
}

/* Where the sanitizer's library comes before the runtime's, its _exit's
 * next is the runtime's _exit, which comes here again: the second time,
 * dlsym's next (as for sigaction, signals.c). */
static __thread int exiting __attribute__((tls_model("initial-exec")));

void hp_real_exit(int status) {
    exit_fn f = exiting++ ? libc_exit : real_exit;
    if (f)
        f(status);
    for (;;)
        syscall(SYS_exit_group, status);
}

/* The primary's at_exit work, from any copy. */
void hp_copy_before_exit(void) { hp_signals_before_exit(at_exit); }

static void before_exit(void) {
    if (HP_UNLIKELY(hp_is_secondary())) {
        if (hp_primary)
            hp_primary->before_exit();
        return;
    }
    hp_copy_before_exit();
}

static void at_quick_exit_report(void) { before_exit(); }

HP_API void _exit(int status) {
    before_exit();
    hp_real_exit(status);
}
HP_API void _Exit(int status) {
    before_exit();
    hp_real_exit(status);
}

uint64_t hp_alloc_bytes_locked(void) {
    uint64_t sum = hp_reg.alloc_bytes;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        sum += HP_LOAD(t->alloc->bytes);
    return sum;
}

HP_API int hotpath_report(void) {
    if (HP_UNLIKELY(hp_is_secondary()))
        return hp_primary ? hp_primary->report() : -1;
    return hp_report_once() ? 0 : -1;
}

/* What this copy offers the others (copies.c), should it be the primary:
 * bound here, never to another copy's exported hotpath_exit. */
uint64_t hp_copy_enter(struct hotpath_site *site, uintptr_t sp) { return enter_slow(site, sp); }
extern __typeof__(hotpath_exit) hp_copy_exit __attribute__((alias("hotpath_exit")));
extern __typeof__(hotpath_report) hp_copy_report __attribute__((alias("hotpath_report")));
