/* include= skips functions too small to measure meaningfully: leaf
 * functions without loops below min-size (default: 40 statements for GCC,
 * 80 IR instructions for Clang; see docs/usage.md). A loop, a call or a
 * tag keeps a function measured, whatever its size; the decision is made
 * on the body as written, before any inlining, at every -O level. */
// PLUGIN-ARGS: include=^c_min_size::
// EXPECT norow c_min_size::tiny
// EXPECT row c_min_size::tiny_loop calls=3
// EXPECT row c_min_size::caller calls=2
// EXPECT row c_min_size::big_leaf calls=4
// EXPECT row c_min_size::tagged_tiny calls=5
// EXPECT row c_min_size::main calls=1
// EXPECT rows 5
// Under -fsanitize=undefined Clang's front end puts UBSan's checks (and
// their calls to its handler) into tiny's IR before the plugin looks at
// it; the plugin does not count the handler blocks (instrument.cpp), so
// tiny stays unmeasured there too (8 IR instructions instead of 4).
#include <hotpath/hotpath.h>
#include <stdio.h>

/* a leaf without loops, a few statements: skipped */
static int tiny(int x) { return x + 1; }

/* as small, with a loop: measured */
static int tiny_loop(int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += i;
    return s;
}

/* as small, calls a function: measured */
static int caller(int x) { return tiny(x) * 2; }

/* a leaf without loops above the threshold (120 statements): measured */
static unsigned big_leaf(unsigned x) {
    x = (x ^ 1u) * 3u;
    x = (x ^ 8u) * 5u;
    x = (x ^ 15u) * 7u;
    x = (x ^ 22u) * 9u;
    x = (x ^ 29u) * 11u;
    x = (x ^ 36u) * 13u;
    x = (x ^ 43u) * 15u;
    x = (x ^ 50u) * 17u;
    x = (x ^ 57u) * 19u;
    x = (x ^ 64u) * 21u;
    x = (x ^ 71u) * 23u;
    x = (x ^ 78u) * 25u;
    x = (x ^ 85u) * 27u;
    x = (x ^ 92u) * 29u;
    x = (x ^ 99u) * 31u;
    x = (x ^ 106u) * 33u;
    x = (x ^ 113u) * 35u;
    x = (x ^ 120u) * 37u;
    x = (x ^ 127u) * 39u;
    x = (x ^ 134u) * 41u;
    x = (x ^ 141u) * 43u;
    x = (x ^ 148u) * 45u;
    x = (x ^ 155u) * 47u;
    x = (x ^ 162u) * 49u;
    x = (x ^ 169u) * 51u;
    x = (x ^ 176u) * 53u;
    x = (x ^ 183u) * 55u;
    x = (x ^ 190u) * 57u;
    x = (x ^ 197u) * 59u;
    x = (x ^ 204u) * 61u;
    return x;
}

/* tiny, but tagged: always measured */
HOTPATH_MEASURE static int tagged_tiny(int x) { return x - 1; }

int main(int argc, char **argv) {
    (void)argv;
    int s = 0;
    for (int i = 0; i < 3; i++)
        s += tiny(argc + i) + tiny_loop(argc + i * 10);
    s += caller(argc) + caller(argc + 1);
    unsigned u = 0;
    for (int i = 0; i < 4; i++)
        u += big_leaf((unsigned)(argc + i));
    for (int i = 0; i < 5; i++)
        s += tagged_tiny(argc + i);
    printf("%d %u\n", s, u);
    return 0;
}
