/*
 * fork.c — the child's figures start at the fork.
 *
 * A forked child reports only what happened in it after the fork: the
 * parent's report already holds everything before it, so the two reports
 * add up without counting anything twice. In the child (the
 * pthread_atfork child handler, single-threaded, hp_lock fresh):
 *
 *   - the merged figures of threads that had exited, and the states of
 *     the threads that did not come along (all but the forking one), are
 *     dropped;
 *   - the forking thread's statistics are zeroed, but its open frames stay
 *     open, so that the functions that return in the child still pair up
 *     with their enter. Such a frame counts from the fork: its start is
 *     moved to the fork and what its measured callees took before is
 *     forgotten, so its Total and Self in the child are the child's time
 *     only, and its call is counted in both processes (each saw it end);
 *   - the report's window (process lifetime, or an open hotpath::main)
 *     starts at the fork; the allocation counters start from zero.
 */
#include "fork.h"

#include <string.h>

#include "clock.h"
#include "internal.h"

static void zero_stats(struct hp_site_stats *s) {
    HP_STORE(s->calls, 0);
    HP_STORE(s->total, 0);
    HP_STORE(s->sum, 0);
    HP_STORE(s->self, 0);
    HP_STORE(s->min, UINT64_MAX);
    HP_STORE(s->max, 0);
    HP_STORE(s->pending, 0);
    HP_STORE(s->untimed, 0);
    /* the child's calls are all in the random phase, or all certain */
    HP_STORE(s->det_calls, 0);
    HP_STORE(s->det_total, 0);
    HP_STORE(s->det_sum, 0);
    HP_STORE(s->det_self, 0);
    HP_STORE(s->gap, HP_LOAD(s->skip)); /* no call since the fork: gap - skip = 0 */
    /* by chunk: a block holds a few of its HP_HIST_GROUPS */
    for (uint32_t g = 0; g < HP_HIST_GROUPS; g++)
        if (hp_stats_chunk(s, g))
            for (uint32_t i = g * HP_HIST_CHUNK; i < (g + 1) * HP_HIST_CHUNK && i < HP_HIST_BUCKETS; i++)
                HP_STORE(*hp_hist_counter(s, i), 0);
    struct hp_alloc_stats *a = HP_LOAD(s->alloc);
    if (a) {
        memset(a, 0, sizeof *a);
        HP_STORE(a->min_bytes, UINT64_MAX);
    }
}

bool hp_forked_child;

void hp_fork_child_reset(void) {
    hp_forked_child = true;
    struct hp_thread *self = hp_tls.thread;
    for (uint32_t id = 1; id < hp_reg.count; id++)
        if (hp_reg.agg && hp_reg.agg[id])
            hp_agg_init(hp_reg.agg[id]);
    hp_reg.dropped = 0;
    hp_reg.alloc_bytes = 0;
    /* The other threads' states: their threads are not in the child. Their
     * memory stays allocated (a few KiB per thread), as freeing what
     * another thread's TLS still points to would gain nothing. */
    hp_reg.threads = self;
    if (self) {
        self->prev = self->next = NULL;
        self->dropped = 0;
        for (struct hp_site_stats *s = HP_LOAD(self->stats); s; s = HP_LOAD(s->next))
            zero_stats(s);
        hp_alloc_fork_child(self, hp_tls.depth);
        hp_thread_identify(self); /* the child's tid */
    }
    hp_trec_reset(); /* threads.c: the exited threads were the parent's */
    /* The child's time starts once the above is done: zeroing the blocks
     * writes to pages the fork shares with the parent, and each first
     * write copies one (tens of us on a VM): the runtime's own work, not
     * the open functions'. */
    uint64_t now = hp_now();
    if (self) {
        for (uint32_t d = 0; d < hp_tls.depth; d++) {
            self->stack[d].start = now;
            self->stack[d].child = 0;
            self->stack[d].total0 = 0; /* the blocks' Total is 0 from here */
        }
        hp_thread_measured_restart(self);
    }
    hp_process_start = now;
    if (hp_window.name && hp_window.end == 0)
        hp_window.start = now;
    hp_window.alloc_bytes0 = 0;
}
