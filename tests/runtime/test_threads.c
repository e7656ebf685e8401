/* Counts are exact across threads, long- and short-lived. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "support.h"

TestSuite(threads);

static struct hotpath_site hot = HOTPATH_SITE_INIT("threads::hot", HOTPATH_KIND_FUNCTION);
static struct hotpath_site brief = HOTPATH_SITE_INIT("threads::brief", HOTPATH_KIND_FUNCTION);

static void *many_calls(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000000; i++)
        hotpath_exit(&hot, hotpath_enter(&hot));
    return NULL;
}

Test(threads, eight_threads_of_a_million_calls_count_exactly) {
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, many_calls, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *row = find_row(&r, "threads::hot");
    cr_assert_not_null(row);
    cr_assert_eq(row->calls, 8000000u);
    cr_assert_leq(row->min, row->avg);
    cr_assert_leq(row->avg, row->max);
    hp_report_free(&r);
}

/* Some threads still running at the report: their figures are included. */
static pthread_barrier_t started, finish;
static void *calls_then_wait(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++)
        hotpath_exit(&hot, hotpath_enter(&hot));
    pthread_barrier_wait(&started);
    pthread_barrier_wait(&finish);
    return NULL;
}

Test(threads, live_threads_are_included_in_the_report) {
    pthread_t t[4];
    pthread_barrier_init(&started, NULL, 5);
    pthread_barrier_init(&finish, NULL, 5);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, calls_then_wait, NULL);
    pthread_barrier_wait(&started);
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *row = find_row(&r, "threads::hot");
    cr_assert_not_null(row);
    cr_assert_eq(row->calls, 4000u);
    hp_report_free(&r);
    pthread_barrier_wait(&finish);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
}

static void *few_calls(void *arg) {
    (void)arg;
    for (int i = 0; i < 10; i++) {
        uint64_t outer = hotpath_enter(&brief);
        hotpath_exit(&hot, hotpath_enter(&hot));
        hotpath_exit(&brief, outer);
    }
    return NULL;
}

Test(threads, a_thousand_short_lived_threads_lose_nothing) {
    for (int round = 0; round < 10; round++) {
        pthread_t t[100];
        for (int i = 0; i < 100; i++)
            cr_assert_eq(pthread_create(&t[i], NULL, few_calls, NULL), 0);
        for (int i = 0; i < 100; i++)
            pthread_join(t[i], NULL);
    }
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *b = find_row(&r, "threads::brief"), *h = find_row(&r, "threads::hot");
    cr_assert_not_null(b);
    cr_assert_not_null(h);
    cr_assert_eq(b->calls, 10000u);
    cr_assert_eq(h->calls, 10000u);
    /* brief's self time leaves out hot's time */
    cr_assert_leq(b->self, b->total);
    hp_report_free(&r);
    /* every exited thread's state was merged and released */
    pthread_mutex_lock(&hp_lock);
    int live = 0;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        live++;
    pthread_mutex_unlock(&hp_lock);
    cr_assert_leq(live, 1, "%d thread states still listed", live);
}
