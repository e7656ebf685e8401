/* Count-exact sampling through a site's flags (bits 16..31: the period the
 * source asks for), here written with the manual API's
 * HOTPATH_SAMPLED_SITE_INIT: every call counted, about 1 in 64 timed, inside
 * a function the plugin measures in full. (The estimated Total of such a
 * tiny function may exceed its caller's: each timed call holds the clock
 * reads' latency, which the untimed calls do not pay.) */
// EXPECT row sampled_tiny calls=100000
// EXPECT row sampled_tiny sample_period=64
// EXPECT row sampled_tiny timed_calls>=1200
// EXPECT row sampled_tiny timed_calls<=2000
// EXPECT row c_sampled::outer calls=1000
// EXPECT row c_sampled::outer self_ns<=c_sampled::outer.total_ns
// EXPECT dropped 0
#include <hotpath/hotpath.h>
#include <stdio.h>

static struct hotpath_site tiny_site =
    HOTPATH_SAMPLED_SITE_INIT("sampled_tiny", HOTPATH_KIND_FUNCTION, 64);
static volatile unsigned sink;

__attribute__((noinline)) static void tiny(unsigned i) {
    uint64_t t = hotpath_enter(&tiny_site);
    sink += i;
    hotpath_exit(&tiny_site, t);
}

HOTPATH_MEASURE __attribute__((noinline)) static void outer(unsigned k) {
    for (unsigned i = 0; i < 100; i++)
        tiny(i + k);
}

int main(void) {
    for (unsigned k = 0; k < 1000; k++)
        outer(k);
    printf("%u\n", sink);
    return 0;
}
