/*
 * calibrate.c — what one measured call costs the code around it, so that
 * the report can take it out (overhead compensation; docs/how-it-works.md,
 * "Overhead compensation").
 *
 * A measured call puts two parts of cost into the figures:
 *   - hp_comp.in: the ticks between the clock read in hotpath_enter and the
 *     one in hotpath_exit with an empty body: what lands in the callee's
 *     own window (its Self, Total and every per-call figure);
 *   - hp_comp.out: the rest (the calls, the work before the first read and
 *     after the second), which lands in the caller's window only.
 * Both are measured here, with the real entry points, on a site of the
 * runtime's own (HP_KIND_CALIBRATION, never reported). `in` is read from
 * the site's own figures over batches of empty calls. `out` is the
 * marginal cost of a call between two pieces of latency-bound work (a
 * dependent multiply chain), not the cost of calls back to back: in real
 * code the probe's instructions run beside the program's, and calls back
 * to back charge them in full (that over-corrected every latency-bound
 * caller by 2-4x in the first prototype, docs/benchmarks.md). Each figure
 * is the median of its batches: an interrupt spoils a batch, not the
 * result.
 *
 * Runs first on the first thread that measures something (thread_init),
 * so that a process that never measures pays nothing; again when
 * allocation tracking turns on or off (the probe then takes another path);
 * and, with compensation on, again while the program measures
 * (hp_recalibrate_maybe, from a histogram counter's wrap, at most once per
 * HP_RECALIBRATE_TICKS): what the probe costs beside the program's code
 * changes with the machine's state within a run (docs/benchmarks.md,
 * session 4). About 10 µs each.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>

#include "clock.h"
#include "config.h"

struct hp_comp hp_comp;
struct hp_comp_figures hp_comp_figures;

#define BATCHES 7 /* the first is a warm-up, left out */
#define PER_BATCH 24
#define WORK 8 /* multiply-adds between two calls of the latency-bound batches */

static volatile uint64_t sink;

static struct hotpath_site calibration_site = {
    "hotpath::calibration", __FILE__, __LINE__, HP_KIND_CALIBRATION, 0, 0, NULL, {0, 0}};


static __attribute__((noinline)) void empty_call(void) {
    uint64_t token = hotpath_enter(&calibration_site);
    __asm__ volatile("" ::: "memory");
    hotpath_exit(&calibration_site, token);
}

/* The same call without the probe: the baseline of the marginal cost. */
static __attribute__((noinline)) void plain_call(void) { __asm__ volatile("" ::: "memory"); }

/* A dependent chain of WORK multiply-adds, then a call of f: what the
 * program does around a measured call. */
static __attribute__((noinline)) uint64_t work(uint64_t x, void (*f)(void)) {
    for (int i = 0; i < WORK; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ volatile("" : "+r"(x));
    }
    f();
    return x;
}

static struct hp_site_stats *calibration_stats(void) {
    uint32_t id = __atomic_load_n(&calibration_site.id, __ATOMIC_ACQUIRE);
    return id && id < hp_tls.nids ? hp_tls.by_id[id] : NULL;
}

/* An insertion sort: no qsort, which may call malloc (the allocator hooks
 * reach this). */
static uint64_t median(uint64_t *v, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

_Atomic uint64_t hp_adapt_at;

/* The calls of st's bucket i on this thread, its pending call included. */
static uint64_t bucket_count(struct hp_site_stats *st, uint32_t i, uint32_t pending) {
    return (hp_stats_chunk(st, i / HP_HIST_CHUNK) ? HP_LOAD(*hp_hist_counter(st, i)) : 0) +
           (i == pending);
}

/* The low end of the bucket of st's median timed call on this thread, from
 * its histogram counters and its pending call (record_slow calls hp_adapt
 * before it bins anything: the counters hold the calls before the last,
 * the pending bucket the last); UINT64_MAX when no call is binned. */
static uint64_t warmup_median(struct hp_site_stats *st) {
    uint32_t pending = hp_hist_pending_bucket(st);
    uint64_t n = 0, seen = 0;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        n += bucket_count(st, i, pending);
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        if (2 * (seen += bucket_count(st, i, pending)) > n)
            return hp_hist_bucket_low(i);
    return UINT64_MAX;
}

void hp_adapt(struct hp_site_stats *st) {
    const struct hotpath_site *e = st->site;
    /* HOTPATH_ADAPTIVE unset: the functions include= selected only (the
     * plugins' flag), not those the source tagged */
    bool chosen = (hp_config.from_env & (1u << HP_OPT_adaptive)) || (e->flags & HOTPATH_FLAG_SELECTED);
    if (!chosen || e->kind == HOTPATH_KIND_MAIN || e->kind == HP_KIND_CALIBRATION ||
        HOTPATH_SITE_SAMPLE(e->flags) != 0 || HP_LOAD(st->period) != 1 ||
        (hp_config.from_env & (1u << HP_OPT_sample)) ||
        !atomic_load_explicit(&hp_comp_figures.done, memory_order_acquire))
        return;
    /* The median of the warm-up's compensated durations (raw with
     * HOTPATH_COMPENSATE=0) against the whole cost of a call, in the code
     * around it. Not the mean: one preemption among the 256 calls (a few
     * ms on a loaded machine) moved the mean of a 1 ns function past the
     * bound, and it was then timed for ever (c_adaptive.c through
     * clang-19 at -O0, once in a run of the suite). */
    if (warmup_median(st) < HP_ADAPT_PROBES * HP_LOAD(hp_comp_figures.marginal))
        hp_stats_set_period(st, (uint32_t)hp_config.adaptive);
}

/* One calibration on the calling thread: measures, publishes hp_comp and
 * the report's figures; returns the ticks it took (0 when it could not
 * run). `first`: the process's first, or one after allocation tracking
 * switched (hp_comp is then zeroed first, and the adaptive mode armed);
 * otherwise a rerun, which zeroes hp_comp only while it measures. */
/* One calibration at a time in the process; its own calls (their wraps in
 * record_slow) do not start another. */
static _Atomic bool calibrating;

static uint64_t calibrate(bool first) {
    if (!(hp_config.compensate || hp_config.adaptive > 1) || hp_tls.busy || !hp_tls.thread ||
        hp_tls.depth >= HP_MAX_DEPTH - 1 || atomic_exchange(&calibrating, true))
        return 0; /* (a first one that finds a rerun at work leaves it the figures) */
    if (first) {
        HP_STORE(hp_comp.in, 0);
        HP_STORE(hp_comp.out, 0);
        HP_STORE(hp_adapt_at, 0);
    }
    uint64_t t_start = hp_now();
    HP_STORE(hp_comp_figures.next_at, t_start + HP_RECALIBRATE_TICKS);
    /* The empty calls' window must be read raw: compensation off while
     * they run (other threads' calls in these ~10 us are then taken raw). */
    uint64_t old_in = HP_LOAD(hp_comp.in), old_out = HP_LOAD(hp_comp.out);
    HP_STORE(hp_comp.in, 0);
    HP_STORE(hp_comp.out, 0);
    /* Calls made now must not count in an enclosing measurement, nor (at
     * depth 0) in the thread's measured time, the spare frame -1's child
     * sum (threads.c): the frame they add to is saved and put back. */
    struct hp_frame *up = hp_tls.stack + hp_tls.depth - 1, saved = *up;
    empty_call(); /* registers the site and creates its stats on this thread */
    struct hp_site_stats *st = calibration_stats();
    if (!st) {
        *up = saved;
        HP_STORE(hp_comp.in, old_in);
        HP_STORE(hp_comp.out, old_out);
        atomic_store(&calibrating, false);
        return 0;
    }
    uint64_t in[BATCHES], all[BATCHES], lat[BATCHES];
    uint64_t x = 1;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t sum0 = HP_LOAD(st->sum), t0 = hp_now();
        for (int i = 0; i < PER_BATCH; i++)
            empty_call();
        uint64_t t1 = hp_now(), sum1 = HP_LOAD(st->sum);
        for (int i = 0; i < PER_BATCH; i++)
            x = work(x, plain_call);
        uint64_t t2 = hp_now();
        for (int i = 0; i < PER_BATCH; i++)
            x = work(x, empty_call);
        uint64_t t3 = hp_now();
        in[b] = (sum1 - sum0) / PER_BATCH;
        all[b] = (t1 - t0) / PER_BATCH;
        uint64_t with = t3 - t2, without = t2 - t1;
        lat[b] = with > without ? (with - without) / PER_BATCH : 0;
    }
    uint64_t f_in = median(in + 1, BATCHES - 1), f_marginal = median(lat + 1, BATCHES - 1);
    uint64_t f_out = f_marginal > f_in ? f_marginal - f_in : 0;
    struct hp_comp_figures *f = &hp_comp_figures;
    HP_STORE(f->in, f_in);
    HP_STORE(f->all, median(all + 1, BATCHES - 1));
    HP_STORE(f->marginal, f_marginal);
    *up = saved;
    sink = x;
    if (hp_config.compensate) {
        HP_STORE(hp_comp.in, f_in);
        HP_STORE(hp_comp.out, f_out);
        if (first) { /* the figures used from now on replace the earlier ones */
            HP_STORE(f->sum_in, 0);
            HP_STORE(f->sum_out, 0);
            HP_STORE(f->runs, 0);
        }
        atomic_fetch_add_explicit(&f->sum_in, f_in, memory_order_relaxed);
        atomic_fetch_add_explicit(&f->sum_out, f_out, memory_order_relaxed);
        atomic_fetch_add_explicit(&f->runs, 1, memory_order_relaxed);
    }
    if (first && hp_config.adaptive > 1)
        HP_STORE(hp_adapt_at, HP_ADAPT_WARMUP);
    uint64_t took = hp_now() - t_start;
    atomic_fetch_add_explicit(&f->cost_ticks, took, memory_order_relaxed);
    atomic_store_explicit(&f->done, true, memory_order_release);
    atomic_store(&calibrating, false);
    return took;
}

void hp_calibrate(void) { (void)calibrate(true); }

void hp_recalibrate_maybe(void) {
    struct hp_comp_figures *f = &hp_comp_figures;
    uint64_t at = HP_LOAD(f->next_at), now = hp_now();
    if (atomic_load_explicit(&calibrating, memory_order_relaxed) ||
        !atomic_load_explicit(&f->done, memory_order_acquire) || now < at ||
        !atomic_compare_exchange_strong_explicit(&f->next_at, &at, now + HP_RECALIBRATE_TICKS,
                                                 memory_order_relaxed, memory_order_relaxed))
        return;
    uint64_t took = calibrate(false);
    /* its time is the runtime's, out of the windows open around it */
    for (uint32_t i = 0; took && i < hp_tls.depth; i++)
        hp_tls.stack[i].start += took;
}
