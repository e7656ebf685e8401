/* The plugin argument sample=N: the period of every function the plugin
 * measures that has no "sample=N" of its own (selected by include= or
 * tagged), never of the main window. Read from the sites as c_sample.c
 * does (hotpath_enter wrapped at link time). Also the flag of the
 * functions include= selected (HOTPATH_FLAG_SELECTED, bit 0): set on
 * `selected` only; `own` matches include= too, but its tag wins. */
// ARGS: -std=gnu2x
// PLUGIN-ARGS: include=^c_sample_arg::(selected|own)$ min-size=0 sample=16
// LINK: -Wl,--wrap=hotpath_enter
// EXPECT row c_sample_arg::selected calls=50
// EXPECT row c_sample_arg::own calls=50
// EXPECT row c_sample_arg::tagged calls=50
// EXPECT stderr ^site c_sample_arg::selected kind=0 sample=16 selected=1$
// EXPECT stderr ^site c_sample_arg::own kind=0 sample=4 selected=0$
// EXPECT stderr ^site c_sample_arg::tagged kind=0 sample=16 selected=0$
// EXPECT stderr ^site c_sample_arg::main kind=2 sample=0 flags=0$
#include <hotpath/hotpath.h>
#include <stdio.h>

#ifdef __HOTPATH__
uint64_t __real_hotpath_enter(struct hotpath_site *site);
uint64_t __wrap_hotpath_enter(struct hotpath_site *site) {
    if (site->id == 0 && site->kind == HOTPATH_KIND_MAIN)
        fprintf(stderr, "site %s kind=%u sample=%u flags=%u\n", site->name, (unsigned)site->kind,
                (unsigned)HOTPATH_SITE_SAMPLE(site->flags), (unsigned)(site->flags & 0xffffu));
    else if (site->id == 0)
        fprintf(stderr, "site %s kind=%u sample=%u selected=%u\n", site->name,
                (unsigned)site->kind, (unsigned)HOTPATH_SITE_SAMPLE(site->flags),
                (unsigned)(site->flags & HOTPATH_FLAG_SELECTED));
    return __real_hotpath_enter(site);
}
#endif

__attribute__((noinline)) int selected(int x) { return x * 5; }
[[hotpath::measure("sample=4")]] __attribute__((noinline)) int own(int x) { return x + 9; }
HOTPATH_MEASURE __attribute__((noinline)) int tagged(int x) { return x - 2; }

[[hotpath::main]] int main(void) {
    volatile int sum = 0;
    for (int i = 0; i < 50; i++)
        sum += selected(i) + own(i) + tagged(i);
    printf("%d\n", sum);
    return 0;
}
