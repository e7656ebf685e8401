/* HOTPATH_BLOCK records once on every way out of the block. Built with
 * __HOTPATH__ defined, as a plugin would, so that the macros are live. */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

TestSuite(blocks);

Test(blocks, falling_out_records_once) {
    int x = 0;
    HOTPATH_BLOCK("fall") { x++; }
    cr_assert_eq(x, 1);
    cr_assert_eq(calls_of("fall"), 1u);
    cr_assert_eq(hp_tls.depth, 0u);
}

Test(blocks, break_records_once) {
    int after = 0;
    HOTPATH_BLOCK("brk") {
        if (after == 0)
            break;
        after = 99;
    }
    after++;
    cr_assert_eq(after, 1);
    cr_assert_eq(calls_of("brk"), 1u);
    cr_assert_eq(hp_tls.depth, 0u);
}

Test(blocks, continue_records_once) {
    int reached = 0;
    HOTPATH_BLOCK("cont") {
        if (!reached)
            continue;
        reached = 99;
    }
    cr_assert_eq(reached, 0);
    cr_assert_eq(calls_of("cont"), 1u);
}

static int returns_from_block(int v) {
    HOTPATH_BLOCK("ret") {
        if (v > 0)
            return v * 2;
    }
    return -1;
}

Test(blocks, return_records_once) {
    cr_assert_eq(returns_from_block(21), 42);
    cr_assert_eq(calls_of("ret"), 1u);
    cr_assert_eq(returns_from_block(0), -1);
    cr_assert_eq(calls_of("ret"), 2u);
    cr_assert_eq(hp_tls.depth, 0u);
}

Test(blocks, goto_records_once) {
    int n = 0;
    HOTPATH_BLOCK("jump") {
        n++;
        goto out;
    }
    n = 100;
out:
    cr_assert_eq(n, 1);
    cr_assert_eq(calls_of("jump"), 1u);
    cr_assert_eq(hp_tls.depth, 0u);
}

Test(blocks, blocks_in_a_loop_and_nested) {
    for (int i = 0; i < 1000; i++) {
        HOTPATH_BLOCK("loop_body") {
            HOTPATH_BLOCK("nested") { (void)i; }
        }
    }
    cr_assert_eq(calls_of("loop_body"), 1000u);
    cr_assert_eq(calls_of("nested"), 1000u);
    cr_assert_eq(hp_tls.depth, 0u);
}

static __attribute__((noinline)) void measured_callee(void) {
    static struct hotpath_site s = HOTPATH_SITE_INIT("callee", HOTPATH_KIND_FUNCTION);
    uint64_t t = hotpath_enter(&s);
    volatile char pad[64]; /* a frame of some size */
    pad[0] = 1;
    (void)pad[0];
    hotpath_exit(&s, t);
}

/* A measured call inside a block must not make the block look abandoned
 * (built at -O0 too, where nothing is inlined unless forced). */
Test(blocks, calls_inside_a_block_keep_it_open) {
    HOTPATH_BLOCK("outer_block") {
        for (int i = 0; i < 10; i++)
            measured_callee();
        cr_assert_eq(hp_tls.depth, 1u);
    }
    cr_assert_eq(calls_of("outer_block"), 1u);
    cr_assert_eq(calls_of("callee"), 10u);
}

Test(blocks, a_block_site_is_static_per_use) {
    for (int i = 0; i < 3; i++)
        HOTPATH_BLOCK("same") { (void)i; }
    HOTPATH_BLOCK("same") {}
    /* two uses of one label make one row: rows merge by name */
    cr_assert_eq(calls_of("same"), 4u);
}
