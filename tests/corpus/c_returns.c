/* Every way out records exactly once: early returns, falling off the end,
 * variadic functions, large and small structs returned by value, tail
 * calls, and functions inlined at -O2. Return values must not change. */
// EXPECT row c_returns::classify calls=40
// EXPECT row c_returns::fall_off calls=10
// EXPECT row c_returns::sum_ints calls=4
// EXPECT row c_returns::make_big calls=6
// EXPECT row c_returns::make_pair calls=6
// EXPECT row c_returns::tail_caller calls=5
// EXPECT row c_returns::tail_callee calls=5
// EXPECT row c_returns::loop_exit calls=8
// EXPECT row c_returns::tiny calls=1000
// EXPECT main null
#include <hotpath/hotpath.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct big {
    char text[64];
    long values[8];
};
struct pair {
    int a, b;
};

HOTPATH_MEASURE static int classify(int x) {
    if (x < 0)
        return -1;
    if (x == 0)
        return 0;
    if (x % 2)
        return 1;
    switch (x % 3) {
    case 0:
        return 30;
    case 1:
        return 31;
    }
    return 2;
}

static int counter;
HOTPATH_MEASURE static void fall_off(int x) {
    if (x > 5) {
        counter += 2;
        return;
    }
    counter++;
}

HOTPATH_MEASURE static int sum_ints(int n, ...) {
    va_list ap;
    int s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

HOTPATH_MEASURE static struct big make_big(int seed) {
    struct big b;
    memset(&b, 0, sizeof b);
    snprintf(b.text, sizeof b.text, "big-%d", seed);
    for (int i = 0; i < 8; i++)
        b.values[i] = (long)seed * i;
    if (seed > 3)
        return b;
    b.values[0] = -1;
    return b;
}

HOTPATH_MEASURE static struct pair make_pair(int a) {
    struct pair p = {a, a * 2};
    return p;
}

HOTPATH_MEASURE __attribute__((noinline)) static long tail_callee(long x) { return x * 7 + 1; }
HOTPATH_MEASURE static long tail_caller(long x) { return tail_callee(x + 1); }

HOTPATH_MEASURE static int loop_exit(int limit) {
    for (int i = 0;; i++) {
        if (i * i > limit)
            return i;
        if (i > 100)
            break;
    }
    return -1;
}

/* small enough to be inlined at -O2: still measured */
HOTPATH_MEASURE static inline int tiny(int x) { return x ^ 5; }

int main(void) {
    long total = 0;
    for (int i = -5; i < 35; i++)
        total += classify(i);
    for (int i = 0; i < 10; i++)
        fall_off(i);
    total += sum_ints(0) + sum_ints(1, 5) + sum_ints(3, 1, 2, 3) + sum_ints(5, 1, 1, 1, 1, 1);
    for (int i = 0; i < 6; i++) {
        struct big b = make_big(i);
        struct pair p = make_pair(i);
        total += b.values[7] + b.values[0] + (long)strlen(b.text) + p.a + p.b;
    }
    for (int i = 0; i < 5; i++)
        total += tail_caller(i);
    for (int i = 0; i < 8; i++)
        total += loop_exit(i * 10);
    for (int i = 0; i < 1000; i++)
        total += tiny(i);
    printf("total=%ld counter=%d\n", total, counter);
    return 0;
}
