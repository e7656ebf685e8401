/*
 * report.c — gathering the statistics and printing the report: the timing
 * table (the layout of the Rust hotpath tool), JSON, or nothing.
 */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "fork.h"
#include "internal.h"
#include "trace.h"

static atomic_int report_state; /* 0 not yet, 1 printing or printed */

bool hp_report_done(void) { return atomic_load(&report_state) != 0; }

/* ======================================================================== */
/* Memory of the report                                                     */
/* ======================================================================== */

/*
 * The report is gathered under hp_lock, which a signal handler's first
 * call of a site also takes (hp_lock_enter). glibc's malloc must not be
 * called there: a handler interrupting malloc on another thread would wait
 * for hp_lock while this thread waited for malloc's arena lock. So the
 * report's memory comes from mmap (a header keeps the mapping's size), and
 * the sort done under the lock is an in-place heap sort (glibc's qsort
 * mallocs its buffer).
 */
#define REP_HEADER 64
/* Small requests are cut, in order, from one reserved mapping that is
 * never reused (a bump pointer, atomic: an on-demand report and the final
 * one may overlap): a short process's report then touches one or two
 * pages instead of a page and two system calls per array (they were 8
 * mmaps and 8 munmaps, and 8 page faults, for a report of two rows). When
 * it is used up, each request gets a mapping of its own, as before. The
 * growing arrays start small (8 or 16 elements), so that a short
 * process's whole report, its file's path and its JSON text included,
 * fits in the region's first page. */
#define REP_REGION ((size_t)256 << 10)
static char *_Atomic rep_region;
static _Atomic size_t rep_region_used;
static _Atomic bool rep_region_tried;

static void *rep_region_alloc(size_t bytes) {
    if (!atomic_load(&rep_region) && !atomic_exchange(&rep_region_tried, true)) {
        void *p = mmap(NULL, REP_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (p != MAP_FAILED)
            atomic_store(&rep_region, (char *)p);
    }
    char *base = atomic_load(&rep_region);
    if (!base || bytes > REP_REGION)
        return NULL;
    size_t at = atomic_fetch_add(&rep_region_used, bytes);
    return at <= REP_REGION - bytes ? base + at : NULL;
}

static bool in_rep_region(const char *b) {
    char *base = atomic_load(&rep_region);
    return base && b >= base && b < base + REP_REGION;
}

static void *rep_calloc(size_t n, size_t size) {
    if (size && n > (SIZE_MAX - REP_HEADER) / size)
        return NULL;
    size_t bytes = (n * size + REP_HEADER + 63) & ~(size_t)63;
    void *p = rep_region_alloc(bytes);
    if (!p) {
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
    }
    *(size_t *)p = bytes;
    return (char *)p + REP_HEADER;
}

static void rep_free(void *p) {
    if (p) {
        char *b = (char *)p - REP_HEADER;
        if (!in_rep_region(b)) /* the region's blocks are not reused */
            munmap(b, *(size_t *)b);
    }
}

static void *rep_realloc(void *p, size_t size) {
    if (!p)
        return rep_calloc(1, size);
    char *b = (char *)p - REP_HEADER;
    size_t old = *(size_t *)b - REP_HEADER;
    void *q = rep_calloc(1, size);
    if (q) {
        memcpy(q, p, old < size ? old : size);
        rep_free(p);
    }
    return q;
}

/* Sorts n elements of `size` bytes in place (heap sort: no memory). */
static void swap_bytes(char *a, char *b, size_t size) {
    if (size == sizeof(void *)) { /* the one use under the lock: pointers */
        void *t;
        memcpy(&t, a, sizeof t);
        memcpy(a, b, sizeof t);
        memcpy(b, &t, sizeof t);
        return;
    }
    for (size_t i = 0; i < size; i++) {
        char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void sift_down(char *base, size_t root, size_t n, size_t size,
                      int (*cmp)(const void *, const void *)) {
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + root * size, base + child * size) >= 0)
            return;
        swap_bytes(base + root * size, base + child * size, size);
    }
}

static void heap_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    char *base = v;
    size_t k = 1; /* sites usually register in name order: nothing to do */
    while (k < n && cmp(base + (k - 1) * size, base + k * size) <= 0)
        k++;
    if (k >= n)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, i, n, size, cmp);
    for (size_t end = n; end-- > 1;) {
        swap_bytes(base, base + end * size, size);
        sift_down(base, 0, end, size, cmp);
    }
}

/* ======================================================================== */
/* Gathering                                                                */
/* ======================================================================== */

/* The buckets of a histogram that can hold counts. */
struct hist_range {
    uint32_t lo, hi; /* lo > hi: none */
};

/* The buckets of min..max when they hold all n counts (else all buckets: a
 * thread was recording while the report read its figures). */
static struct hist_range used_range(const uint64_t *counts, uint64_t n, uint64_t min,
                                    uint64_t max) {
    struct hist_range all = {0, HP_HIST_BUCKETS - 1};
    if (n == 0 || min > max)
        return all;
    struct hist_range r = {hp_hist_index(min), hp_hist_index(max)};
    uint64_t sum = 0;
    for (uint32_t i = r.lo; i <= r.hi; i++)
        sum += counts[i];
    return sum == n ? r : all;
}

/* Appends the non-empty buckets of counts within range to r->buckets; on
 * running out of memory the histogram is left empty (the row keeps its
 * other figures). */
static struct hp_hist_ref keep_histogram(struct hp_report *r, const uint64_t *counts,
                                         struct hist_range range) {
    struct hp_hist_ref ref = {r->nbuckets, 0};
    for (uint32_t i = range.lo; i <= range.hi; i++) {
        if (!counts[i])
            continue;
        if (r->nbuckets == r->capbuckets) {
            size_t cap = r->capbuckets ? 2 * r->capbuckets : 16; /* small first: see REP_REGION */
            struct hp_bucket *b = rep_realloc(r->buckets, cap * sizeof *b);
            if (!b) {
                r->nbuckets = ref.first;
                return (struct hp_hist_ref){ref.first, 0};
            }
            r->buckets = b;
            r->capbuckets = cap;
        }
        r->buckets[r->nbuckets++] = (struct hp_bucket){i, counts[i]};
        ref.nbuckets++;
    }
    return ref;
}

/* An aggregate for one row after another, zero when it comes (its pages
 * are faulted in only where a row's buckets fall: in a short process the
 * page faults are most of what the report costs), then only the buckets
 * the previous row used are cleared. */
struct row_agg {
    struct hist_range used, alloc_used; /* dirty buckets; before a, in its first page */
    struct hp_site_agg a;
};

_Static_assert(offsetof(struct hp_site_agg, alloc) ==
                   offsetof(struct hp_site_agg, hist) + sizeof(((struct hp_site_agg *)0)->hist) &&
                   offsetof(struct hp_site_agg, alloc) + sizeof(struct hp_alloc_agg) ==
                       sizeof(struct hp_site_agg) &&
                   offsetof(struct hp_alloc_agg, hist) +
                           sizeof(((struct hp_alloc_agg *)0)->hist) ==
                       sizeof(struct hp_alloc_agg),
              "row_agg_reset clears what precedes each hist: keep the histograms last");

/* alloc: the report has an Allocations table. Without one the allocation
 * figures are not read, and not reset either: their page, 20 KiB into the
 * aggregate, stays untouched (a page fault less in a short process). */
static void row_agg_init(struct row_agg *g, bool alloc) {
    g->a.min = UINT64_MAX;
    if (alloc)
        g->a.alloc.min_bytes = UINT64_MAX;
    g->used = g->alloc_used = (struct hist_range){1, 0};
}

static void row_agg_reset(struct row_agg *g, bool alloc) {
    struct hp_site_agg *a = &g->a;
    if (g->used.lo <= g->used.hi)
        memset(&a->hist[g->used.lo], 0, (g->used.hi - g->used.lo + 1) * sizeof a->hist[0]);
    if (g->alloc_used.lo <= g->alloc_used.hi)
        memset(&a->alloc.hist[g->alloc_used.lo], 0,
               (g->alloc_used.hi - g->alloc_used.lo + 1) * sizeof a->alloc.hist[0]);
    memset(a, 0, offsetof(struct hp_site_agg, hist));
    a->min = UINT64_MAX;
    if (alloc) {
        memset(&a->alloc, 0, offsetof(struct hp_alloc_agg, hist));
        a->alloc.min_bytes = UINT64_MAX;
    }
    g->used = g->alloc_used = (struct hist_range){1, 0};
}

/* After a row's figures are in: which buckets they may occupy (and so must
 * be read, then cleared). */
static void row_agg_ranges(struct row_agg *g, bool alloc) {
    struct hp_site_agg *a = &g->a;
    g->used = used_range(a->hist, a->timed, a->min, a->max);
    g->alloc_used = alloc && (a->alloc.calls || a->alloc.min_bytes <= a->alloc.max_bytes)
                        ? used_range(a->alloc.hist, a->alloc.calls, a->alloc.min_bytes,
                                     a->alloc.max_bytes)
                        : (struct hist_range){1, 0};
}

static void fill_alloc_row(struct hp_report *r, struct hp_alloc_row *row, const char *name,
                           const struct hp_alloc_agg *a, struct hist_range range) {
    const struct hp_percentiles *pc = &r->percentiles;
    memset(row, 0, sizeof *row);
    row->name = name;
    row->calls = a->calls;
    row->bytes_avg = a->calls ? (a->bytes_sum + a->calls / 2) / a->calls : 0;
    row->bytes_total = a->bytes_total;
    row->bytes_sum = a->bytes_sum;
    row->min_bytes = a->calls ? a->min_bytes : 0;
    row->max_bytes = a->max_bytes;
    row->peak_bytes = a->peak_bytes;
    row->allocs = a->count_total;
    row->peak_allocs = a->peak_count;
    for (int i = 0; i < pc->n; i++)
        row->pct[i] = hp_hist_percentile(a->hist, a->calls, a->min_bytes, a->max_bytes, pc->p[i]);
    row->percent_bytes =
        r->alloc_bytes ? 100.0 * (double)a->bytes_total / (double)r->alloc_bytes : 0.0;
    row->hist = keep_histogram(r, a->hist, range);
}

/* A row's Total, Sum and Self in ticks, estimated for a sampled row: the
 * calls timed for certain (the first ones, an adaptive site's warm-up;
 * hp_site_agg's det_*) count once each, and the randomly timed ones stand
 * for every other call, scaled by (calls - certain) / (timed - certain).
 * With no randomly timed call yet, the timed calls are scaled to every
 * call. Not sampled: the figures as recorded. */
struct estimate {
    double total, sum, self;
};

static struct estimate estimate(const struct hp_site_agg *a) {
    struct estimate e = {(double)a->total, (double)a->sum, (double)(int64_t)a->self};
    if (!a->timed || a->timed >= a->calls)
        return e;
    if (a->det_calls >= a->timed) {
        double s = (double)a->calls / (double)a->timed;
        return (struct estimate){e.total * s, e.sum * s, e.self * s};
    }
    double s = (double)(a->calls - a->det_calls) / (double)(a->timed - a->det_calls);
    e = (struct estimate){
        (double)a->det_total + (double)(a->total - a->det_total) * s,
        (double)a->det_sum + (double)(a->sum - a->det_sum) * s,
        (double)(int64_t)a->det_self + (double)((int64_t)a->self - (int64_t)a->det_self) * s};
    /* Every call's Self lies inside an outermost call's window, so Total >=
     * Self, as the exact figures always are. The estimates can break it for
     * a recursive site: its Total comes from the few timed calls that were
     * outermost (a timed call inside an untimed one of the same site adds
     * to Self, not to Total), its Self from every timed call. cJSON's
     * recursive cJSON_Delete, 268 of 1061 calls timed, read Self 9807 ns
     * and Total 2101 ns (docs/how-it-works.md, Sampling). Self's estimate,
     * from many more calls, is kept, and Total raised to it. */
    double floor = e.self < e.sum ? e.self : e.sum;
    if (e.total < floor)
        e.total = floor;
    return e;
}

static void fill_row(struct hp_report *r, struct hp_row *row, struct hotpath_site *site,
                     const struct hp_site_agg *a, struct hist_range range, uint64_t window_ticks) {
    const struct hp_percentiles *pc = &r->percentiles;
    double k = r->ns_per_tick;
#define NS(t) ((uint64_t)((double)(t) * k + 0.5))
    memset(row, 0, sizeof *row);
    row->name = site->name ? site->name : "(unnamed)";
    row->file = site->file;
    row->line = site->line;
    row->kind = site->kind;
    row->calls = a->calls;
    row->timed = a->timed;
    row->sample_period = a->period;
    row->sampled = a->timed < a->calls || a->period > 1;
    struct estimate e = estimate(a);
    row->min = NS(a->min);
    row->max = NS(a->max);
    row->timed_sum = NS(a->sum);
    row->sum = NS(e.sum);
    /* from sum_ns, so that a reader that merges reports gets the same avg */
    row->avg = a->calls ? (row->sum + a->calls / 2) / a->calls : 0;
    row->total = NS(e.total);
    /* self is a signed sum (record() in core.c): clamped at zero here, and
     * at the sum of the durations (recursion) */
    row->self = e.self <= 0 ? 0 : NS(e.self);
    if (row->self > row->sum)
        row->self = row->sum;
    for (int i = 0; i < pc->n; i++)
        row->pct[i] = NS(hp_hist_percentile(a->hist, a->timed, a->min, a->max, pc->p[i]));
    row->percent_total = window_ticks ? 100.0 * e.total / (double)window_ticks : 0.0;
    row->hist = keep_histogram(r, a->hist, range);
#undef NS
}

static int site_name_cmp(const void *x, const void *y) {
    const struct hotpath_site *a = *(struct hotpath_site *const *)x,
                              *b = *(struct hotpath_site *const *)y;
    int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c ? c : (int)a->kind - (int)b->kind;
}

/*
 * The live threads' stats blocks, chained by site id, so that a site's
 * blocks are found without walking every thread's list again: the report
 * stays linear in the number of sites and blocks.
 */
struct stats_index {
    uint32_t *head;             /* by site id: first block, or NONE */
    uint32_t *next;             /* by block: the next block of the same site, or NONE */
    struct hp_site_stats **block;
    uint32_t *owner;            /* by block: its thread's slot (struct pt_ctx) */
    uint32_t n, cap;
};
#define NONE UINT32_MAX

/* The site id a stats block belongs to. */
static uint32_t stats_id(const struct hp_site_stats *s) { return s->site->id; }

static bool index_add(struct stats_index *x, struct hp_site_stats *s, uint32_t owner) {
    if (x->n == x->cap) {
        uint32_t cap = x->cap ? 2 * x->cap : 16;
        struct hp_site_stats **b = rep_realloc(x->block, cap * sizeof *b);
        if (b)
            x->block = b;
        uint32_t *nx = rep_realloc(x->next, cap * sizeof *nx);
        if (nx)
            x->next = nx;
        uint32_t *ow = rep_realloc(x->owner, cap * sizeof *ow);
        if (ow)
            x->owner = ow;
        if (!b || !nx || !ow)
            return false;
        x->cap = cap;
    }
    uint32_t id = stats_id(s);
    if (id == 0 || id >= hp_reg.count)
        return true;
    x->owner[x->n] = owner;
    x->block[x->n] = s;
    x->next[x->n] = x->head[id];
    x->head[id] = x->n++;
    return true;
}

/* One walk over every live thread's list; the live threads' slots follow
 * the records' (first_live). Caller holds hp_lock. */
static bool index_build(struct stats_index *x, uint32_t first_live) {
    memset(x, 0, sizeof *x);
    x->head = rep_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *x->head);
    if (!x->head)
        return false;
    for (uint32_t id = 0; id < hp_reg.count; id++)
        x->head[id] = NONE;
    uint32_t slot = first_live;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next, slot++)
        for (struct hp_site_stats *s = atomic_load_explicit(&t->stats, memory_order_acquire); s;
             s = HP_LOAD(s->next))
            if (!s->before_window && !index_add(x, s, slot)) /* before hotpath::main: not its */
                return false;
    return true;
}

static void index_free(struct stats_index *x) {
    rep_free(x->head);
    rep_free(x->next);
    rep_free(x->block);
    rep_free(x->owner);
}

/* ---- per thread ---- */

/* One thread slot's figures of the row being gathered, in ticks. */
struct pt_acc {
    uint64_t calls, timed, total, sum;
    int64_t self;
    uint32_t stamp; /* the row's stamp once touched by it */
};

/* Slots: the exited threads' records (0..nrec-1), then the live threads,
 * in hp_reg.threads order (r->threads has one row per slot). */
struct pt_ctx {
    uint32_t nrec, nslots;
    struct hp_trec **rec;
    struct pt_acc *acc;
    uint32_t *touched; /* the slots the current row touched */
    uint32_t ntouched, stamp;
};

static struct pt_acc *pt_touch(struct pt_ctx *p, uint32_t slot) {
    struct pt_acc *e = &p->acc[slot];
    if (e->stamp != p->stamp) {
        memset(e, 0, sizeof *e);
        e->stamp = p->stamp;
        p->touched[p->ntouched++] = slot;
    }
    return e;
}

/* The slots and their identities: records, then live threads. Caller
 * holds hp_lock. False when out of memory (the report then has no
 * per-thread figures). */
static bool pt_begin(struct hp_report *r, struct pt_ctx *p) {
    memset(p, 0, sizeof *p);
    for (struct hp_trec *t = hp_trecs.head; t; t = t->next)
        p->nrec++;
    p->nslots = p->nrec;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        p->nslots++;
    size_t n = p->nslots ? p->nslots : 1;
    p->rec = rep_calloc(p->nrec ? p->nrec : 1, sizeof *p->rec);
    p->acc = rep_calloc(n, sizeof *p->acc);
    p->touched = rep_calloc(n, sizeof *p->touched);
    r->threads = rep_calloc(n, sizeof *r->threads);
    if (!p->rec || !p->acc || !p->touched || !r->threads)
        return false;
    r->nthreads = p->nslots;
    r->thread_records_bytes = hp_trecs.bytes;
    r->threads_lost = hp_trecs.lost;
    uint32_t i = 0;
    for (struct hp_trec *t = hp_trecs.head; t; t = t->next, i++) {
        struct hp_thread_row *tr = &r->threads[i];
        p->rec[i] = t;
        tr->tid = t->tid;
        memcpy(tr->name, t->name, sizeof tr->name);
        tr->nthreads = t->nthreads;
        tr->group = t->group;
        tr->other = t->other;
        tr->exited = true;
        tr->measured_ns = hp_ticks_to_ns(t->measured);
        tr->cpu_ns = t->cpu_ns;
    }
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next, i++) {
        struct hp_thread_row *tr = &r->threads[i];
        tr->tid = t->tid;
        tr->nthreads = 1;
        tr->measured_ns = hp_ticks_to_ns(hp_thread_measured(t));
        hp_thread_now(t, tr->name, &tr->cpu_ns); /* threads.c */
    }
    return true;
}

static void pt_end(struct pt_ctx *p) {
    rep_free(p->rec);
    rep_free(p->acc);
    rep_free(p->touched);
}

/* The exited threads' figures of site id, into their slots. */
static void pt_add_records(struct pt_ctx *p, uint32_t id) {
    for (uint32_t i = 0; i < p->nrec; i++) {
        const struct hp_trec *t = p->rec[i];
        uint32_t lo = hp_trec_find(t, id);
        if (lo == t->nsites || t->sites[lo].id != id)
            continue;
        const struct hp_trec_site *s = &t->sites[lo];
        struct pt_acc *e = pt_touch(p, i);
        e->calls += s->calls;
        e->timed += s->timed;
        e->total += s->total;
        e->sum += s->sum;
        e->self += s->self;
    }
}

/* Adds everything recorded for site `id`, merged and live, into a; with p,
 * what each thread slot added too (a live block's share is what adding it
 * changed in a: read once, so that the shares add up to a exactly even
 * while its thread runs). */
static void add_site(struct hp_site_agg *a, const struct stats_index *x, uint32_t id,
                     struct pt_ctx *p) {
    if (hp_reg.agg[id])
        hp_agg_merge(a, hp_reg.agg[id]);
    if (p)
        pt_add_records(p, id);
    for (uint32_t k = x->head[id]; k != NONE; k = x->next[k]) {
        uint64_t calls = a->calls, timed = a->timed, total = a->total, sum = a->sum,
                 self = a->self;
        hp_agg_add_stats(a, x->block[k]);
        if (!p)
            continue;
        struct pt_acc *e = pt_touch(p, x->owner[k]);
        e->calls += a->calls - calls;
        e->timed += a->timed - timed;
        e->total += a->total - total;
        e->sum += a->sum - sum;
        e->self += (int64_t)(a->self - self);
    }
}

static bool figs_reserve(struct hp_report *r) {
    if (r->nfigs < r->capfigs)
        return true;
    size_t cap = r->capfigs ? 2 * r->capfigs : 8;
    struct hp_thread_fig *f = rep_realloc(r->figs, cap * sizeof *f);
    if (!f)
        return false;
    r->figs = f;
    r->capfigs = cap;
    return true;
}

/*
 * The row's figures per thread slot, in nanoseconds, each share the
 * difference of two running sums rounded as fill_row rounds the row's
 * (with its scale), so that the shares add up to the row's exactly.
 */
static void pt_emit(struct hp_report *r, struct hp_row *row, const struct hp_site_agg *a,
                    struct pt_ctx *p) {
    double k = r->ns_per_tick;
#define NS(t) ((uint64_t)((double)(t) * k + 0.5))
    /* each slot's share of the row's estimates, in proportion to what it
     * recorded */
    struct estimate e = estimate(a);
    double s_total = a->total ? e.total / (double)a->total : 1.0;
    double s_sum = a->sum ? e.sum / (double)a->sum : 1.0;
    double s_self = (int64_t)a->self > 0 ? e.self / (double)(int64_t)a->self : 1.0;
    uint64_t total = 0, sum = 0, ptotal = 0, psum = 0, pself = 0;
    int64_t self = 0;
    row->first_per = r->nfigs;
    row->nper = 0;
    for (uint32_t i = 0; i < p->ntouched; i++) {
        const struct pt_acc *e = &p->acc[p->touched[i]];
        if (!e->calls && !e->total && !e->sum && !e->self)
            continue;
        if (!figs_reserve(r))
            break;
        total += e->total;
        sum += e->sum;
        self += e->self;
        uint64_t ftotal = NS((double)total * s_total), fsum = NS((double)sum * s_sum);
        uint64_t fself = self <= 0 ? 0 : NS((double)self * s_self);
        if (fself > row->self)
            fself = row->self;
        struct hp_thread_fig *f = &r->figs[r->nfigs++];
        *f = (struct hp_thread_fig){p->touched[i], e->calls, ftotal - ptotal, fsum - psum,
                                    (int64_t)fself - (int64_t)pself};
        ptotal = ftotal;
        psum = fsum;
        pself = fself;
        row->nper++;
        struct hp_thread_row *tr = &r->threads[f->thread];
        tr->calls += f->calls;
        if (!tr->top_self || f->self > tr->top_self_ns) {
            tr->top_self = row->name;
            tr->top_self_ns = f->self;
        }
    }
#undef NS
}

/*
 * Collects every site's figures: merged ones plus those of live threads.
 * Sites with the same name and kind make one row: the instantiations of a
 * template, or the copies of a static inline function in several units.
 * Caller holds hp_lock. Returns the number of rows written to rows.
 */
static size_t gather(struct hp_report *r, uint64_t window_ticks) {
    struct hp_row *rows = r->rows;
    uint64_t *dropped = &r->dropped;
    *dropped = hp_reg.dropped;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        *dropped += t->dropped;
    uint32_t nsites = 0;
    struct hotpath_site **sites = rep_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *sites);
    /* hp_mem_alloc's memory is zero and untouched (calloc would clear its
     * 80 KiB, 20 page faults in a short process); the caller holds hp_lock */
    struct row_agg *g = hp_mem_alloc(sizeof *g);
    struct pt_ctx pt;
    struct pt_ctx *p = pt_begin(r, &pt) ? &pt : NULL; /* without memory: no per-thread figures */
    if (!p)
        r->nthreads = 0;
    struct stats_index x;
    bool indexed = index_build(&x, pt.nrec);
    size_t n = 0;
    if (!g || !sites || !indexed)
        goto out;
    for (uint32_t id = 1; id < hp_reg.count; id++)
        if (hp_reg.sites[id]->kind != HOTPATH_KIND_MAIN &&
            hp_reg.sites[id]->kind != HP_KIND_CALIBRATION)
            sites[nsites++] = hp_reg.sites[id];
    r->entered = nsites > 0;
    heap_sort(sites, nsites, sizeof *sites, site_name_cmp);
    struct hp_site_agg *a = &g->a;
    row_agg_init(g, r->alloc);
    for (uint32_t i = 0; i < nsites;) {
        row_agg_reset(g, r->alloc);
        if (p) {
            p->stamp++;
            p->ntouched = 0;
        }
        uint32_t j = i;
        for (; j < nsites && site_name_cmp(&sites[i], &sites[j]) == 0; j++)
            add_site(a, &x, sites[j]->id, p);
        row_agg_ranges(g, r->alloc);
        if (a->calls > 0) {
            fill_row(r, &rows[n++], sites[i], a, g->used, window_ticks);
            if (p)
                pt_emit(r, &rows[n - 1], a, p);
        }
        if (r->arows && a->calls > 0 && a->alloc.calls > 0) { /* arows first: see row_agg_init */
            fill_alloc_row(r, &r->arows[r->narows++], rows[n - 1].name, &a->alloc, g->alloc_used);
            rows[n - 1].alloc_bytes = a->alloc.bytes_total;
        }
        i = j;
    }
out:
    index_free(&x);
    pt_end(&pt);
    hp_mem_free(g, sizeof *g);
    rep_free(sites);
    return n;
}

/* Threads of their own by tid, then merged records by name, then "other
 * threads" (the order the Threads section and the JSON show). */
static int thread_row_cmp(const struct hp_thread_row *a, const struct hp_thread_row *b) {
    int ka = a->other ? 2 : a->group, kb = b->other ? 2 : b->group;
    if (ka != kb)
        return ka - kb;
    if (ka == 1) {
        int c = strcmp(a->name, b->name);
        if (c)
            return c;
    }
    return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static int thread_index_cmp(const void *x, const void *y, void *base) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const struct hp_thread_row *t = base;
    int c = thread_row_cmp(&t[a], &t[b]);
    return c ? c : (a > b) - (a < b);
}

/* Keeps the thread rows with calls, sorted, and renumbers the figures'
 * threads to match. Not under hp_lock (qsort). */
static void threads_finish(struct hp_report *r) {
    uint32_t *order = rep_calloc(r->nthreads ? r->nthreads : 1, sizeof *order);
    uint32_t *where = rep_calloc(r->nthreads ? r->nthreads : 1, sizeof *where);
    struct hp_thread_row *kept = rep_calloc(r->nthreads ? r->nthreads : 1, sizeof *kept);
    if (!order || !where || !kept) {
        r->nthreads = 0;
        r->nfigs = 0;
        for (size_t i = 0; i < r->nrows; i++)
            r->rows[i].nper = 0;
    } else {
        size_t n = 0;
        for (uint32_t i = 0; i < r->nthreads; i++)
            if (r->threads[i].calls)
                order[n++] = i;
        qsort_r(order, n, sizeof *order, thread_index_cmp, r->threads);
        for (uint32_t i = 0; i < n; i++) {
            kept[i] = r->threads[order[i]];
            where[order[i]] = i;
        }
        for (size_t i = 0; i < r->nfigs; i++)
            r->figs[i].thread = where[r->figs[i].thread];
        rep_free(r->threads);
        r->threads = kept;
        kept = NULL;
        r->nthreads = n;
    }
    rep_free(order);
    rep_free(where);
    rep_free(kept);
}

/* Sort keys, largest first; ties by name. */
static uint64_t row_key(const struct hp_row *r) {
    switch (hp_config.sort) {
    case HP_SORT_SELF:
        return r->self;
    case HP_SORT_CALLS:
        return r->calls;
    case HP_SORT_AVG:
        return r->avg;
    case HP_SORT_ALLOC:
        return r->alloc_bytes;
    case HP_SORT_TOTAL:
        break;
    }
    return r->total;
}

static int row_cmp(const void *x, const void *y) {
    const struct hp_row *a = x, *b = y;
    uint64_t ka = row_key(a), kb = row_key(b);
    if (ka != kb)
        return ka > kb ? -1 : 1;
    if (a->total != b->total) /* alloc: rows without allocations, by total */
        return a->total > b->total ? -1 : 1;
    return strcmp(a->name, b->name);
}

size_t hp_rows_select(struct hp_row *rows, size_t n, size_t *over_limit) {
    qsort(rows, n, sizeof *rows, row_cmp); /* not under hp_lock */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (hp_config.has_focus && regexec(&hp_config.focus, rows[i].name, 0, NULL, 0) != 0)
            continue;
        rows[kept++] = rows[i];
    }
    *over_limit = 0;
    if (hp_config.limit > 0 && kept > (size_t)hp_config.limit) {
        *over_limit = kept - (size_t)hp_config.limit;
        kept = (size_t)hp_config.limit;
    }
    return kept;
}

static uint64_t alloc_row_key(const struct hp_alloc_row *r) {
    switch (hp_config.sort) {
    case HP_SORT_CALLS:
        return r->calls;
    case HP_SORT_AVG:
        return r->bytes_avg;
    default:
        return r->bytes_total;
    }
}

static int alloc_row_cmp(const void *x, const void *y) {
    const struct hp_alloc_row *a = x, *b = y;
    uint64_t ka = alloc_row_key(a), kb = alloc_row_key(b);
    if (ka != kb)
        return ka > kb ? -1 : 1;
    if (a->bytes_total != b->bytes_total)
        return a->bytes_total > b->bytes_total ? -1 : 1;
    return strcmp(a->name, b->name);
}

size_t hp_alloc_rows_select(struct hp_alloc_row *rows, size_t n, size_t *over_limit) {
    qsort(rows, n, sizeof *rows, alloc_row_cmp); /* not under hp_lock */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!hp_config.has_focus || regexec(&hp_config.focus, rows[i].name, 0, NULL, 0) == 0)
            rows[kept++] = rows[i];
    *over_limit = 0;
    if (hp_config.limit > 0 && kept > (size_t)hp_config.limit) {
        *over_limit = kept - (size_t)hp_config.limit;
        kept = (size_t)hp_config.limit;
    }
    return kept;
}

/* ======================================================================== */
/* Table                                                                    */
/* ======================================================================== */

#define MAX_COLS (8 + HP_MAX_PERCENTILES)

static void put_padded(FILE *out, const char *s, size_t width) {
    fputc(' ', out);
    hp_put_utf8(out, s); /* a Latin-1 name keeps the table aligned */
    for (size_t w = hp_display_width(s); w < width; w++)
        fputc(' ', out);
    fputs(" |", out);
}

static void put_rule(FILE *out, const size_t *w, int ncols) {
    fputc('+', out);
    for (int c = 0; c < ncols; c++) {
        for (size_t i = 0; i < w[c] + 2; i++)
            fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* A table: heads[ncols], then per row its name and cells[row][1..ncols-1]. */
struct grid {
    int ncols;
    char heads[MAX_COLS][32];
    size_t nrows;
    const char **names;
    char (*cells)[MAX_COLS][32];
};

static bool grid_init(struct grid *g, size_t nrows) {
    memset(g, 0, sizeof *g);
    g->nrows = nrows;
    g->names = rep_calloc(nrows ? nrows : 1, sizeof *g->names);
    g->cells = rep_calloc(nrows ? nrows : 1, sizeof *g->cells);
    return g->names && g->cells;
}

static void grid_head(struct grid *g, const char *text) {
    snprintf(g->heads[g->ncols++], 32, "%s", text);
}

/* The header of each percentile column: prefix "P95", "Bytes P95". */
/* Percentile i as given ("99.9"); hand-made reports have no labels. */
static const char *percentile_label(const struct hp_percentiles *pc, int i, char *buf) {
    if (pc->label[i][0])
        return pc->label[i];
    /* percentiles set without their text: in the C locale (the JSON is
     * written without it otherwise) */
    locale_t old = uselocale(hp_c_locale());
    snprintf(buf, HP_PERCENTILE_LABEL, "%.9g", pc->p[i]);
    uselocale(old);
    return buf;
}

static void grid_percentile_heads(struct grid *g, const struct hp_percentiles *pc,
                                  const char *prefix) {
    char b[HP_PERCENTILE_LABEL];
    for (int i = 0; i < pc->n; i++)
        snprintf(g->heads[g->ncols++], 32, "%sP%s", prefix, percentile_label(pc, i, b));
}

static void grid_write(FILE *out, struct grid *g) {
    size_t w[MAX_COLS];
    for (int c = 0; c < g->ncols; c++)
        w[c] = hp_display_width(g->heads[c]);
    for (size_t i = 0; i < g->nrows; i++) {
        size_t nw = hp_display_width(g->names[i]);
        if (nw > w[0])
            w[0] = nw;
        for (int c = 1; c < g->ncols; c++) {
            size_t cw = hp_display_width(g->cells[i][c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    put_rule(out, w, g->ncols);
    fputc('|', out);
    for (int c = 0; c < g->ncols; c++)
        put_padded(out, g->heads[c], w[c]);
    fputc('\n', out);
    put_rule(out, w, g->ncols);
    for (size_t i = 0; i < g->nrows; i++) {
        fputc('|', out);
        put_padded(out, g->names[i], w[0]);
        for (int c = 1; c < g->ncols; c++)
            put_padded(out, g->cells[i][c], w[c]);
        fputc('\n', out);
    }
    put_rule(out, w, g->ncols);
}

static void grid_free(struct grid *g) {
    rep_free(g->names);
    rep_free(g->cells);
}

/* The last line of a table that HOTPATH_LIMIT cut. */
static void write_over_limit(FILE *out, size_t over) {
    if (over)
        fprintf(out, "\u2026 %zu more row%s (HOTPATH_LIMIT=%ld)\n", over, over == 1 ? "" : "s",
                hp_config.limit);
}

/* What a report of nothing says instead of an empty table, with the likely
 * cause. */
static void write_nothing_measured(FILE *out, const struct hp_report *r) {
    char dur[32];
    fputs("[hotpath] Nothing was measured in ", out);
    hp_put_utf8(out, r->main_name ? r->main_name : r->program);
    fprintf(out, " (%s%s): %s\n", r->main_name ? "" : "process lifetime ",
            hp_format_duration(r->total_ns, dur),
            r->entered ? "measured functions were entered but none returned before the report"
                       : "no measured function or block was called (is any function tagged, did "
                         "the plugin's include= match nothing, or was the program built without "
                         "the plugin?)");
}

/* What overhead compensation took out; nothing when it is off (the
 * default: the raw figures, the report as it always was). */
static void write_compensation_line(FILE *out, const struct hp_report *r) {
    char all[32], in[32], ovh[32], pct[32];
    if (!r->compensated)
        return;
    double p = r->total_ns ? 100.0 * (double)r->overhead_ns / (double)r->total_ns : 0.0;
    hp_format_fixed(r->probe_in_ns + r->probe_out_ns, 1, all);
    hp_format_fixed(r->probe_in_ns, 1, in);
    hp_format_duration(r->overhead_ns, ovh);
    hp_format_fixed(p, 1, pct);
    fprintf(out,
            "[hotpath] Probe cost taken out: %sns per measured call (%sns of it in the callee's "
            "window), %s in all, %s%% of the time above (%% Total is of the rest; "
            "HOTPATH_COMPENSATE=0 for raw figures)\n",
            all, in, ovh, pct);
}

static void write_timing_table(FILE *out, const struct hp_report *r) {
    char dur[32];
    const char *title = r->main_name ? r->main_name : r->program;
    fputs("[hotpath] Performance Summary from ", out);
    hp_put_utf8(out, title);
    fprintf(out, " (Total time: %s):\n", hp_format_duration(r->total_ns, dur));
    write_compensation_line(out, r);
    struct grid g;
    if (grid_init(&g, r->nrows)) {
        const char *left[] = {"Function", "Calls", "Min", "Max", "Avg"};
        const char *right[] = {"Total", "Self", "% Total"};
        for (int i = 0; i < 5; i++)
            grid_head(&g, left[i]);
        grid_percentile_heads(&g, &r->percentiles, "");
        for (int i = 0; i < 3; i++)
            grid_head(&g, right[i]);
        int np = r->percentiles.n;
        for (size_t i = 0; i < r->nrows; i++) {
            const struct hp_row *row = &r->rows[i];
            char(*c)[32] = g.cells[i];
            g.names[i] = row->name;
            snprintf(c[1], 32, "%llu", (unsigned long long)row->calls);
            hp_format_duration(row->min, c[2]);
            hp_format_duration(row->max, c[3]);
            hp_format_duration(row->avg, c[4]);
            for (int p = 0; p < np; p++)
                hp_format_duration(row->pct[p], c[5 + p]);
            hp_format_duration(row->total, c[5 + np]);
            hp_format_duration(row->self, c[6 + np]);
            snprintf(c[7 + np], 32, "%s%%", hp_format_fixed(row->percent_total, 2, dur));
            if (row->sampled) /* estimates from the timed calls: marked */
                for (int k = 0; k < 4; k++) {
                    char *cell = c[k == 0 ? 4 : 4 + np + k];
                    memmove(cell + 1, cell, strnlen(cell, 30) + 1);
                    cell[0] = '~';
                }
        }
        grid_write(out, &g);
    }
    grid_free(&g);
    write_over_limit(out, r->over_limit);
    if (r->dropped)
        fprintf(out,
                "[hotpath] %llu measurements dropped: more than %d open at once on a thread, "
                "or a signal handler's call while the runtime was at work on its thread\n",
                (unsigned long long)r->dropped, HP_MAX_DEPTH);
}

static void write_alloc_table(FILE *out, const struct hp_report *r) {
    char b[32];
    const char *title = r->main_name ? r->main_name : r->program;
    fputs("[hotpath] Allocations from ", out);
    hp_put_utf8(out, title);
    fprintf(out, " (%s; %s allocated in all):\n",
            r->alloc_cumulative ? "cumulative" : "exclusive", hp_format_bytes(r->alloc_bytes, b));
    struct grid g;
    if (grid_init(&g, r->narows)) {
        grid_head(&g, "Function");
        grid_head(&g, "Calls");
        grid_head(&g, "Bytes avg");
        grid_percentile_heads(&g, &r->percentiles, "Bytes ");
        const char *right[] = {"Bytes total", "Peak live", "Allocs", "Peak allocs", "% of bytes"};
        for (int i = 0; i < 5; i++)
            grid_head(&g, right[i]);
        int np = r->percentiles.n;
        for (size_t i = 0; i < r->narows; i++) {
            const struct hp_alloc_row *row = &r->arows[i];
            char(*c)[32] = g.cells[i];
            g.names[i] = row->name;
            snprintf(c[1], 32, "%llu", (unsigned long long)row->calls);
            hp_format_bytes(row->bytes_avg, c[2]);
            for (int p = 0; p < np; p++)
                hp_format_bytes(row->pct[p], c[3 + p]);
            hp_format_bytes(row->bytes_total, c[3 + np]);
            hp_format_bytes(row->peak_bytes, c[4 + np]);
            snprintf(c[5 + np], 32, "%llu", (unsigned long long)row->allocs);
            snprintf(c[6 + np], 32, "%llu", (unsigned long long)row->peak_allocs);
            snprintf(c[7 + np], 32, "%s%%", hp_format_fixed(row->percent_bytes, 2, b));
        }
        grid_write(out, &g);
    }
    grid_free(&g);
    write_over_limit(out, r->aover_limit);
}

/* ---- Threads ---- */

/* "worker-1", "worker (37 threads)", "other threads (12 threads)": a thread
 * row's name as the table shows it (control characters escaped). */
static const char *thread_label(const struct hp_thread_row *t, char *buf, size_t size) {
    char name[80];
    hp_printable(t->other ? "other threads" : t->name[0] ? t->name : "(unnamed)", 60, name,
                 sizeof name);
    if (t->group || t->other)
        snprintf(buf, size, "%s (%llu thread%s)", name, (unsigned long long)t->nthreads,
                 t->nthreads == 1 ? "" : "s");
    else
        snprintf(buf, size, "%s", name);
    return buf;
}

/* A table of cells given as strings: heads[ncols], cells[row * ncols + col]. */
static void write_cells(FILE *out, const char *const *heads, int ncols, const char **cells,
                        size_t nrows) {
    size_t w[MAX_COLS] = {0};
    if (ncols > MAX_COLS)
        ncols = MAX_COLS;
    for (int c = 0; c < ncols; c++) {
        w[c] = hp_display_width(heads[c]);
        for (size_t i = 0; i < nrows; i++) {
            size_t cw = hp_display_width(cells[i * (size_t)ncols + (size_t)c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    put_rule(out, w, ncols);
    fputc('|', out);
    for (int c = 0; c < ncols; c++)
        put_padded(out, heads[c], w[c]);
    fputc('\n', out);
    put_rule(out, w, ncols);
    for (size_t i = 0; i < nrows; i++) {
        fputc('|', out);
        for (int c = 0; c < ncols; c++)
            put_padded(out, cells[i * (size_t)ncols + (size_t)c], w[c]);
        fputc('\n', out);
    }
    put_rule(out, w, ncols);
}

#define TCELL 300
#define HP_STR_(x) #x
#define HP_STR(x) HP_STR_(x)
static void write_threads_table(FILE *out, const struct hp_report *r) {
    static const char *const heads[] = {"Thread", "TID",  "Calls",
                                        "Measured", "CPU", "Top function (Self)"};
    enum { NC = 6 };
    const char **cells = rep_calloc(r->nthreads * NC, sizeof *cells);
    char(*text)[NC][TCELL] = rep_calloc(r->nthreads, sizeof *text);
    if (!cells || !text)
        goto out;
    uint64_t merged = 0;
    for (size_t i = 0; i < r->nthreads; i++)
        merged += r->threads[i].nthreads > 1 ? r->threads[i].nthreads : 0;
    fprintf(out,
            "[hotpath] Threads (%zu row%s%s): Measured is the time in each thread's outermost "
            "measured calls, CPU its CPU time (at its exit, or now)\n",
            r->nthreads, r->nthreads == 1 ? "" : "s",
            merged ? "; past " HP_STR(HP_TREC_SINGLE) " threads, threads of one name share a row"
                   : "");
    for (size_t i = 0; i < r->nthreads; i++) {
        const struct hp_thread_row *t = &r->threads[i];
        char d[32];
        thread_label(t, text[i][0], TCELL);
        if (t->group || t->other)
            snprintf(text[i][1], TCELL, "-");
        else
            snprintf(text[i][1], TCELL, "%ld", t->tid);
        snprintf(text[i][2], TCELL, "%llu", (unsigned long long)t->calls);
        hp_format_duration(t->measured_ns, text[i][3]);
        hp_format_duration(t->cpu_ns, text[i][4]);
        if (t->top_self) {
            char name[4 * 64 + 8];
            hp_printable(t->top_self, 64, name, sizeof name);
            snprintf(text[i][5], TCELL, "%s (%s)", name,
                     hp_format_duration(t->top_self_ns > 0 ? (uint64_t)t->top_self_ns : 0, d));
        }
        for (int c = 0; c < NC; c++)
            cells[i * NC + (size_t)c] = text[i][c];
    }
    write_cells(out, heads, NC, cells, r->nthreads);
out:
    rep_free(cells);
    rep_free(text);
}

/* The figure of row for thread `thread`, or NULL. */
static const struct hp_thread_fig *row_fig(const struct hp_report *r, const struct hp_row *row,
                                           uint32_t thread) {
    for (uint32_t k = 0; k < row->nper; k++)
        if (r->figs[row->first_per + k].thread == thread)
            return &r->figs[row->first_per + k];
    return NULL;
}

struct thread_line {
    const struct hp_row *row;
    const struct hp_thread_fig *fig;
};

static int thread_line_cmp(const void *x, const void *y) {
    const struct thread_line *a = x, *b = y;
    if (a->fig->total != b->fig->total)
        return a->fig->total > b->fig->total ? -1 : 1;
    return strcmp(a->row->name, b->row->name);
}

/* HOTPATH_THREADS=1: one timing table per thread row, its functions by
 * their Total on that thread (the rows the merged table shows). */
static void write_thread_tables(FILE *out, const struct hp_report *r) {
    static const char *const heads[] = {"Function", "Calls", "Avg", "Total", "Self", "% Total"};
    enum { NC = 6 };
    struct thread_line *lines = rep_calloc(r->nrows ? r->nrows : 1, sizeof *lines);
    const char **cells = rep_calloc((r->nrows ? r->nrows : 1) * NC, sizeof *cells);
    char(*text)[NC][32] = rep_calloc(r->nrows ? r->nrows : 1, sizeof *text);
    if (!lines || !cells || !text)
        goto out;
    for (uint32_t ti = 0; ti < r->nthreads; ti++) {
        const struct hp_thread_row *t = &r->threads[ti];
        size_t n = 0;
        for (size_t i = 0; i < r->nrows; i++) {
            const struct hp_thread_fig *f = row_fig(r, &r->rows[i], ti);
            if (f)
                lines[n++] = (struct thread_line){&r->rows[i], f};
        }
        qsort(lines, n, sizeof *lines, thread_line_cmp);
        char label[TCELL], m[32], c[32];
        fprintf(out, "[hotpath] Thread %s", thread_label(t, label, sizeof label));
        if (!t->group && !t->other)
            fprintf(out, " (tid %ld", t->tid);
        else
            fputs(" (", out);
        fprintf(out, "%smeasured %s, CPU %s):\n", !t->group && !t->other ? "; " : "",
                hp_format_duration(t->measured_ns, m), hp_format_duration(t->cpu_ns, c));
        for (size_t i = 0; i < n; i++) {
            const struct thread_line *l = &lines[i];
            char(*x)[32] = text[i];
            snprintf(x[1], 32, "%llu", (unsigned long long)l->fig->calls);
            hp_format_duration(l->fig->calls ? (l->fig->sum + l->fig->calls / 2) / l->fig->calls
                                             : 0,
                               x[2]);
            hp_format_duration(l->fig->total, x[3]);
            hp_format_duration(l->fig->self > 0 ? (uint64_t)l->fig->self : 0, x[4]);
            double pct = r->total_ns ? 100.0 * (double)l->fig->total / (double)r->total_ns : 0.0;
            snprintf(x[5], 32, "%s%%", hp_format_fixed(pct, 2, m));
            cells[i * NC] = l->row->name;
            for (int k = 1; k < NC; k++)
                cells[i * NC + (size_t)k] = x[k];
        }
        write_cells(out, heads, NC, cells, n);
    }
out:
    rep_free(lines);
    rep_free(cells);
    rep_free(text);
}

static void write_table(FILE *out, const struct hp_report *r) {
    if (r->nmeasured == 0) {
        write_nothing_measured(out, r);
        return;
    }
    write_timing_table(out, r);
    if (r->alloc)
        write_alloc_table(out, r);
    /* a single-threaded program's report stays as it was */
    if (r->nthreads > 1 || (r->nthreads == 1 && r->threads[0].nthreads > 1))
        write_threads_table(out, r);
    if (hp_config.threads && r->nthreads > 0)
        write_thread_tables(out, r);
}

/* ======================================================================== */
/* JSON                                                                     */
/* ======================================================================== */

/*
 * The JSON goes through a buffer of its own, to a stream (locked once by
 * hp_report_write) or straight to a file descriptor: a report to a file
 * then needs no stdio stream (fopen's malloc is the first of a program
 * that allocates nothing itself: glibc's heap set-up, two brk, getrandom,
 * three page faults) and no stdio call per item. 100,000 rows in a
 * fraction of a second.
 */
struct jbuf {
    char *p;
    size_t len, cap;
    FILE *f; /* the sink: a stream, or, when NULL, */
    int fd;  /* a file descriptor */
    int err; /* the errno of the first failed write to fd; nothing written after it */
};

static void jb_flush(struct jbuf *b) {
    if (b->f)
        fwrite_unlocked(b->p, 1, b->len, b->f);
    else
        for (size_t at = 0; at < b->len && !b->err;) {
            ssize_t n = write(b->fd, b->p + at, b->len - at);
            if (n > 0)
                at += (size_t)n;
            else if (n < 0 && errno == EINTR)
                continue;
            else
                b->err = n < 0 && errno ? errno : EIO;
        }
    b->len = 0;
}

static void jb_put(struct jbuf *b, const char *s, size_t n) {
    while (n) {
        if (b->len == b->cap)
            jb_flush(b);
        size_t k = b->cap - b->len < n ? b->cap - b->len : n;
        memcpy(b->p + b->len, s, k);
        b->len += k;
        s += k;
        n -= k;
    }
}

static void jb_putc(struct jbuf *b, char c) {
    if (b->len == b->cap)
        jb_flush(b);
    b->p[b->len++] = c;
}

static void put_str(struct jbuf *out, const char *s) { jb_put(out, s, strlen(s)); }

/* Numbers without printf (format.c): the JSON of a report needs none. */
static void put_u64(struct jbuf *out, uint64_t v) {
    char b[24];
    jb_put(out, b, (size_t)(hp_put_u64(b, v) - b));
}

static void put_i64(struct jbuf *out, int64_t v) {
    if (v < 0)
        jb_putc(out, '-');
    put_u64(out, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/*
 * A JSON string. Valid UTF-8 goes through as it is; a byte that does not
 * begin a valid sequence (a name from a Latin-1 source) is read as Latin-1
 * and written \u00XX, so that strict parsers accept the report and "é" in
 * ISO-8859-1 still reads "é".
 */
static void json_string(struct jbuf *out, const char *s) {
    static const char hex[] = "0123456789abcdef";
    jb_putc(out, '"');
    while (s && *s) {
        unsigned char c = (unsigned char)*s;
        size_t len = c < 0x80 ? 1 : hp_utf8_len(s);
        if (c == '"' || c == '\\') {
            jb_putc(out, '\\');
            jb_putc(out, (char)(c));
        } else if (c < 0x20 || len == 0) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            jb_put(out, e, sizeof e);
            len = 1;
        } else
            jb_put(out, s, len);
        s += len;
    }
    jb_putc(out, '"');
}

static const char *kind_name(uint32_t kind) {
    return kind == HOTPATH_KIND_BLOCK ? "block" : "function";
}

/* A small JSON writer: members of objects nested up to three deep, one per
 * line when pretty. */
struct jw {
    struct jbuf *out;
    bool pretty;
    bool first; /* no member written yet in the current object or array */
};

static void jw_indent(struct jw *j, int depth) {
    static const char spaces[] = "\n              ";
    jb_put(j->out, spaces, 1 + (size_t)(2 * depth < 14 ? 2 * depth : 14));
}

static void jw_open(struct jw *j, char bracket) {
    jb_putc(j->out, (char)(bracket));
    j->first = true;
}

static void jw_close(struct jw *j, char bracket, int depth) {
    if (j->pretty && !j->first)
        jw_indent(j, depth);
    jb_putc(j->out, (char)(bracket));
    j->first = false;
}

/* Starts an element at depth; key NULL inside arrays. */
static void jw_item(struct jw *j, int depth, const char *key) {
    if (!j->first)
        jb_putc(j->out, ',');
    if (j->pretty)
        jw_indent(j, depth);
    if (key) {
        jb_putc(j->out, '"');
        put_str(j->out, key);
        put_str(j->out, j->pretty ? "\": " : "\":");
    }
    j->first = false;
}

static void jw_u64(struct jw *j, int depth, const char *key, uint64_t v) {
    jw_item(j, depth, key);
    put_u64(j->out, v);
}

static void jw_str(struct jw *j, int depth, const char *key, const char *v) {
    jw_item(j, depth, key);
    if (v)
        json_string(j->out, v);
    else
        put_str(j->out, "null");
}

/* v with `decimals` decimals, in the C locale */
static void jw_fixed(struct jw *j, int depth, const char *key, int decimals, double v) {
    char b[32];
    jw_item(j, depth, key);
    put_str(j->out, hp_format_fixed(v, decimals, b));
}

/* {"50": v0, "99.9": v1}, on one line */
static void jw_percentiles(struct jw *j, int depth, const char *key,
                           const struct hp_percentiles *pc, const uint64_t *values) {
    char b[HP_PERCENTILE_LABEL];
    jw_item(j, depth, key);
    jb_putc(j->out, '{');
    for (int p = 0; p < pc->n; p++) {
        if (p)
            put_str(j->out, j->pretty ? ", " : ",");
        jb_putc(j->out, '"');
        put_str(j->out, percentile_label(pc, p, b));
        put_str(j->out, j->pretty ? "\": " : "\":");
        put_u64(j->out, values[p]);
    }
    jb_putc(j->out, '}');
}

/* [[index, count], ...] on one line */
static void jw_histogram(struct jw *j, int depth, const char *key, const struct hp_report *r,
                         struct hp_hist_ref h) {
    jw_item(j, depth, key);
    jb_putc(j->out, '[');
    for (uint32_t i = 0; i < h.nbuckets; i++) {
        const struct hp_bucket *b = &r->buckets[h.first + i];
        put_str(j->out, i ? ",[" : "[");
        put_u64(j->out, b->index);
        jb_putc(j->out, ',');
        put_u64(j->out, b->count);
        jb_putc(j->out, ']');
    }
    jb_putc(j->out, ']');
}

/* "per_thread": [{"tid": 1, "calls": 2, "total_ns": 3, "self_ns": 4}, ...] on one line */
static void jw_per_thread(struct jw *j, int depth, const struct hp_report *r,
                          const struct hp_row *row) {
    bool p = j->pretty;
    jw_item(j, depth, "per_thread");
    jb_putc(j->out, '[');
    for (uint32_t k = 0; k < row->nper; k++) {
        const struct hp_thread_fig *f = &r->figs[row->first_per + k];
        if (k)
            put_str(j->out, p ? ", " : ",");
        put_str(j->out, p ? "{\"tid\": " : "{\"tid\":");
        put_u64(j->out, (uint64_t)r->threads[f->thread].tid); /* a tid is positive */
        put_str(j->out, p ? ", \"calls\": " : ",\"calls\":");
        put_u64(j->out, f->calls);
        put_str(j->out, p ? ", \"total_ns\": " : ",\"total_ns\":");
        put_u64(j->out, f->total);
        put_str(j->out, p ? ", \"self_ns\": " : ",\"self_ns\":");
        put_i64(j->out, f->self);
        jb_putc(j->out, '}');
    }
    jb_putc(j->out, ']');
}

/* "threads": one object per thread row; "thread_records_bytes". */
static void jw_threads(struct jw *j, const struct hp_report *r) {
    jw_u64(j, 1, "thread_records_bytes", r->thread_records_bytes);
    if (r->threads_lost)
        jw_u64(j, 1, "threads_lost", r->threads_lost);
    jw_item(j, 1, "threads");
    jw_open(j, '[');
    for (size_t i = 0; i < r->nthreads; i++) {
        const struct hp_thread_row *t = &r->threads[i];
        jw_item(j, 2, NULL);
        jw_open(j, '{');
        jw_item(j, 3, "tid");
        put_i64(j->out, t->tid);
        jw_str(j, 3, "name", t->other ? "other threads" : t->name);
        jw_u64(j, 3, "calls", t->calls);
        jw_u64(j, 3, "measured_ns", t->measured_ns);
        jw_u64(j, 3, "cpu_ns", t->cpu_ns);
        jw_str(j, 3, "top_self", t->top_self);
        jw_item(j, 3, "top_self_ns");
        put_i64(j->out, t->top_self_ns);
        jw_u64(j, 3, "merged_threads", t->nthreads);
        jw_item(j, 3, "exited");
        put_str(j->out, t->exited ? "true" : "false");
        jw_close(j, '}', 2);
    }
    jw_close(j, ']', 1);
}

static void write_json(struct jbuf *out, const struct hp_report *r, bool pretty) {
    struct jw j = {out, pretty, true};
    jw_open(&j, '{');
    jw_u64(&j, 1, "schema", 2);
    jw_u64(&j, 1, "pid", (uint64_t)r->pid);
    jw_item(&j, 1, "ns_per_tick");
    char g[32];
    put_str(out, hp_format_g17(r->ns_per_tick, g)); /* printf's %.17g, without printf */
    jw_item(&j, 1, "histogram_layout");
    put_str(out, pretty ? "{\"sub_bits\": " : "{\"sub_bits\":");
    put_u64(out, HP_HIST_SUB_BITS);
    put_str(out, pretty ? ", \"max_exp\": " : ",\"max_exp\":");
    put_u64(out, HP_HIST_MAX_EXP);
    put_str(out, pretty ? ", \"buckets\": " : ",\"buckets\":");
    put_u64(out, HP_HIST_BUCKETS);
    jb_putc(out, '}');
    jw_str(&j, 1, "main", r->main_name);
    jw_str(&j, 1, "program", r->program);
    jw_u64(&j, 1, "total_ns", r->total_ns);
    jw_str(&j, 1, "clock", r->clock);
    jw_u64(&j, 1, "dropped", r->dropped);
    jw_str(&j, 1, "sort", hp_sort_name(hp_config.sort));
    jw_u64(&j, 1, "limit", (uint64_t)hp_config.limit);
    jw_u64(&j, 1, "rows_over_limit", r->over_limit);
    jw_item(&j, 1, "compensation");
    jw_open(&j, '{');
    jw_item(&j, 2, "on");
    put_str(out, r->compensated ? "true" : "false");
    jw_fixed(&j, 2, "probe_in_window_ns", 2, r->probe_in_ns);
    jw_fixed(&j, 2, "probe_outside_ns", 2, r->probe_out_ns);
    jw_u64(&j, 2, "calls", r->calls_all);
    jw_u64(&j, 2, "overhead_ns", r->overhead_ns);
    jw_u64(&j, 2, "calibration_ns", r->calibration_ns);
    jw_u64(&j, 2, "calibrations", r->calibrations);
    jw_close(&j, '}', 1);
    jw_item(&j, 1, "percentiles");
    jw_open(&j, '[');
    char b[HP_PERCENTILE_LABEL];
    for (int i = 0; i < r->percentiles.n; i++) {
        if (i)
            jb_putc(out, ',');
        put_str(out, percentile_label(&r->percentiles, i, b));
    }
    jb_putc(out, ']');
    j.first = false;
    jw_item(&j, 1, "functions");
    jw_open(&j, '[');
    for (size_t i = 0; i < r->nrows; i++) {
        const struct hp_row *row = &r->rows[i];
        jw_item(&j, 2, NULL);
        jw_open(&j, '{');
        jw_str(&j, 3, "name", row->name);
        jw_str(&j, 3, "kind", kind_name(row->kind));
        jw_str(&j, 3, "file", row->file);
        jw_u64(&j, 3, "line", row->line);
        jw_u64(&j, 3, "calls", row->calls);
        if (row->sampled) {
            jw_u64(&j, 3, "sample_period", row->sample_period);
            jw_u64(&j, 3, "timed_calls", row->timed);
        }
        jw_u64(&j, 3, "min_ns", row->min);
        jw_u64(&j, 3, "max_ns", row->max);
        jw_u64(&j, 3, "avg_ns", row->avg);
        jw_u64(&j, 3, "total_ns", row->total);
        jw_u64(&j, 3, "self_ns", row->self);
        jw_fixed(&j, 3, "percent_total", 4, row->percent_total);
        jw_percentiles(&j, 3, "percentiles_ns", &r->percentiles, row->pct);
        jw_u64(&j, 3, "sum_ns", row->sum);
        jw_histogram(&j, 3, "histogram", r, row->hist);
        jw_per_thread(&j, 3, r, row);
        jw_close(&j, '}', 2);
    }
    jw_close(&j, ']', 1);
    jw_threads(&j, r);
    if (r->alloc) {
        jw_str(&j, 1, "alloc_mode", r->alloc_cumulative ? "cumulative" : "exclusive");
        jw_u64(&j, 1, "alloc_bytes", r->alloc_bytes);
        jw_u64(&j, 1, "allocation_rows_over_limit", r->aover_limit);
        jw_item(&j, 1, "allocations");
        jw_open(&j, '[');
        for (size_t i = 0; i < r->narows; i++) {
            const struct hp_alloc_row *row = &r->arows[i];
            jw_item(&j, 2, NULL);
            jw_open(&j, '{');
            jw_str(&j, 3, "name", row->name);
            jw_u64(&j, 3, "calls", row->calls);
            jw_u64(&j, 3, "bytes_avg", row->bytes_avg);
            jw_u64(&j, 3, "bytes_total", row->bytes_total);
            jw_u64(&j, 3, "peak_live_bytes", row->peak_bytes);
            jw_u64(&j, 3, "allocs", row->allocs);
            jw_u64(&j, 3, "peak_allocs", row->peak_allocs);
            jw_fixed(&j, 3, "percent_bytes", 4, row->percent_bytes);
            jw_percentiles(&j, 3, "bytes_percentiles", &r->percentiles, row->pct);
            jw_u64(&j, 3, "bytes_sum", row->bytes_sum);
            jw_u64(&j, 3, "min_bytes", row->min_bytes);
            jw_u64(&j, 3, "max_bytes", row->max_bytes);
            jw_histogram(&j, 3, "bytes_histogram", r, row->hist);
            jw_close(&j, '}', 2);
        }
        jw_close(&j, ']', 1);
    }
    jw_close(&j, '}', 0);
    jb_putc(out, '\n');
}

/* The JSON buffer's size, when the caller gives none. */
#define JSON_BUF ((size_t)64 << 10)

/* Writes r to out, or (out NULL, JSON only) to fd, the JSON through buf
 * (cap bytes; NULL: one of its own). Returns the errno of the first failed
 * write to fd, or 0 (a stream keeps its errors: ferror). */
static int report_write(FILE *out, int fd, const struct hp_report *r, enum hp_format format,
                        char *buf, size_t cap) {
    /* "8.46ms" and "1.8114" whatever the program passed to setlocale: the
     * table's printf in the C locale (the JSON is written without printf,
     * hp_format_g17 sets the C locale where it falls back to it) */
    locale_t old = format == HP_FORMAT_TABLE ? uselocale(hp_c_locale()) : (locale_t)0;
    int err = 0;
    if (out)
        flockfile(out);
    switch (format) {
    case HP_FORMAT_TABLE:
        if (out)
            write_table(out, r);
        break;
    case HP_FORMAT_JSON:
    case HP_FORMAT_JSON_PRETTY: {
        char small[256]; /* without memory: written in small pieces */
        char *own = buf ? NULL : rep_calloc(1, JSON_BUF);
        struct jbuf b = {buf ? buf : own ? own : small, 0, buf ? cap : own ? JSON_BUF : sizeof small,
                         out, fd, 0};
        write_json(&b, r, format == HP_FORMAT_JSON_PRETTY);
        jb_flush(&b);
        rep_free(own);
        err = b.err;
        break;
    }
    case HP_FORMAT_NONE:
        break;
    }
    if (out) {
        funlockfile(out);
        fflush(out);
    }
    if (format == HP_FORMAT_TABLE)
        uselocale(old);
    return err;
}

void hp_report_write(FILE *out, const struct hp_report *r, enum hp_format format) {
    report_write(out, -1, r, format, NULL, 0);
}

/* ======================================================================== */
/* Once per process                                                         */
/* ======================================================================== */

/*
 * The report file (and the trace: trace.c), through hp_out (report.h):
 * never partly written at the path. A relative path is taken from the
 * directory the program started in. Every write, flush and close is
 * checked: on an error, one line on stderr and the report goes to stderr.
 */
bool hp_out_open(struct hp_out *o, char *path, bool raw) {
    struct stat st; /* a device, pipe or symbolic link is written in place */
    size_t len = strnlen(path, HP_OUT_PATH_MAX);
    o->path = path;
    o->tmp = path + len + 1; /* HP_OUT_BUF - len - 1 >= HP_OUT_PATH_MAX + 48 bytes */
    o->f = NULL;
    o->fd = -1;
    o->err = 0;
    size_t room = HP_OUT_BUF - len - 1;
    o->in_place = (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) || len >= HP_OUT_PATH_MAX ||
                  room < len + 48;
    if (!o->in_place) { /* PATH.hotpath-PID.tmp, without snprintf (format.c) */
        char *t = o->tmp;
        memcpy(t, path, len);
        memcpy(t + len, ".hotpath-", 9);
        t = hp_put_u64(t + len + 9, (uint64_t)getpid());
        memcpy(t, ".tmp", 5);
    }
    for (int pass = o->in_place ? 1 : 0; pass < 2; pass++) {
        /* pass 1: a device, or a directory we may not create files in */
        const char *name = pass ? path : o->tmp;
        o->in_place = pass == 1;
        if (raw)
            o->fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); /* fopen's "w" */
        else
            o->f = fopen(name, "w");
        if (o->f || o->fd >= 0)
            return true;
    }
    return false;
}

int hp_out_close(struct hp_out *o) {
    int err;
    if (o->f) {
        fflush(o->f);
        err = ferror(o->f) ? (errno ? errno : EIO) : 0;
        if (fclose(o->f) != 0 && !err)
            err = errno ? errno : EIO;
    } else {
        err = o->err;
        if (close(o->fd) != 0 && !err)
            err = errno ? errno : EIO;
    }
    if (!err && !o->in_place && rename(o->tmp, o->path) != 0)
        err = errno;
    if (err && !o->in_place)
        unlink(o->tmp);
    return err;
}

static void report_to_stderr(const struct hp_report *r) {
    hp_report_write(stderr, r, hp_config.format);
}

/* The report goes to stderr: the output path is too long or cannot be
 * opened. Out of line, so that its message buffer is not on the stack of
 * every report (a page fault in a short process). */
static __attribute__((noinline, cold)) void report_path_failed(const struct hp_report *r,
                                                                const char *path, int err) {
    char why[160 + HP_OUT_PATH_MAX];
    if (!path)
        snprintf(why, sizeof why, " (longer than %zu bytes with %%p replaced)",
                 (size_t)HP_OUT_PATH_MAX - 1);
    else if (strcmp(path, hp_config.output_path) == 0)
        snprintf(why, sizeof why, " (cannot open it: %s)", strerror(err));
    else
        snprintf(why, sizeof why, " (cannot open %s: %s)", path, strerror(err));
    hp_config_reject(stderr, HP_OPT_output_path, hp_config.output_path, why);
    report_to_stderr(r);
}

/* The path and the temporary name in the report's memory, after its
 * arrays (usually in a page they touched already), not on the stack,
 * where their 16 KiB reached two pages that a short process had not
 * touched. */
static void report_to_file(const struct hp_report *r) {
    /* JSON goes to the file descriptor, through a buffer that follows the
     * names in the same block (stdio's stream is for the table) */
    bool json = hp_config.format == HP_FORMAT_JSON || hp_config.format == HP_FORMAT_JSON_PRETTY;
    size_t size = HP_OUT_BUF + (json ? JSON_BUF : 0);
    char *path = rep_calloc(1, size);
    if (!path) {
        fprintf(stderr, "hotpath: out of memory for the path of HOTPATH_OUTPUT_PATH (%s): writing "
                        "the report to stderr instead\n", hp_config.output_path);
        report_to_stderr(r);
    } else if (!hp_config_resolve_path(hp_config.output_path, path, HP_OUT_PATH_MAX))
        report_path_failed(r, NULL, 0);
    else {
        struct hp_out o;
        if (!hp_out_open(&o, path, json))
            report_path_failed(r, path, errno);
        else {
            errno = 0;
            size_t used = (size_t)(o.tmp - path) + strlen(o.tmp) + 1;
            used = (used + 63) & ~(size_t)63;
            o.err = report_write(o.f, o.fd, r, hp_config.format, json ? path + used : NULL,
                                 size - used);
            int err = hp_out_close(&o);
            if (err) {
                fprintf(stderr,
                        "hotpath: cannot write the report to %s, from HOTPATH_OUTPUT_PATH (%s): "
                        "writing it to stderr instead\n",
                        path, strerror(err));
                report_to_stderr(r);
            }
        }
    }
    rep_free(path);
}

/* The compensation's figures, and % Total of the window without the
 * overhead that was taken out of the rows. */
static void compensation(struct hp_report *r, double comp_in, double comp_out, size_t n) {
    r->compensated = hp_config.compensate;
    r->probe_in_ns = comp_in * r->ns_per_tick;
    r->probe_out_ns = comp_out * r->ns_per_tick;
    /* the timed calls: an untimed one (sampling) reads no clock, and its
     * few instructions are not compensated */
    for (size_t i = 0; i < n; i++)
        r->calls_all += r->rows[i].timed;
    double ovh = (double)r->calls_all * (r->probe_in_ns + r->probe_out_ns);
    r->overhead_ns = ovh < (double)r->total_ns ? (uint64_t)ovh : r->total_ns;
    uint64_t rest = r->total_ns - r->overhead_ns;
    if (r->overhead_ns > 0)
        for (size_t i = 0; i < n; i++)
            r->rows[i].percent_total = rest ? 100.0 * (double)r->rows[i].total / (double)rest : 0.0;
}

void hp_report_collect(struct hp_report *r) {
    uint64_t now = hp_now();
    memset(r, 0, sizeof *r);
    r->clock = hp_clock_name();
    r->ns_per_tick = hp_ns_per_tick();
    r->pid = hp_pid();
    r->program = program_invocation_short_name;

    pthread_mutex_lock(&hp_lock);
    bool has_main = hp_window.name != NULL;
    uint64_t start = has_main ? hp_window.start : hp_process_start;
    uint64_t end = has_main && hp_window.end ? hp_window.end : now;
    r->main_name = hp_window.name;
    struct hp_main_request m = {hp_window.name, hp_window.percentiles, 0};
    hp_config_main_percentiles(has_main ? &m : NULL, &r->percentiles);
    r->alloc = hp_alloc_on;
    r->alloc_cumulative = hp_alloc_cumulative;
    r->alloc_bytes = hp_alloc_bytes_locked() - (has_main ? hp_window.alloc_bytes0 : 0);
    r->rows = rep_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *r->rows);
    r->arows = r->alloc ? rep_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *r->arows) : NULL;
    size_t n = r->rows ? gather(r, end - start) : 0;
    r->measured = false;
    for (uint32_t id = 1; id < hp_reg.count && !r->measured; id++)
        r->measured = hp_reg.sites[id]->kind != HP_KIND_CALIBRATION;
    /* the calibration reruns during the run (calibrate.c): the mean of
     * what its runs set, which is what the calls were charged on average */
    double comp_in = (double)HP_LOAD(hp_comp.in), comp_out = (double)HP_LOAD(hp_comp.out);
    uint64_t calibration_ticks = 0;
    if (atomic_load_explicit(&hp_comp_figures.done, memory_order_acquire)) {
        calibration_ticks = HP_LOAD(hp_comp_figures.cost_ticks);
        uint64_t runs = HP_LOAD(hp_comp_figures.runs);
        if (runs && hp_config.compensate) {
            comp_in = (double)HP_LOAD(hp_comp_figures.sum_in) / (double)runs;
            comp_out = (double)HP_LOAD(hp_comp_figures.sum_out) / (double)runs;
        }
        r->calibrations = runs;
    }
    pthread_mutex_unlock(&hp_lock);
    r->calibration_ns = hp_ticks_to_ns(calibration_ticks);

    r->total_ns = hp_ticks_to_ns(end - start);
    r->nmeasured = n;
    compensation(r, comp_in, comp_out, n);
    r->nrows = r->rows ? hp_rows_select(r->rows, n, &r->over_limit) : 0;
    threads_finish(r);
    r->narows = r->arows ? hp_alloc_rows_select(r->arows, r->narows, &r->aover_limit) : 0;
}

void hp_report_free(struct hp_report *r) {
    rep_free(r->threads);
    r->threads = NULL;
    r->nthreads = 0;
    rep_free(r->figs);
    r->figs = NULL;
    r->nfigs = r->capfigs = 0;
    rep_free(r->buckets);
    r->buckets = NULL;
    r->nbuckets = r->capbuckets = 0;
    rep_free(r->arows);
    r->arows = NULL;
    rep_free(r->rows);
    r->rows = NULL;
    r->nrows = 0;
}

/* Collects and writes a report now, to the configured output (after the
 * lines about bad HOTPATH_* values, settled against hotpath::main). */
static void write_report(void) {
    hp_busy_enter();
    pthread_mutex_lock(&hp_lock);
    struct hp_main_request m = {hp_window.name, hp_window.percentiles, 0};
    bool has_main = hp_window.name != NULL;
    bool registered = hp_reg.count > 1; /* a site has been entered */
    pthread_mutex_unlock(&hp_lock);
    hp_config_settle(stderr, has_main ? &m : NULL);
    if (hp_config.format == HP_FORMAT_NONE) {
        hp_busy_leave();
        return;
    }
    /* a program that measured nothing and asked for nothing stays silent
     * (configure's test programs, build tools linked through the wrapper) */
    bool asked = has_main || (hp_config.in_env & (1u << HP_OPT_format | 1u << HP_OPT_output_path));
    if (!asked && !registered) { /* nothing to gather: its pages stay untouched */
        hp_busy_leave();
        return;
    }
    struct hp_report r;
    hp_report_collect(&r);
    if (hp_forked_child && r.nmeasured == 0) /* fork.h: the parent's report has it all */
        asked = false;
    if ((r.nmeasured > 0 || asked) && hp_config.output_path[0])
        report_to_file(&r);
    else if (r.nmeasured > 0 || asked)
        report_to_stderr(&r);
    hp_report_free(&r);
    hp_busy_leave();
}

bool hp_report_once(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&report_state, &expected, 1))
        return false;
    write_report();
    hp_trace_write(); /* trace.c: the timeline, with the final report */
    return true;
}

/* ---- signals.c: the on-demand report (HOTPATH_SIGNAL) ---- */
bool hp_report_snapshot(void) {
    if (hp_report_done())
        return false;
    write_report();
    atomic_fetch_add(&hp_config_report_number, 1);
    return true;
}
