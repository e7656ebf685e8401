/* test_stats.c — the Mann-Whitney U p-values of cli/stats.c against values
 * counted by hand from the null distribution of U. */
#include <criterion/criterion.h>
#include <math.h>

#include "stats.h"

TestSuite(stats);

/* 5 vs 5, complete separation: U = 0; two arrangements of 252 are as far. */
Test(stats, complete_separation_of_five_runs_is_2_in_252) {
    double x[] = {1, 2, 3, 4, 5}, y[] = {6, 7, 8, 9, 10};
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 5, y, 5, &dir), 2.0 / 252, 1e-12);
    cr_assert_eq(dir, 1, "y is the larger side");
    cr_assert_float_eq(cli_mann_whitney(y, 5, x, 5, &dir), 2.0 / 252, 1e-12);
    cr_assert_eq(dir, -1);
}

/* U = 2: the counts of U = 0, 1, 2 are 1, 1, 2, so p = 2 * 4 / 252. */
Test(stats, u_of_2_at_five_runs_is_8_in_252) {
    double x[] = {1, 2, 3, 4, 7}, y[] = {5, 6, 8, 9, 10};
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 5, y, 5, &dir), 8.0 / 252, 1e-12);
}

/* Four runs a side can never reach 1%: the smallest p is 2/70. */
Test(stats, four_runs_a_side_cannot_reach_one_percent) {
    double x[] = {1, 2, 3, 4}, y[] = {5, 6, 7, 8};
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 4, y, 4, &dir), 2.0 / 70, 1e-12);
}

/* Ties within each side (a p50 that lands in the same bucket every run)
 * still separate completely: 2/252, not the normal approximation's 0.012. */
Test(stats, ties_within_sides_keep_the_exact_value) {
    double x[] = {100, 100, 100, 101, 101}, y[] = {120, 120, 121, 121, 121};
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 5, y, 5, &dir), 2.0 / 252, 1e-12);
}

Test(stats, identical_samples_give_one) {
    double x[] = {5, 5, 5, 5, 5}, y[] = {5, 5, 5, 5, 5};
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 5, y, 5, &dir), 1.0, 1e-12);
    cr_assert_eq(dir, 0);
}

/* 11 vs 12 is past the enumeration (C(23,11) > 200000): the Gaussian
 * binomial gives complete separation exactly 2 / C(23,11). */
Test(stats, larger_samples_without_ties_use_the_exact_distribution) {
    double x[11], y[12];
    for (int i = 0; i < 11; i++)
        x[i] = i;
    for (int i = 0; i < 12; i++)
        y[i] = 100 + i;
    int dir;
    cr_assert_float_eq(cli_mann_whitney(x, 11, y, 12, &dir), 2.0 / 1352078, 1e-15);
}

/* Calls from two histograms: the same distribution gives p = 1; one moved
 * by a bucket gives a tiny p and says which way. */
Test(stats, distributions_of_calls) {
    struct cli_bin a[] = {{100, 500}, {110, 500}}, b[] = {{110, 500}, {120, 500}};
    struct cli_dist x = {2, 2, a}, y = {2, 2, b};
    int dir;
    cr_assert_float_eq(cli_mann_whitney_dist(&x, &x, &dir), 1.0, 1e-9);
    cr_assert_eq(dir, 0);
    double p = cli_mann_whitney_dist(&x, &y, &dir);
    cr_assert_lt(p, 1e-6);
    cr_assert_eq(dir, 1);
}

Test(stats, median) {
    double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2};
    cr_assert_float_eq(cli_median(odd, 3), 2.0, 1e-12);
    cr_assert_float_eq(cli_median(even, 4), 2.5, 1e-12);
}
