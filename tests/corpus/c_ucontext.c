/* swapcontext/makecontext coroutines switching inside measured functions
 * (issue 17): measurements that span a switch may be dropped, never crash
 * or corrupt the calls made without a switch, which stay exact. */
// EXPECT row c_ucontext::plain calls=1000 self_ns<=c_ucontext::plain.total_ns
// EXPECT row c_ucontext::in_coroutine calls=100 self_ns<=c_ucontext::in_coroutine.total_ns
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <ucontext.h>

static ucontext_t main_ctx, co_ctx;
static char co_stack[1 << 16];
static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void in_coroutine(int i) { sink += i; }

/* measured, and switches back to main from inside itself */
HOTPATH_MEASURE __attribute__((noinline)) static void yield_inside(int i) {
    in_coroutine(i);
    swapcontext(&co_ctx, &main_ctx);
}

static void coroutine(void) {
    for (int i = 0; i < 100; i++)
        yield_inside(i);
}

HOTPATH_MEASURE __attribute__((noinline)) static void resume(void) {
    swapcontext(&main_ctx, &co_ctx);
}

HOTPATH_MEASURE __attribute__((noinline)) static void plain(int i) { sink += i; }

int main(void) {
    getcontext(&co_ctx);
    co_ctx.uc_stack.ss_sp = co_stack;
    co_ctx.uc_stack.ss_size = sizeof co_stack;
    co_ctx.uc_link = &main_ctx;
    makecontext(&co_ctx, coroutine, 0);
    for (int i = 0; i < 100; i++) {
        resume();
        for (int j = 0; j < 10; j++)
            plain(j);
    }
    printf("%d\n", sink != 0);
    return 0;
}
