/* A header's recursive static inline function: every unit that includes
 * it gets its own copy (its own site), and each copy recurses through the
 * other unit's (OTHER, defined before the #include). The copies are one
 * function: one row, Total counted once for the outermost call. */
#ifndef MULTI_UTIL_H
#define MULTI_UTIL_H
#include <hotpath/hotpath.h>
#include <time.h>

int inline_a_entry(int n);
int inline_b_entry(int n);

static inline void multi_spin_us(long us) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do
        clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < us * 1000L);
}

HOTPATH_MEASURE static inline int helper(int n) {
    multi_spin_us(20);
    return n <= 0 ? 0 : OTHER(n - 1) + 1;
}

#endif
