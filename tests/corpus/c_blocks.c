/* Measured functions together with HOTPATH_BLOCK and the manual API in one
 * unit: the plugin's calls and the program's own share the runtime. */
// EXPECT row c_blocks::work calls=2
// EXPECT row inner_block calls=15
// EXPECT row manual_site calls=1
// EXPECT row manual_site self_ns<manual_site.total_ns
// EXPECT row c_blocks::work total_ns>=inner_block.total_ns
#include <hotpath/hotpath.h>
#include <stdio.h>

HOTPATH_MEASURE static int work(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        HOTPATH_BLOCK("inner_block") { s += i; }
    }
    return s;
}

static int manual(int x) {
    static struct hotpath_site site = HOTPATH_SITE_INIT("manual_site", HOTPATH_KIND_FUNCTION);
    uint64_t token = hotpath_enter(&site);
    x = work(x);
    hotpath_exit(&site, token);
    return x;
}

int main(void) {
    printf("%d\n", manual(10) + work(5));
    return 0;
}
