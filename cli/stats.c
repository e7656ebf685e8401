/* stats.c — Mann-Whitney U, exact and approximate. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double cli_median(double *v, size_t n) {
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Larger samples without ties. Under the null hypothesis every arrangement of the m + n values is
 * equally likely; the number of arrangements with U = u is the coefficient
 * of q^u in the Gaussian binomial [m+n choose m]_q = prod_{i=1..m}
 * (1 - q^(n+i)) / (1 - q^i). Returns P(U <= u).
 */
static double exact_cdf(size_t m, size_t n, double u) {
    size_t top = m * n;
    double *c = calloc(top + 1, sizeof *c);
    if (!c)
        return 1;
    c[0] = 1;
    for (size_t i = 1; i <= m; i++) {
        for (size_t k = top; k >= n + i && k <= top; k--) /* times (1 - q^(n+i)) */
            c[k] -= c[k - n - i];
        for (size_t k = i; k <= top; k++) /* divided by (1 - q^i) */
            c[k] += c[k - i];
    }
    double total = 0, below = 0;
    for (size_t k = 0; k <= top; k++) {
        total += c[k];
        if ((double)k <= u + 1e-9)
            below += c[k];
    }
    free(c);
    return below / total;
}

/* Two-sided p from U, the sizes and the tie term sum(t^3 - t). */
static double normal_p(double u, double m, double n, double ties) {
    double N = m + n, mu = m * n / 2;
    double var = m * n / 12 * ((N + 1) - ties / (N * (N - 1)));
    if (!(var > 0))
        return 1;
    double z = (fabs(u - mu) - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    double p = erfc(z / sqrt(2.0));
    return p > 1 ? 1 : p;
}

/* Every way of choosing m of the pooled ranks: how many give a rank sum at
 * least as far from its mean as the observed one. */
struct enumeration {
    const double *rank;
    size_t total, m;
    double mean, far; /* |observed - mean|, less a rounding margin */
    double hits, count;
};

static void enumerate(struct enumeration *e, size_t i, size_t chosen, double sum) {
    if (chosen == e->m) {
        e->count++;
        e->hits += fabs(sum - e->mean) >= e->far;
        return;
    }
    if (e->total - i < e->m - chosen)
        return;
    enumerate(e, i + 1, chosen + 1, sum + e->rank[i]);
    enumerate(e, i + 1, chosen, sum);
}

static double binomial(size_t n, size_t k) {
    double c = 1;
    for (size_t i = 1; i <= k; i++)
        c = c * (double)(n - k + i) / (double)i;
    return c;
}

/* The exact permutation p-value, ties included (midranks), for samples
 * small enough to enumerate (C(m+n, m) <= 200000: 10 runs a side). */
static double exact_enumerated(const double *x, size_t m, const double *y, size_t n) {
    size_t N = m + n;
    double *v = malloc(N * sizeof *v), *rank = malloc(N * sizeof *rank);
    if (!v || !rank) {
        free(v);
        free(rank);
        return 1;
    }
    for (size_t i = 0; i < N; i++)
        v[i] = i < m ? x[i] : y[i - m];
    double observed = 0;
    for (size_t i = 0; i < N; i++) { /* midrank of v[i] among all */
        double below = 0, equal = 0;
        for (size_t j = 0; j < N; j++) {
            below += v[j] < v[i];
            equal += v[j] == v[i];
        }
        rank[i] = below + (equal + 1) / 2;
        if (i < m)
            observed += rank[i];
    }
    struct enumeration e = {rank, N, m, (double)m * (double)(N + 1) / 2, 0, 0, 0};
    e.far = fabs(observed - e.mean) - 1e-9;
    enumerate(&e, 0, 0, 0);
    free(v);
    free(rank);
    return e.count ? e.hits / e.count : 1;
}

static int sign_of(double u, double m, double n) {
    return u < m * n / 2 ? 1 : u > m * n / 2 ? -1 : 0;
}

double cli_mann_whitney(const double *x, size_t m, const double *y, size_t n, int *direction) {
    *direction = 0;
    if (m == 0 || n == 0)
        return 1;
    double u = 0; /* pairs in which x is the larger */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
    *direction = sign_of(u, (double)m, (double)n);
    if (binomial(m + n, m) <= 200000)
        return exact_enumerated(x, m, y, n);
    /* ties over the pooled sample */
    double *all = malloc((m + n) * sizeof *all);
    if (!all)
        return 1;
    for (size_t i = 0; i < m; i++)
        all[i] = x[i];
    for (size_t j = 0; j < n; j++)
        all[m + j] = y[j];
    qsort(all, m + n, sizeof *all, dbl_cmp);
    double ties = 0;
    for (size_t i = 0; i < m + n;) {
        size_t j = i;
        while (j < m + n && all[j] == all[i])
            j++;
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    free(all);
    if (ties == 0 && m * n <= 400) {
        double lo = exact_cdf(m, n, u), hi = 1 - exact_cdf(m, n, u - 1);
        double p = 2 * (lo < hi ? lo : hi);
        return p > 1 ? 1 : p;
    }
    return normal_p(u, (double)m, (double)n, ties);
}

double cli_mann_whitney_dist(const struct cli_dist *x, const struct cli_dist *y, int *direction) {
    double m = 0, n = 0, u = 0, ties = 0, below = 0; /* below: y's count under x's value */
    for (size_t j = 0; j < y->n; j++)
        n += (double)y->bins[j].c;
    size_t j = 0;
    for (size_t i = 0; i < x->n; i++) {
        double v = x->bins[i].v, cx = (double)x->bins[i].c, eq = 0;
        for (; j < y->n && y->bins[j].v < v; j++) {
            double t = (double)y->bins[j].c; /* a value only y has */
            below += t;
            ties += t * t * t - t;
        }
        if (j < y->n && y->bins[j].v == v)
            eq = (double)y->bins[j++].c;
        u += cx * (below + eq / 2);
        below += eq;
        m += cx;
        double t = cx + eq;
        ties += t * t * t - t;
    }
    for (; j < y->n; j++) {
        double t = (double)y->bins[j].c;
        ties += t * t * t - t;
    }
    *direction = sign_of(u, m, n);
    if (m == 0 || n == 0)
        return 1;
    return normal_p(u, m, n, ties);
}
