/* hotpath::main takes up to 16 percentiles (the runtime's limit; a 17th is
 * a compile error, see tests/diagnostics/): all 16 reach the report. */
// EXPECT main c_main_16_percentiles::main
// EXPECT percentiles 5,10,20,25,30,40,50,60,70,75,80,90,95,99,99.9,100
// EXPECT row c_main_16_percentiles::work calls=3
#include <hotpath/hotpath.h>
#include <stdio.h>

HOTPATH_MEASURE __attribute__((noinline)) static int work(int x) { return x * 3; }

HOTPATH_MAIN(5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 99, 99.9, "alloc", 100)
int main(void) {
    printf("%d\n", work(1) + work(2) + work(3));
    return 0;
}
