/* Per-thread records (threads.c) and the report's per-thread figures. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

TestSuite(thread_records);

static struct hotpath_site outer = HOTPATH_SITE_INIT("records::outer", HOTPATH_KIND_FUNCTION);
static struct hotpath_site inner = HOTPATH_SITE_INIT("records::inner", HOTPATH_KIND_FUNCTION);
static struct hotpath_site sampled =
    HOTPATH_SAMPLED_SITE_INIT("records::sampled", HOTPATH_KIND_FUNCTION, 8);

static void one_call(void) {
    uint64_t o = hotpath_enter(&outer);
    hotpath_exit(&inner, hotpath_enter(&inner));
    hotpath_exit(&sampled, hotpath_enter(&sampled));
    hotpath_exit(&outer, o);
}

/* For every row: the per-thread calls, total and self add up to the row's
 * exactly, and the thread rows' calls to the rows' calls. */
static void assert_figures_add_up(const struct hp_report *r) {
    uint64_t row_calls = 0, thread_calls = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const struct hp_row *row = &r->rows[i];
        uint64_t calls = 0, total = 0;
        int64_t self = 0;
        for (uint32_t k = 0; k < row->nper; k++) {
            const struct hp_thread_fig *f = &r->figs[row->first_per + k];
            cr_assert_lt(f->thread, r->nthreads);
            calls += f->calls;
            total += f->total;
            self += f->self;
        }
        cr_assert_eq(calls, row->calls, "%s: calls %lu per thread, %lu in the row", row->name,
                     (unsigned long)calls, (unsigned long)row->calls);
        cr_assert_eq(total, row->total, "%s: total %lu per thread, %lu in the row", row->name,
                     (unsigned long)total, (unsigned long)row->total);
        cr_assert_eq(self, (int64_t)row->self, "%s: self", row->name);
        row_calls += row->calls;
    }
    for (size_t i = 0; i < r->nthreads; i++)
        thread_calls += r->threads[i].calls;
    cr_assert_eq(thread_calls, row_calls);
}

static atomic_bool stop;
/* At least one call: a thread that the scheduler starts only after stop
 * (a loaded machine: once in a make test run) would have no record, and
 * the count of threads below would be 3. */
static void *call_until_stopped(void *arg) {
    (void)arg;
    do
        one_call();
    while (!atomic_load(&stop));
    return NULL;
}

Test(thread_records, per_thread_figures_add_up_while_threads_run) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, call_until_stopped, NULL);
    for (int i = 0; i < 1000; i++)
        one_call();
    for (int round = 0; round < 50; round++) {
        struct hp_report r;
        hp_report_collect(&r); /* the threads record meanwhile */
        assert_figures_add_up(&r);
        hp_report_free(&r);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    struct hp_report r;
    hp_report_collect(&r);
    assert_figures_add_up(&r);
    cr_assert_eq(r.nthreads, 4); /* three exited, the main thread live */
    size_t exited = 0;
    for (size_t i = 0; i < r.nthreads; i++)
        exited += r.threads[i].exited;
    cr_assert_eq(exited, 3);
    const struct hp_row *s = find_row(&r, "records::sampled");
    cr_assert(s && s->sampled); /* scaled figures add up too */
    hp_report_free(&r);
}

static void *named_thread(void *arg) {
    long i = (long)arg;
    char name[16];
    snprintf(name, sizeof name, i % 2 ? "odd" : "t-%ld", i);
    one_call(); /* named after its first measured call: the name at exit counts */
    pthread_setname_np(pthread_self(), name);
    one_call();
    return NULL;
}

Test(thread_records, past_64_threads_records_merge_by_name_then_into_one) {
    enum { N = 400 };
    for (long i = 0; i < N; i++) {
        pthread_t t;
        cr_assert_eq(pthread_create(&t, NULL, named_thread, (void *)i), 0);
        pthread_join(t, NULL);
    }
    hp_lock_enter();
    uint32_t nsingle = hp_trecs.nsingle, ngroups = hp_trecs.ngroups;
    bool other = hp_trecs.other != NULL;
    uint64_t bytes = hp_trecs.bytes;
    hp_lock_leave();
    cr_assert_eq(nsingle, HP_TREC_SINGLE);
    cr_assert_eq(ngroups, HP_TREC_GROUPS); /* "odd" and 63 of the even ones' names */
    cr_assert(other);
    cr_assert_leq(bytes, (uint64_t)HP_TREC_MAX * (384 + 96 * 3));

    struct hp_report r;
    hp_report_collect(&r);
    assert_figures_add_up(&r);
    cr_assert_eq(r.nthreads, HP_TREC_MAX);
    uint64_t threads = 0;
    const struct hp_thread_row *odd = NULL, *last = &r.threads[r.nthreads - 1];
    for (size_t i = 0; i < r.nthreads; i++) {
        threads += r.threads[i].nthreads;
        if (r.threads[i].group && strcmp(r.threads[i].name, "odd") == 0)
            odd = &r.threads[i];
    }
    cr_assert_eq(threads, N);
    cr_assert(last->other, "other threads comes last");
    cr_assert_not_null(odd);
    cr_assert_eq(odd->nthreads, (N - HP_TREC_SINGLE) / 2);
    cr_assert_eq(odd->calls, 3 * 2 * odd->nthreads);
    cr_assert_eq(r.thread_records_bytes, bytes);
    hp_report_free(&r);
}

Test(thread_records, the_threads_section_only_with_more_than_one_thread) {
    for (int i = 0; i < 10; i++)
        one_call();
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_eq(r.nthreads, 1);
    cr_assert_eq(r.threads[0].calls, 30);
    cr_assert_not(r.threads[0].exited);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    hp_report_write(f, &r, HP_FORMAT_TABLE);
    fclose(f);
    cr_assert_null(strstr(text, "Threads"), "%s", text);
    free(text);
    hp_report_free(&r);

    pthread_t t;
    pthread_create(&t, NULL, named_thread, (void *)1);
    pthread_join(t, NULL);
    hp_report_collect(&r);
    f = open_memstream(&text, &len);
    hp_report_write(f, &r, HP_FORMAT_TABLE);
    fclose(f);
    cr_assert_not_null(strstr(text, "[hotpath] Threads (2 rows)"), "%s", text);
    cr_assert_not_null(strstr(text, "| odd "), "%s", text);
    free(text);
    hp_report_free(&r);
}
