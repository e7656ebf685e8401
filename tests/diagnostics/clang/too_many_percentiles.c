/* At most 16 percentiles (the runtime's limit); options do not count. The
 * error is at the 17th. */
// ARGS: -std=gnu2x
#include <hotpath/hotpath.h>
HOTPATH_MAIN(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17) int a(void) { return 0; } // expected-error {{too many percentiles given to .annotate\("hotpath::main"\).: at most 16 are accepted}}
[[hotpath::main(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                99.9)]] int b(void) { return 0; } // expected-error {{too many percentiles given to .hotpath::main.: at most 16 are accepted}}
[[hotpath::main(1, 2, 3, 4, 5, 6, 7, 8, "alloc", 9, 10, 11, 12, 13, 14, 15, 16)]] int c(void) { return 0; }
