/* A program that takes its locale from the environment (setlocale(LC_ALL,
 * "")) under de_DE.UTF-8, where the decimal separator is a comma: the report
 * must still be valid JSON (json.load in the runner), and the percentiles of
 * hotpath::main, parsed after setlocale, must still be 50 and 99.9.
 * The program writes calls=3 to stderr only when the German locale is really
 * in force (locales-all installed), so that the test cannot pass without it. */
// ENV: LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8
// EXPECT main c_locale::main
// EXPECT percentiles 50,99.9
// EXPECT row c_locale::work calls=$stderr.calls min_ns>=1000000
// EXPECT row c_locale::work percentiles_ns.99.9>=1000000
// EXPECT rows 1
#include <hotpath/hotpath.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

HOTPATH_MEASURE static void work(void) {
    struct timespec ts = {0, 1234567};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

HOTPATH_MAIN(50, 99.9)
int main(void) {
    if (setlocale(LC_ALL, "") && strcmp(localeconv()->decimal_point, ",") == 0)
        fprintf(stderr, "calls=3\n");
    for (int i = 0; i < 3; i++)
        work();
    printf("done\n");
    return 0;
}
