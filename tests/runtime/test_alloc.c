/* Allocation tracking: exact figures for known allocation patterns. Bytes
 * are the sizes the program asked for, whatever glibc rounds them up to. */
#include <criterion/criterion.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing.h"

/* Under HOTPATH_SANITIZE (tests/runtime/CMakeLists.txt defines
 * HOTPATH_TEST_SANITIZER) the hooks forward to the sanitizer's allocator
 * and tracking steps aside, so the tests of allocation figures cannot hold
 * there: each is marked FIGURES and disabled in that build only. The tests
 * of behaviour (alignment checks, nothing counted while off, the
 * environment winning) run in both, and tracking_steps_aside_under_a_sanitizer
 * in the sanitized build only. */
#ifdef HOTPATH_TEST_SANITIZER
#define FIGURES .disabled = true, .description = "allocation figures: tracking steps aside under " \
                                                 HOTPATH_TEST_SANITIZER
#else
#define FIGURES .disabled = false
#endif

static void track(void) {
    hp_alloc_cumulative = false;
    hotpath_alloc_tracking(1);
}
TestSuite(alloc, .init = track);

static const struct hp_alloc_row *alloc_row(const struct hp_report *r, const char *name) {
    for (size_t i = 0; i < r->narows; i++)
        if (strcmp(r->arows[i].name, name) == 0)
            return &r->arows[i];
    return NULL;
}

/* Fetches the allocation row of `name` into *out; false if there is none. */
static bool figures(const char *name, struct hp_alloc_row *out) {
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_alloc_row *row = alloc_row(&r, name);
    if (row)
        *out = *row;
    hp_report_free(&r);
    return row != NULL;
}

#define SITE(var, name) static struct hotpath_site var = HOTPATH_SITE_INIT(name, HOTPATH_KIND_FUNCTION)
#define MEASURED(site, ...)                                                                        \
    do {                                                                                           \
        uint64_t tok_ = hotpath_enter(&site);                                                      \
        __VA_ARGS__;                                                                               \
        hotpath_exit(&site, tok_);                                                                 \
    } while (0)

SITE(s_thousand, "alloc::thousand");
static __attribute__((noinline)) void thousand(void) {
    MEASURED(s_thousand, {
        char *volatile p = malloc(1000);
        memset(p, 1, 1000);
        free(p);
    });
}

/* Bytes are what was asked for: malloc(4096) is 4096, not glibc's 4104;
 * the block kept past the call lowers live bytes by 4096 when freed. */
SITE(s_pages, "alloc::two_pages");
SITE(s_frees_page, "alloc::frees_a_page");
Test(alloc, malloc_4096_twice_counts_8192, FIGURES) {
    void *kept = NULL;
    MEASURED(s_pages, {
        void *volatile a = malloc(4096);
        kept = malloc(4096);
        free(a);
    });
    MEASURED(s_frees_page, {
        free(kept);
        void *volatile b = malloc(4000); /* 96 below the level at entry: no new peak */
        free(b);
    });
    struct hp_alloc_row r;
    cr_assert(figures("alloc::two_pages", &r));
    cr_assert_eq(r.bytes_total, 8192);
    cr_assert_eq(r.peak_bytes, 8192);
    cr_assert_eq(r.allocs, 2);
    cr_assert(figures("alloc::frees_a_page", &r));
    cr_assert_eq(r.bytes_total, 4000);
    cr_assert_eq(r.peak_bytes, 0, "live bytes went down by 4096 first");
}

/* realloc(p, 0) frees p (glibc's meaning), calloc counts n * size. */
SITE(s_realloc0, "alloc::realloc_zero");
Test(alloc, realloc_to_zero_frees_and_calloc_counts_the_product, FIGURES) {
    void *volatile q = (void *)1;
    MEASURED(s_realloc0, {
        void *p = calloc(3, 7);
        q = realloc(p, 0);
    });
    cr_assert_null(q);
    struct hp_alloc_row r;
    cr_assert(figures("alloc::realloc_zero", &r));
    cr_assert_eq(r.bytes_total, 21);
    cr_assert_eq(r.peak_bytes, 21);
    cr_assert_eq(r.allocs, 1);
    cr_assert_eq(r.peak_allocs, 1);
}

Test(alloc, malloc_and_free_of_1000_bytes, FIGURES) {
    thousand();
    struct hp_alloc_row r;
    cr_assert(figures("alloc::thousand", &r));
    cr_assert_eq(r.calls, 1);
    cr_assert_eq(r.bytes_total, 1000);
    cr_assert_eq(r.bytes_avg, 1000);
    cr_assert_eq(r.peak_bytes, 1000);
    cr_assert_eq(r.allocs, 1);
    cr_assert_eq(r.peak_allocs, 1);
}

SITE(s_outer, "alloc::outer");
SITE(s_inner, "alloc::inner");
static __attribute__((noinline)) void inner(void) {
    MEASURED(s_inner, {
        void *volatile b = malloc(2008);
        free(b);
    });
}
static __attribute__((noinline)) void outer(void) {
    MEASURED(s_outer, {
        void *volatile a = malloc(1000);
        inner();
        free(a);
    });
}

Test(alloc, nested_functions_exclusive, FIGURES) {
    outer();
    struct hp_alloc_row o, i;
    cr_assert(figures("alloc::outer", &o) && figures("alloc::inner", &i));
    cr_assert_eq(o.bytes_total, 1000);
    cr_assert_eq(o.allocs, 1);
    cr_assert_eq(o.peak_bytes, 1000, "the callee's peak is its own");
    cr_assert_eq(o.peak_allocs, 1);
    cr_assert_eq(i.bytes_total, 2008);
    cr_assert_eq(i.peak_bytes, 2008);
}

Test(alloc, nested_functions_cumulative, FIGURES) {
    hp_alloc_cumulative = true;
    outer();
    struct hp_alloc_row o, i;
    cr_assert(figures("alloc::outer", &o) && figures("alloc::inner", &i));
    cr_assert_eq(o.bytes_total, 3008);
    cr_assert_eq(o.allocs, 2);
    cr_assert_eq(o.peak_bytes, 3008);
    cr_assert_eq(o.peak_allocs, 2);
    cr_assert_eq(i.bytes_total, 2008);
}

/* A callee that returns a block, called after the caller reached its
 * peak and freed back below it: the caller's window, given back to it,
 * keeps that peak, and what it allocates next counts from its live bytes,
 * not from the peak. In exclusive mode the caller's peak leaves out the
 * callee's own high-water mark but counts what it left allocated. */
SITE(s_keeper, "alloc::keeper");
SITE(s_kept_by, "alloc::kept_by");
static __attribute__((noinline)) void *keeper(void) {
    void *volatile b;
    MEASURED(s_keeper, {
        void *volatile t = malloc(40008); /* gone before it returns */
        free(t);
        b = malloc(2008);
    });
    return b;
}
static __attribute__((noinline)) void kept_by(void) {
    MEASURED(s_kept_by, {
        void *volatile a = malloc(1000);
        void *volatile t = malloc(8008); /* the peak so far: 9008 */
        free(t);
        void *volatile b = keeper(); /* live 3008 */
        void *volatile c = malloc(1000); /* live 4008, below 9008 */
        free(c);
        free(b);
        free(a);
    });
}

Test(alloc, a_callee_leftover_in_the_exclusive_figures_of_its_caller, FIGURES) {
    kept_by();
    kept_by(); /* the same figures again: nothing left behind */
    struct hp_alloc_row o, i;
    cr_assert(figures("alloc::kept_by", &o) && figures("alloc::keeper", &i));
    cr_assert_eq(o.calls, 2);
    cr_assert_eq(o.bytes_total, 2 * 10008);
    cr_assert_eq(o.allocs, 2 * 3);
    cr_assert_eq(o.peak_bytes, 9008);
    cr_assert_eq(o.peak_allocs, 3, "a, b (left by keeper) and c");
    cr_assert_eq(i.bytes_total, 2 * (40008 + 2008));
    cr_assert_eq(i.peak_bytes, 40008);
    cr_assert_eq(i.peak_allocs, 1);
}

Test(alloc, a_callee_leftover_in_the_cumulative_figures_of_its_caller, FIGURES) {
    hp_alloc_cumulative = true;
    kept_by();
    kept_by();
    struct hp_alloc_row o, i;
    cr_assert(figures("alloc::kept_by", &o) && figures("alloc::keeper", &i));
    cr_assert_eq(o.bytes_total, 2 * (10008 + 42016));
    cr_assert_eq(o.allocs, 2 * 5);
    cr_assert_eq(o.peak_bytes, 1000 + 40008, "keeper's peak, over a");
    cr_assert_eq(o.peak_allocs, 3);
    cr_assert_eq(i.bytes_total, 2 * 42016);
    cr_assert_eq(i.peak_bytes, 40008);
}

SITE(s_rec, "alloc::recurse");
static __attribute__((noinline)) void recurse(int n) {
    MEASURED(s_rec, {
        void *volatile p = malloc(40);
        if (n > 0)
            recurse(n - 1);
        free(p);
    });
}

Test(alloc, recursion_is_not_double_counted_when_cumulative, FIGURES) {
    hp_alloc_cumulative = true;
    recurse(4); /* 5 activations of 40 bytes */
    struct hp_alloc_row r;
    cr_assert(figures("alloc::recurse", &r));
    cr_assert_eq(r.calls, 5);
    cr_assert_eq(r.bytes_total, 200, "only the outermost activation counts in the total");
    cr_assert_eq(r.allocs, 5);
    cr_assert_eq(r.peak_bytes, 200);
    cr_assert_eq(r.peak_allocs, 5);
}

Test(alloc, recursion_exclusive_counts_each_activation_once, FIGURES) {
    recurse(4);
    struct hp_alloc_row r;
    cr_assert(figures("alloc::recurse", &r));
    cr_assert_eq(r.bytes_total, 200);
    cr_assert_eq(r.bytes_avg, 40);
    cr_assert_eq(r.peak_bytes, 40);
}

SITE(s_realloc, "alloc::grow");
Test(alloc, realloc_counts_the_new_size_and_frees_the_old, FIGURES) {
    MEASURED(s_realloc, {
        char *p = malloc(20);
        p = realloc(p, 1000);
        p = realloc(p, 4000);
        p = realloc(p, 3000); /* shrinking: live bytes go down by 1000 */
        free(p);
    });
    struct hp_alloc_row r;
    cr_assert(figures("alloc::grow", &r));
    cr_assert_eq(r.allocs, 4);
    cr_assert_eq(r.bytes_total, 20 + 1000 + 4000 + 3000);
    cr_assert_eq(r.peak_bytes, 4000, "the old block is gone when the new one counts");
    cr_assert_eq(r.peak_allocs, 1);
}

SITE(s_calloc, "alloc::calloc");
/* volatile: the compiler would reject the overflow it can see */
static volatile size_t huge = SIZE_MAX / 2;

Test(alloc, calloc_overflow_returns_null_and_counts_nothing, FIGURES) {
    void *volatile p;
    MEASURED(s_calloc, {
        errno = 0;
        p = calloc(huge, 4);
    });
    cr_assert_null(p);
    cr_assert_eq(errno, ENOMEM);
    struct hp_alloc_row r;
    cr_assert(figures("alloc::calloc", &r));
    cr_assert_eq(r.allocs, 0);
    cr_assert_eq(r.bytes_total, 0);
    MEASURED(s_calloc, {
        p = calloc(125, 8); /* 1000 bytes, zeroed */
        for (int i = 0; i < 1000; i++)
            cr_assert_eq(((char *)p)[i], 0);
        free(p);
    });
    cr_assert(figures("alloc::calloc", &r));
    cr_assert_eq(r.allocs, 1);
    cr_assert_eq(r.bytes_total, 1000);
}

SITE(s_align, "alloc::aligned");
Test(alloc, memalign_family_is_counted_and_aligned, FIGURES) {
    void *a = NULL, *b, *c, *d, *e;
    uintptr_t addr[5];
    MEASURED(s_align, {
        cr_assert_eq(posix_memalign(&a, 64, 1000), 0);
        b = aligned_alloc(256, 1024);
        c = memalign(128, 500);
        d = valloc(100);
        e = pvalloc(100);
        void *all[5] = {a, b, c, d, e};
        for (int i = 0; i < 5; i++) {
            addr[i] = (uintptr_t)all[i];
            free(all[i]);
        }
    });
    cr_assert_eq(addr[0] % 64, 0);
    cr_assert_eq(addr[1] % 256, 0);
    cr_assert_eq(addr[2] % 128, 0);
    cr_assert_eq(addr[3] % 4096, 0);
    cr_assert_eq(addr[4] % 4096, 0);
    struct hp_alloc_row r;
    cr_assert(figures("alloc::aligned", &r));
    cr_assert_eq(r.allocs, 5);
    cr_assert_eq(r.bytes_total, 1000 + 1024 + 500 + 100 + 100);
    cr_assert_eq(r.peak_bytes, 1000 + 1024 + 500 + 100 + 100);
    cr_assert_eq(r.peak_allocs, 5);
}

Test(alloc, bad_alignments_are_refused_like_glibc) {
    void *p = (void *)1;
    cr_assert_eq(posix_memalign(&p, 3, 10), EINVAL);
    cr_assert_eq(posix_memalign(&p, 4, 10), EINVAL, "not a multiple of sizeof(void *)");
    cr_assert_eq(p, (void *)1, "left untouched");
    errno = 0;
    cr_assert_null(aligned_alloc(3, 10));
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(reallocarray(NULL, huge, 4));
    cr_assert_eq(errno, ENOMEM);
}

SITE(s_worker, "alloc::worker");
static void *allocating_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < 10000; i++)
        MEASURED(s_worker, {
            void *volatile p = malloc(1000);
            void *volatile q = malloc(24);
            free(p);
            free(q);
        });
    return NULL;
}

Test(alloc, eight_threads_allocating_have_exact_totals, FIGURES) {
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, allocating_thread, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    struct hp_alloc_row r;
    cr_assert(figures("alloc::worker", &r));
    cr_assert_eq(r.calls, 80000);
    cr_assert_eq(r.bytes_total, 80000ull * 1024);
    cr_assert_eq(r.allocs, 160000);
    cr_assert_eq(r.peak_bytes, 1024);
    cr_assert_eq(r.peak_allocs, 2);
}

/* Memory allocated by one thread and freed in a measured function of
 * another: the freeing thread's live bytes drop without corrupting a peak. */
static void *allocating_4088(void *arg) {
    (void)arg;
    return malloc(4088);
}
SITE(s_cross, "alloc::cross_thread");
Test(alloc, memory_allocated_by_another_thread, FIGURES) {
    pthread_t t;
    void *p;
    pthread_create(&t, NULL, allocating_4088, NULL);
    pthread_join(t, &p);
    MEASURED(s_cross, {
        free(p);
        void *volatile q = malloc(1000);
        free(q);
    });
    thousand();
    struct hp_alloc_row r;
    cr_assert(figures("alloc::cross_thread", &r));
    cr_assert_eq(r.bytes_total, 1000);
    cr_assert_eq(r.peak_bytes, 0);
    cr_assert(figures("alloc::thousand", &r));
    cr_assert_eq(r.peak_bytes, 1000);
}

static void *early;
__attribute__((constructor)) static void allocate_before_main(void) { early = malloc(4088); }
SITE(s_late, "alloc::frees_early_block");
Test(alloc, block_allocated_before_main_freed_in_a_measured_function, FIGURES) {
    MEASURED(s_late, {
        free(early);
        void *volatile p = malloc(1000);
        free(p);
    });
    struct hp_alloc_row r;
    cr_assert(figures("alloc::frees_early_block", &r));
    cr_assert_eq(r.bytes_total, 1000);
    cr_assert_eq(r.allocs, 1);
    cr_assert_eq(r.peak_bytes, 0, "live never rose above the entry level (4088 freed first)");
    thousand();
    cr_assert(figures("alloc::thousand", &r));
    cr_assert_eq(r.peak_bytes, 1000);
}

/* Blocks of a mapping of their own (glibc's mmap threshold is 128 KiB by
 * default) have a 16-byte chunk header: the hooks' slow path. */
SITE(s_large, "alloc::large");
Test(alloc, large_blocks_count_their_requested_size, FIGURES) {
    MEASURED(s_large, {
        void *volatile p = malloc(1 << 20);
        free(p);
        p = calloc(1, 300000);
        free(p);
    });
    struct hp_alloc_row r;
    cr_assert(figures("alloc::large", &r));
    cr_assert_eq(r.bytes_total, (1u << 20) + 300000u);
    cr_assert_eq(r.allocs, 2);
    cr_assert_eq(r.peak_allocs, 1);
    cr_assert_eq(r.peak_bytes, 1u << 20, "freed before the next one");
}

/* With tracking off no entry point counts, not even the rarely used ones. */
Test(alloc, no_entry_point_counts_while_off) {
    thousand(); /* the thread has a state: its counters would move */
    hotpath_alloc_tracking(0);
    uint64_t bytes = HP_LOAD(hp_tls.alloc.bytes), count = hp_tls.alloc.count;
    int64_t slack = hp_tls.alloc.slack, slack_count = hp_tls.alloc.slack_count;
    void *p[8] = {0};
    p[0] = malloc(100);
    p[1] = calloc(10, 10);
    p[2] = realloc(malloc(10), 1000);
    p[3] = memalign(64, 100);
    p[4] = aligned_alloc(64, 128);
    cr_assert_eq(posix_memalign(&p[5], 64, 100), 0);
    p[6] = valloc(100);
    p[7] = reallocarray(NULL, 10, 10);
    for (int i = 0; i < 8; i++) {
        cr_assert_not_null(p[i]);
        free(p[i]);
    }
    cr_assert_eq(HP_LOAD(hp_tls.alloc.bytes), bytes);
    cr_assert_eq(hp_tls.alloc.count, count);
    cr_assert_eq(hp_tls.alloc.slack, slack);
    cr_assert_eq(hp_tls.alloc.slack_count, slack_count);
}

Test(alloc, runtime_allocations_are_not_counted, FIGURES) {
    MEASURED(s_thousand, {
        struct hp_report r;
        hp_report_collect(&r); /* allocates through the runtime */
        hp_report_free(&r);
    });
    struct hp_alloc_row r;
    cr_assert(figures("alloc::thousand", &r));
    cr_assert_eq(r.allocs, 0);
}

SITE(s_forked, "alloc::in_child");
Test(alloc, fork_child_keeps_working_and_reports, .timeout = 20, FIGURES) {
    thousand();
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        MEASURED(s_forked, {
            void *volatile p = malloc(2008);
            free(p);
        });
        struct hp_alloc_row r;
        /* The parent's call before the fork is not the child's. */
        int ok = figures("alloc::in_child", &r) && r.bytes_total == 2008 &&
                 !figures("alloc::thousand", &r);
        _exit(ok ? 0 : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    thousand();
    struct hp_alloc_row r;
    cr_assert(figures("alloc::thousand", &r));
    cr_assert_eq(r.calls, 2);
    cr_assert_not(figures("alloc::in_child", &r));
}

Test(alloc, tracking_off_counts_nothing) {
    hotpath_alloc_tracking(0);
    thousand();
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_not(r.alloc);
    cr_assert_eq(r.narows, 0);
    hp_report_free(&r);
}

/* A main site can ask for tracking (hotpath::main(..., "alloc")); the
 * environment wins. */
static void untracked(void) {
    hotpath_alloc_tracking(0);
    unsetenv("HOTPATH_ALLOC");
    hp_config_load(stderr);
}
TestSuite(alloc_main, .init = untracked);

Test(alloc_main, a_main_flag_turns_tracking_on, FIGURES) {
    static struct hotpath_site m = {"alloc::main", __FILE__, __LINE__, HOTPATH_KIND_MAIN,
                                    0, HOTPATH_FLAG_ALLOC | HOTPATH_FLAG_ALLOC_CUMULATIVE,
                                    NULL, {0, 0}};
    cr_assert_not(hp_alloc_on);
    uint64_t t = hotpath_enter(&m);
    cr_assert(hp_alloc_on);
    cr_assert(hp_alloc_cumulative);
    outer();
    struct hp_alloc_row r;
    cr_assert(figures("alloc::outer", &r));
    cr_assert_eq(r.bytes_total, 3008);
    hotpath_exit(&m, t);
}

Test(alloc_main, the_environment_wins_over_the_main_flag) {
    setenv("HOTPATH_ALLOC", "off", 1);
    hp_config_load(stderr);
    static struct hotpath_site m = {"alloc::main", __FILE__, __LINE__, HOTPATH_KIND_MAIN,
                                    0, HOTPATH_FLAG_ALLOC, NULL, {0, 0}};
    uint64_t t = hotpath_enter(&m);
    cr_assert_not(hp_alloc_on);
    hotpath_exit(&m, t);
}

#ifdef HOTPATH_TEST_SANITIZER
/* What a sanitized program gets instead: asked for, tracking stays off and
 * nothing is counted; the hooks still hand out working, aligned blocks. */
Test(alloc, tracking_steps_aside_under_a_sanitizer) {
    cr_assert_not(hp_alloc_on, "tracking stays off under " HOTPATH_TEST_SANITIZER);
    thousand();
    void *p = aligned_alloc(256, 1024);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 256, 0);
    free(p);
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_not(r.alloc);
    cr_assert_eq(r.narows, 0);
    hp_report_free(&r);
}
#endif
