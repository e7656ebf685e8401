/* longjmp into a function that is not measured (issue 17.4): main calls
 * setjmp, three measured frames are left by the jump, 3000 times. The
 * runtime drops them at the jump (it interposes longjmp), so the thread's
 * frame stack does not fill up (4096 frames) and a later call of the same
 * functions, from under a large stack frame, is an outermost call again:
 * exact counts, Total >= Self. */
// EXPECT row c_longjmp_main::a calls=10 total_ns>0 self_ns<=c_longjmp_main::a.total_ns
// EXPECT row c_longjmp_main::b calls=10 total_ns>0 self_ns<=c_longjmp_main::b.total_ns
// EXPECT row c_longjmp_main::c calls=10 total_ns>0 self_ns<=c_longjmp_main::c.total_ns
// EXPECT row c_longjmp_main::later calls=3000 total_ns>0 self_ns<=c_longjmp_main::later.total_ns
// EXPECT row c_longjmp_main::a total_ns>=c_longjmp_main::b.total_ns
// ENV: HOTPATH_COMPENSATE=0
// (raw figures: total_ns>0 checks that every call was timed, and these
// functions take about as long as the probe, which compensation takes out)
#include <hotpath/hotpath.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static volatile int jump = 1;
static volatile long sink;

HOTPATH_MEASURE __attribute__((noinline)) static void c(int i) {
    if (jump)
        longjmp(env, i + 1);
    sink += i;
}

HOTPATH_MEASURE __attribute__((noinline)) static void b(int i) { c(i); sink++; }

HOTPATH_MEASURE __attribute__((noinline)) static void a(int i) { b(i); sink++; }

HOTPATH_MEASURE __attribute__((noinline)) static void later(int i) { sink += i; }

/* Not measured, with a large frame: what it calls has its stack pointer
 * far below main's, which once made the frames longjmp had left look still
 * open, and a's call a recursion of them (Total 0). */
__attribute__((noinline)) static void via_big_frame(int i) {
    volatile char buf[8192];
    memset((char *)buf, i, sizeof buf);
    a(buf[i % sizeof buf]);
}

int main(void) {
    for (volatile int i = 0; i < 3000; i++) {
        if (setjmp(env) == 0)
            a(i);
        later(i);
    }
    jump = 0;
    for (int i = 0; i < 10; i++)
        via_big_frame(i);
    printf("%ld\n", sink > 0 ? 1L : 0L);
    return 0;
}
