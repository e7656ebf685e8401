/* histogram.c — percentile read-out; the recording half is inline in histogram.h. */
#include "histogram.h"

#include <math.h>

uint64_t hp_hist_rank(uint64_t n, double p) {
    if (n == 0)
        return 0;
    if (!(p > 0.0))
        return 1;
    if (p >= 100.0)
        return n;
    /* ceil(p/100 * n) computed so that exact products (p=50, n=1e6) are not
     * pushed up by rounding error in p/100. */
    double r = p * (double)n / 100.0;
    uint64_t rank = (uint64_t)ceil(r - 1e-9 * r);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return rank;
}

uint64_t hp_hist_percentile(const uint64_t *counts, uint64_t n, uint64_t min, uint64_t max,
                            double p) {
    if (n == 0)
        return 0;
    if (!(p > 0.0))
        return min;
    if (p >= 100.0)
        return max;
    uint64_t rank = hp_hist_rank(n, p), seen = 0;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
            uint64_t v = hp_hist_bucket_low(i) + hp_hist_bucket_width(i) / 2;
            if (i == HP_HIST_BUCKETS - 1 || v > max)
                v = max;
            if (v < min)
                v = min;
            return v;
        }
    }
    return max;
}
