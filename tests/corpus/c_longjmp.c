/* setjmp/longjmp and noreturn: a measurement whose exit was skipped by
 * longjmp is dropped, completed calls count, and the runtime's state stays
 * right for the calls after. */
// EXPECT row c_longjmp::maybe_jump calls=5
// EXPECT row c_longjmp::middle calls=5
// EXPECT row c_longjmp::after calls=10
// EXPECT row c_longjmp::guarded calls=10
// EXPECT norow c_longjmp::bail_out
// EXPECT row c_longjmp::finish calls=1
#include <hotpath/hotpath.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;

HOTPATH_MEASURE __attribute__((noreturn, noinline)) static void bail_out(int code) {
    longjmp(env, code);
}

HOTPATH_MEASURE __attribute__((noinline)) static int maybe_jump(int i) {
    if (i % 2)
        bail_out(i + 1);
    return i;
}

HOTPATH_MEASURE __attribute__((noinline)) static int middle(int i) { return maybe_jump(i) + 1; }

HOTPATH_MEASURE __attribute__((noinline)) static int after(int i) { return i * 2; }

/* measured, and the function that calls setjmp */
HOTPATH_MEASURE __attribute__((noinline)) static int guarded(int i) {
    volatile int got = 0;
    int rc = setjmp(env);
    if (rc == 0)
        got = middle(i);
    else
        got = -rc;
    return got + after(i);
}

/* noreturn, measured, ends the program: its open measurement is not
 * recorded, and must not break the report made at exit */
HOTPATH_MEASURE __attribute__((noreturn)) static void leave(int code) {
    fflush(stdout);
    exit(code);
}

HOTPATH_MEASURE static int finish(int s) { return s + 1; }

int main(void) {
    int s = 0;
    for (int i = 0; i < 10; i++)
        s += guarded(i);
    s = finish(s);
    printf("s=%d\n", s);
    leave(3);
}
