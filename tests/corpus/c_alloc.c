/* Allocation tracking through the plugin (HOTPATH_ALLOC=1): known patterns.
 * Bytes are the sizes asked for (malloc(4096) is 4096, not glibc's 4104). */
// ENV: HOTPATH_ALLOC=1
// EXPECT alloc c_alloc::thousand calls=10 bytes_total=10000 bytes_avg=1000 peak_live_bytes=1000 allocs=10 peak_allocs=1
// EXPECT alloc c_alloc::outer calls=1 bytes_total=1000 allocs=1 peak_live_bytes=1000
// EXPECT alloc c_alloc::inner calls=1 bytes_total=2008 peak_live_bytes=2008
// EXPECT alloc c_alloc::grow allocs=3 peak_allocs=1
// EXPECT alloc c_alloc::grow bytes_total>=5112
// EXPECT alloc c_alloc::frees_early bytes_total=0 peak_live_bytes=0 allocs=0
// EXPECT alloc c_alloc::recurse calls=5 bytes_total=200 bytes_avg=40
// EXPECT alloc c_alloc::string_copy allocs=1 bytes_total=33
// EXPECT alloc c_alloc::two_pages calls=7 bytes_total=57344 allocs=14 peak_live_bytes=8192 peak_allocs=2
// EXPECT row c_alloc::thousand calls=10
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

HOTPATH_MEASURE static void thousand(void) {
    sink = malloc(1000);
    memset(sink, 1, 1000);
    free(sink);
}

HOTPATH_MEASURE static void inner(void) {
    sink = malloc(2008);
    free(sink);
}

HOTPATH_MEASURE static void outer(void) {
    void *a = malloc(1000);
    sink = a;
    inner(); /* exclusive by default: not outer's */
    free(a);
}

HOTPATH_MEASURE static size_t grow(void) {
    char *p = malloc(24);
    sink = p; /* escaped: no compiler may drop the calls */
    p = realloc(p, 1000);
    sink = p;
    p = realloc(p, 4088);
    sink = p;
    size_t n = p ? 4088 : 0;
    free(p);
    return n;
}

static void *early;
HOTPATH_MEASURE static void frees_early(void) { free(early); }

HOTPATH_MEASURE static void recurse(int n) {
    void *p = malloc(40);
    sink = p;
    if (n > 0)
        recurse(n - 1);
    free(p);
}

HOTPATH_MEASURE static void two_pages(void) {
    void *volatile a = malloc(4096), *volatile b = malloc(4096);
    free(a);
    free(b);
}

HOTPATH_MEASURE static size_t string_copy(const char *s) {
    char *d = strdup(s); /* glibc's strdup calls the interposed malloc */
    size_t n = strlen(d);
    free(d);
    return n;
}

int main(void) {
    early = malloc(4088); /* before any measured call */
    for (int i = 0; i < 10; i++)
        thousand();
    outer();
    printf("%zu\n", grow());
    frees_early();
    recurse(4);
    printf("%zu\n", string_copy("thirty-two bytes of text here..."));
    for (int i = 0; i < 7; i++)
        two_pages();
    return 0;
}
