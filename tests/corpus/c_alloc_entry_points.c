/* Allocation tracking through the plugin: calloc (and its overflow, NULL
 * like glibc's and not counted), the memalign family (counted at the sizes
 * asked for: 1000 + 1024 + 500 + 100 + 100, whatever glibc rounds them up
 * to), a block
 * allocated before main by a constructor and freed in a measured function,
 * and cumulative figures. */
// ENV: HOTPATH_ALLOC=1 HOTPATH_ALLOC_CUMULATIVE=1
// SANITIZER-ENV: ASAN_OPTIONS=allocator_may_return_null=1 (the overflowing calloc is on purpose: NULL as from glibc, not ASan's calloc-overflow report)
// EXPECT alloc_mode cumulative
// EXPECT alloc c_alloc_entry_points::zeroed calls=1 bytes_total=1000 allocs=1 peak_live_bytes=1000 peak_allocs=1
// EXPECT alloc c_alloc_entry_points::aligned calls=1 allocs=5 peak_allocs=5 bytes_total=2724 peak_live_bytes=2724
// EXPECT alloc c_alloc_entry_points::frees_early calls=1 bytes_total=1000 allocs=1 peak_live_bytes=0 peak_allocs=0
// EXPECT alloc c_alloc_entry_points::all calls=1 allocs=7 peak_allocs=5 bytes_total=4724
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *volatile sink;
static void *early;

__attribute__((constructor)) static void before_main(void) { early = malloc(4088); }

__attribute__((annotate("hotpath"))) static void zeroed(void) {
    size_t huge = SIZE_MAX / 2 + 1;
    void *volatile none = calloc(huge, 4); /* overflows size_t */
    printf("calloc overflow: %s\n", none ? "a block" : "NULL");
    unsigned char *p = calloc(25, 40);
    int zero = 1;
    for (int i = 0; i < 1000; i++)
        zero &= p[i] == 0;
    printf("calloc zeroed: %d\n", zero);
    free(p);
}

__attribute__((annotate("hotpath"))) static void aligned(void) {
    void *a = NULL;
    int rc = posix_memalign(&a, 64, 1000);
    void *b = aligned_alloc(256, 1024);
    void *c = memalign(128, 500);
    void *d = valloc(100);
    void *e = pvalloc(100);
    void *volatile all[5] = {a, b, c, d, e}; /* used: not optimised away */
    size_t align[5] = {64, 256, 128, 4096, 4096};
    int ok = rc == 0;
    for (int i = 0; i < 5; i++)
        ok &= all[i] != NULL && (uintptr_t)all[i] % align[i] == 0;
    printf("aligned: %d\n", ok);
    for (int i = 0; i < 5; i++)
        free(all[i]);
}

/* frees the constructor's 4088 bytes, then allocates 1000: live bytes never
 * rise above the entry level (peak 0), 1000 bytes allocated */
__attribute__((annotate("hotpath"))) static void frees_early(void) {
    free(early);
    void *p = malloc(1000);
    sink = p;
    free(p);
}

__attribute__((annotate("hotpath"))) static void all(void) {
    zeroed();
    aligned();
    frees_early();
}

int main(void) {
    puts("start"); /* stdout's buffer: allocated here, not in zeroed() */
    all();
    return 0;
}
