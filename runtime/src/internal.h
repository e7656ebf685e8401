/*
 * internal.h — state shared by the runtime's source files (private).
 *
 * Who writes what:
 *   - a thread's hp_site_stats are written only by that thread, with relaxed
 *     atomic loads and stores (plain moves on x86-64) so that the report,
 *     which may read them while the thread runs, is race-free;
 *   - the registry, the list of live threads, the merged aggregates and
 *     the runtime's own memory (hp_mem_alloc) are guarded by hp_lock, which
 *     the hot path never takes; a thread takes it only through
 *     hp_lock_enter, which marks the thread busy first, so that a signal
 *     handler on that thread never waits for the lock its thread holds.
 *
 * Signal handlers: a handler may run between any two instructions of the
 * runtime on its thread. The per-thread frame stack is therefore changed in
 * an order a nested enter/exit cannot break (see push and pop in core.c),
 * and nothing a handler can reach calls malloc: the slow paths take their
 * memory from hp_mem_alloc (mmap'ed, never malloc).
 */
#ifndef HOTPATH_INTERNAL_H
#define HOTPATH_INTERNAL_H

#include <hotpath/hotpath.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "histogram.h"

#define HP_API __attribute__((visibility("default")))
/* On the runtime's globals the hot path reads: declared hidden, they are
 * reached by one %rip-relative access, not through the GOT (-fvisibility
 * covers definitions only, not extern declarations). */
#define HP_HIDDEN __attribute__((visibility("hidden")))
#define HP_LIKELY(x) __builtin_expect(!!(x), 1)
#define HP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HP_LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define HP_STORE(x, v) atomic_store_explicit(&(x), (v), memory_order_relaxed)
/* Owner-only increment: a load and a store, not a locked read-modify-write. */
#define HP_ADD(x, v) HP_STORE(x, HP_LOAD(x) + (v))
/* The same for a 64-bit counter of the hot path, as one instruction on
 * x86-64 (an add to memory, not locked: other threads only read, and a
 * signal handler cannot split one instruction). */
#if defined(__x86_64__)
#define HP_ADD64(x, v) __asm__("addq %1, %0" : "+m"(*(uint64_t *)&(x)) : "er"((uint64_t)(v)))
#else
#define HP_ADD64(x, v) HP_ADD(x, v)
#endif
/* v < x, v > x and v == x for a 64-bit counter of the owner (or a global
 * set once), with x read by the compare itself (one instruction where a
 * load and a compare took two). */
#if defined(__x86_64__)
static inline bool hp_below(uint64_t v, _Atomic uint64_t *x) {
    bool b;
    __asm__("cmpq %1, %2" : "=@ccb"(b) : "m"(*(uint64_t *)x), "r"(v));
    return b;
}
static inline bool hp_above(uint64_t v, _Atomic uint64_t *x) {
    bool a;
    __asm__("cmpq %1, %2" : "=@cca"(a) : "m"(*(uint64_t *)x), "r"(v));
    return a;
}
static inline bool hp_equal(uint64_t v, _Atomic uint64_t *x) {
    bool e;
    __asm__("cmpq %1, %2" : "=@ccz"(e) : "m"(*(uint64_t *)x), "r"(v));
    return e;
}
/* x == 0, as one compare with memory (a load and a test took two). */
static inline bool hp_zero32(_Atomic uint32_t *x) {
    bool z;
    __asm__("cmpl $0, %1" : "=@ccz"(z) : "m"(*(uint32_t *)x));
    return z;
}
#else
static inline bool hp_zero32(_Atomic uint32_t *x) { return HP_LOAD(*x) == 0; }
static inline bool hp_equal(uint64_t v, _Atomic uint64_t *x) { return v == HP_LOAD(*x); }
static inline bool hp_below(uint64_t v, _Atomic uint64_t *x) { return v < HP_LOAD(*x); }
static inline bool hp_above(uint64_t v, _Atomic uint64_t *x) { return v > HP_LOAD(*x); }
#endif

#define HP_MAX_DEPTH 4096 /* open measurements per thread; deeper ones are dropped */
#define HP_TOKEN_MAIN (UINT64_C(1) << 61)
/* Set on every token enter_slow returns (with depth 0 when nothing was
 * opened): it never equals the depth, so the matching exit takes exit_slow
 * without a test of its own on the fast path. */
#define HP_TOKEN_SLOW (UINT64_C(1) << 62)
/* A timed call of a sampled site inside another activation of that site
 * (enter_sampled, with HP_TOKEN_SLOW): its exit leaves Total alone. The
 * enclosing activation may be an untimed one, which has no frame to
 * replace what this call would add: Total keeps counting outermost calls
 * only, as the sampled estimate of Total expects. */
#define HP_TOKEN_NESTED (UINT64_C(1) << 60)
/* The token of a call that sampling counted without timing (no frame):
 * its statistics block's address with this bit set (user addresses are
 * below 2^47), so that the exit can close the activation it counted. */
#define HP_TOKEN_UNTIMED (UINT64_C(1) << 63) /* the sign: one test in the exit */

/* Allocation figures of one site on one thread (alloc.c); created on the
 * thread's first call of the site while allocation tracking is on. */
struct hp_alloc_stats {
    _Atomic uint64_t calls;
    _Atomic uint64_t bytes_total; /* exclusive: every call; cumulative: outermost calls */
    _Atomic uint64_t bytes_sum;   /* every call: the basis of Bytes avg */
    _Atomic uint64_t count_total; /* allocations, counted as bytes_total is */
    _Atomic uint64_t peak_bytes;  /* largest per-call peak of live bytes above entry */
    _Atomic uint64_t peak_count;  /* the same for live allocations */
    _Atomic uint64_t min_bytes, max_bytes; /* smallest and largest bytes of one call */
    _Atomic uint32_t hist[HP_HIST_BUCKETS]; /* bytes per call */
};

struct hp_alloc_agg {
    uint64_t calls, bytes_total, bytes_sum, count_total, peak_bytes, peak_count, min_bytes, max_bytes;
    uint64_t hist[HP_HIST_BUCKETS];
};

/*
 * A thread's histogram of one site is kept in chunks of 64 buckets (one
 * power of two of durations, HP_HIST_GROUPS of them), taken from the
 * runtime's chunk arena on the first call whose duration falls in that
 * range (record_slow in core.c): a site whose calls take about the same
 * time holds one or two chunks. Groups 0 and 1 (durations below 128
 * ticks, one bucket each) are taken together, as two consecutive chunks.
 * Chunks 0 and 1 are never handed out: chunk 0 for a group means "not
 * yet", and the counters of chunks 0 and 1 are never read.
 */
#define HP_HIST_CHUNK 64
#define HP_HIST_GROUPS ((HP_HIST_BUCKETS + HP_HIST_CHUNK - 1) / HP_HIST_CHUNK) /* 39 */
#define HP_HIST_TRASH (2 * HP_HIST_CHUNK) /* counters below this are chunks 0 and 1 */
/* The shifts the hot path's unclamped bucket index can take: a duration of
 * 2^44 ticks or more has a shift of 38..57, whose groups never get a chunk
 * (the slow path clamps it to the last bucket). */
#define HP_HIST_SHIFTS (64 - HP_HIST_SUB_BITS) /* 58 */
/* Chunk c: [c * HP_HIST_CHUNK, +HP_HIST_CHUNK). The counters are 16-bit;
 * when one wraps, the call that wrapped it adds 65,536 to the site's
 * merged aggregate (record_slow in core.c). */
extern HP_HIDDEN _Atomic uint16_t *hp_hist_arena;
/* Adds one to a counter of the arena; true when it wrapped to 0. */
static inline bool hp_hist_inc(_Atomic uint16_t *c) {
#if defined(__x86_64__)
    bool carry;
    __asm__("addw $1, %0" : "+m"(*(uint16_t *)c), "=@ccc"(carry));
    return carry;
#else
    uint16_t v = (uint16_t)(HP_LOAD(*c) + 1);
    HP_STORE(*c, v);
    return v == 0;
#endif
}
/* A zeroed chunk's number, 0 when the arena is full (caller holds hp_lock);
 * with pair, the first of two consecutive ones (groups 0 and 1). */
uint32_t hp_hist_chunk_new(bool pair);
void hp_hist_chunk_free(uint32_t c, bool pair); /* caller holds hp_lock */

/* Statistics of one site on one thread: 336 bytes (384 as allocated: 6
 * cache lines, the first the one every call touches) plus 128 bytes per
 * power of two of durations seen (see HP_HIST_CHUNK above). */
struct hp_site_stats {
    /* ---- written by every measured call: one cache line ---- */
    _Atomic uint64_t calls; /* timed calls (all calls but untimed + gap - skip) */
    _Atomic uint64_t total; /* outermost activations only (recursion counted once) */
    _Atomic uint64_t sum;   /* every activation: the basis of Avg */
    _Atomic uint64_t self;  /* every activation minus its measured callees */
    _Atomic uint64_t min, max;
    uint16_t active; /* open activations on the owner thread (<= HP_MAX_DEPTH); owner-only */
    _Atomic uint16_t period; /* sampling period N on this thread (below) */
    /* The counter of the latest call's bucket (its index in hp_hist_arena),
     * counted only at the next call (or when read): the counter's address
     * then comes from memory, not from a clock reading still in flight,
     * which keeps the store off the hot path's critical path. In chunk 0
     * (0..63) when none, or when the bucket's range has no chunk. */
    _Atomic uint32_t pending;
    /* Sampling (owner-only writes). skip: 0 when every call is timed (one
     * test on the fast path); else the next call is timed when skip is 1,
     * and only counted (skip - 1) when above. period: the site's period N on
     * this thread, 1 = every call; change it with hp_stats_set_period. */
    _Atomic uint32_t skip;
    _Atomic uint32_t gap; /* skip as set at the last timed call: gap - skip calls since */
    /* ---- the rest ---- */
    _Atomic uint64_t untimed; /* calls not timed, up to the last timed one */
    /* Sampling: the mean Self of the timed calls so far (ticks), set at
     * each timed call of a sampled site (enter_sampled). An untimed call
     * adds it to the enclosing frame's child time, so that the caller's
     * Self loses the callee's estimated time as it loses a timed call's
     * measured one. Self, not the whole duration: the untimed call pushes
     * no frame, so its own measured callees' durations go to that same
     * frame when they return. */
    _Atomic uint64_t est;
    /* Sampling: the figures of the calls timed for certain (the first ones,
     * and an adaptive site's warm-up), taken when the first call timed by
     * a random draw begins (phase 1 -> 2, enter_sampled); phase 0 before
     * the first draw. The report counts those once each and scales only
     * the randomly timed ones, which alone are a sample of the others
     * (scaled, a cold warm-up weighed about N times). Owner-only writes. */
    _Atomic uint64_t det_calls, det_total, det_sum, det_self;
    _Atomic uint8_t phase;
    struct hotpath_site *site; /* the registry's entry (runtime memory), never the program's */
    struct hp_site_stats *_Atomic next; /* the owner's list, newest first */
    struct hp_alloc_stats *_Atomic alloc; /* NULL unless allocation tracking is on */
    /* Set (under hp_lock) when the main window opens: the block holds what
     * was recorded before it, and is left out of the report. */
    bool before_window;
    /* Where the counters of each power of two of durations are, by the
     * shift s of the bucket index (hp_hist_index: s = e - 6 for a duration
     * of 2^e..2^(e+1)-1, s = 0 below 128; group g = s + 1 above 128):
     * hist_off[s] = (c - 1) * 64 for the chunk c of group s + 1, so that
     * the counter of a duration v is (v >> s) + hist_off[s], one shift and
     * one add from memory on the hot path. For s = 0 that is chunk c - 1
     * below 64 ticks: groups 0 and 1 get consecutive chunks. 0 (as zeroed
     * memory is) when the group has no chunk: the counter is then in chunk
     * 0 or 1, never read. Read them with hp_stats_chunk. */
    _Atomic uint32_t hist_off[HP_HIST_SHIFTS];
};

/* Chunk of group g of st, 0 when none. */
static inline uint32_t hp_stats_chunk(struct hp_site_stats *st, uint32_t g) {
    uint32_t t = HP_LOAD(st->hist_off[g ? g - 1 : 0]);
    return t == 0 ? 0 : t / HP_HIST_CHUNK + (g ? 1 : 0);
}
/* Gives group g (>= 2) chunk c; groups 0 and 1 take chunks c and c + 1. */
static inline void hp_stats_set_chunk(struct hp_site_stats *st, uint32_t g, uint32_t c) {
    atomic_store_explicit(&st->hist_off[g ? g - 1 : 0], (g >= 2 ? c - 1 : c) * HP_HIST_CHUNK,
                          memory_order_release);
}

/* Counter of bucket b (chunk 0's when its range has no chunk yet). */
static inline _Atomic uint16_t *hp_hist_counter(struct hp_site_stats *st, uint32_t b) {
    return &hp_hist_arena[(size_t)hp_stats_chunk(st, b / HP_HIST_CHUNK) * HP_HIST_CHUNK +
                          b % HP_HIST_CHUNK];
}
/* The bucket the pending counter belongs to, or HP_HIST_BUCKETS if none. */
static inline uint32_t hp_hist_pending_bucket(struct hp_site_stats *st) {
    uint32_t p = HP_LOAD(st->pending), c = p / HP_HIST_CHUNK;
    for (uint32_t g = 0; p >= HP_HIST_TRASH && g < HP_HIST_GROUPS; g++)
        if (hp_stats_chunk(st, g) == c)
            return g * HP_HIST_CHUNK + p % HP_HIST_CHUNK;
    return HP_HIST_BUCKETS;
}

/* Every call of the site on the thread so far, timed or not. */
static inline uint64_t hp_stats_calls(struct hp_site_stats *st) {
    return HP_LOAD(st->calls) + HP_LOAD(st->untimed) + HP_LOAD(st->gap) - HP_LOAD(st->skip);
}

/* Sets the sampling period of st (1..65535; 1 = time every call) from its
 * owner thread, at any time (the adaptive mode's switch): the next call is
 * timed and draws the first gap from n. The counts stay exact. Not for main
 * sites. */
static inline void hp_stats_set_period(struct hp_site_stats *st, uint32_t n) {
    HP_STORE(st->untimed, HP_LOAD(st->untimed) + HP_LOAD(st->gap) - HP_LOAD(st->skip));
    HP_STORE(st->period, (uint16_t)(n ? n : 1));
    HP_STORE(st->gap, n > 1 ? 1 : 0);
    atomic_signal_fence(memory_order_seq_cst);
    HP_STORE(st->skip, n > 1 ? 1 : 0);
}

/* Merged statistics of one site: exited threads and folded histograms.
 * calls counts every call, timed the timed ones (what total, sum, self,
 * min, max and hist hold); period is the largest sampling period seen. */
struct hp_site_agg {
    uint64_t calls, timed, period, total, sum, self, min, max;
    /* of the timed calls, those timed for certain (hp_site_stats' det_*) */
    uint64_t det_calls, det_total, det_sum, det_self;
    uint64_t hist[HP_HIST_BUCKETS]; /* its first 500 buckets in the scalars' page */
    struct hp_alloc_agg alloc;
};

struct hp_frame {
    /* The site the enter was called with: only compared with the exit's,
     * never dereferenced (it may be in a library unloaded since). */
    const struct hotpath_site *site;
    struct hp_site_stats *st;
    uint64_t start; /* clock ticks at entry */
    uint64_t child; /* ticks spent in measured callees */
    uintptr_t sp;   /* the caller's stack pointer at the enter call: longjmp drops what is below */
    uint64_t ovh;   /* probe ticks inside this window: its measured callees' (calibrate.c) */
    /* The site's Total on this thread at entry: the exit sets Total to
     * total0 + its duration, which replaces what activations of the site
     * nested in this one added (they are inside its window). So Total is
     * the time covered by completed activations, outermost or not: a
     * recursion whose outermost call never returns (exit() or longjmp
     * from inside it) keeps its completed inner calls' time, as Self
     * does, and Self never exceeds Total. */
    uint64_t total0;
    /* Padding to 64 bytes: a frame's address is then one shift from the
     * depth (40 bytes took two instructions and a saved register in
     * hotpath_exit; see docs/benchmarks.md). */
    uint64_t spare[1];
};

/* Allocation tracking's part of a frame, in a stack of its own (same
 * depth) so that the timing frame stays small: the thread's counters at
 * entry, the enclosing window's peaks, what measured callees allocated. */
struct hp_alloc_frame {
    uint64_t bytes0, count0;
    int64_t live0, live_count0, saved_peak, saved_peak_count;
    uint64_t child_bytes, child_count;
    uint32_t gen; /* tracking generation the figures were taken in */
};

/* Allocation counters of one thread, written by that thread only. Live
 * figures are kept as their distance below the window's peak (slack =
 * peak - live, never below zero): free adds to the slack, malloc takes
 * from it and raises the peak only when it would go below zero. So free
 * updates two counters, and malloc tests each peak without reading a
 * second counter. Live figures may go below zero (frees of others'
 * memory). */
struct hp_alloc_thread {
    _Atomic uint64_t bytes; /* allocated so far; other threads read it */
    uint64_t count;
    int64_t slack, slack_count;    /* peak - live: how far live is below the peak */
    int64_t peak, peak_count;      /* high-water marks since the innermost enter */
};
static inline int64_t hp_alloc_live(struct hp_alloc_thread *a) { return a->peak - a->slack; }
static inline int64_t hp_alloc_live_count(struct hp_alloc_thread *a) {
    return a->peak_count - a->slack_count;
}

/* One per thread that has measured something. */
struct hp_thread {
    struct hp_frame *stack;      /* HP_MAX_DEPTH frames */
    struct hp_site_stats **by_id; /* indexed by site id; NULL where not yet called */
    uint32_t nids;
    /* by_id arrays outgrown: kept until the thread ends, since code a signal
     * handler interrupted may still read one (at most 2^32 / 64 ids). */
    struct hp_site_stats **old_by_id[26];
    uint32_t old_nids[26];
    uint32_t nold;
    struct hp_site_stats *_Atomic stats; /* every stats block of this thread */
    struct hp_thread *prev, *next;       /* live threads, under hp_lock */
    _Atomic uint64_t dropped; /* measurements lost: depth overflow, or a signal handler while busy */
    struct hp_alloc_thread *alloc; /* the thread's counters, in its TLS */
    struct hp_alloc_frame *alloc_stack; /* HP_MAX_DEPTH, mapped on first use */
    /* Identity, for the report's Threads section (threads.c): set at the
     * thread's first measured call; name read again at exit and report. */
    pthread_t self;
    long tid;
    char name[16];
    /* stack[-1].child (every depth-0 call's duration, added by pop) when
     * the window opened: the thread's measured time is what came since. */
    uint64_t measured0;
};

/* The hot fields, in initial-exec TLS so that reaching them costs one
 * %fs-relative load. */
struct hp_tls {
    uint32_t depth;
    uint32_t nids;
    struct hp_site_stats **by_id;
    struct hp_frame *stack;
    struct hp_thread *thread;
    int busy;      /* the runtime is running on this thread: do not measure or count */
    uint64_t rng;  /* sampling's gaps (xorshift64*), seeded per thread */
    bool counting; /* the allocator hooks' fast path: see hp_busy_leave */
    struct hp_alloc_thread alloc;
};
extern __thread struct hp_tls hp_tls __attribute__((tls_model("initial-exec")));
extern _Atomic bool hp_alloc_header_ok; /* alloc.c: chunk sizes readable in place */

/* The runtime at work on this thread: what it does (and libc allocates for
 * it) is not measured or counted. hp_tls.counting caches "thread state set,
 * not busy, chunk headers readable" for the allocator hooks. */
static inline void hp_busy_enter(void) {
    hp_tls.busy++;
    hp_tls.counting = false;
}
static inline void hp_busy_leave(void) {
    hp_tls.busy--;
    hp_tls.counting = hp_tls.busy == 0 && hp_tls.thread != NULL && hp_alloc_header_ok;
}

/* ---- registry and aggregates (core.c) ---- */
extern pthread_mutex_t hp_lock;
/* hp_lock, taken with the thread marked busy (see the top of this file). */
void hp_lock_enter(void);
void hp_lock_leave(void);
/* Zeroed memory of the runtime's own, 64-byte aligned, from mmap (never
 * malloc: signal handlers reach the callers); NULL when out of memory.
 * hp_mem_free keeps the block for the next request of the same size.
 * Caller holds hp_lock for both. */
void *hp_mem_alloc(size_t size);
void hp_mem_free(void *p, size_t size);

struct hp_registry {
    /* By id; sites[0] unused. Entries are the runtime's copies (name, file,
     * line, kind, percentiles, flags, id) made at registration: a program's
     * site may be in a library unloaded before the report. The copies of one
     * function in several units (a header's static inline), same name,
     * file, line and kind, share one entry and one id. */
    struct hotpath_site **sites;
    struct hp_site_agg **agg;    /* by id; NULL until something merged */
    uint32_t count;              /* ids 1..count-1 in use */
    uint32_t cap;
    uint32_t *hash;              /* ids by (name, file, line, kind); 0 = empty */
    uint32_t hash_cap;           /* a power of two, at least twice count */
    struct hp_thread *threads; /* live threads */
    uint64_t dropped;          /* from exited threads */
    uint64_t alloc_bytes;      /* allocated by exited threads */
};
extern struct hp_registry hp_reg;

void hp_runtime_init(void); /* once per process; any thread may call it */
/* Adds a thread's stats block into agg (caller holds hp_lock). */
void hp_agg_add_stats(struct hp_site_agg *agg, const struct hp_site_stats *st);
/* Adds one aggregate into another (caller holds hp_lock). */
void hp_agg_merge(struct hp_site_agg *agg, const struct hp_site_agg *m);
struct hp_site_agg *hp_agg_for(uint32_t id); /* caller holds hp_lock; may return NULL on OOM */
void hp_agg_init(struct hp_site_agg *agg);

/* ---- the fast paths' switch ---- */
/* True while the clock is the TSC and allocation tracking is off: then
 * hotpath_enter/exit take their fast paths; otherwise their slow ones.
 * The enter reads it as hp_fast_depth, the depth below which it may take
 * its fast path: HP_MAX_DEPTH when fast, 0 when not (one compare for the
 * two tests). Both atomic: any thread's slow path may change them
 * (hp_update_fast) while the others read them (a data race under
 * ThreadSanitizer as plain variables, c_signal_first.c); the reads stay
 * one plain load on x86-64 (relaxed). */
extern _Atomic bool hp_fast;
extern HP_HIDDEN _Atomic uint32_t hp_fast_depth;
void hp_update_fast(void);

/* ---- overhead compensation (calibrate.c) ---- */
/* What one measured call costs, in ticks: `in` inside the callee's own
 * window, `out` around it, in the caller's window only. Both 0 with
 * HOTPATH_COMPENSATE=0 or before calibration. */
struct hp_comp {
    /* written by the calibrating thread while others may be popping
     * frames: relaxed atomics (plain moves on x86-64), HP_LOAD/HP_STORE */
    _Atomic uint64_t in, out;
};
extern HP_HIDDEN struct hp_comp hp_comp;
/* What the calibration measured (ticks per call), for the report. */
struct hp_comp_figures {
    /* rewritten by a recalibration (alloc.c) while other threads read
     * marginal (hp_adapt) or cost_ticks (the report): relaxed atomics,
     * HP_LOAD/HP_STORE */
    _Atomic uint64_t in;       /* window of an empty measured call */
    _Atomic uint64_t all;      /* an empty measured call, calls back to back */
    _Atomic uint64_t marginal; /* a measured call between pieces of latency-bound work */
    _Atomic uint64_t cost_ticks; /* what the calibrations took, all together */
    /* the sums of what each calibration (the first and every rerun) set
     * hp_comp to, and how many there were: the report states their mean */
    _Atomic uint64_t sum_in, sum_out, runs;
    _Atomic uint64_t next_at; /* the TSC tick before which no rerun starts */
    _Atomic bool done;   /* stored last (release): the figures above are then readable */
};
extern struct hp_comp_figures hp_comp_figures;
/* Measures hp_comp on the calling thread (its state set up, not busy); an
 * open measurement's figures are saved and restored. */
void hp_calibrate(void);
/* Reruns the calibration if compensation is on and the last one started
 * at least HP_RECALIBRATE_TICKS ago (one thread at a time); the open
 * windows of the calling thread are shifted by the time it took. Called
 * at a histogram counter's wrap (record_slow: every 65,536 calls of one
 * bucket), so that the figures follow the machine's state during a run
 * at no cost to the hot path. */
void hp_recalibrate_maybe(void);
#define HP_RECALIBRATE_TICKS UINT64_C(4000000) /* about 2 ms at this VM's 2.1 GHz TSC */
#define HP_KIND_CALIBRATION 3 /* the calibration's own site: never reported */

/* ---- adaptive sampling (calibrate.c; HOTPATH_ADAPTIVE) ---- */
/* The timed call of a (site, thread) at which the adaptive mode looks at
 * its median: HP_ADAPT_WARMUP when on, 0 (never: calls is at least 1 there)
 * when off. */
#define HP_ADAPT_WARMUP 256
#define HP_ADAPT_PROBES 3 /* a median below this many probe costs is too short to time */
extern HP_HIDDEN _Atomic uint64_t hp_adapt_at; /* HP_LOAD/HP_STORE: set by the calibrating thread */
/* At st's HP_ADAPT_WARMUP-th timed call on its owner thread: a site that
 * asked for no period of its own and whose median is below HP_ADAPT_PROBES
 * calibrated probe costs gets the period HOTPATH_ADAPTIVE. */
void hp_adapt(struct hp_site_stats *st);

/* ---- allocation tracking (alloc.c) ---- */
extern _Atomic bool hp_alloc_on, hp_alloc_cumulative;
void hp_alloc_enable(bool on);
struct hp_thread *hp_thread_get(void); /* creates the calling thread's state */
/* Opens the allocation window of the frame at depth d (d = hp_tls.depth:
 * the frame about to be pushed). */
void hp_alloc_frame_begin(uint32_t d);
/* Ends the window of the frame at depth d and records it into st
 * (outermost: no other activation of the site is open on the thread). */
void hp_alloc_frame_end(uint32_t d, struct hp_site_stats *st, bool outermost);
void hp_alloc_frame_drop(uint32_t d);
void hp_alloc_thread_exit(struct hp_thread *t);
void hp_alloc_fork_child(struct hp_thread *t, uint32_t depth); /* fork.c */
void hp_alloc_agg_add(struct hp_alloc_agg *agg, const struct hp_alloc_stats *s);
void hp_alloc_agg_merge(struct hp_alloc_agg *agg, const struct hp_alloc_agg *m);

/* ---- memory the runtime uses for itself (never counted as the program's) ---- */
void *hp_calloc(size_t n, size_t size);
void *hp_realloc(void *p, size_t size);
void hp_free(void *p);

/* ---- per-thread records (threads.c) ---- */
/*
 * What an exited thread measured, kept for the report's Threads section
 * and the JSON's per_thread figures: the same figures its stats blocks
 * added to the merged aggregates (no histograms, no minimum or maximum).
 * The first HP_TREC_SINGLE threads to exit get a record each; past that,
 * threads are merged by name into one record per name (up to
 * HP_TREC_GROUPS names), then into one "other threads" record: at most
 * HP_TREC_MAX records whatever the number of threads. All under hp_lock.
 */
#define HP_TREC_SINGLE 64
#define HP_TREC_GROUPS 64
#define HP_TREC_MAX (HP_TREC_SINGLE + HP_TREC_GROUPS + 1)

struct hp_trec_site { /* one site's figures on the record's threads: 48 bytes */
    uint32_t id;
    uint64_t calls, timed, total, sum;
    int64_t self;
};

struct hp_trec {
    struct hp_trec *next; /* in order of creation */
    long tid;             /* the (first) thread's */
    char name[16];
    uint64_t nthreads;    /* threads merged into it: 1 for a thread of its own */
    bool group, other;    /* merged by name; the one record past HP_TREC_GROUPS names */
    uint64_t measured;    /* ticks: the sum of the threads' depth-0 calls */
    uint64_t cpu_ns;      /* CLOCK_THREAD_CPUTIME_ID at each thread's exit */
    struct hp_trec_site *sites; /* ascending by id */
    uint32_t nsites, cap;
};

/* Where site id is, or would go, in r's sites (ascending by id): the
 * first entry whose id is not below it (r->nsites if none). */
static inline uint32_t hp_trec_find(const struct hp_trec *r, uint32_t id) {
    uint32_t lo = 0, hi = r->nsites;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r->sites[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct hp_trecs {
    struct hp_trec *head, *tail;
    uint32_t nsingle, ngroups;
    struct hp_trec *other;
    uint64_t bytes; /* held by the records now: the figure the bound is stated for */
    uint64_t lost;  /* threads whose figures found no memory (merged figures keep them) */
};
extern struct hp_trecs hp_trecs;

/* Sets t's identity (tid, name, pthread_t) from its own thread. */
void hp_thread_identify(struct hp_thread *t);
/* Keeps what the exiting thread t measured (its stats blocks but those set
 * aside by the window) in a record; from t's own thread, holding hp_lock. */
void hp_trec_thread_exit(struct hp_thread *t);
/* Forgets every record (the window opens; a forked child). Holds hp_lock. */
void hp_trec_reset(void);
/* The thread's measured time so far, in ticks (stack[-1].child), and its
 * restart from 0 (the window opens; a forked child). */
uint64_t hp_thread_measured(const struct hp_thread *t);
void hp_thread_measured_restart(struct hp_thread *t);
/* A live thread's name and CPU time now, from any thread (holding hp_lock,
 * so that t is not freed meanwhile); name holds 16 bytes. */
void hp_thread_now(const struct hp_thread *t, char name[16], uint64_t *cpu_ns);

/* ---- main window (core.c) ---- */
struct hp_window {
    const char *name;        /* name of the main site, or NULL: process lifetime */
    const char *percentiles; /* from the main site, or NULL */
    uint64_t start, end;     /* ticks; end 0 while open */
    uint64_t alloc_bytes0;   /* bytes the process had allocated at start */
};
/* Bytes allocated by every thread so far (caller holds hp_lock). */
uint64_t hp_alloc_bytes_locked(void);
extern struct hp_window hp_window;
extern uint64_t hp_process_start;

#endif
