/* Tail calls the compiler must keep (clang::musttail, where supported), a
 * label given by an object-like macro in the C2x spelling, and a measured
 * function that forwards its va_list. */
// ARGS: -std=gnu2x
// EXPECT row c_tailcalls::count_down calls=11
// EXPECT row c_tailcalls::bounce calls=11
// EXPECT row macro_label calls=4
// EXPECT row c_tailcalls::vsum calls=3
// EXPECT row c_tailcalls::sum calls=3
#include <hotpath/hotpath.h>
#include <stdarg.h>
#include <stdio.h>

#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(musttail)
#define MUSTTAIL __attribute__((musttail))
#endif
#endif
#ifndef MUSTTAIL
#define MUSTTAIL
#endif

/* 10 recursive tail calls plus the first call: 11 calls, 11 exits. */
HOTPATH_MEASURE __attribute__((noinline)) static long count_down(long n, long acc) {
    if (n == 0)
        return acc;
    MUSTTAIL return count_down(n - 1, acc + n);
}

static int bounce(int n);
__attribute__((noinline)) static int helper(int n) { return n <= 0 ? 0 : bounce(n - 1) + 1; }
[[hotpath::measure]] __attribute__((noinline)) static int bounce(int n) {
    MUSTTAIL return helper(n);
}

#define LABEL "macro_label"
[[hotpath::measure(LABEL)]] static int labelled(int x) { return x * 7; }

HOTPATH_MEASURE static int vsum(int n, va_list ap) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    return s;
}

HOTPATH_MEASURE static int sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int s = vsum(n, ap);
    va_end(ap);
    return s;
}

int main(void) {
    long t = count_down(10, 0);
    int b = bounce(10);
    int l = 0;
    for (int i = 0; i < 4; i++)
        l += labelled(i);
    int s = sum(3, 1, 2, 3) + sum(1, 10) + sum(0);
    printf("%ld %d %d %d\n", t, b, l, s);
    return 0;
}
