/* Nesting, self time, recursion and frames skipped by longjmp. */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <string.h>

#include "support.h"

TestSuite(nesting);

static struct hotpath_site s_outer = HOTPATH_SITE_INIT("nest::outer", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_inner = HOTPATH_SITE_INIT("nest::inner", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_rec = HOTPATH_SITE_INIT("nest::recurse", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_jump = HOTPATH_SITE_INIT("nest::jumper", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_after = HOTPATH_SITE_INIT("nest::after", HOTPATH_KIND_FUNCTION);

static volatile uint64_t sink;
static void spin(int n) {
    for (int i = 0; i < n; i++)
        sink += (uint64_t)i;
}

static __attribute__((noinline)) void inner(void) {
    uint64_t t = hotpath_enter(&s_inner);
    spin(20000);
    hotpath_exit(&s_inner, t);
}

static __attribute__((noinline)) void outer(void) {
    uint64_t t = hotpath_enter(&s_outer);
    spin(10000);
    inner();
    inner();
    hotpath_exit(&s_outer, t);
}

/* Rounding each figure to whole nanoseconds may cost up to 1 ns per term. */
#define NS_SLACK 4

Test(nesting, self_times_add_up_to_the_outer_total) {
    for (int i = 0; i < 100; i++)
        outer();
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *o = find_row(&r, "nest::outer"), *in = find_row(&r, "nest::inner");
    cr_assert(o && in);
    cr_assert_eq(o->calls, 100u);
    cr_assert_eq(in->calls, 200u);
    cr_assert_eq(in->self, in->total);
    cr_assert_lt(o->self, o->total);
    int64_t diff = (int64_t)(o->self + in->self) - (int64_t)o->total;
    cr_assert_leq(diff < 0 ? -diff : diff, NS_SLACK, "outer self %llu + inner self %llu vs %llu",
                  (unsigned long long)o->self, (unsigned long long)in->self,
                  (unsigned long long)o->total);
    /* rows come sorted by total, largest first */
    cr_assert_eq(&r.rows[0], o);
    hp_report_free(&r);
}

static __attribute__((noinline)) void recurse(int depth) {
    uint64_t t = hotpath_enter(&s_rec);
    spin(1000);
    if (depth > 0)
        recurse(depth - 1);
    hotpath_exit(&s_rec, t);
}

Test(nesting, recursion_is_counted_once_in_total) {
    uint64_t a = hp_now();
    recurse(9); /* 10 activations */
    uint64_t elapsed = hp_ticks_to_ns(hp_now() - a);
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *row = find_row(&r, "nest::recurse");
    cr_assert_not_null(row);
    cr_assert_eq(row->calls, 10u);
    /* total is the outermost activation only: not more than the wall time */
    cr_assert_leq(row->total, elapsed);
    /* the outermost activation is the longest: it is the max */
    int64_t d = (int64_t)row->total - (int64_t)row->max;
    cr_assert_leq(d < 0 ? -d : d, NS_SLACK);
    /* self covers every activation's own work once: equals the total */
    d = (int64_t)row->self - (int64_t)row->total;
    cr_assert_leq(d < 0 ? -d : d, NS_SLACK);
    /* Avg is over all activations, so it is below the outermost one */
    cr_assert_lt(row->avg, row->max);
    cr_assert_leq(row->percent_total, 100.0);
    hp_report_free(&r);
}

static jmp_buf jb;
static __attribute__((noinline)) void jumper(void) {
    uint64_t t = hotpath_enter(&s_jump);
    longjmp(jb, 1);
    hotpath_exit(&s_jump, t);
}

Test(nesting, frames_skipped_by_longjmp_are_dropped) {
    for (volatile int i = 0; i < 10000; i++)
        if (!setjmp(jb))
            jumper();
    /* The stale frames do not pile up: the next measurement sees them. */
    uint64_t t = hotpath_enter(&s_after);
    cr_assert_eq(hp_tls.depth, 1u);
    hotpath_exit(&s_after, t);
    cr_assert_eq(hp_tls.depth, 0u);
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_null(find_row(&r, "nest::jumper"), "a call left by longjmp has no duration");
    const struct hp_row *after = find_row(&r, "nest::after");
    cr_assert(after && after->calls == 1);
    cr_assert_eq(r.dropped, 0u);
    hp_report_free(&r);
}

static volatile int do_jump = 1;
static __attribute__((noinline)) void jump_from_inside(int n) {
    uint64_t t = hotpath_enter(&s_inner);
    if (n > 0)
        jump_from_inside(n - 1);
    else if (do_jump)
        longjmp(jb, 1);
    hotpath_exit(&s_inner, t);
}

Test(nesting, longjmp_drops_the_frames_it_leaves_and_keeps_its_targets) {
    uint64_t t = hotpath_enter(&s_outer); /* opened by the function that calls setjmp */
    if (!setjmp(jb))
        jump_from_inside(5);
    cr_assert_eq(hp_tls.depth, 1u, "the 6 frames left by longjmp are gone, outer is open");
    hotpath_exit(&s_outer, t);
    cr_assert_eq(hp_tls.depth, 0u);
    cr_assert_eq(calls_of("nest::outer"), 1u);
    cr_assert_eq(calls_of("nest::inner"), 0u, "no row: nothing recorded");
}

/* A jump the runtime does not see (GCC's builtin, not the C library's
 * longjmp): the enclosing exit finds the frames above its own. */
static void *bjb[5];
static __attribute__((noinline)) void builtin_jump_from_inside(int n) {
    uint64_t t = hotpath_enter(&s_inner);
    if (n > 0)
        builtin_jump_from_inside(n - 1);
    else if (do_jump)
        __builtin_longjmp(bjb, 1);
    hotpath_exit(&s_inner, t);
}

static __attribute__((noinline)) void enter_and_builtin_jump(void) {
    if (!__builtin_setjmp(bjb))
        builtin_jump_from_inside(5);
}

Test(nesting, an_enclosing_exit_discards_frames_left_by_a_jump_it_did_not_see) {
    uint64_t t = hotpath_enter(&s_outer);
    enter_and_builtin_jump();
    cr_assert_eq(hp_tls.depth, 7u); /* outer + 6 abandoned */
    hotpath_exit(&s_outer, t);
    cr_assert_eq(hp_tls.depth, 0u);
    cr_assert_eq(calls_of("nest::outer"), 1u);
    cr_assert_eq(calls_of("nest::inner"), 0u, "no row: nothing recorded");
}

Test(nesting, mismatched_exit_is_ignored) {
    uint64_t t = hotpath_enter(&s_outer);
    hotpath_exit(&s_inner, t); /* wrong site: not recorded */
    hotpath_exit(&s_outer, 12345);
    hotpath_exit(&s_outer, t);
    cr_assert_eq(hp_tls.depth, 0u);
    cr_assert_eq(calls_of("nest::outer"), 1u);
    cr_assert_eq(calls_of("nest::inner"), 0u, "no row: nothing recorded");
}
