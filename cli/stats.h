/*
 * stats.h — the Mann-Whitney U (Wilcoxon rank-sum) test used by `hotpath
 * compare`: over per-run figures (exact distribution for small samples
 * without ties), or over two distributions of call durations.
 */
#ifndef HOTPATH_CLI_STATS_H
#define HOTPATH_CLI_STATS_H

#include <stddef.h>

#include "reportfile.h"

/* Two-sided p-value that x[0..m) and y[0..n) come from the same
 * distribution. Exact (the permutation distribution, ties at midranks) up
 * to 10 runs a side; beyond, exact without ties while m * n <= 400, else the
 * normal approximation with tie and continuity corrections. 1 when either
 * sample is empty. *direction: +1 when y's values tend to be the larger
 * (U below its mean), -1 when x's do, 0 neither. */
double cli_mann_whitney(const double *x, size_t m, const double *y, size_t n, int *direction);

/* The same over two distributions (value, count), each sorted ascending:
 * the normal approximation (the samples are calls, thousands of them). */
double cli_mann_whitney_dist(const struct cli_dist *x, const struct cli_dist *y, int *direction);

/* Median of v[0..n) (sorts v). */
double cli_median(double *v, size_t n);

#endif
