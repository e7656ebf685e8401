/* Labels must be non-empty narrow string literals: a wide one is refused
 * (it was read as its first byte), an empty one too (a row named ""); a
 * UTF-8 one and joined literals are labels. */
// ARGS: -std=gnu2x
#include <hotpath/hotpath.h>
[[hotpath::measure(L"wide")]] int a(void) { return 0; } // expected-error {{label given to .hotpath::measure. is a wide string literal: use a narrow \(.?"\.\.\.".?\) or UTF-8 \(.?u8"\.\.\.".?\) one}}
__attribute__((annotate("hotpath", u"x"))) int b(void) { return 0; } // expected-error {{label given to .annotate\("hotpath"\). is a wide string literal}}
HOTPATH_MEASURE_AS(U"x") int c(void) { return 0; } // expected-error {{is a wide string literal}}
HOTPATH_MEASURE_AS("") int d(void) { return 0; } // expected-error {{label given to .annotate\("hotpath"\). is empty: give the report row a name, or no label}}
[[hotpath::measure("")]] int e(void) { return 0; } // expected-error {{label given to .hotpath::measure. is empty}}
__attribute__((annotate("hotpath", 42))) int f(void) { return 0; } // expected-error {{label given to .annotate\("hotpath"\). must be a string literal$}}
[[hotpath::measure(u8"utf8" "joined")]] int g(void) { return 0; }
HOTPATH_MEASURE_AS("two " "parts") int h(void) { return 0; }
