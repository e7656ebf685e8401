/* Percentiles read from the histogram against the exact sorted values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "support.h"

#define N 1000000
#define LO 1.0
#define HI 1e10 /* 10 s in ns */

static uint64_t *values;
static uint64_t *counts;

static void setup(void) {
    values = malloc(N * sizeof *values);
    counts = calloc(HP_HIST_BUCKETS, sizeof *counts);
    srand48(12345);
}
static void teardown(void) {
    free(values);
    free(counts);
}
TestSuite(histogram, .init = setup, .fini = teardown);

static double gaussian(void) {
    double u1 = drand48(), u2 = drand48();
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static uint64_t clamp(double v) {
    if (v < LO)
        v = LO;
    if (v > HI)
        v = HI;
    return (uint64_t)v;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Fills the histogram from values and checks every listed percentile. */
static void check_percentiles(const char *what) {
    uint64_t min = UINT64_MAX, max = 0;
    for (size_t i = 0; i < N; i++) {
        counts[hp_hist_index(values[i])]++;
        if (values[i] < min)
            min = values[i];
        if (values[i] > max)
            max = values[i];
    }
    qsort(values, N, sizeof *values, cmp_u64);
    cr_assert_eq(values[0], min);
    const double ps[] = {0, 1, 10, 50, 90, 95, 99, 99.9, 99.99, 100};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        uint64_t exact = values[hp_hist_rank(N, ps[k]) - 1];
        uint64_t got = hp_hist_percentile(counts, N, min, max, ps[k]);
        double err = fabs((double)got - (double)exact) / (double)exact;
        cr_expect_leq(err, 0.01, "%s p%g: histogram %llu, exact %llu (error %.4f%%)", what, ps[k],
                      (unsigned long long)got, (unsigned long long)exact, err * 100);
    }
}

Test(histogram, percentiles_within_one_percent_on_uniform) {
    for (size_t i = 0; i < N; i++)
        values[i] = clamp(LO + drand48() * (HI - LO));
    values[0] = 1; /* the span is the whole range */
    values[1] = (uint64_t)HI;
    check_percentiles("uniform");
}

Test(histogram, percentiles_within_one_percent_on_log_normal) {
    /* median 20 µs, sigma wide enough to reach both ends of the range */
    for (size_t i = 0; i < N; i++)
        values[i] = clamp(exp(log(2e4) + 2.5 * gaussian()));
    values[0] = 1;
    values[1] = (uint64_t)HI;
    check_percentiles("log-normal");
}

Test(histogram, percentiles_within_one_percent_on_bimodal) {
    /* a fast path around 80 ns and a slow one around 5 ms */
    for (size_t i = 0; i < N; i++) {
        double centre = drand48() < 0.7 ? 80.0 : 5e6;
        values[i] = clamp(exp(log(centre) + 0.6 * gaussian()));
    }
    values[0] = 1;
    values[1] = (uint64_t)HI;
    check_percentiles("bimodal");
}

Test(histogram, every_value_falls_inside_its_bucket) {
    for (int i = 0; i < 200000; i++) {
        uint64_t v = (uint64_t)lrand48() << (lrand48() % 40);
        uint32_t b = hp_hist_index(v);
        cr_assert_lt(b, HP_HIST_BUCKETS);
        if (v <= HP_HIST_MAX_VALUE) {
            cr_assert_geq(v, hp_hist_bucket_low(b), "v=%llu b=%u", (unsigned long long)v, b);
            cr_assert_lt(v, hp_hist_bucket_low(b) + hp_hist_bucket_width(b));
            /* the bucket's midpoint is within 1/128 of v */
            double mid = (double)hp_hist_bucket_low(b) + (double)hp_hist_bucket_width(b) / 2;
            cr_assert_leq(fabs(mid - (double)v) / (double)(v ? v : 1), 1.0 / 128 + 1e-12);
        }
    }
}

Test(histogram, small_values_are_exact_and_huge_ones_saturate) {
    for (uint64_t v = 0; v < 128; v++)
        cr_assert_eq(hp_hist_bucket_low(hp_hist_index(v)), v);
    cr_assert_eq(hp_hist_index(UINT64_MAX), HP_HIST_BUCKETS - 1);
    counts[hp_hist_index(UINT64_MAX)] = 2;
    cr_assert_eq(hp_hist_percentile(counts, 2, UINT64_MAX - 5, UINT64_MAX, 50), UINT64_MAX);
}

Test(histogram, nearest_rank) {
    cr_assert_eq(hp_hist_rank(1000000, 50), 500000);
    cr_assert_eq(hp_hist_rank(1000000, 99.9), 999000);
    cr_assert_eq(hp_hist_rank(10, 95), 10);
    cr_assert_eq(hp_hist_rank(10, 0), 1);
    cr_assert_eq(hp_hist_rank(10, 100), 10);
    cr_assert_eq(hp_hist_rank(3, 50), 2);
}

/* The record of one (site, thread) stays six cache lines (issue 16: 100,000
 * sites on one thread under 100 MB): the histogram is apart, in chunks. */
Test(histogram, memory_per_site_and_thread_is_bounded) {
    cr_assert_leq(sizeof(struct hp_site_stats), 384);
    cr_assert_eq(HP_HIST_GROUPS * HP_HIST_CHUNK >= HP_HIST_BUCKETS, 1);
    cr_assert_eq(sizeof(hp_hist_arena[0]) * HP_HIST_CHUNK, 128);
}

/* Each group's chunk reads back as it was given (hist_off holds them by
 * shift, groups 0 and 1 as one pair), and a duration's counter is in its
 * group's chunk, at its bucket: what record() computes in its fast path. */
Test(histogram, chunks_read_back_as_set_and_hold_their_buckets) {
    static struct hp_site_stats st;
    for (uint32_t g = 0; g < HP_HIST_GROUPS; g++)
        cr_assert_eq(hp_stats_chunk(&st, g), 0, "zeroed memory: no chunk");
    hp_stats_set_chunk(&st, 0, 20); /* the pair: 20 and 21 */
    cr_assert_eq(hp_stats_chunk(&st, 0), 20);
    cr_assert_eq(hp_stats_chunk(&st, 1), 21);
    hp_stats_set_chunk(&st, 1, 10); /* the same, from a duration of group 1 */
    for (uint32_t g = 2; g < HP_HIST_GROUPS; g++)
        hp_stats_set_chunk(&st, g, 100 + g);
    cr_assert_eq(hp_stats_chunk(&st, 0), 10);
    cr_assert_eq(hp_stats_chunk(&st, 1), 11);
    for (uint32_t g = 2; g < HP_HIST_GROUPS; g++)
        cr_assert_eq(hp_stats_chunk(&st, g), 100 + g);
    for (uint64_t v = 0; v <= HP_HIST_MAX_VALUE; v = v < 300 ? v + 1 : v * 3 + 1) {
        uint32_t b = hp_hist_index(v), s = 63u - (uint32_t)__builtin_clzll(v | 64u) - HP_HIST_SUB_BITS;
        uint32_t p = (uint32_t)(v >> s) + HP_LOAD(st.hist_off[s]);
        cr_assert_eq(p, hp_stats_chunk(&st, b / HP_HIST_CHUNK) * HP_HIST_CHUNK + b % HP_HIST_CHUNK,
                     "duration %llu", (unsigned long long)v);
    }
}

/* The per-thread histogram's 16-bit counters: a call that wraps one to 0
 * moves its 65,536 counts to the site's merged figures, so the report's
 * histogram still sums every call. Each counter the site uses is pushed to
 * 0xFFFF by hand (those counts are then expected too), so the next calls
 * wrap some of them. */
static struct hotpath_site s_wrap = HOTPATH_SITE_INIT("hist::wrap", HOTPATH_KIND_FUNCTION);

static uint64_t hist_sum(const char *name) {
    struct hp_report r;
    hp_report_collect(&r);
    uint64_t sum = 0;
    for (size_t i = 0; i < r.nrows; i++)
        if (strcmp(r.rows[i].name, name) == 0)
            for (uint32_t k = 0; k < r.rows[i].hist.nbuckets; k++)
                sum += r.buckets[r.rows[i].hist.first + k].count;
    hp_report_free(&r);
    return sum;
}

Test(histogram, sixteen_bit_counters_wrap_into_the_merged_figures) {
    for (int i = 0; i < 1000; i++)
        hotpath_exit(&s_wrap, hotpath_enter(&s_wrap));
    cr_assert_eq(hist_sum("hist::wrap"), 1000);
    struct hp_site_stats *st = hp_tls.by_id[s_wrap.id];
    cr_assert(st);
    uint64_t added = 0;
    int chunks = 0;
    for (uint32_t g = 0; g < HP_HIST_GROUPS; g++) {
        if (!hp_stats_chunk(st, g))
            continue;
        chunks++;
        for (uint32_t b = g * HP_HIST_CHUNK; b < (g + 1) * HP_HIST_CHUNK; b++) {
            uint16_t v = HP_LOAD(*hp_hist_counter(st, b));
            if (v) {
                added += 0xFFFFu - v;
                HP_STORE(*hp_hist_counter(st, b), 0xFFFF);
            }
        }
    }
    cr_assert_geq(chunks, 1);
    for (int i = 0; i < 1000; i++)
        hotpath_exit(&s_wrap, hotpath_enter(&s_wrap));
    cr_assert(hp_reg.agg[s_wrap.id] != NULL, "no counter wrapped into the merged figures");
    cr_assert_eq(hist_sum("hist::wrap"), 2000 + added);
    cr_assert_eq(calls_of("hist::wrap"), 2000);
}
