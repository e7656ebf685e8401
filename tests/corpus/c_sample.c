/* A function's "sample=N" reaches its site: bits 16..31 of struct
 * hotpath_site.flags (the sampling contract), in every spelling, through
 * every compiler and optimisation level; a main site's flags stay its own.
 * hotpath_enter is wrapped at link time (-Wl,--wrap) to read the site the
 * plugin emitted; the wrapper writes one line per site to stderr. Every
 * call is counted whatever the period (the main window's "alloc" times
 * every call; c_sample_report.c checks the runtime's side). */
// ARGS: -std=gnu2x
// LINK: -Wl,--wrap=hotpath_enter
// EXPECT main c_sample::main
// EXPECT row c_sample::every64 calls=1000
// EXPECT row labelled8 calls=100
// EXPECT row c_sample::by_macro calls=10
// EXPECT row by_macro_label calls=10
// EXPECT row c_sample::plain calls=10
// EXPECT row c_sample::annotated calls=10
// EXPECT stderr ^site c_sample::every64 kind=0 sample=64 low=0$
// EXPECT stderr ^site labelled8 kind=0 sample=8 low=0$
// EXPECT stderr ^site c_sample::by_macro kind=0 sample=65535 low=0$
// EXPECT stderr ^site by_macro_label kind=0 sample=3 low=0$
// EXPECT stderr ^site c_sample::plain kind=0 sample=0 low=0$
// EXPECT stderr ^site c_sample::annotated kind=0 sample=1 low=0$
// EXPECT stderr ^site c_sample::main kind=2 sample=0 low=1$
#include <hotpath/hotpath.h>
#include <stdio.h>

#ifdef __HOTPATH__
uint64_t __real_hotpath_enter(struct hotpath_site *site);
uint64_t __wrap_hotpath_enter(struct hotpath_site *site) {
    if (site->id == 0) /* not registered yet: its first call */
        fprintf(stderr, "site %s kind=%u sample=%u low=%u\n", site->name, (unsigned)site->kind,
                (unsigned)HOTPATH_SITE_SAMPLE(site->flags), (unsigned)(site->flags & 0xffffu));
    return __real_hotpath_enter(site);
}
#endif

#define PERIOD 65535

[[hotpath::measure("sample=64")]] static int every64(int x) { return x * 3; }
[[hotpath::measure("sample=8", "labelled8")]] static int eight(int x) { return x + 7; }
HOTPATH_MEASURE_SAMPLED(PERIOD) static int by_macro(int x) { return x ^ 5; }
HOTPATH_MEASURE_AS_SAMPLED("by_macro_label", 3) static int by_macro2(int x) { return x - 1; }
[[hotpath::measure]] static int plain(int x) { return x * 2; }
__attribute__((annotate("hotpath", "sample=1"))) static int annotated(int x) { return x | 1; }

[[hotpath::main(95, "alloc")]] int main(void) {
    volatile int sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += every64(i);
    for (int i = 0; i < 100; i++)
        sum += eight(i);
    for (int i = 0; i < 10; i++)
        sum += by_macro(i) + by_macro2(i) + plain(i) + annotated(i);
    printf("%d\n", sum);
    return 0;
}
