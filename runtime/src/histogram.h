/*
 * histogram.h — log-linear histogram of durations (private).
 *
 * Values below 128 get a bucket each; above, every power of two is split
 * into 64 equal buckets, so a bucket's midpoint is within 1/128 (0.78%) of
 * any value in it. Values are clock ticks; the conversion to nanoseconds is
 * linear, so the relative bound holds in nanoseconds too. Values of 2^44
 * ticks or more (about 1.6 hours at 3 GHz) share the last bucket and are
 * read back as the observed maximum.
 *
 * Per-thread histograms use 32-bit counters, in chunks of 64 buckets taken
 * only for the powers of two a site's durations fall in (HP_HIST_CHUNK in
 * internal.h); the owner folds them into the 64-bit global one before a
 * counter could wrap.
 */
#ifndef HOTPATH_HISTOGRAM_H
#define HOTPATH_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HP_HIST_SUB_BITS 6
#define HP_HIST_MAX_EXP 43 /* largest exponent with its own buckets */
#define HP_HIST_BUCKETS (((HP_HIST_MAX_EXP - HP_HIST_SUB_BITS) << HP_HIST_SUB_BITS) + 128)
#define HP_HIST_MAX_VALUE ((UINT64_C(1) << (HP_HIST_MAX_EXP + 1)) - 1)

/* Bucket of value v; branch-free but for the clamp (a cmov). */
static inline uint32_t hp_hist_index(uint64_t v) {
    if (v > HP_HIST_MAX_VALUE)
        v = HP_HIST_MAX_VALUE;
    uint32_t e = 63u - (uint32_t)__builtin_clzll(v | 64u); /* >= 6 */
    uint32_t shift = e - HP_HIST_SUB_BITS;
    return (shift << HP_HIST_SUB_BITS) + (uint32_t)(v >> shift);
}

/* Smallest value that falls in bucket i, and the bucket's width. */
static inline uint64_t hp_hist_bucket_low(uint32_t i) {
    if (i < 128)
        return i;
    uint32_t shift = (i >> HP_HIST_SUB_BITS) - 1;
    return (uint64_t)((i & 63u) + 64u) << shift;
}
static inline uint64_t hp_hist_bucket_width(uint32_t i) {
    return i < 128 ? 1 : UINT64_C(1) << ((i >> HP_HIST_SUB_BITS) - 1);
}

/*
 * Value at percentile p (0..100, fractional allowed) by the nearest-rank
 * rule: the smallest recorded value v such that at least p% of the n values
 * are <= v. p = 0 gives min and p = 100 gives max. counts has
 * HP_HIST_BUCKETS entries summing to n; min and max are the exact extremes.
 * Returns 0 when n is 0.
 */
uint64_t hp_hist_percentile(const uint64_t *counts, uint64_t n, uint64_t min, uint64_t max,
                            double p);

/* The rank (1..n) that percentile p selects by the nearest-rank rule. */
uint64_t hp_hist_rank(uint64_t n, double p);

#endif
