/* A tag on a declaration after the definition comes too late: Clang's own
 * warning there (the function is compiled, unmeasured, at its definition). */
// ARGS: -std=gnu2x
#include <hotpath/hotpath.h>
int f(int x) { return x; }
HOTPATH_MEASURE int f(int x); // expected-warning {{attribute declaration must precede definition}}
int g(int x) { return x + 1; }
[[hotpath::measure]] int g(int x); // expected-warning {{attribute declaration must precede definition}}
/* tagged at the definition: the later tag changes nothing, no warning */
HOTPATH_MEASURE int h(int x) { return x + 2; }
HOTPATH_MEASURE int h(int x);
/* tagged before the definition: measured, no warning */
HOTPATH_MEASURE int k(int x);
int k(int x) { return x + 3; }
