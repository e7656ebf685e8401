/* -fplugin-arg-hotpath-include/exclude: functions measured with no source
 * edits; no_instrument_function opts out; runtime functions never. */
// PLUGIN-ARGS: include=^c_regex::(alpha|beta|third|opted_out|tagged) exclude=third min-size=0
// EXPECT row c_regex::alpha calls=3
// EXPECT row c_regex::beta calls=2
// EXPECT norow c_regex::third
// EXPECT norow c_regex::opted_out
// EXPECT norow c_regex::delta
// EXPECT norow c_regex::main
// EXPECT row c_regex::tagged_opted_out calls=1
#include <hotpath/hotpath.h>
#include <stdio.h>

__attribute__((noinline)) int alpha(int x) { return x + 1; }
__attribute__((noinline)) static int beta(int x) { return x * 2; }
__attribute__((noinline)) static int third(int x) { return x - 3; }
__attribute__((noinline)) static int delta(int x) { return x / 2; }
__attribute__((noinline, no_instrument_function)) static int opted_out(int x) { return x; }
/* an explicit tag wins over no_instrument_function */
HOTPATH_MEASURE __attribute__((noinline, no_instrument_function)) static int
tagged_opted_out(int x) {
    return x;
}

int main(void) {
    int s = alpha(1) + alpha(2) + alpha(3) + beta(1) + beta(2) + third(1) + delta(8);
    s += opted_out(1) + tagged_opted_out(2);
    printf("%d\n", s);
    return 0;
}
